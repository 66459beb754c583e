//! Loading a synthetic workforce into the store, atomically: one write transaction replaces
//! any earlier synthetic data, so a failure leaves the previous data as it was.

use std::collections::HashMap;
use std::sync::Arc;

use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::collection::{Collection, Vacancy};
use cws_domain::worker::WorkerRecord;
use cws_store::{geography, workforce, AreaId, Db, OrganisationId, ReturnId};
use rayon::prelude::*;

use crate::generate::{generate_area, AreaWorkforce, Context};
use crate::inputs::{plan, Scale};
use crate::{census_date, SynthError};

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    pub areas: usize,
    pub organisations: usize,
    pub workers: usize,
    pub vacancies: usize,
    /// True when the same seed and scale were already loaded and nothing was done.
    pub reused: bool,
}

/// Generates the workforce for `scale` and stores it, unless the same seed and scale are
/// already stored (then it is reused) — pass `force` to regenerate anyway.
/// `progress(areas_done, areas_total, workers_so_far)` is called after each area.
pub async fn load(
    db: &Db,
    scale: &Scale,
    seed: u64,
    pseudo: Pseudonymiser,
    force: bool,
    progress: &(dyn Fn(usize, usize, usize) + Sync),
) -> Result<LoadSummary, SynthError> {
    let census = census_date();
    let areas = plan(scale)?;
    if !force {
        if let Some(run) = workforce::synthetic_run(db).await? {
            if run.seed == seed as i64
                && run.scale == scale.to_string()
                && run.census_date == census
            {
                return Ok(LoadSummary {
                    areas: areas.len(),
                    organisations: run.organisations as usize,
                    workers: run.workers as usize,
                    vacancies: 0,
                    reused: true,
                });
            }
        }
    }
    let area_ids: HashMap<String, AreaId> = geography::areas(db, None, true)
        .await?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    let total = areas.len();
    let ctx = Arc::new(Context::new(seed, census, pseudo)?);

    // Generate areas in parallel on rayon's threads; store them one by one as they arrive.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<AreaWorkforce>(4);
    let generator = {
        let ctx = Arc::clone(&ctx);
        std::thread::spawn(move || {
            areas.par_iter().for_each_with(sender, |s, a| {
                // A closed channel means the loader stopped; nothing left to do.
                let _ = s.blocking_send(generate_area(&ctx, a));
            });
        })
    };

    let mut tx = db.begin_write().await?;
    workforce::delete_synthetic(&mut tx).await?;
    let collection = Collection::default_for_year(2025)
        .ok_or_else(|| SynthError::Scale("no 2025 collection".into()))?;
    let collection_id = workforce::ensure_collection(&mut tx, &collection).await?;
    // the census before, with the same people where they stayed, so trends, tracking and
    // the board report have two censuses to move between
    let previous = Collection::default_for_year(2024)
        .ok_or_else(|| SynthError::Scale("no 2024 collection".into()))?;
    let previous_id = workforce::ensure_collection(&mut tx, &previous).await?;
    let mut summary = LoadSummary {
        areas: 0,
        organisations: 0,
        workers: 0,
        vacancies: 0,
        reused: false,
    };
    while let Some(area) = receiver.recv().await {
        let area_id = *area_ids.get(&area.area.code).ok_or_else(|| {
            SynthError::Scale(format!(
                "area {} is not in the store: load reference data first",
                area.area.code
            ))
        })?;
        let orgs: Vec<_> = area.orgs.iter().map(|o| o.org.clone()).collect();
        let org_ids = workforce::insert_organisations(&mut tx, area_id, &orgs, true).await?;
        let ids: Vec<OrganisationId> = orgs
            .iter()
            .filter_map(|o| org_ids.get(o.reference.as_str()).copied())
            .collect();
        // the latest census still waits for some private and voluntary employers' returns
        let returned: Vec<OrganisationId> = orgs
            .iter()
            .filter(|o| !crate::generate::return_outstanding(o))
            .filter_map(|o| org_ids.get(o.reference.as_str()).copied())
            .collect();
        let return_ids =
            workforce::create_returns(&mut tx, collection_id, &returned, "synthetic", true).await?;
        let previous_ids =
            workforce::create_returns(&mut tx, previous_id, &ids, "synthetic", true).await?;
        let mut workers: Vec<(ReturnId, WorkerRecord)> = Vec::with_capacity(area.worker_count());
        let mut vacancies: Vec<(ReturnId, Vacancy)> = Vec::new();
        let mut earlier_workers: Vec<(ReturnId, WorkerRecord)> = Vec::new();
        let mut earlier_vacancies: Vec<(ReturnId, Vacancy)> = Vec::new();
        for o in &area.orgs {
            let Some(rid) = org_ids
                .get(o.org.reference.as_str())
                .and_then(|id| previous_ids.get(id))
                .copied()
            else {
                continue;
            };
            let (w, v) = crate::generate::previous_census(&ctx, o);
            earlier_workers.extend(w.into_iter().map(|w| (rid, w)));
            earlier_vacancies.extend(v.into_iter().map(|v| (rid, v)));
        }
        workforce::insert_workers(&mut tx, &earlier_workers).await?;
        workforce::insert_vacancies(&mut tx, &earlier_vacancies).await?;
        for o in area.orgs {
            let Some(rid) = org_ids
                .get(o.org.reference.as_str())
                .and_then(|id| return_ids.get(id))
                .copied()
            else {
                continue;
            };
            workers.extend(o.workers.into_iter().map(|w| (rid, w.record)));
            vacancies.extend(o.vacancies.into_iter().map(|v| (rid, v)));
        }
        workforce::insert_workers(&mut tx, &workers).await?;
        workforce::insert_vacancies(&mut tx, &vacancies).await?;
        summary.areas += 1;
        summary.organisations += orgs.len();
        summary.workers += workers.len();
        summary.vacancies += vacancies.len();
        progress(summary.areas, total, summary.workers);
    }
    if generator.join().is_err() {
        return Err(SynthError::Scale("the generator thread failed".into()));
    }
    workforce::record_synthetic_run(
        &mut tx,
        &workforce::SyntheticRun {
            seed: seed as i64,
            scale: scale.to_string(),
            census_date: census,
            organisations: summary.organisations as i64,
            workers: summary.workers as i64,
            created_at: chrono::Utc::now().to_rfc3339(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}
