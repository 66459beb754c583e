//! Collecting workforce returns (SPEC §4): the cws worker-return template and the
//! pseudonymisation of worker references at ingest.

pub mod pseudonymise;
pub mod template;
