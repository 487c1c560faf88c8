//! Renders SCIP's design system to static HTML: a gallery of every component and realistic
//! mock pages of the control portal and the team dashboards, built from the real layouts,
//! macros and components with invented exercise data (the fictional HARBOUR LIGHT exercise).
//!
//! ```sh
//! cargo run -p scip-server --example design_gallery -- [OUTPUT_DIR]   # default: target/design-gallery
//! scripts/design-shots.sh                                              # renders, then screenshots
//! ```
//!
//! The output folder holds the pages, `assets/` (copied from the embedded assets, exactly as
//! the server ships them) and `media/` (illustrations standing in for photographs). Open
//! `index.html` in a browser; `?theme=dark` or `?theme=light` on any page forces a theme.

#![allow(missing_docs)]

mod dashboard;
mod mock;
mod pictures;
mod portal;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use askama::Template;
use scip_server::assets::Assets;

/// Styles for the gallery's own demonstrations (colour swatches, a permanently focused
/// button, a dialog shown in the page flow); not part of the product.
const GALLERY_CSS: &str = "
.gallery-swatches { display: grid; gap: var(--space-2); }
.gallery-swatches .cluster { align-items: flex-start; }
.gallery-swatch { display: grid; gap: 2px; width: 7.5rem; }
.gallery-swatch__chip { height: 2.75rem; border-radius: var(--radius); border: 1px solid var(--c-border); }
.gallery-focus { outline: 2px solid var(--c-focus); outline-offset: 2px; }
";

/// The gallery has no server to stream from: show connection indicators as they look when
/// a dashboard is connected.
const GALLERY_JS: &str = "document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-live-indicator]').forEach(function (el) {
    el.setAttribute('data-state', 'online');
    var label = el.querySelector('[data-live-label]');
    if (label) label.textContent = 'Live';
  });
});
";

/// One rendered page: file name, title for the index, and its HTML.
struct Page {
    file: &'static str,
    title: &'static str,
    html: String,
}

fn main() -> anyhow::Result<()> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/design-gallery"));
    fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

    let pages = render_pages().context("rendering the gallery pages")?;
    for page in &pages {
        let path = out.join(page.file);
        fs::write(&path, &page.html).with_context(|| format!("writing {}", path.display()))?;
    }
    write_index(&out, &pages)?;
    copy_assets(&out)?;
    write_pictures(&out)?;
    for (name, text) in [("gallery.css", GALLERY_CSS), ("gallery.js", GALLERY_JS)] {
        let path = out.join(name);
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    println!("{} pages written to {}", pages.len() + 1, out.display());
    Ok(())
}

fn render_pages() -> askama::Result<Vec<Page>> {
    Ok(vec![
        page("components.html", "Component gallery", portal::components())?,
        page("portal-home.html", "Portal: home", portal::home())?,
        page(
            "exercise-control.html",
            "Portal: exercise control",
            portal::exercise_control(),
        )?,
        page(
            "scenario-editor.html",
            "Portal: scenario editor",
            portal::scenario_editor(),
        )?,
        page(
            "media-library.html",
            "Portal: media library",
            portal::media_library(),
        )?,
        page(
            "report.html",
            "Portal: after-action report",
            portal::report(),
        )?,
        page("sign-in.html", "Portal: sign in", portal::sign_in())?,
        page("dashboard-all.html", "Dashboard: All", dashboard::all())?,
        page(
            "dashboard-email.html",
            "Dashboard: E-mail",
            dashboard::email(),
        )?,
        page("dashboard-sms.html", "Dashboard: SMS", dashboard::sms())?,
        page(
            "dashboard-intel.html",
            "Dashboard: Intel (paused)",
            dashboard::intel(),
        )?,
        page(
            "dashboard-ended.html",
            "Dashboard: Social (ended)",
            dashboard::social_ended(),
        )?,
        page(
            "dashboard-access.html",
            "Dashboard: access code",
            dashboard::access(),
        )?,
        page(
            "news-wall.html",
            "News wall (public feed)",
            dashboard::wall(),
        )?,
    ])
}

fn page(file: &'static str, title: &'static str, template: impl Template) -> askama::Result<Page> {
    Ok(Page {
        file,
        title,
        html: template.render()?,
    })
}

fn write_index(out: &Path, pages: &[Page]) -> anyhow::Result<()> {
    let mut html = String::from(
        "<!doctype html><meta charset=utf-8><title>SCIP design gallery</title>\
         <link rel=stylesheet href=\"assets/css/scip.css\"><body style=\"padding:2rem\">\
         <h1>SCIP design gallery</h1><p class=muted>Static pages rendered from the real templates.</p><ul class=\"stack stack--sm\" style=\"margin-top:1rem\">",
    );
    for p in pages {
        html.push_str(&format!(
            "<li><a href=\"{0}\">{1}</a> · <a href=\"{0}?theme=dark\">dark</a></li>",
            p.file, p.title
        ));
    }
    html.push_str("</ul>");
    let path = out.join("index.html");
    fs::write(&path, html).with_context(|| format!("writing {}", path.display()))
}

fn copy_assets(out: &Path) -> anyhow::Result<()> {
    for name in Assets::iter() {
        let file = Assets::get(&name).with_context(|| format!("embedded asset {name} vanished"))?;
        let path = out.join("assets").join(name.as_ref());
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        fs::write(&path, file.data).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn write_pictures(out: &Path) -> anyhow::Result<()> {
    let dir = out.join("media");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, svg) in pictures::PICTURES {
        fs::write(dir.join(name), svg).with_context(|| format!("writing media/{name}"))?;
    }
    Ok(())
}
