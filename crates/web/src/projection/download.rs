//! A projection as a file, under the scenario in the query: its table as `projection.csv`
//! or `projection.xlsx`, or one of its charts as `supply.png`, `gap.svg`, … (title, the
//! projection it shows and its legend in the picture).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;

use super::{charts, compute, Scenario, ScenarioQuery};
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
    let ask = || {
        WebError::NotFound(format!(
            "Ask for projection.csv, projection.xlsx or a chart as PNG or SVG: {}.",
            charts::NAMES.map(|n| format!("{n}.png")).join(", ")
        ))
    };
    let (stem, ext) = file.rsplit_once('.').ok_or_else(ask)?;
    let wanted = match (stem, ext) {
        ("projection", "csv" | "xlsx") => None,
        (name, "png" | "svg") if charts::NAMES.contains(&name) => Some(name),
        _ => return Err(ask()),
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
    let name = format!("{}-{file}", place.name().to_lowercase().replace(' ', "-"));
    if let Some(wanted) = wanted {
        let chart = charts::named(&projected, place.name(), wanted).ok_or_else(|| {
            WebError::NotFound(format!(
                "This projection has no {wanted} chart: need is not known every year."
            ))
        })?;
        let subtitle = if synthetic {
            format!("{title} · SYNTHETIC DATA, no real person")
        } else {
            title
        };
        let svg = chart.standalone(&subtitle);
        let (bytes, content_type) = match ext {
            "png" => (cws_documents::chart::png(&svg, 2.0)?, "image/png"),
            _ => (svg.into_bytes(), "image/svg+xml"),
        };
        return Ok(crate::returns::download(bytes, content_type, &name));
    }
    let table = projected.table(title);
    let (bytes, content_type) = match ext {
        "csv" => (table.csv(synthetic)?, "text/csv; charset=utf-8"),
        _ => (
            cws_documents::xlsx::table(&table, synthetic)?,
            crate::returns::XLSX,
        ),
    };
    Ok(crate::returns::download(bytes, content_type, &name))
}
