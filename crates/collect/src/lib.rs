//! Collecting workforce returns (docs/definitions.md §4): the cws worker template (CSV and XLSX), the DfE
//! social work census XML and the adult social care bulk-upload worker file, all feeding one
//! path: read → rows → rules → what changes → an atomic, versioned commit.

pub mod bulk_upload;
pub mod census_xml;
pub mod checks;
pub mod community;
pub mod coverage;
pub mod import;
pub mod organisations;
pub mod pseudonymise;
pub mod read;
pub mod report;
pub mod rows;
pub mod rules;
pub mod template;
pub mod xlsx;

use thiserror::Error;

/// Why an import could not run at all (as opposed to messages about the files).
#[derive(Debug, Error)]
pub enum CollectError {
    #[error("there is no area with the code '{0}': use a DfE number such as 318 or a GSS code such as E09000027")]
    UnknownArea(String),
    #[error("'{organisation}' is not an organisation registered in {area}")]
    UnknownOrganisation { organisation: String, area: String },
    #[error("{}", match .0 {
        Some(d) => format!("there is no collection for the census date {d}: create it with `cws collection create --census {d}`"),
        None => "there is no collection yet: create one with `cws collection create --census YYYY-09-30`".to_string(),
    })]
    NoCollection(Option<chrono::NaiveDate>),
    #[error("the file reader stopped unexpectedly")]
    ReaderStopped,
    #[error("store: {0}")]
    Store(#[from] cws_store::StoreError),
    #[error("reference data: {0}")]
    Reference(#[from] cws_reference::ReferenceError),
    #[error("writing {path}: {message}")]
    Write { path: String, message: String },
}
