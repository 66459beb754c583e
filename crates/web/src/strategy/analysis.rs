//! The SWOT and STEEP analysis of the current position: proposals from the figures accepted
//! (as proposed or reworded) or rejected, entries of the lead's own, and removing an entry.
//! Its page is the current-position section.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use cws_plan::framework::Section;
use cws_plan::swot::{AnalysisKind, Quadrant};
use cws_store::strategy::{self as store, Removable};
use cws_store::AnalysisEntryId;

use super::sections::render_section;
use super::{no_such, refused, saved, Opened};
use crate::forms::Problems;
use crate::{AppState, WebError};

/// Where the analysis is shown, and where a change returns to.
const PAGE: &str = "sections/current_position";

/// A proposal from the figures, as shown (its words perhaps changed).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ProposalForm {
    key: String,
    kind: String,
    body: String,
}

/// A decided proposal: which one, its quadrant and its words.
struct Proposal {
    key: String,
    quadrant: Quadrant,
    body: String,
}

impl TryFrom<&ProposalForm> for Proposal {
    type Error = Problems;

    fn try_from(f: &ProposalForm) -> Result<Proposal, Problems> {
        let mut p = Problems::default();
        let quadrant = Quadrant::parse(f.kind.trim()).ok();
        if quadrant.is_none() {
            p.push("Choose strength, weakness, opportunity or threat.");
        }
        let body = p.required(&f.body, "the entry's text");
        let key = p.required(&f.key, "the proposal");
        match quadrant {
            Some(quadrant) => p.finish(Proposal {
                key,
                quadrant,
                body,
            }),
            None => Err(p),
        }
    }
}

/// An entry of the lead's own.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct EntryForm {
    kind: String,
    body: String,
}

/// An entry under a SWOT quadrant or a STEEP factor, and its text.
struct Entry {
    kind: AnalysisKind,
    body: String,
}

impl TryFrom<&EntryForm> for Entry {
    type Error = Problems;

    fn try_from(f: &EntryForm) -> Result<Entry, Problems> {
        let mut p = Problems::default();
        let Ok(kind) = AnalysisKind::parse(&f.kind) else {
            p.push("Choose where the entry belongs: a SWOT quadrant or a STEEP factor.");
            return Err(p);
        };
        let body = p.required(&f.body, "the entry's text");
        p.finish(Entry { kind, body })
    }
}

async fn decide(
    state: AppState,
    Opened { here: h, loaded: l }: Opened,
    form: ProposalForm,
    accept: bool,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    match Proposal::try_from(&form) {
        Ok(d) => {
            store::decide_proposal(
                &state.db,
                id,
                &d.key,
                d.quadrant.into(),
                &d.body,
                accept,
                &h.by,
            )
            .await?;
            Ok(saved(&h, id, PAGE, "analysis"))
        }
        Err(p) => {
            let page = render_section(
                &state,
                &h,
                &l,
                Section::CurrentPosition,
                None,
                p.into(),
                None,
            )
            .await?;
            Ok(refused(page))
        }
    }
}

pub async fn accept(
    State(state): State<AppState>,
    opened: Opened,
    Form(form): Form<ProposalForm>,
) -> Result<Response, WebError> {
    decide(state, opened, form, true).await
}

pub async fn reject(
    State(state): State<AppState>,
    opened: Opened,
    Form(form): Form<ProposalForm>,
) -> Result<Response, WebError> {
    decide(state, opened, form, false).await
}

pub async fn add(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Form(form): Form<EntryForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    match Entry::try_from(&form) {
        Ok(e) => {
            store::add_analysis(&state.db, id, e.kind, &e.body, &h.by).await?;
            Ok(saved(&h, id, PAGE, "analysis"))
        }
        Err(p) => {
            let page = render_section(
                &state,
                &h,
                &l,
                Section::CurrentPosition,
                None,
                p.into(),
                None,
            )
            .await?;
            Ok(refused(page))
        }
    }
}

pub async fn remove(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, entry)): Path<(String, i64, AnalysisEntryId)>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    if !store::remove(&state.db, id, Removable::Analysis(entry)).await? {
        return Err(no_such("entry"));
    }
    Ok(saved(&h, id, PAGE, "analysis"))
}
