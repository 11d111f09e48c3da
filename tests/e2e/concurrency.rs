//! Many members reporting at once on `SQLite`: every report is stored, its help card's
//! outcome recorded and counted, and no transaction fails on a locked database.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::support::app::{TestApp, WAIT, spawn_app};
use crate::support::fake_discord::{
    FakeMember, FakeUser, InteractionBuilder, Method, ids, next_snowflake,
};
use crate::support::logs::{capture_suite, suite_lines_since, suite_mark};

const REPORTS: usize = 200;
/// More than the bot handles at once (64): the rest wait their turn, and are answered too.
const AT_ONCE: usize = 100;

/// Adds `count` plain members to the standard server; returns their ids.
fn add_members(app: &TestApp, count: usize) -> Vec<u64> {
    let members: Vec<FakeMember> = (0..count)
        .map(|n| {
            let user = FakeUser::new(next_snowflake(), &format!("membre{n}"));
            FakeMember::new(user, &[ids::MEMBER_ROLE])
        })
        .collect();
    let member_ids = members.iter().map(|member| member.user.id).collect();
    app.fake
        .update_guild(ids::GUILD, |guild| guild.members.extend(members));
    member_ids
}

/// `/report` by `reporter` against `reported`; returns once the bot answered it.
async fn report_and_wait(app: Arc<TestApp>, reporter: u64, reported: u64) {
    let options = json!([
        { "name": "user", "type": 6, "value": reported.to_string() },
        { "name": "reason", "type": 4, "value": 0 },
    ]);
    let sent = app
        .fake
        .send_interaction(
            InteractionBuilder::slash_command("report", options)
                .in_guild(&app.fake.guild(ids::GUILD), ids::GENERAL_CHANNEL, reporter)
                .locale("fr"),
        )
        .await;
    app.fake
        .wait_for_request(Method::PATCH, &sent.original_path(), WAIT)
        .await;
}

/// Reports whose help card outcome is still `pending` once the outbox is empty (the cards
/// are deliveries, carried out after the reporters were answered).
async fn settled_pending_help_cards(app: &TestApp) -> i64 {
    app.settle_deliveries().await;
    app.db()
        .integer_raw("SELECT COUNT(*) FROM reports WHERE help_card = 'pending'")
        .await
}

#[tokio::test]
async fn two_hundred_simultaneous_reports_are_all_stored_and_their_help_cards_counted() {
    // The suite-wide capture: a capture of this thread alone would see spans the pool's
    // worker threads enter under the global subscriber.
    capture_suite();
    let mark = suite_mark();
    let app = Arc::new(spawn_app().await);
    let reporters = add_members(&app, REPORTS);
    let reported = add_members(&app, REPORTS);
    let started = Instant::now();
    let slots = Arc::new(Semaphore::new(AT_ONCE));
    let mut filings = JoinSet::new();
    for (&reporter, &reported) in reporters.iter().zip(&reported) {
        let slot = Arc::clone(&slots).acquire_owned().await.unwrap();
        let app = Arc::clone(&app);
        filings.spawn(async move {
            report_and_wait(app, reporter, reported).await;
            drop(slot);
        });
    }
    while let Some(filed) = filings.join_next().await {
        filed.expect("a report was answered");
    }
    let pending = settled_pending_help_cards(&app).await;
    let elapsed = started.elapsed();

    let locked = suite_lines_since(mark, "database is locked");
    let stored = app.db().integer_raw("SELECT COUNT(*) FROM reports").await;
    let today = Utc::now().date_naive();
    let aggregates = app
        .store
        .stats_aggregates(
            ids::GUILD.cast_signed(),
            today.pred_opt().unwrap(),
            today.succ_opt().unwrap(),
        )
        .await
        .unwrap();
    let counted = aggregates.help_cards_delivered + aggregates.help_cards_not_delivered;
    eprintln!(
        "{REPORTS} reports at {AT_ONCE} at once in {elapsed:?}: {} locked, \
         {stored} stored, {pending} pending, {counted} help cards counted",
        locked.len(),
    );
    assert!(locked.is_empty(), "{locked:#?}");
    assert_eq!(stored, 200);
    assert_eq!(pending, 0, "every help card's outcome is recorded");
    assert_eq!(counted, 200, "every help card is counted in the statistics");
    app.assert_discord_traffic_valid();
}
