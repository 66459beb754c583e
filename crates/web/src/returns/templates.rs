//! The worker template to download: blank, or for one organisation (with its reference
//! filled in).

use axum::extract::{Path, State};
use axum::response::Response;
use cws_collect::{template, xlsx};
use cws_store::{geography, returns};

use super::{download, XLSX};
use crate::{AppState, WebError};

/// The worker template, blank (`/templates/workers.xlsx` or `.csv`).
pub async fn blank_template(Path(file): Path<String>) -> Result<Response, WebError> {
    template_response(&file, None)
}

/// The worker template for one registered organisation.
pub async fn organisation_template(
    State(state): State<AppState>,
    Path((code, reference, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let area = geography::area(&state.db, &code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))?;
    let org = returns::organisations(&state.db, area.id)
        .await?
        .into_iter()
        .find(|o| o.reference.eq_ignore_ascii_case(&reference))
        .ok_or_else(|| {
            WebError::NotFound(format!(
                "'{reference}' is not an organisation registered in {}.",
                area.name
            ))
        })?;
    template_response(&file, Some((&org.reference, &org.name)))
}

fn template_response(file: &str, org: Option<(&str, &str)>) -> Result<Response, WebError> {
    let stem = org
        .map(|o| format!("{}-workforce-return", o.0))
        .unwrap_or_else(|| "cws-workforce-return".into());
    match file {
        "template.xlsx" | "workers.xlsx" => {
            let roles = cws_reference::roles()?;
            let bytes = xlsx::template(&roles, org)?;
            Ok(download(bytes, XLSX, &format!("{stem}.xlsx")))
        }
        "template.csv" | "workers.csv" => {
            let mut bytes = Vec::new();
            template::write_workers(&mut bytes, "", &[])?;
            Ok(download(
                bytes,
                "text/csv; charset=utf-8",
                &format!("{stem}.csv"),
            ))
        }
        _ => Err(WebError::NotFound(
            "Templates are available as template.xlsx and template.csv.".into(),
        )),
    }
}
