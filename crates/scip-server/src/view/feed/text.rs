//! Small text helpers for cards.

/// `1234` → `1.2K`, `15300` → `15K`, `2500000` → `2.5M`: engagement counts as platforms show them.
pub fn compact_count(n: u64) -> String {
    fn scaled(n: u64, unit: u64, suffix: &str) -> String {
        let tenths = (n * 10 + unit / 2) / unit;
        if tenths >= 100 || tenths.is_multiple_of(10) {
            format!("{}{suffix}", (tenths + 5) / 10)
        } else {
            format!("{}.{}{suffix}", tenths / 10, tenths % 10)
        }
    }
    match n {
        0..=999 => n.to_string(),
        1_000..=999_949 => scaled(n, 1_000, "K"),
        _ => scaled(n, 1_000_000, "M"),
    }
}

/// Up to `max` capital initials of a name.
pub(super) fn initials(name: &str, max: usize) -> String {
    name.split(|c: char| c.is_whitespace() || c == '.' || c == '_' || c == '-')
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(max)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The first `max` characters of the text on one line, with an ellipsis when cut.
pub(super) fn snippet(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        line
    } else {
        let cut: String = line.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

pub(super) fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Avatar colours: mid-tone hues that carry white text in both themes.
const AVATAR_COLOURS: [&str; 8] = [
    "#3b5bab", "#7a4fb5", "#0f7b83", "#2f7d3a", "#9a5b12", "#b2403a", "#a8336f", "#4b5b6e",
];

pub(super) fn avatar_colour(seed: &str) -> &'static str {
    // FNV-1a: a stable spread over the palette without pulling in a hasher.
    let hash = seed.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    AVATAR_COLOURS[hash as usize % AVATAR_COLOURS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_like_social_platforms() {
        assert_eq!(compact_count(999), "999");
        assert_eq!(compact_count(1_000), "1K");
        assert_eq!(compact_count(1_234), "1.2K");
        assert_eq!(compact_count(15_300), "15K");
        assert_eq!(compact_count(999_949), "1000K");
        assert_eq!(compact_count(999_950), "1M");
        assert_eq!(compact_count(2_500_000), "2.5M");
    }

    #[test]
    fn long_snippets_are_cut_with_an_ellipsis() {
        let s = snippet(&"word ".repeat(100), 20);
        assert!(s.ends_with('…'));
        assert!(s.chars().count() <= 21);
        assert_eq!(snippet("Line one.\n\nLine two.", 50), "Line one. Line two.");
    }

    #[test]
    fn initials_skip_punctuation() {
        assert_eq!(initials("Maya van der Berg", 2), "MV");
        assert_eq!(initials("ops.desk", 2), "OD");
        assert_eq!(initials("@@@", 2), "");
    }
}
