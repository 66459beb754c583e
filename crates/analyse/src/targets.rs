//! Targets measured (docs/definitions.md §8): the seeds' national targets against the
//! censuses held — for a place, each target's figure at the latest census, and once its
//! deadline has passed its verdict from the last census before it ("not known" where cws
//! holds none, and why).

use chrono::NaiveDate;
use cws_plan::targets::{national_targets, CatalogueError, Direction, NationalTarget, Verdict};
use serde::Serialize;

use crate::figures::FiguresError;
use crate::scoped::Scoped;
use crate::{Options, Scope, Snapshot};

#[derive(Debug, thiserror::Error)]
pub enum TargetsError {
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error("the national target '{0}': {1}")]
    Figure(String, cws_domain::UnknownCode),
    #[error(transparent)]
    Figures(#[from] FiguresError),
}

/// A national target for a place, as the censuses held show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub target: NationalTarget,
    /// The figure's name and part, where cws measures it.
    pub figure_label: Option<String>,
    /// The figure at the latest census held (the census, and the value where there is one).
    pub latest: Option<(NaiveDate, Option<f64>)>,
    /// Once the deadline has passed (on `today`): met, missed or not known.
    pub verdict: Option<Verdict>,
    /// What the verdict or the figure rests on, or why there is none.
    pub basis: String,
}

/// The target's figure for `scope` at each census held (latest first).
fn figures(
    held: &[&Snapshot],
    scope: &Scope,
    scoped: &Scoped,
) -> Result<Vec<(NaiveDate, Option<f64>)>, FiguresError> {
    let mut out = Vec::new();
    for snap in held {
        if let Some(census) = snap.census {
            let v = crate::scoped::value(snap, scope, scoped, &Options::for_census(census))?;
            out.push((census, v));
        }
    }
    out.sort_by_key(|(c, _)| std::cmp::Reverse(*c));
    Ok(out)
}

/// A number as a page writes it (no trailing ".0").
fn written(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Every national target for `scope`, from the censuses `held`, on `today`.
pub fn national(
    held: &[&Snapshot],
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<Standing>, TargetsError> {
    let mut out = Vec::new();
    for t in national_targets()? {
        let passed = t.deadline < today;
        let mut standing = Standing {
            target: t.clone(),
            figure_label: None,
            latest: None,
            verdict: passed.then_some(Verdict::NotKnown),
            basis: String::new(),
        };
        let (Some(code), None) = (&t.figure, &t.not_held) else {
            standing.basis = format!(
                "Not measured by cws: {}.",
                t.not_held.as_deref().unwrap_or("no figure")
            );
            out.push(standing);
            continue;
        };
        let scoped = Scoped::parse(code).map_err(|e| TargetsError::Figure(t.key.clone(), e))?;
        standing.figure_label = Some(scoped.label());
        if t.national && *scope != Scope::Nation {
            standing.verdict = None;
            standing.basis = "A count for England as a whole: see England's targets.".to_string();
            out.push(standing);
            continue;
        }
        let by_census = figures(held, scope, &scoped)?;
        standing.latest = by_census.first().copied();
        let before = by_census.iter().find(|(c, _)| *c <= t.deadline);
        let want = match t.direction {
            Direction::AtLeast => "at least",
            Direction::AtMost => "at most",
        };
        standing.basis = match (passed, before, by_census.last()) {
            (true, Some((census, Some(v))), _) => {
                standing.verdict = Some(
                    t.target()
                        .map_or(Verdict::NotKnown, |x| x.verdict(Some(*v))),
                );
                format!(
                    "{} at the census of {} (the last before the deadline), against {want} {}.",
                    written(*v),
                    census.format("%-d %B %Y"),
                    written(t.value)
                )
            }
            (true, Some((census, None)), _) => format!(
                "The census of {} holds no one the figure counts.",
                census.format("%-d %B %Y")
            ),
            (true, None, Some((earliest, _))) => format!(
                "cws holds no census before the deadline ({}): the earliest held is {}.",
                t.deadline.format("%-d %B %Y"),
                earliest.format("%-d %B %Y")
            ),
            (true, None, None) => "cws holds no census yet.".to_string(),
            (false, _, _) => match standing.latest {
                Some((census, Some(v))) => format!(
                    "{} at the census of {}, against {want} {} by {}.",
                    written(v),
                    census.format("%-d %B %Y"),
                    written(t.value),
                    t.deadline.format("%-d %B %Y")
                ),
                _ => "No figure yet.".to_string(),
            },
        };
        out.push(standing);
    }
    Ok(out)
}

/// The figure each projection run gives for a target's figure, where the model carries it:
/// qualifications among a role group's people (the runs' tiers), people in post, and the
/// vacancy rate as the gap's share of need (its equivalent); `groups` are the projection's
/// role groups by name. None for a figure the model does not carry (a part of the workforce
/// other than a role group, coverage of settings, diversity, …).
pub fn run_figure(
    scoped: &Scoped,
    groups: &[String],
) -> Option<cws_project::monte_carlo::RunFigure> {
    use crate::measure::Measure as M;
    use crate::scoped::Within;
    use cws_project::monte_carlo::RunFigure as F;
    let group = match scoped.within {
        None => None,
        Some(Within::RoleGroup(g)) => Some(groups.iter().position(|n| n == g.label())?),
        Some(_) => return None,
    };
    Some(match scoped.measure {
        M::Level3PlusNonGraduates => F::Level3PlusNonGraduatePct(group),
        M::Level3PlusHeadcount => F::Level3PlusCount(group),
        M::Graduates => F::GraduatePct(group),
        M::InpostHeadcount => F::People(group),
        M::VacancyRateFte => F::GapPctOfNeed(group),
        _ => return None,
    })
}

/// How a target's status was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Reading {
    /// From the projection's runs: the chance of meeting it by the deadline.
    Projection { chance: f64, runs: usize },
    /// By the trajectory rule, because the projection does not carry the figure or could not
    /// be made (the reason given).
    Trajectory {
        actual: f64,
        /// The census the figure is of.
        on: NaiveDate,
        expected: f64,
        why: String,
    },
    /// Neither: no figure now, or no baseline to draw a trajectory from.
    NotKnown { why: String },
}

/// A target's status now, and how it was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    pub status: Option<cws_plan::targets::Status>,
    pub reading: Reading,
}

/// The status of `target`: from `projected`'s runs at the deadline's year where they carry
/// its figure, else by the trajectory rule on `actual` (the figure at the latest census, on
/// that census's date: the expected value is the one due then), saying why.
pub fn judge(
    target: &cws_plan::targets::Target,
    projected: Result<&crate::projected::Projected, String>,
    actual: Option<cws_plan::targets::Point>,
    thresholds: &cws_plan::targets::Thresholds,
) -> Judgement {
    let year = chrono::Datelike::year(&target.deadline);
    let scoped = Scoped::parse(&target.figure).ok();
    let from_runs = |p: &crate::projected::Projected| -> Result<(f64, usize), String> {
        let scoped = scoped.as_ref().ok_or("cws does not know the figure")?;
        let draws = p.draws.as_ref().ok_or("the projection kept no runs")?;
        let figure =
            run_figure(scoped, &draws.groups).ok_or("the projection does not carry this figure")?;
        let runs = draws.per_run(year, figure).ok_or_else(|| {
            format!("the projection does not reach {year}, or lacks what the figure needs")
        })?;
        let chance = target.chance(&runs).ok_or("the projection has no runs")?;
        Ok((chance, runs.len()))
    };
    let why = match projected.and_then(from_runs) {
        Ok((chance, runs)) => {
            return Judgement {
                status: Some(thresholds.status(chance)),
                reading: Reading::Projection { chance, runs },
            }
        }
        Err(why) => why,
    };
    match (actual, actual.and_then(|a| target.expected_at(a.date))) {
        (Some(actual), Some(expected)) => Judgement {
            status: target.trajectory_status(actual.value, actual.date),
            reading: Reading::Trajectory {
                actual: actual.value,
                on: actual.date,
                expected,
                why,
            },
        },
        (None, _) => Judgement {
            status: None,
            reading: Reading::NotKnown {
                why: format!("{why}, and there is no figure at the latest census"),
            },
        },
        (Some(_), None) => Judgement {
            status: None,
            reading: Reading::NotKnown {
                why: format!("{why}, and the target has no baseline to draw a trajectory from"),
            },
        },
    }
}

/// The levers "what it would take" can pull, and the way each helps: more training places
/// or recruitment, less turnover.
pub const SEARCHABLE: [&str; 4] = [
    "level3_places",
    "graduate_places",
    "recruitment_pct",
    "turnover_pct",
];

/// Why a search cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("'{0}' is not a lever to search: choose one of level3_places, graduate_places, recruitment_pct or turnover_pct")]
    Lever(String),
    #[error("the projection does not carry the figure of this target ({0})")]
    NotCarried(String),
    #[error(transparent)]
    Projected(#[from] crate::projected::ProjectedError),
}

/// What to search: the lever (one of `SEARCHABLE`), the far end of what is worth trying, and
/// the precision wanted in the lever's units.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub lever: &'a str,
    pub to: f64,
    pub tolerance: f64,
}

/// The smallest change of `lever` from the request's levers (as now, or a scenario's) that
/// makes `target` on track — its chance over `request.runs` runs at least the on-track
/// threshold — searched to `to` (the far end of what is worth trying) within `tolerance`.
/// Each step is a whole projection with the same seed, so the steps differ by the lever alone.
pub fn what_it_would_take(
    held: &[&Snapshot],
    request: &crate::projected::Request,
    drivers: &crate::need::Drivers,
    target: &cws_plan::targets::Target,
    ask: &Ask<'_>,
    thresholds: &cws_plan::targets::Thresholds,
) -> Result<cws_plan::targets::Found, SearchError> {
    let Ask {
        lever,
        to,
        tolerance,
    } = *ask;
    let at = cws_project::levers::RANGES
        .iter()
        .position(|r| r.0 == lever)
        .filter(|_| SEARCHABLE.contains(&lever))
        .ok_or_else(|| SearchError::Lever(lever.to_string()))?;
    let (_, min, max, _) = cws_project::levers::RANGES[at];
    let from = request.levers.values()[at];
    let to = to.clamp(min, max);
    let year = chrono::Datelike::year(&target.deadline);
    let scoped =
        Scoped::parse(&target.figure).map_err(|e| SearchError::NotCarried(e.to_string()))?;
    let request = crate::projected::Request {
        keep_tiers: true,
        horizon: request.horizon.max(year),
        ..request.clone()
    };
    let mut failure: Option<SearchError> = None;
    let found = cws_plan::targets::what_it_would_take(
        cws_plan::targets::Search {
            from,
            to,
            tolerance,
        },
        thresholds.on_track,
        |value| {
            let mut values = request.levers.values();
            values[at] = value;
            let r = crate::projected::Request {
                levers: cws_project::Levers::from_values(values),
                ..request.clone()
            };
            let chance = crate::projected::project(held, &r, drivers)
                .map_err(SearchError::from)
                .and_then(|p| {
                    let draws = p
                        .draws
                        .ok_or_else(|| SearchError::NotCarried(target.figure.clone()))?;
                    let figure = run_figure(&scoped, &draws.groups)
                        .ok_or_else(|| SearchError::NotCarried(target.figure.clone()))?;
                    let runs = draws
                        .per_run(year, figure)
                        .ok_or_else(|| SearchError::NotCarried(target.figure.clone()))?;
                    Ok(target.chance(&runs).unwrap_or(0.0))
                });
            match chance {
                Ok(c) => c,
                Err(e) => {
                    failure.get_or_insert(e);
                    0.0
                }
            }
        },
    );
    match failure {
        Some(e) => Err(e),
        None => Ok(found),
    }
}
