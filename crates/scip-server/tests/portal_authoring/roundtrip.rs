//! Every inject type survives the editor unchanged: each inject's form is read exactly as the
//! page renders it (inputs, selected options, textareas, checked boxes), posted back as a
//! browser would post it, and the saved inject must equal the stored one, turn included. Then
//! one field per type is changed and only that field may differ.

use scip_core::{Content, Inject, ScenarioId};
use scip_store::Role;
use serde_json::json;

use crate::portal::Portal;
use crate::support::{TestApp, png_bytes, upload};

const SCENARIO: &str = "every-type";

/// A turn-mode scenario with one inject of every type, every field filled, an unmodelled
/// content field on each, multi-line text, media, priority, notes, expected action and turn.
fn full_doc() -> serde_json::Value {
    let common = |id: &str, turn: u32, at: &str, priority: &str| {
        json!({
            "id": id,
            "turn": turn,
            "at": at,
            "priority": priority,
            "media": ["harbour.png", "chart.png"],
            "notes": format!("Facilitator: watch {id} closely.\nSecond line & <markup> \"quoted\" 'single'."),
            "expected_action": format!("Acknowledge {id}.\nThen brief the lead."),
        })
    };
    let with = |mut base: serde_json::Value, kind: &str, content: serde_json::Value| {
        base["type"] = json!(kind);
        base["content"] = content;
        base
    };
    json!({
        "id": SCENARIO,
        "name": "Every inject type",
        "mode": "turns",
        "total_turns": 3,
        "teams": [{"id": "ops", "name": "Ops", "injects": [
            with(common("n1", 2, "01:02.500", "high"), "news", json!({
                "headline": "Ferry aground at \"Pier 4\" & more",
                "body": "First paragraph.\n\nSecond paragraph < > & done.",
                "source": "Coastal Daily",
                "author": "R. Doe",
                "location": "Port Ellis",
                "breaking": true,
                "x_origin": "v3 import"
            })),
            with(common("s1", 3, "00:30", "urgent"), "social", json!({
                "platform": "telegram",
                "handle": "@harbourwatch",
                "display_name": "Harbour Watch",
                "body": "Smoke over the terminal.\n#harbour",
                "headline": "Eyewitness",
                "engagement": {"likes": 1200, "shares": 34, "replies": 7, "views": 56000},
                "x_origin": "v3 import"
            })),
            with(common("e1", 1, "05:00", "low"), "email", json!({
                "from": "Harbour Master <hm@port.example>",
                "to": "ops@port.example",
                "cc": "press@port.example",
                "subject": "Channel closure",
                "body": "Close the inner channel.\n\nRegards,\nHM",
                "classification": "CONFIDENTIAL",
                "x_origin": "v3 import"
            })),
            with(common("m1", 2, "10:00", "high"), "sms", json!({
                "from": "Duty Pilot",
                "to": "Ops desk",
                "body": "Tug 4 lost steering.\nAdvise.",
                "x_origin": "v3 import"
            })),
            with(common("i1", 3, "1:02:03", "urgent"), "intel", json!({
                "headline": "Vessel of interest",
                "body": "Assessment follows.\n- item one\n- item two",
                "source": "HUMINT",
                "classification": "SECRET",
                "report_id": "INT-2026-044",
                "x_origin": "v3 import"
            })),
            with(common("a1", 1, "00:00", "high"), "alert", json!({
                "severity": "critical",
                "title": "Radar offline",
                "message": "Primary radar offline.\nFallback to AIS.",
                "x_origin": "v3 import"
            })),
            with(common("v1", 2, "02:00.250", "low"), "media", json!({
                "title": "CCTV still",
                "caption": "\nCamera 3, 02:14.\nGrainy.",
                "x_origin": "v3 import"
            }))
        ]}]
    })
}

/// One form field as a browser would submit it.
type Pair = (String, String);

/// The successful controls of the form with `id`, in document order, as a browser submits
/// them (line breaks sent as CR LF), and the form's action.
fn form_fields(html: &str, form_id: &str) -> (String, Vec<Pair>) {
    let marker = format!("id=\"{form_id}\"");
    let at = html.find(&marker).expect("form on the page");
    let start = html[..at].rfind("<form").unwrap();
    let end = start + html[start..].find("</form>").unwrap();
    let form = &html[start..end];
    let (_, form_attrs, _) = tag_at(form, 0);
    let action = attr(&form_attrs, "action").unwrap();
    let mut pairs = Vec::new();
    let mut pos = form_attrs_len(form);
    while let Some(rel) = form[pos..].find('<') {
        let (name, attrs, after) = tag_at(form, pos + rel);
        pos = after;
        let disabled = attr(&attrs, "disabled").is_some();
        let Some(field) = attr(&attrs, "name") else {
            continue;
        };
        match name.as_str() {
            "input" => {
                let kind = attr(&attrs, "type").unwrap_or_else(|| "text".into());
                let value = attr(&attrs, "value").unwrap_or_default();
                match kind.as_str() {
                    "submit" | "button" | "reset" | "file" | "image" => {}
                    "checkbox" | "radio" if attr(&attrs, "checked").is_some() && !disabled => {
                        pairs.push((field, attr(&attrs, "value").unwrap_or("on".into())));
                    }
                    "checkbox" | "radio" => {}
                    _ if !disabled => pairs.push((field, value)),
                    _ => {}
                }
            }
            "textarea" => {
                let close = pos + form[pos..].find("</textarea>").unwrap();
                let raw = &form[pos..close];
                // The HTML parser drops one newline right after the start tag.
                let raw = raw.strip_prefix('\n').unwrap_or(raw);
                if !disabled {
                    pairs.push((field, decode(raw)));
                }
                pos = close;
            }
            "select" => {
                let close = pos + form[pos..].find("</select>").unwrap();
                let mut first = None;
                let mut chosen = None;
                let mut p = pos;
                while let Some(rel) = form[p..close].find("<option") {
                    let (_, o, after) = tag_at(form, p + rel);
                    let text_end = after + form[after..].find('<').unwrap();
                    let value =
                        attr(&o, "value").unwrap_or_else(|| decode(form[after..text_end].trim()));
                    first.get_or_insert(value.clone());
                    if attr(&o, "selected").is_some() {
                        chosen = Some(value);
                    }
                    p = after;
                }
                if let Some(v) = chosen.or(first).filter(|_| !disabled) {
                    pairs.push((field, v));
                }
                pos = close;
            }
            _ => {}
        }
    }
    let pairs = pairs
        .into_iter()
        .map(|(k, v)| {
            let v = v
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace('\n', "\r\n");
            (k, v)
        })
        .collect();
    (action, pairs)
}

fn form_attrs_len(form: &str) -> usize {
    tag_at(form, 0).2
}

/// The tag starting at `at` (`<name attrs…>`): its lowercase name, its attributes (name,
/// decoded value or `None` for a bare attribute) and the index after `>`.
fn tag_at(html: &str, at: usize) -> (String, Vec<(String, Option<String>)>, usize) {
    let bytes = html.as_bytes();
    let mut i = at + 1;
    let name_start = i;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
        i += 1;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return (name, attrs, i + 1);
        }
        let a_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b' ' | b'\n' | b'\t') {
            i += 1;
        }
        let a_name = html[a_start..i].to_ascii_lowercase();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            let quote = bytes[i];
            let value = if quote == b'"' || quote == b'\'' {
                let end = i + 1 + html[i + 1..].find(quote as char).unwrap();
                let v = &html[i + 1..end];
                i = end + 1;
                v
            } else {
                let s = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                &html[s..i]
            };
            attrs.push((a_name, Some(decode(value))));
        } else {
            attrs.push((a_name, None));
        }
    }
}

/// An attribute's value; `Some("")` for a bare attribute.
fn attr(attrs: &[(String, Option<String>)], name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone().unwrap_or_default())
}

/// Decodes the character references askama writes (and the common named ones).
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|s| *s < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

async fn stored(app: &TestApp, id: &str) -> (Inject, u32) {
    let (scenario, version) = app
        .store()
        .latest_scenario(&ScenarioId::new(SCENARIO).unwrap())
        .await
        .unwrap();
    let inject = scenario.teams[0]
        .timeline
        .iter()
        .find(|i| i.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} is in the saved version"))
        .clone();
    (inject, version)
}

/// Opens `id`'s edit form, lets `change` alter the rendered fields, posts them back and
/// returns the inject as saved in the new version.
async fn edit(
    app: &TestApp,
    portal: &Portal,
    id: &str,
    change: impl FnOnce(&mut Vec<Pair>),
) -> Inject {
    let (_, before) = stored(app, id).await;
    let page = portal
        .get(&format!("/scenarios/{SCENARIO}?team=ops&inject={id}"))
        .await;
    assert_eq!(page.status, reqwest::StatusCode::OK);
    let (action, mut pairs) = form_fields(&page.html, "inject-form");
    assert_eq!(action, format!("/scenarios/{SCENARIO}/teams/ops/injects"));
    let csrf = pairs.iter().position(|(k, _)| k == "_csrf").unwrap();
    assert_eq!(pairs.remove(csrf).1, portal.csrf);
    assert!(
        pairs.iter().any(|(k, v)| k == "turn" && !v.is_empty()),
        "the form of {id} shows its turn: {pairs:?}"
    );
    change(&mut pairs);
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = portal.post(&action, &borrowed).await;
    saved.has(&format!(
        "Inject {id} changed. Saved as version {}.",
        before + 1
    ));
    let (after, version) = stored(app, id).await;
    assert_eq!(version, before + 1);
    after
}

fn set(pairs: &mut [Pair], name: &str, value: &str) {
    let slot = pairs
        .iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("the form has {name}"));
    slot.1 = value.to_owned();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_inject_type_survives_the_editor_unchanged_and_one_edit_changes_one_field() {
    let app = TestApp::sqlite().await;
    for name in ["harbour.png", "chart.png"] {
        let (status, body) = upload(&app, Role::Admin, name, png_bytes()).await;
        assert!(status.is_success(), "{body}");
    }
    app.create_scenario(full_doc()).await;
    let cole = Portal::sign_in(&app, Role::Controller).await;

    let ids = ["n1", "s1", "e1", "m1", "i1", "a1", "v1"];
    let mut originals = Vec::new();
    for id in ids {
        let (original, _) = stored(&app, id).await;
        assert!(original.turn.is_some() && !original.media.is_empty());
        let saved = edit(&app, &cole, id, |_| {}).await;
        assert_eq!(saved, original, "{id} changed by an unchanged save");
        originals.push(original);
    }
    let types: Vec<&str> = originals.iter().map(|i| i.inject_type().as_str()).collect();
    assert_eq!(
        types,
        ["news", "social", "email", "sms", "intel", "alert", "media"]
    );

    // One field per type: the saved inject differs from the original in that field only.
    for original in originals {
        let id = original.id.to_string();
        let mut expected = original.clone();
        let (field, value): (&str, &str) = match &mut expected.content {
            Content::News(c) => {
                c.location = Some("Port Ellis, quay 2".into());
                ("c_location", "Port Ellis, quay 2")
            }
            Content::Social(c) => {
                c.engagement.shares = Some(35);
                ("c_shares", "35")
            }
            Content::Email(c) => {
                c.classification = Some("OFFICIAL".into());
                ("c_classification", "OFFICIAL")
            }
            Content::Sms(c) => {
                c.to = None;
                ("c_to", "")
            }
            Content::Intel(c) => {
                c.report_id = Some("INT-2026-045".into());
                ("c_report_id", "INT-2026-045")
            }
            Content::Alert(c) => {
                c.severity = Some("warning".into());
                ("c_severity", "warning")
            }
            Content::Media(_) => {
                expected.turn = Some(3);
                ("turn", "3")
            }
        };
        let saved = edit(&app, &cole, &id, |pairs| set(pairs, field, value)).await;
        assert_eq!(saved, expected, "{id}: only {field} changes");
    }

    // Priority, notes and media are kept or changed like any field.
    let (news, _) = stored(&app, "n1").await;
    let mut expected = news.clone();
    expected.priority = scip_core::Priority::Urgent;
    expected.media = vec!["chart.png".into()];
    let saved = edit(&app, &cole, "n1", |pairs| {
        set(pairs, "priority", "urgent");
        pairs.retain(|(k, v)| !(k == "media" && v == "harbour.png"));
    })
    .await;
    assert_eq!(saved, expected);
}
