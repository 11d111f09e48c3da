//! A crash in the middle of many reports loses nothing a report must cause: the built
//! binary is killed with SIGKILL while reports are under way, then started again on the same
//! database; every stored case reaches the queue once, and every stored report's victim gets
//! the card (or the refusal is recorded).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tempfile::TempDir;
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::support::app::{TEST_TOKEN, WAIT};
use crate::support::db::{TestDb, both_backends, setting};
use crate::support::fake_discord::{
    FakeDiscord, FakeDiscordConfig, FakeMember, FakeUser, InteractionBuilder, Method, ids,
    next_snowflake,
};
use crate::support::queue::queue_posts_path;

const REPORTS: usize = 50;
const AT_ONCE: usize = 20;
/// Killed once about half the reports are acknowledged.
const KILL_AFTER: usize = REPORTS / 2;
/// Long enough for held help cards (30 s) and expired leases (15 s) after the restart.
const RECOVERY: Duration = Duration::from_secs(90);

both_backends!(a_crash_mid_reports_loses_no_queue_post_and_no_help_card);

async fn a_crash_mid_reports_loses_no_queue_post_and_no_help_card(db: TestDb) {
    let fake = Arc::new(FakeDiscord::start().await);
    let pairs = add_pairs(&fake, REPORTS);
    let queue = setting("queue_channel", &ids::QUEUE_CHANNEL.to_string());
    let admin = ids::ADMIN.cast_signed();
    db.store
        .change_guild_settings(ids::GUILD.cast_signed(), &[queue], admin, Utc::now())
        .await
        .unwrap();
    let folder = TempDir::new().unwrap();
    let config = fake.bot_config(db.url(), folder.path());

    let mut bot = start_bot(&fake, &config, folder.path()).await;
    let mut filings = file_reports(&fake, &pairs);
    let acknowledged = wait_until_acknowledged(&fake, KILL_AFTER).await;
    bot.start_kill().expect("SIGKILL");
    bot.wait().await.unwrap();
    filings.abort_all();
    let stored = db.integer_raw("SELECT COUNT(*) FROM reports").await;

    let _bot = start_bot(&fake, &config, folder.path()).await;
    settle(&db).await;
    let cases = db.integer_raw("SELECT COUNT(*) FROM cases").await;
    let unposted = db
        .integer_raw("SELECT COUNT(*) FROM cases WHERE queue_message_id IS NULL")
        .await;
    let pending = db
        .integer_raw("SELECT COUNT(*) FROM reports WHERE help_card = 'pending'")
        .await;
    let posts = distinct_created(&fake, &queue_posts_path());
    let cards = cards_per_victim(&fake, &pairs);
    eprintln!(
        "{REPORTS} reports, {AT_ONCE} at once: {acknowledged} acknowledged before SIGKILL, \
         {stored} stored; after the restart {cases} cases, {} queue posts, {unposted} unposted, \
         {} cards delivered, {pending} pending",
        posts.len(),
        cards.values().sum::<usize>(),
    );
    assert!(
        stored >= i64::try_from(acknowledged).unwrap(),
        "acknowledged means stored"
    );
    assert_eq!(unposted, 0, "every stored case reaches the queue");
    assert_eq!(
        i64::try_from(posts.len()).unwrap(),
        cases,
        "one post per case"
    );
    assert_eq!(
        pending, 0,
        "every stored report's card went out or its refusal is recorded"
    );
    let carded = db
        .integer_raw("SELECT COUNT(*) FROM reports WHERE help_card = 'dm_sent'")
        .await;
    assert_eq!(
        usize::try_from(carded).unwrap(),
        cards.values().sum::<usize>()
    );
    assert!(
        cards.values().all(|&count| count == 1),
        "no card twice: {cards:?}"
    );
}

/// Adds `count` reporter and reported members to the standard server.
fn add_pairs(fake: &FakeDiscord, count: usize) -> Vec<(u64, u64)> {
    let member =
        |name: String| FakeMember::new(FakeUser::new(next_snowflake(), &name), &[ids::MEMBER_ROLE]);
    let pairs: Vec<(FakeMember, FakeMember)> = (0..count)
        .map(|n| (member(format!("temoin{n}")), member(format!("cible{n}"))))
        .collect();
    let ids = pairs.iter().map(|(a, b)| (a.user.id, b.user.id)).collect();
    fake.update_guild(ids::GUILD, |guild| {
        guild
            .members
            .extend(pairs.into_iter().flat_map(|(a, b)| [a, b]));
    });
    ids
}

/// The repository's bot.toml against the fake, on `database_url`, keeping its files in
/// `folder` (the pseudonym key survives the restart).
async fn start_bot(fake: &FakeDiscord, config: &Path, folder: &Path) -> Child {
    let registered = fake
        .requests_matching(Method::PUT, "/applications/*/commands")
        .len();
    let bot = Command::new(env!("CARGO_BIN_EXE_safe-button"))
        .args(["run", "--config", config.to_str().unwrap()])
        .current_dir(folder)
        .env("DISCORD_TOKEN", TEST_TOKEN)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("start the bot");
    fake.wait_for_requests(
        Method::PUT,
        "/applications/*/commands",
        registered + 1,
        WAIT,
    )
    .await;
    fake.wait_for_live_session(WAIT).await;
    bot
}

/// Files every pair's `/report`, `AT_ONCE` in flight at a time.
fn file_reports(fake: &Arc<FakeDiscord>, pairs: &[(u64, u64)]) -> JoinSet<()> {
    let slots = Arc::new(Semaphore::new(AT_ONCE));
    let mut filings = JoinSet::new();
    for &(reporter, reported) in pairs {
        let (fake, slots) = (Arc::clone(fake), Arc::clone(&slots));
        filings.spawn(async move {
            let _slot = slots.acquire_owned().await.unwrap();
            let options = json!([
                { "name": "user", "type": 6, "value": reported.to_string() },
                { "name": "reason", "type": 4, "value": 0 },
            ]);
            let report = InteractionBuilder::slash_command("report", options)
                .in_guild(&fake.guild(ids::GUILD), ids::GENERAL_CHANNEL, reporter)
                .locale("fr");
            let sent = fake.send_interaction(report).await;
            fake.wait_for_request(Method::PATCH, &sent.original_path(), WAIT)
                .await;
        });
    }
    filings
}

/// Waits until `count` reporters were answered; returns how many were.
async fn wait_until_acknowledged(fake: &FakeDiscord, count: usize) -> usize {
    let answered = || {
        fake.requests_matching(Method::PATCH, "/webhooks/*/*/messages/@original")
            .iter()
            .map(|request| request.path.clone())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    while answered() < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "reports not answered"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    answered()
}

/// Waits until the outbox is empty.
async fn settle(db: &TestDb) {
    let deadline = tokio::time::Instant::now() + RECOVERY;
    while db.store.pending_deliveries().await.unwrap() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "deliveries still pending"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The distinct messages Discord created under `path` (a retried create with the same
/// nonce returns the first message, and is counted once).
fn distinct_created(fake: &FakeDiscord, path: &str) -> BTreeSet<String> {
    fake.requests_matching(Method::POST, path)
        .into_iter()
        .filter(|request| request.status == Some(200))
        .filter_map(|request| Some(request.response?["id"].as_str()?.to_owned()))
        .collect()
}

/// How many card DMs each victim (the reporter) received.
fn cards_per_victim(fake: &FakeDiscord, pairs: &[(u64, u64)]) -> BTreeMap<u64, usize> {
    pairs
        .iter()
        .filter_map(|&(victim, _)| {
            let channel = fake.dm_channel_of(victim)?;
            let path = format!("/channels/{channel}/messages");
            Some((victim, distinct_created(fake, &path).len()))
        })
        .collect()
}

/// Two processes on one PostgreSQL database, one shard each, share one outbox: each
/// delivery is carried out by one of them, and when one is killed the other finishes its
/// work once the leases expire.
#[tokio::test]
async fn two_processes_share_the_outbox_and_finish_a_killed_ones_deliveries() {
    crate::support::db::on_postgres(two_processes_share_the_outbox).await;
}

const BATCH: usize = 200;

async fn two_processes_share_the_outbox(db: TestDb) {
    let fake = FakeDiscord::start_with(FakeDiscordConfig::two_shards()).await;
    let queue = setting("queue_channel", &ids::QUEUE_CHANNEL.to_string());
    let admin = ids::ADMIN.cast_signed();
    db.store
        .change_guild_settings(ids::GUILD.cast_signed(), &[queue], admin, Utc::now())
        .await
        .unwrap();
    write_cases(&db, 0..BATCH).await;
    let folder = TempDir::new().unwrap();
    let config = fake.bot_config(db.url(), folder.path());
    let first = shard_config(&config, "0", folder.path(), "first.toml");
    let second = shard_config(&config, "1", folder.path(), "second.toml");
    let _first = start_bot(&fake, &first, folder.path()).await;
    let mut second = start_bot(&fake, &second, folder.path()).await;
    settle(&db).await;
    let posts = fake.requests_matching(Method::POST, &queue_posts_path());
    assert_eq!(
        posts.len(),
        BATCH,
        "each delivery carried out once, by one process"
    );
    assert_eq!(distinct_created(&fake, &queue_posts_path()).len(), BATCH);

    write_cases(&db, BATCH..2 * BATCH).await;
    fake.wait_for_requests(Method::POST, &queue_posts_path(), BATCH + 20, WAIT)
        .await;
    second.start_kill().expect("SIGKILL");
    second.wait().await.unwrap();
    let killed = tokio::time::Instant::now();
    settle(&db).await;
    let recovered = killed.elapsed();
    let unposted = db
        .integer_raw("SELECT COUNT(*) FROM cases WHERE queue_message_id IS NULL")
        .await;
    let distinct = distinct_created(&fake, &queue_posts_path()).len();
    eprintln!(
        "two processes: {BATCH} deliveries, {} posts; one killed: the other finished the rest \
         {recovered:?} later, {distinct} distinct posts for {} cases",
        posts.len(),
        2 * BATCH
    );
    assert_eq!(unposted, 0);
    assert_eq!(distinct, 2 * BATCH, "no case posted twice");
    assert!(
        recovered < Duration::from_secs(30),
        "within the lease and a poll"
    );
}

/// `config` with `shards` of 2, written as `name` in `folder`.
fn shard_config(config: &Path, shards: &str, folder: &Path, name: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(config).unwrap().replace(
        "# shards = \"0-3\"\n# shard_total = 8",
        &format!("shards = \"{shards}\"\nshard_total = 2"),
    );
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Cases against the members numbered `range`, written as reports write them (with their
/// queue post deliveries).
async fn write_cases(db: &TestDb, range: std::ops::Range<usize>) {
    for n in range {
        let reported = 1_500_000_000_000_000_000 + i64::try_from(n).unwrap();
        let report = safe_button::store::NewReport {
            guild_id: ids::GUILD.cast_signed(),
            reported_user_id: reported,
            reporter_user_id: ids::ALICE.cast_signed(),
            victim_user_id: ids::ALICE.cast_signed(),
            reason: safe_button::domain::reason::Reason::Harassment,
            details: None,
            source: safe_button::domain::case::ReportSource::Slash,
            evidence: None,
            merge_window: chrono::TimeDelta::hours(24),
            now: Utc::now(),
            stats_hour: "2025-03-14T10".to_owned(),
            reported_pseudonym: None,
            help_card: None,
            reporter_pseudonym: "two-processes".to_owned(),
        };
        db.store.record_report(report).await.unwrap();
    }
}
