//! End-to-end tests, built as one binary (faster to link than one per file).

mod support;
mod store;
mod fake_discord_selftest;
