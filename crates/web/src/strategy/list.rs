//! The area's strategies, and starting a new one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use cws_plan::resources;
use cws_store::strategy::{self as store, FundingStreamRow, StrategyRow};

use super::{here, problems_of, refused, today, Here};
use crate::access::Viewer;
use crate::forms::Problems;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "strategy/list.html")]
struct ListPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    area_name: String,
    can_edit: bool,
    strategies: Vec<StrategyRow>,
    errors: Vec<String>,
    form: StartForm,
}

impl ListPage {
    /// When a strategy was started, in words.
    fn created(&self, s: &StrategyRow) -> String {
        crate::returns::own::when(&s.created_at)
    }
}

/// The form that starts a strategy, as typed.
#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct StartForm {
    title: String,
    start: String,
    end: String,
}

/// A strategy to start: its title and the period it covers.
struct Start {
    title: String,
    start: NaiveDate,
    end: NaiveDate,
}

impl TryFrom<&StartForm> for Start {
    type Error = Problems;

    fn try_from(f: &StartForm) -> Result<Start, Problems> {
        let mut p = Problems::default();
        let title = p.required(&f.title, "a title");
        let start = p.date(&f.start, "The start date");
        let end = p.date(&f.end, "The end date");
        let (Some(start), Some(end)) = (start, end) else {
            if p.is_empty() {
                p.push("Enter the period the strategy covers: a start and an end date.");
            }
            return Err(p);
        };
        if let Err(e) = cws_plan::framework::period(start, end) {
            p.push(format!("{}.", crate::error::capitalised(&e.to_string())));
        }
        p.finish(Start { title, start, end })
    }
}

async fn render(
    state: &AppState,
    h: &Here,
    errors: Vec<String>,
    form: StartForm,
) -> Result<String, WebError> {
    Ok(ListPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        area_code: h.area.code.clone(),
        area_name: h.area.name.clone(),
        can_edit: h.can_edit,
        strategies: store::strategies(&state.db, h.area.id).await?,
        errors,
        form,
    }
    .render()?)
}

pub async fn list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let form = StartForm {
        title: format!("Children's workforce strategy {}", today().format("%Y")),
        ..StartForm::default()
    };
    Ok(Html(render(&state, &h, Vec::new(), form).await?))
}

pub async fn create(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path(code): Path<String>,
    Form(form): Form<StartForm>,
) -> Result<Response, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let errors = match Start::try_from(&form) {
        Err(p) => p.into(),
        Ok(s) => {
            let created = store::create_strategy(&state.db, h.area.id, &s.title, s.start, s.end)
                .await
                .map_err(WebError::from);
            match created {
                Ok(id) => {
                    for stream in resources::starting_catalogue() {
                        store::add_funding_stream(&state.db, id, &FundingStreamRow::from(stream))
                            .await?;
                    }
                    tracing::info!(strategy = %id, "strategy created");
                    return Ok(Redirect::to(&format!(
                        "/areas/{}/strategy/{id}?saved=created",
                        h.area.code
                    ))
                    .into_response());
                }
                Err(e) => problems_of(Err(e))?,
            }
        }
    };
    Ok(refused(render(&state, &h, errors, form).await?))
}
