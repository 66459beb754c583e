//! Projection of the children's workforce (docs/definitions.md §7): each area's people in
//! post, by role group × age band × qualification tier, carried forward a year at a time
//! by leavers, retirements, moves between role groups, qualification upgrades, ageing,
//! joiners and agency conversion; demand beside it and the gap between them. The same model
//! runs once on expected values (`model::expected`) and many times on drawn counts and
//! parameters (`monte_carlo::simulate`) for P10/P50/P90 bands. Pure: no IO, no clock, and
//! every random draw comes from the seed.

#![forbid(unsafe_code)]

pub mod backcast;
pub mod cells;
pub mod coverage;
pub mod demand;
pub mod levers;
pub mod model;
pub mod monte_carlo;
pub mod shrink;

pub use cells::{AgeBand, Tier};

/// The model's version: raised whenever a flow, a draw or their order changes, so a run
/// kept with it says which model made it (`docs/definitions.md` §7).
pub const MODEL_VERSION: u32 = 1;
pub use levers::Levers;
pub use model::{DemandVariant, Inputs, Projection, Rate, Year};

/// Why a projection cannot be run: the field at fault and what it must be.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProjectError {
    #[error("{field}: {problem}")]
    Input { field: String, problem: String },
    #[error("the lever '{lever}' is {value}, outside its range {min} to {max}{unit}")]
    Lever {
        lever: &'static str,
        value: f64,
        min: f64,
        max: f64,
        unit: &'static str,
    },
}

impl ProjectError {
    pub(crate) fn input(field: impl Into<String>, problem: impl Into<String>) -> Self {
        ProjectError::Input {
            field: field.into(),
            problem: problem.into(),
        }
    }
}
