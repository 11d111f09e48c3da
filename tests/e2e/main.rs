//! End-to-end tests, built as one binary (faster to link than one per file).

mod cli;
mod fake_discord_selftest;
mod reporting;
mod startup;
mod store;
mod support;
