//! Book-keeping that ties rumqttc's events back to the callers waiting on them.
//!
//! rumqttc reports `Outgoing::Publish(pkid)` / `Outgoing::Subscribe(pkid)` in the order it puts
//! requests on the wire, which is the order we handed them over (we are the only sender, and
//! hand requests over under the same lock that records them here). So the oldest unsent
//! request gets the packet id of the next such event, and PUBACK/SUBACK for that id answer it.
//! When the connection drops, every publish not yet acknowledged fails with
//! [`BusError::ConnectionLost`] (the session is clean, so nothing is re-sent behind our back);
//! subscriptions stay wanted and are made again after the reconnect.

use std::collections::{BTreeMap, HashMap, VecDeque};

use tokio::sync::{OwnedSemaphorePermit, oneshot};
use tracing::warn;

use super::Qos;
use crate::error::BusError;

/// Where a caller's result goes.
pub(crate) type Reply<T> = oneshot::Sender<Result<T, BusError>>;

/// A publish handed to rumqttc whose caller waits for it to be sent (QoS 0) or acknowledged
/// (QoS 1). Holds one unit of the client's publish window until answered.
pub(crate) struct PublishWaiter {
    pub(crate) qos: Qos,
    pub(crate) reply: Reply<()>,
    pub(crate) _permit: OwnedSemaphorePermit,
}

/// Waiting callers and wanted subscriptions of one client.
pub(crate) struct Tracker {
    broker: String,
    connected: bool,
    unsent_publishes: VecDeque<PublishWaiter>,
    awaiting_puback: HashMap<u16, PublishWaiter>,
    unsent_subscribes: VecDeque<Vec<String>>,
    awaiting_suback: HashMap<u16, Vec<String>>,
    wanted: BTreeMap<String, Qos>,
    subscribe_replies: HashMap<String, Vec<Reply<Qos>>>,
}

impl Tracker {
    pub(crate) fn new(broker: String) -> Self {
        Self {
            broker,
            connected: false,
            unsent_publishes: VecDeque::new(),
            awaiting_puback: HashMap::new(),
            unsent_subscribes: VecDeque::new(),
            awaiting_suback: HashMap::new(),
            wanted: BTreeMap::new(),
            subscribe_replies: HashMap::new(),
        }
    }

    pub(crate) fn is_connected(&self) -> bool {
        self.connected
    }

    /// Publishes handed over and not yet answered.
    #[cfg(test)]
    pub(crate) fn pending_publishes(&self) -> usize {
        self.unsent_publishes.len() + self.awaiting_puback.len()
    }

    /// Records a publish just handed to rumqttc.
    pub(crate) fn publish_handed_over(&mut self, waiter: PublishWaiter) {
        self.unsent_publishes.push_back(waiter);
    }

    /// rumqttc wrote a publish with this packet id (0 for QoS 0).
    pub(crate) fn on_outgoing_publish(&mut self, pkid: u16) {
        let Some(waiter) = self.unsent_publishes.pop_front() else {
            warn!(pkid, "MQTT client sent a publish nobody waits for");
            return;
        };
        match waiter.qos {
            Qos::AtMostOnce => {
                let _ = waiter.reply.send(Ok(()));
            }
            Qos::AtLeastOnce => {
                self.awaiting_puback.insert(pkid, waiter);
            }
        }
    }

    /// The broker acknowledged the QoS 1 publish with this packet id.
    pub(crate) fn on_puback(&mut self, pkid: u16) {
        if let Some(waiter) = self.awaiting_puback.remove(&pkid) {
            let _ = waiter.reply.send(Ok(()));
        }
    }

    /// Records that `filter` is wanted and who waits for its SUBACK. Returns whether the
    /// subscription should be sent now (when disconnected it is sent after the reconnect).
    pub(crate) fn want_subscription(&mut self, filter: &str, qos: Qos, reply: Reply<Qos>) -> bool {
        self.wanted.insert(filter.to_owned(), qos);
        self.subscribe_replies
            .entry(filter.to_owned())
            .or_default()
            .push(reply);
        self.connected
    }

    /// A subscription rumqttc refused to send (invalid filter): forget it and tell the callers.
    pub(crate) fn abandon_subscription(&mut self, filter: &str, error: impl Fn() -> BusError) {
        self.wanted.remove(filter);
        for reply in self.subscribe_replies.remove(filter).unwrap_or_default() {
            let _ = reply.send(Err(error()));
        }
    }

    /// Records a SUBSCRIBE (one or more filters) just handed to rumqttc.
    pub(crate) fn subscribe_handed_over(&mut self, filters: Vec<String>) {
        self.unsent_subscribes.push_back(filters);
    }

    /// rumqttc wrote a SUBSCRIBE with this packet id.
    pub(crate) fn on_outgoing_subscribe(&mut self, pkid: u16) {
        match self.unsent_subscribes.pop_front() {
            Some(filters) => {
                self.awaiting_suback.insert(pkid, filters);
            }
            None => warn!(pkid, "MQTT client sent a subscription nobody waits for"),
        }
    }

    /// The broker answered the SUBSCRIBE with this packet id: one granted QoS (or `None` for
    /// a refusal) per filter, in order.
    pub(crate) fn on_suback(&mut self, pkid: u16, granted: &[Option<Qos>]) {
        let Some(filters) = self.awaiting_suback.remove(&pkid) else {
            return;
        };
        for (filter, outcome) in filters.into_iter().zip(granted) {
            let replies = self.subscribe_replies.remove(&filter).unwrap_or_default();
            match outcome {
                Some(qos) => {
                    for reply in replies {
                        let _ = reply.send(Ok(*qos));
                    }
                }
                None => {
                    warn!(filter, broker = %self.broker, "MQTT broker refused a subscription");
                    self.wanted.remove(&filter);
                    for reply in replies {
                        let _ = reply.send(Err(BusError::SubscriptionRefused {
                            filter: filter.clone(),
                        }));
                    }
                }
            }
        }
    }

    /// The connection is up: returns every wanted subscription, to be made again.
    pub(crate) fn on_connected(&mut self) -> Vec<(String, Qos)> {
        self.connected = true;
        self.wanted
            .iter()
            .map(|(filter, qos)| (filter.clone(), *qos))
            .collect()
    }

    /// The connection dropped: unanswered publishes fail, subscriptions wait for the next
    /// connection.
    pub(crate) fn on_connection_lost(&mut self) {
        self.connected = false;
        let broker = self.broker.clone();
        self.fail_publishes(|| BusError::ConnectionLost {
            broker: broker.clone(),
        });
        self.unsent_subscribes.clear();
        self.awaiting_suback.clear();
    }

    /// The client shuts down: everyone waiting gets [`BusError::Closed`].
    pub(crate) fn on_closed(&mut self) {
        self.connected = false;
        self.fail_publishes(|| BusError::Closed);
        self.unsent_subscribes.clear();
        self.awaiting_suback.clear();
        for (_, replies) in self.subscribe_replies.drain() {
            for reply in replies {
                let _ = reply.send(Err(BusError::Closed));
            }
        }
    }

    fn fail_publishes(&mut self, error: impl Fn() -> BusError) {
        let waiters = self
            .unsent_publishes
            .drain(..)
            .chain(self.awaiting_puback.drain().map(|(_, w)| w));
        for waiter in waiters {
            let _ = waiter.reply.send(Err(error()));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::sync::Semaphore;

    use super::*;

    fn waiter(
        qos: Qos,
        window: &Arc<Semaphore>,
    ) -> (PublishWaiter, oneshot::Receiver<Result<(), BusError>>) {
        let (reply, rx) = oneshot::channel();
        let permit = window.clone().try_acquire_owned().unwrap();
        (
            PublishWaiter {
                qos,
                reply,
                _permit: permit,
            },
            rx,
        )
    }

    #[test]
    fn qos1_publish_resolves_on_its_puback_not_before() {
        let window = Arc::new(Semaphore::new(4));
        let mut t = Tracker::new("b".into());
        t.on_connected();
        let (w1, mut r1) = waiter(Qos::AtLeastOnce, &window);
        let (w2, mut r2) = waiter(Qos::AtLeastOnce, &window);
        t.publish_handed_over(w1);
        t.publish_handed_over(w2);
        t.on_outgoing_publish(7);
        t.on_outgoing_publish(8);
        assert!(r1.try_recv().is_err());
        t.on_puback(8);
        assert!(matches!(r2.try_recv(), Ok(Ok(()))));
        assert!(r1.try_recv().is_err());
        assert_eq!(window.available_permits(), 3);
        t.on_puback(7);
        assert!(matches!(r1.try_recv(), Ok(Ok(()))));
        assert_eq!(window.available_permits(), 4);
        assert_eq!(t.pending_publishes(), 0);
    }

    #[test]
    fn qos0_publish_resolves_once_written() {
        let window = Arc::new(Semaphore::new(1));
        let mut t = Tracker::new("b".into());
        let (w, mut r) = waiter(Qos::AtMostOnce, &window);
        t.publish_handed_over(w);
        t.on_outgoing_publish(0);
        assert!(matches!(r.try_recv(), Ok(Ok(()))));
    }

    #[test]
    fn lost_connection_fails_every_unanswered_publish() {
        let window = Arc::new(Semaphore::new(4));
        let mut t = Tracker::new("b".into());
        t.on_connected();
        let (w1, mut r1) = waiter(Qos::AtLeastOnce, &window);
        let (w2, mut r2) = waiter(Qos::AtLeastOnce, &window);
        t.publish_handed_over(w1);
        t.publish_handed_over(w2);
        t.on_outgoing_publish(1);
        t.on_connection_lost();
        assert!(!t.is_connected());
        assert!(matches!(
            r1.try_recv(),
            Ok(Err(BusError::ConnectionLost { .. }))
        ));
        assert!(matches!(
            r2.try_recv(),
            Ok(Err(BusError::ConnectionLost { .. }))
        ));
        assert_eq!(window.available_permits(), 4);
    }

    #[test]
    fn subscriptions_survive_reconnects_and_resolve_on_suback() {
        let mut t = Tracker::new("b".into());
        let (reply, mut rx) = oneshot::channel();
        assert!(!t.want_subscription("a/b", Qos::AtLeastOnce, reply));
        let again = t.on_connected();
        assert_eq!(again, vec![("a/b".to_owned(), Qos::AtLeastOnce)]);
        t.subscribe_handed_over(vec!["a/b".into()]);
        t.on_connection_lost();
        assert!(
            rx.try_recv().is_err(),
            "a lost connection does not fail a subscription"
        );
        let again = t.on_connected();
        t.subscribe_handed_over(again.into_iter().map(|(f, _)| f).collect());
        t.on_outgoing_subscribe(3);
        t.on_suback(3, &[Some(Qos::AtLeastOnce)]);
        assert!(matches!(rx.try_recv(), Ok(Ok(Qos::AtLeastOnce))));
        assert_eq!(
            t.on_connected().len(),
            1,
            "still wanted after it was granted"
        );
    }

    #[test]
    fn refused_subscription_is_reported_and_forgotten() {
        let mut t = Tracker::new("b".into());
        t.on_connected();
        let (r1, mut rx1) = oneshot::channel();
        let (r2, mut rx2) = oneshot::channel();
        t.want_subscription("ok", Qos::AtMostOnce, r1);
        t.want_subscription("no", Qos::AtMostOnce, r2);
        t.subscribe_handed_over(vec!["ok".into(), "no".into()]);
        t.on_outgoing_subscribe(1);
        t.on_suback(1, &[Some(Qos::AtMostOnce), None]);
        assert!(matches!(rx1.try_recv(), Ok(Ok(Qos::AtMostOnce))));
        assert!(matches!(
            rx2.try_recv(),
            Ok(Err(BusError::SubscriptionRefused { filter })) if filter == "no"
        ));
        assert_eq!(t.on_connected(), vec![("ok".to_owned(), Qos::AtMostOnce)]);
    }

    #[test]
    fn closing_answers_everyone() {
        let window = Arc::new(Semaphore::new(1));
        let mut t = Tracker::new("b".into());
        let (reply, mut rx) = oneshot::channel();
        t.want_subscription("x", Qos::AtMostOnce, reply);
        let (w, mut r) = waiter(Qos::AtLeastOnce, &window);
        t.publish_handed_over(w);
        t.on_closed();
        assert!(matches!(rx.try_recv(), Ok(Err(BusError::Closed))));
        assert!(matches!(r.try_recv(), Ok(Err(BusError::Closed))));
    }
}
