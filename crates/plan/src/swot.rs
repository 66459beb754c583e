//! SWOT entries proposed from the figures: cws reads the workforce and suggests strengths,
//! weaknesses, opportunities and threats that the area's lead accepts, edits or rejects.
//! Each proposal has a stable key so a decision sticks while the figures behind it move.

use cws_domain::code_enum;
use serde::Serialize;

code_enum!(
    /// A quadrant of the SWOT analysis.
    Quadrant, "SWOT quadrant" {
        Strength => ("strength", "Strengths"),
        Weakness => ("weakness", "Weaknesses"),
        Opportunity => ("opportunity", "Opportunities"),
        Threat => ("threat", "Threats"),
    }
);

code_enum!(
    /// Where an entry of the analysis of the current position belongs: one of the SWOT
    /// quadrants or one of the STEEP factors of the context.
    AnalysisKind, "analysis heading" {
        Strength => ("strength", "Strengths"),
        Weakness => ("weakness", "Weaknesses"),
        Opportunity => ("opportunity", "Opportunities"),
        Threat => ("threat", "Threats"),
        Social => ("social", "Social"),
        Technological => ("technological", "Technological"),
        Economic => ("economic", "Economic"),
        Environmental => ("environmental", "Environmental"),
        Political => ("political", "Political"),
    }
);

impl AnalysisKind {
    /// The STEEP factors, in the order the strategy lists them.
    pub const STEEP: [AnalysisKind; 5] = [
        AnalysisKind::Social,
        AnalysisKind::Technological,
        AnalysisKind::Economic,
        AnalysisKind::Environmental,
        AnalysisKind::Political,
    ];

    /// The SWOT quadrant this heading is, if it is one.
    pub fn quadrant(self) -> Option<Quadrant> {
        match self {
            AnalysisKind::Strength => Some(Quadrant::Strength),
            AnalysisKind::Weakness => Some(Quadrant::Weakness),
            AnalysisKind::Opportunity => Some(Quadrant::Opportunity),
            AnalysisKind::Threat => Some(Quadrant::Threat),
            _ => None,
        }
    }

    pub fn is_steep(self) -> bool {
        self.quadrant().is_none()
    }
}

impl From<Quadrant> for AnalysisKind {
    fn from(q: Quadrant) -> AnalysisKind {
        match q {
            Quadrant::Strength => AnalysisKind::Strength,
            Quadrant::Weakness => AnalysisKind::Weakness,
            Quadrant::Opportunity => AnalysisKind::Opportunity,
            Quadrant::Threat => AnalysisKind::Threat,
        }
    }
}

code_enum!(
    /// How an entry of the analysis came to be: a proposal from the figures the lead accepted
    /// (perhaps reworded) or rejected, or an entry the lead wrote.
    Decision, "analysis decision" {
        Accepted => ("accepted", "Accepted"),
        Rejected => ("rejected", "Rejected"),
        Written => ("written", "Written by the lead"),
    }
);

/// A group's rates (a role group, sector …); `None` where the figure is not applicable.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRates {
    pub key: String,
    pub label: String,
    pub fte: f64,
    pub vacancy_rate: Option<f64>,
    pub turnover_rate: Option<f64>,
    /// The same role group's rates in England, like for like; `None` when England's figures
    /// rest on too few areas to compare with.
    pub england_vacancy_rate: Option<f64>,
    pub england_turnover_rate: Option<f64>,
    /// What England's rates rest on when they are not England's returns alone (DfE's
    /// published figures standing in for areas without returns), said beside them.
    pub england_basis: Option<String>,
}

/// How many organisations of a sector were expected to return and how many did.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub key: String,
    pub label: String,
    pub expected: u32,
    pub returned: u32,
}

impl Coverage {
    pub fn pct(&self) -> Option<f64> {
        (self.expected > 0).then(|| self.returned as f64 / self.expected as f64 * 100.0)
    }
}

/// A group's share of the workforce beside its share of the community.
#[derive(Debug, Clone, PartialEq)]
pub struct Representation {
    pub group: String,
    pub workforce_pct: f64,
    pub community_pct: f64,
}

/// What the proposals are drawn from: the area's figures at one census date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub census: String,
    pub role_groups: Vec<GroupRates>,
    pub coverage: Vec<Coverage>,
    /// People in post aged 55 or over (%).
    pub age_55_plus_pct: Option<f64>,
    pub representation: Vec<Representation>,
    /// Non-graduates at Level 3 or above (%), and how many non-graduates are below it.
    pub level3_pct: Option<f64>,
    pub below_level3: Option<f64>,
    pub agency_rate: Option<f64>,
}

/// One proposed entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub key: String,
    pub quadrant: Quadrant,
    pub text: String,
}

/// Ignore groups smaller than this (FTE) when ranking rates: a rate over two people says
/// little.
pub const MIN_GROUP_FTE: f64 = 5.0;
/// A sector whose return coverage is below this (%) is a data weakness.
pub const LOW_COVERAGE_PCT: f64 = 75.0;
/// A workforce with at least this share aged 55+ (%) faces a retirement threat.
pub const RETIREMENT_THREAT_PCT: f64 = 20.0;
/// A group is under-represented when its workforce share is below this fraction of its
/// community share.
pub const UNDER_REPRESENTED_RATIO: f64 = 0.8;
/// Level 3 is the minimum for non-graduates (docs/definitions.md §8): below this share it is a weakness,
/// at or above it a strength.
pub const LEVEL3_STRENGTH_PCT: f64 = 80.0;

fn one(x: f64) -> String {
    format!("{x:.1}")
}

/// The highest of a rate among groups big enough to count.
fn highest(
    groups: &[GroupRates],
    rate: impl Fn(&GroupRates) -> Option<f64>,
) -> Option<(&GroupRates, f64)> {
    groups
        .iter()
        .filter(|g| g.fte >= MIN_GROUP_FTE)
        .filter_map(|g| rate(g).map(|r| (g, r)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// England's rate beside a group's, and what it rests on when that is not returns alone.
fn england(g: &GroupRates, rate: f64) -> String {
    match &g.england_basis {
        Some(basis) => format!(" (the same role group in England: {}%, {basis})", one(rate)),
        None => format!(" (the same role group in England: {}%)", one(rate)),
    }
}

/// Proposals from the evidence, in quadrant order.
pub fn propose(e: &Evidence) -> Vec<Proposal> {
    let mut out = Vec::new();
    let at = &e.census;
    if let Some((g, r)) = highest(&e.role_groups, |g| g.vacancy_rate) {
        if r > 0.0 {
            let vs = g
                .england_vacancy_rate
                .map(|n| england(g, n))
                .unwrap_or_default();
            out.push(Proposal {
                key: format!("vacancy:{}", g.key),
                quadrant: Quadrant::Weakness,
                text: format!(
                    "Highest vacancy rate of any role group: {}, with {}% of posts (FTE) vacant at {at}{vs}.",
                    g.label,
                    one(r)
                ),
            });
        }
    }
    if let Some((g, r)) = highest(&e.role_groups, |g| g.turnover_rate) {
        if r > 0.0 {
            let vs = g
                .england_turnover_rate
                .map(|n| england(g, n))
                .unwrap_or_default();
            out.push(Proposal {
                key: format!("turnover:{}", g.key),
                quadrant: Quadrant::Weakness,
                text: format!(
                    "Highest turnover of any role group: {}, {}% (FTE) in the year to {at}{vs}.",
                    g.label,
                    one(r)
                ),
            });
        }
    }
    // the lowest-coverage sectors (up to two) make the picture incomplete
    let mut low: Vec<(&Coverage, f64)> = e
        .coverage
        .iter()
        .filter_map(|c| c.pct().map(|p| (c, p)))
        .filter(|(_, p)| *p < LOW_COVERAGE_PCT)
        .collect();
    low.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (c, p) in low.into_iter().take(2) {
        out.push(Proposal {
            key: format!("coverage:{}", c.key),
            quadrant: Quadrant::Weakness,
            text: format!(
                "Only {} of {} {} organisations ({}%) sent a return for {at}, so the picture of that sector is incomplete.",
                c.returned,
                c.expected,
                c.label,
                one(p)
            ),
        });
    }
    if let (Some(pct), Some(below)) = (e.level3_pct, e.below_level3) {
        if pct >= LEVEL3_STRENGTH_PCT {
            out.push(Proposal {
                key: "level3".into(),
                quadrant: Quadrant::Strength,
                text: format!(
                    "{}% of non-graduates hold Level 3 or above, the minimum the national strategy expects.",
                    one(pct)
                ),
            });
        } else {
            out.push(Proposal {
                key: "level3".into(),
                quadrant: Quadrant::Weakness,
                text: format!(
                    "{below:.0} non-graduates are below Level 3 (only {}% have reached it): the gap to the national minimum.",
                    one(pct)
                ),
            });
            out.push(Proposal {
                key: "level3_training".into(),
                quadrant: Quadrant::Opportunity,
                text: format!(
                    "Funded Level 2 and 3 programmes could close the gap for the {below:.0} non-graduates below Level 3."
                ),
            });
        }
    }
    for r in &e.representation {
        if r.community_pct > 0.0 && r.workforce_pct < r.community_pct * UNDER_REPRESENTED_RATIO {
            out.push(Proposal {
                key: format!("diversity:{}", r.group),
                quadrant: Quadrant::Weakness,
                text: format!(
                    "{} people are under-represented: {}% of the workforce against {}% of the community.",
                    r.group,
                    one(r.workforce_pct),
                    one(r.community_pct)
                ),
            });
        }
    }
    if e.representation.iter().any(|r| {
        r.community_pct > 0.0 && r.workforce_pct < r.community_pct * UNDER_REPRESENTED_RATIO
    }) {
        out.push(Proposal {
            key: "diversity:pathways".into(),
            quadrant: Quadrant::Opportunity,
            text: "Pathways into work (volunteering, apprenticeships, local recruitment fairs) can draw on communities under-represented in the workforce.".into(),
        });
    }
    if let Some(pct) = e.age_55_plus_pct {
        if pct >= RETIREMENT_THREAT_PCT {
            out.push(Proposal {
                key: "retirement".into(),
                quadrant: Quadrant::Threat,
                text: format!(
                    "{}% of people in post are 55 or over: a wave of retirements within ten years.",
                    one(pct)
                ),
            });
        }
    }
    if let Some(a) = e.agency_rate {
        if a >= 10.0 {
            out.push(Proposal {
                key: "agency".into(),
                quadrant: Quadrant::Threat,
                text: format!(
                    "Agency workers fill {}% of the workforce (FTE), at a higher cost and with less continuity for children.",
                    one(a)
                ),
            });
        }
    }
    out.sort_by_key(|p| p.quadrant);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(key: &str, fte: f64, vacancy: f64, turnover: f64) -> GroupRates {
        GroupRates {
            key: key.into(),
            label: key.replace('_', " "),
            fte,
            vacancy_rate: Some(vacancy),
            turnover_rate: Some(turnover),
            england_vacancy_rate: (key == "social_work").then_some(16.0),
            england_turnover_rate: None,
            england_basis: None,
        }
    }

    #[test]
    fn england_s_basis_is_said_beside_its_rate() {
        let mut g = group("social_work", 120.0, 18.2, 12.0);
        g.england_basis = Some("1 of 153 areas by returns, 152 by DfE's published figures".into());
        let e = Evidence {
            role_groups: vec![g],
            ..Evidence::default()
        };
        let p = propose(&e);
        assert!(
            p[0].text.ends_with(
                "(the same role group in England: 16.0%, 1 of 153 areas by returns, 152 by DfE's published figures)."
            ),
            "{}",
            p[0].text
        );
    }

    #[test]
    fn every_quadrant_is_an_analysis_heading_and_back() {
        for q in Quadrant::ALL {
            let k = AnalysisKind::from(*q);
            assert_eq!(k.quadrant(), Some(*q));
            assert_eq!(k.code(), q.code());
            assert!(!k.is_steep());
        }
        assert!(AnalysisKind::STEEP.iter().all(|k| k.is_steep()));
        assert_eq!(
            AnalysisKind::ALL.len(),
            Quadrant::ALL.len() + AnalysisKind::STEEP.len()
        );
    }

    #[test]
    fn proposals_follow_the_figures() {
        let e = Evidence {
            census: "30 September 2025".into(),
            role_groups: vec![
                group("social_work", 120.0, 18.2, 12.0),
                group("early_years", 300.0, 6.0, 21.5),
                // tiny group with an extreme rate: ignored
                group("play", 2.0, 50.0, 60.0),
            ],
            coverage: vec![
                Coverage {
                    key: "private".into(),
                    label: "private sector".into(),
                    expected: 40,
                    returned: 12,
                },
                Coverage {
                    key: "voluntary".into(),
                    label: "voluntary sector".into(),
                    expected: 10,
                    returned: 7,
                },
                Coverage {
                    key: "la".into(),
                    label: "local authority".into(),
                    expected: 3,
                    returned: 3,
                },
            ],
            age_55_plus_pct: Some(24.0),
            representation: vec![
                Representation {
                    group: "Asian".into(),
                    workforce_pct: 4.0,
                    community_pct: 10.0,
                },
                Representation {
                    group: "White".into(),
                    workforce_pct: 85.0,
                    community_pct: 80.0,
                },
            ],
            level3_pct: Some(62.5),
            below_level3: Some(150.0),
            agency_rate: Some(4.0),
        };
        let p = propose(&e);
        let keys: Vec<&str> = p.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "vacancy:social_work",
                "turnover:early_years",
                "coverage:private",
                "coverage:voluntary",
                "level3",
                "diversity:Asian",
                "level3_training",
                "diversity:pathways",
                "retirement",
            ]
        );
        assert!(
            p[0].text.contains("18.2%")
                && p[0]
                    .text
                    .contains("(the same role group in England: 16.0%)"),
            "{}",
            p[0].text
        );
        assert!(
            !p[1].text.contains("England"),
            "no comparator, no comparison"
        );
        assert!(p[2]
            .text
            .contains("Only 12 of 40 private sector organisations (30.0%)"));
        assert!(p[4].text.starts_with("150 non-graduates are below Level 3"));
        assert_eq!(p[8].quadrant, Quadrant::Threat);
        // a well-qualified, young, fully returned workforce proposes strengths only
        let good = Evidence {
            level3_pct: Some(91.0),
            below_level3: Some(10.0),
            age_55_plus_pct: Some(12.0),
            ..Evidence::default()
        };
        let p = propose(&good);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].quadrant, Quadrant::Strength);
    }
}
