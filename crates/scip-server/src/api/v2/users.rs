//! `/api/v2/users`: accounts and roles (administrators only). There is always at least one
//! enabled administrator: the last one can be neither removed, demoted nor disabled.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use scip_store::{NewUser, Role, User, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::{ApiJson, ApiPath};
use crate::auth::password::{check_new_password, hash_password};
use crate::auth::{Admin, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// A user account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// Id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name shown in the portal.
    pub display_name: String,
    /// `admin`, `controller` or `observer`.
    #[schema(value_type = String, example = "controller")]
    pub role: Role,
    /// A disabled account cannot sign in.
    pub disabled: bool,
    /// Wall ms.
    pub created_at: i64,
    /// Wall ms.
    pub updated_at: i64,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            disabled: u.disabled,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// A new account.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserBody {
    /// Login name: 1–64 letters, digits, `.`, `_`, `-` or `@`.
    pub username: String,
    /// Name shown in the portal (the username when absent).
    pub display_name: Option<String>,
    /// At least 10 characters.
    pub password: String,
    /// `admin`, `controller` or `observer`.
    #[schema(value_type = String, example = "controller")]
    pub role: Role,
}

/// Changes to an account; absent fields stay as they are. Any change ends the account's
/// sessions.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    #[schema(value_type = Option<String>)]
    pub role: Option<Role>,
    /// Disable or re-enable.
    pub disabled: Option<bool>,
    /// New password (at least 10 characters).
    pub password: Option<String>,
}

/// Checks a login name.
pub fn check_username(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::unprocessable(format!(
            "username {name:?} must be 1–64 letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

fn check_display_name(name: &str) -> Result<String, ApiError> {
    let trimmed = name.trim();
    if trimmed.chars().count() > 120 || trimmed.chars().any(char::is_control) {
        return Err(ApiError::unprocessable(
            "display_name must be at most 120 characters without control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

async fn hash(password: String) -> Result<String, ApiError> {
    check_new_password(&password).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// Every account, by username.
#[utoipa::path(get, path = "/api/v2/users", tag = "users",
    responses(
        (status = 200, description = "Accounts", body = Vec<UserView>),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _admin: RequireRole<Admin>,
) -> Result<Json<Vec<UserView>>, ApiError> {
    let users = state.store.list_users().await?;
    Ok(Json(users.iter().map(UserView::from).collect()))
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v2/users", tag = "users",
    request_body = CreateUserBody,
    responses(
        (status = 201, description = "Created", body = UserView),
        (status = 403, description = "Not an administrator"),
        (status = 409, description = "The username is taken"),
        (status = 422, description = "Bad username, display name or password"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    admin: RequireRole<Admin>,
    ApiJson(body): ApiJson<CreateUserBody>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let user = create_user(&state, admin.actor(), body).await?;
    Ok((StatusCode::CREATED, Json(UserView::from(&user))))
}

/// Checks and creates an account (the API and the portal's settings page).
pub async fn create_user(
    state: &AppState,
    actor: &str,
    body: CreateUserBody,
) -> Result<User, ApiError> {
    check_username(&body.username)?;
    let display_name = match body
        .display_name
        .as_deref()
        .map(check_display_name)
        .transpose()?
    {
        Some(n) if !n.is_empty() => n,
        _ => body.username.clone(),
    };
    let password_hash = hash(body.password).await?;
    let user = state
        .store
        .create_user(
            NewUser {
                username: body.username,
                display_name,
                password_hash,
                role: body.role,
            },
            state.engine.clock.now(),
        )
        .await?;
    tracing::info!(user = %user.username, role = %user.role, by = actor, "user created");
    Ok(user)
}

/// One account.
#[utoipa::path(get, path = "/api/v2/users/{id}", tag = "users",
    params(("id" = String, Path, description = "User id", pattern = r"^[0-9A-Z]{26}$")),
    responses(
        (status = 200, description = "The account", body = UserView),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such user"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    _admin: RequireRole<Admin>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UserView>, ApiError> {
    let user = state.store.get_user(&UserId::from(id)).await?;
    Ok(Json(UserView::from(&user)))
}

/// Refuses a change that would leave no enabled administrator.
async fn keep_an_admin(state: &AppState, user: &User) -> Result<(), ApiError> {
    if user.role == Role::Admin && !user.disabled && state.store.count_admins().await? <= 1 {
        return Err(ApiError::conflict(format!(
            "{} is the last enabled administrator; make another administrator first",
            user.username
        )));
    }
    Ok(())
}

/// Changes an account (display name, role, disabled, password).
#[utoipa::path(patch, path = "/api/v2/users/{id}", tag = "users",
    params(("id" = String, Path, description = "User id", pattern = r"^[0-9A-Z]{26}$")),
    request_body = UpdateUserBody,
    responses(
        (status = 200, description = "The account afterwards", body = UserView),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such user"),
        (status = 409, description = "It would leave no enabled administrator"),
        (status = 422, description = "Bad value"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    admin: RequireRole<Admin>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateUserBody>,
) -> Result<Json<UserView>, ApiError> {
    let user = update_user(&state, admin.actor(), &UserId::from(id), body).await?;
    Ok(Json(UserView::from(&user)))
}

/// Changes an account, keeping an enabled administrator (the API and the portal).
pub async fn update_user(
    state: &AppState,
    actor: &str,
    id: &UserId,
    body: UpdateUserBody,
) -> Result<User, ApiError> {
    let user = state.store.get_user(id).await?;
    let demoted = body.role.is_some_and(|r| r != Role::Admin);
    let disabled = body.disabled == Some(true);
    if demoted || disabled {
        keep_an_admin(state, &user).await?;
    }
    let display_name = body
        .display_name
        .as_deref()
        .map(check_display_name)
        .transpose()?;
    let password_hash = match body.password {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    let now = state.engine.clock.now();
    if let Some(name) = display_name.filter(|n| !n.is_empty()) {
        state.store.set_user_display_name(id, &name, now).await?;
    }
    if let Some(role) = body.role {
        state.store.set_user_role(id, role, now).await?;
    }
    if let Some(disabled) = body.disabled {
        state.store.set_user_disabled(id, disabled, now).await?;
    }
    if let Some(hash) = password_hash {
        state.store.set_user_password_hash(id, &hash, now).await?;
    }
    let user = state.store.get_user(id).await?;
    tracing::info!(user = %user.username, by = actor, "user changed");
    Ok(user)
}

/// Removes an account.
#[utoipa::path(delete, path = "/api/v2/users/{id}", tag = "users",
    params(("id" = String, Path, description = "User id", pattern = r"^[0-9A-Z]{26}$")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such user"),
        (status = 409, description = "It is the last enabled administrator"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    admin: RequireRole<Admin>,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    delete_user(&state, admin.actor(), &UserId::from(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes an account unless it is the last enabled administrator; gives the removed account.
pub async fn delete_user(state: &AppState, actor: &str, id: &UserId) -> Result<User, ApiError> {
    let user = state.store.get_user(id).await?;
    keep_an_admin(state, &user).await?;
    state.store.delete_user(id).await?;
    tracing::info!(user = %user.username, by = actor, "user removed");
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_plain() {
        assert!(check_username("ann.lee@example").is_ok());
        assert!(check_username("").is_err());
        assert!(check_username("ann lee").is_err());
        assert!(check_username("x'; DROP TABLE users;--").is_err());
        assert!(check_username(&"a".repeat(65)).is_err());
    }
}
