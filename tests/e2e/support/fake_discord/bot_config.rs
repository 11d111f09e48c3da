//! A `bot.toml` for a bot process run against this fake: the repository's own file, with
//! the fake as its API base and the given database. Shared by the crash tests and the
//! report-path benchmark, which both run the real binary.

use std::path::{Path, PathBuf};

use super::FakeDiscord;

impl FakeDiscord {
    /// Writes the configuration into `folder` and returns its path.
    pub fn bot_config(&self, database_url: &str, folder: &Path) -> PathBuf {
        let text = include_str!("../../../../bot.toml")
            .replace(
                "# api_base = \"http://127.0.0.1:3000\"",
                &format!("api_base = \"{}\"", self.base_url()),
            )
            .replace(
                "url = \"sqlite://data/safe-button.db\"",
                &format!("url = \"{database_url}\""),
            );
        let path = folder.join("bot.toml");
        std::fs::write(&path, text).expect("write the configuration");
        path
    }
}
