//! The children's workforce domain: areas, organisations, roles, workers.
//! Pure types with validating constructors; no IO.

pub mod geography;
