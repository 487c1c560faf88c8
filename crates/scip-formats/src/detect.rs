//! Recognising which scenario format an input holds.

use std::fmt;

use crate::bundle::SCENARIO_FILES;
use crate::error::FormatError;
use crate::fileset::FileSet;
use crate::path::extension;

/// A scenario format SCIP reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A bundle folder or zip (`scenario.yaml`, `teams/`, `media/`).
    Bundle,
    /// A SCIP v3 scenario JSON with `teams[].timeline_file`.
    ScipV3,
    /// An MSEL spreadsheet saved as CSV.
    MselCsv,
    /// An MSEL workbook (XLSX; XLS and ODS are read too).
    MselXlsx,
}

impl Format {
    /// A short name: `bundle`, `scip-v3`, `msel-csv`, `msel-xlsx`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bundle => "bundle",
            Self::ScipV3 => "scip-v3",
            Self::MselCsv => "msel-csv",
            Self::MselXlsx => "msel-xlsx",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Spreadsheet extensions read as workbooks.
pub(crate) const WORKBOOK_EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// The format of a single file judged by its extension and, for JSON, its content.
pub(crate) fn format_of_file(name: &str, bytes: &[u8]) -> Option<Format> {
    match extension(name)?.as_str() {
        "csv" => Some(Format::MselCsv),
        ext if WORKBOOK_EXTENSIONS.contains(&ext) => Some(Format::MselXlsx),
        "json" if is_v3_scenario(bytes) => Some(Format::ScipV3),
        _ => None,
    }
}

/// True for a JSON object whose `teams` name `timeline_file`s (a SCIP v3 scenario).
pub(crate) fn is_v3_scenario(bytes: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(bytes)
    else {
        return false;
    };
    match map.get("teams") {
        Some(serde_json::Value::Array(teams)) => {
            teams.iter().any(|t| t.get("timeline_file").is_some())
        }
        _ => false,
    }
}

/// What a file set holds and which file is the entry point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Detected {
    /// A bundle at the top of the set.
    Bundle,
    /// A format with one main file.
    File(Format, String),
}

/// Recognises the format of a file set (an unpacked zip or uploaded files). Only files at the
/// top of the set count as entry points, as in SCIP v3 where only top-level `*.json` files
/// were scenarios.
pub(crate) fn detect_set(container: &str, files: &FileSet) -> Result<Detected, FormatError> {
    if SCENARIO_FILES.iter().any(|f| files.contains(f)) {
        return Ok(Detected::Bundle);
    }
    let top: Vec<&str> = files.paths().filter(|p| !p.contains('/')).collect();
    let mut found: Vec<(Format, &str)> = top
        .iter()
        .filter_map(|name| {
            let bytes = files.get(name).unwrap_or_default();
            format_of_file(name, bytes).map(|f| (f, *name))
        })
        .collect();
    // A workbook next to a CSV export of itself is common; the workbook carries more.
    if found.iter().any(|(f, _)| *f == Format::MselXlsx) {
        found.retain(|(f, _)| *f != Format::MselCsv);
    }
    match found.as_slice() {
        [(format, name)] => Ok(Detected::File(*format, (*name).to_owned())),
        [] => {
            let listing: Vec<&str> = files.paths().take(8).collect();
            Err(FormatError::Unrecognized(format!(
                "{container} holds no scenario: no scenario.yaml or scenario.json (bundle), \
                 no SCIP v3 scenario .json, no .csv or .xlsx at its top (it holds: {}{})",
                if listing.is_empty() {
                    "nothing".to_owned()
                } else {
                    listing.join(", ")
                },
                if files.len() > listing.len() {
                    ", …"
                } else {
                    ""
                }
            )))
        }
        several => Err(FormatError::Unrecognized(format!(
            "{container} holds several scenarios ({}); give one at a time",
            several
                .iter()
                .map(|(_, n)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(entries: &[(&str, &str)]) -> FileSet {
        let mut s = FileSet::new();
        for (n, b) in entries {
            s.insert("t", n, b.as_bytes().to_vec()).unwrap();
        }
        s
    }

    #[test]
    fn each_format_is_recognised() {
        assert_eq!(
            detect_set("t", &set(&[("scenario.yaml", ""), ("teams/a.yaml", "")])).unwrap(),
            Detected::Bundle
        );
        assert_eq!(
            detect_set("t", &set(&[("plan.csv", "")])).unwrap(),
            Detected::File(Format::MselCsv, "plan.csv".into())
        );
        assert_eq!(
            detect_set("t", &set(&[("plan.csv", ""), ("plan.xlsx", "")])).unwrap(),
            Detected::File(Format::MselXlsx, "plan.xlsx".into())
        );
        let v3 = r#"{"teams":[{"id":"a","timeline_file":"a.json"}]}"#;
        assert_eq!(
            detect_set(
                "t",
                &set(&[("s.json", v3), ("a.json", r#"{"injects":[]}"#)])
            )
            .unwrap(),
            Detected::File(Format::ScipV3, "s.json".into())
        );
    }

    #[test]
    fn unknown_and_ambiguous_sets_are_explained() {
        let err = detect_set("up.zip", &set(&[("notes.txt", "")])).unwrap_err();
        assert!(err.to_string().contains("it holds: notes.txt"), "{err}");
        let err = detect_set("up.zip", &set(&[("a.csv", ""), ("b.csv", "")])).unwrap_err();
        assert!(
            err.to_string().contains("several scenarios (a.csv, b.csv)"),
            "{err}"
        );
    }
}
