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
    template_response(&file, None, &Filled::default())
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
    // filled with what cws holds: the draft's posts when there is one, else those sent
    let (workers, vacancies) = match returns::collection(&state.db, None).await? {
        Some(c) => {
            let held = match returns::draft(&state.db, c.id, org.id).await? {
                Some(d) => Some(d),
                None => returns::current_return(&state.db, c.id, org.id).await?,
            };
            match held {
                Some(r) => (
                    returns::return_workers(&state.db, r.id).await?,
                    returns::return_vacancies(&state.db, r.id).await?,
                ),
                None => (Vec::new(), Vec::new()),
            }
        }
        None => (Vec::new(), Vec::new()),
    };
    let filled = Filled {
        workers: workers
            .iter()
            .map(|w| (template::held_reference(&w.person), w.clone()))
            .collect(),
        vacancy_rows: vacancies
            .iter()
            .map(|v| template::vacancy_row(&org.reference, v))
            .collect(),
    };
    template_response(&file, Some((&org.reference, &org.name)), &filled)
}

/// The rows a template is filled with: posts (with the worker reference each is written
/// with) and vacancy rows.
#[derive(Default)]
struct Filled {
    workers: Vec<(String, cws_domain::worker::WorkerRecord)>,
    vacancy_rows: Vec<Vec<String>>,
}

fn template_response(
    file: &str,
    org: Option<(&str, &str)>,
    filled: &Filled,
) -> Result<Response, WebError> {
    let stem = org
        .map(|o| format!("{}-workforce-return", o.0))
        .unwrap_or_else(|| "cws-workforce-return".into());
    match file {
        "template.xlsx" | "workers.xlsx" => {
            let roles = cws_reference::roles()?;
            let org_ref = org.map(|o| o.0).unwrap_or("");
            let worker_rows: Vec<Vec<String>> = filled
                .workers
                .iter()
                .map(|(r, w)| template::worker_row(org_ref, r, w))
                .collect();
            let bytes = xlsx::template_filled(&roles, org, &worker_rows, &filled.vacancy_rows)?;
            Ok(download(bytes, XLSX, &format!("{stem}.xlsx")))
        }
        "template.csv" | "workers.csv" => {
            let mut bytes = Vec::new();
            template::write_workers(&mut bytes, org.map(|o| o.0).unwrap_or(""), &filled.workers)?;
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
