//! Rows of an MSEL injects sheet to a scenario. Pure: the CSV and workbook readers hand it
//! tables of cells.

use std::collections::{BTreeMap, HashMap};

use scip_core::model::document::{InjectDoc, ScenarioDoc, TeamDoc, TimeValue};
use scip_core::{InjectType, Problem, Scenario, ScenarioId, TeamId};
use serde_json::{Map, Value};

use super::cell::Cell;
use super::columns::Column;
use super::settings::Settings;
use super::table::{Row, Table};

/// What an import starts from besides the injects sheet.
pub(crate) struct ImportInput<'a> {
    /// The file, for messages.
    pub file: &'a str,
    /// The injects sheet.
    pub injects: &'a Table,
    /// Settings from a Scenario sheet.
    pub settings: Option<Settings>,
    /// Teams from a Teams sheet.
    pub teams: Option<Vec<TeamDoc>>,
    /// A scenario whose settings and teams are used where the file gives none.
    pub base: Option<&'a Scenario>,
}

/// Where each inject came from, for locating problems found later.
#[derive(Debug, Default)]
pub(crate) struct RowIndex {
    /// (team, inject id) → row number and type.
    rows: HashMap<(String, String), (usize, Option<InjectType>)>,
    /// Column → header as written in the file.
    headers: BTreeMap<Column, String>,
}

impl RowIndex {
    /// Fills in the row and names the column of a problem that names a team and an inject.
    pub(crate) fn locate(&self, problem: &mut Problem) {
        let l = &mut problem.location;
        let (Some(team), Some(inject)) = (&l.team, &l.inject) else {
            return;
        };
        let Some((row, kind)) = self.rows.get(&(team.clone(), inject.clone())) else {
            return;
        };
        l.row = Some(*row);
        if let Some(field) = &l.field
            && let Some(column) = Column::for_field(field, *kind)
        {
            l.field = Some(
                self.headers
                    .get(&column)
                    .cloned()
                    .unwrap_or_else(|| column.header().to_owned()),
            );
        }
    }
}

/// One data row read into an inject document.
struct RowInject {
    team: usize,
    row: usize,
    doc: InjectDoc,
    id_given: bool,
}

/// Builds the scenario from the sheets. Problems carry file, row and column.
pub(crate) fn import(input: ImportInput<'_>) -> (Option<Scenario>, Vec<Problem>, RowIndex) {
    let file = input.file;
    let mut problems = Vec::new();
    let mut index = RowIndex::default();
    let Some((header, rows)) = input.injects.split_header() else {
        problems.push(
            Problem::error("the sheet is empty: it needs a header row and one row per inject")
                .in_file(file),
        );
        return (None, problems, index);
    };
    let layout = read_layout(file, header, &mut problems);
    index.headers = layout
        .iter()
        .map(|(column, (_, header))| (*column, header.clone()))
        .collect();
    let base_doc = input.base.map(ScenarioDoc::header);
    let known = input
        .teams
        .clone()
        .map(|t| (t, "the teams of the Teams sheet"))
        .or_else(|| {
            base_doc
                .as_ref()
                .map(|d| (d.teams.clone(), "the scenario's teams"))
        });
    let mut teams = TeamSet::new(known);
    for (column, name) in [(Column::Type, "Type"), (Column::Time, "T+")] {
        if !layout.contains_key(&column) {
            problems.push(
                Problem::error(format!("the sheet has no {name} column (see the MSEL columns in docs/scenario-format.md)"))
                    .in_file(file)
                    .at_row(header.number),
            );
        }
    }
    if !layout.contains_key(&Column::Team) && teams.single().is_none() {
        problems.push(
            Problem::error(
                "the sheet has no Team column, and the scenario does not have exactly one team",
            )
            .in_file(file)
            .at_row(header.number),
        );
    }
    if problems.iter().any(Problem::is_error) {
        return (None, problems, index);
    }

    let mut injects = Vec::new();
    for row in rows.iter().filter(|r| !r.is_blank()) {
        let mut reader = RowReader {
            file,
            row,
            layout: &layout,
            problems: &mut problems,
        };
        if let Some(inject) = reader.read(&mut teams) {
            injects.push(inject);
        }
    }
    assign_ids(&mut injects, &teams.docs);
    let id_header = layout
        .get(&Column::Id)
        .map_or_else(|| Column::Id.header().to_owned(), |(_, h)| h.clone());
    drop_duplicates(file, &id_header, &mut injects, &teams.docs, &mut problems);

    let settings = input.settings.unwrap_or_default();
    let stem_id = ScenarioId::slugify(crate::path::stem(file)).map(|s| s.to_string());
    let highest_turn = injects.iter().filter_map(|i| i.doc.turn).max();
    let (mode, total_turns) = if settings.mode.is_some() || settings.total_turns.is_some() {
        (settings.mode.clone(), settings.total_turns)
    } else if let Some(base) = &base_doc {
        (base.mode.clone(), base.total_turns)
    } else {
        (highest_turn.map(|_| "turns".to_owned()), highest_turn)
    };
    let mut team_docs = teams.docs;
    for team in &mut team_docs {
        team.injects = Some(Vec::new());
    }
    for inject in &injects {
        let kind = InjectType::parse(&inject.doc.kind);
        index.rows.insert(
            (team_docs[inject.team].id.clone(), inject.doc.id.clone()),
            (inject.row, kind),
        );
    }
    for inject in injects {
        if let Some(list) = team_docs[inject.team].injects.as_mut() {
            list.push(inject.doc);
        }
    }
    let doc = ScenarioDoc {
        format: None,
        id: settings
            .id
            .or_else(|| base_doc.as_ref().map(|d| d.id.clone()))
            .or(stem_id)
            .unwrap_or_default(),
        name: settings
            .name
            .or_else(|| base_doc.as_ref().map(|d| d.name.clone()))
            .unwrap_or_else(|| crate::path::stem(file).to_owned()),
        description: settings
            .description
            .or_else(|| base_doc.as_ref().map(|d| d.description.clone()))
            .unwrap_or_default(),
        duration: settings
            .duration
            .or_else(|| base_doc.as_ref().and_then(|d| d.duration.clone())),
        mode,
        total_turns,
        turn_length: settings
            .turn_length
            .or_else(|| base_doc.as_ref().and_then(|d| d.turn_length.clone())),
        teams: team_docs,
    };
    let (scenario, doc_problems) = doc.into_scenario(|_| None);
    for mut p in doc_problems {
        index.locate(&mut p);
        problems.push(p.in_file(file));
    }
    (scenario, problems, index)
}

/// Column → (cell index, header as written).
type Layout = BTreeMap<Column, (usize, String)>;

/// Matches the header row to columns; unknown headers are warnings, a column given twice is
/// an error.
fn read_layout(file: &str, header: &Row, problems: &mut Vec<Problem>) -> Layout {
    let mut layout = Layout::new();
    for (i, cell) in header.cells.iter().enumerate() {
        let Some(text) = cell.trimmed() else { continue };
        let place = |p: Problem| p.in_file(file).at_row(header.number).on_field(text.clone());
        match Column::from_header(&text) {
            None => problems.push(place(Problem::warning(format!(
                "column {text:?} is not an MSEL column; ignored"
            )))),
            Some(column) => {
                if let Some((_, first)) = layout.get(&column) {
                    problems.push(place(Problem::error(format!(
                        "columns {first:?} and {text:?} both mean {}; keep one",
                        column.header()
                    ))));
                } else {
                    layout.insert(column, (i, text.clone()));
                }
            }
        }
    }
    layout
}

/// The teams rows may name: a known set (Teams sheet, or the scenario imported into) or an
/// open set created from the Team column.
struct TeamSet {
    docs: Vec<TeamDoc>,
    /// Where a known set came from; `None` for an open set.
    known_from: Option<&'static str>,
}

impl TeamSet {
    fn new(known: Option<(Vec<TeamDoc>, &'static str)>) -> Self {
        match known {
            Some((docs, from)) => Self {
                docs,
                known_from: Some(from),
            },
            None => Self {
                docs: Vec::new(),
                known_from: None,
            },
        }
    }

    fn single(&self) -> Option<usize> {
        (self.known_from.is_some() && self.docs.len() == 1).then_some(0)
    }

    /// The team a Team cell names: by id, then by name, case-insensitively.
    fn resolve(&mut self, value: &str) -> Result<usize, String> {
        let wanted = value.trim();
        if let Some(i) = self.docs.iter().position(|t| t.id == wanted) {
            return Ok(i);
        }
        let found = self.docs.iter().position(|t| {
            t.id.eq_ignore_ascii_case(wanted) || t.name.trim().eq_ignore_ascii_case(wanted)
        });
        if let Some(i) = found {
            return Ok(i);
        }
        if let Some(from) = self.known_from {
            let ids: Vec<&str> = self.docs.iter().map(|t| t.id.as_str()).collect();
            return Err(format!(
                "team {wanted:?} is not one of {from} ({})",
                ids.join(", ")
            ));
        }
        let id = TeamId::new(wanted)
            .ok()
            .or_else(|| ScenarioId::slugify(wanted).and_then(|s| TeamId::new(s.to_string()).ok()))
            .ok_or_else(|| format!("team {wanted:?} gives no usable team id"))?;
        if let Some(i) = self.docs.iter().position(|t| t.id == id.as_str()) {
            return Ok(i);
        }
        self.docs.push(TeamDoc {
            id: id.to_string(),
            name: wanted.to_owned(),
            ..TeamDoc::default()
        });
        Ok(self.docs.len() - 1)
    }
}

/// Reads one data row.
struct RowReader<'r> {
    file: &'r str,
    row: &'r Row,
    layout: &'r Layout,
    problems: &'r mut Vec<Problem>,
}

impl RowReader<'_> {
    fn cell(&self, column: Column) -> &Cell {
        self.layout
            .get(&column)
            .map_or(&Cell::Empty, |(i, _)| self.row.cell(*i))
    }

    fn report(&mut self, column: Column, problem: Problem) {
        let header = self
            .layout
            .get(&column)
            .map_or_else(|| column.header().to_owned(), |(_, h)| h.clone());
        self.problems.push(
            problem
                .in_file(self.file)
                .at_row(self.row.number)
                .on_field(header),
        );
    }

    fn read(&mut self, teams: &mut TeamSet) -> Option<RowInject> {
        let mut ok = true;
        let team = match (self.cell(Column::Team).trimmed(), teams.single()) {
            (Some(name), _) => match teams.resolve(&name) {
                Ok(i) => Some(i),
                Err(e) => {
                    self.report(Column::Team, Problem::error(e));
                    None
                }
            },
            (None, Some(only)) => Some(only),
            (None, None) => {
                self.report(Column::Team, Problem::error("the row names no team"));
                None
            }
        };
        let kind = match self.cell(Column::Type).trimmed() {
            None => {
                self.report(Column::Type, Problem::error("the row has no inject type"));
                None
            }
            Some(t) => InjectType::parse(&t).or_else(|| {
                self.report(
                    Column::Type,
                    Problem::error(format!(
                        "type {t:?} is unknown; use news, social, email, sms, intel, alert or media"
                    )),
                );
                None
            }),
        };
        let at_ms = match self.cell(Column::Time).time_ms() {
            Ok(Some(ms)) => Some(ms),
            Ok(None) => {
                self.report(Column::Time, Problem::error("the row has no T+ time"));
                None
            }
            Err(e) => {
                self.report(Column::Time, Problem::error(e));
                None
            }
        };
        let turn = self.cell(Column::Turn).turn().unwrap_or_else(|e| {
            self.report(Column::Turn, Problem::error(e));
            ok = false;
            None
        });
        let priority = self.cell(Column::Priority).trimmed();
        let media: Vec<String> = self
            .cell(Column::Media)
            .text()
            .map(|t| {
                t.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let content = kind.map(|k| self.content(k, &mut ok));
        let (Some(team), Some(kind), Some(at_ms), Some(content), true) =
            (team, kind, at_ms, content, ok)
        else {
            return None;
        };
        let id = self.cell(Column::Id).trimmed();
        Some(RowInject {
            team,
            row: self.row.number,
            id_given: id.is_some(),
            doc: InjectDoc {
                id: id.unwrap_or_default(),
                turn,
                at: TimeValue::from_ms(at_ms),
                kind: kind.as_str().to_owned(),
                priority,
                content,
                media,
                notes: self.cell(Column::Notes).text(),
                expected_action: self.cell(Column::ExpectedAction).text(),
            },
        })
    }

    /// The content fields of an inject of `kind` from the content columns and the Extra
    /// column. A filled column the type has no field for is kept as an extra field.
    fn content(&mut self, kind: InjectType, ok: &mut bool) -> Map<String, Value> {
        let mut content = match self.cell(Column::Extra).text() {
            None => Map::new(),
            Some(json) => match serde_json::from_str::<Value>(&json) {
                Ok(Value::Object(map)) => map,
                Ok(_) => {
                    self.report(
                        Column::Extra,
                        Problem::error("must be a JSON object such as {\"key\": \"value\"}"),
                    );
                    *ok = false;
                    Map::new()
                }
                Err(e) => {
                    self.report(
                        Column::Extra,
                        Problem::error(format!("is not valid JSON: {e}")),
                    );
                    *ok = false;
                    Map::new()
                }
            },
        };
        let mut engagement = Map::new();
        for column in Column::ALL.into_iter().filter(|c| c.is_content()) {
            let cell = self.cell(column).clone();
            if cell.is_empty() {
                continue;
            }
            let field = column.content_field(kind);
            let value = match column {
                Column::Likes | Column::Shares | Column::Replies | Column::Views => {
                    match cell.count() {
                        Ok(n) => n.map(Value::from),
                        Err(e) => {
                            self.report(column, Problem::error(e));
                            *ok = false;
                            None
                        }
                    }
                }
                Column::Breaking => match cell.flag() {
                    Ok(b) => b.map(Value::Bool),
                    Err(e) => {
                        self.report(column, Problem::error(e));
                        *ok = false;
                        None
                    }
                },
                _ => cell.text().map(Value::String),
            };
            let Some(value) = value else { continue };
            match field {
                Some(name)
                    if matches!(
                        column,
                        Column::Likes | Column::Shares | Column::Replies | Column::Views
                    ) =>
                {
                    engagement.insert(name.to_owned(), value);
                }
                Some(name) => {
                    content.insert(name.to_owned(), value);
                }
                None => {
                    let name = column.extra_name();
                    self.report(
                        column,
                        Problem::warning(format!(
                            "{} injects have no such field; the value is kept as extra field {name}",
                            kind.label()
                        )),
                    );
                    content.insert(name.to_owned(), value);
                }
            }
        }
        if !engagement.is_empty() {
            content.insert("engagement".to_owned(), Value::Object(engagement));
        }
        content
    }
}

/// Gives rows without an ID the id `<team>-<nnn>`, counting per team and skipping ids in use.
fn assign_ids(injects: &mut [RowInject], teams: &[TeamDoc]) {
    let mut taken: std::collections::HashSet<(usize, String)> = injects
        .iter()
        .filter(|i| i.id_given)
        .map(|i| (i.team, i.doc.id.clone()))
        .collect();
    let mut counters = vec![0u32; teams.len()];
    for inject in injects.iter_mut().filter(|i| !i.id_given) {
        loop {
            counters[inject.team] += 1;
            let id = format!("{}-{:03}", teams[inject.team].id, counters[inject.team]);
            if taken.insert((inject.team, id.clone())) {
                inject.doc.id = id;
                break;
            }
        }
    }
}

/// Reports an ID used twice in one team (naming both rows) and keeps the first.
fn drop_duplicates(
    file: &str,
    id_header: &str,
    injects: &mut Vec<RowInject>,
    teams: &[TeamDoc],
    problems: &mut Vec<Problem>,
) {
    let mut first_row: HashMap<(usize, String), usize> = HashMap::new();
    injects.retain(
        |inject| match first_row.get(&(inject.team, inject.doc.id.clone())) {
            Some(first) => {
                problems.push(
                    Problem::error(format!(
                        "ID {} is already used by row {first} for team {}",
                        inject.doc.id, teams[inject.team].id
                    ))
                    .in_file(file)
                    .at_row(inject.row)
                    .on_field(id_header),
                );
                false
            }
            None => {
                first_row.insert((inject.team, inject.doc.id.clone()), inject.row);
                true
            }
        },
    );
}
