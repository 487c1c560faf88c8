//! One-off messages carried from a form post to the page it redirects to, in a short-lived
//! cookie that the next page reads and clears.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::view::{Flash, FlashKind};

const FLASH_COOKIE: &str = "scip_flash";
/// Longest message kept (a cookie must stay small).
const MAX_MESSAGE: usize = 600;

/// The flash message of this request, if the previous one left one.
#[derive(Debug, Clone, Default)]
pub struct FlashCookie(pub Option<Flash>);

impl<S: Send + Sync> FromRequestParts<S> for FlashCookie {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        Ok(Self(jar.get(FLASH_COOKIE).and_then(|c| decode(c.value()))))
    }
}

impl FlashCookie {
    /// A cookie that removes the message once shown.
    pub fn clear() -> Cookie<'static> {
        let mut cookie = Cookie::build((FLASH_COOKIE, "")).path("/").build();
        cookie.make_removal();
        cookie
    }
}

fn encode(flash: &Flash) -> String {
    let mut message: String = flash.message.chars().take(MAX_MESSAGE).collect();
    if message.len() < flash.message.len() {
        message.push('…');
    }
    format!("{}:{}", flash.kind.as_str(), utf8_percent_encode(&message))
}

fn decode(value: &str) -> Option<Flash> {
    let (kind, message) = value.split_once(':')?;
    let kind = match kind {
        "success" => FlashKind::Success,
        "info" => FlashKind::Info,
        "warning" => FlashKind::Warning,
        "error" => FlashKind::Error,
        _ => return None,
    };
    let message = percent_decode(message)?;
    Some(Flash::new(kind, message))
}

fn utf8_percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A 303 redirect to `to` that carries `flash` to the next page.
pub fn flash_redirect(to: &str, kind: FlashKind, message: impl Into<String>) -> Response {
    let flash = Flash::new(kind, message);
    let cookie = Cookie::build((FLASH_COOKIE, encode(&flash)))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(60))
        .build();
    (CookieJar::new().add(cookie), Redirect::to(to)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_message_survives_the_cookie(message in "\\PC{0,200}") {
            let flash = Flash::new(FlashKind::Warning, message.clone());
            let decoded = decode(&encode(&flash)).unwrap();
            prop_assert_eq!(decoded.message, message);
            prop_assert_eq!(decoded.kind, FlashKind::Warning);
        }
    }

    #[test]
    fn damaged_cookies_are_ignored() {
        assert_eq!(decode("bogus:text"), None);
        assert_eq!(decode("error:%G1"), None);
        assert_eq!(decode("error:%E2%82"), None);
        assert_eq!(decode("no-colon"), None);
    }
}
