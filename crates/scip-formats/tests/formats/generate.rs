//! Random scenarios for property tests: every inject type, optional fields set or not, extra
//! fields, turns, and text full of the characters that break formats (commas, quotes, line
//! breaks, apostrophes, formula signs, YAML indicators, unicode, control characters).
//!
//! The scenarios are canonical, as readers produce them: optional text is absent or
//! non-empty, names are not blank, extra fields never reuse a modelled field's name.

use std::collections::BTreeMap;

use proptest::prelude::*;
use scip_core::model::{
    Alert, Content, Email, Engagement, ExtraFields, InjectType, Intel, MediaItem, News, Sms, Social,
};
use scip_core::{Inject, InjectId, Mode, Priority, Scenario, ScenarioId, Team, TeamId, TeamKind};
use scip_formats::FileSet;

const NASTY: &[&str] = &[
    ",", "\"", "\n", "\r\n", "'", "=", "-", "@", "+", "#", ": ", "- ", "yes", "null", "~", "01:30",
    "é", "漢字", "😀", "\t", " ", "_x0041_", "|", ">", "{", "[", "&", "*", "!", "%", "\\", "0x1F",
    "1e3", "\u{1}", "\u{7f}", "\u{a0}", "TRUE", ";", "<b>", "--", "...",
];

/// Text of up to a few pieces, possibly empty.
pub fn odd_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(NASTY).prop_map(str::to_owned),
            3 => "[a-zA-Z0-9 ]{1,8}",
            1 => "\\PC{1,6}",
        ],
        0..5,
    )
    .prop_map(|parts| parts.concat())
}

/// Text with at least one character.
pub fn some_text() -> impl Strategy<Value = String> {
    odd_text().prop_filter("non-empty", |s| !s.is_empty())
}

/// Text that is not blank.
fn name_text() -> impl Strategy<Value = String> {
    odd_text().prop_filter("not blank", |s| !s.trim().is_empty())
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(some_text())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        odd_text().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        prop::collection::vec(odd_text(), 0..3).prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
    ]
}

fn extra(kind: InjectType) -> impl Strategy<Value = ExtraFields> {
    prop::collection::btree_map("[a-z_]{1,8}", json_value(), 0..3).prop_map(move |mut map| {
        for spec in kind.fields() {
            map.remove(spec.name);
        }
        map.remove("engagement");
        map
    })
}

fn content() -> impl Strategy<Value = Content> {
    prop_oneof![
        (
            odd_text(),
            odd_text(),
            odd_text(),
            opt_text(),
            opt_text(),
            any::<bool>(),
            extra(InjectType::News)
        )
            .prop_map(
                |(headline, body, source, author, location, breaking, extra)| Content::News(News {
                    headline,
                    body,
                    source,
                    author,
                    location,
                    breaking,
                    extra,
                })
            ),
        (
            prop::option::of(prop_oneof![
                prop::sample::select(scip_core::model::PLATFORMS).prop_map(str::to_owned),
                some_text()
            ]),
            odd_text(),
            opt_text(),
            odd_text(),
            opt_text(),
            prop::array::uniform4(prop::option::of(any::<u64>())),
            extra(InjectType::Social),
        )
            .prop_map(
                |(platform, handle, display_name, body, headline, counts, extra)| {
                    Content::Social(Social {
                        platform,
                        handle,
                        display_name,
                        body,
                        headline,
                        engagement: Engagement {
                            likes: counts[0],
                            shares: counts[1],
                            replies: counts[2],
                            views: counts[3],
                        },
                        extra,
                    })
                }
            ),
        (
            odd_text(),
            opt_text(),
            opt_text(),
            odd_text(),
            odd_text(),
            opt_text(),
            extra(InjectType::Email)
        )
            .prop_map(|(from, to, cc, subject, body, classification, extra)| {
                Content::Email(Email {
                    from,
                    to,
                    cc,
                    subject,
                    body,
                    classification,
                    extra,
                })
            }),
        (odd_text(), opt_text(), odd_text(), extra(InjectType::Sms)).prop_map(
            |(from, to, body, extra)| Content::Sms(Sms {
                from,
                to,
                body,
                extra
            })
        ),
        (
            odd_text(),
            odd_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            extra(InjectType::Intel)
        )
            .prop_map(
                |(headline, body, source, classification, report_id, extra)| Content::Intel(
                    Intel {
                        headline,
                        body,
                        source,
                        classification,
                        report_id,
                        extra,
                    }
                )
            ),
        (opt_text(), odd_text(), odd_text(), extra(InjectType::Alert)).prop_map(
            |(severity, title, message, extra)| Content::Alert(Alert {
                severity,
                title,
                message,
                extra
            })
        ),
        (odd_text(), opt_text(), extra(InjectType::Media)).prop_map(|(title, caption, extra)| {
            Content::Media(MediaItem {
                title,
                caption,
                extra,
            })
        }),
    ]
}

/// Media file names injects pick from.
pub const MEDIA_NAMES: &[&str] = &[
    "harbour.png",
    "map-1.jpg",
    "clip.mp4",
    "brief.pdf",
    "card_2.svg",
];

fn inject(id: String, turns: Option<u32>) -> impl Strategy<Value = Inject> {
    let turn = match turns {
        Some(n) => (1..=n).prop_map(Some).boxed(),
        None => Just(None).boxed(),
    };
    (
        turn,
        prop_oneof![
            (0u64..7_200).prop_map(|s| s * 1000),
            0u64..scip_core::tplus::MAX_MS
        ],
        prop::sample::select(&Priority::ALL[..]),
        content(),
        prop::collection::vec(
            prop::sample::select(MEDIA_NAMES).prop_map(str::to_owned),
            0..3,
        ),
        prop::option::of(name_text()),
        prop::option::of(name_text()),
    )
        .prop_map(
            move |(turn, at_ms, priority, content, media, notes, expected_action)| Inject {
                id: InjectId::new(id.clone()).expect("generated ids are valid"),
                at_ms,
                turn,
                priority,
                content,
                media,
                notes,
                expected_action,
            },
        )
}

fn timeline(turns: Option<u32>) -> impl Strategy<Value = Vec<Inject>> {
    prop::collection::btree_set("[A-Za-z0-9][A-Za-z0-9._-]{0,10}", 0..6)
        .prop_flat_map(move |ids| {
            ids.into_iter()
                .map(|id| inject(id, turns))
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
}

fn team(id: String, turns: Option<u32>) -> impl Strategy<Value = Team> {
    (
        name_text(),
        "#[0-9a-f]{6}",
        prop::sample::select(&[TeamKind::Player, TeamKind::Public][..]),
        prop::option::of(1024u16..),
        prop::option::of(name_text()),
        prop::option::of("[1-9][0-9]{0,3}[mg]"),
        prop::option::of(any::<i64>()),
        timeline(turns),
    )
        .prop_map(
            move |(name, color, kind, port, description, memory_limit, cpu_quota, timeline)| Team {
                id: TeamId::new(id.clone()).expect("generated ids are valid"),
                name,
                color,
                kind,
                dashboard_port: port,
                resources: scip_core::model::TeamResources {
                    memory_limit,
                    cpu_quota,
                },
                description,
                timeline,
            },
        )
}

/// A random scenario.
pub fn scenario() -> impl Strategy<Value = Scenario> {
    let mode = prop_oneof![
        Just(Mode::Clock),
        (1u32..5, prop::option::of(0u64..scip_core::tplus::MAX_MS)).prop_map(
            |(total_turns, turn_length_ms)| Mode::Turns {
                total_turns,
                turn_length_ms
            }
        ),
    ];
    (
        "[a-z0-9][a-z0-9-]{0,15}",
        odd_text(),
        odd_text(),
        prop::option::of(0u64..scip_core::tplus::MAX_MS),
        mode,
        prop::collection::btree_set("[a-z0-9][a-z0-9-]{0,10}", 1..4),
    )
        .prop_flat_map(|(id, name, description, duration_ms, mode, team_ids)| {
            let turns = mode.total_turns();
            let teams: Vec<_> = team_ids.into_iter().map(|t| team(t, turns)).collect();
            (Just((id, name, description, duration_ms, mode)), teams)
        })
        .prop_map(
            |((id, name, description, duration_ms, mode), teams)| Scenario {
                id: ScenarioId::new(id).expect("generated ids are valid"),
                name,
                description,
                duration_ms,
                mode,
                teams,
            },
        )
}

/// A scenario and bytes for every media file it names.
pub fn scenario_with_media() -> impl Strategy<Value = (Scenario, FileSet)> {
    (
        scenario(),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), MEDIA_NAMES.len()),
    )
        .prop_map(|(scenario, contents)| {
            let bytes: BTreeMap<&str, Vec<u8>> =
                MEDIA_NAMES.iter().copied().zip(contents).collect();
            let mut media = FileSet::new();
            for name in scenario.media_refs() {
                media
                    .insert("media", name, bytes[name].clone())
                    .expect("names are safe");
            }
            (scenario, media)
        })
}
