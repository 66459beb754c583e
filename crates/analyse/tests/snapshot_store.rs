//! A snapshot built from the store (SQLite, and PostgreSQL when configured) gives the same
//! figures on both backends, and its in-post FTE agrees with a plain SQL sum over the rows.

use cws_analyse::figures::{compute, Options, Scope};
use cws_collect::pseudonymise::Pseudonymiser;
use cws_store::{on_pool, reference};
use cws_synth::Scale;

#[tokio::test]
async fn snapshots_agree_with_sql_on_every_backend() {
    let mut totals = Vec::new();
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        cws_synth::load::load(
            &db,
            &Scale::Area("318".into()),
            2025,
            Pseudonymiser::new(b"analyse-test"),
            false,
            &|_, _, _| {},
        )
        .await
        .unwrap();
        let snap = cws_analyse::load::load(&db, None).await.unwrap();
        assert!(snap.len() > 5000, "{} posts", snap.len());
        let census = snap.census.unwrap();
        let t = compute(
            &snap,
            &Scope::Area("E09000027".into()),
            &[],
            &Options::for_census(census),
        )
        .unwrap()[0]
            .sums;
        // employed posts in post at the census date (not agency, volunteers or foster
        // carers), summed by the database
        let sql_fte: f64 = on_pool!(&db, p => sqlx::query_scalar(
            "SELECT COALESCE(SUM(w.fte), 0) FROM worker w JOIN workforce_return r ON r.id = w.return_id
             WHERE r.is_current = TRUE AND w.contract NOT IN ('agency', 'volunteer', 'foster_carer')
             AND r.collection_id = (SELECT id FROM collection WHERE census_date = $1)
             AND (w.start_date IS NULL OR w.start_date <= $1)
             AND (w.leave_date IS NULL OR w.leave_date > $1)")
            .bind(census).fetch_one(p).await.unwrap());
        assert!(
            (t.inpost_fte - sql_fte).abs() < 0.01,
            "{} vs {sql_fte}",
            t.inpost_fte
        );
        totals.push(t);
    }
    // the same seed gives the same figures whatever the backend
    for t in &totals[1..] {
        assert!((t.inpost_fte - totals[0].inpost_fte).abs() < 1e-6);
        assert_eq!(t.inpost_headcount, totals[0].inpost_headcount);
        assert_eq!(t.people, totals[0].people);
    }
}

#[tokio::test]
async fn a_warm_snapshot_takes_in_only_the_returns_that_changed() {
    use cws_store::returns;
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        cws_synth::load::load(
            &db,
            &Scale::Area("318".into()),
            2025,
            Pseudonymiser::new(b"analyse-test"),
            false,
            &|_, _, _| {},
        )
        .await
        .unwrap();
        let live = cws_analyse::live::LiveFigures::default();
        let scope = Scope::Area("E09000027".into());
        let total = |snap: &cws_analyse::Snapshot| {
            compute(
                snap,
                &scope,
                &[],
                &Options::for_census(snap.census.unwrap()),
            )
            .unwrap()[0]
                .sums
        };
        let warm = live.snapshot(&db, None).await.unwrap();
        let before = total(&warm.read().unwrap());
        // nothing changed: nothing replaced
        assert_eq!(live.refresh_all(&db).await.unwrap(), 0);
        // one organisation sends a new version without its first five posts
        let c = returns::collection(&db, None).await.unwrap().unwrap();
        let (org, rid) = returns::current_return_ids(&db, c.id)
            .await
            .unwrap()
            .into_iter()
            .min()
            .unwrap();
        let workers = returns::return_workers(&db, rid).await.unwrap();
        let vacancies = returns::return_vacancies(&db, rid).await.unwrap();
        assert!(workers.len() > 5);
        returns::commit_return(
            &db,
            &returns::NewReturn {
                submitted_by: None,
                collection_id: c.id,
                organisation_id: org,
                source: "test",
                content_digest: "changed",
                workers: &workers[5..],
                vacancies: &vacancies,
                queries: &[],
            },
        )
        .await
        .unwrap();
        assert_eq!(live.refresh_all(&db).await.unwrap(), 1);
        let after = total(&warm.read().unwrap());
        // the warm snapshot now says what a snapshot built afresh says
        let fresh = total(&cws_analyse::load::load(&db, None).await.unwrap());
        assert_eq!(after, fresh);
        assert_ne!(after, before);
    }
}

/// The demo holds two censuses with the same people where they stayed: whoever was in post
/// in 2025 and started before the 2024 census is in the 2024 return of the same employer;
/// the 2025 starters are not; and the figures move between the two.
#[tokio::test]
async fn the_demo_holds_two_censuses_with_the_same_people_where_they_stayed() {
    use cws_store::returns;
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        cws_synth::load::load(
            &db,
            &Scale::Area("318".into()),
            2025,
            Pseudonymiser::new(b"analyse-test"),
            false,
            &|_, _, _| {},
        )
        .await
        .unwrap();
        let dates: Vec<_> = returns::collections(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.census_date.to_string())
            .collect();
        assert_eq!(dates, ["2025-09-30", "2024-09-30"]);
        let count = |sql: &'static str| async {
            let n: i64 = on_pool!(&db, p => sqlx::query_scalar(sql).fetch_one(p).await.unwrap());
            n
        };
        let stayed_but_missing = count(
            "WITH now AS (SELECT w.person_key, r.organisation_id, w.start_date FROM worker w JOIN workforce_return r ON r.id = w.return_id JOIN collection c ON c.id = r.collection_id WHERE c.census_date = '2025-09-30' AND (w.start_date IS NULL OR w.start_date <= '2024-09-30')),
                  earlier AS (SELECT w.person_key, r.organisation_id FROM worker w JOIN workforce_return r ON r.id = w.return_id JOIN collection c ON c.id = r.collection_id WHERE c.census_date = '2024-09-30')
             SELECT COUNT(*) FROM now WHERE NOT EXISTS (SELECT 1 FROM earlier e WHERE e.person_key = now.person_key AND e.organisation_id = now.organisation_id)",
        )
        .await;
        assert_eq!(stayed_but_missing, 0);
        let starters_already_there = count(
            "WITH starters AS (SELECT w.person_key, r.organisation_id FROM worker w JOIN workforce_return r ON r.id = w.return_id JOIN collection c ON c.id = r.collection_id WHERE c.census_date = '2025-09-30' AND w.start_date > '2024-09-30'),
                  earlier AS (SELECT w.person_key, r.organisation_id FROM worker w JOIN workforce_return r ON r.id = w.return_id JOIN collection c ON c.id = r.collection_id WHERE c.census_date = '2024-09-30')
             SELECT COUNT(*) FROM starters s WHERE EXISTS (SELECT 1 FROM earlier e WHERE e.person_key = s.person_key AND e.organisation_id = s.organisation_id)",
        )
        .await;
        assert_eq!(starters_already_there, 0);
        // some who stayed were promoted in the year: a role of the range below, a year earlier
        let moved = count(
            "WITH now AS (SELECT w.person_key, r.organisation_id, w.role_code FROM worker w JOIN workforce_return r ON r.id = w.return_id JOIN collection c ON c.id = r.collection_id WHERE c.census_date = '2025-09-30'),
                  earlier AS (SELECT w.person_key, r.organisation_id, w.role_code FROM worker w JOIN workforce_return r ON r.id = w.return_id JOIN collection c ON c.id = r.collection_id WHERE c.census_date = '2024-09-30')
             SELECT COUNT(DISTINCT now.person_key) FROM now JOIN earlier e ON e.person_key = now.person_key AND e.organisation_id = now.organisation_id
             WHERE e.role_code <> now.role_code AND NOT EXISTS (SELECT 1 FROM earlier e2 WHERE e2.person_key = now.person_key AND e2.organisation_id = now.organisation_id AND e2.role_code = now.role_code)",
        )
        .await;
        assert!(moved > 20, "{moved} people moved role between the censuses");
        // the figures move between the two censuses
        let at = |census: &str| {
            let census: chrono::NaiveDate = census.parse().unwrap();
            let db = db.clone();
            async move {
                let snap = cws_analyse::load::load(&db, Some(census)).await.unwrap();
                compute(
                    &snap,
                    &Scope::Area("E09000027".into()),
                    &[],
                    &Options::for_census(census),
                )
                .unwrap()[0]
                    .sums
            }
        };
        let (then, now) = (at("2024-09-30").await, at("2025-09-30").await);
        assert!(then.inpost_headcount > 1000.0 && now.inpost_headcount > 1000.0);
        assert_ne!(then.inpost_headcount, now.inpost_headcount);
        assert!(then.leavers_headcount > 0.0, "the 2024 year's own leavers");
    }
}
