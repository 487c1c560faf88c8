//! A scenario to the rows of an MSEL injects sheet. Pure: the CSV and workbook writers turn
//! the rows into files.

use scip_core::model::{Content, ExtraFields};
use scip_core::{Inject, Mode, Scenario};

use super::cell::{Cell, EXACT_INTEGER_MAX, format_hms};
use super::columns::Column;

/// The columns an export writes: every column, except Turn for a scenario without turns.
pub(crate) fn export_columns(scenario: &Scenario) -> Vec<Column> {
    let has_turns = matches!(scenario.mode, Mode::Turns { .. })
        || scenario
            .teams
            .iter()
            .any(|t| t.timeline.iter().any(|i| i.turn.is_some()));
    Column::ALL
        .into_iter()
        .filter(|c| has_turns || *c != Column::Turn)
        .collect()
}

/// The header row and one row per inject. Rows run in time order (turn, then T+) across
/// teams, while each team's injects keep their timeline order, so that an import gives back
/// the same timelines.
pub(crate) fn inject_rows(scenario: &Scenario, columns: &[Column]) -> Vec<Vec<Cell>> {
    let mut rows = vec![
        columns
            .iter()
            .map(|c| Cell::Text(c.header().to_owned()))
            .collect(),
    ];
    for (team, inject) in merged_order(scenario) {
        rows.push(columns.iter().map(|c| cell_of(*c, team, inject)).collect());
    }
    rows
}

/// Merges the teams' timelines: repeatedly takes the team whose next inject is earliest
/// (ties go to the earlier team). Each timeline is consumed in order, so its order survives
/// even when it is not sorted.
fn merged_order(scenario: &Scenario) -> Vec<(&str, &Inject)> {
    let mut next = vec![0usize; scenario.teams.len()];
    let total = scenario.inject_count();
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        let pick = scenario
            .teams
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                t.timeline
                    .get(next[i])
                    .map(|inj| (i, (inj.turn.unwrap_or(0), inj.at_ms)))
            })
            .min_by_key(|(i, key)| (*key, *i))
            .map(|(i, _)| i);
        let Some(i) = pick else { break };
        out.push((
            scenario.teams[i].id.as_str(),
            &scenario.teams[i].timeline[next[i]],
        ));
        next[i] += 1;
    }
    out
}

fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_owned())
    }
}

fn opt(s: &Option<String>) -> Cell {
    s.as_deref().map_or(Cell::Empty, text)
}

fn count(n: Option<u64>) -> Cell {
    match n {
        None => Cell::Empty,
        // Spreadsheet numbers are doubles; larger counts travel as text.
        Some(n) if n <= EXACT_INTEGER_MAX => Cell::Int(n as i64),
        Some(n) => Cell::Text(n.to_string()),
    }
}

fn extra(extra: &ExtraFields) -> Cell {
    if extra.is_empty() {
        Cell::Empty
    } else {
        serde_json::to_string(extra).map_or(Cell::Empty, Cell::Text)
    }
}

/// The cell of one column for one inject.
fn cell_of(column: Column, team: &str, inject: &Inject) -> Cell {
    match column {
        Column::Id => text(inject.id.as_str()),
        Column::Team => text(team),
        Column::Turn => inject.turn.map_or(Cell::Empty, |t| Cell::Int(i64::from(t))),
        Column::Time => Cell::Text(format_hms(inject.at_ms)),
        Column::Type => text(inject.inject_type().as_str()),
        Column::Priority => text(inject.priority.as_str()),
        Column::Media => text(&inject.media.join("; ")),
        Column::ExpectedAction => opt(&inject.expected_action),
        Column::Notes => opt(&inject.notes),
        _ => content_cell(column, &inject.content),
    }
}

fn content_cell(column: Column, content: &Content) -> Cell {
    use Column as C;
    match (content, column) {
        (Content::News(c), C::From) => text(&c.source),
        (Content::News(c), C::Subject) => text(&c.headline),
        (Content::News(c), C::Body) => text(&c.body),
        (Content::News(c), C::Author) => opt(&c.author),
        (Content::News(c), C::Location) => opt(&c.location),
        (Content::News(c), C::Breaking) if c.breaking => Cell::Bool(true),
        (Content::News(c), C::Extra) => extra(&c.extra),
        (Content::Social(c), C::From) => text(&c.handle),
        (Content::Social(c), C::Subject) => opt(&c.headline),
        (Content::Social(c), C::Body) => text(&c.body),
        (Content::Social(c), C::Platform) => opt(&c.platform),
        (Content::Social(c), C::DisplayName) => opt(&c.display_name),
        (Content::Social(c), C::Likes) => count(c.engagement.likes),
        (Content::Social(c), C::Shares) => count(c.engagement.shares),
        (Content::Social(c), C::Replies) => count(c.engagement.replies),
        (Content::Social(c), C::Views) => count(c.engagement.views),
        (Content::Social(c), C::Extra) => extra(&c.extra),
        (Content::Email(c), C::From) => text(&c.from),
        (Content::Email(c), C::To) => opt(&c.to),
        (Content::Email(c), C::Cc) => opt(&c.cc),
        (Content::Email(c), C::Subject) => text(&c.subject),
        (Content::Email(c), C::Body) => text(&c.body),
        (Content::Email(c), C::Classification) => opt(&c.classification),
        (Content::Email(c), C::Extra) => extra(&c.extra),
        (Content::Sms(c), C::From) => text(&c.from),
        (Content::Sms(c), C::To) => opt(&c.to),
        (Content::Sms(c), C::Body) => text(&c.body),
        (Content::Sms(c), C::Extra) => extra(&c.extra),
        (Content::Intel(c), C::From) => opt(&c.source),
        (Content::Intel(c), C::Subject) => text(&c.headline),
        (Content::Intel(c), C::Body) => text(&c.body),
        (Content::Intel(c), C::Classification) => opt(&c.classification),
        (Content::Intel(c), C::ReportId) => opt(&c.report_id),
        (Content::Intel(c), C::Extra) => extra(&c.extra),
        (Content::Alert(c), C::Subject) => text(&c.title),
        (Content::Alert(c), C::Body) => text(&c.message),
        (Content::Alert(c), C::Severity) => opt(&c.severity),
        (Content::Alert(c), C::Extra) => extra(&c.extra),
        (Content::Media(c), C::Subject) => text(&c.title),
        (Content::Media(c), C::Body) => opt(&c.caption),
        (Content::Media(c), C::Extra) => extra(&c.extra),
        _ => Cell::Empty,
    }
}
