//! `spawn_app()`: the real bot, started through its library entry point against a fresh fake
//! Discord and a database of its own, with the repository's `bot.toml` as configuration.

use std::path::Path;
use std::time::Duration;

use safe_button::app::{self, AppError, Embedded};
use safe_button::config::Config;
use safe_button::store::{AuditEntry, CaseRecord, ProtectiveActionRecord, Store};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::db::{TestDb, setting};
use super::fake_discord::{
    FakeDiscord, FakeDiscordConfig, InteractionBuilder, Method, RecordedRequest, SentInteraction,
    ids,
};

/// A token in Discord's format; the fake accepts any.
pub const TEST_TOKEN: &str =
    "MTQwNjk0MjgzNjU5MDUxMDA4Mg.GfakeA.safe-button-test-token-not-a-secret";

/// Generous: debug builds on a loaded two-core machine.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct TestApp {
    pub fake: FakeDiscord,
    /// The database the bot uses, opened a second time for the test's own checks.
    pub store: Store,
    pub config: Config,
    stop: Option<oneshot::Sender<()>>,
    bot: Option<JoinHandle<Result<(), AppError>>>,
    /// Kept for the database file's lifetime.
    _folder: TempDir,
}

/// The repository's `bot.toml`, pointed at `api_base` and a database in `folder`.
pub fn test_config(api_base: &str, database_url: &str, folder: &Path) -> Config {
    let embedded = Embedded::load().expect("embedded data");
    let mut config = Config::load(Path::new("bot.toml"), &embedded.vocabulary())
        .expect("the repository's bot.toml is valid");
    config.discord.api_base = Some(api_base.parse().expect("fake base URL"));
    config.database.url = database_url.to_owned();
    config.statistics.pseudonym_key_file = folder.join("pseudonym.key");
    config
}

/// A loopback address with a port free a moment ago, for the bot's metrics listener.
pub fn free_address() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
}

/// Metrics on, at a free loopback address: a `configure` for [`spawn_app_with`].
pub fn with_metrics(config: &mut Config) {
    config.metrics.listen = Some(free_address());
}

/// Starts the bot on a fresh `SQLite` database against a fresh standard fake Discord, and
/// waits until it has registered its commands.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(FakeDiscordConfig::default(), |_| {}).await
}

/// Like [`spawn_app`], with the server's queue channel set to `#mod-queue`: cases are posted
/// where the standard world's moderator can act on them.
pub async fn spawn_app_with_queue() -> TestApp {
    let app = spawn_app().await;
    app.use_queue_channel().await;
    app
}

/// Like [`spawn_app`], with another fake world and configuration changes.
pub async fn spawn_app_with(
    world: FakeDiscordConfig,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    launch(world, None, configure).await
}

/// Like [`spawn_app_with`], on an existing database (a [`super::db::TestDb`]'s URL), so that
/// a test written once runs on `SQLite` and `PostgreSQL`.
pub async fn spawn_app_on(world: FakeDiscordConfig, database_url: &str) -> TestApp {
    launch(world, Some(database_url), |_| {}).await
}

/// Like [`spawn_app_on`], with configuration changes.
pub async fn spawn_app_on_with(
    world: FakeDiscordConfig,
    database_url: &str,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    launch(world, Some(database_url), configure).await
}

/// Starts the fake and the bot (on `database_url`, or a fresh `SQLite` file), and waits until
/// the bot has registered its commands.
async fn launch(
    world: FakeDiscordConfig,
    database_url: Option<&str>,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    super::logs::capture_suite();
    super::logs::register_member_names(&world);
    let fake = FakeDiscord::start_with(world).await;
    let folder = TempDir::new().expect("temporary folder");
    let database_url = database_url.map_or_else(
        || format!("sqlite://{}", folder.path().join("data/bot.db").display()),
        str::to_owned,
    );
    let mut config = test_config(&fake.base_url(), &database_url, folder.path());
    configure(&mut config);
    let (bot, stop) = start_bot(config.clone());
    let registration = match config.discord.dev_guild_id {
        Some(guild) => format!("/applications/*/guilds/{guild}/commands"),
        None => "/applications/*/commands".to_owned(),
    };
    fake.wait_for_request(Method::PUT, &registration, WAIT)
        .await;
    let store = Store::connect(&config.database.url, 2)
        .await
        .expect("open the bot's database");
    TestApp {
        fake,
        store,
        config,
        stop: Some(stop),
        bot: Some(bot),
        _folder: folder,
    }
}

/// Runs the bot in a task; sending on the returned channel asks it to shut down.
pub fn start_bot(config: Config) -> (JoinHandle<Result<(), AppError>>, oneshot::Sender<()>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let bot = tokio::spawn(async move {
        let embedded = Embedded::load().expect("embedded data");
        app::run(config, embedded, TEST_TOKEN, async {
            let _ = stopped.await;
        })
        .await
    });
    (bot, stop)
}

impl TestApp {
    /// Asks the bot to shut down as on SIGTERM and returns how its run ended.
    pub async fn shutdown(&mut self) -> Result<(), AppError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let bot = self.bot.take().expect("the bot is running");
        tokio::time::timeout(WAIT, bot)
            .await
            .expect("the bot stops within the timeout")
            .expect("the bot task did not panic")
    }

    /// Stops the bot as on SIGTERM and starts a new one on the same database and fake
    /// Discord, then waits until it has registered its commands again.
    pub async fn restart(&mut self) {
        self.shutdown()
            .await
            .expect("a clean shutdown before the restart");
        self.start_again().await;
    }

    /// Starts a bot again after [`Self::shutdown`], on the same database and fake Discord,
    /// and waits until it has registered its commands again.
    pub async fn start_again(&mut self) {
        let registrations = self
            .fake
            .requests_matching(Method::PUT, "/applications/*/commands")
            .len();
        let (bot, stop) = start_bot(self.config.clone());
        self.bot = Some(bot);
        self.stop = Some(stop);
        self.fake
            .wait_for_requests(
                Method::PUT,
                "/applications/*/commands",
                registrations + 1,
                WAIT,
            )
            .await;
    }

    /// The `PUT …/commands` body the bot registered.
    pub fn registered_commands(&self) -> Vec<serde_json::Value> {
        let put = self
            .fake
            .requests_matching(Method::PUT, "/applications/*/commands")
            .pop()
            .expect("commands were registered");
        put.body
            .and_then(|body| body.as_array().cloned())
            .expect("the PUT body is a JSON array")
    }

    /// Points the server's queue channel at `#mod-queue`, as an admin's `/config` would.
    pub async fn use_queue_channel(&self) {
        self.set_settings(&[("queue_channel", &ids::QUEUE_CHANNEL.to_string())])
            .await;
    }

    /// Sets the server's settings as the admin, through the audited path `/config` takes.
    pub async fn set_settings(&self, settings: &[(&str, &str)]) {
        let changes: Vec<_> = settings
            .iter()
            .map(|(key, value)| setting(key, value))
            .collect();
        self.store
            .change_guild_settings(
                ids::GUILD.cast_signed(),
                &changes,
                ids::ADMIN.cast_signed(),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
    }

    /// Raw SQL on the bot's own `SQLite` database, for what the store cannot read.
    pub fn db(&self) -> TestDb {
        TestDb::attach(&self.config.database.url, self.store.clone())
    }

    /// Every body the bot sent conformed to Discord's `OpenAPI` file, and every request had a
    /// route in the fake.
    pub fn assert_discord_traffic_valid(&self) {
        self.fake.assert_no_violations();
        self.fake.assert_no_unhandled_requests();
    }

    /// `/command` with `options` by `user` in `#general`, from a client in `locale`.
    pub async fn slash(
        &self,
        user: u64,
        locale: &str,
        command: &str,
        options: serde_json::Value,
    ) -> SentInteraction {
        self.fake
            .send_interaction(
                InteractionBuilder::slash_command(command, options)
                    .in_guild(&self.fake.guild(ids::GUILD), ids::GENERAL_CHANNEL, user)
                    .locale(locale),
            )
            .await
    }

    /// The immediate answer to an interaction, checked to be ephemeral: its `data`.
    pub async fn ephemeral_reply(&self, sent: &SentInteraction) -> serde_json::Value {
        let callback = self.wait_for(Method::POST, &sent.callback_path()).await;
        let body = callback.body.expect("a callback body");
        assert_eq!(body["data"]["flags"], 64, "ephemeral: {body}");
        body["data"].clone()
    }

    /// The stored case, which the test knows exists.
    pub async fn case(&self, case_id: i64) -> CaseRecord {
        self.store
            .case_by_id(case_id)
            .await
            .unwrap()
            .expect("the case is stored")
    }

    /// The stored case once `ready` holds of it (the deliveries that follow a change, such
    /// as recording the queue post's ids, run after the interaction is answered).
    pub async fn case_once(&self, case_id: i64, ready: impl Fn(&CaseRecord) -> bool) -> CaseRecord {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let case = self.case(case_id).await;
            if ready(&case) || tokio::time::Instant::now() >= deadline {
                return case;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until the outbox is empty: every delivery the changes so far caused is done.
    pub async fn settle_deliveries(&self) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.store.pending_deliveries().await.unwrap() > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "deliveries still pending"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The protective actions taken on a case, oldest first.
    pub async fn actions_of(&self, case_id: i64) -> Vec<ProtectiveActionRecord> {
        self.store
            .protective_actions_of_case(case_id)
            .await
            .unwrap()
    }

    /// The audit rows of a case, oldest first.
    pub async fn audit_of(&self, case_id: i64) -> Vec<AuditEntry> {
        self.store.audit_of_case(case_id).await.unwrap()
    }

    /// Nobody acted on the case: no protective action, no audit row.
    pub async fn assert_no_action_on(&self, case_id: i64) {
        let actions = self.actions_of(case_id).await;
        assert!(actions.is_empty(), "{actions:?}");
        let audit = self.audit_of(case_id).await;
        assert!(audit.is_empty(), "no audit row: {audit:?}");
    }

    /// `GET` on the bot's metrics listener (`[metrics] listen`): the status and the body.
    pub async fn get_endpoint(&self, path: &str) -> (u16, String) {
        let address = self.config.metrics.listen.expect("metrics.listen is set");
        let response = reqwest::get(format!("http://{address}{path}"))
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"));
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// `/metrics`, parsed by a Prometheus text parser.
    pub async fn scrape(&self) -> prometheus_parse::Scrape {
        let (status, body) = self.get_endpoint("/metrics").await;
        assert_eq!(status, 200, "{body}");
        prometheus_parse::Scrape::parse(body.lines().map(|line| Ok(line.to_owned())))
            .expect("the scrape parses as the Prometheus text format")
    }

    /// Waits until `/readyz` answers `status`; the last body.
    pub async fn wait_for_readiness(&self, status: u16) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let (answered, body) = self.get_endpoint("/readyz").await;
            if answered == status {
                return body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "/readyz still answers {answered} ({body}), not {status}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for a request, failing the test with what did arrive otherwise.
    pub async fn wait_for(&self, method: Method, pattern: &str) -> RecordedRequest {
        self.fake.wait_for_request(method, pattern, WAIT).await
    }
}

impl Drop for TestApp {
    /// Stops the bot, and fails the test if anything logged so far in the suite carries a
    /// secret (unless the test already failed).
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if !std::thread::panicking() {
            super::logs::assert_clean_logs();
        }
    }
}
