//! The binary's command line: `check-config`, `run` refusing bad configuration, `migrate`.

use std::path::PathBuf;
use std::process::Command;

use tempfile::TempDir;

use crate::support::cli::safe_button;

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
