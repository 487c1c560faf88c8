//! A real headless Chromium for browser tests, driven through ChromeDriver (fantoccini).
//!
//! [`Browser::start`] runs `chromedriver --port=0` (it says on stdout which port it took), opens
//! a session with Debian's `chromium` in headless mode and a throw-away profile, and ends both
//! when the test closes or drops it. `SCIP_TEST_CHROMEDRIVER` and `SCIP_TEST_CHROMIUM` name
//! the binaries (defaults `chromedriver` and `/usr/bin/chromium`); a test that cannot start them
//! fails and says which.
//!
//! [`Browser::wait_for`] waits, inside the page, until a JavaScript expression is truthy — the
//! way tests wait for the page instead of sleeping.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// How long [`Browser::wait_for`] waits by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(20);

/// A ChromeDriver process and one browser session.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn tool(var: &str, fallback: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| fallback.to_owned())
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium with a 1280×900 window.
    pub async fn start() -> Browser {
        Self::start_sized(1280, 900).await
    }

    /// Starts ChromeDriver and a headless Chromium with a window of the given size.
    pub async fn start_sized(width: u32, height: u32) -> Browser {
        let driver_path = tool("SCIP_TEST_CHROMEDRIVER", "chromedriver");
        let chromium = tool("SCIP_TEST_CHROMIUM", "/usr/bin/chromium");
        let mut driver = Command::new(&driver_path)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_path} (set SCIP_TEST_CHROMEDRIVER): {e}")
            });
        let stdout = driver.stdout.take().expect("chromedriver stdout");
        let port = tokio::task::spawn_blocking(move || {
            for line in BufReader::new(stdout).lines() {
                let line = line.ok()?;
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    return rest.trim_end_matches('.').trim().parse::<u16>().ok();
                }
            }
            None
        })
        .await
        .expect("reading chromedriver output")
        .unwrap_or_else(|| panic!("{driver_path} did not report its port"));
        let profile = tempfile::tempdir().expect("browser profile folder");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--hide-scrollbars",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!("cannot open a session with {chromium} (set SCIP_TEST_CHROMIUM): {e}")
            });
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Opens a URL.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// Runs a script (its `return` value is the result).
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until the JavaScript expression is truthy (checked in the page every 20 ms, for
    /// at most `timeout`) and returns its value; fails the test naming the expression.
    pub async fn wait_for_within(&self, expression: &str, timeout: Duration) -> Value {
        let script = r##"
            const expression = arguments[0], limit = arguments[1], done = arguments[arguments.length - 1];
            const check = new Function("return (" + expression + ");");
            const started = performance.now();
            (function poll() {
              let value = null;
              try { value = check(); } catch (e) { value = null; }
              if (value) return done(value);
              if (performance.now() - started > limit) return done(null);
              setTimeout(poll, 20);
            })();"##;
        // A page load (a form post, a reload) ends the script early with an error: the wait
        // then starts again in the new page, within the same overall time.
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let limit = u64::try_from(left.as_millis()).unwrap_or(u64::MAX);
            match self
                .client
                .execute_async(script, vec![json!(expression), json!(limit)])
                .await
            {
                Ok(value) => {
                    assert!(
                        !value.is_null(),
                        "timed out after {timeout:?} waiting for: {expression}"
                    );
                    return value;
                }
                Err(e) if std::time::Instant::now() < deadline => {
                    let _interrupted_by_a_page_load = e;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("waiting for {expression}: {e}"),
            }
        }
    }

    /// [`Browser::wait_for_within`] with [`DEFAULT_WAIT`].
    pub async fn wait_for(&self, expression: &str) -> Value {
        self.wait_for_within(expression, DEFAULT_WAIT).await
    }

    /// A PNG screenshot of the window.
    pub async fn screenshot(&self) -> Vec<u8> {
        self.client.screenshot().await.expect("screenshot")
    }

    /// Ends the session and ChromeDriver.
    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
