//! The board progress report: what moved between two dates in the figures, the action plan
//! and the risk register. Actions and risks keep a dated history of their status and scores,
//! so the state on any date can be worked out and two dates compared.

use chrono::NaiveDate;
use serde::Serialize;

use crate::actions::{Rag, Status};

/// A dated change to an action: its status, rating and a progress note.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionUpdate {
    pub action_id: i64,
    pub on: NaiveDate,
    pub status: Status,
    pub rag: Rag,
}

/// A dated score of a risk; `closed` when it was taken off the register.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskUpdate {
    pub risk_id: i64,
    pub on: NaiveDate,
    pub likelihood: u8,
    pub impact: u8,
    pub closed: bool,
}

/// The last update of each thing on or before `date` (updates in any order; on the same day
/// the later in the list wins).
fn latest_on<T: Clone, K: Ord + Copy>(
    updates: &[T],
    date: NaiveDate,
    key: impl Fn(&T) -> (K, NaiveDate),
) -> std::collections::BTreeMap<K, T> {
    let mut out: std::collections::BTreeMap<K, (NaiveDate, T)> = Default::default();
    for u in updates {
        let (k, on) = key(u);
        if on > date {
            continue;
        }
        match out.get(&k) {
            Some((held, _)) if *held > on => {}
            _ => {
                out.insert(k, (on, u.clone()));
            }
        }
    }
    out.into_iter().map(|(k, (_, u))| (k, u)).collect()
}

pub fn actions_on(updates: &[ActionUpdate], date: NaiveDate) -> Vec<ActionUpdate> {
    latest_on(updates, date, |u| (u.action_id, u.on))
        .into_values()
        .collect()
}

pub fn risks_on(updates: &[RiskUpdate], date: NaiveDate) -> Vec<RiskUpdate> {
    latest_on(updates, date, |u| (u.risk_id, u.on))
        .into_values()
        .filter(|r| !r.closed)
        .collect()
}

/// A figure at both dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureMove {
    pub measure: String,
    pub label: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change: Option<f64>,
    /// Whether the move is for the better: towards an objective's target when one is set,
    /// otherwise by the figure's nature (lower vacancies are better); `None` when neither
    /// says or nothing moved.
    pub better: Option<bool>,
}

/// Which way is better for a figure, if known: `Some(true)` when lower is better.
pub type LowerIsBetter = Option<bool>;

/// A figure's values to compare, with its target when an objective sets one.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureInput {
    pub measure: String,
    pub label: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub target: Option<f64>,
    pub lower_is_better: LowerIsBetter,
}

pub fn figure_moves(inputs: &[FigureInput]) -> Vec<FigureMove> {
    inputs
        .iter()
        .map(|f| {
            let change = match (f.before, f.after) {
                (Some(b), Some(a)) => Some(a - b),
                _ => None,
            };
            let better = change.filter(|c| c.abs() > 1e-9).and_then(|c| {
                match (f.target, f.before) {
                    // towards the target is better
                    (Some(t), Some(b)) if (t - b).abs() > 1e-9 => {
                        Some((t - b).signum() == c.signum())
                    }
                    _ => f.lower_is_better.map(|lower| (c < 0.0) == lower),
                }
            });
            FigureMove {
                measure: f.measure.clone(),
                label: f.label.clone(),
                before: f.before,
                after: f.after,
                change,
                better,
            }
        })
        .collect()
}

/// How an action moved between the two dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionMove {
    pub action_id: i64,
    pub before: Option<(Status, Rag)>,
    pub after: (Status, Rag),
}

/// What moved in the action plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActionReport {
    /// Added after the first date.
    pub added: Vec<i64>,
    /// Done by the second date, not by the first.
    pub completed: Vec<i64>,
    /// Whose status or rating changed otherwise.
    pub changed: Vec<ActionMove>,
    /// Red at the second date.
    pub red: Vec<i64>,
}

pub fn compare_actions(updates: &[ActionUpdate], from: NaiveDate, to: NaiveDate) -> ActionReport {
    let before: std::collections::BTreeMap<i64, ActionUpdate> = actions_on(updates, from)
        .into_iter()
        .map(|u| (u.action_id, u))
        .collect();
    let mut r = ActionReport::default();
    for a in actions_on(updates, to) {
        let was = before.get(&a.action_id);
        if a.rag == Rag::Red && a.status != Status::Done {
            r.red.push(a.action_id);
        }
        match was {
            None => r.added.push(a.action_id),
            Some(w) if a.status == Status::Done && w.status != Status::Done => {
                r.completed.push(a.action_id)
            }
            Some(w) if w.status != a.status || w.rag != a.rag => r.changed.push(ActionMove {
                action_id: a.action_id,
                before: Some((w.status, w.rag)),
                after: (a.status, a.rag),
            }),
            Some(_) => {}
        }
    }
    r
}

/// What moved in the risk register (scores are likelihood × impact).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RiskReport {
    pub added: Vec<i64>,
    pub closed: Vec<i64>,
    /// (risk, score before, score after)
    pub worse: Vec<(i64, u8, u8)>,
    pub better: Vec<(i64, u8, u8)>,
}

pub fn compare_risks(updates: &[RiskUpdate], from: NaiveDate, to: NaiveDate) -> RiskReport {
    let score = |u: &RiskUpdate| u.likelihood * u.impact;
    let before: std::collections::BTreeMap<i64, u8> = risks_on(updates, from)
        .iter()
        .map(|u| (u.risk_id, score(u)))
        .collect();
    let after: std::collections::BTreeMap<i64, u8> = risks_on(updates, to)
        .iter()
        .map(|u| (u.risk_id, score(u)))
        .collect();
    let mut r = RiskReport::default();
    for (&id, &s) in &after {
        match before.get(&id) {
            None => r.added.push(id),
            Some(&b) if s > b => r.worse.push((id, b, s)),
            Some(&b) if s < b => r.better.push((id, b, s)),
            Some(_) => {}
        }
    }
    r.closed = before
        .keys()
        .filter(|id| !after.contains_key(id))
        .copied()
        .collect();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn au(id: i64, on: NaiveDate, status: Status, rag: Rag) -> ActionUpdate {
        ActionUpdate {
            action_id: id,
            on,
            status,
            rag,
        }
    }

    #[test]
    fn actions_between_two_dates() {
        use Rag::*;
        use Status::*;
        let updates = [
            au(1, d(1, 10), NotStarted, Green),
            au(1, d(3, 1), InProgress, Green),
            au(1, d(6, 1), Done, Green),
            au(2, d(1, 10), InProgress, Green),
            au(2, d(5, 1), InProgress, Red),
            au(3, d(4, 1), NotStarted, Amber),
            au(4, d(2, 1), InProgress, Amber),
            // after the second date: not counted
            au(4, d(9, 1), Done, Green),
        ];
        let r = compare_actions(&updates, d(3, 31), d(6, 30));
        assert_eq!(r.added, vec![3]);
        assert_eq!(r.completed, vec![1]);
        assert_eq!(
            r.changed,
            vec![ActionMove {
                action_id: 2,
                before: Some((InProgress, Green)),
                after: (InProgress, Red)
            }]
        );
        assert_eq!(r.red, vec![2]);
        // nothing moves between a date and itself
        let same = compare_actions(&updates, d(6, 30), d(6, 30));
        assert!(same.added.is_empty() && same.completed.is_empty() && same.changed.is_empty());
    }

    #[test]
    fn risks_between_two_dates() {
        let ru = |id, on, l, i, closed| RiskUpdate {
            risk_id: id,
            on,
            likelihood: l,
            impact: i,
            closed,
        };
        let updates = [
            ru(1, d(1, 1), 4, 5, false),
            ru(1, d(5, 1), 2, 5, false),
            ru(2, d(1, 1), 3, 3, false),
            ru(2, d(4, 1), 3, 3, true),
            ru(3, d(1, 1), 2, 2, false),
            ru(3, d(4, 1), 3, 4, false),
            ru(4, d(5, 1), 1, 1, false),
        ];
        let r = compare_risks(&updates, d(3, 1), d(6, 1));
        assert_eq!(r.better, vec![(1, 20, 10)]);
        assert_eq!(r.worse, vec![(3, 4, 12)]);
        assert_eq!(r.closed, vec![2]);
        assert_eq!(r.added, vec![4]);
    }

    #[test]
    fn figures_move_towards_a_target_or_by_their_nature() {
        let f = |before, after, target, lower| FigureInput {
            measure: "vacancy_rate_fte".into(),
            label: "Vacancy rate".into(),
            before,
            after,
            target,
            lower_is_better: lower,
        };
        let m = figure_moves(&[
            f(Some(15.0), Some(12.0), None, Some(true)),
            f(Some(60.0), Some(65.0), Some(80.0), None),
            f(Some(60.0), Some(55.0), Some(80.0), Some(true)),
            f(Some(10.0), None, None, Some(true)),
            f(Some(10.0), Some(10.0), None, Some(true)),
            f(Some(1.0), Some(2.0), None, None),
        ]);
        assert_eq!(m[0].change, Some(-3.0));
        assert_eq!(m[0].better, Some(true));
        assert_eq!(m[1].better, Some(true), "towards the target");
        assert_eq!(
            m[2].better,
            Some(false),
            "the target outranks the figure's nature"
        );
        assert_eq!((m[3].change, m[3].better), (None, None));
        assert_eq!(m[4].better, None, "nothing moved");
        assert_eq!(m[5].better, None, "no way to tell");
    }
}
