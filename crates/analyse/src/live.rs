//! Snapshots kept warm for a server: each census's snapshot is built from the store once, on
//! first use, and afterwards brought up to date by replacing only the organisations whose
//! current return has changed (after an import is accepted), so figures are computed from
//! memory, never by re-reading millions of posts.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use cws_store::{returns, CollectionId, Db, OrganisationId, ReturnId};

use crate::load::{load, LoadError};
use crate::snapshot::Snapshot;

/// A census's snapshot and the return it holds for each organisation.
struct Held {
    snapshot: Arc<RwLock<Snapshot>>,
    collection_id: CollectionId,
    returns: HashMap<OrganisationId, ReturnId>,
}

/// Warm snapshots by census date.
#[derive(Default, Clone)]
pub struct LiveFigures {
    held: Arc<tokio::sync::Mutex<HashMap<NaiveDate, Held>>>,
    /// When the store's data version was last read, and what it was.
    seen: Arc<std::sync::Mutex<Option<Seen>>>,
}

/// The store's data version as last read, and when.
type Seen = (std::time::Instant, returns::DataVersion);

/// How often a server looks whether another process changed the data: so a return stored
/// by the command line or a second instance shows within a second.
const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

impl LiveFigures {
    /// Brings the snapshots up to date when another process has changed the stored returns
    /// since last looked (at most once a second; a cheap query otherwise).
    async fn catch_up(&self, db: &Db) -> Result<(), LoadError> {
        let due = match *self.seen.lock().map_err(|_| LoadError::Poisoned)? {
            Some((at, _)) => at.elapsed() >= LOOK_EVERY,
            None => true,
        };
        if !due {
            return Ok(());
        }
        let now = returns::data_version(db).await?;
        let before = self
            .seen
            .lock()
            .map_err(|_| LoadError::Poisoned)?
            .replace((std::time::Instant::now(), now))
            .map(|(_, v)| v);
        match before {
            // organisations or reference data changed: every snapshot is built again on use
            Some(v) if v.other != now.other => self.held.lock().await.clear(),
            // only returns: those that changed are read
            Some(v) if v != now => {
                self.refresh_all(db).await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The snapshot of a census (the latest when `None`): built on first use, then kept.
    pub async fn snapshot(
        &self,
        db: &Db,
        census: Option<NaiveDate>,
    ) -> Result<Arc<RwLock<Snapshot>>, LoadError> {
        self.catch_up(db).await?;
        let collection = returns::collection(db, census).await?.ok_or(match census {
            Some(d) => LoadError::NoCollection(d),
            None => LoadError::NoCollections,
        })?;
        let mut held = self.held.lock().await;
        if let Some(h) = held.get(&collection.census_date) {
            return Ok(Arc::clone(&h.snapshot));
        }
        // what the snapshot holds is read first: a return accepted meanwhile is caught up
        // by the next refresh
        let ids = returns::current_return_ids(db, collection.id).await?;
        let snap = load(db, Some(collection.census_date)).await?;
        let h = Held {
            snapshot: Arc::new(RwLock::new(snap)),
            collection_id: collection.id,
            returns: ids,
        };
        let out = Arc::clone(&h.snapshot);
        held.insert(collection.census_date, h);
        Ok(out)
    }

    /// Every census's snapshot, the latest first (`crate::load::every_census`'s order), each
    /// built on first use and then kept, so a projection reads no post from the store twice.
    pub async fn every_census(&self, db: &Db) -> Result<Vec<Arc<RwLock<Snapshot>>>, LoadError> {
        let latest = self.snapshot(db, None).await?;
        let latest_census = latest.read().map_err(|_| LoadError::Poisoned)?.census;
        let mut held = vec![latest];
        for c in returns::collections(db).await? {
            if Some(c.census_date) != latest_census {
                held.push(self.snapshot(db, Some(c.census_date)).await?);
            }
        }
        Ok(held)
    }

    /// Brings every built snapshot up to date (after an import).
    pub async fn refresh_all(&self, db: &Db) -> Result<usize, LoadError> {
        let held: Vec<NaiveDate> = self.held.lock().await.keys().copied().collect();
        let mut n = 0;
        for census in held {
            n += self.refresh(db, census).await?;
        }
        Ok(n)
    }

    /// Brings a census's snapshot (if built) up to date with the store: organisations whose
    /// current return changed are replaced, nothing else is touched. Returns how many were.
    pub async fn refresh(&self, db: &Db, census: NaiveDate) -> Result<usize, LoadError> {
        let mut held = self.held.lock().await;
        let Some(h) = held.get_mut(&census) else {
            return Ok(0);
        };
        let now = returns::current_return_ids(db, h.collection_id).await?;
        let changed: Vec<(OrganisationId, ReturnId)> = now
            .iter()
            .filter(|(org, id)| h.returns.get(org) != Some(id))
            .map(|(o, i)| (*o, *i))
            .collect();
        let known = {
            let snap = h.snapshot.read().map_err(|_| LoadError::Poisoned)?;
            changed.iter().all(|(org, _)| snap.org_of(*org).is_some())
        };
        if !known {
            // an organisation registered since the snapshot was built: build it again
            let snap = load(db, Some(census)).await?;
            *h.snapshot.write().map_err(|_| LoadError::Poisoned)? = snap;
            h.returns = now;
            return Ok(changed.len());
        }
        // organisations whose data was deleted: nothing of theirs stays
        let gone: Vec<OrganisationId> = h
            .returns
            .keys()
            .filter(|org| !now.contains_key(org))
            .copied()
            .collect();
        for org in &gone {
            h.snapshot
                .write()
                .map_err(|_| LoadError::Poisoned)?
                .replace_organisation(*org, &[], &[]);
            h.returns.remove(org);
        }
        for (org, return_id) in &changed {
            let workers = returns::return_workers(db, *return_id).await?;
            let vacancies = returns::return_vacancies(db, *return_id).await?;
            h.snapshot
                .write()
                .map_err(|_| LoadError::Poisoned)?
                .replace_organisation(*org, &workers, &vacancies);
            h.returns.insert(*org, *return_id);
        }
        Ok(changed.len() + gone.len())
    }
}
