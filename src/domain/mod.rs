//! Pure product logic: no serenity, no sqlx. Everything here is unit-tested inline.

pub mod access;
pub mod case;
pub mod code;
pub mod delivery;
pub mod evidence;
pub mod help_card;
pub mod helpline;
pub mod opening_hours;
pub mod protection;
pub mod pseudonym;
pub mod question;
pub mod queue;
pub mod reason;
pub mod report;
pub mod settings;
pub mod statistics;
pub mod vcard;
