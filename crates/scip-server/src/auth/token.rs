//! Signed tokens (JWT, HS256): user sessions and bearer tokens, team sessions on dashboards,
//! signed team links, and the tokens team dashboard processes show the API. Every token names
//! its kind, so one kind is never accepted as another.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A browser session (cookie), with a CSRF value.
    Session,
    /// A bearer token for scripts.
    Access,
    /// Exchanged for a new access token.
    Refresh,
    /// A participant's session on a team dashboard.
    Team,
    /// A link that signs a participant into a team dashboard.
    TeamLink,
    /// A team dashboard process or container reaching the team-scoped API (exercise + team).
    Dashboard,
}

/// Claims of every token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Kind of token.
    pub kind: TokenKind,
    /// User id (user tokens) or `team:<exercise>:<team>`.
    pub sub: String,
    /// Session id, for revocation.
    pub sid: String,
    /// Role (user tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// CSRF value (session tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf: Option<String>,
    /// Exercise (team tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise: Option<String>,
    /// Team (team tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Access-code version the token was issued under (team tokens); a rotation ends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_version: Option<i64>,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expires at (unix seconds).
    pub exp: i64,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Expired.
    #[error("the token has expired")]
    Expired,
    /// Wrong signature, algorithm, format or kind.
    #[error("the token is not valid")]
    Invalid,
}

/// Signs and checks tokens with one secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(••••••)")
    }
}

impl TokenKeys {
    /// Keys from the configured secret.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Signs claims.
    pub fn sign(&self, claims: &Claims) -> String {
        // HS256 over serialisable claims cannot fail.
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).unwrap_or_default()
    }

    /// Checks signature, algorithm (HS256 only), expiry and kind.
    pub fn verify(&self, token: &str, kind: TokenKind) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.required_spec_claims = ["exp", "iat", "sub"]
            .into_iter()
            .map(String::from)
            .collect();
        let data =
            decode::<Claims>(token, &self.decoding, &validation).map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        if data.claims.kind != kind {
            return Err(TokenError::Invalid);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn claims(kind: TokenKind, exp: i64) -> Claims {
        Claims {
            kind,
            sub: "u1".into(),
            sid: "s1".into(),
            role: Some("admin".into()),
            csrf: None,
            exercise: None,
            team: None,
            code_version: None,
            iat: 0,
            exp,
        }
    }

    fn far_future() -> i64 {
        4_000_000_000
    }

    #[test]
    fn a_signed_token_verifies_for_its_kind_only() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let t = keys.sign(&claims(TokenKind::Access, far_future()));
        assert_eq!(keys.verify(&t, TokenKind::Access).unwrap().sub, "u1");
        assert_eq!(
            keys.verify(&t, TokenKind::Refresh),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn wrong_key_expired_and_alg_none_are_refused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let other = TokenKeys::new(b"another-secret-another-secret-xx");
        let t = other.sign(&claims(TokenKind::Access, far_future()));
        assert_eq!(keys.verify(&t, TokenKind::Access), Err(TokenError::Invalid));
        let old = keys.sign(&claims(TokenKind::Access, 1_000));
        assert_eq!(
            keys.verify(&old, TokenKind::Access),
            Err(TokenError::Expired)
        );
        // An unsigned token with "alg":"none".
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body =
            b64.encode(serde_json::to_vec(&claims(TokenKind::Access, far_future())).unwrap());
        let forged = format!("{header}.{body}.");
        assert_eq!(
            keys.verify(&forged, TokenKind::Access),
            Err(TokenError::Invalid)
        );
    }
}
