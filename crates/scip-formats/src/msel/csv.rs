//! MSEL sheets as CSV text.

use scip_core::Problem;

use super::cell::{Cell, guard_csv, unguard_csv};
use super::table::{Row, Table};
use crate::error::FormatError;

/// The byte-order mark spreadsheet programs use to recognise UTF-8 CSV.
const BOM: &str = "\u{feff}";

/// Reads CSV bytes into a table. The separator is sniffed from the first line (`,`, `;` or
/// tab, as spreadsheet programs write them in different locales); a UTF-8 byte-order mark is
/// skipped. Problems (text that is not UTF-8, broken quoting) name the row.
pub(crate) fn read_table(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> Option<Table> {
    let bytes = bytes.strip_prefix(BOM.as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_separator(bytes))
        .from_reader(bytes);
    let mut table = Table::default();
    for (index, record) in reader.byte_records().enumerate() {
        let number = index + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(
                    Problem::error(format!("the CSV cannot be read here: {e}"))
                        .in_file(file)
                        .at_row(number),
                );
                return None;
            }
        };
        let mut cells = Vec::with_capacity(record.len());
        for field in &record {
            match std::str::from_utf8(field) {
                Ok("") => cells.push(Cell::Empty),
                Ok(text) => cells.push(Cell::Text(unguard_csv(text.to_owned()))),
                Err(_) => {
                    problems.push(
                        Problem::error("the text is not UTF-8; save the sheet as \"CSV UTF-8\"")
                            .in_file(file)
                            .at_row(number),
                    );
                    return None;
                }
            }
        }
        table.rows.push(Row { number, cells });
    }
    Some(table)
}

/// `,`, `;` or tab: whichever the first line holds most of, outside quotes.
fn sniff_separator(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in bytes.iter().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(c) = counts.iter_mut().find(|(sep, _)| *sep == b) {
                    c.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold((b',', 0), |best, c| if c.1 > best.1 { *c } else { best })
        .0
}

/// Writes rows as CSV: UTF-8 with a byte-order mark, CRLF line ends, quotes only where
/// needed, and formula-looking text guarded with an apostrophe.
pub(crate) fn write_table(rows: &[Vec<Cell>]) -> Result<Vec<u8>, FormatError> {
    let fail = |e: csv::Error| FormatError::Unwritable(format!("cannot write CSV: {e}"));
    let mut out = BOM.as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for row in rows {
            let fields: Vec<String> = row
                .iter()
                .map(|cell| match cell {
                    Cell::Text(s) => guard_csv(s),
                    Cell::Bool(true) => "yes".to_owned(),
                    Cell::Bool(false) => "no".to_owned(),
                    other => other.text().unwrap_or_default(),
                })
                .collect();
            writer.write_record(&fields).map_err(fail)?;
        }
        writer
            .flush()
            .map_err(|e| FormatError::Unwritable(format!("cannot write CSV: {e}")))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_files_are_read() {
        let mut problems = Vec::new();
        let table =
            read_table("p.csv", "T+;Type\n00:01:00;sms\n".as_bytes(), &mut problems).unwrap();
        assert_eq!(
            table.rows[1].cells,
            [Cell::Text("00:01:00".into()), Cell::Text("sms".into())]
        );
    }

    #[test]
    fn quoted_newlines_commas_and_quotes_survive() {
        let rows = vec![vec![
            Cell::Text("a, \"b\"\r\nc".into()),
            Cell::Text("=1+1".into()),
            Cell::Empty,
        ]];
        let bytes = write_table(&rows).unwrap();
        let mut problems = Vec::new();
        let table = read_table("p.csv", &bytes, &mut problems).unwrap();
        assert_eq!(
            table.rows[0].cells,
            [
                Cell::Text("a, \"b\"\r\nc".into()),
                Cell::Text("=1+1".into()),
                Cell::Empty
            ]
        );
    }

    #[test]
    fn text_that_is_not_utf8_names_the_row() {
        let mut problems = Vec::new();
        assert!(read_table("p.csv", b"Type\nnews\n\xe9t\xe9\n", &mut problems).is_none());
        assert_eq!(
            problems[0].to_string(),
            "p.csv:3: error: the text is not UTF-8; save the sheet as \"CSV UTF-8\""
        );
    }
}
