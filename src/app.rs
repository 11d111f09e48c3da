//! Starting and stopping the bot: the library entry point the binary and the tests share.

use std::future::Future;
use std::sync::Arc;

use poise::serenity_prelude as serenity;
use tokio_util::task::TaskTracker;

use crate::config::{Config, ShardRange};
use crate::discord::health::{self, Health};
use crate::discord::in_flight::{self, TrackedFramework};
use crate::discord::rest_forwarder::RestForwarder;
use crate::discord::{
    BotData, BotError, commands, deliveries, error, events, onboarding, registration, retention,
};
use crate::domain::helpline::{HelplineDataError, HelplineDirectory};
use crate::domain::settings::Vocabulary;
use crate::i18n::{I18nError, Texts};
use crate::metrics::Metrics;
use crate::store::{Store, StoreError};

/// How long shutdown waits for events being handled.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(15);

/// What the bot listens to. No privileged intent: `MESSAGE_CREATE` still carries `mentions`
/// and `referenced_message` (all the contact shield needs) without the content intent.
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::GUILD_MODERATION
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("texts: {0}")]
    Texts(#[from] I18nError),
    #[error("helpline data: {0}")]
    Helplines(#[from] HelplineDataError),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    PseudonymKey(#[from] crate::pseudonym_key::KeyError),
    #[error("cannot start the REST forwarder: {0}")]
    Forwarder(std::io::Error),
    #[error("cannot listen on metrics.listen: {0}")]
    MetricsListener(std::io::Error),
    #[error("Discord: {0}")]
    Discord(Box<serenity::Error>),
}

impl From<serenity::Error> for AppError {
    fn from(error: serenity::Error) -> Self {
        AppError::Discord(Box::new(error))
    }
}

/// Data embedded in the binary, parsed and checked once at start.
pub struct Embedded {
    pub texts: Arc<Texts>,
    pub helplines: Arc<HelplineDirectory>,
}

impl Embedded {
    pub fn load() -> Result<Embedded, AppError> {
        Ok(Embedded {
            texts: Arc::new(Texts::embedded()?),
            helplines: Arc::new(HelplineDirectory::embedded()?),
        })
    }

    /// The values a setting may take in this build.
    pub fn vocabulary(&self) -> Vocabulary {
        Vocabulary {
            locales: self.texts.shipped(),
            countries: self.helplines.country_codes().map(str::to_owned).collect(),
        }
    }
}

/// Opens the configured database and applies the pending migrations.
pub async fn open_store(config: &Config) -> Result<Store, AppError> {
    let store = Store::connect(&config.database.url, config.database.max_connections).await?;
    store.migrate().await?;
    tracing::info!(backend = store.backend_name(), "database ready");
    Ok(store)
}

/// Runs the bot until `shutdown` completes (or the gateway gives up), then closes the shards
/// and the database and returns. `config` must already be validated.
pub async fn run(
    config: Config,
    embedded: Embedded,
    token: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), AppError> {
    // Bound first: a taken port stops the bot before it connects anywhere.
    let listener = match config.metrics.listen {
        Some(address) => Some(
            tokio::net::TcpListener::bind(address)
                .await
                .map_err(AppError::MetricsListener)?,
        ),
        None => None,
    };
    let metrics = if listener.is_some() {
        Metrics::recording()
    } else {
        Metrics::default()
    };
    let store = open_store(&config).await?.with_metrics(metrics.clone());
    let running = Running {
        embedded,
        store: store.clone(),
        metrics,
        listener,
    };
    let outcome = run_client(config, running, token, shutdown).await;
    store.close().await;
    outcome
}

/// What `run` set up before the client.
struct Running {
    embedded: Embedded,
    store: Store,
    metrics: Metrics,
    listener: Option<tokio::net::TcpListener>,
}

async fn run_client(
    config: Config,
    running: Running,
    token: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), AppError> {
    let Running {
        embedded,
        store,
        metrics,
        listener,
    } = running;
    let config = Arc::new(config);
    // Kept alive for as long as the client runs.
    let (http, _forwarder) = http_client(&config, token, &metrics).await?;
    let mut commands = commands::all();
    for missing in registration::localize(&mut commands, &embedded.texts) {
        tracing::warn!(%missing, "command text missing");
    }
    let dev_guild = config.discord.dev_guild_id.map(serenity::GuildId::new);
    let shards = config.discord.shards;
    let data = bot_data(config, embedded, store, metrics).await?;
    let retention_data = data.clone();
    let tasks = data.tasks.clone();
    let framework = TrackedFramework::new(framework(commands, data, dev_guild), tasks.clone());
    let client = serenity::ClientBuilder::new_with_http(http.build(), intents())
        .framework(framework)
        .await?;
    let health = Health::new(&retention_data, Arc::clone(&client.shard_manager));
    let endpoints = listener.map(|listener| health::serve(listener, &health));
    #[cfg(unix)]
    let notifier = crate::systemd::is_supervised()
        .then(|| tokio::spawn(health::notify_systemd(Arc::clone(&health))));
    let outcome = run_until_shutdown(client, shards, shutdown, retention_data, &tasks).await;
    #[cfg(unix)]
    notifier.inspect(tokio::task::JoinHandle::abort);
    endpoints.inspect(tokio::task::JoinHandle::abort);
    outcome
}

/// The REST client; through a local forwarder when the configuration names another Discord
/// API base (the forwarder must outlive the client).
async fn http_client(
    config: &Config,
    token: &str,
    metrics: &Metrics,
) -> Result<(serenity::HttpBuilder, Option<RestForwarder>), AppError> {
    let http = serenity::HttpBuilder::new(token);
    let Some(api_base) = &config.discord.api_base else {
        return Ok((http, None));
    };
    let forwarder = RestForwarder::start(api_base.clone(), metrics.clone())
        .await
        .map_err(AppError::Forwarder)?;
    let http = http.proxy(forwarder.base()).ratelimiter_disabled(true);
    tracing::info!(%api_base, "using another Discord API base");
    Ok((http, Some(forwarder)))
}

/// What every handler shares, with the shields that were running when the bot stopped
/// (they keep running).
async fn bot_data(
    config: Arc<Config>,
    embedded: Embedded,
    store: Store,
    metrics: Metrics,
) -> Result<BotData, AppError> {
    let pseudonyms = crate::pseudonym_key::from_environment(&config.statistics.pseudonym_key_file)?;
    let data = BotData {
        vocabulary: embedded.vocabulary(),
        config,
        texts: embedded.texts,
        helplines: embedded.helplines,
        store,
        pseudonyms,
        shields: Arc::default(),
        case_locks: Arc::default(),
        tasks: TaskTracker::new(),
        deliveries: Arc::default(),
        dm_channels: Arc::default(),
        metrics,
    };
    data.shields
        .load(data.store.active_shields(chrono::Utc::now()).await?);
    Ok(data)
}

/// The poise framework: the commands, the error and event handlers, and the setup that
/// registers the commands once connected.
fn framework(
    commands: Vec<poise::Command<BotData, BotError>>,
    data: BotData,
    dev_guild: Option<serenity::GuildId>,
) -> poise::Framework<BotData, BotError> {
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands,
            on_error: |error| Box::pin(error::on_error(error)),
            event_handler: |framework, event| {
                Box::pin(events::handle(
                    framework.serenity_context,
                    event,
                    framework.user_data,
                ))
            },
            // The setup checklist, once per server, to the first admin (SPEC §6).
            post_command: |ctx| Box::pin(onboarding::after_command(ctx)),
            initialize_owners: false,
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                // The bot's id, not its name: no user name is logged.
                tracing::info!(user_id = %ready.user.id, guilds = ready.guilds.len(), "connected");
                // In the background: poise holds every event until setup returns, and a
                // failed registration must not leave the bot deaf.
                let http = Arc::clone(&ctx.http);
                let bodies = registration::application_commands(&framework.options().commands);
                tokio::spawn(registration::register_with_retries(http, bodies, dev_guild));
                Ok::<_, BotError>(data)
            })
        })
        .build()
}

/// Runs the client on `shards` (all of them when `None`), and the hourly retention purge
/// beside it, until `shutdown` completes or the gateway gives up; then lets the events
/// already received finish.
async fn run_until_shutdown(
    mut client: serenity::Client,
    shards: Option<ShardRange>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    retention_data: BotData,
    tasks: &TaskTracker,
) -> Result<(), AppError> {
    let shard_manager = Arc::clone(&client.shard_manager);
    let stopper = tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down");
        shard_manager.shutdown_all().await;
    });
    let worker = tokio::spawn(deliveries::run(
        Arc::clone(&client.http),
        Arc::clone(&client.cache),
        retention_data.clone(),
    ));
    let retention = tokio::spawn(retention::purge_every_hour(retention_data));
    let outcome = match shards {
        // serenity's range includes its end: `first..last` starts shard `last` too.
        Some(range) => {
            tracing::info!(%range, "starting");
            client
                .start_shard_range(range.first..range.last, range.total)
                .await
        }
        None => client.start_autosharded().await,
    };
    stopper.abort();
    retention.abort();
    // Deliveries in progress finish below; the others wait in the outbox for the next start.
    worker.abort();
    // Events already received finish (a report is stored and answered) before the database
    // and the REST forwarder close.
    if !in_flight::wait_idle(tasks, SHUTDOWN_GRACE).await {
        tracing::warn!("shutting down with work still in progress");
    }
    outcome?;
    tracing::info!("stopped");
    Ok(())
}
