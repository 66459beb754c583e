//! Test support (feature `testing`): fresh databases for every backend under test.
//!
//! SQLite is always tested; PostgreSQL too when `CWS_TEST_POSTGRES_URL` names a server, in
//! a new database per call so tests never see each other's rows.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::Db;

/// A fresh, migrated database per backend under test. Keep the `TempDir` alive as long as
/// the SQLite database is used.
pub async fn fresh_databases() -> Vec<(Db, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().expect("a temporary folder for the SQLite test database");
    let url = format!("sqlite://{}", dir.path().join("cws.db").display());
    let mut out = vec![(
        Db::open(&url)
            .await
            .expect("opening the SQLite test database"),
        Some(dir),
    )];
    if let Some(url) = fresh_postgres_url().await {
        out.push((
            Db::open(&url)
                .await
                .expect("opening the PostgreSQL test database"),
            None,
        ));
    }
    out
}

/// The URL of a new, empty PostgreSQL database on the server named by
/// `CWS_TEST_POSTGRES_URL`, or `None` when that is not set.
pub async fn fresh_postgres_url() -> Option<String> {
    use sqlx::Connection;
    let base = std::env::var("CWS_TEST_POSTGRES_URL").ok()?;
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let name = format!(
        "cws_test_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000,
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .expect("connecting to CWS_TEST_POSTGRES_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("creating a test database");
    let (root, _) = base.rsplit_once('/')?;
    Some(format!("{root}/{name}"))
}
