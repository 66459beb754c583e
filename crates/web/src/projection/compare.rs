//! Two of an area's scenarios side by side (either may be "as now"): the levers that differ,
//! and what each comes to — supply and need at the horizon, the gap, the year it closes —
//! over the same runs and seed, so the difference is the levers' alone.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use cws_analyse::projected::Projected;
use cws_project::levers::{LABELS, RANGES};
use cws_project::Levers;

use super::{area_of, base, breadcrumbs, compute, Scenario, ScenarioQuery};
use crate::access::Viewer;
use crate::dashboards::protected;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

/// Which two scenarios: a kept scenario's id or `now`; the horizon, runs and seed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CompareQuery {
    a: String,
    b: String,
    horizon: String,
    runs: String,
    seed: String,
}

#[derive(Template)]
#[template(path = "projection_compare.html")]
struct ComparePage {
    attribution: &'static str,
    synthetic_banner: bool,
    place_name: String,
    base: String,
    breadcrumbs: Vec<(String, String)>,
    protected: bool,
    names: [String; 2],
    /// Lever, first, second, whether they differ.
    levers: Vec<(&'static str, String, String, bool)>,
    /// Outcome, first, second.
    outcomes: Vec<(String, String, String)>,
    note: String,
}

/// The year the gap of all role groups (P50) is first at or below zero after the census.
fn closes(p: &Projected) -> String {
    let totals: Vec<_> = p.lines.iter().filter(|l| l.is_total()).collect();
    let Some(first) = totals.first() else {
        return "not known".into();
    };
    match first.gap_p50 {
        None => "not known (need not known)".into(),
        Some(g) if g <= 0.0 => format!("none at the census ({})", first.year),
        Some(_) => totals
            .iter()
            .skip(1)
            .find(|l| l.gap_p50.is_some_and(|g| g <= 0.0))
            .map_or(format!("not by {}", p.horizon), |l| l.year.to_string()),
    }
}

fn at_horizon(p: &Projected) -> Option<&cws_analyse::projected::Line> {
    p.lines.iter().find(|l| l.is_total() && l.year == p.horizon)
}

fn fte(v: Option<f64>) -> String {
    v.map_or("not known".into(), |v| format!("{v:.1}"))
}

pub async fn compare(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Query(q): Query<CompareQuery>,
) -> Result<Response, WebError> {
    let area = area_of(&state, &place)
        .await?
        .ok_or_else(|| WebError::NotFound("Scenarios are compared for an area.".into()))?;
    let kept = cws_store::projection::scenarios(&state.db, area.id).await?;
    let choose = |which: &str| -> Result<(String, Levers), WebError> {
        let which = which.trim();
        if which.is_empty() || which == "now" {
            return Ok(("As now".into(), Levers::default()));
        }
        kept.iter()
            .find(|s| s.id.0.to_string() == which)
            .map(|s| (s.name.clone(), s.levers))
            .ok_or_else(|| WebError::NotFound(format!("{} has no scenario '{which}'.", area.name)))
    };
    let (first, second) = (choose(&q.a)?, choose(&q.b)?);
    let settings = ScenarioQuery {
        horizon: q.horizon.clone(),
        runs: q.runs.clone(),
        seed: q.seed.clone(),
        ..ScenarioQuery::default()
    };
    let scenario = Scenario::try_from(&settings).map_err(|e| {
        WebError::Unprocessable(e.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" "))
    })?;
    let protect = protected(viewer.as_ref(), &place);
    let mut projected = Vec::new();
    for levers in [first.1, second.1] {
        let s = Scenario {
            levers,
            changed: levers != Levers::default(),
            ..scenario.clone()
        };
        projected.push(
            compute(&state, &place, &s, protect)
                .await?
                .map_err(WebError::NotFound)?,
        );
    }
    let levers = (0..LABELS.len())
        .map(|i| {
            let (a, b) = (first.1.values()[i], second.1.values()[i]);
            let show = |v: f64| format!("{}{}", cws_documents::chart::trim_number(v), RANGES[i].3);
            (LABELS[i], show(a), show(b), a != b)
        })
        .collect();
    let (pa, pb) = (&projected[0], &projected[1]);
    let (ha, hb) = (at_horizon(pa), at_horizon(pb));
    let horizon = pa.horizon;
    let band = |l: Option<&cws_analyse::projected::Line>| match l {
        Some(l) => match (l.p10, l.p90) {
            (Some(a), Some(b)) => format!("{a:.1} to {b:.1}"),
            _ => "c".into(),
        },
        None => "not known".into(),
    };
    let outcomes = vec![
        (
            format!("Supply FTE in {horizon}, P50"),
            fte(ha.and_then(|l| l.p50)),
            fte(hb.and_then(|l| l.p50)),
        ),
        (
            format!("Supply FTE in {horizon}, P10 to P90"),
            band(ha),
            band(hb),
        ),
        (
            format!("People in post in {horizon}, P50"),
            fte(ha.and_then(|l| l.people_p50)),
            fte(hb.and_then(|l| l.people_p50)),
        ),
        (
            format!("Need FTE in {horizon}"),
            fte(ha.and_then(|l| l.demand_fte)),
            fte(hb.and_then(|l| l.demand_fte)),
        ),
        (
            format!("Gap FTE in {horizon}, P50 (above zero: short)"),
            fte(ha.and_then(|l| l.gap_p50)),
            fte(hb.and_then(|l| l.gap_p50)),
        ),
        (
            "The year the gap closes (P50)".into(),
            closes(pa),
            closes(pb),
        ),
    ];
    let note = format!(
        "Both are projected from the census of {} to {horizon} over the same {} runs and seed {}, so they differ by their levers alone. Cost is not shown: cws does not hold pay bands or course costs yet.",
        pa.census_year, scenario.runs, scenario.seed
    );
    Ok(Html(
        ComparePage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: state.holds_synthetic().await?,
            place_name: place.name().to_string(),
            base: base(&place),
            breadcrumbs: {
                let mut b = breadcrumbs(&place);
                b.push((base(&place), "Projection".into()));
                b
            },
            protected: protect,
            names: [first.0, second.0],
            levers,
            outcomes,
            note,
        }
        .render()?,
    )
    .into_response())
}
