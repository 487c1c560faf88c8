//! Who is connected to the broker, and the credentials that prove it.

use std::fmt;

use scip_core::{ExerciseId, TeamId};

/// What an authenticated MQTT client is allowed to be (see [`crate::acl`] for the rules).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    /// The exercise engine: publishes and subscribes anywhere under `<prefix>/exercise/#`.
    Engine,
    /// One team's dashboard in one exercise.
    Team {
        /// The exercise.
        exercise: ExerciseId,
        /// The team.
        team: TeamId,
    },
    /// A read-only observer: subscribes anywhere under `<prefix>/exercise/#`, publishes nothing.
    Monitor,
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Engine => f.write_str("engine"),
            Self::Team { exercise, team } => write!(f, "team {team} of exercise {exercise}"),
            Self::Monitor => f.write_str("monitor"),
        }
    }
}

/// Why a username or password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// The username breaks the character rules.
    #[error(
        "MQTT username {0:?} is not allowed: use 1–128 letters, digits, '.', '_' or '-', \
         starting with a letter or digit"
    )]
    BadUsername(String),
    /// The password is empty or too long.
    #[error("MQTT password for {username:?} must be 1–256 bytes long")]
    BadPassword {
        /// Whose password.
        username: String,
    },
}

/// An MQTT username safe to write into Mosquitto's password and ACL files: 1–128 characters
/// from `[A-Za-z0-9._-]`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MqttUsername(String);

impl MqttUsername {
    /// Longest accepted username.
    pub const MAX_LEN: usize = 128;

    /// Checks and wraps a username.
    pub fn new(name: impl Into<String>) -> Result<Self, CredentialError> {
        let name = name.into();
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if first_ok && rest_ok && name.len() <= Self::MAX_LEN {
            Ok(Self(name))
        } else {
            Err(CredentialError::BadUsername(name))
        }
    }

    /// The conventional username of a team's dashboard: `team.{exercise}.{team}`. Ids never
    /// hold dots, so the name is unambiguous, and it always fits [`Self::MAX_LEN`].
    pub fn for_team(exercise: &ExerciseId, team: &TeamId) -> Self {
        Self(format!("team.{exercise}.{team}"))
    }

    /// The username as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MqttUsername {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A username, its password and what it may do. The password never appears in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    username: MqttUsername,
    password: String,
    principal: Principal,
}

impl Credential {
    /// Longest accepted password, in bytes.
    pub const MAX_PASSWORD_LEN: usize = 256;

    /// A credential; fails when the username breaks [`MqttUsername`]'s rules or the password
    /// is empty or longer than 256 bytes.
    pub fn new(
        username: impl Into<String>,
        password: impl Into<String>,
        principal: Principal,
    ) -> Result<Self, CredentialError> {
        let username = MqttUsername::new(username)?;
        let password = password.into();
        if password.is_empty() || password.len() > Self::MAX_PASSWORD_LEN {
            return Err(CredentialError::BadPassword {
                username: username.0,
            });
        }
        Ok(Self {
            username,
            password,
            principal,
        })
    }

    /// A team dashboard's credential under the conventional username
    /// ([`MqttUsername::for_team`]); fails only for an empty or over-long password.
    pub fn for_team(
        exercise: &ExerciseId,
        team: &TeamId,
        password: impl Into<String>,
    ) -> Result<Self, CredentialError> {
        Self::new(
            MqttUsername::for_team(exercise, team).0,
            password,
            Principal::Team {
                exercise: exercise.clone(),
                team: team.clone(),
            },
        )
    }

    /// The username.
    pub fn username(&self) -> &MqttUsername {
        &self.username
    }

    /// The password in clear text (to hand to a client or to hash).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// What the username may do.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("principal", &self.principal)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_file_safe_rules() {
        assert!(MqttUsername::new("scip-engine").is_ok());
        assert!(MqttUsername::new("t.ex-1_red").is_ok());
        for bad in ["", "-x", "a b", "a:b", "a\nb", "é", &"x".repeat(129)] {
            assert!(MqttUsername::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn team_usernames_fit_even_for_the_longest_ids() {
        let e = ExerciseId::new("e".repeat(ExerciseId::MAX_LEN)).unwrap();
        let t = TeamId::new("t".repeat(TeamId::MAX_LEN)).unwrap();
        let name = MqttUsername::for_team(&e, &t);
        assert_eq!(MqttUsername::new(name.as_str()), Ok(name.clone()));
        assert_eq!(
            MqttUsername::for_team(
                &ExerciseId::new("ex-1").unwrap(),
                &TeamId::new("red").unwrap()
            )
            .as_str(),
            "team.ex-1.red"
        );
    }

    #[test]
    fn passwords_must_have_a_sane_length() {
        assert!(Credential::new("a", "", Principal::Monitor).is_err());
        assert!(Credential::new("a", "x".repeat(257), Principal::Monitor).is_err());
        assert!(Credential::new("a", "pw", Principal::Monitor).is_ok());
    }

    #[test]
    fn debug_output_hides_the_password() {
        let c = Credential::new("a", "hunter2", Principal::Engine).unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("redacted"));
    }
}
