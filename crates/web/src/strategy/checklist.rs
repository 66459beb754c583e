//! The toolkit's checklist: every question, the four challenges and two sectors, the partners
//! and the local initiatives, answered yes, partly or no with the evidence; and the area's own
//! questions beside the toolkit's, in its groups.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::Form;
use cws_plan::checklist::{self, Answer, NewQuestion};
use cws_store::strategy::{self as store, ChecklistQuestionRow, ChecklistRow};
use cws_store::{ChecklistQuestionId, StrategyId};

use super::{no_such, refused, saved, saved_message, Frame, Here, Loaded, Opened, PageQuery};
use crate::forms::Problems;
use crate::{AppState, WebError};

/// A checklist item as shown: key, question, answer, evidence.
pub(crate) struct Line {
    pub key: String,
    pub question: String,
    /// The answer's code; empty when not answered.
    pub answer: &'static str,
    pub evidence: String,
    /// One of the area's own questions (not the toolkit's).
    pub own: bool,
}

/// Every group of the checklist with its lines: the toolkit's questions, then the area's own.
pub(crate) fn lines(l: &Loaded) -> Vec<(&'static checklist::Group, Vec<Line>)> {
    let answers: HashMap<&str, &ChecklistRow> =
        l.checklist.iter().map(|c| (c.item.as_str(), c)).collect();
    let line = |key: String, question: String, own: bool| {
        let a = answers.get(key.as_str());
        Line {
            answer: a.map(|a| a.answer.code()).unwrap_or_default(),
            evidence: a.map(|a| a.evidence.clone()).unwrap_or_default(),
            key,
            question,
            own,
        }
    };
    checklist::GROUPS
        .iter()
        .map(|g| {
            let toolkit = g
                .items
                .iter()
                .map(|(key, question)| line(key.to_string(), question.to_string(), false));
            let own = l
                .questions
                .iter()
                .filter(|q| q.group.key == g.key)
                .map(|q| line(q.key(), q.question.clone(), true));
            (g, toolkit.chain(own).collect())
        })
        .collect()
}

#[derive(Template)]
#[template(path = "strategy/checklist.html")]
struct ChecklistPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    groups: Vec<(&'static checklist::Group, Vec<Line>)>,
    tally: checklist::Tally,
    questions: Vec<ChecklistQuestionRow>,
    /// The question form as sent back when it was refused: group key, question.
    asking: (String, String),
}

impl ChecklistPage {
    fn group_choices(&self) -> &'static [checklist::Group] {
        checklist::GROUPS
    }

    /// When and by whom a question was added, in words.
    fn added(&self, q: &ChecklistQuestionRow) -> String {
        format!(
            "{} by {}",
            crate::returns::own::when(&q.added_at),
            q.added_by
        )
    }
}

fn render(
    h: &Here,
    l: &Loaded,
    q: &PageQuery,
    errors: Vec<String>,
    asking: (String, String),
) -> Result<String, WebError> {
    let mut f = Frame::new(
        h,
        &l.strategy,
        "checklist",
        saved_message(q.saved.as_deref()),
    );
    f.errors = errors;
    Ok(ChecklistPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        groups: lines(l),
        tally: tally(l),
        questions: l.questions.clone(),
        asking,
    }
    .render()?)
}

/// The item keys of the area's own questions.
fn own_keys(l: &Loaded) -> Vec<String> {
    l.questions.iter().map(ChecklistQuestionRow::key).collect()
}

/// How the held answers add up, over the toolkit's items and the area's own questions.
pub(crate) fn tally(l: &Loaded) -> checklist::Tally {
    checklist::tally(
        &own_keys(l),
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
    Ok(Html(render(&h, &l, &q, Vec::new(), Default::default())?))
}

/// The answers as sent: `answer_KEY` and `evidence_KEY` for each item (one field per item,
/// so the form is a map rather than a struct).
pub type ChecklistForm = HashMap<String, String>;

/// The items answered on the form: key, answer, evidence.
struct Answers(Vec<(String, Answer, String)>);

impl Answers {
    /// Reads the answers to the toolkit's items and to the area's own questions (`own`).
    fn read(f: &ChecklistForm, own: Vec<String>) -> Result<Answers, Problems> {
        let mut p = Problems::default();
        let mut out = Vec::new();
        for key in checklist::keys().map(String::from).chain(own) {
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
    let answers = match Answers::read(&form, own_keys(&l)) {
        Ok(Answers(a)) => a,
        Err(p) => {
            return Ok(refused(render(
                &h,
                &l,
                &PageQuery::default(),
                p.into(),
                Default::default(),
            )?))
        }
    };
    let mut changed = 0;
    for (key, answer, evidence) in answers {
        let held = l.checklist.iter().find(|c| c.item == key);
        if held.is_some_and(|c| c.answer == answer && c.evidence == evidence) {
            continue;
        }
        store::answer_checklist(&state.db, id, &key, answer, &evidence, &h.by).await?;
        changed += 1;
    }
    tracing::info!(strategy = %id, answers = changed, "checklist answered");
    Ok(saved(&h, id, "checklist", "checklist"))
}

/// The form adding one of the area's own questions.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct QuestionForm {
    group: String,
    question: String,
}

pub async fn add_question(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Form(form): Form<QuestionForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let asked = l.questions.iter().map(|q| q.question.as_str());
    match NewQuestion::new(&form.group, &form.question, asked) {
        Ok(q) => {
            store::add_checklist_question(&state.db, id, &q, &h.by).await?;
            tracing::info!(strategy = %id, group = q.group.key, "checklist question added");
            Ok(saved(&h, id, "checklist", "question"))
        }
        Err(e) => Ok(refused(render(
            &h,
            &l,
            &PageQuery::default(),
            vec![e.to_string()],
            (form.group, form.question),
        )?)),
    }
}

pub async fn remove_question(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, question)): Path<(String, StrategyId, ChecklistQuestionId)>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    if !store::remove_checklist_question(&state.db, id, question).await? {
        return Err(no_such("question"));
    }
    tracing::info!(strategy = %id, "checklist question removed");
    Ok(saved(&h, id, "checklist", "question-removed"))
}
