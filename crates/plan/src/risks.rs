//! The risk register: each risk scored likelihood × impact (1–5 each), rated, and counted on
//! a 5 × 5 heat map.

use serde::Serialize;

/// A risk to the strategy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    pub description: String,
    pub consequence: String,
    pub mitigation: String,
    pub owner: String,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: u8,
    /// 1 (negligible) to 5 (severe).
    pub impact: u8,
}

/// A risk's rating from its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Rating {
    pub fn label(self) -> &'static str {
        match self {
            Rating::Low => "Low",
            Rating::Medium => "Medium",
            Rating::High => "High",
            Rating::VeryHigh => "Very high",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be from 1 to 5, not {value}")]
pub struct ScaleError {
    pub what: &'static str,
    pub value: i64,
}

/// The lowest and highest point of the likelihood and impact scales.
pub const SCALE: std::ops::RangeInclusive<u8> = 1..=5;

/// A likelihood or an impact (`what`) as entered, if it is on the 1–5 scale.
pub fn on_scale(what: &'static str, value: i64) -> Result<u8, ScaleError> {
    u8::try_from(value)
        .ok()
        .filter(|v| SCALE.contains(v))
        .ok_or(ScaleError { what, value })
}

impl Risk {
    /// Likelihood × impact, 1 to 25.
    pub fn score(&self) -> Result<u8, ScaleError> {
        for (what, value) in [("likelihood", self.likelihood), ("impact", self.impact)] {
            on_scale(what, i64::from(value))?;
        }
        Ok(self.likelihood * self.impact)
    }

    pub fn rating(&self) -> Result<Rating, ScaleError> {
        Ok(match self.score()? {
            1..=4 => Rating::Low,
            5..=9 => Rating::Medium,
            10..=14 => Rating::High,
            _ => Rating::VeryHigh,
        })
    }
}

/// How many risks sit in each cell: `grid[impact - 1][likelihood - 1]`. Risks off the scale
/// are left out (their `score` says why).
pub fn heat_map(risks: &[Risk]) -> [[usize; 5]; 5] {
    let mut grid = [[0; 5]; 5];
    for r in risks.iter().filter(|r| r.score().is_ok()) {
        grid[r.impact as usize - 1][r.likelihood as usize - 1] += 1;
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_runs_from_one_to_five() {
        assert_eq!(on_scale("impact", 1), Ok(1));
        assert_eq!(on_scale("impact", 5), Ok(5));
        for off in [0, 6, -1, 300] {
            assert_eq!(
                on_scale("likelihood", off),
                Err(ScaleError {
                    what: "likelihood",
                    value: off
                })
            );
        }
    }

    fn risk(likelihood: u8, impact: u8) -> Risk {
        Risk {
            description: "Agency rates rise".into(),
            consequence: "Budget overspend".into(),
            mitigation: "Regional agency pay agreement".into(),
            owner: "Director".into(),
            likelihood,
            impact,
        }
    }

    #[test]
    fn scores_bands_and_the_heat_map() {
        assert_eq!(risk(4, 5).score(), Ok(20));
        assert_eq!(risk(4, 5).rating(), Ok(Rating::VeryHigh));
        assert_eq!(risk(2, 2).rating(), Ok(Rating::Low));
        assert_eq!(risk(3, 3).rating(), Ok(Rating::Medium));
        assert_eq!(risk(2, 5).rating(), Ok(Rating::High));
        assert_eq!(
            risk(0, 3).score(),
            Err(ScaleError {
                what: "likelihood",
                value: 0
            })
        );
        let grid = heat_map(&[risk(4, 5), risk(4, 5), risk(1, 1), risk(6, 1)]);
        assert_eq!(grid[4][3], 2);
        assert_eq!(grid[0][0], 1);
        assert_eq!(
            grid.iter().flatten().sum::<usize>(),
            3,
            "off-scale left out"
        );
    }
}
