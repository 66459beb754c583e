//! Workforce figures from the returns, served from the warm snapshot (`LiveFigures`) and
//! protected by disclosure control: these pages are open to anyone who can reach the server
//! until sign-in exists, so they show only what could be published.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use cws_analyse::cube::Cube;
use cws_analyse::disclosure::{protect, Policy};
use cws_analyse::export::{Column, Table, TableRow};
use cws_analyse::figures::{compute, Dimension, FiguresError, Scope};
use cws_analyse::load::LoadError;
use cws_analyse::measure::{published_measures, Measure};
use cws_store::geography;

use crate::{AppState, WebError};

/// An area's figures by role group, with totals, as JSON (DfE's names where DfE publishes
/// the measure).
pub async fn area_figures(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let area = geography::area(&state.db, &code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))?;
    let snapshot = match state.figures.snapshot(&state.db, None).await {
        Ok(s) => s,
        Err(LoadError::NoCollections) => {
            return Err(WebError::NotFound("There is no collection yet.".into()))
        }
        Err(e) => return Err(e.into()),
    };
    let mut measures = vec![Measure::People];
    measures.extend(published_measures());
    let table = {
        let snap = snapshot.read()?;
        let census = snap.census.ok_or(FiguresError::NoCensus)?;
        let opts = state.options(census);
        let dims = [Dimension::RoleGroup];
        let groups = compute(&snap, &Scope::Area(area.code.clone()), &dims, &opts)?;
        let cube = Cube::from_groups(&dims, &groups);
        let shown = protect(&cube, &measures, &opts.params, &Policy::default());
        Table {
            title: format!("{} by role group at {census}", area.name),
            label_columns: vec!["role_group".into()],
            columns: Column::of(&measures),
            rows: cube
                .cells
                .iter()
                .zip(shown.values)
                .map(|(c, values)| TableRow {
                    labels: vec![c.labels[0].clone().unwrap_or_else(|| "Total".into())],
                    values,
                })
                .collect(),
            footnote: shown.footnote,
            chart: None,
        }
    };
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        table.json(state.holds_synthetic().await?).to_string(),
    )
        .into_response())
}

/// After a return is accepted: replace what changed in the warm snapshots. The return is
/// stored whatever happens here, so a failure is logged, not shown.
pub async fn refresh(state: &AppState) {
    if let Err(e) = state.figures.refresh_all(&state.db).await {
        tracing::warn!(error = %e, "the figures could not be brought up to date");
    }
}
