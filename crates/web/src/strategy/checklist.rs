//! The toolkit's checklist: every question, the four challenges and two sectors, the partners
//! and the local initiatives, answered yes, partly or no with the evidence.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use axum::Form;
use cws_plan::checklist::{self, Answer};
use cws_store::strategy::{self as store, ChecklistRow};

use super::{refused, saved, saved_message, Frame, Here, Loaded, Opened, PageQuery};
use crate::forms::Problems;
use crate::{AppState, WebError};

/// A checklist item as shown: key, question, answer, evidence.
struct Line {
    key: &'static str,
    question: &'static str,
    /// The answer's code; empty when not answered.
    answer: &'static str,
    evidence: String,
}

#[derive(Template)]
#[template(path = "strategy/checklist.html")]
struct ChecklistPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    groups: Vec<(&'static str, Vec<Line>)>,
    tally: checklist::Tally,
}

fn render(h: &Here, l: &Loaded, q: &PageQuery, errors: Vec<String>) -> Result<String, WebError> {
    let mut f = Frame::new(
        h,
        &l.strategy,
        "checklist",
        saved_message(q.saved.as_deref()),
    );
    f.errors = errors;
    let answers: HashMap<&str, &ChecklistRow> =
        l.checklist.iter().map(|c| (c.item.as_str(), c)).collect();
    let groups = checklist::GROUPS
        .iter()
        .map(|g| {
            let lines = g
                .items
                .iter()
                .map(|(key, question)| {
                    let a = answers.get(key);
                    Line {
                        key,
                        question,
                        answer: a.map(|a| a.answer.code()).unwrap_or_default(),
                        evidence: a.map(|a| a.evidence.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            (g.heading, lines)
        })
        .collect();
    Ok(ChecklistPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        groups,
        tally: tally(l),
    }
    .render()?)
}

/// How the held answers add up.
pub(crate) fn tally(l: &Loaded) -> checklist::Tally {
    checklist::tally(
        l.checklist
            .iter()
            .map(|c| (c.item.as_str(), c.answer, c.evidence.as_str())),
    )
}

pub async fn page(
    State(_state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    Ok(Html(render(&h, &l, &q, Vec::new())?))
}

/// The answers as sent: `answer_KEY` and `evidence_KEY` for each item (one field per item,
/// so the form is a map rather than a struct).
pub type ChecklistForm = HashMap<String, String>;

/// The items answered on the form: key, answer, evidence.
struct Answers(Vec<(&'static str, Answer, String)>);

impl TryFrom<&ChecklistForm> for Answers {
    type Error = Problems;

    fn try_from(f: &ChecklistForm) -> Result<Answers, Problems> {
        let mut p = Problems::default();
        let mut out = Vec::new();
        for key in checklist::keys() {
            let answer = f.get(&format!("answer_{key}")).map_or("", |v| v.trim());
            if answer.is_empty() {
                continue;
            }
            let Some(a) = Answer::parse(answer).ok() else {
                p.push(format!("Answer yes, partly or no (not '{answer}')."));
                continue;
            };
            let evidence = f
                .get(&format!("evidence_{key}"))
                .map_or("", |v| v.trim())
                .to_string();
            out.push((key, a, evidence));
        }
        p.finish(Answers(out))
    }
}

pub async fn save(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Form(form): Form<ChecklistForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let answers = match Answers::try_from(&form) {
        Ok(Answers(a)) => a,
        Err(p) => return Ok(refused(render(&h, &l, &PageQuery::default(), p.into())?)),
    };
    let mut changed = 0;
    for (key, answer, evidence) in answers {
        let held = l.checklist.iter().find(|c| c.item == key);
        if held.is_some_and(|c| c.answer == answer && c.evidence == evidence) {
            continue;
        }
        store::answer_checklist(&state.db, id, key, answer, &evidence, &h.by).await?;
        changed += 1;
    }
    tracing::info!(strategy = %id, answers = changed, "checklist answered");
    Ok(saved(&h, id, "checklist", "checklist"))
}
