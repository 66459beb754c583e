//! Worker references are pseudonymised at ingest with a per-deployment secret (HMAC-SHA256),
//! so the plain reference an employer uses is never stored, and the same person keeps the
//! same key from one census to the next within a deployment.

use cws_domain::worker::PersonKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Turns (area, organisation, worker reference) into a stable `PersonKey`: with the first
/// secret, then once more with each later one (a rotation adds a secret and re-keys what is
/// stored the same way, so keys stay stable across it).
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: Hmac<Sha256>,
    then: Vec<Hmac<Sha256>>,
}

fn mac_of(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// One more round: the key `key` made again with `mac`.
fn round(mac: &Hmac<Sha256>, key: &str) -> PersonKey {
    let mut mac = mac.clone();
    mac.update(key.as_bytes());
    PersonKey::from_digest(&mac.finalize().into_bytes().into())
}

/// A stored person key, re-keyed with a new secret (`cws secret rotate`): the key the
/// pseudonymiser with that secret added makes for the same reference.
pub fn rekey(new_secret: &[u8], key: &str) -> String {
    round(&mac_of(new_secret), key).as_str().to_string()
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser(<secret>)")
    }
}

impl Pseudonymiser {
    /// `secret` is the deployment's secret (at least 16 bytes is sensible; any length works).
    pub fn new(secret: &[u8]) -> Self {
        Pseudonymiser {
            mac: mac_of(secret),
            then: Vec::new(),
        }
    }

    /// The pseudonymiser of a rotated secret: the first secret, then each later one in turn.
    pub fn chain(secrets: &[&[u8]]) -> Self {
        let first: &[u8] = secrets.first().copied().unwrap_or_default();
        Pseudonymiser {
            mac: mac_of(first),
            then: secrets.iter().skip(1).map(|s| mac_of(s)).collect(),
        }
    }

    /// How many secrets it applies.
    pub fn rounds(&self) -> usize {
        1 + self.then.len()
    }

    pub fn key(&self, area: &str, organisation: &str, worker_ref: &str) -> PersonKey {
        let mut mac = self.mac.clone();
        for part in [area, organisation, worker_ref.trim()] {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        let mut key = PersonKey::from_digest(&mac.finalize().into_bytes().into());
        for mac in &self.then {
            key = round(mac, key.as_str());
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_secret_dependent_and_hide_the_reference() {
        let p = Pseudonymiser::new(b"deployment-secret");
        let a = p.key("318", "LA-CSC", "EMP0042");
        assert_eq!(a, p.key("318", "LA-CSC", " EMP0042 "));
        assert_ne!(a, p.key("318", "LA-CSC", "EMP0043"));
        assert_ne!(
            a,
            Pseudonymiser::new(b"other").key("318", "LA-CSC", "EMP0042")
        );
        // no ambiguity from joining parts
        assert_ne!(p.key("31", "8LA", "x"), p.key("318", "LA", "x"));
        assert!(!a.as_str().contains("0042"));
    }

    #[test]
    fn a_rotated_secret_keeps_every_key_stable() {
        let before = Pseudonymiser::new(b"first");
        let stored = before.key("318", "SUN-1", "W1");
        let after = Pseudonymiser::chain(&[b"first", b"second"]);
        assert_eq!(after.rounds(), 2);
        let rekeyed = rekey(b"second", stored.as_str());
        assert_eq!(after.key("318", "SUN-1", "W1").as_str(), rekeyed);
        assert_ne!(rekeyed, stored.as_str(), "the stored key changed");
        // the first secret alone no longer finds anyone
        assert_ne!(before.key("318", "SUN-1", "W1").as_str(), rekeyed);
    }
}
