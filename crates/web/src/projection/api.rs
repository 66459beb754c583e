//! The projection through the API: `/api/areas/{code}/projection`, a region's and
//! England's, with the page's levers, horizon, runs and seed as query parameters, answered
//! as JSON under the same access and disclosure control as the page.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::{compute, Scenario, ScenarioQuery};
use crate::access::Viewer;
use crate::api::ApiError;
use crate::dashboards::protected;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

pub async fn projection(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    place: Result<PlaceInPath, WebError>,
    Query(q): Query<ScenarioQuery>,
) -> Result<Json<Value>, ApiError> {
    let PlaceInPath(place) = place?;
    let scenario = Scenario::try_from(&q).map_err(|problems| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            problems
                .into_iter()
                .map(|(field, m)| format!("{field}: {m}"))
                .collect::<Vec<_>>()
                .join(" "),
        )
    })?;
    let protect = protected(viewer.as_ref(), &place);
    let projected = compute(&state, &place, &scenario, protect)
        .await?
        .map_err(|why| ApiError::new(StatusCode::NOT_FOUND, why))?;
    let synthetic = state.holds_synthetic().await.map_err(WebError::from)?;
    Ok(Json(json!({
        "place": place.name(),
        "levers": scenario.levers,
        "runs": scenario.runs,
        "seed": scenario.seed,
        "protected": protect,
        "synthetic": synthetic,
        "projection": projected,
    })))
}
