//! The OpenAPI document, generated from the handlers' annotations and served at
//! `/api/openapi.json`, with the Swagger UI (shipped inside the binary) at `/api/docs`.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{v1, v2};
use crate::ops;

/// Adds the two ways to authenticate: a bearer token or the session cookie.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from POST /api/v2/auth/token"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::SESSION_COOKIE,
                "The browser session from POST /api/v2/auth/login; changes also need X-CSRF-Token",
            ))),
        );
        components.add_security_scheme(
            "team",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::team::TEAM_COOKIE,
                "A team session from POST /api/v2/team-access (or its token as a bearer token)",
            ))),
        );
    }
}

/// SCIP's HTTP API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "SCIP API",
        description = "Strategic Crisis Information Platform: scenarios, exercises, live delivery of injects to team dashboards, and a SCIP v3 compatible /api/v1. Errors are {\"error\":{\"code\",\"message\",\"details\"}}.",
    ),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "users", description = "Accounts and roles (administrators)"),
        (name = "scenarios", description = "Scenarios, versions, import and export"),
        (name = "teams", description = "A scenario's teams and timelines"),
        (name = "media", description = "The media library"),
        (name = "exercises", description = "Exercises and their control"),
        (name = "deliveries", description = "Deliveries and receipts"),
        (name = "events", description = "The event log"),
        (name = "team-access", description = "Participants entering their team"),
        (name = "v1", description = "SCIP v3 compatible endpoints"),
        (name = "operations", description = "Health, readiness, metrics"),
    ),
    paths(
        ops::health, ops::ready, ops::metrics,
        v2::auth::login, v2::auth::token, v2::auth::refresh, v2::auth::logout, v2::auth::me,
        v2::auth::change_password,
        v2::users::list, v2::users::create, v2::users::get, v2::users::update, v2::users::delete,
        v2::scenarios::list, v2::scenarios::create, v2::scenarios::get, v2::scenarios::update,
        v2::scenarios::delete, v2::scenario_versions::versions, v2::scenario_versions::duplicate,
        v2::scenario_validation::validation, v2::scenario_validation::validate_document,
        v2::scenario_files::import, v2::scenario_files::export,
        v2::teams::list, v2::teams::get, v2::teams::put_team, v2::teams::put_timeline,
        v2::teams::put_inject, v2::teams::delete_inject,
        v2::media::list, v2::media::upload, v2::media::download, v2::media::info, v2::media::delete,
        v2::exercises::create, v2::exercises::list, v2::exercises::get, v2::exercises::teams,
        v2::control::action, v2::control::speed, v2::control::seek, v2::control::live_inject,
        v2::control::fire_now, v2::control::resend,
        v2::deliveries::list, v2::deliveries::get, v2::deliveries::receipts,
        v2::events::list, v2::reports::csv, v2::reports::json,
        v2::access::rotate_code, v2::access::team_link,
        v2::team_access::enter_code, v2::team_access::enter_link, v2::team_access::me,
        v2::team_access::receipt, v2::team_access::logout,
        v1::exercises::deploy, v1::exercises::start, v1::exercises::pause, v1::exercises::resume,
        v1::exercises::finish, v1::exercises::next_turn, v1::exercises::stop,
        v1::exercises::manual_inject, v1::exercises::status, v1::exercises::current,
        v1::exercises::service_status,
        v1::scenarios::list, v1::scenarios::get, v1::scenarios::get_timeline,
        v1::scenarios::put_timeline,
        v1::media::list, v1::media::upload, v1::media::delete,
    )
)]
pub struct ApiDoc;

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
