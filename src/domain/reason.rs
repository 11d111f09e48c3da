//! Why a member reports someone (SPEC §2).

use std::fmt;
use std::str::FromStr;

/// The eight report reasons. Stored as their stable `as_str()` code, shown through Fluent
/// ids `reason-<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    Harassment,
    InsultsOrHate,
    Threats,
    SexualContent,
    Doxxing,
    Impersonation,
    SelfHarm,
    Other,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown report reason `{0}`")]
pub struct UnknownReason(pub String);

impl Reason {
    pub const ALL: [Reason; 8] = [
        Reason::Harassment,
        Reason::InsultsOrHate,
        Reason::Threats,
        Reason::SexualContent,
        Reason::Doxxing,
        Reason::Impersonation,
        Reason::SelfHarm,
        Reason::Other,
    ];

    /// Stable code used in the database, in component ids and in Fluent ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Harassment => "harassment",
            Reason::InsultsOrHate => "insults-hate",
            Reason::Threats => "threats",
            Reason::SexualContent => "sexual-content",
            Reason::Doxxing => "doxxing",
            Reason::Impersonation => "impersonation",
            Reason::SelfHarm => "self-harm",
            Reason::Other => "other",
        }
    }

    /// The Fluent message id of the reason's label.
    pub fn fluent_id(self) -> String {
        format!("reason-{}", self.as_str())
    }
}

impl FromStr for Reason {
    type Err = UnknownReason;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Reason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == code)
            .ok_or_else(|| UnknownReason(code.to_owned()))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_round_trips_through_its_code() {
        for reason in Reason::ALL {
            assert_eq!(reason.as_str().parse::<Reason>(), Ok(reason));
        }
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert_eq!(
            "spam".parse::<Reason>(),
            Err(UnknownReason("spam".to_owned()))
        );
    }
}
