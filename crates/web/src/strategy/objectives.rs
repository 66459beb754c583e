//! SMART objectives: each checked letter by letter and, when measured by a cws figure,
//! tracked at every census date held, with its progress from baseline to target.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::Form;
use chrono::NaiveDate;
use cws_analyse::scoped::{Scoped, Within};
use cws_analyse::Measure;
use cws_plan::smart::{self, Objective, Standing};
use cws_store::strategy::{self as store, ObjectiveRow};
use cws_store::ObjectiveId;

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
    pub standing: Standing,
}

impl Tracking {
    pub(crate) fn progress_text(&self) -> String {
        self.standing.text()
    }
}

pub(crate) async fn tracking(
    state: &AppState,
    h: &Here,
    l: &Loaded,
) -> Result<Vec<Tracking>, WebError> {
    let dates = evidence::census_dates(state).await?;
    let mut measures: Vec<Scoped> = l
        .objectives
        .iter()
        .filter_map(|o| {
            o.objective
                .measure
                .as_deref()
                .and_then(|m| Scoped::parse(m).ok())
        })
        .collect();
    measures.sort_by_key(|m| m.code());
    measures.dedup();
    let mut values: HashMap<(NaiveDate, Scoped), Option<f64>> = HashMap::new();
    for &d in &dates {
        for m in &measures {
            let v = evidence::scoped_figure_at(state, &h.place, d, m, h.protect).await?;
            values.insert((d, *m), v);
        }
    }
    let (from, to, now) = (l.strategy.period_start, l.strategy.period_end, today());
    // the baseline is the figure at the latest census on or before the strategy's start
    let baseline_census = evidence::census_for(&dates, from);
    Ok(l.objectives
        .iter()
        .map(|o| {
            let problems = smart::check(&o.objective, from, to, |m| Scoped::parse(m).is_ok());
            let measure = o.objective.measure.as_deref().and_then(|m| Scoped::parse(m).ok());
            let points: Vec<(NaiveDate, Option<f64>)> = match measure {
                Some(m) => dates
                    .iter()
                    .map(|d| (*d, values.get(&(*d, m)).copied().flatten()))
                    .collect(),
                None => Vec::new(),
            };
            let at_baseline = baseline_census
                .and_then(|b| points.iter().find(|(d, _)| *d == b))
                .and_then(|(_, v)| *v);
            let mut problems: Vec<(char, String, bool)> = problems
                .iter()
                .map(|p| (p.letter(), p.message(), p.is_warning()))
                .collect();
            if let (Some(typed), Some(figure), Some(b)) =
                (o.objective.baseline, at_baseline, baseline_census)
            {
                if (typed - figure).abs() >= 0.05 {
                    problems.push((
                        'M',
                        format!(
                            "The baseline typed ({typed}) is not the figure at the baseline census of {} ({figure}); progress is measured from {typed}.",
                            b.format("%-d %B %Y")
                        ),
                        true,
                    ));
                }
            }
            let latest = points.iter().rev().find_map(|(d, v)| v.map(|v| (*d, v)));
            let since_baseline = latest
                .filter(|(d, _)| baseline_census.is_none_or(|b| *d > b))
                .map(|(_, v)| v);
            let standing = if measure.is_some() {
                smart::standing(
                    o.objective.baseline.or(at_baseline),
                    o.objective.target,
                    since_baseline,
                    from,
                    o.objective.target_date,
                    now,
                )
            } else {
                Standing::NotTracked
            };
            Tracking {
                measure_label: match (measure, &o.objective.measure) {
                    (Some(m), _) => m.label(),
                    (None, Some(text)) => text.clone(),
                    (None, None) => "–".into(),
                },
                smart: problems.iter().all(|p| p.2),
                letters: problems.iter().filter(|p| !p.2).map(|p| p.0).collect(),
                problems,
                points,
                latest,
                standing,
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
    /// The parts of the workforce a figure can be taken among: (code, description).
    among: Vec<(String, String)>,
    editing: Option<ObjectiveRow>,
    /// The objective form's values (the one being changed, or blank).
    e: cws_plan::smart::Objective,
    /// The projection the strategy shows, and what can be chosen.
    projection: Option<super::projection::Shown>,
    projection_choices: Vec<(String, String, bool)>,
}

impl Formats for ObjectivesPage {}

impl ObjectivesPage {
    fn is_figure(&self, m: &str) -> bool {
        Scoped::parse(m).is_ok()
    }

    /// The figure of the objective being edited, without its part of the workforce.
    fn figure_of(&self) -> String {
        let m = self.e.measure.as_deref().unwrap_or("");
        Scoped::parse(m).map_or_else(|_| String::new(), |s| s.measure.code().to_string())
    }

    /// The part of the workforce the edited objective's figure is taken among.
    fn among_of(&self) -> String {
        let m = self.e.measure.as_deref().unwrap_or("");
        Scoped::parse(m)
            .ok()
            .and_then(|s| s.within)
            .map_or_else(String::new, |w| w.code())
    }
}

pub(super) async fn render(
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
    let editing = q.edit.and_then(|id| {
        l.objectives
            .iter()
            .find(|o| o.id == ObjectiveId(id))
            .cloned()
    });
    let projection = super::projection::shown(state, h, l).await?;
    let projection_choices = super::projection::choices(state, h, l).await?;
    Ok(ObjectivesPage {
        projection,
        projection_choices,
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        objectives,
        measures: objective_measures(),
        among: Within::all()
            .into_iter()
            .map(|w| (w.code(), w.described()))
            .collect(),
        e: editing
            .as_ref()
            .map(|r| r.objective.clone())
            .unwrap_or_default(),
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
    /// The part of the workforce a figure is taken among (`role_group:CODE`, …), or empty.
    among: String,
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
        let measure = match (f.measure.trim(), f.among.trim()) {
            ("other" | "", _) => optional(&f.measure_other),
            (m, "") => Some(m.to_string()),
            (m, among) => match Within::parse(among) {
                Ok(w) => Some(format!("{m}@{}", w.code())),
                Err(e) => {
                    p.push(format!("The part of the workforce: {e}."));
                    None
                }
            },
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
    Path((_, _, objective)): Path<(String, i64, ObjectiveId)>,
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
                edit: Some(objective.0),
                ..PageQuery::default()
            };
            let page = render(&state, &h, &l, &q, p.into()).await?;
            Ok(refused(page))
        }
    }
}
