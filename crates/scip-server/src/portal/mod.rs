//! The control portal: server-rendered pages for controllers, observers and administrators.
//!
//! Pages sign the user in with the same session cookie as the API ([`PortalUser`]); forms post
//! back to the portal with the session's `_csrf` value and redirect (post/redirect/get), with
//! a flash message carried to the next page. Live pages subscribe to `/portal/...` SSE streams.

mod control;
mod control_view;
mod editor;
mod editor_actions;
mod editor_form;
mod editor_inject;
mod editor_preview;
mod editor_save;
mod exercises;
mod flash;
mod home;
mod import;
mod import_store;
mod live;
mod media;
mod page;
mod report;
mod scenarios;
mod scenarios_new;
mod settings;
mod sign_in;

use axum::Router;
use axum::routing::{get, post};

pub use flash::{FlashCookie, flash_redirect};
pub use page::{
    CsrfForm, PageError, PageResult, PortalUser, is_local_path, page_response, portal_shell,
    timer_view, urlencode, wall_time, with_flash,
};

use crate::state::AppState;

/// Every portal route (merged into the API router; the portal port serves the same router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route(
            "/sign-in",
            get(sign_in::sign_in_form).post(sign_in::sign_in),
        )
        .route("/sign-out", post(sign_in::sign_out))
        .route("/scenarios", get(scenarios::list))
        .route(
            "/scenarios/import",
            get(import::import_form)
                .post(import::dry_run)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/scenarios/import/commit", post(import::commit))
        .route(
            "/scenarios/new",
            get(scenarios_new::new_form).post(scenarios_new::create),
        )
        .route("/scenarios/{id}", get(editor::page))
        .route("/scenarios/{id}/preview", get(editor_preview::preview))
        .route("/scenarios/{id}/settings", post(editor_actions::settings))
        .route("/scenarios/{id}/undo", post(editor_actions::undo))
        .route("/scenarios/{id}/teams", post(editor_actions::add_team))
        .route(
            "/scenarios/{id}/teams/{team}",
            post(editor_actions::save_team),
        )
        .route(
            "/scenarios/{id}/teams/{team}/delete",
            post(editor_actions::remove_team),
        )
        .route(
            "/scenarios/{id}/teams/{team}/injects",
            post(editor_inject::save_inject),
        )
        .route(
            "/scenarios/{id}/teams/{team}/injects/{inject}/duplicate",
            post(editor_inject::duplicate_inject),
        )
        .route(
            "/scenarios/{id}/teams/{team}/injects/{inject}/delete",
            post(editor_inject::delete_inject),
        )
        .route("/media", get(media::library))
        .route(
            "/media/upload",
            post(media::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/media/{name}", get(editor_preview::media_file))
        .route("/media/{name}/delete", post(media::delete))
        .route("/scenarios/{id}/duplicate", post(scenarios::duplicate))
        .route("/scenarios/{id}/delete", post(scenarios::delete))
        .route("/settings", get(settings::page))
        .route("/settings/password", post(settings::own_password))
        .route("/settings/users", post(settings::add_user))
        .route("/settings/users/{id}", post(settings::change_user))
        .route("/settings/users/{id}/delete", post(settings::remove_user))
        .route("/exercises", get(exercises::list))
        .route(
            "/exercises/new",
            get(exercises::new_form).post(exercises::create),
        )
        .route("/exercises/{id}", get(control::page))
        .route("/exercises/{id}/panels", get(control::panel))
        .route("/exercises/{id}/report", get(report::page))
        .route("/exercises/{id}/stream", get(live::stream))
        .route("/exercises/{id}/actions/{action}", post(control::action))
        .route("/exercises/{id}/speed", post(control::speed))
        .route("/exercises/{id}/seek", post(control::seek))
        .route("/exercises/{id}/fire-now", post(control::fire_now))
        .route("/exercises/{id}/live-inject", post(control::live_inject))
        .route(
            "/exercises/{id}/deliveries/{delivery}/resend",
            post(control::resend),
        )
}
