//! Keeping an area's projection scenarios: the lead names the levers on the page and keeps
//! them (the same name again replaces them), or removes one.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use cws_store::ScenarioId;

use super::{area_of, base, render, Keeping, Scenario, ScenarioQuery};
use crate::access::Viewer;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

/// The keep form: a name and the levers as typed on the page.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct KeepForm {
    name: String,
    #[serde(flatten)]
    scenario: ScenarioQuery,
}

/// Back to the page with the scenario's levers, saying what was done.
fn back_to(place_base: &str, query: &str, done: &str) -> Response {
    let join = if query.is_empty() { '?' } else { '&' };
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            format!("{place_base}{query}{join}saved={done}#saved-scenarios"),
        )],
    )
        .into_response()
}

pub async fn save_scenario(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Form(form): Form<KeepForm>,
) -> Result<Response, WebError> {
    let area = area_of(&state, &place)
        .await?
        .ok_or_else(|| WebError::NotFound("Scenarios are kept for an area.".into()))?;
    let name = form.name.trim().to_string();
    let refuse = |message: String| Keeping {
        name: name.clone(),
        errors: vec![("name".into(), message)],
    };
    // the levers are checked first: the page shows their problems by their fields
    let Ok(scenario) = Scenario::try_from(&form.scenario) else {
        return render(
            &state,
            viewer.as_ref(),
            &place,
            &form.scenario,
            Keeping {
                name,
                errors: Vec::new(),
            },
        )
        .await;
    };
    if name.is_empty() {
        let keeping = refuse("Enter a name for the scenario, like “Grow our own”.".into());
        return render(&state, viewer.as_ref(), &place, &form.scenario, keeping).await;
    }
    let by = viewer.as_ref().map(|v| v.email.as_str()).unwrap_or("");
    match cws_store::projection::save_scenario(&state.db, area.id, &name, &scenario.levers, by)
        .await
    {
        Ok(id) => {
            tracing::info!(area = %area.code, scenario = id.0, "projection scenario kept");
            Ok(back_to(&base(&place), &form.scenario.query(), "kept"))
        }
        Err(cws_store::StoreError::Refused(message)) => {
            render(
                &state,
                viewer.as_ref(),
                &place,
                &form.scenario,
                refuse(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The scenario in a removal's path.
#[derive(serde::Deserialize)]
pub struct ScenarioPath {
    scenario: ScenarioId,
}

pub async fn remove_scenario(
    State(state): State<AppState>,
    PlaceInPath(place): PlaceInPath,
    Path(ScenarioPath { scenario }): Path<ScenarioPath>,
) -> Result<Response, WebError> {
    let area = area_of(&state, &place)
        .await?
        .ok_or_else(|| WebError::NotFound("Scenarios are kept for an area.".into()))?;
    if !cws_store::projection::remove_scenario(&state.db, area.id, scenario).await? {
        return Err(WebError::NotFound("This area has no such scenario.".into()));
    }
    tracing::info!(area = %area.code, scenario = scenario.0, "projection scenario removed");
    Ok(back_to(&base(&place), "", "removed"))
}
