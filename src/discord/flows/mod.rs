//! What the bot does in answer to a member, a moderator or Discord. Each flow loads what it
//! needs, calls Discord first, records what Discord answered, and returns what changed. No
//! flow publishes a queue post: its caller does, through [`publish`], once the flow's case
//! lock is released.

pub mod auto_protection;
pub mod close_notice;
pub mod evidence;
pub mod evidence_file;
pub mod help_card;
pub mod menu_report;
pub mod moderation;
pub mod preserve;
pub mod publish;
pub mod questions;
pub mod reporting;
pub mod sanctions;
pub mod shield;
pub mod victim;

/// A case whose queue post no longer shows what the database holds.
#[must_use = "the case's queue post must be published"]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseChanged(pub i64);
