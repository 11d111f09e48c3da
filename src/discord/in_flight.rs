//! Lets shutdown wait for the work in progress: an event being handled (a report half-way
//! through: stored, its help card on the way, its answer not yet sent) and the background
//! tasks handlers start must finish before the database and the REST forwarder close.
//! Every event passes here first, so the interactions poise cannot route are screened here.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio_util::task::TaskTracker;

use super::{BotData, BotError, screening};

/// Wraps the command framework so that every event it handles is tracked, and command
/// interactions it cannot route are answered instead of reaching it.
pub struct TrackedFramework {
    pub inner: poise::Framework<BotData, BotError>,
    pub tasks: TaskTracker,
}

#[serenity::async_trait]
impl serenity::Framework for TrackedFramework {
    async fn init(&mut self, client: &serenity::Client) {
        serenity::Framework::init(&mut self.inner, client).await;
    }

    async fn dispatch(&self, ctx: serenity::Context, event: serenity::FullEvent) {
        self.tasks
            .track_future(async {
                if !screening::answered_unroutable(&ctx, &self.inner, &event).await {
                    serenity::Framework::dispatch(&self.inner, ctx, event).await;
                }
            })
            .await;
    }
}

/// Waits until no tracked work is left, at most `limit`; `false` if some still was.
pub async fn wait_idle(tasks: &TaskTracker, limit: Duration) -> bool {
    tasks.close();
    tokio::time::timeout(limit, tasks.wait()).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waits_for_the_last_task_then_returns() {
        let tasks = TaskTracker::new();
        assert!(wait_idle(&tasks, Duration::from_millis(10)).await);
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        tasks.spawn(async move {
            let _ = released.await;
        });
        assert!(!wait_idle(&tasks, Duration::from_millis(20)).await);
        let waiter = {
            let tasks = tasks.clone();
            tokio::spawn(async move { wait_idle(&tasks, Duration::from_secs(5)).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        release.send(()).unwrap();
        assert!(waiter.await.unwrap());
    }
}
