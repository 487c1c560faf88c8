//! Editor form posts for one inject: add or save (with every problem shown beside its field
//! and nothing lost on a refused save), duplicate and delete.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use scip_core::InjectId;
use scip_store::Role;

use super::editor::{EditorQuery, latest, render};
use super::editor_actions::{BaseForm, save_and_return};
use super::editor_form::{InjectForm, free_inject_id};
use super::editor_save::{SaveFailure, save};
use super::flash::{FlashCookie, flash_redirect};
use super::page::{PageResult, PortalUser};
use crate::api::validation::validate_against_library;
use crate::state::AppState;
use crate::view::{Flash, FlashKind};

fn query_for(team: &str, form: &InjectForm) -> EditorQuery {
    EditorQuery {
        team: team.to_owned(),
        inject: form.original.clone(),
        ..EditorQuery::default()
    }
}

/// `POST /scenarios/{id}/teams/{team}/injects`: adds an inject or saves the one named by
/// `original`.
pub async fn save_inject(
    State(state): State<AppState>,
    user: PortalUser,
    Path((id, team)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    user.check_csrf(&field("_csrf"))?;
    user.require(Role::Controller)?;
    let base: u32 = field("base_version").parse().unwrap_or(0);
    let (mut scenario, _) = latest(&state, &id).await?;
    let Some(team_index) = scenario.teams.iter().position(|t| t.id.as_str() == team) else {
        return Ok(flash_redirect(
            &format!("/scenarios/{}", scenario.id),
            FlashKind::Error,
            format!("There is no team {team} any more; your inject was not saved."),
        ));
    };
    let mut form = InjectForm::from_post(&pairs);
    let rerender = |form: InjectForm, flash: Option<Flash>| {
        let state = state.clone();
        let user = user.clone();
        let id = id.clone();
        let team = team.clone();
        async move {
            let query = query_for(&team, &form);
            let cookie = FlashCookie(flash);
            render(
                &state,
                &user,
                cookie,
                &id,
                query,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let previous = scenario.teams[team_index]
        .timeline
        .iter()
        .find(|i| i.id.as_str() == form.original)
        .cloned();
    if !form.original.is_empty() && previous.is_none() {
        form.general.push(format!(
            "{} was removed from this team since you opened it; saving adds it again.",
            form.original
        ));
        form.original.clear();
    }
    let inject = form.read_inject(
        &scenario.teams[team_index],
        &scenario.mode,
        previous.as_ref(),
    );
    let Some(inject) = inject.filter(|_| !form.has_errors()) else {
        return rerender(
            form,
            Some(Flash::new(
                FlashKind::Error,
                "Not saved: correct the fields marked below.",
            )),
        )
        .await;
    };
    let new_id = inject.id.clone();
    {
        let timeline = &mut scenario.teams[team_index].timeline;
        match timeline.iter().position(|i| i.id.as_str() == form.original) {
            Some(at) if !form.original.is_empty() => timeline[at] = inject,
            _ => timeline.push(inject),
        }
    }
    let report = validate_against_library(&state, &scenario).await?;
    if report.has_errors() {
        for p in report.problems.iter().filter(|p| p.is_error()) {
            let here = p.location.team.as_deref() == Some(team.as_str())
                && p.location.inject.as_deref() == Some(new_id.as_str());
            if here {
                form.place_problem(p.location.field.as_deref(), p.message.clone());
            } else {
                form.general.push(p.to_string());
            }
        }
        return rerender(
            form,
            Some(Flash::new(
                FlashKind::Error,
                "Not saved: correct the fields marked below.",
            )),
        )
        .await;
    }
    let verb = if form.original.is_empty() {
        "added"
    } else {
        "changed"
    };
    match save(
        &state,
        &user,
        base,
        &scenario,
        format!("inject {new_id} {verb} in {team}"),
    )
    .await
    {
        Ok(version) => Ok(flash_redirect(
            &format!("/scenarios/{}?team={team}&inject={new_id}", scenario.id),
            FlashKind::Success,
            format!("Inject {new_id} {verb}. Saved as version {version}."),
        )),
        Err(SaveFailure::Conflict(message)) => {
            form.general.push(message.clone());
            rerender(form, Some(Flash::new(FlashKind::Error, message))).await
        }
        Err(SaveFailure::Invalid(report)) => {
            form.general.extend(
                report
                    .problems
                    .iter()
                    .filter(|p| p.is_error())
                    .map(ToString::to_string),
            );
            rerender(form, None).await
        }
        Err(SaveFailure::Page(e)) => Err(e),
    }
}

/// `POST /scenarios/{id}/teams/{team}/injects/{inject}/duplicate`.
pub async fn duplicate_inject(
    State(state): State<AppState>,
    user: PortalUser,
    Path((id, team, inject)): Path<(String, String, String)>,
    Form(form): Form<BaseForm>,
) -> PageResult {
    user.check_csrf(form.csrf())?;
    user.require(Role::Controller)?;
    let (mut scenario, _) = latest(&state, &id).await?;
    let back = format!("/scenarios/{}?team={team}", scenario.id);
    let Some(t) = scenario.teams.iter_mut().find(|t| t.id.as_str() == team) else {
        return Ok(flash_redirect(
            &back,
            FlashKind::Error,
            format!("There is no team {team}."),
        ));
    };
    let Some(source) = t.timeline.iter().find(|i| i.id.as_str() == inject).cloned() else {
        return Ok(flash_redirect(
            &back,
            FlashKind::Error,
            format!("There is no inject {inject} in this team any more."),
        ));
    };
    let stem: String = inject.chars().take(80).collect();
    let copy_id = (1..100)
        .map(|n| {
            if n == 1 {
                format!("{stem}-copy")
            } else {
                format!("{stem}-copy-{n}")
            }
        })
        .find(|c| !t.timeline.iter().any(|i| i.id.as_str() == c))
        .unwrap_or_else(|| free_inject_id(t, &stem));
    let Ok(copy_id) = InjectId::new(copy_id) else {
        return Ok(flash_redirect(
            &back,
            FlashKind::Error,
            "No free id for the copy; rename the inject first.",
        ));
    };
    let mut copy = source;
    copy.id = copy_id.clone();
    copy.at_ms += 1000;
    t.timeline.push(copy);
    let to = format!("/scenarios/{}?team={team}&inject={copy_id}", scenario.id);
    save_and_return(
        &state,
        &user,
        form.base(),
        &scenario,
        format!("inject {inject} duplicated as {copy_id}"),
        &to,
        &format!("Copied {inject} to {copy_id}, one second later."),
    )
    .await
}

/// `POST /scenarios/{id}/teams/{team}/injects/{inject}/delete`.
pub async fn delete_inject(
    State(state): State<AppState>,
    user: PortalUser,
    Path((id, team, inject)): Path<(String, String, String)>,
    Form(form): Form<BaseForm>,
) -> PageResult {
    user.check_csrf(form.csrf())?;
    user.require(Role::Controller)?;
    let (mut scenario, _) = latest(&state, &id).await?;
    let to = format!("/scenarios/{}?team={team}", scenario.id);
    let Some(t) = scenario.teams.iter_mut().find(|t| t.id.as_str() == team) else {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            format!("There is no team {team}."),
        ));
    };
    let before = t.timeline.len();
    t.timeline.retain(|i| i.id.as_str() != inject);
    if t.timeline.len() == before {
        return Ok(flash_redirect(
            &to,
            FlashKind::Warning,
            format!("{inject} was already removed; nothing changed."),
        ));
    }
    save_and_return(
        &state,
        &user,
        form.base(),
        &scenario,
        format!("inject {inject} deleted from {team}"),
        &to,
        &format!("Deleted {inject}."),
    )
    .await
}
