//! The binary's command line: `run` (default), `check-config`, `migrate`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::app::{self, Embedded};
use crate::config::{self, Config, ConfigErrors};

#[derive(Debug, Parser)]
#[command(
    name = "safe-button",
    version,
    about = "A safe button against harassment, for Discord servers"
)]
pub struct Cli {
    /// The configuration file.
    #[arg(
        long,
        global = true,
        env = "SAFE_BUTTON_CONFIG",
        default_value = "bot.toml"
    )]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the bot (the default). The token comes from `DISCORD_TOKEN`.
    Run,
    /// Validate the configuration and print a summary, or every problem found.
    CheckConfig,
    /// Apply the database migrations and exit.
    Migrate,
    /// Purge what the retention settings say has expired (evidence and free text of closed
    /// cases, old statistics rows), print what was removed, and exit.
    Purge {
        /// Print what would be removed, without removing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(execute(cli))
}

async fn execute(cli: Cli) -> ExitCode {
    let embedded = match Embedded::load() {
        Ok(embedded) => embedded,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let config = match Config::load(&cli.config, &embedded.vocabulary()) {
        Ok(config) => config,
        Err(errors) => return report_config_errors(&cli, &errors),
    };
    match cli.command.as_ref().unwrap_or(&CliCommand::Run) {
        CliCommand::CheckConfig => {
            println!(
                "ok: {}\n{}\n{}",
                cli.config.display(),
                config.summary(),
                config::secrets_summary(&config, &config::process_environment)
            );
            ExitCode::SUCCESS
        }
        CliCommand::Migrate => {
            init_logging(&config);
            match app::open_store(&config).await {
                Ok(store) => {
                    store.close().await;
                    println!("ok: migrations applied ({})", store.backend_name());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        CliCommand::Purge { dry_run } => {
            init_logging(&config);
            purge(&config, &embedded, *dry_run).await
        }
        CliCommand::Run => {
            let token = match config::token_from_env() {
                Ok(token) => token,
                Err(errors) => return report_config_errors(&cli, &errors),
            };
            init_logging(&config);
            match app::run(config, embedded, &token, termination_signal()).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    tracing::error!(%error, "the bot stopped on an error");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn report_config_errors(cli: &Cli, errors: &ConfigErrors) -> ExitCode {
    eprintln!(
        "error: invalid configuration ({}): {} problem(s)",
        cli.config.display(),
        errors.0.len()
    );
    for error in &errors.0 {
        eprintln!("  - {error}");
    }
    ExitCode::FAILURE
}

/// `RUST_LOG` when it is a valid filter, else `logging.level`; capped by the bot's filter.
fn init_logging(config: &Config) {
    let spec = std::env::var(EnvFilter::DEFAULT_ENV)
        .ok()
        .filter(|spec| EnvFilter::try_new(spec).is_ok())
        .unwrap_or_else(|| config.logging.level.clone());
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let subscriber =
        crate::logging::subscriber(config.logging.format, &spec, std::io::stdout, ansi);
    if let Err(error) = tracing_subscriber::util::SubscriberInitExt::try_init(subscriber) {
        eprintln!("warning: logging not set up: {error}");
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this is called,
/// not when first awaited, so a signal during start-up (migrations, connecting) still stops
/// the bot cleanly instead of killing it.
#[cfg(unix)]
fn termination_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        match (interrupt, terminate) {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
            }
            (interrupt, terminate) => {
                let error = interrupt.err().or(terminate.err());
                tracing::warn!(?error, "cannot listen for signals; falling back to Ctrl-C");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

#[cfg(not(unix))]
fn termination_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `safe-button purge [--dry-run]`.
async fn purge(config: &Config, embedded: &Embedded, dry_run: bool) -> ExitCode {
    let store = match app::open_store(config).await {
        Ok(store) => store,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let purged = store
        .purge_expired(
            &config.server_defaults,
            &embedded.vocabulary(),
            chrono::Utc::now(),
            dry_run,
        )
        .await;
    store.close().await;
    match purged {
        Ok(None) => {
            eprintln!("another process is purging right now; nothing was done");
            ExitCode::FAILURE
        }
        Ok(Some(report)) => {
            let verb = if dry_run { "would remove" } else { "removed" };
            println!(
                "{}: {verb} the evidence and free text of {} closed case(s) \
                 ({} evidence row(s), {} report detail(s), {} question(s) to reporters) \
                 and {} statistics row(s)",
                if dry_run { "dry run" } else { "ok" },
                report.case_ids.len(),
                report.evidence_rows,
                report.report_details,
                report.question_texts,
                report.statistics_rows
            );
            println!(
                "{verb} {} abandoned context-menu report(s) and {} report-to-statistics link(s)",
                report.pending_reports, report.statistics_links
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
