//! A census return's figures, imported from the census XML and computed from the store,
//! against a hand-worked answer for every indicator DfE publishes (docs/definitions.md §4.1,
//! §6): in post, starters, leavers, turnover, agency (from the LA block), vacancies, case
//! holders (employed, holding cases, whatever the role), cases, caseload, days lost, absence.

use chrono::NaiveDate;
use cws_analyse::figures::{compute, Options, Scope};
use cws_analyse::measure::{round, Measure};
use cws_collect::import::{import_files, Explanations, ImportOptions, Target};
use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_store::{geography, reference, returns};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn worker(fields: &str) -> String {
    format!("  <CSWWWorker>{fields}</CSWWWorker>")
}

/// An employed social worker's required items, with `role`, FTE30, cases, days lost and
/// start date; `extra` adds leaving items.
fn employed(
    swe: &str,
    role: &str,
    fte: &str,
    cases: &str,
    lost: &str,
    start: &str,
    extra: &str,
) -> String {
    worker(&format!(
        "<AgencyWorker>0</AgencyWorker><SWENo>{swe}</SWENo><FTE>{fte}</FTE><FTE30>{fte}</FTE30>\
         <PersonBirthDate>1980-05-05</PersonBirthDate><Sex>F</Sex><Ethnicity>WBRI</Ethnicity>\
         <QualLevel>1</QualLevel><OrgRole>{role}</OrgRole><RoleStartDate>{start}</RoleStartDate>\
         <StartOrigin>3</StartOrigin><Cases30>{cases}</Cases30><WorkingDaysLost>{lost}</WorkingDaysLost>{extra}"
    ))
}

const LEFT: &str = "<LeaverDestination>1</LeaverDestination><ReasonLeave>1</ReasonLeave>";

#[tokio::test]
async fn a_census_return_gives_dfe_s_published_indicators_by_hand() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        let area = geography::area(&db, "318").await.unwrap().unwrap();
        returns::upsert_organisations(
            &db,
            area.id,
            &[Organisation {
                reference: OrgRef::parse("LA-CSC").unwrap(),
                name: "Children's social care".into(),
                sector: Sector::StatutoryLa,
                service: Service::SocialCare,
                setting: SettingType::SocialWorkTeam,
                disadvantaged_area: false,
                parent: None,
            }],
        )
        .await
        .unwrap();
        returns::create_collection(&db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        let workers = [
            // in post, holding 16 cases
            employed("SW1001", "5", "1.0", "16", "5.5", "2018-02-01", ""),
            // a team manager holding 4 cases: a case holder whatever the role; started this year
            employed("SW1002", "3", "0.5", "4", "2.0", "2025-01-06", ""),
            // qualified, without cases
            employed("SW1003", "6", "0.8", "0", "0", "2016-04-01", ""),
            // left in the year
            employed("SW1004", "5", "1.0", "0", "3", "2015-01-05", &format!("<RoleEndDate>2025-06-30</RoleEndDate>{LEFT}")),
            // left on the census date: a leaver, not in post
            employed("SW1005", "5", "0.6", "0", "1", "2014-01-06", &format!("<RoleEndDate>2025-09-30</RoleEndDate>{LEFT}")),
            // an agency record: describes an agency worker; its cases are not a case holder's
            worker("<AgencyWorker>1</AgencyWorker><SWENo>SW9901</SWENo><FTE>1</FTE><Cases30>10</Cases30>"),
        ];
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CSWW</Collection><Year>2025</Year><ReferenceDate>2025-09-30</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>318</LEA></Source>
  </Header>
  <LALevel>
    <NumberOfVacancies>4.5</NumberOfVacancies>
    <NoAgencyFTE>3.25</NoAgencyFTE>
    <NoAgencyHeadcount>4</NoAgencyHeadcount>
  </LALevel>
{}
</Message>
"#,
            workers.join("\n")
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("csww2025.xml");
        std::fs::write(&path, xml).unwrap();
        let opts = ImportOptions {
            submitted_by: None,
            draft: false,
            area: "318".into(),
            organisation: Some("LA-CSC".into()),
            census: Some(d(2025, 9, 30)),
            dry_run: false,
            explanations: Explanations::default(),
            max_file_bytes: 10 * 1024 * 1024,
            today: d(2025, 11, 1),
        };
        let target = Target::load(&db, "318", opts.census).await.unwrap();
        let report = import_files(
            &db,
            &Pseudonymiser::new(b"census-test"),
            &target,
            &[path],
            Vec::new(),
            &opts,
            &|_| {},
        )
        .await
        .unwrap();
        assert!(report.accepted, "{:?}", report.messages);

        let snap = cws_analyse::load::load(&db, None).await.unwrap();
        let t = compute(
            &snap,
            &Scope::Area("E09000027".into()),
            &[],
            &Options::for_census(d(2025, 9, 30)),
        )
        .unwrap()[0]
            .sums;
        let value = |m: Measure| m.value(&t, &Default::default()).map(|v| round(m.kind(), v));
        use Measure::*;
        let expected = [
            (InpostFte, 2.3), // 1.0 + 0.5 + 0.8
            (InpostHeadcount, 3.0),
            (StartersFte, 0.5),
            (StartersHeadcount, 1.0),
            (LeaversFte, 1.6), // 1.0 + 0.6 (leaving on the census date)
            (LeaversHeadcount, 2.0),
            (TurnoverRateFte, 69.6), // 1.6 / 2.3
            (AgencyFte, 3.3),        // the LA block's 3.25, not the one record's 1.0
            (AgencyHeadcount, 4.0),
            (AgencyRateFte, 58.6), // 3.25 / (3.25 + 2.3)
            (VacancyFte, 4.5),
            (VacancyRateFte, 66.2),            // 4.5 / (4.5 + 2.3)
            (AgencyCoverFte, 3.3),             // agency covers vacancies first: min(3.25, 4.5)
            (AgencyCoverRateFte, 100.0),       // never more than the agency FTE
            (VacancyAgencyCoverRateFte, 72.2), // 3.25 / 4.5
            (CaseHoldersFte, 1.5), // 1.0 + 0.5; not the agency record, not without cases
            (Cases, 20.0),         // 16 + 4
            (CaseloadFte, 13.3),   // 20 / 1.5
            (WorkingDaysLostFte, 7.5), // in post: 5.5 + 2.0 + 0
            (AbsenceRateFte, 1.3), // 7.5 / (2.3 × 253)
        ];
        for (m, want) in expected {
            assert_eq!(
                value(m),
                Some(want),
                "{} on {}",
                m.code(),
                db.backend().name()
            );
        }
        // A census return does not ask about training or integrated working: those figures
        // are not available (x), never 0%.
        for m in [
            CommonCore,
            Induction,
            CafTrained,
            MultiAgency,
            LeadProfessionals,
        ] {
            assert_eq!(value(m), None, "{}", m.code());
            assert_eq!(m.missing(&t), "x", "{}", m.code());
        }
    }
}
