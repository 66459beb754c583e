//! Loading the embedded reference data, idempotently: each file's digest is stored, and the
//! data is reloaded (in one transaction) only when an embedded file has changed.

use cws_reference as r;
use cws_reference::PublishedValue;

use crate::bulk::{insert_rows, Cell};
use crate::{now_text, on_pool, on_tx, Db, Result};

/// What a reference load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadReport {
    /// Files whose content was new or changed (empty when nothing was loaded).
    pub changed_files: Vec<String>,
    pub areas: usize,
    pub indicator_values: usize,
}

fn split(v: PublishedValue) -> (Option<f64>, Option<&'static str>) {
    (v.number(), v.symbol().map(|s| s.code()))
}

/// Loads the reference data if any embedded file is new or changed.
pub async fn load_reference(db: &Db) -> Result<LoadReport> {
    let stored: Vec<(String, String)> = on_pool!(db, pool => sqlx::query_as("SELECT name, digest FROM reference_file").fetch_all(pool).await?);
    let changed_files: Vec<String> = r::EMBEDDED_FILES
        .iter()
        .filter(|f| !stored.iter().any(|(n, d)| n == f.name && *d == f.digest()))
        .map(|f| f.name.to_string())
        .collect();
    if changed_files.is_empty() {
        return Ok(LoadReport {
            changed_files,
            areas: 0,
            indicator_values: 0,
        });
    }
    tracing::info!(files = changed_files.len(), "loading reference data");

    let regions = r::regions()?;
    let areas = r::areas()?;
    let successions = r::successions()?;
    let neighbours = r::neighbours()?;
    let ethnicity = r::community_ethnicity()?;
    let population = r::child_population()?;
    let indicators = r::social_work_indicators()?;
    let sw_ethnicity = r::social_work_ethnicity()?;
    let stability = r::cla_social_worker_stability()?;
    let ltla = r::ltla_lookup()?;
    let roles = r::roles()?;

    let mut tx = db.begin_write().await?;
    // Regions: parents first (London before Inner/Outer London).
    for region in regions
        .iter()
        .filter(|r| r.parent.is_none())
        .chain(regions.iter().filter(|r| r.parent.is_some()))
    {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO region (code, name, parent_code) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code")
            .bind(region.code.as_str()).bind(&region.name).bind(region.parent.as_ref().map(|p| p.as_str()))
            .execute(&mut *c).await?.rows_affected());
    }
    for a in &areas {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO area (code, old_la_code, name, kind, region_code, london_subregion, opened, closed, is_joint)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (code) DO UPDATE SET old_la_code = excluded.old_la_code, name = excluded.name,
               kind = excluded.kind, region_code = excluded.region_code, london_subregion = excluded.london_subregion,
               opened = excluded.opened, closed = excluded.closed, is_joint = excluded.is_joint")
            .bind(a.code.as_str()).bind(a.old_la_code_text()).bind(&a.name).bind(a.kind.code())
            .bind(a.region.as_str()).bind(a.london_subregion.as_ref().map(|s| s.as_str()))
            .bind(a.opened).bind(a.closed).bind(a.is_joint())
            .execute(&mut *c).await?.rows_affected());
    }
    for table in [
        "area_member",
        "area_succession",
        "stat_neighbour",
        "community_ethnicity",
        "child_population",
        "published_indicator",
        "published_sw_ethnicity",
        "published_cla_stability",
        "ltla",
    ] {
        on_tx!(&mut tx, c => sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *c).await?.rows_affected());
    }
    for a in areas.iter().filter(|a| a.is_joint()) {
        for m in a.code.members() {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO area_member (joint_area_id, member_area_id)
                 SELECT j.id, m.id FROM area j, area m WHERE j.code = $1 AND m.code = $2")
                .bind(a.code.as_str()).bind(m.as_str()).execute(&mut *c).await?.rows_affected());
        }
    }
    let rows: Vec<Vec<Cell>> = successions
        .iter()
        .map(|s| {
            vec![
                Cell::Text(Some(&s.from)),
                Cell::Text(Some(&s.to)),
                Cell::Text(Some(s.kind.code())),
                Cell::Date(Some(s.on)),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "area_succession",
        &["from_code", "to_code", "kind", "on_date"],
        &rows,
    )
    .await?;

    let codes: Vec<(String, String)> = neighbours
        .iter()
        .map(|n| (n.area.to_string(), n.neighbour.to_string()))
        .collect();
    let rows: Vec<Vec<Cell>> = neighbours
        .iter()
        .zip(&codes)
        .map(|(n, (a, b))| {
            vec![
                Cell::Text(Some(a)),
                Cell::Int(Some(i64::from(n.rank))),
                Cell::Text(Some(b)),
                Cell::Text(Some(n.closeness.code())),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "stat_neighbour",
        &["area_old_code", "rank", "neighbour_old_code", "closeness"],
        &rows,
    )
    .await?;

    let rows: Vec<Vec<Cell>> = ethnicity
        .iter()
        .map(|e| {
            vec![
                Cell::Text(Some(&e.code)),
                Cell::Text(Some(e.level.code())),
                Cell::Text(Some(&e.name)),
                Cell::Int(Some(i64::from(e.category))),
                Cell::Text(Some(&e.label)),
                Cell::Int(i64::try_from(e.persons).ok()),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "community_ethnicity",
        &[
            "geo_code",
            "geo_level",
            "geo_name",
            "category",
            "label",
            "persons",
        ],
        &rows,
    )
    .await?;

    let rows: Vec<Vec<Cell>> = population
        .iter()
        .map(|p| {
            let (v, s) = split(p.children);
            vec![
                Cell::Int(Some(i64::from(p.year))),
                Cell::Text(Some(p.geo.level.code())),
                Cell::Text(Some(&p.geo.code)),
                Cell::Text(Some(&p.geo.name)),
                Cell::Real(v),
                Cell::Text(s),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "child_population",
        &[
            "year",
            "geo_level",
            "geo_code",
            "geo_name",
            "children",
            "symbol",
        ],
        &rows,
    )
    .await?;

    let rows: Vec<Vec<Cell>> = indicators
        .iter()
        .map(|i| {
            let (v, s) = split(i.value);
            vec![
                Cell::Int(Some(i64::from(i.year))),
                Cell::Text(Some(i.geo.level.code())),
                Cell::Text(Some(&i.geo.code)),
                Cell::Text(Some(&i.geo.name)),
                Cell::Text(i.geo.region_code.as_deref()),
                Cell::Text(i.geo.old_la_code.as_deref()),
                Cell::Text(Some(i.indicator)),
                Cell::Real(v),
                Cell::Text(s),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "published_indicator",
        &[
            "year",
            "geo_level",
            "geo_code",
            "geo_name",
            "region_code",
            "old_la_code",
            "indicator",
            "value",
            "symbol",
        ],
        &rows,
    )
    .await?;

    let rows: Vec<Vec<Cell>> = sw_ethnicity
        .iter()
        .map(|e| {
            let (v, s) = split(e.value);
            vec![
                Cell::Int(Some(i64::from(e.year))),
                Cell::Text(Some(e.geo.level.code())),
                Cell::Text(Some(&e.geo.code)),
                Cell::Text(Some(&e.role)),
                Cell::Text(Some(&e.measure)),
                Cell::Real(v),
                Cell::Text(s),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "published_sw_ethnicity",
        &[
            "year",
            "geo_level",
            "geo_code",
            "org_role",
            "measure",
            "value",
            "symbol",
        ],
        &rows,
    )
    .await?;

    let rows: Vec<Vec<Cell>> = stability
        .iter()
        .map(|x| {
            let (n, ns) = split(x.number);
            let (p, ps) = split(x.percentage);
            vec![
                Cell::Int(Some(i64::from(x.year))),
                Cell::Text(Some(x.geo.level.code())),
                Cell::Text(Some(&x.geo.code)),
                Cell::Text(Some(&x.measure)),
                Cell::Real(n),
                Cell::Text(ns),
                Cell::Real(p),
                Cell::Text(ps),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "published_cla_stability",
        &[
            "year",
            "geo_level",
            "geo_code",
            "measure",
            "number",
            "number_symbol",
            "percentage",
            "percentage_symbol",
        ],
        &rows,
    )
    .await?;

    let rows: Vec<Vec<Cell>> = ltla
        .iter()
        .map(|l| {
            vec![
                Cell::Text(Some(&l.code)),
                Cell::Text(Some(&l.name)),
                Cell::Text(Some(&l.utla_code)),
                Cell::Text(Some(&l.utla_name)),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "ltla",
        &["code", "name", "utla_code", "utla_name"],
        &rows,
    )
    .await?;

    for role in &roles {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO role (code, title, footprint, core_wider, role_group, iqf_range, min_qual_level, min_qual_rule, regulator, case_holding)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (code) DO UPDATE SET title = excluded.title, footprint = excluded.footprint,
               core_wider = excluded.core_wider, role_group = excluded.role_group, iqf_range = excluded.iqf_range,
               min_qual_level = excluded.min_qual_level, min_qual_rule = excluded.min_qual_rule,
               regulator = excluded.regulator, case_holding = excluded.case_holding")
            .bind(role.code.as_str()).bind(&role.title).bind(&role.footprint).bind(role.core_wider.code())
            .bind(role.group.code()).bind(role.iqf_range.code()).bind(role.min_qual_level.code())
            .bind(&role.min_qual_rule).bind(role.regulator.as_deref()).bind(role.case_holding)
            .execute(&mut *c).await?.rows_affected());
    }

    let now = now_text();
    for f in r::EMBEDDED_FILES {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO reference_file (name, digest, loaded_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, loaded_at = excluded.loaded_at")
            .bind(f.name).bind(f.digest()).bind(&now).execute(&mut *c).await?.rows_affected());
    }
    tx.bump_data_version().await?;
    tx.commit().await?;
    Ok(LoadReport {
        changed_files,
        areas: areas.len(),
        indicator_values: indicators.len(),
    })
}

/// The role codes the database holds (the catalogue loaded into it).
pub async fn role_codes(db: &Db) -> Result<Vec<String>> {
    on_pool!(db, p => Ok(sqlx::query_scalar("SELECT code FROM role").fetch_all(p).await?))
}
