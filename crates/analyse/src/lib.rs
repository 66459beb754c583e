//! Analysing the workforce: the figures of docs/definitions.md §6 from worker-level returns (through a
//! compact in-memory snapshot of each census) or from published figures, cut by any
//! dimension, compared over time and with neighbours, and protected by disclosure control
//! before anything leaves its area.

pub mod backcast;
pub mod breakdown;
pub mod compare;
pub mod cube;
pub mod disclosure;
pub mod diversity;
pub mod export;
pub mod figures;
pub mod live;
pub mod load;
pub mod measure;
pub mod need;
pub mod panels;
pub mod projected;
pub mod projection;
pub mod published;
pub mod scoped;
pub mod snapshot;
pub mod targets;

pub use figures::{compute, Dimension, Group, Options, Scope};
pub use measure::{Kind, Measure, Params, Sums};
pub use snapshot::Snapshot;
