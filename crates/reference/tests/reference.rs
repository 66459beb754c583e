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
