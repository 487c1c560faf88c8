//! Portal user accounts: who may log in, with which role. Passwords arrive already hashed.

use std::fmt;
use std::str::FromStr;

use scip_core::engine::WallMs;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::error::{StoreError, StoreResult};
use crate::ids::UserId;
use crate::row::{db_flag, get, get_flag, get_parsed};
use crate::store::Store;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including user management.
    Admin,
    /// Authors scenarios and runs exercises.
    Controller,
    /// Watches exercises and reads reports.
    Observer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Self::Admin, Self::Controller, Self::Observer];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Controller => "controller",
            Self::Observer => "observer",
        }
    }

    /// Reads a role name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| format!("unknown role {s:?} (admin, controller, observer)"))
    }
}

/// A user account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Generated id.
    pub id: UserId,
    /// Login name, unique.
    pub username: String,
    /// Name shown in the portal.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// A disabled user cannot log in.
    pub disabled: bool,
    /// Wall ms.
    pub created_at: WallMs,
    /// Wall ms.
    pub updated_at: WallMs,
}

/// A user with the password hash needed to check a login.
#[derive(Clone, PartialEq, Eq)]
pub struct UserCredentials {
    /// The account.
    pub user: User,
    /// The PHC string of the password.
    pub password_hash: String,
}

impl fmt::Debug for UserCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserCredentials")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// A user to create.
#[derive(Clone)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown in the portal.
    pub display_name: String,
    /// PHC string of the password.
    pub password_hash: String,
    /// Role.
    pub role: Role,
}

const USER_COLUMNS: &str = "id, username, display_name, role, disabled, created_at, updated_at";

fn user_from_row(row: &AnyRow) -> StoreResult<User> {
    Ok(User {
        id: get_parsed(row, "id")?,
        username: get(row, "username")?,
        display_name: get(row, "display_name")?,
        role: get_parsed(row, "role")?,
        disabled: get_flag(row, "disabled")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

impl Store {
    /// Creates a user. [`StoreError::Conflict`] when the username is taken.
    pub async fn create_user(&self, new: NewUser, now: WallMs) -> StoreResult<User> {
        if new.username.trim().is_empty() {
            return Err(StoreError::Invalid("username is empty".into()));
        }
        let user = User {
            id: UserId::generate(),
            username: new.username,
            display_name: new.display_name,
            role: new.role,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        sqlx::query(
            "INSERT INTO users (id, username, display_name, password_hash, role, disabled, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(user.id.as_str())
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(&new.password_hash)
        .bind(user.role.as_str())
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict { .. } => {
                StoreError::conflict(format!("username {:?} is taken", user.username))
            }
            other => other,
        })?;
        Ok(user)
    }

    /// A user and password hash by login name, for checking a login.
    pub async fn find_user_by_username(
        &self,
        username: &str,
    ) -> StoreResult<Option<UserCredentials>> {
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok(UserCredentials {
                user: user_from_row(&row)?,
                password_hash: get(&row, "password_hash")?,
            })
        })
        .transpose()
    }

    /// A user by id.
    pub async fn get_user(&self, id: &UserId) -> StoreResult<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user {id}")))?;
        user_from_row(&row)
    }

    /// Every user, by username.
    pub async fn list_users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(user_from_row)
            .collect()
    }

    /// Replaces a user's password hash.
    pub async fn set_user_password_hash(
        &self,
        id: &UserId,
        password_hash: &str,
        now: WallMs,
    ) -> StoreResult<()> {
        let done =
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(now)
                .bind(id.as_str())
                .execute(self.pool())
                .await?;
        found(done.rows_affected(), id)
    }

    /// Changes a user's display name.
    pub async fn set_user_display_name(
        &self,
        id: &UserId,
        display_name: &str,
        now: WallMs,
    ) -> StoreResult<()> {
        let done = sqlx::query("UPDATE users SET display_name = $1, updated_at = $2 WHERE id = $3")
            .bind(display_name)
            .bind(now)
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        found(done.rows_affected(), id)
    }

    /// Changes a user's role.
    pub async fn set_user_role(&self, id: &UserId, role: Role, now: WallMs) -> StoreResult<()> {
        let done = sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(now)
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        found(done.rows_affected(), id)
    }

    /// Disables or re-enables a user.
    pub async fn set_user_disabled(
        &self,
        id: &UserId,
        disabled: bool,
        now: WallMs,
    ) -> StoreResult<()> {
        let done = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(db_flag(disabled))
            .bind(now)
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        found(done.rows_affected(), id)
    }

    /// Deletes a user.
    pub async fn delete_user(&self, id: &UserId) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        found(done.rows_affected(), id)
    }

    /// How many enabled admins there are (the portal keeps at least one).
    pub async fn count_admins(&self) -> StoreResult<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
                .fetch_one(self.pool())
                .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

fn found(rows: u64, id: &UserId) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::NotFound(format!("user {id}")))
    } else {
        Ok(())
    }
}
