//! Lets shutdown wait for the events being handled: a report half-way through (stored, its
//! help card on the way, its answer not yet sent) must finish before the database and the
//! REST forwarder close.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio::sync::Notify;

/// How many events are being handled right now.
#[derive(Debug, Default)]
pub struct InFlight {
    count: AtomicUsize,
    idle: Notify,
}

/// Counts one event while it is alive.
struct Handling<'a>(&'a InFlight);

impl Drop for Handling<'_> {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl InFlight {
    fn enter(&self) -> Handling<'_> {
        self.count.fetch_add(1, Ordering::AcqRel);
        Handling(self)
    }

    /// Waits until no event is being handled, at most `limit`; `false` if some still were.
    pub async fn wait_idle(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            // Registered before the check, so a wake-up between the two is not missed.
            let idle = self.idle.notified();
            if self.count.load(Ordering::Acquire) == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                return false;
            }
        }
    }
}

/// Wraps the command framework so that every event it handles is counted.
pub struct TrackedFramework<F> {
    pub inner: F,
    pub in_flight: Arc<InFlight>,
}

#[serenity::async_trait]
impl<F: serenity::Framework> serenity::Framework for TrackedFramework<F> {
    async fn init(&mut self, client: &serenity::Client) {
        self.inner.init(client).await;
    }

    async fn dispatch(&self, ctx: serenity::Context, event: serenity::FullEvent) {
        let _handling = self.in_flight.enter();
        self.inner.dispatch(ctx, event).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waits_for_the_last_event_then_returns() {
        let in_flight = Arc::new(InFlight::default());
        assert!(in_flight.wait_idle(Duration::from_millis(10)).await);
        let handling = in_flight.enter();
        assert!(!in_flight.wait_idle(Duration::from_millis(20)).await);
        let waiter = {
            let in_flight = Arc::clone(&in_flight);
            tokio::spawn(async move { in_flight.wait_idle(Duration::from_secs(5)).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(handling);
        assert!(waiter.await.unwrap());
    }
}
