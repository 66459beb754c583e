//! What every figure must satisfy, whatever the returns say (docs/definitions.md §6): each rate
//! is its own counts' formula, each share lies between 0 and 100, a sub-group never exceeds
//! its group, agency cover never exceeds agency FTE, and groups add up to their total. Checked
//! on random returns (a property test) and on the national synthetic workforce.

use chrono::NaiveDate;
use cws_analyse::figures::{compute, Dimension, Group, Options, Scope};
use cws_analyse::measure::{Measure, Sums};
use cws_analyse::snapshot::{AreaInfo, Snapshot};
use cws_domain::collection::{StatedAgency, Vacancy};
use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::role::RoleCode;
use cws_domain::worker::*;
use cws_store::returns::OrganisationRow;
use cws_store::{AreaId, OrganisationId};
use proptest::prelude::*;

const CENSUS: (i32, u32, u32) = (2025, 9, 30);

fn census() -> NaiveDate {
    NaiveDate::from_ymd_opt(CENSUS.0, CENSUS.1, CENSUS.2).unwrap()
}

const EPS: f64 = 1e-6;

/// Every invariant, for one group's sums.
fn check_group(s: &Sums, what: &str) -> Result<(), String> {
    let p = Default::default();
    let v = |m: Measure| m.value(s, &p);
    let near = |a: f64, b: f64| (a - b).abs() <= EPS * (1.0 + a.abs().max(b.abs()));
    let mut problems = Vec::new();
    let mut require = |ok: bool, text: String| {
        if !ok {
            problems.push(text);
        }
    };
    // shares lie between 0 and 100 (turnover and caseload may exceed 100: they are not shares)
    for &m in Measure::ALL {
        let share = m.code().ends_with("_pct")
            || matches!(
                m,
                Measure::AgencyRateFte
                    | Measure::AgencyRateHeadcount
                    | Measure::VacancyRateFte
                    | Measure::AgencyCoverRateFte
                    | Measure::VacancyAgencyCoverRateFte
            );
        if let (true, Some(x)) = (share, v(m)) {
            require(
                (-EPS..=100.0 + EPS).contains(&x),
                format!("{what}: {} = {x}", m.code()),
            );
        }
    }
    // each rate is its counts' formula
    let rate = |num: f64, den: f64| (den > 0.0).then(|| num / den * 100.0);
    let formulas = [
        (Measure::TurnoverRateFte, rate(s.leavers_fte, s.inpost_fte)),
        (
            Measure::AgencyRateFte,
            rate(s.agency_fte, s.agency_fte + s.inpost_fte),
        ),
        (
            Measure::VacancyRateFte,
            rate(s.vacancy_fte, s.vacancy_fte + s.inpost_fte),
        ),
        // agency workers of one role may cover another role's vacancies: a group's cover
        // counts up to its own agency FTE
        (
            Measure::AgencyCoverRateFte,
            rate(s.agency_cover_fte.min(s.agency_fte), s.agency_fte),
        ),
        (Measure::Age55Plus, rate(s.age_55_plus, s.age_known)),
        (Measure::Graduates, rate(s.graduates, s.qual_known)),
    ];
    for (m, want) in formulas {
        let got = v(m);
        require(
            match (got, want) {
                (Some(a), Some(b)) => near(a, b),
                (None, None) => true,
                _ => false,
            },
            format!("{what}: {} = {got:?}, its formula {want:?}", m.code()),
        );
    }
    // sub-groups never exceed their group
    let bands =
        s.age_under_20 + s.age_20_29 + s.age_30_39 + s.age_40_49 + s.age_50_59 + s.age_60_plus;
    require(
        near(bands, s.age_known),
        format!("{what}: age bands {bands} of {}", s.age_known),
    );
    require(
        s.age_55_plus <= s.age_known + EPS,
        format!("{what}: 55+ over known ages"),
    );
    require(
        s.reaching_retirement <= s.age_known + EPS,
        format!("{what}: reaching retirement over known ages"),
    );
    require(
        s.female + s.male <= s.sex_known + EPS,
        format!("{what}: sexes over known"),
    );
    let groups = s.ethnicity_white
        + s.ethnicity_mixed
        + s.ethnicity_asian
        + s.ethnicity_black
        + s.ethnicity_other;
    require(
        near(groups, s.ethnicity_known),
        format!("{what}: ethnic groups {groups} of {}", s.ethnicity_known),
    );
    require(
        near(s.ethnic_minority, s.ethnicity_known - s.ethnicity_white),
        format!("{what}: ethnic minority"),
    );
    require(
        near(s.graduates + s.non_graduates, s.qual_known),
        format!("{what}: qualifications"),
    );
    require(
        s.level3_plus_non_graduates <= s.non_graduates + EPS,
        format!("{what}: level 3 over non-graduates"),
    );
    require(
        s.disabled <= s.disability_known + EPS,
        format!("{what}: disabled over known"),
    );
    require(
        s.settings_with_graduate_leader <= s.settings + EPS,
        format!("{what}: graduate-led settings"),
    );
    require(
        s.disadvantaged_settings <= s.settings + EPS,
        format!("{what}: disadvantaged settings"),
    );
    require(
        s.disadvantaged_settings_with_two_graduate_leaders
            <= s.disadvantaged_settings_with_graduate_leader + EPS
            && s.disadvantaged_settings_with_graduate_leader <= s.disadvantaged_settings + EPS,
        format!(
            "{what}: two graduates over one ({} > {})",
            s.disadvantaged_settings_with_two_graduate_leaders,
            s.disadvantaged_settings_with_graduate_leader
        ),
    );
    require(
        s.case_holders_fte <= s.inpost_fte + EPS,
        format!("{what}: case holders over FTE in post"),
    );
    require(
        s.inpost_headcount <= s.people + EPS,
        format!("{what}: employed over people"),
    );
    for (name, x) in [
        ("inpost_fte", s.inpost_fte),
        ("leavers_fte", s.leavers_fte),
        ("starters_fte", s.starters_fte),
        ("agency_fte", s.agency_fte),
        ("vacancy_fte", s.vacancy_fte),
        ("cases", s.cases),
        ("working_days_lost_fte", s.working_days_lost_fte),
    ] {
        require(x >= -EPS, format!("{what}: {name} = {x}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// The invariants of every group of every cut, the total's agency cover, and additivity.
fn check(snap: &Snapshot, scope: &Scope) -> Result<(), String> {
    let opts = Options::for_census(census());
    let total: Vec<Group> = compute(snap, scope, &[], &opts).map_err(|e| e.to_string())?;
    let mut all = Sums::default();
    for g in &total {
        all.add(&g.sums);
    }
    check_group(&all, "total")?;
    if all.agency_cover_fte > all.agency_fte + 1e-3 || all.agency_cover_fte > all.vacancy_fte + 1e-3
    {
        return Err(format!(
            "agency cover {} over agency {} or vacancies {}",
            all.agency_cover_fte, all.agency_fte, all.vacancy_fte
        ));
    }
    for dim in [
        Dimension::RoleGroup,
        Dimension::Contract,
        Dimension::Sector,
        Dimension::SettingType,
    ] {
        let groups = compute(snap, scope, &[dim], &opts).map_err(|e| e.to_string())?;
        let mut sum = Sums::default();
        for g in &groups {
            check_group(&g.sums, &format!("{dim:?} {}", g.labels.join(" / ")))?;
            sum.add(&g.sums);
        }
        for (name, a, b) in [
            ("inpost_fte", sum.inpost_fte, all.inpost_fte),
            ("vacancy_fte", sum.vacancy_fte, all.vacancy_fte),
            ("agency_fte", sum.agency_fte, all.agency_fte),
            ("leavers_fte", sum.leavers_fte, all.leavers_fte),
            ("cases", sum.cases, all.cases),
        ] {
            if (a - b).abs() > 1e-3 {
                return Err(format!(
                    "by {dim:?}, {name} adds up to {a}, the total is {b}"
                ));
            }
        }
    }
    Ok(())
}

fn org(
    id: i64,
    sector: Sector,
    service: Service,
    setting: SettingType,
    disadvantaged: bool,
) -> (AreaId, OrganisationRow) {
    (
        AreaId(1),
        OrganisationRow {
            id: OrganisationId(id),
            reference: format!("ORG-{id}"),
            name: format!("Organisation {id}"),
            sector,
            service,
            setting_type: setting,
            disadvantaged,
            synthetic: true,
        },
    )
}

const ROLES: &[&str] = &[
    "SC-SW",
    "SC-SW-FLM",
    "SC-SW-NOCASE",
    "EY-PRAC3",
    "EY-LEAD",
    "EY-ASST",
];

#[derive(Debug, Clone)]
struct RandomPost {
    org: usize,
    person: u8,
    role: usize,
    contract: usize,
    fte: Option<f64>,
    start_years_before: Option<i64>,
    left_days_before: Option<i64>,
    birth_year: Option<i32>,
    sex: usize,
    ethnicity: usize,
    qual: Option<usize>,
    cases: Option<u32>,
    days_lost: Option<f64>,
}

fn random_post() -> impl Strategy<Value = RandomPost> {
    (
        (
            0usize..3,
            0u8..40,
            0..ROLES.len(),
            0..ContractType::ALL.len(),
        ),
        (
            prop::option::of(0.05f64..1.0),
            prop::option::of(0i64..12),
            prop::option::of(-200i64..500),
        ),
        (
            prop::option::of(1950i32..2008),
            0..Sex::ALL.len(),
            0..Ethnicity::ALL.len(),
            prop::option::of(0..QualLevel::ALL.len()),
        ),
        (prop::option::of(0u32..40), prop::option::of(0.0f64..60.0)),
    )
        .prop_map(
            |(
                (org, person, role, contract),
                (fte, start, left),
                (birth_year, sex, ethnicity, qual),
                (cases, days_lost),
            )| RandomPost {
                org,
                person,
                role,
                contract,
                fte,
                start_years_before: start,
                left_days_before: left,
                birth_year,
                sex,
                ethnicity,
                qual,
                cases,
                days_lost,
            },
        )
}

fn record(p: &RandomPost) -> WorkerRecord {
    let c = census();
    WorkerRecord {
        person: PersonKey::from_digest(&[p.person; 32]),
        role: RoleCode::parse(ROLES[p.role]).unwrap(),
        fte: p.fte.and_then(|f| Fte::new(f).ok()),
        contract: ContractType::ALL[p.contract],
        start_date: p
            .start_years_before
            .map(|y| c - chrono::Duration::days(365 * y + 17)),
        leaving: p.left_days_before.map(|days| Leaving {
            date: c - chrono::Duration::days(days),
            reason: LeavingReason::ALL[0],
            destination: Destination::ALL[0],
        }),
        birth_year: p.birth_year,
        sex: Sex::ALL[p.sex],
        ethnicity: Ethnicity::ALL[p.ethnicity],
        disability: Disability::ALL[p.person as usize % Disability::ALL.len()],
        qual_level: p.qual.map(|q| QualLevel::ALL[q]),
        qualifications: if p.person.is_multiple_of(5) {
            vec!["EYPS".into()]
        } else {
            vec![]
        },
        common_core: Some(p.person.is_multiple_of(2)),
        induction: (!p.person.is_multiple_of(5)).then_some(p.person.is_multiple_of(3)),
        integrated: IntegratedWorking {
            caf_trained: Some(p.person.is_multiple_of(4)),
            lead_professional: Some(p.person.is_multiple_of(7)),
            budget_holding: None,
            multi_agency: None,
        },
        vetting: VettingType::ALL[p.person as usize % VettingType::ALL.len()],
        vetting_date: Some(c - chrono::Duration::days(400)),
        safeguarding_training: None,
        days_lost: p.days_lost,
        cases: p.cases,
    }
}

fn random_snapshot(
    posts: &[RandomPost],
    vacancies: &[(usize, f64, f64)],
    stated: Option<(f64, f64)>,
) -> Snapshot {
    let area = AreaInfo {
        id: AreaId(1),
        code: "E09000027".into(),
        name: "Richmond upon Thames".into(),
        region_code: "E12000007".into(),
        region_name: "London".into(),
    };
    let orgs = vec![
        org(
            10,
            Sector::StatutoryLa,
            Service::SocialCare,
            SettingType::SocialWorkTeam,
            false,
        ),
        org(
            11,
            Sector::Private,
            Service::EarlyYears,
            SettingType::FullDayCare,
            true,
        ),
        org(
            12,
            Sector::VoluntaryCommunity,
            Service::EarlyYears,
            SettingType::FullDayCare,
            false,
        ),
    ];
    let mut s = Snapshot::new(
        Some(census()),
        vec![area],
        &orgs,
        cws_reference::roles().unwrap(),
    );
    for (i, (_, o)) in orgs.iter().enumerate() {
        let records: Vec<WorkerRecord> = posts.iter().filter(|p| p.org == i).map(record).collect();
        // agency cover as an accepted return allows it: within the vacancy and the agency FTE
        let agency: f64 = match (i, stated) {
            (0, Some((fte, _))) => fte,
            _ => {
                records
                    .iter()
                    .filter(|w| w.contract == ContractType::Agency && w.in_post_on(census()))
                    .filter_map(|w| w.fte.map(|f| f.get()))
                    .sum::<f64>()
                    + 0.0
            }
        };
        let mut left = agency;
        let vacs: Vec<Vacancy> = vacancies
            .iter()
            .filter(|(org, _, _)| *org == i)
            .map(|&(_, fte, share)| {
                let cover = (fte * share).min(left).max(0.0);
                left -= cover;
                Vacancy {
                    role: RoleCode::parse(if i == 0 { "SC-SW" } else { "EY-PRAC3" }).unwrap(),
                    fte,
                    agency_covered_fte: cover,
                    stated_agency: StatedAgency::default(),
                }
            })
            .chain(
                (i == 0)
                    .then_some(stated)
                    .flatten()
                    .map(|(fte, headcount)| Vacancy {
                        role: RoleCode::parse("SC-SW").unwrap(),
                        fte: 0.0,
                        agency_covered_fte: 0.0,
                        stated_agency: StatedAgency {
                            fte: Some(fte),
                            headcount: Some(headcount),
                        },
                    }),
            )
            .collect();
        let at = s.org_of(o.id).unwrap();
        s.push_posts(at, &records);
        s.push_vacancies(at, &vacs);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_figure_keeps_its_invariants_on_random_returns(
        posts in prop::collection::vec(random_post(), 0..80),
        vacancies in prop::collection::vec((0usize..3, 0.1f64..5.0, 0.0f64..1.0), 0..6),
        stated in prop::option::of((0.0f64..10.0, 0.0f64..12.0)),
    ) {
        let snap = random_snapshot(&posts, &vacancies, stated);
        if let Err(problem) = check(&snap, &Scope::Area("E09000027".into())) {
            prop_assert!(false, "{}", problem);
        }
    }
}

#[test]
fn every_figure_keeps_its_invariants_on_the_national_synthetic_workforce() {
    use cws_collect::pseudonymise::Pseudonymiser;
    let ctx = cws_synth::Context::new(2025, census(), Pseudonymiser::new(b"invariants")).unwrap();
    let areas = cws_synth::plan(&cws_synth::Scale::parse("national").unwrap()).unwrap();
    let infos: Vec<AreaInfo> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| AreaInfo {
            id: AreaId(i as i64),
            code: a.code.clone(),
            name: a.name.clone(),
            region_code: a.region_code.clone(),
            region_name: a.region_code.clone(),
        })
        .collect();
    // 153 areas, generated on every core (as `cws demo --scale national` does)
    let generated: Vec<_> = {
        use rayon::prelude::*;
        areas
            .par_iter()
            .map(|a| cws_synth::generate_area(&ctx, a))
            .collect()
    };
    let mut orgs = Vec::new();
    let mut next = 0;
    for (i, wf) in generated.iter().enumerate() {
        for o in &wf.orgs {
            next += 1;
            orgs.push((
                AreaId(i as i64),
                OrganisationRow {
                    id: OrganisationId(next),
                    reference: o.org.reference.as_str().to_string(),
                    name: o.org.name.clone(),
                    sector: o.org.sector,
                    service: o.org.service,
                    setting_type: o.org.setting,
                    disadvantaged: o.org.disadvantaged_area,
                    synthetic: true,
                },
            ));
        }
    }
    let mut snap = Snapshot::new(
        Some(census()),
        infos,
        &orgs,
        cws_reference::roles().unwrap(),
    );
    let mut id = 0;
    for wf in &generated {
        for o in &wf.orgs {
            id += 1;
            let at = snap.org_of(OrganisationId(id)).unwrap();
            let records: Vec<WorkerRecord> = o.workers.iter().map(|w| w.record.clone()).collect();
            snap.push_posts(at, &records);
            snap.push_vacancies(at, &o.vacancies);
        }
    }
    assert!(snap.len() > 100_000, "{} posts", snap.len());
    check(&snap, &Scope::Nation).unwrap();
    check(&snap, &Scope::Region("E12000007".into())).unwrap();
    for a in areas.iter().take(5) {
        check(&snap, &Scope::Area(a.code.clone())).unwrap();
    }
}
