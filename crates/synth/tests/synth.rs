use chrono::Datelike;
use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::worker::{ContractType, EthnicGroup};
use cws_synth::*;

fn ctx(seed: u64) -> Context {
    Context::new(seed, census_date(), Pseudonymiser::new(b"test-secret")).unwrap()
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let areas = plan(&Scale::Area("318".into())).unwrap();
    assert_eq!(areas.len(), 1);
    let a = generate_area(&ctx(7), &areas[0]);
    let b = generate_area(&ctx(7), &areas[0]);
    assert_eq!(a.orgs, b.orgs);
    let c = generate_area(&ctx(8), &areas[0]);
    assert_ne!(a.orgs, c.orgs);
    // an area's data does not depend on which other areas are generated with it
    let region = plan(&Scale::Region("London".into())).unwrap();
    let in_region = region.iter().find(|x| x.code == areas[0].code).unwrap();
    assert_eq!(generate_area(&ctx(7), in_region).orgs, a.orgs);
    // the social-work-only generator matches the full one
    assert_eq!(generate_social_work(&ctx(7), &areas[0]), a.orgs[0]);
}

fn social_work_inpost_fte(org: &GeneratedOrg) -> f64 {
    let census = census_date();
    org.workers
        .iter()
        .filter(|w| {
            w.record.role.as_str().starts_with("SC-SW")
                && w.record.contract != ContractType::Agency
                && w.record.in_post_on(census)
        })
        .filter_map(|w| w.record.fte.map(|f| f.get()))
        .sum()
}

#[test]
fn every_area_is_calibrated_to_its_published_social_work_fte() {
    let areas = plan(&Scale::National).unwrap();
    assert_eq!(areas.len(), 153);
    let c = ctx(2025);
    let mut published = 0;
    for a in &areas {
        let org = generate_social_work(&c, a);
        let fte = social_work_inpost_fte(&org);
        let target = a.social_work.inpost_fte;
        assert!(
            (fte - target).abs() <= 0.05 * target + 0.05,
            "{} ({}): synthetic {fte:.1} vs target {target:.1}",
            a.name,
            a.old_la_code
        );
        if a.social_work.published {
            published += 1;
        }
        // every vacancy would pass the import's checks: cover between 0 and the vacancy,
        // never a rounded "-0"
        for v in &org.vacancies {
            assert!(
                v.agency_covered_fte.is_sign_positive()
                    && v.agency_covered_fte <= v.fte
                    && v.fte > 0.0,
                "{}: vacancy {:?}",
                a.name,
                v
            );
        }
        // and rule X04: the cover adds up to no more than the agency FTE in post
        let agency_in_post: f64 = org
            .workers
            .iter()
            .filter(|w| {
                w.record.contract == ContractType::Agency && w.record.in_post_on(census_date())
            })
            .filter_map(|w| w.record.fte.map(|f| f.get()))
            .sum();
        let cover: f64 = org.vacancies.iter().map(|v| v.agency_covered_fte).sum();
        assert!(
            cover <= agency_in_post + 1e-9,
            "{}: cover {cover} over {agency_in_post} agency FTE in post",
            a.name
        );
        // agency and vacancy follow the published rates too
        let agency: f64 = org
            .workers
            .iter()
            .filter(|w| w.record.contract == ContractType::Agency)
            .filter_map(|w| w.record.fte.map(|f| f.get()))
            .sum();
        if fte > 20.0 {
            let rate = agency / (agency + fte) * 100.0;
            assert!(
                (rate - a.social_work.agency_rate).abs() < 1.5,
                "{}: agency rate {rate:.1} vs {}",
                a.name,
                a.social_work.agency_rate
            );
            let vac: f64 = org.vacancies.iter().map(|v| v.fte).sum();
            let vrate = vac / (vac + fte) * 100.0;
            assert!(
                (vrate - a.social_work.vacancy_rate).abs() < 1.5,
                "{}: vacancy rate {vrate:.1}",
                a.name
            );
        }
    }
    assert!(
        published >= 150,
        "{published} areas calibrated to their own published figures"
    );
}

#[test]
fn joint_returns_are_split_by_children() {
    let areas = plan(&Scale::Region("E12000007".into())).unwrap();
    let k = areas.iter().find(|a| a.old_la_code == "314").unwrap();
    let r = areas.iter().find(|a| a.old_la_code == "318").unwrap();
    assert!((k.social_work.share + r.social_work.share - 1.0).abs() < 1e-9);
    assert!((k.social_work.inpost_fte + r.social_work.inpost_fte - 137.4).abs() < 1e-6);
}

#[test]
fn a_whole_area_is_plausible() {
    let areas = plan(&Scale::Area("E08000025".into())).unwrap(); // Birmingham
    let wf = generate_area(&ctx(1), &areas[0]);
    let census = census_date();
    let all: Vec<_> = wf.orgs.iter().flat_map(|o| o.workers.iter()).collect();
    let per_child = all.len() as f64 / areas[0].children;
    // about 2.5 million records for 12.2 million children
    assert!((0.15..0.26).contains(&per_child), "{per_child}");
    // every sector, service and setting type is present
    use std::collections::BTreeSet;
    let sectors: BTreeSet<_> = wf.orgs.iter().map(|o| o.org.sector).collect();
    assert_eq!(sectors.len(), cws_domain::organisation::Sector::ALL.len());
    let services: BTreeSet<_> = wf.orgs.iter().map(|o| o.org.service).collect();
    assert_eq!(services.len(), cws_domain::organisation::Service::ALL.len());
    // leavers have reasons, records pass their own invariants, ages are plausible
    for w in &all {
        w.record.check().unwrap();
        let age = census.year() - w.record.birth_year.unwrap();
        assert!((17..=75).contains(&age));
    }
    let leavers =
        all.iter().filter(|w| !w.record.in_post_on(census)).count() as f64 / all.len() as f64;
    assert!((0.05..0.25).contains(&leavers), "{leavers}");
    // ethnicity close to the community: Birmingham is far less White than England
    let known: Vec<_> = all
        .iter()
        .map(|w| w.record.ethnicity.group())
        .filter(|g| *g != EthnicGroup::Unknown)
        .collect();
    let white =
        known.iter().filter(|g| **g == EthnicGroup::White).count() as f64 / known.len() as f64;
    assert!(
        (0.43..0.55).contains(&white),
        "Birmingham White share {white:.2} (Census 2021: 0.49)"
    );
}

#[test]
fn bad_scales_are_explained() {
    for bad in ["town:3", "area:999", "region:Mars", "area:"] {
        let err = Scale::parse(bad)
            .and_then(|s| plan(&s).map(|_| ()))
            .unwrap_err();
        assert!(
            err.to_string().contains("area") || err.to_string().contains("region"),
            "{bad}: {err}"
        );
    }
    assert_eq!(Scale::parse("national").unwrap(), Scale::National);
}

#[test]
fn an_area_with_only_agency_social_workers_gets_them() {
    // Isles of Scilly, 2025: none in post, 2 FTE agency (an agency rate of 100%).
    let areas = plan(&Scale::Area("420".into())).unwrap();
    let org = generate_social_work(&ctx(2025), &areas[0]);
    assert_eq!(social_work_inpost_fte(&org), 0.0);
    let agency: f64 = org
        .workers
        .iter()
        .filter(|w| w.record.contract == ContractType::Agency)
        .filter_map(|w| w.record.fte.map(|f| f.get()))
        .sum();
    assert!((agency - 2.0).abs() < 1e-9, "{agency}");
}
