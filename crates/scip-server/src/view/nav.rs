//! One entry of a navigation list, as the layouts draw it.

/// A navigation link: label, target, icon from the sprite, optional count, current or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavLink {
    /// Text shown.
    pub label: String,
    /// Where it goes.
    pub href: String,
    /// Icon name in the sprite (`home` for `#i-home`).
    pub icon: &'static str,
    /// A count shown beside the label (unread items, running exercises); hidden when `None`
    /// or zero.
    pub count: Option<u32>,
    /// The page being shown; drawn highlighted and marked `aria-current="page"`.
    pub current: bool,
    /// Keyboard shortcut that follows the link (`g s`, `3`), registered by keys.js.
    pub shortcut: Option<&'static str>,
    /// A stable key for the link (`news`), used to address its count from live updates.
    pub key: &'static str,
}

impl NavLink {
    /// A link without a count that is not current.
    pub fn new(label: impl Into<String>, href: impl Into<String>, icon: &'static str) -> Self {
        Self {
            label: label.into(),
            href: href.into(),
            icon,
            count: None,
            current: false,
            shortcut: None,
            key: "",
        }
    }

    /// The count to show, if any and not zero.
    pub fn shown_count(&self) -> Option<u32> {
        self.count.filter(|&n| n > 0)
    }
}
