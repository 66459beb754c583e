//! A place's projection, as the command line and the web pages show it (docs/definitions.md
//! §7): each of its areas with returns measured over every census held, its need carried
//! with its children, its runs made on its own seed stream and joined draw by draw with the
//! others', and the lines by year and role group, small groups hidden where protected.

use cws_project::model::expected;
use cws_project::monte_carlo::{simulate, Bands, Draws, Options};
use cws_project::{Levers, ProjectError};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::need::{area_need, bases, Drivers, NeedBasis};
use crate::projection::{Held, Measured, EARLIER_WEIGHT};
use crate::Snapshot;

/// Counts of 1 to this many people at the census are not shown where protected.
pub const SMALL: f64 = 5.0;

/// What to project.
#[derive(Debug, Clone)]
pub struct Request {
    /// The areas of the place (indices in the latest snapshot).
    pub areas: Vec<usize>,
    pub levers: Levers,
    pub horizon: i32,
    pub runs: usize,
    pub seed: u64,
    /// Hide role groups of 1 to `SMALL` people (outside the area lead's own view).
    pub protect: bool,
    /// Keep each run's people by qualification tier and the runs themselves (`Projected::
    /// draws`), for the chance of meeting a target.
    pub keep_tiers: bool,
}

/// Why a place cannot be projected.
#[derive(Debug, thiserror::Error)]
pub enum ProjectedError {
    #[error("the collection has no census date")]
    NoCensus,
    #[error("there are no workforce returns at the census of {0} to project from")]
    NoReturns(i32),
    #[error(transparent)]
    Project(#[from] ProjectError),
}

/// One line of the result: a year and role group (or all of them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub year: i32,
    pub role_group: String,
    /// Employed and agency FTE on expected values; None where suppressed.
    pub supply_fte: Option<f64>,
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub people_p50: Option<f64>,
    /// Need on expected values, and the gap (need less supply) P10/P50/P90, where known.
    pub demand_fte: Option<f64>,
    pub gap_p10: Option<f64>,
    pub gap_p50: Option<f64>,
    pub gap_p90: Option<f64>,
    /// The gap P50 as a percentage of need: a vacancy-rate equivalent (at the census, vacant
    /// FTE over supply and vacant FTE); below zero, more than is needed. None where need is
    /// not known or is zero.
    pub gap_pct_p50: Option<f64>,
}

/// The gap as a percentage of need, to one decimal place.
fn gap_pct(gap: Option<f64>, need: Option<f64>) -> Option<f64> {
    match (gap, need) {
        (Some(g), Some(n)) if n > 0.0 => Some((g / n * 1000.0).round() / 10.0),
        _ => None,
    }
}

impl Line {
    pub const ALL_GROUPS: &'static str = "All role groups";

    pub fn is_total(&self) -> bool {
        self.role_group == Self::ALL_GROUPS
    }
}

/// What a projection needs to be made again: the digest of everything that went in, and the
/// versions of what made it. The same digest, model and seed give byte-identical figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replay {
    /// SHA-256 of the areas' measured inputs (people, rates, joiners, need), the levers,
    /// the horizon, the runs and the seed.
    pub inputs_digest: String,
    pub model_version: u32,
    pub cws_version: &'static str,
    pub census_years: Vec<i32>,
}

/// What moved in a year, all role groups, on expected values (people).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct YearFlows {
    pub year: i32,
    /// People in post at the year's start.
    pub start: f64,
    pub leavers: f64,
    pub retirements: f64,
    pub joiners: f64,
    pub from_agency: f64,
    /// People in post at the year's end.
    pub end: f64,
}

/// People in post by age band at the census and at the horizon, on expected values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pyramid {
    /// (band's label, at the census, at the horizon); None where protected.
    pub bands: Vec<(&'static str, Option<f64>, Option<f64>)>,
}

/// People in post of a role group and age band in a year, expected (the P10–P90 bands are
/// drawn for role groups, not for their age bands).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandLine {
    pub year: i32,
    pub role_group: String,
    pub age_band: &'static str,
    /// None where protected (1 to 5 people outside the area lead's own view).
    pub people: Option<f64>,
}

/// A full day care setting at the census: its early years staff and graduates, and whether
/// it is in a disadvantaged area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DaySetting {
    pub setting: cws_project::coverage::Setting,
    pub disadvantaged: bool,
}

/// The full day care settings of the snapshot's `areas` at its census.
pub fn day_care_settings(snap: &Snapshot, areas: &[usize]) -> Vec<DaySetting> {
    let Some(census) = snap.census else {
        return Vec::new();
    };
    let mut in_scope = vec![false; snap.areas.len()];
    for &a in areas {
        if let Some(x) = in_scope.get_mut(a) {
            *x = true;
        }
    }
    let mut settings: Vec<(u32, DaySetting)> = crate::figures::full_day_care(
        snap,
        crate::snapshot::days(Some(census)),
        &in_scope,
        0..snap.len(),
    )
    .into_iter()
    .map(|(org, d)| {
        (
            org,
            DaySetting {
                setting: cws_project::coverage::Setting {
                    staff: d.staff,
                    graduates: d.graduates,
                },
                disadvantaged: snap.orgs[org as usize].disadvantaged,
            },
        )
    })
    .collect();
    // in the organisations' order, so the same returns give the same figures
    settings.sort_by_key(|(org, _)| *org);
    settings.into_iter().map(|(_, d)| d).collect()
}

/// A place's projection.
#[derive(Debug, Clone, Serialize)]
pub struct Projected {
    /// The runs joined over the place's areas, where asked for (`Request::keep_tiers`).
    #[serde(skip)]
    pub draws: Option<cws_project::monte_carlo::Draws>,
    /// The place's full day care settings at the census, with the runs (for targets of
    /// settings coverage).
    #[serde(skip)]
    pub day_care: Vec<DaySetting>,
    /// People by year, role group and age band, expected.
    pub band_lines: Vec<BandLine>,
    pub replay: Replay,
    /// Each year's flows, all role groups, on expected values.
    pub flows: Vec<YearFlows>,
    pub pyramid: Pyramid,
    pub census_year: i32,
    pub horizon: i32,
    /// Areas whose returns the projection rests on, of those in the place.
    pub areas_with_returns: usize,
    pub areas: usize,
    pub notes: Vec<String>,
    /// What each role group's need follows, where need is known.
    pub need_basis: Vec<NeedBasis>,
    pub lines: Vec<Line>,
}

impl Projected {
    /// The lines as a table for download: a suppressed figure is `c`, need not known `x`.
    /// People by year, role group and age band (expected) as a table.
    pub fn band_table(&self, title: String) -> crate::export::Table {
        use crate::disclosure::Shown;
        use crate::export::{Column, Table, TableRow};
        Table {
            title,
            label_columns: vec!["Year".into(), "Role group".into(), "Age band".into()],
            columns: vec![Column::new("people", "People in post (expected)")],
            rows: self
                .band_lines
                .iter()
                .map(|b| TableRow {
                    labels: vec![
                        b.year.to_string(),
                        b.role_group.clone(),
                        b.age_band.to_string(),
                    ],
                    values: vec![b.people.map_or(Shown::Symbol("c"), Shown::Value)],
                })
                .collect(),
            footnote: format!(
                "Projected from the census of {}, on expected values (the P10 to P90 bands are drawn for role groups, not their age bands). c: not shown, 1 to {SMALL} people. Inputs digest {}, model {}, cws {}.",
                self.census_year,
                self.replay.inputs_digest,
                self.replay.model_version,
                self.replay.cws_version
            ),
            chart: None,
        }
    }

    pub fn table(&self, title: String) -> crate::export::Table {
        use crate::disclosure::Shown;
        use crate::export::{Column, Table, TableRow};
        let rows = self
            .lines
            .iter()
            .map(|l| {
                let hidden = l.supply_fte.is_none();
                let shown = |v: Option<f64>| match v {
                    Some(v) => Shown::Value(v),
                    None if hidden => Shown::Symbol("c"),
                    None => Shown::Symbol("x"),
                };
                TableRow {
                    labels: vec![l.year.to_string(), l.role_group.clone()],
                    values: vec![
                        shown(l.supply_fte),
                        shown(l.p10),
                        shown(l.p50),
                        shown(l.p90),
                        shown(l.people_p50),
                        shown(l.demand_fte),
                        shown(l.gap_p10),
                        shown(l.gap_p50),
                        shown(l.gap_p90),
                        shown(l.gap_pct_p50),
                    ],
                }
            })
            .collect();
        Table {
            title,
            label_columns: vec!["Year".into(), "Role group".into()],
            columns: vec![
                Column::new("supply_fte", "Supply FTE (expected)"),
                Column::new("supply_fte_p10", "Supply FTE, P10"),
                Column::new("supply_fte_p50", "Supply FTE, P50"),
                Column::new("supply_fte_p90", "Supply FTE, P90"),
                Column::new("people_p50", "People, P50"),
                Column::new("demand_fte", "Need FTE"),
                Column::new("gap_fte_p10", "Gap FTE, P10"),
                Column::new("gap_fte_p50", "Gap FTE, P50"),
                Column::new("gap_fte_p90", "Gap FTE, P90"),
                Column::new("gap_pct_of_need_p50", "Gap as % of need, P50"),
            ],
            rows,
            footnote: format!(
                "Projected from the census of {} ({} of {} areas' returns). c: not shown, a role group of 1 to {SMALL} people; x: not known. {} Inputs digest {}, model {}, cws {}.",
                self.census_year,
                self.areas_with_returns,
                self.areas,
                self.notes.join(" "),
                self.replay.inputs_digest,
                self.replay.model_version,
                self.replay.cws_version
            ),
            // no bar chart of years × role groups in the workbook: the page draws the fan
            chart: Some(crate::export::ChartSpec {
                rows: 0..0,
                columns: Vec::new(),
            }),
        }
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Projects the place `request.areas` of `held[0]` (the latest census; the others are
/// earlier ones) to the horizon.
pub fn project(
    held: &[&Snapshot],
    request: &Request,
    drivers: &Drivers,
) -> Result<Projected, ProjectedError> {
    let snap = *held.first().ok_or(ProjectedError::NoCensus)?;
    let census = snap.census.ok_or(ProjectedError::NoCensus)?;
    let base = chrono::Datelike::year(&census);
    let horizon = request.horizon;
    let with_returns = snap.areas_with_returns();
    let counted = Held::new(held);
    let measured: Vec<(usize, Measured)> = request
        .areas
        .iter()
        .filter(|&&i| with_returns.get(i).copied().unwrap_or(false))
        .filter_map(|&i| counted.measure(&snap.areas[i].code).map(|m| (i, m)))
        .collect();
    if measured.is_empty() {
        return Err(ProjectedError::NoReturns(base));
    }
    let mut digest = Sha256::new();
    let mut flows: Vec<YearFlows> = Vec::new();
    let mut by_band = vec![[0.0f64; 2]; cws_project::cells::BANDS];
    // people by year × role group × age band, expected
    let mut by_group_band: Vec<Vec<[f64; cws_project::cells::BANDS]>> = Vec::new();
    let mut total: Option<Draws> = None;
    let mut expected_supply: Vec<Vec<f64>> = Vec::new();
    let mut expected_demand: Option<Vec<Vec<f64>>> = None;
    let mut base_people: Vec<f64> = Vec::new();
    let mut all_demand = true;
    let mut uses = Vec::new();
    for (i, m) in &measured {
        // need: the census's supply and vacancies, carried with each group's drivers
        let mut inputs = m.inputs.clone();
        let code = &snap.areas[*i].code;
        let base_supply = expected(&inputs, &Levers::default(), base + 1)?;
        let need: Vec<f64> = (0..inputs.group_count())
            .map(|g| base_supply.years[0].supply(g) + m.vacancy_fte[g])
            .collect();
        match area_need(drivers, code, &need, base, horizon)? {
            Some(n) => {
                inputs.demand = Some(n.central);
                inputs.demand_variants = n.variants;
                uses.push(n.uses);
            }
            None => all_demand = false,
        }
        digest.update(serde_json::to_vec(&inputs).unwrap_or_default());
        let p = expected(&inputs, &request.levers, horizon)?;
        // each area its own stream of seeds, so an area's runs are the same alone or in its region
        let seed = request.seed ^ (*i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let d = simulate(
            &inputs,
            &request.levers,
            horizon,
            Options {
                runs: request.runs,
                seed,
                parameters: true,
                demand_seed: Some(request.seed),
                keep_tiers: request.keep_tiers,
            },
        )?;
        let groups = m.inputs.group_count();
        if expected_supply.is_empty() {
            expected_supply = vec![vec![0.0; groups]; p.years.len()];
            base_people = vec![0.0; groups];
        }
        for (sums, year) in expected_supply.iter_mut().zip(&p.years) {
            for (g, sum) in sums.iter_mut().enumerate() {
                *sum += year.supply(g);
            }
        }
        if let Some(d) = &inputs.demand {
            let sums = expected_demand.get_or_insert_with(|| vec![vec![0.0; groups]; d.len()]);
            for (s, year) in sums.iter_mut().zip(d) {
                for (x, v) in s.iter_mut().zip(year) {
                    *x += v;
                }
            }
        }
        for (g, people) in base_people.iter_mut().enumerate() {
            *people += p.years[0].group_heads(g);
        }
        if flows.is_empty() {
            flows = p
                .years
                .iter()
                .skip(1)
                .map(|y| YearFlows {
                    year: y.year,
                    ..YearFlows::default()
                })
                .collect();
        }
        for (f, (before, year)) in flows
            .iter_mut()
            .zip(p.years.iter().zip(p.years.iter().skip(1)))
        {
            let heads = |y: &cws_project::Year| y.heads.iter().sum::<f64>();
            f.start += heads(before);
            f.end += heads(year);
            f.leavers += year.flows.leavers.iter().sum::<f64>();
            f.retirements += year.flows.retirements.iter().sum::<f64>();
            f.joiners += year.flows.joiners.iter().sum::<f64>();
            f.from_agency += year.flows.from_agency.iter().sum::<f64>();
        }
        let band_of = |c: usize| (c / cws_project::cells::TIERS) % cws_project::cells::BANDS;
        if by_group_band.is_empty() {
            by_group_band = vec![vec![[0.0; cws_project::cells::BANDS]; groups]; p.years.len()];
        }
        for (sums, year) in by_group_band.iter_mut().zip(&p.years) {
            for (c, n) in year.heads.iter().enumerate() {
                let group = c / (cws_project::cells::TIERS * cws_project::cells::BANDS);
                if let Some(g) = sums.get_mut(group) {
                    g[band_of(c)] += n;
                }
            }
        }
        if let (Some(first), Some(last)) = (p.years.first(), p.years.last()) {
            for (c, n) in first.heads.iter().enumerate() {
                by_band[band_of(c)][0] += n;
            }
            for (c, n) in last.heads.iter().enumerate() {
                by_band[band_of(c)][1] += n;
            }
        }
        match &mut total {
            None => total = Some(d),
            Some(t) => t.join(&d)?,
        }
    }
    let Some(draws) = total else {
        return Err(ProjectedError::NoReturns(base));
    };
    let bands: Bands = draws.bands();
    let expected_demand = expected_demand.filter(|_| all_demand);
    let mut lines = Vec::new();
    for (y, year) in bands.years.iter().enumerate() {
        for (g, group) in bands.groups.iter().enumerate() {
            if base_people[g] == 0.0 {
                continue;
            }
            let hidden = request.protect && base_people[g] <= SMALL;
            let shown = |v: f64| (!hidden).then_some(round(v));
            let b = bands.supply[y][g];
            let gap = bands.gap.as_ref().map(|gap| gap[y][g]);
            let demand_fte = expected_demand.as_ref().and_then(|d| shown(d[y][g]));
            let gap_p50 = gap.and_then(|b| shown(b.p50));
            lines.push(Line {
                year: *year,
                role_group: group.clone(),
                supply_fte: shown(expected_supply[y][g]),
                p10: shown(b.p10),
                p50: shown(b.p50),
                p90: shown(b.p90),
                people_p50: shown(bands.heads[y][g].p50),
                demand_fte,
                gap_p10: gap.and_then(|b| shown(b.p10)),
                gap_p50,
                gap_p90: gap.and_then(|b| shown(b.p90)),
                gap_pct_p50: gap_pct(gap_p50, demand_fte),
            });
        }
        let b = bands.supply_total[y];
        let demand_fte = expected_demand.as_ref().map(|d| round(d[y].iter().sum()));
        let gap_p50 = bands.gap_total.as_ref().map(|g| round(g[y].p50));
        lines.push(Line {
            year: *year,
            role_group: Line::ALL_GROUPS.into(),
            supply_fte: Some(round(expected_supply[y].iter().sum())),
            p10: Some(round(b.p10)),
            p50: Some(round(b.p50)),
            p90: Some(round(b.p90)),
            people_p50: Some(round(bands.heads[y].iter().map(|b| b.p50).sum())),
            demand_fte,
            gap_p10: bands.gap_total.as_ref().map(|g| round(g[y].p10)),
            gap_p50,
            gap_p90: bands.gap_total.as_ref().map(|g| round(g[y].p90)),
            gap_pct_p50: gap_pct(gap_p50, demand_fte),
        });
    }
    let notes = notes(&measured, request.protect, expected_demand.is_some());
    let need_basis = if expected_demand.is_some() {
        bases(&uses, &bands.groups)
    } else {
        Vec::new()
    };
    digest.update(
        serde_json::to_vec(&(&request.levers, horizon, request.runs, request.seed))
            .unwrap_or_default(),
    );
    let hide = |n: f64| {
        let n = round(n);
        (!(request.protect && n > 0.0 && n <= SMALL)).then_some(n)
    };
    let pyramid = Pyramid {
        bands: cws_project::AgeBand::ALL
            .iter()
            .zip(&by_band)
            .map(|(b, [now, then])| (b.label(), hide(*now), hide(*then)))
            .collect(),
    };
    let mut band_lines = Vec::new();
    for (y, year) in bands.years.iter().enumerate() {
        for (g, group) in bands.groups.iter().enumerate() {
            // a group hidden at the census is hidden in every band; a band of 1 to 5 too
            if base_people[g] == 0.0 || (request.protect && base_people[g] <= SMALL) {
                continue;
            }
            for (b, band) in cws_project::AgeBand::ALL.iter().enumerate() {
                let people = by_group_band
                    .get(y)
                    .and_then(|s| s.get(g))
                    .map_or(0.0, |s| s[b]);
                band_lines.push(BandLine {
                    year: *year,
                    role_group: group.clone(),
                    age_band: band.label(),
                    people: hide(people),
                });
            }
        }
    }
    for f in &mut flows {
        for v in [
            &mut f.start,
            &mut f.leavers,
            &mut f.retirements,
            &mut f.joiners,
            &mut f.from_agency,
            &mut f.end,
        ] {
            *v = round(*v);
        }
    }
    Ok(Projected {
        draws: request.keep_tiers.then_some(draws),
        day_care: if request.keep_tiers {
            day_care_settings(snap, &request.areas)
        } else {
            Vec::new()
        },
        flows,
        pyramid,
        band_lines,
        replay: Replay {
            inputs_digest: hex::encode(digest.finalize()),
            model_version: cws_project::MODEL_VERSION,
            cws_version: env!("CARGO_PKG_VERSION"),
            census_years: measured[0].1.census_years.clone(),
        },
        census_year: base,
        horizon,
        areas_with_returns: measured.len(),
        areas: request.areas.len(),
        notes,
        need_basis,
        lines,
    })
}

fn notes(measured: &[(usize, Measured)], protect: bool, need_known: bool) -> Vec<String> {
    let mut notes = measured
        .first()
        .map(|(_, m)| m.notes.clone())
        .unwrap_or_default();
    if measured.len() > 1 {
        let years: Vec<String> = measured[0]
            .1
            .census_years
            .iter()
            .map(|y| y.to_string())
            .collect();
        notes[1] = format!(
            "Joiners a year and leaving and retirement rates are each area's, pooled over the census years {} (each earlier year weighing {EARLIER_WEIGHT} of the one after); each area's cells are shrunk towards its region's and England's.",
            years.join(", "),
        );
        notes[0] = "Moves between role groups are each area's own, from its people in post at consecutive censuses (none where nobody is followed), shrunk towards the region's and England's.".to_string();
        notes.push("The bands are of the areas' runs summed run by run; the people P50 of all role groups is the sum of each group's.".into());
    }
    let unknown: f64 = measured.iter().map(|(_, m)| m.unknown_age).sum();
    let people: f64 = measured.iter().map(|(_, m)| m.people).sum();
    if measured.len() > 1 && unknown > 0.0 {
        notes.retain(|n| !n.contains("no year of birth"));
        notes.push(format!("{unknown} of {people} people have no year of birth in their return; each is counted in the middle age band of their role group."));
    }
    if protect {
        notes.push(format!("Role groups of 1 to {SMALL} people at the census are not shown on their own (they are in the total)."));
    }
    notes.push(if need_known {
        "Need is each role group's supply and vacant FTE at the census, carried forward with the driver the mapping gives it (children aged 0 to 17, children in need, children looked after, EHC plans, funded early education, …) at the base year's ratio, or a standard where one is set; a driver's future is ONS's projection where loaded, else its log-linear trend over the last five years held, its growth damped by 0.9 a year ahead. Where an area's driver is not published the children stand in. The runs draw each driver's growth lower, as fitted, or higher (by √3 standard errors of the fit; weights 1/6, 2/3, 1/6), the same in every area; the gap is need less supply.".to_string()
    } else {
        "Need and the gap are not shown: not even the children aged 0 to 17 are held for every area projected.".to_string()
    });
    notes
}

#[cfg(test)]
mod tests {
    use super::gap_pct;

    #[test]
    fn the_gap_as_a_share_of_need_reads_as_a_vacancy_rate() {
        // at the census: 262.6 vacant FTE of a need of 6,065.8 (supply and vacancies)
        assert_eq!(gap_pct(Some(262.6), Some(6065.8)), Some(4.3));
        assert_eq!(gap_pct(Some(-30.0), Some(200.0)), Some(-15.0));
        // need not known, or none: no share, never 0 or infinity
        assert_eq!(gap_pct(Some(5.0), None), None);
        assert_eq!(gap_pct(Some(5.0), Some(0.0)), None);
        assert_eq!(gap_pct(None, Some(10.0)), None);
    }
}
