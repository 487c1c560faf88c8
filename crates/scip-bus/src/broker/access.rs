//! The embedded broker's access control, as an rmqtt hook: authentication through the
//! application's [`Authenticator`], then [`crate::acl::is_allowed`] on every SUBSCRIBE and
//! PUBLISH, and on the last will at CONNECT (rmqtt publishes wills without a publish ACL
//! check, so a will to a forbidden topic would otherwise forge a message when the client
//! drops).
//!
//! A client id in use by another username is refused too: taking it over would push that
//! client off the broker and, with a persistent session, inherit its subscriptions (which
//! rmqtt does not check again).

use std::sync::Arc;

use async_trait::async_trait;
use rmqtt::codec::v5::SubscribeAckReason;
use rmqtt::context::ServerContext;
use rmqtt::hook::{Handler, HookResult, Parameter, ReturnType};
use rmqtt::types::{AuthResult, ConnectInfo, LastWill, PublishAclResult, SubscribeAclResult};
use tracing::{debug, warn};

use super::registry::PrincipalRegistry;
use crate::acl::{Access, is_allowed};
use crate::auth::Authenticator;
use crate::principal::Principal;
use crate::topics::TopicLayout;

/// The hook handler, registered (one clone per hook type) for authentication,
/// connect/disconnect and both ACL checks; the clones share the principal registry.
pub(crate) struct AccessControl<A> {
    authenticator: Arc<A>,
    layout: TopicLayout,
    registry: Arc<PrincipalRegistry>,
    scx: ServerContext,
}

// Manual, so that `A` need not be `Clone`: only the `Arc` is cloned.
impl<A> Clone for AccessControl<A> {
    fn clone(&self) -> Self {
        Self {
            authenticator: self.authenticator.clone(),
            layout: self.layout.clone(),
            registry: self.registry.clone(),
            scx: self.scx.clone(),
        }
    }
}

impl<A> AccessControl<A> {
    pub(crate) fn new(
        authenticator: Arc<A>,
        layout: TopicLayout,
        registry: Arc<PrincipalRegistry>,
        scx: ServerContext,
    ) -> Self {
        Self {
            authenticator,
            layout,
            registry,
            scx,
        }
    }
}

impl<A: Authenticator> AccessControl<A> {
    async fn authenticate(&self, info: &ConnectInfo) -> AuthResult {
        let Some(username) = info.username() else {
            debug!(client = %info.client_id(), "refused anonymous MQTT client");
            return AuthResult::NotAuthorized;
        };
        let username: &str = username.as_ref();
        let password: &[u8] = info.password().map(|p| p.as_ref()).unwrap_or_default();
        let Some(principal) = self.authenticator.authenticate(username, password).await else {
            warn!(username, "refused MQTT client: bad username or password");
            return AuthResult::BadUsernameOrPassword;
        };
        if let Some(will) = info.last_will() {
            let topic: &str = match will {
                LastWill::V3(w) => &w.topic,
                LastWill::V5(w) => &w.topic,
            };
            if !is_allowed(&self.layout, &principal, Access::Publish, topic) {
                warn!(username, %principal, topic, "refused MQTT client: last will to a forbidden topic");
                return AuthResult::NotAuthorized;
            }
        }
        let holder = self
            .scx
            .extends
            .shared()
            .await
            .entry(info.id().clone())
            .session();
        if let Some(holder) = holder
            && holder.id.username_ref() != username
        {
            warn!(
                username,
                client = %info.client_id(),
                "refused MQTT client: its client id belongs to another username"
            );
            return AuthResult::NotAuthorized;
        }
        self.registry.admit(info.id().clone(), principal);
        AuthResult::Allow(false, None)
    }

    fn check(&self, principal: Option<Principal>, access: Access, topic: &str) -> bool {
        let allowed = principal
            .as_ref()
            .is_some_and(|p| is_allowed(&self.layout, p, access, topic));
        if !allowed {
            let who = principal.map_or_else(|| "unknown connection".to_owned(), |p| p.to_string());
            warn!(principal = %who, ?access, topic, "MQTT access refused");
        }
        allowed
    }
}

#[async_trait]
impl<A: Authenticator> Handler for AccessControl<A> {
    async fn hook(&self, param: &Parameter, acc: Option<HookResult>) -> ReturnType {
        match param {
            Parameter::ClientAuthenticate(info) => {
                let result = self.authenticate(info).await;
                (false, Some(HookResult::AuthResult(result)))
            }
            Parameter::ClientConnected(session) => {
                self.registry.confirm(&session.id);
                (true, acc)
            }
            Parameter::ClientDisconnected(session, _)
            | Parameter::SessionTerminated(session, _) => {
                self.registry.forget(&session.id);
                (true, acc)
            }
            Parameter::ClientSubscribeCheckAcl(session, subscribe) => {
                let principal = self.registry.principal(&session.id);
                let result = if self.check(principal, Access::Subscribe, &subscribe.topic_filter) {
                    SubscribeAclResult::new_success(subscribe.opts.qos(), None)
                } else {
                    SubscribeAclResult::new_failure(SubscribeAckReason::NotAuthorized)
                };
                (false, Some(HookResult::SubscribeAclResult(result)))
            }
            Parameter::MessagePublishCheckAcl(session, publish) => {
                let principal = self.registry.principal(&session.id);
                let result = if self.check(principal, Access::Publish, &publish.topic) {
                    PublishAclResult::allow()
                } else {
                    // MQTT 5 clients get PUBACK "not authorized"; MQTT 3.1.1 has no way to say
                    // so, and the message is dropped (as Mosquitto does).
                    PublishAclResult::rejected(false, Some("not authorized".into()))
                };
                (false, Some(HookResult::PublishAclResult(result)))
            }
            _ => (true, acc),
        }
    }
}
