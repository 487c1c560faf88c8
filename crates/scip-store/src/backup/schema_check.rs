//! The backup's table list against the live database: same tables, same columns, same types
//! and nullability. Run before every backup, so a migration that outgrows the backup format
//! stops the backup with a clear message rather than leaving data out.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::AnyConnection;

use super::tables::{ColumnType, TABLES};
use crate::error::StoreResult;
use crate::row::get;
use crate::store::DbKind;

/// A column as the database describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LiveColumn {
    /// Column name.
    pub name: String,
    /// Declared type (`TEXT`, `bigint`, …).
    pub declared: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
}

/// The stored type of a declared SQL type, if backups handle it.
fn column_type(declared: &str) -> Option<ColumnType> {
    match declared.to_ascii_lowercase().as_str() {
        "text" => Some(ColumnType::Text),
        "integer" | "bigint" | "smallint" | "int" | "int2" | "int4" | "int8" => {
            Some(ColumnType::Integer)
        }
        _ => None,
    }
}

/// Reads the SCIP tables (all but sqlx's own) and their columns.
pub(crate) async fn live_schema(
    conn: &mut AnyConnection,
    kind: DbKind,
) -> StoreResult<BTreeMap<String, Vec<LiveColumn>>> {
    let tables_sql = match kind {
        DbKind::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'"
        }
        DbKind::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name <> '_sqlx_migrations'"
        }
    };
    let names: Vec<String> = sqlx::query_scalar(tables_sql).fetch_all(&mut *conn).await?;
    let columns_sql = match kind {
        // A non-INTEGER primary key may hold NULL in SQLite unless declared NOT NULL, but
        // SCIP never writes one; count it as NOT NULL as PostgreSQL does.
        DbKind::Sqlite => {
            "SELECT name, type AS declared, \
             CASE WHEN \"notnull\" = 0 AND pk = 0 THEN 1 ELSE 0 END AS nullable \
             FROM pragma_table_info($1)"
        }
        DbKind::Postgres => {
            "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS declared, \
             CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
    };
    let mut schema = BTreeMap::new();
    for name in names {
        let rows = sqlx::query(columns_sql)
            .bind(&name)
            .fetch_all(&mut *conn)
            .await?;
        let columns = rows
            .iter()
            .map(|row| {
                Ok(LiveColumn {
                    name: get(row, "name")?,
                    declared: get(row, "declared")?,
                    nullable: get::<i32>(row, "nullable")? != 0,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        schema.insert(name, columns);
    }
    Ok(schema)
}

/// Every difference between the live schema and [`TABLES`], in words; empty when they match.
pub(crate) fn differences(live: &BTreeMap<String, Vec<LiveColumn>>) -> Vec<String> {
    let mut problems = Vec::new();
    let known: BTreeSet<&str> = TABLES.iter().map(|t| t.name).collect();
    for name in live.keys() {
        if !known.contains(name.as_str()) {
            problems.push(format!("table {name} is not backed up"));
        }
    }
    for spec in TABLES {
        let Some(columns) = live.get(spec.name) else {
            problems.push(format!("table {} does not exist", spec.name));
            continue;
        };
        for c in columns {
            let Some(expected) = spec.column(&c.name) else {
                problems.push(format!("column {}.{} is not backed up", spec.name, c.name));
                continue;
            };
            if column_type(&c.declared) != Some(expected.column_type) {
                problems.push(format!(
                    "column {}.{} is {}, the backup expects {}",
                    spec.name,
                    c.name,
                    c.declared,
                    expected.column_type.as_str()
                ));
            }
            if c.nullable != expected.nullable {
                problems.push(format!(
                    "column {}.{} is {}, the backup expects {}",
                    spec.name,
                    c.name,
                    if c.nullable { "nullable" } else { "NOT NULL" },
                    if expected.nullable {
                        "nullable"
                    } else {
                        "NOT NULL"
                    }
                ));
            }
        }
        for expected in spec.columns {
            if !columns.iter().any(|c| c.name == expected.name) {
                problems.push(format!(
                    "column {}.{} does not exist",
                    spec.name, expected.name
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matching() -> BTreeMap<String, Vec<LiveColumn>> {
        TABLES
            .iter()
            .map(|t| {
                let columns = t
                    .columns
                    .iter()
                    .map(|c| LiveColumn {
                        name: c.name.into(),
                        declared: match c.column_type {
                            ColumnType::Integer => "BIGINT".into(),
                            ColumnType::Text => "TEXT".into(),
                        },
                        nullable: c.nullable,
                    })
                    .collect();
                (t.name.to_owned(), columns)
            })
            .collect()
    }

    #[test]
    fn the_table_list_matches_itself() {
        assert!(differences(&matching()).is_empty());
    }

    #[test]
    fn every_kind_of_drift_is_named() {
        let mut live = matching();
        live.insert("audit".into(), vec![]);
        live.get_mut("settings").unwrap().push(LiveColumn {
            name: "scope".into(),
            declared: "TEXT".into(),
            nullable: true,
        });
        live.get_mut("users").unwrap()[0].declared = "BLOB".into();
        live.get_mut("media").unwrap()[4].nullable = false;
        live.get_mut("events").unwrap().pop();
        live.remove("engine_leases");
        let problems = differences(&live).join("; ");
        for expected in [
            "table audit is not backed up",
            "column settings.scope is not backed up",
            "column users.id is BLOB, the backup expects text",
            "column media.width is NOT NULL, the backup expects nullable",
            "column events.data does not exist",
            "table engine_leases does not exist",
        ] {
            assert!(problems.contains(expected), "{expected}: {problems}");
        }
    }
}
