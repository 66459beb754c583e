//! The backcast's fit, checks and scores against hand-worked figures.

use cws_project::backcast::{backcast, fit, Check, History, Score, Unfit};
use cws_project::model::expected;
use cws_project::monte_carlo::Options;
use cws_project::Levers;

fn near(a: f64, b: f64, within: f64) -> bool {
    (a - b).abs() < within
}

fn close(a: f64, b: f64) -> bool {
    near(a, b, 1e-6)
}

/// 100, 110, 120 FTE in post 2019–2021; 10, 15, 20 leavers; 2019's 20 starters published.
fn three_years() -> History {
    let some = |v: &[f64]| v.iter().map(|x| Some(*x)).collect();
    History {
        years: vec![2019, 2020, 2021, 2022, 2023],
        in_post_fte: some(&[100.0, 110.0, 120.0, 125.0, 131.0]),
        in_post_heads: some(&[100.0, 110.0, 120.0, 125.0, 131.0]),
        starters_fte: some(&[20.0, 99.0, 99.0, 30.0, 30.0]),
        leavers_fte: some(&[10.0, 15.0, 20.0, 25.0, 24.0]),
    }
}

#[test]
fn joiners_make_the_stock_add_up_and_rates_are_over_the_fte_at_the_years_start() {
    let f = fit(&three_years(), 2021).unwrap();
    assert_eq!(f.fit_years, [2019, 2020, 2021]);
    let i = &f.inputs;
    assert!(i.aggregate);
    assert_eq!(i.base_year, 2021);
    assert!(near(i.stock.iter().sum(), 120.0, 1e-9));
    // joiners: 2019 its published 20 (no year before); 2020 110 − 100 + 15 = 25 (the
    // published 99 is not used); 2021 120 − 110 + 20 = 30; weights 0.5625, 0.75, 1
    let weights = 0.5625 + 0.75 + 1.0;
    assert!(near(
        i.joiners[0].mean,
        (0.5625 * 20.0 + 0.75 * 25.0 + 30.0) / weights,
        1e-9
    ));
    // leaving: 10 of 90 (100 − 20 + 10), 15 of 100, 20 of 110
    let rate = (0.5625 * 10.0 / 90.0 + 0.75 * 0.15 + 20.0 / 110.0) / weights;
    assert!(near(i.leave[0].mean, rate, 1e-9), "{}", i.leave[0].mean);
    // among ~100 people, rates of 11%, 15% and 18% are what chance gives (a binomial sd of
    // some 3.6 points), and joiners of 20, 25, 30 what a Poisson count of 26 gives: no spread
    assert_eq!(i.leave[0].year_sd, 0.0);
    assert_eq!(i.joiners[0].year_sd, 0.0);
    // the rate rests on the people seen, over the effective number of years (Kish's)
    let people = (0.5625 * 90.0 + 0.75 * 100.0 + 110.0) / weights;
    let years = weights * weights / (0.5625f64.powi(2) + 0.75f64.powi(2) + 1.0);
    assert!(close(i.leave[0].evidence, people * years));
    // the expected path is the hand-worked one: 120 − 120 × rate + joiners
    let p = expected(i, &Levers::default(), 2022).unwrap();
    assert!(near(
        p.years[1].fte[0],
        120.0 - 120.0 * rate + i.joiners[0].mean,
        1e-9
    ));
}

/// The same history a hundred times over: the same rates and joiners, but the years now
/// stray far beyond chance.
#[test]
fn years_that_stray_beyond_chance_carry_their_spread() {
    let mut h = three_years();
    for v in [
        &mut h.in_post_fte,
        &mut h.in_post_heads,
        &mut h.starters_fte,
        &mut h.leavers_fte,
    ] {
        for x in v.iter_mut().flatten() {
            *x *= 100.0;
        }
    }
    let i = fit(&h, 2021).unwrap().inputs;
    let w = [0.5625, 0.75, 1.0];
    let v1: f64 = w.iter().sum();
    let v2: f64 = w.iter().map(|x| x * x).sum();
    let unbiased = |values: [f64; 3], mean: f64| {
        values
            .iter()
            .zip(w)
            .map(|(x, w)| w * (x - mean).powi(2))
            .sum::<f64>()
            / (v1 - v2 / v1)
    };
    let rates = [10.0 / 90.0, 0.15, 20.0 / 110.0];
    let rate = i.leave[0].mean;
    let people = [9000.0, 10000.0, 11000.0];
    let chance = w
        .iter()
        .zip(people)
        .map(|(w, n)| w * rate * (1.0 - rate) / n)
        .sum::<f64>()
        / v1;
    let sd = (unbiased(rates, rate) - chance).sqrt();
    assert!(
        near(i.leave[0].year_sd, sd, 1e-9),
        "{} {sd}",
        i.leave[0].year_sd
    );
    assert!(sd > 0.03 && sd < 0.04);
    // the rate's evidence: three years' spread says less than 10,000 people a year do
    let years = v1 * v1 / v2;
    assert!(near(
        i.leave[0].evidence,
        rate * (1.0 - rate) * years / (sd * sd),
        1e-6
    ));
    // as much as some 300 people, not the 29,000 seen
    assert!(i.leave[0].evidence < 400.0, "{}", i.leave[0].evidence);
    let joiners = i.joiners[0].mean;
    let sd = (unbiased([2000.0, 2500.0, 3000.0], joiners) - joiners).sqrt();
    assert!(
        near(i.joiners[0].year_sd, sd, 1e-6),
        "{}",
        i.joiners[0].year_sd
    );
    assert!(sd > 450.0 && sd < 550.0);
    // and the runs spread with it: a band much wider than chance alone would give
    let opts = Options {
        runs: 400,
        seed: 3,
        parameters: true,
        demand_seed: None,
        keep_tiers: false,
    };
    let b = backcast(&h, 2021, opts).unwrap();
    let c = b.checks[0];
    assert!(c.p90 - c.p10 > 600.0, "{c:?}");
}

#[test]
fn a_place_without_enough_history_says_why() {
    let mut h = three_years();
    h.in_post_fte[2] = None;
    assert_eq!(fit(&h, 2021).unwrap_err(), Unfit::NoBase(2021));
    let mut h = three_years();
    h.leavers_fte[0] = None;
    h.leavers_fte[1] = None;
    assert_eq!(fit(&h, 2021).unwrap_err(), Unfit::TooShort(2021));
    let opts = Options {
        runs: 50,
        seed: 1,
        parameters: true,
        demand_seed: None,
        keep_tiers: false,
    };
    let err = backcast(&three_years(), 2023, opts).unwrap_err();
    assert_eq!(err.to_string(), Unfit::NothingAfter(2023).to_string());
    assert!(err.to_string().contains("nothing was published after 2023"));
}

#[test]
fn each_later_year_is_checked_against_its_band_and_the_naive_forecast() {
    let opts = Options {
        runs: 400,
        seed: 7,
        parameters: true,
        demand_seed: None,
        keep_tiers: false,
    };
    let b = backcast(&three_years(), 2021, opts).unwrap();
    assert_eq!(b.checks.len(), 2);
    for (c, (year, actual)) in b.checks.iter().zip([(2022, 125.0), (2023, 131.0)]) {
        assert_eq!(c.year, year);
        assert_eq!(c.actual, actual);
        assert_eq!(c.naive, 120.0);
        assert!(c.p10 <= c.p50 && c.p50 <= c.p90, "{c:?}");
        assert!(c.p10 < c.p90);
    }
    // the band widens with the years ahead
    assert!(b.checks[1].p90 - b.checks[1].p10 > b.checks[0].p90 - b.checks[0].p10);
    // a seed gives the same backcast; another seed another
    assert_eq!(backcast(&three_years(), 2021, opts).unwrap(), b);
    let other = backcast(&three_years(), 2021, Options { seed: 8, ..opts }).unwrap();
    assert_ne!(other, b);
}

#[test]
fn scores_are_medians_of_absolute_percentage_errors_and_the_share_inside_the_band() {
    let checks = [
        // 10% off, the naive 5%, outside the band
        Check {
            year: 2022,
            actual: 100.0,
            p10: 105.0,
            p50: 110.0,
            p90: 115.0,
            naive: 95.0,
        },
        // 5% off, the naive 10%, inside
        Check {
            year: 2023,
            actual: 200.0,
            p10: 180.0,
            p50: 190.0,
            p90: 210.0,
            naive: 220.0,
        },
        // 2% off, the naive 4%, inside
        Check {
            year: 2024,
            actual: 50.0,
            p10: 45.0,
            p50: 51.0,
            p90: 60.0,
            naive: 52.0,
        },
    ];
    assert!(close(checks[0].error(), 10.0));
    assert!(close(checks[1].naive_error(), 10.0));
    assert!(!checks[0].inside() && checks[1].inside());
    let s = Score::of(&checks).unwrap();
    assert_eq!(s.checks, 3);
    assert!(close(s.median_error, 5.0));
    assert!(close(s.median_naive_error, 5.0));
    assert!(close(s.inside_band, 200.0 / 3.0));
    // equal errors: the projection does not beat the naive forecast
    assert!(!s.beats_naive());
    let s = Score::of(&checks[1..]).unwrap();
    assert!(close(s.median_error, 3.5) && close(s.median_naive_error, 7.0));
    assert!(s.beats_naive());
    assert_eq!(Score::of(&[]), None);
}
