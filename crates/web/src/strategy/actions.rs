//! The action plan: actions by workstream with a lead, dates, milestones, status and a
//! red/amber/green rating, overdue and at-risk views, and dated progress updates.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::Form;
use cws_plan::actions::{self, Action, Rag, Status, WORKSTREAMS};
use cws_store::strategy::{self as store, ActionRow, Progress};
use cws_store::{ActionId, ObjectiveId};

use super::{
    no_such, problems_of, refused, saved, saved_message, today, Frame, Here, Loaded, Opened,
    PageQuery,
};
use crate::forms::Problems;
use crate::{AppState, WebError};

struct ActionView {
    row: ActionRow,
    objective: String,
    status: &'static str,
    status_code: &'static str,
    /// The lead's own rating's code; empty when cws works it out.
    chosen_rag: &'static str,
    rag: &'static str,
    rag_key: &'static str,
    overdue: bool,
    at_risk: bool,
}

/// How many actions there are, and how many are overdue or at risk.
struct Counts {
    all: usize,
    overdue: usize,
    at_risk: usize,
}

#[derive(Template)]
#[template(path = "strategy/actions.html")]
struct ActionsPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    view: String,
    actions: Vec<ActionView>,
    counts: Counts,
    workstreams: Vec<&'static str>,
    objective_choices: Vec<(ObjectiveId, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    rags: Vec<(&'static str, &'static str)>,
}

fn render(h: &Here, l: &Loaded, q: &PageQuery, errors: Vec<String>) -> Result<String, WebError> {
    let mut f = Frame::new(h, &l.strategy, "actions", saved_message(q.saved.as_deref()));
    f.errors = errors;
    let now = today();
    let all: Vec<ActionView> = l
        .actions
        .iter()
        .map(|a| {
            let plan = &a.action;
            let rag = plan.rag(now);
            ActionView {
                objective: a
                    .objective_id
                    .and_then(|o| l.objectives.iter().find(|x| x.id == o))
                    .map(|o| o.objective.statement.clone())
                    .unwrap_or_default(),
                status: plan.status.label(),
                status_code: plan.status.code(),
                chosen_rag: plan.rag.map_or("", Rag::code),
                rag: rag.label(),
                rag_key: rag.code(),
                overdue: plan.is_overdue(now),
                at_risk: plan.is_at_risk(now),
                row: a.clone(),
            }
        })
        .collect();
    let counts = Counts {
        all: all.len(),
        overdue: all.iter().filter(|a| a.overdue).count(),
        at_risk: all.iter().filter(|a| a.at_risk).count(),
    };
    let view = q.view.clone().unwrap_or_else(|| "all".into());
    let actions = all
        .into_iter()
        .filter(|a| match view.as_str() {
            "overdue" => a.overdue,
            "at-risk" => a.at_risk,
            _ => true,
        })
        .collect();
    Ok(ActionsPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        view,
        actions,
        counts,
        workstreams: WORKSTREAMS.to_vec(),
        objective_choices: l
            .objectives
            .iter()
            .map(|o| (o.id, o.objective.statement.clone()))
            .collect(),
        statuses: Status::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        rags: Rag::ALL.iter().map(|r| (r.code(), r.label())).collect(),
    }
    .render()?)
}

pub async fn page(
    State(_state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    Ok(Html(render(&h, &l, &q, Vec::new())?))
}

/// A new action as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    title: String,
    /// One of the workstreams, or "other" for `workstream_other`.
    workstream: String,
    workstream_other: String,
    objective: String,
    lead: String,
    start: String,
    due: String,
    milestones: String,
    status: String,
    rag: String,
    notes: String,
}

impl TryFrom<&ActionForm> for ActionRow {
    type Error = Problems;

    fn try_from(f: &ActionForm) -> Result<ActionRow, Problems> {
        let mut p = Problems::default();
        let workstream = match f.workstream.trim() {
            "other" | "" => p.required(&f.workstream_other, "the workstream"),
            w => w.to_string(),
        };
        let due = p.date(&f.due, "The due date");
        if f.due.trim().is_empty() {
            p.push("Enter when the action is due, as YYYY-MM-DD.");
        }
        let title = p.required(&f.title, "what the action is");
        let lead = p.required(&f.lead, "who leads the action");
        let start = p.date(&f.start, "The start date");
        let Some(due) = due else {
            return Err(p);
        };
        if let Err(e) = actions::dates(start, due) {
            p.push(e.to_string());
        }
        p.finish(ActionRow {
            id: ActionId(0),
            objective_id: f.objective.trim().parse().ok(),
            action: Action {
                workstream,
                title,
                lead,
                start,
                due,
                status: Status::parse(f.status.trim()).unwrap_or(Status::NotStarted),
                rag: Rag::parse(f.rag.trim()).ok(),
            },
            notes: f.notes.trim().to_string(),
            milestones: f.milestones.trim().to_string(),
        })
    }
}

pub async fn add(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let errors = match ActionRow::try_from(&form) {
        Err(p) => p.into(),
        Ok(a) => {
            let added = store::add_action(&state.db, id, &a, today(), &h.by)
                .await
                .map(|_| ())
                .map_err(WebError::from);
            problems_of(added)?
        }
    };
    if errors.is_empty() {
        return Ok(saved(&h, id, "actions", "action"));
    }
    Ok(refused(render(&h, &l, &PageQuery::default(), errors)?))
}

/// An action's progress as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ProgressForm {
    status: String,
    /// Empty: worked out by cws.
    rag: String,
    note: String,
}

impl TryFrom<&ProgressForm> for Progress {
    type Error = Problems;

    fn try_from(f: &ProgressForm) -> Result<Progress, Problems> {
        let mut p = Problems::default();
        let Some(status) = Status::parse(f.status.trim()).ok() else {
            p.push("Choose the action's status.");
            return Err(p);
        };
        p.finish(Progress {
            status,
            rag: Rag::parse(f.rag.trim()).ok(),
            note: f.note.trim().to_string(),
        })
    }
}

pub async fn progress(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, action)): Path<(String, i64, ActionId)>,
    Form(form): Form<ProgressForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let Some(held) = l.actions.iter().find(|a| a.id == action) else {
        return Err(no_such("action"));
    };
    let update = match Progress::try_from(&form) {
        Ok(u) => u,
        Err(p) => return Ok(refused(render(&h, &l, &PageQuery::default(), p.into())?)),
    };
    store::update_action(&state.db, id, held, &update, today(), &h.by).await?;
    Ok(saved(&h, id, "actions", "progress"))
}
