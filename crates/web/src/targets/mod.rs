//! An area's targets (docs/definitions.md §8): its own and those it adopts from the seeds'
//! national catalogue, each with its status from one projection of the area (the chance of
//! meeting it by its deadline over the runs, or the trajectory rule, saying why), the need
//! for its people beside it, and the national targets as the censuses held show them. The
//! lead sets and removes targets here and asks what it would take to meet one. The rules
//! live in `cws_plan::targets` and `cws_analyse::targets`; here they are read and drawn.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use cws_analyse::panels::Place;
use cws_analyse::scoped::{Scoped, Within};
use cws_analyse::targets::{Judged, Judging};
use cws_analyse::Snapshot;
use cws_plan::targets::{NationalTarget, Status};
use cws_store::geography::AreaRow;
use cws_store::targets::TargetRow;

use crate::access::Viewer;
use crate::dashboards::protected;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

mod remove;
mod set;
mod take;

pub use remove::remove;
pub use set::set;
pub use take::what_it_would_take;

/// The runs a page judges targets over.
pub(crate) const RUNS: usize = 1000;

/// The area of a place in a targets path (targets are kept for an area).
async fn area_of(state: &AppState, place: &Place) -> Result<AreaRow, WebError> {
    let code = match place {
        Place::Area { code, .. } => code,
        _ => return Err(WebError::NotFound("Targets are kept for an area.".into())),
    };
    cws_store::geography::area(&state.db, code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))
}

/// Runs `f` over every census held (latest first) off the request's thread; None when no
/// collection is held yet.
pub(crate) async fn with_held<R: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&[&Snapshot]) -> Result<R, WebError> + Send + 'static,
) -> Result<Option<R>, WebError> {
    let held = match state.figures.every_census(&state.db).await {
        Ok(h) => h,
        Err(cws_analyse::load::LoadError::NoCollections) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    tokio::task::spawn_blocking(move || {
        // the warm snapshots are read, not copied: an import's refresh waits for the run
        let guards = held
            .iter()
            .map(|h| h.read())
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&Snapshot> = guards.iter().map(|g| &**g).collect();
        f(&refs).map(Some)
    })
    .await?
}

/// The status as a tag: its colour and its words.
pub(crate) fn tag(status: Option<Status>) -> (&'static str, &'static str) {
    match status {
        Some(Status::OnTrack) => ("tag-green", "On track"),
        Some(Status::AtRisk) => ("tag-amber", "At risk"),
        Some(Status::OffTrack) => ("tag-red", "Off track"),
        None => ("tag-grey", "Not known"),
    }
}

/// A date as pages write it.
fn day(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A figure's value as pages write it.
fn number(v: f64) -> String {
    cws_documents::chart::trim_number((v * 10.0).round() / 10.0)
}

/// One of the area's targets as listed.
struct Row {
    id: i64,
    title: String,
    figure: String,
    /// "At least 100 by 30 September 2030", with its milestones.
    aim: String,
    milestones: Vec<String>,
    adopted: Option<String>,
    now: String,
    tag_class: &'static str,
    status: &'static str,
    reading: String,
    need: String,
    /// Whether "what it would take" can be asked (the projection carries the figure).
    can_ask: bool,
}

/// A national target as listed.
struct NationalRow {
    title: String,
    source: String,
    deadline_as_set: String,
    figure: String,
    now: String,
    verdict: String,
    basis: String,
}

/// A national target that may be adopted: key and title.
pub(crate) struct Adoptable {
    key: String,
    title: String,
}

/// The form to set a target, as typed (kept when it is refused).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TargetForm {
    /// The national target adopted, or empty for the area's own.
    national: String,
    title: String,
    measure: String,
    part: String,
    direction: String,
    value: String,
    deadline: String,
    milestones: String,
}

#[derive(Template)]
#[template(path = "targets/page.html")]
struct TargetsPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_name: String,
    base: String,
    code: String,
    breadcrumbs: Vec<(String, String)>,
    protected: bool,
    rows: Vec<Row>,
    national: Vec<NationalRow>,
    rests_on: String,
    can_change: bool,
    adoptable: Vec<Adoptable>,
    measures: Vec<(&'static str, &'static str)>,
    parts: Vec<(String, &'static str)>,
    /// The form: which one was refused ("national" or "own"), as typed, and its problems
    /// (field id, message).
    refused: Option<&'static str>,
    form: TargetForm,
    errors: Vec<(String, String)>,
    notice: Option<&'static str>,
    on: String,
    thresholds: String,
}

impl TargetsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn chosen(&self, field: &str, value: &str) -> bool {
        let typed = match field {
            "national" => &self.form.national,
            "measure" => &self.form.measure,
            "part" => &self.form.part,
            "direction" => &self.form.direction,
            _ => return false,
        };
        typed == value
    }
}

/// A refused form: which ("national" or "own"), as typed, and its problems by field.
pub(crate) type Refused = (&'static str, TargetForm, Vec<(String, String)>);

/// What the page's address may say was just done.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Done {
    saved: String,
}

/// Whether the viewer may set and remove the area's targets: its lead.
pub(crate) fn may_change(viewer: Option<&Viewer>, area: &AreaRow) -> bool {
    use crate::access::policy::{decide, Need, Target};
    let target = Target {
        area: Some((area.code.clone(), area.old_la_code.clone())),
        region: Some(area.region_code.clone()),
        organisation_id: None,
    };
    decide(viewer.map(|v| &v.access), Need::AreaWorkers, &target)
}

/// The shipped drivers with the areas' own mappings: what need follows.
pub(crate) async fn drivers(state: &AppState) -> Result<cws_analyse::need::Drivers, WebError> {
    let children = cws_store::projection::population_projection(&state.db).await?;
    Ok(cws_analyse::need::Drivers::shipped(&children)?
        .with_saved_maps(cws_store::projection::driver_maps(&state.db).await?))
}

/// What the page shows of the censuses: the area's targets judged, the national ones, and
/// what the latest census rests on.
struct Judgements {
    judged: Vec<Judged>,
    national: Vec<cws_analyse::targets::Standing>,
    returns: bool,
}

/// The targets page, with what a refused form adds.
pub(crate) async fn render(
    state: &AppState,
    viewer: Option<&Viewer>,
    place: &Place,
    refused: Option<Refused>,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    let area = area_of(state, place).await?;
    let protect = protected(viewer, place);
    let rows = cws_store::targets::targets(&state.db, area.id).await?;
    let drivers = drivers(state).await?;
    let today = chrono::Local::now().date_naive();
    let how = Judging {
        protect,
        runs: RUNS,
        ..Judging::default()
    };
    let targets: Vec<cws_plan::targets::Target> = rows.iter().map(|r| r.target.clone()).collect();
    let code = area.code.clone();
    let judgements = with_held(state, move |held| {
        let index = held
            .first()
            .and_then(|s| s.areas.iter().position(|a| a.code == code));
        let refs: Vec<&cws_plan::targets::Target> = targets.iter().collect();
        let judged = match index {
            Some(i) => cws_analyse::targets::judge_area(held, i, &refs, &drivers, &how)?,
            None => Vec::new(),
        };
        let national =
            cws_analyse::targets::national(held, &cws_analyse::Scope::Area(code.clone()), today)?;
        let returns = match (held.first(), index) {
            (Some(s), Some(i)) => s.areas_with_returns().get(i).copied().unwrap_or(false),
            _ => false,
        };
        Ok(Judgements {
            judged,
            national,
            returns,
        })
    })
    .await?;
    let catalogue =
        cws_plan::targets::national_targets().map_err(|e| WebError::Internal(e.to_string()))?;
    let (judged, national, returns) = match judgements {
        Some(j) => (j.judged, j.national, j.returns),
        None => (
            Vec::new(),
            cws_analyse::targets::national(
                &[],
                &cws_analyse::Scope::Area(area.code.clone()),
                today,
            )?,
            false,
        ),
    };
    let listed = list(&rows, &judged, &catalogue, protect);
    let national = national
        .iter()
        .map(|s| {
            let hidden = protect && s.small();
            NationalRow {
                title: s.target.title.clone(),
                source: s.target.source.clone(),
                deadline_as_set: s.target.deadline_as_set.clone(),
                figure: s.figure_label.clone().unwrap_or_else(|| "–".into()),
                now: match s.latest {
                    _ if hidden => "c".into(),
                    Some((c, Some(v))) => format!("{} ({})", number(v), day(c)),
                    Some((_, None)) => "No one counted".into(),
                    None => "No figure".into(),
                },
                verdict: match s.verdict {
                    _ if hidden => "c".into(),
                    Some(v) => v.label().to_string(),
                    None if s.target.national => "Judged for England".into(),
                    None => "Deadline ahead".into(),
                },
                basis: if hidden {
                    "Hidden: the figure rests on 1 to 5 people or settings, shown only in the area lead's own view.".into()
                } else {
                    s.basis.clone()
                },
            }
        })
        .collect();
    let (refused, form, errors) = match refused {
        Some((which, form, errors)) => (Some(which), form, errors),
        None => (None, TargetForm::default(), Vec::new()),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let th = how.thresholds;
    let page = TargetsPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: state.holds_synthetic().await?,
        area_name: area.name.clone(),
        base: format!("/areas/{}/targets", area.code),
        code: area.code.clone(),
        breadcrumbs: vec![
            ("/".into(), "Areas".into()),
            (format!("/areas/{}", area.code), area.name.clone()),
        ],
        protected: protect,
        rows: listed,
        national,
        rests_on: if returns {
            format!("{}'s returns at the latest census", area.name)
        } else {
            format!("no returns: {} has none at the latest census", area.name)
        },
        can_change: may_change(viewer, &area),
        adoptable: catalogue
            .iter()
            .filter(|t| t.target().is_some() && !t.national)
            .map(|t| Adoptable {
                key: t.key.clone(),
                title: t.title.clone(),
            })
            .collect(),
        measures: cws_analyse::measure::Measure::ALL
            .iter()
            .map(|m| (m.code(), m.label()))
            .collect(),
        parts: Within::all()
            .into_iter()
            .map(|w| (w.code(), w.label()))
            .collect(),
        refused,
        form,
        errors,
        notice,
        on: day(today),
        thresholds: format!(
            "on track when at least {:.0}% of runs meet it, at risk from {:.0}%, off track below",
            th.on_track * 100.0,
            th.off_track * 100.0
        ),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The area's targets as rows, each beside its judgement.
fn list(
    rows: &[TargetRow],
    judged: &[Judged],
    catalogue: &[NationalTarget],
    protect: bool,
) -> Vec<Row> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let j = judged.get(i);
            let scoped = Scoped::parse(&r.target.figure).ok();
            let (tag_class, status) = tag(j.and_then(|j| j.judgement.status));
            let want = match r.target.direction {
                cws_plan::targets::Direction::AtLeast => "At least",
                cws_plan::targets::Direction::AtMost => "At most",
            };
            Row {
                id: r.id.0,
                title: r.title.clone(),
                figure: scoped
                    .as_ref()
                    .map_or_else(|| r.target.figure.clone(), |s| s.label()),
                aim: format!(
                    "{want} {} by {}",
                    number(r.target.value),
                    day(r.target.deadline)
                ),
                milestones: r
                    .target
                    .milestones
                    .iter()
                    .map(|m| format!("{} by {}", number(m.value), day(m.date)))
                    .collect(),
                adopted: r.national_key.as_ref().map(|k| {
                    catalogue
                        .iter()
                        .find(|t| t.key == *k)
                        .map_or_else(|| k.clone(), |t| t.title.clone())
                }),
                now: match j.and_then(|j| j.actual) {
                    Some(p) => format!("{} ({})", number(p.value), day(p.date)),
                    None if protect => "c".into(),
                    None => "No figure".into(),
                },
                tag_class,
                status,
                reading: j.map_or_else(|| "Not judged.".into(), |j| j.reading.clone()),
                need: j
                    .and_then(|j| j.against_need.as_ref())
                    .map_or_else(|| "Not known.".into(), |n| n.words.clone()),
                can_ask: matches!(
                    j.map(|j| &j.judgement.reading),
                    Some(cws_analyse::targets::Reading::Projection { .. })
                ),
            }
        })
        .collect()
}

/// An area's targets page.
pub async fn page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let notice = match done.saved.as_str() {
        "set" => Some("The target is set: it is listed below with its status."),
        "removed" => Some("The target is removed."),
        _ => None,
    };
    render(&state, viewer.as_ref(), &place, None, notice).await
}
