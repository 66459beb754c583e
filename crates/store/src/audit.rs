//! The audit log (docs/definitions.md §11): sign-ins and failed sign-ins, every read of worker-level data,
//! every export and import, every administrative action. Rows are only ever added: there is
//! no function to change or delete one, and the database refuses to (triggers in migration
//! 0007).

use crate::{now_text, on_pool, on_tx, Db, Result};

/// One thing that happened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event<'a> {
    pub user_id: Option<i64>,
    pub user_email: Option<&'a str>,
    /// What was done, e.g. `sign_in`, `read_workers`, `export`, `import`, `admin_invite`.
    pub action: &'a str,
    /// What it was done to, e.g. a path or `area:E09000027`.
    pub target: Option<&'a str>,
    /// `ok`, `refused` or `failed`.
    pub outcome: &'a str,
    /// A short note; never personal fields of workers.
    pub detail: Option<&'a str>,
    pub ip: Option<&'a str>,
}

pub async fn record(db: &Db, e: &Event<'_>) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO audit_event (at, user_id, user_email, action, target, outcome, detail, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(now_text()).bind(e.user_id).bind(e.user_email).bind(e.action).bind(e.target)
        .bind(e.outcome).bind(e.detail).bind(e.ip).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub user_email: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// What to list: every field is optional; text matches are exact except `target`, which
/// matches a prefix.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub user_email: Option<String>,
    pub action: Option<String>,
    pub target_prefix: Option<String>,
    pub outcome: Option<String>,
    /// Inclusive bounds on the time, as RFC 3339 text or a date (`2026-11-22`).
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: i64,
}

/// Events matching the filter, newest first.
pub async fn list(db: &Db, f: &Filter) -> Result<Vec<AuditRow>> {
    // the upper bound is inclusive of the whole day when a date is given
    let to = f.to.as_ref().map(|t| {
        if t.len() == 10 {
            format!("{t}T99")
        } else {
            t.clone()
        }
    });
    let prefix = f.target_prefix.as_ref().map(|p| {
        let escaped = p
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("{escaped}%")
    });
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, at, user_email, action, target, outcome, detail, ip FROM audit_event
         WHERE ($1 IS NULL OR user_email = $1) AND ($2 IS NULL OR action = $2)
           AND ($3 IS NULL OR target LIKE $3 ESCAPE '\\') AND ($4 IS NULL OR outcome = $4)
           AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at <= $6)
         ORDER BY id DESC LIMIT $7")
        .bind(f.user_email.as_deref().map(|e| e.trim().to_ascii_lowercase()))
        .bind(f.action.as_deref()).bind(prefix).bind(f.outcome.as_deref())
        .bind(f.from.as_deref()).bind(to).bind(f.limit.clamp(1, 10_000))
        .fetch_all(p).await?))
}
