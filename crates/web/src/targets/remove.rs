//! Removing one of the area's targets.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use cws_store::TargetId;

use super::area_of;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

/// The target in a path.
#[derive(serde::Deserialize)]
pub struct TargetPath {
    pub target: TargetId,
}

pub async fn remove(
    State(state): State<AppState>,
    PlaceInPath(place): PlaceInPath,
    Path(TargetPath { target }): Path<TargetPath>,
) -> Result<Response, WebError> {
    let area = area_of(&state, &place).await?;
    if !cws_store::targets::remove_target(&state.db, area.id, target).await? {
        return Err(WebError::NotFound("This area has no such target.".into()));
    }
    tracing::info!(area = %area.code, target = target.0, "target removed");
    Ok((
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            format!("/areas/{}/targets?saved=removed", area.code),
        )],
    )
        .into_response())
}
