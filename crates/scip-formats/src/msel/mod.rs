//! MSEL spreadsheets (master scenario event lists), the way exercise planners work: one row
//! per inject under a header row, as CSV or as a workbook with "Scenario" and "Teams" sheets.
//!
//! - `columns`: the columns, their header synonyms and the content field each fills.
//! - `cell`: cell values: times, counts, flags, text; the CSV formula guard.
//! - `table`: a sheet as numbered rows.
//! - `import`: a sheet to a scenario (pure): layout, ids, duplicates, settings.
//! - `row`: one row to an inject document.
//! - `teams`: the teams rows may name.
//! - `export`: a scenario to rows (pure).
//! - `settings`: the Scenario and Teams sheets.
//! - `csv`, `xlsx`: bytes to tables and back.

mod cell;
mod columns;
mod csv;
mod export;
mod import;
mod row;
mod settings;
mod table;
mod teams;
mod xlsx;

use std::collections::BTreeSet;

use scip_core::{Problem, Scenario};

pub use columns::{Column, normalize_header};
pub use settings::{SCENARIO_SHEET, TEAMS_SHEET};
pub use xlsx::INJECTS_SHEET;

use crate::detect::Format;
use crate::error::FormatError;
use crate::fileset::FileSet;
use crate::limits::Limits;
use crate::loaded::{Loaded, finish};
use crate::source::Lookup;
use import::{ImportInput, RowIndex, import};

/// What an MSEL import needs besides the sheet.
#[derive(Default)]
pub struct MselOptions<'a> {
    /// A scenario to import into: its settings and teams are used where the file gives none,
    /// and with it a row naming a team it does not have is an error.
    pub base: Option<&'a Scenario>,
    /// Where the files named in the Media column are looked up.
    pub media: Lookup<'a>,
}

/// Reads an MSEL CSV file. `file` names it in messages; its stem is the scenario id when
/// `options.base` gives none.
pub fn read_csv(file: &str, bytes: &[u8], options: MselOptions<'_>) -> Loaded {
    let mut problems = Vec::new();
    let Some(table) = csv::read_table(file, bytes, &mut problems) else {
        return finish(
            Format::MselCsv,
            None,
            FileSet::new(),
            problems,
            &BTreeSet::new(),
            &|_| {},
        );
    };
    let (scenario, more, index) = import(ImportInput {
        file,
        injects: &table,
        settings: None,
        teams: None,
        base: options.base,
    });
    problems.extend(more);
    complete(
        Format::MselCsv,
        file,
        scenario,
        problems,
        index,
        &options.media,
    )
}

/// Reads an MSEL workbook (XLSX; XLS and ODS too). The "Scenario" and "Teams" sheets are
/// read when present. Only a workbook that breaks the limits (a zip bomb) is an `Err`; every
/// other problem is in the report.
pub fn read_xlsx(
    file: &str,
    bytes: &[u8],
    options: MselOptions<'_>,
    limits: Limits,
) -> Result<Loaded, FormatError> {
    let mut problems = Vec::new();
    let Some(sheets) = xlsx::read_sheets(file, bytes, limits, &mut problems)? else {
        return Ok(finish(
            Format::MselXlsx,
            None,
            FileSet::new(),
            problems,
            &BTreeSet::new(),
            &|_| {},
        ));
    };
    let settings = sheets
        .settings
        .as_ref()
        .map(|t| settings::read_settings(file, t, &mut problems));
    // An empty Teams sheet (a template) means no known set of teams.
    let teams = sheets
        .teams
        .as_ref()
        .map(|t| settings::read_teams(file, t, &mut problems))
        .filter(|teams| !teams.is_empty());
    let (scenario, more, index) = import(ImportInput {
        file,
        injects: &sheets.injects,
        settings,
        teams,
        base: options.base,
    });
    problems.extend(more);
    Ok(complete(
        Format::MselXlsx,
        file,
        scenario,
        problems,
        index,
        &options.media,
    ))
}

/// Fetches the media the scenario names and validates it.
fn complete(
    format: Format,
    file: &str,
    scenario: Option<Scenario>,
    mut problems: Vec<Problem>,
    index: RowIndex,
    lookup: &Lookup<'_>,
) -> Loaded {
    let mut media = FileSet::new();
    let mut reported = BTreeSet::new();
    if let Some(scenario) = &scenario {
        for name in scenario.media_refs() {
            if name.contains('/') || name.contains('\\') {
                problems.push(
                    Problem::error(format!(
                        "media {name:?} is a path; the Media column names files in the media folder"
                    ))
                    .in_file(file),
                );
                reported.insert(name.to_owned());
                continue;
            }
            match lookup.find(name) {
                Ok(Some(bytes)) => media.put(name.to_owned(), bytes),
                Ok(None) => {}
                Err(e) => {
                    problems.push(Problem::error(format!("media {name:?}: {e}")).in_file(file));
                    reported.insert(name.to_owned());
                }
            }
        }
    }
    let locate = |p: &mut Problem| {
        index.locate(p);
        p.location.file = Some(file.to_owned());
    };
    finish(format, scenario, media, problems, &reported, &locate)
}

/// The scenario as an MSEL CSV: one row per inject. CSV holds no scenario settings or team
/// details: import it into the scenario (see [`MselOptions::base`]) or use a workbook to
/// keep them.
pub fn write_csv(scenario: &Scenario) -> Result<Vec<u8>, FormatError> {
    let columns = export::export_columns(scenario);
    csv::write_table(&export::inject_rows(scenario, &columns))
}

/// The scenario as an MSEL workbook: "Injects", "Scenario" and "Teams" sheets.
pub fn write_xlsx(scenario: &Scenario) -> Result<Vec<u8>, FormatError> {
    let columns = export::export_columns(scenario);
    let widths = columns
        .iter()
        .map(|c| match c {
            Column::Body => 60.0,
            Column::Subject | Column::ExpectedAction | Column::Notes => 36.0,
            Column::From | Column::Team | Column::Media | Column::Extra => 20.0,
            _ => 12.0,
        })
        .collect();
    xlsx::write_workbook(&[
        xlsx::SheetOut {
            name: INJECTS_SHEET,
            rows: export::inject_rows(scenario, &columns),
            widths,
        },
        xlsx::SheetOut {
            name: SCENARIO_SHEET,
            rows: settings::settings_rows(scenario),
            widths: vec![16.0, 60.0],
        },
        xlsx::SheetOut {
            name: TEAMS_SHEET,
            rows: settings::teams_rows(scenario),
            widths: vec![20.0, 28.0, 10.0, 10.0, 8.0, 40.0, 14.0, 12.0],
        },
    ])
}
