//! What it would take to meet one of the area's targets: for a chosen lever, the smallest
//! move from as now that makes the target on track, found by bisection over the lever's
//! range (each step a whole projection with the same seed); the lead keeps the answer as a
//! projection scenario.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use cws_analyse::targets::{Ask, Judging, SearchError, SEARCHABLE};
use cws_plan::targets::Found;
use cws_project::levers::{LABELS, RANGES};

use super::remove::TargetPath;
use super::{area_of, drivers, may_change, tag, with_held};
use crate::access::Viewer;
use crate::dashboards::protected;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

/// The runs each step of the search is judged over: fewer than the page's 1,000, as a
/// search makes up to a dozen projections.
const SEARCH_RUNS: usize = 500;

/// The lever and how far to try, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TakeQuery {
    lever: String,
    to: String,
}

/// The far end tried by default, and the precision, of each lever searched.
fn defaults(lever: &str) -> (f64, f64) {
    match lever {
        "turnover_pct" => (-50.0, 1.0),
        "recruitment_pct" => (100.0, 1.0),
        _ => (100.0, 1.0),
    }
}

struct Lever {
    code: &'static str,
    label: &'static str,
}

/// What the search found, in words, and the scenario to keep.
struct Answer {
    words: String,
    /// The lever's value to keep, when one was found.
    keep: Option<(&'static str, String)>,
    evaluations: String,
}

#[derive(Template)]
#[template(path = "targets/take.html")]
struct TakePage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_name: String,
    code: String,
    breadcrumbs: Vec<(String, String)>,
    title: String,
    aim: String,
    tag_class: &'static str,
    status: &'static str,
    reading: String,
    levers: Vec<Lever>,
    lever: String,
    to: String,
    to_hint: String,
    error: Option<(String, String)>,
    answer: Option<Answer>,
    can_keep: bool,
    scenario_name: String,
    runs: String,
}

/// A lever's value as a scenario keeps it: whole places and percentage points, rounded in
/// the direction that keeps the target met (the chance does not fall that way).
fn kept_value(lever: &str, value: f64) -> f64 {
    if lever == "turnover_pct" {
        value.floor()
    } else {
        value.ceil()
    }
}

pub async fn what_it_would_take(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Path(TargetPath { target }): Path<TargetPath>,
    Query(q): Query<TakeQuery>,
) -> Result<Response, WebError> {
    let area = area_of(&state, &place).await?;
    let row = cws_store::targets::targets(&state.db, area.id)
        .await?
        .into_iter()
        .find(|t| t.id == target)
        .ok_or_else(|| WebError::NotFound("This area has no such target.".into()))?;
    let protect = protected(viewer.as_ref(), &place);
    let lever = if q.lever.is_empty() {
        "level3_places".to_string()
    } else {
        q.lever.clone()
    };
    let at = RANGES.iter().position(|r| r.0 == lever);
    let mut error = None;
    let (default_to, tolerance) = defaults(&lever);
    let to = match (at, q.to.trim()) {
        (None, _) => {
            error = Some((
                "lever".to_string(),
                format!("'{lever}' is not a lever to search: choose one listed."),
            ));
            None
        }
        (Some(_), "") => Some(default_to),
        (Some(i), typed) => match typed.replace(',', "").parse::<f64>() {
            Ok(v) if (RANGES[i].1..=RANGES[i].2).contains(&v) => Some(v),
            Ok(v) => {
                error = Some((
                    "to".into(),
                    format!(
                        "Try up to a value from {} to {}{} (you entered {v}).",
                        RANGES[i].1, RANGES[i].2, RANGES[i].3
                    ),
                ));
                None
            }
            Err(_) => {
                error = Some((
                    "to".into(),
                    format!("Try up to must be a number (you entered '{typed}')."),
                ));
                None
            }
        },
    };
    let drivers = drivers(&state).await?;
    let how = Judging {
        protect,
        runs: SEARCH_RUNS,
        ..Judging::default()
    };
    let code = area.code.clone();
    let the_target = row.target.clone();
    let searching = !q.lever.is_empty() && error.is_none();
    let search_lever = lever.clone();
    let outcome = with_held(&state, move |held| {
        let Some(index) = held
            .first()
            .and_then(|s| s.areas.iter().position(|a| a.code == code))
        else {
            return Ok((Vec::new(), None));
        };
        let judged = cws_analyse::targets::judge_area(held, index, &[&the_target], &drivers, &how)?;
        let found = match (searching, to) {
            (true, Some(to)) => {
                let Some(request) =
                    cws_analyse::targets::judging_request(held, index, the_target.deadline, &how)
                else {
                    return Ok((judged, None));
                };
                let ask = Ask {
                    lever: &search_lever,
                    to,
                    tolerance,
                };
                Some(
                    cws_analyse::targets::what_it_would_take(
                        held,
                        &request,
                        &drivers,
                        &the_target,
                        &ask,
                        &how.thresholds,
                    )
                    .map_err(|e| match e {
                        SearchError::Projected(p) => p.to_string(),
                        e => e.to_string(),
                    }),
                )
            }
            _ => None,
        };
        Ok((judged, found))
    })
    .await?;
    let (judged, found) = outcome.unwrap_or((Vec::new(), None));
    let judged = judged.into_iter().next();
    let (tag_class, status) = tag(judged.as_ref().and_then(|j| j.judgement.status));
    let label = at.map_or("", |i| LABELS[i]);
    let unit = at.map_or("", |i| RANGES[i].3);
    let th = how.thresholds;
    let answer = found.map(|f| match f {
        Ok(Found::AsNow { chance }) => Answer {
            words: format!(
                "As now, {:.0}% of {SEARCH_RUNS} runs meet the target: it is on track without moving this lever.",
                chance * 100.0
            ),
            keep: None,
            evaluations: String::new(),
        },
        Ok(Found::At {
            lever: value,
            chance,
            evaluations,
        }) => {
            let value = kept_value(&lever, value);
            let shown = cws_documents::chart::trim_number(value);
            Answer {
                words: format!(
                    "{label}: {shown}{unit}. At that, about {:.0}% of {SEARCH_RUNS} runs meet the target (on track from {:.0}%).",
                    chance * 100.0,
                    th.on_track * 100.0
                ),
                keep: at.map(|i| (RANGES[i].0, shown)),
                evaluations: format!(
                    "Found by bisection in {evaluations} projections of {SEARCH_RUNS} runs each, to within {}{unit}; each with seed 1, so the steps differ by the lever alone. The cost is not shown: cws holds no pay bands or course costs.",
                    cws_documents::chart::trim_number(tolerance)
                ),
            }
        }
        Ok(Found::NotInRange { chance_at_end }) => Answer {
            words: format!(
                "Not within the range tried: even at {}{unit}, {:.0}% of {SEARCH_RUNS} runs meet the target. Try further, another lever, or a later deadline.",
                cws_documents::chart::trim_number(to.unwrap_or(default_to)),
                chance_at_end * 100.0
            ),
            keep: None,
            evaluations: String::new(),
        },
        Err(why) => Answer {
            words: format!("The search cannot be made: {why}."),
            keep: None,
            evaluations: String::new(),
        },
    });
    let want = match row.target.direction {
        cws_plan::targets::Direction::AtLeast => "At least",
        cws_plan::targets::Direction::AtMost => "At most",
    };
    let status_code = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = TakePage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: state.holds_synthetic().await?,
        area_name: area.name.clone(),
        code: area.code.clone(),
        breadcrumbs: vec![
            ("/".into(), "Areas".into()),
            (format!("/areas/{}", area.code), area.name.clone()),
            (format!("/areas/{}/targets", area.code), "Targets".into()),
        ],
        scenario_name: format!("To meet: {}", row.title),
        title: row.title,
        aim: format!(
            "{want} {} by {}",
            cws_documents::chart::trim_number(row.target.value),
            row.target.deadline.format("%-d %B %Y")
        ),
        tag_class,
        status,
        reading: judged.map_or_else(|| "Not judged: no census is held.".into(), |j| j.reading),
        levers: SEARCHABLE
            .iter()
            .filter_map(|code| {
                let i = RANGES.iter().position(|r| r.0 == *code)?;
                Some(Lever {
                    code: RANGES[i].0,
                    label: LABELS[i],
                })
            })
            .collect(),
        to: if q.to.is_empty() {
            cws_documents::chart::trim_number(default_to)
        } else {
            q.to.clone()
        },
        to_hint: format!(
            "The far end worth trying, in the lever's units{}; the search looks between as now and this.",
            if unit.is_empty() {
                String::new()
            } else {
                format!(" ({})", unit.trim())
            }
        ),
        lever,
        error,
        answer,
        can_keep: may_change(viewer.as_ref(), &area),
        runs: SEARCH_RUNS.to_string(),
    };
    Ok((status_code, Html(page.render()?)).into_response())
}
