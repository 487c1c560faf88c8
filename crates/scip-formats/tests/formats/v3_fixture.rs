//! A generated SCIP v3 scenario shaped like the largest one SCIP v3 shipped (three turns,
//! nine teams: four player teams, four `-public` mirrors and one shared `public-feed`, 245
//! injects, media under `/api/media/...`). The story and every line of text are invented
//! here: a fictional storm season in the Velda Strait.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The scenario id (the file name, as SCIP v3 used it).
pub const SCENARIO: &str = "velda-strait-2026";

/// One player team: id, name, id prefix, injects per turn, type mix.
struct Player {
    id: &'static str,
    name: &'static str,
    prefix: &'static str,
    mirror: &'static str,
    per_turn: [usize; 3],
    /// (type as SCIP v3 wrote it, count), spread over the turns.
    mix: &'static [(&'static str, usize)],
    port: u16,
}

const PLAYERS: [Player; 4] = [
    Player {
        id: "harbour-watch",
        name: "Harbour Watch",
        prefix: "hw",
        mirror: "hw-public",
        per_turn: [11, 11, 11],
        mix: &[
            ("social", 10),
            ("news", 9),
            ("intelligence", 6),
            ("email", 5),
            ("sms", 3),
        ],
        port: 3127,
    },
    Player {
        id: "reef-patrol",
        name: "Reef Patrol",
        prefix: "rp",
        mirror: "rp-public",
        per_turn: [12, 10, 10],
        mix: &[
            ("intelligence", 10),
            ("email", 10),
            ("news", 5),
            ("social", 4),
            ("sms", 3),
        ],
        port: 3142,
    },
    Player {
        id: "relief-ops",
        name: "Relief Operations",
        prefix: "ro",
        mirror: "ro-public",
        per_turn: [14, 11, 11],
        mix: &[
            ("email", 11),
            ("news", 8),
            ("intelligence", 6),
            ("social", 6),
            ("sms", 5),
        ],
        port: 3158,
    },
    Player {
        id: "red-cell",
        name: "Red Cell",
        prefix: "rc",
        mirror: "rc-public",
        per_turn: [12, 9, 12],
        mix: &[
            ("intelligence", 10),
            ("news", 9),
            ("sms", 6),
            ("email", 6),
            ("social", 2),
        ],
        port: 3173,
    },
];

const PLACES: [&str; 8] = [
    "Port Tamsin",
    "Kerrow Atoll",
    "the Velda Strait",
    "Marlow Bay",
    "Essen Reach",
    "Hollin Point",
    "the Sarrow Islands",
    "Caddon Harbour",
];
const OUTLETS: [&str; 6] = [
    "Tamsin Herald",
    "Coral Wire",
    "Strait Review",
    "Harbourline News",
    "Atoll Radio",
    "The Reach Gazette",
];
const EVENTS: [&str; 8] = [
    "ferry services suspended",
    "fuel deliveries delayed",
    "a cargo vessel adrift",
    "dock workers walk out",
    "storm surge warning issued",
    "relief flotilla assembles",
    "radar outage reported",
    "fishing fleet recalled",
];
const SOURCES: [&str; 4] = [
    "Signals Cell",
    "Coastal Radar Net",
    "Liaison Officer",
    "Patrol Aircraft Kestrel",
];
const SENDERS: [&str; 5] = [
    "Duty Harbour Master",
    "Port Authority Desk",
    "Regional Coordinator",
    "Logistics Hub",
    "Council Liaison",
];

fn pick<T: Copy>(list: &[T], n: usize) -> T {
    list[n % list.len()]
}

/// A sentence or three, 80–400 characters.
fn body(seed: usize, place: &str, event: &str) -> String {
    let mut text = format!(
        "{} - Officials confirmed {event} near {place} early this morning.",
        place.trim_start_matches("the ").to_uppercase()
    );
    if seed.is_multiple_of(2) {
        text.push_str(
            " Crews are assessing the situation and further updates are expected within the hour.",
        );
    }
    if seed.is_multiple_of(3) {
        text.push_str(" Residents are asked to avoid the waterfront and follow instructions from local authorities.");
    }
    text
}

/// The SCIP v3 inject for a player team.
fn player_inject(
    team: &Player,
    turn: usize,
    n: usize,
    kind: &str,
    time: u64,
    seed: usize,
) -> Value {
    let id = format!("{}-t{turn}-{n:03}", team.prefix);
    let place = pick(&PLACES, seed);
    let event = pick(&EVENTS, seed / 3);
    let headline = {
        let mut e = event.to_owned();
        e[..1].make_ascii_uppercase();
        format!("{e} at {place}")
    };
    let mut inject = json!({"id": id, "turn": turn, "time": time, "type": kind});
    let media_root = format!("/api/media/{SCENARIO}");
    match kind {
        "news" => {
            inject["content"] = json!({"headline": headline, "body": body(seed, place, event), "source": pick(&OUTLETS, seed)});
            inject["media"] = json!([
                format!("{media_root}/library/{id}.jpg"),
                format!("{media_root}/generated/{}_{id}_breaking_news.png", team.id),
            ]);
        }
        "social" => {
            let mut content = json!({
                "source": format!("@{}Watcher", place.replace(' ', "").replace("the", "")),
                "headline": "Eyewitness",
                "body": format!("Just saw {event} near {place}. #VeldaStorm #StaySafe"),
            });
            if !seed.is_multiple_of(4) {
                content["platform"] = json!(if seed.is_multiple_of(2) {
                    "twitter"
                } else {
                    "facebook"
                });
            }
            inject["content"] = content;
            inject["media"] = json!([format!(
                "{media_root}/generated/{}_{id}_social.png",
                team.id
            )]);
        }
        "email" => {
            let subject_field = if team.id == "harbour-watch" {
                "headline"
            } else {
                "subject"
            };
            let mut content =
                json!({"from": pick(&SENDERS, seed), "body": body(seed + 1, place, event)});
            content[subject_field] = json!(format!("Update: {headline}"));
            if seed.is_multiple_of(3) {
                content["to"] = json!(team.name);
            }
            inject["content"] = content;
        }
        "sms" => {
            let text_field = if team.id == "red-cell" {
                "text"
            } else {
                "body"
            };
            let mut content = json!({"from": pick(&SENDERS, seed)});
            content[text_field] = json!(format!("{headline}. Call in when you can."));
            inject["content"] = content;
        }
        _ => {
            inject["content"] = json!({
                "headline": format!("Assessment: {headline}"),
                "body": format!("Classification: SECRET. {}", body(seed + 2, place, event)),
                "source": pick(&SOURCES, seed),
            });
        }
    }
    if seed.is_multiple_of(11) {
        inject["priority"] = json!("urgent");
    } else if seed.is_multiple_of(5) {
        inject["priority"] = json!("high");
    }
    inject
}

/// The injects of one player team: the type mix spread over its turns, every 70 s from 60 s.
fn player_injects(team: &Player, seed_base: usize) -> Vec<Value> {
    // Interleave the types so that each turn gets a mix.
    let total: usize = team.mix.iter().map(|(_, n)| n).sum();
    let mut buckets: Vec<Vec<&str>> = team.mix.iter().map(|(k, n)| vec![*k; *n]).collect();
    let mut order: Vec<&str> = Vec::with_capacity(total);
    while order.len() < total {
        for bucket in &mut buckets {
            if let Some(k) = bucket.pop() {
                order.push(k);
            }
        }
    }
    let mut out = Vec::new();
    let mut next = order.into_iter();
    for (t, count) in team.per_turn.iter().enumerate() {
        for n in 1..=*count {
            let kind = next.next().expect("the mix covers every inject");
            let time = 60 + 70 * (n as u64 - 1);
            out.push(player_inject(
                team,
                t + 1,
                n,
                kind,
                time,
                seed_base + t * 17 + n,
            ));
        }
    }
    out
}

/// The 16 shared public-feed injects (15 news, 1 social).
fn public_feed() -> Vec<Value> {
    let per_turn = [5, 4, 7];
    let mut out = Vec::new();
    let mut count = 0;
    for (t, n_turn) in per_turn.iter().enumerate() {
        let start = if t == 0 { 125 } else { 65 };
        for n in 1..=*n_turn {
            count += 1;
            let id = format!("pf-t{}-{n:03}", t + 1);
            let time = start + 140 * (n as u64 - 1);
            let place = pick(&PLACES, count * 3);
            let inject = if count == 9 {
                json!({"id": id, "turn": t + 1, "time": time, "type": "social",
                       "content": {"platform": "twitter", "source": "@StraitForum",
                                   "body": format!("Ministers to meet at {place} on shipping lanes. #VeldaTalks")}})
            } else {
                json!({"id": id, "turn": t + 1, "time": time, "type": "news",
                       "content": {"headline": format!("Regional talks continue at {place}"),
                                   "body": body(count, place, pick(&EVENTS, count)),
                                   "source": pick(&OUTLETS, count + 2)},
                       "media": [format!("/api/media/{SCENARIO}/library/{id}.jpg")]})
            };
            out.push(inject);
        }
    }
    out
}

/// Writes the scenario under `root` as SCIP v3 laid it out: `<root>/<id>.json`, timelines
/// under `<root>/<id>/teams/<team>/timeline.json`, media under `<root>/media/<id>/...`.
/// Returns the scenario file.
pub fn write(root: &Path) -> PathBuf {
    let mut teams = Vec::new();
    let mut timelines: Vec<(String, Value)> = Vec::new();
    let feed = public_feed();
    for (i, player) in PLAYERS.iter().enumerate() {
        let injects = player_injects(player, i * 100);
        let news: Vec<Value> = injects
            .iter()
            .filter(|v| v["type"] == "news")
            .cloned()
            .collect();
        let header = if player.id == "relief-ops" {
            json!({"scenario": SCENARIO, "team": player.id})
        } else {
            json!({"scenario_id": SCENARIO})
        };
        let mut doc = header.clone();
        doc["injects"] = Value::from(injects);
        timelines.push((player.id.to_owned(), doc));
        let mut mirror: Vec<Value> = feed.iter().cloned().chain(news).collect();
        mirror.sort_by_key(|v| (v["turn"].as_u64(), v["time"].as_u64()));
        for inject in &mut mirror {
            if let Some(media) = inject.get_mut("media").and_then(Value::as_array_mut) {
                for m in media.iter_mut() {
                    let path = m
                        .as_str()
                        .unwrap_or_default()
                        .replace(&format!("{}_", player.id), &format!("{}_", player.mirror));
                    *m = Value::from(path);
                }
            }
        }
        timelines.push((
            player.mirror.to_owned(),
            json!({"scenario_id": SCENARIO, "injects": mirror}),
        ));
        teams.push(json!({"id": player.id, "name": player.name, "timeline_file": format!("{SCENARIO}/teams/{}/timeline.json", player.id), "dashboard_port": player.port}));
    }
    timelines.push((
        "public-feed".to_owned(),
        json!({"scenario_id": SCENARIO, "injects": feed}),
    ));
    for (i, player) in PLAYERS.iter().enumerate() {
        teams.push(json!({"id": player.mirror, "name": format!("{} Public Feed", player.name), "timeline_file": format!("{SCENARIO}/teams/{}/timeline.json", player.mirror), "dashboard_port": 3191 + i as u16 * 10}));
    }
    teams.push(json!({"id": "public-feed", "name": "Public Feed", "timeline_file": format!("{SCENARIO}/teams/public-feed/timeline.json"), "dashboard_port": 3235}));
    let scenario = json!({
        "id": SCENARIO,
        "name": "Velda Strait 2026",
        "description": "Three turns of storm season, supply strain and public pressure around the Velda Strait.",
        "duration_minutes": 300,
        "turn_based": true,
        "total_turns": 3,
        "thumbnail": format!("{SCENARIO}.png"),
        "version": "1.0",
        "teams": teams,
    });
    for (team, doc) in &timelines {
        let dir = root.join(SCENARIO).join("teams").join(team);
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("timeline.json"),
            serde_json::to_vec_pretty(doc).unwrap(),
        )
        .unwrap();
        for inject in doc["injects"].as_array().unwrap() {
            for media in inject
                .get("media")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let rel = media.as_str().unwrap().trim_start_matches("/api/media/");
                let file = root.join("media").join(rel);
                fs::create_dir_all(file.parent().unwrap()).unwrap();
                // Distinct bytes per file, so that no two files are merged.
                fs::write(&file, format!("image {rel}")).unwrap();
            }
        }
    }
    let path = root.join(format!("{SCENARIO}.json"));
    fs::write(&path, serde_json::to_vec_pretty(&scenario).unwrap()).unwrap();
    path
}
