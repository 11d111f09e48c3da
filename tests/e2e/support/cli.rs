//! The `safe-button` binary, run as an operator would.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary with `args` in `folder`, away from the developer's own token, config and
/// log settings.
pub fn safe_button(args: &[&str], folder: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safe-button"))
        .args(args)
        .current_dir(folder)
        .env_remove("DISCORD_TOKEN")
        .env_remove("SAFE_BUTTON_CONFIG")
        .env_remove("RUST_LOG")
        .output()
        .expect("run the safe-button binary")
}
