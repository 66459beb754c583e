//! What each role group's need follows in an area (docs/definitions.md §7.2): the mapping of
//! role groups to drivers and ratios, seen by those who see the area's projection and
//! changed by its lead as the CSV the command line takes (`cws project --drivers FILE`) —
//! for example social workers on a caseload standard — or set back to the shipped one.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use cws_domain::demand::DriverMap;
use cws_domain::role::RoleGroup;

use super::{area_of, base, breadcrumbs, may_keep};
use crate::access::Viewer;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "projection_drivers.html")]
struct DriversPage {
    attribution: &'static str,
    synthetic_banner: bool,
    place_name: String,
    base: String,
    breadcrumbs: Vec<(String, String)>,
    /// Each role group's drivers: role group, driver, ratio.
    rows: Vec<[String; 3]>,
    /// Whose the mapping is, in words.
    whose: String,
    own: bool,
    can_change: bool,
    /// The CSV in the form: as saved, as typed, or the shipped one to start from.
    text: String,
    error: Option<String>,
    saved: Option<&'static str>,
    /// The codes a mapping may use: (code, label).
    groups: Vec<(&'static str, &'static str)>,
    drivers: Vec<(&'static str, &'static str)>,
}

fn rows_of(map: &DriverMap) -> Vec<[String; 3]> {
    RoleGroup::ALL
        .iter()
        .flat_map(|g| {
            map.of(*g).into_iter().map(move |l| {
                [
                    g.label().to_string(),
                    l.driver.label().to_string(),
                    l.ratio.describe(),
                ]
            })
        })
        .collect()
}

/// What a page's address may say was just done.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DriversQuery {
    saved: String,
}

async fn render(
    state: &AppState,
    viewer: Option<&Viewer>,
    place: &crate::dashboards::Place,
    typed: Option<String>,
    error: Option<String>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let area = area_of(state, place)
        .await?
        .ok_or_else(|| WebError::NotFound("An area sets what its need follows.".into()))?;
    let own = cws_store::projection::driver_maps(&state.db)
        .await?
        .into_iter()
        .find(|m| m.area_code == area.code);
    let (map, whose) = match &own {
        Some(m) => (
            m.map.clone(),
            format!(
                "{}'s own mapping, saved by {} on {}.",
                area.name,
                m.saved_by,
                m.saved_at.get(..10).unwrap_or(&m.saved_at)
            ),
        ),
        None => (
            cws_reference::shipped_driver_map()?,
            "The mapping cws ships (data/cws/demand_drivers.csv): the area has none of its own."
                .to_string(),
        ),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = DriversPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: state.holds_synthetic().await?,
        place_name: area.name.clone(),
        base: base(place),
        breadcrumbs: {
            let mut b = breadcrumbs(place);
            b.push((base(place), "Projection".into()));
            b
        },
        rows: rows_of(&map),
        whose,
        own: own.is_some(),
        can_change: may_keep(viewer, &area),
        text: typed.unwrap_or_else(|| {
            own.as_ref().map_or_else(
                || cws_reference::shipped_driver_map_text().to_string(),
                |m| m.text.clone(),
            )
        }),
        error,
        saved,
        groups: RoleGroup::ALL
            .iter()
            .map(|g| (g.code(), g.label()))
            .collect(),
        drivers: cws_domain::demand::Driver::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The area's mapping, with the form to change it for its lead.
pub async fn page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    axum::extract::Query(q): axum::extract::Query<DriversQuery>,
) -> Result<Response, WebError> {
    let saved = match q.saved.as_str() {
        "saved" => Some("The area's mapping is saved: its projection's need follows it."),
        "reset" => Some("The area follows the mapping cws ships again."),
        _ => None,
    };
    render(&state, viewer.as_ref(), &place, None, None, saved).await
}

/// The mapping as posted.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct MappingForm {
    mapping: String,
}

fn back(place: &crate::dashboards::Place, done: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            format!("{}/drivers?saved={done}", base(place)),
        )],
    )
        .into_response()
}

/// Saves the area's own mapping; a mapping that cannot be used is answered with its row,
/// column and value, and the one held stays.
pub async fn save(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Form(form): Form<MappingForm>,
) -> Result<Response, WebError> {
    let area = area_of(&state, &place)
        .await?
        .ok_or_else(|| WebError::NotFound("An area sets what its need follows.".into()))?;
    let by = viewer.as_ref().map(|v| v.email.as_str()).unwrap_or("");
    match cws_store::projection::save_driver_map(&state.db, area.id, &form.mapping, by).await {
        Ok(()) => {
            tracing::info!(area = %area.code, "driver mapping saved");
            Ok(back(&place, "saved"))
        }
        Err(cws_store::StoreError::Refused(message)) => {
            let message = format!(
                "{}. Fix it in the text below and save again; the mapping held is unchanged.",
                crate::error::capitalised(&message)
            );
            render(
                &state,
                viewer.as_ref(),
                &place,
                Some(form.mapping),
                Some(message),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets the area back to the shipped mapping.
pub async fn reset(
    State(state): State<AppState>,
    PlaceInPath(place): PlaceInPath,
) -> Result<Response, WebError> {
    let area = area_of(&state, &place)
        .await?
        .ok_or_else(|| WebError::NotFound("An area sets what its need follows.".into()))?;
    cws_store::projection::remove_driver_map(&state.db, area.id).await?;
    tracing::info!(area = %area.code, "driver mapping set back to the shipped one");
    Ok(back(&place, "reset"))
}
