//! The delivery worker (SPEC §8): every bot process runs one over the shared outbox. It
//! claims due deliveries under a lease, carries them out, and records how each ended. A
//! failure (network, 5xx, 429, 40003) is retried with exponential backoff and jitter; a
//! refusal is recorded and given up. A crashed process's leases expire and are taken over.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use poise::serenity_prelude as serenity;
use tokio::sync::Semaphore;

use super::flows::close_notice;
use super::flows::help_card;
use super::flows::preserve;
use super::flows::publish::publish;
use super::flows::questions;
use super::{BotData, BotError, observe, rest};
use crate::domain::delivery::{DeliveryKind, retry_wait};
use crate::store::{Delivery, Finished};

/// How long a claim holds a delivery: well over what one takes, short enough that a
/// crashed process's work resumes soon after a restart.
const LEASE: Duration = Duration::from_secs(15);
/// Deliveries claimed at once, and carried out at once.
const BATCH: i64 = 16;
const CONCURRENCY: usize = 16;
/// How often the outbox is read without a wake-up: deliveries written by other processes,
/// and retries coming due.
const POLL: Duration = Duration::from_secs(1);

/// Runs until the process stops; the deliveries in progress are tracked by `data.tasks`.
pub async fn run(http: Arc<serenity::Http>, cache: Arc<serenity::Cache>, data: BotData) {
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    loop {
        let claimed = match data
            .store
            .claim_due_deliveries(Utc::now(), LEASE, BATCH)
            .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::error!(%error, "cannot read the outbox");
                Vec::new()
            }
        };
        // Fewer than a batch: none was left due, and a claim now would find none. What comes
        // due meanwhile wakes the worker (a wake-up while it works is kept for its wait).
        let drained = i64::try_from(claimed.len()).is_ok_and(|count| count < BATCH);
        for delivery in claimed {
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                return;
            };
            let (http, cache, data) = (Arc::clone(&http), Arc::clone(&cache), data.clone());
            data.tasks.clone().spawn(async move {
                carry_out(&http, &cache, &data, delivery).await;
                drop(permit);
            });
        }
        if drained {
            tokio::select! {
                () = data.deliveries.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}

/// What to do with a delivery that did not go out.
enum Failure {
    /// Discord refused it for good: its JSON error code.
    Refused(isize),
    /// Worth another try; the code of what failed, for the record.
    Transient(&'static str),
}

#[tracing::instrument(name = "delivery", skip_all, fields(delivery = delivery.id, kind = %delivery.kind, case_id = delivery.case_id, attempt = delivery.attempts))]
async fn carry_out(
    http: &serenity::Http,
    cache: &serenity::Cache,
    data: &BotData,
    delivery: Delivery,
) {
    let started = Instant::now();
    let attempted = match delivery.kind {
        DeliveryKind::QueuePost => {
            let nonce = format!("sbd{}", delivery.id);
            publish(http, data, delivery.case_id, nonce).await
        }
        DeliveryKind::HelpCard => help_card::deliver(http, cache, data, &delivery).await,
        DeliveryKind::CloseNotice => close_notice::deliver(http, cache, data, &delivery).await,
        DeliveryKind::PreserveEvidence => preserve::deliver(data, &delivery).await,
        DeliveryKind::Question => questions::deliver_question(http, cache, data, &delivery).await,
        DeliveryKind::QuestionReply => questions::deliver_reply(http, data, &delivery).await,
    };
    observe::delivery_attempted(&data.metrics, delivery.kind, started.elapsed());
    let recorded = match attempted.map_err(|error| classify(&error)) {
        Ok(finished) => finish(data, &delivery, finished, started).await,
        Err(Failure::Refused(code)) => {
            finish(data, &delivery, Finished::Refused(code), started).await
        }
        Err(Failure::Transient(why)) => retry(data, &delivery, why).await,
    };
    if let Err(error) = recorded {
        // The lease expires and the delivery is carried out again.
        tracing::error!(delivery = delivery.id, %error, "delivery outcome not recorded");
    }
}

async fn finish(
    data: &BotData,
    delivery: &Delivery,
    finished: Finished,
    started: Instant,
) -> Result<(), BotError> {
    let ended = data
        .store
        .finish_delivery(delivery, finished, Utc::now())
        .await?;
    observe::delivery_finished(&data.metrics, delivery.kind, &finished);
    tracing::info!(
        kind = %delivery.kind,
        case_id = delivery.case_id,
        attempt = delivery.attempts,
        outcome = ?finished,
        newer_revision = !ended,
        took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "delivery carried out"
    );
    if !ended {
        data.deliveries.notify_one();
    }
    Ok(())
}

async fn retry(data: &BotData, delivery: &Delivery, why: &'static str) -> Result<(), BotError> {
    let wait = retry_wait(delivery.attempts, rand::random());
    let due = Utc::now() + TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX);
    data.store.retry_delivery(delivery, due, why).await?;
    observe::delivery_retried(&data.metrics, delivery.kind, why);
    tracing::warn!(
        kind = %delivery.kind,
        case_id = delivery.case_id,
        attempt = delivery.attempts,
        outcome = why,
        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        "delivery failed; retrying"
    );
    Ok(())
}

fn classify(error: &BotError) -> Failure {
    let error = match error {
        BotError::Discord(error) => error,
        BotError::Download => return Failure::Transient("download"),
        _ => return Failure::Transient("store"),
    };
    let serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) = &**error else {
        return Failure::Transient("network");
    };
    let status = response.status_code;
    if status.is_server_error() {
        Failure::Transient("discord_5xx")
    } else if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        Failure::Transient("discord_429")
    } else if rest::is_refusal(error) {
        Failure::Refused(response.error.code)
    } else {
        // A 4xx that is no refusal: 40003, opening DMs too fast.
        Failure::Transient("discord_40003")
    }
}
