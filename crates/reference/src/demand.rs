//! What drives need (docs/definitions.md §7.2): the published series each role group's
//! demand follows, by area and year, and the mapping from role groups to drivers — shipped
//! in `data/cws/demand_drivers.csv`, or an area's own edited copy.
//!
//! Series come from the embedded DfE and ONS files: children aged 0 to 17 (ONS mid-year
//! estimates), children in need at 31 March (DfE, `b1`), and from DfE's Local Authority
//! Interactive Tool extract the children on child protection plans, looked after, in foster
//! placements (looked after × the published share fostered), with EHC plans, and in funded
//! early education. LAIT rows are keyed by DfE number and joined to GSS codes through DfE's
//! geography lookup. A missing or suppressed value is left out, never read as zero.

use std::collections::BTreeMap;

use cws_domain::demand::{Driver, DriverLink, DriverMap, Ratio};
use cws_domain::role::RoleGroup;

use crate::files::{CHILDREN_IN_NEED, DRIVER_MAP, LAIT};
use crate::published::{child_population, GeoLevel};
use crate::{areas, bad, field, ReferenceError, Table};

/// One value of a driver: the area's GSS code (as in DfE's geography lookup), the year of
/// the count (31 March, or January for EHC plans, or mid-year for children) and the count.
#[derive(Debug, Clone, PartialEq)]
pub struct DriverRow {
    pub driver: Driver,
    pub area: String,
    pub year: i32,
    pub value: f64,
}

/// Where each driver comes from, for the page and the documents.
pub fn driver_source(driver: Driver) -> &'static str {
    match driver {
        Driver::Children => "ONS mid-year estimates, 2012 to 2024",
        Driver::ChildrenInNeed => "DfE children in need, 31 March 2013 to 2025",
        Driver::ProtectionPlans | Driver::LookedAfter => "DfE via LAIT, 31 March 2016 to 2025",
        Driver::FosterPlacements => {
            "DfE via LAIT: those looked after × the share fostered, 2020 to 2025"
        }
        Driver::EhcPlans => "DfE via LAIT, January 2019 to 2025",
        Driver::FundedTwos | Driver::FundedThreeFours | Driver::FundedEarlyEducation => {
            "DfE via LAIT, January 2018 to 2025"
        }
    }
}

/// Every driver's values for every area that has them. A council whose GSS code changed
/// (Barnsley and Sheffield in 2025) has its whole series under each of its codes: rows are
/// joined by DfE number.
pub fn demand_drivers() -> Result<Vec<DriverRow>, ReferenceError> {
    let codes = codes_by_number()?;
    let mut out = Vec::new();
    let mut push =
        |driver: Driver, number: Option<&str>, code: &str, year: i32, value: f64| match number
            .and_then(|n| codes.get(n))
        {
            Some(all) => out.extend(all.iter().map(|area| DriverRow {
                driver,
                area: area.clone(),
                year,
                value,
            })),
            None => out.push(DriverRow {
                driver,
                area: code.to_string(),
                year,
                value,
            }),
        };
    for p in child_population()? {
        if let (GeoLevel::LocalAuthority, Some(v)) = (p.geo.level, p.children.number()) {
            push(
                Driver::Children,
                p.geo.old_la_code.as_deref(),
                &p.geo.code,
                p.year,
                v,
            );
        }
    }
    for (number, code, year, v) in children_in_need()? {
        push(Driver::ChildrenInNeed, Some(&number), &code, year, v);
    }
    for (driver, number, year, v) in lait()? {
        push(driver, Some(&number), "", year, v);
    }
    out.retain(|r| !r.area.is_empty());
    Ok(out)
}

/// DfE number → the GSS codes of the areas that carry it alone (a recoded council under
/// both its codes; joint returns left out).
fn codes_by_number() -> Result<BTreeMap<String, Vec<String>>, ReferenceError> {
    let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in areas()? {
        if let [one] = a.old_la_codes.as_slice() {
            codes
                .entry(one.get().to_string())
                .or_default()
                .push(a.code.as_str().to_string());
        }
    }
    Ok(codes)
}

fn count(file: &str, row: usize, column: &str, s: &str) -> Result<Option<f64>, ReferenceError> {
    let t = s.trim();
    if t.is_empty() || t == "-" || crate::published::Symbol::parse(t).is_ok() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(Some)
        .ok_or_else(|| bad(file, row, column, format!("'{s}' is not a count")))
}

/// (DfE number, GSS code, year, children in need at 31 March) of each area row.
fn children_in_need() -> Result<Vec<(String, String, i32, f64)>, ReferenceError> {
    let t = Table::read(CHILDREN_IN_NEED.name, CHILDREN_IN_NEED.text)?;
    let (level, number, code, year, at31) = (
        t.column("geographic_level")?,
        t.column("old_la_code")?,
        t.column("new_la_code")?,
        t.column("time_period")?,
        t.column("At31_episodes")?,
    );
    let mut out = Vec::new();
    for (row, r) in t.rows() {
        if field(r, level) != "Local authority" {
            continue;
        }
        let y = field(r, year)
            .parse::<i32>()
            .map_err(|_| bad(&t.file, row, "time_period", "is not a year"))?;
        if let Some(v) = count(&t.file, row, "At31_episodes", field(r, at31))? {
            out.push((
                field(r, number).to_string(),
                field(r, code).to_string(),
                y,
                v,
            ));
        }
    }
    Ok(out)
}

/// (driver, DfE number, year, value) of each LAIT count cws uses.
fn lait() -> Result<Vec<(Driver, String, i32, f64)>, ReferenceError> {
    let t = Table::read(LAIT.name, LAIT.text)?;
    let (measure, years, number_c, value) = (
        t.column("measure_code")?,
        t.column("years")?,
        t.column("la_number")?,
        t.column("value")?,
    );
    // (measure, number, year) → value
    let mut held: BTreeMap<(&str, String, i32), f64> = BTreeMap::new();
    for (row, r) in t.rows() {
        let m = match field(r, measure) {
            "CPP_Num" => "CPP_Num",
            "LACnum" => "LACnum",
            "LAC_Foster_Placements" => "LAC_Foster_Placements",
            "SEN_CASES_JAN" => "SEN_CASES_JAN",
            "No_2yr_olds" => "No_2yr_olds",
            "No_3&4yr_olds" => "No_3&4yr_olds",
            _ => continue,
        };
        let label = field(r, years);
        let Some(y) = label.get(..4).and_then(|y| y.parse::<i32>().ok()) else {
            return Err(bad(
                &t.file,
                row,
                "years",
                format!("'{label}' is not a year"),
            ));
        };
        if let Some(v) = count(&t.file, row, "value", field(r, value))? {
            held.insert((m, field(r, number_c).to_string(), y), v);
        }
    }
    let mut out = Vec::new();
    let mut push = |driver: Driver, number: &str, year: i32, value: f64| {
        out.push((driver, number.to_string(), year, value));
    };
    for ((m, number, year), v) in &held {
        let other = |name: &str| held.get(&(name, number.clone(), *year)).copied();
        match *m {
            "CPP_Num" => push(Driver::ProtectionPlans, number, *year, *v),
            "LACnum" => {
                push(Driver::LookedAfter, number, *year, *v);
                if let Some(share) = other("LAC_Foster_Placements") {
                    push(Driver::FosterPlacements, number, *year, v * share / 100.0);
                }
            }
            "SEN_CASES_JAN" => push(Driver::EhcPlans, number, *year, *v),
            "No_2yr_olds" => {
                push(Driver::FundedTwos, number, *year, *v);
                if let Some(older) = other("No_3&4yr_olds") {
                    push(Driver::FundedEarlyEducation, number, *year, v + older);
                }
            }
            "No_3&4yr_olds" => push(Driver::FundedThreeFours, number, *year, *v),
            _ => {}
        }
    }
    Ok(out)
}

/// The shipped mapping as written (CSV), for an area to start its own from.
pub fn shipped_driver_map_text() -> &'static str {
    DRIVER_MAP.text
}

/// The shipped mapping of role groups to drivers.
pub fn shipped_driver_map() -> Result<DriverMap, ReferenceError> {
    driver_map(DRIVER_MAP.name, DRIVER_MAP.text)
}

/// A mapping of role groups to drivers from CSV text with the columns `role_group`,
/// `driver`, `ratio` (`base`, or how many of the driver's units one FTE serves) and
/// optionally `why`; each problem names the file, row, column and value.
pub fn driver_map(file: &str, text: &str) -> Result<DriverMap, ReferenceError> {
    let t = Table::read(file, text)?;
    let (g, d, ratio) = (
        t.column("role_group")?,
        t.column("driver")?,
        t.column("ratio")?,
    );
    let mut links = Vec::new();
    let mut rows = Vec::new();
    for (row, r) in t.rows() {
        let group = RoleGroup::parse(field(r, g))
            .map_err(|e| bad(&t.file, row, "role_group", e.to_string()))?;
        let driver =
            Driver::parse(field(r, d)).map_err(|e| bad(&t.file, row, "driver", e.to_string()))?;
        let ratio = Ratio::parse(field(r, ratio)).map_err(|e| bad(&t.file, row, "ratio", e))?;
        links.push(DriverLink {
            group,
            driver,
            ratio,
        });
        rows.push(row);
    }
    DriverMap::new(links).map_err(|(i, message)| {
        bad(
            &t.file,
            rows.get(i).copied().unwrap_or(1),
            "role_group",
            message,
        )
    })
}

/// Children aged 0 to 17 projected for each upper-tier area, from ONS's subnational
/// population projections.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationProjection {
    /// (area GSS code, year, children aged 0 to 17)
    pub rows: Vec<(String, i32, f64)>,
    /// Districts summed into their upper-tier areas.
    pub districts: usize,
    /// Areas outside England left out (the file covers England and Wales).
    pub left_out: usize,
}

/// ONS's SNPP "persons by single year of age" CSV (`AREA_CODE, AREA_NAME, COMPONENT, SEX,
/// AGE_GROUP, 2022, 2023, …`): the rows of the component "Population", sex "persons" and ages
/// 0 to 17 summed for each year, districts summed to their upper-tier area with ONS's April
/// 2023 lookup (a unitary area is its own upper tier).
pub fn population_projection(
    file: &str,
    text: &str,
) -> Result<PopulationProjection, ReferenceError> {
    let t = Table::read(file, text)?;
    let (code_c, component_c, sex_c, age_c) = (
        t.column("AREA_CODE")?,
        t.column("COMPONENT")?,
        t.column("SEX")?,
        t.column("AGE_GROUP")?,
    );
    let years: Vec<(usize, i32)> = t
        .headers()
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            h.parse::<i32>()
                .ok()
                .filter(|y| (1990..=2100).contains(y))
                .map(|y| (i, y))
        })
        .collect();
    if years.is_empty() {
        return Err(bad(
            &t.file,
            1,
            "2022, 2023, …",
            "no year columns: this is not ONS's subnational population projections by single year of age",
        ));
    }
    let upper: BTreeMap<String, String> = crate::ltla_lookup()?
        .into_iter()
        .map(|l| (l.code, l.utla_code))
        .collect();
    let mut sums: BTreeMap<(String, i32), f64> = BTreeMap::new();
    let mut districts = std::collections::BTreeSet::new();
    let mut left_out = std::collections::BTreeSet::new();
    for (row, r) in t.rows() {
        let component = field(r, component_c);
        let sex = field(r, sex_c);
        if !component.eq_ignore_ascii_case("population") || !sex.eq_ignore_ascii_case("persons") {
            continue;
        }
        let Ok(age) = field(r, age_c).parse::<u32>() else {
            continue; // "90 and over", "All ages"
        };
        if age > 17 {
            continue;
        }
        let code = field(r, code_c);
        let Some(utla) = upper.get(code) else {
            return Err(bad(
                &t.file,
                row,
                "AREA_CODE",
                format!(
                    "'{code}' is not a local authority district in ONS's April 2023 lookup: load the 2022-based projections on April 2023 boundaries"
                ),
            ));
        };
        if !utla.starts_with('E') {
            left_out.insert(utla.clone());
            continue;
        }
        districts.insert(code.to_string());
        for (i, year) in &years {
            let s = field(r, *i);
            let v = s
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    bad(
                        &t.file,
                        row,
                        &year.to_string(),
                        format!("'{s}' is not a number of people"),
                    )
                })?;
            *sums.entry((utla.clone(), *year)).or_default() += v;
        }
    }
    if sums.is_empty() {
        return Err(bad(
            &t.file,
            2,
            "AGE_GROUP",
            "no rows of the component 'Population', sex 'persons' at ages 0 to 17 in England",
        ));
    }
    Ok(PopulationProjection {
        rows: sums.into_iter().map(|((c, y), v)| (c, y, v)).collect(),
        districts: districts.len(),
        left_out: left_out.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_mapping_gives_every_group_a_driver() {
        let map = shipped_driver_map().unwrap();
        assert_eq!(map.links().len(), RoleGroup::ALL.len());
        assert_eq!(
            map.of(RoleGroup::SocialWorkers)[0].driver,
            Driver::ChildrenInNeed
        );
    }

    #[test]
    fn a_bad_mapping_names_row_column_and_value() {
        let e = driver_map(
            "mine.csv",
            "role_group,driver,ratio\nhealth,children,base\nhealth,babies,base\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("mine.csv, row 3, column driver:") && e.contains("babies"),
            "{e}"
        );
        let e = driver_map("mine.csv", "role_group,driver,ratio\nhealth,children,-2\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("row 2, column ratio") && e.contains("'-2'"),
            "{e}"
        );
        let e = driver_map("mine.csv", "role_group,driver\nhealth,children\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("column ratio: column is missing"), "{e}");
    }
}
