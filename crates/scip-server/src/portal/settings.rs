//! Settings (`GET /settings`): everyone changes their own password and sees how this
//! installation runs; administrators manage accounts (add, change role, disable or enable,
//! reset password, remove) with the users API's own functions.

use askama::Template;
use axum::extract::{Path, State};
use scip_store::{Role, UserId};
use serde::Deserialize;

use super::flash::{FlashCookie, flash_redirect};
use super::page::{PageError, PageResult, PortalUser, page_response, portal_shell, wall_time};
use crate::api::v2::auth::change_own_password;
use crate::api::v2::users::{
    CreateUserBody, UpdateUserBody, create_user, delete_user, update_user,
};
use crate::error::ApiError;
use crate::state::AppState;
use crate::view::{Badge, FlashKind, PortalSection, PortalShell, SelectOption, UserRole};

/// An account row.
pub struct UserRow {
    /// Id.
    pub id: String,
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Role choices with the current one selected.
    pub roles: Vec<SelectOption>,
    /// Disabled.
    pub disabled: bool,
    /// Created.
    pub created: String,
    /// The signed-in user.
    pub me: bool,
}

#[derive(Template)]
#[template(path = "portal/settings.html")]
struct SettingsPage {
    shell: PortalShell,
    is_admin: bool,
    username: String,
    role: Badge,
    facts: Vec<(&'static str, String)>,
    users: Vec<UserRow>,
    new_roles: Vec<SelectOption>,
}

const ROLES: [(&str, &str); 3] = [
    ("observer", "Observer — reads everything, changes nothing"),
    (
        "controller",
        "Controller — authors scenarios and runs exercises",
    ),
    ("admin", "Admin — everything, including accounts"),
];

fn role_of(text: &str) -> Result<Role, ApiError> {
    match text {
        "admin" => Ok(Role::Admin),
        "controller" => Ok(Role::Controller),
        "observer" => Ok(Role::Observer),
        other => Err(ApiError::unprocessable(format!(
            "role {other:?} is not one of admin, controller, observer"
        ))),
    }
}

fn role_badge(role: Role) -> Badge {
    Badge::role(match role {
        Role::Admin => UserRole::Admin,
        Role::Controller => UserRole::Controller,
        Role::Observer => UserRole::Observer,
    })
}

/// `GET /settings`.
pub async fn page(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
) -> PageResult {
    let shell = portal_shell(&state, &user, PortalSection::Settings, flash).await?;
    let now = state.engine.clock.now();
    let users = if user.is_admin() {
        state
            .store
            .list_users()
            .await?
            .iter()
            .map(|u| UserRow {
                id: u.id.to_string(),
                username: u.username.clone(),
                name: u.display_name.clone(),
                roles: SelectOption::list(
                    [
                        ("observer", "Observer"),
                        ("controller", "Controller"),
                        ("admin", "Admin"),
                    ],
                    u.role.as_str(),
                ),
                disabled: u.disabled,
                created: wall_time(u.created_at, now),
                me: u.id == user.user.id,
            })
            .collect()
    } else {
        Vec::new()
    };
    let s = &state.settings;
    let facts = vec![
        ("Version", s.version.clone()),
        ("Database", state.store.kind().to_string()),
        ("Message broker", s.broker.clone()),
        ("Team dashboards", s.dashboard_runtime.as_str().to_owned()),
        ("Public host", s.public_host.clone()),
        (
            "Upload limit",
            if s.upload_limit >= 1024 * 1024 {
                format!("{} MB", s.upload_limit / (1024 * 1024))
            } else {
                format!("{} KB", s.upload_limit / 1024)
            },
        ),
        (
            "Mode",
            if s.production {
                "production".to_owned()
            } else {
                "development".to_owned()
            },
        ),
    ];
    page_response(&SettingsPage {
        shell,
        is_admin: user.is_admin(),
        username: user.user.username.clone(),
        role: role_badge(user.user.role),
        facts,
        users,
        new_roles: SelectOption::list(ROLES, "controller"),
    })
}

fn back(kind: FlashKind, message: impl Into<String>) -> PageResult {
    Ok(flash_redirect("/settings", kind, message))
}

fn refused(e: ApiError) -> PageResult {
    if e.status.is_client_error() {
        let mut text = e.message;
        if let Some(first) = text.get(..1) {
            text = format!("{}{}", first.to_uppercase(), &text[1..]);
        }
        back(FlashKind::Error, text)
    } else {
        Err(PageError::from(e))
    }
}

/// The own-password form.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /settings/password`: the signed-in user's own password; signs out.
pub async fn own_password(
    State(state): State<AppState>,
    user: PortalUser,
    axum::Form(form): axum::Form<PasswordForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    if form.new != form.repeat {
        return back(
            FlashKind::Error,
            "The two new passwords differ; type the same one twice.",
        );
    }
    match change_own_password(&state, &user, &form.current, &form.new).await {
        Ok(()) => Ok(flash_redirect(
            "/sign-in",
            FlashKind::Success,
            "Your password is changed. Sign in with the new one.",
        )),
        Err(e) => refused(e),
    }
}

/// The add-user form.
#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
}

/// `POST /settings/users` (admin).
pub async fn add_user(
    State(state): State<AppState>,
    user: PortalUser,
    axum::Form(form): axum::Form<NewUserForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Admin)?;
    let role = match role_of(&form.role) {
        Ok(r) => r,
        Err(e) => return refused(e),
    };
    let body = CreateUserBody {
        username: form.username.trim().to_owned(),
        display_name: Some(form.display_name.trim().to_owned()),
        password: form.password,
        role,
    };
    match create_user(&state, user.actor(), body).await {
        Ok(u) => back(
            FlashKind::Success,
            format!("{} can now sign in as {}.", u.display_name, u.username),
        ),
        Err(e) => refused(e),
    }
}

/// A form changing one account: `role`, `disabled` or `password`.
#[derive(Debug, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    role: Option<String>,
    disabled: Option<String>,
    password: Option<String>,
}

/// `POST /settings/users/{id}` (admin).
pub async fn change_user(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ChangeForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Admin)?;
    let role = match form.role.as_deref().map(role_of).transpose() {
        Ok(r) => r,
        Err(e) => return refused(e),
    };
    let (what, body) = if let Some(role) = role {
        (
            format!("now has the {role} role"),
            UpdateUserBody {
                role: Some(role),
                ..UpdateUserBody::default()
            },
        )
    } else if let Some(flag) = form.disabled {
        let disabled = flag == "true";
        (
            if disabled {
                "is disabled and signed out".to_owned()
            } else {
                "can sign in again".to_owned()
            },
            UpdateUserBody {
                disabled: Some(disabled),
                ..UpdateUserBody::default()
            },
        )
    } else if let Some(password) = form.password {
        (
            "has a new password".to_owned(),
            UpdateUserBody {
                password: Some(password),
                ..UpdateUserBody::default()
            },
        )
    } else {
        return back(FlashKind::Warning, "Nothing to change.");
    };
    match update_user(&state, user.actor(), &UserId::from(id), body).await {
        Ok(u) => back(FlashKind::Success, format!("{} {what}.", u.username)),
        Err(e) => refused(e),
    }
}

/// `POST /settings/users/{id}/delete` (admin).
pub async fn remove_user(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<super::CsrfForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Admin)?;
    match delete_user(&state, user.actor(), &UserId::from(id)).await {
        Ok(u) => back(FlashKind::Success, format!("{} is removed.", u.username)),
        Err(e) => refused(e),
    }
}
