use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use cws_domain::geography::SuccessionKind;
use cws_reference::*;

fn on(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn there_are_153_live_areas_on_2025_codes_in_nine_regions() {
    let areas = areas().unwrap();
    let live: Vec<_> = areas
        .iter()
        .filter(|a| !a.is_joint() && a.operating_on(on(2025, 9, 30)))
        .collect();
    assert_eq!(live.len(), 153);
    let mut by_kind = BTreeMap::new();
    for a in &live {
        *by_kind.entry(a.kind.code()).or_insert(0) += 1;
    }
    assert_eq!(
        by_kind,
        BTreeMap::from([("E06", 63), ("E08", 36), ("E09", 33), ("E10", 21)])
    );
    let regions: BTreeSet<_> = live.iter().map(|a| a.region.to_string()).collect();
    assert_eq!(regions.len(), 9);
    // Barnsley and Sheffield were recoded in May 2025.
    assert!(live.iter().any(|a| a.code.as_str() == "E08000038"));
    assert!(!live.iter().any(|a| a.code.as_str() == "E08000016"));
}

#[test]
fn region_mapping_agrees_with_the_hierarchy_file_and_london_is_split() {
    let areas = areas().unwrap();
    let richmond = areas
        .iter()
        .find(|a| a.code.as_str() == "E09000027")
        .unwrap();
    assert_eq!(richmond.region.as_str(), "E12000007");
    assert_eq!(
        richmond.london_subregion.as_ref().unwrap().as_str(),
        "E13000002"
    );
    let camden = areas
        .iter()
        .find(|a| a.code.as_str() == "E09000007")
        .unwrap();
    assert_eq!(
        camden.london_subregion.as_ref().unwrap().as_str(),
        "E13000001"
    );
    let leeds = areas.iter().find(|a| a.name == "Leeds").unwrap();
    assert_eq!(leeds.region.as_str(), "E12000003");
    assert!(leeds.london_subregion.is_none());
    for (region, code) in region_hierarchy().unwrap() {
        if let Some(a) = areas.iter().find(|a| a.code.as_str() == code) {
            assert_eq!(a.region.as_str(), region, "{code}");
        }
    }
    let regions = regions().unwrap();
    assert_eq!(regions.len(), 11);
    assert_eq!(regions.iter().filter(|r| r.parent.is_some()).count(), 2);
}

#[test]
fn joint_returns_are_areas_with_members() {
    let areas = areas().unwrap();
    let joint: Vec<_> = areas.iter().filter(|a| a.is_joint()).collect();
    let names: BTreeSet<_> = joint.iter().map(|a| a.old_la_code_text()).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "314 / 318".to_string(),
            "940 / 941".into(),
            "942 / 943".into()
        ])
    );
    let kr = joint
        .iter()
        .find(|a| a.old_la_code_text() == "314 / 318")
        .unwrap();
    assert_eq!(kr.code.members().len(), 2);
    assert_eq!(kr.london_subregion.as_ref().unwrap().as_str(), "E13000002");
}

#[test]
fn history_records_recodes_merges_and_splits() {
    let s = successions().unwrap();
    let find = |from: &str| s.iter().filter(|x| x.from == from).collect::<Vec<_>>();
    let barnsley = find("E08000016");
    assert_eq!(barnsley.len(), 1);
    assert_eq!(barnsley[0].to, "E08000038");
    assert_eq!(barnsley[0].kind, SuccessionKind::Recoded);
    assert_eq!(barnsley[0].on, on(2025, 5, 1));
    let northants = find("E10000021");
    assert_eq!(northants.len(), 2);
    assert!(northants.iter().all(|x| x.kind == SuccessionKind::Split));
    // every terminated area with a DfE number has a successor
    for a in areas().unwrap().iter().filter(|a| a.closed.is_some()) {
        assert!(
            !find(a.code.as_str()).is_empty(),
            "{} has no successor",
            a.name
        );
    }
}

#[test]
fn every_area_has_ten_statistical_neighbours() {
    let n = neighbours().unwrap();
    assert_eq!(n.len(), 153 * 10);
    let richmond: Vec<_> = n.iter().filter(|x| x.area.to_string() == "318").collect();
    assert_eq!(richmond.len(), 10);
    assert_eq!(richmond[0].rank, 1);
}

#[test]
fn published_symbols_are_kept_as_reasons() {
    let rows = social_work_indicators().unwrap();
    // 1,463 data rows × 22 indicators
    assert_eq!(rows.len(), 1463 * INDICATORS.len());
    let symbols: BTreeSet<_> = rows
        .iter()
        .filter_map(|r| r.value.symbol())
        .map(|s| s.code())
        .collect();
    assert!(
        symbols.contains("x")
            && symbols.contains("z")
            && symbols.contains("u")
            && symbols.contains("low")
    );
    let england_2025 = rows
        .iter()
        .find(|r| {
            r.year == 2025 && r.geo.level == GeoLevel::National && r.indicator == "inpost_fte"
        })
        .unwrap();
    assert_eq!(england_2025.value, PublishedValue::Number(36186.3));
    assert_eq!(PublishedValue::parse("low").unwrap().number(), None);
    assert!(PublishedValue::parse("n/a").is_err());
}

#[test]
fn other_public_files_parse() {
    let pop = child_population().unwrap();
    assert!(pop.iter().any(|p| p.year == 2024
        && p.geo.level == GeoLevel::National
        && p.children == PublishedValue::Number(12183016.0)));
    let eth = community_ethnicity().unwrap();
    let england: u64 = eth
        .iter()
        .filter(|e| e.code == "E92000001")
        .map(|e| e.persons)
        .sum();
    assert!(england > 56_000_000 && england < 57_000_000, "{england}");
    assert!(!social_work_ethnicity().unwrap().is_empty());
    assert!(!cla_social_worker_stability().unwrap().is_empty());
    assert_eq!(ltla_lookup().unwrap().len(), 318);
}

#[test]
fn role_catalogue_covers_the_workforce_map() {
    let roles = roles().unwrap();
    let groups: BTreeSet<_> = roles.iter().map(|r| r.group).collect();
    assert_eq!(groups.len(), cws_domain::role::RoleGroup::ALL.len());
    let codes: BTreeSet<_> = roles.iter().map(|r| r.code.clone()).collect();
    assert_eq!(codes.len(), roles.len(), "role codes are unique");
    for needed in [
        "SC-SW",
        "EY-CHILDMINDER",
        "EY-NANNY",
        "PLAY-WORKER",
        "SC-FOSTER",
        "YW-PA",
        "HL-HV",
        "SC-PORTAGE",
        "JU-CAFCASS",
        "VOL-GENERAL",
    ] {
        assert!(roles.iter().any(|r| r.code.as_str() == needed), "{needed}");
    }
}

#[test]
fn every_embedded_file_has_a_stable_digest() {
    for f in EMBEDDED_FILES {
        assert_eq!(f.digest().len(), 64);
        assert!(!f.text.is_empty(), "{}", f.name);
    }
    assert!(ATTRIBUTION.contains("Open Government Licence"));
}

#[test]
fn demand_drivers_are_read_for_each_area_by_gss_code() {
    use cws_domain::demand::Driver;
    let rows = cws_reference::demand_drivers().unwrap();
    let at = |d: Driver, area: &str, year: i32| {
        rows.iter()
            .find(|r| r.driver == d && r.area == area && r.year == year)
            .map(|r| r.value)
    };
    // Richmond upon Thames (318), as published
    assert_eq!(at(Driver::ChildrenInNeed, "E09000027", 2025), Some(964.0));
    assert_eq!(at(Driver::EhcPlans, "E09000027", 2025), Some(2018.0));
    assert_eq!(at(Driver::FundedTwos, "E09000027", 2025), Some(139.0));
    assert_eq!(
        at(Driver::FundedEarlyEducation, "E09000027", 2025),
        Some(139.0 + 4297.0)
    );
    // published as "-": missing, never zero
    assert_eq!(at(Driver::ProtectionPlans, "E09000001", 2016), None);
    // foster placements: those looked after times the share fostered
    let (lac, fostered) = (
        at(Driver::LookedAfter, "E09000027", 2022).unwrap(),
        at(Driver::FosterPlacements, "E09000027", 2022).unwrap(),
    );
    assert!(fostered > 0.0 && fostered < lac, "{fostered} of {lac}");
    assert!(rows.iter().all(|r| r.value.is_finite() && r.value >= 0.0));
    // Barnsley's series is under its old and its 2025 code
    for code in ["E08000016", "E08000038"] {
        assert!(at(Driver::Children, code, 2020).is_some(), "{code}");
        assert!(at(Driver::ChildrenInNeed, code, 2025).is_some(), "{code}");
    }
    // every driver is held for most areas in its last year
    for d in Driver::ALL {
        let last = rows.iter().filter(|r| r.driver == *d).map(|r| r.year).max();
        let areas: BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.driver == *d && Some(r.year) == last)
            .map(|r| r.area.as_str())
            .collect();
        assert!(areas.len() > 120, "{d:?}: {} areas", areas.len());
    }
}

const SNPP_SAMPLE: &str = include_str!("data/ons_snpp2022_sample_E06000047_age0-17.csv");

#[test]
fn ons_population_projections_sum_ages_and_districts_to_upper_tier_areas() {
    let p = cws_reference::population_projection("snpp.csv", SNPP_SAMPLE).unwrap();
    let at = |code: &str, year: i32| {
        p.rows
            .iter()
            .find(|(c, y, _)| c == code && *y == year)
            .map(|r| r.2)
    };
    // County Durham is unitary: its own upper tier; ages 0-17 summed (by hand: 99,390 in 2022)
    assert!((at("E06000047", 2022).unwrap() - 99_390.0).abs() < 1e-6);
    assert!((at("E06000047", 2040).unwrap() - 90_247.115).abs() < 1e-6);
    assert_eq!(p.rows.len(), 26, "one row a year 2022-2047");
    assert_eq!(p.districts, 1);
    // two Kent districts (Ashford, Canterbury) add up to Kent; a Welsh area is left out
    let kent = format!(
        "{}\n{}\n{}",
        SNPP_SAMPLE.trim_end().replace("E06000047", "E07000105"),
        SNPP_SAMPLE
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
            .replace("E06000047", "E07000106"),
        SNPP_SAMPLE
            .lines()
            .nth(1)
            .unwrap()
            .replace("E06000047", "W06000001")
    );
    let p = cws_reference::population_projection("snpp.csv", &kent).unwrap();
    let kent_2022 = p
        .rows
        .iter()
        .find(|(c, y, _)| c == "E10000016" && *y == 2022);
    assert!((kent_2022.unwrap().2 - 2.0 * 99_390.0).abs() < 1e-6);
    assert_eq!((p.districts, p.left_out), (2, 1));
    // ages over 17, other sexes and "All ages" are not children
    let extra = format!(
        "{}\nE06000047,County Durham,Population,persons,18,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9\nE06000047,County Durham,Population,persons,All ages,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9\nE06000047,County Durham,Population,female,3,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9",
        SNPP_SAMPLE.trim_end()
    );
    let p = cws_reference::population_projection("snpp.csv", &extra).unwrap();
    assert!((p.rows[0].2 - 99_390.0).abs() < 1e-6);
}

#[test]
fn a_bad_population_projection_names_row_column_and_value() {
    let unknown = SNPP_SAMPLE.replacen("E06000047", "E99999999", 1);
    let e = cws_reference::population_projection("snpp.csv", &unknown)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("snpp.csv, row 2, column AREA_CODE:") && e.contains("'E99999999'"),
        "{e}"
    );
    let bad_value = SNPP_SAMPLE.replacen("4642.000", "lots", 1);
    let e = cws_reference::population_projection("snpp.csv", &bad_value)
        .unwrap_err()
        .to_string();
    assert!(e.contains("row 2, column 2022: 'lots'"), "{e}");
    let e = cws_reference::population_projection("other.csv", "a,b\n1,2\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("other.csv") && e.contains("AREA_CODE"), "{e}");
}
