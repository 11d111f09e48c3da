//! The binary's command line: `check-config`, `run` refusing bad configuration, `migrate`.

use std::path::PathBuf;
use std::process::Command;

use tempfile::TempDir;

use crate::support::app::TEST_TOKEN;
use crate::support::cli::{safe_button, safe_button_with};

const REPOSITORY_BOT_TOML: &str = include_str!("../../bot.toml");

/// Writes `text` as a configuration file in a fresh folder.
fn config_file(text: &str) -> (TempDir, PathBuf) {
    let folder = TempDir::new().unwrap();
    let path = folder.path().join("bot.toml");
    std::fs::write(&path, text).unwrap();
    (folder, path)
}

/// `check-config` on the repository's bot.toml with one replacement: it must fail and name
/// `key` in its error output.
fn assert_refused(original: &str, replacement: &str, key: &str) {
    assert!(
        REPOSITORY_BOT_TOML.contains(original),
        "bot.toml contains {original}"
    );
    let (folder, path) = config_file(&REPOSITORY_BOT_TOML.replace(original, replacement));
    let output = safe_button(
        &["check-config", "--config", path.to_str().unwrap()],
        folder.path(),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{replacement} should be refused");
    assert!(
        stderr.contains(&format!("`{key}`")),
        "the error names `{key}`: {stderr}"
    );
}

#[test]
fn check_config_accepts_the_repository_file_and_summarises_it() {
    let (folder, path) = config_file(REPOSITORY_BOT_TOML);
    let output = safe_button(
        &["check-config", "--config", path.to_str().unwrap()],
        folder.path(),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.starts_with("ok"), "{stdout}");
    assert!(stdout.contains("timezone: Europe/Paris"), "{stdout}");
}

#[test]
fn an_unknown_timezone_is_refused() {
    assert_refused(
        "timezone = \"Europe/Paris\"",
        "timezone = \"Europe/Pariss\"",
        "server_defaults.timezone",
    );
}

#[test]
fn an_unshipped_language_is_refused() {
    assert_refused(
        "language = \"fr\"",
        "language = \"tlh\"",
        "server_defaults.language",
    );
}

#[test]
fn an_unknown_helpline_country_is_refused() {
    assert_refused(
        "helpline_country = \"fr\"",
        "helpline_country = \"zz\"",
        "server_defaults.helpline_country",
    );
}

#[test]
fn check_config_accepts_every_shipped_country() {
    for country in ["be", "ca", "ch", "eu", "fr", "gb"] {
        let text = REPOSITORY_BOT_TOML.replace(
            "helpline_country = \"fr\"",
            &format!("helpline_country = \"{country}\""),
        );
        let (folder, path) = config_file(&text);
        let output = safe_button(
            &["check-config", "--config", path.to_str().unwrap()],
            folder.path(),
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{country}: {output:?}");
        assert!(
            stdout.contains(&format!("helpline country: {country}")),
            "{stdout}"
        );
    }
}

#[test]
fn a_mute_longer_than_28_days_is_refused() {
    assert_refused(
        "self_mute_duration = \"24h\"",
        "self_mute_duration = \"29d\"",
        "server_defaults.self_mute_duration",
    );
}

#[test]
fn a_malformed_api_base_is_refused() {
    assert_refused(
        "# api_base = \"http://127.0.0.1:3000\"",
        "api_base = \"htp:/127.0.0.1 3000\"",
        "discord.api_base",
    );
}

const COMMENTED_SHARDS: &str = "# shards = \"0-3\"\n# shard_total = 8";

#[test]
fn shard_ranges_outside_their_total_or_without_it_are_refused() {
    for (replacement, key) in [
        ("shards = \"0-8\"\nshard_total = 8", "discord.shards"),
        ("shards = \"3-1\"\nshard_total = 8", "discord.shards"),
        ("shards = \"0-3\"\nshard_total = 0", "discord.shard_total"),
        ("shards = \"0-3\"", "discord.shard_total"),
        ("shard_total = 8", "discord.shards"),
    ] {
        assert_refused(COMMENTED_SHARDS, replacement, key);
    }
}

#[test]
fn check_config_summarises_the_shard_range() {
    let text = REPOSITORY_BOT_TOML.replace(COMMENTED_SHARDS, "shards = \"4-7\"\nshard_total = 8");
    let (folder, path) = config_file(&text);
    let output = safe_button(
        &["check-config", "--config", path.to_str().unwrap()],
        folder.path(),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("gateway: shards 4-7 of 8"), "{stdout}");
}

#[test]
fn an_unknown_key_is_refused() {
    assert_refused(
        "max_connections = 5",
        "max_connections = 5\nmax_conections = 6",
        "database.max_conections",
    );
}

#[test]
fn an_unsupported_database_is_refused() {
    assert_refused(
        "url = \"sqlite://data/safe-button.db\"",
        "url = \"mysql://localhost/safe\"",
        "database.url",
    );
}

#[test]
fn an_auto_mute_threshold_of_zero_is_refused() {
    assert_refused(
        "auto_mute_threshold = 3",
        "auto_mute_threshold = 0",
        "server_defaults.auto_mute_threshold",
    );
}

#[test]
fn a_wrongly_typed_value_is_refused() {
    assert_refused(
        "reporter_sealed = true",
        "reporter_sealed = \"maybe\"",
        "server_defaults.reporter_sealed",
    );
}

#[test]
fn a_toml_syntax_error_is_refused_with_its_line() {
    let (folder, path) = config_file("[discord\n");
    let output = safe_button(
        &["check-config", "--config", path.to_str().unwrap()],
        folder.path(),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("line 1"), "{stderr}");
}

#[test]
fn a_missing_file_is_refused() {
    let folder = TempDir::new().unwrap();
    let output = safe_button(&["check-config", "--config", "absent.toml"], folder.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("cannot read the configuration file"),
        "{stderr}"
    );
}

#[test]
fn run_refuses_to_start_without_a_token() {
    let (folder, path) = config_file(REPOSITORY_BOT_TOML);
    let output = safe_button(&["run", "--config", path.to_str().unwrap()], folder.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("`DISCORD_TOKEN`: is not set"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn run_refuses_an_invalid_configuration_with_the_same_errors() {
    let (folder, path) = config_file(
        &REPOSITORY_BOT_TOML.replace("auto_mute_threshold = 3", "auto_mute_threshold = 0"),
    );
    let output = Command::new(env!("CARGO_BIN_EXE_safe-button"))
        .args(["--config", path.to_str().unwrap()])
        .current_dir(folder.path())
        .env("DISCORD_TOKEN", "MTA.fake.token")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("`server_defaults.auto_mute_threshold`"),
        "{stderr}"
    );
}

#[test]
fn run_refuses_a_shard_range_without_its_total() {
    let (folder, path) =
        config_file(&REPOSITORY_BOT_TOML.replace(COMMENTED_SHARDS, "shards = \"0\""));
    let output = Command::new(env!("CARGO_BIN_EXE_safe-button"))
        .args(["run", "--config", path.to_str().unwrap()])
        .current_dir(folder.path())
        .env("DISCORD_TOKEN", "MTA.fake.token")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("`discord.shard_total`"), "{stderr}");
}

#[test]
fn migrate_creates_the_sqlite_database_and_its_folder() {
    let (folder, path) = config_file(REPOSITORY_BOT_TOML);
    let output = safe_button(
        &["migrate", "--config", path.to_str().unwrap()],
        folder.path(),
    );
    assert!(output.status.success(), "{output:?}");
    assert!(folder.path().join("data/safe-button.db").is_file());
    // Applying them again is a no-op.
    let again = safe_button(
        &["migrate", "--config", path.to_str().unwrap()],
        folder.path(),
    );
    assert!(again.status.success(), "{again:?}");
}

#[tokio::test]
async fn the_binary_stops_cleanly_on_sigterm() {
    use crate::support::app::WAIT;
    use crate::support::fake_discord::{FakeDiscord, Method};

    let fake = FakeDiscord::start().await;
    let config = REPOSITORY_BOT_TOML.replace(
        "# api_base = \"http://127.0.0.1:3000\"",
        &format!("api_base = \"{}\"", fake.base_url()),
    );
    let (folder, path) = config_file(&config);
    let mut bot = tokio::process::Command::new(env!("CARGO_BIN_EXE_safe-button"))
        .args(["run", "--config", path.to_str().unwrap()])
        .current_dir(folder.path())
        .env("DISCORD_TOKEN", crate::support::app::TEST_TOKEN)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("start the bot");
    fake.wait_for_request(Method::PUT, "/applications/*/commands", WAIT)
        .await;
    fake.wait_for_live_session(WAIT).await;

    let pid = bot.id().expect("the bot is running").to_string();
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("send SIGTERM");
    assert!(signalled.success());
    let status = tokio::time::timeout(WAIT, bot.wait())
        .await
        .expect("the bot exits after SIGTERM")
        .unwrap();
    assert!(status.success(), "exit status {status}");
    assert!(!fake.has_live_session(), "the gateway session was closed");
    assert!(folder.path().join("data/safe-button.db").is_file());
    fake.finish();
}

/// `check-config` on the repository's bot.toml with these variables: (succeeded, stdout,
/// stderr).
fn check_config_with(variables: &[(&str, &str)]) -> (bool, String, String) {
    let (folder, path) = config_file(REPOSITORY_BOT_TOML);
    let output = safe_button_with(
        &["check-config", "--config", path.to_str().unwrap()],
        folder.path(),
        variables,
    );
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn check_config_names_where_each_secret_comes_from_without_printing_it() {
    let key = "k".repeat(40);
    let secrets = [
        (
            "SAFE_BUTTON_DATABASE_URL",
            "postgres://bot:s3cret-pass@db.example.org/safe",
        ),
        ("DISCORD_TOKEN", TEST_TOKEN),
        ("SAFE_BUTTON_PSEUDONYM_KEY", key.as_str()),
    ];
    let (ok, stdout, stderr) = check_config_with(&secrets);
    assert!(ok, "{stdout}{stderr}");
    for line in [
        "database: postgres://bot:***@db.example.org/safe (from SAFE_BUTTON_DATABASE_URL)",
        "bot token: set (from DISCORD_TOKEN)",
        "pseudonym key: from SAFE_BUTTON_PSEUDONYM_KEY",
    ] {
        assert!(
            stdout.lines().any(|shown| shown == line),
            "{line}:\n{stdout}"
        );
    }
    for secret in ["s3cret-pass", TEST_TOKEN, key.as_str()] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{stdout}{stderr}"
        );
    }

    let (ok, stdout, _) = check_config_with(&[]);
    assert!(ok, "{stdout}");
    for line in [
        "database: sqlite://data/safe-button.db (from the configuration file)",
        "pseudonym key: from the file data/pseudonym.key (created on first run; \
         SAFE_BUTTON_PSEUDONYM_KEY would win)",
    ] {
        assert!(
            stdout.lines().any(|shown| shown == line),
            "{line}:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("bot token: `DISCORD_TOKEN`: is not set"),
        "{stdout}"
    );
}

#[test]
fn a_bad_database_url_in_the_environment_is_named_after_its_variable_and_not_echoed() {
    let (ok, stdout, stderr) = check_config_with(&[(
        "SAFE_BUTTON_DATABASE_URL",
        "mysql://bot:s3cret-pass@db/safe",
    )]);
    assert!(!ok, "{stdout}");
    assert!(stderr.contains("`SAFE_BUTTON_DATABASE_URL`"), "{stderr}");
    assert!(!stderr.contains("s3cret-pass"), "{stderr}");
}

#[test]
fn the_database_url_from_the_environment_is_the_one_used_and_the_file_may_leave_it_out() {
    let without_url = REPOSITORY_BOT_TOML.replace("url = \"sqlite://data/safe-button.db\"\n", "");
    assert_ne!(without_url, REPOSITORY_BOT_TOML);
    let (folder, path) = config_file(&without_url);
    let refused = safe_button(
        &["check-config", "--config", path.to_str().unwrap()],
        folder.path(),
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("set SAFE_BUTTON_DATABASE_URL"), "{stderr}");

    let elsewhere = folder.path().join("elsewhere.db");
    let url = format!("sqlite://{}", elsewhere.display());
    let migrated = safe_button_with(
        &["migrate", "--config", path.to_str().unwrap()],
        folder.path(),
        &[("SAFE_BUTTON_DATABASE_URL", &url)],
    );
    assert!(migrated.status.success(), "{migrated:?}");
    assert!(elsewhere.exists(), "the variable's database was migrated");
    assert!(!folder.path().join("data/safe-button.db").exists());
}

/// The binary run under a systemd-like supervisor, with `logging.format = "json"` and the
/// database URL from the environment: it says `READY=1` and pings the watchdog, and every
/// line it writes through a report is a JSON object without the report's text, the tokens
/// or the members' names.
#[tokio::test]
async fn the_binary_logs_json_lines_and_tells_systemd_it_is_ready() {
    use tokio::net::UnixDatagram;

    use serde_json::json;

    use crate::support::app::WAIT;
    use crate::support::fake_discord::{FakeDiscord, InteractionBuilder, Method, ids};
    use crate::support::logs::{json_problems, leaked};

    let fake = FakeDiscord::start().await;
    let config = REPOSITORY_BOT_TOML
        .replace(
            "# api_base = \"http://127.0.0.1:3000\"",
            &format!("api_base = \"{}\"", fake.base_url()),
        )
        .replace("level = \"info\"", "level = \"info\"\nformat = \"json\"");
    let (folder, path) = config_file(&config);
    let notifications = folder.path().join("notify.socket");
    let systemd = UnixDatagram::bind(&notifications).expect("bind the notify socket");
    let database = folder.path().join("from-the-environment.db");
    let bot = tokio::process::Command::new(env!("CARGO_BIN_EXE_safe-button"))
        .args(["run", "--config", path.to_str().unwrap()])
        .current_dir(folder.path())
        .env("DISCORD_TOKEN", TEST_TOKEN)
        .env(
            "SAFE_BUTTON_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .env("NOTIFY_SOCKET", &notifications)
        .env("WATCHDOG_USEC", "200000")
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the bot");
    // Read for as long as the bot runs, as systemd does (the watchdog pings keep coming).
    let (seen, mut both_seen) = tokio::sync::watch::channel(Vec::<String>::new());
    let listener = tokio::spawn(async move {
        let mut buffer = [0u8; 256];
        while let Ok(length) = systemd.recv(&mut buffer).await {
            let state = String::from_utf8_lossy(&buffer[..length]).into_owned();
            seen.send_modify(|states| states.push(state));
        }
    });
    let has = |states: &Vec<String>, wanted: &str| states.iter().any(|state| state == wanted);
    tokio::time::timeout(
        WAIT,
        both_seen.wait_for(|states| has(states, "READY=1") && has(states, "WATCHDOG=1")),
    )
    .await
    .expect("READY=1 and a watchdog ping in time")
    .unwrap();
    assert!(fake.has_live_session(), "ready once connected");

    let details = "Il me harcèle en message privé depuis des semaines";
    let options = json!([
        { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
        { "name": "reason", "type": 4, "value": 0 },
        { "name": "details", "type": 3, "value": details },
    ]);
    let sent = fake
        .send_interaction(
            InteractionBuilder::slash_command("report", options)
                .in_guild(&fake.guild(ids::GUILD), ids::GENERAL_CHANNEL, ids::ALICE)
                .locale("fr"),
        )
        .await;
    fake.wait_for_request(Method::PATCH, &sent.original_path(), WAIT)
        .await;

    let pid = bot.id().expect("the bot is running").to_string();
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("send SIGTERM");
    assert!(signalled.success());
    let output = tokio::time::timeout(WAIT, bot.wait_with_output())
        .await
        .expect("the bot exits after SIGTERM")
        .unwrap();
    assert!(output.status.success(), "exit status {}", output.status);
    listener.abort();
    let received = both_seen.borrow().clone();
    assert!(
        received
            .iter()
            .all(|state| state == "READY=1" || state == "WATCHDOG=1"),
        "{received:?}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.lines().any(|line| line.contains("report recorded")),
        "{stdout}"
    );
    let names: Vec<String> = [
        "alice.martin",
        "Alice Martin",
        "bilal.haddad",
        "Bilal Haddad",
    ]
    .map(str::to_owned)
    .to_vec();
    assert_eq!(json_problems(&stdout, &names), Vec::<String>::new());
    let secrets = [
        details.to_owned(),
        sent.token.clone(),
        TEST_TOKEN.to_owned(),
    ];
    assert!(leaked(&stdout, &secrets).is_empty(), "{stdout}");
    assert!(database.is_file(), "the variable's database was used");
    assert!(!folder.path().join("data/safe-button.db").exists());
    fake.finish();
}
