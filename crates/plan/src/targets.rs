//! Targets (docs/definitions.md §8): a cws figure for a place and part of the workforce, a
//! value to reach by a deadline from a baseline, through milestones along a trajectory; its
//! status now, read from the projection's runs (the chance of meeting it by the deadline) or,
//! without a projection, from the trajectory (how far behind plan the latest figure is); its
//! verdict once the deadline has passed; and what it would take — the smallest move of a
//! lever that makes it likely. Pure rules: the figures and the runs come from elsewhere.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What a target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A percentage of a part of the workforce ("% of non-graduates at Level 3 or above").
    Share,
    /// A number of people ("playworkers at Level 3").
    Count,
    /// A percentage of settings with at least so many people of a kind ("full day care
    /// settings with at least one graduate").
    Coverage,
}

/// Which side of its value a target is met on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Met at or above the value (a share to raise).
    AtLeast,
    /// Met at or below the value (a vacancy rate to bring down).
    AtMost,
}

/// A target's status while its deadline is ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::OnTrack => "On track",
            Status::AtRisk => "At risk",
            Status::OffTrack => "Off track",
        }
    }
}

/// A target's verdict once its deadline has passed, from the last census before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    Missed,
    /// No census before the deadline holds the figure.
    NotKnown,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "Met",
            Verdict::Missed => "Missed",
            Verdict::NotKnown => "Not known",
        }
    }
}

/// A value on a date (a baseline, a milestone, a point of a trajectory).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
}

/// How the expected value moves from the baseline to the deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "kind", content = "points")]
pub enum Trajectory {
    /// A straight line from the baseline through each milestone to the value at the deadline.
    #[default]
    Linear,
    /// Straight lines through the points given (after the baseline, before the deadline), for
    /// a plan that is slow to start, say.
    Points(Vec<Point>),
}

/// The chances at which a target is on track and off track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// At or above this chance of meeting it: on track (0.7).
    pub on_track: f64,
    /// Below this: off track (0.3); between the two, at risk.
    pub off_track: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            on_track: 0.7,
            off_track: 0.3,
        }
    }
}

impl Thresholds {
    pub fn new(on_track: f64, off_track: f64) -> Result<Thresholds, TargetError> {
        if !(0.0..=1.0).contains(&off_track)
            || !(0.0..=1.0).contains(&on_track)
            || off_track >= on_track
        {
            return Err(TargetError::Thresholds(on_track, off_track));
        }
        Ok(Thresholds {
            on_track,
            off_track,
        })
    }

    /// The status of a chance of meeting the target.
    pub fn status(&self, chance: f64) -> Status {
        if chance >= self.on_track {
            Status::OnTrack
        } else if chance >= self.off_track {
            Status::AtRisk
        } else {
            Status::OffTrack
        }
    }
}

/// How far behind plan (as a share of the progress planned by now) is off track.
pub const OFF_TRACK_BEHIND: f64 = 0.25;

#[derive(Debug, Error, PartialEq)]
pub enum TargetError {
    #[error("the target's value must be a number (it is {0})")]
    NotANumber(f64),
    #[error("a share or coverage is a percentage from 0 to 100 (the value is {0})")]
    NotAPercentage(f64),
    #[error("a count cannot be below 0 (the value is {0})")]
    Negative(f64),
    #[error("the baseline ({0}) must be before the deadline ({1})")]
    BaselineAfterDeadline(NaiveDate, NaiveDate),
    #[error(
        "the milestone of {0} must fall after the baseline and before the deadline, in date order"
    )]
    Milestone(NaiveDate),
    #[error("the trajectory's point of {0} must fall after the baseline and before the deadline, in date order")]
    TrajectoryPoint(NaiveDate),
    #[error(
        "the thresholds must be chances from 0 to 1 with off track ({1}) below on track ({0})"
    )]
    Thresholds(f64, f64),
}

/// A target as set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The figure, as `measure@part` (docs/definitions.md §6; checked where figures are).
    pub figure: String,
    pub kind: Kind,
    pub direction: Direction,
    pub value: f64,
    pub deadline: NaiveDate,
    /// The figure at a census, where one is taken.
    pub baseline: Option<Point>,
    #[serde(default)]
    pub milestones: Vec<Point>,
    #[serde(default)]
    pub trajectory: Trajectory,
}

fn in_order(points: &[Point], after: Option<NaiveDate>, before: NaiveDate) -> Option<NaiveDate> {
    let mut last = after;
    for p in points {
        if last.is_some_and(|l| p.date <= l) || p.date >= before {
            return Some(p.date);
        }
        last = Some(p.date);
    }
    None
}

impl Target {
    /// The target, or what is wrong with it.
    pub fn checked(self) -> Result<Target, TargetError> {
        let values = std::iter::once(self.value)
            .chain(self.baseline.map(|b| b.value))
            .chain(self.milestones.iter().map(|m| m.value));
        for v in values {
            if !v.is_finite() {
                return Err(TargetError::NotANumber(v));
            }
            match self.kind {
                Kind::Share | Kind::Coverage if !(0.0..=100.0).contains(&v) => {
                    return Err(TargetError::NotAPercentage(v))
                }
                Kind::Count if v < 0.0 => return Err(TargetError::Negative(v)),
                _ => {}
            }
        }
        if let Some(b) = self.baseline {
            if b.date >= self.deadline {
                return Err(TargetError::BaselineAfterDeadline(b.date, self.deadline));
            }
        }
        let after = self.baseline.map(|b| b.date);
        if let Some(d) = in_order(&self.milestones, after, self.deadline) {
            return Err(TargetError::Milestone(d));
        }
        if let Trajectory::Points(points) = &self.trajectory {
            if let Some(d) = in_order(points, after, self.deadline) {
                return Err(TargetError::TrajectoryPoint(d));
            }
        }
        Ok(self)
    }

    /// Whether `value` meets the target.
    pub fn is_met_by(&self, value: f64) -> bool {
        match self.direction {
            Direction::AtLeast => value >= self.value,
            Direction::AtMost => value <= self.value,
        }
    }

    /// The points the expected value runs through: the baseline, the trajectory's points
    /// (or the milestones, for a straight line), the value at the deadline.
    fn path(&self) -> Option<Vec<Point>> {
        let baseline = self.baseline?;
        let middle = match &self.trajectory {
            Trajectory::Linear => &self.milestones,
            Trajectory::Points(points) => points,
        };
        let mut path = vec![baseline];
        path.extend(middle.iter().copied());
        path.push(Point {
            date: self.deadline,
            value: self.value,
        });
        Some(path)
    }

    /// The value expected on `date` along the trajectory: the baseline before it starts, the
    /// target's value after the deadline; none without a baseline.
    pub fn expected_at(&self, date: NaiveDate) -> Option<f64> {
        let path = self.path()?;
        let (first, last) = (path[0], path[path.len() - 1]);
        if date <= first.date {
            return Some(first.value);
        }
        if date >= last.date {
            return Some(last.value);
        }
        path.windows(2).find_map(|w| {
            let (a, b) = (w[0], w[1]);
            (date >= a.date && date <= b.date).then(|| {
                let span = (b.date - a.date).num_days() as f64;
                let gone = (date - a.date).num_days() as f64;
                a.value + (b.value - a.value) * gone / span
            })
        })
    }

    /// The status by the trajectory rule, for a figure `actual` on `date`: on track at or
    /// beyond the value expected then; off track when the progress made from the baseline is
    /// 25% or more short of the progress planned by then; at risk between. None without a
    /// baseline.
    pub fn trajectory_status(&self, actual: f64, date: NaiveDate) -> Option<Status> {
        let baseline = self.baseline?.value;
        let expected = self.expected_at(date)?;
        // progress counts in the direction the target wants
        let sign = match self.direction {
            Direction::AtLeast => 1.0,
            Direction::AtMost => -1.0,
        };
        let planned = (expected - baseline) * sign;
        let made = (actual - baseline) * sign;
        if made >= planned {
            return Some(Status::OnTrack);
        }
        if planned <= 0.0 {
            // nothing was planned by now, and the figure has moved the wrong way
            return Some(Status::AtRisk);
        }
        Some(if made / planned <= 1.0 - OFF_TRACK_BEHIND {
            Status::OffTrack
        } else {
            Status::AtRisk
        })
    }

    /// The chance of meeting the target: the share of runs whose figure at the deadline meets
    /// it; none without runs.
    pub fn chance(&self, runs: &[f64]) -> Option<f64> {
        if runs.is_empty() {
            return None;
        }
        let met = runs
            .iter()
            .filter(|v| v.is_finite() && self.is_met_by(**v))
            .count();
        Some(met as f64 / runs.len() as f64)
    }

    /// The verdict once the deadline has passed, from the figure at the last census before
    /// it (none held: not known).
    pub fn verdict(&self, at_last_census_before: Option<f64>) -> Verdict {
        match at_last_census_before {
            Some(v) if self.is_met_by(v) => Verdict::Met,
            Some(_) => Verdict::Missed,
            None => Verdict::NotKnown,
        }
    }
}

/// A lever's range to search for what it would take: from its value as now towards `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Search {
    pub from: f64,
    pub to: f64,
    /// Stop when the lever is known to this precision (in its own units).
    pub tolerance: f64,
}

/// What the search found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "found")]
pub enum Found {
    /// Already likely enough as now.
    AsNow { chance: f64 },
    /// The smallest move found, the chance there and how many times the chance was asked.
    At {
        lever: f64,
        chance: f64,
        evaluations: usize,
    },
    /// Not likely enough even at the end of the lever's range.
    NotInRange { chance_at_end: f64 },
}

/// The smallest move of a lever from `search.from` towards `search.to` at which `chance`
/// reaches `threshold`, by bisection: `chance` is taken as not falling as the lever moves
/// towards `to` (more training places, more recruitment, less turnover); the search asks it
/// at most 2 + log2(range / tolerance) times, and stops.
pub fn what_it_would_take(
    search: Search,
    threshold: f64,
    mut chance: impl FnMut(f64) -> f64,
) -> Found {
    let now = chance(search.from);
    if now >= threshold {
        return Found::AsNow { chance: now };
    }
    let end = chance(search.to);
    let mut evaluations = 2;
    if end < threshold {
        return Found::NotInRange { chance_at_end: end };
    }
    // the chance is short of the threshold at `low` and reaches it at `high`
    let (mut low, mut high, mut at_high) = (search.from, search.to, end);
    let tolerance = search.tolerance.abs().max(f64::EPSILON);
    while (high - low).abs() > tolerance {
        let middle = low + (high - low) / 2.0;
        let c = chance(middle);
        evaluations += 1;
        if c >= threshold {
            high = middle;
            at_high = c;
        } else {
            low = middle;
        }
    }
    Found::At {
        lever: high,
        chance: at_high,
        evaluations,
    }
}

/// A national target of the seeds, as shipped in `data/cws/national_targets.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NationalTarget {
    pub key: String,
    pub title: String,
    /// The document and section that set it.
    pub source: String,
    /// The deadline in the source's words ("by 2015").
    pub deadline_as_set: String,
    pub kind: Kind,
    pub direction: Direction,
    pub value: f64,
    /// The deadline as a date: the end of the year a source gives.
    pub deadline: NaiveDate,
    /// The cws figure it is measured by (`measure@part`), where cws holds one.
    #[serde(default)]
    pub figure: Option<String>,
    /// A count for England as a whole (4,000 playworkers), not for each area.
    #[serde(default)]
    pub national: bool,
    /// Why cws cannot measure it from the returns, where it cannot.
    #[serde(default)]
    pub not_held: Option<String>,
}

impl NationalTarget {
    /// The target as set nationally (no baseline: the seeds' baselines were surveys cws does
    /// not hold), where cws measures it.
    pub fn target(&self) -> Option<Target> {
        Some(Target {
            figure: self.figure.clone()?,
            kind: self.kind,
            direction: self.direction,
            value: self.value,
            deadline: self.deadline,
            baseline: None,
            milestones: Vec::new(),
            trajectory: Trajectory::Linear,
        })
    }
}

#[derive(Debug, Error)]
pub enum CatalogueError {
    #[error("the national targets: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("the national target '{0}': {1}")]
    Target(String, TargetError),
    #[error("the national target '{0}' needs a figure or says why it is not held")]
    NeitherFigureNorWhy(String),
    #[error("the national target '{0}' is listed twice")]
    Twice(String),
}

const NATIONAL_TARGETS: &str = include_str!("../../../data/cws/national_targets.toml");

/// The seeds' national targets, each checked.
pub fn national_targets() -> Result<Vec<NationalTarget>, CatalogueError> {
    #[derive(Deserialize)]
    struct File {
        target: Vec<NationalTarget>,
    }
    let file: File = toml::from_str(NATIONAL_TARGETS)?;
    let mut seen = std::collections::BTreeSet::new();
    for t in &file.target {
        if !seen.insert(t.key.clone()) {
            return Err(CatalogueError::Twice(t.key.clone()));
        }
        match (&t.figure, &t.not_held) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => return Err(CatalogueError::NeitherFigureNorWhy(t.key.clone())),
        }
        if let Some(target) = t.target() {
            target
                .checked()
                .map_err(|e| CatalogueError::Target(t.key.clone(), e))?;
        }
    }
    Ok(file.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// 60% of non-graduates at Level 3 in September 2025, all of them by September 2029.
    fn level3() -> Target {
        Target {
            figure: "level3_plus_non_graduate_pct@role_group:early_years".into(),
            kind: Kind::Share,
            direction: Direction::AtLeast,
            value: 100.0,
            deadline: d(2029, 9, 30),
            baseline: Some(Point {
                date: d(2025, 9, 30),
                value: 60.0,
            }),
            milestones: Vec::new(),
            trajectory: Trajectory::Linear,
        }
        .checked()
        .unwrap()
    }

    #[test]
    fn the_expected_value_runs_straight_from_the_baseline_through_milestones() {
        let t = level3();
        assert_eq!(t.expected_at(d(2024, 1, 1)), Some(60.0));
        assert_eq!(t.expected_at(d(2031, 1, 1)), Some(100.0));
        // halfway in days (2027-09-30 is 730 of 1,461 days): 60 + 40 × 730/1461
        let mid = t.expected_at(d(2027, 9, 30)).unwrap();
        assert!((mid - (60.0 + 40.0 * 730.0 / 1461.0)).abs() < 1e-9);
        // a milestone bends the line: 90% by September 2026, then on to 100%
        let bent = Target {
            milestones: vec![Point {
                date: d(2026, 9, 30),
                value: 90.0,
            }],
            ..t.clone()
        };
        assert_eq!(bent.expected_at(d(2026, 9, 30)), Some(90.0));
        let later = bent.expected_at(d(2028, 3, 31)).unwrap();
        assert!(later > 90.0 && later < 100.0);
        // no baseline, no trajectory
        let none = Target {
            baseline: None,
            ..t
        };
        assert_eq!(none.expected_at(d(2027, 1, 1)), None);
        assert_eq!(none.trajectory_status(70.0, d(2027, 1, 1)), None);
    }

    #[test]
    fn the_trajectory_rule_is_off_track_a_quarter_behind_plan() {
        let t = level3();
        let on = d(2027, 9, 30);
        let expected = t.expected_at(on).unwrap(); // about 80: 20 points planned
        let planned = expected - 60.0;
        assert_eq!(t.trajectory_status(expected, on), Some(Status::OnTrack));
        assert_eq!(t.trajectory_status(95.0, on), Some(Status::OnTrack));
        // 80% of the planned progress: at risk; under 75%: off track
        assert_eq!(
            t.trajectory_status(60.0 + 0.8 * planned, on),
            Some(Status::AtRisk)
        );
        assert_eq!(
            t.trajectory_status(60.0 + 0.74 * planned, on),
            Some(Status::OffTrack)
        );
        assert_eq!(t.trajectory_status(55.0, on), Some(Status::OffTrack));
        // at the baseline's date nothing is planned yet: falling back is at risk
        assert_eq!(
            t.trajectory_status(59.0, d(2025, 9, 30)),
            Some(Status::AtRisk)
        );
        // a rate to bring down: 14% to 10%, half the way planned by now
        let vacancies = Target {
            figure: "vacancy_rate_fte@role_group:social_workers".into(),
            direction: Direction::AtMost,
            value: 10.0,
            baseline: Some(Point {
                date: d(2025, 9, 30),
                value: 14.0,
            }),
            deadline: d(2027, 9, 30),
            ..t
        };
        let half = d(2026, 9, 30);
        let expected = vacancies.expected_at(half).unwrap();
        assert!((expected - (14.0 - 4.0 * 365.0 / 730.0)).abs() < 1e-9);
        assert_eq!(
            vacancies.trajectory_status(11.9, half),
            Some(Status::OnTrack)
        );
        assert_eq!(
            vacancies.trajectory_status(12.3, half),
            Some(Status::AtRisk)
        );
        assert_eq!(
            vacancies.trajectory_status(12.6, half),
            Some(Status::OffTrack)
        );
    }

    #[test]
    fn the_chance_is_the_share_of_runs_meeting_it() {
        let t = level3();
        // met in every run, in none, in half
        assert_eq!(t.chance(&[100.0, 100.0, 100.0]), Some(1.0));
        assert_eq!(t.chance(&[99.9, 80.0]), Some(0.0));
        assert_eq!(t.chance(&[100.0, 99.0, 100.0, 50.0]), Some(0.5));
        assert_eq!(t.chance(&[]), None);
        // not a number never meets it
        assert_eq!(t.chance(&[f64::NAN, 100.0]), Some(0.5));
        let th = Thresholds::default();
        assert_eq!(th.status(0.7), Status::OnTrack);
        assert_eq!(th.status(0.69), Status::AtRisk);
        assert_eq!(th.status(0.3), Status::AtRisk);
        assert_eq!(th.status(0.29), Status::OffTrack);
        let strict = Thresholds::new(0.9, 0.5).unwrap();
        assert_eq!(strict.status(0.8), Status::AtRisk);
        assert_eq!(
            Thresholds::new(0.3, 0.7),
            Err(TargetError::Thresholds(0.3, 0.7))
        );
        assert!(Thresholds::new(1.2, 0.1).is_err());
    }

    #[test]
    fn a_past_deadline_is_met_missed_or_not_known() {
        let t = level3();
        assert_eq!(t.verdict(Some(100.0)), Verdict::Met);
        assert_eq!(t.verdict(Some(98.0)), Verdict::Missed);
        assert_eq!(t.verdict(None), Verdict::NotKnown);
    }

    #[test]
    fn a_target_that_cannot_be_is_refused_saying_why() {
        let t = level3();
        assert_eq!(
            Target {
                value: 120.0,
                ..t.clone()
            }
            .checked(),
            Err(TargetError::NotAPercentage(120.0))
        );
        assert_eq!(
            Target {
                kind: Kind::Count,
                value: -3.0,
                ..t.clone()
            }
            .checked(),
            Err(TargetError::Negative(-3.0))
        );
        assert_eq!(
            Target {
                deadline: d(2024, 1, 1),
                ..t.clone()
            }
            .checked(),
            Err(TargetError::BaselineAfterDeadline(
                d(2025, 9, 30),
                d(2024, 1, 1)
            ))
        );
        let late = Point {
            date: d(2030, 1, 1),
            value: 90.0,
        };
        assert_eq!(
            Target {
                milestones: vec![late],
                ..t.clone()
            }
            .checked(),
            Err(TargetError::Milestone(d(2030, 1, 1)))
        );
        assert_eq!(
            Target {
                value: f64::NAN,
                ..t
            }
            .checked()
            .map(|_| ())
            .unwrap_err()
            .to_string(),
            "the target's value must be a number (it is NaN)"
        );
    }

    #[test]
    fn the_seeds_national_targets_are_shipped_with_their_sources_and_deadlines() {
        let all = national_targets().unwrap();
        assert_eq!(all.len(), 8);
        let fdc = all
            .iter()
            .find(|t| t.key == "graduate_full_day_care")
            .unwrap();
        assert_eq!(fdc.deadline, d(2015, 12, 31));
        assert!(fdc.source.contains("§2.18"));
        assert_eq!(fdc.target().unwrap().kind, Kind::Coverage);
        let play = all.iter().find(|t| t.key == "playworkers_level3").unwrap();
        assert!(play.national && play.value == 4000.0);
        // the ones cws cannot measure say why, and have no target to measure
        let nurses = all
            .iter()
            .find(|t| t.key == "school_nurse_clusters")
            .unwrap();
        assert!(nurses.target().is_none());
        assert!(nurses
            .not_held
            .as_deref()
            .unwrap()
            .contains("clusters of schools"));
        assert_eq!(all.iter().filter(|t| t.figure.is_some()).count(), 4);
    }

    #[test]
    fn what_it_would_take_finds_the_smallest_move_and_stops() {
        // the chance rises with training places: 0.1 + places / 100, capped at 1
        let chance = |places: f64| (0.1 + places / 100.0).min(1.0);
        let mut asked = 0;
        let found = what_it_would_take(
            Search {
                from: 0.0,
                to: 200.0,
                tolerance: 1.0,
            },
            0.7,
            |x| {
                asked += 1;
                chance(x)
            },
        );
        let Found::At {
            lever,
            chance: c,
            evaluations,
        } = found
        else {
            panic!("{found:?}")
        };
        // 60 places gives 0.7: the answer is within a place above it
        assert!((60.0..=61.0).contains(&lever), "{lever}");
        assert!(c >= 0.7);
        assert_eq!(evaluations, asked);
        // bounded: 2 + ceil(log2(200 / 1)) = 10
        assert!(evaluations <= 10, "{evaluations}");
        // already likely enough; never likely enough in the range
        assert!(matches!(
            what_it_would_take(
                Search {
                    from: 70.0,
                    to: 200.0,
                    tolerance: 1.0
                },
                0.7,
                chance
            ),
            Found::AsNow { chance } if (chance - 0.8).abs() < 1e-9
        ));
        assert_eq!(
            what_it_would_take(
                Search {
                    from: 0.0,
                    to: 40.0,
                    tolerance: 1.0
                },
                0.7,
                chance
            ),
            Found::NotInRange { chance_at_end: 0.5 }
        );
        // a lever that helps as it falls (turnover): from 0% down to -50%
        let by_turnover = |pct: f64| if pct <= -20.0 { 0.75 } else { 0.2 };
        let Found::At { lever, .. } = what_it_would_take(
            Search {
                from: 0.0,
                to: -50.0,
                tolerance: 0.5,
            },
            0.7,
            by_turnover,
        ) else {
            panic!()
        };
        assert!((-20.5..=-20.0).contains(&lever), "{lever}");
    }
}
