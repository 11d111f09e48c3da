//! The `safe-button` binary, run as an operator would.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary with `args` in `folder`, away from the developer's own token, config and
/// log settings.
pub fn safe_button(args: &[&str], folder: &Path) -> Output {
    safe_button_with(args, folder, &[])
}

/// Like [`safe_button`], with these environment variables set.
pub fn safe_button_with(args: &[&str], folder: &Path, variables: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_safe-button"));
    command
        .args(args)
        .current_dir(folder)
        .env_remove("DISCORD_TOKEN")
        .env_remove("SAFE_BUTTON_CONFIG")
        .env_remove("SAFE_BUTTON_DATABASE_URL")
        .env_remove("SAFE_BUTTON_PSEUDONYM_KEY")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("RUST_LOG");
    command.envs(variables.iter().copied());
    command.output().expect("run the safe-button binary")
}
