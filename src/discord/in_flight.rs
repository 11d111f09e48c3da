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
        let interaction = match &event {
            serenity::FullEvent::InteractionCreate { interaction } => {
                Some((interaction.id(), interaction_kind(interaction)))
            }
            _ => None,
        };
        let handled = async {
            match interaction {
                Some((id, kind)) => self.interaction(ctx, event, id, kind).await,
                None => self.route(ctx, event).await,
            }
        };
        // Boxed: the framework's futures are large, and every event passes here.
        Box::pin(self.tasks.track_future(handled)).await;
    }
}

impl TrackedFramework {
    /// An interaction, in a span of its own (its id and kind: nothing it carries is text).
    #[tracing::instrument(name = "interaction", skip(self, ctx, event), fields(id = %id))]
    async fn interaction(
        &self,
        ctx: serenity::Context,
        event: serenity::FullEvent,
        id: serenity::InteractionId,
        kind: &'static str,
    ) {
        self.route(ctx, event).await;
    }

    async fn route(&self, ctx: serenity::Context, event: serenity::FullEvent) {
        if !screening::answered_unroutable(&ctx, &self.inner, &event).await {
            serenity::Framework::dispatch(&self.inner, ctx, event).await;
        }
    }
}

fn interaction_kind(interaction: &serenity::Interaction) -> &'static str {
    match interaction {
        serenity::Interaction::Ping(_) => "ping",
        serenity::Interaction::Command(_) => "command",
        serenity::Interaction::Autocomplete(_) => "autocomplete",
        serenity::Interaction::Component(_) => "component",
        serenity::Interaction::Modal(_) => "modal",
        _ => "other",
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
