//! A small metrics registry of our own, rendered in the Prometheus text format: HTTP requests
//! by method, route and status, login outcomes, and a fixed-bucket histogram of how late
//! scheduled injects fired. Figures that live in the database (deliveries by state, receipts,
//! connected dashboards, outbox depth) are read at scrape time and passed to [`render`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use scip_store::{LatenessSample, OperationsSnapshot};

/// Upper bounds of the fire-lateness buckets, in milliseconds.
pub const LATENESS_BUCKETS_MS: [u64; 13] = [
    1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
];

/// A histogram with fixed buckets (cumulative when rendered).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    /// Observations per bucket (not cumulative); the last slot is `+Inf`.
    counts: Vec<u64>,
    sum_ms: u64,
    total: u64,
}

impl Histogram {
    fn new() -> Self {
        Self {
            counts: vec![0; LATENESS_BUCKETS_MS.len() + 1],
            sum_ms: 0,
            total: 0,
        }
    }

    /// Adds one observation in milliseconds.
    pub fn observe(&mut self, value_ms: u64) {
        let slot = LATENESS_BUCKETS_MS
            .iter()
            .position(|bound| value_ms <= *bound)
            .unwrap_or(LATENESS_BUCKETS_MS.len());
        if let Some(count) = self.counts.get_mut(slot) {
            *count += 1;
        }
        self.sum_ms = self.sum_ms.saturating_add(value_ms);
        self.total += 1;
    }

    /// How many observations.
    pub fn count(&self) -> u64 {
        self.total
    }
}

#[derive(Debug, Default)]
struct Counters {
    requests: BTreeMap<(String, String, u16), u64>,
    logins: BTreeMap<&'static str, u64>,
}

/// Where reading fire lateness from the store has got to.
#[derive(Debug, Default)]
pub struct LatenessFeed {
    /// The last sample folded in.
    pub cursor: Option<LatenessSample>,
}

/// Process-local metrics.
#[derive(Debug)]
pub struct Metrics {
    counters: Mutex<Counters>,
    lateness: Mutex<Histogram>,
    /// Serialises catching up on lateness samples (held across store reads, hence async).
    pub lateness_feed: tokio::sync::Mutex<LatenessFeed>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            counters: Mutex::new(Counters::default()),
            lateness: Mutex::new(Histogram::new()),
            lateness_feed: tokio::sync::Mutex::new(LatenessFeed::default()),
        }
    }
}

impl Metrics {
    /// Counts one HTTP request.
    pub fn record_request(&self, method: &str, route: &str, status: u16) {
        if let Ok(mut c) = self.counters.lock() {
            *c.requests
                .entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
    }

    /// Counts a login outcome (`success`, `failure`, `throttled`).
    pub fn record_login(&self, outcome: &'static str) {
        if let Ok(mut c) = self.counters.lock() {
            *c.logins.entry(outcome).or_default() += 1;
        }
    }

    /// Folds lateness observations (ms) into the histogram.
    pub fn observe_lateness(&self, values_ms: impl IntoIterator<Item = u64>) {
        if let Ok(mut h) = self.lateness.lock() {
            for v in values_ms {
                h.observe(v);
            }
        }
    }

    /// A copy of the lateness histogram.
    pub fn lateness(&self) -> Histogram {
        self.lateness
            .lock()
            .map(|h| h.clone())
            .unwrap_or_else(|_| Histogram::new())
    }

    /// Renders everything in the Prometheus text format, with the database figures.
    pub fn render(&self, snapshot: &OperationsSnapshot, uptime_s: u64) -> String {
        let mut out = String::new();
        let (requests, logins) = match self.counters.lock() {
            Ok(c) => (c.requests.clone(), c.logins.clone()),
            Err(_) => Default::default(),
        };
        header(
            &mut out,
            "scip_http_requests_total",
            "counter",
            "HTTP requests by method, route and status.",
        );
        for ((method, route, status), n) in &requests {
            let _ = writeln!(
                out,
                "scip_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(method),
                escape(route)
            );
        }
        header(
            &mut out,
            "scip_logins_total",
            "counter",
            "Login attempts by outcome.",
        );
        for outcome in ["success", "failure", "throttled"] {
            let n = logins.get(outcome).copied().unwrap_or(0);
            let _ = writeln!(out, "scip_logins_total{{outcome=\"{outcome}\"}} {n}");
        }
        let h = self.lateness();
        header(
            &mut out,
            "scip_fire_lateness_seconds",
            "histogram",
            "How late scheduled injects fired after their instant.",
        );
        let mut cumulative = 0;
        for (bound, count) in LATENESS_BUCKETS_MS.iter().zip(&h.counts) {
            cumulative += count;
            let _ = writeln!(
                out,
                "scip_fire_lateness_seconds_bucket{{le=\"{}\"}} {cumulative}",
                seconds(*bound)
            );
        }
        let _ = writeln!(
            out,
            "scip_fire_lateness_seconds_bucket{{le=\"+Inf\"}} {}",
            h.total
        );
        let _ = writeln!(out, "scip_fire_lateness_seconds_sum {}", seconds(h.sum_ms));
        let _ = writeln!(out, "scip_fire_lateness_seconds_count {}", h.total);
        header(
            &mut out,
            "scip_deliveries",
            "gauge",
            "Deliveries of live exercises by state.",
        );
        for (state, n) in &snapshot.deliveries_by_state {
            let _ = writeln!(out, "scip_deliveries{{state=\"{state}\"}} {n}");
        }
        header(
            &mut out,
            "scip_receipts_total",
            "counter",
            "Receipts from team dashboards by kind.",
        );
        for (kind, n) in &snapshot.receipts_by_kind {
            let _ = writeln!(out, "scip_receipts_total{{kind=\"{kind}\"}} {n}");
        }
        header(
            &mut out,
            "scip_connected_dashboards",
            "gauge",
            "Team dashboards with at least one viewer.",
        );
        let _ = writeln!(
            out,
            "scip_connected_dashboards {}",
            snapshot.connected_dashboards
        );
        header(
            &mut out,
            "scip_dashboard_viewers",
            "gauge",
            "Browsers showing a team dashboard.",
        );
        let _ = writeln!(out, "scip_dashboard_viewers {}", snapshot.viewers);
        header(
            &mut out,
            "scip_outbox_depth",
            "gauge",
            "Deliveries waiting for the MQTT broker.",
        );
        let _ = writeln!(out, "scip_outbox_depth {}", snapshot.outbox_depth);
        header(&mut out, "scip_exercises", "gauge", "Exercises by state.");
        for (state, n) in &snapshot.exercises_by_state {
            let _ = writeln!(out, "scip_exercises{{state=\"{}\"}} {n}", escape(state));
        }
        header(
            &mut out,
            "scip_uptime_seconds",
            "gauge",
            "Seconds since this process started.",
        );
        let _ = writeln!(out, "scip_uptime_seconds {uptime_s}");
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Milliseconds as seconds with up to three decimals (`0.005`, `2.5`, `10`).
fn seconds(ms: u64) -> String {
    let whole = ms / 1000;
    let frac = ms % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// Escapes a label value.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lateness_lands_in_cumulative_buckets() {
        let m = Metrics::default();
        m.observe_lateness([0, 3, 3, 40_000]);
        let text = m.render(&OperationsSnapshot::default(), 1);
        assert!(
            text.contains("scip_fire_lateness_seconds_bucket{le=\"0.001\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("scip_fire_lateness_seconds_bucket{le=\"0.005\"} 3"),
            "{text}"
        );
        assert!(
            text.contains("scip_fire_lateness_seconds_bucket{le=\"10\"} 3"),
            "{text}"
        );
        assert!(
            text.contains("scip_fire_lateness_seconds_bucket{le=\"+Inf\"} 4"),
            "{text}"
        );
        assert!(
            text.contains("scip_fire_lateness_seconds_count 4"),
            "{text}"
        );
        assert!(
            text.contains("scip_fire_lateness_seconds_sum 40.006"),
            "{text}"
        );
    }

    #[test]
    fn requests_are_counted_by_route_and_status() {
        let m = Metrics::default();
        m.record_request("GET", "/api/v2/exercises/{id}", 200);
        m.record_request("GET", "/api/v2/exercises/{id}", 200);
        m.record_request("GET", "unmatched", 404);
        let text = m.render(&OperationsSnapshot::default(), 1);
        assert!(text.contains(
            "scip_http_requests_total{method=\"GET\",route=\"/api/v2/exercises/{id}\",status=\"200\"} 2"
        ));
        assert!(text.contains("route=\"unmatched\",status=\"404\"} 1"));
    }

    #[test]
    fn seconds_are_written_without_trailing_zeros() {
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(2_500), "2.5");
        assert_eq!(seconds(10_000), "10");
        assert_eq!(seconds(0), "0");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
