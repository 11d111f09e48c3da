//! The keyed pseudonym of a reported member (SPEC §7): HMAC-SHA256 with a secret kept out of
//! the database, so statistics can count repeat reports without holding anyone's Discord ID.
//!
//! The server's ID is part of the message: the same member gets unrelated pseudonyms on two
//! servers, so statistics of different servers cannot be joined. Rotating or losing the key
//! only restarts the repeat counts: earlier pseudonyms simply stop matching.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Shorter keys are refused: the pseudonym is only as strong as the key.
pub const MIN_KEY_BYTES: usize = 32;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("the pseudonym key has {actual} bytes; at least {MIN_KEY_BYTES} are required")]
pub struct KeyTooShort {
    pub actual: usize,
}

/// Computes pseudonyms with one secret key.
#[derive(Clone)]
pub struct Pseudonymizer {
    mac: Hmac<Sha256>,
}

impl Pseudonymizer {
    pub fn new(key: &[u8]) -> Result<Pseudonymizer, KeyTooShort> {
        if key.len() < MIN_KEY_BYTES {
            return Err(KeyTooShort { actual: key.len() });
        }
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
            .map_err(|_| KeyTooShort { actual: key.len() })?;
        Ok(Pseudonymizer { mac })
    }

    /// The pseudonym of `user_id` on `guild_id`: 64 lowercase hex digits.
    pub fn pseudonym(&self, guild_id: i64, user_id: i64) -> String {
        self.hex_mac(&format!("{guild_id}:{user_id}"))
    }

    /// The pseudonym of a reporter in the report rate limit's record. Its message starts
    /// with a label (statistics messages start with a digit or `-`), so it never equals the
    /// same member's statistics pseudonym: the two tables cannot be joined.
    pub fn reporter_pseudonym(&self, guild_id: i64, user_id: i64) -> String {
        self.hex_mac(&format!("reporter-rate-limit:{guild_id}:{user_id}"))
    }

    fn hex_mac(&self, message: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(message.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for Pseudonymizer {
    /// Never prints the key.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Pseudonymizer(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn it_is_hmac_sha256_of_guild_and_user() {
        // HMAC built by hand from SHA-256 (RFC 2104), for a key of one block or less.
        use sha2::Digest;
        let message = b"42:1234567890";
        let mut inner_key = [0x36u8; 64];
        let mut outer_key = [0x5cu8; 64];
        for (index, byte) in KEY.iter().enumerate() {
            inner_key[index] ^= byte;
            outer_key[index] ^= byte;
        }
        let inner = Sha256::new()
            .chain_update(inner_key)
            .chain_update(message)
            .finalize();
        let expected = Sha256::new()
            .chain_update(outer_key)
            .chain_update(inner)
            .finalize();

        let pseudonymizer = Pseudonymizer::new(&KEY).unwrap();
        assert_eq!(
            pseudonymizer.pseudonym(42, 1234567890),
            hex::encode(expected)
        );
    }

    #[test]
    fn pseudonyms_are_stable_hex_and_hold_no_id() {
        let pseudonymizer = Pseudonymizer::new(&KEY).unwrap();
        let first = pseudonymizer.pseudonym(1, 987654321012345678);
        assert_eq!(first, pseudonymizer.pseudonym(1, 987654321012345678));
        assert_eq!(first.len(), 64);
        assert!(
            first
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert!(!first.contains("987654321012345678"));
    }

    #[test]
    fn servers_users_and_keys_give_unrelated_pseudonyms() {
        let pseudonymizer = Pseudonymizer::new(&KEY).unwrap();
        let other_key = Pseudonymizer::new(&[8; 32]).unwrap();
        let base = pseudonymizer.pseudonym(1, 100);
        assert_ne!(base, pseudonymizer.pseudonym(2, 100));
        assert_ne!(base, pseudonymizer.pseudonym(1, 101));
        assert_ne!(base, other_key.pseudonym(1, 100));
        // "1:100" and "11:00" style ambiguity cannot arise: the separator is kept.
        assert_ne!(
            pseudonymizer.pseudonym(11, 0),
            pseudonymizer.pseudonym(1, 10)
        );
    }

    #[test]
    fn a_reporter_pseudonym_is_not_their_statistics_pseudonym() {
        let pseudonymizer = Pseudonymizer::new(&KEY).unwrap();
        let reporter = pseudonymizer.reporter_pseudonym(1, 987654321012345678);
        assert_eq!(
            reporter,
            pseudonymizer.reporter_pseudonym(1, 987654321012345678)
        );
        assert_eq!(reporter.len(), 64);
        assert_ne!(reporter, pseudonymizer.pseudonym(1, 987654321012345678));
        assert_ne!(
            reporter,
            pseudonymizer.reporter_pseudonym(2, 987654321012345678)
        );
        assert!(!reporter.contains("987654321012345678"));
    }

    #[test]
    fn short_keys_are_refused() {
        assert_eq!(
            Pseudonymizer::new(&[1; 31]).unwrap_err(),
            KeyTooShort { actual: 31 }
        );
    }
}
