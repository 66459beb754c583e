//! Keeping local workforce strategies (SPEC §9): the strategy, its sections as versions (each
//! save adds one, with who and when; nothing is overwritten), objectives, actions and risks.

use chrono::NaiveDate;

use crate::{now_text, on_pool, on_tx, Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StrategyRow {
    pub id: i64,
    pub area_id: i64,
    pub title: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub created_at: String,
}

/// Creates a strategy for an area and period; refuses a second one starting the same day.
pub async fn create_strategy(
    db: &Db,
    area_id: i64,
    title: &str,
    period_start: NaiveDate,
    period_end: NaiveDate,
) -> Result<i64> {
    if period_end <= period_start {
        return Err(StoreError::Invalid(format!(
            "the strategy must end after it starts ({period_start} to {period_end})"
        )));
    }
    let mut tx = db.begin_write().await?;
    let exists: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM strategy WHERE area_id = $1 AND period_start = $2")
        .bind(area_id).bind(period_start).fetch_optional(&mut *c).await?);
    if exists.is_some() {
        tx.rollback().await?;
        return Err(StoreError::Invalid(format!(
            "the area already has a strategy starting on {period_start}"
        )));
    }
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy (area_id, title, period_start, period_end, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(area_id).bind(title).bind(period_start).bind(period_end).bind(now_text())
        .fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

/// An area's strategies, latest period first.
pub async fn strategies(db: &Db, area_id: i64) -> Result<Vec<StrategyRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, area_id, title, period_start, period_end, created_at FROM strategy
         WHERE area_id = $1 ORDER BY period_start DESC")
        .bind(area_id).fetch_all(p).await?))
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SectionVersion {
    pub section: String,
    pub version: i64,
    pub body: String,
    pub edited_by: String,
    pub edited_at: String,
}

/// Saves a section as its next version; the same text as the current version changes
/// nothing. Returns the current version number.
pub async fn save_section(
    db: &Db,
    strategy_id: i64,
    section: &str,
    body: &str,
    edited_by: &str,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let current: Option<(i64, String)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT version, body FROM strategy_section_version WHERE strategy_id = $1 AND section = $2
         ORDER BY version DESC LIMIT 1")
        .bind(strategy_id).bind(section).fetch_optional(&mut *c).await?);
    if let Some((v, text)) = &current {
        if text == body {
            tx.rollback().await?;
            return Ok(*v);
        }
    }
    let version = current.map_or(1, |(v, _)| v + 1);
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO strategy_section_version (strategy_id, section, version, body, edited_by, edited_at)
         VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(strategy_id).bind(section).bind(version).bind(body).bind(edited_by).bind(now_text())
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(version)
}

/// The current version of every section written so far.
pub async fn current_sections(db: &Db, strategy_id: i64) -> Result<Vec<SectionVersion>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT s.section, s.version, s.body, s.edited_by, s.edited_at FROM strategy_section_version s
         WHERE s.strategy_id = $1 AND s.version = (SELECT MAX(v.version) FROM strategy_section_version v
           WHERE v.strategy_id = s.strategy_id AND v.section = s.section)
         ORDER BY s.section")
        .bind(strategy_id).fetch_all(p).await?))
}

/// Every version of a section, latest first.
pub async fn section_history(
    db: &Db,
    strategy_id: i64,
    section: &str,
) -> Result<Vec<SectionVersion>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT section, version, body, edited_by, edited_at FROM strategy_section_version
         WHERE strategy_id = $1 AND section = $2 ORDER BY version DESC")
        .bind(strategy_id).bind(section).fetch_all(p).await?))
}

#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct ObjectiveRow {
    pub id: i64,
    pub statement: String,
    pub measure: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_date: Option<NaiveDate>,
    pub owner: Option<String>,
}

pub async fn add_objective(db: &Db, strategy_id: i64, o: &ObjectiveRow) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_objective (strategy_id, statement, measure, baseline, target, target_date, owner)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(strategy_id).bind(&o.statement).bind(&o.measure).bind(o.baseline).bind(o.target)
        .bind(o.target_date).bind(&o.owner).fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn objectives(db: &Db, strategy_id: i64) -> Result<Vec<ObjectiveRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, statement, measure, baseline, target, target_date, owner FROM strategy_objective
         WHERE strategy_id = $1 ORDER BY id")
        .bind(strategy_id).fetch_all(p).await?))
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ActionRow {
    pub id: i64,
    pub objective_id: Option<i64>,
    pub workstream: String,
    pub title: String,
    pub lead: String,
    pub start_date: Option<NaiveDate>,
    pub due_date: NaiveDate,
    pub status: String,
    pub rag: Option<String>,
    pub notes: String,
}

pub async fn add_action(db: &Db, strategy_id: i64, a: &ActionRow) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_action (strategy_id, objective_id, workstream, title, lead, start_date, due_date, status, rag, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(strategy_id).bind(a.objective_id).bind(&a.workstream).bind(&a.title).bind(&a.lead)
        .bind(a.start_date).bind(a.due_date).bind(&a.status).bind(&a.rag).bind(&a.notes)
        .fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn actions(db: &Db, strategy_id: i64) -> Result<Vec<ActionRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, objective_id, workstream, title, lead, start_date, due_date, status, rag, notes
         FROM strategy_action WHERE strategy_id = $1 ORDER BY workstream, due_date, id")
        .bind(strategy_id).fetch_all(p).await?))
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RiskRow {
    pub id: i64,
    pub description: String,
    pub consequence: String,
    pub mitigation: String,
    pub owner: String,
    pub likelihood: i64,
    pub impact: i64,
}

pub async fn add_risk(db: &Db, strategy_id: i64, r: &RiskRow) -> Result<i64> {
    if !(1..=5).contains(&r.likelihood) || !(1..=5).contains(&r.impact) {
        return Err(StoreError::Invalid(
            "likelihood and impact must each be from 1 to 5".into(),
        ));
    }
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_risk (strategy_id, description, consequence, mitigation, owner, likelihood, impact)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(strategy_id).bind(&r.description).bind(&r.consequence).bind(&r.mitigation)
        .bind(&r.owner).bind(r.likelihood).bind(r.impact).fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn risks(db: &Db, strategy_id: i64) -> Result<Vec<RiskRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, description, consequence, mitigation, owner, likelihood, impact
         FROM strategy_risk WHERE strategy_id = $1 ORDER BY likelihood * impact DESC, id")
        .bind(strategy_id).fetch_all(p).await?))
}
