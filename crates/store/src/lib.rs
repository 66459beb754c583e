//! The cws store: one code path over SQLite (embedded default) and PostgreSQL.
//!
//! `Db` is an enum over the two pools and every query is written once with `$n`
//! placeholders, which both backends accept; the `on_pool!`/`on_tx!` macros expand the same
//! code for each backend. Migrations are embedded per backend and run at start-up.
//!
//! SQLite runs in WAL mode with foreign keys on and a busy timeout. Writes go through a
//! separate one-connection pool and start with `BEGIN IMMEDIATE`, so a write transaction takes
//! the write lock up front and never fails with "database is locked" on upgrade.

#![deny(unsafe_code)]

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use thiserror::Error;

pub mod accounts;
pub mod audit;
mod bulk;
pub mod bulk_writes;
pub mod community;
pub mod geography;
pub mod ids;
pub mod people;
pub mod projection;
pub mod reference;
pub mod returns;
#[allow(unsafe_code)]
mod sqlite_raw;
pub mod strategy;
pub mod targets;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;
pub mod workforce;

pub use bulk::Cell;
pub use ids::{
    ActionId, AnalysisEntryId, AreaId, BudgetId, ChecklistQuestionId, CollectionId,
    FundingStreamId, ObjectiveId, OrganisationId, PlanLineId, ReturnId, RiskId, ScenarioId,
    StrategyId, TargetId,
};

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    #[error("reference data: {0}")]
    Reference(#[from] cws_reference::ReferenceError),
    /// A change the store refuses: a value outside what it holds, or a link to a row of
    /// another strategy or area. The message is for the person who asked for the change.
    #[error("{0}")]
    Refused(String),
    /// A change that would duplicate what is held (a second collection for a census date,
    /// a second user with an email). The message is for the person who asked.
    #[error("{0}")]
    Conflict(String),
    /// Stored data that cannot be read back as valid.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// SQLite, called directly for bulk writes, failed.
    #[error("SQLite: {0}")]
    Sqlite(String),
    /// The store was called in a way its contract does not allow (a bug in the caller).
    #[error("the store was misused: {0}")]
    Misuse(&'static str),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Which database a `Db` talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The SQLite pools: many readers, one writer.
#[derive(Clone, Debug)]
pub struct SqlitePools {
    pub read: SqlitePool,
    pub write: SqlitePool,
}

/// A connected store.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePools),
    Postgres(PgPool),
}

/// A write transaction on either backend.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same code against whichever pool the `Db` holds (reads).
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite(pools) => {
                let $pool = &pools.read;
                $body
            }
            $crate::Db::Postgres(pg) => {
                let $pool = pg;
                $body
            }
        }
    };
}

/// Runs the same code against whichever connection a `Tx` holds (writes).
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

impl Db {
    /// Connects to `url`: `sqlite://PATH` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options.read_only(true))
                .await?;
            Ok(Db::Sqlite(SqlitePools { read, write }))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::BadUrl(url.to_string()))
        }
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Db> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs the embedded migrations for this backend. On SQLite, a database that already has
    /// a schema and is about to be migrated is first copied whole beside its file (see
    /// [`Db::copy_before_migrating`]), so an upgrade that goes wrong loses nothing; the copy's
    /// path is returned. (PostgreSQL: take a `pg_dump` before upgrading cws.)
    pub async fn migrate(&self) -> Result<Option<std::path::PathBuf>> {
        let copy = self.copy_before_migrating().await?;
        match self {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(&p.write).await?,
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(copy)
    }

    /// Runs the migrations in `dir` (SQL files named as in `migrations/`) instead of the
    /// embedded ones, copying first as [`Db::migrate`] does: for tests of upgrades, which
    /// need a database as an older cws left it.
    pub async fn migrate_with(&self, dir: &std::path::Path) -> Result<Option<std::path::PathBuf>> {
        let copy = self.copy_before_migrating().await?;
        let migrator = sqlx::migrate::Migrator::new(dir).await?;
        match self {
            Db::Sqlite(p) => migrator.run(&p.write).await?,
            Db::Postgres(p) => migrator.run(p).await?,
        }
        Ok(copy)
    }

    /// Whether the database holds a cws schema (any migration applied): a new or empty
    /// database, or one of another application, does not.
    pub async fn has_schema(&self) -> Result<bool> {
        let sql = match self {
            Db::Sqlite(_) => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Db::Postgres(_) => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        let tables: i64 = on_pool!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await?);
        if tables == 0 {
            return Ok(false);
        }
        Ok(!self.migration_versions().await?.is_empty())
    }

    /// On SQLite, when the database has a schema and migrations this binary knows are not
    /// yet applied, writes a copy of it as `FILE.before-migration-N.db` (N: the newest
    /// applied) and returns its path. Nothing is copied for a new database or one that is up
    /// to date, nor over an earlier copy from the same version.
    pub async fn copy_before_migrating(&self) -> Result<Option<std::path::PathBuf>> {
        let Db::Sqlite(p) = self else {
            return Ok(None);
        };
        if !self.has_schema().await? {
            return Ok(None);
        }
        let applied = self.migration_versions().await?;
        let pending = self
            .known_migrations()
            .into_iter()
            .any(|v| !applied.contains(&v));
        let (Some(newest), true) = (applied.last(), pending) else {
            return Ok(None);
        };
        let file: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(&p.write)
                .await?;
        if file.is_empty() {
            return Ok(None); // an in-memory database
        }
        let copy = std::path::PathBuf::from(format!("{file}.before-migration-{newest}.db"));
        if copy.exists() {
            return Ok(Some(copy));
        }
        self.backup_to(&copy).await?;
        tracing::info!(copy = %copy.display(), "the database was copied before migrating it");
        Ok(Some(copy))
    }

    /// Starts a write transaction (SQLite: `BEGIN IMMEDIATE` on the single writer).
    pub async fn begin_write(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Writes a consistent copy of the embedded database to `path`, which must not exist
    /// (SQLite's `VACUUM INTO`: one read transaction, so writes meanwhile neither wait for
    /// it nor tear it). A PostgreSQL deployment is backed up with `pg_dump` instead.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                let target = path.to_string_lossy().into_owned();
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(&p.write)
                    .await?;
                Ok(())
            }
            Db::Postgres(_) => Err(StoreError::Refused(
                "a PostgreSQL database is backed up with pg_dump (and restored with pg_restore), not cws backup".into(),
            )),
        }
    }

    /// Ends every session and revokes every API token (after a restore: the sessions and
    /// tokens of the copy are not to be trusted). Returns how many of each.
    pub async fn sign_everyone_out(&self) -> Result<(u64, u64)> {
        let mut tx = self.begin_write().await?;
        let sessions = on_tx!(&mut tx, c => sqlx::query("DELETE FROM user_session")
            .execute(&mut *c).await?.rows_affected());
        let tokens = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE api_token SET revoked_at = $1 WHERE revoked_at IS NULL")
            .bind(now_text()).execute(&mut *c).await?.rows_affected());
        tx.commit().await?;
        Ok((sessions, tokens))
    }

    /// SQLite's integrity check of the whole database: `["ok"]` when it is whole.
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        match self {
            Db::Sqlite(p) => Ok(sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(&p.read)
                .await?),
            Db::Postgres(_) => Ok(vec!["ok".into()]),
        }
    }

    /// The migrations this binary knows, by version.
    pub fn known_migrations(&self) -> Vec<i64> {
        match self {
            Db::Sqlite(_) => sqlx::migrate!("./migrations/sqlite")
                .iter()
                .map(|m| m.version)
                .collect(),
            Db::Postgres(_) => sqlx::migrate!("./migrations/postgres")
                .iter()
                .map(|m| m.version)
                .collect(),
        }
    }

    /// The applied migration versions, oldest first.
    pub async fn migration_versions(&self) -> Result<Vec<i64>> {
        let sql = "SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version";
        on_pool!(self, pool => Ok(sqlx::query_scalar(sql).fetch_all(pool).await?))
    }

    /// Closes the pools, first writing SQLite's WAL into the database file, so that a copy
    /// of the file alone taken afterwards holds everything.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => {
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&p.write)
                    .await
                {
                    tracing::warn!(error = %e, "the WAL could not be checkpointed on closing");
                }
                p.read.close().await;
                p.write.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Marks, in this transaction, that what the figures are built from has changed in a way
    /// the returns' ids do not show (see [`returns::data_version`]).
    pub(crate) async fn bump_data_version(&mut self) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE data_version SET version = version + 1 WHERE id = 1")
            .execute(&mut *c).await?.rows_affected());
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// The current time as RFC 3339 text (stored as text on both backends).
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Db {
    /// A deployment setting, created with `make` the first time it is asked for.
    pub async fn setting_or_create(
        &self,
        key: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String> {
        let mut tx = self.begin_write().await?;
        let existing: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT value FROM deployment_setting WHERE key = $1").bind(key).fetch_optional(&mut *c).await?);
        let value = match existing {
            Some(v) => v,
            None => {
                let v = make();
                on_tx!(&mut tx, c => sqlx::query("INSERT INTO deployment_setting (key, value) VALUES ($1, $2)").bind(key).bind(&v).execute(&mut *c).await?.rows_affected());
                v
            }
        };
        tx.commit().await?;
        Ok(value)
    }
}
