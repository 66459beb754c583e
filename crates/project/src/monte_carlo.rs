//! Many runs of the model with uncertainty, for P10/P50/P90 bands. Each run draws its
//! parameters from what they rest on — a leaving or retirement rate from
//! Beta(rate × evidence, (1 − rate) × evidence), joiners a year from the gamma posterior of
//! a Poisson count over the years seen — and then every flow as a count: leavers, moves,
//! completions and ageing binomial on whole people, joiners and agency conversions Poisson.
//! Where the years a rate or joiners rest on stray from each other beyond chance
//! (`Rate::year_sd`, `Joiners::year_sd`), each year's rate and mean joiners are drawn about
//! the run's with that spread before its counts are drawn. Run `i` uses its own ChaCha8 stream (`seed`, stream `i`), so a seed gives identical
//! results however the runs are spread over threads. Areas' runs are kept draw by draw
//! (`Draws`), so a region's bands are the bands of its areas' summed draws, never summed
//! percentiles.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Binomial, Distribution, Gamma, Poisson};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cells::{cell, BANDS, TIERS};
use crate::model::{check_horizon, run, Flow, Inputs, Parameters, Rate};
use crate::{Levers, ProjectError};

/// How the runs are made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Options {
    pub runs: usize,
    pub seed: u64,
    /// Draw the parameters from their uncertainty (off: only the flows are drawn).
    pub parameters: bool,
    /// The seed that picks each run's future of demand (None: `seed`). The areas of a
    /// region share it, so run `i` of every area has the same variant of its drivers:
    /// their futures move together, as a national trend would.
    #[serde(default)]
    pub demand_seed: Option<u64>,
    /// Keep each run's people by qualification tier (for targets on qualifications): the
    /// people of a group and band are then drawn tier by tier, which is slower.
    #[serde(default)]
    pub keep_tiers: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: 1000,
            seed: 1,
            parameters: true,
            demand_seed: None,
            keep_tiers: false,
        }
    }
}

/// The most runs a projection makes.
pub const MAX_RUNS: usize = 100_000;

/// Flows drawn as counts on whole people.
struct Drawn<'a>(&'a mut ChaCha8Rng);

impl Flow for Drawn<'_> {
    fn share(&mut self, n: f64, p: f64) -> f64 {
        let n = n.round().max(0.0) as u64;
        let p = p.clamp(0.0, 1.0);
        if n == 0 || p == 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return n as f64;
        }
        Binomial::new(n, p).map_or(n as f64 * p, |b| b.sample(self.0) as f64)
    }

    fn count(&mut self, mean: f64) -> f64 {
        if mean.is_finite() && mean > 0.0 {
            Poisson::new(mean).map_or(mean.round(), |d| d.sample(self.0).round())
        } else {
            0.0
        }
    }

    fn year(&mut self, inputs: &Inputs, params: &Parameters) -> Option<Parameters> {
        let strays = inputs
            .leave
            .iter()
            .chain(&inputs.retire)
            .any(|r| r.year_sd > 0.0)
            || inputs.joiners.iter().any(|j| j.year_sd > 0.0);
        if !strays {
            return None;
        }
        let mut vary = |means: &[f64], rates: &[Rate]| -> Vec<f64> {
            means
                .iter()
                .zip(rates)
                .map(|(m, r)| year_rate(self.0, *m, r.year_sd))
                .collect()
        };
        let leave = vary(&params.leave, &inputs.leave);
        let retire = vary(&params.retire, &inputs.retire);
        let joiners = params
            .joiners
            .iter()
            .zip(&inputs.joiners)
            .map(|(m, j)| year_joiners(self.0, *m, j.year_sd))
            .collect();
        Some(Parameters {
            leave,
            retire,
            joiners,
        })
    }
}

/// A year's rate about `mean` with standard deviation `sd` (a beta with that mean and
/// spread; the spread is capped where a beta cannot have it).
fn year_rate(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    if sd <= 0.0 || mean <= 0.0 || mean >= 1.0 {
        return mean;
    }
    let most = mean * (1.0 - mean);
    let k = most / (sd * sd).min(0.5 * most) - 1.0;
    Beta::new(mean * k, (1.0 - mean) * k).map_or(mean, |b| b.sample(rng))
}

/// A year's mean joiners about `mean` with standard deviation `sd` (a gamma with that mean
/// and spread); the count itself is then drawn as Poisson on it.
fn year_joiners(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    if sd <= 0.0 || mean <= 0.0 {
        return mean.max(0.0);
    }
    let shape = (mean / sd).powi(2);
    Gamma::new(shape, mean / shape).map_or(mean, |g| g.sample(rng))
}

/// A rate drawn from its beta posterior (its mean when it rests on nothing).
fn draw_rate(rng: &mut ChaCha8Rng, mean: f64, evidence: f64) -> f64 {
    if evidence <= 0.0 || mean <= 0.0 || mean >= 1.0 {
        return mean.clamp(0.0, 1.0);
    }
    Beta::new(mean * evidence, (1.0 - mean) * evidence).map_or(mean, |b| b.sample(rng))
}

/// Joiners a year drawn from the gamma posterior of `mean × years` starters over `years`;
/// where years stray beyond chance (`sd`), the mean's uncertainty is that of `years` draws
/// of that spread: variance (mean + sd²) / years.
fn draw_joiners(rng: &mut ChaCha8Rng, mean: f64, years: f64, sd: f64) -> f64 {
    if years <= 0.0 || mean <= 0.0 {
        return mean.max(0.0);
    }
    if sd <= 0.0 {
        return Gamma::new(mean * years + 0.5, 1.0 / years).map_or(mean, |g| g.sample(rng));
    }
    let variance = (mean + sd * sd) / years;
    let shape = mean * mean / variance;
    Gamma::new(shape, mean / shape).map_or(mean, |g| g.sample(rng))
}

/// Run `run`'s demand: one of the inputs' variants by weight, on its own stream of
/// `seed` (kept apart from the flows' streams), or the central demand where there are none.
fn pick(inputs: &Inputs, seed: u64, run: usize) -> Option<&Vec<Vec<f64>>> {
    if inputs.demand_variants.is_empty() {
        return inputs.demand.as_ref();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xD3A4_11D5_0000_0000);
    rng.set_stream(run as u64);
    let u: f64 = rand::Rng::random(&mut rng);
    let mut sum = 0.0;
    for v in &inputs.demand_variants {
        sum += v.weight;
        if u < sum {
            return Some(&v.demand);
        }
    }
    inputs.demand_variants.last().map(|v| &v.demand)
}

/// Each run's supply, employed FTE, heads and gap, by year and role group:
/// `values[run][year][group]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draws {
    pub groups: Vec<String>,
    pub years: Vec<i32>,
    pub supply: Vec<Vec<Vec<f64>>>,
    pub heads: Vec<Vec<Vec<f64>>>,
    /// Demand less supply, where demand is known.
    pub gap: Option<Vec<Vec<Vec<f64>>>>,
    /// People by qualification tier, `tiers[run][year][group][tier]`, where kept.
    #[serde(default)]
    pub tiers: Option<Vec<Vec<Vec<[f64; TIERS]>>>>,
}

/// A figure each run gives for a year, for the chance of meeting a target: of one role
/// group, or of all (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunFigure {
    /// Supply FTE (employed and agency).
    Supply(Option<usize>),
    /// People in post.
    People(Option<usize>),
    /// The gap as a percentage of need (a vacancy-rate equivalent); needs demand.
    GapPctOfNeed(Option<usize>),
    /// Level 3 or above among non-graduates whose level is known (%); needs tiers.
    Level3PlusNonGraduatePct(Option<usize>),
    /// People at Level 3 or above, graduates included; needs tiers.
    Level3PlusCount(Option<usize>),
    /// Graduates among those whose level is known (%); needs tiers.
    GraduatePct(Option<usize>),
}

/// P10, P50 and P90 of a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// The `q` quantile of sorted values, between the nearest ranks (Hyndman and Fan's type 7,
/// as R and NumPy give by default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let at = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let low = at.floor() as usize;
            let high = (low + 1).min(n - 1);
            sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
        }
    }
}

fn band_of(mut values: Vec<f64>) -> Band {
    values.sort_by(f64::total_cmp);
    Band {
        p10: quantile(&values, 0.1),
        p50: quantile(&values, 0.5),
        p90: quantile(&values, 0.9),
    }
}

/// The bands of every year and role group, and of all groups together:
/// `by_group[year][group]`, `total[year]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bands {
    pub groups: Vec<String>,
    pub years: Vec<i32>,
    pub supply: Vec<Vec<Band>>,
    pub supply_total: Vec<Band>,
    pub heads: Vec<Vec<Band>>,
    pub gap: Option<Vec<Vec<Band>>>,
    pub gap_total: Option<Vec<Band>>,
}

type Cube = Vec<Vec<Vec<f64>>>;

fn bands(cube: &Cube, years: usize, groups: usize) -> (Vec<Vec<Band>>, Vec<Band>) {
    let by_group = (0..years)
        .map(|y| {
            (0..groups)
                .map(|g| band_of(cube.iter().map(|run| run[y][g]).collect()))
                .collect()
        })
        .collect();
    let total = (0..years)
        .map(|y| band_of(cube.iter().map(|run| run[y].iter().sum()).collect()))
        .collect();
    (by_group, total)
}

impl Draws {
    /// Joins another area's draws to these, draw by draw (the same years, groups and runs).
    pub fn join(&mut self, other: &Draws) -> Result<(), ProjectError> {
        if self.years != other.years || self.groups != other.groups {
            return Err(ProjectError::input(
                "draws",
                "cannot join projections of different years or role groups",
            ));
        }
        if self.supply.len() != other.supply.len() {
            return Err(ProjectError::input(
                "draws",
                format!(
                    "cannot join {} runs to {}",
                    other.supply.len(),
                    self.supply.len()
                ),
            ));
        }
        let add = |a: &mut Cube, b: &Cube| {
            for (ra, rb) in a.iter_mut().zip(b) {
                for (ya, yb) in ra.iter_mut().zip(rb) {
                    for (x, y) in ya.iter_mut().zip(yb) {
                        *x += y;
                    }
                }
            }
        };
        add(&mut self.supply, &other.supply);
        add(&mut self.heads, &other.heads);
        self.tiers = match (self.tiers.take(), &other.tiers) {
            (Some(mut a), Some(b)) => {
                for (ra, rb) in a.iter_mut().zip(b) {
                    for (ya, yb) in ra.iter_mut().zip(rb) {
                        for (ga, gb) in ya.iter_mut().zip(yb) {
                            for (x, y) in ga.iter_mut().zip(gb) {
                                *x += y;
                            }
                        }
                    }
                }
                Some(a)
            }
            _ => None,
        };
        self.gap = match (self.gap.take(), &other.gap) {
            (Some(mut a), Some(b)) => {
                add(&mut a, b);
                Some(a)
            }
            // demand known for only some of the areas: no gap for them together
            _ => None,
        };
        Ok(())
    }

    /// Each run's `figure` in `year`; none where the year is not projected or the figure
    /// needs what was not kept (demand, tiers). A share over nobody is NaN in that run (it
    /// meets no target).
    pub fn per_run(&self, year: i32, figure: RunFigure) -> Option<Vec<f64>> {
        let y = self.years.iter().position(|&v| v == year)?;
        let groups = |g: Option<usize>| -> Vec<usize> {
            match g {
                Some(g) => vec![g],
                None => (0..self.groups.len()).collect(),
            }
        };
        let sum = |cube: &Cube, g: Option<usize>| -> Vec<f64> {
            cube.iter()
                .map(|run| groups(g).iter().filter_map(|&i| run[y].get(i)).sum())
                .collect()
        };
        let pct = |a: f64, b: f64| if b > 0.0 { a / b * 100.0 } else { f64::NAN };
        let tiers = |g: Option<usize>, f: &dyn Fn(&[f64; TIERS]) -> f64| -> Option<Vec<f64>> {
            let t = self.tiers.as_ref()?;
            Some(
                t.iter()
                    .map(|run| {
                        let mut total = [0.0; TIERS];
                        for &i in &groups(g) {
                            if let Some(by) = run[y].get(i) {
                                for (x, v) in total.iter_mut().zip(by) {
                                    *x += v;
                                }
                            }
                        }
                        f(&total)
                    })
                    .collect(),
            )
        };
        const BELOW: usize = 0;
        const L3_5: usize = 1;
        const GRAD: usize = 2;
        match figure {
            RunFigure::Supply(g) => Some(sum(&self.supply, g)),
            RunFigure::People(g) => Some(sum(&self.heads, g)),
            RunFigure::GapPctOfNeed(g) => {
                let gap = sum(self.gap.as_ref()?, g);
                let supply = sum(&self.supply, g);
                Some(
                    gap.iter()
                        .zip(&supply)
                        .map(|(gap, supply)| pct(*gap, gap + supply))
                        .collect(),
                )
            }
            RunFigure::Level3PlusNonGraduatePct(g) => {
                tiers(g, &|t| pct(t[L3_5], t[BELOW] + t[L3_5]))
            }
            RunFigure::Level3PlusCount(g) => tiers(g, &|t| t[L3_5] + t[GRAD]),
            RunFigure::GraduatePct(g) => tiers(g, &|t| pct(t[GRAD], t[BELOW] + t[L3_5] + t[GRAD])),
        }
    }

    pub fn bands(&self) -> Bands {
        let (y, g) = (self.years.len(), self.groups.len());
        let (supply, supply_total) = bands(&self.supply, y, g);
        let (heads, _) = bands(&self.heads, y, g);
        let (gap, gap_total) = match &self.gap {
            Some(cube) => {
                let (a, b) = bands(cube, y, g);
                (Some(a), Some(b))
            }
            None => (None, None),
        };
        Bands {
            groups: self.groups.clone(),
            years: self.years.clone(),
            supply,
            supply_total,
            heads,
            gap,
            gap_total,
        }
    }
}

/// Runs the model `options.runs` times with uncertainty, to `horizon`.
pub fn simulate(
    inputs: &Inputs,
    levers: &Levers,
    horizon: i32,
    options: Options,
) -> Result<Draws, ProjectError> {
    let inputs = inputs.clone().checked()?;
    let levers = levers.checked()?;
    check_horizon(&inputs, horizon)?;
    if options.runs == 0 || options.runs > MAX_RUNS {
        return Err(ProjectError::input(
            "runs",
            format!("is {}: choose 1 to {MAX_RUNS}", options.runs),
        ));
    }
    // without training places nobody changes tier: draw each group and band's people at once
    // (unless each run's tiers are wanted)
    let inputs =
        if levers.level3_places == 0.0 && levers.graduate_places == 0.0 && !options.keep_tiers {
            inputs.tiers_merged()
        } else {
            inputs
        };
    let means = Parameters::means(&inputs);
    let runs: Vec<_> = (0..options.runs)
        .into_par_iter()
        .map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
            rng.set_stream(i as u64);
            let params = if options.parameters {
                Parameters {
                    leave: inputs
                        .leave
                        .iter()
                        .map(|r| draw_rate(&mut rng, r.mean, r.evidence))
                        .collect(),
                    retire: inputs
                        .retire
                        .iter()
                        .map(|r| draw_rate(&mut rng, r.mean, r.evidence))
                        .collect(),
                    joiners: inputs
                        .joiners
                        .iter()
                        .map(|j| draw_joiners(&mut rng, j.mean, j.years, j.year_sd))
                        .collect(),
                }
            } else {
                Parameters {
                    leave: means.leave.clone(),
                    retire: means.retire.clone(),
                    joiners: means.joiners.clone(),
                }
            };
            let years = run(&inputs, &levers, horizon, &params, &mut Drawn(&mut rng));
            let demand = if options.parameters {
                pick(&inputs, options.demand_seed.unwrap_or(options.seed), i)
            } else {
                inputs.demand.as_ref()
            };
            let g = inputs.group_count();
            let supply: Vec<Vec<f64>> = years
                .iter()
                .map(|y| (0..g).map(|group| y.supply(group)).collect())
                .collect();
            let heads: Vec<Vec<f64>> = years
                .iter()
                .map(|y| (0..g).map(|group| y.group_heads(group)).collect())
                .collect();
            let gap: Option<Vec<Vec<f64>>> = demand.map(|d| {
                supply
                    .iter()
                    .enumerate()
                    .map(|(offset, year)| {
                        let need = d.get(offset).or(d.last());
                        year.iter()
                            .enumerate()
                            .map(|(group, s)| {
                                need.and_then(|n| n.get(group)).copied().unwrap_or(0.0) - s
                            })
                            .collect()
                    })
                    .collect()
            });
            let tiers: Option<Vec<Vec<[f64; TIERS]>>> = options.keep_tiers.then(|| {
                years
                    .iter()
                    .map(|y| {
                        (0..g)
                            .map(|group| {
                                let mut by = [0.0; TIERS];
                                for band in 0..BANDS {
                                    for (tier, x) in by.iter_mut().enumerate() {
                                        *x += y.heads[cell(group, band, tier)];
                                    }
                                }
                                by
                            })
                            .collect()
                    })
                    .collect()
            });
            (supply, heads, gap, tiers)
        })
        .collect();
    let years: Vec<i32> = (inputs.base_year..=horizon).collect();
    let mut supply = Vec::with_capacity(runs.len());
    let mut heads = Vec::with_capacity(runs.len());
    let mut gaps = Vec::with_capacity(runs.len());
    let mut tiers = Vec::with_capacity(runs.len());
    for (s, h, g, t) in runs {
        supply.push(s);
        heads.push(h);
        gaps.push(g);
        tiers.push(t);
    }
    Ok(Draws {
        groups: inputs.groups.clone(),
        years,
        supply,
        heads,
        gap: gaps.into_iter().collect(),
        tiers: tiers.into_iter().collect(),
    })
}
