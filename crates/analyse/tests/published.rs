//! The regional and national rows computed from the published local-authority rows agree with
//! the rows DfE published, for every year, region (with Inner and Outer London) and England.

use cws_analyse::measure::{Kind, Measure, Params};
use cws_analyse::published::{area_rows, compute_from_areas};
use cws_reference::{social_work_indicators, GeoLevel, PublishedValue};

#[test]
fn computed_regions_and_england_agree_with_the_published_rows() {
    let rows = social_work_indicators().unwrap();
    let areas = area_rows(&rows);
    let computed = compute_from_areas(&areas, &Params::default());
    let (mut complete, mut explained, mut compared_rates) = (0, 0, 0);
    for published in rows
        .iter()
        .filter(|r| r.geo.level != GeoLevel::LocalAuthority)
    {
        let Some(PublishedValue::Number(want)) = Some(published.value) else {
            continue;
        };
        let row = computed
            .iter()
            .find(|c| c.year == published.year && c.code == published.geo.code)
            .unwrap_or_else(|| {
                panic!(
                    "no computed row for {} {}",
                    published.year, published.geo.code
                )
            });
        let got = &row.values[published.indicator];
        let m = Measure::parse(published.indicator).unwrap();
        let what = format!(
            "{} {} {} {}",
            published.year, published.geo.name, published.indicator, want
        );
        if got.is_complete() {
            let value = got.value.unwrap_or_else(|| panic!("{what}: no value"));
            let tolerance = match m.kind() {
                // each area's value is rounded to 0.1 (counts are whole)
                Kind::Fte => 0.05 * got.contributing as f64 + 1e-6,
                Kind::Count => 0.5,
                Kind::Rate => {
                    compared_rates += 1;
                    0.1 + 1e-6
                }
            };
            assert!(
                (value - want).abs() <= tolerance,
                "{what}: computed {value} from {} areas",
                got.contributing
            );
            complete += 1;
        } else {
            // The missing areas explain the difference: they can only add to a sum, and a
            // rate over partial sums is not given.
            match m.kind() {
                Kind::Rate => assert_eq!(got.value, None, "{what}"),
                _ => {
                    let partial = got.value.unwrap_or(0.0);
                    let tolerance = 0.05 * got.contributing as f64 + 0.5;
                    assert!(
                        want + tolerance >= partial,
                        "{what}: the {} areas with values already give {partial}",
                        got.contributing
                    );
                }
            }
            assert!(!got.missing.is_empty());
            explained += 1;
        }
    }
    // most values are complete; the rest are explained by named missing areas
    assert!(complete > 1500, "{complete} complete values compared");
    assert!(compared_rates > 500, "{compared_rates} rates compared");
    assert!(explained > 0, "no row had a missing area");
}

#[test]
fn london_is_inner_plus_outer_and_joint_returns_count_once() {
    let rows = social_work_indicators().unwrap();
    let computed = compute_from_areas(&area_rows(&rows), &Params::default());
    let get = |code: &str| {
        computed
            .iter()
            .find(|c| c.year == 2025 && c.code == code)
            .unwrap()
            .values["inpost_fte"]
            .clone()
    };
    let (london, inner, outer) = (get("E12000007"), get("E13000001"), get("E13000002"));
    assert_eq!(london.contributing, inner.contributing + outer.contributing);
    let sum = inner.value.unwrap() + outer.value.unwrap();
    assert!((london.value.unwrap() - sum).abs() < 1e-6);
    // 2025 has 151 area rows: Kingston and Richmond, and the two Northamptonshires, are
    // joint returns counted once each
    let england = get("E92000001");
    assert_eq!(england.contributing + england.missing.len(), 151);
}

#[test]
fn a_missing_area_is_named_with_its_symbol() {
    let rows = social_work_indicators().unwrap();
    let computed = compute_from_areas(&area_rows(&rows), &Params::default());
    let incomplete: Vec<_> = computed
        .iter()
        .flat_map(|c| c.values.values())
        .filter(|v| !v.is_complete())
        .collect();
    assert!(!incomplete.is_empty());
    for v in incomplete {
        for (area, symbol) in &v.missing {
            assert!(!area.is_empty());
            assert!(
                ["c", "x", "z", "u", "low"].contains(&symbol.as_str()),
                "{symbol}"
            );
        }
    }
}
