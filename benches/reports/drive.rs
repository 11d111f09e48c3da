//! One run: a fresh database and fake Discord, the bot binary, N reports with C in flight,
//! and what the fake saw of each.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use safe_button::store::{SettingChange, Store};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, oneshot};

use crate::bot::{Bot, Usage};
use crate::databases::{RunDb, Template};
use crate::fake_discord::{
    FakeDiscord, FakeDiscordConfig, FakeGuild, FakeMember, FakeUser, InteractionBuilder, Method,
    RecordedRequest, ids, next_snowflake,
};
use crate::floor::{self, Floors};

/// How long one report may take before the benchmark calls it lost.
const ANSWER_TIMEOUT: Duration = Duration::from_mins(1);
/// How long the deliveries may take to drain after the last answer.
const SETTLE_TIMEOUT: Duration = Duration::from_mins(2);

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// A case per report.
    Distinct,
    /// Every report against one member: one case.
    Merged,
}

impl std::fmt::Display for Mode {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Mode::Distinct => "distinct",
            Mode::Merged => "merged",
        })
    }
}

/// What a level measured.
pub struct Outcome {
    pub reports: usize,
    /// From the first report sent to the last answer.
    pub elapsed: Duration,
    /// From the first report sent to the last help card DM or queue post: what a report
    /// must cause, all of it out.
    pub delivered: Duration,
    pub bot: Usage,
    /// The benchmark process (the fake Discord and the driver) over the same span.
    pub fake_cpu_ms: f64,
    pub ack: Vec<Duration>,
    pub answer: Vec<Duration>,
    pub dm: Vec<Duration>,
    pub queue: Vec<Duration>,
    /// REST calls per route, over the whole level.
    pub routes: BTreeMap<String, usize>,
    /// Reports stored minus reports sent; unanswered reports.
    pub stored_minus_sent: i64,
    pub unanswered: usize,
    /// Help cards sent more or fewer than once; queue posts missing.
    pub dm_miscount: usize,
    pub queue_missing: usize,
    pub floors: Floors,
}

/// The members of one run: a reporter each, and the targets.
pub struct Cast {
    reporters: Vec<FakeMember>,
    targets: Vec<FakeMember>,
}

impl Cast {
    pub fn new(mode: Mode, reports: usize) -> Cast {
        let member = |name: String| {
            FakeMember::new(FakeUser::new(next_snowflake(), &name), &[ids::MEMBER_ROLE])
        };
        let reporters = (0..reports)
            .map(|n| member(format!("reporter{n}")))
            .collect();
        let targets = match mode {
            Mode::Distinct => (0..reports).map(|n| member(format!("target{n}"))).collect(),
            Mode::Merged => vec![member("target".to_owned())],
        };
        Cast { reporters, targets }
    }

    fn target_of(&self, report: usize) -> &FakeMember {
        &self.targets[report % self.targets.len()]
    }

    /// The `INTERACTION_CREATE` payloads, built before the clock starts.
    pub fn payloads(&self) -> Vec<Value> {
        let server = FakeGuild::standard();
        (0..self.reporters.len())
            .map(|n| {
                let (reporter, target) = (&self.reporters[n], self.target_of(n));
                let mut guild = server.clone();
                guild.members.extend([reporter.clone(), target.clone()]);
                let options = json!([
                    { "name": "user", "type": 6, "value": target.user.id.to_string() },
                    { "name": "reason", "type": 4, "value": 0 },
                    { "name": "details", "type": 3, "value": "Il m'insulte depuis lundi" },
                ]);
                InteractionBuilder::slash_command("report", options)
                    .in_guild(&guild, ids::GENERAL_CHANNEL, reporter.user.id)
                    .locale("fr")
                    .build()
            })
            .collect()
    }

    /// Members of a large server are not all in `GUILD_CREATE`: they join the world after.
    pub fn join(&self, fake: &FakeDiscord) {
        fake.update_guild(ids::GUILD, |guild| {
            guild.members.extend(self.reporters.iter().cloned());
            guild.members.extend(self.targets.iter().cloned());
        });
    }
}

/// A started run: its database, fake Discord and bot.
struct Run {
    db: RunDb,
    fake: Arc<FakeDiscord>,
    bot: Bot,
}

impl Run {
    async fn start(template: &Template, cast: &Cast, log_sql: bool) -> Run {
        let db = template.fresh().await;
        with_queue_channel(&db.url).await;
        let world = FakeDiscordConfig {
            validate_bodies: false,
            ..FakeDiscordConfig::default()
        };
        let fake = Arc::new(FakeDiscord::start_with(world).await);
        let bot = Bot::start(&fake, &db, log_sql).await;
        cast.join(&fake);
        Run { db, fake, bot }
    }

    /// Stops the bot and removes the database; returns how long the bot took to stop.
    async fn stop(self) -> Duration {
        let took = self.bot.stop().await;
        self.fake.clear_violations();
        self.db.remove().await;
        took
    }
}

async fn with_queue_channel(url: &str) {
    let store = Store::connect(url, 1)
        .await
        .expect("open the run's database");
    let queue = SettingChange {
        key: "queue_channel".to_owned(),
        value: Some(ids::QUEUE_CHANNEL.to_string()),
    };
    store
        .change_guild_settings(
            ids::GUILD.cast_signed(),
            &[queue],
            ids::ADMIN.cast_signed(),
            chrono::Utc::now(),
        )
        .await
        .expect("set the queue channel");
    store.close().await;
}

/// Runs one level: `reports` reports, `concurrency` in flight.
pub async fn level(template: &Template, mode: Mode, concurrency: usize, reports: usize) -> Outcome {
    let cast = Cast::new(mode, reports);
    let payloads = cast.payloads();
    let run = Run::start(template, &cast, false).await;
    let stored_before = run.db.count("reports").await;
    let (bot_before, fake_before) = (run.bot.usage(), crate::bot::own_cpu_ms());
    let started = Instant::now();
    let sent = file_all(&run.fake, payloads, concurrency).await;
    let elapsed = started.elapsed();
    settle(&run.fake, &cast, mode).await;
    let mut bot = run.bot.usage().since(&bot_before);
    let fake_cpu_ms = crate::bot::own_cpu_ms() - fake_before;
    let stored = run.db.count("reports").await - stored_before;
    let requests = run.fake.requests();
    let seen = Seen::of(&requests, &sent, &cast, mode);
    let floors = floor::measure(&run.db.url, &run.fake.base_url(), seen.calls_per_report()).await;
    bot.stop = run.stop().await;
    Outcome {
        reports,
        elapsed,
        delivered: seen
            .last_delivered
            .map_or(elapsed, |last| last.saturating_duration_since(started)),
        bot,
        fake_cpu_ms,
        stored_minus_sent: stored - i64::try_from(reports).unwrap_or(i64::MAX),
        unanswered: sent.iter().filter(|s| !s.answered).count(),
        dm_miscount: seen.dm_miscount,
        queue_missing: seen.queue_missing,
        ack: seen.ack,
        answer: seen.answer,
        dm: seen.dm,
        queue: seen.queue,
        routes: seen.routes,
        floors,
    }
}

/// A report as the driver sent it.
pub struct Sent {
    token: String,
    at: Instant,
    pub answered: bool,
}

/// Sends every payload, `concurrency` at a time; each is done when its answer arrives.
pub async fn file_all(
    fake: &Arc<FakeDiscord>,
    payloads: Vec<Value>,
    concurrency: usize,
) -> Vec<Sent> {
    let waiting: Arc<Mutex<HashMap<String, oneshot::Sender<()>>>> = Arc::default();
    let mut tap = fake.tap();
    let answers = Arc::clone(&waiting);
    let listener = tokio::spawn(async move {
        while let Some(tapped) = tap.recv().await {
            if tapped.method == Method::PATCH
                && let Some(token) = answered_token(&tapped.path)
                && let Some(answered) = answers.lock().unwrap().remove(token)
            {
                let _ = answered.send(());
            }
        }
    });
    let slots = Arc::new(Semaphore::new(concurrency));
    let mut filings = tokio::task::JoinSet::new();
    for (index, payload) in payloads.into_iter().enumerate() {
        let slot = Arc::clone(&slots).acquire_owned().await.expect("open");
        let (fake, waiting) = (Arc::clone(fake), Arc::clone(&waiting));
        filings.spawn(async move {
            let token = payload["token"].as_str().unwrap_or_default().to_owned();
            let (answered, answer) = oneshot::channel();
            waiting.lock().unwrap().insert(token.clone(), answered);
            let at = Instant::now();
            fake.send_interaction_payload(payload).await;
            let answered = tokio::time::timeout(ANSWER_TIMEOUT, answer).await.is_ok();
            drop(slot);
            let sent = Sent {
                token,
                at,
                answered,
            };
            (index, sent)
        });
    }
    // In payload order, as the cast is: `join_all` gives them in the order `join_next` yields.
    let mut sent = filings.join_all().await;
    sent.sort_unstable_by_key(|(index, _)| *index);
    listener.abort();
    sent.into_iter().map(|(_, sent)| sent).collect()
}

/// The token of `PATCH /webhooks/{app}/{token}/messages/@original`.
fn answered_token(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/webhooks/")?;
    let (_, rest) = rest.split_once('/')?;
    rest.strip_suffix("/messages/@original")
}

/// Waits until every help card went out (and, with distinct targets, every queue post), then
/// for the traffic to go quiet.
pub async fn settle(fake: &FakeDiscord, cast: &Cast, mode: Mode) {
    let expected_posts = match mode {
        Mode::Distinct => cast.targets.len(),
        Mode::Merged => 1,
    };
    let deadline = Instant::now() + SETTLE_TIMEOUT;
    let mut tally = Tally::default();
    tally.count_new(fake);
    let mut quiet_since = (Instant::now(), tally.requests);
    loop {
        tally.count_new(fake);
        if tally.requests != quiet_since.1 {
            quiet_since = (Instant::now(), tally.requests);
        }
        let done = tally.dms >= cast.reporters.len() && tally.posts >= expected_posts;
        if (done && quiet_since.0.elapsed() > Duration::from_millis(500))
            || Instant::now() > deadline
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What [`settle`] counted of the traffic: its polls fall within the CPU measured, so each
/// looks only at the requests that arrived since the last, and copies none.
#[derive(Default)]
struct Tally {
    requests: usize,
    dms: usize,
    posts: usize,
}

impl Tally {
    fn count_new(&mut self, fake: &FakeDiscord) {
        fake.inspect_requests(|requests| {
            for request in &requests[self.requests..] {
                self.dms += usize::from(is_dm_post(request));
                self.posts += usize::from(is_queue_post(request));
            }
            self.requests = requests.len();
        });
    }
}

fn is_queue_post(request: &RecordedRequest) -> bool {
    request.method == Method::POST
        && request.path == format!("/channels/{}/messages", ids::QUEUE_CHANNEL)
}

fn is_queue_write(request: &RecordedRequest) -> bool {
    let prefix = format!("/channels/{}/messages", ids::QUEUE_CHANNEL);
    matches!(request.method, Method::POST | Method::PATCH) && request.path.starts_with(&prefix)
}

/// A message in a channel other than the server's: a DM.
fn is_dm_post(request: &RecordedRequest) -> bool {
    let server_channels = [ids::QUEUE_CHANNEL, ids::GENERAL_CHANNEL];
    request.method == Method::POST
        && request.path.starts_with("/channels/")
        && request.path.ends_with("/messages")
        && !server_channels
            .iter()
            .any(|channel| request.path == format!("/channels/{channel}/messages"))
}

/// Each report's steps, as the fake recorded them.
struct Seen {
    ack: Vec<Duration>,
    answer: Vec<Duration>,
    dm: Vec<Duration>,
    queue: Vec<Duration>,
    /// When the last help card DM or queue post arrived.
    last_delivered: Option<Instant>,
    routes: BTreeMap<String, usize>,
    reports: usize,
    dm_miscount: usize,
    queue_missing: usize,
}

impl Seen {
    fn of(requests: &[RecordedRequest], sent: &[Sent], cast: &Cast, mode: Mode) -> Seen {
        let first = |matches: &dyn Fn(&RecordedRequest) -> bool| {
            requests.iter().find(|r| matches(r)).map(|r| r.received_at)
        };
        let dm_channels = dm_channels(requests);
        let mut seen = Seen {
            ack: Vec::new(),
            answer: Vec::new(),
            dm: Vec::new(),
            queue: Vec::new(),
            last_delivered: None,
            routes: routes(requests),
            reports: sent.len(),
            dm_miscount: 0,
            queue_missing: 0,
        };
        for (n, filed) in sent.iter().enumerate() {
            let since = |at: Instant| at.saturating_duration_since(filed.at);
            let callback = |r: &RecordedRequest| {
                r.method == Method::POST && r.path.ends_with(&format!("/{}/callback", filed.token))
            };
            let answer = first(&|r| {
                r.method == Method::PATCH && answered_token(&r.path) == Some(&filed.token)
            });
            let reporter = cast.reporters[n].user.id;
            let dms: Vec<_> = requests
                .iter()
                .filter(|r| {
                    is_dm_post(r) && dm_channels.get(&channel_of(&r.path)) == Some(&reporter)
                })
                .collect();
            seen.dm_miscount += usize::from(dms.len() != 1);
            let target = cast.target_of(n).user.id.to_string();
            let queue = match (mode, answer) {
                (Mode::Distinct, _) => first(&|r| {
                    is_queue_post(r)
                        && r.body
                            .as_ref()
                            .is_some_and(|b| b.to_string().contains(&target))
                }),
                (Mode::Merged, Some(answered)) => {
                    first(&|r| is_queue_write(r) && r.received_at >= answered)
                }
                (Mode::Merged, None) => None,
            };
            seen.queue_missing += usize::from(queue.is_none() && mode == Mode::Distinct);
            seen.ack.extend(first(&callback).map(since));
            seen.answer.extend(answer.map(since));
            seen.dm.extend(dms.first().map(|r| since(r.received_at)));
            seen.queue.extend(queue.map(since));
            let delivered = dms.first().map(|r| r.received_at).into_iter().chain(queue);
            seen.last_delivered = seen.last_delivered.into_iter().chain(delivered).max();
        }
        seen
    }

    fn calls_per_report(&self) -> f64 {
        self.routes.values().sum::<usize>() as f64 / self.reports.max(1) as f64
    }
}

/// DM channel id → recipient, from the bot's `POST /users/@me/channels` and their answers.
fn dm_channels(requests: &[RecordedRequest]) -> HashMap<u64, u64> {
    let id = |value: &Value| value.as_str().and_then(|id| id.parse().ok());
    requests
        .iter()
        .filter(|r| r.method == Method::POST && r.path == "/users/@me/channels")
        .filter_map(|r| {
            let recipient = id(&r.body.as_ref()?["recipient_id"])?;
            let channel = id(&r.response.as_ref()?["id"])?;
            Some((channel, recipient))
        })
        .collect()
}

fn channel_of(path: &str) -> u64 {
    path.split('/')
        .nth(2)
        .and_then(|id| id.parse().ok())
        .unwrap_or_default()
}

/// REST calls by method and route, ids replaced by `{id}` (registration and start-up
/// included: they are paid once per run).
fn routes(requests: &[RecordedRequest]) -> BTreeMap<String, usize> {
    let mut routes = BTreeMap::new();
    for request in requests {
        let route: Vec<&str> = request
            .path
            .split('/')
            .map(|part| {
                if part.chars().next().is_some_and(|c| c.is_ascii_digit())
                    || part.starts_with("fake-interaction-token")
                {
                    "{id}"
                } else {
                    part
                }
            })
            .collect();
        *routes
            .entry(format!("{} {}", request.method, route.join("/")))
            .or_default() += 1;
    }
    routes
}

/// SQL statements per report: a short run at one in flight with sqlx's statement log on,
/// counted over the reports only (start-up excluded).
pub async fn count_statements(
    template: &Template,
    mode: Mode,
    breakdown: bool,
    keep_log: Option<&std::path::Path>,
) -> f64 {
    const REPORTS: usize = 50;
    let cast = Cast::new(mode, REPORTS);
    let payloads = cast.payloads();
    let run = Run::start(template, &cast, true).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = run.bot.logged_statements().len();
    file_all(&run.fake, payloads, 1).await;
    settle(&run.fake, &cast, mode).await;
    let statements = run.bot.logged_statements().split_off(before);
    if let Some(path) = keep_log {
        run.bot.copy_log(path);
    }
    run.stop().await;
    if breakdown {
        let mut by_summary: BTreeMap<&str, usize> = BTreeMap::new();
        for statement in &statements {
            *by_summary.entry(statement).or_default() += 1;
        }
        for (summary, count) in by_summary {
            println!("     SQL {:>5.2}  {summary}", count as f64 / REPORTS as f64);
        }
    }
    statements.len() as f64 / REPORTS as f64
}
