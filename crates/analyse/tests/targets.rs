//! The seeds' national targets against returns worked by hand: two full day care settings,
//! one graduate-led; eight non-graduate early years staff, six at Level 3; the verdict once a
//! deadline has passed comes from the last census before it, or is not known, saying why.

use chrono::NaiveDate;
use cws_analyse::snapshot::{AreaInfo, Snapshot};
use cws_analyse::targets::national;
use cws_analyse::Scope;
use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::role::RoleCode;
use cws_domain::worker::*;
use cws_plan::targets::Verdict;
use cws_store::returns::OrganisationRow;
use cws_store::{AreaId, OrganisationId};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn worker(person: u32, role: &str, level: QualLevel) -> WorkerRecord {
    let mut key = [0u8; 32];
    key[..4].copy_from_slice(&person.to_be_bytes());
    WorkerRecord {
        person: PersonKey::from_digest(&key),
        role: RoleCode::parse(role).unwrap(),
        fte: Some(Fte::new(1.0).unwrap()),
        contract: ContractType::Permanent,
        start_date: Some(d(2010, 4, 1)),
        leaving: None,
        birth_year: Some(1990),
        sex: Sex::Female,
        ethnicity: Ethnicity::Wbri,
        disability: Disability::No,
        qual_level: Some(level),
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

fn nursery(id: i64) -> (AreaId, OrganisationRow) {
    (
        AreaId(1),
        OrganisationRow {
            id: OrganisationId(id),
            reference: format!("EY-{id}"),
            name: format!("Nursery {id}"),
            sector: Sector::Private,
            service: Service::EarlyYears,
            setting_type: SettingType::FullDayCare,
            disadvantaged: false,
            synthetic: false,
        },
    )
}

/// Richmond at `census`: nursery 10 led by a graduate with four at Level 3 and one at Level
/// 2; nursery 20 with two at Level 3 and one at Level 2, no graduate.
fn census(census: NaiveDate) -> Snapshot {
    let mut s = Snapshot::new(
        Some(census),
        vec![AreaInfo {
            id: AreaId(1),
            code: "E09000027".into(),
            name: "Richmond upon Thames".into(),
            region_code: "E12000007".into(),
            region_name: "London".into(),
        }],
        &[nursery(10), nursery(20)],
        cws_reference::roles().unwrap(),
    );
    let mut first = vec![worker(1, "EY-EYP", QualLevel::L6)];
    first.extend((2..6).map(|n| worker(n, "EY-PRAC3", QualLevel::L3)));
    first.push(worker(6, "EY-PRAC2", QualLevel::L2));
    let r = s.org_of(OrganisationId(10)).unwrap();
    s.push_posts(r, &first);
    let second = vec![
        worker(7, "EY-PRAC3", QualLevel::L3),
        worker(8, "EY-PRAC3", QualLevel::L4),
        worker(9, "EY-PRAC2", QualLevel::L2),
    ];
    let r = s.org_of(OrganisationId(20)).unwrap();
    s.push_posts(r, &second);
    s
}

#[test]
fn national_targets_are_measured_and_judged_from_the_census_before_their_deadline() {
    let held = [census(d(2025, 9, 30)), census(d(2014, 9, 30))];
    let refs: Vec<&Snapshot> = held.iter().collect();
    let area = Scope::Area("E09000027".into());
    let all = national(&refs, &area, d(2026, 12, 1)).unwrap();
    let by = |key: &str| all.iter().find(|s| s.target.key == key).unwrap();

    // one of two full day care settings graduate-led: 50% at the 2014 census, before the
    // 2015 deadline, so missed
    let fdc = by("graduate_full_day_care");
    assert_eq!(fdc.verdict, Some(Verdict::Missed), "{fdc:?}");
    assert_eq!(fdc.latest, Some((d(2025, 9, 30), Some(50.0))));
    assert!(
        fdc.basis.starts_with("50 at the census of 30 September 2014 (the last before the deadline), against at least 100."),
        "{}",
        fdc.basis
    );
    // Level 3 or above among the eight non-graduates: 6 of 8, 75%; the 2020 deadline's last
    // census before it is 2014's
    let l3 = by("level3_minimum_early_years");
    assert_eq!(l3.latest, Some((d(2025, 9, 30), Some(75.0))));
    assert_eq!(l3.verdict, Some(Verdict::Missed));
    // a national count is not judged for an area
    let play = by("playworkers_level3");
    assert_eq!(play.verdict, None);
    assert!(play.basis.contains("England as a whole"));
    // what cws cannot measure says why, and is not known
    let nurses = by("school_nurse_clusters");
    assert_eq!(nurses.verdict, Some(Verdict::NotKnown));
    assert!(nurses.basis.contains("clusters of schools"));

    // with only the 2025 census held, nothing before the deadlines: not known, saying why
    let latest = [census(d(2025, 9, 30))];
    let refs: Vec<&Snapshot> = latest.iter().collect();
    let all = national(&refs, &area, d(2026, 12, 1)).unwrap();
    let fdc = all
        .iter()
        .find(|s| s.target.key == "graduate_full_day_care")
        .unwrap();
    assert_eq!(fdc.verdict, Some(Verdict::NotKnown));
    assert_eq!(
        fdc.basis,
        "cws holds no census before the deadline (31 December 2015): the earliest held is 30 September 2025."
    );
    // England: the national count, people at Level 3 or above among playworkers — none here
    let england = national(&refs, &Scope::Nation, d(2026, 12, 1)).unwrap();
    let play = england
        .iter()
        .find(|s| s.target.key == "playworkers_level3")
        .unwrap();
    assert_eq!(play.verdict, Some(Verdict::NotKnown));
    // and before any deadline passes (a day in 2009), no verdict at all
    let early = national(&refs, &area, d(2009, 1, 1)).unwrap();
    assert!(early
        .iter()
        .filter(|s| s.target.key != "nqsw_supported" && s.target.figure.is_some())
        .all(|s| s.verdict.is_none()));
}

/// The shipped mapping with no published drivers: no need, so no gap.
fn no_drivers() -> cws_analyse::need::Drivers {
    cws_analyse::need::Drivers::new(&[], &[], cws_reference::shipped_driver_map().unwrap())
}

/// Richmond (the only area) projected to `horizon` over `runs` runs with seed 1.
fn richmond(horizon: i32, runs: usize, keep_tiers: bool) -> cws_analyse::projected::Request {
    cws_analyse::projected::Request {
        areas: vec![0],
        levers: cws_project::Levers::default(),
        horizon,
        runs,
        seed: 1,
        protect: false,
        keep_tiers,
    }
}

#[test]
fn a_target_s_status_is_its_chance_over_the_runs_else_the_trajectory_rule() {
    use cws_analyse::projected::{project, Request};
    use cws_analyse::targets::{judge, Reading};
    use cws_plan::targets::{Direction, Kind, Point, Status, Target, Thresholds, Trajectory};

    let held = [census(d(2025, 9, 30))];
    let refs: Vec<&Snapshot> = held.iter().collect();
    let drivers = no_drivers();
    let request = richmond(2028, 200, true);
    let projected = project(&refs, &request, &drivers).unwrap();
    let target = |figure: &str, value: f64| Target {
        figure: figure.into(),
        kind: Kind::Share,
        direction: Direction::AtLeast,
        value,
        deadline: d(2027, 12, 31),
        baseline: Some(Point {
            date: d(2025, 9, 30),
            value: 75.0,
        }),
        milestones: Vec::new(),
        trajectory: Trajectory::Linear,
    };
    let now = Point {
        date: d(2025, 9, 30),
        value: 75.0,
    };
    let th = Thresholds::default();
    // nobody joins or leaves these nurseries: 6 of 8 non-graduates at Level 3 in every run,
    // so 50% is met in every run and 90% in none
    let l3 = "level3_plus_non_graduate_pct@role_group:early_years";
    let met = judge(&target(l3, 50.0), Ok(&projected), Some(now), &th);
    assert_eq!(met.status, Some(Status::OnTrack));
    assert_eq!(
        met.reading,
        Reading::Projection {
            chance: 1.0,
            runs: 200
        }
    );
    let never = judge(&target(l3, 90.0), Ok(&projected), Some(now), &th);
    assert_eq!(never.status, Some(Status::OffTrack));
    assert!(matches!(never.reading, Reading::Projection { chance, .. } if chance == 0.0));
    // a figure the model does not carry falls back to the trajectory rule, saying why:
    // women 100% at the census against the 75% baseline expected then: on track
    let women = judge(
        &target("female_pct", 100.0),
        Ok(&projected),
        Some(Point {
            date: d(2025, 9, 30),
            value: 100.0,
        }),
        &th,
    );
    assert_eq!(women.status, Some(Status::OnTrack));
    assert!(matches!(
        &women.reading,
        Reading::Trajectory { why, .. } if why == "the projection does not carry this figure"
    ));
    // no projection and no baseline: not known, and why
    let bare = Target {
        baseline: None,
        ..target(l3, 90.0)
    };
    let unknown = judge(&bare, Err("there are no returns".into()), Some(now), &th);
    assert_eq!(unknown.status, None);
    assert!(matches!(
        &unknown.reading,
        Reading::NotKnown { why } if why == "there are no returns, and the target has no baseline to draw a trajectory from"
    ));
    // a projection that kept no runs says so
    let plain = project(
        &refs,
        &Request {
            keep_tiers: false,
            ..request.clone()
        },
        &drivers,
    )
    .unwrap();
    let fell_back = judge(&target(l3, 50.0), Ok(&plain), Some(now), &th);
    assert!(matches!(
        &fell_back.reading,
        Reading::Trajectory { why, .. } if why == "the projection kept no runs"
    ));
}

#[test]
fn what_it_would_take_finds_the_training_places_that_make_a_target_likely() {
    use cws_analyse::projected::{project, Request};
    use cws_analyse::targets::{what_it_would_take, Ask, SearchError};
    use cws_plan::targets::{Direction, Found, Kind, Target, Thresholds, Trajectory};

    let held = [census(d(2025, 9, 30))];
    let refs: Vec<&Snapshot> = held.iter().collect();
    let drivers = no_drivers();
    let request = richmond(2026, 100, false);
    // all eight non-graduates at Level 3 by the end of 2027: the two at Level 2 must train
    let all_level3 = Target {
        figure: "level3_plus_non_graduate_pct@role_group:early_years".into(),
        kind: Kind::Share,
        direction: Direction::AtLeast,
        value: 100.0,
        deadline: d(2027, 12, 31),
        baseline: None,
        milestones: Vec::new(),
        trajectory: Trajectory::Linear,
    };
    let th = Thresholds::default();
    let ask = Ask {
        lever: "level3_places",
        to: 20.0,
        tolerance: 0.25,
    };
    let found = what_it_would_take(&refs, &request, &drivers, &all_level3, &ask, &th).unwrap();
    let Found::At {
        lever,
        chance,
        evaluations,
    } = found
    else {
        panic!("{found:?}")
    };
    assert!(chance >= 0.7, "{found:?}");
    // bounded: 2 + log2(20 / 0.25) ≈ 9 projections
    assert!(evaluations <= 9, "{evaluations}");
    // the smallest: a quarter of a place fewer is not enough
    let fewer = Request {
        levers: cws_project::Levers {
            level3_places: lever - 0.25,
            ..cws_project::Levers::default()
        },
        horizon: 2027,
        keep_tiers: true,
        ..request.clone()
    };
    let p = project(&refs, &fewer, &drivers).unwrap();
    let runs = p
        .draws
        .unwrap()
        .per_run(
            2027,
            cws_project::monte_carlo::RunFigure::Level3PlusNonGraduatePct(Some(
                cws_domain::role::RoleGroup::ALL
                    .iter()
                    .position(|g| *g == cws_domain::role::RoleGroup::EarlyYears)
                    .unwrap(),
            )),
        )
        .unwrap();
    assert!(all_level3.chance(&runs).unwrap() < 0.7, "{lever}");
    // a lever it cannot search, a figure the projection does not carry: said
    let bad = Ask {
        lever: "completion_rate",
        ..ask
    };
    assert!(matches!(
        what_it_would_take(&refs, &request, &drivers, &all_level3, &bad, &th),
        Err(SearchError::Lever(_))
    ));
    let women = Target {
        figure: "female_pct".into(),
        ..all_level3
    };
    assert!(matches!(
        what_it_would_take(&refs, &request, &drivers, &women, &ask, &th),
        Err(SearchError::NotCarried(_))
    ));
}

#[test]
fn settings_coverage_is_projected_over_the_settings_as_they_stood() {
    use cws_analyse::projected::project;
    use cws_analyse::targets::{chance_in, judge, Reading};
    use cws_plan::targets::{Direction, Kind, Status, Target, Thresholds, Trajectory};
    use cws_project::monte_carlo::RunFigure;

    let held = [census(d(2025, 9, 30))];
    let refs: Vec<&Snapshot> = held.iter().collect();
    let projected = project(&refs, &richmond(2028, 200, true), &no_drivers()).unwrap();
    // the settings as the census has them: 6 early years staff with one graduate, 3 with none
    let staff: Vec<(u32, u32)> = projected
        .day_care
        .iter()
        .map(|d| (d.setting.staff, d.setting.graduates))
        .collect();
    assert_eq!(staff, vec![(6, 1), (3, 0)]);
    // nobody joins or leaves: the graduate share is 1 in 9 in every run
    let draws = projected.draws.as_ref().unwrap();
    let g = draws
        .groups
        .iter()
        .position(|n| n == "Early years and childcare")
        .unwrap();
    let shares = draws
        .per_run(2027, RunFigure::GraduatePct(Some(g)))
        .unwrap();
    assert!(shares.iter().all(|v| (v - 100.0 / 9.0).abs() < 1e-9));
    // By hand: a setting of n staff is covered with chance 1 − e^(−κ·n/9); κ makes the two
    // chances average the census's 50%. With x = e^(−κ/3): (1 − x² + 1 − x)/2 = ½, so
    // x² + x − 1 = 0, x = (√5 − 1)/2 = 0.618034; q(6 staff) = 1 − x² = x, q(3) = 1 − x.
    let x = (5f64.sqrt() - 1.0) / 2.0;
    let every = Target {
        figure: "settings_with_graduate_leader_pct".into(),
        kind: Kind::Coverage,
        direction: Direction::AtLeast,
        value: 100.0,
        deadline: d(2027, 12, 31),
        baseline: None,
        milestones: Vec::new(),
        trajectory: Trajectory::Linear,
    };
    // both covered: x(1 − x) = 0.236068
    let (chance, runs) = chance_in(&projected, &every).unwrap();
    assert_eq!(runs, 200);
    assert!((chance - x * (1.0 - x)).abs() < 1e-6, "{chance}");
    assert!((chance - 0.236068).abs() < 1e-6);
    // at least half: 1 − (1 − x)·x = 0.763932, on track
    let half = Target {
        value: 50.0,
        ..every.clone()
    };
    let (chance, _) = chance_in(&projected, &half).unwrap();
    assert!((chance - 0.763932).abs() < 1e-6, "{chance}");
    let judged = judge(&half, Ok(&projected), None, &Thresholds::default());
    assert_eq!(judged.status, Some(Status::OnTrack));
    assert!(matches!(
        judged.reading,
        Reading::Projection { runs: 200, .. }
    ));
    // no setting in a disadvantaged area: said, not guessed
    let two = Target {
        figure: "disadvantaged_settings_with_two_graduate_leaders_pct".into(),
        ..every
    };
    assert_eq!(
        chance_in(&projected, &two).unwrap_err(),
        "the place has no full day care settings in disadvantaged areas"
    );
}

#[test]
fn an_area_s_targets_are_judged_with_the_need_for_their_people_beside_them() {
    use cws_analyse::targets::{judge_area, Judging};
    use cws_plan::targets::{Direction, Kind, Point, Target, Trajectory};

    let held = [census(d(2025, 9, 30))];
    let refs: Vec<&Snapshot> = held.iter().collect();
    let l3 = Target {
        figure: "level3_plus_non_graduate_pct@role_group:early_years".into(),
        kind: Kind::Share,
        direction: Direction::AtLeast,
        value: 50.0,
        deadline: d(2027, 12, 31),
        baseline: Some(Point {
            date: d(2025, 9, 30),
            value: 75.0,
        }),
        milestones: Vec::new(),
        trajectory: Trajectory::Linear,
    };
    let how = Judging {
        runs: 100,
        ..Judging::default()
    };
    let judged = judge_area(&refs, 0, &[&l3], &no_drivers(), &how).unwrap();
    assert_eq!(judged.len(), 1);
    let j = &judged[0];
    assert_eq!(j.actual.map(|a| a.value), Some(75.0));
    assert_eq!(
        j.reading,
        "100% of 100 projected runs meet it by 31 December 2027 (on track from 70%, off track below 30%)."
    );
    // the shipped mapping with no drivers published: need not known, and said so
    let need = j.against_need.as_ref().unwrap();
    assert_eq!(need.year, 2027);
    assert_eq!(need.role_group, "Early years and childcare");
    assert_eq!(need.gap_p50, None);
    assert!(
        need.words.starts_with("Against need in 2027: not known"),
        "{}",
        need.words
    );
    // outside the lead's view, a figure resting on 1 to 5 people is hidden: the Level 3
    // share rests on 8 non-graduates, so it is shown
    let protected = judge_area(
        &refs,
        0,
        &[&l3],
        &no_drivers(),
        &Judging {
            protect: true,
            ..how
        },
    )
    .unwrap();
    assert_eq!(protected[0].actual.map(|a| a.value), Some(75.0));
    // no targets, nothing to judge
    assert!(judge_area(&refs, 0, &[], &no_drivers(), &how)
        .unwrap()
        .is_empty());
}
