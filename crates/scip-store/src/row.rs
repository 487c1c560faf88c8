//! Reading columns out of rows and fitting Rust numbers into SQL ones. Anything that does not
//! fit is reported as [`StoreError::Corrupt`] (read) or [`StoreError::Invalid`] (write) naming
//! the column, never a panic.

use std::fmt::Display;
use std::str::FromStr;

use sqlx::any::AnyRow;
use sqlx::{Any, Decode, Row, Type};

use crate::error::{StoreError, StoreResult};

/// A column of any type sqlx can decode.
pub(crate) fn get<'r, T>(row: &'r AnyRow, column: &str) -> StoreResult<T>
where
    T: Decode<'r, Any> + Type<Any>,
{
    row.try_get(column)
        .map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
}

/// A non-negative integer column.
pub(crate) fn get_u64(row: &AnyRow, column: &str) -> StoreResult<u64> {
    let v: i64 = get(row, column)?;
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("column {column} is negative: {v}")))
}

/// A nullable non-negative integer column.
pub(crate) fn get_opt_u64(row: &AnyRow, column: &str) -> StoreResult<Option<u64>> {
    let v: Option<i64> = get(row, column)?;
    v.map(|v| {
        u64::try_from(v)
            .map_err(|_| StoreError::Corrupt(format!("column {column} is negative: {v}")))
    })
    .transpose()
}

/// A 32-bit non-negative integer column.
pub(crate) fn get_u32(row: &AnyRow, column: &str) -> StoreResult<u32> {
    let v: i64 = get(row, column)?;
    u32::try_from(v)
        .map_err(|_| StoreError::Corrupt(format!("column {column} is out of range: {v}")))
}

/// A nullable 32-bit non-negative integer column.
pub(crate) fn get_opt_u32(row: &AnyRow, column: &str) -> StoreResult<Option<u32>> {
    let v: Option<i64> = get(row, column)?;
    v.map(|v| {
        u32::try_from(v)
            .map_err(|_| StoreError::Corrupt(format!("column {column} is out of range: {v}")))
    })
    .transpose()
}

/// A SMALLINT 0/1 flag.
pub(crate) fn get_flag(row: &AnyRow, column: &str) -> StoreResult<bool> {
    match get::<i64>(row, column)? {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(StoreError::Corrupt(format!(
            "column {column} is {v}, not 0 or 1"
        ))),
    }
}

/// A text column parsed into a type (an id, a state name).
pub(crate) fn get_parsed<T>(row: &AnyRow, column: &str) -> StoreResult<T>
where
    T: FromStr,
    T::Err: Display,
{
    let text: String = get(row, column)?;
    parse_stored(&text, column)
}

/// Parses text read from `column`.
pub(crate) fn parse_stored<T>(text: &str, column: &str) -> StoreResult<T>
where
    T: FromStr,
    T::Err: Display,
{
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("column {column} holds {text:?}: {e}")))
}

/// A JSON text column.
pub(crate) fn get_json(row: &AnyRow, column: &str) -> StoreResult<serde_json::Value> {
    let text: String = get(row, column)?;
    serde_json::from_str(&text)
        .map_err(|e| StoreError::Corrupt(format!("column {column} is not valid JSON: {e}")))
}

/// A count or measure bound as BIGINT.
pub(crate) fn db_i64(value: u64, what: &str) -> StoreResult<i64> {
    i64::try_from(value).map_err(|_| StoreError::Invalid(format!("{what} {value} is too large")))
}

/// An optional count or measure bound as BIGINT.
pub(crate) fn db_opt_i64(value: Option<u64>, what: &str) -> StoreResult<Option<i64>> {
    value.map(|v| db_i64(v, what)).transpose()
}

/// A flag bound as SMALLINT.
pub(crate) fn db_flag(value: bool) -> i16 {
    i16::from(value)
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern and wraps it for "contains",
/// lowercased for case-insensitive matching against `LOWER(column)`.
pub(crate) fn contains_pattern(search: &str) -> String {
    let mut out = String::with_capacity(search.len() + 2);
    out.push('%');
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("Storm_1%"), "%storm\\_1\\%%");
        assert_eq!(contains_pattern(""), "%%");
    }

    #[test]
    fn numbers_too_large_for_bigint_are_refused() {
        assert!(db_i64(u64::MAX, "seq").is_err());
        assert_eq!(db_i64(5, "seq"), Ok(5));
    }
}
