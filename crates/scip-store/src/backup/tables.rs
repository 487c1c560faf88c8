//! Every SCIP table a backup carries, in foreign-key order (a table comes after the tables it
//! refers to), with its columns as the schema stores them.
//!
//! This list is checked against the live database before every backup (module
//! `schema_check`), so a migration that adds a table or a column without extending it makes
//! the backup fail loudly instead of leaving data behind.

use serde::{Deserialize, Serialize};

/// How a column's values are stored (the portable schema has only these two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// SMALLINT, INTEGER or BIGINT: a JSON integer in the archive.
    Integer,
    /// TEXT: a JSON string in the archive.
    Text,
}

impl ColumnType {
    /// `integer` or `text`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Integer => "integer",
            Self::Text => "text",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Column name.
    pub name: &'static str,
    /// Stored type.
    pub column_type: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
}

/// One table of the backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    /// Table name.
    pub name: &'static str,
    /// Every column, in the schema's order.
    pub columns: &'static [ColumnSpec],
    /// Columns that order the rows (the primary key, or every column when there is none), so
    /// the same data always gives the same archive.
    pub order_by: &'static [&'static str],
}

impl TableSpec {
    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }
}

const fn int(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        column_type: ColumnType::Integer,
        nullable: false,
    }
}

const fn opt_int(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        column_type: ColumnType::Integer,
        nullable: true,
    }
}

const fn text(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        column_type: ColumnType::Text,
        nullable: false,
    }
}

const fn opt_text(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        column_type: ColumnType::Text,
        nullable: true,
    }
}

/// Every table, parents before children: restoring inserts in this order and deletes in the
/// reverse one.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "users",
        columns: &[
            text("id"),
            text("username"),
            text("display_name"),
            text("password_hash"),
            text("role"),
            int("disabled"),
            int("created_at"),
            int("updated_at"),
        ],
        order_by: &["id"],
    },
    TableSpec {
        name: "scenarios",
        columns: &[
            text("id"),
            text("name"),
            int("latest_version"),
            opt_text("created_by"),
            int("created_at"),
            int("updated_at"),
        ],
        order_by: &["id"],
    },
    TableSpec {
        name: "scenario_versions",
        columns: &[
            text("scenario_id"),
            int("version"),
            text("name"),
            text("mode"),
            opt_int("total_turns"),
            int("team_count"),
            int("inject_count"),
            opt_int("duration_ms"),
            text("body"),
            opt_text("comment"),
            opt_text("created_by"),
            int("created_at"),
        ],
        order_by: &["scenario_id", "version"],
    },
    TableSpec {
        name: "scenario_media",
        columns: &[text("scenario_id"), int("version"), text("media_name")],
        order_by: &["scenario_id", "version", "media_name"],
    },
    TableSpec {
        name: "media",
        columns: &[
            text("name"),
            text("content_type"),
            text("kind"),
            int("size_bytes"),
            opt_int("width"),
            opt_int("height"),
            text("sha256"),
            opt_text("created_by"),
            int("created_at"),
        ],
        order_by: &["name"],
    },
    TableSpec {
        name: "exercises",
        columns: &[
            text("id"),
            text("name"),
            text("scenario_id"),
            int("scenario_version"),
            text("state"),
            int("run"),
            int("base_elapsed_ms"),
            opt_int("running_since_ms"),
            int("speed_milli"),
            opt_int("current_turn"),
            opt_int("turn_started_ms"),
            opt_text("completion"),
            opt_int("completion_turn"),
            int("turn_grace_ms"),
            text("dashboard_runtime"),
            int("version"),
            int("event_seq"),
            opt_text("created_by"),
            int("created_at"),
            opt_int("started_at"),
            opt_int("finished_at"),
            opt_int("stopped_at"),
            int("updated_at"),
        ],
        order_by: &["id"],
    },
    TableSpec {
        name: "exercise_teams",
        columns: &[
            text("exercise_id"),
            text("team_id"),
            int("position"),
            text("name"),
            text("color"),
            text("kind"),
            text("access_code"),
            int("code_version"),
            text("mqtt_username"),
            text("mqtt_password"),
            int("next_seq"),
            opt_int("dashboard_port"),
            opt_text("dashboard_url"),
            opt_text("runtime_ref"),
            text("health"),
            opt_text("health_detail"),
            int("viewers"),
            opt_int("presence_at"),
        ],
        order_by: &["exercise_id", "team_id"],
    },
    TableSpec {
        name: "deliveries",
        columns: &[
            text("id"),
            text("exercise_id"),
            int("run"),
            text("team_id"),
            int("seq"),
            text("inject_id"),
            text("kind"),
            text("cause"),
            text("inject_type"),
            text("title"),
            opt_int("turn"),
            opt_int("scheduled_ms"),
            int("fired_elapsed_ms"),
            int("fired_at"),
            int("lateness_ms"),
            int("late"),
            int("manual"),
            text("payload"),
            int("publish_attempts"),
            opt_int("published_at"),
            opt_text("last_error"),
            int("resent_count"),
            opt_int("received_at"),
            opt_int("displayed_at"),
            opt_int("read_at"),
        ],
        order_by: &["id"],
    },
    TableSpec {
        name: "skipped_injects",
        columns: &[
            text("exercise_id"),
            int("run"),
            text("team_id"),
            text("inject_id"),
            opt_int("due_ms"),
            int("skipped_at"),
        ],
        order_by: &["exercise_id", "run", "team_id", "inject_id"],
    },
    TableSpec {
        name: "receipts",
        columns: &[
            text("delivery_id"),
            text("kind"),
            int("at"),
            int("stored_at"),
            opt_text("viewer"),
        ],
        order_by: &["delivery_id", "stored_at", "at", "kind", "viewer"],
    },
    TableSpec {
        name: "events",
        columns: &[
            text("exercise_id"),
            int("seq"),
            int("at"),
            int("elapsed_ms"),
            int("run"),
            text("actor"),
            text("kind"),
            text("data"),
        ],
        order_by: &["exercise_id", "seq"],
    },
    TableSpec {
        name: "engine_leases",
        columns: &[
            text("exercise_id"),
            text("owner"),
            int("expires_at"),
            int("acquired_at"),
        ],
        order_by: &["exercise_id"],
    },
    TableSpec {
        name: "settings",
        columns: &[text("key"), text("value")],
        order_by: &["key"],
    },
];

/// The table named `name`.
pub fn table(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn table_names_are_unique_and_found() {
        let names: HashSet<&str> = TABLES.iter().map(|t| t.name).collect();
        assert_eq!(names.len(), TABLES.len());
        assert_eq!(table("events").map(|t| t.name), Some("events"));
        assert!(table("_sqlx_migrations").is_none());
    }

    #[test]
    fn every_table_orders_by_its_own_columns_without_duplicates() {
        for t in TABLES {
            let columns: HashSet<&str> = t.columns.iter().map(|c| c.name).collect();
            assert_eq!(columns.len(), t.columns.len(), "{}", t.name);
            assert!(!t.order_by.is_empty(), "{}", t.name);
            for c in t.order_by {
                assert!(columns.contains(c), "{} orders by unknown {c}", t.name);
            }
        }
    }

    #[test]
    fn parents_come_before_children() {
        let position = |name: &str| TABLES.iter().position(|t| t.name == name).unwrap();
        for (child, parent) in [
            ("scenario_versions", "scenarios"),
            ("scenario_media", "scenario_versions"),
            ("exercises", "scenario_versions"),
            ("exercise_teams", "exercises"),
            ("deliveries", "exercises"),
            ("skipped_injects", "exercises"),
            ("receipts", "deliveries"),
            ("events", "exercises"),
            ("engine_leases", "exercises"),
        ] {
            assert!(
                position(parent) < position(child),
                "{parent} before {child}"
            );
        }
    }
}
