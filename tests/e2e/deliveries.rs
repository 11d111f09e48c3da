//! What a report must cause survives Discord's errors: the help card's DM and the queue post
//! are deliveries, retried with backoff until the fault clears, and a refusal is not retried.

use std::time::Duration;

use safe_button::domain::case::HelpCardDelivery;

use crate::support::app::{TestApp, WAIT, spawn_app, spawn_app_with_queue};
use crate::support::fake_discord::{Method, RecordedRequest, Scripted, ids};
use crate::support::queue::{queue_posts_path, wait_for_queue_posts};
use crate::support::reports::{Filed, report, settled_answer};

/// Requests to `pattern` once `count` of them arrived.
async fn attempts(
    app: &TestApp,
    method: Method,
    pattern: &str,
    count: usize,
) -> Vec<RecordedRequest> {
    app.fake
        .wait_for_requests(method, pattern, count, WAIT)
        .await
}

/// How long after the last failed attempt the delivery went out (for the figures).
fn delivered_after(attempts: &[RecordedRequest]) -> Duration {
    let [.., failed, delivered] = attempts else {
        panic!("at least one failure and the delivery: {attempts:?}");
    };
    delivered.received_at - failed.received_at
}

async fn card_outcome(app: &TestApp, filed: &Filed) -> HelpCardDelivery {
    app.settle_deliveries().await;
    let reports = app.store.reports_of_case(filed.case.id).await.unwrap();
    reports[0].help_card
}

/// The victim's DMs: the help card and nothing else, once.
fn assert_one_card_dm(app: &TestApp, victim: u64) {
    let channel = app.fake.dm_channel_of(victim).expect("a DM channel");
    let path = format!("/channels/{channel}/messages");
    let cards = app.fake.requests_matching(Method::POST, &path);
    let delivered: Vec<_> = cards.iter().filter(|r| r.status == Some(200)).collect();
    assert_eq!(delivered.len(), 1, "one card: {cards:?}");
}

#[tokio::test]
async fn a_dm_channel_that_fails_three_times_is_opened_once_the_fault_clears() {
    let app = spawn_app().await;
    app.fake.script(
        Method::POST,
        "/users/@me/channels",
        Scripted::ServerError,
        3,
    );
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let opened = attempts(&app, Method::POST, "/users/@me/channels", 4).await;
    eprintln!(
        "DM channel opened {:?} after the fault cleared",
        delivered_after(&opened)
    );
    assert_eq!(card_outcome(&app, &filed).await, HelpCardDelivery::DmSent);
    // The first failure gave the reporter the card; the delivered DM then said so.
    let answer = settled_answer(&app, &filed.sent).await;
    let text = answer.body.unwrap()["content"].to_string();
    assert!(text.contains("Nous t'avons envoyé"), "{text}");
    assert_one_card_dm(&app, ids::ALICE);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_dm_that_fails_three_times_is_sent_once_the_fault_clears() {
    // No queue channel: the only messages created are DMs.
    let app = spawn_app().await;
    app.fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::ServerError,
        3,
    );
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let sends = attempts(&app, Method::POST, "/channels/*/messages", 4).await;
    eprintln!(
        "DM sent {:?} after the fault cleared",
        delivered_after(&sends)
    );
    assert_eq!(card_outcome(&app, &filed).await, HelpCardDelivery::DmSent);
    assert_one_card_dm(&app, ids::ALICE);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn opening_dms_too_fast_is_waited_out_not_taken_as_a_refusal() {
    let app = spawn_app().await;
    let too_fast = Scripted::error(403, 40003, "You are opening direct messages too fast");
    app.fake
        .script(Method::POST, "/users/@me/channels", too_fast, 2);
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let opened = attempts(&app, Method::POST, "/users/@me/channels", 3).await;
    eprintln!(
        "DM channel opened {:?} after 40003 cleared",
        delivered_after(&opened)
    );
    assert_eq!(card_outcome(&app, &filed).await, HelpCardDelivery::DmSent);
    assert_one_card_dm(&app, ids::ALICE);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_queue_post_that_fails_three_times_is_posted_once_the_fault_clears() {
    let app = spawn_app_with_queue().await;
    app.fake
        .script(Method::POST, &queue_posts_path(), Scripted::ServerError, 3);
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let posts = wait_for_queue_posts(&app, 4).await;
    eprintln!(
        "queue post created {:?} after the fault cleared",
        delivered_after(&posts)
    );
    app.settle_deliveries().await;
    let case = app.case(filed.case.id).await;
    let created: Vec<_> = app
        .fake
        .requests_matching(Method::POST, &queue_posts_path())
        .into_iter()
        .filter(|r| r.status == Some(200))
        .collect();
    assert_eq!(created.len(), 1, "posted once");
    assert!(case.queue_message_id.is_some());
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_rate_limited_queue_post_is_posted_after_the_wait() {
    let app = spawn_app_with_queue().await;
    let limited = Scripted::RateLimited {
        retry_after: 0.3,
        global: false,
    };
    app.fake
        .script(Method::POST, &queue_posts_path(), limited, 2);
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let posts = wait_for_queue_posts(&app, 3).await;
    eprintln!(
        "queue post created {:?} after the 429 cleared",
        delivered_after(&posts)
    );
    app.settle_deliveries().await;
    assert!(app.case(filed.case.id).await.queue_message_id.is_some());
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn closed_dms_are_not_retried() {
    let app = spawn_app().await;
    app.fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::cannot_send_to_user(),
        5,
    );
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    assert_eq!(card_outcome(&app, &filed).await, HelpCardDelivery::DmFailed);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sends = app
        .fake
        .requests_matching(Method::POST, "/channels/*/messages");
    assert_eq!(sends.len(), 1, "a refusal is final: {sends:?}");
    assert_eq!(app.store.pending_deliveries().await.unwrap(), 0);
    app.assert_discord_traffic_valid();
}
