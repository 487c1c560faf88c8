//! A signed-in portal user over plain HTTP: a small cookie jar, form posts with the session's
//! CSRF value, and redirects followed by hand so that flash messages are seen.

use std::collections::BTreeMap;
use std::sync::Mutex;

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Response, StatusCode, multipart};
use scip_store::Role;

use crate::support::{PASSWORD, TestApp, username};

const FORM: &str = "application/x-www-form-urlencoded";

fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A browser-like client signed in to the portal.
pub struct Portal {
    base: String,
    client: reqwest::Client,
    jar: Mutex<BTreeMap<String, String>>,
    /// The session's CSRF value.
    pub csrf: String,
}

/// A page: status and HTML.
pub struct Page {
    pub status: StatusCode,
    pub html: String,
}

impl Page {
    /// Asserts the page contains `text`.
    pub fn has(&self, text: &str) -> &Self {
        assert!(
            self.html.contains(text),
            "page ({}) lacks {text:?}:\n{}",
            self.status,
            excerpt(&self.html)
        );
        self
    }

    /// Asserts the page does not contain `text`.
    pub fn lacks(&self, text: &str) -> &Self {
        assert!(
            !self.html.contains(text),
            "page ({}) has {text:?}",
            self.status
        );
        self
    }

    /// The value of the first `name="…" value="…"` input.
    pub fn input(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.html.find(&marker)? + marker.len();
        let end = self.html[start..].find('"')?;
        Some(self.html[start..start + end].to_owned())
    }
}

fn excerpt(html: &str) -> String {
    let main = html.find("<main").map_or(html, |i| &html[i..]);
    main.chars().take(4000).collect()
}

impl Portal {
    /// Signs in through the form as the account with `role`.
    pub async fn sign_in(app: &TestApp, role: Role) -> Portal {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut portal = Portal {
            base: app.base.clone(),
            client,
            jar: Mutex::new(BTreeMap::new()),
            csrf: String::new(),
        };
        let response = portal
            .client
            .post(portal.url("/sign-in"))
            .header(CONTENT_TYPE, FORM)
            .body(encode(&[
                ("username", username(role)),
                ("password", PASSWORD),
            ]))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {role}"
        );
        portal.keep_cookies(&response);
        let home = portal.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        let marker = "data-csrf=\"";
        let start = home.html.find(marker).unwrap() + marker.len();
        let end = home.html[start..].find('"').unwrap();
        portal.csrf = home.html[start..start + end].to_owned();
        portal
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn cookie_header(&self) -> String {
        self.jar
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&self, response: &Response) {
        let mut jar = self.jar.lock().unwrap();
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let removal = value.is_empty() || text.to_ascii_lowercase().contains("max-age=0");
            if removal {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    /// GETs a page (no redirect followed).
    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(self.url(path))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep_cookies(&response);
        let status = response.status();
        Page {
            status,
            html: response.text().await.unwrap(),
        }
    }

    /// Follows a 303 (or returns the page as it is).
    async fn follow(&self, response: Response) -> Page {
        self.keep_cookies(&response);
        let status = response.status();
        if status == StatusCode::SEE_OTHER || status == StatusCode::FOUND {
            let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
            return self.get(&location).await;
        }
        Page {
            status,
            html: response.text().await.unwrap(),
        }
    }

    /// Posts a form with the session's CSRF value and follows the redirect.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self.post_raw(path, fields).await;
        self.follow(response).await
    }

    /// Posts a form with the CSRF value; the response as it is.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .header(CONTENT_TYPE, FORM)
            .body(encode(&form))
            .send()
            .await
            .unwrap()
    }

    /// Posts a form whose CSRF value is not the session's.
    pub async fn post_forged(&self, path: &str) -> Response {
        self.client
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .header(CONTENT_TYPE, FORM)
            .body(encode(&[("_csrf", "forged-value")]))
            .send()
            .await
            .unwrap()
    }

    /// Posts a multipart form and follows the redirect.
    pub async fn multipart(&self, path: &str, form: multipart::Form) -> Page {
        let response = self
            .client
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.follow(response).await
    }

    /// The location a response redirects to.
    pub fn location(response: &Response) -> String {
        response.headers()[LOCATION].to_str().unwrap().to_owned()
    }
}

/// A bundle zip of `scenarios/demo`.
pub fn demo_zip() -> Vec<u8> {
    use std::io::Write;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/demo");
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let mut entries: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    zip.start_file(rel, options).unwrap();
                    zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
                }
            }
        }
        zip.finish().unwrap();
    }
    buffer.into_inner()
}
