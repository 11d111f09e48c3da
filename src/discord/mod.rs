//! The Discord adapter: commands, components, modals and events. Thin by design: parse,
//! check permission, call the domain and the store, render through Fluent, reply.

pub mod commands;
pub mod error;
pub mod events;
pub mod help_card;
pub mod in_flight;
pub mod onboarding;
pub mod permissions;
pub mod protection;
pub mod queue;
pub mod registration;
pub mod render;
pub mod reporting;
pub mod rest_forwarder;
pub mod retention;

use std::sync::Arc;

use crate::config::Config;
use crate::domain::helpline::HelplineDirectory;
use crate::domain::pseudonym::Pseudonymizer;
use crate::domain::settings::Vocabulary;
use crate::i18n::Texts;
use crate::store::Store;

pub use error::BotError;

/// What every command and event handler can reach.
/// Cheap to clone: background jobs get their own handle on the same state.
#[derive(Clone)]
pub struct BotData {
    pub config: Arc<Config>,
    pub texts: Arc<Texts>,
    pub helplines: Arc<HelplineDirectory>,
    pub vocabulary: Vocabulary,
    pub store: Store,
    /// Keyed pseudonyms of reported members, for statistics.
    pub pseudonyms: Pseudonymizer,
    /// The contact shields running now, for the MESSAGE_CREATE hot path.
    pub shields: Arc<protection::ShieldIndex>,
    /// Serialises the actions on one case (double clicks, two moderators).
    pub case_locks: Arc<protection::CaseLocks>,
}

pub type Context<'a> = poise::Context<'a, BotData, BotError>;
pub type Command = poise::Command<BotData, BotError>;
