//! Table rows as JSON lines: one object per row, integers as JSON integers, text as JSON
//! strings, NULL as `null`; and the strict reading back that refuses anything else.

use serde_json::{Map, Value};
use sqlx::any::AnyRow;

use super::tables::{ColumnSpec, ColumnType};
use crate::bulk::Cell;
use crate::error::StoreResult;
use crate::row::get;

/// One column value read from an archive line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StoredValue {
    /// An integer column's value.
    Int(Option<i64>),
    /// A text column's value.
    Text(Option<String>),
}

impl StoredValue {
    /// The value as a bound parameter.
    pub(crate) fn cell(&self) -> Cell<'_> {
        match self {
            Self::Int(v) => Cell::Int(*v),
            Self::Text(v) => Cell::Text(v.as_deref()),
        }
    }
}

/// The JSON object line (without newline) of a database row with `columns`.
pub(crate) fn row_to_json(row: &AnyRow, columns: &[ColumnSpec]) -> StoreResult<String> {
    let mut object = Map::new();
    for c in columns {
        let value = match c.column_type {
            ColumnType::Integer => {
                get::<Option<i64>>(row, c.name)?.map_or(Value::Null, Value::from)
            }
            ColumnType::Text => {
                get::<Option<String>>(row, c.name)?.map_or(Value::Null, Value::from)
            }
        };
        object.insert(c.name.to_owned(), value);
    }
    Ok(Value::Object(object).to_string())
}

/// Reads one line into values in `columns` order. The line must be a JSON object with
/// exactly these keys, each value of its column's type, `null` only where allowed.
pub(crate) fn parse_row(line: &str, columns: &[&ColumnSpec]) -> Result<Vec<StoredValue>, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(mut object) = value else {
        return Err("not a JSON object".into());
    };
    let mut values = Vec::with_capacity(columns.len());
    for c in columns {
        let v = object
            .remove(c.name)
            .ok_or_else(|| format!("column {} is missing", c.name))?;
        if v.is_null() && !c.nullable {
            return Err(format!("column {} is null but may not be", c.name));
        }
        let stored = match (c.column_type, v) {
            (ColumnType::Integer, Value::Null) => StoredValue::Int(None),
            (ColumnType::Text, Value::Null) => StoredValue::Text(None),
            (ColumnType::Integer, Value::Number(n)) => {
                StoredValue::Int(Some(n.as_i64().ok_or_else(|| {
                    format!("column {} is {n}, not a 64-bit integer", c.name)
                })?))
            }
            (ColumnType::Text, Value::String(s)) => StoredValue::Text(Some(s)),
            (t, other) => {
                return Err(format!(
                    "column {} holds {other}, expected {}",
                    c.name,
                    t.as_str()
                ));
            }
        };
        values.push(stored);
    }
    if let Some(extra) = object.keys().next() {
        return Err(format!("unknown column {extra:?}"));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ID: ColumnSpec = ColumnSpec {
        name: "id",
        column_type: ColumnType::Text,
        nullable: false,
    };
    const N: ColumnSpec = ColumnSpec {
        name: "n",
        column_type: ColumnType::Integer,
        nullable: true,
    };

    #[test]
    fn rows_are_read_in_column_order() {
        assert_eq!(
            parse_row(r#"{"n":-5,"id":"a"}"#, &[&ID, &N]).unwrap(),
            [
                StoredValue::Text(Some("a".into())),
                StoredValue::Int(Some(-5))
            ]
        );
        assert_eq!(
            parse_row(r#"{"id":"a","n":null}"#, &[&ID, &N]).unwrap()[1],
            StoredValue::Int(None)
        );
    }

    #[test]
    fn bad_rows_are_refused_naming_the_column() {
        for (line, expected) in [
            (r#"{"id":"a"}"#, "column n is missing"),
            (r#"{"id":null,"n":1}"#, "column id is null"),
            (r#"{"id":"a","n":1.5}"#, "column n is 1.5"),
            (
                r#"{"id":"a","n":18446744073709551615}"#,
                "not a 64-bit integer",
            ),
            (r#"{"id":1,"n":1}"#, "column id holds 1, expected text"),
            (r#"{"id":"a","n":"1"}"#, "expected integer"),
            (r#"{"id":"a","n":1,"x":2}"#, "unknown column \"x\""),
            (r#"["a",1]"#, "not a JSON object"),
            (r#"{"id":"a","#, "not valid JSON"),
        ] {
            let err = parse_row(line, &[&ID, &N]).unwrap_err();
            assert!(err.contains(expected), "{line}: {err}");
        }
    }

    proptest! {
        #[test]
        fn any_line_is_read_or_refused_without_panicking(line in ".{0,80}") {
            let _ = parse_row(&line, &[&ID, &N]);
        }

        #[test]
        fn written_values_read_back_unchanged(id in ".{0,40}", n in prop::option::of(any::<i64>())) {
            let mut object = Map::new();
            object.insert("id".into(), Value::from(id.clone()));
            object.insert("n".into(), n.map_or(Value::Null, Value::from));
            let line = Value::Object(object).to_string();
            prop_assert_eq!(
                parse_row(&line, &[&ID, &N]).unwrap(),
                vec![StoredValue::Text(Some(id)), StoredValue::Int(n)]
            );
        }
    }
}
