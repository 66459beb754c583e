//! The documents cws writes, for the web application and the command line alike: SVG charts
//! and their PNG pictures (`chart`), a document as blocks in reading order (`block`), Word
//! documents from those blocks (`docx`) and Excel workbooks of figure tables (`xlsx`).
//!
//! Nothing here reads the database or the network: a document is made from values.

#![forbid(unsafe_code)]

pub mod block;
pub mod chart;
pub mod docx;
pub mod xlsx;

pub use block::Block;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("drawing a chart as a picture: {0}")]
    Picture(String),
    #[error("the chart '{title}' could not be placed in the document: {problem}")]
    Chart { title: String, problem: String },
    #[error("writing the Word document: {0}")]
    Word(String),
    #[error("writing the workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}
