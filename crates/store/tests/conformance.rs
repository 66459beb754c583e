//! Store conformance: the same stories run on SQLite always, and on PostgreSQL when
//! `CWS_TEST_POSTGRES_URL` names a server (each test gets a fresh database there).

use chrono::NaiveDate;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::role::RoleCode;
use cws_domain::user::{Access, Scope, UserRole};
use cws_domain::worker::*;
use cws_plan::swot::{AnalysisKind, Decision};
use cws_store::{geography, reference, returns, users, workforce, Backend, Db};

async fn backends() -> Vec<(Db, Option<tempfile::TempDir>)> {
    cws_store::testing::fresh_databases().await
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[tokio::test]
async fn migrations_apply_once_and_are_repeatable() {
    for (db, _keep) in backends().await {
        assert_eq!(
            db.migration_versions().await.unwrap(),
            vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
            "{:?}",
            db.backend()
        );
        db.migrate().await.unwrap();
        assert_eq!(
            db.migration_versions().await.unwrap(),
            vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]
        );
    }
}

/// An upgrade of cws keeps the database as it was: before the newer migrations run, the
/// file is copied whole beside itself, and the copy is the older database, data and all.
#[tokio::test]
async fn an_older_database_is_copied_before_it_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cws.db");
    let url = format!("sqlite://{}", path.display());
    // the schema as the previous release of cws left it: every migration but the newest
    let older = tempfile::tempdir().unwrap();
    let mut files: Vec<_> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    files.sort();
    let newest = files.pop().unwrap();
    for f in &files {
        std::fs::copy(f, older.path().join(f.file_name().unwrap())).unwrap();
    }
    let db = Db::connect(&url).await.unwrap();
    assert!(
        !db.has_schema().await.unwrap(),
        "a new file has no cws schema"
    );
    assert_eq!(
        db.migrate_with(older.path()).await.unwrap(),
        None,
        "nothing to copy yet"
    );
    assert!(db.has_schema().await.unwrap());
    db.setting_or_create("marker", || "before the upgrade".into())
        .await
        .unwrap();
    let known = db.known_migrations();
    let before = known[known.len() - 2];
    assert!(newest
        .to_string_lossy()
        .contains(&format!("{:04}", known[known.len() - 1])));

    let copy = db
        .migrate()
        .await
        .unwrap()
        .expect("a copy before migrating");
    assert_eq!(
        copy,
        dir.path()
            .join(format!("cws.db.before-migration-{before}.db"))
    );
    assert_eq!(db.migration_versions().await.unwrap(), known);
    assert_eq!(db.migrate().await.unwrap(), None, "up to date: no copy");
    db.close().await;

    let old = Db::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    assert_eq!(old.integrity_check().await.unwrap(), ["ok"]);
    assert_eq!(
        old.migration_versions().await.unwrap(),
        known[..known.len() - 1]
    );
    assert_eq!(
        old.setting_or_create("marker", || "lost".into())
            .await
            .unwrap(),
        "before the upgrade"
    );
    old.close().await;
}

#[test]
fn the_two_migration_folders_describe_the_same_schema() {
    let read = |dir: &str| {
        let mut files: Vec<_> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
        files.sort();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_owned())
            .collect();
        (
            names,
            files
                .iter()
                .map(|f| std::fs::read_to_string(f).unwrap())
                // storage tuning for one backend, and a change each database writes in its
                // own syntax (its effect is checked by the round trips below), are compared
                // by name only
                .filter(|text| {
                    !text.starts_with("-- Storage only") && !text.starts_with("-- Own syntax")
                })
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    let (sqlite_names, sqlite) = read("sqlite");
    let (pg_names, pg) = read("postgres");
    assert_eq!(sqlite_names, pg_names);
    let (sqlite, pg) = (sqlite.as_str(), pg.as_str());
    let normalise = |s: &str| {
        s.replace(
            "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "INTEGER PRIMARY KEY AUTOINCREMENT",
        )
        .replace("BIGINT", "INTEGER")
        .replace("DOUBLE PRECISION", "REAL")
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
    };
    assert_eq!(normalise(sqlite), normalise(pg));
}

#[tokio::test]
async fn reference_loads_once_and_reloading_changes_nothing() {
    for (db, _keep) in backends().await {
        let first = reference::load_reference(&db).await.unwrap();
        assert!(!first.changed_files.is_empty());
        let live = geography::areas(&db, Some(d(2025, 9, 30)), false)
            .await
            .unwrap();
        assert_eq!(live.len(), 153, "{:?}", db.backend());
        let all_before = geography::areas(&db, None, true).await.unwrap();
        let second = reference::load_reference(&db).await.unwrap();
        assert!(
            second.changed_files.is_empty(),
            "reload changed {:?}",
            second.changed_files
        );
        assert_eq!(geography::areas(&db, None, true).await.unwrap(), all_before);

        // Richmond by DfE number, its joint return with Kingston, and their published figures.
        let richmond = geography::area(&db, "318").await.unwrap().unwrap();
        assert_eq!(richmond.code, "E09000027");
        assert_eq!(richmond.region_name, "London");
        let joint = geography::joint_areas_of(&db, richmond.id).await.unwrap();
        assert_eq!(joint.len(), 1);
        assert_eq!(joint[0].old_la_code, "314 / 318");
        assert_eq!(
            geography::members_of(&db, joint[0].id).await.unwrap().len(),
            2
        );
        let values =
            geography::published_indicators(&db, &[joint[0].code.clone()], &["inpost_fte"])
                .await
                .unwrap();
        assert_eq!(values.len(), 9, "2017-2025");
        assert_eq!(values.last().unwrap().value, Some(137.4));

        // Symbols are stored as reasons, never as zero.
        let symbols: i64 = cws_store::on_pool!(&db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM published_indicator WHERE symbol IS NOT NULL AND value IS NULL").fetch_one(p).await.unwrap());
        let zero_symbols: i64 = cws_store::on_pool!(&db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM published_indicator WHERE symbol IS NOT NULL AND value IS NOT NULL").fetch_one(p).await.unwrap());
        assert!(symbols > 200);
        assert_eq!(zero_symbols, 0);

        // Recoded Barnsley keeps its history; the DfE number finds the live code.
        assert_eq!(
            geography::area(&db, "370").await.unwrap().unwrap().code,
            "E08000038"
        );
        let h = geography::history(&db, "E08000038").await.unwrap();
        assert_eq!(h[0].from_code, "E08000016");

        let n = geography::neighbours(&db, "318").await.unwrap();
        assert_eq!(n.len(), 10);
        assert!(
            n.iter().all(|x| x.name.is_some()),
            "every neighbour resolves to a live area"
        );
        assert!(
            geography::children(&db, "E09000027", 2024)
                .await
                .unwrap()
                .unwrap()
                > 10_000.0
        );
        assert_eq!(
            geography::community_ethnicity(&db, "E09000027")
                .await
                .unwrap()
                .len(),
            19
        );
        db.close().await;
    }
}

#[tokio::test]
async fn community_comparators_load_whole_and_sum_over_areas() {
    use cws_store::community::{self, ComparatorRow};
    for (db, _keep) in backends().await {
        reference::load_reference(&db).await.unwrap();
        let row = |geo: &str, category: i64, persons: i64| ComparatorRow {
            geo_code: geo.into(),
            geo_name: geo.into(),
            category,
            label: format!("group {category}"),
            persons,
        };
        let rows = vec![
            row("E09000027", 13, 900),
            row("E09000027", 3, 100),
            row("E09000021", 13, 500),
            row("E09000021", 7, 50),
        ];
        assert_eq!(
            community::replace_comparator(&db, "children", "test", &rows)
                .await
                .unwrap(),
            4
        );
        // an area's own rows
        let own = community::community(&db, "children", "E09000027", &[])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(own.by_category, vec![(3, 100), (13, 900)]);
        assert_eq!(own.summed_from_areas, None);
        // a geography without rows is summed from the areas given, saying how many were found
        let areas = ["E09000027", "E09000021", "E09000008"].map(String::from);
        let sum = community::community(&db, "children", "E12000007", &areas)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(sum.by_category, vec![(3, 100), (7, 50), (13, 1400)]);
        assert_eq!(sum.summed_from_areas, Some((2, 3)));
        // residents come with the reference data, with the region's own row
        let london = community::community(&db, community::RESIDENTS, "E12000007", &areas)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(london.summed_from_areas, None);
        assert_eq!(london.by_category.len(), 19);
        // replacing is whole: the old rows go
        community::replace_comparator(&db, "children", "second", &rows[..1])
            .await
            .unwrap();
        let list = community::comparators(&db).await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].base, "residents");
        assert_eq!(
            (list[1].source.as_str(), list[1].geographies),
            ("second", 1)
        );
        assert!(community::community(&db, "children", "E09000021", &[])
            .await
            .unwrap()
            .is_none());
        assert!(community::community(&db, "nothing", "E09000027", &[])
            .await
            .unwrap()
            .is_none());
        db.close().await;
    }
}

#[tokio::test]
async fn the_audit_log_is_only_ever_added_to() {
    use cws_store::audit;
    for (db, _keep) in backends().await {
        let event = |action| audit::Event {
            user_email: Some("Lead@Example.org"),
            action,
            target: Some("/areas/E09000027/returns"),
            outcome: "ok",
            ..Default::default()
        };
        audit::record(&db, &event("read_returns")).await.unwrap();
        audit::record(&db, &event("export")).await.unwrap();
        let all = audit::list(
            &db,
            &audit::Filter {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].action, "export", "newest first");
        let some = audit::list(
            &db,
            &audit::Filter {
                action: Some("read_returns".into()),
                target_prefix: Some("/areas/E09000027".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(some.len(), 1);
        // the database itself refuses changes, whatever connects to it
        let mut tx = db.begin_write().await.unwrap();
        let changed = match &mut tx {
            cws_store::Tx::Sqlite(t) => sqlx::query("UPDATE audit_event SET outcome = 'x'")
                .execute(&mut **t)
                .await
                .map(|_| ()),
            cws_store::Tx::Postgres(t) => sqlx::query("UPDATE audit_event SET outcome = 'x'")
                .execute(&mut **t)
                .await
                .map(|_| ()),
        };
        assert!(changed
            .unwrap_err()
            .to_string()
            .contains("the audit log cannot be changed"));
        tx.rollback().await.ok();
        let mut tx = db.begin_write().await.unwrap();
        let deleted = match &mut tx {
            cws_store::Tx::Sqlite(t) => sqlx::query("DELETE FROM audit_event")
                .execute(&mut **t)
                .await
                .map(|_| ()),
            cws_store::Tx::Postgres(t) => sqlx::query("DELETE FROM audit_event")
                .execute(&mut **t)
                .await
                .map(|_| ()),
        };
        assert!(deleted.is_err());
        tx.rollback().await.ok();
        db.close().await;
    }
}

#[tokio::test]
async fn strategies_keep_every_version_of_a_section_and_their_plans() {
    use cws_plan::actions::{Action, Rag, Status};
    use cws_plan::checklist::Answer;
    use cws_plan::resources::{Budget, PlanLine};
    use cws_plan::risks::Risk;
    use cws_plan::smart::Objective;
    use cws_store::strategy::{self, ActionRow};
    for (db, _keep) in backends().await {
        reference::load_reference(&db).await.unwrap();
        let area = geography::area(&db, "318").await.unwrap().unwrap();
        let id = strategy::create_strategy(
            &db,
            area.id,
            "Workforce strategy 2026-29",
            d(2026, 4, 1),
            d(2029, 3, 31),
        )
        .await
        .unwrap();
        let again =
            strategy::create_strategy(&db, area.id, "Again", d(2026, 4, 1), d(2029, 3, 31)).await;
        assert!(again
            .unwrap_err()
            .to_string()
            .contains("already has a strategy"));
        let backwards =
            strategy::create_strategy(&db, area.id, "Backwards", d(2027, 4, 1), d(2026, 3, 31))
                .await;
        assert!(backwards.is_err());
        // versions: each change adds one; the same text again adds none
        assert_eq!(
            strategy::save_section(&db, id, "vision", "First", "lead@example.org")
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            strategy::save_section(&db, id, "vision", "Second", "board@example.org")
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            strategy::save_section(&db, id, "vision", "Second", "lead@example.org")
                .await
                .unwrap(),
            2
        );
        strategy::save_section(&db, id, "scope", "Everyone", "lead@example.org")
            .await
            .unwrap();
        let current = strategy::current_sections(&db, id).await.unwrap();
        assert_eq!(current.len(), 2);
        let vision = current.iter().find(|s| s.section == "vision").unwrap();
        assert_eq!(
            (
                vision.version,
                vision.body.as_str(),
                vision.edited_by.as_str()
            ),
            (2, "Second", "board@example.org")
        );
        let history = strategy::section_history(&db, id, "vision").await.unwrap();
        assert_eq!(
            history.iter().map(|v| v.body.as_str()).collect::<Vec<_>>(),
            ["Second", "First"]
        );
        // objectives, actions linked to them, risks by score
        let o = strategy::add_objective(
            &db,
            id,
            &Objective {
                statement: "Cut vacancies".into(),
                measure: Some("vacancy_rate_fte".into()),
                baseline: Some(14.9),
                target: Some(10.0),
                target_date: Some(d(2028, 9, 30)),
                owner: Some("Head of workforce".into()),
            },
        )
        .await
        .unwrap();
        strategy::add_action(
            &db,
            id,
            &ActionRow {
                id: cws_store::ActionId(0),
                objective_id: Some(o),
                action: Action {
                    workstream: "Recruitment".into(),
                    title: "Grow-your-own scheme".into(),
                    lead: "PSW".into(),
                    start: None,
                    due: d(2027, 3, 31),
                    status: Status::NotStarted,
                    rag: None,
                },
                notes: String::new(),
                milestones: "Scheme agreed; first cohort recruited".into(),
            },
            d(2026, 5, 1),
            "lead@example.org",
        )
        .await
        .unwrap();
        let risk = |l, i| Risk {
            description: format!("risk {l}x{i}"),
            consequence: "c".into(),
            mitigation: "m".into(),
            owner: "o".into(),
            likelihood: l,
            impact: i,
        };
        let on = d(2026, 5, 1);
        let by = "lead@example.org";
        strategy::add_risk(&db, id, &risk(2, 2), on, by)
            .await
            .unwrap();
        let big = strategy::add_risk(&db, id, &risk(4, 5), on, by)
            .await
            .unwrap();
        assert!(strategy::add_risk(&db, id, &risk(6, 1), on, by)
            .await
            .is_err());
        assert_eq!(
            strategy::objectives(&db, id).await.unwrap()[0]
                .objective
                .target,
            Some(10.0)
        );
        assert_eq!(
            strategy::actions(&db, id).await.unwrap()[0].objective_id,
            Some(o)
        );
        let r = strategy::risks(&db, id).await.unwrap();
        assert_eq!(
            r.iter()
                .map(|r| r.risk.description.as_str())
                .collect::<Vec<_>>(),
            ["risk 4x5", "risk 2x2"]
        );
        assert_eq!(strategy::strategies(&db, area.id).await.unwrap().len(), 1);

        // dated updates: the action moves on, the risk is rescored; both keep their history
        let action = strategy::actions(&db, id).await.unwrap().remove(0);
        let progress = |status, rag, note: &str| strategy::Progress {
            status,
            rag,
            note: note.into(),
        };
        assert!(strategy::update_action(
            &db,
            id,
            &action,
            &progress(Status::InProgress, Some(Rag::Amber), "Bid submitted"),
            d(2026, 9, 1),
            by
        )
        .await
        .unwrap());
        assert!(
            !strategy::update_action(
                &db,
                cws_store::StrategyId(id.0 + 99),
                &action,
                &progress(Status::Done, None, ""),
                d(2026, 9, 1),
                by
            )
            .await
            .unwrap(),
            "another strategy's action is not touched"
        );
        let a = &strategy::actions(&db, id).await.unwrap()[0];
        assert_eq!(
            (a.action.status, a.action.rag, a.notes.as_str()),
            (Status::InProgress, Some(Rag::Amber), "Bid submitted")
        );
        let updates = strategy::action_updates(&db, id).await.unwrap();
        assert_eq!(
            updates
                .iter()
                .map(|u| (u.update.on, u.update.status.code()))
                .collect::<Vec<_>>(),
            [
                (d(2026, 5, 1), "not_started"),
                (d(2026, 9, 1), "in_progress")
            ]
        );
        assert!(strategy::update_risk(
            &db,
            id,
            big,
            2,
            5,
            "Regional agreement",
            false,
            d(2026, 9, 1),
            by
        )
        .await
        .unwrap());
        assert!(
            strategy::update_risk(&db, id, big, 0, 5, "", false, d(2026, 9, 1), by)
                .await
                .is_err()
        );
        let scores: Vec<u8> = strategy::risk_updates(&db, id)
            .await
            .unwrap()
            .iter()
            .filter(|u| u.update.risk_id == big.0)
            .map(|u| u.update.likelihood * u.update.impact)
            .collect();
        assert_eq!(scores, [20, 10]);
        // an action cannot link to an objective of another strategy
        let other = strategy::create_strategy(&db, area.id, "Next", d(2029, 4, 1), d(2032, 3, 31))
            .await
            .unwrap();
        let mut stray = strategy::actions(&db, id).await.unwrap()[0].clone();
        stray.objective_id = Some(o);
        assert!(strategy::add_action(&db, other, &stray, on, by)
            .await
            .is_err());
        assert!(strategy::strategy_of_area(&db, area.id, other)
            .await
            .unwrap()
            .is_some());
        assert!(
            strategy::strategy_of_area(&db, cws_store::AreaId(area.id.0 + 1), other)
                .await
                .unwrap()
                .is_none()
        );

        // proposals decided once each; the lead's own entries; removal
        strategy::decide_proposal(
            &db,
            id,
            "retirement",
            AnalysisKind::Threat,
            "22% are 55+",
            true,
            by,
        )
        .await
        .unwrap();
        strategy::decide_proposal(
            &db,
            id,
            "retirement",
            AnalysisKind::Threat,
            "22% are 55+",
            false,
            by,
        )
        .await
        .unwrap();
        let own = strategy::add_analysis(
            &db,
            id,
            AnalysisKind::Strength,
            "Strong partnership board",
            by,
        )
        .await
        .unwrap();
        let entries = strategy::analysis(&db, id).await.unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries
            .iter()
            .any(|e| e.proposal_key.as_deref() == Some("retirement")
                && e.decision == Decision::Rejected));
        assert!(
            strategy::remove(&db, id, strategy::Removable::Analysis(own))
                .await
                .unwrap()
        );
        assert!(
            !strategy::remove(&db, other, strategy::Removable::Analysis(own))
                .await
                .unwrap()
        );

        // resources and the checklist
        strategy::add_budget(
            &db,
            id,
            &Budget {
                holder: "Council".into(),
                spend: 250_000.0,
                pool_offer: 80_000.0,
            },
        )
        .await
        .unwrap();
        assert_eq!(
            strategy::budgets(&db, id).await.unwrap()[0]
                .budget
                .pool_offer,
            80_000.0
        );
        let mut stream = strategy::FundingStreamRow {
            id: cws_store::FundingStreamId(0),
            title: "Apprenticeship levy".into(),
            provider: "DfE".into(),
            purpose: "p".into(),
            target_groups: "t".into(),
            link: String::new(),
            comments: String::new(),
            closed: false,
        };
        stream.id = strategy::add_funding_stream(&db, id, &stream)
            .await
            .unwrap();
        stream.comments = "Transfer up to 50% to partners".into();
        assert!(strategy::update_funding_stream(&db, id, &stream)
            .await
            .unwrap());
        assert_eq!(
            strategy::funding_streams(&db, id).await.unwrap()[0].comments,
            "Transfer up to 50% to partners"
        );
        // a stream that closes stays, marked closed
        stream.closed = true;
        assert!(strategy::update_funding_stream(&db, id, &stream)
            .await
            .unwrap());
        assert!(strategy::funding_streams(&db, id).await.unwrap()[0].closed);
        let line = PlanLine {
            year: 2,
            item: "Joint induction".into(),
            amount: 12_000.0,
            source: "Pool".into(),
            pooled: true,
        };
        strategy::add_plan_line(&db, id, &line).await.unwrap();
        assert!(strategy::add_plan_line(
            &db,
            id,
            &PlanLine {
                year: 4,
                ..line.clone()
            }
        )
        .await
        .is_err());
        let lines = strategy::plan_lines(&db, id).await.unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].line, line, "a plan line reads back as written");
        // a budget offering more than it spends is refused by the plan's rule
        assert!(strategy::add_budget(
            &db,
            id,
            &Budget {
                holder: "NHS".into(),
                spend: 10.0,
                pool_offer: 20.0,
            },
        )
        .await
        .is_err());
        strategy::answer_checklist(
            &db,
            id,
            "smart",
            Answer::Partly,
            "Two objectives lack owners",
            by,
        )
        .await
        .unwrap();
        strategy::answer_checklist(&db, id, "smart", Answer::Yes, "All pass", by)
            .await
            .unwrap();
        let answers = strategy::checklist(&db, id).await.unwrap();
        assert_eq!(answers.len(), 1);
        assert_eq!(answers[0].answer, Answer::Yes);
        assert!(
            strategy::answer_checklist(&db, id, "no_such_item", Answer::Yes, "", by)
                .await
                .is_err(),
            "only the toolkit's items"
        );
        // the area's own questions: answered like the toolkit's, removed with their answers
        let own = cws_plan::checklist::NewQuestion::new(
            "partners",
            "Local further education colleges",
            [],
        )
        .unwrap();
        let q = strategy::add_checklist_question(&db, other, &own, by)
            .await
            .unwrap();
        let questions = strategy::checklist_questions(&db, other).await.unwrap();
        assert_eq!(questions.len(), 1);
        assert_eq!(questions[0].group.key, "partners");
        assert_eq!(questions[0].question, "Local further education colleges");
        let key = questions[0].key();
        strategy::answer_checklist(&db, other, &key, Answer::Partly, "Two of three", by)
            .await
            .unwrap();
        assert_eq!(strategy::checklist(&db, other).await.unwrap()[0].item, key);
        // the area's next strategy starts with the same questions, unanswered
        let next = strategy::create_strategy(&db, area.id, "Later", d(2032, 4, 1), d(2035, 3, 31))
            .await
            .unwrap();
        let carried = strategy::checklist_questions(&db, next).await.unwrap();
        assert_eq!(carried.len(), 1);
        assert_eq!(carried[0].question, "Local further education colleges");
        assert_ne!(carried[0].id, q);
        assert!(strategy::checklist(&db, next).await.unwrap().is_empty());
        // one strategy's question cannot be answered, or removed, in another
        assert!(
            strategy::answer_checklist(&db, id, &key, Answer::Yes, "", by)
                .await
                .is_err()
        );
        assert!(!strategy::remove_checklist_question(&db, id, q)
            .await
            .unwrap());
        assert!(strategy::remove_checklist_question(&db, other, q)
            .await
            .unwrap());
        assert!(strategy::checklist_questions(&db, other)
            .await
            .unwrap()
            .is_empty());
        assert!(
            strategy::checklist(&db, other).await.unwrap().is_empty(),
            "the answer goes with its question"
        );
        assert_eq!(strategy::checklist(&db, id).await.unwrap().len(), 1);
        assert_eq!(
            strategy::checklist_questions(&db, next)
                .await
                .unwrap()
                .len(),
            1
        );
        db.close().await;
    }
}

fn worker(n: u32, role: &str) -> WorkerRecord {
    WorkerRecord {
        person: PersonKey::from_hex(&format!("{n:064x}")).unwrap(),
        role: RoleCode::parse(role).unwrap(),
        fte: Fte::new(0.8).ok(),
        contract: ContractType::Permanent,
        start_date: Some(d(2019, 5, 1)),
        leaving: None,
        birth_year: Some(1985),
        sex: Sex::Female,
        ethnicity: Ethnicity::Bafr,
        disability: Disability::No,
        qual_level: Some(QualLevel::L6),
        qualifications: vec!["SWDEG".into()],
        common_core: Some(true),
        induction: None,
        integrated: IntegratedWorking {
            caf_trained: Some(true),
            ..Default::default()
        },
        vetting: VettingType::EnhancedBarred,
        vetting_date: Some(d(2023, 1, 1)),
        safeguarding_training: None,
        days_lost: Some(3.5),
        cases: Some(17),
    }
}

#[tokio::test]
async fn workforce_writes_are_atomic_and_read_back() {
    for (db, _keep) in backends().await {
        reference::load_reference(&db).await.unwrap();
        let area = geography::area(&db, "318").await.unwrap().unwrap();
        let org = Organisation {
            reference: OrgRef::parse("LA-CSC").unwrap(),
            name: "Children's social care".into(),
            sector: Sector::StatutoryLa,
            service: Service::SocialCare,
            setting: SettingType::SocialWorkTeam,
            disadvantaged_area: false,
            parent: None,
        };
        let collection = Collection::default_for_year(2025).unwrap();

        // A transaction that fails part-way leaves nothing behind.
        let mut tx = db.begin_write().await.unwrap();
        let cid = workforce::ensure_collection(&mut tx, &collection)
            .await
            .unwrap();
        let orgs =
            workforce::insert_organisations(&mut tx, area.id, std::slice::from_ref(&org), false)
                .await
                .unwrap();
        let rets = workforce::create_returns(&mut tx, cid, &[orgs["LA-CSC"]], "test", false)
            .await
            .unwrap();
        let rid = rets[&orgs["LA-CSC"]];
        workforce::insert_workers(&mut tx, &[(rid, worker(1, "SC-SW"))])
            .await
            .unwrap();
        // unknown role: the foreign key refuses it
        assert!(
            workforce::insert_workers(&mut tx, &[(rid, worker(2, "NO-SUCH-ROLE"))])
                .await
                .is_err()
        );
        tx.rollback().await.unwrap();
        assert_eq!(
            workforce::counts(&db).await.unwrap(),
            workforce::Counts::default()
        );

        let mut tx = db.begin_write().await.unwrap();
        let cid = workforce::ensure_collection(&mut tx, &collection)
            .await
            .unwrap();
        let orgs = workforce::insert_organisations(&mut tx, area.id, &[org], false)
            .await
            .unwrap();
        let rets = workforce::create_returns(&mut tx, cid, &[orgs["LA-CSC"]], "test", false)
            .await
            .unwrap();
        let rid = rets[&orgs["LA-CSC"]];
        let ws: Vec<_> = (0..2500)
            .map(|i| {
                (
                    rid,
                    worker(i, if i % 2 == 0 { "SC-SW" } else { "SC-SW-SENIOR" }),
                )
            })
            .collect();
        assert_eq!(workforce::insert_workers(&mut tx, &ws).await.unwrap(), 2500);
        tx.commit().await.unwrap();
        let c = workforce::counts(&db).await.unwrap();
        assert_eq!((c.organisations, c.returns, c.workers), (1, 1, 2500));
        let groups = workforce::posts_by_role_group(&db, area.id, collection.census_date())
            .await
            .unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].group_code, "social_workers");
        assert_eq!(groups[0].posts, 2500);
        assert!((groups[0].fte.unwrap() - 2000.0).abs() < 1e-6);

        // a rotation of the secret re-keys every person, once, and records the rounds
        assert_eq!(cws_store::people::key_rounds(&db).await.unwrap(), 1);
        let rekeyed = cws_store::people::rekey_people(&db, 2, |k| k.chars().rev().collect())
            .await
            .unwrap();
        assert_eq!(rekeyed, 2500);
        assert_eq!(cws_store::people::key_rounds(&db).await.unwrap(), 2);
        let held = returns::return_workers(&db, rid).await.unwrap();
        assert_eq!(held.len(), 2500);
        let first = worker(0, "SC-SW")
            .person
            .as_str()
            .chars()
            .rev()
            .collect::<String>();
        assert!(held.iter().any(|w| w.person.as_str() == first));
        db.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_never_see_database_is_locked() {
    for (db, _keep) in backends().await {
        reference::load_reference(&db).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..24 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                // read-then-write inside one transaction: the pattern that fails with a
                // deferred BEGIN on SQLite
                let mut tx = db.begin_write().await?;
                let n: i64 = cws_store::on_tx!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM synthetic_run").fetch_one(&mut *c).await?);
                workforce::record_synthetic_run(&mut tx, &workforce::SyntheticRun {
                    seed: i, scale: format!("after {n}"), census_date: d(2025, 9, 30),
                    organisations: 0, workers: 0, created_at: "now".into(),
                }).await?;
                tx.commit().await?;
                Ok::<_, cws_store::StoreError>(())
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let n: i64 = cws_store::on_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM synthetic_run").fetch_one(p).await.unwrap());
        assert_eq!(n, 24, "{}", db.backend().name());
        db.close().await;
    }
}

#[tokio::test]
async fn a_long_run_of_writes_is_checkpointed_beside_the_writer_and_set_back_after() {
    use cws_store::bulk_writes::BulkWrites;
    for (db, keep) in backends().await {
        let checkpoints = BulkWrites::start(&db).await.unwrap();
        let file_size = || {
            keep.as_ref()
                .map(|dir| std::fs::metadata(dir.path().join("cws.db")).unwrap().len())
        };
        let before = file_size();
        if let Db::Sqlite(p) = &db {
            // the writer itself no longer copies the log back, nor checks foreign keys
            let n: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
                .fetch_one(&p.write)
                .await
                .unwrap();
            assert_eq!(n, 0);
            let n: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&p.write)
                .await
                .unwrap();
            assert_eq!(n, 0);
        }
        for i in 0..200 {
            let mut tx = db.begin_write().await.unwrap();
            workforce::record_synthetic_run(
                &mut tx,
                &workforce::SyntheticRun {
                    seed: i,
                    scale: "x".repeat(8 * 1024),
                    census_date: d(2025, 9, 30),
                    organisations: 0,
                    workers: 0,
                    created_at: "now".into(),
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        if let Some(before) = before {
            // the background thread copied the 1.6 MB written into the database file
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while file_size().unwrap() < before + 1_000_000 {
                assert!(std::time::Instant::now() < deadline, "no checkpoint ran");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
        checkpoints.finish().await.unwrap();
        if let Db::Sqlite(p) = &db {
            let n: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
                .fetch_one(&p.write)
                .await
                .unwrap();
            assert_eq!(n, 1000);
            let n: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&p.write)
                .await
                .unwrap();
            assert_eq!(n, 1);
        }
        let n: i64 = cws_store::on_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM synthetic_run").fetch_one(p).await.unwrap());
        assert_eq!(n, 200, "{}", db.backend().name());
        db.close().await;
    }
}

#[tokio::test]
async fn bulk_writes_dropped_without_finishing_still_set_the_writer_back() {
    use cws_store::bulk_writes::BulkWrites;
    for (db, _keep) in backends().await {
        let Db::Sqlite(p) = &db else {
            continue;
        };
        let checkpoints = BulkWrites::start(&db).await.unwrap();
        drop(checkpoints);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&p.write)
                .await
                .unwrap();
            let autocheckpoint: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
                .fetch_one(&p.write)
                .await
                .unwrap();
            if (fk, autocheckpoint) == (1, 1000) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "foreign keys {fk}, autocheckpoint {autocheckpoint}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        db.close().await;
    }
}

#[tokio::test]
async fn users_keep_role_and_scope() {
    for (db, _keep) in backends().await {
        let access = Access::new(UserRole::AreaLead, Scope::Area { area: "318".into() }).unwrap();
        let id = users::upsert_user(
            &db,
            "Lead@Example.org",
            "Area lead",
            &access,
            "$argon2id$fake",
        )
        .await
        .unwrap();
        let u = users::user_by_email(&db, "lead@example.org")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(u.id, id);
        assert_eq!(u.access().unwrap(), access);
        // upsert by email keeps one row
        let again = users::upsert_user(&db, "lead@example.org", "Renamed", &access, "$argon2id$x")
            .await
            .unwrap();
        assert_eq!(again, id);
        assert!(users::user_by_email(&db, "nobody@example.org")
            .await
            .unwrap()
            .is_none());
        assert!(matches!(db.backend(), Backend::Sqlite | Backend::Postgres));
        // deployment settings are created once and then kept
        let first = db
            .setting_or_create("secret", || "one".into())
            .await
            .unwrap();
        let second = db
            .setting_or_create("secret", || "two".into())
            .await
            .unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
    }
}

#[tokio::test]
async fn bad_urls_are_refused_clearly() {
    let err = Db::connect("mysql://x").await.unwrap_err();
    assert!(err.to_string().contains("sqlite://"), "{err}");
}
