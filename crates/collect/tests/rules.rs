//! Every validation rule with a failing and a passing example, through the real import path
//! (real files, a real database, dry runs).

mod support;

use cws_collect::rules;
use support::*;

/// Row rules: (rule, rows that break it, rows that keep it).
/// Rows of a test file.
type Rows = Vec<Vec<(&'static str, String)>>;

fn row_cases() -> Vec<(&'static str, Rows, Rows)> {
    vec![
        ("R01", vec![row(&[("sex", "")])], vec![row(&[("sex", "U")])]),
        (
            "R02",
            vec![row(&[("ethnicity", "XXXX")])],
            vec![row(&[("ethnicity", "nobt")])],
        ),
        (
            "R03",
            vec![row(&[("start_date", "2020-13-45")])],
            vec![row(&[("start_date", "06/01/2020")])],
        ),
        (
            "R04",
            vec![row(&[("fte", "1.5")])],
            vec![row(&[("fte", "1")])],
        ),
        (
            "R05",
            vec![row(&[("role_code", "ZZ-NOPE")])],
            vec![row(&[("role_code", "ey-prac2")])],
        ),
        (
            "R06",
            vec![row(&[("organisation_ref", "OTHER-9")])],
            vec![row(&[("organisation_ref", "nursery-1")])],
        ),
        (
            "R07",
            vec![row(&[
                ("leaving_date", "2019-12-31"),
                ("leaving_reason", "1"),
                ("leaving_destination", "3"),
            ])],
            vec![row(&[
                ("leaving_date", "2025-03-31"),
                ("leaving_reason", "1"),
                ("leaving_destination", "3"),
            ])],
        ),
        (
            "R08",
            vec![row(&[
                ("leaving_date", "2025-03-31"),
                ("leaving_reason", "1"),
            ])],
            vec![row(&[
                ("leaving_date", "2025-03-31"),
                ("leaving_reason", "1"),
                ("leaving_destination", "9"),
            ])],
        ),
        (
            "R09",
            vec![row(&[("leaving_destination", "3")])],
            vec![row(&[])],
        ),
        (
            "R10",
            vec![row(&[("birth_year", "1900")])],
            vec![row(&[("birth_year", "1941")])],
        ),
        (
            "R11",
            vec![row(&[("birth_year", "2010")])],
            vec![row(&[("birth_year", "2009")])],
        ),
        (
            "R12",
            vec![row(&[("start_date", "2025-10-01")])],
            vec![row(&[("start_date", "2025-09-30")])],
        ),
        (
            "R13",
            vec![row(&[
                ("leaving_date", "2024-09-30"),
                ("leaving_reason", "1"),
                ("leaving_destination", "3"),
            ])],
            vec![row(&[
                ("leaving_date", "2024-10-01"),
                ("leaving_reason", "1"),
                ("leaving_destination", "3"),
            ])],
        ),
        (
            "R14",
            vec![row(&[("vetting_date", "2027-01-01")])],
            vec![row(&[("vetting_date", "2026-11-22")])],
        ),
        (
            "R15",
            vec![row(&[("cases_held", "5")])],
            vec![row(&[("role_code", "SC-SW"), ("cases_held", "5")])],
        ),
        (
            "R16",
            vec![row(&[("fte", "0.5"), ("working_days_lost", "128")])],
            vec![row(&[("fte", "0.5"), ("working_days_lost", "127")])],
        ),
        (
            "X01",
            vec![row(&[]), row(&[("fte", "0.2")])],
            vec![row(&[]), row(&[("worker_ref", "W2")])],
        ),
        (
            "X02",
            vec![
                row(&[]),
                row(&[("role_code", "EY-MANAGER"), ("fte", "0.5")]),
            ],
            vec![
                row(&[]),
                row(&[("role_code", "EY-MANAGER"), ("fte", "0.2")]),
            ],
        ),
        (
            "X03",
            vec![
                row(&[("fte", "0.5")]),
                row(&[
                    ("role_code", "EY-MANAGER"),
                    ("fte", "0.5"),
                    ("birth_year", "1991"),
                ]),
            ],
            vec![
                row(&[("fte", "0.5")]),
                row(&[("role_code", "EY-MANAGER"), ("fte", "0.5")]),
            ],
        ),
    ]
}

#[tokio::test]
async fn every_row_rule_fails_on_its_bad_example_and_passes_its_good_one() {
    for env in envs().await {
        assert_eq!(
            env.codes_for(&[base_row()]).await,
            Vec::<&str>::new(),
            "the base row is clean"
        );
        for (code, bad, good) in row_cases() {
            let found = env.codes_for(&bad).await;
            assert!(found.contains(&code), "{code}: bad example gave {found:?}");
            let found = env.codes_for(&good).await;
            assert!(
                !found.contains(&code),
                "{code}: good example gave {found:?}"
            );
        }
    }
}

#[tokio::test]
async fn messages_name_file_row_column_value_rule_and_fix() {
    for env in envs().await {
        let f = env.write(
            "nursery.csv",
            csv_text(
                WORKER_HEADER,
                &[
                    base_row(),
                    row(&[("worker_ref", "W2"), ("ethnicity", "XXXX")]),
                ],
                ',',
            ),
        );
        let r = env.import(&[&f], &options(true)).await;
        let m = r.messages.iter().find(|m| m.rule == "R02").unwrap();
        assert_eq!(m.file, "nursery.csv");
        assert_eq!(m.row, Some(3), "header is row 1");
        assert_eq!(m.column.as_deref(), Some("ethnicity"));
        assert_eq!(m.value.as_deref(), Some("XXXX"));
        assert_eq!(m.severity, rules::Severity::Error);
        assert!(
            m.text.contains("WBRI"),
            "lists the allowed codes: {}",
            m.text
        );
        assert!(!m.fix.is_empty());
        assert_eq!(m.organisation.as_deref(), Some("NURSERY-1"));
        // the sender's own reference, so they can find the person
        assert_eq!(m.worker.as_deref(), Some("W2"));
        assert!(m.to_line().contains("row 3 (worker W2)"), "{}", m.to_line());
        // a log line has neither the reference nor the value
        let logged = m.to_log_line();
        assert!(
            !logged.contains("W2") && !logged.contains("XXXX"),
            "{logged}"
        );
        let mut csv = Vec::new();
        cws_collect::report::write_csv(&mut csv, &r.messages).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.starts_with("severity,rule,file,row,worker_ref,column"),
            "{csv}"
        );
        assert!(csv.contains("nursery.csv,3,W2,ethnicity,XXXX"), "{csv}");
        assert!(!r.accepted);
        // the JSON report carries the same fields
        let json = serde_json::to_value(&r).unwrap();
        let j = json["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["rule"] == "R02")
            .unwrap();
        for key in [
            "file", "row", "worker", "column", "value", "rule", "severity", "text", "fix",
        ] {
            assert!(!j[key].is_null(), "{key}");
        }
    }
}

#[tokio::test]
async fn a_report_lists_a_hundred_of_each_rule_then_counts_the_rest() {
    for env in envs().await {
        let rows: Vec<_> = (0..1_000)
            .map(|i| {
                let reference = format!("W{i}");
                row(&[
                    ("worker_ref", reference.as_str()),
                    ("ethnicity", "XXXX"),
                    ("fte", "1.5"),
                ])
            })
            .collect();
        let f = env.write("nursery.csv", csv_text(WORKER_HEADER, &rows, ','));
        let r = env.import(&[&f], &options(true)).await;
        assert_eq!(r.counts.errors, 2_000, "every error is counted");
        assert!(!r.accepted);
        for rule in ["R02", "R04"] {
            let of_rule: Vec<_> = r.messages.iter().filter(|m| m.rule == rule).collect();
            assert_eq!(of_rule.len(), 101, "{rule}: the first 100, then one line");
            let rest = of_rule[100];
            assert_eq!(rest.not_listed, Some(900));
            assert_eq!(rest.row, None);
            assert!(rest.text.contains("900 more errors"), "{}", rest.text);
            assert_eq!(of_rule[99].row, Some(101), "rows 2 to 101 are listed");
        }
        // the downloadable report carries the same line
        let mut csv = Vec::new();
        cws_collect::report::write_csv(&mut csv, &r.messages).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(csv.lines().count(), 1 + 202);
        assert!(csv.contains("900 more errors of rule R02"));
    }
}

#[tokio::test]
async fn file_rules_fail_and_pass() {
    for env in envs().await {
        let codes = |r: &cws_collect::import::ImportReport| {
            r.messages.iter().map(|m| m.rule).collect::<Vec<_>>()
        };
        let good = csv_text(WORKER_HEADER, &[base_row()], ',');
        // F01: empty file, header without rows
        let r = env
            .import(&[&env.write("empty.csv", "")], &options(true))
            .await;
        assert!(codes(&r).contains(&"F01") && !r.accepted);
        let r = env
            .import(
                &[&env.write("header.csv", csv_text(WORKER_HEADER, &[], ','))],
                &options(true),
            )
            .await;
        assert!(codes(&r).contains(&"F01"));
        // F02: over the size limit, with the sizes in the message
        let mut small = options(true);
        small.max_file_bytes = 100;
        let r = env.import(&[&env.write("big.csv", &good)], &small).await;
        assert!(codes(&r).contains(&"F02") && r.messages[0].text.contains("limit"));
        assert!(!codes(
            &env.import(&[&env.write("ok.csv", &good)], &options(true))
                .await
        )
        .contains(&"F02"));
        // F03: an unreadable workbook
        let r = env
            .import(
                &[&env.write("broken.xlsx", b"PK\x03\x04 this is not a zip")],
                &options(true),
            )
            .await;
        assert!(codes(&r).contains(&"F03"), "{:?}", codes(&r));
        // F04: a missing required column, named
        let header: Vec<&str> = WORKER_HEADER
            .iter()
            .copied()
            .filter(|h| *h != "sex")
            .collect();
        let r = env
            .import(
                &[&env.write("nosex.csv", csv_text(&header, &[base_row()], ','))],
                &options(true),
            )
            .await;
        let m = r.messages.iter().find(|m| m.rule == "F04").unwrap();
        assert_eq!(m.column.as_deref(), Some("sex"));
        assert!(!r.accepted);
        // F05: a duplicated column
        let mut header = WORKER_HEADER.to_vec();
        header.push("sex");
        let r = env
            .import(
                &[&env.write("dup.csv", csv_text(&header, &[base_row()], ','))],
                &options(true),
            )
            .await;
        assert!(codes(&r).contains(&"F05"));
        // F06: an unknown column is a notice only; the return is still accepted
        let mut header = WORKER_HEADER.to_vec();
        header.push("favourite_colour");
        let r = env
            .import(
                &[&env.write("extra.csv", csv_text(&header, &[base_row()], ','))],
                &options(true),
            )
            .await;
        assert!(codes(&r).contains(&"F06") && r.accepted);
        assert!(!codes(
            &env.import(&[&env.write("ok.csv", &good)], &options(true))
                .await
        )
        .contains(&"F06"));
        // F08: a ragged row, reported with its row number
        let ragged = format!(
            "{good}NURSERY-1,W9,EY-PRAC3{}\n",
            ",x".repeat(WORKER_HEADER.len())
        );
        let r = env
            .import(&[&env.write("ragged.csv", ragged)], &options(true))
            .await;
        let m = r.messages.iter().find(|m| m.rule == "F08").unwrap();
        assert_eq!(m.row, Some(3));
    }
}

#[tokio::test]
async fn swings_against_the_previous_census_are_queries() {
    for env in envs().await {
        // 2024: ten people and no vacancies, stored.
        let rows: Vec<_> = (0..10)
            .map(|i| row(&[("worker_ref", &format!("P{i}"))]))
            .collect();
        let f = env.write("2024.csv", csv_text(WORKER_HEADER, &rows, ','));
        let mut y2024 = options(false);
        y2024.census = Some(d(2024, 9, 30));
        let r = env.import(&[&f], &y2024).await;
        assert!(r.accepted, "{:?}", r.messages);
        // 2025: one person and six FTE of vacancies: both swings are queries.
        let f = env.write(
            "2025.csv",
            csv_text(WORKER_HEADER, &[row(&[("worker_ref", "P0")])], ','),
        );
        let v = env.write(
            "vac.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,6,0\n",
        );
        let r = env.import(&[&f, &v], &options(true)).await;
        let codes: Vec<_> = r.messages.iter().map(|m| m.rule).collect();
        assert!(
            codes.contains(&"P01") && codes.contains(&"P02"),
            "{codes:?}"
        );
        assert_eq!(
            r.returns[0].outcome,
            cws_collect::import::Outcome::AwaitingExplanations
        );
        // nine people and two FTE of vacancies: within the thresholds
        let rows: Vec<_> = (0..9)
            .map(|i| row(&[("worker_ref", &format!("P{i}"))]))
            .collect();
        let f = env.write("2025b.csv", csv_text(WORKER_HEADER, &rows, ','));
        let v = env.write(
            "vac.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,2,0\n",
        );
        let r = env.import(&[&f, &v], &options(true)).await;
        assert!(
            r.messages
                .iter()
                .all(|m| m.rule != "P01" && m.rule != "P02"),
            "{:?}",
            r.messages
        );
        // R17: agency cover above the vacancy
        let v = env.write(
            "vac.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,2,2.5\n",
        );
        let r = env.import(&[&f, &v], &options(true)).await;
        assert!(r.messages.iter().any(|m| m.rule == "R17"));
        // X04: agency cover with no agency workers to give it is refused; with an agency
        // worker of 1 FTE in post, one FTE of cover is accepted and 1.5 is not
        let v = env.write(
            "vac.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,2,1\n",
        );
        let r = env.import(&[&f, &v], &options(true)).await;
        let x04 = r.messages.iter().find(|m| m.rule == "X04");
        assert!(
            x04.is_some_and(
                |m| m.file == "vac.csv" && m.text.contains("1.00 FTE, more than the 0.00 FTE")
            ),
            "{:?}",
            r.messages
        );
        let mut rows: Vec<_> = (0..9)
            .map(|i| row(&[("worker_ref", &format!("P{i}"))]))
            .collect();
        rows.push(row(&[
            ("worker_ref", "AG1"),
            ("contract_type", "agency"),
            ("fte", "1"),
        ]));
        let with_agency = env.write("2025c.csv", csv_text(WORKER_HEADER, &rows, ','));
        let r = env.import(&[&with_agency, &v], &options(true)).await;
        assert!(
            r.messages.iter().all(|m| m.rule != "X04"),
            "{:?}",
            r.messages
        );
        let v = env.write(
            "vac.csv",
            "organisation_ref,role_code,vacancy_fte,agency_covered_fte\nNURSERY-1,EY-PRAC3,2,1.5\n",
        );
        let r = env.import(&[&with_agency, &v], &options(true)).await;
        assert!(r.messages.iter().any(|m| m.rule == "X04"));
    }
}

#[test]
fn every_rule_in_the_catalogue_is_tested_here_or_in_the_importer_tests() {
    let here = include_str!("rules.rs");
    let importers = include_str!("importers.rs");
    let hostile = include_str!("hostile.rs");
    for r in rules::ALL {
        let quoted = format!("\"{}\"", r.code);
        assert!(
            here.contains(&quoted) || importers.contains(&quoted) || hostile.contains(&quoted),
            "rule {} has no test",
            r.code
        );
    }
}
