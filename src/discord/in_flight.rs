//! Lets shutdown wait for the work in progress: an event being handled (a report half-way
//! through: stored, its help card on the way, its answer not yet sent) and the background
//! tasks handlers start must finish before the database and the REST forwarder close.
//! Every event passes here first, so the interactions poise cannot route are screened here,
//! and interactions are admitted a bounded number at a time.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio_util::task::TaskTracker;

use super::{BotData, BotError, screening};

/// Interactions handled at once. Each one handled holds poise's dispatch (well over 100 KB of
/// futures and connection buffers); one waiting its turn holds only its event. Past what
/// the CPU sustains, more at once only slows every one of them down, and first come is
/// first served: the oldest, nearest Discord's 3 s deadline, go first.
const INTERACTIONS_AT_ONCE: usize = 64;
/// The longest an interaction waits for its turn: then it goes ahead anyway, so that its
/// acknowledgement still makes Discord's 3 s however long the line.
const LONGEST_WAIT: Duration = Duration::from_secs(1);

/// A bounded number of interactions at a time, first come first served, none held back
/// longer than `longest_wait`.
struct Admission {
    turns: Semaphore,
    longest_wait: Duration,
}

impl Admission {
    fn new(at_once: usize, longest_wait: Duration) -> Self {
        Admission {
            turns: Semaphore::new(at_once),
            longest_wait,
        }
    }

    /// Waits for a turn, held until the permit drops; `None` when the wait ran out.
    async fn enter(&self) -> Option<SemaphorePermit<'_>> {
        let turn = tokio::time::timeout(self.longest_wait, self.turns.acquire()).await;
        // The semaphore is never closed: the only `None` is a wait that ran out.
        let permit = turn.ok().and_then(Result::ok);
        if permit.is_none() {
            tracing::debug!("interaction let through after waiting its turn too long");
        }
        permit
    }
}

/// Wraps the command framework so that every event it handles is tracked, and command
/// interactions it cannot route are answered instead of reaching it.
pub struct TrackedFramework {
    inner: poise::Framework<BotData, BotError>,
    tasks: TaskTracker,
    admission: Admission,
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
        // Tracked from its arrival: shutdown waits for the interactions still queued too.
        let _tracked = self.tasks.token();
        let _admitted = match interaction {
            Some(_) => self.admission.enter().await,
            None => None,
        };
        let handled = async {
            match interaction {
                Some((id, kind)) => self.interaction(ctx, event, id, kind).await,
                None => self.route(ctx, event).await,
            }
        };
        // Boxed: the framework's futures are large, and every event passes here.
        Box::pin(handled).await;
    }
}

impl TrackedFramework {
    pub fn new(inner: poise::Framework<BotData, BotError>, tasks: TaskTracker) -> Self {
        TrackedFramework {
            inner,
            tasks,
            admission: Admission::new(INTERACTIONS_AT_ONCE, LONGEST_WAIT),
        }
    }

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

    #[tokio::test(start_paused = true)]
    async fn admits_a_bounded_number_first_come_and_none_waits_too_long() {
        let admission = Admission::new(2, Duration::from_secs(1));
        let first = admission.enter().await.expect("a turn");
        let _second = admission.enter().await.expect("a turn");
        // The third waits for a turn: it comes when one ends, before the longest wait.
        let third = async {
            let started = tokio::time::Instant::now();
            let permit = admission.enter().await;
            (permit.is_some(), started.elapsed())
        };
        let leave = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            drop(first);
        };
        let ((admitted, waited), ()) = tokio::join!(third, leave);
        assert!(admitted);
        assert_eq!(waited, Duration::from_millis(300));
        // With every turn taken and none ending, the wait runs out and it goes ahead.
        let _third = admission.enter().await.expect("the turn the third left");
        let started = tokio::time::Instant::now();
        assert!(admission.enter().await.is_none());
        assert_eq!(started.elapsed(), Duration::from_secs(1));
    }

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
