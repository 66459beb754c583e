//! Getting a dashboard's panels (from the cache, or computed off the async threads) and
//! drawing them: a chart, its legend and the table behind it, ready for a template.

use std::sync::Arc;

use cws_analyse::disclosure::Shown;
use cws_analyse::load::LoadError;
use cws_analyse::panels::{self, Around, Computed, Panel, Place, Topic};
use cws_documents::chart::{bar_chart, bar_legend, trim_number};
use cws_domain::user::{Scope as UserScope, UserRole};
use cws_store::geography;

use super::cache::PanelKey;
use crate::access::Viewer;
use crate::{AppState, WebError};

/// Whether figures of `place` are protected for `viewer`: whole only for the area's own
/// workforce lead, who sees its worker-level data anyway. Everyone else — the area's board
/// members and partners, analysts, administrators — sees small numbers suppressed.
pub(crate) fn protected(viewer: Option<&Viewer>, place: &Place) -> bool {
    match (place, viewer.map(|v| (v.access.role(), v.access.scope()))) {
        (Place::Area { code, .. }, Some((UserRole::AreaLead, UserScope::Area { area }))) => {
            area != code
        }
        _ => true,
    }
}

/// The panels of a topic, from the cache when the snapshot has not changed since.
pub(crate) async fn panels(
    state: &AppState,
    place: &Place,
    topic: Topic,
    protect: bool,
    filter: cws_analyse::figures::Filter,
) -> Result<Arc<Computed>, WebError> {
    let snapshot = match state.figures.snapshot(&state.db, None).await {
        Ok(s) => s,
        Err(LoadError::NoCollections) => {
            return Err(WebError::NotFound(
                "There is no collection yet, so there are no figures from returns.".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let mut generation = snapshot.read()?.generation;
    // the overview's trend reads every census held: its page changes with any of them
    let mut earlier = Vec::new();
    if topic == Topic::Overview {
        let collections = cws_store::returns::collections(&state.db).await?;
        if collections.len() > 1 {
            for c in collections {
                let snap = state
                    .figures
                    .snapshot(&state.db, Some(c.census_date))
                    .await?;
                let g = snap.read()?.generation;
                generation = generation.wrapping_mul(1_000_003).wrapping_add(g);
                earlier.push(snap);
            }
        }
    }
    // coverage counts organisations, not posts: no filter applies
    let filter = if topic == Topic::Coverage {
        cws_analyse::figures::Filter::default()
    } else {
        filter
    };
    let key = PanelKey {
        scope: place.scope(),
        topic,
        protect,
        filter,
    };
    if let Some(p) = state.panels.get(&key, generation) {
        return Ok(p);
    }
    let _permit = state.panels.computing.acquire().await?;
    // someone else may have computed it while this request waited
    if let Some(p) = state.panels.get(&key, generation) {
        return Ok(p);
    }
    if topic == Topic::Coverage {
        let collection = cws_store::returns::collection(&state.db, None)
            .await?
            .ok_or_else(|| WebError::NotFound("There is no collection yet.".into()))?;
        let counts = cws_store::returns::coverage_counts(&state.db, collection.id).await?;
        let areas: Vec<(String, String)> =
            cws_store::geography::areas(&state.db, Some(collection.census_date), false)
                .await?
                .into_iter()
                .map(|a| (a.name, a.region_code))
                .collect();
        let computed = Arc::new(panels::coverage_panels(
            &counts,
            collection.census_date,
            place,
            &areas,
        ));
        state.panels.put(key, generation, Arc::clone(&computed));
        return Ok(computed);
    }
    let mut around = around(state, &snapshot, place, topic).await?;
    around.filter = filter;
    // computing is CPU work: off the async threads, so cached pages keep flowing meanwhile
    let (snap, owned_place, cache) = (Arc::clone(&snapshot), place.clone(), state.panels.clone());
    let settings = state.settings;
    let computed = tokio::task::spawn_blocking(move || {
        let guard = snap.read()?;
        let mut computed = panels::topic_panels(
            &guard,
            &owned_place,
            topic,
            protect,
            around,
            &cache,
            &settings,
        )?;
        if !earlier.is_empty() {
            let guards = earlier
                .iter()
                .map(|s| s.read())
                .collect::<Result<Vec<_>, _>>()?;
            let snaps: Vec<&cws_analyse::Snapshot> = guards.iter().map(|g| &**g).collect();
            computed.panels.insert(
                1,
                panels::trend_panel(
                    &snaps,
                    &owned_place,
                    protect,
                    settings.min_aggregate_coverage,
                    filter,
                )?,
            );
        }
        Ok::<_, WebError>(computed)
    })
    .await??;
    let computed = Arc::new(computed);
    state.panels.put(key, generation, Arc::clone(&computed));
    Ok(computed)
}

/// What a topic needs from the store: the community for diversity, the neighbours for an
/// area's overview.
async fn around(
    state: &AppState,
    snapshot: &std::sync::RwLock<cws_analyse::Snapshot>,
    place: &Place,
    topic: Topic,
) -> Result<Around, WebError> {
    let mut around = Around::default();
    if topic == Topic::Diversity {
        let geography = snapshot.read()?.community_geography(&place.scope());
        around.community = cws_store::community::community(
            &state.db,
            cws_store::community::RESIDENTS,
            &geography.code,
            &geography.areas,
        )
        .await?;
    }
    if let (
        Topic::Overview,
        Place::Area {
            code,
            region_code,
            region_name,
            ..
        },
    ) = (topic, place)
    {
        if let Some(a) = geography::area(&state.db, code).await? {
            for n in geography::neighbours(&state.db, &a.old_la_code).await? {
                if let (Some(code), Some(name)) = (n.code, n.name) {
                    around.neighbours.push(Place::Area {
                        code,
                        name: format!("{name} (neighbour {})", n.rank),
                        region_code: region_code.clone(),
                        region_name: region_name.clone(),
                    });
                }
            }
        }
    }
    Ok(around)
}

/// A panel ready for a template: chart, legend and the table behind it.
pub(crate) struct PanelView {
    pub id: String,
    pub title: String,
    pub svg: String,
    pub legend: String,
    pub header: Vec<String>,
    /// The value columns' machine names and labels (the areas table sorts by them).
    pub columns: Vec<(String, String)>,
    pub rows: Vec<(Vec<String>, Vec<String>, bool)>,
    pub footnote: String,
    pub caption: String,
}

/// Drawing a panel.
pub(crate) trait Draw {
    /// The chart for a page.
    fn svg(&self) -> String;
    /// The chart as a file: with its title and legend.
    /// The chart as a file of its own, titled; labelled when its data is synthetic.
    fn standalone_svg(&self, synthetic: bool) -> String;
    fn view(&self) -> PanelView;
}

impl Draw for Panel {
    fn svg(&self) -> String {
        let categories: Vec<String> = self
            .chart_rows
            .iter()
            .map(|&r| self.chart_category(r))
            .collect();
        let series: Vec<(String, Vec<Shown>)> = self
            .chart_columns
            .iter()
            .map(|&c| {
                (
                    self.table.columns[c].label.clone(),
                    self.chart_rows
                        .iter()
                        .map(|&r| self.table.rows[r].values[c])
                        .collect(),
                )
            })
            .collect();
        bar_chart(
            &self.id,
            &self.title,
            &self.description,
            &categories,
            &series,
        )
    }

    fn standalone_svg(&self, synthetic: bool) -> String {
        let legend: Vec<String> = self
            .chart_columns
            .iter()
            .map(|&c| self.table.columns[c].label.clone())
            .collect();
        let subtitle = if synthetic {
            format!("{} · SYNTHETIC DATA, no real person", self.table.title)
        } else {
            self.table.title.clone()
        };
        cws_documents::chart::standalone(&self.svg(), &self.title, &subtitle, &legend)
    }

    fn view(&self) -> PanelView {
        let p = self;
        PanelView {
            id: p.id.clone(),
            title: p.title.clone(),
            svg: p.svg(),
            legend: bar_legend(
                &p.chart_columns
                    .iter()
                    .map(|&c| p.table.columns[c].label.clone())
                    .collect::<Vec<_>>(),
            ),
            header: std::iter::once(String::new())
                .chain(p.table.columns.iter().map(|c| c.label.clone()))
                .collect(),
            columns: p
                .table
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.label.clone()))
                .collect(),
            rows: p
                .table
                .rows
                .iter()
                .map(|r| {
                    (
                        r.labels.clone(),
                        r.values
                            .iter()
                            .map(|v| match v {
                                Shown::Value(x) => trim_number(*x),
                                Shown::Symbol(s) => s.to_string(),
                            })
                            .collect(),
                        r.labels.iter().any(|l| l == "Total"),
                    )
                })
                .collect(),
            footnote: p.table.footnote.clone(),
            caption: p.table.title.clone(),
        }
    }
}
