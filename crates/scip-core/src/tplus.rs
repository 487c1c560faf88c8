//! Exercise time notation. Times are held as milliseconds from T+0; people read and write them
//! as `T+MM:SS`, `T+H:MM:SS`, `HH:MM:SS`, `MM:SS` or plain seconds.

use std::fmt;

/// Why a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Nothing to read.
    #[error("is empty")]
    Empty,
    /// The text is not one of the accepted notations.
    #[error("{0:?} is not a time; write T+MM:SS, T+H:MM:SS, HH:MM:SS, MM:SS or whole seconds")]
    Malformed(String),
    /// A negative time.
    #[error("{0:?} is negative; exercise times start at T+0")]
    Negative(String),
    /// Minutes or seconds of 60 or more after a colon.
    #[error("{0:?} has a minutes or seconds field of 60 or more")]
    FieldOutOfRange(String),
    /// Beyond what an exercise can last (a year).
    #[error("{0:?} is longer than a year")]
    TooLarge(String),
}

/// Longest time we accept: a year, far beyond any exercise, small enough to never overflow.
pub const MAX_MS: u64 = 366 * 24 * 3_600_000;

/// Formats milliseconds as `T+MM:SS` (under an hour) or `T+H:MM:SS`, dropping milliseconds.
pub fn format_tplus(ms: u64) -> String {
    format!("T+{}", format_clock(ms))
}

/// Formats milliseconds as `MM:SS` or `H:MM:SS`, with `.mmm` when the time has milliseconds.
/// This is the lossless form used in files.
pub fn format_precise(ms: u64) -> String {
    let base = format_clock(ms);
    match ms % 1000 {
        0 => base,
        frac => format!("{base}.{frac:03}"),
    }
}

fn format_clock(ms: u64) -> String {
    let total_s = ms / 1000;
    let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// Reads a time in any accepted notation and returns milliseconds.
///
/// Accepted: `T+MM:SS`, `T+H:MM:SS`, `HH:MM:SS`, `MM:SS`, whole seconds (`90`), each optionally
/// with a `.mmm` fraction after the seconds (`01:30.250`). Minutes before the first colon of
/// `MM:SS` may exceed 59 (`125:05` is two hours and five minutes, as SCIP v3 wrote it).
pub fn parse_time(text: &str) -> Result<u64, TimeError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(TimeError::Empty);
    }
    let body = trimmed
        .strip_prefix("T+")
        .or_else(|| trimmed.strip_prefix("t+"))
        .unwrap_or(trimmed);
    if body.starts_with('-') || trimmed.starts_with("T-") {
        return Err(TimeError::Negative(trimmed.to_owned()));
    }
    let malformed = || TimeError::Malformed(trimmed.to_owned());
    let (whole, frac_ms) = match body.split_once('.') {
        Some((w, f)) => (w, parse_fraction(f).ok_or_else(malformed)?),
        None => (body, 0),
    };
    let parts: Vec<&str> = whole.split(':').collect();
    let nums: Vec<u64> = parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.len() > 15 || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse::<u64>().ok()
            }
        })
        .collect::<Option<_>>()
        .ok_or_else(malformed)?;
    let seconds = match nums.as_slice() {
        [s] => *s,
        [m, s] => {
            if *s >= 60 {
                return Err(TimeError::FieldOutOfRange(trimmed.to_owned()));
            }
            m * 60 + s
        }
        [h, m, s] => {
            if *m >= 60 || *s >= 60 {
                return Err(TimeError::FieldOutOfRange(trimmed.to_owned()));
            }
            h * 3600 + m * 60 + s
        }
        _ => return Err(malformed()),
    };
    let ms = seconds
        .checked_mul(1000)
        .and_then(|v| v.checked_add(frac_ms))
        .filter(|v| *v <= MAX_MS)
        .ok_or_else(|| TimeError::TooLarge(trimmed.to_owned()))?;
    Ok(ms)
}

fn parse_fraction(f: &str) -> Option<u64> {
    if f.is_empty() || f.len() > 3 || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{f:0<3}");
    padded.parse().ok()
}

/// A time offset that displays as `T+MM:SS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TPlus(pub u64);

impl fmt::Display for TPlus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_tplus(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_every_documented_notation() {
        assert_eq!(parse_time("T+01:30"), Ok(90_000));
        assert_eq!(parse_time("T+1:02:03"), Ok(3_723_000));
        assert_eq!(parse_time("01:02:03"), Ok(3_723_000));
        assert_eq!(parse_time("12:00"), Ok(720_000));
        assert_eq!(parse_time("90"), Ok(90_000));
        assert_eq!(parse_time(" 0 "), Ok(0));
        assert_eq!(parse_time("T+125:05"), Ok(7_505_000));
        assert_eq!(parse_time("00:01.5"), Ok(1_500));
        assert_eq!(parse_time("00:01.250"), Ok(1_250));
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        assert_eq!(parse_time(""), Err(TimeError::Empty));
        assert!(matches!(parse_time("-5"), Err(TimeError::Negative(_))));
        assert!(matches!(parse_time("T-00:05"), Err(TimeError::Negative(_))));
        assert!(matches!(
            parse_time("1:60"),
            Err(TimeError::FieldOutOfRange(_))
        ));
        assert!(matches!(
            parse_time("1:2:3:4"),
            Err(TimeError::Malformed(_))
        ));
        assert!(matches!(parse_time("ten"), Err(TimeError::Malformed(_))));
        assert!(matches!(parse_time("1.2345"), Err(TimeError::Malformed(_))));
        assert!(matches!(
            parse_time("99999999999"),
            Err(TimeError::TooLarge(_))
        ));
    }

    #[test]
    fn formats_minutes_then_hours() {
        assert_eq!(format_tplus(0), "T+00:00");
        assert_eq!(format_tplus(59_999), "T+00:59");
        assert_eq!(format_tplus(3_600_000), "T+1:00:00");
        assert_eq!(format_precise(61_250), "01:01.250");
    }

    proptest! {
        #[test]
        fn precise_format_round_trips(ms in 0u64..MAX_MS) {
            prop_assert_eq!(parse_time(&format_precise(ms)), Ok(ms));
        }

        #[test]
        fn any_text_gives_a_time_or_an_error(s in ".{0,24}") {
            let _ = parse_time(&s);
        }
    }
}
