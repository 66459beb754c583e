//! One-way breakdowns that are not dimensions of the figures: leavers in the year by their
//! reason for leaving. A breakdown is a count per category and their total, protected like
//! any other table (the total is the sum of its parts, so a lone hidden category gets a
//! partner).

use chrono::Months;
use cws_domain::worker::LeavingReason;

use crate::cube::Line;
use crate::disclosure::{primary_cells, suppress, Policy, Shown, CONFIDENTIAL};
use crate::export::{Column, Table, TableRow};
use crate::figures::{FiguresError, Scope};
use crate::snapshot::{days, flag, Snapshot, NO_DATE};

/// Employed (not agency) leavers in the year to the census date, each person once (their
/// most senior post), by reason for leaving, in the census list's order.
pub fn leavers_by_reason(
    snap: &Snapshot,
    scope: &Scope,
) -> Result<Vec<(LeavingReason, f64)>, FiguresError> {
    let census = snap.census.ok_or(FiguresError::NoCensus)?;
    let in_scope: Vec<bool> = match scope {
        Scope::Nation => vec![true; snap.areas.len()],
        Scope::Region(code) => snap.areas.iter().map(|a| &a.region_code == code).collect(),
        Scope::Area(code) => snap.areas.iter().map(|a| &a.code == code).collect(),
    };
    if !in_scope.contains(&true) {
        return Err(FiguresError::UnknownScope(
            "area or region",
            format!("{scope:?}"),
        ));
    }
    let (to, from) = (
        days(Some(census)),
        days(census.checked_sub_months(Months::new(12))),
    );
    let mut counts = vec![0.0; LeavingReason::ALL.len()];
    let (posts, _) = snap.entries_in_areas(&in_scope);
    for i in posts.into_iter().map(|p| p as usize) {
        let leave = snap.leave[i];
        let employed = snap.flags[i] & flag::AGENCY == 0;
        let primary = snap.flags[i] & flag::PRIMARY != 0;
        if leave == NO_DATE || leave <= from || leave > to || !employed || !primary {
            continue;
        }
        let reason = (snap.leave_reason[i] as usize).min(LeavingReason::ALL.len() - 1);
        counts[reason] += 1.0;
    }
    Ok(LeavingReason::ALL.iter().copied().zip(counts).collect())
}

/// A breakdown as a table: the total first, then each category, with its share of the total;
/// protected when a policy is given.
pub fn table(
    title: String,
    label_column: &str,
    count_column: Column,
    categories: &[(String, f64)],
    policy: Option<&Policy>,
) -> Table {
    let total: f64 = categories.iter().map(|c| c.1).sum();
    let mut counts = vec![total];
    counts.extend(categories.iter().map(|c| c.1));
    let hidden = match policy {
        Some(p) => {
            let lines = [Line {
                total: 0,
                parts: (1..counts.len()).collect(),
            }];
            let mut margin = vec![false; counts.len()];
            margin[0] = true;
            suppress(
                &lines,
                &margin,
                &counts,
                &primary_cells(&counts, p.threshold),
            )
        }
        None => vec![false; counts.len()],
    };
    let rounding = f64::from(policy.map_or(1, |p| p.rounding).max(1));
    let row = |i: usize, label: String| TableRow {
        labels: vec![label],
        values: if hidden[i] {
            vec![Shown::Symbol(CONFIDENTIAL); 2]
        } else {
            vec![
                Shown::Value((counts[i] / rounding).round() * rounding),
                if total > 0.0 {
                    Shown::Value((counts[i] / total * 1000.0).round() / 10.0)
                } else {
                    Shown::Symbol(crate::disclosure::NOT_APPLICABLE)
                },
            ]
        },
    };
    let mut rows = vec![row(0, "Total".into())];
    rows.extend(
        categories
            .iter()
            .enumerate()
            .map(|(j, c)| row(j + 1, c.0.clone())),
    );
    let mut footnote = String::from("z: not applicable.");
    if let Some(p) = policy {
        footnote.push_str(&format!(
            " c: suppressed to protect individuals — counts of 1 to {} people, and any \
             further category from which one could be worked out.",
            p.threshold
        ));
    }
    Table {
        title,
        label_columns: vec![label_column.into()],
        columns: vec![
            count_column,
            Column::new("share_pct", "Share of the total (%)"),
        ],
        rows,
        footnote,
        chart: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_small_category_gets_a_partner_and_shares_add_up() {
        let cats = vec![
            ("Resigned".to_string(), 40.0),
            ("Retired".to_string(), 3.0),
            ("Dismissed".to_string(), 7.0),
        ];
        let col = Column::new("leavers", "Leavers");
        let open = table("t".into(), "reason", col.clone(), &cats, None);
        assert_eq!(open.rows[0].values[0], Shown::Value(50.0));
        assert_eq!(open.rows[1].values[1], Shown::Value(80.0));
        let t = table("t".into(), "reason", col, &cats, Some(&Policy::default()));
        assert_eq!(t.rows[2].values[0], Shown::Symbol("c"), "3 retired: hidden");
        assert_eq!(t.rows[3].values[0], Shown::Symbol("c"), "the partner");
        assert_eq!(t.rows[1].values[0], Shown::Value(40.0));
        assert_eq!(t.rows[0].values[0], Shown::Value(50.0));
    }
}
