//! The one place the store reaches past sqlx to SQLite itself (every other module denies
//! `unsafe_code`): a locked sqlx connection borrowed as a rusqlite connection, and one
//! statement stepped many times with its values bound in place.
//!
//! rusqlite must link the same SQLite library as sqlx (its `libsqlite3-sys`; see the note
//! beside the dependency in Cargo.toml), or the handle would belong to another library.
//!
//! rusqlite binds text with `SQLITE_TRANSIENT`: SQLite copies every string into memory of its
//! own before the row is stored. A national import binds 30 million strings, and the copies
//! were a fifth of the writer's time. Here text is bound with `SQLITE_STATIC` (no copy) for
//! the one step that needs it: the values are borrowed for the call, and every binding is
//! cleared before it returns, so SQLite never keeps a pointer to them.

use std::ffi::{c_int, CStr, CString};
use std::marker::PhantomData;
use std::ptr;

use rusqlite::ffi;
use sqlx::sqlite::LockedSqliteHandle;

use crate::{Result, StoreError};

/// A sqlx connection's SQLite handle seen as a rusqlite connection, for as long as the lock
/// on the handle is held. Dropping it leaves the connection open (sqlx owns it).
pub(crate) struct Borrowed<'h> {
    connection: rusqlite::Connection,
    _handle: PhantomData<&'h mut ()>,
}

impl std::ops::Deref for Borrowed<'_> {
    type Target = rusqlite::Connection;

    fn deref(&self) -> &rusqlite::Connection {
        &self.connection
    }
}

/// Borrows the connection behind a locked sqlx handle.
pub(crate) fn borrow<'h>(handle: &'h mut LockedSqliteHandle<'_>) -> Result<Borrowed<'h>> {
    // SAFETY: the handle is open and locked for 'h, which `Borrowed` cannot outlive;
    // `from_handle` does not close the connection when it is dropped.
    let connection = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr()) }
        .map_err(crate::workforce::sqlite_error)?;
    Ok(Borrowed {
        connection,
        _handle: PhantomData,
    })
}

/// One value of a row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Int(i64),
    Real(f64),
    Text(&'a str),
    Null,
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Value::Null, Value::Text)
    }
}

/// A prepared statement on a connection it must not outlive.
pub(crate) struct Statement<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    _connection: PhantomData<&'c rusqlite::Connection>,
}

impl<'c> Statement<'c> {
    pub(crate) fn prepare(connection: &'c rusqlite::Connection, sql: &str) -> Result<Self> {
        let sql = CString::new(sql)
            .map_err(|_| StoreError::Misuse("an SQL text holds a NUL character"))?;
        // SAFETY: the connection is open for 'c; the handle is only used through this
        // statement, which 'c ties to the connection.
        let db = unsafe { connection.handle() };
        let mut stmt = ptr::null_mut();
        // SAFETY: `db` is a valid handle and `sql` a NUL-terminated string.
        let rc =
            unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, ptr::null_mut()) };
        if rc != ffi::SQLITE_OK || stmt.is_null() {
            return Err(failure(db, rc));
        }
        Ok(Statement {
            db,
            stmt,
            _connection: PhantomData,
        })
    }

    /// Binds `values` to the statement's parameters in order and steps it once (an insert).
    pub(crate) fn execute(&mut self, values: &[Value<'_>]) -> Result<()> {
        let mut rc = ffi::SQLITE_OK;
        for (i, v) in values.iter().enumerate() {
            let at = i as c_int + 1;
            // SAFETY: `stmt` is a live prepared statement; text is bound without a copy and
            // stays borrowed until the bindings are cleared below.
            rc = unsafe {
                match *v {
                    Value::Int(x) => ffi::sqlite3_bind_int64(self.stmt, at, x),
                    Value::Real(x) => ffi::sqlite3_bind_double(self.stmt, at, x),
                    Value::Null => ffi::sqlite3_bind_null(self.stmt, at),
                    Value::Text(s) => match c_int::try_from(s.len()) {
                        Ok(len) => ffi::sqlite3_bind_text(
                            self.stmt,
                            at,
                            s.as_ptr().cast(),
                            len,
                            ffi::SQLITE_STATIC(),
                        ),
                        Err(_) => ffi::SQLITE_TOOBIG,
                    },
                }
            };
            if rc != ffi::SQLITE_OK {
                break;
            }
        }
        if rc == ffi::SQLITE_OK {
            // SAFETY: as above; every parameter is bound.
            rc = unsafe { ffi::sqlite3_step(self.stmt) };
        }
        // SAFETY: as above. Reset gives the step's error code; clearing drops the borrowed text.
        let reset = unsafe { ffi::sqlite3_reset(self.stmt) };
        unsafe { ffi::sqlite3_clear_bindings(self.stmt) };
        match rc {
            ffi::SQLITE_DONE => Ok(()),
            ffi::SQLITE_ROW => Err(StoreError::Misuse("an insert statement returned rows")),
            _ => Err(failure(
                self.db,
                if reset != ffi::SQLITE_OK { reset } else { rc },
            )),
        }
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement was prepared by `prepare` and is finalized once.
        unsafe { ffi::sqlite3_finalize(self.stmt) };
    }
}

/// SQLite's message for a failed call, as the rest of the store reports it.
fn failure(db: *mut ffi::sqlite3, rc: c_int) -> StoreError {
    // SAFETY: `db` is a valid handle; SQLite owns the message until the next call.
    let message = unsafe {
        let m = ffi::sqlite3_errmsg(db);
        if m.is_null() {
            String::new()
        } else {
            CStr::from_ptr(m).to_string_lossy().into_owned()
        }
    };
    crate::workforce::sqlite_error(rusqlite::Error::SqliteFailure(
        ffi::Error::new(rc),
        Some(message),
    ))
}
