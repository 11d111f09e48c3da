//! Cases and reports: the states a case goes through, how a report reached the bot, what
//! became of the help card, and the short reference members and moderators type (SPEC §2, §5).

use std::fmt;
use std::str::FromStr;

use rand::Rng;

pub use super::code::UnknownCode;
use super::code::coded;

coded!(
    /// Where a case is in the moderator queue: open → claimed → resolved or dismissed.
    CaseStatus, "case status" {
        Open => "open",
        Claimed => "claimed",
        Resolved => "resolved",
        Dismissed => "dismissed",
    }
);

impl CaseStatus {
    /// Open and claimed cases still take new reports and keep protections running.
    pub fn is_active(self) -> bool {
        matches!(self, CaseStatus::Open | CaseStatus::Claimed)
    }
}

coded!(
    /// Whether the help card reached the victim by DM (SPEC §3).
    HelpCardDelivery, "help card delivery" {
        Pending => "pending",
        DmSent => "dm_sent",
        DmFailed => "dm_failed",
    }
);

coded!(
    /// The entry point a report came through (SPEC §2).
    ReportSource, "report source" {
        Slash => "slash",
        MessageMenu => "message_menu",
        UserMenu => "user_menu",
    }
);

/// Crockford base32: no I, L, O or U, so a reference read aloud or retyped stays unambiguous.
const CROCKFORD_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The short, random, human-typable reference of a case, e.g. `K7M2QX`.
///
/// Six Crockford base32 symbols give about a billion values: collisions are rare, and the
/// store retries on the few that happen.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CaseReference(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a case reference (expected {len} letters or digits)", len = CaseReference::LEN)]
pub struct InvalidCaseReference(pub String);

impl CaseReference {
    pub const LEN: usize = 6;

    /// Draws a fresh random reference.
    pub fn generate(rng: &mut impl Rng) -> CaseReference {
        let symbols = (0..Self::LEN)
            .map(|_| char::from(CROCKFORD_ALPHABET[rng.random_range(0..CROCKFORD_ALPHABET.len())]))
            .collect();
        CaseReference(symbols)
    }

    /// Reads a reference as a person typed it: surrounding spaces, a leading `#`, dashes and
    /// lower case are accepted, and the look-alikes O, I and L read as 0, 1 and 1.
    pub fn parse(input: &str) -> Result<CaseReference, InvalidCaseReference> {
        let trimmed = input.trim();
        let without_hash = trimmed.strip_prefix('#').unwrap_or(trimmed);
        let mut symbols = String::with_capacity(Self::LEN);
        for typed in without_hash.chars().filter(|c| *c != '-') {
            let symbol = match typed.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            if !symbol.is_ascii() || !CROCKFORD_ALPHABET.contains(&(symbol as u8)) {
                return Err(InvalidCaseReference(input.to_owned()));
            }
            symbols.push(symbol);
        }
        if symbols.len() != Self::LEN {
            return Err(InvalidCaseReference(input.to_owned()));
        }
        Ok(CaseReference(symbols))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CaseReference {
    type Err = InvalidCaseReference;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        CaseReference::parse(input)
    }
}

impl fmt::Display for CaseReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn every_coded_enum_round_trips_through_its_code() {
        for status in CaseStatus::ALL {
            assert_eq!(status.as_str().parse::<CaseStatus>(), Ok(*status));
        }
        for delivery in HelpCardDelivery::ALL {
            assert_eq!(delivery.as_str().parse::<HelpCardDelivery>(), Ok(*delivery));
        }
        for source in ReportSource::ALL {
            assert_eq!(source.as_str().parse::<ReportSource>(), Ok(*source));
        }
    }

    #[test]
    fn unknown_codes_name_what_was_expected() {
        assert_eq!(
            "reopened".parse::<CaseStatus>(),
            Err(UnknownCode {
                kind: "case status",
                code: "reopened".to_owned()
            })
        );
    }

    #[test]
    fn only_open_and_claimed_cases_are_active() {
        let active: Vec<_> = CaseStatus::ALL
            .iter()
            .filter(|status| status.is_active())
            .collect();
        assert_eq!(active, [&CaseStatus::Open, &CaseStatus::Claimed]);
    }

    #[test]
    fn generated_references_parse_back_to_themselves() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..1000 {
            let reference = CaseReference::generate(&mut rng);
            assert_eq!(reference.as_str().len(), CaseReference::LEN);
            assert_eq!(CaseReference::parse(reference.as_str()), Ok(reference));
        }
    }

    #[test]
    fn generated_references_vary() {
        let mut rng = StdRng::seed_from_u64(11);
        let references: std::collections::HashSet<_> = (0..100)
            .map(|_| CaseReference::generate(&mut rng))
            .collect();
        assert!(references.len() > 95, "only {} distinct", references.len());
    }

    #[test]
    fn typed_references_are_normalised() {
        let expected = CaseReference::parse("K7M21X").unwrap();
        for typed in [" k7m21x ", "#K7M21X", "k7m-2lx", "K7M-2IX"] {
            assert_eq!(CaseReference::parse(typed), Ok(expected.clone()), "{typed}");
        }
        assert_eq!(CaseReference::parse("AB0CDE").unwrap().as_str(), "AB0CDE");
        assert_eq!(CaseReference::parse("abocde").unwrap().as_str(), "AB0CDE");
    }

    #[test]
    fn malformed_references_are_refused() {
        for typed in [
            "", "K7M2Q", "K7M2QXZ", "K7M2QU", "K7M 2QX", "K7M2Q!", "K7M2QÉ",
        ] {
            assert_eq!(
                CaseReference::parse(typed),
                Err(InvalidCaseReference(typed.to_owned())),
                "{typed}"
            );
        }
    }
}
