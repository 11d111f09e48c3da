//! Shared test helpers: the fake Discord, test databases, and `spawn_app()`.
pub mod app;
pub mod db;
pub mod fake_discord;
