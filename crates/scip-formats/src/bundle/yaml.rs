//! YAML text for bundle files, with times always quoted.
//!
//! serde_norway follows YAML 1.2 and writes the time `01:30` bare. YAML 1.1 readers (PyYAML,
//! many editors) read a bare `01:30` as the sexagesimal number 90, so a bundle edited by other
//! tools could silently change its times. We therefore quote every time-like value of the
//! keys `at`, `duration` and `turn_length`, skipping block scalars (multi-line text), and
//! check that the quoted text still reads back as exactly the same document.

use serde::Serialize;

use crate::error::FormatError;

/// Keys whose values are times in bundle files.
const TIME_KEYS: [&str; 3] = ["at", "duration", "turn_length"];

/// Serialises a bundle document to YAML with quoted times.
pub(crate) fn to_yaml<T: Serialize>(value: &T) -> Result<String, FormatError> {
    let plain = serde_norway::to_string(value)
        .map_err(|e| FormatError::Unwritable(format!("cannot write YAML: {e}")))?;
    let quoted = quote_times(&plain);
    if quoted == plain || same_document(&plain, &quoted) {
        Ok(quoted)
    } else {
        // Never expected; the plain text is still a correct document for our own reader.
        Ok(plain)
    }
}

fn same_document(a: &str, b: &str) -> bool {
    let parse = |s: &str| serde_norway::from_str::<serde_norway::Value>(s).ok();
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// Quotes bare time values of [`TIME_KEYS`] line by line, leaving block scalars alone.
fn quote_times(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 64);
    // Indentation of the line that opened the block scalar we are inside, if any.
    let mut block_parent: Option<usize> = None;
    for line in yaml.split_inclusive('\n') {
        let content = line.trim_end_matches('\n');
        let indent = content.len() - content.trim_start_matches(' ').len();
        if let Some(parent) = block_parent {
            if content.trim().is_empty() || indent > parent {
                out.push_str(line);
                continue;
            }
            block_parent = None;
        }
        let mut rest = &content[indent..];
        let mut key_column = indent;
        while let Some(after) = rest.strip_prefix("- ") {
            rest = after;
            key_column += 2;
        }
        if is_block_indicator(rest) {
            block_parent = Some(indent);
            out.push_str(line);
            continue;
        }
        if let Some((key, value)) = rest.split_once(": ") {
            if is_block_indicator(value) {
                block_parent = Some(key_column);
            } else if TIME_KEYS.contains(&key) && is_bare_time(value) {
                out.push_str(&content[..content.len() - value.len()]);
                out.push('"');
                out.push_str(value);
                out.push('"');
                out.push_str(&line[content.len()..]);
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

/// `|`, `|-`, `>+2`, … : the start of a block scalar.
fn is_block_indicator(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
}

/// `01:30`, `1:02:03.250`: digits separated by colons, with an optional fraction.
fn is_bare_time(value: &str) -> bool {
    let (whole, frac) = match value.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (value, None),
    };
    let parts: Vec<&str> = whole.split(':').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_are_quoted_and_other_values_are_not() {
        let doc = json!({
            "duration": "1:30:00",
            "injects": [
                {"id": "a", "at": "01:30", "content": {"body": "x\nat: 01:30\n", "at": 5}},
                {"id": "b", "at": "00:05.250"}
            ]
        });
        let text = to_yaml(&doc).unwrap();
        assert!(text.contains("duration: \"1:30:00\""), "{text}");
        assert!(
            text.contains("- at: \"01:30\"") || text.contains("  at: \"01:30\""),
            "{text}"
        );
        assert!(text.contains("at: \"00:05.250\""), "{text}");
        assert!(
            text.contains("  at: 01:30\n"),
            "block text untouched: {text}"
        );
        assert!(text.contains("at: 5"), "numbers stay numbers: {text}");
        let back: serde_json::Value = serde_norway::from_str(&text).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn bare_times_are_recognised() {
        assert!(is_bare_time("01:30"));
        assert!(is_bare_time("1:02:03.5"));
        assert!(!is_bare_time("90"));
        assert!(!is_bare_time("'01:30'"));
        assert!(!is_bare_time("1:x"));
        assert!(!is_bare_time("01:30."));
    }
}
