//! A table with all its margins: the groups of a computation by several dimensions, plus the
//! totals over every subset of those dimensions ("Total" rows), each with its sums.
//!
//! Margins are added up from the finest groups, so every total is exactly the sum of its
//! parts; `lines` lists those additive relations, which disclosure control needs to know
//! what a reader could work out from a published table.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::figures::{Dimension, Group};
use crate::measure::Sums;

/// One cell: its label in each dimension (`None` for the total over that dimension).
#[derive(Debug, Clone, Serialize)]
pub struct CubeCell {
    pub labels: Vec<Option<String>>,
    pub sums: Sums,
}

impl CubeCell {
    /// True for a total over at least one dimension.
    pub fn is_margin(&self) -> bool {
        self.labels.iter().any(Option::is_none)
    }
}

/// A total and the cells that add up to it along one dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// A table and all its margins.
#[derive(Debug, Clone)]
pub struct Cube {
    pub dims: Vec<Dimension>,
    /// The grand total first, then the margins by fewer cut dimensions, then the full cut;
    /// within each, in label order.
    pub cells: Vec<CubeCell>,
}

impl Cube {
    /// Builds the table and its margins from the groups of the full cut.
    pub fn from_groups(dims: &[Dimension], groups: &[Group]) -> Cube {
        let n = dims.len();
        // masks ordered by the number of dimensions cut, so totals come first
        let mut masks: Vec<u32> = (0..(1u32 << n)).collect();
        masks.sort_by_key(|m| (m.count_ones(), *m));
        let mut cells = Vec::new();
        for mask in masks {
            let mut acc: FxHashMap<Vec<Option<&str>>, Sums> = FxHashMap::default();
            for g in groups {
                let key: Vec<Option<&str>> = g
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (mask & (1 << i) != 0).then_some(l.as_str()))
                    .collect();
                acc.entry(key).or_default().add(&g.sums);
            }
            // the grand total exists even when nothing is in scope
            if mask == 0 && acc.is_empty() {
                acc.insert(vec![None; n], Sums::default());
            }
            let mut part: Vec<CubeCell> = acc
                .into_iter()
                .map(|(k, sums)| CubeCell {
                    labels: k.into_iter().map(|l| l.map(str::to_string)).collect(),
                    sums,
                })
                .collect();
            part.sort_by(|a, b| a.labels.cmp(&b.labels));
            cells.extend(part);
        }
        Cube {
            dims: dims.to_vec(),
            cells,
        }
    }

    /// Every additive relation: for each cell and each dimension it is cut by, its total over
    /// that dimension equals the sum of it and its siblings.
    pub fn lines(&self) -> Vec<Line> {
        let index: FxHashMap<&[Option<String>], usize> = self
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| (c.labels.as_slice(), i))
            .collect();
        let mut lines: FxHashMap<(usize, usize), Vec<usize>> = FxHashMap::default();
        for (i, c) in self.cells.iter().enumerate() {
            for d in 0..self.dims.len() {
                if c.labels[d].is_none() {
                    continue;
                }
                let mut up = c.labels.clone();
                up[d] = None;
                if let Some(&t) = index.get(up.as_slice()) {
                    lines.entry((t, d)).or_default().push(i);
                }
            }
        }
        let mut out: Vec<Line> = lines
            .into_iter()
            .map(|((total, _), parts)| Line { total, parts })
            .collect();
        out.sort_by(|a, b| (a.total, &a.parts).cmp(&(b.total, &b.parts)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(labels: &[&str], people: f64) -> Group {
        Group {
            labels: labels.iter().map(|s| s.to_string()).collect(),
            sums: Sums {
                people,
                ..Sums::default()
            },
        }
    }

    #[test]
    fn margins_add_up_and_lines_relate_them() {
        let dims = [Dimension::Sector, Dimension::Contract];
        let cube = Cube::from_groups(
            &dims,
            &[
                group(&["LA", "Permanent"], 10.0),
                group(&["LA", "Agency"], 3.0),
                group(&["PVI", "Permanent"], 7.0),
            ],
        );
        // 1 grand total + 2 contract totals + 2 sector totals + 3 cells
        assert_eq!(cube.cells.len(), 8);
        assert_eq!(cube.cells[0].labels, vec![None, None]);
        assert_eq!(cube.cells[0].sums.people, 20.0);
        let la = cube
            .cells
            .iter()
            .find(|c| c.labels == vec![Some("LA".to_string()), None])
            .unwrap();
        assert_eq!(la.sums.people, 13.0);
        let lines = cube.lines();
        // grand total = sum over sectors, = sum over contracts; LA = its two contracts; PVI =
        // its one; Permanent = two sectors; Agency = one sector
        assert_eq!(lines.len(), 6);
        for l in &lines {
            let parts: f64 = l.parts.iter().map(|&i| cube.cells[i].sums.people).sum();
            assert_eq!(parts, cube.cells[l.total].sums.people);
        }
    }

    #[test]
    fn an_empty_table_still_has_its_total() {
        let cube = Cube::from_groups(&[Dimension::Sector], &[]);
        assert_eq!(cube.cells.len(), 1);
        assert!(cube.lines().is_empty());
    }
}
