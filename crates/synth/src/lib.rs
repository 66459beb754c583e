//! A synthetic children's workforce for demos, tests and benchmarks (docs/definitions.md §3).
//!
//! Every area is generated from its own random stream (the run's seed mixed with the area
//! code), so the same seed gives the same data whatever the scale, and areas can be generated
//! in parallel. The data is calibrated where published figures exist:
//! - each area's children's social workers (FTE in post, turnover, vacancy, agency and agency
//!   cover rates, caseload, absence) follow the 2025 published indicators, split by children's
//!   population for joint returns;
//! - ethnicity follows the area's Census 2021 population;
//! - other services are sized from the area's children aged 0–17, so national totals of the
//!   school and early years workforces come out at the right order.
//!
//! Everything it makes is labelled synthetic: organisation names say so and the rows carry
//! the `synthetic` flag in the store.

mod catalogue;
mod generate;
mod inputs;
pub mod load;
pub mod write;

pub use generate::{
    generate_area, generate_social_work, AreaWorkforce, GeneratedOrg, GeneratedWorker,
};
pub use inputs::{plan, AreaInputs, Scale, SocialWorkTargets};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SynthError {
    #[error("{0}")]
    Scale(String),
    #[error("reference data: {0}")]
    Reference(#[from] cws_reference::ReferenceError),
    #[error("store: {0}")]
    Store(#[from] cws_store::StoreError),
    #[error("writing {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("writing {path}: {source}")]
    Csv {
        path: String,
        #[source]
        source: csv::Error,
    },
}

/// The census date the synthetic workforce describes (the 2025 collection).
pub fn census_date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 9, 30).unwrap_or_default()
}

pub use generate::Context;
