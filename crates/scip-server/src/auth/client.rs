//! The address a request comes from, for attempt limits. A proxy on the same host or a
//! private network (nginx in front of SCIP) is trusted to say who its client was in
//! `X-Forwarded-For`; anyone else is judged by the connection's own address, so a client
//! cannot dodge the per-address limit by inventing headers.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

/// True for addresses a reverse proxy of ours would connect from.
fn is_trusted_proxy(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_private())
        }
    }
}

/// The client's address.
pub fn client_ip(parts: &Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
    if !is_trusted_proxy(peer) {
        return peer;
    }
    parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(peer: &str, xff: Option<&str>) -> Parts {
        let mut req = Request::builder();
        if let Some(v) = xff {
            req = req.header("x-forwarded-for", v);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo::<SocketAddr>(peer.parse().unwrap()));
        parts
    }

    #[test]
    fn a_local_proxy_names_the_client_and_strangers_cannot() {
        assert_eq!(
            client_ip(&parts("127.0.0.1:5000", Some("198.51.100.7"))),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_ip(&parts("10.0.0.2:5000", Some("203.0.113.9, 198.51.100.7"))),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_ip(&parts("203.0.113.1:5000", Some("198.51.100.7"))),
            "203.0.113.1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_ip(&parts("127.0.0.1:5000", Some("garbage"))),
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
    }
}

/// The client's address, as an extractor.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts)))
    }
}
