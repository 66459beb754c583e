//! The backcast on DfE's published social-work indicators: every place's history read, the
//! reorganised areas said, and the figures the README quotes.

use cws_analyse::backcast::{places, report, FIT_LAST};
use cws_project::monte_carlo::Options;
use cws_reference::GeoLevel;

#[test]
fn every_published_place_is_backcast_or_says_why_and_the_readme_figures_hold() {
    let rows = cws_reference::social_work_indicators().unwrap();
    let all = places(&rows);
    let count = |level: GeoLevel| all.iter().filter(|p| p.level == level).count();
    assert_eq!(count(GeoLevel::National), 1);
    assert_eq!(count(GeoLevel::Regional), 11); // nine regions and inner and outer London
                                               // areas by their DfE number: a GSS code that changed (Barnsley, Sheffield, North
                                               // Yorkshire, Somerset) keeps one history
    assert_eq!(count(GeoLevel::LocalAuthority), 156);
    let barnsley = all.iter().find(|p| p.name == "Barnsley").unwrap();
    assert_eq!(barnsley.code, "E08000038");
    assert_eq!(barnsley.history.years, (2017..=2025).collect::<Vec<_>>());
    let england = &all[0];
    assert_eq!(england.name, "England");
    assert_eq!(england.history.in_post(2021), Some(32502.0));
    assert_eq!(england.history.years, (2017..=2025).collect::<Vec<_>>());

    let r = report(
        &all,
        Options {
            runs: 1000,
            seed: 1,
            parameters: true,
            demand_seed: None,
            keep_tiers: false,
        },
    );
    assert_eq!(r.fit_last, FIT_LAST);
    let e = r.places.iter().find(|p| p.code == "E92000001").unwrap();
    let b = e.backcast.as_ref().unwrap();
    assert_eq!(b.fit_years, (2017..=2021).collect::<Vec<_>>());
    assert_eq!(
        b.checks.iter().map(|c| c.year).collect::<Vec<_>>(),
        [2022, 2023, 2024, 2025]
    );
    assert!(b
        .checks
        .iter()
        .all(|c| c.naive == 32502.0 && c.p10 <= c.p50 && c.p50 <= c.p90));

    // areas reorganised on the way have no 2021 of their own, or too little before it: seven
    assert_eq!(r.places.iter().filter(|p| p.backcast.is_none()).count(), 7);
    for (name, why) in [
        ("Cumberland", "no in-post FTE was published for 2021"),
        ("Dorset", "no in-post FTE was published for 2021"),
        ("Bournemouth", "no in-post FTE was published for 2021"),
        (
            "North Northamptonshire / West Northamptonshire",
            "fewer than two years",
        ),
    ] {
        let p = r.places.iter().find(|p| p.name == name).unwrap();
        assert!(p.backcast.is_none(), "{name}");
        assert!(
            p.unfit.as_deref().unwrap().contains(why),
            "{name}: {:?}",
            p.unfit
        );
    }

    // the figures in the README (seed 1, 1,000 runs)
    let level = |name: &str| r.levels.iter().find(|l| l.level == name).unwrap();
    let one = |v: f64| (v * 10.0).round() / 10.0;
    let areas = level("Area");
    assert_eq!((areas.places, areas.published), (149, 156));
    let s = areas.all.unwrap();
    assert_eq!(s.checks, 591);
    assert_eq!((one(s.median_error), one(s.median_naive_error)), (7.6, 8.0));
    assert_eq!(one(s.inside_band), 81.2);
    assert!(s.beats_naive());
    assert_eq!(areas.beating_naive, 72);
    let s = level("Region").all.unwrap();
    assert_eq!(
        (
            one(s.median_error),
            one(s.median_naive_error),
            one(s.inside_band)
        ),
        (3.6, 4.1, 63.6)
    );
    let s = level("England").all.unwrap();
    assert_eq!(
        (
            one(s.median_error),
            one(s.median_naive_error),
            one(s.inside_band)
        ),
        (3.1, 4.0, 50.0)
    );
    // one year ahead the naive forecast is better everywhere: the projection says so
    for l in &r.levels {
        let (ahead, first) = l.by_years_ahead[0];
        assert_eq!(ahead, 1);
        assert!(!first.beats_naive(), "{}", l.level);
    }
}
