//! Opening the configured database for a command, and the lock that keeps a restore and a
//! running server apart.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::Context;
use cws_store::Db;

use crate::config::Config;

/// What to do when the database has no cws schema (a new file, an empty one left by an
/// unfinished copy, another application's database).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithoutSchema {
    /// Create the schema: commands that set a database up.
    Create,
    /// Refuse, rather than serve (or back up) an empty system as if it were the real one;
    /// says what the command would have done ("serve it").
    Refuse(&'static str),
}

/// The file of the embedded database, when the configured database is SQLite.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://")?;
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

/// Connects to the configured database, brings its schema up to date (copying an embedded
/// database first when it is migrated) and loads the reference data.
pub async fn open(config: &Config, without_schema: WithoutSchema) -> anyhow::Result<Db> {
    let url = &config.database_url;
    if let Some(file) = sqlite_file(url) {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the database folder {}", dir.display()))?;
        }
    }
    let refuse = match without_schema {
        WithoutSchema::Refuse(doing) => Some(doing),
        WithoutSchema::Create => None,
    };
    // a missing or empty file is refused before connecting, which would write to it
    let no_file =
        sqlite_file(url).is_some_and(|file| std::fs::metadata(file).map_or(true, |m| m.len() == 0));
    let db = match (refuse, no_file) {
        (Some(_), true) => None,
        _ => Some(
            Db::connect(url)
                .await
                .with_context(|| format!("opening the database {}", redact(url)))?,
        ),
    };
    let has_schema = match &db {
        Some(db) => db.has_schema().await?,
        None => false,
    };
    let db = match (db, refuse) {
        (Some(db), None) => db,
        (Some(db), Some(_)) if has_schema => db,
        (db, refused) => {
            if let Some(db) = db {
                db.close().await;
            }
            let doing = refused.unwrap_or("open it");
            anyhow::bail!(
            "the database {} holds no cws data (it is new, empty — perhaps an unfinished copy — or another application's), so cws will not {doing}. To start a new cws database there, run `cws serve --create` (or `cws demo`); to bring back a backup, `cws restore FILE`.",
            redact(url)
            );
        }
    };
    if let Some(copy) = db
        .migrate()
        .await
        .with_context(|| format!("bringing the database {} up to date", redact(url)))?
    {
        tracing::info!(copy = %copy.display(), "the database was copied before its schema was brought up to date");
    }
    let report = cws_reference_load(&db).await?;
    if report > 0 {
        tracing::info!(files = report, "reference data loaded");
    }
    Ok(db)
}

async fn cws_reference_load(db: &Db) -> anyhow::Result<usize> {
    let report = cws_store::reference::load_reference(db)
        .await
        .context("loading reference data")?;
    Ok(report.changed_files.len())
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// A lock on `FILE.lock` beside the embedded database: every running server holds it
/// shared, a restore holds it alone, so neither starts while the other runs. Released when
/// dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

impl DatabaseLock {
    /// Takes the lock beside `database`, shared or alone; `busy` says why not when another
    /// process holds it the other way.
    fn take(database: &Path, shared: bool, busy: &str) -> anyhow::Result<DatabaseLock> {
        let path = PathBuf::from(format!("{}.lock", database.display()));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening the lock file {}", path.display()))?;
        let taken = match shared {
            true => file.try_lock_shared(),
            false => file.try_lock(),
        };
        match taken {
            Ok(()) => Ok(DatabaseLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                anyhow::bail!("{busy} (another process holds {})", path.display())
            }
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("locking {}", path.display()))
            }
        }
    }

    /// For a server: shared with other servers, refused while a restore runs. `None` for
    /// PostgreSQL.
    pub fn for_serving(config: &Config) -> anyhow::Result<Option<DatabaseLock>> {
        let Some(database) = sqlite_file(&config.database_url) else {
            return Ok(None);
        };
        if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the database folder {}", dir.display()))?;
        }
        let busy = format!(
            "the database {} is being restored: start the server when the restore has finished",
            database.display()
        );
        Self::take(&database, true, &busy).map(Some)
    }

    /// For a restore: refused while any server (or another restore) uses the database.
    pub fn for_restoring(database: &Path) -> anyhow::Result<DatabaseLock> {
        let busy = format!(
            "a cws server is running on {}: stop it, then restore; nothing was changed",
            database.display()
        );
        Self::take(database, false, &busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_in_urls() {
        assert_eq!(
            redact("postgres://cws:hunter2@db:5432/cws"),
            "postgres://cws:***@db:5432/cws"
        );
        assert_eq!(
            redact("sqlite://cws-data/cws.db"),
            "sqlite://cws-data/cws.db"
        );
    }

    #[test]
    fn a_restore_waits_for_no_server_and_a_server_for_no_restore() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("cws.db");
        let config = Config {
            database_url: format!("sqlite://{}", database.display()),
            ..Config::default()
        };
        let a = DatabaseLock::for_serving(&config).unwrap().unwrap();
        let b = DatabaseLock::for_serving(&config).unwrap().unwrap();
        let refused = DatabaseLock::for_restoring(&database).unwrap_err();
        assert!(
            refused.to_string().contains("a cws server is running"),
            "{refused}"
        );
        drop((a, b));
        let restoring = DatabaseLock::for_restoring(&database).unwrap();
        let refused = DatabaseLock::for_serving(&config).unwrap_err();
        assert!(refused.to_string().contains("being restored"), "{refused}");
        drop(restoring);
        assert!(DatabaseLock::for_serving(&config).unwrap().is_some());
    }
}
