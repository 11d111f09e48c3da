//! Safe Button: a Discord bot that gives every member a safe button against harassment.
//!
//! Layers: `domain` (pure rules), `store` (SQLite/PostgreSQL), `i18n` (Fluent texts),
//! `discord` (the serenity/poise adapter), `config` (bot.toml), `cli` (the binary's commands),
//! `metrics` (what an operator scrapes), `systemd` (readiness and watchdog notifications).

pub mod app;
pub mod cli;
pub mod config;
pub mod discord;
pub mod domain;
pub mod i18n;
pub mod logging;
pub mod metrics;
pub mod pseudonym_key;
pub mod store;
#[cfg(unix)]
pub mod systemd;
