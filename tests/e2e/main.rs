//! End-to-end tests, built as one binary (faster to link than one per file).

mod cli;
mod configuration;
mod fake_discord_selftest;
mod fuzz;
mod protection;
mod queue;
mod reporting;
mod startup;
mod statistics;
mod store;
mod support;
mod translations;
