//! Running the bot like a service: what a scripted scenario moves in `/metrics` (read back
//! with a Prometheus text parser), and `/readyz` through a database loss and a gateway
//! outage. (Every line the suite logs is also checked to be a JSON object without secrets
//! or names: see `support::logs`.)

use std::collections::BTreeMap;

use prometheus_parse::{Sample, Scrape, Value};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::support::app::{TestApp, WAIT, spawn_app_on_with, spawn_app_with, with_metrics};
use crate::support::db::{TestDb, on_postgres};
use crate::support::fake_discord::{FakeDiscordConfig, Method, Scripted, ids};
use crate::support::logs;
use crate::support::queue::{moderator_choose, queue_post, queue_posts_path};
use crate::support::reports::report;

/// The series of `metric`: their labels (`name=value`, sorted, `le` left out) and their
/// value (a histogram's: how many observations), every one a whole number here.
fn series(scrape: &Scrape, metric: &str) -> BTreeMap<String, u64> {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == metric)
        .filter_map(|sample| Some((labels_of(sample), value_of(&sample.value)?)))
        .collect()
}

fn labels_of(sample: &Sample) -> String {
    let mut labels: Vec<String> = sample
        .labels
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    labels.sort();
    labels.join(",")
}

fn value_of(value: &Value) -> Option<u64> {
    let value = match value {
        Value::Counter(value) | Value::Gauge(value) | Value::Untyped(value) => *value,
        Value::Histogram(buckets) => buckets.iter().map(|bucket| bucket.count).reduce(f64::max)?,
        Value::Summary(_) => return None,
    };
    assert!(value >= 0.0 && value.fract() == 0.0, "a count: {value}");
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(value as u64)
}

fn expected(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs
        .iter()
        .map(|(labels, value)| ((*labels).to_owned(), *value))
        .collect()
}

/// Every label value (bucket bounds aside) is one of the bot's lowercase codes: never an
/// id (17 to 19 digits), a case reference (upper case) or text; and none is `forbidden`.
fn assert_labels_hold_no_id_or_text(scrape: &Scrape, forbidden: &[String]) {
    for sample in &scrape.samples {
        for (name, value) in sample.labels.iter() {
            if name == "le" || name == "quantile" {
                continue;
            }
            let is_code = !value.is_empty()
                && value.len() <= 32
                && value
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            let digits = value.chars().filter(char::is_ascii_digit).count();
            assert!(
                is_code && digits <= 5,
                "{}: label {name}={value:?}",
                sample.metric
            );
            assert!(
                !forbidden.contains(value),
                "{}: {name}={value}",
                sample.metric
            );
        }
    }
}

/// A scrape once every response the fake sent has reached the bot's count (the last one
/// may still be on its way back when the test sees its request).
async fn settled_scrape(app: &TestApp) -> Scrape {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let scrape = app.scrape().await;
        let counted: u64 = series(&scrape, "safe_button_discord_requests_total")
            .values()
            .sum();
        let served = u64::try_from(app.fake.requests().len()).unwrap();
        if counted == served || tokio::time::Instant::now() >= deadline {
            return scrape;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_scripted_scenario_moves_exactly_the_expected_counters() {
    let app = spawn_app_with(FakeDiscordConfig::default(), with_metrics).await;
    app.use_queue_channel().await;
    let before = app.scrape().await;
    assert!(series(&before, "safe_button_reports_total").is_empty());

    // A first report, whose queue post meets a 429 first.
    app.fake.script(
        Method::POST,
        &queue_posts_path(),
        Scripted::rate_limited(0.05),
        1,
    );
    let first = report(&app, ids::ALICE, ids::BILAL).await;
    let (post, _) = queue_post(&app, &first).await;
    app.settle_deliveries().await;
    // A second one against the same member joins the case; its reporter's DMs are closed.
    app.fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::cannot_send_to_user(),
        1,
    );
    let second = report(&app, ids::CHLOE, ids::BILAL).await;
    assert_eq!(second.case.id, first.case.id, "merged");
    app.settle_deliveries().await;
    // A moderator mutes the reported member.
    let answer = moderator_choose(&app, "mute", "1h", first.case.id, &post).await;
    assert!(answer.contains("est rendu muet"), "{answer}");
    app.settle_deliveries().await;

    let scrape = settled_scrape(&app).await;
    assert_eq!(
        series(&scrape, "safe_button_reports_total"),
        expected(&[("outcome=recorded,source=slash", 2)])
    );
    assert_eq!(
        series(&scrape, "safe_button_cases_total"),
        expected(&[("change=merged", 1), ("change=opened", 1)])
    );
    assert_eq!(
        series(&scrape, "safe_button_protective_actions_total"),
        expected(&[("kind=mute,requested_by=moderator,result=applied", 1)])
    );
    let deliveries = series(&scrape, "safe_button_deliveries_total");
    assert_eq!(
        deliveries["kind=help_card,outcome=done"], 2,
        "{deliveries:?}"
    );
    assert_eq!(
        deliveries["kind=queue_post,outcome=posted"], 1,
        "{deliveries:?}"
    );
    // The redraws (after each card, the merge and the mute) may coalesce: at least one.
    assert!(
        deliveries["kind=queue_post,outcome=done"] >= 1,
        "{deliveries:?}"
    );
    assert_eq!(deliveries.len(), 3, "no retry, no refusal: {deliveries:?}");
    let attempts = series(&scrape, "safe_button_delivery_seconds");
    let finished: u64 = deliveries.values().sum();
    assert_eq!(attempts.values().sum::<u64>(), finished, "{attempts:?}");

    let requests = series(&scrape, "safe_button_discord_requests_total");
    assert_eq!(
        requests["route=channel_messages,status=429"], 1,
        "{requests:?}"
    );
    assert_eq!(
        requests["route=channel_messages,status=403"], 1,
        "{requests:?}"
    );
    let served = u64::try_from(app.fake.requests().len()).unwrap();
    assert_eq!(
        requests.values().sum::<u64>(),
        served,
        "one count per response"
    );
    assert_eq!(
        series(&scrape, "safe_button_discord_errors_total"),
        expected(&[("code=50007,route=channel_messages", 1)])
    );
    assert_eq!(
        series(&scrape, "safe_button_discord_rate_limit_wait_seconds"),
        expected(&[("route=channel_messages", 1)])
    );
    let callbacks = app
        .fake
        .requests_matching(Method::POST, "/interactions/*/*/callback")
        .iter()
        .filter(|request| request.status.is_some_and(|status| status < 300))
        .count();
    let callbacks = u64::try_from(callbacks).unwrap();
    assert_eq!(
        series(&scrape, "safe_button_interaction_ack_seconds"),
        expected(&[("", callbacks)])
    );
    assert_eq!(
        series(&scrape, "safe_button_delivery_backlog"),
        expected(&[("", 0)])
    );
    assert_eq!(
        series(&scrape, "safe_button_gateway_shards_connected"),
        expected(&[("", 1)])
    );
    assert!(!series(&scrape, "safe_button_db_transaction_seconds").is_empty());
    assert!(!series(&scrape, "safe_button_db_connections").is_empty());

    let mut forbidden: Vec<String> = [
        ids::GUILD,
        ids::ALICE,
        ids::BILAL,
        ids::CHLOE,
        ids::MODERATOR,
    ]
    .iter()
    .map(u64::to_string)
    .collect();
    forbidden.push(first.case.reference.as_str().to_owned());
    forbidden.push(first.case.id.to_string());
    assert_labels_hold_no_id_or_text(&scrape, &forbidden);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn health_answers_and_readiness_follows_the_gateway() {
    let app = spawn_app_with(FakeDiscordConfig::default(), with_metrics).await;
    assert_eq!(app.get_endpoint("/healthz").await, (200, "ok\n".to_owned()));
    app.wait_for_readiness(200).await;

    app.fake.start_gateway_outage();
    let unready = app.wait_for_readiness(503).await;
    assert!(
        unready.contains("gateway: 0 of 1 shard(s) connected"),
        "{unready}"
    );
    assert_eq!(app.get_endpoint("/healthz").await.0, 200, "still alive");

    app.fake.end_gateway_outage();
    app.wait_for_readiness(200).await;
    app.assert_discord_traffic_valid();
}

/// Closes `database` to every connection, the bot's included, or opens it again.
async fn set_reachable(database: &TestDb, reachable: bool) {
    let server_url = std::env::var("TEST_POSTGRES_URL").expect("PostgreSQL tests have it");
    let name = url::Url::parse(database.url()).expect("a URL").path()[1..].to_owned();
    let mut server = PgConnection::connect(&server_url).await.expect("connect");
    let statements = [
        format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {reachable}"),
        format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = '{name}' AND NOT {reachable}"
        ),
    ];
    for statement in statements {
        sqlx::query(AssertSqlSafe(statement))
            .execute(&mut server)
            .await
            .expect("change the database's reachability");
    }
}

async fn readiness_follows_the_database(database: TestDb) {
    let app: TestApp =
        spawn_app_on_with(FakeDiscordConfig::default(), database.url(), with_metrics).await;
    app.wait_for_readiness(200).await;

    set_reachable(&database, false).await;
    let unready = app.wait_for_readiness(503).await;
    assert!(unready.contains("database unreachable"), "{unready}");
    assert_eq!(app.get_endpoint("/healthz").await.0, 200, "still alive");

    set_reachable(&database, true).await;
    app.wait_for_readiness(200).await;
}

#[tokio::test]
async fn readiness_follows_the_database_on_postgres() {
    on_postgres(readiness_follows_the_database).await;
}

#[test]
fn the_suite_logs_in_json() {
    // Lines captured so far were checked by every app's stop; this test only proves the
    // capture is the JSON one, whichever test ran first.
    logs::capture_suite();
    tracing::info!(probe = "json", "a line of the suite's capture");
    assert!(logs::suite_line_count() >= 1);
    logs::assert_clean_logs();
}
