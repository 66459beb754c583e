//! The local workforce strategy in the browser (SPEC §9): the CWDC framework's sections with
//! their history, evidence from the figures, SMART objectives tracked over census dates, the
//! action plan, the risk register, resources, the toolkit checklist, a completeness view,
//! the print view, the Word document and the board progress report.
//!
//! Reading needs the area's aggregates; changing anything needs its lead (see
//! `access::policy`). A strategy is always looked up within the area in the path.

pub(crate) mod document;
mod docx;
pub(crate) mod evidence;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use cws_analyse::Measure;
use cws_plan::actions::{Action, Rag, Status, WORKSTREAMS};
use cws_plan::checklist::{self, Answer};
use cws_plan::framework::Section;
use cws_plan::resources::{self, Budget, Offer, PlanLine};
use cws_plan::review;
use cws_plan::smart::{self, Objective};
use cws_plan::swot::{self, Quadrant};
use cws_store::geography::{self, AreaRow};
use cws_store::strategy::{
    self as store, ActionRow, AnalysisRow, BudgetRow, ChecklistRow, FundingStreamRow, ObjectiveRow,
    PlanLineRow, RiskRow, SectionVersion, StrategyRow,
};

use crate::access::policy::{decide, Need, Target};
use crate::access::Viewer;
use crate::dashboards::{PanelView, Place};
use crate::{AppState, WebError};
use document::Block;

/// The STEEP factors of the context analysis: (key, label).
pub(crate) const STEEP: [(&str, &str); 5] = [
    ("social", "Social"),
    ("technological", "Technological"),
    ("economic", "Economic"),
    ("environmental", "Environmental"),
    ("political", "Political"),
];

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The area a page is about and what the viewer may do there.
struct Here {
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
}

async fn load(state: &AppState, h: &Here, id: i64) -> Result<Loaded, WebError> {
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
        strategy,
    })
}

pub(crate) fn plan_action(a: &ActionRow) -> Action {
    Action {
        workstream: a.workstream.clone(),
        title: a.title.clone(),
        lead: a.lead.clone(),
        start: a.start_date,
        due: a.due_date,
        status: Status::parse(&a.status).unwrap_or(Status::NotStarted),
        rag: a.rag.as_deref().and_then(Rag::parse),
    }
}

pub(crate) fn plan_budgets(l: &Loaded) -> Vec<Budget> {
    l.budgets
        .iter()
        .map(|b| Budget {
            holder: b.holder.clone(),
            spend: b.spend,
            pool_offer: b.pool_offer,
        })
        .collect()
}

pub(crate) fn plan_lines(l: &Loaded) -> Vec<PlanLine> {
    l.lines
        .iter()
        .map(|p| PlanLine {
            year: p.year.clamp(0, 255) as u8,
            item: p.item.clone(),
            amount: p.amount,
            source: p.source.clone(),
            pooled: p.pooled != 0,
        })
        .collect()
}

fn plan_objective(o: &ObjectiveRow) -> Objective {
    Objective {
        statement: o.statement.clone(),
        measure: o.measure.clone(),
        baseline: o.baseline,
        target: o.target,
        target_date: o.target_date,
        owner: o.owner.clone(),
    }
}

/// An objective's SMART check and its figure over the census dates.
pub(crate) struct Tracking {
    pub measure_label: String,
    pub problems: Vec<(char, String, bool)>,
    pub smart: bool,
    pub letters: String,
    pub points: Vec<(NaiveDate, Option<f64>)>,
    pub latest: Option<(NaiveDate, f64)>,
    pub progress: Option<f64>,
    pub on_track: Option<bool>,
}

impl Tracking {
    pub(crate) fn progress_text(&self) -> String {
        match (self.progress, self.on_track) {
            (Some(p), Some(true)) => format!("{p:.0}% of the way, on track"),
            (Some(p), Some(false)) => format!("{p:.0}% of the way, behind"),
            (Some(p), None) => format!("{p:.0}% of the way"),
            _ => "Not tracked".into(),
        }
    }
}

async fn tracking(state: &AppState, h: &Here, l: &Loaded) -> Result<Vec<Tracking>, WebError> {
    let dates = evidence::census_dates(state).await?;
    let mut measures: Vec<Measure> = l
        .objectives
        .iter()
        .filter_map(|o| o.measure.as_deref().and_then(Measure::parse))
        .collect();
    measures.sort_by_key(|m| m.name());
    measures.dedup();
    let mut values: HashMap<(NaiveDate, Measure), Option<f64>> = HashMap::new();
    if !measures.is_empty() {
        for &d in &dates {
            let v = evidence::figures_at(state, &h.place, d, &measures, h.protect).await?;
            for (m, x) in measures.iter().zip(v) {
                values.insert((d, *m), x);
            }
        }
    }
    let (from, to, now) = (l.strategy.period_start, l.strategy.period_end, today());
    Ok(l.objectives
        .iter()
        .map(|o| {
            let problems = smart::check(&plan_objective(o), from, to, |m| {
                Measure::parse(m).is_some()
            });
            let measure = o.measure.as_deref().and_then(Measure::parse);
            let points: Vec<(NaiveDate, Option<f64>)> = match measure {
                Some(m) => dates
                    .iter()
                    .map(|d| (*d, values.get(&(*d, m)).copied().flatten()))
                    .collect(),
                None => Vec::new(),
            };
            let latest = points.iter().rev().find_map(|(d, v)| v.map(|v| (*d, v)));
            let progress = match (o.baseline, o.target, latest) {
                (Some(b), Some(t), Some((_, v))) => smart::progress(b, t, v),
                _ => None,
            };
            let on_track = match (progress, o.target_date) {
                (Some(p), Some(by)) => Some(smart::on_track(p, from, by, now)),
                _ => None,
            };
            Tracking {
                measure_label: match (measure, &o.measure) {
                    (Some(m), _) => m.label().to_string(),
                    (None, Some(text)) => text.clone(),
                    (None, None) => "–".into(),
                },
                smart: smart::is_smart(&problems),
                letters: problems
                    .iter()
                    .filter(|p| !p.is_warning())
                    .map(|p| p.letter())
                    .collect(),
                problems: problems
                    .iter()
                    .map(|p| (p.letter(), p.message(), p.is_warning()))
                    .collect(),
                points,
                latest,
                progress,
                on_track,
            }
        })
        .collect())
}

/// What every strategy page shows around its content.
struct Frame {
    area_code: String,
    area_name: String,
    sid: i64,
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
        "analysis" => "The analysis is updated.",
        "created" => {
            "The strategy is created. Start with the vision, or work through the sections in order."
        }
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    saved: Option<String>,
    edit: Option<i64>,
    view: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn html_status(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

fn opt_text(f: &Fields, name: &str) -> Option<String> {
    Some(field(f, name).to_string()).filter(|s| !s.is_empty())
}

fn number(f: &Fields, name: &str, label: &str, errors: &mut Vec<String>) -> Option<f64> {
    let v = field(f, name).replace([',', '£', '%'], "");
    if v.is_empty() {
        return None;
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            errors.push(format!(
                "{label} must be a number, like 12.5 (you entered '{}').",
                field(f, name)
            ));
            None
        }
    }
}

fn date_field(f: &Fields, name: &str, label: &str, errors: &mut Vec<String>) -> Option<NaiveDate> {
    let v = field(f, name);
    if v.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(format!(
                "{label} must be a date as YYYY-MM-DD, like 2027-03-31 (you entered '{v}')."
            ));
            None
        }
    }
}

fn required(f: &Fields, name: &str, label: &str, errors: &mut Vec<String>) -> String {
    let v = field(f, name);
    if v.is_empty() {
        errors.push(format!("Enter {label}."));
    }
    v.to_string()
}

fn id_field(f: &Fields, name: &str) -> Option<i64> {
    field(f, name).parse().ok()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn see_other(to: String) -> Response {
    Redirect::to(&to).into_response()
}

// ---------------------------------------------------------------- list and create

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
    form: (String, String, String),
}

async fn render_list(
    state: &AppState,
    h: &Here,
    errors: Vec<String>,
    form: (String, String, String),
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
    let year = today().format("%Y").to_string();
    Ok(Html(
        render_list(
            &state,
            &h,
            Vec::new(),
            (
                format!("Children's workforce strategy {year}"),
                String::new(),
                String::new(),
            ),
        )
        .await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let mut errors = Vec::new();
    let title = required(&f, "title", "a title", &mut errors);
    let start = date_field(&f, "start", "The start date", &mut errors);
    let end = date_field(&f, "end", "The end date", &mut errors);
    if errors.is_empty() && (start.is_none() || end.is_none()) {
        errors.push("Enter the period the strategy covers: a start and an end date.".into());
    }
    if let (true, Some(start), Some(end)) = (errors.is_empty(), start, end) {
        match store::create_strategy(&state.db, h.area.id, &title, start, end).await {
            Ok(id) => {
                for s in resources::starting_catalogue() {
                    store::add_funding_stream(
                        &state.db,
                        id,
                        &FundingStreamRow {
                            id: 0,
                            title: s.title,
                            provider: s.provider,
                            purpose: s.purpose,
                            target_groups: s.target_groups,
                            link: s.link,
                            comments: s.comments,
                        },
                    )
                    .await?;
                }
                tracing::info!(strategy = id, "strategy created");
                return Ok(see_other(format!(
                    "/areas/{}/strategy/{id}?saved=created",
                    h.area.code
                )));
            }
            Err(cws_store::StoreError::Invalid(m)) => errors.push(format!("{}.", capitalised(&m))),
            Err(e) => return Err(e.into()),
        }
    }
    let form = (
        title,
        field(&f, "start").to_string(),
        field(&f, "end").to_string(),
    );
    Ok(html_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        render_list(&state, &h, errors, form).await?,
    ))
}

// ---------------------------------------------------------------- overview and completeness

struct Check {
    label: String,
    done: bool,
    detail: String,
    link: String,
}

/// How complete the strategy is: each section and each working part.
fn completeness(l: &Loaded, tracking: &[Tracking], base: &str) -> Vec<Check> {
    let now = today();
    let mut out = Vec::new();
    for s in Section::ALL {
        let link = format!("{base}/sections/{}", s.key());
        let (done, detail) = match l.sections.get(s.key()) {
            Some(v) => (
                true,
                format!(
                    "Version {}, {} on {}",
                    v.version,
                    v.edited_by,
                    &v.edited_at[..10.min(v.edited_at.len())]
                ),
            ),
            None => (false, "Not written yet".into()),
        };
        out.push(Check {
            label: s.heading().into(),
            done,
            detail,
            link,
        });
    }
    let smart = tracking.iter().filter(|t| t.smart).count();
    out.push(Check {
        label: "Objectives are SMART".into(),
        done: !l.objectives.is_empty() && smart == l.objectives.len(),
        detail: format!("{smart} of {} SMART", l.objectives.len()),
        link: format!("{base}/objectives"),
    });
    let unlinked = l
        .objectives
        .iter()
        .filter(|o| !l.actions.iter().any(|a| a.objective_id == Some(o.id)))
        .count();
    let plans: Vec<Action> = l.actions.iter().map(plan_action).collect();
    let overdue = plans.iter().filter(|a| a.is_overdue(now)).count();
    out.push(Check {
        label: "Every objective has actions".into(),
        done: !l.actions.is_empty() && unlinked == 0,
        detail: format!(
            "{} actions; {unlinked} objectives without one; {overdue} overdue",
            l.actions.len()
        ),
        link: format!("{base}/actions"),
    });
    let open = document::open_risks(l);
    let unowned = open
        .iter()
        .filter(|r| r.owner.trim().is_empty() || r.mitigation.trim().is_empty())
        .count();
    out.push(Check {
        label: "Risks have owners and mitigations".into(),
        done: !open.is_empty() && unowned == 0,
        detail: format!(
            "{} open risks; {unowned} without an owner or mitigation",
            open.len()
        ),
        link: format!("{base}/risks"),
    });
    let years = resources::year_totals(&plan_lines(l));
    let planned_years = years.iter().filter(|y| y.total > 0.0).count();
    out.push(Check {
        label: "Resources and a three-year plan".into(),
        done: !l.budgets.is_empty() && planned_years == 3,
        detail: format!(
            "{} budget holders; {planned_years} of 3 years planned",
            l.budgets.len()
        ),
        link: format!("{base}/resources"),
    });
    let swot = Quadrant::ALL
        .iter()
        .filter(|q| {
            l.analysis
                .iter()
                .any(|a| a.kind == q.key() && a.decision != "rejected")
        })
        .count();
    out.push(Check {
        label: "SWOT analysis".into(),
        done: swot == 4,
        detail: format!("{swot} of 4 quadrants with entries"),
        link: format!("{base}/sections/current_position"),
    });
    let t = checklist::tally(l.checklist.iter().filter_map(|c| {
        Answer::parse(&c.answer).map(|a| (c.item.as_str(), a, c.evidence.as_str()))
    }));
    out.push(Check {
        label: "Toolkit checklist answered with evidence".into(),
        done: t.unanswered() == 0 && t.without_evidence == 0,
        detail: format!(
            "{} of {} answered ({} yes, {} partly, {} no); {} without evidence",
            t.items - t.unanswered(),
            t.items,
            t.yes,
            t.partly,
            t.no,
            t.without_evidence
        ),
        link: format!("{base}/checklist"),
    });
    out
}

#[derive(Template)]
#[template(path = "strategy/overview.html")]
struct OverviewPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    checks: Vec<Check>,
    done_pct: usize,
}

pub async fn overview(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, id)): Path<(String, i64)>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let l = load(&state, &h, id).await?;
    let t = tracking(&state, &h, &l).await?;
    let f = Frame::new(
        &h,
        &l.strategy,
        "overview",
        saved_message(q.saved.as_deref()),
    );
    let checks = completeness(&l, &t, &f.base());
    let done_pct = checks.iter().filter(|c| c.done).count() * 100 / checks.len().max(1);
    Ok(Html(
        OverviewPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: h.synthetic,
            f,
            checks,
            done_pct,
        }
        .render()?,
    ))
}

// ---------------------------------------------------------------- sections

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
}

async fn render_section(
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
    let current = l.sections.get(section.key());
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
                q.key(),
                q.label(),
                l.analysis
                    .iter()
                    .filter(|a| a.kind == q.key() && a.decision != "rejected")
                    .cloned()
                    .collect(),
            ));
        }
        for (k, label) in STEEP {
            analysis.push((
                k,
                label,
                l.analysis.iter().filter(|a| a.kind == k).cloned().collect(),
            ));
        }
        rejected = l
            .analysis
            .iter()
            .filter(|a| a.decision == "rejected")
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
                            kind: p.quadrant.key(),
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
    Ok(SectionPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        key: section.key(),
        heading: section.heading(),
        prompt: section.prompt(),
        body: draft.unwrap_or_else(|| current.map(|v| v.body.clone()).unwrap_or_default()),
        blocks,
        history: store::section_history(&state.db, l.strategy.id, section.key()).await?,
        live: evidence::is_live(section),
        census: live.census().map(str::to_string),
        protected: h.protect,
        panels: live.iter().map(|p| p.view()).collect(),
        analysis,
        proposals,
        rejected,
        kinds: Quadrant::ALL
            .iter()
            .map(|q| (q.key(), q.label()))
            .chain(STEEP)
            .collect(),
        structured,
    }
    .render()?)
}

impl SectionPage {
    fn sections(&self) -> Vec<(&'static str, &'static str)> {
        Section::ALL
            .iter()
            .map(|s| (s.key(), s.heading()))
            .collect()
    }
}

fn section_of(key: &str) -> Result<Section, WebError> {
    Section::parse(key)
        .ok_or_else(|| WebError::NotFound(format!("There is no section called '{key}'.")))
}

pub async fn section(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, id, key)): Path<(String, i64, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let l = load(&state, &h, id).await?;
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

pub async fn save_section(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, id, key)): Path<(String, i64, String)>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let l = load(&state, &h, id).await?;
    let s = section_of(&key)?;
    let body = f
        .iter()
        .find(|(k, _)| k == "body")
        .map(|(_, v)| v.replace("\r\n", "\n"))
        .unwrap_or_default();
    let body = body.trim().to_string();
    let mut errors = Vec::new();
    if body.is_empty() {
        errors.push("Write the section before saving it.".into());
    } else if body.chars().count() > MAX_SECTION_CHARS {
        errors.push(format!("The section is too long: at most {MAX_SECTION_CHARS} characters. Split it, or move detail to an appendix."));
    }
    if !errors.is_empty() {
        let page = render_section(&state, &h, &l, s, None, errors, Some(body)).await?;
        return Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let before = l.sections.get(s.key()).map(|v| v.version);
    let version = store::save_section(&state.db, id, s.key(), &body, &h.by).await?;
    tracing::info!(strategy = id, section = s.key(), version, "section saved");
    let code = if Some(version) == before {
        "unchanged"
    } else {
        "section"
    };
    Ok(see_other(format!(
        "/areas/{}/strategy/{id}/sections/{}?saved={code}",
        h.area.code,
        s.key()
    )))
}

// ---------------------------------------------------------------- pages of the working parts

/// A checklist item: key, question, answer, evidence.
type ChecklistLine = (&'static str, &'static str, String, String);

struct ObjectiveView {
    row: ObjectiveRow,
    t: Tracking,
    actions: usize,
}

struct ActionView {
    row: ActionRow,
    objective: String,
    status: &'static str,
    rag: &'static str,
    rag_key: &'static str,
    overdue: bool,
    at_risk: bool,
}

struct RiskView {
    row: RiskRow,
    score: i64,
    rating: &'static str,
}

struct BudgetView {
    row: BudgetRow,
    pct: String,
    flag: &'static str,
}

#[derive(Template)]
#[template(path = "strategy/parts.html")]
struct PartsPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    page: &'static str,
    heading: &'static str,
    // objectives
    objectives: Vec<ObjectiveView>,
    measures: Vec<(&'static str, &'static str)>,
    census_dates: Vec<NaiveDate>,
    editing: Option<ObjectiveRow>,
    /// The objective form's values (the one being changed, or blank).
    e: ObjectiveRow,
    // actions
    view: String,
    actions: Vec<ActionView>,
    counts: (usize, usize, usize),
    workstreams: Vec<&'static str>,
    objective_choices: Vec<(i64, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    rags: Vec<(&'static str, &'static str)>,
    // risks
    risks: Vec<RiskView>,
    closed: Vec<RiskRow>,
    heat: Vec<(u8, Vec<(usize, &'static str)>)>,
    // resources
    budgets: Vec<BudgetView>,
    totals: (String, String, String),
    streams: Vec<FundingStreamRow>,
    editing_stream: Option<FundingStreamRow>,
    /// The stream form's values.
    sf: FundingStreamRow,
    stream_fields: Vec<(&'static str, &'static str, String)>,
    lines: Vec<PlanLineRow>,
    years: Vec<(u8, String, String)>,
    setbacks: Vec<u8>,
    // checklist
    groups: Vec<(&'static str, Vec<ChecklistLine>)>,
    tally: checklist::Tally,
}

impl PartsPage {
    fn money(&self, x: &f64) -> String {
        document::money(*x)
    }

    fn num(&self, x: &Option<f64>) -> String {
        document::num(*x)
    }

    fn raw(&self, x: &Option<f64>) -> String {
        x.map(|v| v.to_string()).unwrap_or_default()
    }

    fn date_value(&self, d: &Option<NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }

    fn is_figure(&self, m: &str) -> bool {
        Measure::parse(m).is_some()
    }
}

fn heat_class(impact: usize, likelihood: usize) -> &'static str {
    match impact * likelihood {
        0..=4 => "heat-low",
        5..=9 => "heat-medium",
        10..=14 => "heat-high",
        _ => "heat-very-high",
    }
}

async fn render_part(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    page: &'static str,
    q: &PageQuery,
    errors: Vec<String>,
) -> Result<String, WebError> {
    let mut f = Frame::new(h, &l.strategy, page, saved_message(q.saved.as_deref()));
    f.errors = errors;
    let now = today();
    let heading = match page {
        "objectives" => "Objectives",
        "actions" => "Action plan",
        "risks" => "Risk register",
        "resources" => "Resources and pooling",
        _ => "Toolkit checklist",
    };
    let mut p = PartsPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        page,
        heading,
        objectives: Vec::new(),
        measures: Vec::new(),
        census_dates: Vec::new(),
        editing: None,
        e: ObjectiveRow::default(),
        view: q.view.clone().unwrap_or_else(|| "all".into()),
        actions: Vec::new(),
        counts: (0, 0, 0),
        workstreams: WORKSTREAMS.to_vec(),
        objective_choices: l
            .objectives
            .iter()
            .map(|o| (o.id, o.statement.clone()))
            .collect(),
        statuses: Status::ALL.iter().map(|s| (s.key(), s.label())).collect(),
        rags: Rag::ALL.iter().map(|r| (r.key(), r.label())).collect(),
        risks: Vec::new(),
        closed: Vec::new(),
        heat: Vec::new(),
        budgets: Vec::new(),
        totals: Default::default(),
        streams: l.streams.clone(),
        editing_stream: None,
        sf: FundingStreamRow {
            id: 0,
            title: String::new(),
            provider: String::new(),
            purpose: String::new(),
            target_groups: String::new(),
            link: String::new(),
            comments: String::new(),
        },
        stream_fields: Vec::new(),
        lines: l.lines.clone(),
        years: Vec::new(),
        setbacks: Vec::new(),
        groups: Vec::new(),
        tally: Default::default(),
    };
    match page {
        "objectives" => {
            let t = tracking(state, h, l).await?;
            p.census_dates = evidence::census_dates(state).await?;
            p.objectives = l
                .objectives
                .iter()
                .cloned()
                .zip(t)
                .map(|(row, t)| ObjectiveView {
                    actions: l
                        .actions
                        .iter()
                        .filter(|a| a.objective_id == Some(row.id))
                        .count(),
                    row,
                    t,
                })
                .collect();
            p.measures = objective_measures();
            p.editing = q
                .edit
                .and_then(|id| l.objectives.iter().find(|o| o.id == id).cloned());
            p.e = p.editing.clone().unwrap_or_default();
        }
        "actions" => {
            let all: Vec<ActionView> = l
                .actions
                .iter()
                .map(|a| {
                    let plan = plan_action(a);
                    let rag = plan.rag(now);
                    ActionView {
                        objective: a
                            .objective_id
                            .and_then(|o| l.objectives.iter().find(|x| x.id == o))
                            .map(|o| o.statement.clone())
                            .unwrap_or_default(),
                        status: plan.status.label(),
                        rag: rag.label(),
                        rag_key: rag.key(),
                        overdue: plan.is_overdue(now),
                        at_risk: plan.is_at_risk(now),
                        row: a.clone(),
                    }
                })
                .collect();
            p.counts = (
                all.len(),
                all.iter().filter(|a| a.overdue).count(),
                all.iter().filter(|a| a.at_risk).count(),
            );
            p.actions = all
                .into_iter()
                .filter(|a| match p.view.as_str() {
                    "overdue" => a.overdue,
                    "at-risk" => a.at_risk,
                    _ => true,
                })
                .collect();
        }
        "risks" => {
            let open = document::open_risks(l);
            let plan: Vec<cws_plan::risks::Risk> =
                open.iter().map(|r| document::plan_risk(r)).collect();
            let grid = cws_plan::risks::heat_map(&plan);
            p.heat = (1..=5u8)
                .rev()
                .map(|i| {
                    (
                        i,
                        (1..=5)
                            .map(|li| (grid[i as usize - 1][li - 1], heat_class(i as usize, li)))
                            .collect(),
                    )
                })
                .collect();
            p.risks = open
                .into_iter()
                .map(|r| RiskView {
                    score: r.likelihood * r.impact,
                    rating: document::plan_risk(r)
                        .rating()
                        .map(|x| x.label())
                        .unwrap_or("–"),
                    row: r.clone(),
                })
                .collect();
            p.closed = l
                .risks
                .iter()
                .filter(|r| r.closed_on.is_some())
                .cloned()
                .collect();
        }
        "resources" => {
            let budgets = plan_budgets(l);
            p.budgets = l
                .budgets
                .iter()
                .zip(&budgets)
                .map(|(row, b)| BudgetView {
                    row: row.clone(),
                    pct: b
                        .offer_pct()
                        .map(|x| format!("{x:.0}%"))
                        .unwrap_or_else(|| "–".into()),
                    flag: match b.offer() {
                        Some(Offer::VeryLow) => "Very low offer",
                        Some(Offer::Strong) => "Strong commitment",
                        _ => "",
                    },
                })
                .collect();
            let (spend, offer, pct) = resources::pool_totals(&budgets);
            p.totals = (
                document::money(spend),
                document::money(offer),
                pct.map(|x| format!("{x:.0}%"))
                    .unwrap_or_else(|| "–".into()),
            );
            let totals = resources::year_totals(&plan_lines(l));
            p.years = totals
                .iter()
                .map(|t| {
                    (
                        t.year,
                        document::money(t.total),
                        t.pooled_pct()
                            .map(|x| format!("{x:.0}%"))
                            .unwrap_or_else(|| "–".into()),
                    )
                })
                .collect();
            p.setbacks = resources::staging_setbacks(&totals);
            p.editing_stream = q
                .edit
                .and_then(|id| l.streams.iter().find(|s| s.id == id).cloned());
            if let Some(s) = &p.editing_stream {
                p.sf = s.clone();
            }
            let sf = &p.sf;
            p.stream_fields = vec![
                ("title", "Stream", sf.title.clone()),
                ("provider", "Provided by", sf.provider.clone()),
                ("purpose", "Purpose", sf.purpose.clone()),
                ("target_groups", "Target groups", sf.target_groups.clone()),
                ("link", "Where to find out more", sf.link.clone()),
                ("comments", "Comments", sf.comments.clone()),
            ];
        }
        _ => {
            let answers: HashMap<&str, &ChecklistRow> =
                l.checklist.iter().map(|c| (c.item.as_str(), c)).collect();
            p.groups = checklist::GROUPS
                .iter()
                .map(|g| {
                    (
                        g.heading,
                        g.items
                            .iter()
                            .map(|(k, q)| {
                                let a = answers.get(k);
                                (
                                    *k,
                                    *q,
                                    a.map(|a| a.answer.clone()).unwrap_or_default(),
                                    a.map(|a| a.evidence.clone()).unwrap_or_default(),
                                )
                            })
                            .collect(),
                    )
                })
                .collect();
            p.tally = checklist::tally(l.checklist.iter().filter_map(|c| {
                Answer::parse(&c.answer).map(|a| (c.item.as_str(), a, c.evidence.as_str()))
            }));
        }
    }
    Ok(p.render()?)
}

/// The figures an objective can be measured by, most useful first.
fn objective_measures() -> Vec<(&'static str, &'static str)> {
    use Measure as M;
    [
        M::VacancyRateFte,
        M::TurnoverRateFte,
        M::AgencyRateFte,
        M::InpostFte,
        M::Level3PlusNonGraduates,
        M::Graduates,
        M::CommonCore,
        M::Induction,
        M::VettingInDate,
        M::CafTrained,
        M::MultiAgency,
        M::EthnicMinority,
        M::Male,
        M::Disabled,
        M::Age55Plus,
        M::AbsenceRateFte,
        M::CaseloadFte,
        M::SettingsWithGraduateLeader,
    ]
    .iter()
    .map(|m| (m.name(), m.label()))
    .collect()
}

const PARTS: [&str; 5] = ["objectives", "actions", "risks", "resources", "checklist"];

fn part_of(page: &str) -> Option<&'static str> {
    PARTS.iter().copied().find(|p| *p == page)
}

pub async fn page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, id, page)): Path<(String, i64, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let l = load(&state, &h, id).await?;
    if let Some(part) = part_of(&page) {
        return Ok(Html(render_part(&state, &h, &l, part, &q, Vec::new()).await?).into_response());
    }
    match page.as_str() {
        "print" => Ok(Html(render_print(&state, &h, &l).await?).into_response()),
        "progress" => Ok(Html(render_progress(&state, &h, &l, &q).await?).into_response()),
        _ => Err(WebError::NotFound(format!(
            "There is no strategy page called '{page}'."
        ))),
    }
}

/// Applies a change from a form; `Err(messages)` when the input is wrong.
async fn apply(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    page: &str,
    f: &Fields,
) -> Result<Result<&'static str, Vec<String>>, WebError> {
    let db = &state.db;
    let sid = l.strategy.id;
    let now = today();
    let mut errors = Vec::new();
    let what = field(f, "do");
    let saved = match (page, what) {
        ("objectives", "add" | "update") => {
            let measure = match field(f, "measure") {
                "other" | "" => opt_text(f, "measure_other"),
                m => Some(m.to_string()),
            };
            let o = ObjectiveRow {
                id: id_field(f, "id").unwrap_or(0),
                statement: required(
                    f,
                    "statement",
                    "what the objective will achieve",
                    &mut errors,
                ),
                measure,
                baseline: number(f, "baseline", "The baseline", &mut errors),
                target: number(f, "target", "The target", &mut errors),
                target_date: date_field(f, "target_date", "The target date", &mut errors),
                owner: opt_text(f, "owner"),
            };
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            if what == "add" {
                store::add_objective(db, sid, &o).await?;
            } else if !store::update_objective(db, sid, &o).await? {
                return Err(WebError::NotFound(
                    "There is no such objective in this strategy.".into(),
                ));
            }
            "objective"
        }
        ("actions", "add") => {
            let workstream = match field(f, "workstream") {
                "other" | "" => required(f, "workstream_other", "the workstream", &mut errors),
                w => w.to_string(),
            };
            let status = Status::parse(field(f, "status")).unwrap_or(Status::NotStarted);
            let rag = Rag::parse(field(f, "rag"));
            let due = date_field(f, "due", "The due date", &mut errors);
            if due.is_none() && field(f, "due").is_empty() {
                errors.push("Enter when the action is due, as YYYY-MM-DD.".into());
            }
            let a = ActionRow {
                id: 0,
                objective_id: id_field(f, "objective"),
                workstream,
                title: required(f, "title", "what the action is", &mut errors),
                lead: required(f, "lead", "who leads the action", &mut errors),
                start_date: date_field(f, "start", "The start date", &mut errors),
                due_date: due.unwrap_or(now),
                status: status.key().into(),
                rag: rag.map(|r| r.key().to_string()),
                notes: field(f, "notes").to_string(),
                milestones: field(f, "milestones").to_string(),
            };
            if let (Some(s), Some(d)) = (a.start_date, due) {
                if d < s {
                    errors.push(format!(
                        "The due date ({d}) is before the start date ({s})."
                    ));
                }
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let shown = plan_action(&a).rag(now);
            match store::add_action(db, sid, &a, shown.key(), now, &h.by).await {
                Err(cws_store::StoreError::Invalid(m)) => return Ok(Err(vec![m])),
                r => r?,
            };
            "action"
        }
        ("actions", "progress") => {
            let Some(action) = id_field(f, "id").and_then(|i| l.actions.iter().find(|a| a.id == i))
            else {
                return Err(WebError::NotFound(
                    "There is no such action in this strategy.".into(),
                ));
            };
            let Some(status) = Status::parse(field(f, "status")) else {
                return Ok(Err(vec!["Choose the action's status.".into()]));
            };
            let rag = Rag::parse(field(f, "rag"));
            let mut next = action.clone();
            next.status = status.key().into();
            next.rag = rag.map(|r| r.key().to_string());
            let shown = plan_action(&next).rag(now);
            store::update_action(
                db,
                sid,
                action.id,
                status.key(),
                rag.map(Rag::key),
                shown.key(),
                field(f, "note"),
                now,
                &h.by,
            )
            .await?;
            "progress"
        }
        ("risks", "add" | "update") => {
            let scale = |name: &str, label: &str, errors: &mut Vec<String>| match field(f, name)
                .parse::<i64>()
            {
                Ok(v @ 1..=5) => v,
                _ => {
                    errors.push(format!("Choose the {label} from 1 to 5."));
                    0
                }
            };
            let likelihood = scale("likelihood", "likelihood", &mut errors);
            let impact = scale("impact", "impact", &mut errors);
            if what == "add" {
                let r = RiskRow {
                    id: 0,
                    description: required(f, "description", "the risk", &mut errors),
                    consequence: field(f, "consequence").to_string(),
                    mitigation: field(f, "mitigation").to_string(),
                    owner: field(f, "owner").to_string(),
                    likelihood,
                    impact,
                    closed_on: None,
                };
                if !errors.is_empty() {
                    return Ok(Err(errors));
                }
                store::add_risk(db, sid, &r, now, &h.by).await?;
            } else {
                if !errors.is_empty() {
                    return Ok(Err(errors));
                }
                let Some(id) = id_field(f, "id") else {
                    return Err(WebError::NotFound("There is no such risk.".into()));
                };
                if !store::update_risk(
                    db,
                    sid,
                    id,
                    likelihood,
                    impact,
                    field(f, "mitigation"),
                    field(f, "close") == "yes",
                    now,
                    &h.by,
                )
                .await?
                {
                    return Err(WebError::NotFound(
                        "There is no such risk in this strategy.".into(),
                    ));
                }
            }
            "risk"
        }
        ("resources", "add_budget") => {
            let b = Budget {
                holder: required(f, "holder", "the budget holder", &mut errors),
                spend: number(f, "spend", "The spend", &mut errors).unwrap_or(0.0),
                pool_offer: number(f, "pool_offer", "The offer to the pool", &mut errors)
                    .unwrap_or(0.0),
            };
            if errors.is_empty() {
                if let Some(m) = b.check() {
                    errors.push(m);
                }
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            store::add_budget(
                db,
                sid,
                &BudgetRow {
                    id: 0,
                    holder: b.holder,
                    spend: b.spend,
                    pool_offer: b.pool_offer,
                },
            )
            .await?;
            "resources"
        }
        ("resources", "add_stream" | "update_stream") => {
            let s = FundingStreamRow {
                id: id_field(f, "id").unwrap_or(0),
                title: required(f, "title", "the funding stream's name", &mut errors),
                provider: field(f, "provider").into(),
                purpose: field(f, "purpose").into(),
                target_groups: field(f, "target_groups").into(),
                link: field(f, "link").into(),
                comments: field(f, "comments").into(),
            };
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            if what == "add_stream" {
                store::add_funding_stream(db, sid, &s).await?;
            } else if !store::update_funding_stream(db, sid, &s).await? {
                return Err(WebError::NotFound(
                    "There is no such funding stream in this strategy.".into(),
                ));
            }
            "resources"
        }
        ("resources", "add_line") => {
            let year = match field(f, "year").parse::<i64>() {
                Ok(y @ 1..=3) => y,
                _ => {
                    errors.push("Choose year 1, 2 or 3 of the strategy.".into());
                    0
                }
            };
            let line = PlanLineRow {
                id: 0,
                year,
                item: required(f, "item", "what the money is for", &mut errors),
                amount: number(f, "amount", "The amount", &mut errors).unwrap_or(0.0),
                source: field(f, "source").into(),
                pooled: i64::from(field(f, "pooled") == "yes"),
            };
            if line.amount < 0.0 {
                errors.push("The amount cannot be negative.".into());
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            store::add_plan_line(db, sid, &line).await?;
            "resources"
        }
        ("resources", "remove_budget" | "remove_stream" | "remove_line") => {
            let part = match what {
                "remove_budget" => store::Removable::Budget,
                "remove_stream" => store::Removable::FundingStream,
                _ => store::Removable::PlanLine,
            };
            let id = id_field(f, "id").unwrap_or(0);
            if !store::remove(db, sid, part, id).await? {
                return Err(WebError::NotFound(
                    "There is no such entry in this strategy.".into(),
                ));
            }
            "removed"
        }
        ("checklist", _) => {
            let mut n = 0;
            for key in checklist::keys() {
                let answer = field(f, &format!("answer_{key}"));
                if answer.is_empty() {
                    continue;
                }
                let Some(a) = Answer::parse(answer) else {
                    errors.push(format!("Answer yes, partly or no (not '{answer}')."));
                    continue;
                };
                let evidence = field(f, &format!("evidence_{key}"));
                let held = l.checklist.iter().find(|c| c.item == key);
                if held.is_some_and(|c| c.answer == a.key() && c.evidence == evidence) {
                    continue;
                }
                store::answer_checklist(db, sid, key, a.key(), evidence, &h.by).await?;
                n += 1;
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            tracing::info!(strategy = sid, answers = n, "checklist answered");
            "checklist"
        }
        ("analysis", "accept" | "reject") => {
            let kind = field(f, "kind");
            if Quadrant::parse(kind).is_none() {
                return Ok(Err(vec![
                    "Choose strength, weakness, opportunity or threat.".into(),
                ]));
            }
            let body = required(f, "body", "the entry's text", &mut errors);
            let key = required(f, "key", "the proposal", &mut errors);
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            store::decide_proposal(db, sid, &key, kind, &body, what == "accept", &h.by).await?;
            "analysis"
        }
        ("analysis", "add") => {
            let kind = field(f, "kind");
            if Quadrant::parse(kind).is_none() && !STEEP.iter().any(|(k, _)| *k == kind) {
                return Ok(Err(vec![
                    "Choose where the entry belongs: a SWOT quadrant or a STEEP factor.".into(),
                ]));
            }
            let body = required(f, "body", "the entry's text", &mut errors);
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            store::add_analysis(db, sid, kind, &body, &h.by).await?;
            "analysis"
        }
        ("analysis", "remove") => {
            let id = id_field(f, "id").unwrap_or(0);
            if !store::remove(db, sid, store::Removable::Analysis, id).await? {
                return Err(WebError::NotFound(
                    "There is no such entry in this strategy.".into(),
                ));
            }
            "analysis"
        }
        _ => {
            return Err(WebError::NotFound(format!(
                "There is nothing to do called '{what}' here."
            )))
        }
    };
    Ok(Ok(saved))
}

pub async fn change(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, id, page)): Path<(String, i64, String)>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let l = load(&state, &h, id).await?;
    let back = match page.as_str() {
        "analysis" => "sections/current_position".to_string(),
        p if part_of(p).is_some() => p.to_string(),
        _ => {
            return Err(WebError::NotFound(format!(
                "There is no strategy page called '{page}'."
            )))
        }
    };
    match apply(&state, &h, &l, &page, &f).await? {
        Ok(saved) => Ok(see_other(format!(
            "/areas/{}/strategy/{id}/{back}?saved={saved}",
            h.area.code
        ))),
        Err(errors) => {
            let body = if page == "analysis" {
                render_section(&state, &h, &l, Section::CurrentPosition, None, errors, None).await?
            } else {
                let part = part_of(&page).unwrap_or("objectives");
                render_part(&state, &h, &l, part, &PageQuery::default(), errors).await?
            };
            Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

// ---------------------------------------------------------------- print, Word, board report

#[derive(Template)]
#[template(path = "strategy/document.html")]
struct DocumentPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    heading: String,
    blocks: Vec<Block>,
    /// The board report's dates (the print view has none).
    dates: Option<(String, String)>,
    docx: String,
}

async fn strategy_document(state: &AppState, h: &Here, l: &Loaded) -> Result<Vec<Block>, WebError> {
    let mut live = Vec::new();
    for s in [Section::CurrentPosition, Section::WorkforceData] {
        live.push((s, evidence::live(state, &h.place, h.protect, s).await?));
    }
    let t = tracking(state, h, l).await?;
    Ok(document::strategy_blocks(
        l,
        &h.area.name,
        &live,
        &t,
        today(),
    ))
}

async fn render_print(state: &AppState, h: &Here, l: &Loaded) -> Result<String, WebError> {
    let f = Frame::new(h, &l.strategy, "print", None);
    let docx = format!("{}/export/strategy.docx", f.base());
    Ok(DocumentPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        heading: l.strategy.title.clone(),
        blocks: strategy_document(state, h, l).await?,
        dates: None,
        docx,
        f,
    }
    .render()?)
}

/// The two dates a board report compares: given, or the last quarter to today.
fn report_dates(l: &Loaded, q: &PageQuery) -> Result<(NaiveDate, NaiveDate), String> {
    let parse = |s: &Option<String>, what: &str| -> Result<Option<NaiveDate>, String> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    format!("The {what} date must be YYYY-MM-DD, like 2026-06-30 (not '{v}').")
                }),
        }
    };
    let to = parse(&q.to, "second")?.unwrap_or_else(today);
    let from = parse(&q.from, "first")?
        .unwrap_or_else(|| (to - chrono::Duration::days(91)).max(l.strategy.period_start));
    if from > to {
        return Err(format!(
            "The first date ({from}) must not be after the second ({to})."
        ));
    }
    Ok((from, to))
}

/// The board progress report: what moved between the two dates.
async fn progress_blocks(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Block>, WebError> {
    let mut out = Vec::new();
    let fmt = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    out.push(Block::Note(format!(
        "{} · {} · what moved between {} and {}",
        h.area.name,
        l.strategy.title,
        fmt(from),
        fmt(to)
    )));
    // figures: the key rates and every objective's figure, at the census on or before each date
    let dates = evidence::census_dates(state).await?;
    out.push(Block::Heading(1, "Figures".into()));
    match (
        evidence::census_for(&dates, from),
        evidence::census_for(&dates, to),
    ) {
        (Some(a), Some(b)) => {
            use Measure as M;
            let mut measures = vec![
                M::InpostFte,
                M::VacancyRateFte,
                M::TurnoverRateFte,
                M::AgencyRateFte,
                M::Age55Plus,
                M::Level3PlusNonGraduates,
            ];
            for o in &l.objectives {
                if let Some(m) = o.measure.as_deref().and_then(Measure::parse) {
                    if !measures.contains(&m) {
                        measures.push(m);
                    }
                }
            }
            let before = evidence::figures_at(state, &h.place, a, &measures, h.protect).await?;
            let after = evidence::figures_at(state, &h.place, b, &measures, h.protect).await?;
            let inputs: Vec<review::FigureInput> = measures
                .iter()
                .enumerate()
                .map(|(i, m)| review::FigureInput {
                    measure: m.name().into(),
                    label: m.label().into(),
                    before: before[i],
                    after: after[i],
                    target: l
                        .objectives
                        .iter()
                        .find(|o| o.measure.as_deref() == Some(m.name()))
                        .and_then(|o| o.target),
                    lower_is_better: evidence::lower_is_better(*m),
                })
                .collect();
            if a == b {
                out.push(Block::Note(format!("Both dates fall on the same census ({}), so the figures cannot have moved; a later census will show change.", fmt(a))));
            }
            out.push(Block::Table {
                caption: format!("Figures at the census of {} and of {}", fmt(a), fmt(b)),
                header: ["Figure", "Before", "After", "Change", "Direction"]
                    .map(String::from)
                    .to_vec(),
                rows: review::figure_moves(&inputs)
                    .into_iter()
                    .map(|m| {
                        vec![
                            m.label,
                            document::num(m.before),
                            document::num(m.after),
                            m.change
                                .map(|c| format!("{c:+.1}"))
                                .unwrap_or_else(|| "–".into()),
                            match m.better {
                                Some(true) => "Better".into(),
                                Some(false) => "Worse".into(),
                                None => String::new(),
                            },
                        ]
                    })
                    .collect(),
            });
        }
        _ => out.push(Block::Para("There are no census figures yet.".into())),
    }
    // actions
    let updates: Vec<review::ActionUpdate> = store::action_updates(&state.db, l.strategy.id)
        .await?
        .into_iter()
        .filter_map(|u| {
            Some(review::ActionUpdate {
                action_id: u.action_id,
                on: u.on_date,
                status: Status::parse(&u.status)?,
                rag: Rag::parse(&u.rag)?,
            })
        })
        .collect();
    let r = review::compare_actions(&updates, from, to);
    let title = |id: i64| {
        l.actions
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.title.clone())
            .unwrap_or_else(|| format!("Action {id}"))
    };
    let state_on_to: HashMap<i64, review::ActionUpdate> = review::actions_on(&updates, to)
        .into_iter()
        .map(|u| (u.action_id, u))
        .collect();
    let overdue: Vec<String> = l
        .actions
        .iter()
        .filter(|a| {
            a.due_date < to
                && state_on_to
                    .get(&a.id)
                    .is_some_and(|s| s.status != Status::Done)
        })
        .map(|a| format!("{} (due {})", a.title, fmt(a.due_date)))
        .collect();
    out.push(Block::Heading(1, "Action plan".into()));
    out.push(Block::Para(format!(
        "{} completed, {} added, {} changed status or rating, {} red and {} overdue at {}.",
        r.completed.len(),
        r.added.len(),
        r.changed.len(),
        r.red.len(),
        overdue.len(),
        fmt(to)
    )));
    let list = |heading: &str, items: Vec<String>, out: &mut Vec<Block>| {
        if !items.is_empty() {
            out.push(Block::Heading(2, heading.into()));
            out.push(Block::Bullets(items));
        }
    };
    list(
        "Completed",
        r.completed.iter().map(|&i| title(i)).collect(),
        &mut out,
    );
    list(
        "Added",
        r.added.iter().map(|&i| title(i)).collect(),
        &mut out,
    );
    list(
        "Changed",
        r.changed
            .iter()
            .map(|m| {
                let before = m
                    .before
                    .map(|(s, g)| document::status_rag(s, g))
                    .unwrap_or_default();
                format!(
                    "{}: {} → {}",
                    title(m.action_id),
                    before,
                    document::status_rag(m.after.0, m.after.1)
                )
            })
            .collect(),
        &mut out,
    );
    list("Red", r.red.iter().map(|&i| title(i)).collect(), &mut out);
    list("Overdue", overdue, &mut out);
    // risks
    let risk_updates: Vec<review::RiskUpdate> = store::risk_updates(&state.db, l.strategy.id)
        .await?
        .into_iter()
        .map(|u| review::RiskUpdate {
            risk_id: u.risk_id,
            on: u.on_date,
            likelihood: u.likelihood.clamp(0, 9) as u8,
            impact: u.impact.clamp(0, 9) as u8,
            closed: u.closed != 0,
        })
        .collect();
    let rr = review::compare_risks(&risk_updates, from, to);
    let risk = |id: i64| {
        l.risks
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.description.clone())
            .unwrap_or_else(|| format!("Risk {id}"))
    };
    out.push(Block::Heading(1, "Risks".into()));
    out.push(Block::Para(format!(
        "{} new, {} closed, {} worse and {} better.",
        rr.added.len(),
        rr.closed.len(),
        rr.worse.len(),
        rr.better.len()
    )));
    list(
        "Worse",
        rr.worse
            .iter()
            .map(|(i, a, b)| format!("{}: score {a} → {b}", risk(*i)))
            .collect(),
        &mut out,
    );
    list(
        "Better",
        rr.better
            .iter()
            .map(|(i, a, b)| format!("{}: score {a} → {b}", risk(*i)))
            .collect(),
        &mut out,
    );
    list("New", rr.added.iter().map(|&i| risk(i)).collect(), &mut out);
    list(
        "Closed",
        rr.closed.iter().map(|&i| risk(i)).collect(),
        &mut out,
    );
    Ok(out)
}

async fn render_progress(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    q: &PageQuery,
) -> Result<String, WebError> {
    let mut f = Frame::new(h, &l.strategy, "progress", None);
    let (blocks, dates) = match report_dates(l, q) {
        Ok((from, to)) => (
            progress_blocks(state, h, l, from, to).await?,
            (from.to_string(), to.to_string()),
        ),
        Err(e) => {
            f.errors.push(e);
            (
                Vec::new(),
                (
                    q.from.clone().unwrap_or_default(),
                    q.to.clone().unwrap_or_default(),
                ),
            )
        }
    };
    let docx = format!(
        "{}/export/progress.docx?from={}&to={}",
        f.base(),
        dates.0,
        dates.1
    );
    Ok(DocumentPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        heading: "Board progress report".into(),
        blocks,
        dates: Some(dates),
        docx,
        f,
    }
    .render()?)
}

pub async fn export(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, id, file)): Path<(String, i64, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let h = here(&state, viewer.as_ref(), &code).await?;
    let l = load(&state, &h, id).await?;
    let (title, blocks, name) = match file.as_str() {
        "strategy.docx" => (
            l.strategy.title.clone(),
            strategy_document(&state, &h, &l).await?,
            format!(
                "workforce-strategy-{}-{}.docx",
                h.area.code,
                l.strategy.period_start.format("%Y")
            ),
        ),
        "progress.docx" => {
            let (from, to) = report_dates(&l, &q).map_err(WebError::NotFound)?;
            (
                format!("Board progress report: {}", l.strategy.title),
                progress_blocks(&state, &h, &l, from, to).await?,
                format!("workforce-strategy-progress-{}-{to}.docx", h.area.code),
            )
        }
        _ => {
            return Err(WebError::NotFound(format!(
                "There is no download called '{file}'."
            )))
        }
    };
    // building the document (and its chart pictures) is CPU work
    let bytes = tokio::task::spawn_blocking(move || docx::build(&title, &blocks))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    tracing::info!(strategy = id, file = %file, bytes = bytes.len(), "strategy exported");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
