//! The shared layouts rendered with view data, as pages will use them.

use askama::Template;
use scip_core::engine::{ExerciseState, Speed};
use scip_server::view::{
    DashboardSection, DashboardShell, Document, Flash, FlashKind, LiveExerciseLink, PortalSection,
    PortalShell, TeamColour, TimerView, UnreadCounts, UserRole, UserView,
};

#[derive(Template)]
#[template(
    source = r#"{% extends "portal/layout.html" %}{% block page_title %}Scenarios{% endblock %}{% block content %}<p id="note">{{ note }}</p>{% endblock %}"#,
    ext = "html"
)]
struct PortalPage {
    shell: PortalShell,
    note: String,
}

#[derive(Template)]
#[template(
    source = r#"{% extends "dashboard/layout.html" %}{% block page_title %}All{% endblock %}{% block content %}<div id="feed"></div>{% endblock %}"#,
    ext = "html"
)]
struct DashboardPage {
    shell: DashboardShell,
}

#[derive(Template)]
#[template(
    source = r#"{% extends "dashboard/wall.html" %}{% block content %}<div id="wall"></div>{% endblock %}"#,
    ext = "html"
)]
struct WallPage {
    shell: DashboardShell,
}

fn portal_shell(name: &str) -> PortalShell {
    PortalShell {
        doc: Document::default(),
        user: UserView {
            name: name.into(),
            role: UserRole::Controller,
        },
        nav: PortalSection::nav(PortalSection::Scenarios, |s| s.href().to_owned()),
        live_exercises: vec![LiveExerciseLink {
            name: "HARBOUR LIGHT 26".into(),
            href: "/exercises/ex-1".into(),
            state: ExerciseState::Running,
            clock: "T+34:12".into(),
        }],
        environment: Some("TRAINING".into()),
        home_href: "/".into(),
        sign_out_href: "/sign-out".into(),
        csrf: "csrf-value".into(),
    }
}

fn dashboard_shell(state: ExerciseState, events_url: &str) -> DashboardShell {
    let unread = UnreadCounts {
        news: 2,
        ..UnreadCounts::default()
    };
    DashboardShell {
        doc: Document::default(),
        team_name: "Maritime Operations".into(),
        team_colour: TeamColour::parse("#c0392b").unwrap(),
        exercise_name: "HARBOUR LIGHT 26".into(),
        timer: TimerView {
            elapsed_ms: 754_000,
            speed: Speed::NORMAL,
            state,
            turn: Some(2),
            total_turns: Some(4),
        },
        nav: DashboardSection::nav(DashboardSection::News, &unread, |s| {
            format!("/{}", s.slug())
        }),
        events_url: events_url.into(),
    }
}

/// The opening tag of the first element carrying `marker`.
fn tag_with<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in page"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

#[test]
fn the_portal_shell_marks_the_current_section_the_user_and_live_exercises() {
    let html = PortalPage {
        shell: portal_shell("Maya van der Berg"),
        note: "hello".into(),
    }
    .render()
    .unwrap();
    assert!(html.starts_with("<!doctype html>"), "{html:.80}");
    assert!(html.contains("<title>Scenarios · SCIP</title>"));
    assert_eq!(html.matches("aria-current=\"page\"").count(), 1);
    let current = tag_with(&html, "aria-current=\"page\"");
    assert!(current.contains("href=\"/scenarios\""), "{current}");
    assert!(current.contains("data-shortcut=\"g s\""), "{current}");
    assert!(html.contains(">MB</span>"), "initials");
    assert!(html.contains("badge--role-controller"));
    assert!(html.contains(">TRAINING</span>"));
    assert!(html.contains("state-dot--running"));
    assert!(html.contains("href=\"/exercises/ex-1\""));
    assert!(html.contains("action=\"/sign-out\""));
    assert!(html.contains("<p id=\"note\">hello</p>"));
    assert!(html.contains("id=\"i-home\""), "the icon sprite is inline");
    for asset in [
        "css/scip.css",
        "js/ui.js",
        "js/live.js",
        "js/timer.js",
        "js/theme.js",
    ] {
        assert!(
            html.contains(&format!("/assets/{asset}?v=")),
            "{asset} is not linked with a version"
        );
    }
}

#[test]
fn text_from_users_is_escaped_in_the_shell_and_in_flashes() {
    let mut shell = portal_shell("<script>alert(1)</script>");
    shell.doc = shell
        .doc
        .with_flash(Flash::new(FlashKind::Error, "<img src=x onerror=alert(2)>"));
    let html = PortalPage {
        shell,
        note: "\"><svg onload=alert(3)>".into(),
    }
    .render()
    .unwrap();
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<svg onload"));
}

#[test]
fn flashes_become_toasts_and_only_good_news_fades() {
    let mut shell = portal_shell("Ade Okafor");
    shell.doc = shell
        .doc
        .with_flash(Flash::new(FlashKind::Success, "Saved."))
        .with_flash(Flash::new(FlashKind::Error, "Not saved."));
    let html = PortalPage {
        shell,
        note: String::new(),
    }
    .render()
    .unwrap();
    let success = tag_with(&html, "toast--success");
    assert!(success.contains("role=\"status\""), "{success}");
    assert!(success.contains("data-timeout=\"6000\""), "{success}");
    let error = tag_with(&html, "toast--error");
    assert!(error.contains("role=\"alert\""), "{error}");
    assert!(!error.contains("data-timeout"), "{error}");
    assert!(html.contains("#i-x-circle"));
}

#[test]
fn a_dashboard_carries_its_team_colour_clock_and_live_stream() {
    let html = DashboardPage {
        shell: dashboard_shell(ExerciseState::Running, "/live/events"),
    }
    .render()
    .unwrap();
    let body = tag_with(&html, "<body");
    assert!(
        body.contains("style=\"--team:#c0392b;--team-on:#ffffff\""),
        "{body}"
    );
    assert!(body.contains("data-live-url=\"/live/events\""), "{body}");
    assert!(body.contains("data-exercise-state=\"running\""), "{body}");
    assert!(html.contains("/assets/css/dashboard.css?v="));
    let timer = tag_with(&html, "data-timer ");
    assert!(timer.contains("data-timer-primary"), "{timer}");
    assert!(timer.contains("data-elapsed-ms=\"754000\""), "{timer}");
    assert!(timer.contains("data-turn=\"2\""), "{timer}");
    assert!(html.contains("data-timer-digits>12:34<"));
    assert!(tag_with(&html, "data-when-state=\"paused\"").contains(" hidden"));
    assert!(tag_with(&html, "data-when-state=\"finished stopped\"").contains(" hidden"));
    assert!(html.contains(">MO</span>"), "team mark");
}

#[test]
fn unread_counts_are_shown_and_zero_counts_hidden_but_addressable() {
    let html = DashboardPage {
        shell: dashboard_shell(ExerciseState::Running, "/e"),
    }
    .render()
    .unwrap();
    let news = tag_with(&html, "data-unread-count=\"news\"");
    assert!(!news.contains("hidden"), "{news}");
    assert!(html.contains("aria-label=\"2 unread\">2</span>"));
    let sms = tag_with(&html, "data-unread-count=\"sms\"");
    assert!(sms.contains("hidden"), "{sms}");
    let current = tag_with(&html, "aria-current=\"page\"");
    assert!(current.contains("href=\"/news\""), "{current}");
    assert!(current.contains("data-shortcut=\"2\""), "{current}");
}

#[test]
fn paused_and_ended_dashboards_show_their_banner() {
    let paused = DashboardPage {
        shell: dashboard_shell(ExerciseState::Paused, "/e"),
    }
    .render()
    .unwrap();
    assert!(!tag_with(&paused, "data-when-state=\"paused\"").contains(" hidden"));
    assert!(tag_with(&paused, "data-when-state=\"finished stopped\"").contains(" hidden"));

    let ended = DashboardPage {
        shell: dashboard_shell(ExerciseState::Finished, "/e"),
    }
    .render()
    .unwrap();
    assert!(tag_with(&ended, "data-when-state=\"paused\"").contains(" hidden"));
    assert!(!tag_with(&ended, "data-when-state=\"finished stopped\"").contains(" hidden"));
}

#[test]
fn the_news_wall_defaults_to_dark_and_says_live_only_while_running() {
    let running = WallPage {
        shell: dashboard_shell(ExerciseState::Running, "/e"),
    }
    .render()
    .unwrap();
    assert!(tag_with(&running, "<html").contains("data-theme-default=\"dark\""));
    assert!(!tag_with(&running, "data-when-state=\"running\"").contains(" hidden"));
    let paused = WallPage {
        shell: dashboard_shell(ExerciseState::Paused, "/e"),
    }
    .render()
    .unwrap();
    assert!(tag_with(&paused, "data-when-state=\"running\"").contains(" hidden"));
}

#[test]
fn a_static_preview_has_no_live_connection() {
    let html = DashboardPage {
        shell: dashboard_shell(ExerciseState::Running, ""),
    }
    .render()
    .unwrap();
    assert!(!html.contains("data-live-url"));
}
