//! Rates for small cells. A rate measured on a handful of people is mostly noise — one
//! leaver among four is not a 25% leaving rate — so each cell's rate is shrunk towards the
//! rate of the wider population it belongs to (the region's for the same role group and age
//! band, and the region's towards England's), by a fixed number of pseudo-people:
//!
//! ```text
//! rate = (events + k × wider rate) / (exposure + k)
//! ```
//!
//! the mean of the beta posterior whose prior is the wider rate worth `k` people
//! (empirical Bayes with a fixed prior strength). With k = 20, one leaver among four people
//! where the region loses 12% gives (1 + 2.4) / 24 = 14.2%; a cell of 400 keeps nearly its
//! own rate. `Rate::evidence` (exposure + k) is how much the rate rests on: the Monte Carlo
//! runs draw it from Beta(rate × evidence, (1 − rate) × evidence).

use crate::model::Rate;

/// The prior's strength in people: the wider rate counts as this many people seen.
pub const STRENGTH: f64 = 20.0;

/// Events (leavers, say) among an exposure (people in post over the year), at one level.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Counts {
    pub events: f64,
    pub exposure: f64,
}

/// One cell's rate shrunk towards `wider` by `strength` pseudo-people.
pub fn shrunk(own: Counts, wider: f64, strength: f64) -> Rate {
    let events = own.events.max(0.0);
    let exposure = own.exposure.max(events);
    let evidence = exposure + strength.max(0.0);
    let mean = if evidence > 0.0 {
        (events + strength.max(0.0) * wider.clamp(0.0, 1.0)) / evidence
    } else {
        wider.clamp(0.0, 1.0)
    };
    Rate {
        mean: mean.clamp(0.0, 1.0),
        evidence,
        year_sd: 0.0,
    }
}

/// A cell's rate through its levels, widest first (England, the region, the area): the
/// widest is taken as measured (or `floor` when it has no exposure), and each narrower
/// level is shrunk towards the one above it.
pub fn through(levels: &[Counts], floor: f64, strength: f64) -> Rate {
    let mut rate = Rate {
        mean: floor.clamp(0.0, 1.0),
        evidence: 0.0,
        year_sd: 0.0,
    };
    for (i, level) in levels.iter().enumerate() {
        rate = if i == 0 {
            shrunk(*level, floor, 0.0)
        } else {
            shrunk(*level, rate.mean, strength)
        };
    }
    rate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(events: f64, exposure: f64) -> Counts {
        Counts { events, exposure }
    }

    #[test]
    fn one_leaver_among_four_is_not_a_quarter() {
        let r = shrunk(counts(1.0, 4.0), 0.12, STRENGTH);
        assert!((r.mean - 3.4 / 24.0).abs() < 1e-12, "{r:?}");
        assert_eq!(r.evidence, 24.0);
        // a large cell keeps nearly its own rate
        let big = shrunk(counts(100.0, 400.0), 0.12, STRENGTH);
        assert!((big.mean - 102.4 / 420.0).abs() < 1e-12);
        // an empty cell takes the wider rate
        assert_eq!(shrunk(counts(0.0, 0.0), 0.12, STRENGTH).mean, 0.12);
    }

    #[test]
    fn levels_shrink_each_towards_the_one_above() {
        // England 10%, the region 20% of 80 → (16 + 2) / 100 = 18%, the area 1 of 4 → (1 + 3.6) / 24
        let r = through(
            &[
                counts(1000.0, 10_000.0),
                counts(16.0, 80.0),
                counts(1.0, 4.0),
            ],
            0.0,
            STRENGTH,
        );
        assert!((r.mean - 4.6 / 24.0).abs() < 1e-12, "{r:?}");
        // nothing measured anywhere: the floor
        let none = through(&[counts(0.0, 0.0), counts(0.0, 0.0)], 0.05, STRENGTH);
        assert!((none.mean - 0.05).abs() < 1e-12);
        // never outside 0–1, whatever the counts say
        let odd = through(&[counts(5.0, 2.0)], 0.0, STRENGTH);
        assert!((0.0..=1.0).contains(&odd.mean));
    }
}
