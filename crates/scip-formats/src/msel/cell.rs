//! Spreadsheet cells and how their values are read: times, counts, flags and text.

use scip_core::tplus::parse_time;

/// Milliseconds in a day, the unit of Excel time cells.
const DAY_MS: f64 = 86_400_000.0;
/// Largest integer a spreadsheet number holds exactly.
pub(crate) const EXACT_INTEGER_MAX: u64 = 1 << 53;

/// One cell, as a CSV file (always text) or a workbook gives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A time or duration cell, in days (Excel's unit).
    Time {
        /// Days.
        days: f64,
        /// True when the cell is formatted as a duration (`[h]:mm:ss`), false for a clock
        /// time or a date.
        duration: bool,
    },
    /// A formula error (`#N/A`, `#REF!`).
    Error(String),
}

impl Cell {
    /// True for an empty cell or empty text.
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Self::Empty) || matches!(self, Self::Text(s) if s.is_empty())
    }

    /// The cell as text, `None` when empty. Numbers are written without a needless `.0`.
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Self::Empty => None,
            Self::Text(s) if s.is_empty() => None,
            Self::Text(s) => Some(s.clone()),
            Self::Int(i) => Some(i.to_string()),
            Self::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
            Self::Float(f) => Some(f.to_string()),
            Self::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_owned()),
            Self::Time { days, .. } => Some(format_hms((days * DAY_MS).round().max(0.0) as u64)),
            Self::Error(e) => Some(e.clone()),
        }
    }

    /// The cell as trimmed text, `None` when empty or blank.
    pub(crate) fn trimmed(&self) -> Option<String> {
        self.text()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    }

    /// A T+ time in milliseconds: `HH:MM:SS`, `MM:SS`, seconds (text or number), or an
    /// Excel time cell.
    pub(crate) fn time_ms(&self) -> Result<Option<u64>, String> {
        match self {
            Self::Empty => Ok(None),
            Self::Text(t) if t.trim().is_empty() => Ok(None),
            Self::Text(t) => parse_time(t).map(Some).map_err(|e| format!("time {e}")),
            Self::Int(i) if *i < 0 => Err(format!("time {i} is negative; times start at T+0")),
            Self::Int(i) => parse_time(&i.to_string())
                .map(Some)
                .map_err(|e| format!("time {e}")),
            Self::Float(f) if *f < 0.0 => Err(format!("time {f} is negative; times start at T+0")),
            Self::Float(f) if *f > 1e12 => Err(format!("time {f} is longer than a year")),
            Self::Float(f) => Ok(Some((f * 1000.0).round() as u64)),
            Self::Time { days, duration } => {
                if !duration && *days >= 1.0 {
                    return Err("time is a date; T+ times are offsets such as 00:01:30".to_owned());
                }
                if *days < 0.0 {
                    return Err("time is negative; times start at T+0".to_owned());
                }
                Ok(Some((days * DAY_MS).round() as u64))
            }
            Self::Bool(_) => Err("time is TRUE/FALSE, not a time".to_owned()),
            Self::Error(e) => Err(format!("time is the spreadsheet error {e}")),
        }
    }

    /// A whole number of at least 0 (engagement counts): a number cell or digits, with
    /// `,` or `_` as thousands separators.
    pub(crate) fn count(&self) -> Result<Option<u64>, String> {
        match self {
            Self::Empty => Ok(None),
            Self::Int(i) => u64::try_from(*i)
                .map(Some)
                .map_err(|_| format!("{i} is negative; counts start at 0")),
            Self::Float(f) if *f >= 0.0 && f.fract() == 0.0 && *f <= EXACT_INTEGER_MAX as f64 => {
                Ok(Some(*f as u64))
            }
            other => {
                let Some(text) = other.trimmed() else {
                    return Ok(None);
                };
                let digits: String = text
                    .chars()
                    .filter(|c| !matches!(c, ',' | '_' | ' '))
                    .collect();
                digits
                    .parse::<u64>()
                    .map(Some)
                    .map_err(|_| format!("{text:?} is not a whole number of at least 0"))
            }
        }
    }

    /// A turn number (1 or more); `Turn 2`, `T2`, `Move 2` are read too.
    pub(crate) fn turn(&self) -> Result<Option<u32>, String> {
        let Some(text) = self.trimmed() else {
            return Ok(None);
        };
        let lower = text.to_ascii_lowercase();
        let digits = ["turn", "move", "t", "m"]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower)
            .trim();
        match digits.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(format!("turn {text:?} is not a whole number from 1")),
        }
    }

    /// A yes/no flag: TRUE/FALSE cells, or `yes`, `no`, `true`, `false`, `y`, `n`, `1`, `0`,
    /// `x`.
    pub(crate) fn flag(&self) -> Result<Option<bool>, String> {
        match self {
            Self::Bool(b) => Ok(Some(*b)),
            Self::Int(1) => Ok(Some(true)),
            Self::Int(0) => Ok(Some(false)),
            other => {
                let Some(text) = other.trimmed() else {
                    return Ok(None);
                };
                match text.to_ascii_lowercase().as_str() {
                    "yes" | "y" | "true" | "1" | "x" => Ok(Some(true)),
                    "no" | "n" | "false" | "0" => Ok(Some(false)),
                    _ => Err(format!("{text:?} is not yes or no")),
                }
            }
        }
    }
}

/// `HH:MM:SS`, with `.mmm` when the time has milliseconds: how MSEL exports write times.
pub(crate) fn format_hms(ms: u64) -> String {
    let s = ms / 1000;
    let base = format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
    match ms % 1000 {
        0 => base,
        frac => format!("{base}.{frac:03}"),
    }
}

/// Characters that make a spreadsheet program read a CSV cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn needs_guard(text: &str) -> bool {
    let rest = text.trim_start_matches('\'');
    rest.starts_with(FORMULA_STARTS)
}

/// Protects a CSV cell from being run as a formula by a spreadsheet program: text starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return (optionally after apostrophes) gets one
/// more leading apostrophe. [`unguard_csv`] undoes exactly this.
pub(crate) fn guard_csv(text: &str) -> String {
    if needs_guard(text) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Removes the apostrophe [`guard_csv`] added.
pub(crate) fn unguard_csv(text: String) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest.to_owned(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn times_are_read_in_every_notation() {
        let t = |c: Cell| c.time_ms();
        assert_eq!(t(Cell::Text("00:01:30".into())), Ok(Some(90_000)));
        assert_eq!(t(Cell::Text("01:30".into())), Ok(Some(90_000)));
        assert_eq!(t(Cell::Text("90".into())), Ok(Some(90_000)));
        assert_eq!(t(Cell::Text("T+1:00:00".into())), Ok(Some(3_600_000)));
        assert_eq!(t(Cell::Int(90)), Ok(Some(90_000)));
        assert_eq!(t(Cell::Float(1.5)), Ok(Some(1_500)));
        assert_eq!(
            t(Cell::Time {
                days: 90.0 / 86_400.0,
                duration: false
            }),
            Ok(Some(90_000))
        );
        assert_eq!(
            t(Cell::Time {
                days: 1.5,
                duration: true
            }),
            Ok(Some(129_600_000))
        );
        assert!(
            t(Cell::Time {
                days: 45_000.4,
                duration: false
            })
            .unwrap_err()
            .contains("date")
        );
        assert!(
            t(Cell::Text("soon".into()))
                .unwrap_err()
                .contains("\"soon\" is not a time")
        );
        assert_eq!(t(Cell::Empty), Ok(None));
    }

    #[test]
    fn counts_turns_and_flags_are_read() {
        assert_eq!(Cell::Text("1,234".into()).count(), Ok(Some(1234)));
        assert_eq!(Cell::Float(12.0).count(), Ok(Some(12)));
        assert!(Cell::Text("1.2K".into()).count().is_err());
        assert!(Cell::Int(-1).count().is_err());
        assert_eq!(Cell::Text("Turn 2".into()).turn(), Ok(Some(2)));
        assert_eq!(Cell::Int(3).turn(), Ok(Some(3)));
        assert!(Cell::Int(0).turn().is_err());
        assert_eq!(Cell::Text("Yes".into()).flag(), Ok(Some(true)));
        assert_eq!(Cell::Bool(false).flag(), Ok(Some(false)));
        assert!(Cell::Text("maybe".into()).flag().is_err());
    }

    #[test]
    fn exports_write_hours_minutes_seconds() {
        assert_eq!(format_hms(90_000), "00:01:30");
        assert_eq!(format_hms(3_723_250), "01:02:03.250");
        assert_eq!(format_hms(360_000_000), "100:00:00");
    }

    #[test]
    fn formula_guard_is_added_and_removed() {
        assert_eq!(guard_csv("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(guard_csv("- bullet"), "'- bullet");
        assert_eq!(guard_csv("'quoted'"), "'quoted'");
        assert_eq!(unguard_csv("'quoted'".into()), "'quoted'");
        assert_eq!(unguard_csv("'=x".into()), "=x");
    }

    proptest! {
        #[test]
        fn the_formula_guard_round_trips(s in "['=+@ a-z\t-]{0,8}") {
            prop_assert_eq!(unguard_csv(guard_csv(&s)), s.clone());
            prop_assert!(!guard_csv(&s).starts_with(FORMULA_STARTS));
        }

        #[test]
        fn exported_times_read_back(ms in 0u64..scip_core::tplus::MAX_MS) {
            prop_assert_eq!(Cell::Text(format_hms(ms)).time_ms(), Ok(Some(ms)));
        }
    }
}
