//! Worker-level fixtures with hand-worked answers for every DfE measure and the edge cases:
//! zero in post, all agency, missing FTE, one person in two posts, leaving on the census
//! date, starting and leaving in the same year.

use chrono::NaiveDate;
use cws_analyse::figures::{compute, Dimension, Options, Scope};
use cws_analyse::measure::{round, Measure, Sums};
use cws_analyse::snapshot::{AreaInfo, Snapshot};
use cws_domain::collection::{StatedAgency, Vacancy};
use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::role::RoleCode;
use cws_domain::worker::*;
use cws_store::returns::OrganisationRow;
use cws_store::{AreaId, OrganisationId};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn post(person: u8, role: &str, contract: ContractType, fte: Option<f64>) -> WorkerRecord {
    WorkerRecord {
        person: PersonKey::from_digest(&[person; 32]),
        role: RoleCode::parse(role).unwrap(),
        fte: fte.map(|f| Fte::new(f).unwrap()),
        contract,
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
        cases: None,
    }
}

fn left(mut w: WorkerRecord, on: NaiveDate) -> WorkerRecord {
    w.leaving = Some(Leaving {
        date: on,
        reason: LeavingReason::Resigned,
        destination: Destination::parse("other_la").unwrap_or(Destination::ALL[0]),
    });
    w
}

fn org(id: i64, reference: &str, setting: SettingType) -> (AreaId, OrganisationRow) {
    (
        AreaId(1),
        OrganisationRow {
            id: OrganisationId(id),
            reference: reference.into(),
            name: reference.into(),
            sector: Sector::StatutoryLa,
            service: Service::SocialCare,
            setting_type: setting,
            disadvantaged: false,
            synthetic: false,
        },
    )
}

fn snapshot() -> Snapshot {
    let area = AreaInfo {
        id: AreaId(1),
        code: "E09000027".into(),
        name: "Richmond upon Thames".into(),
        region_code: "E12000007".into(),
        region_name: "London".into(),
    };
    let orgs = vec![
        org(10, "LA-CSC", SettingType::SocialWorkTeam),
        org(11, "AGENCY-ONLY", SettingType::SocialWorkTeam),
        org(12, "EMPTY", SettingType::SocialWorkTeam),
    ];
    let mut s = Snapshot::new(
        Some(d(2025, 9, 30)),
        vec![area],
        &orgs,
        cws_reference::roles().unwrap(),
    );
    use ContractType::*;
    let mut p1 = post(1, "SC-SW", Permanent, Some(1.0));
    p1.cases = Some(15);
    p1.days_lost = Some(10.0);
    // the same person's second, more senior post: counted once, here
    let p6 = post(1, "SC-SW-MM", Permanent, Some(0.2));
    let mut p2 = post(2, "SC-SW", Permanent, Some(0.5));
    p2.start_date = Some(d(2025, 3, 1));
    p2.cases = Some(8);
    // leaves on the census date: a leaver, not in post
    let p3 = left(post(3, "SC-SW", Permanent, Some(1.0)), d(2025, 9, 30));
    // starts and leaves in the same year: a starter and a leaver
    let mut p4 = left(post(4, "SC-SW", FixedTerm, Some(0.8)), d(2025, 6, 30));
    p4.start_date = Some(d(2025, 1, 1));
    let mut p5 = post(5, "SC-SW", Agency, Some(1.0));
    p5.cases = Some(20);
    // no FTE given: counted in headcount, left out of FTE and reported
    let p7 = post(7, "SC-SW", Permanent, None);
    // left before the year: in no figure
    let p8 = left(post(8, "SC-SW", Permanent, Some(1.0)), d(2024, 6, 1));
    let la = s.org_of(OrganisationId(10)).unwrap();
    s.push_posts(la, &[p1, p6, p2, p3, p4, p5, p7, p8]);
    s.push_vacancies(
        la,
        &[Vacancy {
            role: RoleCode::parse("SC-SW").unwrap(),
            fte: 2.0,
            agency_covered_fte: 1.0,
            stated_agency: Default::default(),
        }],
    );
    // an organisation staffed only by agency workers
    let agency = s.org_of(OrganisationId(11)).unwrap();
    s.push_posts(agency, &[post(20, "SC-SW", Agency, Some(0.6))]);
    s
}

fn total(s: &Snapshot, scope: Scope) -> Sums {
    let groups = compute(s, &scope, &[], &Options::for_census(d(2025, 9, 30))).unwrap();
    assert_eq!(groups.len(), 1);
    groups[0].sums
}

fn value(s: &Sums, m: Measure) -> Option<f64> {
    m.value(s, &Default::default()).map(|v| round(m.kind(), v))
}

#[test]
fn every_dfe_measure_matches_the_hand_worked_answer() {
    let s = snapshot();
    let t = total(&s, Scope::Area("E09000027".into()));
    use Measure::*;
    // in post, employed: 1.0 + 0.2 (same person) + 0.5 + missing
    assert_eq!(value(&t, InpostFte), Some(1.7));
    assert_eq!(value(&t, InpostHeadcount), Some(3.0));
    assert_eq!(value(&t, FteMissingPosts), Some(1.0));
    assert_eq!(value(&t, StartersFte), Some(1.3));
    assert_eq!(value(&t, StartersHeadcount), Some(2.0));
    assert_eq!(value(&t, LeaversFte), Some(1.8));
    assert_eq!(value(&t, LeaversHeadcount), Some(2.0));
    assert_eq!(value(&t, TurnoverRateFte), Some(105.9)); // 1.8 / 1.7
    assert_eq!(value(&t, TurnoverRateHeadcount), Some(66.7)); // 2 / 3
    assert_eq!(value(&t, AgencyFte), Some(1.6)); // 1.0 + the agency-only organisation's 0.6
    assert_eq!(value(&t, AgencyHeadcount), Some(2.0));
    assert_eq!(value(&t, AgencyRateFte), Some(48.5)); // 1.6 / 3.3
    assert_eq!(value(&t, AgencyRateHeadcount), Some(40.0)); // 2 / 5
    assert_eq!(value(&t, VacancyFte), Some(2.0));
    assert_eq!(value(&t, VacancyRateFte), Some(54.1)); // 2 / 3.7
    assert_eq!(value(&t, AgencyCoverFte), Some(1.0));
    assert_eq!(value(&t, AgencyCoverRateFte), Some(62.5)); // 1.0 / 1.6
    assert_eq!(value(&t, VacancyAgencyCoverRateFte), Some(50.0));
    // DfE's case holders: employed records in post holding cases (the agency worker's 20
    // cases are not theirs): 1.0 + 0.5 FTE, 15 + 8 cases
    assert_eq!(value(&t, CaseHoldersFte), Some(1.5));
    assert_eq!(value(&t, Cases), Some(23.0));
    assert_eq!(value(&t, CaseloadFte), Some(15.3));
    assert_eq!(value(&t, WorkingDaysLostFte), Some(10.0));
    assert_eq!(value(&t, AbsenceRateFte), Some(2.3)); // 10 / (1.7 × 253)
    assert_eq!(value(&t, People), Some(5.0)); // 3 employed + 2 agency
}

#[test]
fn aged_55_and_over_and_reaching_retirement_are_two_measures_with_configurable_settings() {
    use cws_analyse::figures::Settings;
    let mut s = snapshot();
    let older = |person: u8, born: i32| {
        let mut w = post(person, "SC-SW", ContractType::Permanent, Some(1.0));
        w.birth_year = Some(born);
        w
    };
    // aged 56 and 61 at the 2025 census
    let posts = [older(1, 1969), older(2, 1964)];
    s.replace_organisation(OrganisationId(10), &posts, &[]);
    s.replace_organisation(OrganisationId(11), &[], &[]);
    let at = |settings: &Settings| {
        let groups = compute(
            &s,
            &Scope::Area("E09000027".into()),
            &[],
            &Options::with_settings(d(2025, 9, 30), settings),
        )
        .unwrap();
        (
            value(&groups[0].sums, Measure::Age55Plus),
            value(&groups[0].sums, Measure::ReachingRetirement),
        )
    };
    // by default: reaching 65 within 5 years (born in 1965 or before)
    assert_eq!(at(&Settings::default()), (Some(100.0), Some(50.0)));
    // a deployment reaching 66 within ten years (born in 1969 or before): both
    let later = Settings {
        retirement_age: 66,
        retirement_within_years: 10,
        ..Settings::default()
    };
    assert_eq!(at(&later), (Some(100.0), Some(100.0)));
}

#[test]
fn volunteers_and_foster_carers_are_people_in_post_but_hold_no_employed_post() {
    let before = total(&snapshot(), Scope::Area("E09000027".into()));
    let mut s = snapshot();
    let agency_only = s.org_of(OrganisationId(11)).unwrap();
    let mut volunteer = post(30, "SC-SW", ContractType::Volunteer, Some(0.2));
    volunteer.start_date = Some(d(2025, 5, 1));
    let carer = left(
        post(31, "SC-SW", ContractType::FosterCarer, Some(1.0)),
        d(2025, 3, 1),
    );
    s.push_posts(agency_only, &[volunteer, carer]);
    let t = total(&s, Scope::Area("E09000027".into()));
    use Measure::*;
    for m in [
        InpostFte,
        InpostHeadcount,
        StartersHeadcount,
        LeaversHeadcount,
        TurnoverRateFte,
        VacancyRateFte,
        AgencyRateFte,
        AbsenceRateFte,
    ] {
        assert_eq!(value(&t, m), value(&before, m), "{}", m.code());
    }
    assert_eq!(
        value(&t, People),
        Some(6.0),
        "the volunteer in post is one of the people"
    );
}

#[test]
fn a_multi_agency_answer_of_no_is_not_membership_of_a_team() {
    let mut s = snapshot();
    let answer = |person: u8, m: Option<MultiAgency>| {
        let mut w = post(person, "SC-SW", ContractType::Permanent, Some(1.0));
        w.integrated.multi_agency = m;
        w
    };
    let posts = [
        answer(1, Some(MultiAgency::No)),
        answer(2, Some(MultiAgency::CoLocated)),
        answer(3, Some(MultiAgency::Virtual)),
        answer(4, None),
    ];
    s.replace_organisation(OrganisationId(10), &posts, &[]);
    s.replace_organisation(OrganisationId(11), &[], &[]);
    let t = total(&s, Scope::Area("E09000027".into()));
    // a blank answer is not known: the rate is over the three who answered
    assert_eq!(
        value(&t, Measure::MultiAgency),
        Some(66.7),
        "2 of 3 answers"
    );
}

#[test]
fn agency_workers_stated_in_total_stand_for_the_agency_records() {
    // The census return's LA block states 3.25 agency FTE and 4 agency workers; the return
    // holds one agency record (1.0 FTE). DfE counts the LA block.
    let mut s = snapshot();
    let la = s.org_of(OrganisationId(10)).unwrap();
    s.replace_organisation(
        OrganisationId(10),
        &[
            post(1, "SC-SW", ContractType::Permanent, Some(1.0)),
            post(5, "SC-SW", ContractType::Agency, Some(1.0)),
        ],
        &[Vacancy {
            role: RoleCode::parse("SC-SW").unwrap(),
            fte: 2.0,
            agency_covered_fte: 2.0,
            stated_agency: StatedAgency {
                fte: Some(3.25),
                headcount: Some(4.0),
            },
        }],
    );
    let _ = la;
    let t = total(&s, Scope::Area("E09000027".into()));
    use Measure::*;
    // 3.25 stated + the agency-only organisation's one 0.6 FTE record
    assert_eq!(value(&t, AgencyFte), Some(3.9)); // 3.85
    assert_eq!(value(&t, AgencyHeadcount), Some(5.0));
    assert_eq!(value(&t, AgencyCoverFte), Some(2.0));
    assert_eq!(value(&t, AgencyCoverRateFte), Some(51.9)); // 2.0 / 3.85, never over 100
                                                           // the agency record still describes who the agency workers are
    assert_eq!(value(&t, People), Some(3.0));
    // a later return without the LA block counts its agency records again
    s.replace_organisation(
        OrganisationId(10),
        &[post(5, "SC-SW", ContractType::Agency, Some(1.0))],
        &[],
    );
    let t = total(&s, Scope::Area("E09000027".into()));
    assert_eq!(value(&t, AgencyFte), Some(1.6));
}

#[test]
fn one_person_in_two_posts_counts_once_in_the_more_senior_role() {
    let s = snapshot();
    let by_role = compute(
        &s,
        &Scope::Nation,
        &[Dimension::Role],
        &Options::for_census(d(2025, 9, 30)),
    )
    .unwrap();
    let get = |title: &str| {
        by_role
            .iter()
            .find(|g| g.labels[0] == title)
            .unwrap_or_else(|| panic!("no group {title}"))
            .sums
    };
    let manager = get("Middle manager (social work)");
    assert_eq!(manager.inpost_headcount, 1.0);
    assert!((manager.inpost_fte - 0.2).abs() < 1e-6);
    let sw = get("Children and families social worker");
    assert_eq!(sw.inpost_headcount, 2.0); // person 2, person 7
    assert!((sw.inpost_fte - 1.5).abs() < 1e-6);
}

#[test]
fn an_all_agency_organisation_and_an_empty_one() {
    let s = snapshot();
    let by_org = compute(
        &s,
        &Scope::Nation,
        &[Dimension::Contract],
        &Options::for_census(d(2025, 9, 30)),
    )
    .unwrap();
    let agency = by_org.iter().find(|g| g.labels[0] == "Agency").unwrap();
    assert_eq!(agency.sums.inpost_fte, 0.0);
    assert!((agency.sums.agency_fte - 1.6).abs() < 1e-6);
    // zero in post: rates over nothing are undefined, not zero
    assert_eq!(value(&agency.sums, Measure::TurnoverRateFte), None);
    assert_eq!(value(&agency.sums, Measure::AgencyRateFte), Some(100.0));
    let vacant = by_org
        .iter()
        .find(|g| g.labels[0] == "Vacant posts")
        .unwrap();
    assert_eq!(vacant.sums.vacancy_fte, 2.0);
}

#[test]
fn replacing_a_return_changes_only_that_organisation() {
    let mut s = snapshot();
    let before = total(&s, Scope::Nation);
    s.replace_organisation(
        OrganisationId(11),
        &[post(21, "SC-SW", ContractType::Permanent, Some(1.0))],
        &[],
    );
    let after = total(&s, Scope::Nation);
    assert!((after.agency_fte - (before.agency_fte - 0.6)).abs() < 1e-6);
    assert!((after.inpost_fte - (before.inpost_fte + 1.0)).abs() < 1e-6);
    assert_eq!(after.vacancy_fte, before.vacancy_fte);
    // replacing again with the same content gives the same figures
    s.replace_organisation(
        OrganisationId(11),
        &[post(21, "SC-SW", ContractType::Permanent, Some(1.0))],
        &[],
    );
    assert_eq!(total(&s, Scope::Nation), after);
}

#[test]
fn unknown_scopes_are_refused_by_name() {
    let s = snapshot();
    let e = compute(
        &s,
        &Scope::Area("E09999999".into()),
        &[],
        &Options::for_census(d(2025, 9, 30)),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "there is no area with the code 'E09999999'");
}

#[test]
fn leavers_by_reason_count_the_year_s_employed_leavers_once() {
    let s = snapshot();
    let by =
        cws_analyse::breakdown::leavers_by_reason(&s, &Scope::Area("E09000027".into())).unwrap();
    // persons 3 (on the census date) and 4 (in June) resigned; person 8 left before the year
    let resigned = by
        .iter()
        .find(|(r, _)| *r == LeavingReason::Resigned)
        .unwrap()
        .1;
    assert_eq!(resigned, 2.0);
    let all: f64 = by.iter().map(|(_, n)| n).sum();
    let t = total(&s, Scope::Area("E09000027".into()));
    assert_eq!(Some(all), value(&t, Measure::LeaversHeadcount));
}

#[test]
fn a_filter_keeps_its_part_of_the_workforce_and_says_what_it_cannot_count() {
    use cws_analyse::disclosure::Shown;
    use cws_analyse::figures::Filter;
    use cws_analyse::panels::{cut, Place};
    let s = snapshot();
    let place = Place::Area {
        code: "E09000027".into(),
        name: "Richmond upon Thames".into(),
        region_code: "E12000007".into(),
        region_name: "London".into(),
    };
    let measures = [Measure::People, Measure::VacancyRateFte];
    let with = |filter: Filter, protect: bool| {
        let mut opts = Options::for_census(d(2025, 9, 30));
        opts.filter = filter;
        cut(&s, &place, &[], &measures, &opts, protect, "t".into()).unwrap()
    };
    let whole = with(Filter::default(), false);
    assert_eq!(whole.rows[0].values[0], Shown::Value(5.0));
    // 2 FTE vacant beside 1.7 in post (1.0 + 0.2 + 0.5; one post gives no FTE)
    assert_eq!(whole.rows[0].values[1], Shown::Value(54.1));
    // people 1 (in two permanent posts), 2 and 7 are on permanent contracts
    let permanent = with(
        Filter {
            contract: Some(ContractType::Permanent),
            ..Filter::default()
        },
        false,
    );
    assert_eq!(permanent.rows.len(), 1);
    assert_eq!(permanent.rows[0].values[0], Shown::Value(3.0));
    // a vacancy has no contract: its rate is not available, never 0
    assert_eq!(permanent.rows[0].values[1], Shown::Symbol("x"));
    assert!(
        permanent.footnote.starts_with("Only Permanent."),
        "{}",
        permanent.footnote
    );
    assert!(
        permanent.title.ends_with("(Permanent)"),
        "{}",
        permanent.title
    );
    // a filter nobody is inside still has its total: of no one
    let nobody = with(
        Filter {
            setting_type: Some(SettingType::FullDayCare),
            ..Filter::default()
        },
        false,
    );
    assert_eq!(nobody.rows.len(), 1);
    assert_eq!(nobody.rows[0].values[0], Shown::Value(0.0));
    assert_eq!(nobody.rows[0].values[1], Shown::Symbol("z"));
    // the same sector as the whole: the same figures
    let la = with(
        Filter {
            sector: Some(Sector::StatutoryLa),
            ..Filter::default()
        },
        false,
    );
    assert_eq!(la.rows[0].values, whole.rows[0].values);
    // protected, three people are a small number
    let shown = with(
        Filter {
            contract: Some(ContractType::Permanent),
            ..Filter::default()
        },
        true,
    );
    assert_eq!(shown.rows[0].values[0], Shown::Symbol("c"));
}
