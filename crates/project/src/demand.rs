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

/// A driver's history `(year, value)` carried on to `to`: every year from the first held
/// to `to`, the held values as they are and later years on the damped trend.
pub fn trend(history: &[(i32, f64)], to: i32) -> Result<Vec<(i32, f64)>, ProjectError> {
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
    let fit: Vec<(f64, f64)> = held
        .iter()
        .rev()
        .take(WINDOW)
        .filter(|(_, v)| *v > 0.0)
        .map(|(y, v)| (*y as f64, v.ln()))
        .collect();
    let growth = if fit.len() >= 2 {
        let n = fit.len() as f64;
        let (mx, my) = (
            fit.iter().map(|p| p.0).sum::<f64>() / n,
            fit.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let sxx: f64 = fit.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = fit.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        if sxx > 0.0 {
            sxy / sxx
        } else {
            0.0
        }
    } else {
        0.0
    };
    let mut out = held;
    let mut damped = 0.0;
    let mut factor = 1.0;
    for year in last_year + 1..=to {
        factor *= DAMPING;
        damped += factor;
        out.push((year, last * (growth * damped).exp()));
    }
    Ok(out)
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
    if base_need.len() != drivers.len() {
        return Err(ProjectError::input(
            "drivers",
            format!("{} for {} role groups", drivers.len(), base_need.len()),
        ));
    }
    let at = |series: &[(i32, f64)], year: i32| -> Option<f64> {
        series.iter().find(|(y, _)| *y == year).map(|(_, v)| *v)
    };
    (base_year..=horizon)
        .map(|year| {
            base_need
                .iter()
                .zip(drivers)
                .enumerate()
                .map(|(g, (need, driver))| match driver {
                    None => Ok(*need),
                    Some(series) => {
                        let (Some(base), Some(now)) = (at(series, base_year), at(series, year))
                        else {
                            return Err(ProjectError::input(
                                format!("driver of role group {g}"),
                                format!("has no value for {base_year} or {year}"),
                            ));
                        };
                        Ok(if base > 0.0 { need * now / base } else { *need })
                    }
                })
                .collect()
        })
        .collect()
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
}
