//! Pure rendering: views to embeds, components and files; no I/O.

pub mod chart;
pub mod stats;
