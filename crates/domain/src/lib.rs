//! The children's workforce domain (docs/definitions.md §2, §3, §5): areas, organisations, the role
//! catalogue, workers, vacancies, collections and users.
//!
//! Pure types with validating constructors ("parse, don't validate"): once you hold an
//! `OldLaCode`, an `Fte` or a `Collection`, it is valid. No IO happens here.

#[macro_use]
pub mod code_enum;
pub mod cells;
pub mod collection;
pub mod demand;
pub mod geography;
pub mod organisation;
pub mod role;
pub mod user;
pub mod words;
pub mod worker;

pub use code_enum::UnknownCode;
#[cfg(feature = "sqlx")]
#[doc(hidden)]
pub use sqlx;
