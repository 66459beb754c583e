//! Comparisons: an area beside neighbours, region and England, from returns and DfE's real
//! published 2025 figures — side by side, standing in for areas without returns, joint
//! returns counted once, areas with nothing named — and other areas' small numbers hidden.

use chrono::NaiveDate;
use cws_analyse::compare::{Focus, Inputs, Source};
use cws_analyse::disclosure::{Policy, Shown};
use cws_analyse::figures::{Options, Scope};
use cws_analyse::measure::{Measure, Params};
use cws_analyse::published::area_rows;
use cws_analyse::snapshot::{AreaInfo, Snapshot};
use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::role::RoleCode;
use cws_domain::worker::*;
use cws_store::returns::OrganisationRow;
use cws_store::{AreaId, OrganisationId};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn social_worker(person: u32, role: &str) -> WorkerRecord {
    let mut digest = [0u8; 32];
    digest[..4].copy_from_slice(&person.to_be_bytes());
    WorkerRecord {
        person: PersonKey::from_digest(&digest),
        role: RoleCode::parse(role).unwrap(),
        fte: Some(Fte::new(1.0).unwrap()),
        contract: ContractType::Permanent,
        start_date: Some(d(2019, 4, 1)),
        leaving: None,
        birth_year: Some(1980),
        sex: Sex::Female,
        ethnicity: Ethnicity::Wbri,
        disability: Disability::No,
        qual_level: Some(QualLevel::L6),
        qualifications: vec![],
        common_core: Some(true),
        induction: Some(true),
        integrated: IntegratedWorking {
            caf_trained: Some(false),
            lead_professional: Some(false),
            budget_holding: Some(false),
            multi_agency: None,
        },
        vetting: VettingType::EnhancedBarred,
        vetting_date: Some(d(2024, 1, 1)),
        safeguarding_training: None,
        days_lost: None,
        cases: Some(10),
    }
}

fn area(id: i64, code: &str, name: &str) -> AreaInfo {
    AreaInfo {
        id: AreaId(id),
        code: code.into(),
        name: name.into(),
        region_code: "E12000007".into(),
        region_name: "London".into(),
    }
}

fn org(area_id: i64, id: i64, sector: Sector) -> (AreaId, OrganisationRow) {
    (
        AreaId(area_id),
        OrganisationRow {
            id: OrganisationId(id),
            reference: format!("ORG-{id}"),
            name: format!("Organisation {id}"),
            sector,
            service: Service::SocialCare,
            setting_type: SettingType::SocialWorkTeam,
            disadvantaged: false,
            synthetic: false,
        },
    )
}

/// Richmond (12 social workers of the council, and 4 in a charity), Kingston (nothing;
/// published jointly with Richmond), Windsor and Maidenhead (published only), Bromley (3
/// social workers), Wokingham (20).
fn snapshot() -> Snapshot {
    let areas = vec![
        area(1, "E09000027", "Richmond upon Thames"),
        area(2, "E09000021", "Kingston upon Thames"),
        area(3, "E06000040", "Windsor and Maidenhead"),
        area(4, "E09000006", "Bromley"),
        area(5, "E06000041", "Wokingham"),
    ];
    let orgs = vec![
        org(1, 10, Sector::StatutoryLa),
        org(1, 11, Sector::VoluntaryCommunity),
        org(4, 40, Sector::StatutoryLa),
        org(5, 50, Sector::StatutoryLa),
    ];
    let mut s = Snapshot::new(
        Some(d(2025, 9, 30)),
        areas,
        &orgs,
        cws_reference::roles().unwrap(),
    );
    let mut person = 0;
    let mut add = |s: &mut Snapshot, org: i64, n: u32| {
        let posts: Vec<WorkerRecord> = (0..n)
            .map(|_| {
                person += 1;
                social_worker(person, "SC-SW")
            })
            .collect();
        let o = s.org_of(OrganisationId(org)).unwrap();
        s.push_posts(o, &posts);
    };
    add(&mut s, 10, 12);
    add(&mut s, 11, 4);
    add(&mut s, 40, 3);
    add(&mut s, 50, 20);
    s
}

fn inputs(s: &Snapshot, focus: Focus) -> Inputs<'_> {
    let published = area_rows(&cws_reference::social_work_indicators().unwrap());
    Inputs::new(s, &Options::for_census(d(2025, 9, 30)), focus, &published).unwrap()
}

#[test]
fn returns_and_published_figures_stand_side_by_side() {
    let s = snapshot();
    let i = inputs(&s, Focus::SocialWork);
    let rows = i.area_rows("area", "E09000027", "Richmond upon Thames");
    assert_eq!(rows.len(), 2);
    // the council's social workers only: the charity's four are not in DfE's population
    assert_eq!(rows[0].source, Source::Returns);
    assert_eq!(rows[0].sums.inpost_fte, 12.0);
    // DfE publishes Richmond jointly with Kingston (2025: 137.4 FTE)
    assert_eq!(rows[1].source, Source::Published);
    assert_eq!(rows[1].code, "E09000021 / E09000027");
    assert_eq!(rows[1].sums.inpost_fte, 137.4);
    assert!(rows[1].coverage().contains("joint return"));
    // a published row has only the published measures
    let p = Params::default();
    assert_eq!(rows[1].value(Measure::People, &p), Shown::Symbol("x"));
    assert_eq!(rows[1].value(Measure::InpostFte, &p), Shown::Value(137.4));
}

#[test]
fn aggregates_count_each_area_once_and_name_what_is_missing() {
    let s = snapshot();
    let i = inputs(&s, Focus::SocialWork);
    let e = i.combined(
        "neighbours",
        "",
        "pooled",
        &["E09000027", "E09000021", "E06000040"],
    );
    // Richmond by returns; Windsor by published (61.0 FTE in 2025); Kingston's figures are
    // only in the joint row, which cannot be split from Richmond's own returns
    assert_eq!((e.by_returns, e.by_published, e.areas), (1, 1, 3));
    assert_eq!(e.uncovered, vec!["Kingston upon Thames".to_string()]);
    assert!(
        (e.sums.inpost_fte - 73.0).abs() < 1e-9,
        "{}",
        e.sums.inpost_fte
    );
    assert_eq!(e.source, Source::Combined);
    assert!(e.coverage().contains("no figures for Kingston upon Thames"));
    // without Richmond's returns, the joint row stands for both areas, once
    let mut i = inputs(&s, Focus::SocialWork);
    i.returns.remove("E09000027");
    let e = i.combined("x", "", "x", &["E09000027", "E09000021", "E06000040"]);
    assert_eq!((e.by_returns, e.by_published), (0, 3));
    assert!(e.uncovered.is_empty());
    assert!((e.sums.inpost_fte - (137.4 + 61.0)).abs() < 1e-9);
}

#[test]
fn other_areas_small_numbers_are_hidden_and_cannot_be_worked_out_from_the_pool() {
    let s = snapshot();
    let i = inputs(&s, Focus::Whole);
    let neighbours = vec![
        ("E09000006".to_string(), "Bromley".to_string()),
        ("E06000041".to_string(), "Wokingham".to_string()),
        (
            "E06000040".to_string(),
            "Windsor and Maidenhead".to_string(),
        ),
    ];
    let rows = i.with_neighbours("E09000027", &neighbours);
    let rel: Vec<&str> = rows.iter().map(|r| r.relation.as_str()).collect();
    assert_eq!(
        rel,
        [
            "area",
            "neighbour 1",
            "neighbour 2",
            "neighbour 3",
            "neighbours",
            "region",
            "England"
        ]
    );
    // the whole workforce: Richmond's 16, no published rows in this focus
    assert_eq!(rows[0].sums.people, 16.0);
    assert_eq!(rows[3].source, Source::None);
    let measures = [Measure::People, Measure::Female];
    let protect: Vec<bool> = rows.iter().map(|r| r.relation != "area").collect();
    let shown = cws_analyse::compare::shown(
        &rows,
        &measures,
        &Params::default(),
        &Policy::default(),
        &protect,
    );
    // Bromley's 3 and the rate on them are hidden; the pool (3 + 20) would give them away,
    // so it or Wokingham is hidden too
    assert_eq!(shown[1], vec![Shown::Symbol("c"), Shown::Symbol("c")]);
    assert!(shown[2][0] == Shown::Symbol("c") || shown[4][0] == Shown::Symbol("c"));
    // the owning area's own small figures are its own to see
    assert_eq!(shown[0][0], Shown::Value(16.0));
    assert_eq!(shown[3][0], Shown::Symbol("x"));
    // England is the sum of the areas with returns
    assert_eq!(rows[6].sums.people, 39.0);
    assert_eq!(i.scope_rows(&Scope::Nation)[0].sums.people, 39.0);
}
