//! Long runs of SQLite writes (a national import of 2.5 million posts), set up for speed.
//!
//! - The WAL is checkpointed beside the writer. In WAL mode every commit appends its pages to
//!   the log, and by default the committing connection then copies the log back into the
//!   database once it passes 1,000 pages: about a quarter of the writer's time. While a
//!   `BulkWrites` is held the writer only appends, and a thread with its own connection
//!   checkpoints the log as it grows (`PASSIVE`: it copies what is committed and never blocks
//!   the writer or readers), so the copying runs on the other core.
//! - SQLite does not check foreign keys row by row (two index look-ups per post, a tenth of
//!   the writer's time). The caller takes that on: a bulk import stores posts only for the
//!   returns it has just created, with role codes from the catalogue the database holds (see
//!   `reference::role_codes`). Atomicity is unchanged: each transaction commits whole or not.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::{Db, Result};

/// How often the background thread checkpoints.
const EVERY: Duration = Duration::from_millis(20);

/// See the module documentation. Call `finish` when the writes are done; dropped without it
/// (an error or a panic on the way), it still sets the writer back, on the runtime it was
/// dropped in. On PostgreSQL it does nothing.
pub struct BulkWrites {
    db: Db,
    running: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
    /// Whether the writer's settings are back as they were.
    restored: bool,
}

impl BulkWrites {
    pub async fn start(db: &Db) -> Result<BulkWrites> {
        let Db::Sqlite(pools) = db else {
            return Ok(BulkWrites {
                db: db.clone(),
                running: None,
                restored: true,
            });
        };
        let path = pools.write.connect_options().get_filename().to_path_buf();
        let checkpointer = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(crate::workforce::sqlite_error)?;
        checkpointer
            .busy_timeout(Duration::from_secs(30))
            .map_err(crate::workforce::sqlite_error)?;
        // (outside any transaction: SQLite ignores `foreign_keys` inside one)
        sqlx::query("PRAGMA wal_autocheckpoint = 0")
            .execute(&pools.write)
            .await?;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&pools.write)
            .await?;
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(EVERY);
                    // Best effort: what is not copied now is copied at the next turn, or by
                    // the writer once its automatic checkpoints are back.
                    if let Err(e) =
                        checkpointer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::debug!("background checkpoint: {e}");
                    }
                }
            })
        };
        Ok(BulkWrites {
            db: db.clone(),
            running: Some((stop, thread)),
            restored: false,
        })
    }

    /// Stops the thread and gives the writer back its automatic checkpoints and foreign keys.
    pub async fn finish(mut self) -> Result<()> {
        self.stop();
        if let Db::Sqlite(pools) = &self.db {
            restore(&pools.write).await?;
        }
        self.restored = true;
        Ok(())
    }

    fn stop(&mut self) {
        if let Some((stop, thread)) = self.running.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
    }
}

/// The writer's usual settings: automatic checkpoints and foreign keys checked.
async fn restore(write: &sqlx::SqlitePool) -> Result<()> {
    sqlx::query("PRAGMA wal_autocheckpoint = 1000")
        .execute(write)
        .await?;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(write)
        .await?;
    Ok(())
}

impl Drop for BulkWrites {
    fn drop(&mut self) {
        self.stop();
        if self.restored {
            return;
        }
        let Db::Sqlite(pools) = &self.db else {
            return;
        };
        // Drop cannot wait: a task sets them back as soon as the one writer connection is free.
        let write = pools.write.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(e) = restore(&write).await {
                        tracing::error!("setting the writer back after bulk writes: {e}");
                    }
                });
            }
            Err(_) => tracing::error!(
                "bulk writes dropped outside a runtime: the writer keeps foreign keys off until it is closed"
            ),
        }
    }
}
