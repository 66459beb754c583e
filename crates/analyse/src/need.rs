//! Each area's need by role group (docs/definitions.md §7.2): the drivers the mapping names,
//! their futures (a loaded ONS projection of the children, else each driver's damped trend)
//! in three weighted variants, and the ratio — the base year's own or a standard.

use std::collections::BTreeMap;

use cws_domain::demand::{Driver, DriverMap, Ratio};
use cws_domain::role::RoleGroup;
use cws_project::demand::{fit, Fit, Future, Need, VARIANTS};
use cws_project::{DemandVariant, ProjectError};
use cws_reference::DriverRow;
use serde::Serialize;

/// What need is made from: the published drivers, a loaded projection of the children and
/// the mapping.
#[derive(Debug, Clone)]
pub struct Drivers {
    /// (driver, area) → (year, value), oldest first.
    series: BTreeMap<(Driver, String), Vec<(i32, f64)>>,
    /// Area → (year, children aged 0 to 17) from ONS's subnational projections, where loaded.
    children_projected: BTreeMap<String, Vec<(i32, f64)>>,
    pub map: DriverMap,
    /// Areas' own mappings, by area code, in place of `map`.
    own: BTreeMap<String, DriverMap>,
}

impl Drivers {
    pub fn new(
        rows: &[DriverRow],
        children_projected: &[(String, i32, f64)],
        map: DriverMap,
    ) -> Drivers {
        let mut series: BTreeMap<(Driver, String), Vec<(i32, f64)>> = BTreeMap::new();
        for r in rows {
            series
                .entry((r.driver, r.area.clone()))
                .or_default()
                .push((r.year, r.value));
        }
        let mut projected: BTreeMap<String, Vec<(i32, f64)>> = BTreeMap::new();
        for (area, year, v) in children_projected {
            projected.entry(area.clone()).or_default().push((*year, *v));
        }
        for s in series.values_mut().chain(projected.values_mut()) {
            s.sort_by_key(|(y, _)| *y);
        }
        Drivers {
            series,
            children_projected: projected,
            map,
            own: BTreeMap::new(),
        }
    }

    /// The same, with `area`'s own mapping in place of the common one for that area.
    pub fn with_own_map(mut self, area: &str, map: DriverMap) -> Drivers {
        self.own.insert(area.to_string(), map);
        self
    }

    /// The same, with the areas' own mappings as saved.
    pub fn with_saved_maps(self, saved: Vec<cws_store::projection::AreaDriverMap>) -> Drivers {
        saved
            .into_iter()
            .fold(self, |d, m| d.with_own_map(&m.area_code, m.map))
    }

    /// The mapping `area`'s need follows, and whether it is the area's own.
    pub fn map_for(&self, area: &str) -> (&DriverMap, bool) {
        match self.own.get(area) {
            Some(m) => (m, true),
            None => (&self.map, false),
        }
    }

    /// The shipped drivers and mapping, with the children's projection where one is loaded.
    pub fn shipped(
        children_projected: &[(String, i32, f64)],
    ) -> Result<Drivers, cws_reference::ReferenceError> {
        Ok(Drivers::new(
            &cws_reference::demand_drivers()?,
            children_projected,
            cws_reference::shipped_driver_map()?,
        ))
    }

    fn history(&self, driver: Driver, area: &str) -> Option<&[(i32, f64)]> {
        self.series
            .get(&(driver, area.to_string()))
            .map(Vec::as_slice)
            .filter(|s| !s.is_empty())
    }

    fn projected(&self, driver: Driver, area: &str) -> Option<&[(i32, f64)]> {
        (driver == Driver::Children)
            .then(|| self.children_projected.get(area).map(Vec::as_slice))
            .flatten()
    }

    /// Whether a projection of the children is loaded for `area`.
    pub fn has_projection(&self, area: &str) -> bool {
        self.children_projected.contains_key(area)
    }
}

/// A driver's values by year.
type Series = Vec<(i32, f64)>;

/// One driver of a role group as used for an area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriverUse {
    pub driver: Driver,
    pub ratio: Ratio,
    pub future: Future,
    /// The last year the published series holds.
    pub last_held: i32,
    /// The driver's value in the base year (held or on its future) and at the horizon.
    pub at_base: f64,
    pub at_horizon: f64,
    /// The mapping's driver had no series for the area, so the children stood in.
    pub stood_in: bool,
}

/// An area's need: the central future and its variants, and what each group's rests on.
#[derive(Debug, Clone)]
pub struct AreaNeed {
    pub central: Vec<Vec<f64>>,
    pub variants: Vec<DemandVariant>,
    /// By role group.
    pub uses: Vec<Vec<DriverUse>>,
}

/// Area `area`'s need from the base year to `horizon`: `base_need[g]` is role group g's
/// need at the census (supply and vacancies), groups in `RoleGroup::ALL` order. None where
/// not even the children are held for the area.
pub fn area_need(
    drivers: &Drivers,
    area: &str,
    base_need: &[f64],
    base_year: i32,
    horizon: i32,
) -> Result<Option<AreaNeed>, ProjectError> {
    // each group's (driver, ratio, fit, stood in)
    let mut chosen: Vec<Vec<(Driver, Ratio, Fit, bool)>> = Vec::new();
    for group in RoleGroup::ALL.iter().take(base_need.len()) {
        let links = drivers.map_for(area).0.of(*group);
        let held: Option<Vec<(Driver, Ratio, Fit, bool)>> = links
            .iter()
            .map(|l| {
                drivers
                    .history(l.driver, area)
                    .and_then(|h| fit(h).ok())
                    .map(|f| (l.driver, l.ratio, f, false))
            })
            .collect();
        let group_drivers = match held {
            Some(h) => h,
            None => match drivers
                .history(Driver::Children, area)
                .and_then(|h| fit(h).ok())
            {
                Some(f) => vec![(Driver::Children, Ratio::Base, f, true)],
                None => return Ok(None),
            },
        };
        chosen.push(group_drivers);
    }
    // by group, driver and variant: the driver's series
    let futures: Vec<Vec<Vec<Series>>> = chosen
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|(d, _, f, _)| f.variants(drivers.projected(*d, area), horizon))
                .collect()
        })
        .collect();
    let demand_at = |k: usize| -> Result<Vec<Vec<f64>>, ProjectError> {
        let needs: Vec<Vec<Need>> = chosen
            .iter()
            .zip(&futures)
            .zip(base_need)
            .map(|((group, series), need)| {
                group
                    .iter()
                    .zip(series)
                    .map(|((_, ratio, _, _), s)| match ratio {
                        Ratio::Base => Need::Base {
                            need: *need,
                            driver: &s[k],
                        },
                        Ratio::Standard(units) => Need::Standard {
                            driver: &s[k],
                            units_per_fte: *units,
                        },
                    })
                    .collect()
            })
            .collect();
        cws_project::demand::need_by_year(&needs, base_need, base_year, horizon)
    };
    let central = demand_at(1)?;
    let variants = VARIANTS
        .iter()
        .enumerate()
        .map(|(k, (name, weight, _))| {
            Ok(DemandVariant {
                name: (*name).to_string(),
                weight: *weight,
                demand: demand_at(k)?,
            })
        })
        .collect::<Result<Vec<_>, ProjectError>>()?;
    let value =
        |s: &[(i32, f64)], year: i32| s.iter().find(|(y, _)| *y == year).map_or(0.0, |(_, v)| *v);
    let uses = chosen
        .iter()
        .zip(&futures)
        .map(|(group, series)| {
            group
                .iter()
                .zip(series)
                .map(|((d, ratio, f, stood_in), s)| DriverUse {
                    driver: *d,
                    ratio: *ratio,
                    future: f.future_kind(drivers.projected(*d, area), horizon),
                    last_held: f.last_year,
                    at_base: value(&s[1], base_year),
                    at_horizon: value(&s[1], horizon),
                    stood_in: *stood_in,
                })
                .collect()
        })
        .collect();
    Ok(Some(AreaNeed {
        central,
        variants,
        uses,
    }))
}

/// What a role group's need rests on across a place's areas, for the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedBasis {
    pub role_group: String,
    pub drivers: Vec<DriverBasis>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriverBasis {
    pub driver: String,
    pub source: &'static str,
    pub ratio: String,
    /// "ONS projection", "damped trend", or both with the areas of each.
    pub future: String,
    pub last_held: i32,
    /// The driver's value in the base year and at the horizon, the place's areas summed.
    pub at_base: f64,
    pub at_horizon: f64,
    /// Areas using it, and of them those where the children stood in for the mapping's driver.
    pub areas: usize,
    pub stood_in: usize,
}

/// The place's bases: the areas' uses summed by role group and driver.
pub fn bases(uses: &[Vec<Vec<DriverUse>>], group_names: &[String]) -> Vec<NeedBasis> {
    let mut out = Vec::new();
    for (g, name) in group_names.iter().enumerate() {
        let mut by: BTreeMap<(Driver, String), (DriverBasis, usize)> = BTreeMap::new();
        for area in uses {
            for u in area.get(g).into_iter().flatten() {
                let ratio = u.ratio.describe();
                let entry = by.entry((u.driver, ratio.clone())).or_insert_with(|| {
                    (
                        DriverBasis {
                            driver: u.driver.label().to_string(),
                            source: cws_reference::driver_source(u.driver),
                            ratio,
                            future: String::new(),
                            last_held: u.last_held,
                            at_base: 0.0,
                            at_horizon: 0.0,
                            areas: 0,
                            stood_in: 0,
                        },
                        0,
                    )
                });
                let b = &mut entry.0;
                b.areas += 1;
                b.stood_in += usize::from(u.stood_in);
                b.at_base += u.at_base;
                b.at_horizon += u.at_horizon;
                b.last_held = b.last_held.min(u.last_held);
                entry.1 += usize::from(u.future == Future::Projected);
            }
        }
        let drivers = by
            .into_values()
            .map(|(mut b, projected)| {
                b.future = match projected {
                    0 => "its trend, damped".to_string(),
                    n if n == b.areas => "ONS projection".to_string(),
                    n => format!(
                        "ONS projection in {n} areas, its trend, damped, in {}",
                        b.areas - n
                    ),
                };
                b.at_base = (b.at_base * 10.0).round() / 10.0;
                b.at_horizon = (b.at_horizon * 10.0).round() / 10.0;
                b
            })
            .collect();
        out.push(NeedBasis {
            role_group: name.clone(),
            drivers,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cws_domain::demand::DriverLink;

    fn row(driver: Driver, year: i32, value: f64) -> DriverRow {
        DriverRow {
            driver,
            area: "E09000027".into(),
            year,
            value,
        }
    }

    #[test]
    fn each_group_follows_its_driver_and_the_children_stand_in_where_it_is_missing() {
        let rows = vec![
            row(Driver::Children, 2024, 1000.0),
            row(Driver::Children, 2025, 1000.0),
            row(Driver::ChildrenInNeed, 2024, 100.0),
            row(Driver::ChildrenInNeed, 2025, 110.0),
        ];
        let map = DriverMap::new(vec![
            DriverLink {
                group: RoleGroup::SocialWorkers,
                driver: Driver::ChildrenInNeed,
                ratio: Ratio::Standard(10.0),
            },
            DriverLink {
                group: RoleGroup::EducationSupport,
                driver: Driver::EhcPlans,
                ratio: Ratio::Base,
            },
        ])
        .unwrap();
        let d = Drivers::new(&rows, &[], map);
        let n = RoleGroup::ALL.len();
        let sw = RoleGroup::ALL
            .iter()
            .position(|g| *g == RoleGroup::SocialWorkers)
            .unwrap();
        let es = RoleGroup::ALL
            .iter()
            .position(|g| *g == RoleGroup::EducationSupport)
            .unwrap();
        let need = area_need(&d, "E09000027", &vec![20.0; n], 2025, 2026)
            .unwrap()
            .unwrap();
        // a caseload of 10: 110 children in need need 11 FTE
        assert!((need.central[0][sw] - 11.0).abs() < 1e-9);
        // no EHC plans held: the children stand in, flat children keep the need
        assert!(need.uses[es][0].stood_in && need.uses[es][0].driver == Driver::Children);
        assert!((need.central[1][es] - 20.0).abs() < 1e-9);
        assert_eq!(need.variants.len(), 3);
        // nothing held for another area: no need
        assert!(area_need(&d, "E06000001", &vec![20.0; n], 2025, 2026)
            .unwrap()
            .is_none());
        let b = bases(
            std::slice::from_ref(&need.uses),
            &RoleGroup::ALL
                .iter()
                .map(|g| g.label().to_string())
                .collect::<Vec<_>>(),
        );
        assert_eq!(b[sw].drivers[0].driver, "Children in need");
        assert_eq!(b[es].drivers[0].stood_in, 1);
        assert_eq!(b[sw].drivers[0].future, "its trend, damped");

        // an area's own mapping takes the place of the common one for that area alone
        let own = DriverMap::new(vec![DriverLink {
            group: RoleGroup::SocialWorkers,
            driver: Driver::ChildrenInNeed,
            ratio: Ratio::Standard(22.0),
        }])
        .unwrap();
        let d = d.with_own_map("E09000027", own);
        assert!(d.map_for("E09000027").1 && !d.map_for("E06000001").1);
        let need = area_need(&d, "E09000027", &vec![20.0; n], 2025, 2026)
            .unwrap()
            .unwrap();
        assert!((need.central[0][sw] - 5.0).abs() < 1e-9, "110 / 22");
    }
}
