//! Dashboard panels kept per snapshot generation: figures change only when a return is
//! accepted (which changes the generation), so a dashboard is computed once per change
//! rather than once per view.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cws_analyse::figures::Scope;
use cws_analyse::panels::{Computed, SharedRow, SharedRows, Topic};

/// Which dashboard: the place's scope, the topic, and whether it is protected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PanelKey {
    pub scope: Scope,
    pub topic: Topic,
    pub protect: bool,
    /// The part of the workforce shown.
    pub filter: cws_analyse::figures::Filter,
}

/// Panels computed for one generation of the figures.
struct Held<T> {
    generation: u64,
    value: T,
}

/// The cache of the application (cheap to clone: shared).
#[derive(Clone)]
pub struct PanelCache {
    panels: Arc<Mutex<HashMap<PanelKey, Held<Arc<Computed>>>>>,
    /// Computations running at once: one per core, so a burst of first views queues here
    /// instead of thrashing (each computation is itself parallel).
    pub(super) computing: Arc<tokio::sync::Semaphore>,
    /// The key-figures row of a region, England or a neighbour, shared by every overview.
    rows: Arc<Mutex<HashMap<Scope, Held<SharedRow>>>>,
}

impl Default for PanelCache {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        PanelCache {
            panels: Default::default(),
            computing: Arc::new(tokio::sync::Semaphore::new(cores)),
            rows: Default::default(),
        }
    }
}

impl PanelCache {
    /// The panels held for `key`, if they were computed for `generation`.
    pub(super) fn get(&self, key: &PanelKey, generation: u64) -> Option<Arc<Computed>> {
        self.panels
            .lock()
            .ok()?
            .get(key)
            .filter(|h| h.generation == generation)
            .map(|h| Arc::clone(&h.value))
    }

    pub(super) fn put(&self, key: PanelKey, generation: u64, value: Arc<Computed>) {
        if let Ok(mut held) = self.panels.lock() {
            held.insert(key, Held { generation, value });
        }
    }
}

impl SharedRows for PanelCache {
    fn get(&self, scope: &Scope, generation: u64) -> Option<SharedRow> {
        self.rows
            .lock()
            .ok()?
            .get(scope)
            .filter(|h| h.generation == generation)
            .map(|h| h.value.clone())
    }

    fn put(&self, scope: Scope, generation: u64, row: SharedRow) {
        if let Ok(mut rows) = self.rows.lock() {
            rows.insert(
                scope,
                Held {
                    generation,
                    value: row,
                },
            );
        }
    }
}
