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
