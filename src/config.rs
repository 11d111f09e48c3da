//! `bot.toml`: loading and validation (SPEC §8).
//!
//! Every problem is reported at once, each naming its key and the value expected, so an
//! operator fixes the file in one pass. The bot token never lives here (it comes from
//! `DISCORD_TOKEN`), nor does the pseudonym key (a file of its own, or
//! `SAFE_BUTTON_PSEUDONYM_KEY`). One secret may: a PostgreSQL `database.url` can carry a
//! password, so it can come from `SAFE_BUTTON_DATABASE_URL` instead, which wins over the
//! file; the configuration summary names where each value came from, hides the password
//! (`redact_password`) and never prints a secret, and the validation errors do not repeat
//! the URL.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;
use tracing_subscriber::EnvFilter;
use url::Url;

use crate::domain::evidence::{Bounds, TypePattern, parse_size};
use crate::domain::settings::{
    InvalidValue, SettingKey, Settings, ValueKind, Vocabulary, parse_duration_within,
};
use crate::logging::LogFormat;

/// The environment variable holding the bot token.
pub const TOKEN_VARIABLE: &str = "DISCORD_TOKEN";
/// The environment variable that, when set, replaces `database.url`.
pub const DATABASE_URL_VARIABLE: &str = "SAFE_BUTTON_DATABASE_URL";

/// The process's environment variables, or a test's.
pub type Environment<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process's environment; a variable set to blanks counts as unset.
pub fn process_environment(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// Where a configuration value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    File,
    Variable(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File => write!(f, "from the configuration file"),
            Source::Variable(name) => write!(f, "from {name}"),
        }
    }
}

/// A validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub discord: DiscordConfig,
    pub database: DatabaseConfig,
    pub statistics: StatisticsConfig,
    pub anti_abuse: AntiAbuseConfig,
    pub logging: LoggingConfig,
    pub metrics: MetricsConfig,
    /// What attachments of reported messages are preserved.
    pub evidence: Bounds,
    pub server_defaults: Settings,
}

#[derive(Clone, Debug)]
pub struct DiscordConfig {
    /// Another API base (rate-limiting proxy, local fake); `None` is Discord itself.
    pub api_base: Option<Url>,
    /// Register commands in this server only, for development.
    pub dev_guild_id: Option<u64>,
    /// The shards this process runs; `None`: all of them, as many as Discord recommends.
    pub shards: Option<ShardRange>,
}

/// Shards `first..=last` of `total`, for one of several processes sharing the bot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl fmt::Display for ShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "shard {} of {}", self.first, self.total)
        } else {
            write!(f, "shards {}-{} of {}", self.first, self.last, self.total)
        }
    }
}

#[derive(Clone, Debug)]
pub struct DatabaseConfig {
    /// May hold a PostgreSQL password: print it only through `redact_password`.
    pub url: String,
    pub url_source: Source,
    pub max_connections: u32,
}

#[derive(Clone, Debug)]
pub struct StatisticsConfig {
    pub pseudonym_key_file: PathBuf,
    pub min_published_count: u32,
}

#[derive(Clone, Debug)]
pub struct AntiAbuseConfig {
    pub merge_window: Duration,
    pub reports_per_hour: u32,
    pub min_membership_age: Duration,
}

#[derive(Clone, Debug)]
pub struct LoggingConfig {
    pub level: String,
    pub format: LogFormat,
}

#[derive(Clone, Debug)]
pub struct MetricsConfig {
    /// Where `/metrics`, `/healthz` and `/readyz` are served; `None`: no listener.
    pub listen: Option<SocketAddr>,
    /// Above this many due deliveries, `/readyz` says the process is not ready.
    pub ready_max_backlog: u32,
}

/// `/readyz`'s backlog bound when `metrics.ready_max_backlog` is left out.
const DEFAULT_READY_MAX_BACKLOG: i64 = 1000;

/// One problem in the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Dotted key, e.g. `server_defaults.timezone`.
    pub key: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.key, self.message)
    }
}

/// All the problems found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl ConfigErrors {
    fn single(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigErrors(vec![ConfigError {
            key: key.into(),
            message: message.into(),
        }])
    }
}

#[derive(Deserialize)]
struct RawConfig {
    discord: RawDiscord,
    database: RawDatabase,
    statistics: RawStatistics,
    anti_abuse: RawAntiAbuse,
    logging: RawLogging,
    #[serde(default)]
    metrics: RawMetrics,
    #[serde(default)]
    evidence: RawEvidence,
    server_defaults: toml::Table,
}

#[derive(Deserialize)]
struct RawDiscord {
    api_base: Option<String>,
    dev_guild_id: Option<i64>,
    /// `"a-b"`, `"n"` or `n`.
    shards: Option<toml::Value>,
    shard_total: Option<i64>,
}

#[derive(Deserialize)]
struct RawDatabase {
    /// May be left out when `SAFE_BUTTON_DATABASE_URL` is set.
    url: Option<String>,
    max_connections: i64,
}

#[derive(Deserialize)]
struct RawStatistics {
    pseudonym_key_file: String,
    min_published_count: i64,
}

#[derive(Deserialize)]
struct RawAntiAbuse {
    merge_window: String,
    reports_per_hour: i64,
    min_membership_age: String,
}

#[derive(Deserialize)]
struct RawLogging {
    level: String,
    format: Option<String>,
}

#[derive(Default, Deserialize)]
struct RawEvidence {
    max_file_size: Option<String>,
    max_report_size: Option<String>,
    allowed_types: Option<Vec<String>>,
}

/// `[evidence]` defaults: room for photos, screenshots, short videos and PDFs.
const DEFAULT_MAX_FILE_SIZE: &str = "25MiB";
const DEFAULT_MAX_REPORT_SIZE: &str = "50MiB";
const DEFAULT_ALLOWED_TYPES: [&str; 3] = ["image/*", "video/*", "application/pdf"];
/// The largest bound accepted: what one database row should hold.
const MAX_EVIDENCE_SIZE: u64 = 512 * 1024 * 1024;

#[derive(Default, Deserialize)]
struct RawMetrics {
    listen: Option<String>,
    ready_max_backlog: Option<i64>,
}

impl Config {
    /// Reads and validates a configuration file, with the process's environment's overrides.
    pub fn load(path: &Path, vocabulary: &Vocabulary) -> Result<Config, ConfigErrors> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            ConfigErrors::single(
                path.display().to_string(),
                format!("cannot read the configuration file: {error}"),
            )
        })?;
        Config::parse_with(&text, vocabulary, &process_environment)
    }

    /// Validates a configuration given as TOML text, without environment overrides.
    pub fn parse(text: &str, vocabulary: &Vocabulary) -> Result<Config, ConfigErrors> {
        Config::parse_with(text, vocabulary, &|_| None)
    }

    /// Validates a configuration given as TOML text, with the overrides `environment` holds.
    pub fn parse_with(
        text: &str,
        vocabulary: &Vocabulary,
        environment: Environment<'_>,
    ) -> Result<Config, ConfigErrors> {
        let mut unknown_keys = Vec::new();
        let deserializer = toml::Deserializer::parse(text).map_err(|error| syntax_error(&error))?;
        let raw: Result<RawConfig, _> = serde_ignored::deserialize(deserializer, |path| {
            unknown_keys.push(path.to_string());
        });
        let mut errors: Vec<ConfigError> = unknown_keys
            .into_iter()
            .map(|key| ConfigError {
                key,
                message:
                    "unknown key; remove it or check its spelling against the documented bot.toml"
                        .into(),
            })
            .collect();
        let raw = match raw {
            Ok(raw) => raw,
            Err(error) => {
                errors.extend(syntax_error(&error).0);
                return Err(ConfigErrors(errors));
            }
        };
        let mut check = Checker {
            errors,
            vocabulary,
            environment,
        };
        let config = check.config(raw);
        match config {
            Some(config) if check.errors.is_empty() => Ok(config),
            _ => Err(ConfigErrors(check.errors)),
        }
    }

    /// A short human summary for `check-config`.
    pub fn summary(&self) -> String {
        let api = self
            .discord
            .api_base
            .as_ref()
            .map_or_else(|| "Discord".to_owned(), Url::to_string);
        let commands = self
            .discord
            .dev_guild_id
            .map_or_else(|| "global".to_owned(), |id| format!("server {id} only"));
        let shards = self.discord.shards.map_or_else(
            || "all, as many as Discord recommends".to_owned(),
            |range| range.to_string(),
        );
        let metrics = self.metrics.listen.map_or_else(
            || "off".to_owned(),
            |address| format!("http://{address}/metrics, /healthz, /readyz"),
        );
        format!(
            "API: {api}\ncommands: {commands}\ngateway: {shards}\ndatabase: {} ({})\nlogs: {}, {}\nmetrics: {metrics}\ndefault language: {}, timezone: {}, helpline country: {}",
            redact_password(&self.database.url),
            self.database.url_source,
            self.logging.level,
            self.logging.format,
            self.server_defaults.language(),
            self.server_defaults.timezone(),
            self.server_defaults.helpline_country(),
        )
    }
}

/// Hides a password in a database URL before it is printed.
fn redact_password(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

fn syntax_error(error: &toml::de::Error) -> ConfigErrors {
    ConfigErrors::single("bot.toml", error.to_string().trim_end().to_owned())
}

struct Checker<'a> {
    errors: Vec<ConfigError>,
    vocabulary: &'a Vocabulary,
    environment: Environment<'a>,
}

impl Checker<'_> {
    fn fail(&mut self, key: &str, message: impl Into<String>) {
        self.errors.push(ConfigError {
            key: key.to_owned(),
            message: message.into(),
        });
    }

    fn config(&mut self, raw: RawConfig) -> Option<Config> {
        let discord = self.discord(&raw.discord);
        let database = self.database(&raw.database);
        let statistics = self.statistics(&raw.statistics);
        let anti_abuse = self.anti_abuse(&raw.anti_abuse);
        let logging = self.logging(raw.logging);
        let metrics = self.metrics(&raw.metrics);
        let evidence = self.evidence(&raw.evidence);
        let server_defaults = self.server_defaults(&raw.server_defaults);
        Some(Config {
            discord: discord?,
            database: database?,
            statistics: statistics?,
            anti_abuse: anti_abuse?,
            logging: logging?,
            metrics: metrics?,
            evidence: evidence?,
            server_defaults: server_defaults?,
        })
    }

    fn discord(&mut self, raw: &RawDiscord) -> Option<DiscordConfig> {
        let api_base = match raw.api_base.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(text) => match parse_api_base(text) {
                Ok(url) => Some(Some(url)),
                Err(message) => {
                    self.fail("discord.api_base", message);
                    None
                }
            },
        };
        let dev_guild_id = match raw.dev_guild_id {
            None => Some(None),
            Some(id) if id > 0 => Some(Some(id.cast_unsigned())),
            Some(_) => {
                self.fail(
                    "discord.dev_guild_id",
                    "expected a Discord server ID (a positive number), or remove the key to register commands globally",
                );
                None
            }
        };
        let shards = self.shards(raw).ok();
        Some(DiscordConfig {
            api_base: api_base?,
            dev_guild_id: dev_guild_id?,
            shards: shards?,
        })
    }

    /// `discord.shards` and `discord.shard_total`: both, or neither (autosharded). `Err`
    /// once the problem is recorded.
    fn shards(&mut self, raw: &RawDiscord) -> Result<Option<ShardRange>, ()> {
        const SHARDS: &str = "discord.shards";
        const TOTAL: &str = "discord.shard_total";
        let (shards, total) = match (&raw.shards, raw.shard_total) {
            (None, None) => return Ok(None),
            (Some(shards), Some(total)) => (shards, total),
            (Some(_), None) => {
                self.fail(
                    TOTAL,
                    "missing: set it with discord.shards, to the number of shards of all the processes together",
                );
                return Err(());
            }
            (None, Some(_)) => {
                self.fail(
                    SHARDS,
                    "missing: set it with discord.shard_total, to this process's shards (\"0-3\" or \"2\")",
                );
                return Err(());
            }
        };
        let total = self.integer(TOTAL, total, 1, MAX_SHARDS).ok_or(())?;
        let total = u32::try_from(total).map_err(|_| ())?;
        match parse_shard_range(shards, total) {
            Ok(range) => Ok(Some(range)),
            Err(message) => {
                self.fail(SHARDS, message);
                Err(())
            }
        }
    }

    fn database(&mut self, raw: &RawDatabase) -> Option<DatabaseConfig> {
        let url = self.database_url(raw);
        let max_connections = self.integer("database.max_connections", raw.max_connections, 1, 100);
        let (url, url_source) = url?;
        Some(DatabaseConfig {
            url,
            url_source,
            max_connections: u32::try_from(max_connections?).ok()?,
        })
    }

    /// `SAFE_BUTTON_DATABASE_URL` if set, else `database.url`; a problem is named after
    /// where the URL came from, and never repeats it (it may hold a password).
    fn database_url(&mut self, raw: &RawDatabase) -> Option<(String, Source)> {
        let (url, source, key) = match ((self.environment)(DATABASE_URL_VARIABLE), &raw.url) {
            (Some(url), _) => (
                url,
                Source::Variable(DATABASE_URL_VARIABLE),
                DATABASE_URL_VARIABLE,
            ),
            (None, Some(url)) => (url.clone(), Source::File, "database.url"),
            (None, None) => {
                self.fail(
                    "database.url",
                    format!("missing: set it here, or set {DATABASE_URL_VARIABLE}"),
                );
                return None;
            }
        };
        let url = url.trim();
        let is_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        if !is_postgres && !url.starts_with("sqlite:") {
            self.fail(
                key,
                "expected a URL starting with sqlite: (e.g. \"sqlite://data/safe-button.db\") or postgres://",
            );
            return None;
        }
        if is_postgres && let Err(error) = sqlx::postgres::PgConnectOptions::from_str(url) {
            self.fail(
                key,
                format!("expected a valid postgres://USER:PASSWORD@HOST/DATABASE URL ({error})"),
            );
            return None;
        }
        Some((url.to_owned(), source))
    }

    fn statistics(&mut self, raw: &RawStatistics) -> Option<StatisticsConfig> {
        let key_file = raw.pseudonym_key_file.trim();
        if key_file.is_empty() {
            self.fail(
                "statistics.pseudonym_key_file",
                "expected the path of the pseudonym key file (created on first run)",
            );
        }
        let min_published_count = self.integer(
            "statistics.min_published_count",
            raw.min_published_count,
            2,
            100,
        );
        Some(StatisticsConfig {
            pseudonym_key_file: (!key_file.is_empty()).then(|| PathBuf::from(key_file))?,
            min_published_count: u32::try_from(min_published_count?).ok()?,
        })
    }

    fn anti_abuse(&mut self, raw: &RawAntiAbuse) -> Option<AntiAbuseConfig> {
        const MINUTE: Duration = Duration::from_mins(1);
        const DAY: Duration = Duration::from_hours(24);
        let merge_window = self.duration(
            "anti_abuse.merge_window",
            &raw.merge_window,
            10 * MINUTE,
            30 * DAY,
        );
        let reports_per_hour =
            self.integer("anti_abuse.reports_per_hour", raw.reports_per_hour, 1, 100);
        let min_membership_age = self.duration(
            "anti_abuse.min_membership_age",
            &raw.min_membership_age,
            Duration::ZERO,
            30 * DAY,
        );
        Some(AntiAbuseConfig {
            merge_window: merge_window?,
            reports_per_hour: u32::try_from(reports_per_hour?).ok()?,
            min_membership_age: min_membership_age?,
        })
    }

    fn logging(&mut self, raw: RawLogging) -> Option<LoggingConfig> {
        // A bare word that is not a level parses as a target name ("inof" would silence
        // every log), so each directive must be a level or `target=level`.
        const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
        let directives_ok = raw.level.split(',').all(|directive| {
            let directive = directive.trim();
            directive.contains('=') || LEVELS.contains(&directive.to_ascii_lowercase().as_str())
        });
        let format = match raw.format.as_deref().map(str::trim) {
            None | Some("human") => Some(LogFormat::Human),
            Some("json") => Some(LogFormat::Json),
            Some(_) => {
                self.fail(
                    "logging.format",
                    "expected \"human\" (the default) or \"json\" (one JSON object a line)",
                );
                None
            }
        };
        let level = match EnvFilter::try_new(&raw.level) {
            Ok(_) if directives_ok => Some(raw.level),
            _ => {
                self.fail(
                    "logging.level",
                    "expected a log level (error, warn, info, debug, trace) or a tracing filter such as \"safe_button=debug,info\"",
                );
                None
            }
        };
        Some(LoggingConfig {
            level: level?,
            format: format?,
        })
    }

    fn metrics(&mut self, raw: &RawMetrics) -> Option<MetricsConfig> {
        let listen = raw
            .listen
            .as_deref()
            .map(str::trim)
            .map(str::parse::<SocketAddr>);
        if let Some(Err(_)) = listen {
            self.fail(
                "metrics.listen",
                "expected an IP address and port such as \"127.0.0.1:9464\"",
            );
        }
        let backlog = raw.ready_max_backlog.unwrap_or(DEFAULT_READY_MAX_BACKLOG);
        let backlog = self.integer("metrics.ready_max_backlog", backlog, 1, 1_000_000);
        Some(MetricsConfig {
            listen: listen.transpose().ok()?,
            ready_max_backlog: u32::try_from(backlog?).ok()?,
        })
    }

    fn evidence(&mut self, raw: &RawEvidence) -> Option<Bounds> {
        let mut size = |key: &str, text: Option<&str>, default: &str| {
            let text = text.unwrap_or(default);
            let parsed = parse_size(text).filter(|&size| (1..=MAX_EVIDENCE_SIZE).contains(&size));
            if parsed.is_none() {
                self.fail(
                    key,
                    format!("expected a size from 1B to 512MiB, such as \"25MiB\", \"500KiB\" or \"4096B\" (got \"{text}\")"),
                );
            }
            parsed
        };
        let max_file = size(
            "evidence.max_file_size",
            raw.max_file_size.as_deref(),
            DEFAULT_MAX_FILE_SIZE,
        );
        let max_report = size(
            "evidence.max_report_size",
            raw.max_report_size.as_deref(),
            DEFAULT_MAX_REPORT_SIZE,
        );
        let types: Vec<String> = raw.allowed_types.clone().unwrap_or_else(|| {
            DEFAULT_ALLOWED_TYPES
                .iter()
                .map(|&t| t.to_owned())
                .collect()
        });
        let patterns: Option<Vec<TypePattern>> =
            types.iter().map(|t| TypePattern::parse(t)).collect();
        if patterns.is_none() {
            self.fail(
                "evidence.allowed_types",
                "expected content types such as \"image/*\" or \"application/pdf\" (type/subtype, or type/* for every subtype)",
            );
        }
        if let (Some(file), Some(report)) = (max_file, max_report)
            && report < file
        {
            self.fail(
                "evidence.max_report_size",
                "must be at least evidence.max_file_size",
            );
            return None;
        }
        Some(Bounds {
            max_file_bytes: max_file?,
            max_report_bytes: max_report?,
            allowed_types: patterns?,
        })
    }

    fn server_defaults(&mut self, table: &toml::Table) -> Option<Settings> {
        let mut values = BTreeMap::new();
        for (name, value) in table {
            let key_path = format!("server_defaults.{name}");
            let key = match name.parse::<SettingKey>() {
                Ok(key) if key.has_bot_default() => key,
                Ok(_) => {
                    self.fail(&key_path, "is set per server with /config, not in bot.toml");
                    continue;
                }
                Err(_) => {
                    let known: Vec<&str> = SettingKey::ALL
                        .into_iter()
                        .filter(|key| key.has_bot_default())
                        .map(SettingKey::as_str)
                        .collect();
                    self.fail(
                        &key_path,
                        format!("unknown key; expected one of: {}", known.join(", ")),
                    );
                    continue;
                }
            };
            match toml_value_text(key, value).and_then(|text| key.parse(&text, self.vocabulary)) {
                Ok(parsed) => {
                    values.insert(key, parsed);
                }
                Err(invalid) => self.fail(&key_path, format!("{invalid} (got {value})")),
            }
        }
        for key in SettingKey::ALL {
            if key.has_bot_default() && !table.contains_key(key.as_str()) {
                self.fail(
                    &format!("server_defaults.{key}"),
                    "missing; every server default must be set",
                );
            }
        }
        Settings::from_defaults(values).ok()
    }

    fn integer(&mut self, key: &str, value: i64, min: i64, max: i64) -> Option<i64> {
        if (min..=max).contains(&value) {
            Some(value)
        } else {
            self.fail(
                key,
                format!("expected a whole number from {min} to {max} (got {value})"),
            );
            None
        }
    }

    fn duration(
        &mut self,
        key: &str,
        text: &str,
        min: Duration,
        max: Duration,
    ) -> Option<Duration> {
        match parse_duration_within(text, min, max) {
            Ok(duration) => Some(duration),
            Err(invalid) => {
                self.fail(key, format!("{invalid} (got \"{text}\")"));
                None
            }
        }
    }
}

/// TOML types must match the setting's kind: `true`, not `"true"`; `90`, not `"90"`.
fn toml_value_text(key: SettingKey, value: &toml::Value) -> Result<String, InvalidValue> {
    match (key.kind(), value) {
        (ValueKind::Bool, toml::Value::Boolean(flag)) => Ok(flag.to_string()),
        (ValueKind::Bool, _) => Err(InvalidValue::NotABool),
        (ValueKind::Integer { .. }, toml::Value::Integer(number)) => Ok(number.to_string()),
        (ValueKind::Integer { .. }, _) => Err(InvalidValue::NotAnInteger),
        (_, toml::Value::String(text)) => Ok(text.clone()),
        (ValueKind::Duration { .. }, _) => Err(InvalidValue::NotADuration),
        (ValueKind::Timezone, _) => Err(InvalidValue::UnknownTimezone),
        (ValueKind::Locale, _) => Err(InvalidValue::UnknownLocale {
            shipped: Vec::new(),
        }),
        (ValueKind::Country, _) => Err(InvalidValue::UnknownCountry {
            available: Vec::new(),
        }),
        (ValueKind::Channel | ValueKind::Role, _) => Err(InvalidValue::NotASnowflake),
    }
}

/// More shards than any bot has (Discord allows one per 1,000 to 2,500 servers or so).
const MAX_SHARDS: i64 = 65_536;

/// `"a-b"` (from shard a to shard b included), `"n"` or `n`, within `0..total`.
fn parse_shard_range(value: &toml::Value, total: u32) -> Result<ShardRange, String> {
    let expected = format!(
        "expected this process's shards within 0-{}: \"a-b\" (a to b included) or one number (got {value})",
        total - 1
    );
    let text = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Integer(number) => number.to_string(),
        _ => return Err(expected),
    };
    let shard = |part: &str| part.trim().parse::<u32>().ok();
    let (first, last) = match text.split_once('-') {
        Some((first, last)) => (shard(first), shard(last)),
        None => (shard(&text), shard(&text)),
    };
    match (first, last) {
        (Some(first), Some(last)) if first <= last && last < total => {
            Ok(ShardRange { first, last, total })
        }
        _ => Err(expected),
    }
}

/// The API base is a scheme and host (and port): serenity appends `/api/v10/...` itself.
fn parse_api_base(text: &str) -> Result<Url, String> {
    const EXPECTED: &str =
        "expected an http(s) URL with a host and no path, e.g. \"http://127.0.0.1:8080\"";
    let url = Url::parse(text).map_err(|error| format!("{EXPECTED} ({error})"))?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && matches!(url.path(), "" | "/")
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty();
    if plain {
        Ok(url)
    } else {
        Err(format!("{EXPECTED} (got \"{text}\")"))
    }
}

/// Reads the bot token from the environment, with a clear error instead of a panic.
pub fn token_from_env() -> Result<String, ConfigErrors> {
    token_from(&process_environment)
}

/// The bot token `environment` holds, checked for its form.
fn token_from(environment: Environment<'_>) -> Result<String, ConfigErrors> {
    let token = environment(TOKEN_VARIABLE).unwrap_or_default();
    let token = token.trim();
    if token.is_empty() {
        return Err(ConfigErrors::single(
            TOKEN_VARIABLE,
            "is not set: export the bot token from the Discord developer portal (Bot → Reset Token)",
        ));
    }
    if serenity::utils::validate_token(token).is_err() {
        return Err(ConfigErrors::single(
            TOKEN_VARIABLE,
            "does not look like a Discord bot token (three dot-separated parts)",
        ));
    }
    Ok(token.to_owned())
}

/// `check-config`'s lines about the secrets kept out of the file: where each comes from,
/// never its value.
pub fn secrets_summary(config: &Config, environment: Environment<'_>) -> String {
    let token = match token_from(environment) {
        Ok(_) => format!("set (from {TOKEN_VARIABLE})"),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    };
    let key_variable = crate::pseudonym_key::KEY_VARIABLE;
    let key = match environment(key_variable) {
        Some(_) => format!("from {key_variable}"),
        None => format!(
            "from the file {} (created on first run; {key_variable} would win)",
            config.statistics.pseudonym_key_file.display()
        ),
    };
    format!("bot token: {token}\npseudonym key: {key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPOSITORY_BOT_TOML: &str = include_str!("../bot.toml");

    fn vocabulary() -> Vocabulary {
        Vocabulary {
            locales: vec!["fr".into(), "en-US".into(), "en-GB".into()],
            countries: vec!["fr".into()],
        }
    }

    fn keys_of(result: Result<Config, ConfigErrors>) -> Vec<String> {
        result
            .expect_err("configuration should be refused")
            .0
            .into_iter()
            .map(|error| error.key)
            .collect()
    }

    #[test]
    fn the_repository_bot_toml_is_valid() {
        let config = Config::parse(REPOSITORY_BOT_TOML, &vocabulary()).unwrap();
        assert_eq!(config.server_defaults.language(), "fr");
        assert!(config.discord.api_base.is_none());
        assert!(config.database.url.starts_with("sqlite:"));
    }

    #[test]
    fn evidence_bounds_default_and_are_checked() {
        let config = Config::parse(REPOSITORY_BOT_TOML, &vocabulary()).unwrap();
        assert_eq!(config.evidence.max_file_bytes, 25 * 1024 * 1024);
        assert_eq!(config.evidence.max_report_bytes, 50 * 1024 * 1024);
        assert!(
            config
                .evidence
                .allowed_types
                .iter()
                .any(|t| t.matches("application/pdf"))
        );
        let set = |section: &str| format!("{REPOSITORY_BOT_TOML}\n[evidence]\n{section}");
        let config = Config::parse(
            &set("max_file_size = \"1KiB\"\nmax_report_size = \"2KiB\"\nallowed_types = [\"image/png\"]"),
            &vocabulary(),
        )
        .unwrap();
        assert_eq!(config.evidence.max_file_bytes, 1024);
        assert!(!config.evidence.allowed_types[0].matches("image/jpeg"));
        for (section, key) in [
            ("max_file_size = \"25MB\"", "evidence.max_file_size"),
            ("max_report_size = \"1GiB\"", "evidence.max_report_size"),
            ("max_report_size = \"1MiB\"", "evidence.max_report_size"),
            ("allowed_types = [\"images\"]", "evidence.allowed_types"),
            ("max_files = 3", "evidence.max_files"),
        ] {
            assert_eq!(
                keys_of(Config::parse(&set(section), &vocabulary())),
                [key],
                "{section}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = REPOSITORY_BOT_TOML
            .replace(
                "timezone = \"Europe/Paris\"",
                "timezone = \"Europe/Pariss\"",
            )
            .replace("language = \"fr\"", "language = \"xx\"");
        assert_eq!(
            keys_of(Config::parse(&text, &vocabulary())),
            vec!["server_defaults.language", "server_defaults.timezone"]
        );
    }

    #[test]
    fn unknown_keys_are_named() {
        let text = format!("{REPOSITORY_BOT_TOML}\n[extra]\nvalue = 1\n");
        assert_eq!(keys_of(Config::parse(&text, &vocabulary())), vec!["extra"]);
    }

    #[test]
    fn api_base_must_be_a_bare_http_origin() {
        for bad in [
            "not a url",
            "ftp://example.com",
            "http://example.com/api/v10",
        ] {
            assert!(parse_api_base(bad).is_err(), "{bad} should be refused");
        }
        assert!(parse_api_base("http://127.0.0.1:3000").is_ok());
    }

    /// The repository's bot.toml with `lines` added to its `[discord]` table.
    fn with_discord(lines: &str) -> String {
        REPOSITORY_BOT_TOML.replace("[discord]\n", &format!("[discord]\n{lines}\n"))
    }

    #[test]
    fn shard_ranges_are_read_with_their_total() {
        let shards = |lines: &str| {
            Config::parse(&with_discord(lines), &vocabulary())
                .unwrap()
                .discord
                .shards
        };
        let range = |first, last, total| Some(ShardRange { first, last, total });
        assert_eq!(shards(""), None, "autosharded");
        assert_eq!(shards("shards = \"0-3\"\nshard_total = 8"), range(0, 3, 8));
        assert_eq!(
            shards("shards = \" 4 - 7 \"\nshard_total = 8"),
            range(4, 7, 8)
        );
        assert_eq!(shards("shards = \"5\"\nshard_total = 8"), range(5, 5, 8));
        assert_eq!(shards("shards = 0\nshard_total = 1"), range(0, 0, 1));
    }

    #[test]
    fn shard_ranges_outside_their_total_or_half_set_are_refused() {
        let refused = |lines: &str| keys_of(Config::parse(&with_discord(lines), &vocabulary()));
        for bad in [
            "shards = \"0-8\"\nshard_total = 8",
            "shards = \"3-1\"\nshard_total = 8",
            "shards = \"8\"\nshard_total = 8",
            "shards = \"-1\"\nshard_total = 8",
            "shards = \"0-\"\nshard_total = 8",
            "shards = \"a-b\"\nshard_total = 8",
            "shards = \"\"\nshard_total = 8",
            "shards = -1\nshard_total = 8",
            "shards = [0, 1]\nshard_total = 8",
            "shards = \"0\"",
        ] {
            let key = if bad.contains("shard_total") {
                "discord.shards"
            } else {
                "discord.shard_total"
            };
            assert_eq!(refused(bad), vec![key], "{bad}");
        }
        for bad in [
            "shards = \"0\"\nshard_total = 0",
            "shards = \"0\"\nshard_total = -2",
        ] {
            assert_eq!(refused(bad), vec!["discord.shard_total"], "{bad}");
        }
        assert_eq!(refused("shard_total = 2"), vec!["discord.shards"]);
    }

    #[test]
    fn a_misspelt_log_level_is_refused() {
        for bad in ["inof", "info,degub"] {
            let text =
                REPOSITORY_BOT_TOML.replace("level = \"info\"", &format!("level = \"{bad}\""));
            assert_eq!(
                keys_of(Config::parse(&text, &vocabulary())),
                vec!["logging.level"],
                "{bad}"
            );
        }
        let filter =
            REPOSITORY_BOT_TOML.replace("level = \"info\"", "level = \"safe_button=debug,warn\"");
        assert!(Config::parse(&filter, &vocabulary()).is_ok());
    }

    #[test]
    fn a_malformed_postgres_url_is_refused_without_echoing_it() {
        let text = REPOSITORY_BOT_TOML.replace(
            "url = \"sqlite://data/safe-button.db\"",
            "url = \"postgres://bot:s3cret@db:notaport/safe\"",
        );
        let errors = Config::parse(&text, &vocabulary()).unwrap_err();
        assert_eq!(errors.0[0].key, "database.url");
        assert!(!errors.to_string().contains("s3cret"), "{errors}");
    }

    #[test]
    fn the_database_url_variable_wins_over_the_file_and_is_checked_under_its_name() {
        let environment = |url: &'static str| {
            move |name: &str| (name == DATABASE_URL_VARIABLE).then(|| url.to_owned())
        };
        let overridden = Config::parse_with(
            REPOSITORY_BOT_TOML,
            &vocabulary(),
            &environment("postgres://bot:s3cret@db/safe"),
        )
        .unwrap();
        assert_eq!(overridden.database.url, "postgres://bot:s3cret@db/safe");
        assert_eq!(
            overridden.database.url_source,
            Source::Variable(DATABASE_URL_VARIABLE)
        );
        assert!(
            overridden
                .summary()
                .contains("database: postgres://bot:***@db/safe (from SAFE_BUTTON_DATABASE_URL)")
        );
        let from_file = Config::parse(REPOSITORY_BOT_TOML, &vocabulary()).unwrap();
        assert_eq!(from_file.database.url_source, Source::File);
        let refused = Config::parse_with(
            REPOSITORY_BOT_TOML,
            &vocabulary(),
            &environment("mysql://bot:s3cret@db/safe"),
        )
        .unwrap_err();
        assert_eq!(refused.0[0].key, DATABASE_URL_VARIABLE);
        assert!(!refused.to_string().contains("s3cret"), "{refused}");
    }

    #[test]
    fn log_format_and_metrics_are_optional_and_checked() {
        let config = Config::parse(REPOSITORY_BOT_TOML, &vocabulary()).unwrap();
        assert_eq!(config.logging.format, LogFormat::Human);
        assert_eq!(config.metrics.listen, None);
        assert_eq!(config.metrics.ready_max_backlog, 1000);
        let set = format!(
            "{}\n[metrics]\nlisten = \"127.0.0.1:9464\"\nready_max_backlog = 50\n",
            REPOSITORY_BOT_TOML.replace("level = \"info\"", "level = \"info\"\nformat = \"json\"")
        );
        let config = Config::parse(&set, &vocabulary()).unwrap();
        assert_eq!(config.logging.format, LogFormat::Json);
        assert_eq!(
            config.metrics.listen,
            Some("127.0.0.1:9464".parse().unwrap())
        );
        assert_eq!(config.metrics.ready_max_backlog, 50);
        let bad = set
            .replace("format = \"json\"", "format = \"xml\"")
            .replace("127.0.0.1:9464", "localhost")
            .replace("= 50", "= 0");
        assert_eq!(
            keys_of(Config::parse(&bad, &vocabulary())),
            vec![
                "logging.format",
                "metrics.listen",
                "metrics.ready_max_backlog"
            ]
        );
    }

    #[test]
    fn the_secrets_summary_names_sources_and_never_values() {
        let config = Config::parse(REPOSITORY_BOT_TOML, &vocabulary()).unwrap();
        let token = "MTQwNjk0MjgzNjU5MDUxMDA4Mg.GfakeA.not-a-real-token";
        let key = "k".repeat(40);
        let environment = |name: &str| match name {
            TOKEN_VARIABLE => Some(token.to_owned()),
            crate::pseudonym_key::KEY_VARIABLE => Some(key.clone()),
            _ => None,
        };
        let summary = secrets_summary(&config, &environment);
        assert_eq!(
            summary,
            "bot token: set (from DISCORD_TOKEN)\npseudonym key: from SAFE_BUTTON_PSEUDONYM_KEY"
        );
        let unset = secrets_summary(&config, &|_| None);
        assert!(unset.contains("`DISCORD_TOKEN`: is not set"), "{unset}");
        assert!(
            unset.contains("from the file data/pseudonym.key"),
            "{unset}"
        );
    }

    #[test]
    fn database_passwords_are_not_printed() {
        assert_eq!(
            redact_password("postgres://bot:secret@db/safe"),
            "postgres://bot:***@db/safe"
        );
    }
}
