//! Collecting returns in the browser: the rule list, the area's return coverage, template
//! downloads, uploading a return — checked first, then submitted with explanations for any
//! queries — with the report to read on the page or download, the worker form for small
//! employers, and deleting an organisation's data.
//!
//! Who may use them is decided in `access::policy` (the area's lead; an employer for its own
//! organisation's form), and each use is in the audit log.

pub mod coverage;
pub mod delete;
pub mod own;
pub mod rules;
pub mod templates;
pub mod upload;
pub mod workers;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use cws_collect::report::Message;
use cws_store::{geography, returns};

use crate::uploads::safe_name;
use crate::{AppState, WebError};

pub(crate) async fn area_and_collection(
    state: &AppState,
    code: &str,
    census: Option<chrono::NaiveDate>,
) -> Result<(geography::AreaRow, returns::CollectionRow), WebError> {
    let area = geography::area(&state.db, code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))?;
    let collection = returns::collection(&state.db, census)
        .await?
        .ok_or_else(|| WebError::NotFound("There is no collection for that census date. Create one with `cws collection create`.".into()))?;
    Ok((area, collection))
}

pub(crate) fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", safe_name(filename));
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A message as shown in a table.
pub(crate) struct MessageRow {
    pub file: String,
    pub row: String,
    /// The worker reference the row gives, as sent.
    pub worker: String,
    pub column: String,
    pub value: String,
    pub text: String,
    pub fix: &'static str,
    pub rule: &'static str,
}

impl From<&Message> for MessageRow {
    fn from(m: &Message) -> Self {
        MessageRow {
            file: m.file.clone(),
            row: m.row.map(|r| r.to_string()).unwrap_or_default(),
            worker: m.worker.clone().unwrap_or_default(),
            column: m.column.clone().unwrap_or_default(),
            value: m.value.clone().unwrap_or_default(),
            text: m.text.clone(),
            fix: m.fix,
            rule: m.rule,
        }
    }
}
