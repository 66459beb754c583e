//! Regional and national figures computed from the published local-authority rows of the
//! children's social work workforce indicators, with coverage: which areas are missing a
//! value (a GSS symbol instead of a number) and so are not in a computed total.
//!
//! Only local-authority rows are read; the published regional and national rows are used by
//! the tests to prove the computation agrees with DfE's.

use cws_domain::geography::ENGLAND;
use std::collections::BTreeMap;

use cws_reference::{GeoLevel, IndicatorRow, PublishedValue, Symbol};
use serde::Serialize;

use crate::measure::{Kind, Measure, Params, Sums};

/// The additive published indicators, and where each goes in `Sums`.
pub type Field = fn(&mut Sums) -> &mut f64;
pub const COMPONENTS: &[(&str, Field)] = &[
    ("inpost_fte", |s| &mut s.inpost_fte),
    ("inpost_headcount", |s| &mut s.inpost_headcount),
    ("starters_fte", |s| &mut s.starters_fte),
    ("starters_headcount", |s| &mut s.starters_headcount),
    ("leavers_fte", |s| &mut s.leavers_fte),
    ("leavers_headcount", |s| &mut s.leavers_headcount),
    ("agency_fte", |s| &mut s.agency_fte),
    ("agency_headcount", |s| &mut s.agency_headcount),
    ("agency_cover_fte", |s| &mut s.agency_cover_fte),
    ("vacancy_fte", |s| &mut s.vacancy_fte),
    ("case_holders_fte", |s| &mut s.case_holders_fte),
    ("cases", |s| &mut s.cases),
    ("working_days_lost_fte", |s| &mut s.working_days_lost_fte),
];

/// The components a published measure is built from (by their indicator names).
pub fn components_of(m: Measure) -> &'static [&'static str] {
    use Measure::*;
    match m {
        TurnoverRateFte => &["leavers_fte", "inpost_fte"],
        TurnoverRateHeadcount => &["leavers_headcount", "inpost_headcount"],
        AgencyRateFte => &["agency_fte", "inpost_fte"],
        AgencyRateHeadcount => &["agency_headcount", "inpost_headcount"],
        AgencyCoverRateFte => &["agency_cover_fte", "agency_fte"],
        VacancyRateFte => &["vacancy_fte", "inpost_fte"],
        VacancyAgencyCoverRateFte => &["agency_cover_fte", "vacancy_fte"],
        CaseloadFte => &["cases", "case_holders_fte"],
        AbsenceRateFte => &["working_days_lost_fte", "inpost_fte"],
        other => match COMPONENTS.iter().find(|(n, _)| *n == other.code()) {
            Some((n, _)) => std::slice::from_ref(n),
            None => &[],
        },
    }
}

/// One area's published row for a year: its geography and values by indicator.
#[derive(Debug, Clone)]
pub struct AreaValues {
    pub year: i32,
    /// GSS code (joint returns as `A / B`), name, and the region and sub-region it counts in.
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub values: BTreeMap<&'static str, PublishedValue>,
}

/// The local-authority rows of DfE's published social-work indicators embedded in cws, read
/// once.
pub fn embedded() -> Result<&'static [AreaValues], crate::figures::FiguresError> {
    static ROWS: std::sync::OnceLock<Result<Vec<AreaValues>, String>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        cws_reference::social_work_indicators()
            .map(|rows| area_rows(&rows))
            .map_err(|e| e.to_string())
    })
    .as_deref()
    .map_err(|e| crate::figures::FiguresError::Reference(e.clone()))
}

/// The local-authority rows of the published indicators, one per area and year.
pub fn area_rows(rows: &[IndicatorRow]) -> Vec<AreaValues> {
    let mut out: BTreeMap<(i32, String), AreaValues> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.geo.level == GeoLevel::LocalAuthority)
    {
        let entry = out
            .entry((r.year, r.geo.code.clone()))
            .or_insert_with(|| AreaValues {
                year: r.year,
                code: r.geo.code.clone(),
                name: r.geo.name.clone(),
                region_code: r.geo.region_code.clone().unwrap_or_default(),
                values: BTreeMap::new(),
            });
        entry.values.insert(r.indicator, r.value);
    }
    out.into_values().collect()
}

/// A computed value with its coverage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Computed {
    /// The value over the areas that have one; `None` when no area does.
    pub value: Option<f64>,
    /// Areas whose values are in it.
    pub contributing: usize,
    /// Areas left out because their value is a symbol, with the symbol.
    pub missing: Vec<(String, String)>,
}

impl Computed {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// A computed regional or national row.
#[derive(Debug, Clone, Serialize)]
pub struct ComputedRow {
    pub year: i32,
    pub level: &'static str,
    pub code: String,
    pub values: BTreeMap<&'static str, Computed>,
}

/// London's sub-regions are published as regions too; London is their sum.
const LONDON: &str = "E12000007";

/// The regions (including Inner and Outer London and London itself) and England an area's
/// row counts in.
fn parents(region_code: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![("National", ENGLAND.to_string())];
    if region_code.starts_with("E13") {
        out.push(("Regional", region_code.to_string()));
        out.push(("Regional", LONDON.to_string()));
    } else if !region_code.is_empty() {
        out.push(("Regional", region_code.to_string()));
    }
    out
}

/// Computes every region's and England's published measures from the area rows.
pub fn compute_from_areas(areas: &[AreaValues], params: &Params) -> Vec<ComputedRow> {
    // (year, level, code) -> per component: sum, contributing, missing
    type Acc = BTreeMap<&'static str, (f64, usize, Vec<(String, String)>)>;
    let mut groups: BTreeMap<(i32, &'static str, String), Acc> = BTreeMap::new();
    for a in areas {
        for (level, code) in parents(&a.region_code) {
            let acc = groups.entry((a.year, level, code)).or_default();
            for (name, _) in COMPONENTS {
                let slot = acc.entry(name).or_insert((0.0, 0, Vec::new()));
                match a.values.get(name) {
                    Some(PublishedValue::Number(v)) => {
                        slot.0 += v;
                        slot.1 += 1;
                    }
                    Some(PublishedValue::Symbol(s)) => {
                        slot.2.push((a.name.clone(), s.code().to_string()))
                    }
                    None => slot
                        .2
                        .push((a.name.clone(), Symbol::NotAvailable.code().to_string())),
                }
            }
        }
    }
    groups
        .into_iter()
        .map(|((year, level, code), acc)| {
            let mut sums = Sums::default();
            for (name, field) in COMPONENTS {
                if let Some((v, _, _)) = acc.get(name) {
                    *field(&mut sums) = *v;
                }
            }
            let values = crate::measure::published_measures()
                .into_iter()
                .map(|m| {
                    let parts = components_of(m);
                    let mut missing: Vec<(String, String)> = parts
                        .iter()
                        .filter_map(|p| acc.get(p))
                        .flat_map(|(_, _, miss)| miss.iter().cloned())
                        .collect();
                    missing.sort();
                    missing.dedup_by(|a, b| a.0 == b.0);
                    let contributing = parts
                        .iter()
                        .filter_map(|p| acc.get(p).map(|(_, n, _)| *n))
                        .min()
                        .unwrap_or(0);
                    let value = if contributing == 0 {
                        None
                    } else if m.kind() == Kind::Rate && !missing.is_empty() {
                        // a rate over partial sums would mislead: leave it out
                        None
                    } else {
                        m.value(&sums, params)
                    };
                    (
                        m.code(),
                        Computed {
                            value,
                            contributing,
                            missing,
                        },
                    )
                })
                .collect();
            ComputedRow {
                year,
                level,
                code,
                values,
            }
        })
        .collect()
}
