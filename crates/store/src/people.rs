//! The pseudonymisation secret's place in the store: never the secret itself outside the
//! demo, only how many rounds of keys the stored person keys have been through, and the
//! re-keying that a rotation of the secret needs.

use crate::bulk::{insert_rows, Cell};
use crate::{on_pool, on_tx, Db, Result};

/// The setting a demo database keeps its secret in (a real deployment's secret lives in a
/// file or the environment, never here).
pub const DEMO_SECRET_SETTING: &str = "pseudonymisation_secret";

/// The setting recording how many keys the stored person keys were made with.
const ROUNDS_SETTING: &str = "pseudonymisation_rounds";

/// The secret kept in the database, if one is (a demo's, or an older cws's).
pub async fn stored_secret(db: &Db) -> Result<Option<String>> {
    on_pool!(db, p => Ok(sqlx::query_scalar("SELECT value FROM deployment_setting WHERE key = $1")
        .bind(DEMO_SECRET_SETTING).fetch_optional(p).await?))
}

/// Removes the secret kept in the database.
pub async fn forget_stored_secret(db: &Db) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query("DELETE FROM deployment_setting WHERE key = $1")
        .bind(DEMO_SECRET_SETTING).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

/// How many keys the stored person keys were made with (1 until a rotation).
pub async fn key_rounds(db: &Db) -> Result<usize> {
    let v: Option<String> = on_pool!(db, p => sqlx::query_scalar("SELECT value FROM deployment_setting WHERE key = $1")
        .bind(ROUNDS_SETTING).fetch_optional(p).await?);
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(1))
}

/// Replaces every stored person key by `rekey(key)` and records `rounds`, in one
/// transaction; returns how many distinct people were re-keyed.
pub async fn rekey_people(db: &Db, rounds: usize, rekey: impl Fn(&str) -> String) -> Result<usize> {
    let keys: Vec<String> = on_pool!(db, p => sqlx::query_scalar("SELECT DISTINCT person_key FROM worker")
        .fetch_all(p).await?);
    let new: Vec<String> = keys.iter().map(|k| rekey(k)).collect();
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "CREATE TEMPORARY TABLE person_key_map (old_key TEXT PRIMARY KEY, new_key TEXT NOT NULL)")
        .execute(&mut *c).await?.rows_affected());
    let rows: Vec<Vec<Cell>> = keys
        .iter()
        .zip(&new)
        .map(|(old, new)| vec![Cell::Text(Some(old)), Cell::Text(Some(new))])
        .collect();
    insert_rows(&mut tx, "person_key_map", &["old_key", "new_key"], &rows).await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE worker SET person_key = m.new_key FROM person_key_map m WHERE worker.person_key = m.old_key")
        .execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query("DROP TABLE person_key_map").execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM deployment_setting WHERE key = $1")
        .bind(ROUNDS_SETTING).execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query("INSERT INTO deployment_setting (key, value) VALUES ($1, $2)")
        .bind(ROUNDS_SETTING).bind(rounds.to_string()).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(keys.len())
}
