//! The area lead's view of a collection: who has returned, by sector, service and setting,
//! and who has not.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use cws_collect::coverage;
use cws_domain::collection::ReturnStatus;
use cws_store::returns;

use super::{area_and_collection, CensusQuery};
use crate::{AppState, WebError};

struct CoverageTable {
    dimension: &'static str,
    heading: String,
    groups: Vec<coverage::Group>,
}

/// A coverage row as shown: status in words.
struct MissingRow {
    reference: String,
    name: String,
    sector: String,
    setting: String,
    status: String,
}

#[derive(Template)]
#[template(path = "returns.html")]
struct ReturnsPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    area_name: String,
    census_date: String,
    due: String,
    closes: String,
    collections: Vec<String>,
    overall: Option<coverage::Group>,
    tables: Vec<CoverageTable>,
    missing: Vec<MissingRow>,
    returned: usize,
}

/// The area lead's view: who has returned, by sector, service and setting, and who has not.
pub async fn returns_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<CensusQuery>,
) -> Result<Html<String>, WebError> {
    let (area, c) = area_and_collection(&state, &code, q.census).await?;
    let rows = returns::coverage(&state.db, area.id, c.id).await?;
    let mut summary = coverage::summarise(&rows);
    let overall = summary.first_mut().and_then(|(_, g)| g.pop());
    let tables = summary
        .into_iter()
        .skip(1)
        .map(|(dimension, groups)| {
            let mut heading = dimension.to_string();
            heading[..1].make_ascii_uppercase();
            CoverageTable {
                dimension,
                heading,
                groups,
            }
        })
        .collect();
    let returned = rows
        .iter()
        .filter(|r| r.status == ReturnStatus::Accepted)
        .count();
    let missing = rows
        .into_iter()
        .filter(|r| r.status != ReturnStatus::Accepted)
        .map(|r| {
            let mut status = r.status.label().to_string();
            if let Some(e) = r.errors.filter(|e| *e > 0) {
                status.push_str(&format!(" ({e} errors)"));
            }
            MissingRow {
                sector: r.sector.label().to_string(),
                setting: r.setting_type.label().to_string(),
                reference: r.reference,
                name: r.name,
                status,
            }
        })
        .collect();
    let page = ReturnsPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        area_code: area.code,
        area_name: area.name,
        census_date: c.census_date.format("%-d %B %Y").to_string(),
        due: c.due.format("%-d %B %Y").to_string(),
        closes: c.closes.format("%-d %B %Y").to_string(),
        collections: returns::collections(&state.db)
            .await?
            .into_iter()
            .map(|c| c.census_date.to_string())
            .collect(),
        overall,
        tables,
        missing,
        returned,
    };
    Ok(Html(page.render()?))
}
