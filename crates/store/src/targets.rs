//! Keeping an area's targets (docs/definitions.md §8): each as `cws_plan::targets::Target`
//! JSON with its schema version, its title and, when adopted from the national catalogue,
//! the catalogue's key; read back checked at this edge.

use cws_plan::targets::Target;

use crate::{now_text, on_pool, on_tx, AreaId, Db, Result, StoreError, TargetId};

/// The schema the targets are kept in.
pub const TARGET_SCHEMA: i64 = 1;

/// The longest title a target may have.
pub const TITLE_MAX: usize = 200;

/// A target as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub id: TargetId,
    /// The national target it adopts, if any.
    pub national_key: Option<String>,
    pub title: String,
    pub target: Target,
    pub saved_by: String,
    pub saved_at: String,
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: TargetId,
    national_key: Option<String>,
    title: String,
    schema_version: i64,
    target: String,
    saved_by: String,
    saved_at: String,
}

impl TryFrom<Stored> for TargetRow {
    type Error = StoreError;

    fn try_from(s: Stored) -> Result<TargetRow> {
        if s.schema_version != TARGET_SCHEMA {
            return Err(StoreError::Corrupt(format!(
                "target {} is in schema {}, not {TARGET_SCHEMA}",
                s.id.0, s.schema_version
            )));
        }
        let target: Target = serde_json::from_str(&s.target)
            .map_err(|e| StoreError::Corrupt(format!("target {}: {e}", s.id.0)))?;
        let target = target
            .checked()
            .map_err(|e| StoreError::Corrupt(format!("target {}: {e}", s.id.0)))?;
        Ok(TargetRow {
            id: s.id,
            national_key: s.national_key,
            title: s.title,
            target,
            saved_by: s.saved_by,
            saved_at: s.saved_at,
        })
    }
}

/// Keeps a target for the area; refuses an empty or long title or a target that cannot be.
pub async fn add_target(
    db: &Db,
    area: AreaId,
    national_key: Option<&str>,
    title: &str,
    target: &Target,
    by: &str,
) -> Result<TargetId> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(StoreError::Refused(format!(
            "a target's title must be 1 to {TITLE_MAX} characters"
        )));
    }
    let target = target
        .clone()
        .checked()
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    let json = serde_json::to_string(&target)
        .map_err(|e| StoreError::Refused(format!("the target cannot be kept: {e}")))?;
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO area_target (area_id, national_key, title, schema_version, target, saved_by, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(area).bind(national_key).bind(title).bind(TARGET_SCHEMA).bind(&json).bind(by)
        .bind(now_text()).fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

/// The area's targets, by deadline.
pub async fn targets(db: &Db, area: AreaId) -> Result<Vec<TargetRow>> {
    let rows: Vec<Stored> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, national_key, title, schema_version, target, saved_by, saved_at
         FROM area_target WHERE area_id = $1 ORDER BY id")
        .bind(area).fetch_all(p).await?);
    let mut out: Vec<TargetRow> = rows
        .into_iter()
        .map(TargetRow::try_from)
        .collect::<Result<_>>()?;
    out.sort_by_key(|t| t.target.deadline);
    Ok(out)
}

/// Removes one of the area's targets; false when the area has no such target.
pub async fn remove_target(db: &Db, area: AreaId, id: TargetId) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "DELETE FROM area_target WHERE id = $1 AND area_id = $2")
        .bind(id).bind(area).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}
