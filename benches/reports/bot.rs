//! The bot under test: the real binary as a child process, so that its CPU time and memory
//! are its own, read from `/proc`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::databases::RunDb;
use crate::fake_discord::{FakeDiscord, Method};

/// The binary every run starts, when not the one built with this benchmark (`--bot`).
static BINARY: OnceLock<PathBuf> = OnceLock::new();

/// Runs `binary` instead of the bot built with this benchmark.
pub fn use_binary(binary: PathBuf) {
    let _ = BINARY.set(binary);
}

const START_TIMEOUT: Duration = Duration::from_secs(30);
const TEST_TOKEN: &str = "MTQwNjk0MjgzNjU5MDUxMDA4Mg.GfakeA.safe-button-bench-token-not-a-secret";

pub struct Bot {
    child: Child,
    pid: u32,
    log: Option<PathBuf>,
}

/// A process's resource use at one moment, or between two.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    pub cpu_ms: f64,
    /// Peak resident memory, KiB (`VmHWM`: the process's whole life).
    pub rss_peak_kib: u64,
    pub context_switches: u64,
    /// How long the bot took to stop on SIGTERM (set by [`Bot::stop`]'s caller).
    pub stop: Duration,
}

impl Usage {
    pub fn since(&self, before: &Usage) -> Usage {
        Usage {
            cpu_ms: self.cpu_ms - before.cpu_ms,
            rss_peak_kib: self.rss_peak_kib,
            context_switches: self.context_switches - before.context_switches,
            stop: self.stop,
        }
    }
}

impl Bot {
    /// Starts the bot on `db` against `fake` and waits until it is live. With `log_sql`, it
    /// logs every SQL statement to a file [`Bot::logged_statements`] counts.
    pub async fn start(fake: &FakeDiscord, db: &RunDb, log_sql: bool) -> Bot {
        let folder = db.folder.path();
        let config = fake.bot_config(&db.url, folder);
        let log = log_sql.then(|| folder.join("bot.log"));
        // The bot logs to its standard output.
        let stdout = match &log {
            Some(path) => Stdio::from(std::fs::File::create(path).expect("a log file")),
            None => Stdio::null(),
        };
        let filter = if log_sql {
            "warn,sqlx::query=debug"
        } else {
            "warn"
        };
        let binary = BINARY
            .get()
            .map_or(env!("CARGO_BIN_EXE_safe-button").as_ref(), PathBuf::as_path);
        let mut command = Command::new(binary);
        command
            .args(["run", "--config", config.to_str().expect("a UTF-8 path")])
            .current_dir(folder)
            .env("RUST_LOG", filter)
            .stdout(stdout);
        let bot = Bot::spawn(command, log);
        fake.wait_for_request(Method::PUT, "/applications/*/commands", START_TIMEOUT)
            .await;
        fake.wait_for_live_session(START_TIMEOUT).await;
        bot
    }

    /// Starts [`crate::stack_floor`]'s bot (this benchmark's own binary) against `fake` and
    /// waits until it is live.
    pub async fn start_stack_floor(fake: &FakeDiscord) -> Bot {
        let mut command = Command::new(std::env::current_exe().expect("this benchmark"));
        command
            .args(["--stack-floor-bot", &fake.base_url()])
            .stdout(Stdio::null());
        let bot = Bot::spawn(command, None);
        fake.wait_for_live_session(START_TIMEOUT).await;
        bot
    }

    fn spawn(mut command: Command, log: Option<PathBuf>) -> Bot {
        let child = command
            .env("DISCORD_TOKEN", TEST_TOKEN)
            .env("NO_COLOR", "1")
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the bot");
        let pid = child.id().expect("a running child");
        Bot { child, pid, log }
    }

    pub fn usage(&self) -> Usage {
        Usage {
            cpu_ms: cpu_ms(&format!("/proc/{}/stat", self.pid)),
            rss_peak_kib: status_field(&format!("/proc/{}/status", self.pid), "VmHWM:"),
            context_switches: context_switches(self.pid),
            stop: Duration::ZERO,
        }
    }

    /// The statements in sqlx's log so far, each by its summary (its first words).
    pub fn logged_statements(&self) -> Vec<String> {
        let log = self.log.as_ref().expect("started with log_sql");
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter(|line| line.contains("sqlx::query"))
            .map(|line| {
                let summary = line.split("summary=\"").nth(1).unwrap_or(line);
                summary.split('"').next().unwrap_or_default().to_owned()
            })
            .collect()
    }

    /// Copies the statement log to `path`.
    pub fn copy_log(&self, path: &Path) {
        let log = self.log.as_ref().expect("started with log_sql");
        std::fs::copy(log, path).expect("copy the statement log");
    }

    /// Stops the bot as on SIGTERM; returns how long it took.
    pub async fn stop(mut self) -> Duration {
        let started = Instant::now();
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        if tokio::time::timeout(START_TIMEOUT, self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
        started.elapsed()
    }
}

/// This process's CPU time so far (the fake Discord and the driver).
pub fn own_cpu_ms() -> f64 {
    cpu_ms("/proc/self/stat")
}

/// User + system time of a process, from its `stat` (fields 14 and 15, in clock ticks of
/// 10 ms on Linux).
fn cpu_ms(stat: &str) -> f64 {
    let text = std::fs::read_to_string(stat).unwrap_or_default();
    let after_name = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |n: usize| {
        fields
            .get(n)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 * 10.0
}

fn status_field(status: &str, name: &str) -> u64 {
    std::fs::read_to_string(status)
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Voluntary and involuntary context switches of every live thread of `pid`.
fn context_switches(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .map(|task| {
            let status = task.path().join("status");
            let status = status.to_str().unwrap_or_default();
            status_field(status, "voluntary_ctxt_switches:")
                + status_field(status, "nonvoluntary_ctxt_switches:")
        })
        .sum()
}
