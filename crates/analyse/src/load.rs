//! Building a snapshot from the store.

use cws_store::{geography, returns, Db, StoreError};

use crate::snapshot::{AreaInfo, Snapshot};

/// A problem building a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Reference(#[from] cws_reference::ReferenceError),
    #[error("there is no collection for the census date {0}")]
    NoCollection(chrono::NaiveDate),
    #[error("there is no collection yet: create one with `cws collection create`")]
    NoCollections,
    #[error("a snapshot was left unusable by a failure while it was being updated")]
    Poisoned,
}

/// Builds the snapshot of a collection (the latest when `census` is `None`) from the current
/// return of every organisation.
pub async fn load(db: &Db, census: Option<chrono::NaiveDate>) -> Result<Snapshot, LoadError> {
    let collection = returns::collection(db, census).await?.ok_or(match census {
        Some(d) => LoadError::NoCollection(d),
        None => LoadError::NoCollections,
    })?;
    let census = collection.census_date;
    let areas = geography::areas(db, Some(census), false)
        .await?
        .into_iter()
        .map(|a| AreaInfo {
            id: a.id,
            code: a.code,
            name: a.name,
            region_code: a.region_code,
            region_name: a.region_name,
        })
        .collect();
    let orgs = returns::all_organisations(db).await?;
    let mut snap = Snapshot::new(Some(census), areas, &orgs, cws_reference::roles()?);
    // posts arrive ordered by organisation; each organisation's are added together
    let mut current: Option<cws_store::OrganisationId> = None;
    let mut posts = Vec::new();
    returns::for_each_current_post(db, collection.id, |p| {
        if current != Some(p.organisation_id) {
            if let Some(org) = current.and_then(|id| snap.org_of(id)) {
                snap.push_posts(org, &posts);
            }
            posts.clear();
            current = Some(p.organisation_id);
        }
        posts.push(p.record);
    })
    .await?;
    if let Some(org) = current.and_then(|id| snap.org_of(id)) {
        snap.push_posts(org, &posts);
    }
    for (org_id, v) in returns::current_vacancies(db, collection.id).await? {
        if let Some(org) = snap.org_of(org_id) {
            snap.push_vacancies(org, std::slice::from_ref(&v));
        }
    }
    Ok(snap)
}

/// Every census held, the latest first: what a projection pools its rates over.
pub async fn every_census(db: &Db) -> Result<Vec<Snapshot>, LoadError> {
    let latest = load(db, None).await?;
    let mut held = vec![latest];
    for c in returns::collections(db).await? {
        if Some(c.census_date) != held[0].census {
            held.push(load(db, Some(c.census_date)).await?);
        }
    }
    Ok(held)
}
