//! MSEL workbooks: read with calamine (XLSX, XLS, ODS), written with rust_xlsxwriter (XLSX).

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use scip_core::Problem;

use super::cell::{Cell, EXACT_INTEGER_MAX};
use super::settings::{SCENARIO_SHEET, TEAMS_SHEET};
use super::table::{Row, Table};
use crate::archive::read_zip;
use crate::error::FormatError;
use crate::limits::Limits;

/// Name of the injects sheet SCIP writes.
pub const INJECTS_SHEET: &str = "Injects";
/// Longest text a spreadsheet cell holds.
const CELL_TEXT_MAX: usize = 32_767;

/// The sheets of a workbook that matter to an MSEL import.
#[derive(Debug, Default)]
pub(crate) struct Sheets {
    /// The injects sheet.
    pub injects: Table,
    /// The Scenario sheet, if present.
    pub settings: Option<Table>,
    /// The Teams sheet, if present.
    pub teams: Option<Table>,
}

/// Reads a workbook. The injects sheet is the one named "Injects", "MSEL" or "Timeline", or
/// else the first sheet that is not "Scenario" or "Teams". An XLSX (a zip) is first checked
/// against the limits, so a zip bomb is refused before the workbook reader unpacks it.
pub(crate) fn read_sheets(
    file: &str,
    bytes: &[u8],
    limits: Limits,
    problems: &mut Vec<Problem>,
) -> Result<Option<Sheets>, FormatError> {
    if bytes.starts_with(b"PK") {
        read_zip(file, bytes, limits)?;
    }
    // The workbook reader is third-party code fed with untrusted bytes; a panic in it must
    // become a problem report, not a crashed import.
    let result = catch_unwind(AssertUnwindSafe(|| read_all(bytes)));
    match result {
        Ok(Ok(sheets)) => {
            if sheets.injects.rows.is_empty() && sheets.settings.is_none() {
                problems.push(Problem::error("the workbook has no injects sheet").in_file(file));
                return Ok(None);
            }
            Ok(Some(sheets))
        }
        Ok(Err(reason)) => {
            problems.push(
                Problem::error(format!("is not a readable workbook: {reason}")).in_file(file),
            );
            Ok(None)
        }
        Err(_) => {
            problems.push(
                Problem::error("is not a readable workbook (the workbook reader failed on it)")
                    .in_file(file),
            );
            Ok(None)
        }
    }
}

fn read_all(bytes: &[u8]) -> Result<Sheets, String> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let names = workbook.sheet_names();
    let is = |name: &str, wanted: &str| name.trim().eq_ignore_ascii_case(wanted);
    let injects_name = names
        .iter()
        .find(|n| ["injects", "msel", "timeline"].iter().any(|w| is(n, w)))
        .or_else(|| {
            names
                .iter()
                .find(|n| !is(n, SCENARIO_SHEET) && !is(n, TEAMS_SHEET))
        })
        .cloned();
    let mut table_of = |name: &str| -> Result<Table, String> {
        let range = workbook
            .worksheet_range(name)
            .map_err(|e| format!("sheet {name:?}: {e}"))?;
        Ok(to_table(&range))
    };
    let mut sheets = Sheets::default();
    if let Some(name) = injects_name {
        sheets.injects = table_of(&name)?;
    }
    if let Some(name) = names.iter().find(|n| is(n, SCENARIO_SHEET)) {
        sheets.settings = Some(table_of(name)?);
    }
    if let Some(name) = names.iter().find(|n| is(n, TEAMS_SHEET)) {
        sheets.teams = Some(table_of(name)?);
    }
    Ok(sheets)
}

fn to_table(range: &calamine::Range<Data>) -> Table {
    let Some((first_row, first_col)) = range.start() else {
        return Table::default();
    };
    let lead = first_col as usize;
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            number: first_row as usize + i + 1,
            cells: std::iter::repeat_n(Cell::Empty, lead)
                .chain(cells.iter().map(to_cell))
                .collect(),
        })
        .collect();
    Table { rows }
}

fn to_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::Time {
            days: dt.as_f64(),
            duration: dt.is_duration(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// One sheet to write: its name, rows (the first is the header) and column widths.
pub(crate) struct SheetOut<'a> {
    pub name: &'a str,
    pub rows: Vec<Vec<Cell>>,
    pub widths: Vec<f64>,
}

/// Writes sheets into an XLSX workbook: bold frozen header rows, a filter on the first
/// sheet. Text longer than a cell holds is an error naming the sheet, row and column.
pub(crate) fn write_workbook(sheets: &[SheetOut<'_>]) -> Result<Vec<u8>, FormatError> {
    let fail = |e: rust_xlsxwriter::XlsxError| {
        FormatError::Unwritable(format!("cannot write the workbook: {e}"))
    };
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_background_color(0xE2E8F0);
    for (index, sheet) in sheets.iter().enumerate() {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet.name).map_err(fail)?;
        for (col, width) in sheet.widths.iter().enumerate() {
            ws.set_column_width(col as u16, *width).map_err(fail)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                write_cell(ws, r as u32, c as u16, cell, (r == 0).then_some(&header))
                    .map_err(|e| match e {
                        CellError::TooLong(len) => FormatError::Unwritable(format!(
                            "sheet {}, row {}, column {}: the text is {len} characters long; a spreadsheet cell holds at most {CELL_TEXT_MAX}",
                            sheet.name,
                            r + 1,
                            sheet.rows[0].get(c).and_then(Cell::text).unwrap_or_default()
                        )),
                        CellError::Xlsx(e) => fail(e),
                    })?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
        if index == 0 && sheet.rows.len() > 1 {
            let last_col = sheet.rows[0].len().saturating_sub(1) as u16;
            ws.autofilter(0, 0, (sheet.rows.len() - 1) as u32, last_col)
                .map_err(fail)?;
        }
    }
    workbook.save_to_buffer().map_err(fail)
}

enum CellError {
    TooLong(usize),
    Xlsx(rust_xlsxwriter::XlsxError),
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: Option<&Format>,
) -> Result<(), CellError> {
    let result = match (cell, format) {
        (Cell::Empty, _) => return Ok(()),
        (Cell::Text(s), _) if s.chars().count() > CELL_TEXT_MAX => {
            return Err(CellError::TooLong(s.chars().count()));
        }
        (Cell::Text(s), Some(f)) => ws.write_string_with_format(row, col, s, f).map(|_| ()),
        (Cell::Text(s), None) => ws.write_string(row, col, s).map(|_| ()),
        (Cell::Int(i), _) if i.unsigned_abs() <= EXACT_INTEGER_MAX => {
            ws.write_number(row, col, *i as f64).map(|_| ())
        }
        (Cell::Bool(b), _) => ws.write_boolean(row, col, *b).map(|_| ()),
        (other, _) => ws
            .write_string(row, col, other.text().unwrap_or_default())
            .map(|_| ()),
    };
    result.map_err(CellError::Xlsx)
}
