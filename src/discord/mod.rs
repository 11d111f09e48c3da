//! The Discord adapter (serenity and poise). Its shape, from the edge inwards:
//!
//! - `commands/` (poise commands) and `components/` (the router of buttons, selects and
//!   modals) parse an interaction, check who may act (`checks`), call a flow and reply;
//! - `events` routes the other gateway events;
//! - `flows/` do what the bot does (report, protect, moderate, publish the queue post):
//!   load, call Discord through `rest`, record in the store, and return what changed;
//! - `render/` turns views into embeds, components and texts, with no I/O;
//! - `state` is what every handler reaches ([`BotData`]), `custom_id` every id the bot
//!   issues, `ids` the one conversion between Discord's ids and the store's, `rest` the
//!   Discord calls and error codes serenity does not wrap as needed, `reply` the answers to
//!   deferred interactions.
//! - `deliveries` carries out the outbox: what changes must cause on Discord, written with
//!   them (queue posts), retried until done;
//! - `registration`, `onboarding`, `retention`, `in_flight` and `rest_forwarder` run
//!   beside: command registration, the setup checklist, the hourly purge, the shutdown
//!   grace, and the 429-aware REST forwarder; `screening` answers, before poise sees
//!   them, the command interactions poise cannot route.

pub mod checks;
pub mod commands;
pub mod components;
pub mod custom_id;
pub mod deliveries;
pub mod dm_channels;
pub mod error;
pub mod events;
pub mod flows;
pub mod health;
pub mod ids;
pub mod in_flight;
pub mod observe;
pub mod onboarding;
pub mod registration;
pub mod render;
pub mod reply;
pub mod rest;
pub mod rest_forwarder;
pub mod rest_metrics;
pub mod retention;
pub mod screening;
pub mod state;

pub use error::BotError;
pub use state::BotData;

pub type Context<'a> = poise::Context<'a, BotData, BotError>;
pub type Command = poise::Command<BotData, BotError>;
