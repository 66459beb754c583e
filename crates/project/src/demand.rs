//! Demand: each role group's FTE needed in each year, its base year's need (people in post,
//! agency and vacancies) carried forward with its driver (children, children in need, …).
//! A driver's future is its loaded projection where there is one, else its trend:
//!
//! ```text
//! growth  = slope of ln(value) on year over the last five years held (least squares)
//! value(last + k) = value(last) × exp(growth × (φ + φ² + … + φᵏ)),  φ = 0.9
//! ```
//!
//! a log-linear trend whose yearly growth is damped by φ each year ahead (Gardner and
//! McKenzie's damped trend), so a short run of growth is not carried on for ever: after
//! many years the driver levels off at value(last) × exp(growth × φ / (1 − φ)).

use crate::ProjectError;

/// Years of history the trend is fitted on.
pub const WINDOW: usize = 5;
/// How much of a year's growth carries on to the next year ahead.
pub const DAMPING: f64 = 0.9;

/// Where a driver's future comes from, said on the page beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Future {
    /// A projection loaded for it (the ONS subnational population projections).
    Projected,
    /// Its damped log-linear trend.
    Trend,
}

/// The driver's futures the runs draw from, each with its weight: its growth a year lower by
/// √3 standard errors, as fitted, and higher by √3 standard errors, weighted 1/6, 2/3, 1/6 —
/// the three-point Gauss–Hermite rule, which has the fitted growth's mean and variance.
pub const VARIANTS: [(&str, f64, f64); 3] = [
    ("lower", 1.0 / 6.0, -1.732_050_807_568_877_2),
    ("central", 2.0 / 3.0, 0.0),
    ("higher", 1.0 / 6.0, 1.732_050_807_568_877_2),
];

/// A driver's history fitted: its last held year and value, and the log-linear growth a
/// year over the last `WINDOW` years with its standard error (0 where two or fewer years
/// are held: nothing to tell the growth's uncertainty from).
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub held: Vec<(i32, f64)>,
    pub last_year: i32,
    pub last: f64,
    pub growth: f64,
    pub growth_se: f64,
}

/// The trend of a driver's history `(year, value)`.
pub fn fit(history: &[(i32, f64)]) -> Result<Fit, ProjectError> {
    let mut held: Vec<(i32, f64)> = history.to_vec();
    held.sort_by_key(|(y, _)| *y);
    held.dedup_by_key(|(y, _)| *y);
    if let Some((y, v)) = held.iter().find(|(_, v)| !v.is_finite() || *v < 0.0) {
        return Err(ProjectError::input(
            format!("driver in {y}"),
            format!("is {v}, not a count"),
        ));
    }
    let Some(&(last_year, last)) = held.last() else {
        return Err(ProjectError::input("driver", "has no years to go on"));
    };
    let points: Vec<(f64, f64)> = held
        .iter()
        .rev()
        .take(WINDOW)
        .filter(|(_, v)| *v > 0.0)
        .map(|(y, v)| (*y as f64, v.ln()))
        .collect();
    let (mut growth, mut growth_se) = (0.0, 0.0);
    if points.len() >= 2 {
        let n = points.len() as f64;
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        if sxx > 0.0 {
            growth = sxy / sxx;
            if points.len() > 2 {
                let residual: f64 = points
                    .iter()
                    .map(|p| (p.1 - my - growth * (p.0 - mx)).powi(2))
                    .sum();
                growth_se = (residual / (n - 2.0) / sxx).sqrt();
            }
        }
    }
    Ok(Fit {
        held,
        last_year,
        last,
        growth,
        growth_se,
    })
}

impl Fit {
    /// Every year from the first held to `to`: the held values as they are, later years
    /// on the damped trend with `extra` added to the growth a year, or — where `projected`
    /// holds both the last held year and the year — the held value carried with the
    /// projection's change since the last held year (then `extra` on top, damped the same way).
    pub fn future(&self, projected: Option<&[(i32, f64)]>, extra: f64, to: i32) -> Vec<(i32, f64)> {
        let at = |series: &[(i32, f64)], year: i32| {
            series.iter().find(|(y, _)| *y == year).map(|(_, v)| *v)
        };
        let mut out = self.held.clone();
        let mut damped = 0.0;
        let mut factor = 1.0;
        for year in self.last_year + 1..=to {
            factor *= DAMPING;
            damped += factor;
            let projected_change =
                projected.and_then(|p| match (at(p, self.last_year), at(p, year)) {
                    (Some(then), Some(now)) if then > 0.0 => Some(now / then),
                    _ => None,
                });
            let central = match projected_change {
                Some(change) => self.last * change,
                None => self.last * (self.growth * damped).exp(),
            };
            out.push((year, central * (extra * damped).exp()));
        }
        out
    }

    /// Where the future beyond the last held year comes from.
    pub fn future_kind(&self, projected: Option<&[(i32, f64)]>, to: i32) -> Future {
        let covers =
            |p: &[(i32, f64)]| (self.last_year..=to).all(|y| p.iter().any(|(py, _)| *py == y));
        match projected {
            Some(p) if covers(p) => Future::Projected,
            _ => Future::Trend,
        }
    }

    /// The driver's futures at each of `VARIANTS`, in their order.
    pub fn variants(&self, projected: Option<&[(i32, f64)]>, to: i32) -> Vec<Vec<(i32, f64)>> {
        VARIANTS
            .iter()
            .map(|(_, _, at)| self.future(projected, at * self.growth_se, to))
            .collect()
    }
}

/// A driver's history `(year, value)` carried on to `to` on its damped trend.
pub fn trend(history: &[(i32, f64)], to: i32) -> Result<Vec<(i32, f64)>, ProjectError> {
    Ok(fit(history)?.future(None, 0.0, to))
}

/// What a role group's need follows.
#[derive(Debug, Clone, Copy)]
pub enum Need<'a> {
    /// The base year's need, carried with one driver.
    Base { need: f64, driver: &'a [(i32, f64)] },
    /// A driver at a standard: its units over the units one FTE serves.
    Standard {
        driver: &'a [(i32, f64)],
        units_per_fte: f64,
    },
}

/// Demand by year from `base_year` to `horizon` and role group: each group's needs added
/// up (`needs[g]`; none: the group's `flat` need, unchanged).
pub fn need_by_year(
    needs: &[Vec<Need>],
    flat: &[f64],
    base_year: i32,
    horizon: i32,
) -> Result<Vec<Vec<f64>>, ProjectError> {
    if needs.len() != flat.len() {
        return Err(ProjectError::input(
            "needs",
            format!("{} for {} role groups", needs.len(), flat.len()),
        ));
    }
    let at = |series: &[(i32, f64)], year: i32, g: usize| -> Result<f64, ProjectError> {
        series
            .iter()
            .find(|(y, _)| *y == year)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                ProjectError::input(
                    format!("driver of role group {g}"),
                    format!("has no value for {year}"),
                )
            })
    };
    (base_year..=horizon)
        .map(|year| {
            needs
                .iter()
                .zip(flat)
                .enumerate()
                .map(|(g, (group, flat))| {
                    if group.is_empty() {
                        return Ok(*flat);
                    }
                    group.iter().try_fold(0.0, |sum, need| {
                        Ok(sum
                            + match need {
                                Need::Base { need, driver } => {
                                    let base = at(driver, base_year, g)?;
                                    if base > 0.0 {
                                        need * at(driver, year, g)? / base
                                    } else {
                                        *need
                                    }
                                }
                                Need::Standard {
                                    driver,
                                    units_per_fte,
                                } => at(driver, year, g)? / units_per_fte,
                            })
                    })
                })
                .collect()
        })
        .collect()
}

/// Demand by year from `base_year` to `horizon` and role group: each group's base need
/// times its driver's value in the year over its value in the base year.
/// `drivers[g]` is the driver series of group `g` (None: the need stays as it is).
pub fn carried(
    base_need: &[f64],
    drivers: &[Option<&[(i32, f64)]>],
    base_year: i32,
    horizon: i32,
) -> Result<Vec<Vec<f64>>, ProjectError> {
    let needs: Vec<Vec<Need>> = base_need
        .iter()
        .zip(drivers)
        .map(|(need, driver)| {
            driver
                .map(|driver| Need::Base {
                    need: *need,
                    driver,
                })
                .into_iter()
                .collect()
        })
        .collect();
    if base_need.len() != drivers.len() {
        return Err(ProjectError::input(
            "drivers",
            format!("{} for {} role groups", drivers.len(), base_need.len()),
        ));
    }
    need_by_year(&needs, base_need, base_year, horizon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_growth_is_carried_on_damped() {
        // 10% a year for five years
        let history: Vec<(i32, f64)> = (0..5)
            .map(|i| (2020 + i, 1000.0 * (0.1 * i as f64).exp()))
            .collect();
        let out = trend(&history, 2026).unwrap();
        assert_eq!(out.len(), 7);
        let last = history[4].1;
        // 2025: one year ahead, growth × 0.9; 2026: × (0.9 + 0.81)
        assert!(
            (out[5].1 - last * (0.1f64 * 0.9).exp()).abs() < 1e-6,
            "{out:?}"
        );
        assert!((out[6].1 - last * (0.1f64 * 1.71).exp()).abs() < 1e-6);
        // and levels off: never beyond exp(growth × 9)
        let far = trend(&history, 2040).unwrap();
        assert!(far.last().unwrap().1 < last * (0.1f64 * 9.0).exp());
        assert!(far.windows(2).all(|w| w[1].1 >= w[0].1));
    }

    #[test]
    fn a_flat_or_short_history_stays_flat() {
        let out = trend(&[(2024, 50.0)], 2027).unwrap();
        assert_eq!(
            out,
            [(2024, 50.0), (2025, 50.0), (2026, 50.0), (2027, 50.0)]
        );
        assert!(trend(&[], 2030).is_err());
        assert!(trend(&[(2023, -1.0), (2024, 5.0)], 2030)
            .unwrap_err()
            .to_string()
            .contains("driver in 2023: is -1"));
        // only the last five years count
        let mut h: Vec<(i32, f64)> = (2010..2015).map(|y| (y, 1.0 + (y - 2010) as f64)).collect();
        h.extend((2015..2020).map(|y| (y, 100.0)));
        let out = trend(&h, 2021).unwrap();
        assert!((out.last().unwrap().1 - 100.0).abs() < 1e-9);
    }

    #[test]
    fn need_follows_its_driver() {
        let children = [(2025, 100.0), (2026, 110.0), (2027, 90.0)];
        let d = carried(&[50.0, 20.0], &[Some(&children), None], 2025, 2027).unwrap();
        assert_eq!(
            d,
            vec![vec![50.0, 20.0], vec![55.0, 20.0], vec![45.0, 20.0]]
        );
        assert!(carried(&[50.0], &[Some(&children)], 2025, 2028).is_err());
    }

    #[test]
    fn the_growth_carries_its_standard_error_into_three_weighted_futures() {
        // ln values exactly on a line: no error; off the line: the textbook slope error
        let exact: Vec<(i32, f64)> = (0..5)
            .map(|i| (2020 + i, (0.05 * i as f64).exp()))
            .collect();
        let f = fit(&exact).unwrap();
        assert!((f.growth - 0.05).abs() < 1e-12 && f.growth_se < 1e-9);
        // residuals +e, -e, 0, +e, -e about slope 0.05 at x = -2..2
        let e = 0.02;
        let off = [e, -e, 0.0, e, -e];
        let h: Vec<(i32, f64)> = (0..5)
            .map(|i| (2020 + i, (0.05 * i as f64 + off[i as usize]).exp()))
            .collect();
        let f = fit(&h).unwrap();
        // slope = 0.05 + Σx·off / Σx², x = −2…2: Σx·off = −2e + e + 0 + e − 2e = −0.04, Σx² = 10
        assert!(
            (f.growth - (0.05 - 0.04 / 10.0)).abs() < 1e-12,
            "{}",
            f.growth
        );
        let residual: f64 = (0..5)
            .map(|i| {
                let x = i as f64 - 2.0;
                let y = off[i as usize] + 0.004 * x - (off.iter().sum::<f64>() / 5.0);
                y * y
            })
            .sum();
        assert!((f.growth_se - (residual / 3.0 / 10.0).sqrt()).abs() < 1e-12);
        let v = f.variants(None, 2030);
        assert_eq!(v.len(), 3);
        let last = |s: &Vec<(i32, f64)>| s.last().unwrap().1;
        assert!(last(&v[0]) < last(&v[1]) && last(&v[1]) < last(&v[2]));
        assert_eq!(v[1], f.future(None, 0.0, 2030));
        let weights: f64 = VARIANTS.iter().map(|v| v.1).sum();
        assert!((weights - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_loaded_projection_carries_the_held_value_with_its_change() {
        let held = [(2023, 100.0), (2024, 110.0)];
        let ons = [(2022, 900.0), (2024, 1000.0), (2025, 950.0), (2026, 900.0)];
        let f = fit(&held).unwrap();
        assert_eq!(f.future_kind(Some(&ons), 2026), Future::Projected);
        assert_eq!(f.future_kind(Some(&ons), 2027), Future::Trend);
        let out = f.future(Some(&ons), 0.0, 2026);
        assert!(
            (out[2].1 - 104.5).abs() < 1e-9 && (out[3].1 - 99.0).abs() < 1e-9,
            "{out:?}"
        );
    }

    #[test]
    fn standards_add_up_and_a_base_ratio_follows_its_driver() {
        let twos = [(2025, 50.0), (2026, 60.0)];
        let older = [(2025, 80.0), (2026, 80.0)];
        let cin = [(2025, 100.0), (2026, 120.0)];
        let needs = vec![
            vec![
                Need::Standard {
                    driver: &twos,
                    units_per_fte: 5.0,
                },
                Need::Standard {
                    driver: &older,
                    units_per_fte: 8.0,
                },
            ],
            vec![Need::Base {
                need: 40.0,
                driver: &cin,
            }],
            vec![],
        ];
        let d = need_by_year(&needs, &[0.0, 40.0, 7.0], 2025, 2026).unwrap();
        assert_eq!(d, vec![vec![20.0, 40.0, 7.0], vec![22.0, 48.0, 7.0]]);
        assert!(need_by_year(&needs, &[0.0, 40.0, 7.0], 2025, 2027)
            .unwrap_err()
            .to_string()
            .contains("has no value for 2027"));
    }
}
