//! A projection's table as a file: `projection.csv` or `projection.xlsx`, under the
//! scenario in the query.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;

use super::{compute, Scenario, ScenarioQuery};
use crate::access::Viewer;
use crate::dashboards::protected;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

/// The file in a projection download's path.
#[derive(serde::Deserialize)]
pub struct FilePath {
    file: String,
}

/// The projection's table as `projection.csv` or `projection.xlsx`.
pub async fn download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Path(FilePath { file }): Path<FilePath>,
    Query(q): Query<ScenarioQuery>,
) -> Result<Response, WebError> {
    let ext = match file.as_str() {
        "projection.csv" => "csv",
        "projection.xlsx" => "xlsx",
        _ => {
            return Err(WebError::NotFound(
                "Ask for projection.csv or projection.xlsx.".into(),
            ))
        }
    };
    let scenario = Scenario::try_from(&q).map_err(|e| {
        WebError::Unprocessable(e.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" "))
    })?;
    let protect = protected(viewer.as_ref(), &place);
    let projected = compute(&state, &place, &scenario, protect)
        .await?
        .map_err(WebError::NotFound)?;
    let synthetic = state.holds_synthetic().await?;
    let title = format!(
        "{}: the workforce projected from the census of {} to {}{} ({} runs, seed {})",
        place.name(),
        projected.census_year,
        projected.horizon,
        if scenario.changed {
            ", the scenario's levers"
        } else {
            ", as now"
        },
        scenario.runs,
        scenario.seed
    );
    let table = projected.table(title);
    let (bytes, content_type) = match ext {
        "csv" => (table.csv(synthetic)?, "text/csv; charset=utf-8"),
        _ => (
            cws_documents::xlsx::table(&table, synthetic)?,
            crate::returns::XLSX,
        ),
    };
    let name = format!("{}-{file}", place.name().to_lowercase().replace(' ', "-"));
    Ok(crate::returns::download(bytes, content_type, &name))
}
