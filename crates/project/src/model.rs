//! The stock-and-flow model. Each year, in this order:
//!
//! 1. **leaving and retirement**, from the people in post at the year's start: each cell's
//!    leaving rate (times the turnover and pay levers) and its retirement rate (shifted by
//!    the retirement-age lever) as competing chances;
//! 2. **moves between role groups**, among those staying (same age band and tier);
//! 3. **qualification upgrades**: Level 3 places take people below Level 3 to Level 3–5,
//!    graduate places take people at Level 3–5 to a degree, each completed at the
//!    completion rate and shared over the role groups and ages in proportion to who can take
//!    them;
//! 4. **ageing**: a band's people move to the next at one over the band's width a year
//!    (not in the aggregate variant, whose bands stand for no age);
//! 5. **joiners**, at their profile's ages and tiers (they age from the next year);
//! 6. **agency**: the agency-conversion lever turns a share of agency FTE into employed
//!    posts (joining at the joiners' profile); agency FTE is then its share of employed FTE.
//!
//! Supply is employed FTE plus agency FTE; demand, where known, is the driver times its
//! ratio; the gap is demand less supply. The same step runs on expected values
//! (`expected`) and on drawn counts (`crate::monte_carlo`), through `Flow`.

use serde::{Deserialize, Serialize};

use crate::cells::{cell, pair, AgeBand, Tier, BANDS, TIERS};
use crate::{Levers, ProjectError};

/// How much a census counts in pooled rates and joiners for each year it is older than the
/// latest: 1 for the latest, 0.75 for the year before, 0.5625 before that.
pub const EARLIER_WEIGHT: f64 = 0.75;

/// A yearly chance, with how much it rests on (people seen, prior included).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Rate {
    pub mean: f64,
    pub evidence: f64,
    /// How far a year's rate strays from the mean beyond chance among the people (a
    /// standard deviation, 0 when not known); the Monte Carlo runs draw each year's rate
    /// about the run's mean with it. `evidence` already counts it against the mean.
    #[serde(default)]
    pub year_sd: f64,
}

/// Joiners a year to a role group, and how many years of starters the mean rests on.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Joiners {
    pub mean: f64,
    pub years: f64,
    /// How far a year's joiners stray from the mean beyond a Poisson count's chance (a
    /// standard deviation, 0 when not known).
    #[serde(default)]
    pub year_sd: f64,
}

/// Everything one area's projection starts from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Inputs {
    /// The role groups, in the order of the cells.
    pub groups: Vec<String>,
    /// The year of the base census.
    pub base_year: i32,
    /// People in post at the base census, by cell (`cells::cell`).
    pub stock: Vec<f64>,
    /// Mean FTE a person, by role group and age band (`cells::pair`).
    pub fte_per_head: Vec<f64>,
    /// Yearly chance of leaving for any reason but retirement, by role group and age band.
    pub leave: Vec<Rate>,
    /// Yearly chance of retiring, by role group and age band.
    pub retire: Vec<Rate>,
    /// Joiners a year, by role group.
    pub joiners: Vec<Joiners>,
    /// Where a role group's joiners arrive, by cell: each group's shares sum to 1.
    pub joiner_profile: Vec<f64>,
    /// Yearly chance that someone staying in group `from` moves to group `to`, at
    /// `moves[from * groups + to]`; the diagonal is ignored.
    pub moves: Vec<f64>,
    /// Agency FTE as a share of employed FTE, by role group.
    pub agency_share: Vec<f64>,
    /// Demand FTE by year from the base year and role group, `demand[offset][group]`, where
    /// it is known (None: the projection gives supply only).
    pub demand: Option<Vec<Vec<f64>>>,
    /// Demand's other futures (its drivers' variants), each with its weight; the runs draw
    /// one a run, the expected values use `demand`. Empty: every run has `demand`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demand_variants: Vec<DemandVariant>,
    /// The aggregate variant, for totals published without ages (the backcast on DfE's
    /// social-work indicators): the cells' age bands stand for no age, so nobody ages.
    #[serde(default)]
    pub aggregate: bool,
}

/// One future of demand and how likely it is, `demand[offset][group]` as `Inputs::demand`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandVariant {
    pub name: String,
    pub weight: f64,
    pub demand: Vec<Vec<f64>>,
}

fn finite_in(field: &str, values: &[f64], min: f64, max: f64) -> Result<(), ProjectError> {
    match values
        .iter()
        .position(|v| !v.is_finite() || *v < min || *v > max)
    {
        Some(i) => Err(ProjectError::input(
            format!("{field}[{i}]"),
            format!("is {}, not a number from {min} to {max}", values[i]),
        )),
        None => Ok(()),
    }
}

impl Inputs {
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The inputs, or the first field that is the wrong length or out of range.
    pub fn checked(self) -> Result<Inputs, ProjectError> {
        let g = self.groups.len();
        if g == 0 {
            return Err(ProjectError::input("groups", "there are no role groups"));
        }
        let lengths = [
            ("stock", self.stock.len(), g * BANDS * TIERS),
            ("fte_per_head", self.fte_per_head.len(), g * BANDS),
            ("leave", self.leave.len(), g * BANDS),
            ("retire", self.retire.len(), g * BANDS),
            ("joiners", self.joiners.len(), g),
            (
                "joiner_profile",
                self.joiner_profile.len(),
                g * BANDS * TIERS,
            ),
            ("moves", self.moves.len(), g * g),
            ("agency_share", self.agency_share.len(), g),
        ];
        for (field, len, want) in lengths {
            if len != want {
                return Err(ProjectError::input(
                    field,
                    format!("has {len} values, not {want}"),
                ));
            }
        }
        finite_in("stock", &self.stock, 0.0, 1e9)?;
        finite_in("fte_per_head", &self.fte_per_head, 0.0, 1.5)?;
        let means = |r: &[Rate]| r.iter().map(|r| r.mean).collect::<Vec<_>>();
        finite_in("leave", &means(&self.leave), 0.0, 1.0)?;
        finite_in("retire", &means(&self.retire), 0.0, 1.0)?;
        let evidence: Vec<f64> = self
            .leave
            .iter()
            .chain(&self.retire)
            .map(|r| r.evidence)
            .collect();
        finite_in("evidence of a rate", &evidence, 0.0, 1e12)?;
        let year_sd: Vec<f64> = self
            .leave
            .iter()
            .chain(&self.retire)
            .map(|r| r.year_sd)
            .collect();
        finite_in("year-to-year spread of a rate", &year_sd, 0.0, 1.0)?;
        let joiners: Vec<f64> = self.joiners.iter().map(|j| j.mean).collect();
        finite_in("joiners", &joiners, 0.0, 1e9)?;
        let years: Vec<f64> = self.joiners.iter().map(|j| j.years).collect();
        finite_in("joiners' years", &years, 0.0, 100.0)?;
        let spread: Vec<f64> = self.joiners.iter().map(|j| j.year_sd).collect();
        finite_in("year-to-year spread of joiners", &spread, 0.0, 1e9)?;
        finite_in("joiner_profile", &self.joiner_profile, 0.0, 1.0)?;
        for group in 0..g {
            let sum: f64 = self.joiner_profile[cell(group, 0, 0)..cell(group + 1, 0, 0)]
                .iter()
                .sum();
            if self.joiners[group].mean > 0.0 && (sum - 1.0).abs() > 1e-6 {
                return Err(ProjectError::input(
                    format!("joiner_profile of {}", self.groups[group]),
                    format!("sums to {sum}, not 1"),
                ));
            }
        }
        finite_in("moves", &self.moves, 0.0, 1.0)?;
        for from in 0..g {
            let out: f64 = (0..g)
                .filter(|to| *to != from)
                .map(|to| self.moves[from * g + to])
                .sum();
            if out > 1.0 + 1e-9 {
                return Err(ProjectError::input(
                    format!("moves from {}", self.groups[from]),
                    format!("add up to {out}, more than everyone"),
                ));
            }
        }
        finite_in("agency_share", &self.agency_share, 0.0, 10.0)?;
        let futures = self.demand.iter().map(|d| ("demand".to_string(), d)).chain(
            self.demand_variants
                .iter()
                .map(|v| (format!("demand variant {}", v.name), &v.demand)),
        );
        for (name, demand) in futures {
            for (offset, year) in demand.iter().enumerate() {
                if year.len() != g {
                    return Err(ProjectError::input(
                        format!("{name}[{offset}]"),
                        format!("has {} values, not {g}", year.len()),
                    ));
                }
                finite_in(&format!("{name}[{offset}]"), year, 0.0, 1e9)?;
            }
        }
        if !self.demand_variants.is_empty() {
            let weights: Vec<f64> = self.demand_variants.iter().map(|v| v.weight).collect();
            finite_in("demand variant weights", &weights, 0.0, 1.0)?;
            let sum: f64 = weights.iter().sum();
            if (sum - 1.0).abs() > 1e-6 || self.demand.is_none() {
                return Err(ProjectError::input(
                    "demand variants",
                    format!("weigh {sum} in all: they must add up to 1, beside a central demand"),
                ));
            }
        }
        Ok(self)
    }

    /// The same inputs with each role group and age band's people and joiners all in the
    /// first tier. Leaving, retirement, moves and ageing do not depend on the tier, and a sum
    /// of binomials with one chance is a binomial of the sum, so where no training places
    /// move people between tiers the supply and heads of each group are drawn from exactly
    /// the same distribution, with a quarter of the cells to draw.
    pub(crate) fn tiers_merged(&self) -> Inputs {
        let merge = |v: &[f64]| -> Vec<f64> {
            let mut out = vec![0.0; v.len()];
            for (at, chunk) in v.chunks(TIERS).enumerate() {
                out[at * TIERS] = chunk.iter().sum();
            }
            out
        };
        Inputs {
            stock: merge(&self.stock),
            joiner_profile: merge(&self.joiner_profile),
            ..self.clone()
        }
    }

    /// A cell's chances of leaving and of retiring this year under the levers: competing,
    /// so together never more than 1.
    pub(crate) fn exits(
        &self,
        leave: &[f64],
        retire: &[f64],
        levers: &Levers,
        group: usize,
        band: usize,
    ) -> (f64, f64) {
        let l = (leave[pair(group, band)] * levers.leaving_factor()).clamp(0.0, 1.0);
        let r = shifted(retire, group, band, levers.retirement_shift_years);
        let both = l + r;
        if both > 1.0 {
            (l / both, r / both)
        } else {
            (l, r)
        }
    }
}

/// A band's retirement rate when people retire `years` later: that of the age `years`
/// younger, read between the bands (a band is five years).
fn shifted(retire: &[f64], group: usize, band: usize, years: f64) -> f64 {
    let at = (band as f64 - years / 5.0).clamp(0.0, (BANDS - 1) as f64);
    let low = at.floor() as usize;
    let high = (low + 1).min(BANDS - 1);
    let frac = at - low as f64;
    let r = retire[pair(group, low)] * (1.0 - frac) + retire[pair(group, high)] * frac;
    r.clamp(0.0, 1.0)
}

/// What a year moved, by role group (heads).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Flows {
    pub leavers: Vec<f64>,
    pub retirements: Vec<f64>,
    pub moved_out: Vec<f64>,
    pub moved_in: Vec<f64>,
    pub to_level3: Vec<f64>,
    pub to_graduate: Vec<f64>,
    pub joiners: Vec<f64>,
    pub from_agency: Vec<f64>,
}

impl Flows {
    fn new(groups: usize) -> Flows {
        let z = vec![0.0; groups];
        Flows {
            leavers: z.clone(),
            retirements: z.clone(),
            moved_out: z.clone(),
            moved_in: z.clone(),
            to_level3: z.clone(),
            to_graduate: z.clone(),
            joiners: z.clone(),
            from_agency: z,
        }
    }
}

/// The workforce at one year's census, and what moved in the year to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Year {
    pub year: i32,
    /// People in post, by cell.
    pub heads: Vec<f64>,
    /// Employed FTE, by role group.
    pub fte: Vec<f64>,
    /// Agency FTE, by role group.
    pub agency_fte: Vec<f64>,
    /// Demand FTE, by role group, where known.
    pub demand: Option<Vec<f64>>,
    pub flows: Flows,
}

impl Year {
    /// Employed and agency FTE of a role group: the supply.
    pub fn supply(&self, group: usize) -> f64 {
        self.fte[group] + self.agency_fte[group]
    }

    /// Demand less supply for a role group (positive: short), where demand is known.
    pub fn gap(&self, group: usize) -> Option<f64> {
        self.demand.as_ref().map(|d| d[group] - self.supply(group))
    }

    /// People in post of a role group.
    pub fn group_heads(&self, group: usize) -> f64 {
        self.heads[cell(group, 0, 0)..cell(group + 1, 0, 0)]
            .iter()
            .sum()
    }
}

/// A projection: the base year, then one entry a year to the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    pub groups: Vec<String>,
    pub years: Vec<Year>,
}

/// How a flow is taken: as its expected value, or drawn as a count.
pub(crate) trait Flow {
    /// Of `n` people each with chance `p`, how many.
    fn share(&mut self, n: f64, p: f64) -> f64;
    /// A count whose mean is `mean`.
    fn count(&mut self, mean: f64) -> f64;
    /// This year's parameters about the run's, where years stray beyond chance (None: the
    /// run's own).
    fn year(&mut self, _inputs: &Inputs, _params: &Parameters) -> Option<Parameters> {
        None
    }
}

/// Expected values: `n × p`, and the mean itself.
pub(crate) struct Expected;

impl Flow for Expected {
    fn share(&mut self, n: f64, p: f64) -> f64 {
        n * p.clamp(0.0, 1.0)
    }
    fn count(&mut self, mean: f64) -> f64 {
        mean.max(0.0)
    }
}

/// The parameters one run uses: the inputs' means, or (in the Monte Carlo runs) draws from
/// their uncertainty.
pub(crate) struct Parameters {
    pub leave: Vec<f64>,
    pub retire: Vec<f64>,
    pub joiners: Vec<f64>,
}

impl Parameters {
    pub(crate) fn means(inputs: &Inputs) -> Parameters {
        Parameters {
            leave: inputs.leave.iter().map(|r| r.mean).collect(),
            retire: inputs.retire.iter().map(|r| r.mean).collect(),
            joiners: inputs.joiners.iter().map(|j| j.mean).collect(),
        }
    }
}

fn fte_of(inputs: &Inputs, heads: &[f64], group: usize) -> f64 {
    (0..BANDS)
        .map(|b| {
            let people: f64 = (0..TIERS).map(|t| heads[cell(group, b, t)]).sum();
            people * inputs.fte_per_head[pair(group, b)]
        })
        .sum()
}

/// Mean FTE a person among a group's joiners (1 when the group has no profile).
fn joiner_fte(inputs: &Inputs, group: usize) -> f64 {
    let mut fte = 0.0;
    let mut share = 0.0;
    for b in 0..BANDS {
        for t in 0..TIERS {
            let s = inputs.joiner_profile[cell(group, b, t)];
            fte += s * inputs.fte_per_head[pair(group, b)];
            share += s;
        }
    }
    if share > 0.0 && fte > 0.0 {
        fte / share
    } else {
        1.0
    }
}

/// Adds `n` people to a group at its joiners' profile.
fn arrive(inputs: &Inputs, flow: &mut impl Flow, heads: &mut [f64], group: usize, n: f64) {
    let mut left = n;
    let mut share_left = 1.0;
    for b in 0..BANDS {
        for t in 0..TIERS {
            let s = inputs.joiner_profile[cell(group, b, t)];
            if s <= 0.0 || left <= 0.0 {
                continue;
            }
            let here = if share_left <= s {
                left
            } else {
                flow.share(left, s / share_left)
            };
            heads[cell(group, b, t)] += here;
            left -= here;
            share_left -= s;
        }
    }
}

/// Moves up to `places` completions from tier `from` to tier `to`, shared over the cells in
/// proportion to the people who can take them; returns the moves by group.
fn upgrade(
    flow: &mut impl Flow,
    heads: &mut [f64],
    groups: usize,
    completions: f64,
    from: Tier,
    to: Tier,
) -> Vec<f64> {
    let mut by_group = vec![0.0; groups];
    let eligible: f64 = (0..groups)
        .flat_map(|g| (0..BANDS).map(move |b| (g, b)))
        .map(|(g, b)| heads[cell(g, b, from.index())])
        .sum();
    let mut left = completions.min(eligible);
    let mut pool = eligible;
    for g in 0..groups {
        for b in 0..BANDS {
            let here = heads[cell(g, b, from.index())];
            if here <= 0.0 || left <= 0.0 || pool <= 0.0 {
                continue;
            }
            let n = if pool <= here {
                left
            } else {
                flow.share(left, here / pool)
            }
            .min(here);
            heads[cell(g, b, from.index())] -= n;
            heads[cell(g, b, to.index())] += n;
            by_group[g] += n;
            left -= n;
            pool -= here;
        }
    }
    by_group
}

/// One year on from `heads` (the census before) under the levers; `agency_share` is the
/// groups' agency share, carried and reduced by conversion.
pub(crate) fn step(
    inputs: &Inputs,
    levers: &Levers,
    params: &Parameters,
    flow: &mut impl Flow,
    heads: &[f64],
    agency_share: &mut [f64],
) -> (Vec<f64>, Vec<f64>, Flows) {
    let g = inputs.group_count();
    let mut flows = Flows::new(g);
    let mut next = vec![0.0; heads.len()];
    // 1. leaving and retirement; 2. moves among those who stay
    for group in 0..g {
        for band in 0..BANDS {
            let (l, r) = inputs.exits(&params.leave, &params.retire, levers, group, band);
            for tier in 0..TIERS {
                let n = heads[cell(group, band, tier)];
                if n <= 0.0 {
                    continue;
                }
                let leavers = flow.share(n, l);
                let retired = if l < 1.0 {
                    flow.share(n - leavers, r / (1.0 - l))
                } else {
                    0.0
                };
                flows.leavers[group] += leavers;
                flows.retirements[group] += retired;
                let mut staying = n - leavers - retired;
                let mut chance_left = 1.0;
                for to in 0..g {
                    let m = inputs.moves[group * g + to];
                    if to == group || m <= 0.0 || staying <= 0.0 {
                        continue;
                    }
                    let moved = flow.share(staying, (m / chance_left).min(1.0));
                    chance_left = (chance_left - m).max(1e-12);
                    next[cell(to, band, tier)] += moved;
                    flows.moved_out[group] += moved;
                    flows.moved_in[to] += moved;
                    staying -= moved;
                }
                next[cell(group, band, tier)] += staying;
            }
        }
    }
    // 3. qualification upgrades
    let l3 = flow.share(levers.level3_places, levers.completion_rate);
    flows.to_level3 = upgrade(flow, &mut next, g, l3, Tier::BelowLevel3, Tier::Level3To5);
    let grad = flow.share(levers.graduate_places, levers.completion_rate);
    flows.to_graduate = upgrade(flow, &mut next, g, grad, Tier::Level3To5, Tier::Graduate);
    // 4. ageing, oldest first so nobody ages twice
    for group in (0..g).filter(|_| !inputs.aggregate) {
        for band in (0..BANDS - 1).rev() {
            let Some(width) = AgeBand::ALL[band].width() else {
                continue;
            };
            for tier in 0..TIERS {
                let n = next[cell(group, band, tier)];
                if n <= 0.0 {
                    continue;
                }
                let older = flow.share(n, 1.0 / width);
                next[cell(group, band, tier)] -= older;
                next[cell(group, band + 1, tier)] += older;
            }
        }
    }
    // 5. joiners
    for group in 0..g {
        let n = flow.count(params.joiners[group] * levers.recruitment_factor());
        arrive(inputs, flow, &mut next, group, n);
        flows.joiners[group] = n;
    }
    // 6. agency: a share converted to employed posts, then agency as a share of employed
    let mut agency = vec![0.0; g];
    for group in 0..g {
        let before = agency_share[group] * fte_of(inputs, heads, group);
        if levers.agency_conversion > 0.0 && before > 0.0 {
            let per_head = joiner_fte(inputs, group);
            let people = flow.count(before * levers.agency_conversion / per_head);
            arrive(inputs, flow, &mut next, group, people);
            flows.from_agency[group] = people;
            // the agency FTE left, as a share of the employed FTE it now works beside
            let left = (before - people * per_head).max(0.0);
            let employed = fte_of(inputs, &next, group);
            agency_share[group] = if employed > 0.0 { left / employed } else { 0.0 };
        }
        agency[group] = agency_share[group] * fte_of(inputs, &next, group);
    }
    (next, agency, flows)
}

/// A year's census from its heads.
fn census(inputs: &Inputs, year: i32, heads: Vec<f64>, agency: Vec<f64>, flows: Flows) -> Year {
    let g = inputs.group_count();
    let offset = (year - inputs.base_year) as usize;
    Year {
        year,
        fte: (0..g).map(|group| fte_of(inputs, &heads, group)).collect(),
        agency_fte: agency,
        demand: inputs
            .demand
            .as_ref()
            .and_then(|d| d.get(offset).or(d.last()).cloned()),
        heads,
        flows,
    }
}

/// Runs the model from the base year to `horizon` with `flow` and `params`.
pub(crate) fn run(
    inputs: &Inputs,
    levers: &Levers,
    horizon: i32,
    params: &Parameters,
    flow: &mut impl Flow,
) -> Vec<Year> {
    let g = inputs.group_count();
    let mut share = inputs.agency_share.clone();
    let base_agency: Vec<f64> = (0..g)
        .map(|group| share[group] * fte_of(inputs, &inputs.stock, group))
        .collect();
    let mut years = vec![census(
        inputs,
        inputs.base_year,
        inputs.stock.clone(),
        base_agency,
        Flows::new(g),
    )];
    for year in inputs.base_year + 1..=horizon {
        let Some(last) = years.last() else { break };
        let this_year = flow.year(inputs, params);
        let params = this_year.as_ref().unwrap_or(params);
        let (heads, agency, flows) = step(inputs, levers, params, flow, &last.heads, &mut share);
        years.push(census(inputs, year, heads, agency, flows));
    }
    years
}

/// The latest horizon a projection may reach.
pub const LAST_YEAR: i32 = 2040;

pub(crate) fn check_horizon(inputs: &Inputs, horizon: i32) -> Result<(), ProjectError> {
    if horizon <= inputs.base_year || horizon > LAST_YEAR {
        return Err(ProjectError::input(
            "horizon",
            format!(
                "is {horizon}: choose a year after the base census ({}) up to {LAST_YEAR}",
                inputs.base_year
            ),
        ));
    }
    Ok(())
}

/// The projection on expected values: every flow its mean, every rate its estimate.
pub fn expected(
    inputs: &Inputs,
    levers: &Levers,
    horizon: i32,
) -> Result<Projection, ProjectError> {
    let inputs = inputs.clone().checked()?;
    let levers = levers.checked()?;
    check_horizon(&inputs, horizon)?;
    let years = run(
        &inputs,
        &levers,
        horizon,
        &Parameters::means(&inputs),
        &mut Expected,
    );
    Ok(Projection {
        groups: inputs.groups.clone(),
        years,
    })
}
