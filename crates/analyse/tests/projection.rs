//! A projection's starting point measured from returns, against counts worked by hand: the
//! stock by cell, a person without an age, joiners and their profile, agency, and rates
//! shrunk from England through the region to the area.

use chrono::NaiveDate;
use cws_analyse::projection::{measure, measure_over};
use cws_analyse::snapshot::{AreaInfo, Snapshot};
use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::role::{RoleCode, RoleGroup};
use cws_domain::worker::*;
use cws_project::cells::{cell, pair};
use cws_project::{AgeBand, Tier};
use cws_store::returns::OrganisationRow;
use cws_store::{AreaId, OrganisationId};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn post(person: u32, born: Option<i32>) -> WorkerRecord {
    let mut key = [0u8; 32];
    key[..4].copy_from_slice(&person.to_be_bytes());
    WorkerRecord {
        person: PersonKey::from_digest(&key),
        role: RoleCode::parse("SC-SW").unwrap(),
        fte: Some(Fte::new(1.0).unwrap()),
        contract: ContractType::Permanent,
        start_date: Some(d(2015, 4, 1)),
        leaving: None,
        birth_year: born,
        sex: Sex::Female,
        ethnicity: Ethnicity::Wbri,
        disability: Disability::No,
        qual_level: Some(QualLevel::L6),
        qualifications: vec![],
        common_core: None,
        induction: None,
        integrated: IntegratedWorking {
            caf_trained: None,
            lead_professional: None,
            budget_holding: None,
            multi_agency: None,
        },
        vetting: VettingType::EnhancedBarred,
        vetting_date: None,
        safeguarding_training: None,
        days_lost: None,
        cases: None,
    }
}

fn left(mut w: WorkerRecord, reason: LeavingReason) -> WorkerRecord {
    w.leaving = Some(Leaving {
        date: d(2025, 3, 31),
        reason,
        destination: Destination::ALL[0],
    });
    w
}

fn area(id: i64, code: &str, region: &str) -> AreaInfo {
    AreaInfo {
        id: AreaId(id),
        code: code.into(),
        name: code.into(),
        region_code: region.into(),
        region_name: region.into(),
    }
}

fn org(area: i64, id: i64) -> (AreaId, OrganisationRow) {
    (
        AreaId(area),
        OrganisationRow {
            id: OrganisationId(id),
            reference: format!("LA-{id}"),
            name: format!("LA {id}"),
            sector: Sector::StatutoryLa,
            service: Service::SocialCare,
            setting_type: SettingType::SocialWorkTeam,
            disadvantaged: false,
            synthetic: false,
        },
    )
}

fn empty(census: NaiveDate) -> Snapshot {
    Snapshot::new(
        Some(census),
        vec![
            area(1, "E09000027", "E12000007"),
            area(2, "E09000021", "E12000007"),
            area(3, "E08000035", "E12000003"),
        ],
        &[org(1, 10), org(2, 20), org(3, 30)],
        cws_reference::roles().unwrap(),
    )
}

/// The census a year before: Richmond's ten at 40, three of whom left, and four starters
/// aged 24 (Kingston and Leeds made no return).
fn year_before() -> Snapshot {
    let mut s = empty(d(2024, 9, 30));
    let mut posts: Vec<WorkerRecord> = (0..10).map(|n| post(1000 + n, Some(1984))).collect();
    posts.extend((0..3).map(|n| {
        let mut w = left(post(2000 + n, Some(1984)), LeavingReason::Resigned);
        w.leaving.as_mut().unwrap().date = d(2024, 3, 31);
        w
    }));
    posts.extend((0..4).map(|n| {
        let mut w = post(3000 + n, Some(2000));
        w.start_date = Some(d(2024, 1, 8));
        w
    }));
    let r = s.org_of(OrganisationId(10)).unwrap();
    s.push_posts(r, &posts);
    s
}

#[test]
fn rates_and_joiners_pool_every_census_held_the_earlier_weighing_less() {
    let (now, before) = (snapshot(), year_before());
    let m = measure_over(&[&before, &now], "E09000027").unwrap();
    let i = &m.inputs;
    let sw = RoleGroup::SocialWorkers as usize;
    let (a20, a25, a40) = (
        AgeBand::A20.index(),
        AgeBand::A25.index(),
        AgeBand::A40.index(),
    );
    let grad = Tier::Graduate.index();
    assert_eq!(m.census_years, [2024, 2025]);
    // the people are the latest census's
    assert_eq!(i.stock[cell(sw, a40, grad)], 11.0);
    assert_eq!(i.base_year, 2025);
    // leaving at 40–44: Richmond 1 of 11 now and 3 of 13 before (× 0.75); London adds
    // Kingston's 4 of 24 now; England adds Leeds's 50 with none leaving
    let england = 7.25 / 94.75;
    let london = (7.25 + 20.0 * england) / 64.75;
    let richmond = (3.25 + 20.0 * london) / 40.75;
    let got = i.leave[pair(sw, a40)];
    assert!(
        (got.mean - richmond).abs() < 1e-12,
        "{got:?} against {richmond}"
    );
    // joiners: 2 now and 4 before (× 0.75) over 1.75 weighted years
    assert!((i.joiners[sw].mean - 5.0 / 1.75).abs() < 1e-12);
    assert_eq!(i.joiners[sw].years, 1.75);
    assert!((i.joiner_profile[cell(sw, a25, grad)] - 0.4).abs() < 1e-12);
    assert!((i.joiner_profile[cell(sw, a20, grad)] - 0.6).abs() < 1e-12);
    assert!(m.notes[1].contains("the census years 2024, 2025, each earlier year weighing 0.75"));
    // the order the censuses come in does not matter; an area no census holds has none
    assert_eq!(measure_over(&[&now, &before], "E09000027").unwrap(), m);
    assert!(measure_over(&[&now], "E06000001").is_none());
}

/// Richmond and Kingston in London, Leeds elsewhere; social workers only.
fn snapshot() -> Snapshot {
    let mut s = Snapshot::new(
        Some(d(2025, 9, 30)),
        vec![
            area(1, "E09000027", "E12000007"),
            area(2, "E09000021", "E12000007"),
            area(3, "E08000035", "E12000003"),
        ],
        &[org(1, 10), org(2, 20), org(3, 30)],
        cws_reference::roles().unwrap(),
    );
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    // Richmond: ten aged 40, one leaver aged 40, one retiree aged 63, two starters aged 25,
    // one without a year of birth, and an agency worker
    let mut richmond: Vec<WorkerRecord> = (0..10).map(|_| post(next(), Some(1985))).collect();
    richmond.push(left(post(next(), Some(1985)), LeavingReason::Resigned));
    richmond.push(left(post(next(), Some(1962)), LeavingReason::Retired));
    for _ in 0..2 {
        let mut w = post(next(), Some(2000));
        w.start_date = Some(d(2025, 1, 6));
        richmond.push(w);
    }
    richmond.push(post(next(), None));
    let mut agency = post(next(), Some(1980));
    agency.contract = ContractType::Agency;
    richmond.push(agency);
    let r = s.org_of(OrganisationId(10)).unwrap();
    s.push_posts(r, &richmond);
    s.push_vacancies(
        r,
        &[cws_domain::collection::Vacancy {
            role: RoleCode::parse("SC-SW").unwrap(),
            fte: 2.5,
            agency_covered_fte: 1.0,
            stated_agency: Default::default(),
        }],
    );
    // Kingston: twenty aged 40 and four leavers of that age
    let mut kingston: Vec<WorkerRecord> = (0..20).map(|_| post(next(), Some(1985))).collect();
    kingston.extend((0..4).map(|_| left(post(next(), Some(1985)), LeavingReason::Resigned)));
    let k = s.org_of(OrganisationId(20)).unwrap();
    s.push_posts(k, &kingston);
    // Leeds: fifty aged 40, nobody leaving
    let leeds: Vec<WorkerRecord> = (0..50).map(|_| post(next(), Some(1985))).collect();
    let l = s.org_of(OrganisationId(30)).unwrap();
    s.push_posts(l, &leeds);
    s
}

#[test]
fn an_areas_starting_point_from_its_returns() {
    let m = measure(&snapshot(), 0).unwrap();
    let i = &m.inputs;
    let sw = RoleGroup::SocialWorkers as usize;
    let (a25, a40, a60) = (
        AgeBand::A25.index(),
        AgeBand::A40.index(),
        AgeBand::A60.index(),
    );
    let grad = Tier::Graduate.index();
    assert_eq!(i.base_year, 2025);
    // ten aged 40 and the one without an age, placed in the group's middle band
    assert_eq!(i.stock[cell(sw, a40, grad)], 11.0);
    assert_eq!(i.stock[cell(sw, a25, grad)], 2.0);
    assert_eq!((m.people, m.unknown_age), (13.0, 1.0));
    assert!(m
        .notes
        .iter()
        .any(|n| n.starts_with("1 of 13 people have no year of birth")));
    assert_eq!(i.joiners[sw].mean, 2.0);
    assert_eq!(i.joiner_profile[cell(sw, a25, grad)], 1.0);
    assert!((i.agency_share[sw] - 1.0 / 13.0).abs() < 1e-12);
    assert_eq!(i.fte_per_head[pair(sw, a40)], 1.0);
    // leaving at 40–44: England 5 of 85, London 5 of 35, Richmond 1 of 11, each shrunk
    // towards the level above it by 20 people
    let england = 5.0 / 85.0;
    let london = (5.0 + 20.0 * england) / 55.0;
    let richmond = (1.0 + 20.0 * london) / 31.0;
    let got = i.leave[pair(sw, a40)];
    assert!(
        (got.mean - richmond).abs() < 1e-12,
        "{got:?} against {richmond}"
    );
    assert_eq!(got.evidence, 31.0);
    // retirement at 60–64: one of one in Richmond, the only one anywhere
    let r = i.retire[pair(sw, a60)];
    assert!((r.mean - 1.0).abs() < 1e-12, "{r:?}");
    // Leeds: its own people, nobody leaving, its rate pulled up towards England's
    let leeds = measure(&snapshot(), 2).unwrap();
    assert_eq!(leeds.inputs.stock[cell(sw, a40, grad)], 50.0);
    let leeds_rate = (0.0 + 20.0 * england) / 70.0;
    assert!((leeds.inputs.leave[pair(sw, a40)].mean - leeds_rate).abs() < 1e-12);
    // and the model runs on it
    let p = cws_project::model::expected(&m.inputs, &cws_project::Levers::default(), 2030).unwrap();
    assert_eq!(p.years.len(), 6);
    assert!(p.years[5].supply(sw) > 0.0);
    assert!(measure(&snapshot(), 3).is_none());
    assert_eq!(m.vacancy_fte[sw], 2.5);
}

#[test]
fn the_retirement_wave_counts_who_turns_the_age_each_year() {
    let snap = snapshot();
    let sw = RoleGroup::SocialWorkers as usize;
    // Richmond in post: ten born 1985, two born 2000, one without a year of birth
    let w = cws_analyse::projection::retirement_wave(&snap, &[0], 40, 2030).unwrap();
    assert_eq!(w.people[sw], 13.0);
    assert_eq!(w.unknown_age[sw], 1.0);
    // born 1985: forty in 2025, the census year, so already there
    assert_eq!(w.already[sw], 10.0);
    assert_eq!(w.reaching.len(), 5);
    assert!(w.reaching.iter().all(|(_, v)| v[sw] == 0.0));
    assert_eq!(w.share_by(sw, 2030), Some(100.0 * 10.0 / 12.0));
    // at 28, the two born in 2000 turn it in 2028
    let w = cws_analyse::projection::retirement_wave(&snap, &[0], 28, 2030).unwrap();
    assert_eq!(w.already[sw], 10.0);
    assert_eq!(
        w.reaching.iter().find(|(y, _)| *y == 2028).unwrap().1[sw],
        2.0
    );
    assert_eq!(w.share_by(sw, 2027), Some(100.0 * 10.0 / 12.0));
    assert_eq!(w.share_by(sw, 2028), Some(100.0));
    // nobody of another group: no share to give
    assert_eq!(w.share_by(RoleGroup::Teachers as usize, 2030), None);
    // London together: Kingston's twenty in post, born 1985
    let both = cws_analyse::projection::retirement_wave(&snap, &[0, 1], 40, 2030).unwrap();
    assert_eq!(both.already[sw], 30.0);
}

/// Richmond's people followed from one census to the next: of the 20 family support workers
/// in post at both, 4 had become social workers a year on (20%); two others left, and a
/// census two years back follows nobody.
#[test]
fn moves_between_role_groups_from_people_followed_between_censuses() {
    let role = |mut w: WorkerRecord, code: &str| {
        w.role = RoleCode::parse(code).unwrap();
        w
    };
    let mut before = empty(d(2024, 9, 30));
    let mut then: Vec<WorkerRecord> = (0..22)
        .map(|n| role(post(n, Some(1985)), "SC-FAMSUPPORT"))
        .collect();
    then.extend((100..110).map(|n| post(n, Some(1985))));
    let r = before.org_of(OrganisationId(10)).unwrap();
    before.push_posts(r, &then);
    let mut now = empty(d(2025, 9, 30));
    let mut later: Vec<WorkerRecord> = (1..5).map(|n| post(n, Some(1985))).collect();
    later.extend((5..21).map(|n| role(post(n, Some(1985)), "SC-FAMSUPPORT")));
    later.extend((100..110).map(|n| post(n, Some(1985))));
    let r = now.org_of(OrganisationId(10)).unwrap();
    now.push_posts(r, &later);
    let m = measure_over(&[&before, &now], "E09000027").unwrap();
    let groups = RoleGroup::ALL.len();
    let (care, sw) = (
        RoleGroup::SocialCare as usize,
        RoleGroup::SocialWorkers as usize,
    );
    let moves = &m.inputs.moves;
    assert!(
        (moves[care * groups + sw] - 0.2).abs() < 1e-12,
        "{} {:?}",
        moves[care * groups + sw],
        m.notes
    );
    assert_eq!(moves[sw * groups + care], 0.0);
    assert_eq!(moves.iter().filter(|v| **v > 0.0).count(), 1);
    assert!(m.notes[0].contains("the 30 people in post at consecutive censuses (2024 to 2025), 4 of whom changed role group"), "{}", m.notes[0]);
    // one census, or two not a year apart: nobody is followed
    let alone = measure_over(&[&now], "E09000027").unwrap();
    assert!(alone.inputs.moves.iter().all(|v| *v == 0.0));
    assert!(alone.notes[0].starts_with("Nobody moves between role groups"));
    let mut long_ago = empty(d(2023, 9, 30));
    let r = long_ago.org_of(OrganisationId(10)).unwrap();
    long_ago.push_posts(r, &then);
    let gap = measure_over(&[&long_ago, &now], "E09000027").unwrap();
    assert!(gap.inputs.moves.iter().all(|v| *v == 0.0));
}
