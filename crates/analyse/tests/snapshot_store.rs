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
        // employed posts in post at the census date, summed by the database
        let sql_fte: f64 = on_pool!(&db, p => sqlx::query_scalar(
            "SELECT COALESCE(SUM(w.fte), 0) FROM worker w JOIN workforce_return r ON r.id = w.return_id
             WHERE r.is_current = TRUE AND w.contract <> 'agency'
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
