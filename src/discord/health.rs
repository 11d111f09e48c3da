//! Whether this process can do its work: the database answers, every shard it runs is
//! connected, and the outbox keeps up. `/readyz` and systemd's `READY=1` both ask here,
//! and `/metrics` samples its gauges (backlog, shards, pool) through the same check.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::ShardManager;
use serenity::gateway::ConnectionStage;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::BotData;
use crate::metrics::http::{self, Check, Readiness};
use crate::metrics::{self as names, Metrics};
use crate::store::Store;

/// A database that takes longer than this to count the backlog counts as unreachable.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Health {
    store: Store,
    shards: Arc<ShardManager>,
    /// The shards of the configured range; `None` when autosharded.
    configured_shards: Option<usize>,
    /// Autosharded: the most shards this process has run, which it should run again.
    most_shards_seen: AtomicUsize,
    metrics: Metrics,
    max_backlog: i64,
}

impl Health {
    pub fn new(data: &BotData, shards: Arc<ShardManager>) -> Arc<Health> {
        let configured_shards = data
            .config
            .discord
            .shards
            .map(|range| usize::try_from(range.last - range.first + 1).unwrap_or(usize::MAX));
        Arc::new(Health {
            store: data.store.clone(),
            shards,
            configured_shards,
            most_shards_seen: AtomicUsize::new(0),
            metrics: data.metrics.clone(),
            max_backlog: i64::from(data.config.metrics.ready_max_backlog),
        })
    }

    /// What keeps the process from being ready, refreshing the sampled gauges.
    pub async fn check(&self) -> Readiness {
        let mut problems = Vec::new();
        if let Some(problem) = self.check_database().await {
            problems.push(problem);
        }
        if let Some(problem) = self.check_gateway().await {
            problems.push(problem);
        }
        Readiness { problems }
    }

    /// As the metrics listener takes it.
    pub fn as_check(self: &Arc<Health>) -> Check {
        let health = Arc::clone(self);
        Arc::new(move || {
            let health = Arc::clone(&health);
            Box::pin(async move { health.check().await })
        })
    }

    async fn check_database(&self) -> Option<String> {
        let pool = self.store.pool_use();
        let idle = f64::from(u32::try_from(pool.idle).unwrap_or(u32::MAX));
        let open = f64::from(pool.open);
        self.metrics
            .set(names::DB_CONNECTIONS, &[("state", "idle")], idle);
        self.metrics
            .set(names::DB_CONNECTIONS, &[("state", "in_use")], open - idle);
        self.metrics
            .set(names::DB_MAX_CONNECTIONS, &[], f64::from(pool.max));
        let now = chrono::Utc::now();
        let counted =
            tokio::time::timeout(DATABASE_TIMEOUT, self.store.delivery_backlog(now)).await;
        let Ok(Ok(backlog)) = counted else {
            return Some("database unreachable".to_owned());
        };
        let waited = backlog
            .oldest_due_at
            .and_then(|due| (now - due).to_std().ok())
            .unwrap_or_default();
        #[allow(clippy::cast_precision_loss)] // a backlog far below 2^52
        let due = backlog.due as f64;
        self.metrics.set(names::DELIVERY_BACKLOG, &[], due);
        self.metrics.set(
            names::DELIVERY_OLDEST_DUE_SECONDS,
            &[],
            waited.as_secs_f64(),
        );
        (backlog.due > self.max_backlog).then(|| {
            format!(
                "delivery backlog: {} due, over {}",
                backlog.due, self.max_backlog
            )
        })
    }

    async fn check_gateway(&self) -> Option<String> {
        let (running, connected, slowest) = {
            let runners = self.shards.runners.lock().await;
            let connected = runners
                .values()
                .filter(|runner| runner.stage == ConnectionStage::Connected)
                .count();
            let slowest = runners.values().filter_map(|runner| runner.latency).max();
            (runners.len(), connected, slowest)
        };
        let seen = self.most_shards_seen.fetch_max(running, Ordering::Relaxed);
        let expected = self
            .configured_shards
            .unwrap_or_else(|| seen.max(running))
            .max(1);
        let count = |shards: usize| f64::from(u32::try_from(shards).unwrap_or(u32::MAX));
        self.metrics
            .set(names::GATEWAY_SHARDS, &[], count(expected));
        self.metrics
            .set(names::GATEWAY_SHARDS_CONNECTED, &[], count(connected));
        if let Some(slowest) = slowest {
            self.metrics
                .set(names::GATEWAY_LATENCY_SECONDS, &[], slowest.as_secs_f64());
        }
        (connected < expected)
            .then(|| format!("gateway: {connected} of {expected} shard(s) connected"))
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` on `listener`, in the background.
pub fn serve(listener: TcpListener, health: &Arc<Health>) -> JoinHandle<()> {
    let metrics = health.metrics.clone();
    tokio::spawn(http::serve(listener, metrics, health.as_check()))
}

/// Under systemd (`Type=notify`): says `READY=1` once the process is first ready, and pings
/// the watchdog, if one is set, for as long as the process runs.
#[cfg(unix)]
pub async fn notify_systemd(health: Arc<Health>) {
    use crate::systemd;
    const LONGEST_TICK: Duration = Duration::from_secs(1);
    let watchdog = systemd::watchdog_interval();
    let tick = watchdog.map_or(LONGEST_TICK, |every| every.min(LONGEST_TICK));
    let mut ready = false;
    loop {
        if !ready && health.check().await.is_ready() {
            ready = true;
            notify(systemd::notify("READY=1"));
        }
        match watchdog {
            Some(_) => notify(systemd::notify("WATCHDOG=1")),
            None if ready => return,
            None => {}
        }
        tokio::time::sleep(tick).await;
    }
}

#[cfg(unix)]
fn notify(sent: std::io::Result<bool>) {
    if let Err(error) = sent {
        tracing::warn!(%error, "cannot notify systemd");
    }
}
