//! What the generator needs to know about each area, taken from the embedded reference data.

use cws_domain::geography::ENGLAND;
use std::collections::HashMap;

use cws_domain::worker::Ethnicity;
use cws_reference::{self as r, GeoLevel};

use crate::{census_date, SynthError};

/// How much of England to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scale {
    /// One area, by DfE number or GSS code.
    Area(String),
    /// One region, by GSS code (`E12000007`) or name (`London`).
    Region(String),
    /// All 153 areas (about 2.5 million worker records).
    National,
}

impl Scale {
    /// Parses `national`, `region:CODE|NAME` or `area:CODE`.
    pub fn parse(s: &str) -> Result<Scale, SynthError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("national") || s.eq_ignore_ascii_case("england") {
            return Ok(Scale::National);
        }
        match s.split_once(':') {
            Some((k, v)) if k.eq_ignore_ascii_case("area") && !v.trim().is_empty() => Ok(Scale::Area(v.trim().to_string())),
            Some((k, v)) if k.eq_ignore_ascii_case("region") && !v.trim().is_empty() => Ok(Scale::Region(v.trim().to_string())),
            _ => Err(SynthError::Scale(format!(
                "'{s}' is not a scale: use 'area:CODE' (e.g. area:318), 'region:CODE or NAME' (e.g. region:London) or 'national'"
            ))),
        }
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scale::Area(c) => write!(f, "area:{c}"),
            Scale::Region(c) => write!(f, "region:{c}"),
            Scale::National => f.write_str("national"),
        }
    }
}

/// The published social-work figures an area's synthetic social workers are calibrated to.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialWorkTargets {
    pub inpost_fte: f64,
    pub turnover_rate: f64,
    pub vacancy_rate: f64,
    pub agency_rate: f64,
    pub agency_cover_rate: f64,
    /// Agency and vacancy FTE: the published numbers where there are some (so an area with
    /// no staff of its own and only agency workers still gets them), else from the rates.
    pub agency_fte: f64,
    pub vacancy_fte: f64,
    pub caseload: f64,
    pub absence_rate: f64,
    /// False where the area's own figures were missing and national rates were used.
    pub published: bool,
    /// Share of a joint return's figures given to this area (1 for a single area).
    pub share: f64,
}

/// One area to generate.
#[derive(Debug, Clone)]
pub struct AreaInputs {
    pub code: String,
    pub old_la_code: String,
    pub name: String,
    pub region_code: String,
    pub children: f64,
    pub social_work: SocialWorkTargets,
    /// Census 2021 residents by census-return ethnicity code.
    pub ethnicity: Vec<(Ethnicity, f64)>,
}

/// The areas to generate for a scale, in a stable order.
pub fn plan(scale: &Scale) -> Result<Vec<AreaInputs>, SynthError> {
    let census = census_date();
    let areas: Vec<_> = r::areas()?
        .into_iter()
        .filter(|a| !a.is_joint() && a.operating_on(census))
        .collect();
    let regions = r::regions()?;
    let selected: Vec<_> = match scale {
        Scale::National => areas.iter().collect(),
        Scale::Region(q) => {
            let region = regions
                .iter()
                .find(|r| r.code.as_str().eq_ignore_ascii_case(q) || r.name.eq_ignore_ascii_case(q))
                .filter(|r| r.parent.is_none())
                .ok_or_else(|| {
                    SynthError::Scale(format!(
                        "'{q}' is not one of the nine regions (e.g. E12000007 or London)"
                    ))
                })?;
            areas.iter().filter(|a| a.region == region.code).collect()
        }
        Scale::Area(q) => {
            let a = areas
                .iter()
                .find(|a| a.code.as_str().eq_ignore_ascii_case(q) || a.old_la_code_text() == *q)
                .ok_or_else(|| SynthError::Scale(format!("'{q}' is not a live area: use a DfE number (e.g. 318) or a GSS code (e.g. E09000027)")))?;
            vec![a]
        }
    };

    // Children aged 0-17 in 2024 by DfE number (codes change; numbers mostly do not).
    let mut children: HashMap<String, f64> = HashMap::new();
    for p in r::child_population()? {
        if p.year == 2024 && p.geo.level == GeoLevel::LocalAuthority {
            if let (Some(old), Some(v)) = (&p.geo.old_la_code, p.children.number()) {
                children.insert(old.clone(), v);
            }
        }
    }
    let national_children = r::child_population()?
        .iter()
        .find(|p| p.year == 2024 && p.geo.level == GeoLevel::National)
        .and_then(|p| p.children.number())
        .unwrap_or(12_183_016.0);

    // 2025 indicators by the row's DfE number(s) as published ("318" or "314 / 318").
    let mut indicators: HashMap<String, HashMap<&'static str, Option<f64>>> = HashMap::new();
    let mut national: HashMap<&'static str, f64> = HashMap::new();
    for row in r::social_work_indicators()? {
        if row.year != 2025 {
            continue;
        }
        match row.geo.level {
            GeoLevel::LocalAuthority => {
                if let Some(old) = &row.geo.old_la_code {
                    indicators
                        .entry(old.clone())
                        .or_default()
                        .insert(row.indicator, row.value.number());
                }
            }
            GeoLevel::National => {
                if let Some(v) = row.value.number() {
                    national.insert(row.indicator, v);
                }
            }
            GeoLevel::Regional => {}
        }
    }

    let mut ethnicity: HashMap<String, Vec<(Ethnicity, f64)>> = HashMap::new();
    for e in r::community_ethnicity()? {
        if let Some(code) = Ethnicity::from_census_2021_category(e.category) {
            ethnicity
                .entry(e.code.clone())
                .or_default()
                .push((code, e.persons as f64));
        }
    }
    let england_ethnicity = ethnicity.get(ENGLAND).cloned().unwrap_or_default();

    let mut out = Vec::new();
    for a in selected {
        let old = a.old_la_code_text();
        let own_children = children.get(&old).copied().unwrap_or(0.0);
        // The published row for this area: its own, or a joint row that includes it.
        let joint_key = indicators
            .keys()
            .find(|k| k.contains(" / ") && k.split(" / ").any(|p| p == old))
            .cloned();
        let (row, share) = match (indicators.get(&old), joint_key) {
            (Some(row), _) => (Some(row), 1.0),
            (None, Some(k)) => {
                let total: f64 = k
                    .split(" / ")
                    .map(|p| children.get(p).copied().unwrap_or(0.0))
                    .sum();
                (
                    indicators.get(&k),
                    if total > 0.0 {
                        own_children / total
                    } else {
                        0.5
                    },
                )
            }
            (None, None) => (None, 1.0),
        };
        let nat = |k: &str| national.get(k).copied().unwrap_or(0.0);
        let get = |k: &'static str| row.and_then(|r| r.get(k).copied().flatten());
        let published = row.is_some() && get("inpost_fte").is_some();
        let inpost_fte = get("inpost_fte")
            .map(|v| v * share)
            .unwrap_or(nat("inpost_fte") * own_children / national_children);
        let agency_rate = get("agency_rate_fte").unwrap_or(nat("agency_rate_fte"));
        let vacancy_rate = get("vacancy_rate_fte").unwrap_or(nat("vacancy_rate_fte"));
        let from_rate = |rate: f64| {
            if rate < 100.0 {
                inpost_fte * rate / (100.0 - rate)
            } else {
                0.0
            }
        };
        let social_work = SocialWorkTargets {
            inpost_fte,
            turnover_rate: get("turnover_rate_fte").unwrap_or(nat("turnover_rate_fte")),
            vacancy_rate,
            agency_rate,
            agency_fte: get("agency_fte")
                .filter(|_| published)
                .map(|v| v * share)
                .unwrap_or_else(|| from_rate(agency_rate)),
            vacancy_fte: get("vacancy_fte")
                .filter(|_| published)
                .map(|v| v * share)
                .unwrap_or_else(|| from_rate(vacancy_rate)),
            agency_cover_rate: get("agency_cover_rate_fte").unwrap_or(nat("agency_cover_rate_fte")),
            caseload: get("caseload_fte").unwrap_or(nat("caseload_fte")),
            absence_rate: get("absence_rate_fte").unwrap_or(nat("absence_rate_fte")),
            published,
            share,
        };
        out.push(AreaInputs {
            code: a.code.to_string(),
            old_la_code: old,
            name: a.name.clone(),
            region_code: a.region.to_string(),
            children: own_children,
            social_work,
            ethnicity: ethnicity
                .get(a.code.as_str())
                .cloned()
                .unwrap_or_else(|| england_ethnicity.clone()),
        });
    }
    Ok(out)
}
