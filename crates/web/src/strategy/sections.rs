//! The strategy's sections: each written in the browser and kept as versions, with the
//! framework's prompt, live charts where the section is about the figures, and — for the
//! current position — the SWOT and STEEP analysis with proposals from the figures.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::Form;
use cws_plan::framework::Section;
use cws_plan::swot::{self, AnalysisKind, Decision, Quadrant};
use cws_store::strategy::{self as store, AnalysisRow, SectionVersion};

use super::document::{self, Block};
use super::{evidence, refused, saved, saved_message, Frame, Here, Loaded, Opened, PageQuery};
use crate::dashboards::{Draw, PanelView};
use crate::forms::Problems;
use crate::{AppState, WebError};

struct ProposalView {
    key: String,
    kind: &'static str,
    label: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "strategy/section.html")]
struct SectionPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    key: &'static str,
    heading: &'static str,
    prompt: &'static str,
    body: String,
    blocks: Vec<Block>,
    history: Vec<SectionVersion>,
    live: bool,
    census: Option<String>,
    protected: bool,
    panels: Vec<PanelView>,
    /// For the current position: the analysis and the proposals not yet decided.
    analysis: Vec<(&'static str, &'static str, Vec<AnalysisRow>)>,
    proposals: Vec<ProposalView>,
    rejected: Vec<AnalysisRow>,
    kinds: Vec<(&'static str, &'static str)>,
    structured: Option<(&'static str, &'static str)>,
    /// For the current position: the projection the strategy shows.
    projection: Option<super::projection::Shown>,
}

pub(crate) async fn render_section(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    section: Section,
    saved: Option<&'static str>,
    errors: Vec<String>,
    draft: Option<String>,
) -> Result<String, WebError> {
    let mut f = Frame::new(h, &l.strategy, "sections", saved);
    f.errors = errors;
    let current = l.sections.get(section.code());
    let mut blocks = Vec::new();
    if let Some(v) = current {
        // reuse the document's paragraphs so the page reads like the printed strategy
        document::text_blocks(&v.body, &mut blocks);
    }
    let live = evidence::live(state, &h.place, h.protect, section).await?;
    let mut analysis = Vec::new();
    let mut proposals = Vec::new();
    let mut rejected = Vec::new();
    if section == Section::CurrentPosition {
        for q in Quadrant::ALL {
            analysis.push((
                q.code(),
                q.label(),
                l.analysis
                    .iter()
                    .filter(|a| a.kind.quadrant() == Some(*q) && a.decision != Decision::Rejected)
                    .cloned()
                    .collect(),
            ));
        }
        for k in AnalysisKind::STEEP {
            analysis.push((
                k.code(),
                k.label(),
                l.analysis.iter().filter(|a| a.kind == k).cloned().collect(),
            ));
        }
        rejected = l
            .analysis
            .iter()
            .filter(|a| a.decision == Decision::Rejected)
            .cloned()
            .collect();
        if h.can_edit {
            if let Some(e) = evidence::swot_evidence(state, &h.place).await? {
                for p in swot::propose(&e) {
                    if !l
                        .analysis
                        .iter()
                        .any(|a| a.proposal_key.as_deref() == Some(p.key.as_str()))
                    {
                        proposals.push(ProposalView {
                            key: p.key,
                            kind: p.quadrant.code(),
                            label: p.quadrant.label(),
                            text: p.text,
                        });
                    }
                }
            }
        }
    }
    let structured = match section {
        Section::Objectives => Some(("objectives", "the objectives")),
        Section::Actions => Some(("actions", "the action plan")),
        Section::Risks => Some(("risks", "the risk register")),
        Section::Resources => Some(("resources", "the resources and the three-year plan")),
        _ => None,
    };
    let projection = if section == Section::CurrentPosition {
        super::projection::shown(state, h, l).await?
    } else {
        None
    };
    Ok(SectionPage {
        projection,
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        key: section.code(),
        heading: section.heading(),
        prompt: section.prompt(),
        body: draft.unwrap_or_else(|| current.map(|v| v.body.clone()).unwrap_or_default()),
        blocks,
        history: store::section_history(&state.db, l.strategy.id, section.code()).await?,
        live: evidence::is_live(section),
        census: live.census().map(str::to_string),
        protected: h.protect,
        panels: live.iter().map(|p| p.view()).collect(),
        analysis,
        proposals,
        rejected,
        kinds: AnalysisKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        structured,
    }
    .render()?)
}

impl SectionPage {
    fn sections(&self) -> Vec<(&'static str, &'static str)> {
        Section::ALL
            .iter()
            .map(|s| (s.code(), s.heading()))
            .collect()
    }
}

fn section_of(key: &str) -> Result<Section, WebError> {
    Section::parse(key)
        .ok()
        .ok_or_else(|| WebError::NotFound(format!("There is no section called '{key}'.")))
}

pub async fn section(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, key)): Path<(String, i64, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    let s = section_of(&key)?;
    Ok(Html(
        render_section(
            &state,
            &h,
            &l,
            s,
            saved_message(q.saved.as_deref()),
            Vec::new(),
            None,
        )
        .await?,
    ))
}

/// Longest section text accepted (about 30 pages).
const MAX_SECTION_CHARS: usize = 100_000;

/// A section's text as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SectionForm {
    body: String,
}

/// A section's text to keep: paragraphs as written, line endings made plain.
struct SectionText(String);

impl TryFrom<&SectionForm> for SectionText {
    type Error = Problems;

    fn try_from(f: &SectionForm) -> Result<SectionText, Problems> {
        let body = f.body.replace("\r\n", "\n").trim().to_string();
        let mut p = Problems::default();
        if body.is_empty() {
            p.push("Write the section before saving it.");
        } else if body.chars().count() > MAX_SECTION_CHARS {
            p.push(format!("The section is too long: at most {MAX_SECTION_CHARS} characters. Split it, or move detail to an appendix."));
        }
        p.finish(SectionText(body))
    }
}

pub async fn save_section(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, key)): Path<(String, i64, String)>,
    Form(form): Form<SectionForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let s = section_of(&key)?;
    let body = match SectionText::try_from(&form) {
        Ok(SectionText(body)) => body,
        Err(p) => {
            let draft = form.body.replace("\r\n", "\n").trim().to_string();
            let page = render_section(&state, &h, &l, s, None, p.into(), Some(draft)).await?;
            return Ok(refused(page));
        }
    };
    let before = l.sections.get(s.code()).map(|v| v.version);
    let version = store::save_section(&state.db, id, s.code(), &body, &h.by).await?;
    tracing::info!(strategy = %id, section = s.code(), version, "section saved");
    let code = if Some(version) == before {
        "unchanged"
    } else {
        "section"
    };
    Ok(saved(&h, id, &format!("sections/{}", s.code()), code))
}
