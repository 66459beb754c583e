//! The backcast of the projection on DfE's published children's social work workforce
//! indicators (docs/definitions.md §7.8): every area, region and England fitted on
//! 2017–2021 and projected to 2025 with the projection's own model
//! (`cws_project::backcast`), scored against the published in-post FTE beside the naive
//! forecast (2021 held flat). Regions and England are projected from their own published
//! totals, which count areas that were reorganised on the way (Northamptonshire in 2021,
//! Cumbria in 2023) and so have no history of their own as areas.

use std::collections::BTreeMap;

use cws_project::backcast::{backcast, Backcast, Check, History, Score};
use cws_project::monte_carlo::Options;
use cws_reference::{GeoLevel, IndicatorRow};
use serde::Serialize;

/// The last year fitted; later years are checked.
pub const FIT_LAST: i32 = 2021;

/// A place with a published history.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub level: GeoLevel,
    pub code: String,
    pub name: String,
    pub region_code: Option<String>,
    /// The area's three-digit DfE number, where it has one.
    pub old_code: Option<String>,
    pub history: History,
}

const SERIES: [&str; 4] = [
    "inpost_fte",
    "inpost_headcount",
    "starters_fte",
    "leavers_fte",
];

/// Every place's series from the published rows, England first, then the regions, then
/// the areas, each in code order.
pub fn places(rows: &[IndicatorRow]) -> Vec<Place> {
    // (level's order, code) → the place and its values by year, in `SERIES` order
    type Years = BTreeMap<i32, [Option<f64>; 4]>;
    let mut by_place: BTreeMap<(u8, String), (Place, Years)> = BTreeMap::new();
    for r in rows {
        let Some(series) = SERIES.iter().position(|s| *s == r.indicator) else {
            continue;
        };
        let order = match r.geo.level {
            GeoLevel::National => 0,
            GeoLevel::Regional => 1,
            GeoLevel::LocalAuthority => 2,
        };
        // an area is known by its DfE number, which stays when only its GSS code changes
        // (Barnsley and Sheffield in 2024, Buckinghamshire's council in 2020)
        let key = match (&r.geo.level, &r.geo.old_la_code) {
            (GeoLevel::LocalAuthority, Some(number)) => number.clone(),
            _ => r.geo.code.clone(),
        };
        let (place, years) = by_place.entry((order, key)).or_insert_with(|| {
            (
                Place {
                    level: r.geo.level,
                    code: r.geo.code.clone(),
                    name: r.geo.name.clone(),
                    region_code: r.geo.region_code.clone(),
                    old_code: r.geo.old_la_code.clone(),
                    history: History::default(),
                },
                BTreeMap::new(),
            )
        });
        // the place's code and name are its latest
        if years.keys().next_back().is_none_or(|last| r.year >= *last) {
            place.code.clone_from(&r.geo.code);
            place.name.clone_from(&r.geo.name);
        }
        years.entry(r.year).or_default()[series] = r.value.number();
    }
    by_place
        .into_values()
        .map(|(mut place, years)| {
            let h = &mut place.history;
            for (year, [fte, heads, starters, leavers]) in years {
                h.years.push(year);
                h.in_post_fte.push(fte);
                h.in_post_heads.push(heads);
                h.starters_fte.push(starters);
                h.leavers_fte.push(leavers);
            }
            place
        })
        .collect()
}

/// One place's backcast, or why it has none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceResult {
    pub level: &'static str,
    pub code: String,
    pub name: String,
    pub backcast: Option<Backcast>,
    pub score: Option<Score>,
    /// Why there is no backcast.
    pub unfit: Option<String>,
}

/// The checks of one level (areas, regions, England) together, and by years ahead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelScore {
    pub level: &'static str,
    /// Places scored, of the places published.
    pub places: usize,
    pub published: usize,
    /// Places whose own median error is below the naive forecast's.
    pub beating_naive: usize,
    pub all: Option<Score>,
    /// `(years ahead, score)` for 1, 2, … years after the fit.
    pub by_years_ahead: Vec<(i32, Score)>,
}

/// The whole backcast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub fit_last: i32,
    pub runs: usize,
    pub seed: u64,
    pub levels: Vec<LevelScore>,
    pub places: Vec<PlaceResult>,
}

fn level_name(level: GeoLevel) -> &'static str {
    match level {
        GeoLevel::National => "England",
        GeoLevel::Regional => "Region",
        GeoLevel::LocalAuthority => "Area",
    }
}

/// Backcasts every place fitted up to `FIT_LAST`.
pub fn report(places: &[Place], options: Options) -> Report {
    let results: Vec<(GeoLevel, PlaceResult)> = places
        .iter()
        .map(|p| {
            let (backcast, unfit) = match backcast(&p.history, FIT_LAST, options) {
                Ok(b) => (Some(b), None),
                Err(e) => (None, Some(e.to_string())),
            };
            let score = backcast.as_ref().and_then(|b| Score::of(&b.checks));
            (
                p.level,
                PlaceResult {
                    level: level_name(p.level),
                    code: p.code.clone(),
                    name: p.name.clone(),
                    backcast,
                    score,
                    unfit,
                },
            )
        })
        .collect();
    let levels = [
        GeoLevel::LocalAuthority,
        GeoLevel::Regional,
        GeoLevel::National,
    ]
    .into_iter()
    .map(|level| {
        let of_level: Vec<&PlaceResult> = results
            .iter()
            .filter(|(l, _)| *l == level)
            .map(|(_, r)| r)
            .collect();
        let checks: Vec<&Check> = of_level
            .iter()
            .filter_map(|r| r.backcast.as_ref())
            .flat_map(|b| &b.checks)
            .collect();
        let last = checks.iter().map(|c| c.year).max().unwrap_or(FIT_LAST);
        LevelScore {
            level: level_name(level),
            places: of_level.iter().filter(|r| r.score.is_some()).count(),
            published: of_level.len(),
            beating_naive: of_level
                .iter()
                .filter(|r| r.score.is_some_and(|s| s.beats_naive()))
                .count(),
            all: Score::of(checks.iter().copied()),
            by_years_ahead: (1..=last - FIT_LAST)
                .filter_map(|ahead| {
                    Score::of(
                        checks
                            .iter()
                            .copied()
                            .filter(|c| c.year - FIT_LAST == ahead),
                    )
                    .map(|s| (ahead, s))
                })
                .collect(),
        }
    })
    .collect();
    Report {
        fit_last: FIT_LAST,
        runs: options.runs,
        seed: options.seed,
        levels,
        places: results.into_iter().map(|(_, r)| r).collect(),
    }
}
