//! Inserting many rows at once — multi-row `INSERT … VALUES (…), (…)` statements — so a
//! burst of thousands of deliveries costs a handful of statements instead of one per row.
//!
//! PostgreSQL needs numbered parameters (`$1`); SQLite gets anonymous ones (`?`), because it
//! looks each numbered parameter's name up in a list, which makes binding a statement with
//! thousands of them quadratic (5,000 deliveries took seconds instead of milliseconds).

use sqlx::{AnyConnection, Executor};

use crate::error::{StoreError, StoreResult};

/// Most bound parameters in one statement: below SQLite's limit (32,766) and PostgreSQL's
/// (65,535).
const MAX_PARAMS: usize = 16_000;

/// One column value of a row to insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell<'a> {
    /// An integer column (SMALLINT, INTEGER or BIGINT).
    Int(Option<i64>),
    /// A TEXT column.
    Text(Option<&'a str>),
}

impl From<i64> for Cell<'_> {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}

impl From<Option<i64>> for Cell<'_> {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(v: &'a str) -> Self {
        Self::Text(Some(v))
    }
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Self::Text(v)
    }
}

/// How parameters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// `$1, $2, …` (PostgreSQL).
    Numbered,
    /// `?, ?, …` (SQLite).
    Anonymous,
}

/// `INSERT INTO table (a, b) VALUES ($1, $2), ($3, $4)` (or with `?`) for `rows` rows.
pub(crate) fn values_sql(
    table: &str,
    columns: &[&str],
    rows: usize,
    placeholders: Placeholders,
) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            match placeholders {
                Placeholders::Numbered => {
                    n += 1;
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                Placeholders::Anonymous => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// Inserts one row per item into `table`. `row` pushes an item's values in `columns` order.
pub(crate) async fn insert_all<'a, T>(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    items: &'a [T],
    row: impl Fn(&'a T, &mut Vec<Cell<'a>>) -> StoreResult<()>,
) -> StoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mut cells: Vec<Cell<'a>> = Vec::with_capacity(columns.len() * items.len());
    for item in items {
        let before = cells.len();
        row(item, &mut cells)?;
        if cells.len() - before != columns.len() {
            // A bug in the caller; refusing keeps misaligned values out of the table.
            return Err(StoreError::Other(format!(
                "{table}: a row has {} values for {} columns",
                cells.len() - before,
                columns.len()
            )));
        }
    }
    let placeholders = if conn.backend_name() == "SQLite" {
        Placeholders::Anonymous
    } else {
        Placeholders::Numbered
    };
    let rows_per_statement = (MAX_PARAMS / columns.len()).max(1);
    for chunk in cells.chunks(rows_per_statement * columns.len()) {
        let sql = values_sql(table, columns, chunk.len() / columns.len(), placeholders);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for cell in chunk {
            query = match *cell {
                Cell::Int(v) => query.bind(v),
                Cell::Text(v) => query.bind(v),
            };
        }
        conn.execute(query).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_statements_have_one_tuple_per_row() {
        assert_eq!(
            values_sql("t", &["a", "b"], 2, Placeholders::Numbered),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            values_sql("t", &["a"], 3, Placeholders::Anonymous),
            "INSERT INTO t (a) VALUES (?), (?), (?)"
        );
    }
}
