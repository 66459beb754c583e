//! The projection of an area, a region or England (docs/definitions.md §7): a scenario's
//! levers in a form (GET, so a scenario is a link that can be kept and shared), the supply
//! and need fan chart, the gap chart, the table by year and role group, and the table as
//! CSV or Excel. The model and its measurement live in `cws_project` and `cws_analyse`;
//! here the form is read, the place's censuses loaded and the result drawn. Small role
//! groups are hidden outside the area lead's own view, as on the dashboards.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use cws_analyse::panels::Place;
use cws_analyse::projected::{project, Line, Projected, ProjectedError, Request};
use cws_documents::chart::Series;
use cws_project::levers::{LABELS, RANGES};
use cws_project::Levers;

use crate::access::Viewer;
use crate::dashboards::protected;
use crate::forms::Problems;
use crate::place::PlaceInPath;
use crate::{AppState, WebError};

mod api;
pub(crate) mod charts;
mod compare;
mod download;
mod drivers;
mod how_good;
mod scenarios;

pub use api::projection as api_projection;
pub use compare::compare;
pub use download::download;
pub use drivers::{page as drivers_page, reset as reset_drivers, save as save_drivers};
pub use how_good::how_good;
pub use scenarios::{remove_scenario, save_scenario};

/// The form as typed: each lever, the horizon, runs and seed (empty: the default).
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ScenarioQuery {
    recruitment_pct: String,
    turnover_pct: String,
    retirement_shift_years: String,
    level3_places: String,
    graduate_places: String,
    completion_rate: String,
    agency_conversion: String,
    pay_incentive_pct: String,
    retention_elasticity: String,
    horizon: String,
    runs: String,
    seed: String,
    /// What was just done ("kept", "removed"): said once, not carried in links.
    #[serde(skip_serializing)]
    saved: String,
}

impl ScenarioQuery {
    fn levers(&self) -> [&str; 9] {
        [
            &self.recruitment_pct,
            &self.turnover_pct,
            &self.retirement_shift_years,
            &self.level3_places,
            &self.graduate_places,
            &self.completion_rate,
            &self.agency_conversion,
            &self.pay_incentive_pct,
            &self.retention_elasticity,
        ]
    }

    /// `?…` repeating what was typed (empty when nothing was).
    fn query(&self) -> String {
        let q = serde_urlencoded::to_string(self).unwrap_or_default();
        // only the fields typed in, so a default link stays short
        let kept: Vec<&str> = q.split('&').filter(|p| !p.ends_with('=')).collect();
        if kept.is_empty() {
            String::new()
        } else {
            format!("?{}", kept.join("&"))
        }
    }
}

impl ScenarioQuery {
    /// The query of a kept scenario's levers: only those that differ from as now.
    fn of_levers(levers: &Levers) -> ScenarioQuery {
        let defaults = Levers::default().values();
        let typed: Vec<String> = levers
            .values()
            .iter()
            .zip(defaults)
            .map(|(v, d)| {
                if *v == d {
                    String::new()
                } else {
                    cws_documents::chart::trim_number(*v)
                }
            })
            .collect();
        ScenarioQuery {
            recruitment_pct: typed[0].clone(),
            turnover_pct: typed[1].clone(),
            retirement_shift_years: typed[2].clone(),
            level3_places: typed[3].clone(),
            graduate_places: typed[4].clone(),
            completion_rate: typed[5].clone(),
            agency_conversion: typed[6].clone(),
            pay_incentive_pct: typed[7].clone(),
            retention_elasticity: typed[8].clone(),
            ..ScenarioQuery::default()
        }
    }
}

/// The levers that differ from as now, in words ("as now" when none do).
pub(crate) fn changes(levers: &Levers) -> String {
    let defaults = Levers::default().values();
    let changed: Vec<String> = levers
        .values()
        .iter()
        .zip(defaults)
        .enumerate()
        .filter(|(_, (v, d))| *v != d)
        .map(|(i, (v, _))| {
            format!(
                "{}: {}{}",
                LABELS[i],
                cws_documents::chart::trim_number(*v),
                RANGES[i].3
            )
        })
        .collect();
    if changed.is_empty() {
        "As now".into()
    } else {
        changed.join("; ")
    }
}

/// The most runs a page makes (the command line allows more).
const MAX_RUNS: usize = 5000;

/// What the form asks for, checked.
#[derive(Debug, Clone, PartialEq)]
struct Scenario {
    levers: Levers,
    horizon: Option<i32>,
    runs: usize,
    seed: u64,
    /// Whether any lever differs from "as now".
    changed: bool,
}

/// A field's problem: its id and the message.
type FieldProblems = Vec<(String, String)>;

impl TryFrom<&ScenarioQuery> for Scenario {
    type Error = FieldProblems;

    fn try_from(q: &ScenarioQuery) -> Result<Scenario, FieldProblems> {
        let mut problems: FieldProblems = Vec::new();
        let mut values = Levers::default().values();
        for (i, typed) in q.levers().iter().enumerate() {
            let (name, min, max, unit) = RANGES[i];
            let mut p = Problems::default();
            if let Some(v) = p.number(typed, LABELS[i]) {
                if (min..=max).contains(&v) {
                    values[i] = v;
                } else {
                    p.push(format!(
                        "{} must be from {min} to {max}{unit} (you entered {v}).",
                        LABELS[i]
                    ));
                }
            }
            problems.extend(p.0.into_iter().map(|m| (name.to_string(), m)));
        }
        let whole = |typed: &str, field: &str, label: &str, problems: &mut FieldProblems| {
            let t = typed.trim().replace(',', "");
            if t.is_empty() {
                return None;
            }
            match t.parse::<u64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    problems.push((
                        field.into(),
                        format!(
                            "{label} must be a whole number (you entered '{}').",
                            typed.trim()
                        ),
                    ));
                    None
                }
            }
        };
        let horizon = whole(
            &q.horizon,
            "horizon",
            "The last year projected",
            &mut problems,
        )
        .map(|y| y.min(9999) as i32);
        if let Some(y) = horizon {
            if y > cws_project::model::LAST_YEAR {
                problems.push((
                    "horizon".into(),
                    format!(
                        "The last year projected must be {} or earlier (you entered {y}).",
                        cws_project::model::LAST_YEAR
                    ),
                ));
            }
        }
        let runs = whole(&q.runs, "runs", "Runs", &mut problems).unwrap_or(1000);
        if !(1..=MAX_RUNS as u64).contains(&runs) {
            problems.push((
                "runs".into(),
                format!("Runs must be from 1 to {MAX_RUNS} (you entered {runs})."),
            ));
        }
        let seed = whole(&q.seed, "seed", "The seed", &mut problems).unwrap_or(1);
        if !problems.is_empty() {
            return Err(problems);
        }
        let levers = Levers::from_values(values);
        Ok(Scenario {
            changed: levers != Levers::default(),
            levers,
            horizon,
            runs: runs as usize,
            seed,
        })
    }
}

/// Where a place's projection lives.
fn base(place: &Place) -> String {
    match place {
        Place::Area { code, .. } => format!("/areas/{code}/projection"),
        Place::Region { code, .. } => format!("/regions/{code}/projection"),
        Place::England => "/england/projection".into(),
    }
}

/// A field of the form: its name, label, hint and value as typed.
struct Field {
    name: &'static str,
    label: &'static str,
    hint: String,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "projection.html")]
struct ProjectionPage {
    attribution: &'static str,
    synthetic_banner: bool,
    place_name: String,
    base: String,
    breadcrumbs: Vec<(String, String)>,
    protected: bool,
    errors: FieldProblems,
    levers: Vec<Field>,
    settings: Vec<Field>,
    result: Option<ResultView>,
    wave: Option<WaveView>,
    /// Why there is no result, when the form was right.
    unavailable: Option<String>,
    query: String,
    /// An area's kept scenarios (none for a region or England).
    saved: Vec<Saved>,
    /// Whether this viewer may keep and remove the area's scenarios (its lead).
    can_save: bool,
    /// The name typed to keep this scenario under.
    name: String,
    /// Whether scenarios can be kept here at all (an area's page).
    is_area: bool,
    /// What was just done to the kept scenarios, in words.
    notice: Option<&'static str>,
    /// Whether the scenario form starts open: something was typed in it, or is wrong.
    open_form: bool,
}

/// A kept scenario as listed.
pub(crate) struct Saved {
    id: i64,
    name: String,
    changes: String,
    query: String,
    saved: String,
}

/// What the page shows of a projection.
struct ResultView {
    census_year: i32,
    horizon: i32,
    runs: usize,
    seed: u64,
    changed: bool,
    rests_on: String,
    supply_svg: String,
    supply_legend: String,
    gap_svg: Option<String>,
    gap_legend: String,
    /// All role groups by year: year, supply, P10–P90, P50, need, gap P50, gap band, gap as
    /// a share of need.
    years: Vec<[String; 8]>,
    /// Each role group now and at the horizon.
    groups: Vec<[String; 6]>,
    notes: Vec<String>,
    /// What each role group's need follows: role group, driver, where it comes from, ratio,
    /// future, its value at the census and the horizon, and where the children stood in.
    drivers: Vec<[String; 7]>,
    /// What went in, to make the run again.
    replay: String,
    /// The first projected year's flows as a waterfall, and every year's in a table: year,
    /// in post at the start, leavers, retirements, joiners, from agency, at the end.
    waterfall_svg: String,
    flows: Vec<[String; 7]>,
    /// People by age band at the census and the horizon: the chart and rows.
    pyramid_svg: String,
    pyramid_legend: String,
    pyramid: Vec<[String; 3]>,
}

fn fte(v: Option<f64>) -> String {
    v.map_or("c".into(), |v| format!("{v:.1}"))
}

fn band(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("{l:.1} to {h:.1}"),
        _ => "c".into(),
    }
}

impl ResultView {
    fn of(p: &Projected, s: &Scenario, place: &str) -> ResultView {
        let totals: Vec<&Line> = p.lines.iter().filter(|l| l.is_total()).collect();
        let last = totals.last().map_or(p.horizon, |l| l.year);
        let supply = charts::supply(p, place);
        let gap = charts::gap(p, place);
        let years = totals
            .iter()
            .map(|l| {
                [
                    l.year.to_string(),
                    fte(l.supply_fte),
                    fte(l.p50),
                    band(l.p10, l.p90),
                    l.demand_fte
                        .map_or("not known".into(), |v| format!("{v:.1}")),
                    l.gap_p50.map_or("not known".into(), |v| format!("{v:.1}")),
                    if l.gap_p10.is_some() {
                        band(l.gap_p10, l.gap_p90)
                    } else {
                        "not known".into()
                    },
                    l.gap_pct_p50
                        .map_or("not known".into(), |v| format!("{v:.1}%")),
                ]
            })
            .collect();
        let groups = p
            .lines
            .iter()
            .filter(|l| l.year == p.census_year && !l.is_total())
            .map(|now| {
                // need not known is said; a hidden group's need is hidden with it
                let need = |v: Option<f64>| match (v, now.supply_fte) {
                    (Some(v), _) => format!("{v:.1}"),
                    (None, None) => "c".to_string(),
                    (None, Some(_)) => "not known".to_string(),
                };
                let then = p
                    .lines
                    .iter()
                    .find(|l| l.year == last && l.role_group == now.role_group);
                [
                    now.role_group.clone(),
                    fte(now.supply_fte),
                    fte(then.and_then(|t| t.p50)),
                    then.map_or("c".into(), |t| band(t.p10, t.p90)),
                    need(then.and_then(|t| t.demand_fte)),
                    need(then.and_then(|t| t.gap_p50)),
                ]
            })
            .collect();
        let waterfall_svg = charts::flows(p, place).map(|c| c.svg).unwrap_or_default();
        let flows = p
            .flows
            .iter()
            .map(|f| {
                [
                    f.year.to_string(),
                    format!("{:.1}", f.start),
                    format!("{:.1}", f.leavers),
                    format!("{:.1}", f.retirements),
                    format!("{:.1}", f.joiners),
                    format!("{:.1}", f.from_agency),
                    format!("{:.1}", f.end),
                ]
            })
            .collect();
        let pyramid_chart = charts::pyramid(p, place);
        let count = |v: Option<f64>| v.map_or("c".to_string(), |v| format!("{v:.0}"));
        let pyramid = p
            .pyramid
            .bands
            .iter()
            .map(|b| [b.0.to_string(), count(b.1), count(b.2)])
            .collect();
        ResultView {
            waterfall_svg,
            flows,
            pyramid_svg: pyramid_chart.svg,
            pyramid_legend: pyramid_chart.legend,
            pyramid,
            census_year: p.census_year,
            horizon: p.horizon,
            runs: s.runs,
            seed: s.seed,
            changed: s.changed,
            rests_on: if p.areas == 1 {
                format!("Rests on {place}'s returns.")
            } else {
                format!(
                    "Rests on the returns of {} of the {} areas in {place}.",
                    p.areas_with_returns, p.areas
                )
            },
            supply_svg: supply.svg,
            supply_legend: supply.legend,
            gap_legend: gap.as_ref().map(|g| g.legend.clone()).unwrap_or_default(),
            gap_svg: gap.map(|g| g.svg),
            years,
            groups,
            notes: p.notes.clone(),
            drivers: p
                .need_basis
                .iter()
                .flat_map(|b| {
                    b.drivers.iter().map(move |d| {
                        [
                            b.role_group.clone(),
                            d.driver.clone(),
                            d.source.to_string(),
                            d.ratio.clone(),
                            d.future.clone(),
                            format!("{:.0} → {:.0}", d.at_base, d.at_horizon),
                            if d.stood_in == 0 {
                                "–".to_string()
                            } else if d.areas == 1 {
                                "The mapping's driver is not published for this area".to_string()
                            } else {
                                format!("{} of {} areas", d.stood_in, d.areas)
                            },
                        ]
                    })
                })
                .collect(),
            replay: format!(
                "The returns of the census years {}, the need, the levers, {} runs and seed {} went in; their digest is {} (SHA-256), made by model {} of cws {}. The same address gives the same figures, to the last digit, while the returns held are unchanged: the digest tells.",
                p.replay
                    .census_years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                s.runs,
                s.seed,
                p.replay.inputs_digest,
                p.replay.model_version,
                p.replay.cws_version
            ),
        }
    }
}

/// The form's fields, with what was typed and each field's problem.
fn fields(q: &ScenarioQuery, errors: &FieldProblems) -> (Vec<Field>, Vec<Field>) {
    let error_for = |name: &str| {
        errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    };
    let defaults = Levers::default().values();
    let levers = q
        .levers()
        .iter()
        .enumerate()
        .map(|(i, typed)| {
            let (name, min, max, unit) = RANGES[i];
            Field {
                name,
                label: LABELS[i],
                hint: format!(
                    "From {min} to {max}{unit}; as now: {}.",
                    cws_documents::chart::trim_number(defaults[i])
                ),
                value: typed.to_string(),
                error: error_for(name),
            }
        })
        .collect();
    let settings = vec![
        Field {
            name: "horizon",
            label: "The last year projected",
            hint: format!(
                "A year after the census, up to {}; empty: ten years on.",
                cws_project::model::LAST_YEAR
            ),
            value: q.horizon.clone(),
            error: error_for("horizon"),
        },
        Field {
            name: "runs",
            label: "Runs",
            hint: format!("Monte Carlo runs, 1 to {MAX_RUNS}; empty: 1,000."),
            value: q.runs.clone(),
            error: error_for("runs"),
        },
        Field {
            name: "seed",
            label: "Seed",
            hint: "The same seed gives the same figures; empty: 1.".into(),
            value: q.seed.clone(),
            error: error_for("seed"),
        },
    ];
    (levers, settings)
}

/// The areas of a place, as indices in a snapshot.
fn areas_of(snap: &cws_analyse::Snapshot, place: &Place) -> Vec<usize> {
    match place {
        Place::Area { code, .. } => snap
            .areas
            .iter()
            .position(|a| a.code == *code)
            .into_iter()
            .collect(),
        Place::Region { code, .. } => (0..snap.areas.len())
            .filter(|&i| snap.areas[i].region_code == *code)
            .collect(),
        Place::England => (0..snap.areas.len()).collect(),
    }
}

/// The age the page's retirement wave counts.
const RETIREMENT_AGE: u32 = 65;

/// The seeds' question: who of the census's workforce reaches 65 each year to `horizon`.
async fn wave(
    state: &AppState,
    place: &Place,
    horizon: i32,
    protect: bool,
) -> Result<Option<WaveView>, WebError> {
    let snap = match state.figures.snapshot(&state.db, None).await {
        Ok(s) => s,
        Err(cws_analyse::load::LoadError::NoCollections) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let w = {
        let snap = snap.read()?;
        let areas = areas_of(&snap, place);
        cws_analyse::projection::retirement_wave(&snap, &areas, RETIREMENT_AGE, horizon)
    };
    let Some(w) = w else {
        return Ok(None);
    };
    let people: f64 = w.people.iter().sum();
    if people == 0.0 {
        return Ok(None);
    }
    let already: f64 = w.already.iter().sum();
    let unknown: f64 = w.unknown_age.iter().sum();
    let shown = |n: f64| {
        if protect && n > 0.0 && n <= cws_analyse::projected::SMALL {
            "c".to_string()
        } else {
            format!("{n:.0}")
        }
    };
    let rows: Vec<[String; 3]> = w
        .reaching
        .iter()
        .map(|(year, by_group)| {
            [
                year.to_string(),
                shown(by_group.iter().sum()),
                w.total_share_by(*year)
                    .map_or("not known".into(), |v| format!("{v:.1}%")),
            ]
        })
        .collect();
    let series = [Series {
        label: format!("Share of the census's workforce aged {RETIREMENT_AGE} or over"),
        points: std::iter::once((w.census_year as i64, w.total_share_by(w.census_year)))
            .chain(
                w.reaching
                    .iter()
                    .map(|(y, _)| (*y as i64, w.total_share_by(*y))),
            )
            .collect(),
        emphasis: true,
    }];
    let svg = cws_documents::chart::line_chart(
        "wave",
        &format!("{}: the census's workforce reaching {RETIREMENT_AGE}, per cent by year", place.name()),
        "The share of the people in post at the census (whose age is known) who are at or past 65 by each year, were they all to stay. The table below holds every value.",
        &series,
    );
    Ok(Some(WaveView {
        svg,
        legend: cws_documents::chart::legend(&series),
        intro: format!(
            "Of the {people:.0} people in post at the census of {}, {already:.0} are {RETIREMENT_AGE} or over already{}. Those who reach {RETIREMENT_AGE} each year, were they all to stay:",
            w.census_year,
            if unknown > 0.0 {
                format!(" and {unknown:.0} have no year of birth in their return")
            } else {
                String::new()
            }
        ),
        rows,
    }))
}

/// The retirement wave as the page shows it.
struct WaveView {
    svg: String,
    legend: String,
    intro: String,
    /// Year, people reaching the age, share reached by then.
    rows: Vec<[String; 3]>,
}

/// The place's projection under the scenario, or why there is none.
/// The projection under `levers` as the projection page makes it by default (ten years,
/// 1,000 runs, seed 1), and the address of that page: for a strategy, whose figures are the
/// same as the page it links to.
pub(crate) async fn under(
    state: &AppState,
    place: &Place,
    levers: &Levers,
    protect: bool,
) -> Result<(Result<Projected, String>, String), WebError> {
    let s = Scenario {
        levers: *levers,
        horizon: None,
        runs: 1000,
        seed: 1,
        changed: *levers != Levers::default(),
    };
    let link = format!(
        "{}{}",
        base(place),
        ScenarioQuery::of_levers(levers).query()
    );
    Ok((compute(state, place, &s, protect).await?, link))
}

async fn compute(
    state: &AppState,
    place: &Place,
    s: &Scenario,
    protect: bool,
) -> Result<Result<Projected, String>, WebError> {
    let held = match state.figures.every_census(&state.db).await {
        Ok(h) => h,
        Err(cws_analyse::load::LoadError::NoCollections) => {
            return Ok(Err(
                "There is no collection yet, so there are no returns to project from.".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let (census, areas) = {
        let snap = held[0].read()?;
        (snap.census, areas_of(&snap, place))
    };
    let Some(census) = census else {
        return Ok(Err("The collection has no census date.".into()));
    };
    let base_year = chrono::Datelike::year(&census);
    let horizon = s
        .horizon
        .unwrap_or((base_year + 10).min(cws_project::model::LAST_YEAR));
    if horizon <= base_year {
        return Ok(Err(format!(
            "The last year projected must be after the census ({base_year}): you entered {horizon}."
        )));
    }
    let request = Request {
        areas,
        levers: s.levers,
        horizon,
        runs: s.runs,
        seed: s.seed,
        protect,
        keep_tiers: false,
    };
    let children = cws_store::projection::population_projection(&state.db).await?;
    let drivers = cws_analyse::need::Drivers::shipped(&children)?
        .with_saved_maps(cws_store::projection::driver_maps(&state.db).await?);
    let name = place.name().to_string();
    tokio::task::spawn_blocking(move || {
        // the warm snapshots are read, not copied: an import's refresh waits for the run
        let guards = held
            .iter()
            .map(|h| h.read())
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&cws_analyse::Snapshot> = guards.iter().map(|g| &**g).collect();
        match project(&refs, &request, &drivers) {
            Ok(p) => Ok(Ok(p)),
            Err(ProjectedError::NoReturns(year)) => Ok(Err(format!(
                "{name} has no workforce returns at the census of {year}, so there is nothing to project from."
            ))),
            Err(e) => Ok(Err(e.to_string())),
        }
    })
    .await?
}

fn breadcrumbs(place: &Place) -> Vec<(String, String)> {
    match place {
        Place::Area { code, name, .. } => vec![
            ("/".to_string(), "Areas".to_string()),
            (format!("/areas/{code}"), name.clone()),
        ],
        Place::Region { .. } | Place::England => vec![("/".into(), "Areas".into())],
    }
}

/// What a page shows beside the scenario: a name typed to keep it, and its problems.
#[derive(Default)]
pub(crate) struct Keeping {
    name: String,
    errors: FieldProblems,
}

/// The area a place is, as the store keeps it (None for a region or England).
async fn area_of(
    state: &AppState,
    place: &Place,
) -> Result<Option<cws_store::geography::AreaRow>, WebError> {
    match place {
        Place::Area { code, .. } => Ok(cws_store::geography::area(&state.db, code).await?),
        _ => Ok(None),
    }
}

/// Whether the viewer may keep and remove the area's scenarios: its lead.
fn may_keep(viewer: Option<&Viewer>, area: &cws_store::geography::AreaRow) -> bool {
    use crate::access::policy::{decide, Need, Target};
    let target = Target {
        area: Some((area.code.clone(), area.old_la_code.clone())),
        region: Some(area.region_code.clone()),
        organisation_id: None,
    };
    decide(viewer.map(|v| &v.access), Need::AreaWorkers, &target)
}

/// The projection page: the scenario in `q`, and what `keeping` adds.
pub(crate) async fn render(
    state: &AppState,
    viewer: Option<&Viewer>,
    place: &Place,
    q: &ScenarioQuery,
    keeping: Keeping,
) -> Result<Response, WebError> {
    let protect = protected(viewer, place);
    let (scenario, mut errors) = match Scenario::try_from(q) {
        Ok(s) => (Some(s), Vec::new()),
        Err(e) => (None, e),
    };
    errors.extend(keeping.errors);
    let (result, unavailable) = match &scenario {
        Some(s) => match compute(state, place, s, protect).await? {
            Ok(p) => (Some(ResultView::of(&p, s, place.name())), None),
            Err(why) => (None, Some(why)),
        },
        None => (None, None),
    };
    let wave = match &result {
        Some(r) => wave(state, place, r.horizon, protect).await?,
        None => None,
    };
    let area = area_of(state, place).await?;
    let (saved, can_save) = match &area {
        Some(a) => (
            cws_store::projection::scenarios(&state.db, a.id)
                .await?
                .into_iter()
                .map(|s| Saved {
                    id: s.id.0,
                    changes: changes(&s.levers),
                    query: ScenarioQuery::of_levers(&s.levers).query(),
                    saved: format!(
                        "{} by {}",
                        crate::returns::own::when(&s.saved_at),
                        s.saved_by
                    ),
                    name: s.name,
                })
                .collect(),
            may_keep(viewer, a),
        ),
        None => (Vec::new(), false),
    };
    let (levers, settings) = fields(q, &errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = ProjectionPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: state.holds_synthetic().await?,
        place_name: place.name().to_string(),
        base: base(place),
        breadcrumbs: breadcrumbs(place),
        protected: protect,
        errors,
        levers,
        settings,
        result,
        wave,
        unavailable,
        query: q.query(),
        saved,
        can_save,
        name: keeping.name,
        is_area: area.is_some(),
        open_form: !q.query().is_empty(),
        notice: match q.saved.as_str() {
            "kept" => Some("The scenario is kept: it is listed below."),
            "removed" => Some("The scenario is removed."),
            _ => None,
        },
    }
    .render()?;
    Ok((status, Html(html)).into_response())
}

/// The projection page of an area, a region or England.
pub async fn page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    PlaceInPath(place): PlaceInPath,
    Query(q): Query<ScenarioQuery>,
) -> Result<Response, WebError> {
    render(&state, viewer.as_ref(), &place, &q, Keeping::default()).await
}
