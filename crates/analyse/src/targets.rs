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
    /// The count (people, posts or settings) the latest figure rests on, for disclosure
    /// control outside the area's own view.
    pub latest_count: Option<f64>,
    #[serde(skip)]
    small_counts: bool,
}

impl Standing {
    /// Whether the figures rest on so few (1 to 5) that they are hidden outside the area
    /// lead's own view: the latest, or the one the verdict rests on.
    pub fn small(&self) -> bool {
        self.small_counts
    }
}

/// The target's figure for `scope` at each census held (latest first).
fn figures(
    held: &[&Snapshot],
    scope: &Scope,
    scoped: &Scoped,
) -> Result<Vec<(NaiveDate, Option<f64>, f64)>, FiguresError> {
    let mut out = Vec::new();
    for snap in held {
        if let Some(census) = snap.census {
            let (v, base) =
                crate::scoped::figure(snap, scope, scoped, &Options::for_census(census))?;
            out.push((census, v, base));
        }
    }
    out.sort_by_key(|(c, _, _)| std::cmp::Reverse(*c));
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
            latest_count: None,
            small_counts: false,
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
        standing.latest = by_census.first().map(|(c, v, _)| (*c, *v));
        standing.latest_count = by_census.first().map(|(_, _, n)| *n);
        let before = by_census
            .iter()
            .find(|(c, _, _)| *c <= t.deadline)
            .map(|(c, v, n)| (*c, *v, *n));
        let is_small = |n: f64| n > 0.0 && n <= SMALL;
        standing.small_counts = standing.latest_count.is_some_and(is_small)
            || (passed && before.is_some_and(|(_, _, n)| is_small(n)));
        let before = before.map(|(c, v, _)| (c, v));
        let before = before.as_ref();
        let want = match t.direction {
            Direction::AtLeast => "at least",
            Direction::AtMost => "at most",
        };
        standing.basis = match (passed, before, by_census.last().map(|(c, v, _)| (c, v))) {
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

/// The chance over `p`'s runs that `target` is met in its deadline's year, and the number
/// of runs; or why the runs cannot say. A figure of settings coverage is read from the
/// runs' graduate share of early years staff by `cws_project::coverage`.
pub fn chance_in(
    p: &crate::projected::Projected,
    target: &cws_plan::targets::Target,
) -> Result<(f64, usize), String> {
    use crate::measure::Measure as M;
    let year = chrono::Datelike::year(&target.deadline);
    let scoped = Scoped::parse(&target.figure).map_err(|_| "cws does not know the figure")?;
    let draws = p.draws.as_ref().ok_or("the projection kept no runs")?;
    let coverage = match scoped.measure {
        M::SettingsWithGraduateLeader => Some((1, false)),
        M::DisadvantagedSettingsWithGraduateLeader => Some((1, true)),
        M::DisadvantagedSettingsWithTwo => Some((2, true)),
        _ => None,
    };
    if let Some((need, disadvantaged_only)) = coverage {
        return coverage_chance(p, draws, target, (need, disadvantaged_only), scoped, year);
    }
    let figure =
        run_figure(&scoped, &draws.groups).ok_or("the projection does not carry this figure")?;
    let runs = draws.per_run(year, figure).ok_or_else(|| {
        format!("the projection does not reach {year}, or lacks what the figure needs")
    })?;
    let chance = target.chance(&runs).ok_or("the projection has no runs")?;
    Ok((chance, runs.len()))
}

/// The chance of a coverage target: each run's graduate share of early years staff in the
/// deadline's year, spread over the place's settings as they stood at the census.
fn coverage_chance(
    p: &crate::projected::Projected,
    draws: &cws_project::monte_carlo::Draws,
    target: &cws_plan::targets::Target,
    (need, disadvantaged_only): (u32, bool),
    scoped: Scoped,
    year: i32,
) -> Result<(f64, usize), String> {
    use cws_project::monte_carlo::RunFigure;
    if scoped.within.is_some() {
        return Err("the projection carries settings coverage for a whole place only".into());
    }
    let early_years = cws_domain::role::RoleGroup::EarlyYears.label();
    let g = draws
        .groups
        .iter()
        .position(|n| n == early_years)
        .ok_or("the projection has no early years staff")?;
    let share = |y: i32| {
        draws
            .per_run(y, RunFigure::GraduatePct(Some(g)))
            .ok_or_else(|| format!("the projection does not reach {y}"))
    };
    let p0 = share(p.census_year)?
        .first()
        .copied()
        .filter(|v| v.is_finite())
        .ok_or("no early years staff's level of qualification is known")?
        / 100.0;
    let settings: Vec<cws_project::coverage::Setting> = p
        .day_care
        .iter()
        .filter(|d| d.disadvantaged || !disadvantaged_only)
        .map(|d| d.setting)
        .collect();
    if settings.is_empty() {
        return Err(if disadvantaged_only {
            "the place has no full day care settings in disadvantaged areas".into()
        } else {
            "the place has no full day care settings".into()
        });
    }
    let model = cws_project::coverage::Coverage::calibrated(settings, need, p0);
    let runs = share(year)?;
    if runs.is_empty() {
        return Err("the projection has no runs".into());
    }
    let total: f64 = runs
        .iter()
        .map(|pct| {
            if pct.is_finite() {
                model
                    .chance(pct / 100.0, |covered| target.is_met_by(covered))
                    .unwrap_or(0.0)
            } else {
                0.0
            }
        })
        .sum();
    Ok((total / runs.len() as f64, runs.len()))
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
    let why = match projected.and_then(|p| chance_in(p, target)) {
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
    #[error("the projection cannot say whether the target is met: {0}")]
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
                    chance_in(&p, target)
                        .map(|(chance, _)| chance)
                        .map_err(SearchError::NotCarried)
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

/// A count of 1 to this many people behind a figure hides it outside the area lead's own
/// view (disclosure control's threshold).
const SMALL: f64 = 5.0;

/// What the need is for the people a target is about, at its deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgainstNeed {
    pub year: i32,
    pub role_group: String,
    /// Need FTE on expected values, and the gap P50 (need less supply) and its share of need.
    pub need_fte: Option<f64>,
    pub gap_p50: Option<f64>,
    pub gap_pct_p50: Option<f64>,
    /// The share of runs in which supply meets need that year.
    pub met_chance: Option<f64>,
    /// All of it in words.
    pub words: String,
}

/// One of an area's targets judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judged {
    pub judgement: Judgement,
    /// The figure at the latest census (None where there is none, or it is hidden).
    pub actual: Option<cws_plan::targets::Point>,
    pub against_need: Option<AgainstNeed>,
    /// The judgement in words.
    pub reading: String,
}

/// How an area's targets are judged: the projection's levers (as now, or a scenario's), its
/// runs and seed, whether small numbers are hidden, and the thresholds.
#[derive(Debug, Clone, Copy)]
pub struct Judging {
    pub levers: cws_project::Levers,
    pub runs: usize,
    pub seed: u64,
    pub protect: bool,
    pub thresholds: cws_plan::targets::Thresholds,
}

impl Default for Judging {
    fn default() -> Self {
        Judging {
            levers: cws_project::Levers::default(),
            runs: 1000,
            seed: 1,
            protect: false,
            thresholds: cws_plan::targets::Thresholds::default(),
        }
    }
}

/// A number of runs as a page writes it.
fn runs_written(runs: usize) -> String {
    if runs >= 1000 {
        format!("{},{:03}", runs / 1000, runs % 1000)
    } else {
        runs.to_string()
    }
}

impl Judgement {
    /// How the status was read, in words, for a target due by `deadline`.
    pub fn words(&self, deadline: NaiveDate, thresholds: &cws_plan::targets::Thresholds) -> String {
        let deadline = deadline.format("%-d %B %Y");
        match &self.reading {
            Reading::Projection { chance, runs } => format!(
                "{:.0}% of {} projected runs meet it by {deadline} (on track from {:.0}%, off track below {:.0}%).",
                chance * 100.0,
                runs_written(*runs),
                thresholds.on_track * 100.0,
                thresholds.off_track * 100.0
            ),
            Reading::Trajectory {
                actual,
                on,
                expected,
                why,
            } => format!(
                "By the trajectory rule ({why}): {} at the census of {} against {expected:.1} expected then; {:.0}% behind plan or more is off track.",
                written(*actual),
                on.format("%-d %B %Y"),
                cws_plan::targets::OFF_TRACK_BEHIND * 100.0
            ),
            Reading::NotKnown { why } => format!("Not known: {why}."),
        }
    }
}

/// The role group a target is about, by its label: its part when that is a role group,
/// early years staff for settings coverage, else every group.
fn role_group_of(scoped: Option<&Scoped>) -> String {
    use crate::measure::Measure as M;
    use crate::scoped::Within;
    match scoped {
        Some(Scoped {
            within: Some(Within::RoleGroup(g)),
            ..
        }) => g.label().to_string(),
        Some(Scoped {
            measure:
                M::SettingsWithGraduateLeader
                | M::DisadvantagedSettingsWithGraduateLeader
                | M::DisadvantagedSettingsWithTwo,
            ..
        }) => cws_domain::role::RoleGroup::EarlyYears.label().to_string(),
        _ => crate::projected::Line::ALL_GROUPS.to_string(),
    }
}

/// The need for a target's people in `year`, from the projection.
fn against_need(p: &crate::projected::Projected, group: &str, year: i32) -> Option<AgainstNeed> {
    let year = year.min(p.horizon);
    let line = p
        .lines
        .iter()
        .find(|l| l.year == year && l.role_group == group)?;
    let met_chance = p.draws.as_ref().and_then(|d| {
        let g = if group == crate::projected::Line::ALL_GROUPS {
            None
        } else {
            Some(d.groups.iter().position(|n| n == group)?)
        };
        let runs = d.per_run(year, cws_project::monte_carlo::RunFigure::GapPctOfNeed(g))?;
        (!runs.is_empty())
            .then(|| runs.iter().filter(|v| **v <= 0.0).count() as f64 / runs.len() as f64)
    });
    let who = if group == crate::projected::Line::ALL_GROUPS {
        "the whole workforce".to_string()
    } else {
        group.to_lowercase()
    };
    let words = match (line.demand_fte, line.gap_p50) {
        (Some(need), Some(gap)) => {
            let chance = met_chance.map_or(String::new(), |c| {
                format!("; supply meets need in {:.0}% of runs", c * 100.0)
            });
            if gap > 0.0 {
                format!(
                    "Against need in {year}: {who} short by {gap:.1} FTE at P50 ({}% of the {need:.1} FTE needed){chance}.",
                    line.gap_pct_p50.map_or("–".into(), written)
                )
            } else {
                format!(
                    "Against need in {year}: {who} meet the {need:.1} FTE needed at P50, with {:.1} to spare{chance}.",
                    -gap
                )
            }
        }
        _ if line.supply_fte.is_none() => {
            format!("Against need in {year}: hidden, as the group is small.")
        }
        _ => format!(
            "Against need in {year}: not known — what the need for {who} follows is not held for this area."
        ),
    };
    Some(AgainstNeed {
        year,
        role_group: group.to_string(),
        need_fte: line.demand_fte,
        gap_p50: line.gap_p50,
        gap_pct_p50: line.gap_pct_p50,
        met_chance,
        words,
    })
}

/// The request that judges targets of the area at `area` (its index in the latest census)
/// to `last_deadline`: the projection's latest year at the most.
pub fn judging_request(
    held: &[&Snapshot],
    area: usize,
    last_deadline: NaiveDate,
    how: &Judging,
) -> Option<crate::projected::Request> {
    let base = chrono::Datelike::year(&held.first()?.census?);
    Some(crate::projected::Request {
        areas: vec![area],
        levers: how.levers,
        horizon: chrono::Datelike::year(&last_deadline)
            .clamp(base + 1, cws_project::model::LAST_YEAR),
        runs: how.runs,
        seed: how.seed,
        protect: how.protect,
        keep_tiers: true,
    })
}

/// Each of `targets` of the area at `area` (its index in the latest census held) judged:
/// one projection to the latest deadline under `how`, each target's chance from its runs
/// (or the trajectory rule, saying why), its figure now and the need for its people.
pub fn judge_area(
    held: &[&Snapshot],
    area: usize,
    targets: &[&cws_plan::targets::Target],
    drivers: &crate::need::Drivers,
    how: &Judging,
) -> Result<Vec<Judged>, TargetsError> {
    let Some(last) = targets.iter().map(|t| t.deadline).max() else {
        return Ok(Vec::new());
    };
    let latest = held.first().copied();
    let projected = match judging_request(held, area, last, how) {
        Some(request) => crate::projected::project(held, &request, drivers).map_err(|e| match e {
            crate::projected::ProjectedError::NoReturns(year) => {
                format!("there are no returns at the census of {year} to project from")
            }
            e => e.to_string(),
        }),
        None => Err("there is no census to project from".to_string()),
    };
    let mut out = Vec::new();
    for target in targets {
        let scoped = Scoped::parse(&target.figure).ok();
        let actual = match (latest, &scoped) {
            (Some(snap), Some(scoped)) => match (snap.census, snap.areas.get(area)) {
                (Some(c), Some(a)) => {
                    let (value, base) = crate::scoped::figure(
                        snap,
                        &crate::Scope::Area(a.code.clone()),
                        scoped,
                        &Options::for_census(c),
                    )?;
                    let hidden = how.protect && base > 0.0 && base <= SMALL;
                    value
                        .filter(|_| !hidden)
                        .map(|value| cws_plan::targets::Point { date: c, value })
                }
                _ => None,
            },
            _ => None,
        };
        let judgement = judge(
            target,
            projected.as_ref().map_err(Clone::clone),
            actual,
            &how.thresholds,
        );
        let need = projected.as_ref().ok().and_then(|p| {
            against_need(
                p,
                &role_group_of(scoped.as_ref()),
                chrono::Datelike::year(&target.deadline),
            )
        });
        out.push(Judged {
            reading: judgement.words(target.deadline, &how.thresholds),
            judgement,
            actual,
            against_need: need,
        });
    }
    Ok(out)
}

/// What a target of `scoped` counts: settings coverage for the graduate-led measures, a
/// count for a count of people, else a share.
pub fn kind_of(scoped: &Scoped) -> cws_plan::targets::Kind {
    use crate::measure::{Kind as K, Measure as M};
    use cws_plan::targets::Kind;
    match scoped.measure {
        M::SettingsWithGraduateLeader
        | M::DisadvantagedSettingsWithGraduateLeader
        | M::DisadvantagedSettingsWithTwo => Kind::Coverage,
        m if m.kind() == K::Count => Kind::Count,
        _ => Kind::Share,
    }
}

/// The figure of the area `area_code` at the latest census held, on that census's date: a
/// target's baseline. None where there is no census or the figure is over nobody.
pub fn figure_now(
    held: &[&Snapshot],
    area_code: &str,
    scoped: &Scoped,
) -> Result<Option<cws_plan::targets::Point>, TargetsError> {
    let Some(snap) = held.first() else {
        return Ok(None);
    };
    let Some(census) = snap.census else {
        return Ok(None);
    };
    let value = crate::scoped::value(
        snap,
        &crate::Scope::Area(area_code.to_string()),
        scoped,
        &Options::for_census(census),
    )?;
    Ok(value.map(|value| cws_plan::targets::Point {
        date: census,
        value,
    }))
}
