//! The local workforce strategy in the browser (docs/definitions.md §9): the CWDC framework's
//! sections with their history, evidence from the figures, SMART objectives tracked over
//! census dates, the action plan, the risk register, resources, the toolkit checklist, a
//! completeness view, the print view, the Word document and the board progress report.
//!
//! One module per part of the strategy, each with its pages, its forms and its changes; one
//! route per change. Reading needs the area's aggregates; changing anything needs its lead
//! (see `access::policy`). A strategy is always looked up within the area in the path.

pub mod actions;
pub mod analysis;
pub mod checklist;
pub(crate) mod document;
pub(crate) mod evidence;
pub mod export;
pub mod list;
pub mod objectives;
pub mod overview;
pub mod progress;
pub mod projection;
pub mod resources;
pub mod risks;
pub mod sections;

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use cws_store::geography::{self, AreaRow};
use cws_store::strategy::{
    self as store, ActionRow, AnalysisRow, BudgetRow, ChecklistQuestionRow, ChecklistRow,
    FundingStreamRow, ObjectiveRow, PlanLineRow, RiskRow, SectionVersion, StrategyRow,
};
use cws_store::StrategyId;

use crate::access::policy::{decide, Need, Target};
use crate::access::Viewer;
use crate::dashboards::Place;
use crate::forms::Problems;
use crate::{AppState, WebError};

pub(crate) use objectives::Tracking;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The area a page is about and what the viewer may do there.
pub(crate) struct Here {
    area: AreaRow,
    place: Place,
    can_edit: bool,
    protect: bool,
    by: String,
    synthetic: bool,
}

async fn here(state: &AppState, viewer: Option<&Viewer>, code: &str) -> Result<Here, WebError> {
    let area = geography::area(&state.db, code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))?;
    let place = Place::Area {
        code: area.code.clone(),
        name: area.name.clone(),
        region_code: area.region_code.clone(),
        region_name: area.region_name.clone(),
    };
    let target = Target {
        area: Some((area.code.clone(), area.old_la_code.clone())),
        region: Some(area.region_code.clone()),
        organisation_id: None,
    };
    let can_edit = decide(viewer.map(|v| &v.access), Need::AreaWorkers, &target);
    Ok(Here {
        protect: crate::dashboards::protected(viewer, &place),
        can_edit,
        by: viewer.map(|v| v.email.clone()).unwrap_or_default(),
        synthetic: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        area,
        place,
    })
}

/// Everything a strategy holds.
pub(crate) struct Loaded {
    pub strategy: StrategyRow,
    pub sections: HashMap<String, SectionVersion>,
    pub objectives: Vec<ObjectiveRow>,
    pub actions: Vec<ActionRow>,
    pub risks: Vec<RiskRow>,
    pub analysis: Vec<AnalysisRow>,
    pub budgets: Vec<BudgetRow>,
    pub streams: Vec<FundingStreamRow>,
    pub lines: Vec<PlanLineRow>,
    pub checklist: Vec<ChecklistRow>,
    /// The area's own checklist questions.
    pub questions: Vec<ChecklistQuestionRow>,
}

async fn load(state: &AppState, h: &Here, id: StrategyId) -> Result<Loaded, WebError> {
    let db = &state.db;
    let strategy = store::strategy_of_area(db, h.area.id, id)
        .await?
        .ok_or_else(|| WebError::NotFound("There is no such strategy for this area.".into()))?;
    Ok(Loaded {
        sections: store::current_sections(db, id)
            .await?
            .into_iter()
            .map(|s| (s.section.clone(), s))
            .collect(),
        objectives: store::objectives(db, id).await?,
        actions: store::actions(db, id).await?,
        risks: store::risks(db, id).await?,
        analysis: store::analysis(db, id).await?,
        budgets: store::budgets(db, id).await?,
        streams: store::funding_streams(db, id).await?,
        lines: store::plan_lines(db, id).await?,
        checklist: store::checklist(db, id).await?,
        questions: store::checklist_questions(db, id).await?,
        strategy,
    })
}

/// The page being answered: the area and what the viewer may do there, and the strategy.
pub(crate) struct Opened {
    pub here: Here,
    pub loaded: Loaded,
}

async fn open(
    state: &AppState,
    viewer: Option<&Viewer>,
    code: &str,
    id: StrategyId,
) -> Result<Opened, WebError> {
    let here = here(state, viewer, code).await?;
    let loaded = load(state, &here, id).await?;
    Ok(Opened { here, loaded })
}

/// The area and strategy of a path `/areas/{code}/strategy/{id}/…`.
#[derive(serde::Deserialize)]
struct StrategyPath {
    code: String,
    id: StrategyId,
}

/// A strategy page's area and strategy, opened from its path for the signed-in viewer.
impl FromRequestParts<AppState> for Opened {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let viewer = parts.extensions.get::<Option<Viewer>>().cloned().flatten();
        let Path(StrategyPath { code, id }) = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound("There is no such strategy for this area.".into()))?;
        open(state, viewer.as_ref(), &code, id).await
    }
}

/// What every strategy page shows around its content.
pub(crate) struct Frame {
    area_code: String,
    area_name: String,
    sid: StrategyId,
    title: String,
    period: String,
    can_edit: bool,
    nav: &'static str,
    saved: Option<&'static str>,
    errors: Vec<String>,
}

impl Frame {
    fn new(h: &Here, s: &StrategyRow, nav: &'static str, saved: Option<&'static str>) -> Frame {
        Frame {
            area_code: h.area.code.clone(),
            area_name: h.area.name.clone(),
            sid: s.id,
            title: s.title.clone(),
            period: format!(
                "{} to {}",
                s.period_start.format("%-d %B %Y"),
                s.period_end.format("%-d %B %Y")
            ),
            can_edit: h.can_edit,
            nav,
            saved,
            errors: Vec::new(),
        }
    }

    fn base(&self) -> String {
        format!("/areas/{}/strategy/{}", self.area_code, self.sid)
    }
}

/// Confirmations after a change, by code (never text from the address).
fn saved_message(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "section" => "The section is saved as a new version.",
        "unchanged" => "Nothing changed: the text is the same as the current version.",
        "objective" => "The objective is saved.",
        "action" => "The action is saved.",
        "progress" => "The action's progress is recorded.",
        "risk" => "The risk is saved.",
        "resources" => "The resources are saved.",
        "removed" => "Removed.",
        "checklist" => "The checklist answers are saved.",
        "question" => "Your question is added to the checklist.",
        "question-removed" => "The question and its answer are removed.",
        "analysis" => "The analysis is updated.",
        "projection" => "The projection the strategy shows is saved.",
        "created" => {
            "The strategy is created. Start with the vision, or work through the sections in order."
        }
        _ => return None,
    })
}

/// What a strategy page's address may ask for.
#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    saved: Option<String>,
    edit: Option<i64>,
    view: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// A page sent back because the form on it was wrong (422), with every problem listed.
fn refused(body: String) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response()
}

/// After a change: to the page that shows it, saying what was saved.
fn saved(h: &Here, sid: StrategyId, page: &str, code: &str) -> Response {
    Redirect::to(&format!(
        "/areas/{}/strategy/{sid}/{page}?saved={code}",
        h.area.code
    ))
    .into_response()
}

/// A form's problems, or the store's refusal of the change, as messages for the page.
fn problems_of(result: Result<(), WebError>) -> Result<Vec<String>, WebError> {
    match result {
        Ok(()) => Ok(Vec::new()),
        Err(WebError::Store(
            cws_store::StoreError::Refused(m) | cws_store::StoreError::Conflict(m),
        )) => Ok(vec![format!("{}.", crate::error::capitalised(&m))]),
        Err(e) => Err(e),
    }
}

impl From<Problems> for Vec<String> {
    fn from(p: Problems) -> Self {
        p.0
    }
}

/// A row of this strategy named in the path that is not there.
fn no_such(what: &str) -> WebError {
    WebError::NotFound(format!("There is no such {what} in this strategy."))
}

/// How the strategy's pages write figures, money and dates; each page's template uses these.
pub(crate) trait Formats {
    fn money(&self, x: &f64) -> String {
        document::money(*x)
    }

    fn num(&self, x: &Option<f64>) -> String {
        document::num(*x)
    }

    /// A number as a form field holds it (empty when there is none).
    fn raw(&self, x: &Option<f64>) -> String {
        x.map(|v| v.to_string()).unwrap_or_default()
    }

    fn date_value(&self, d: &Option<NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }
}
