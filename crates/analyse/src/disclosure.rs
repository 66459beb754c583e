//! Disclosure control (docs/definitions.md §6) for figures shown outside the owning area or published.
//!
//! - Primary suppression: a count of 1 to `threshold` people (5 by default), and every FTE or
//!   rate resting on such a count, is shown as `c`.
//! - Secondary suppression: more cells are shown as `c` until no suppressed value can be
//!   worked out from the table's totals and other cells. Whether a value can be worked out
//!   depends only on which cells are hidden, not on the values: a hidden cell is exposed
//!   exactly when the table's additive relations (each total = the sum of its parts, along
//!   every dimension, margins included) pin it down. So one pattern is found per base count
//!   and used for every measure resting on that count. Cells are added first by the classic
//!   rule (no relation may have exactly one hidden cell — the smallest non-zero inner cell is
//!   added), then the pattern is proved by eliminating the relations over the hidden cells
//!   (sparse Gaussian elimination); any hidden cell still pinned down gets a partner, and
//!   the proof is repeated until none is.
//! - Rounding: counts can be rounded to a base (national figures, as configured).
//! - Symbols are the GSS ones: `c` confidential, `z` not applicable (a rate over nothing).
//!   The footnote says what was done.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::cube::{Cube, Line};
use crate::measure::{round, Kind, Measure, Params};

/// How figures are protected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Policy {
    /// Counts from 1 to this many people are suppressed (0 turns suppression off).
    pub threshold: u32,
    /// Round counts to a multiple of this (1 or 0: no rounding).
    pub rounding: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            threshold: 5,
            rounding: 1,
        }
    }
}

/// What a reader sees in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Shown {
    Value(f64),
    Symbol(&'static str),
}

impl Shown {
    pub fn value(self) -> Option<f64> {
        match self {
            Shown::Value(v) => Some(v),
            Shown::Symbol(_) => None,
        }
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Value(v) => write!(f, "{v}"),
            Shown::Symbol(s) => f.write_str(s),
        }
    }
}

/// GSS symbol: confidential (suppressed).
pub const CONFIDENTIAL: &str = "c";
/// GSS symbol: not applicable (a rate over nothing).
pub const NOT_APPLICABLE: &str = "z";
/// GSS symbol: not available (no figures for this geography, or the returns did not give
/// what the measure counts).
pub const NOT_AVAILABLE: &str = "x";

/// A table ready to show: each cell's value (or symbol) for each measure.
#[derive(Debug, Clone, Serialize)]
pub struct Protected {
    /// `values[cell][measure]`, cells in the cube's order, measures as asked.
    pub values: Vec<Vec<Shown>>,
    /// Cells hidden because they are small, and cells hidden to protect them, over all
    /// patterns (a cell hidden in two patterns counts twice).
    pub primary: usize,
    pub secondary: usize,
    pub footnote: String,
}

/// Shows every measure of every cell without protection (for the owning area's own use).
pub fn unprotected(cube: &Cube, measures: &[Measure], params: &Params) -> Protected {
    let values: Vec<Vec<Shown>> = cube
        .cells
        .iter()
        .map(|c| {
            measures
                .iter()
                .map(|m| match m.value(&c.sums, params) {
                    Some(v) => Shown::Value(round(m.kind(), v)),
                    None => Shown::Symbol(m.missing(&c.sums)),
                })
                .collect()
        })
        .collect();
    let footnote = with_not_available(
        &values,
        format!("{NOT_APPLICABLE}: not applicable (a rate over nothing)."),
    );
    Protected {
        values,
        primary: 0,
        secondary: 0,
        footnote,
    }
}

/// Protects a table for publication.
pub fn protect(cube: &Cube, measures: &[Measure], params: &Params, policy: &Policy) -> Protected {
    let lines = cube.lines();
    let margin: Vec<bool> = cube.cells.iter().map(|c| c.is_margin()).collect();
    // one pattern per base count
    let mut patterns: FxHashMap<&'static str, Vec<bool>> = FxHashMap::default();
    let (mut primary, mut secondary) = (0, 0);
    for m in measures {
        if patterns.contains_key(m.base_name()) {
            continue;
        }
        let base: Vec<f64> = cube.cells.iter().map(|c| m.base(&c.sums)).collect();
        let small = primary_cells(&base, policy.threshold);
        let hidden = suppress(&lines, &margin, &base, &small);
        primary += small.iter().filter(|s| **s).count();
        secondary += hidden
            .iter()
            .zip(&small)
            .filter(|(h, s)| **h && !**s)
            .count();
        patterns.insert(m.base_name(), hidden);
    }
    let values: Vec<Vec<Shown>> = cube
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            measures
                .iter()
                .map(|m| {
                    if patterns[m.base_name()][i] {
                        return Shown::Symbol(CONFIDENTIAL);
                    }
                    match m.value(&c.sums, params) {
                        None => Shown::Symbol(m.missing(&c.sums)),
                        Some(v) if m.kind() == Kind::Count && policy.rounding > 1 => {
                            let b = f64::from(policy.rounding);
                            Shown::Value((v / b).round() * b)
                        }
                        Some(v) => Shown::Value(round(m.kind(), v)),
                    }
                })
                .collect()
        })
        .collect();
    let footnote = with_not_available(&values, footnote(policy));
    Protected {
        values,
        primary,
        secondary,
        footnote,
    }
}

/// The footnote, saying what `x` means where a table shows it.
fn with_not_available(values: &[Vec<Shown>], mut footnote: String) -> String {
    let shown = values
        .iter()
        .flatten()
        .any(|v| *v == Shown::Symbol(NOT_AVAILABLE));
    if shown {
        footnote.push_str(&format!(
            " {NOT_AVAILABLE}: not available (the returns did not give it: a census return, \
             for one, does not ask about training or integrated working)."
        ));
    }
    footnote
}

fn footnote(policy: &Policy) -> String {
    let mut f = String::new();
    if policy.threshold > 0 {
        f.push_str(&format!(
            "{CONFIDENTIAL}: suppressed to protect individuals — counts of 1 to {} people, and \
             the FTE and rates resting on them, are not shown, nor are further cells from which \
             a suppressed value could be worked out using totals. ",
            policy.threshold
        ));
    }
    if policy.rounding > 1 {
        f.push_str(&format!(
            "Counts are rounded to the nearest {}, so totals may not equal the sum of their \
             parts. ",
            policy.rounding
        ));
    }
    f.push_str(&format!(
        "{NOT_APPLICABLE}: not applicable (a rate over nothing)."
    ));
    f
}

/// Cells whose base count is from 1 to the threshold.
pub fn primary_cells(base: &[f64], threshold: u32) -> Vec<bool> {
    let t = f64::from(threshold);
    base.iter().map(|&v| v > 0.0 && v.round() <= t).collect()
}

/// Extends a set of hidden cells until none can be worked out from the relations in `lines`.
/// `base` values guide the choice of partners (small, non-zero, inner cells first); `margin`
/// marks totals, which are hidden only when no inner cell will do.
pub fn suppress(lines: &[Line], margin: &[bool], base: &[f64], primary: &[bool]) -> Vec<bool> {
    let mut hidden = primary.to_vec();
    if !hidden.contains(&true) {
        return hidden;
    }
    let mut lines_of: Vec<Vec<usize>> = vec![Vec::new(); hidden.len()];
    for (l, line) in lines.iter().enumerate() {
        lines_of[line.total].push(l);
        for &p in &line.parts {
            lines_of[p].push(l);
        }
    }
    loop {
        // the classic rule: no relation with exactly one hidden cell
        let mut changed = true;
        while changed {
            changed = false;
            for line in lines {
                if cells_of(line).filter(|&c| hidden[c]).count() == 1 {
                    if let Some(c) = partner(line, &hidden, margin, base) {
                        hidden[c] = true;
                        changed = true;
                    }
                }
            }
        }
        // the proof: cells still pinned down by combinations of relations
        let exposed = exposed(lines, &hidden);
        if exposed.is_empty() {
            return hidden;
        }
        let mut added = false;
        for c in exposed {
            // a partner in one of the cell's own relations, else anywhere it can be found
            let choice = lines_of[c]
                .iter()
                .filter_map(|&l| partner(&lines[l], &hidden, margin, base))
                .min_by(|&a, &b| rank(a, margin, base).total_cmp(&rank(b, margin, base)));
            if let Some(p) = choice {
                hidden[p] = true;
                added = true;
            }
        }
        if !added {
            // every relation around the exposed cells is hidden already: hide what is left
            // next to hidden cells (rare; only in tiny, degenerate tables)
            for line in lines {
                if cells_of(line).any(|c| hidden[c]) {
                    for c in cells_of(line) {
                        added |= !hidden[c];
                        hidden[c] = true;
                    }
                }
            }
            if !added {
                return hidden;
            }
        }
    }
}

fn cells_of(line: &Line) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(line.total).chain(line.parts.iter().copied())
}

/// How costly hiding a cell is: inner before totals, non-zero before zero (a hidden zero
/// protects little), then the smallest.
fn rank(c: usize, margin: &[bool], base: &[f64]) -> f64 {
    let v = base[c];
    let mut r = v;
    if v <= 0.0 {
        r += 1e12;
    }
    if margin[c] {
        r += 1e15;
    }
    r
}

fn partner(line: &Line, hidden: &[bool], margin: &[bool], base: &[f64]) -> Option<usize> {
    cells_of(line)
        .filter(|&c| !hidden[c])
        .min_by(|&a, &b| rank(a, margin, base).total_cmp(&rank(b, margin, base)))
}

/// The hidden cells whose values are fixed by the relations: those `e_k` lies in the row
/// space of the relations restricted to hidden cells. Found by reducing the relations to
/// reduced row echelon form, sparsely: a reduced row with a single entry pins its cell.
pub fn exposed(lines: &[Line], hidden: &[bool]) -> Vec<usize> {
    const EPS: f64 = 1e-9;
    let mut column = vec![u32::MAX; hidden.len()];
    let mut cells = Vec::new();
    for (i, h) in hidden.iter().enumerate() {
        if *h {
            column[i] = cells.len() as u32;
            cells.push(i);
        }
    }
    type Row = Vec<(u32, f64)>;
    // pivot column -> its row; each row's pivot is its smallest column
    let mut basis: FxHashMap<u32, Row> = FxHashMap::default();
    for line in lines {
        let mut row: Row = cells_of(line)
            .enumerate()
            .filter(|(_, c)| hidden[*c])
            .map(|(k, c)| (column[c], if k == 0 { 1.0 } else { -1.0 }))
            .collect();
        if row.is_empty() {
            continue;
        }
        row.sort_by_key(|e| e.0);
        // eliminate every pivot column the row holds
        let mut at = 0;
        while at < row.len() {
            let (col, v) = row[at];
            match basis.get(&col) {
                Some(p) => {
                    row = axpy(&row, -v / p[0].1, p, EPS);
                    // columns before `at` are unchanged except for cancellations; rescan
                    // from the start of the remaining columns greater than or equal to col
                    at = row.partition_point(|e| e.0 < col);
                }
                None => at += 1,
            }
        }
        if let Some(&(pivot, _)) = row.first() {
            basis.insert(pivot, row);
        }
    }
    // back-substitute from the highest pivot down, so each row is free of other pivots
    let mut pivots: Vec<u32> = basis.keys().copied().collect();
    pivots.sort_unstable_by(|a, b| b.cmp(a));
    let mut reduced: FxHashMap<u32, Row> = FxHashMap::default();
    let mut out = Vec::new();
    for p in pivots {
        let Some(mut row) = basis.remove(&p) else {
            continue;
        };
        let others: Vec<(u32, f64)> = row[1..]
            .iter()
            .copied()
            .filter(|(c, _)| reduced.contains_key(c))
            .collect();
        for (c, _) in others {
            let Some(q) = reduced.get(&c) else { continue };
            let Some(&(_, v)) = row.iter().find(|e| e.0 == c) else {
                continue;
            };
            row = axpy(&row, -v / q[0].1, q, EPS);
        }
        if row.len() == 1 {
            out.push(cells[row[0].0 as usize]);
        }
        reduced.insert(p, row);
    }
    out.sort_unstable();
    out
}

/// `a + k·b` for sorted sparse rows, dropping entries that cancel.
fn axpy(a: &[(u32, f64)], k: f64, b: &[(u32, f64)], eps: f64) -> Vec<(u32, f64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let (c, v) = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                i += 1;
                j += 1;
                (x.0, x.1 + k * y.1)
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                i += 1;
                *x
            }
            (Some(_) | None, Some(y)) => {
                j += 1;
                (y.0, k * y.1)
            }
            (Some(x), None) => {
                i += 1;
                *x
            }
            (None, None) => break,
        };
        if v.abs() > eps {
            out.push((c, v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{Dimension, Group};
    use crate::measure::Sums;

    fn cube(rows: &[(&str, &str, f64)]) -> Cube {
        let groups: Vec<Group> = rows
            .iter()
            .map(|(a, b, n)| Group {
                labels: vec![a.to_string(), b.to_string()],
                sums: Sums {
                    people: *n,
                    common_core: *n,
                    common_core_known: *n,
                    ..Sums::default()
                },
            })
            .collect();
        Cube::from_groups(&[Dimension::Sector, Dimension::Contract], &groups)
    }

    fn shown(p: &Protected, cube: &Cube, labels: [Option<&str>; 2]) -> Shown {
        let i = cube
            .cells
            .iter()
            .position(|c| {
                c.labels
                    .iter()
                    .map(|l| l.as_deref())
                    .eq(labels.iter().copied())
            })
            .unwrap();
        p.values[i][0]
    }

    #[test]
    fn a_small_cell_and_its_partners_are_hidden_and_totals_stay() {
        // 2 × 2 with one small cell: the classic answer hides the rectangle of four inner
        // cells and keeps every total.
        let c = cube(&[
            ("LA", "Permanent", 40.0),
            ("LA", "Agency", 3.0),
            ("PVI", "Permanent", 30.0),
            ("PVI", "Agency", 12.0),
        ]);
        let p = protect(
            &c,
            &[Measure::People],
            &Params::default(),
            &Policy::default(),
        );
        for cell in [
            [Some("LA"), Some("Permanent")],
            [Some("LA"), Some("Agency")],
            [Some("PVI"), Some("Permanent")],
            [Some("PVI"), Some("Agency")],
        ] {
            assert_eq!(shown(&p, &c, cell), Shown::Symbol("c"), "{cell:?}");
        }
        assert_eq!(shown(&p, &c, [None, None]), Shown::Value(85.0));
        assert_eq!(shown(&p, &c, [Some("LA"), None]), Shown::Value(43.0));
        assert_eq!(shown(&p, &c, [None, Some("Agency")]), Shown::Value(15.0));
        assert_eq!((p.primary, p.secondary), (1, 3));
        assert!(p.footnote.contains("1 to 5 people"));
    }

    #[test]
    fn rates_resting_on_a_small_count_are_hidden_with_it() {
        let c = cube(&[
            ("LA", "Permanent", 40.0),
            ("LA", "Agency", 3.0),
            ("PVI", "Permanent", 30.0),
            ("PVI", "Agency", 12.0),
        ]);
        let p = protect(
            &c,
            &[Measure::People, Measure::CommonCore],
            &Params::default(),
            &Policy::default(),
        );
        let i = c
            .cells
            .iter()
            .position(|x| x.labels == vec![Some("LA".into()), Some("Agency".into())])
            .unwrap();
        assert_eq!(p.values[i], vec![Shown::Symbol("c"), Shown::Symbol("c")]);
        assert_eq!(p.values[0][1], Shown::Value(100.0));
    }

    #[test]
    fn an_answer_no_return_gave_is_not_available_not_zero() {
        // three people whose return did not ask about the Common Core: x, never 0%; an
        // empty group's rate stays z (a rate over nothing)
        let groups = [
            Group {
                labels: vec!["LA".into()],
                sums: Sums {
                    people: 3.0,
                    ..Sums::default()
                },
            },
            Group {
                labels: vec!["PVI".into()],
                sums: Sums::default(),
            },
        ];
        let c = Cube::from_groups(&[Dimension::Sector], &groups);
        let p = unprotected(&c, &[Measure::CommonCore], &Params::default());
        let at = |label: &str| {
            c.cells
                .iter()
                .position(|x| x.labels == vec![Some(label.to_string())])
                .unwrap()
        };
        assert_eq!(p.values[at("LA")][0], Shown::Symbol(NOT_AVAILABLE));
        assert_eq!(p.values[at("PVI")][0], Shown::Symbol(NOT_APPLICABLE));
        assert!(p.footnote.contains("x: not available"), "{}", p.footnote);
    }

    #[test]
    fn zero_is_not_small_and_nothing_small_hides_nothing() {
        let c = cube(&[("LA", "Permanent", 40.0), ("LA", "Agency", 0.0)]);
        let p = protect(
            &c,
            &[Measure::People],
            &Params::default(),
            &Policy::default(),
        );
        assert!(p.values.iter().all(|v| matches!(v[0], Shown::Value(_))));
        assert_eq!((p.primary, p.secondary), (0, 0));
    }

    #[test]
    fn a_single_part_is_as_exposed_as_its_total() {
        // PVI has one contract only: its total equals its one cell, so both go.
        let c = cube(&[
            ("LA", "Permanent", 40.0),
            ("LA", "Agency", 20.0),
            ("PVI", "Permanent", 4.0),
        ]);
        let p = protect(
            &c,
            &[Measure::People],
            &Params::default(),
            &Policy::default(),
        );
        assert_eq!(
            shown(&p, &c, [Some("PVI"), Some("Permanent")]),
            Shown::Symbol("c")
        );
        assert_eq!(shown(&p, &c, [Some("PVI"), None]), Shown::Symbol("c"));
        // and whatever else is hidden, no hidden cell is pinned down
        let hidden: Vec<bool> = p
            .values
            .iter()
            .map(|v| v[0] == Shown::Symbol("c"))
            .collect();
        assert!(exposed(&c.lines(), &hidden).is_empty());
    }

    #[test]
    fn the_proof_finds_a_cell_pinned_down_by_a_combination_of_relations() {
        // relations T = a + b and a = c (a total with a single part). Hiding a and c gives
        // the second relation two hidden cells, yet T − b pins a, and so c.
        let lines = vec![
            Line {
                total: 0,
                parts: vec![1, 2],
            },
            Line {
                total: 1,
                parts: vec![3],
            },
        ];
        // hidden: 1 and 3 (a and its copy): T - b = a is known, so both are exposed
        assert_eq!(exposed(&lines, &[false, true, false, true]), vec![1, 3]);
        // hiding b as well frees them
        assert!(exposed(&lines, &[false, true, true, true]).is_empty());
    }

    #[test]
    fn counts_are_rounded_when_asked_and_the_footnote_says_so() {
        let c = cube(&[("LA", "Permanent", 43.0), ("PVI", "Permanent", 38.0)]);
        let p = protect(
            &c,
            &[Measure::People],
            &Params::default(),
            &Policy {
                threshold: 5,
                rounding: 10,
            },
        );
        assert_eq!(p.values[0][0], Shown::Value(80.0));
        assert!(p.footnote.contains("nearest 10"));
    }
}
