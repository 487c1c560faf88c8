//! A signed-in portal session over plain HTTP: cookies kept by hand, redirects seen (not
//! followed), the CSRF value read from the page.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use scip_store::Role;

use crate::support::{PASSWORD, TestApp, username};

/// A browser-like session of one user.
pub struct Session<'a> {
    pub app: &'a TestApp,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
    pub csrf: String,
}

/// A response: status, where it redirects, and the body.
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl<'a> Session<'a> {
    /// Signs in through the sign-in form as the account with `role`.
    pub async fn sign_in(app: &'a TestApp, role: Role) -> Session<'a> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut session = Session {
            app,
            client,
            cookies: BTreeMap::new(),
            csrf: String::new(),
        };
        let reply = session
            .post_form(
                "/sign-in",
                &[("username", username(role)), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let home = session.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        session.csrf = csrf_of(&home.body);
        assert!(!session.csrf.is_empty());
        session
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let removed = text.contains("Max-Age=0") || value.is_empty();
            if removed {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn reply(&mut self, response: reqwest::Response) -> Reply {
        self.keep_cookies(&response);
        Reply {
            status: response.status(),
            location: response
                .headers()
                .get(LOCATION)
                .map(|l| l.to_str().unwrap().to_owned()),
            body: response.text().await.unwrap(),
        }
    }

    /// GET a path.
    pub async fn get(&mut self, path: &str) -> Reply {
        let response = self
            .client
            .get(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.reply(response).await
    }

    /// POST a form (the CSRF value is not added).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = self
            .client
            .post(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.reply(response).await
    }

    /// POST a form with this session's CSRF value.
    pub async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.clone();
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, &all).await
    }

    /// POST a form, expect a redirect, and GET where it goes (showing the flash).
    pub async fn submit_and_follow(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let reply = self.submit(path, fields).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            path,
            reply.body
        );
        let to = reply.location.unwrap();
        self.get(&to).await
    }
}

/// The `data-csrf` value of a portal page.
pub fn csrf_of(html: &str) -> String {
    html.split("data-csrf=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// The text of the toasts (flash messages) on a page.
pub fn flashes(html: &str) -> Vec<String> {
    html.split("<div class=\"toast__text\">")
        .skip(1)
        .filter_map(|rest| rest.split("</div>").next())
        .map(|t| {
            t.replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&#34;", "\"")
        })
        .collect()
}

/// Imports the demo scenario (`grey-tide`) from `scenarios/demo`, as `scip demo` does.
pub async fn import_demo(app: &TestApp) {
    use scip_formats::{FileSet, LoadOptions, load_files};
    use scip_server::import::{ImportOptions, import_loaded};
    use scip_server::media::MediaLibrary;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/demo");
    let mut files = FileSet::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                if rel == "media" || rel == "teams" {
                    stack.push(path);
                }
            } else if rel == "scenario.yaml"
                || rel.starts_with("teams/")
                || rel.starts_with("media/")
            {
                files
                    .insert("demo", &rel, std::fs::read(&path).unwrap())
                    .unwrap();
            }
        }
    }
    let loaded = load_files("demo", files, &LoadOptions::default()).unwrap();
    let state = &app.app.state;
    let library = MediaLibrary::new(
        state.settings.media_path.clone(),
        state.settings.upload_limit as u64,
    );
    let options = ImportOptions {
        commit: true,
        actor: Some("demo".into()),
        comment: Some("demo scenario".into()),
        ..ImportOptions::default()
    };
    let outcome = import_loaded(
        &state.store,
        &library,
        loaded,
        &options,
        state.engine.clock.now(),
    )
    .await
    .map_err(|e| e.message)
    .unwrap();
    assert!(outcome.committed, "{:?}", outcome.report.problems.first());
}
