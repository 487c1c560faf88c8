//! Choosing a team dashboard's port. Pure: the caller gathers what is in use (other teams of
//! the exercise, running dashboards) and passes a probe for everything else on the machine;
//! [`probe_bind`] is the usual probe.
//!
//! A probe answers for one instant: another program may take the port between the probe and
//! the dashboard's own bind. Callers therefore still treat a failed bind (or the Docker
//! engine's "port is already allocated") as "try the next port".

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{IpAddr, TcpListener};

use scip_core::TeamId;

/// An inclusive range of ports handed out to team dashboards (`DASHBOARD_PORT_RANGE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    first: u16,
    last: u16,
}

impl PortRange {
    /// The seed's range, 3100–3200 (101 ports).
    pub const DEFAULT: Self = Self {
        first: 3100,
        last: 3200,
    };

    /// A range from `first` to `last` inclusive; refuses port 0 and reversed bounds.
    pub fn new(first: u16, last: u16) -> Result<Self, PortRangeError> {
        if first == 0 || first > last {
            return Err(PortRangeError { first, last });
        }
        Ok(Self { first, last })
    }

    /// First port.
    pub fn first(self) -> u16 {
        self.first
    }

    /// Last port (inclusive).
    pub fn last(self) -> u16 {
        self.last
    }

    /// Number of ports in the range.
    pub fn len(self) -> usize {
        usize::from(self.last - self.first) + 1
    }

    /// Always false: a range holds at least one port.
    pub fn is_empty(self) -> bool {
        false
    }

    /// Whether `port` lies in the range.
    pub fn contains(self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }

    /// The ports in ascending order.
    pub fn ports(self) -> impl Iterator<Item = u16> {
        self.first..=self.last
    }
}

impl Default for PortRange {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

/// A port range that starts at 0 or ends before it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "dashboard port range {first}-{last} is empty or starts at 0; use FIRST-LAST such as 3100-3200"
)]
pub struct PortRangeError {
    /// Requested first port.
    pub first: u16,
    /// Requested last port.
    pub last: u16,
}

/// Ports already spoken for, gathered by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortsInUse {
    /// Ports already given to teams of this exercise, and to which team.
    pub by_exercise: BTreeMap<u16, TeamId>,
    /// Ports held by running team dashboards (containers or processes) of any exercise.
    pub by_dashboards: BTreeSet<u16>,
}

/// Who holds a port a team asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortHolder {
    /// Another team of the same exercise.
    Team(TeamId),
    /// A running team dashboard (container or process), possibly of another exercise.
    RunningDashboard,
    /// Something else on this machine: the probe found the port busy.
    OtherProgram,
}

impl fmt::Display for PortHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Team(team) => write!(f, "team {team} of this exercise"),
            Self::RunningDashboard => f.write_str("a running team dashboard"),
            Self::OtherProgram => f.write_str("another program"),
        }
    }
}

/// Why no port could be given to a team.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// The scenario fixes the team's port and it is not free.
    #[error(
        "dashboard port {port} fixed for team {team} is taken by {holder}; change or remove \
         the team's port in the scenario"
    )]
    FixedPortTaken {
        /// The team asking.
        team: TeamId,
        /// Its fixed port.
        port: u16,
        /// Who holds it.
        holder: PortHolder,
    },
    /// Every port of the range is taken.
    #[error("no free dashboard port in {range} ({in_use} in use); widen DASHBOARD_PORT_RANGE")]
    NoFreePort {
        /// The range searched.
        range: PortRange,
        /// How many of its ports were found taken.
        in_use: usize,
    },
}

/// Chooses `team`'s dashboard port: its `fixed` port when the scenario sets one (an error if
/// that port is taken), otherwise the lowest port of `range` that no other team of the exercise
/// has, no running dashboard holds and `is_free` accepts.
///
/// A port recorded in `in_use.by_exercise` for `team` itself counts as free, so deploying a
/// team again keeps its port. `is_free` is asked only about ports that pass the other checks.
pub fn choose_dashboard_port(
    team: &TeamId,
    fixed: Option<u16>,
    range: PortRange,
    in_use: &PortsInUse,
    mut is_free: impl FnMut(u16) -> bool,
) -> Result<u16, PortError> {
    let mut holder_of = |port: u16| -> Option<PortHolder> {
        match in_use.by_exercise.get(&port) {
            Some(other) if other != team => return Some(PortHolder::Team(other.clone())),
            _ => {}
        }
        if in_use.by_dashboards.contains(&port) {
            return Some(PortHolder::RunningDashboard);
        }
        if !is_free(port) {
            return Some(PortHolder::OtherProgram);
        }
        None
    };

    if let Some(port) = fixed {
        return match holder_of(port) {
            None => Ok(port),
            Some(holder) => Err(PortError::FixedPortTaken {
                team: team.clone(),
                port,
                holder,
            }),
        };
    }
    let mut in_use_count = 0;
    for port in range.ports() {
        if holder_of(port).is_none() {
            return Ok(port);
        }
        in_use_count += 1;
    }
    Err(PortError::NoFreePort {
        range,
        in_use: in_use_count,
    })
}

/// Whether a TCP listener can bind `addr:port` right now (the listener is closed again at
/// once). Use the address the dashboard will listen on, usually `0.0.0.0`.
pub fn probe_bind(addr: IpAddr, port: u16) -> bool {
    TcpListener::bind((addr, port)).is_ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::net::Ipv4Addr;

    use proptest::prelude::*;

    use super::*;

    fn team(id: &str) -> TeamId {
        TeamId::new(id).unwrap()
    }

    fn range(first: u16, last: u16) -> PortRange {
        PortRange::new(first, last).unwrap()
    }

    fn all_free(_: u16) -> bool {
        true
    }

    #[test]
    fn default_range_is_the_seeds_3100_to_3200() {
        assert_eq!(PortRange::default().to_string(), "3100-3200");
        assert_eq!(PortRange::default().len(), 101);
    }

    #[test]
    fn range_refuses_port_zero_and_reversed_bounds() {
        assert!(PortRange::new(0, 10).is_err());
        let err = PortRange::new(3200, 3100).unwrap_err();
        assert!(err.to_string().contains("3200-3100"), "{err}");
        assert_eq!(range(3100, 3100).len(), 1);
    }

    #[test]
    fn first_port_of_the_range_when_nothing_is_used() {
        let port = choose_dashboard_port(
            &team("red"),
            None,
            PortRange::DEFAULT,
            &PortsInUse::default(),
            all_free,
        );
        assert_eq!(port, Ok(3100));
    }

    #[test]
    fn skips_ports_of_other_teams_running_dashboards_and_busy_ports() {
        let in_use = PortsInUse {
            by_exercise: BTreeMap::from([(3100, team("blue"))]),
            by_dashboards: BTreeSet::from([3101, 3103]),
        };
        let port = choose_dashboard_port(&team("red"), None, range(3100, 3110), &in_use, |p| {
            p != 3102
        });
        assert_eq!(port, Ok(3104));
    }

    #[test]
    fn a_teams_own_earlier_port_counts_as_free() {
        let in_use = PortsInUse {
            by_exercise: BTreeMap::from([(3100, team("red"))]),
            by_dashboards: BTreeSet::new(),
        };
        let port = choose_dashboard_port(&team("red"), None, range(3100, 3110), &in_use, all_free);
        assert_eq!(port, Ok(3100));
    }

    #[test]
    fn probe_is_asked_only_about_ports_that_pass_the_other_checks() {
        let in_use = PortsInUse {
            by_exercise: BTreeMap::from([(3100, team("blue"))]),
            by_dashboards: BTreeSet::from([3101]),
        };
        let mut asked = Vec::new();
        let port = choose_dashboard_port(&team("red"), None, range(3100, 3110), &in_use, |p| {
            asked.push(p);
            p > 3102
        });
        assert_eq!(port, Ok(3103));
        assert_eq!(asked, vec![3102, 3103]);
    }

    #[test]
    fn fixed_port_is_used_when_free_even_outside_the_range() {
        let port = choose_dashboard_port(
            &team("red"),
            Some(8080),
            PortRange::DEFAULT,
            &PortsInUse::default(),
            all_free,
        );
        assert_eq!(port, Ok(8080));
    }

    #[test]
    fn fixed_port_taken_by_another_team_names_that_team() {
        let in_use = PortsInUse {
            by_exercise: BTreeMap::from([(3105, team("blue"))]),
            by_dashboards: BTreeSet::new(),
        };
        let err = choose_dashboard_port(
            &team("red"),
            Some(3105),
            PortRange::DEFAULT,
            &in_use,
            all_free,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "dashboard port 3105 fixed for team red is taken by team blue of this exercise; \
             change or remove the team's port in the scenario"
        );
    }

    #[test]
    fn fixed_port_held_by_a_dashboard_or_a_program_is_an_error() {
        let in_use = PortsInUse {
            by_exercise: BTreeMap::new(),
            by_dashboards: BTreeSet::from([3105]),
        };
        let held = choose_dashboard_port(
            &team("red"),
            Some(3105),
            PortRange::DEFAULT,
            &in_use,
            all_free,
        );
        assert!(matches!(
            held,
            Err(PortError::FixedPortTaken {
                holder: PortHolder::RunningDashboard,
                ..
            })
        ));
        let busy = choose_dashboard_port(
            &team("red"),
            Some(3106),
            PortRange::DEFAULT,
            &in_use,
            |_| false,
        )
        .unwrap_err();
        assert!(
            busy.to_string().contains("taken by another program"),
            "{busy}"
        );
    }

    #[test]
    fn exhausted_range_says_how_many_are_used_and_what_to_change() {
        let in_use = PortsInUse {
            by_exercise: BTreeMap::new(),
            by_dashboards: PortRange::DEFAULT.ports().collect(),
        };
        let err = choose_dashboard_port(&team("red"), None, PortRange::DEFAULT, &in_use, all_free)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no free dashboard port in 3100-3200 (101 in use); widen DASHBOARD_PORT_RANGE"
        );
    }

    #[test]
    fn probe_bind_sees_a_port_held_by_a_listener() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(!probe_bind(Ipv4Addr::LOCALHOST.into(), port));
        drop(listener);
        // The port was just released; nothing else in this test binds it.
        assert!(probe_bind(Ipv4Addr::LOCALHOST.into(), port));
    }

    proptest! {
        #[test]
        fn chosen_port_is_never_one_in_use(
            first in 1024u16..60000,
            width in 0u16..40,
            exercise_ports in proptest::collection::btree_set(1024u16..60100, 0..30),
            dashboard_ports in proptest::collection::btree_set(1024u16..60100, 0..30),
            busy_ports in proptest::collection::btree_set(1024u16..60100, 0..30),
        ) {
            let range = PortRange::new(first, first + width).unwrap();
            let in_use = PortsInUse {
                by_exercise: exercise_ports.iter().map(|p| (*p, team("blue"))).collect(),
                by_dashboards: dashboard_ports.clone(),
            };
            let result = choose_dashboard_port(&team("red"), None, range, &in_use, |p| {
                !busy_ports.contains(&p)
            });
            let taken = |p: u16| {
                exercise_ports.contains(&p) || dashboard_ports.contains(&p) || busy_ports.contains(&p)
            };
            match result {
                Ok(port) => {
                    prop_assert!(range.contains(port));
                    prop_assert!(!taken(port));
                    prop_assert!(range.ports().take_while(|p| *p < port).all(taken));
                }
                Err(PortError::NoFreePort { in_use, .. }) => {
                    prop_assert!(range.ports().all(taken));
                    prop_assert_eq!(in_use, range.len());
                }
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
        }
    }
}
