//! Pure product logic: no serenity, no sqlx. Everything here is unit-tested inline.

pub mod case;
pub mod reason;
pub mod settings;
pub mod help_card;
pub mod helpline;
pub mod opening_hours;
pub mod vcard;
pub mod report;
