//! Property tests of disclosure control: for random tables of one to three dimensions with
//! their margins, after protection
//! - every count from 1 to the threshold is hidden, and so is every rate resting on one;
//! - no hidden value can be worked out from the shown cells: checked independently of the
//!   library, with exact rational arithmetic, by finding for each hidden cell a change to the
//!   hidden cells that keeps every total right and moves that cell;
//! - tables with no small counts are shown whole.

use cws_analyse::cube::Cube;
use cws_analyse::disclosure::{protect, Policy, Shown};
use cws_analyse::figures::{Dimension, Group};
use cws_analyse::measure::{Measure, Params, Sums};
use proptest::prelude::*;

/// Exact fractions for the independent check.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Q(i128, i128);

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

impl Q {
    fn new(n: i128, d: i128) -> Q {
        let g = gcd(n, d).max(1);
        let s = if d < 0 { -1 } else { 1 };
        Q(s * n / g, s * d / g)
    }
    fn zero(self) -> bool {
        self.0 == 0
    }
    fn sub(self, o: Q) -> Q {
        Q::new(self.0 * o.1 - o.0 * self.1, self.1 * o.1)
    }
    fn mul(self, o: Q) -> Q {
        Q::new(self.0 * o.0, self.1 * o.1)
    }
    fn div(self, o: Q) -> Q {
        Q::new(self.0 * o.1, self.1 * o.0)
    }
}

/// Rank of a dense matrix by exact elimination.
fn rank(mut m: Vec<Vec<Q>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| !m[i][c].zero()) else {
            continue;
        };
        m.swap(r, p);
        for i in 0..m.len() {
            if i != r && !m[i][c].zero() {
                let k = m[i][c].div(m[r][c]);
                let pivot_row = m[r].clone();
                for (x, v) in m[i].iter_mut().zip(pivot_row) {
                    *x = x.sub(k.mul(v));
                }
            }
        }
        r += 1;
    }
    r
}

/// True when hidden cell `k` can move while every relation still holds: its column is in the
/// span of the other hidden cells' columns (rank unchanged without it).
fn can_move(cube: &Cube, hidden: &[usize], k: usize) -> bool {
    let lines = cube.lines();
    let matrix = |cols: &[usize]| -> Vec<Vec<Q>> {
        lines
            .iter()
            .map(|l| {
                cols.iter()
                    .map(|&c| {
                        if l.total == c {
                            Q(1, 1)
                        } else if l.parts.contains(&c) {
                            Q(-1, 1)
                        } else {
                            Q(0, 1)
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let others: Vec<usize> = hidden.iter().copied().filter(|&c| c != k).collect();
    rank(matrix(hidden)) == rank(matrix(&others))
}

const DIMS: [Dimension; 3] = [Dimension::Sector, Dimension::Contract, Dimension::RoleGroup];

fn table() -> impl Strategy<Value = (usize, Vec<(Vec<u8>, u32)>)> {
    (1usize..=3).prop_flat_map(|d| {
        // up to 4 values per dimension; counts skewed small so suppression happens often
        let cell = (
            prop::collection::vec(0u8..4, d),
            prop_oneof![3 => 1u32..=6, 2 => 7u32..60, 1 => Just(0u32)],
        );
        (Just(d), prop::collection::vec(cell, 1..14))
    })
}

fn build(d: usize, cells: &[(Vec<u8>, u32)]) -> Cube {
    let mut seen = std::collections::HashSet::new();
    let groups: Vec<Group> = cells
        .iter()
        .filter(|(k, _)| seen.insert(k.clone()))
        .map(|(k, n)| Group {
            labels: k.iter().map(|v| format!("v{v}")).collect(),
            sums: Sums {
                people: f64::from(*n),
                multi_agency: f64::from(*n / 2),
                // everyone answered, so the rate rests on the same people
                multi_agency_known: f64::from(*n),
                ..Sums::default()
            },
        })
        .collect();
    Cube::from_groups(&DIMS[..d], &groups)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_hidden_value_can_be_worked_out((d, cells) in table(), threshold in 0u32..=5) {
        let cube = build(d, &cells);
        let policy = Policy { threshold, rounding: 1 };
        let p = protect(&cube, &[Measure::People, Measure::MultiAgency], &Params::default(), &policy);
        let hidden: Vec<usize> = (0..cube.cells.len())
            .filter(|&i| p.values[i][0] == Shown::Symbol("c"))
            .collect();
        for (i, c) in cube.cells.iter().enumerate() {
            let n = c.sums.people;
            if n >= 1.0 && n <= f64::from(threshold) {
                prop_assert!(hidden.contains(&i), "small count {n} shown in cell {:?}", c.labels);
                // the rate on it goes too
                prop_assert_eq!(p.values[i][1], Shown::Symbol("c"));
            }
        }
        for &k in &hidden {
            prop_assert!(can_move(&cube, &hidden, k),
                "hidden cell {:?} ({}) can be worked out", cube.cells[k].labels, cube.cells[k].sums.people);
        }
        // shown values are the true ones
        for (i, c) in cube.cells.iter().enumerate() {
            if let Shown::Value(v) = p.values[i][0] {
                prop_assert_eq!(v, c.sums.people);
            }
        }
    }

    #[test]
    fn tables_without_small_counts_are_shown_whole((d, cells) in table()) {
        let cells: Vec<(Vec<u8>, u32)> = cells.into_iter().map(|(k, n)| (k, n.max(6) + 6)).collect();
        let cube = build(d, &cells);
        let p = protect(&cube, &[Measure::People], &Params::default(), &Policy::default());
        prop_assert!(p.values.iter().all(|v| matches!(v[0], Shown::Value(_))));
        prop_assert_eq!((p.primary, p.secondary), (0, 0));
    }
}
