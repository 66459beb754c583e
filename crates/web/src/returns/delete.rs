//! Deleting everything an organisation has returned (docs/definitions.md §11), confirmed
//! first; the organisation stays registered.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use cws_store::{geography, returns};

use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "delete_org.html")]
struct DeleteOrgPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    area_name: String,
    reference: String,
    name: String,
    done: bool,
    returns: u64,
}

async fn org_of(
    state: &AppState,
    code: &str,
    reference: &str,
) -> Result<(geography::AreaRow, returns::OrganisationRow), WebError> {
    let area = geography::area(&state.db, code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))?;
    let org = returns::organisation(&state.db, area.id, reference)
        .await?
        .ok_or_else(|| {
            WebError::NotFound(format!("{} has no organisation '{reference}'.", area.name))
        })?;
    Ok((area, org))
}

/// Asks the area's lead to confirm deleting an organisation's data.
pub async fn delete_org_form(
    State(state): State<AppState>,
    Path((code, reference)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let (area, org) = org_of(&state, &code, &reference).await?;
    Ok(Html(
        DeleteOrgPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            area_code: area.code,
            area_name: area.name,
            reference: org.reference,
            name: org.name,
            done: false,
            returns: 0,
        }
        .render()?,
    ))
}

/// Deletes everything an organisation has returned (docs/definitions.md §11); the route is audited.
pub async fn delete_org(
    State(state): State<AppState>,
    Path((code, reference)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let (area, org) = org_of(&state, &code, &reference).await?;
    let n = returns::delete_organisation_data(&state.db, org.id).await?;
    crate::figures::refresh(&state).await;
    tracing::info!(
        organisation = org.id.0,
        returns = n,
        "organisation data deleted"
    );
    Ok(Html(
        DeleteOrgPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            area_code: area.code,
            area_name: area.name,
            reference: org.reference,
            name: org.name,
            done: true,
            returns: n,
        }
        .render()?,
    ))
}
