//! Shared test helpers: the fake Discord, test databases, `spawn_app()`, and the members'
//! and moderators' usual moves.
pub mod app;
pub mod cli;
pub mod db;
pub mod fake_discord;
pub mod logs;
pub mod queue;
pub mod reports;
