//! Rows of an MSEL injects sheet to a scenario. Pure: the CSV and workbook readers hand it
//! tables of cells.

use std::collections::{BTreeMap, HashMap};

use scip_core::model::document::{ScenarioDoc, TeamDoc};
use scip_core::{InjectType, Problem, Scenario, ScenarioId};

use super::columns::Column;
use super::row::{RowInject, RowReader, read_layout};
use super::settings::Settings;
use super::table::Table;
use super::teams::TeamSet;

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
