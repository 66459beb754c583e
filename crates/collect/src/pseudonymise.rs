//! Worker references are pseudonymised at ingest with a per-deployment secret (HMAC-SHA256),
//! so the plain reference an employer uses is never stored, and the same person keeps the
//! same key from one census to the next within a deployment.

use cws_domain::worker::PersonKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Turns (area, organisation, worker reference) into a stable `PersonKey`.
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser(<secret>)")
    }
}

impl Pseudonymiser {
    /// `secret` is the deployment's secret (at least 16 bytes is sensible; any length works).
    pub fn new(secret: &[u8]) -> Self {
        // HMAC accepts keys of any length, so this cannot fail.
        let mac = match Hmac::<Sha256>::new_from_slice(secret) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        Pseudonymiser { mac }
    }

    pub fn key(&self, area: &str, organisation: &str, worker_ref: &str) -> PersonKey {
        let mut mac = self.mac.clone();
        for part in [area, organisation, worker_ref.trim()] {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        PersonKey::from_digest(&mac.finalize().into_bytes().into())
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
}
