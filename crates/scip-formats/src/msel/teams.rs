//! The teams MSEL rows may name: a known set (a Teams sheet, or the scenario imported into)
//! or an open set created from the Team column as rows name them.

use scip_core::model::document::TeamDoc;
use scip_core::{ScenarioId, TeamId};

/// The teams rows may name: a known set (Teams sheet, or the scenario imported into) or an
/// open set created from the Team column.
pub(crate) struct TeamSet {
    /// The teams, in order.
    pub(crate) docs: Vec<TeamDoc>,
    /// Where a known set came from; `None` for an open set.
    known_from: Option<&'static str>,
}

impl TeamSet {
    pub(crate) fn new(known: Option<(Vec<TeamDoc>, &'static str)>) -> Self {
        match known {
            Some((docs, from)) => Self {
                docs,
                known_from: Some(from),
            },
            None => Self {
                docs: Vec::new(),
                known_from: None,
            },
        }
    }

    /// The only team of a known set of one.
    pub(crate) fn single(&self) -> Option<usize> {
        (self.known_from.is_some() && self.docs.len() == 1).then_some(0)
    }

    /// The team a Team cell names: by id, then by name, case-insensitively.
    pub(crate) fn resolve(&mut self, value: &str) -> Result<usize, String> {
        let wanted = value.trim();
        if let Some(i) = self.docs.iter().position(|t| t.id == wanted) {
            return Ok(i);
        }
        let found = self.docs.iter().position(|t| {
            t.id.eq_ignore_ascii_case(wanted) || t.name.trim().eq_ignore_ascii_case(wanted)
        });
        if let Some(i) = found {
            return Ok(i);
        }
        if let Some(from) = self.known_from {
            let ids: Vec<&str> = self.docs.iter().map(|t| t.id.as_str()).collect();
            return Err(format!(
                "team {wanted:?} is not one of {from} ({})",
                ids.join(", ")
            ));
        }
        let id = TeamId::new(wanted)
            .ok()
            .or_else(|| ScenarioId::slugify(wanted).and_then(|s| TeamId::new(s.to_string()).ok()))
            .ok_or_else(|| format!("team {wanted:?} gives no usable team id"))?;
        if let Some(i) = self.docs.iter().position(|t| t.id == id.as_str()) {
            return Ok(i);
        }
        self.docs.push(TeamDoc {
            id: id.to_string(),
            name: wanted.to_owned(),
            ..TeamDoc::default()
        });
        Ok(self.docs.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_set_creates_teams_and_merges_spellings_of_one_name() {
        let mut teams = TeamSet::new(None);
        assert_eq!(teams.resolve("Red Team"), Ok(0));
        assert_eq!(teams.resolve("red-team"), Ok(0));
        assert_eq!(teams.resolve(" RED TEAM "), Ok(0));
        assert_eq!(teams.resolve("blue"), Ok(1));
        assert_eq!(teams.docs[0].id, "red-team");
        assert_eq!(teams.docs[0].name, "Red Team");
        assert!(
            teams
                .resolve("!!!")
                .unwrap_err()
                .contains("no usable team id")
        );
        assert_eq!(
            teams.single(),
            None,
            "an open set never stands in for a Team column"
        );
    }

    #[test]
    fn a_known_set_finds_teams_by_id_or_name_and_refuses_others() {
        let doc = |id: &str, name: &str| TeamDoc {
            id: id.into(),
            name: name.into(),
            ..TeamDoc::default()
        };
        let mut teams = TeamSet::new(Some((vec![doc("red", "Red Cell")], "the Teams sheet")));
        assert_eq!(teams.resolve("RED"), Ok(0));
        assert_eq!(teams.resolve("red cell"), Ok(0));
        assert_eq!(teams.single(), Some(0));
        assert_eq!(
            teams.resolve("blue"),
            Err("team \"blue\" is not one of the Teams sheet (red)".to_owned())
        );
    }
}
