//! A post written as a template row and read back is the same post: whatever the values,
//! `template::worker_row` and the reader agree column by column. The worker form shows a
//! post's cells through `template::worker_cells`, the same columns, so what the form shows
//! and sends back round-trips too.

use std::collections::HashMap;

use chrono::NaiveDate;
use cws_collect::pseudonymise::Pseudonymiser;
use cws_collect::read::Table;
use cws_collect::rows::{read_workers, RowContext};
use cws_collect::rules::Severity;
use cws_collect::template::{self, WORKER_COLUMNS};
use cws_domain::role::RoleCode;
use cws_domain::worker::*;
use proptest::prelude::*;

fn census() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 30).unwrap()
}

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(offset as u64)
}

fn one_of<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    (0..all.len()).prop_map(move |i| all[i])
}

/// A post with every field drawn from what the template allows.
fn post(roles: Vec<String>) -> impl Strategy<Value = WorkerRecord> {
    let ids = (
        (0..roles.len()).prop_map(move |i| roles[i].clone()),
        proptest::option::of(1u32..=1000),
        one_of(ContractType::ALL),
        proptest::option::of(0u32..9000),
        proptest::option::of((
            0u32..400,
            one_of(LeavingReason::ALL),
            one_of(Destination::ALL),
        )),
        proptest::option::of(1950i32..2005),
    );
    let person = (
        one_of(Sex::ALL),
        one_of(Ethnicity::ALL),
        one_of(Disability::ALL),
        proptest::option::of(one_of(QualLevel::ALL)),
        proptest::sample::subsequence(vec!["QTS", "EYPS", "SWDEG"], 0..=3),
        any::<[Option<bool>; 5]>(),
        proptest::option::of(one_of(MultiAgency::ALL)),
    );
    let checks = (
        one_of(VettingType::ALL),
        proptest::option::of(0u32..9000),
        proptest::option::of(0u32..9000),
        proptest::option::of(0u32..3660),
        proptest::option::of(0u32..60),
    );
    (ids, person, checks).prop_map(
        |(
            (role, fte, contract, start, leaving, birth_year),
            (sex, ethnicity, disability, qual_level, qualifications, flags, multi_agency),
            (vetting, vetting_date, training, days_lost, cases),
        )| {
            let start_date = start.map(day);
            WorkerRecord {
                person: PersonKey::from_hex(&"0".repeat(64)).unwrap(),
                role: RoleCode::parse(&role).unwrap(),
                fte: fte.map(|f| Fte::new(f as f64 / 1000.0).unwrap()),
                contract,
                leaving: leaving.map(|(after, reason, destination)| Leaving {
                    date: start_date.unwrap_or(day(0)) + chrono::Days::new(after as u64),
                    reason,
                    destination,
                }),
                start_date,
                birth_year,
                sex,
                ethnicity,
                disability,
                qual_level,
                qualifications: qualifications.into_iter().map(String::from).collect(),
                common_core: flags[0],
                induction: flags[1],
                integrated: IntegratedWorking {
                    caf_trained: flags[2],
                    lead_professional: flags[3],
                    budget_holding: flags[4],
                    multi_agency,
                },
                vetting,
                vetting_date: vetting_date.map(day),
                safeguarding_training: training.map(day),
                days_lost: days_lost.map(|d| d as f64 / 10.0),
                cases,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_template_row_reads_back_as_the_same_post(
        w in post(cws_reference::roles().unwrap().into_iter().map(|r| r.code.to_string()).collect())
    ) {
        let roles: HashMap<String, cws_domain::role::Role> = cws_reference::roles()
            .unwrap()
            .into_iter()
            .map(|r| (r.code.to_string(), r))
            .collect();
        let pseudo = Pseudonymiser::new(b"round-trip");
        let ctx = RowContext {
            census: census(),
            today: census(),
            roles: &roles,
            pseudo: &pseudo,
            area_code: "318",
            organisation: None,
        };
        let row = template::worker_row("ORG-1", "W1", &w);
        let headers = WORKER_COLUMNS.iter().map(|c| c.name.to_string()).collect();
        let mut table = Table::from_cells("post.csv", headers, vec![(2, row.clone())]);
        let (posts, messages) = read_workers(&mut table, &ctx, &|_| {});
        let errors: Vec<_> = messages.iter().filter(|m| m.severity == Severity::Error).collect();
        // a post the rules refuse outright (a date after the census, say) proves nothing here
        prop_assume!(errors.is_empty());
        prop_assert_eq!(posts.len(), 1);
        let back = &posts[0].record;
        prop_assert_eq!(template::worker_row("ORG-1", "W1", back), row);
        // the form's cells are the template's columns, but for the two references
        let cells = template::worker_cells(&w);
        prop_assert_eq!(cells.len(), WORKER_COLUMNS.len() - 2);
        for c in WORKER_COLUMNS.iter().skip(2) {
            prop_assert!(cells.contains_key(c.name), "{}", c.name);
        }
    }
}
