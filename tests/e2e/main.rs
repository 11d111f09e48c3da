//! End-to-end tests, built as one binary (faster to link than one per file).

// A scenario reads top to bottom as one story, and the fake's builders take `json!` values
// and strings by value so that tests read as data: these pedantic lints fit the bot's
// code, not its tests.
#![allow(
    clippy::too_many_lines,
    clippy::needless_pass_by_value,
    clippy::assigning_clones
)]

mod cli;
mod concurrency;
mod configuration;
mod crash;
mod deliveries;
mod evidence;
mod fake_discord_selftest;
mod forged;
mod help_cards;

mod fuzz;
mod operations;
mod protection;
mod questions;
mod queue;
mod report_path;
mod reporting;
mod sharding;
mod startup;
mod statistics;
mod statistics_rollups;
mod storage_faults;
mod store;
mod structure;
mod support;
mod translations;
