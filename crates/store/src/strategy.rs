//! Keeping local workforce strategies (docs/definitions.md §9): the strategy, its sections as versions (each
//! save adds one, with who and when; nothing is overwritten), objectives, actions and risks.

use chrono::NaiveDate;
use cws_plan::actions::{Action, Rag, Status};
use cws_plan::checklist::Answer;
use cws_plan::resources::{plan_year, Budget, PlanLine};
use cws_plan::review::{ActionUpdate, RiskUpdate};
use cws_plan::risks::{on_scale, Risk};
use cws_plan::smart::Objective;
use cws_plan::swot::{AnalysisKind, Decision};

use crate::ids::{
    ActionId, AnalysisEntryId, BudgetId, ChecklistQuestionId, FundingStreamId, ObjectiveId,
    PlanLineId, RiskId,
};
use crate::{now_text, on_pool, on_tx, AreaId, Db, Result, StoreError, StrategyId};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StrategyRow {
    pub id: StrategyId,
    pub area_id: AreaId,
    pub title: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub created_at: String,
}

/// Creates a strategy for an area and period; refuses a second one starting the same day.
pub async fn create_strategy(
    db: &Db,
    area_id: AreaId,
    title: &str,
    period_start: NaiveDate,
    period_end: NaiveDate,
) -> Result<StrategyId> {
    cws_plan::framework::period(period_start, period_end)
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    let mut tx = db.begin_write().await?;
    let exists: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM strategy WHERE area_id = $1 AND period_start = $2")
        .bind(area_id).bind(period_start).fetch_optional(&mut *c).await?);
    if exists.is_some() {
        tx.rollback().await?;
        return Err(StoreError::Conflict(format!(
            "the area already has a strategy starting on {period_start}"
        )));
    }
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy (area_id, title, period_start, period_end, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(area_id).bind(title).bind(period_start).bind(period_end).bind(now_text())
        .fetch_one(&mut *c).await?);
    // the area's own checklist questions carry on from its latest earlier strategy, unanswered
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO strategy_checklist_question (strategy_id, group_key, question, added_by, added_at)
         SELECT $1, group_key, question, added_by, added_at FROM strategy_checklist_question
         WHERE strategy_id = (SELECT id FROM strategy WHERE area_id = $2 AND period_start < $3
                              ORDER BY period_start DESC LIMIT 1)
         ORDER BY id")
        .bind(id).bind(area_id).bind(period_start).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(id)
}

/// A strategy of an area (none when the id belongs to another area).
pub async fn strategy_of_area(
    db: &Db,
    area_id: AreaId,
    id: StrategyId,
) -> Result<Option<StrategyRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, area_id, title, period_start, period_end, created_at FROM strategy
         WHERE area_id = $1 AND id = $2")
        .bind(area_id).bind(id).fetch_optional(p).await?))
}

/// An area's strategies, latest period first.
pub async fn strategies(db: &Db, area_id: AreaId) -> Result<Vec<StrategyRow>> {
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
    strategy_id: StrategyId,
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
pub async fn current_sections(db: &Db, strategy_id: StrategyId) -> Result<Vec<SectionVersion>> {
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
    strategy_id: StrategyId,
    section: &str,
) -> Result<Vec<SectionVersion>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT section, version, body, edited_by, edited_at FROM strategy_section_version
         WHERE strategy_id = $1 AND section = $2 ORDER BY version DESC")
        .bind(strategy_id).bind(section).fetch_all(p).await?))
}

/// An objective of the strategy, as the plan's `Objective`, with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveRow {
    pub id: ObjectiveId,
    pub objective: Objective,
}

#[derive(sqlx::FromRow)]
struct StoredObjective {
    id: ObjectiveId,
    statement: String,
    measure: Option<String>,
    baseline: Option<f64>,
    target: Option<f64>,
    target_date: Option<NaiveDate>,
    owner: Option<String>,
}

impl From<StoredObjective> for ObjectiveRow {
    fn from(o: StoredObjective) -> ObjectiveRow {
        ObjectiveRow {
            id: o.id,
            objective: Objective {
                statement: o.statement,
                measure: o.measure,
                baseline: o.baseline,
                target: o.target,
                target_date: o.target_date,
                owner: o.owner,
            },
        }
    }
}

pub async fn add_objective(db: &Db, strategy_id: StrategyId, o: &Objective) -> Result<ObjectiveId> {
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_objective (strategy_id, statement, measure, baseline, target, target_date, owner)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(strategy_id).bind(&o.statement).bind(&o.measure).bind(o.baseline).bind(o.target)
        .bind(o.target_date).bind(&o.owner).fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

/// Rewrites the objective `id` of the strategy; false when there is no such objective.
pub async fn update_objective(
    db: &Db,
    strategy_id: StrategyId,
    id: ObjectiveId,
    o: &Objective,
) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE strategy_objective SET statement = $1, measure = $2, baseline = $3, target = $4,
           target_date = $5, owner = $6 WHERE id = $7 AND strategy_id = $8")
        .bind(&o.statement).bind(&o.measure).bind(o.baseline).bind(o.target)
        .bind(o.target_date).bind(&o.owner).bind(id).bind(strategy_id)
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

pub async fn objectives(db: &Db, strategy_id: StrategyId) -> Result<Vec<ObjectiveRow>> {
    let rows: Vec<StoredObjective> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, statement, measure, baseline, target, target_date, owner FROM strategy_objective
         WHERE strategy_id = $1 ORDER BY id")
        .bind(strategy_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(ObjectiveRow::from).collect())
}

/// An action of the strategy's plan: the plan's own `Action`, where it sits in the strategy,
/// and its notes. Rows become this at the store's edge: a stored status or rating that is not
/// one is corrupt data, not a default.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub id: ActionId,
    pub objective_id: Option<ObjectiveId>,
    pub action: Action,
    pub notes: String,
    pub milestones: String,
}

/// An action as its table holds it.
#[derive(sqlx::FromRow)]
struct StoredAction {
    id: ActionId,
    objective_id: Option<ObjectiveId>,
    workstream: String,
    title: String,
    lead: String,
    start_date: Option<NaiveDate>,
    due_date: NaiveDate,
    status: String,
    rag: Option<String>,
    notes: String,
    milestones: String,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("a strategy's action: {e}"))
}

impl TryFrom<StoredAction> for ActionRow {
    type Error = StoreError;

    fn try_from(a: StoredAction) -> Result<ActionRow> {
        Ok(ActionRow {
            id: a.id,
            objective_id: a.objective_id,
            action: Action {
                workstream: a.workstream,
                title: a.title,
                lead: a.lead,
                start: a.start_date,
                due: a.due_date,
                status: Status::parse(&a.status).map_err(corrupt)?,
                rag: a
                    .rag
                    .as_deref()
                    .map(Rag::parse)
                    .transpose()
                    .map_err(corrupt)?,
            },
            notes: a.notes,
            milestones: a.milestones,
        })
    }
}

/// A dated update of an action — its status and the rating shown then, as the board review
/// reads them — with its progress note, who and when.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionUpdateRow {
    pub update: ActionUpdate,
    pub note: String,
    pub edited_by: String,
    pub edited_at: String,
}

#[derive(sqlx::FromRow)]
struct StoredActionUpdate {
    action_id: ActionId,
    on_date: NaiveDate,
    status: String,
    rag: String,
    note: String,
    edited_by: String,
    edited_at: String,
}

impl TryFrom<StoredActionUpdate> for ActionUpdateRow {
    type Error = StoreError;

    fn try_from(u: StoredActionUpdate) -> Result<ActionUpdateRow> {
        Ok(ActionUpdateRow {
            update: ActionUpdate {
                action_id: u.action_id.0,
                on: u.on_date,
                status: Status::parse(&u.status).map_err(corrupt)?,
                rag: Rag::parse(&u.rag).map_err(corrupt)?,
            },
            note: u.note,
            edited_by: u.edited_by,
            edited_at: u.edited_at,
        })
    }
}

/// Checks that an objective belongs to the strategy.
async fn objective_in(
    tx: &mut crate::Tx,
    strategy_id: StrategyId,
    objective_id: Option<ObjectiveId>,
) -> Result<()> {
    if let Some(o) = objective_id {
        let found: Option<ObjectiveId> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT id FROM strategy_objective WHERE id = $1 AND strategy_id = $2")
            .bind(o).bind(strategy_id).fetch_optional(&mut *c).await?);
        if found.is_none() {
            return Err(StoreError::Refused(format!(
                "objective {o} is not in this strategy"
            )));
        }
    }
    Ok(())
}

/// Adds an action and its first dated update, with the rating shown on `on` (the lead's,
/// or worked out by the plan's rules).
pub async fn add_action(
    db: &Db,
    strategy_id: StrategyId,
    a: &ActionRow,
    on: NaiveDate,
    by: &str,
) -> Result<ActionId> {
    cws_plan::actions::dates(a.action.start, a.action.due)
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    let plan = &a.action;
    let shown = plan.rag(on);
    let mut tx = db.begin_write().await?;
    objective_in(&mut tx, strategy_id, a.objective_id).await?;
    let id: ActionId = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_action (strategy_id, objective_id, workstream, title, lead, start_date, due_date, status, rag, notes, milestones)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
        .bind(strategy_id).bind(a.objective_id).bind(&plan.workstream).bind(&plan.title).bind(&plan.lead)
        .bind(plan.start).bind(plan.due).bind(plan.status.code()).bind(plan.rag.map(Rag::code)).bind(&a.notes)
        .bind(&a.milestones).fetch_one(&mut *c).await?);
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO strategy_action_update (action_id, on_date, status, rag, note, edited_by, edited_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id).bind(on).bind(plan.status.code()).bind(shown.code()).bind(&a.notes).bind(by).bind(now_text())
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(id)
}

/// Progress on an action: its status, the lead's rating (`None`: worked out) and a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub status: Status,
    pub rag: Option<Rag>,
    pub note: String,
}

/// Records progress on `action` (as held): the action shows the latest and the update is
/// kept, dated, with the rating shown then, for the board report. False when the action is
/// not in the strategy.
pub async fn update_action(
    db: &Db,
    strategy_id: StrategyId,
    action: &ActionRow,
    progress: &Progress,
    on: NaiveDate,
    by: &str,
) -> Result<bool> {
    let (action_id, note) = (action.id, progress.note.as_str());
    let (status, rag) = (progress.status.code(), progress.rag.map(Rag::code));
    let shown = Action {
        status: progress.status,
        rag: progress.rag,
        ..action.action.clone()
    }
    .rag(on);
    let shown_rag = shown.code();
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE strategy_action SET status = $1, rag = $2,
           notes = CASE WHEN $3 = '' THEN notes ELSE $3 END
         WHERE id = $4 AND strategy_id = $5")
        .bind(status).bind(rag).bind(note).bind(action_id).bind(strategy_id)
        .execute(&mut *c).await?.rows_affected());
    if n != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO strategy_action_update (action_id, on_date, status, rag, note, edited_by, edited_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(action_id).bind(on).bind(status).bind(shown_rag).bind(note).bind(by).bind(now_text())
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(true)
}

/// Every dated update of the strategy's actions, oldest first.
pub async fn action_updates(db: &Db, strategy_id: StrategyId) -> Result<Vec<ActionUpdateRow>> {
    let rows: Vec<StoredActionUpdate> = on_pool!(db, p => sqlx::query_as(
        "SELECT u.action_id, u.on_date, u.status, u.rag, u.note, u.edited_by, u.edited_at
         FROM strategy_action_update u JOIN strategy_action a ON a.id = u.action_id
         WHERE a.strategy_id = $1 ORDER BY u.on_date, u.id")
        .bind(strategy_id).fetch_all(p).await?);
    rows.into_iter().map(ActionUpdateRow::try_from).collect()
}

pub async fn actions(db: &Db, strategy_id: StrategyId) -> Result<Vec<ActionRow>> {
    let rows: Vec<StoredAction> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, objective_id, workstream, title, lead, start_date, due_date, status, rag, notes, milestones
         FROM strategy_action WHERE strategy_id = $1 ORDER BY workstream, due_date, id")
        .bind(strategy_id).fetch_all(p).await?);
    rows.into_iter().map(ActionRow::try_from).collect()
}

/// A risk of the strategy, as the plan's `Risk` (its score on the 1–5 scales), with its id
/// and the day it was closed.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    pub id: RiskId,
    pub risk: Risk,
    pub closed_on: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct StoredRisk {
    id: RiskId,
    description: String,
    consequence: String,
    mitigation: String,
    owner: String,
    likelihood: i64,
    impact: i64,
    closed_on: Option<NaiveDate>,
}

/// A stored score, if it is on the scale.
fn stored_scale(what: &'static str, value: i64) -> Result<u8> {
    on_scale(what, value).map_err(|e| StoreError::Corrupt(format!("a strategy's risk: {e}")))
}

impl TryFrom<StoredRisk> for RiskRow {
    type Error = StoreError;

    fn try_from(r: StoredRisk) -> Result<RiskRow> {
        Ok(RiskRow {
            id: r.id,
            risk: Risk {
                description: r.description,
                consequence: r.consequence,
                mitigation: r.mitigation,
                owner: r.owner,
                likelihood: stored_scale("likelihood", r.likelihood)?,
                impact: stored_scale("impact", r.impact)?,
            },
            closed_on: r.closed_on,
        })
    }
}

/// A dated score of a risk, as the board review reads it, with who recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskUpdateRow {
    pub update: RiskUpdate,
    pub edited_by: String,
}

#[derive(sqlx::FromRow)]
struct StoredRiskUpdate {
    risk_id: RiskId,
    on_date: NaiveDate,
    likelihood: i64,
    impact: i64,
    closed: i64,
    edited_by: String,
}

impl TryFrom<StoredRiskUpdate> for RiskUpdateRow {
    type Error = StoreError;

    fn try_from(u: StoredRiskUpdate) -> Result<RiskUpdateRow> {
        Ok(RiskUpdateRow {
            update: RiskUpdate {
                risk_id: u.risk_id.0,
                on: u.on_date,
                likelihood: stored_scale("likelihood", u.likelihood)?,
                impact: stored_scale("impact", u.impact)?,
                closed: u.closed != 0,
            },
            edited_by: u.edited_by,
        })
    }
}

fn check_scale(likelihood: i64, impact: i64) -> Result<()> {
    for (what, value) in [("likelihood", likelihood), ("impact", impact)] {
        on_scale(what, value).map_err(|e| StoreError::Refused(e.to_string()))?;
    }
    Ok(())
}

/// Adds a risk and its first dated score.
pub async fn add_risk(
    db: &Db,
    strategy_id: StrategyId,
    r: &Risk,
    on: NaiveDate,
    by: &str,
) -> Result<RiskId> {
    let (likelihood, impact) = (i64::from(r.likelihood), i64::from(r.impact));
    check_scale(likelihood, impact)?;
    let mut tx = db.begin_write().await?;
    let id: RiskId = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_risk (strategy_id, description, consequence, mitigation, owner, likelihood, impact)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(strategy_id).bind(&r.description).bind(&r.consequence).bind(&r.mitigation)
        .bind(&r.owner).bind(likelihood).bind(impact).fetch_one(&mut *c).await?);
    insert_risk_update(&mut tx, id, on, likelihood, impact, false, by).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_risk_update(
    tx: &mut crate::Tx,
    risk_id: RiskId,
    on: NaiveDate,
    likelihood: i64,
    impact: i64,
    closed: bool,
    by: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO strategy_risk_update (risk_id, on_date, likelihood, impact, closed, edited_by, edited_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(risk_id).bind(on).bind(likelihood).bind(impact).bind(i64::from(closed)).bind(by)
        .bind(now_text()).execute(&mut *c).await?.rows_affected());
    Ok(())
}

/// Rescores a risk (and its mitigation), or closes it; the score is kept, dated, for the
/// board report. False when the risk is not in the strategy.
#[allow(clippy::too_many_arguments)]
pub async fn update_risk(
    db: &Db,
    strategy_id: StrategyId,
    risk_id: RiskId,
    likelihood: i64,
    impact: i64,
    mitigation: &str,
    close: bool,
    on: NaiveDate,
    by: &str,
) -> Result<bool> {
    check_scale(likelihood, impact)?;
    let mut tx = db.begin_write().await?;
    let closed_on = close.then_some(on);
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE strategy_risk SET likelihood = $1, impact = $2, mitigation = $3, closed_on = $4
         WHERE id = $5 AND strategy_id = $6")
        .bind(likelihood).bind(impact).bind(mitigation).bind(closed_on).bind(risk_id).bind(strategy_id)
        .execute(&mut *c).await?.rows_affected());
    if n != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    insert_risk_update(&mut tx, risk_id, on, likelihood, impact, close, by).await?;
    tx.commit().await?;
    Ok(true)
}

/// Every dated score of the strategy's risks, oldest first.
pub async fn risk_updates(db: &Db, strategy_id: StrategyId) -> Result<Vec<RiskUpdateRow>> {
    let rows: Vec<StoredRiskUpdate> = on_pool!(db, p => sqlx::query_as(
        "SELECT u.risk_id, u.on_date, u.likelihood, u.impact, u.closed, u.edited_by
         FROM strategy_risk_update u JOIN strategy_risk r ON r.id = u.risk_id
         WHERE r.strategy_id = $1 ORDER BY u.on_date, u.id")
        .bind(strategy_id).fetch_all(p).await?);
    rows.into_iter().map(RiskUpdateRow::try_from).collect()
}

pub async fn risks(db: &Db, strategy_id: StrategyId) -> Result<Vec<RiskRow>> {
    let rows: Vec<StoredRisk> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, description, consequence, mitigation, owner, likelihood, impact, closed_on
         FROM strategy_risk WHERE strategy_id = $1 ORDER BY likelihood * impact DESC, id")
        .bind(strategy_id).fetch_all(p).await?);
    rows.into_iter().map(RiskRow::try_from).collect()
}

/// A SWOT or STEEP entry: written by the lead, or a proposal from the figures that the lead
/// accepted (perhaps edited) or rejected.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AnalysisRow {
    pub id: AnalysisEntryId,
    pub kind: AnalysisKind,
    pub body: String,
    pub proposal_key: Option<String>,
    pub decision: Decision,
    pub edited_by: String,
    pub edited_at: String,
}

/// Records the lead's decision on a proposal (a later decision replaces an earlier one).
pub async fn decide_proposal(
    db: &Db,
    strategy_id: StrategyId,
    key: &str,
    kind: AnalysisKind,
    body: &str,
    accepted: bool,
    by: &str,
) -> Result<()> {
    let decision = if accepted {
        Decision::Accepted
    } else {
        Decision::Rejected
    };
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO strategy_analysis (strategy_id, kind, body, proposal_key, decision, edited_by, edited_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (strategy_id, proposal_key) DO UPDATE SET kind = excluded.kind,
           body = excluded.body, decision = excluded.decision, edited_by = excluded.edited_by,
           edited_at = excluded.edited_at")
        .bind(strategy_id).bind(kind).bind(body).bind(key).bind(decision).bind(by).bind(now_text())
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// Adds an entry the lead wrote.
pub async fn add_analysis(
    db: &Db,
    strategy_id: StrategyId,
    kind: AnalysisKind,
    body: &str,
    by: &str,
) -> Result<AnalysisEntryId> {
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_analysis (strategy_id, kind, body, proposal_key, decision, edited_by, edited_at)
         VALUES ($1, $2, $3, NULL, $4, $5, $6) RETURNING id")
        .bind(strategy_id).bind(kind).bind(body).bind(Decision::Written).bind(by).bind(now_text())
        .fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn analysis(db: &Db, strategy_id: StrategyId) -> Result<Vec<AnalysisRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, kind, body, proposal_key, decision, edited_by, edited_at FROM strategy_analysis
         WHERE strategy_id = $1 ORDER BY kind, id")
        .bind(strategy_id).fetch_all(p).await?))
}

/// A budget holder's spend and offer, as the plan's `Budget`, with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetRow {
    pub id: BudgetId,
    pub budget: Budget,
}

#[derive(sqlx::FromRow)]
struct StoredBudget {
    id: BudgetId,
    holder: String,
    spend: f64,
    pool_offer: f64,
}

impl From<StoredBudget> for BudgetRow {
    fn from(b: StoredBudget) -> BudgetRow {
        BudgetRow {
            id: b.id,
            budget: Budget {
                holder: b.holder,
                spend: b.spend,
                pool_offer: b.pool_offer,
            },
        }
    }
}

/// Adds a budget holder's figures, if the plan's rules accept them.
pub async fn add_budget(db: &Db, strategy_id: StrategyId, b: &Budget) -> Result<BudgetId> {
    if let Some(problem) = b.check() {
        return Err(StoreError::Refused(problem));
    }
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_budget (strategy_id, holder, spend, pool_offer) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(strategy_id).bind(&b.holder).bind(b.spend).bind(b.pool_offer).fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn budgets(db: &Db, strategy_id: StrategyId) -> Result<Vec<BudgetRow>> {
    let rows: Vec<StoredBudget> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, holder, spend, pool_offer FROM strategy_budget WHERE strategy_id = $1 ORDER BY id")
        .bind(strategy_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(BudgetRow::from).collect())
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FundingStreamRow {
    pub id: FundingStreamId,
    pub title: String,
    pub provider: String,
    pub purpose: String,
    pub target_groups: String,
    pub link: String,
    pub comments: String,
    /// Closed to new bids: kept as history, left out of the document by default.
    pub closed: bool,
}

impl From<cws_plan::resources::FundingStream> for FundingStreamRow {
    fn from(s: cws_plan::resources::FundingStream) -> Self {
        FundingStreamRow {
            id: FundingStreamId(0),
            title: s.title,
            provider: s.provider,
            purpose: s.purpose,
            target_groups: s.target_groups,
            link: s.link,
            comments: s.comments,
            closed: s.closed,
        }
    }
}

pub async fn add_funding_stream(
    db: &Db,
    strategy_id: StrategyId,
    f: &FundingStreamRow,
) -> Result<FundingStreamId> {
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_funding_stream (strategy_id, title, provider, purpose, target_groups, link, comments, closed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(strategy_id).bind(&f.title).bind(&f.provider).bind(&f.purpose)
        .bind(&f.target_groups).bind(&f.link).bind(&f.comments).bind(f.closed)
        .fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

/// Rewrites a stream of the catalogue; false when it is not in the strategy.
pub async fn update_funding_stream(
    db: &Db,
    strategy_id: StrategyId,
    f: &FundingStreamRow,
) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE strategy_funding_stream SET title = $1, provider = $2, purpose = $3,
           target_groups = $4, link = $5, comments = $6, closed = $7
         WHERE id = $8 AND strategy_id = $9")
        .bind(&f.title).bind(&f.provider).bind(&f.purpose).bind(&f.target_groups)
        .bind(&f.link).bind(&f.comments).bind(f.closed).bind(f.id).bind(strategy_id)
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

pub async fn funding_streams(db: &Db, strategy_id: StrategyId) -> Result<Vec<FundingStreamRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT id, title, provider, purpose, target_groups, link, comments, closed
         FROM strategy_funding_stream WHERE strategy_id = $1 ORDER BY id")
        .bind(strategy_id).fetch_all(p).await?))
}

/// A line of the three-year plan, as the plan's `PlanLine`, with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLineRow {
    pub id: PlanLineId,
    pub line: PlanLine,
}

#[derive(sqlx::FromRow)]
struct StoredPlanLine {
    id: PlanLineId,
    year: i64,
    item: String,
    amount: f64,
    source: String,
    pooled: i64,
}

impl TryFrom<StoredPlanLine> for PlanLineRow {
    type Error = StoreError;

    fn try_from(l: StoredPlanLine) -> Result<PlanLineRow> {
        Ok(PlanLineRow {
            id: l.id,
            line: PlanLine {
                year: plan_year(l.year)
                    .map_err(|e| StoreError::Corrupt(format!("a plan line: {e}")))?,
                item: l.item,
                amount: l.amount,
                source: l.source,
                pooled: l.pooled != 0,
            },
        })
    }
}

/// Adds a line to the three-year plan, if the plan's rules accept it.
pub async fn add_plan_line(db: &Db, strategy_id: StrategyId, l: &PlanLine) -> Result<PlanLineId> {
    let refused = |e: cws_plan::resources::PlanLineError| StoreError::Refused(e.to_string());
    plan_year(i64::from(l.year)).map_err(refused)?;
    cws_plan::resources::plan_amount(l.amount).map_err(refused)?;
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_plan_line (strategy_id, year, item, amount, source, pooled)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(strategy_id).bind(i64::from(l.year)).bind(&l.item).bind(l.amount).bind(&l.source)
        .bind(i64::from(l.pooled)).fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn plan_lines(db: &Db, strategy_id: StrategyId) -> Result<Vec<PlanLineRow>> {
    let rows: Vec<StoredPlanLine> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, year, item, amount, source, pooled FROM strategy_plan_line
         WHERE strategy_id = $1 ORDER BY year, id")
        .bind(strategy_id).fetch_all(p).await?);
    rows.into_iter().map(PlanLineRow::try_from).collect()
}

/// An entry of a strategy that can be removed on its own, by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removable {
    Analysis(AnalysisEntryId),
    Budget(BudgetId),
    FundingStream(FundingStreamId),
    PlanLine(PlanLineId),
}

/// Removes one entry of the strategy; false when there is none.
pub async fn remove(db: &Db, strategy_id: StrategyId, entry: Removable) -> Result<bool> {
    // table names come from this match only, never from input
    let (table, id) = match entry {
        Removable::Analysis(id) => ("strategy_analysis", id.0),
        Removable::Budget(id) => ("strategy_budget", id.0),
        Removable::FundingStream(id) => ("strategy_funding_stream", id.0),
        Removable::PlanLine(id) => ("strategy_plan_line", id.0),
    };
    let sql = format!("DELETE FROM {table} WHERE id = $1 AND strategy_id = $2");
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(&sql).bind(id).bind(strategy_id)
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

/// A checklist item's answer, with its evidence, who and when.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistRow {
    pub item: String,
    pub answer: Answer,
    pub evidence: String,
    pub answered_by: String,
    pub answered_at: String,
}

#[derive(sqlx::FromRow)]
struct StoredAnswer {
    item: String,
    answer: String,
    evidence: String,
    answered_by: String,
    answered_at: String,
}

impl TryFrom<StoredAnswer> for ChecklistRow {
    type Error = StoreError;

    fn try_from(a: StoredAnswer) -> Result<ChecklistRow> {
        Ok(ChecklistRow {
            answer: Answer::parse(&a.answer)
                .map_err(|e| StoreError::Corrupt(format!("a checklist answer: {e}")))?,
            item: a.item,
            evidence: a.evidence,
            answered_by: a.answered_by,
            answered_at: a.answered_at,
        })
    }
}

/// A question an area added to its strategy's checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistQuestionRow {
    pub id: ChecklistQuestionId,
    pub group: &'static cws_plan::checklist::Group,
    pub question: String,
    pub added_by: String,
    pub added_at: String,
}

impl ChecklistQuestionRow {
    /// The item key its answer is kept under.
    pub fn key(&self) -> String {
        cws_plan::checklist::local_key(self.id.0)
    }
}

#[derive(sqlx::FromRow)]
struct StoredQuestion {
    id: ChecklistQuestionId,
    group_key: String,
    question: String,
    added_by: String,
    added_at: String,
}

impl TryFrom<StoredQuestion> for ChecklistQuestionRow {
    type Error = StoreError;

    fn try_from(q: StoredQuestion) -> Result<ChecklistQuestionRow> {
        Ok(ChecklistQuestionRow {
            group: cws_plan::checklist::group(&q.group_key).ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "a checklist question in the unknown group '{}'",
                    q.group_key
                ))
            })?,
            id: q.id,
            question: q.question,
            added_by: q.added_by,
            added_at: q.added_at,
        })
    }
}

/// Adds an area's own question to its strategy's checklist.
pub async fn add_checklist_question(
    db: &Db,
    strategy_id: StrategyId,
    q: &cws_plan::checklist::NewQuestion,
    by: &str,
) -> Result<ChecklistQuestionId> {
    let mut tx = db.begin_write().await?;
    let id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy_checklist_question (strategy_id, group_key, question, added_by, added_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(strategy_id).bind(q.group.key).bind(&q.question).bind(by).bind(now_text())
        .fetch_one(&mut *c).await?);
    tx.commit().await?;
    Ok(id)
}

/// The area's own questions of a strategy's checklist, in the order they were added.
pub async fn checklist_questions(
    db: &Db,
    strategy_id: StrategyId,
) -> Result<Vec<ChecklistQuestionRow>> {
    let rows: Vec<StoredQuestion> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, group_key, question, added_by, added_at FROM strategy_checklist_question
         WHERE strategy_id = $1 ORDER BY id")
        .bind(strategy_id).fetch_all(p).await?);
    rows.into_iter()
        .map(ChecklistQuestionRow::try_from)
        .collect()
}

/// Removes one of the area's own questions and its answer together; false when the strategy
/// has no such question.
pub async fn remove_checklist_question(
    db: &Db,
    strategy_id: StrategyId,
    question: ChecklistQuestionId,
) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "DELETE FROM strategy_checklist_question WHERE id = $1 AND strategy_id = $2")
        .bind(question).bind(strategy_id).execute(&mut *c).await?.rows_affected());
    if n == 1 {
        let key = cws_plan::checklist::local_key(question.0);
        on_tx!(&mut tx, c => sqlx::query(
            "DELETE FROM strategy_checklist WHERE strategy_id = $1 AND item = $2")
            .bind(strategy_id).bind(&key).execute(&mut *c).await?.rows_affected());
    }
    tx.commit().await?;
    Ok(n == 1)
}

/// Answers a checklist item (a later answer replaces the earlier one); the item must be one
/// of the toolkit's or one of the strategy's own questions.
pub async fn answer_checklist(
    db: &Db,
    strategy_id: StrategyId,
    item: &str,
    answer: Answer,
    evidence: &str,
    by: &str,
) -> Result<()> {
    let answer = answer.code();
    let mut tx = db.begin_write().await?;
    if !cws_plan::checklist::is_item(item) {
        let own: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM strategy_checklist_question WHERE strategy_id = $1 AND id = $2")
            .bind(strategy_id)
            .bind(item.strip_prefix("local_").and_then(|n| n.parse::<i64>().ok()).unwrap_or(-1))
            .fetch_optional(&mut *c).await?);
        if own.is_none() {
            tx.rollback().await?;
            return Err(StoreError::Refused(format!(
                "'{item}' is neither an item of the toolkit's checklist nor one of this strategy's own questions"
            )));
        }
    }
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO strategy_checklist (strategy_id, item, answer, evidence, answered_by, answered_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (strategy_id, item) DO UPDATE SET answer = excluded.answer,
           evidence = excluded.evidence, answered_by = excluded.answered_by,
           answered_at = excluded.answered_at")
        .bind(strategy_id).bind(item).bind(answer).bind(evidence).bind(by).bind(now_text())
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

pub async fn checklist(db: &Db, strategy_id: StrategyId) -> Result<Vec<ChecklistRow>> {
    let rows: Vec<StoredAnswer> = on_pool!(db, p => sqlx::query_as(
        "SELECT item, answer, evidence, answered_by, answered_at FROM strategy_checklist
         WHERE strategy_id = $1 ORDER BY item")
        .bind(strategy_id).fetch_all(p).await?);
    rows.into_iter().map(ChecklistRow::try_from).collect()
}
