//! The model against small examples worked by hand, and the Monte Carlo runs against the
//! model's expected values.

use cws_project::cells::{cell, pair, BANDS, TIERS};
use cws_project::model::{expected, Inputs, Joiners, Rate};
use cws_project::monte_carlo::{quantile, simulate, Options};
use cws_project::{AgeBand, Levers, ProjectError, Tier};

const A20: usize = AgeBand::A20 as usize;
const A25: usize = AgeBand::A25 as usize;
const A30: usize = AgeBand::A30 as usize;
const A35: usize = AgeBand::A35 as usize;
const A40: usize = AgeBand::A40 as usize;
const A45: usize = AgeBand::A45 as usize;
const A55: usize = AgeBand::A55 as usize;
const A60: usize = AgeBand::A60 as usize;
const OVER65: usize = AgeBand::Over65 as usize;
const BELOW3: usize = Tier::BelowLevel3 as usize;
const L35: usize = Tier::Level3To5 as usize;
const GRAD: usize = Tier::Graduate as usize;

/// `groups` role groups, nobody in post, nothing moving, a full-time FTE each.
fn empty(groups: usize) -> Inputs {
    Inputs {
        groups: (0..groups).map(|g| format!("group {g}")).collect(),
        base_year: 2025,
        stock: vec![0.0; groups * BANDS * TIERS],
        fte_per_head: vec![1.0; groups * BANDS],
        leave: vec![
            Rate {
                mean: 0.0,
                evidence: 1000.0,
                year_sd: 0.0,
            };
            groups * BANDS
        ],
        retire: vec![
            Rate {
                mean: 0.0,
                evidence: 1000.0,
                year_sd: 0.0,
            };
            groups * BANDS
        ],
        joiners: vec![Joiners::default(); groups],
        joiner_profile: vec![0.0; groups * BANDS * TIERS],
        moves: vec![0.0; groups * groups],
        agency_share: vec![0.0; groups],
        demand: None,
        demand_variants: Vec::new(),
        aggregate: false,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// One group of 100 at 35–39, 10% leaving a year, 10 joiners a year at 20–24, agency 5%.
fn social_workers() -> Inputs {
    let mut i = empty(1);
    i.stock[cell(0, A35, L35)] = 100.0;
    i.fte_per_head = vec![0.8; BANDS];
    for r in &mut i.leave {
        r.mean = 0.1;
    }
    i.joiners[0] = Joiners {
        mean: 10.0,
        years: 3.0,
        year_sd: 0.0,
    };
    i.joiner_profile[cell(0, A20, BELOW3)] = 1.0;
    i.agency_share[0] = 0.05;
    i
}

#[test]
fn leaving_ageing_joiners_and_agency_by_hand() {
    let p = expected(&social_workers(), &Levers::default(), 2027).unwrap();
    assert_eq!(
        p.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        [2025, 2026, 2027]
    );
    let base = &p.years[0];
    assert!(close(base.fte[0], 80.0) && close(base.agency_fte[0], 4.0));
    // 2026: 10 leave; a fifth of the 90 staying turn 40; 10 join at 20–24
    let y = &p.years[1];
    assert!(close(y.flows.leavers[0], 10.0) && close(y.flows.joiners[0], 10.0));
    assert!(close(y.heads[cell(0, A35, L35)], 72.0));
    assert!(close(y.heads[cell(0, A40, L35)], 18.0));
    assert!(close(y.heads[cell(0, A20, BELOW3)], 10.0));
    assert!(close(y.group_heads(0), 100.0));
    assert!(close(y.fte[0], 80.0) && close(y.agency_fte[0], 4.0));
    assert!(close(y.supply(0), 84.0));
    // 2027: 72 → 64.8 staying, 12.96 of them turn 40; 18 → 16.2, 3.24 turn 45; the ten
    // joiners of 2026 → 9, 1.8 of them turn 25; ten more join
    let y = &p.years[2];
    assert!(close(y.heads[cell(0, A35, L35)], 51.84));
    assert!(close(y.heads[cell(0, A40, L35)], 25.92));
    assert!(close(y.heads[cell(0, A45, L35)], 3.24));
    assert!(close(y.heads[cell(0, A20, BELOW3)], 17.2));
    assert!(close(y.heads[cell(0, A25, BELOW3)], 1.8));
    assert!(close(y.group_heads(0), 100.0));
    assert!(y.gap(0).is_none(), "no demand, no gap");
}

#[test]
fn retirement_comes_later_when_the_lever_shifts_it() {
    let mut i = empty(1);
    i.stock[cell(0, A60, GRAD)] = 100.0;
    i.retire[pair(0, A55)].mean = 0.02;
    i.retire[pair(0, A60)].mean = 0.2;
    i.retire[pair(0, OVER65)].mean = 0.5;
    for (shift, retiring) in [(0.0, 20.0), (5.0, 2.0), (2.5, 11.0), (-5.0, 50.0)] {
        let levers = Levers {
            retirement_shift_years: shift,
            ..Levers::default()
        };
        let p = expected(&i, &levers, 2026).unwrap();
        assert!(
            close(p.years[1].flows.retirements[0], retiring),
            "shift {shift}: {}",
            p.years[1].flows.retirements[0]
        );
    }
}

#[test]
fn training_places_move_people_up_a_tier_shared_by_who_can_take_them() {
    let mut i = empty(2);
    i.stock[cell(0, A30, BELOW3)] = 60.0;
    i.stock[cell(1, A30, BELOW3)] = 20.0;
    i.stock[cell(1, A30, L35)] = 10.0;
    let levers = Levers {
        level3_places: 20.0,
        graduate_places: 4.0,
        completion_rate: 0.5,
        ..Levers::default()
    };
    let p = expected(&i, &levers, 2026).unwrap();
    let y = &p.years[1];
    // ten completions at Level 3, three quarters of those who could take them in group 0
    assert!(close(y.flows.to_level3[0], 7.5) && close(y.flows.to_level3[1], 2.5));
    // two graduates, from the ten at Level 3–5 (those just upgraded among them)
    assert!(close(y.flows.to_graduate[0] + y.flows.to_graduate[1], 2.0));
    let tier = |g: usize, t: usize| -> f64 { (0..BANDS).map(|b| y.heads[cell(g, b, t)]).sum() };
    assert!(close(tier(0, BELOW3), 52.5) && close(tier(1, BELOW3), 17.5));
    assert!(close(tier(0, GRAD) + tier(1, GRAD), 2.0));
    // places beyond the people who could take them are not used
    let all = Levers {
        level3_places: 1000.0,
        completion_rate: 1.0,
        ..Levers::default()
    };
    let p = expected(&i, &all, 2026).unwrap();
    assert!(close(p.years[1].flows.to_level3.iter().sum::<f64>(), 80.0));
}

#[test]
fn people_move_between_role_groups_among_those_who_stay() {
    let mut i = empty(2);
    i.stock[cell(0, A40, L35)] = 100.0;
    for r in &mut i.leave {
        r.mean = 0.1;
    }
    i.moves[1] = 0.1; // from group 0 to group 1
    let y = expected(&i, &Levers::default(), 2026).unwrap().years[1].clone();
    assert!(close(y.flows.moved_out[0], 9.0) && close(y.flows.moved_in[1], 9.0));
    assert!(close(y.group_heads(0), 81.0) && close(y.group_heads(1), 9.0));
}

#[test]
fn agency_conversion_swaps_agency_for_employed_posts() {
    let mut i = empty(1);
    i.stock[cell(0, A30, L35)] = 100.0;
    i.joiner_profile[cell(0, A30, L35)] = 1.0;
    i.agency_share[0] = 0.2;
    i.demand = Some(vec![vec![120.0], vec![126.0]]);
    let levers = Levers {
        agency_conversion: 0.5,
        ..Levers::default()
    };
    let p = expected(&i, &levers, 2027).unwrap();
    let y = &p.years[1];
    assert!(close(y.flows.from_agency[0], 10.0));
    assert!(close(y.fte[0], 110.0) && close(y.agency_fte[0], 10.0));
    assert!(
        close(y.supply(0), 120.0),
        "the same work, done by employed staff"
    );
    assert!(close(y.gap(0).unwrap(), 6.0));
    // the next year converts half of what is left; demand beyond the series stays at its last
    let y = &p.years[2];
    assert!(close(y.agency_fte[0], 5.0) && close(y.fte[0], 115.0));
    assert!(close(y.gap(0).unwrap(), 6.0));
}

#[test]
fn levers_change_turnover_recruitment_and_retention() {
    let base = expected(&social_workers(), &Levers::default(), 2026).unwrap();
    let levers = Levers {
        turnover_pct: -20.0,
        recruitment_pct: 50.0,
        pay_incentive_pct: 10.0,
        retention_elasticity: 1.0,
        ..Levers::default()
    };
    let p = expected(&social_workers(), &levers, 2026).unwrap();
    // 10% × 0.8 × 0.9 = 7.2% leave; 15 join
    assert!(close(p.years[1].flows.leavers[0], 7.2));
    assert!(close(p.years[1].flows.joiners[0], 15.0));
    assert!(p.years[1].supply(0) > base.years[1].supply(0));
}

#[test]
fn bad_inputs_name_the_field_and_the_rule() {
    let mut i = social_workers();
    i.leave[3].mean = 1.5;
    assert_eq!(
        expected(&i, &Levers::default(), 2030)
            .unwrap_err()
            .to_string(),
        "leave[3]: is 1.5, not a number from 0 to 1"
    );
    let mut i = social_workers();
    i.stock.pop();
    assert!(expected(&i, &Levers::default(), 2030)
        .unwrap_err()
        .to_string()
        .starts_with("stock: has 43 values, not 44"));
    let mut i = social_workers();
    i.joiner_profile[cell(0, A25, BELOW3)] = 0.5;
    assert_eq!(
        expected(&i, &Levers::default(), 2030)
            .unwrap_err()
            .to_string(),
        "joiner_profile of group 0: sums to 1.5, not 1"
    );
    let mut i = social_workers();
    i.fte_per_head[0] = f64::NAN;
    assert!(expected(&i, &Levers::default(), 2030).is_err());
    for horizon in [2025, 2041] {
        assert!(matches!(
            expected(&social_workers(), &Levers::default(), horizon),
            Err(ProjectError::Input { .. })
        ));
    }
    let far = Levers {
        recruitment_pct: 500.0,
        ..Levers::default()
    };
    assert!(expected(&social_workers(), &far, 2030)
        .unwrap_err()
        .to_string()
        .contains("'recruitment_pct' is 500, outside its range -100 to 200%"));
}

#[test]
fn the_same_seed_gives_the_same_runs() {
    let options = Options {
        runs: 200,
        seed: 42,
        parameters: true,
        demand_seed: None,
        keep_tiers: false,
    };
    let a = simulate(&social_workers(), &Levers::default(), 2035, options).unwrap();
    let b = simulate(&social_workers(), &Levers::default(), 2035, options).unwrap();
    assert_eq!(a, b);
    let c = simulate(
        &social_workers(),
        &Levers::default(),
        2035,
        Options {
            seed: 43,
            ..options
        },
    )
    .unwrap();
    assert_ne!(a.supply, c.supply);
    // whole people in every run
    assert!(a.heads.iter().flatten().flatten().all(|h| h.fract() == 0.0));
}

#[test]
fn bands_are_ordered_and_the_runs_average_to_the_expected_values() {
    let inputs = social_workers();
    let levers = Levers {
        level3_places: 5.0,
        agency_conversion: 0.2,
        ..Levers::default()
    };
    let exact = expected(&inputs, &levers, 2035).unwrap();
    for parameters in [false, true] {
        let draws = simulate(
            &inputs,
            &levers,
            2035,
            Options {
                runs: 4000,
                seed: 7,
                parameters,
                demand_seed: None,
                keep_tiers: false,
            },
        )
        .unwrap();
        let bands = draws.bands();
        for (y, year) in bands.supply.iter().enumerate() {
            let b = year[0];
            assert!(b.p10 <= b.p50 && b.p50 <= b.p90, "{y}: {b:?}");
            let mean: f64 =
                draws.supply.iter().map(|run| run[y][0]).sum::<f64>() / draws.supply.len() as f64;
            let want = exact.years[y].supply(0);
            // flows drawn as counts average to the expected flows (rounding the agency
            // conversion to whole people aside); drawn rates add a little curvature
            let tolerance = if parameters { 0.02 } else { 0.01 };
            assert!(
                (mean - want).abs() <= tolerance * want,
                "{parameters} {}: {mean} against {want}",
                bands.years[y]
            );
        }
        // the band widens with the years
        let width = |y: usize| bands.supply[y][0].p90 - bands.supply[y][0].p10;
        assert!(width(10) > width(1));
    }
}

/// Years that stray beyond chance widen the band about the same mean.
#[test]
fn a_spread_between_years_widens_the_band_and_keeps_the_mean() {
    let calm = social_workers();
    let mut strays = social_workers();
    for r in &mut strays.leave {
        r.year_sd = 0.04;
    }
    strays.joiners[0].year_sd = 4.0;
    let exact = expected(&calm, &Levers::default(), 2030).unwrap();
    // the expected values do not see the spread
    assert_eq!(expected(&strays, &Levers::default(), 2030).unwrap(), exact);
    let options = Options {
        runs: 4000,
        seed: 11,
        parameters: true,
        demand_seed: None,
        keep_tiers: false,
    };
    let run = |inputs: &Inputs| simulate(inputs, &Levers::default(), 2030, options).unwrap();
    let (a, b) = (run(&calm), run(&strays));
    let width = |d: &cws_project::monte_carlo::Draws| {
        let band = d.bands().supply[5][0];
        band.p90 - band.p10
    };
    assert!(width(&b) > 1.3 * width(&a), "{} {}", width(&b), width(&a));
    let mean = b.supply.iter().map(|run| run[5][0]).sum::<f64>() / b.supply.len() as f64;
    let want = exact.years[5].supply(0);
    assert!((mean - want).abs() <= 0.02 * want, "{mean} against {want}");
    // a spread out of range is named
    strays.joiners[0].year_sd = f64::NAN;
    let err = expected(&strays, &Levers::default(), 2030).unwrap_err();
    assert!(
        err.to_string().contains("year-to-year spread of joiners"),
        "{err}"
    );
}

#[test]
fn areas_join_draw_by_draw() {
    let options = Options {
        runs: 300,
        seed: 3,
        parameters: true,
        demand_seed: None,
        keep_tiers: false,
    };
    let a = simulate(&social_workers(), &Levers::default(), 2030, options).unwrap();
    let mut other = social_workers();
    other.stock[cell(0, A35, L35)] = 40.0;
    let b = simulate(
        &other,
        &Levers::default(),
        2030,
        Options { seed: 4, ..options },
    )
    .unwrap();
    let mut both = a.clone();
    both.join(&b).unwrap();
    for run in 0..300 {
        assert!(close(
            both.supply[run][5][0],
            a.supply[run][5][0] + b.supply[run][5][0]
        ));
    }
    let shorter = simulate(
        &social_workers(),
        &Levers::default(),
        2030,
        Options {
            runs: 10,
            ..options
        },
    )
    .unwrap();
    assert!(both.join(&shorter).is_err());
}

#[test]
fn quantiles_between_the_nearest_ranks() {
    let v = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(quantile(&v, 0.5), 3.0);
    assert!(close(quantile(&v, 0.1), 1.4));
    assert!(close(quantile(&v, 0.9), 4.6));
    assert_eq!(quantile(&[7.0], 0.9), 7.0);
}

mod never_nan {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_valid_inputs_give_finite_figures(
            stock in proptest::collection::vec(0.0f64..50.0, 2 * BANDS * TIERS),
            leave in 0.0f64..1.0,
            retire in 0.0f64..1.0,
            joiners in 0.0f64..20.0,
            fte in 0.0f64..1.2,
            shift in -5.0f64..10.0,
            conversion in 0.0f64..1.0,
            places in 0.0f64..100.0,
        ) {
            let mut i = empty(2);
            i.stock = stock.iter().map(|s| s.round()).collect();
            i.fte_per_head = vec![fte; 2 * BANDS];
            for r in &mut i.leave { r.mean = leave; }
            for r in &mut i.retire { r.mean = retire; }
            i.joiners = vec![Joiners { mean: joiners, years: 1.0, year_sd: 0.0 }; 2];
            i.joiner_profile[cell(0, A20, BELOW3)] = 1.0;
            i.joiner_profile[cell(1, A55, L35)] = 1.0;
            i.agency_share = vec![0.3, 0.0];
            i.moves = vec![0.0, 0.5, 0.5, 0.0];
            i.demand = Some(vec![vec![10.0, 0.0]]);
            let levers = Levers {
                retirement_shift_years: shift,
                agency_conversion: conversion,
                level3_places: places,
                graduate_places: places,
                ..Levers::default()
            };
            let p = expected(&i, &levers, 2030).unwrap();
            for y in &p.years {
                prop_assert!(y.heads.iter().all(|h| h.is_finite() && *h >= -1e-9));
                for g in 0..2 {
                    prop_assert!(y.supply(g).is_finite());
                    prop_assert!(y.gap(g).is_some_and(f64::is_finite));
                }
            }
            let d = simulate(&i, &levers, 2030, Options { runs: 20, seed: 1, parameters: true, demand_seed: None, keep_tiers: false }).unwrap();
            let b = d.bands();
            prop_assert!(b.supply_total.iter().all(|x| x.p10.is_finite() && x.p90.is_finite()));
        }
    }
}

#[test]
fn each_run_takes_a_future_of_demand_by_its_weight_and_areas_share_it() {
    use cws_project::DemandVariant;
    let flat = |v: f64| vec![vec![v]; 6];
    let mut i = social_workers();
    i.demand = Some(flat(100.0));
    i.demand_variants = vec![
        DemandVariant {
            name: "lower".into(),
            weight: 0.25,
            demand: flat(50.0),
        },
        DemandVariant {
            name: "higher".into(),
            weight: 0.75,
            demand: flat(150.0),
        },
    ];
    let options = |seed: u64| Options {
        runs: 4000,
        seed,
        parameters: true,
        demand_seed: Some(9),
        keep_tiers: false,
    };
    let d = simulate(&i, &Levers::default(), 2030, options(1)).unwrap();
    let gap = d.gap.as_ref().unwrap();
    // the gap less supply is the run's demand: 50 or 150, about a quarter and three quarters
    let demands: Vec<f64> = (0..4000)
        .map(|r| (gap[r][5][0] + d.supply[r][5][0]).round())
        .collect();
    assert!(demands.iter().all(|v| *v == 50.0 || *v == 150.0));
    let low = demands.iter().filter(|v| **v == 50.0).count() as f64 / 4000.0;
    assert!((low - 0.25).abs() < 0.03, "{low}");
    // another area with its own seed but the same demand seed has the same future in each run
    let other = simulate(&i, &Levers::default(), 2030, options(2)).unwrap();
    let other_gap = other.gap.as_ref().unwrap();
    assert!((0..4000).all(|r| {
        ((other_gap[r][5][0] + other.supply[r][5][0]).round() == 50.0) == (demands[r] == 50.0)
    }));
    // without parameter uncertainty every run has the central demand
    let fixed = simulate(
        &i,
        &Levers::default(),
        2030,
        Options {
            parameters: false,
            ..options(1)
        },
    )
    .unwrap();
    let g = fixed.gap.as_ref().unwrap();
    assert!((0..4000).all(|r| (g[r][5][0] + fixed.supply[r][5][0] - 100.0).abs() < 1e-9));
    // weights must add up to one
    i.demand_variants[1].weight = 0.5;
    let e = simulate(&i, &Levers::default(), 2030, options(1)).unwrap_err();
    assert!(e.to_string().contains("add up to 1"), "{e}");
}

#[test]
fn runs_keep_qualification_tiers_for_targets_when_asked() {
    // 50 below Level 3 and 50 at Level 3 to 5, nobody moving: the share among non-graduates
    // stays 50% in every run; with 20 Level 3 places a year completed in full it rises
    let mut i = empty(1);
    i.stock[cell(0, A35, BELOW3)] = 50.0;
    i.stock[cell(0, A35, L35)] = 50.0;
    let options = Options {
        runs: 50,
        seed: 4,
        parameters: true,
        demand_seed: None,
        keep_tiers: true,
    };
    let d = simulate(&i, &Levers::default(), 2027, options).unwrap();
    use cws_project::monte_carlo::RunFigure;
    let share = d
        .per_run(2027, RunFigure::Level3PlusNonGraduatePct(Some(0)))
        .unwrap();
    assert_eq!(share.len(), 50);
    assert!(share.iter().all(|s| close(*s, 50.0)), "{share:?}");
    let count = d.per_run(2027, RunFigure::Level3PlusCount(None)).unwrap();
    assert!(count.iter().all(|c| close(*c, 50.0)));
    // tiers add up to the people in post in every run and year
    let tiers = d.tiers.as_ref().unwrap();
    for (run, heads) in tiers.iter().zip(&d.heads) {
        for (t, h) in run.iter().zip(heads) {
            assert!(close(t[0].iter().sum::<f64>(), h[0]));
        }
    }
    let trained = Levers {
        level3_places: 20.0,
        completion_rate: 1.0,
        ..Levers::default()
    };
    let d = simulate(&i, &trained, 2027, options).unwrap();
    let share = d
        .per_run(2027, RunFigure::Level3PlusNonGraduatePct(None))
        .unwrap();
    // two years of 20 completions, drawn on whole people among those who can take them:
    // about 90 of 100 at Level 3 in each run
    let mean = share.iter().sum::<f64>() / share.len() as f64;
    assert!((mean - 90.0).abs() < 1.0, "{share:?}");
    assert!(
        share.iter().all(|s| (80.0..=100.0).contains(s)),
        "{share:?}"
    );
    assert_eq!(d.per_run(2031, RunFigure::Level3PlusCount(None)), None);
    // without tiers kept, tier figures are not there; supply is
    let plain = simulate(
        &i,
        &Levers::default(),
        2027,
        Options {
            keep_tiers: false,
            ..options
        },
    )
    .unwrap();
    assert_eq!(plain.tiers, None);
    assert_eq!(plain.per_run(2027, RunFigure::GraduatePct(None)), None);
    assert!(plain.per_run(2027, RunFigure::Supply(None)).is_some());
    // no demand: no gap as a share of need
    assert_eq!(plain.per_run(2027, RunFigure::GapPctOfNeed(None)), None);
}
