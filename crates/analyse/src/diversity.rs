//! Diversity against the community (docs/definitions.md §6): each broad ethnic group's share of the
//! workforce (people in post whose ethnicity is known) beside its share of the community the
//! workforce serves — Census 2021 usual residents by default, or another comparator a
//! deployment has loaded (children, residents of working age) — and the representation
//! ratio between them (1 = as the community; below 1 = under-represented).
//!
//! Census 2021 counts are mapped to the census return's groups as the workforce's are
//! (`Ethnicity::from_census_2021_category`), so both sides use the same five groups.

use cws_domain::worker::{EthnicGroup, Ethnicity};

use crate::cube::Line;
use crate::disclosure::{primary_cells, suppress, Policy, Shown, CONFIDENTIAL, NOT_APPLICABLE};
use crate::export::{ChartSpec, Column, Table, TableRow};
use crate::measure::Sums;

/// The five broad groups compared (people whose ethnicity is unknown are left out of shares).
pub const GROUPS: [EthnicGroup; 5] = [
    EthnicGroup::White,
    EthnicGroup::Mixed,
    EthnicGroup::Asian,
    EthnicGroup::Black,
    EthnicGroup::Other,
];

/// A community's population by broad ethnic group.
#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    /// What the population is, in words ("usual residents, Census 2021").
    pub description: String,
    pub source: String,
    /// Persons in each of `GROUPS`.
    pub persons: [f64; 5],
    /// A note on how the counts were put together (e.g. summed from areas).
    pub note: Option<String>,
}

impl Community {
    /// Builds a community from Census 2021 counts by category (1–19; others ignored).
    pub fn from_categories(description: &str, source: &str, counts: &[(i64, i64)]) -> Community {
        let mut persons = [0.0; 5];
        for &(category, n) in counts {
            let group = u8::try_from(category)
                .ok()
                .and_then(Ethnicity::from_census_2021_category)
                .map(Ethnicity::group);
            if let Some(i) = group.and_then(|g| GROUPS.iter().position(|x| *x == g)) {
                persons[i] += n as f64;
            }
        }
        Community {
            description: description.into(),
            source: source.into(),
            persons,
            note: None,
        }
    }

    pub fn total(&self) -> f64 {
        self.persons.iter().sum()
    }

    /// A group's share of the community (%), or `None` for an empty community.
    pub fn share(&self, i: usize) -> Option<f64> {
        let t = self.total();
        (t > 0.0).then(|| self.persons[i] / t * 100.0)
    }
}

fn workforce_counts(s: &Sums) -> [f64; 5] {
    [
        s.ethnicity_white,
        s.ethnicity_mixed,
        s.ethnicity_asian,
        s.ethnicity_black,
        s.ethnicity_other,
    ]
}

/// One group's comparison, unrounded and unprotected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Representation {
    pub group: EthnicGroup,
    pub people: f64,
    pub workforce_pct: Option<f64>,
    pub community_pct: Option<f64>,
    /// Workforce share ÷ community share.
    pub ratio: Option<f64>,
}

/// Each group's workforce share, community share and representation ratio.
pub fn representation(sums: &Sums, community: &Community) -> Vec<Representation> {
    let counts = workforce_counts(sums);
    GROUPS
        .iter()
        .enumerate()
        .map(|(i, &group)| {
            let workforce_pct =
                (sums.ethnicity_known > 0.0).then(|| counts[i] / sums.ethnicity_known * 100.0);
            let community_pct = community.share(i);
            let ratio = match (workforce_pct, community_pct) {
                (Some(w), Some(c)) if c > 0.0 => Some(w / c),
                _ => None,
            };
            Representation {
                group,
                people: counts[i],
                workforce_pct,
                community_pct,
                ratio,
            }
        })
        .collect()
}

/// The comparison as a table: all people in post, those whose ethnicity is known and not
/// known, then one row per group. With a policy, small counts and everything resting on
/// them are suppressed, with partners so none can be worked out from the totals.
pub fn table(title: String, sums: &Sums, community: &Community, policy: Option<&Policy>) -> Table {
    let reps = representation(sums, community);
    // cells: 0 all people, 1 known, 2 not known, 3.. groups; all = known + not known, and
    // known = the sum of the groups
    let mut counts = vec![
        sums.people,
        sums.ethnicity_known,
        sums.people - sums.ethnicity_known,
    ];
    counts.extend(reps.iter().map(|r| r.people));
    let hidden = match policy {
        Some(p) => {
            let lines = [
                Line {
                    total: 0,
                    parts: vec![1, 2],
                },
                Line {
                    total: 1,
                    parts: (3..3 + GROUPS.len()).collect(),
                },
            ];
            let mut margin = vec![false; counts.len()];
            margin[0] = true;
            margin[1] = true;
            suppress(
                &lines,
                &margin,
                &counts,
                &primary_cells(&counts, p.threshold),
            )
        }
        None => vec![false; counts.len()],
    };
    let rounding = policy.map_or(1, |p| p.rounding).max(1) as f64;
    let count = |i: usize| {
        if hidden[i] {
            Shown::Symbol(CONFIDENTIAL)
        } else {
            Shown::Value((counts[i] / rounding).round() * rounding)
        }
    };
    let rate = |i: usize, v: Option<f64>, dp: f64| match v {
        _ if hidden[i] => Shown::Symbol(CONFIDENTIAL),
        Some(v) => Shown::Value((v * dp).round() / dp),
        None => Shown::Symbol(NOT_APPLICABLE),
    };
    let z = Shown::Symbol(NOT_APPLICABLE);
    let mut rows = vec![
        TableRow {
            labels: vec!["All people in post".into()],
            values: vec![count(0), z, z, z],
        },
        TableRow {
            labels: vec!["Ethnicity known".into()],
            values: vec![count(1), z, z, z],
        },
        TableRow {
            labels: vec!["Ethnicity not known".into()],
            values: vec![count(2), z, z, z],
        },
    ];
    for (j, r) in reps.iter().enumerate() {
        let i = 3 + j;
        rows.push(TableRow {
            labels: vec![r.group.label().to_string()],
            values: vec![
                count(i),
                rate(i, r.workforce_pct, 10.0),
                // the community's share is public: never suppressed
                match r.community_pct {
                    Some(v) => Shown::Value((v * 10.0).round() / 10.0),
                    None => z,
                },
                rate(i, r.ratio, 100.0),
            ],
        });
    }
    let mut footnote = format!(
        "Workforce: people in post (employed and agency, each person once) whose ethnicity is \
         known; groups as in the workforce census. Community: {} ({}), mapped to the same \
         groups. Representation ratio = workforce share ÷ community share: 1 is as the \
         community, below 1 under-represented.",
        community.description, community.source
    );
    if let Some(n) = &community.note {
        footnote.push(' ');
        footnote.push_str(n);
    }
    if let Some(p) = policy {
        footnote.push_str(&format!(
            " {CONFIDENTIAL}: suppressed to protect individuals — counts of 1 to {} \
                 people and the shares resting on them, and further cells from which one could \
                 be worked out.",
            p.threshold
        ));
        if p.rounding > 1 {
            footnote.push_str(&format!(
                " Counts are rounded to the nearest {}.",
                p.rounding
            ));
        }
    }
    footnote.push_str(&format!(" {NOT_APPLICABLE}: not applicable."));
    Table {
        title,
        label_columns: vec!["ethnic_group".into()],
        columns: vec![
            Column::new("people", "People in post"),
            Column::new(
                "workforce_pct",
                "Share of the workforce whose ethnicity is known (%)",
            ),
            Column::new("community_pct", "Share of the community (%)"),
            Column::new(
                "representation_ratio",
                "Workforce share ÷ community share (1 = as the community)",
            ),
        ],
        rows,
        footnote,
        // the two shares side by side, group by group
        chart: Some(ChartSpec {
            rows: 3..3 + GROUPS.len(),
            columns: vec![1, 2],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn community() -> Community {
        // 800 White British (13), 100 Indian (3), 50 Caribbean (7), 50 Arab (18)
        Community::from_categories(
            "usual residents",
            "test",
            &[(13, 800), (3, 100), (7, 50), (18, 50), (-8, 999)],
        )
    }

    fn sums(white: f64, asian: f64, black: f64, unknown: f64) -> Sums {
        Sums {
            people: white + asian + black + unknown,
            ethnicity_known: white + asian + black,
            ethnicity_white: white,
            ethnicity_asian: asian,
            ethnicity_black: black,
            ..Sums::default()
        }
    }

    #[test]
    fn census_categories_map_to_the_workforce_groups() {
        let c = community();
        assert_eq!(c.persons, [800.0, 0.0, 100.0, 50.0, 50.0]);
        assert_eq!(c.share(0), Some(80.0));
    }

    #[test]
    fn shares_and_ratios_by_hand() {
        // 60 White, 30 Asian, 10 Black known; 20 unknown (left out of shares)
        let r = representation(&sums(60.0, 30.0, 10.0, 20.0), &community());
        assert_eq!(r[0].workforce_pct, Some(60.0));
        assert_eq!(r[0].ratio, Some(0.75));
        assert_eq!(r[2].workforce_pct, Some(30.0));
        assert_eq!(r[2].ratio, Some(3.0));
        assert_eq!(r[3].ratio, Some(2.0));
        // Mixed: none in the workforce, none in the community: no ratio
        assert_eq!(r[1].workforce_pct, Some(0.0));
        assert_eq!(r[1].ratio, None);
        // Other: none in the workforce against 5% of the community: not represented at all
        assert_eq!(r[4].ratio, Some(0.0));
        // nobody with a known ethnicity: no shares at all
        let none = representation(&sums(0.0, 0.0, 0.0, 7.0), &community());
        assert!(none.iter().all(|r| r.workforce_pct.is_none()));
    }

    #[test]
    fn small_groups_are_hidden_with_a_partner_when_protected() {
        // 3 Black people: hidden; with only one hidden group, another must go too
        let s = sums(60.0, 30.0, 3.0, 20.0);
        let t = table("t".into(), &s, &community(), Some(&Policy::default()));
        let black = &t.rows[6];
        assert_eq!(black.labels[0], "Black or Black British");
        assert_eq!(black.values[0], Shown::Symbol("c"));
        assert_eq!(black.values[1], Shown::Symbol("c"));
        assert_eq!(black.values[3], Shown::Symbol("c"));
        assert!(
            black.values[2].value().is_some(),
            "community share is public"
        );
        let hidden_counts = t
            .rows
            .iter()
            .filter(|r| r.values[0] == Shown::Symbol("c"))
            .count();
        assert!(hidden_counts >= 2, "a partner is hidden too");
        // unprotected: the area's own view shows everything
        let own = table("t".into(), &s, &community(), None);
        assert_eq!(own.rows[6].values[0], Shown::Value(3.0));
        assert!(own.footnote.contains("usual residents"));
    }
}
