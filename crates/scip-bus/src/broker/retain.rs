//! Retained messages for the embedded broker.
//!
//! rmqtt's `retain` feature only adds the plumbing: its default store reports itself disabled
//! and drops everything (it expects the `rmqtt-retainer` plugin). This store keeps retained
//! messages in memory, in rmqtt's own topic tree. A retained message lives until it is
//! replaced or cleared (empty payload), unless its publisher set an MQTT 5 message expiry;
//! the listener's default expiry is deliberately ignored so that a paused exercise's timer
//! stays visible to dashboards that join late.

use std::time::Duration;

use async_trait::async_trait;
use rmqtt::Result;
use rmqtt::retain::{DefaultRetainStorage, RetainStorage};
use rmqtt::types::{Retain, TopicFilter, TopicName};

/// In-memory retained messages.
pub(crate) struct RetainedMessages {
    tree: DefaultRetainStorage,
}

impl RetainedMessages {
    pub(crate) fn new() -> Self {
        Self {
            tree: DefaultRetainStorage::new(),
        }
    }
}

#[async_trait]
impl RetainStorage for RetainedMessages {
    fn enable(&self) -> bool {
        true
    }

    async fn set(
        &self,
        topic: &TopicName,
        retain: Retain,
        _listener_default_expiry: Option<Duration>,
    ) -> Result<()> {
        let publisher_expiry = retain
            .publish
            .properties
            .as_ref()
            .and_then(|p| p.message_expiry_interval)
            .map(|secs| Duration::from_secs(u64::from(secs.get())));
        self.tree
            .set_with_timeout(topic, retain, publisher_expiry)
            .await
    }

    async fn get(&self, topic_filter: &TopicFilter) -> Result<Vec<(TopicName, Retain)>> {
        self.tree.get_message(topic_filter).await
    }

    async fn count(&self) -> isize {
        self.tree.count().await
    }

    async fn max(&self) -> isize {
        self.tree.max().await
    }
}
