//! Settings coverage projected (docs/definitions.md §8): the share of settings with at least
//! one (or two) graduates, from the projected graduate share of their staff.
//!
//! The model projects people by role group, not by setting, so a setting's graduates are
//! approximated: in a year where the graduate share among the role group's staff is `p`, a
//! setting with `n` staff has `X ~ Poisson(κ·n·p)` graduates — the binomial's limit, which
//! allows the clustering factor `κ` to be fractional. `κ` is fitted once, at the census, so
//! that the approximation gives the coverage the census shows (graduates gather in some
//! settings, so κ is usually below 1); it is kept within `KAPPA` so that a census with no
//! setting covered, or every one, still lets the share move. Settings are independent given
//! `p`, so the number covered follows a Poisson-binomial distribution, computed exactly; the
//! chance of meeting a coverage target in a run is read from it, and averaged over the runs.

/// One setting at the census: its staff of the role group and how many are graduates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting {
    pub staff: u32,
    pub graduates: u32,
}

/// The clustering factor's bounds.
pub const KAPPA: (f64, f64) = (0.05, 20.0);

/// The settings of a coverage figure and what "covered" asks of each.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub settings: Vec<Setting>,
    /// Graduates a setting needs to count as covered (1, or 2 in disadvantaged areas).
    pub need: u32,
    /// The clustering factor κ.
    pub clustering: f64,
}

/// P(X ≥ need) for X ~ Poisson(λ).
fn at_least(need: u32, lambda: f64) -> f64 {
    if need == 0 {
        return 1.0;
    }
    let mut term = (-lambda).exp();
    let mut below = 0.0;
    for k in 0..need {
        if k > 0 {
            term *= lambda / k as f64;
        }
        below += term;
    }
    (1.0 - below).clamp(0.0, 1.0)
}

impl Coverage {
    /// The settings with κ fitted to the census: the approximation's coverage at the census's
    /// graduate share `p0` equals the share of settings with `need` graduates or more (found
    /// by bisection: coverage rises with κ). With no settings, κ = 1.
    pub fn calibrated(settings: Vec<Setting>, need: u32, p0: f64) -> Coverage {
        let mut c = Coverage {
            settings,
            need,
            clustering: 1.0,
        };
        if c.settings.is_empty() || !(0.0..=1.0).contains(&p0) {
            return c;
        }
        let observed = c.settings.iter().filter(|s| s.graduates >= need).count() as f64
            / c.settings.len() as f64;
        let (mut low, mut high) = KAPPA;
        // 60 halvings of a range of 20 is far below any difference that shows
        for _ in 0..60 {
            c.clustering = (low + high) / 2.0;
            if c.expected_share(p0) < observed {
                low = c.clustering;
            } else {
                high = c.clustering;
            }
        }
        c.clustering = (low + high) / 2.0;
        c
    }

    /// The chance a setting is covered when the graduate share is `p`.
    pub fn setting_chance(&self, s: &Setting, p: f64) -> f64 {
        at_least(
            self.need,
            self.clustering * s.staff as f64 * p.clamp(0.0, 1.0),
        )
    }

    /// The expected share of settings covered (0 to 1) at graduate share `p`.
    pub fn expected_share(&self, p: f64) -> f64 {
        if self.settings.is_empty() {
            return f64::NAN;
        }
        self.settings
            .iter()
            .map(|s| self.setting_chance(s, p))
            .sum::<f64>()
            / self.settings.len() as f64
    }

    /// The distribution of the number of settings covered at graduate share `p`: element k
    /// is the chance that exactly k are (Poisson-binomial, by dynamic programming).
    pub fn distribution(&self, p: f64) -> Vec<f64> {
        let mut dist = vec![1.0];
        for s in &self.settings {
            let q = self.setting_chance(s, p);
            let mut next = vec![0.0; dist.len() + 1];
            for (k, d) in dist.iter().enumerate() {
                next[k] += d * (1.0 - q);
                next[k + 1] += d * q;
            }
            dist = next;
        }
        dist
    }

    /// The chance, at graduate share `p`, that the percentage of settings covered meets
    /// `met` (a target's test on a percentage). None with no settings.
    pub fn chance(&self, p: f64, met: impl Fn(f64) -> bool) -> Option<f64> {
        let n = self.settings.len();
        if n == 0 {
            return None;
        }
        Some(
            self.distribution(p)
                .iter()
                .enumerate()
                .filter(|(k, _)| met(*k as f64 / n as f64 * 100.0))
                .map(|(_, d)| d)
                .sum(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two() -> Coverage {
        Coverage {
            settings: vec![
                Setting {
                    staff: 4,
                    graduates: 1,
                },
                Setting {
                    staff: 2,
                    graduates: 0,
                },
            ],
            need: 1,
            clustering: 1.0,
        }
    }

    #[test]
    fn coverage_by_hand() {
        // p = 0.25: λ = 1 and 0.5; q = 1 − e^−1 = 0.63212, 1 − e^−0.5 = 0.39347
        let c = two();
        let (q1, q2) = (1.0 - (-1.0f64).exp(), 1.0 - (-0.5f64).exp());
        assert!((c.setting_chance(&c.settings[0], 0.25) - 0.63212).abs() < 1e-5);
        assert!((c.expected_share(0.25) - (q1 + q2) / 2.0).abs() < 1e-12);
        assert!((c.expected_share(0.25) - 0.512797).abs() < 1e-5);
        // every setting: q1·q2 = 0.248720; at least half: 1 − (1 − q1)(1 − q2) = 0.776870
        let all = c.chance(0.25, |pct| pct >= 100.0).unwrap();
        assert!((all - 0.248720).abs() < 1e-5, "{all}");
        let half = c.chance(0.25, |pct| pct >= 50.0).unwrap();
        assert!((half - 0.776870).abs() < 1e-5, "{half}");
        let d = c.distribution(0.25);
        assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // two graduates: P(X ≥ 2) = 1 − e^−λ(1 + λ); λ = 1 → 0.264241
        let two = Coverage { need: 2, ..c };
        assert!((two.setting_chance(&two.settings[0], 0.25) - 0.264241).abs() < 1e-5);
        assert_eq!(
            Coverage {
                settings: vec![],
                ..two
            }
            .chance(0.5, |_| true),
            None
        );
    }

    #[test]
    fn the_clustering_factor_reproduces_the_census() {
        // one setting of two covered at p0 = 0.25
        let c = Coverage::calibrated(two().settings, 1, 0.25);
        assert!((c.expected_share(0.25) - 0.5).abs() < 1e-9, "{c:?}");
        assert!(c.clustering < 1.0 && c.clustering > KAPPA.0, "{c:?}");
        // coverage rises with the graduate share
        assert!(c.expected_share(0.5) > c.expected_share(0.25));
        // none covered at the census: κ at its lower bound, so more graduates still count
        let none = Coverage::calibrated(
            vec![Setting {
                staff: 10,
                graduates: 0,
            }],
            1,
            0.2,
        );
        assert!((none.clustering - KAPPA.0).abs() < 1e-6, "{none:?}");
        assert!(none.expected_share(0.5) > none.expected_share(0.2));
    }
}
