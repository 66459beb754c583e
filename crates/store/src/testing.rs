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
    sweep_finished_test_databases(&mut admin).await;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("creating a test database");
    let (root, _) = base.rsplit_once('/')?;
    Some(format!("{root}/{name}"))
}

/// Drops the test databases of test processes that have ended (once per process). Tests
/// cannot drop their own database when they finish (there is no async drop), and a full run
/// creates hundreds of them, tens of megabytes each: left alone they fill the disk of the
/// machine running the suite, and the server restarts under the tests still running.
async fn sweep_finished_test_databases(admin: &mut sqlx::PgConnection) {
    use std::sync::atomic::AtomicBool;
    static SWEPT: AtomicBool = AtomicBool::new(false);
    if SWEPT.swap(true, Ordering::SeqCst) {
        return;
    }
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'cws\\_test\\_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for name in names {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(pid) = name
            .strip_prefix("cws_test_")
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || std::path::Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        // A database still in use is left alone: the drop fails harmlessly.
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut *admin)
            .await;
    }
}
