//! Templates, scripts and Rust components only use classes the stylesheets define and icons
//! the sprite has: a typo would otherwise ship as an unstyled element or an empty icon.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use scip_core::engine::ExerciseState;
use scip_core::{InjectType, Priority};
use scip_server::view::feed::AlertSeverity;
use scip_server::view::{
    Badge, DashboardSection, DeliveryStage, FlashKind, PortalSection, UserRole,
    classification_class, inject_icon,
};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every class selector in a stylesheet (`.name`), skipping numbers such as `.5rem`.
fn css_classes(css: &str) -> BTreeSet<String> {
    let bytes = css.as_bytes();
    let mut classes = BTreeSet::new();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'.' || i + 1 >= bytes.len() {
            continue;
        }
        let prev = if i == 0 { b' ' } else { bytes[i - 1] };
        let next = bytes[i + 1];
        // `.5rem` and `1.45` are numbers, not classes; `a.b` in a selector is two classes.
        if prev.is_ascii_digit() || !(next.is_ascii_alphabetic() || next == b'-' || next == b'_') {
            continue;
        }
        let name: String = css[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        classes.insert(name);
    }
    classes
}

fn stylesheet_classes() -> BTreeSet<String> {
    let mut all = css_classes(&read(&crate_dir().join("assets/css/scip.css")));
    all.extend(css_classes(&read(
        &crate_dir().join("assets/css/dashboard.css"),
    )));
    all
}

/// Static class names in `class="…"` attributes, ignoring template expressions and the
/// prefixes they complete (`badge--state-{{ … }}`).
fn used_classes(source: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("class=\"") {
        rest = &rest[at + 7..];
        let end = rest.find('"').unwrap_or(rest.len());
        let mut value = rest[..end].to_owned();
        for (open, close) in [("{{", "}}"), ("{%", "%}")] {
            while let Some(s) = value.find(open) {
                let e = value[s..].find(close).map_or(value.len(), |e| s + e + 2);
                value.replace_range(s..e, " ");
            }
        }
        for token in value.split_whitespace() {
            let static_name = token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if static_name && !token.ends_with('-') && !token.starts_with('-') {
                used.insert(token.to_owned());
            }
        }
        rest = &rest[end..];
    }
    used
}

/// Hooks for scripts and gallery-only demonstrations, which need no style of their own.
const NOT_STYLED: &[&str] = &[
    "dash-preview",
    "gallery-focus",
    "gallery-swatch",
    "gallery-swatch__chip",
    "gallery-swatches",
];

#[test]
fn every_class_in_templates_and_scripts_is_defined_in_the_stylesheets() {
    let defined = stylesheet_classes();
    let mut sources = files(&crate_dir().join("templates"), "html");
    sources.extend(files(&crate_dir().join("assets/js"), "js"));
    let mut missing = Vec::new();
    for path in sources {
        for class in used_classes(&read(&path)) {
            if !defined.contains(&class) && !NOT_STYLED.contains(&class.as_str()) {
                missing.push(format!("{}: .{class}", path.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "classes without styles:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_class_a_component_emits_is_defined_in_the_stylesheets() {
    let defined = stylesheet_classes();
    let mut emitted: Vec<String> = Vec::new();
    let badges = InjectType::ALL
        .into_iter()
        .map(Badge::inject_type)
        .chain(Priority::ALL.into_iter().map(Badge::priority))
        .chain(ExerciseState::ALL.into_iter().map(Badge::exercise_state))
        .chain(DeliveryStage::ALL.into_iter().map(Badge::delivery))
        .chain([
            Badge::late(),
            Badge::role(UserRole::Admin),
            Badge::role(UserRole::Controller),
            Badge::role(UserRole::Observer),
        ])
        .chain(
            scip_core::model::CLASSIFICATIONS
                .iter()
                .map(|c| Badge::classification(c)),
        );
    for badge in badges {
        emitted.extend(badge.class.split_whitespace().map(str::to_owned));
    }
    for marking in scip_core::model::CLASSIFICATIONS {
        emitted.push(classification_class(marking, "classification--"));
    }
    for stage in DeliveryStage::ALL {
        emitted.push(format!("cell--{}", stage.as_str()));
    }
    for state in ExerciseState::ALL {
        emitted.push(format!("state-dot--{state}"));
        emitted.push(format!("badge--state-{state}"));
    }
    for severity in [
        AlertSeverity::Info,
        AlertSeverity::Warning,
        AlertSeverity::Critical,
    ] {
        emitted.push(format!("alert-card--{}", severity.as_str()));
    }
    for kind in [
        FlashKind::Success,
        FlashKind::Info,
        FlashKind::Warning,
        FlashKind::Error,
    ] {
        emitted.push(format!("toast--{}", kind.as_str()));
    }
    for platform in ["twitter", "facebook", "instagram", "telegram", "forum"] {
        emitted.push(format!("post__platform--{platform}"));
    }
    for size in ["sm", "lg", "xl"] {
        emitted.push(format!("timer--{size}"));
    }
    let missing: Vec<_> = emitted
        .into_iter()
        .filter(|c| !defined.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "component classes without styles: {missing:?}"
    );
}

fn sprite_icons() -> BTreeSet<String> {
    let sprite = read(&crate_dir().join("assets/icons/sprite.svg"));
    sprite
        .split("<symbol id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter_map(|id| id.strip_prefix("i-"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_icon_referenced_anywhere_is_in_the_sprite() {
    let icons = sprite_icons();
    assert!(
        icons.len() > 60,
        "the sprite looks truncated: {} icons",
        icons.len()
    );
    let mut sources = files(&crate_dir().join("templates"), "html");
    sources.extend(files(&crate_dir().join("assets/js"), "js"));
    let mut missing = Vec::new();
    for path in sources {
        let text = read(&path);
        for piece in text.split("#i-").skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            // `#i-{{ icon }}` and `"#i-" + name` are filled in at run time and checked below.
            if !name.is_empty() && !icons.contains(&name) {
                missing.push(format!("{}: {name}", path.display()));
            }
        }
    }
    let from_rust = PortalSection::ALL
        .into_iter()
        .map(PortalSection::icon)
        .chain(
            DashboardSection::ALL
                .into_iter()
                .map(DashboardSection::icon),
        )
        .chain(InjectType::ALL.into_iter().map(inject_icon))
        .chain(
            [
                AlertSeverity::Info,
                AlertSeverity::Warning,
                AlertSeverity::Critical,
            ]
            .map(AlertSeverity::icon),
        )
        .chain(
            [
                FlashKind::Success,
                FlashKind::Info,
                FlashKind::Warning,
                FlashKind::Error,
            ]
            .map(FlashKind::icon),
        )
        .chain(
            DeliveryStage::ALL
                .into_iter()
                .filter_map(|s| Badge::delivery(s).icon),
        )
        .chain(["check-circle", "info", "alert-triangle", "x-circle", "x"]);
    for name in from_rust {
        if !icons.contains(name) {
            missing.push(format!("rust: {name}"));
        }
    }
    assert!(
        missing.is_empty(),
        "icons missing from the sprite:\n{}",
        missing.join("\n")
    );
}

#[test]
fn stylesheets_have_balanced_braces_and_no_leftover_debugging() {
    for name in ["scip.css", "dashboard.css"] {
        let css = read(&crate_dir().join("assets/css").join(name));
        let mut depth = 0i32;
        for (line_no, line) in css.lines().enumerate() {
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            assert!(
                depth >= 0,
                "{name}:{}: closing brace without opening",
                line_no + 1
            );
        }
        assert_eq!(depth, 0, "{name}: unbalanced braces");
        assert!(
            !css.contains("outline: 1px solid red"),
            "{name}: debugging outline left in"
        );
    }
}

#[test]
fn scripts_stay_small_and_define_nothing_global_but_scip() {
    for path in files(&crate_dir().join("assets/js"), "js") {
        let text = read(&path);
        let lines = text.lines().count();
        assert!(
            lines <= 230,
            "{} has {lines} lines; split it",
            path.display()
        );
        assert!(
            text.contains("\"use strict\""),
            "{} is not strict",
            path.display()
        );
        assert!(
            text.contains("var SCIP = (window.SCIP = window.SCIP || {});"),
            "{} does not use the SCIP namespace",
            path.display()
        );
        assert!(
            text.trim_start().starts_with("/*"),
            "{} lacks its header comment",
            path.display()
        );
        assert!(
            text.trim_end().ends_with("})();"),
            "{} is not wrapped in one closure",
            path.display()
        );
    }
}
