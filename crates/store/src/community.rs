//! Community comparators: populations by Census 2021 ethnic group (20 categories) that the
//! workforce is compared with. Usual residents come with cws (reference data); a deployment
//! can load others — children, residents of working age — from the files ONS publishes.

use crate::bulk::{insert_rows, Cell};
use crate::{now_text, on_pool, on_tx, Db, Result};

/// The comparator shipped with cws: all usual residents at Census 2021.
pub const RESIDENTS: &str = "residents";
const RESIDENTS_SOURCE: &str =
    "ONS Census 2021, usual residents by ethnic group (20 categories), Open Government Licence v3.0";

/// One geography's count for one ethnic group.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparatorRow {
    pub geo_code: String,
    pub geo_name: String,
    pub category: i64,
    pub label: String,
    pub persons: i64,
}

/// A comparator held: its name, where it came from, and how many geographies it covers.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ComparatorInfo {
    pub base: String,
    pub source: String,
    pub loaded_at: Option<String>,
    pub geographies: i64,
}

/// A geography's population by ethnic group, from its own rows or summed from its areas.
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityCounts {
    pub source: String,
    /// `(found, asked)` when the counts were summed from areas (a region or England built
    /// from areas); `None` when the geography has rows of its own.
    pub summed_from_areas: Option<(usize, usize)>,
    /// (Census 2021 category 1–19, persons).
    pub by_category: Vec<(i64, i64)>,
}

/// Replaces a loaded comparator wholly, in one transaction: a failed load leaves the one
/// before it in place.
pub async fn replace_comparator(
    db: &Db,
    base: &str,
    source: &str,
    rows: &[ComparatorRow],
) -> Result<u64> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM community_comparator WHERE base = $1")
        .bind(base).execute(&mut *c).await?.rows_affected());
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM community_comparator_source WHERE base = $1")
        .bind(base).execute(&mut *c).await?.rows_affected());
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(Some(base)),
                Cell::Text(Some(&r.geo_code)),
                Cell::Text(Some(&r.geo_name)),
                Cell::Int(Some(r.category)),
                Cell::Text(Some(&r.label)),
                Cell::Int(Some(r.persons)),
            ]
        })
        .collect();
    let n = insert_rows(
        &mut tx,
        "community_comparator",
        &[
            "base", "geo_code", "geo_name", "category", "label", "persons",
        ],
        &cells,
    )
    .await?;
    let now = now_text();
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO community_comparator_source (base, source, loaded_at) VALUES ($1, $2, $3)")
        .bind(base).bind(source).bind(&now).execute(&mut *c).await?.rows_affected());
    tx.bump_data_version().await?;
    tx.commit().await?;
    Ok(n)
}

/// Every comparator held, residents first.
pub async fn comparators(db: &Db) -> Result<Vec<ComparatorInfo>> {
    let residents: i64 = on_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(DISTINCT geo_code) FROM community_ethnicity").fetch_one(p).await?);
    let mut out = vec![ComparatorInfo {
        base: RESIDENTS.into(),
        source: RESIDENTS_SOURCE.into(),
        loaded_at: None,
        geographies: residents,
    }];
    let loaded: Vec<ComparatorInfo> = on_pool!(db, p => sqlx::query_as(
        "SELECT s.base, s.source, s.loaded_at,
           (SELECT COUNT(DISTINCT c.geo_code) FROM community_comparator c WHERE c.base = s.base) AS geographies
         FROM community_comparator_source s ORDER BY s.base").fetch_all(p).await?);
    out.extend(loaded);
    Ok(out)
}

/// A geography's population by ethnic group for a comparator: the geography's own rows if
/// the comparator has them, or else the sum over `areas` (the areas making up a region or
/// England). `None` when the comparator is not held or covers none of them.
pub async fn community(
    db: &Db,
    base: &str,
    geo_code: &str,
    areas: &[String],
) -> Result<Option<CommunityCounts>> {
    let (table, filter, source) = if base == RESIDENTS {
        ("community_ethnicity", "TRUE", RESIDENTS_SOURCE.to_string())
    } else {
        let source: Option<String> = on_pool!(db, p => sqlx::query_scalar(
            "SELECT source FROM community_comparator_source WHERE base = $1")
            .bind(base).fetch_optional(p).await?);
        match source {
            Some(s) => ("community_comparator", "base = $1", s),
            None => return Ok(None),
        }
    };
    // $1 is the base (bound even where unused, so placeholders line up on both databases)
    let own_sql = format!(
        "SELECT category, persons FROM {table} WHERE {filter} AND geo_code = $2 AND $1 = $1 ORDER BY category"
    );
    let own: Vec<(i64, i64)> = on_pool!(db, p => sqlx::query_as(&own_sql)
        .bind(base).bind(geo_code).fetch_all(p).await?);
    if !own.is_empty() {
        return Ok(Some(CommunityCounts {
            source,
            summed_from_areas: None,
            by_category: own,
        }));
    }
    if areas.is_empty() {
        return Ok(None);
    }
    let ph: Vec<String> = (2..areas.len() + 2).map(|i| format!("${i}")).collect();
    let list = ph.join(", ");
    let sum_sql = format!(
        "SELECT category, CAST(SUM(persons) AS BIGINT) FROM {table}
         WHERE {filter} AND $1 = $1 AND geo_code IN ({list}) GROUP BY category ORDER BY category"
    );
    let found_sql = format!(
        "SELECT COUNT(DISTINCT geo_code) FROM {table} WHERE {filter} AND $1 = $1 AND geo_code IN ({list})"
    );
    let (by_category, found): (Vec<(i64, i64)>, i64) = on_pool!(db, p => {
        let mut q = sqlx::query_as(&sum_sql).bind(base);
        let mut f = sqlx::query_scalar(&found_sql).bind(base);
        for a in areas {
            q = q.bind(a);
            f = f.bind(a);
        }
        (q.fetch_all(p).await?, f.fetch_one(p).await?)
    });
    if by_category.is_empty() {
        return Ok(None);
    }
    Ok(Some(CommunityCounts {
        source,
        summed_from_areas: Some((found as usize, areas.len())),
        by_category,
    }))
}
