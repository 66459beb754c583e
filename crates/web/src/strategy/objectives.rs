//! SMART objectives: each checked letter by letter and, when measured by a cws figure,
//! tracked at every census date held, with its progress from baseline to target.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::Form;
use chrono::NaiveDate;
use cws_analyse::Measure;
use cws_plan::smart::{self, Objective};
use cws_store::strategy::{self as store, ObjectiveRow};

use super::{
    evidence, no_such, refused, saved, saved_message, today, Formats, Frame, Here, Loaded, Opened,
    PageQuery,
};
use crate::forms::{optional, Problems};
use crate::{AppState, WebError};

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

pub(crate) async fn tracking(
    state: &AppState,
    h: &Here,
    l: &Loaded,
) -> Result<Vec<Tracking>, WebError> {
    let dates = evidence::census_dates(state).await?;
    let mut measures: Vec<Measure> = l
        .objectives
        .iter()
        .filter_map(|o| {
            o.objective
                .measure
                .as_deref()
                .and_then(|m| Measure::parse(m).ok())
        })
        .collect();
    measures.sort_by_key(|m| m.code());
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
            let problems = smart::check(&o.objective, from, to, |m| Measure::parse(m).is_ok());
            let measure = o
                .objective
                .measure
                .as_deref()
                .and_then(|m| Measure::parse(m).ok());
            let points: Vec<(NaiveDate, Option<f64>)> = match measure {
                Some(m) => dates
                    .iter()
                    .map(|d| (*d, values.get(&(*d, m)).copied().flatten()))
                    .collect(),
                None => Vec::new(),
            };
            let latest = points.iter().rev().find_map(|(d, v)| v.map(|v| (*d, v)));
            let progress = match (o.objective.baseline, o.objective.target, latest) {
                (Some(b), Some(t), Some((_, v))) => smart::progress(b, t, v),
                _ => None,
            };
            let on_track = match (progress, o.objective.target_date) {
                (Some(p), Some(by)) => Some(smart::on_track(p, from, by, now)),
                _ => None,
            };
            Tracking {
                measure_label: match (measure, &o.objective.measure) {
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
    .map(|m| (m.code(), m.label()))
    .collect()
}

struct ObjectiveView {
    row: ObjectiveRow,
    t: Tracking,
    actions: usize,
}

#[derive(Template)]
#[template(path = "strategy/objectives.html")]
struct ObjectivesPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    objectives: Vec<ObjectiveView>,
    measures: Vec<(&'static str, &'static str)>,
    editing: Option<ObjectiveRow>,
    /// The objective form's values (the one being changed, or blank).
    e: ObjectiveRow,
}

impl Formats for ObjectivesPage {}

impl ObjectivesPage {
    fn is_figure(&self, m: &str) -> bool {
        Measure::parse(m).is_ok()
    }
}

async fn render(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    q: &PageQuery,
    errors: Vec<String>,
) -> Result<String, WebError> {
    let mut f = Frame::new(
        h,
        &l.strategy,
        "objectives",
        saved_message(q.saved.as_deref()),
    );
    f.errors = errors;
    let t = tracking(state, h, l).await?;
    let objectives = l
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
    let editing = q
        .edit
        .and_then(|id| l.objectives.iter().find(|o| o.id == id).cloned());
    Ok(ObjectivesPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        objectives,
        measures: objective_measures(),
        e: editing.clone().unwrap_or_default(),
        editing,
    }
    .render()?)
}

pub async fn page(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    Ok(Html(render(&state, &h, &l, &q, Vec::new()).await?))
}

/// An objective as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ObjectiveForm {
    statement: String,
    /// A cws measure's name, or "other" for `measure_other`.
    measure: String,
    measure_other: String,
    baseline: String,
    target: String,
    target_date: String,
    owner: String,
}

impl TryFrom<&ObjectiveForm> for Objective {
    type Error = Problems;

    fn try_from(f: &ObjectiveForm) -> Result<Objective, Problems> {
        let mut p = Problems::default();
        let measure = match f.measure.trim() {
            "other" | "" => optional(&f.measure_other),
            m => Some(m.to_string()),
        };
        let o = Objective {
            statement: p.required(&f.statement, "what the objective will achieve"),
            measure,
            baseline: p.number(&f.baseline, "The baseline"),
            target: p.number(&f.target, "The target"),
            target_date: p.date(&f.target_date, "The target date"),
            owner: optional(&f.owner),
        };
        p.finish(o)
    }
}

pub async fn add(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Form(form): Form<ObjectiveForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    match Objective::try_from(&form) {
        Ok(o) => {
            store::add_objective(&state.db, id, &o).await?;
            Ok(saved(&h, id, "objectives", "objective"))
        }
        Err(p) => {
            let page = render(&state, &h, &l, &PageQuery::default(), p.into()).await?;
            Ok(refused(page))
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, objective)): Path<(String, i64, i64)>,
    Form(form): Form<ObjectiveForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    if !l.objectives.iter().any(|o| o.id == objective) {
        return Err(no_such("objective"));
    }
    match Objective::try_from(&form) {
        Ok(o) => {
            if !store::update_objective(&state.db, id, objective, &o).await? {
                return Err(no_such("objective"));
            }
            Ok(saved(&h, id, "objectives", "objective"))
        }
        Err(p) => {
            let q = PageQuery {
                edit: Some(objective),
                ..PageQuery::default()
            };
            let page = render(&state, &h, &l, &q, p.into()).await?;
            Ok(refused(page))
        }
    }
}
