//! One data row of an MSEL injects sheet to an inject document.

use std::collections::BTreeMap;

use scip_core::model::document::{InjectDoc, TimeValue};
use scip_core::{InjectType, Problem};
use serde_json::{Map, Value};

use super::cell::Cell;
use super::columns::Column;
use super::table::Row;
use super::teams::TeamSet;

/// Column → (cell index, header as written).
pub(crate) type Layout = BTreeMap<Column, (usize, String)>;

/// Matches the header row to columns; unknown headers are warnings, a column given twice is
/// an error.
pub(crate) fn read_layout(file: &str, header: &Row, problems: &mut Vec<Problem>) -> Layout {
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

/// One data row read into an inject document.
pub(crate) struct RowInject {
    /// Index of its team.
    pub(crate) team: usize,
    /// Spreadsheet row number.
    pub(crate) row: usize,
    /// The inject.
    pub(crate) doc: InjectDoc,
    /// Whether the ID column gave its id.
    pub(crate) id_given: bool,
}

/// Reads one data row.
pub(crate) struct RowReader<'r> {
    pub(crate) file: &'r str,
    pub(crate) row: &'r Row,
    pub(crate) layout: &'r Layout,
    pub(crate) problems: &'r mut Vec<Problem>,
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

    /// The row's inject, or `None` after reporting why it cannot be read.
    pub(crate) fn read(&mut self, teams: &mut TeamSet) -> Option<RowInject> {
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
