//! The media library.

use askama::Template;
use scip_server::view::{PortalSection, PortalShell};

use crate::mock;

/// A file in the media library.
pub struct MediaItem {
    pub name: &'static str,
    pub picture: Option<&'static str>,
    pub kind: &'static str,
    pub meta: &'static str,
    pub used: u32,
    pub selected: bool,
    pub tag: Option<&'static str>,
}

/// Media library.
#[derive(Template)]
#[template(path = "gallery/media_library.html")]
pub struct MediaPage {
    pub shell: PortalShell,
    pub items: Vec<MediaItem>,
}

pub fn media_library() -> MediaPage {
    let m = |name, picture, kind, meta, used, tag| MediaItem {
        name,
        picture,
        kind,
        meta,
        used,
        selected: false,
        tag,
    };
    let mut items = vec![
        m(
            "harbour-dusk.jpg",
            Some("harbour.svg"),
            "image",
            "2400×1500 · 1.8 MB",
            3,
            None,
        ),
        m(
            "halvard-sat-0340z.jpg",
            Some("storm.svg"),
            "image",
            "1600×1000 · 940 KB",
            2,
            None,
        ),
        m(
            "breakwater-waves.jpg",
            Some("breakwater.svg"),
            "image",
            "2048×1280 · 1.2 MB",
            1,
            None,
        ),
        m(
            "drone-north-quay.mp4",
            Some("flood.svg"),
            "video",
            "1920×1080 · 48 MB",
            1,
            Some("0:42"),
        ),
        m(
            "serra-nova.jpg",
            Some("tanker.svg"),
            "image",
            "1800×1125 · 1.1 MB",
            2,
            None,
        ),
        m(
            "north-channel-chart.png",
            Some("map.svg"),
            "image",
            "1600×1000 · 310 KB",
            4,
            None,
        ),
        m(
            "press-briefing.mp4",
            Some("briefing.svg"),
            "video",
            "1280×720 · 22 MB",
            0,
            Some("2:15"),
        ),
        m(
            "aldine-night.jpg",
            Some("city.svg"),
            "image",
            "2400×1500 · 2.0 MB",
            0,
            None,
        ),
        m(
            "berth-closure-notice.pdf",
            None,
            "document",
            "3 pages · 212 KB",
            1,
            None,
        ),
        m("lines-to-take-v2.docx", None, "document", "18 KB", 0, None),
    ];
    items[4].selected = true;
    items[5].selected = true;
    MediaPage {
        shell: mock::portal_shell(PortalSection::Media),
        items,
    }
}
