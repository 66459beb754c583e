//! Keeping an area's named projection scenarios (docs/definitions.md §7): the levers as
//! the scenario file writes them (JSON of `cws_project::Levers`, with the schema version),
//! read back into checked levers at this edge.

use cws_project::Levers;

use crate::{now_text, on_pool, on_tx, AreaId, Db, Result, ScenarioId, StoreError, StrategyId};

/// The scenario schema the levers are kept in (that of the scenario file).
pub const SCENARIO_SCHEMA: i64 = 1;

/// The longest name a scenario may have.
pub const NAME_MAX: usize = 80;

/// A scenario as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    pub id: ScenarioId,
    pub name: String,
    pub levers: Levers,
    pub saved_by: String,
    pub saved_at: String,
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: ScenarioId,
    name: String,
    schema_version: i64,
    levers: String,
    saved_by: String,
    saved_at: String,
}

impl TryFrom<Stored> for ScenarioRow {
    type Error = StoreError;

    fn try_from(s: Stored) -> Result<ScenarioRow> {
        if s.schema_version != SCENARIO_SCHEMA {
            return Err(StoreError::Corrupt(format!(
                "scenario {} is in schema {}, not {SCENARIO_SCHEMA}",
                s.id.0, s.schema_version
            )));
        }
        let levers: Levers = serde_json::from_str(&s.levers)
            .map_err(|e| StoreError::Corrupt(format!("scenario {}: {e}", s.id.0)))?;
        let levers = levers
            .checked()
            .map_err(|e| StoreError::Corrupt(format!("scenario {}: {e}", s.id.0)))?;
        Ok(ScenarioRow {
            id: s.id,
            name: s.name,
            levers,
            saved_by: s.saved_by,
            saved_at: s.saved_at,
        })
    }
}

/// A scenario's name trimmed and its levers as kept (JSON), or why they cannot be: an empty
/// or long name, levers out of range.
fn named_levers<'a>(name: &'a str, levers: &Levers) -> Result<(&'a str, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(StoreError::Refused(format!(
            "A scenario's name must be 1 to {NAME_MAX} characters."
        )));
    }
    let levers = levers
        .checked()
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    let json = serde_json::to_string(&levers)
        .map_err(|e| StoreError::Refused(format!("the levers cannot be kept: {e}")))?;
    Ok((name, json))
}

/// Keeps `levers` as the area's scenario `name`, replacing the levers of a scenario of that
/// name (compared without case or spacing at the ends); refuses an empty or long name or
/// levers out of range.
pub async fn save_scenario(
    db: &Db,
    area: AreaId,
    name: &str,
    levers: &Levers,
    by: &str,
) -> Result<ScenarioId> {
    let (name, json) = named_levers(name, levers)?;
    let mut tx = db.begin_write().await?;
    let existing: Option<ScenarioId> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM projection_scenario WHERE area_id = $1 AND lower(name) = lower($2)")
        .bind(area).bind(name).fetch_optional(&mut *c).await?);
    let id = match existing {
        Some(id) => {
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE projection_scenario SET name = $1, schema_version = $2, levers = $3, saved_by = $4, saved_at = $5 WHERE id = $6")
                .bind(name).bind(SCENARIO_SCHEMA).bind(&json).bind(by).bind(now_text()).bind(id)
                .execute(&mut *c).await?.rows_affected());
            id
        }
        None => on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO projection_scenario (area_id, name, schema_version, levers, saved_by, saved_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(area).bind(name).bind(SCENARIO_SCHEMA).bind(&json).bind(by).bind(now_text())
            .fetch_one(&mut *c).await?),
    };
    tx.commit().await?;
    Ok(id)
}

/// The area's scenarios, by name.
pub async fn scenarios(db: &Db, area: AreaId) -> Result<Vec<ScenarioRow>> {
    let rows: Vec<Stored> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, name, schema_version, levers, saved_by, saved_at FROM projection_scenario
         WHERE area_id = $1 ORDER BY lower(name), id")
        .bind(area).fetch_all(p).await?);
    rows.into_iter().map(ScenarioRow::try_from).collect()
}

/// Removes one of the area's scenarios; false when the area has no such scenario.
pub async fn remove_scenario(db: &Db, area: AreaId, id: ScenarioId) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "DELETE FROM projection_scenario WHERE id = $1 AND area_id = $2")
        .bind(id).bind(area).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

/// The projection a strategy shows: the scenario as chosen ("As now" or a kept one's name).
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyProjection {
    pub name: String,
    pub levers: Levers,
    pub chosen_by: String,
    pub chosen_at: String,
}

/// Shows the projection under `levers` (called `name`) in the strategy, replacing its last
/// choice; refuses an empty or long name or levers out of range.
pub async fn show_projection_in_strategy(
    db: &Db,
    strategy: StrategyId,
    name: &str,
    levers: &Levers,
    by: &str,
) -> Result<()> {
    let (name, json) = named_levers(name, levers)?;
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM strategy_projection WHERE strategy_id = $1")
        .bind(strategy).execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO strategy_projection (strategy_id, name, schema_version, levers, chosen_by, chosen_at)
         VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(strategy).bind(name).bind(SCENARIO_SCHEMA).bind(&json).bind(by).bind(now_text())
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// Stops showing a projection in the strategy (nothing to stop is not an error).
pub async fn hide_projection_in_strategy(db: &Db, strategy: StrategyId) -> Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM strategy_projection WHERE strategy_id = $1")
        .bind(strategy).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// The projection the strategy shows, if any.
pub async fn strategy_projection(
    db: &Db,
    strategy: StrategyId,
) -> Result<Option<StrategyProjection>> {
    let row: Option<Stored> = on_pool!(db, p => sqlx::query_as(
        "SELECT strategy_id AS id, name, schema_version, levers, chosen_by AS saved_by, chosen_at AS saved_at
         FROM strategy_projection WHERE strategy_id = $1")
        .bind(strategy).fetch_optional(p).await?);
    row.map(|r| {
        ScenarioRow::try_from(r).map(|r| StrategyProjection {
            name: r.name,
            levers: r.levers,
            chosen_by: r.saved_by,
            chosen_at: r.saved_at,
        })
    })
    .transpose()
}

/// What the children's projection held was loaded from.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PopulationLoad {
    pub source: String,
    pub areas: i64,
    pub districts: i64,
    pub first_year: i64,
    pub last_year: i64,
    pub loaded_by: String,
    pub loaded_at: String,
}

/// Rows written in one statement.
const CHUNK: usize = 300;

/// Replaces the children's projection held with `projection` (from `source`, a file name),
/// in one transaction: a load that fails leaves the one before in place.
pub async fn save_population_projection(
    db: &Db,
    projection: &cws_reference::PopulationProjection,
    source: &str,
    by: &str,
) -> Result<PopulationLoad> {
    let rows = &projection.rows;
    let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.1).min(),
        rows.iter().map(|r| r.1).max(),
    ) else {
        return Err(StoreError::Refused(
            "the projection holds no children to load".into(),
        ));
    };
    let areas = rows
        .iter()
        .map(|r| r.0.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM population_projection")
        .execute(&mut *c).await?.rows_affected());
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO population_projection (area_code, year, children) VALUES {}",
            values.join(", ")
        );
        on_tx!(&mut tx, c => {
            let mut q = sqlx::query(&sql);
            for (code, year, children) in chunk {
                q = q.bind(code).bind(i64::from(*year)).bind(*children);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
    }
    let load = PopulationLoad {
        source: source.to_string(),
        areas: areas as i64,
        districts: projection.districts as i64,
        first_year: i64::from(first),
        last_year: i64::from(last),
        loaded_by: by.to_string(),
        loaded_at: now_text(),
    };
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO population_projection_load (source, areas, districts, first_year, last_year, loaded_by, loaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&load.source).bind(load.areas).bind(load.districts).bind(load.first_year)
        .bind(load.last_year).bind(&load.loaded_by).bind(&load.loaded_at)
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(load)
}

/// The children's projection held: (area code, year, children aged 0 to 17); empty when
/// none has been loaded.
pub async fn population_projection(db: &Db) -> Result<Vec<(String, i32, f64)>> {
    let rows: Vec<(String, i64, f64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT area_code, year, children FROM population_projection ORDER BY area_code, year")
        .fetch_all(p).await?);
    rows.into_iter()
        .map(|(c, y, v)| {
            let year = i32::try_from(y)
                .map_err(|_| StoreError::Corrupt(format!("population projection year {y}")))?;
            Ok((c, year, v))
        })
        .collect()
}

/// The latest load of the children's projection, if any.
pub async fn population_projection_load(db: &Db) -> Result<Option<PopulationLoad>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT source, areas, districts, first_year, last_year, loaded_by, loaded_at
         FROM population_projection_load ORDER BY id DESC LIMIT 1")
        .fetch_optional(p).await?))
}

/// An area's own mapping of role groups to the drivers of their need, as saved.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaDriverMap {
    /// The area's GSS code.
    pub area_code: String,
    pub map: cws_domain::demand::DriverMap,
    /// The CSV as saved, to edit again.
    pub text: String,
    pub saved_by: String,
    pub saved_at: String,
}

/// What a saved mapping is called in its messages.
const MAPPING: &str = "the mapping";

/// Saves `text` (CSV: role_group, driver, ratio[, why]) as the area's own mapping,
/// replacing the last; refuses a mapping that cannot be used, naming its row, column and
/// value, and keeps the last.
pub async fn save_driver_map(db: &Db, area: AreaId, text: &str, by: &str) -> Result<()> {
    let text = text.replace("\r\n", "\n");
    cws_reference::driver_map(MAPPING, &text).map_err(|e| StoreError::Refused(e.to_string()))?;
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM area_driver_map WHERE area_id = $1")
        .bind(area).execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO area_driver_map (area_id, mapping, saved_by, saved_at) VALUES ($1, $2, $3, $4)")
        .bind(area).bind(&text).bind(by).bind(now_text()).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// Goes back to the shipped mapping for the area; false when it had none of its own.
pub async fn remove_driver_map(db: &Db, area: AreaId) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, c => sqlx::query("DELETE FROM area_driver_map WHERE area_id = $1")
        .bind(area).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

/// Every area's own mapping, by area code.
pub async fn driver_maps(db: &Db) -> Result<Vec<AreaDriverMap>> {
    let rows: Vec<(String, String, String, String)> = on_pool!(db, p => sqlx::query_as(
        "SELECT a.code, m.mapping, m.saved_by, m.saved_at FROM area_driver_map m
         JOIN area a ON a.id = m.area_id ORDER BY a.code")
        .fetch_all(p).await?);
    rows.into_iter()
        .map(|(area_code, text, saved_by, saved_at)| {
            let map = cws_reference::driver_map(MAPPING, &text).map_err(|e| {
                StoreError::Corrupt(format!("the driver mapping of {area_code}: {e}"))
            })?;
            Ok(AreaDriverMap {
                area_code,
                map,
                text,
                saved_by,
                saved_at,
            })
        })
        .collect()
}
