//! A dashboard panel's chart or table as a file: `{panel}.svg`, `{panel}.png`, `{panel}.csv`
//! or `{panel}.xlsx` (with a native chart).

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::view::{View, ViewQuery};
use super::{panels, protected, topic_of, Draw};
use crate::access::Viewer;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

/// The topic and file in a download's path.
#[derive(serde::Deserialize)]
pub struct FilePath {
    topic: String,
    file: String,
}

const ASK: &str = "Ask for a .svg, .png, .csv or .xlsx file.";

pub async fn download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Path(FilePath { topic, file }): Path<FilePath>,
    Query(query): Query<ViewQuery>,
) -> Result<Response, WebError> {
    let topic = topic_of(&topic)?;
    let view = View::try_from(query)?;
    let (id, ext) = file
        .rsplit_once('.')
        .ok_or_else(|| WebError::NotFound(ASK.into()))?;
    let protect = protected(viewer.as_ref(), &place);
    let computed = panels(&state, &place, topic, protect, view.filter).await?;
    let p = computed
        .panels
        .iter()
        .find(|p| p.id == id)
        .map(|p| view.arrange(p))
        .ok_or_else(|| WebError::NotFound(format!("There is no chart called '{id}'.")))?;
    let p = &p;
    let synthetic = state.holds_synthetic().await?;
    let (bytes, content_type) = match ext {
        "svg" => (p.standalone_svg(synthetic).into_bytes(), "image/svg+xml"),
        "png" => (
            cws_documents::chart::png(&p.standalone_svg(synthetic), 2.0)?,
            "image/png",
        ),
        "csv" => (p.table.csv(synthetic)?, "text/csv; charset=utf-8"),
        "xlsx" => {
            let mut t = p.table.clone();
            if t.chart.is_none() && !p.chart_rows.is_empty() {
                let (first, last) = (p.chart_rows[0], p.chart_rows[p.chart_rows.len() - 1]);
                if last - first + 1 == p.chart_rows.len() {
                    t.chart = Some(cws_analyse::export::ChartSpec {
                        rows: first..last + 1,
                        columns: p.chart_columns.clone(),
                    });
                }
            }
            (
                cws_documents::xlsx::table(&t, synthetic)?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        }
        _ => return Err(WebError::NotFound(ASK.into())),
    };
    // a filtered table says so in its name too: a CSV has no title to carry it
    let name = format!(
        "{}-{}{}-{file}",
        place.name().to_lowercase().replace(' ', "-"),
        topic.code(),
        view.file_part()
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
