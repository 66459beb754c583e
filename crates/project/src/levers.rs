//! The levers a scenario pulls: what the area can change, kept apart from the uncertain
//! parameters (rates, drivers) that the Monte Carlo runs vary. Every lever has a range;
//! a value outside it is refused, naming the lever and the range.

use serde::{Deserialize, Serialize};

use crate::ProjectError;

/// What a scenario changes. The default changes nothing: the projection carries on as the
/// returns show the workforce moving now.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Levers {
    /// Joiners a year, up or down, in per cent of what the returns show (−100 to +200).
    pub recruitment_pct: f64,
    /// Leaving rates (other than retirement), up or down, in per cent (−100 to +200).
    pub turnover_pct: f64,
    /// Years later (or, negative, earlier) that people retire (−5 to +10): each age's
    /// retirement rate becomes that of the age this many years younger.
    pub retirement_shift_years: f64,
    /// Training places a year that take people below Level 3 to Level 3 (0 to 100,000).
    pub level3_places: f64,
    /// Training places a year that take people at Level 3 to 5 to a degree (0 to 100,000).
    pub graduate_places: f64,
    /// The share of places completed within the year (0 to 1).
    pub completion_rate: f64,
    /// The share of agency FTE turned into employed posts each year (0 to 1).
    pub agency_conversion: f64,
    /// A pay rise for retention, in per cent of pay (0 to 50).
    pub pay_incentive_pct: f64,
    /// How leaving answers pay: each 1% of pay lowers the leaving rate by this many per cent
    /// of itself (0 to 5). The default of 1 is an assumption for the area to set, not a
    /// measured value: published estimates for teachers and nurses range about 0.5 to 3.
    pub retention_elasticity: f64,
}

impl Default for Levers {
    fn default() -> Self {
        Levers {
            recruitment_pct: 0.0,
            turnover_pct: 0.0,
            retirement_shift_years: 0.0,
            level3_places: 0.0,
            graduate_places: 0.0,
            completion_rate: 0.8,
            agency_conversion: 0.0,
            pay_incentive_pct: 0.0,
            retention_elasticity: 1.0,
        }
    }
}

/// Each lever with its range and unit, for checking and for the scenario form.
pub const RANGES: &[(&str, f64, f64, &str)] = &[
    ("recruitment_pct", -100.0, 200.0, "%"),
    ("turnover_pct", -100.0, 200.0, "%"),
    ("retirement_shift_years", -5.0, 10.0, " years"),
    ("level3_places", 0.0, 100_000.0, " places"),
    ("graduate_places", 0.0, 100_000.0, " places"),
    ("completion_rate", 0.0, 1.0, ""),
    ("agency_conversion", 0.0, 1.0, ""),
    ("pay_incentive_pct", 0.0, 50.0, "%"),
    ("retention_elasticity", 0.0, 5.0, ""),
];

/// Each lever in words, in the order of `RANGES`, for forms and documents.
pub const LABELS: [&str; 9] = [
    "Recruitment: joiners a year, per cent up or down",
    "Turnover: leaving other than retirement, per cent up or down",
    "Retirement: years later (negative: earlier)",
    "Training places a year to Level 3",
    "Training places a year to a degree",
    "Share of places completed in the year",
    "Share of agency FTE made employed posts each year",
    "Pay incentive for retention, per cent of pay",
    "Retention elasticity: per cent less leaving for each 1% of pay",
];

impl Levers {
    /// The levers from their values in the order of `RANGES` (unchecked).
    pub fn from_values(v: [f64; 9]) -> Levers {
        Levers {
            recruitment_pct: v[0],
            turnover_pct: v[1],
            retirement_shift_years: v[2],
            level3_places: v[3],
            graduate_places: v[4],
            completion_rate: v[5],
            agency_conversion: v[6],
            pay_incentive_pct: v[7],
            retention_elasticity: v[8],
        }
    }

    /// Each lever by name, in the order of `RANGES`.
    pub fn values(&self) -> [f64; 9] {
        [
            self.recruitment_pct,
            self.turnover_pct,
            self.retirement_shift_years,
            self.level3_places,
            self.graduate_places,
            self.completion_rate,
            self.agency_conversion,
            self.pay_incentive_pct,
            self.retention_elasticity,
        ]
    }

    /// The levers, or the first outside its range (a value that is not a number is outside
    /// every range).
    pub fn checked(self) -> Result<Levers, ProjectError> {
        for (&(lever, min, max, unit), value) in RANGES.iter().zip(self.values()) {
            if !(min..=max).contains(&value) {
                return Err(ProjectError::Lever {
                    lever,
                    value,
                    min,
                    max,
                    unit,
                });
            }
        }
        Ok(self)
    }

    /// What leaving rates are multiplied by: turnover and the pay incentive together.
    pub fn leaving_factor(&self) -> f64 {
        let pay = (1.0 - self.retention_elasticity * self.pay_incentive_pct / 100.0).max(0.0);
        (1.0 + self.turnover_pct / 100.0).max(0.0) * pay
    }

    /// What joiners are multiplied by.
    pub fn recruitment_factor(&self) -> f64 {
        (1.0 + self.recruitment_pct / 100.0).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lever_out_of_range_is_named_with_its_range() {
        assert!(Levers::default().checked().is_ok());
        let e = Levers {
            turnover_pct: -150.0,
            ..Levers::default()
        }
        .checked()
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the lever 'turnover_pct' is -150, outside its range -100 to 200%"
        );
        let e = Levers {
            completion_rate: f64::NAN,
            ..Levers::default()
        }
        .checked()
        .unwrap_err();
        assert!(e.to_string().contains("'completion_rate' is NaN"), "{e}");
        assert_eq!(RANGES.len(), Levers::default().values().len());
        let l = Levers {
            recruitment_pct: 5.0,
            pay_incentive_pct: 2.0,
            ..Levers::default()
        };
        assert_eq!(Levers::from_values(l.values()), l);
    }

    #[test]
    fn pay_and_turnover_multiply_leaving() {
        let l = Levers {
            turnover_pct: -10.0,
            pay_incentive_pct: 5.0,
            retention_elasticity: 2.0,
            ..Levers::default()
        };
        assert!((l.leaving_factor() - 0.9 * 0.9).abs() < 1e-12);
        assert_eq!(
            Levers {
                recruitment_pct: 25.0,
                ..Levers::default()
            }
            .recruitment_factor(),
            1.25
        );
    }
}
