//! Reading areas, regions, neighbours and published figures.

use chrono::NaiveDate;
use cws_domain::geography::{AreaKind, SuccessionKind};

use crate::{on_pool, AreaId, Db, Result};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AreaRow {
    pub id: AreaId,
    pub code: String,
    pub old_la_code: String,
    pub name: String,
    pub kind: AreaKind,
    pub region_code: String,
    pub region_name: String,
    pub london_subregion: Option<String>,
    pub opened: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    pub is_joint: bool,
}

const AREA_SELECT: &str =
    "SELECT a.id, a.code, a.old_la_code, a.name, a.kind, a.region_code, r.name AS region_name,
    a.london_subregion, a.opened, a.closed, a.is_joint
    FROM area a JOIN region r ON r.code = a.region_code";

pub async fn regions(db: &Db) -> Result<Vec<RegionRow>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT code, name, parent_code FROM region ORDER BY code").fetch_all(p).await?))
}

/// Areas operating on `on` (all areas, past and present, when `None`), by region then name.
/// Joint entries are included; pass `include_joint = false` to list councils only.
pub async fn areas(db: &Db, on: Option<NaiveDate>, include_joint: bool) -> Result<Vec<AreaRow>> {
    let sql = format!(
        "{AREA_SELECT} WHERE ($1 IS NULL OR ((a.opened IS NULL OR a.opened <= $1) AND (a.closed IS NULL OR a.closed >= $1)))
         AND ($2 OR a.is_joint = FALSE) ORDER BY a.region_code, a.name"
    );
    on_pool!(db, p => Ok(sqlx::query_as(&sql).bind(on).bind(include_joint).fetch_all(p).await?))
}

/// One area by GSS code or DfE number. Where a DfE number was reused after a recode, the
/// area still operating (or the latest) wins.
pub async fn area(db: &Db, code: &str) -> Result<Option<AreaRow>> {
    let sql = format!("{AREA_SELECT} WHERE a.code = $1 OR a.old_la_code = $1 ORDER BY a.closed IS NULL DESC, a.closed DESC LIMIT 1");
    on_pool!(db, p => Ok(sqlx::query_as(&sql).bind(code.trim()).fetch_optional(p).await?))
}

/// Joint entries that include an area (e.g. Kingston / Richmond for Richmond).
pub async fn joint_areas_of(db: &Db, area_id: AreaId) -> Result<Vec<AreaRow>> {
    let sql = format!("{AREA_SELECT} JOIN area_member m ON m.joint_area_id = a.id WHERE m.member_area_id = $1 ORDER BY a.code");
    on_pool!(db, p => Ok(sqlx::query_as(&sql).bind(area_id).fetch_all(p).await?))
}

/// Members of a joint entry.
pub async fn members_of(db: &Db, joint_area_id: AreaId) -> Result<Vec<AreaRow>> {
    let sql = format!("{AREA_SELECT} JOIN area_member m ON m.member_area_id = a.id WHERE m.joint_area_id = $1 ORDER BY a.code");
    on_pool!(db, p => Ok(sqlx::query_as(&sql).bind(joint_area_id).fetch_all(p).await?))
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SuccessionRow {
    pub from_code: String,
    pub to_code: String,
    pub kind: SuccessionKind,
    pub on_date: NaiveDate,
}

/// History touching an area: what it came from and what it became.
pub async fn history(db: &Db, code: &str) -> Result<Vec<SuccessionRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT from_code, to_code, kind, on_date FROM area_succession WHERE from_code = $1 OR to_code = $1 ORDER BY on_date, from_code, to_code")
        .bind(code).fetch_all(p).await?))
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NeighbourRow {
    pub rank: i64,
    pub neighbour_old_code: String,
    pub closeness: String,
    pub name: Option<String>,
    pub code: Option<String>,
}

/// An area's ten statistical neighbours, nearest first, with their current names and codes.
pub async fn neighbours(db: &Db, old_la_code: &str) -> Result<Vec<NeighbourRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT n.rank, n.neighbour_old_code, n.closeness, a.name, a.code
         FROM stat_neighbour n
         LEFT JOIN area a ON a.old_la_code = n.neighbour_old_code AND a.closed IS NULL AND a.is_joint = FALSE
         WHERE n.area_old_code = $1 ORDER BY n.rank")
        .bind(old_la_code).fetch_all(p).await?))
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorValue {
    pub year: i64,
    pub geo_code: String,
    pub geo_name: String,
    pub indicator: String,
    pub value: Option<f64>,
    pub symbol: Option<String>,
}

/// Published social-work indicators for some geographies (GSS codes as published, joint
/// codes included) and indicators, by year.
pub async fn published_indicators(
    db: &Db,
    geo_codes: &[String],
    indicators: &[&str],
) -> Result<Vec<IndicatorValue>> {
    if geo_codes.is_empty() || indicators.is_empty() {
        return Ok(vec![]);
    }
    // Placeholders are generated; values are always bound.
    let geo_ph: Vec<String> = (1..=geo_codes.len()).map(|i| format!("${i}")).collect();
    let ind_ph: Vec<String> = (geo_codes.len() + 1..=geo_codes.len() + indicators.len())
        .map(|i| format!("${i}"))
        .collect();
    let sql = format!(
        "SELECT year, geo_code, geo_name, indicator, value, symbol FROM published_indicator
         WHERE geo_code IN ({}) AND indicator IN ({}) ORDER BY geo_code, indicator, year",
        geo_ph.join(", "),
        ind_ph.join(", ")
    );
    on_pool!(db, p => {
        let mut q = sqlx::query_as(&sql);
        for g in geo_codes { q = q.bind(g); }
        for i in indicators { q = q.bind(*i); }
        Ok(q.fetch_all(p).await?)
    })
}

/// Children aged 0–17 in a geography in a year (None if not published or a symbol).
pub async fn children(db: &Db, geo_code: &str, year: i64) -> Result<Option<f64>> {
    on_pool!(db, p => Ok(sqlx::query_scalar::<_, Option<f64>>(
        "SELECT children FROM child_population WHERE geo_code = $1 AND year = $2")
        .bind(geo_code).bind(year).fetch_optional(p).await?.flatten()))
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EthnicityRow {
    pub category: i64,
    pub label: String,
    pub persons: i64,
}

/// Census 2021 residents by ethnic group (20 categories) in a geography.
pub async fn community_ethnicity(db: &Db, geo_code: &str) -> Result<Vec<EthnicityRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT category, label, persons FROM community_ethnicity WHERE geo_code = $1 ORDER BY category")
        .bind(geo_code).fetch_all(p).await?))
}

/// Published local-authority indicator values by DfE number as published (`318`,
/// `314 / 318`); DfE numbers survive recodes, so a series runs across them.
pub async fn published_for_las(
    db: &Db,
    old_codes: &[String],
    indicators: &[&str],
) -> Result<Vec<IndicatorValue>> {
    if old_codes.is_empty() || indicators.is_empty() {
        return Ok(vec![]);
    }
    let la_ph: Vec<String> = (1..=old_codes.len()).map(|i| format!("${i}")).collect();
    let ind_ph: Vec<String> = (old_codes.len() + 1..=old_codes.len() + indicators.len())
        .map(|i| format!("${i}"))
        .collect();
    let sql = format!(
        "SELECT year, old_la_code AS geo_code, geo_name, indicator, value, symbol FROM published_indicator
         WHERE geo_level = 'Local authority' AND old_la_code IN ({}) AND indicator IN ({}) ORDER BY old_la_code, indicator, year",
        la_ph.join(", "),
        ind_ph.join(", ")
    );
    on_pool!(db, p => {
        let mut q = sqlx::query_as(&sql);
        for g in old_codes { q = q.bind(g); }
        for i in indicators { q = q.bind(*i); }
        Ok(q.fetch_all(p).await?)
    })
}
