//! Regions, areas with their history, statistical neighbours and the LTLA→UTLA lookup.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cws_domain::geography::{
    Area, AreaCode, AreaKind, Closeness, GssCode, OldLaCode, Region, SuccessionKind,
};

use crate::files::{HIERARCHY, INDICATORS_FILE, LAS, LTLA, NEIGHBOURS, REGIONS};
use crate::{bad, field, ReferenceError, Table};

const LONDON: &str = "E12000007";

/// The nine English regions plus Inner and Outer London (whose parent is London).
pub fn regions() -> Result<Vec<Region>, ReferenceError> {
    let t = Table::read(REGIONS.name, REGIONS.text)?;
    let (c, n) = (t.column("region_code")?, t.column("region_name")?);
    t.rows()
        .map(|(row, r)| {
            let code = GssCode::parse(field(r, c))
                .map_err(|e| bad(&t.file, row, "region_code", e.to_string()))?;
            let parent = (code.entity() == "E13")
                .then(|| GssCode::parse(LONDON))
                .transpose()
                .map_err(|e| bad(&t.file, row, "region_code", e.to_string()))?;
            Ok(Region {
                code,
                name: field(r, n).to_string(),
                parent,
            })
        })
        .collect()
}

/// Inner/Outer London membership of each London borough (GSS code → E13 code), as DfE
/// publishes it in the social-work indicators.
pub fn london_subregions() -> Result<BTreeMap<String, String>, ReferenceError> {
    let t = Table::read(INDICATORS_FILE.name, INDICATORS_FILE.text)?;
    let (lvl, reg, la) = (
        t.column("geographic_level")?,
        t.column("region_code")?,
        t.column("new_la_code")?,
    );
    let mut out = BTreeMap::new();
    for (_, r) in t.rows() {
        if field(r, lvl) == "Local authority" && field(r, reg).starts_with("E13") {
            // Joint returns (`A / B`) place each member in the same sub-region.
            for member in field(r, la).split('/') {
                out.insert(member.trim().to_string(), field(r, reg).to_string());
            }
            out.insert(field(r, la).to_string(), field(r, reg).to_string());
        }
    }
    Ok(out)
}

fn date(
    file: &str,
    row: usize,
    column: &str,
    s: &str,
) -> Result<Option<NaiveDate>, ReferenceError> {
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .map(Some)
        .map_err(|_| bad(file, row, column, format!("'{s}' is not a date dd/mm/yyyy")))
}

/// Every area DfE's geography lookup knows: live and terminated councils and the joint
/// entries (e.g. Kingston / Richmond), with dates of operation. The British Forces Post Office
/// pseudo-area (`z`) is left out.
pub fn areas() -> Result<Vec<Area>, ReferenceError> {
    let t = Table::read(LAS.name, LAS.text)?;
    let col = |n: &str| t.column(n);
    let (code_c, name_c, open_c, close_c, parent_c, entity_c, old_c) = (
        col("new_la_code")?,
        col("la_name")?,
        col("date_of_operation")?,
        col("date_of_termination")?,
        col("parent_geography_code")?,
        col("entity_code")?,
        col("old_la_code")?,
    );
    let subregions = london_subregions()?;
    let mut out = Vec::new();
    for (row, r) in t.rows() {
        let raw_code = field(r, code_c);
        if raw_code == "z" {
            continue;
        }
        let code = AreaCode::parse(raw_code)
            .map_err(|e| bad(&t.file, row, "new_la_code", e.to_string()))?;
        // 'x' marks counties that ended in 2009 without a DfE number.
        let old_raw = field(r, old_c);
        let old_la_codes = if old_raw == "x" {
            vec![]
        } else {
            old_raw
                .split('/')
                .map(|p| {
                    OldLaCode::parse(p).map_err(|e| bad(&t.file, row, "old_la_code", e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let kind = AreaKind::parse(field(r, entity_c))
            .map_err(|e| bad(&t.file, row, "entity_code", e.to_string()))?;
        let region = GssCode::parse(field(r, parent_c))
            .map_err(|e| bad(&t.file, row, "parent_geography_code", e.to_string()))?;
        let london_subregion = code
            .members()
            .first()
            .and_then(|m| subregions.get(m.as_str()))
            .or_else(|| subregions.get(code.as_str()))
            .map(|s| GssCode::parse(s))
            .transpose()
            .map_err(|e| bad(&t.file, row, "new_la_code", e.to_string()))?;
        let area = Area::new(
            code,
            old_la_codes,
            field(r, name_c).to_string(),
            kind,
            region,
            london_subregion,
            date(&t.file, row, "date_of_operation", field(r, open_c))?,
            date(&t.file, row, "date_of_termination", field(r, close_c))?,
        )
        .map_err(|e| bad(&t.file, row, "new_la_code", e.to_string()))?;
        out.push(area);
    }
    Ok(out)
}

/// One step in an area's history: `from` stopped and `to` took over (part of) it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Succession {
    pub from: String,
    pub to: String,
    pub kind: SuccessionKind,
    pub on: NaiveDate,
}

/// Merges and splits written down from the local government reorganisations of 2009–2023
/// (the lookup gives dates but not successors); recodes are found from the data itself: a
/// terminated code whose DfE number lives on under a new code.
/// (old code, successor codes, kind, date as year, month, day)
type Reorganisation = (
    &'static str,
    &'static [&'static str],
    SuccessionKind,
    (i32, u32, u32),
);

const REORGANISATIONS: &[Reorganisation] = &[
    (
        "E10000001",
        &["E06000055", "E06000056"],
        SuccessionKind::Split,
        (2009, 4, 1),
    ),
    (
        "E10000004",
        &["E06000049", "E06000050"],
        SuccessionKind::Split,
        (2009, 4, 1),
    ),
    (
        "E10000005",
        &["E06000052", "E06000053"],
        SuccessionKind::Split,
        (2009, 4, 1),
    ),
    (
        "E10000010",
        &["E06000047"],
        SuccessionKind::Merged,
        (2009, 4, 1),
    ),
    (
        "E10000022",
        &["E06000048"],
        SuccessionKind::Merged,
        (2009, 4, 1),
    ),
    (
        "E10000026",
        &["E06000051"],
        SuccessionKind::Merged,
        (2009, 4, 1),
    ),
    (
        "E10000033",
        &["E06000054"],
        SuccessionKind::Merged,
        (2009, 4, 1),
    ),
    (
        "E06000028",
        &["E06000058"],
        SuccessionKind::Merged,
        (2019, 4, 1),
    ),
    (
        "E06000029",
        &["E06000058"],
        SuccessionKind::Merged,
        (2019, 4, 1),
    ),
    (
        "E10000009",
        &["E06000058", "E06000059"],
        SuccessionKind::Split,
        (2019, 4, 1),
    ),
    (
        "E10000002",
        &["E06000060"],
        SuccessionKind::Merged,
        (2020, 4, 1),
    ),
    (
        "E10000021",
        &["E06000061", "E06000062"],
        SuccessionKind::Split,
        (2021, 4, 1),
    ),
    (
        "E10000006",
        &["E06000063", "E06000064"],
        SuccessionKind::Split,
        (2023, 4, 1),
    ),
    (
        "E10000023",
        &["E06000065"],
        SuccessionKind::Merged,
        (2023, 4, 1),
    ),
    (
        "E10000027",
        &["E06000066"],
        SuccessionKind::Merged,
        (2023, 4, 1),
    ),
];

/// The history between areas: recodes found in the lookup plus the reorganisations above.
pub fn successions() -> Result<Vec<Succession>, ReferenceError> {
    let all = areas()?;
    let mut out = Vec::new();
    for (from, tos, kind, (y, m, d)) in REORGANISATIONS {
        let on = NaiveDate::from_ymd_opt(*y, *m, *d)
            .ok_or_else(|| bad(LAS.name, 0, "date", "bad date"))?;
        for to in *tos {
            out.push(Succession {
                from: (*from).to_string(),
                to: (*to).to_string(),
                kind: *kind,
                on,
            });
        }
    }
    for old in all.iter().filter(|a| a.closed.is_some() && !a.is_joint()) {
        if out.iter().any(|s| s.from == old.code.as_str()) {
            continue;
        }
        let successor = all.iter().find(|a| {
            a.code != old.code
                && !a.is_joint()
                && !old.old_la_codes.is_empty()
                && a.old_la_codes == old.old_la_codes
                && a.opened > old.opened
        });
        if let (Some(new), Some(closed)) = (successor, old.closed) {
            out.push(Succession {
                from: old.code.to_string(),
                to: new.code.to_string(),
                kind: SuccessionKind::Recoded,
                on: closed.succ_opt().unwrap_or(closed),
            });
        }
    }
    Ok(out)
}

/// A statistical neighbour of an area (DfE 2025 model), nearest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    pub area: OldLaCode,
    pub rank: u8,
    pub neighbour: OldLaCode,
    pub closeness: Closeness,
}

pub fn neighbours() -> Result<Vec<Neighbour>, ReferenceError> {
    let t = Table::read(NEIGHBOURS.name, NEIGHBOURS.text)?;
    let area_c = t.column("old_la_code")?;
    let mut out = Vec::new();
    for (row, r) in t.rows() {
        let area = OldLaCode::parse(field(r, area_c))
            .map_err(|e| bad(&t.file, row, "old_la_code", e.to_string()))?;
        for rank in 1..=10u8 {
            let (nc, pc) = (format!("SN_{rank}"), format!("SN_{rank}P"));
            let neighbour = OldLaCode::parse(field(r, t.column(&nc)?))
                .map_err(|e| bad(&t.file, row, &nc, e.to_string()))?;
            let closeness = Closeness::parse(field(r, t.column(&pc)?))
                .map_err(|e| bad(&t.file, row, &pc, e.to_string()))?;
            out.push(Neighbour {
                area,
                rank,
                neighbour,
                closeness,
            });
        }
    }
    Ok(out)
}

/// A lower-tier authority and the upper-tier area it belongs to (England and Wales, 2023).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ltla {
    pub code: String,
    pub name: String,
    pub utla_code: String,
    pub utla_name: String,
}

pub fn ltla_lookup() -> Result<Vec<Ltla>, ReferenceError> {
    let t = Table::read(LTLA.name, LTLA.text)?;
    let (c, n, uc, un) = (
        t.column("LTLA23CD")?,
        t.column("LTLA23NM")?,
        t.column("UTLA23CD")?,
        t.column("UTLA23NM")?,
    );
    Ok(t.rows()
        .map(|(_, r)| Ltla {
            code: field(r, c).to_string(),
            name: field(r, n).to_string(),
            utla_code: field(r, uc).to_string(),
            utla_name: field(r, un).to_string(),
        })
        .collect())
}

/// DfE's region → area hierarchy, including historical codes: (region code, area code).
pub fn region_hierarchy() -> Result<Vec<(String, String)>, ReferenceError> {
    let t = Table::read(HIERARCHY.name, HIERARCHY.text)?;
    let (r, a) = (t.column("region_code")?, t.column("new_la_code")?);
    Ok(t.rows()
        .map(|(_, row)| (field(row, r).to_string(), field(row, a).to_string()))
        .collect())
}
