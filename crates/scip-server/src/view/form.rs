//! Data for form controls that the `partials/ui.html` field macros draw.

/// One `<option>` of a select field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectOption {
    /// Submitted value.
    pub value: String,
    /// Text shown.
    pub label: String,
    /// Pre-selected.
    pub selected: bool,
}

impl SelectOption {
    /// Options from `(value, label)` pairs, with the one whose value is `selected` marked.
    pub fn list<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        selected: &str,
    ) -> Vec<SelectOption> {
        pairs
            .into_iter()
            .map(|(value, label)| SelectOption {
                value: value.to_owned(),
                label: label.to_owned(),
                selected: value == selected,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_only_the_selected_value() {
        let options = SelectOption::list([("low", "Low"), ("high", "High")], "high");
        assert!(!options[0].selected);
        assert!(options[1].selected);
        assert_eq!(options[1].label, "High");
    }
}
