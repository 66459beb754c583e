//! Published statistics: the children's social work workforce indicators, social workers by
//! role and ethnicity, children looked after and social-worker stability, Census 2021
//! ethnicity and the children's population.
//!
//! Published files use symbols instead of numbers for missing values; they are kept as
//! reasons (`PublishedValue::Symbol`) and never read as zero.

use cws_domain::code_enum;

use crate::files::{
    CLA_SW, ETHNICITY_LA, ETHNICITY_NAT, ETHNICITY_REG, INDICATORS_FILE, POPULATION, SW_ETHNICITY,
};
use crate::{bad, field, ReferenceError, Table};

code_enum!(
    /// Why a published value is missing (GSS symbols used by DfE).
    Symbol, "published symbol" {
        Suppressed => ("c", "Suppressed to protect confidentiality"),
        NotAvailable => ("x", "Not available"),
        NotApplicable => ("z", "Not applicable"),
        LowReliability => ("u", "Low reliability"),
        RoundsToZero => ("low", "Rounds to zero, but is not zero"),
    }
);

/// A published number, or the reason there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PublishedValue {
    Number(f64),
    Symbol(Symbol),
}

impl PublishedValue {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if let Ok(sym) = Symbol::parse(t) {
            return Ok(PublishedValue::Symbol(sym));
        }
        t.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(PublishedValue::Number)
            .ok_or_else(|| {
                format!("'{s}' is neither a number nor a published symbol (c, x, z, u, low)")
            })
    }
    pub fn number(self) -> Option<f64> {
        match self {
            PublishedValue::Number(v) => Some(v),
            PublishedValue::Symbol(_) => None,
        }
    }
    pub fn symbol(self) -> Option<Symbol> {
        match self {
            PublishedValue::Symbol(s) => Some(s),
            PublishedValue::Number(_) => None,
        }
    }
}

code_enum!(
    GeoLevel, "geographic level" {
        National => ("National", "England"),
        Regional => ("Regional", "Region"),
        LocalAuthority => ("Local authority", "Local authority"),
    }
);

/// The geography of one published row. `code` is the GSS code of the row's own level
/// (England, the region, or the area — joint areas as `A / B`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoRef {
    pub level: GeoLevel,
    pub code: String,
    pub name: String,
    pub region_code: Option<String>,
    pub old_la_code: Option<String>,
}

struct GeoColumns {
    level: usize,
    country: usize,
    country_name: usize,
    region: usize,
    region_name: usize,
    old: usize,
    new: usize,
    name: usize,
}

impl GeoColumns {
    fn find(t: &Table) -> Result<Self, ReferenceError> {
        Ok(GeoColumns {
            level: t.column("geographic_level")?,
            country: t.column("country_code")?,
            country_name: t.column("country_name")?,
            region: t.column("region_code")?,
            region_name: t.column("region_name")?,
            old: t.column("old_la_code")?,
            new: t.column("new_la_code")?,
            name: t.column("la_name")?,
        })
    }

    fn geo(&self, t: &Table, row: usize, r: &csv::StringRecord) -> Result<GeoRef, ReferenceError> {
        let level = GeoLevel::parse(field(r, self.level))
            .map_err(|e| bad(&t.file, row, "geographic_level", e.to_string()))?;
        let opt = |i: usize| Some(field(r, i).to_string()).filter(|s| !s.is_empty());
        let (code, name) = match level {
            GeoLevel::National => (field(r, self.country), field(r, self.country_name)),
            GeoLevel::Regional => (field(r, self.region), field(r, self.region_name)),
            GeoLevel::LocalAuthority => (field(r, self.new), field(r, self.name)),
        };
        if code.is_empty() {
            return Err(bad(
                &t.file,
                row,
                "geography",
                "the row's geography code is empty",
            ));
        }
        Ok(GeoRef {
            level,
            code: code.to_string(),
            name: name.to_string(),
            region_code: opt(self.region),
            old_la_code: opt(self.old),
        })
    }
}

fn year(t: &Table, row: usize, r: &csv::StringRecord, i: usize) -> Result<i32, ReferenceError> {
    let s = field(r, i);
    s.get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| bad(&t.file, row, "time_period", format!("'{s}' is not a year")))
}

/// The indicators of the social-work workforce file, in file order (DfE's names).
pub const INDICATORS: &[&str] = &[
    "inpost_fte",
    "inpost_headcount",
    "starters_fte",
    "starters_headcount",
    "leavers_fte",
    "leavers_headcount",
    "turnover_rate_fte",
    "turnover_rate_headcount",
    "agency_fte",
    "agency_headcount",
    "agency_rate_fte",
    "agency_rate_headcount",
    "agency_cover_fte",
    "agency_cover_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "vacancy_agency_cover_rate_fte",
    "case_holders_fte",
    "cases",
    "caseload_fte",
    "working_days_lost_fte",
    "absence_rate_fte",
];

/// One published value in long form.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub year: i32,
    pub geo: GeoRef,
    pub indicator: &'static str,
    pub value: PublishedValue,
}

/// The children's social work workforce indicators 2017–2025, one row per value.
pub fn social_work_indicators() -> Result<Vec<IndicatorRow>, ReferenceError> {
    let t = Table::read(INDICATORS_FILE.name, INDICATORS_FILE.text)?;
    let g = GeoColumns::find(&t)?;
    let yc = t.column("time_period")?;
    let cols: Vec<(usize, &'static str)> = INDICATORS
        .iter()
        .map(|n| t.column(n).map(|c| (c, *n)))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(t.rows().count() * cols.len());
    for (row, r) in t.rows() {
        let geo = g.geo(&t, row, r)?;
        let year = year(&t, row, r, yc)?;
        for (c, name) in &cols {
            let value =
                PublishedValue::parse(field(r, *c)).map_err(|m| bad(&t.file, row, name, m))?;
            out.push(IndicatorRow {
                year,
                geo: geo.clone(),
                indicator: name,
                value,
            });
        }
    }
    Ok(out)
}

/// Social workers in post by role and broad ethnic group (2019–2022).
#[derive(Debug, Clone, PartialEq)]
pub struct SocialWorkEthnicityRow {
    pub year: i32,
    pub geo: GeoRef,
    pub role: String,
    pub measure: String,
    pub value: PublishedValue,
}

pub fn social_work_ethnicity() -> Result<Vec<SocialWorkEthnicityRow>, ReferenceError> {
    let t = Table::read(SW_ETHNICITY.name, SW_ETHNICITY.text)?;
    let g = GeoColumns::find(&t)?;
    let (yc, rc) = (t.column("time_period")?, t.column("OrgRole")?);
    let first = t.column("known_headcount")?;
    let measures: Vec<(usize, String)> = t.headers()[first..]
        .iter()
        .enumerate()
        .map(|(i, h)| (first + i, h.clone()))
        .collect();
    let mut out = Vec::new();
    for (row, r) in t.rows() {
        let geo = g.geo(&t, row, r)?;
        let year = year(&t, row, r, yc)?;
        for (c, m) in &measures {
            let value = PublishedValue::parse(field(r, *c)).map_err(|e| bad(&t.file, row, m, e))?;
            out.push(SocialWorkEthnicityRow {
                year,
                geo: geo.clone(),
                role: field(r, rc).to_string(),
                measure: m.clone(),
                value,
            });
        }
    }
    Ok(out)
}

/// Children looked after and how many had three or more social workers in the year.
#[derive(Debug, Clone, PartialEq)]
pub struct StabilityRow {
    pub year: i32,
    pub geo: GeoRef,
    pub measure: String,
    pub number: PublishedValue,
    pub percentage: PublishedValue,
}

pub fn cla_social_worker_stability() -> Result<Vec<StabilityRow>, ReferenceError> {
    let t = Table::read(CLA_SW.name, CLA_SW.text)?;
    let g = GeoColumns::find(&t)?;
    let (yc, mc, nc, pc) = (
        t.column("time_period")?,
        t.column("sw_stability")?,
        t.column("number")?,
        t.column("percentage")?,
    );
    t.rows()
        .map(|(row, r)| {
            Ok(StabilityRow {
                year: year(&t, row, r, yc)?,
                geo: g.geo(&t, row, r)?,
                measure: field(r, mc).to_string(),
                number: PublishedValue::parse(field(r, nc))
                    .map_err(|e| bad(&t.file, row, "number", e))?,
                percentage: PublishedValue::parse(field(r, pc))
                    .map_err(|e| bad(&t.file, row, "percentage", e))?,
            })
        })
        .collect()
}

/// Children aged 0–17 (ONS mid-year estimates) for one geography and year.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRow {
    pub year: i32,
    pub geo: GeoRef,
    pub children: PublishedValue,
}

pub fn child_population() -> Result<Vec<PopulationRow>, ReferenceError> {
    let t = Table::read(POPULATION.name, POPULATION.text)?;
    let g = GeoColumns::find(&t)?;
    let (yc, vc) = (t.column("time_period")?, t.column("population_estimate")?);
    t.rows()
        .map(|(row, r)| {
            Ok(PopulationRow {
                year: year(&t, row, r, yc)?,
                geo: g.geo(&t, row, r)?,
                children: PublishedValue::parse(field(r, vc))
                    .map_err(|e| bad(&t.file, row, "population_estimate", e))?,
            })
        })
        .collect()
}

/// Usual residents of one Census 2021 ethnic group (20 categories, ONS codes 1–19) in a
/// geography (area, region or England).
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityEthnicity {
    pub level: GeoLevel,
    pub code: String,
    pub name: String,
    pub category: u8,
    pub label: String,
    pub persons: u64,
}

///
/// Wales appears in both the regional and the national file; it is kept once.
pub fn community_ethnicity() -> Result<Vec<CommunityEthnicity>, ReferenceError> {
    let mut out: Vec<CommunityEthnicity> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (file, level) in [
        (ETHNICITY_LA, GeoLevel::LocalAuthority),
        (ETHNICITY_REG, GeoLevel::Regional),
        (ETHNICITY_NAT, GeoLevel::National),
    ] {
        let t = Table::read(file.name, file.text)?;
        // Columns are positional in these ONS files: code, name, category code, label, count.
        for (row, r) in t.rows() {
            let cat = field(r, 2);
            if cat == "-8" {
                continue; // "Does not apply"
            }
            let category = cat.parse::<u8>().map_err(|_| {
                bad(
                    &t.file,
                    row,
                    "Ethnic group (20 categories) Code",
                    format!("'{cat}' is not a category code"),
                )
            })?;
            let persons = field(r, 4).parse::<u64>().map_err(|_| {
                bad(
                    &t.file,
                    row,
                    "Observation",
                    format!("'{}' is not a count", field(r, 4)),
                )
            })?;
            if !seen.insert((field(r, 0).to_string(), category)) {
                continue;
            }
            out.push(CommunityEthnicity {
                level,
                code: field(r, 0).to_string(),
                name: field(r, 1).to_string(),
                category,
                label: field(r, 3).to_string(),
                persons,
            });
        }
    }
    Ok(out)
}
