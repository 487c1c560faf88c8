//! Multi-row `INSERT … VALUES (…), (…)` statements, so a burst of thousands of rows costs a
//! handful of round trips instead of one per row.

use sqlx::AnyConnection;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Executor};

use crate::error::StoreResult;

/// Most bound parameters in one statement: below SQLite's limit (32 766) and PostgreSQL's
/// (65 535), and small enough to keep each statement's text reasonable.
const MAX_PARAMS_PER_STATEMENT: usize = 16_000;

/// A query under construction.
pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments>;

/// How placeholders are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// `$1, $2, …` (PostgreSQL needs these).
    Numbered,
    /// `?, ?, …` — for SQLite, where looking up each numbered parameter's name scans the
    /// statement's list of names, which makes binding a large statement quadratic.
    Anonymous,
}

/// `head` followed by `rows` groups of `columns` placeholders:
/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)`.
pub(crate) fn values_sql(head: &str, columns: usize, rows: usize, style: Placeholders) -> String {
    let mut sql = String::with_capacity(head.len() + rows * columns * 7);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            match style {
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

/// Inserts every item with as few statements as the parameter limit allows. `head` is
/// `INSERT INTO table (col, …)` naming `columns` columns; `bind` binds one item's values in
/// that order.
pub(crate) async fn insert_all<T>(
    conn: &mut AnyConnection,
    head: &str,
    columns: usize,
    items: &[T],
    bind: impl Fn(AnyQuery<'static>, &T) -> StoreResult<AnyQuery<'static>>,
) -> StoreResult<()> {
    let per_statement = (MAX_PARAMS_PER_STATEMENT / columns).max(1);
    let style = if conn.backend_name() == "SQLite" {
        Placeholders::Anonymous
    } else {
        Placeholders::Numbered
    };
    for chunk in items.chunks(per_statement) {
        let sql = values_sql(head, columns, chunk.len(), style);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for item in chunk {
            query = bind(query, item)?;
        }
        conn.execute(query).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b)", 2, 2, Placeholders::Numbered),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            values_sql("INSERT INTO t (a)", 1, 3, Placeholders::Anonymous),
            "INSERT INTO t (a) VALUES (?), (?), (?)"
        );
    }
}
