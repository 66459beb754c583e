//! SMART objectives: each needs a measure (preferably a cws figure), a baseline, a target, a
//! date and an owner. `check` says which of those are missing or wrong and why, letter by
//! letter; `progress` says how far a linked figure has moved from baseline to target.

use chrono::NaiveDate;
use serde::Serialize;

/// An objective as written in the strategy.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Objective {
    pub statement: String,
    /// A cws measure name (e.g. `vacancy_rate_fte`) or, failing that, a description.
    pub measure: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_date: Option<NaiveDate>,
    pub owner: Option<String>,
}

/// One way an objective falls short of SMART.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    NoStatement,
    NoMeasure,
    /// A measure cws cannot track (not one of its figures): allowed, but tracked by hand.
    MeasureNotAFigure {
        measure: String,
    },
    NoBaseline,
    NoTarget,
    TargetEqualsBaseline,
    NoDate,
    DateOutsideStrategy {
        date: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    },
    NoOwner,
}

impl Problem {
    /// The SMART letter the problem is about.
    pub fn letter(&self) -> char {
        match self {
            Problem::NoStatement => 'S',
            Problem::NoMeasure
            | Problem::MeasureNotAFigure { .. }
            | Problem::NoBaseline
            | Problem::NoTarget => 'M',
            Problem::TargetEqualsBaseline => 'A',
            Problem::NoOwner => 'R',
            Problem::NoDate | Problem::DateOutsideStrategy { .. } => 'T',
        }
    }

    /// True when the objective still counts as SMART (a warning, not a gap).
    pub fn is_warning(&self) -> bool {
        matches!(self, Problem::MeasureNotAFigure { .. })
    }

    /// What is wrong and how to put it right, in plain words.
    pub fn message(&self) -> String {
        match self {
            Problem::NoStatement => "Say what the objective will achieve.".into(),
            Problem::NoMeasure => "Choose how success is measured — preferably a cws figure, so progress is tracked for you.".into(),
            Problem::MeasureNotAFigure { measure } => format!("'{measure}' is not a cws figure: its progress must be entered by hand."),
            Problem::NoBaseline => "Give the baseline: where the measure stands now.".into(),
            Problem::NoTarget => "Give the target: the value the measure should reach.".into(),
            Problem::TargetEqualsBaseline => "The target is the same as the baseline: say what should change.".into(),
            Problem::NoDate => "Give the date by which the target should be reached.".into(),
            Problem::DateOutsideStrategy { date, from, to } => format!("The date {date} is outside the strategy's period ({from} to {to})."),
            Problem::NoOwner => "Name who is responsible for the objective.".into(),
        }
    }
}

/// The problems with an objective, for a strategy running `from`–`to`. `is_figure` says
/// whether a measure name is a cws figure. Empty (or warnings only) means SMART.
pub fn check(
    o: &Objective,
    from: NaiveDate,
    to: NaiveDate,
    is_figure: impl Fn(&str) -> bool,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if o.statement.trim().is_empty() {
        out.push(Problem::NoStatement);
    }
    match o.measure.as_deref().map(str::trim) {
        None | Some("") => out.push(Problem::NoMeasure),
        Some(m) if !is_figure(m) => out.push(Problem::MeasureNotAFigure { measure: m.into() }),
        Some(_) => {}
    }
    if o.baseline.is_none() {
        out.push(Problem::NoBaseline);
    }
    if o.target.is_none() {
        out.push(Problem::NoTarget);
    }
    if let (Some(b), Some(t)) = (o.baseline, o.target) {
        if (b - t).abs() < 1e-9 {
            out.push(Problem::TargetEqualsBaseline);
        }
    }
    match o.target_date {
        None => out.push(Problem::NoDate),
        Some(d) if d < from || d > to => {
            out.push(Problem::DateOutsideStrategy { date: d, from, to })
        }
        Some(_) => {}
    }
    if o.owner.as_deref().is_none_or(|s| s.trim().is_empty()) {
        out.push(Problem::NoOwner);
    }
    out
}

/// Whether an objective is SMART (warnings allowed).
pub fn is_smart(problems: &[Problem]) -> bool {
    problems.iter().all(Problem::is_warning)
}

/// How far a figure has moved from the baseline towards the target, as a percentage (0 at
/// the baseline, 100 at the target; below 0 is the wrong way, above 100 beyond the target).
pub fn progress(baseline: f64, target: f64, latest: f64) -> Option<f64> {
    let span = target - baseline;
    (span.abs() > 1e-12).then(|| (latest - baseline) / span * 100.0)
}

/// On track when progress is at least the share of the time gone (with 10 points' grace).
pub fn on_track(progress_pct: f64, from: NaiveDate, by: NaiveDate, today: NaiveDate) -> bool {
    let total = (by - from).num_days().max(1) as f64;
    let gone = ((today - from).num_days() as f64 / total * 100.0).clamp(0.0, 100.0);
    progress_pct + 10.0 >= gone
}

/// Where a tracked objective stands, in words a board reads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// No figure, baseline or target to track it by.
    NotTracked,
    /// The only census held is the baseline's: nothing has moved yet, so it is not behind.
    NoCensusSinceBaseline,
    /// The figure has reached (or passed) the target.
    TargetReached,
    /// Part of the way from baseline to target; whether that keeps pace with the time gone
    /// when there is a target date.
    Towards {
        percent: f64,
        on_track: Option<bool>,
    },
    /// Moved away from the target since the baseline.
    WrongWay { percent: f64 },
}

/// The standing of an objective measured from `baseline` (at the baseline census) to
/// `target`, given its figure at the latest census after the baseline's (`None`: no census
/// since). Time gone runs from `from` (the strategy's start) to the target date.
pub fn standing(
    baseline: Option<f64>,
    target: Option<f64>,
    since_baseline: Option<f64>,
    from: NaiveDate,
    target_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Standing {
    let (Some(baseline), Some(target)) = (baseline, target) else {
        return Standing::NotTracked;
    };
    let Some(latest) = since_baseline else {
        return Standing::NoCensusSinceBaseline;
    };
    match progress(baseline, target, latest) {
        None => Standing::NotTracked,
        Some(p) if p >= 100.0 => Standing::TargetReached,
        // a rounded 0 is 0, never "-0"
        Some(p) if p < 0.0 && p.round() != 0.0 => Standing::WrongWay { percent: -p },
        Some(p) => {
            let percent = p.max(0.0);
            Standing::Towards {
                percent,
                on_track: target_date.map(|by| on_track(percent, from, by, today)),
            }
        }
    }
}

impl Standing {
    pub fn text(&self) -> String {
        match *self {
            Standing::NotTracked => "Not tracked".into(),
            Standing::NoCensusSinceBaseline => "No census since the baseline yet".into(),
            Standing::TargetReached => "Target reached".into(),
            Standing::Towards { percent, on_track } => format!(
                "{percent:.0}% of the way{}",
                match on_track {
                    Some(true) => ", on track",
                    Some(false) => ", behind",
                    None => "",
                }
            ),
            Standing::WrongWay { percent } => {
                format!("Moving away from the target ({percent:.0}% of the way back)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn figure(m: &str) -> bool {
        m == "vacancy_rate_fte"
    }

    #[test]
    fn a_complete_objective_is_smart() {
        let o = Objective {
            statement: "Cut social work vacancies".into(),
            measure: Some("vacancy_rate_fte".into()),
            baseline: Some(14.9),
            target: Some(10.0),
            target_date: Some(d(2027, 9, 30)),
            owner: Some("Head of workforce".into()),
        };
        let p = check(&o, d(2026, 4, 1), d(2029, 3, 31), figure);
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn each_gap_is_named_with_its_letter() {
        let p = check(&Objective::default(), d(2026, 4, 1), d(2029, 3, 31), figure);
        let letters: String = p.iter().map(Problem::letter).collect();
        assert_eq!(letters, "SMMMTR");
        assert!(!is_smart(&p));
        let o = Objective {
            statement: "More apprentices".into(),
            measure: Some("apprentices started".into()),
            baseline: Some(5.0),
            target: Some(5.0),
            target_date: Some(d(2030, 1, 1)),
            owner: Some("HR".into()),
        };
        let p = check(&o, d(2026, 4, 1), d(2029, 3, 31), figure);
        assert_eq!(
            p,
            vec![
                Problem::MeasureNotAFigure {
                    measure: "apprentices started".into()
                },
                Problem::TargetEqualsBaseline,
                Problem::DateOutsideStrategy {
                    date: d(2030, 1, 1),
                    from: d(2026, 4, 1),
                    to: d(2029, 3, 31)
                },
            ]
        );
        assert!(p[2].message().contains("outside the strategy's period"));
    }

    #[test]
    fn standing_reads_as_a_board_would_read_it() {
        let from = d(2026, 4, 1);
        let by = Some(d(2029, 3, 31));
        let today = d(2027, 10, 1);
        let at = |latest| standing(Some(14.9), Some(10.0), latest, from, by, today);
        assert_eq!(at(None), Standing::NoCensusSinceBaseline);
        assert_eq!(at(None).text(), "No census since the baseline yet");
        assert_eq!(
            at(Some(9.0)),
            Standing::TargetReached,
            "past 100%: reached, not 139%"
        );
        assert_eq!(at(Some(9.0)).text(), "Target reached");
        // a hair the wrong way rounds to 0: never "-0%"
        assert_eq!(at(Some(14.91)).text(), "0% of the way, behind");
        assert_eq!(
            at(Some(16.0)).text(),
            "Moving away from the target (22% of the way back)"
        );
        assert_eq!(at(Some(12.45)).text(), "50% of the way, on track");
        assert_eq!(
            standing(None, Some(10.0), Some(9.0), from, by, today),
            Standing::NotTracked
        );
        assert_eq!(
            standing(Some(5.0), Some(10.0), Some(6.0), from, None, today).text(),
            "20% of the way"
        );
    }

    #[test]
    fn progress_runs_from_baseline_to_target_either_way() {
        let half = progress(14.9, 10.0, 12.45).unwrap();
        assert!((half - 50.0).abs() < 1e-9, "{half}");
        assert_eq!(progress(60.0, 80.0, 70.0), Some(50.0));
        assert!(progress(14.9, 10.0, 16.0).unwrap() < 0.0, "the wrong way");
        assert_eq!(progress(5.0, 5.0, 6.0), None);
        // half the time gone, 45% of the way: within the grace
        assert!(on_track(45.0, d(2026, 1, 1), d(2028, 1, 1), d(2027, 1, 1)));
        assert!(!on_track(20.0, d(2026, 1, 1), d(2028, 1, 1), d(2027, 1, 1)));
    }
}
