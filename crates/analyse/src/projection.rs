//! What a projection starts from, measured from one census's worker-level returns
//! (docs/definitions.md §7). For an area: its people in post by role group × age band ×
//! qualification tier and their FTE; its leaving and retirement rates by role group × age
//! band, each shrunk through England's and its region's (`cws_project::shrink`); its
//! joiners in the census year and where they arrived; agency FTE as a share of employed FTE.
//! Moves between role groups are measured from people in post at two censuses a year apart
//! (matched by their pseudonymous key within their organisation).
//!
//! People are counted once, in their primary post (as headcounts are); agency workers are
//! the agency share, not people in post. A person whose year of birth is not given is
//! placed in the middle age band of their role group (by people whose age is known), and
//! the notes say how many.

use cws_domain::role::RoleGroup;
use cws_domain::worker::{LeavingReason, QualLevel};
use cws_project::cells::{cell, pair, AgeBand, Tier, BANDS, TIERS};
use cws_project::model::{Inputs, Joiners, Rate};
use cws_project::shrink::{self, Counts};

use crate::snapshot::{flag, Snapshot, NO_DATE, UNKNOWN};

const GROUPS: usize = RoleGroup::ALL.len();

/// A projection's starting point for one area, and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub inputs: Inputs,
    /// People in post the stock counts.
    pub people: f64,
    /// Of them, people whose age was not given (placed in their group's middle band).
    pub unknown_age: f64,
    /// Vacant FTE at the census, by role group: with supply, the base year's need.
    pub vacancy_fte: Vec<f64>,
    /// The census years the rates and joiners pool, oldest first.
    pub census_years: Vec<i32>,
    /// What the reader should know: what was assumed and why.
    pub notes: Vec<String>,
}

/// The tier of a highest qualification level.
fn tier(qual: u8) -> Tier {
    match QualLevel::ALL.get(qual as usize) {
        _ if qual == UNKNOWN => Tier::NotKnown,
        Some(QualLevel::L3 | QualLevel::L4 | QualLevel::L5) => Tier::Level3To5,
        Some(QualLevel::L6 | QualLevel::L7 | QualLevel::L8) => Tier::Graduate,
        Some(_) => Tier::BelowLevel3,
        None => Tier::NotKnown,
    }
}

/// Counts by area, for one census.
struct Tally {
    /// People in post by area × cell.
    stock: Vec<f64>,
    /// People in post without an age, by area × group × tier.
    no_age: Vec<f64>,
    /// FTE given, and people it was given for, by area × pair.
    fte: Vec<f64>,
    fte_people: Vec<f64>,
    /// Leavers other than retirement, and retirements, by area × pair.
    leavers: Vec<f64>,
    retired: Vec<f64>,
    /// Starters by area × cell.
    starters: Vec<f64>,
    /// Employed and agency FTE by area × group.
    employed_fte: Vec<f64>,
    agency_fte: Vec<f64>,
}

fn tally(snap: &Snapshot) -> Option<Tally> {
    let census = snap.census?;
    let census_day = crate::snapshot::days(Some(census));
    let year_start = crate::snapshot::days(census.checked_sub_months(chrono::Months::new(12)));
    let census_year = chrono::Datelike::year(&census);
    let a = snap.areas.len();
    let mut t = Tally {
        stock: vec![0.0; a * GROUPS * BANDS * TIERS],
        no_age: vec![0.0; a * GROUPS * TIERS],
        fte: vec![0.0; a * GROUPS * BANDS],
        fte_people: vec![0.0; a * GROUPS * BANDS],
        leavers: vec![0.0; a * GROUPS * BANDS],
        retired: vec![0.0; a * GROUPS * BANDS],
        starters: vec![0.0; a * GROUPS * BANDS * TIERS],
        employed_fte: vec![0.0; a * GROUPS],
        agency_fte: vec![0.0; a * GROUPS],
    };
    let cells = GROUPS * BANDS * TIERS;
    let pairs = GROUPS * BANDS;
    for i in 0..snap.len() {
        if !snap.live[i] {
            continue;
        }
        let Some(role) = snap.roles.get(snap.role[i] as usize) else {
            continue;
        };
        let g = role.group as usize;
        let org = &snap.orgs[snap.org[i] as usize];
        let area = org.area as usize;
        let (start, leave, flags) = (snap.start[i], snap.leave[i], snap.flags[i]);
        let started = start == NO_DATE || start <= census_day;
        let in_post = started && (leave == NO_DATE || leave > census_day);
        let leaver = leave != NO_DATE && leave > year_start && leave <= census_day;
        let starter = start != NO_DATE && start > year_start && start <= census_day;
        let fte = snap.fte[i] as f64;
        if flags & flag::AGENCY != 0 {
            if in_post && !org.stated_agency_fte && !fte.is_nan() {
                t.agency_fte[area * GROUPS + g] += fte;
            }
            continue;
        }
        if in_post && flags & flag::UNPAID == 0 && !fte.is_nan() {
            t.employed_fte[area * GROUPS + g] += fte;
        }
        if flags & flag::PRIMARY == 0 || !(in_post || leaver || starter) {
            continue;
        }
        let by = snap.birth_year[i] as i32;
        let band = (by > 0).then(|| AgeBand::of_age((census_year - by).max(0) as u32).index());
        let tr = tier(snap.qual[i]).index();
        if in_post {
            match band {
                Some(b) => {
                    t.stock[area * cells + cell(g, b, tr)] += 1.0;
                    if !fte.is_nan() {
                        t.fte[area * pairs + pair(g, b)] += fte;
                        t.fte_people[area * pairs + pair(g, b)] += 1.0;
                    }
                }
                None => t.no_age[(area * GROUPS + g) * TIERS + tr] += 1.0,
            }
        }
        let Some(b) = band else { continue };
        if leaver {
            let retired = snap.leave_reason[i] == LeavingReason::Retired as u8;
            let at = area * pairs + pair(g, b);
            if retired {
                t.retired[at] += 1.0;
            } else {
                t.leavers[at] += 1.0;
            }
        }
        if starter {
            t.starters[area * cells + cell(g, b, tr)] += 1.0;
        }
    }
    // agency totals a return states, by the role's group
    for v in 0..snap.vac_org.len() {
        let stated = snap.vac_stated_agency_fte[v] as f64;
        if !snap.vac_live[v] || stated.is_nan() {
            continue;
        }
        let Some(role) = snap.roles.get(snap.vac_role[v] as usize) else {
            continue;
        };
        let area = snap.orgs[snap.vac_org[v] as usize].area as usize;
        t.agency_fte[area * GROUPS + role.group as usize] += stated;
    }
    Some(t)
}

/// Each person in post at a census, counted once in their primary post: person → (area
/// index in the snapshot, role group). A key is made with the organisation's reference, so
/// someone who moves employer is a leaver and a joiner, not a move.
fn people_in_post(snap: &Snapshot) -> rustc_hash::FxHashMap<u64, (usize, usize)> {
    let mut out = rustc_hash::FxHashMap::default();
    let Some(census) = snap.census else {
        return out;
    };
    let census_day = crate::snapshot::days(Some(census));
    for i in 0..snap.len() {
        let (start, leave, flags) = (snap.start[i], snap.leave[i], snap.flags[i]);
        let in_post =
            (start == NO_DATE || start <= census_day) && (leave == NO_DATE || leave > census_day);
        if !snap.live[i]
            || !in_post
            || flags & flag::PRIMARY == 0
            || flags & flag::AGENCY != 0
            || snap.person[i] == 0
        {
            continue;
        }
        let Some(role) = snap.roles.get(snap.role[i] as usize) else {
            continue;
        };
        let org = &snap.orgs[snap.org[i] as usize];
        out.insert(snap.person[i], (org.area as usize, role.group as usize));
    }
    out
}

/// Moves between role groups from one census to the next, by area code: for each area,
/// people in post at both by role group at the first (`stayed[g]`) and of them those in
/// group `to` at the second (`moved[from * GROUPS + to]`).
#[derive(Debug, Default)]
struct Moves {
    later_year: i32,
    by_area: rustc_hash::FxHashMap<String, (Vec<f64>, Vec<f64>)>,
}

fn moves(earlier: &Snapshot, later: &Snapshot) -> Option<Moves> {
    let (e, l) = (earlier.census?, later.census?);
    let gap = chrono::Datelike::year(&l) - chrono::Datelike::year(&e);
    if gap != 1 {
        return None;
    }
    let before = people_in_post(earlier);
    let after = people_in_post(later);
    let mut out = Moves {
        later_year: chrono::Datelike::year(&l),
        by_area: Default::default(),
    };
    for (person, (area, from)) in &before {
        let code = &earlier.areas[*area].code;
        // the same person in the same area a year on
        let Some(&(a, to)) = after.get(person) else {
            continue;
        };
        if later.areas.get(a).is_none_or(|x| x.code != *code) {
            continue;
        }
        let entry = out
            .by_area
            .entry(code.clone())
            .or_insert_with(|| (vec![0.0; GROUPS * GROUPS], vec![0.0; GROUPS]));
        entry.1[*from] += 1.0;
        if to != *from {
            entry.0[from * GROUPS + to] += 1.0;
        }
    }
    Some(out)
}

pub use cws_project::model::EARLIER_WEIGHT;

/// What one census says about an area's rates and joiners: for each role group × age band,
/// leavers, retirements and the people at the year's start in England, the region and the
/// area; and the area's starters by cell.
struct Evidence {
    leave: Vec<[Counts; 3]>,
    retire: Vec<[Counts; 3]>,
    starters: Vec<f64>,
}

fn evidence(snap: &Snapshot, t: &Tally, code: &str, region_code: &str) -> Evidence {
    let cells = GROUPS * BANDS * TIERS;
    let pairs = GROUPS * BANDS;
    let everywhere: Vec<usize> = (0..snap.areas.len()).collect();
    let in_region: Vec<usize> = everywhere
        .iter()
        .copied()
        .filter(|&a| snap.areas[a].region_code == region_code)
        .collect();
    let only: Vec<usize> = everywhere
        .iter()
        .copied()
        .filter(|&a| snap.areas[a].code == code)
        .collect();
    let sum_over = |v: &Vec<f64>, list: &[usize], at: usize| -> f64 {
        list.iter().map(|a| v[a * pairs + at]).sum()
    };
    let people_at = |list: &[usize], g: usize, b: usize| -> f64 {
        list.iter()
            .map(|a| {
                (0..TIERS)
                    .map(|tr| {
                        t.stock[a * cells + cell(g, b, tr)] - t.starters[a * cells + cell(g, b, tr)]
                    })
                    .sum::<f64>()
            })
            .sum()
    };
    let level = |events: &Vec<f64>, list: &[usize], g: usize, b: usize| {
        let at = pair(g, b);
        let leavers = sum_over(&t.leavers, list, at) + sum_over(&t.retired, list, at);
        Counts {
            events: sum_over(events, list, at),
            // the people at the year's start: in post now, less starters, plus leavers
            exposure: (people_at(list, g, b) + leavers).max(0.0),
        }
    };
    let mut leave = Vec::with_capacity(pairs);
    let mut retire = Vec::with_capacity(pairs);
    for g in 0..GROUPS {
        for b in 0..BANDS {
            leave.push([
                level(&t.leavers, &everywhere, g, b),
                level(&t.leavers, &in_region, g, b),
                level(&t.leavers, &only, g, b),
            ]);
            retire.push([
                level(&t.retired, &everywhere, g, b),
                level(&t.retired, &in_region, g, b),
                level(&t.retired, &only, g, b),
            ]);
        }
    }
    let mut starters = vec![0.0; cells];
    for a in &only {
        for (c, s) in starters.iter_mut().enumerate() {
            *s += t.starters[a * cells + c];
        }
    }
    Evidence {
        leave,
        retire,
        starters,
    }
}

/// The projection's starting point for area `area` (its index in the snapshot), from the
/// snapshot's census. None when the snapshot has no census.
pub fn measure(snap: &Snapshot, area: usize) -> Option<Measured> {
    measure_over(&[snap], &snap.areas.get(area)?.code)
}

/// The projection's starting point for the area with GSS code `code`: its people, FTE,
/// agency and vacancies at the latest of the censuses `snaps`, and its rates and joiners
/// pooled over all of them, each earlier year weighing `EARLIER_WEIGHT` of the one after.
/// None when no census holds the area.
pub fn measure_over(snaps: &[&Snapshot], code: &str) -> Option<Measured> {
    Held::new(snaps).measure(code)
}

/// The censuses held, each with its counts made once, for measuring many areas (a region,
/// England) without counting every census again for each.
pub struct Held<'a> {
    censuses: Vec<(&'a Snapshot, Tally)>,
    moves: Vec<Moves>,
}

impl<'a> Held<'a> {
    /// The censuses among `snaps` that have a census date, with their counts.
    pub fn new(snaps: &[&'a Snapshot]) -> Held<'a> {
        let mut dated: Vec<&'a Snapshot> = snaps
            .iter()
            .copied()
            .filter(|s| s.census.is_some())
            .collect();
        dated.sort_by_key(|s| s.census);
        dated.dedup_by_key(|s| s.census.map(|c| chrono::Datelike::year(&c)));
        let moves = dated.windows(2).filter_map(|w| moves(w[0], w[1])).collect();
        Held {
            censuses: snaps
                .iter()
                .filter(|s| s.census.is_some())
                .filter_map(|s| tally(s).map(|t| (*s, t)))
                .collect(),
            moves,
        }
    }

    /// `measure_over` for the area with GSS code `code`.
    pub fn measure(&self, code: &str) -> Option<Measured> {
        measure_held(&self.censuses, &self.moves, code)
    }
}

fn measure_held(censuses: &[(&Snapshot, Tally)], moved: &[Moves], code: &str) -> Option<Measured> {
    let (snap, t) = censuses.iter().max_by_key(|(s, _)| s.census)?;
    let snap = *snap;
    let census = snap.census?;
    let area = snap.areas.iter().position(|a| a.code == code)?;
    let cells = GROUPS * BANDS * TIERS;
    let pairs = GROUPS * BANDS;
    let region_code = snap.areas[area].region_code.clone();

    // the area's people, those without an age in their group's middle band
    let mut stock = t.stock[area * cells..(area + 1) * cells].to_vec();
    let mut unknown_age = 0.0;
    for g in 0..GROUPS {
        let known: Vec<f64> = (0..BANDS)
            .map(|b| (0..TIERS).map(|tr| stock[cell(g, b, tr)]).sum())
            .collect();
        let total: f64 = known.iter().sum();
        let middle = if total > 0.0 {
            let mut seen = 0.0;
            known
                .iter()
                .position(|k| {
                    seen += k;
                    seen >= total / 2.0
                })
                .unwrap_or(BANDS / 2)
        } else {
            AgeBand::A40.index()
        };
        for tr in 0..TIERS {
            let n = t.no_age[(area * GROUPS + g) * TIERS + tr];
            stock[cell(g, middle, tr)] += n;
            unknown_age += n;
        }
    }
    let people: f64 = stock.iter().sum();

    // each census's evidence, weighted by its age, pooled
    let latest_year = chrono::Datelike::year(&census);
    let mut census_years = Vec::new();
    let mut weights = 0.0;
    let zero = [Counts::default(); 3];
    let mut pooled_leave = vec![zero; pairs];
    let mut pooled_retire = vec![zero; pairs];
    let mut starters = vec![0.0; cells];
    for (s, counts) in censuses {
        let Some(c) = s.census else { continue };
        let year = chrono::Datelike::year(&c);
        if !s.areas.iter().any(|a| a.code == code) || census_years.contains(&year) {
            continue;
        }
        let w = EARLIER_WEIGHT.powi(latest_year - year);
        let e = evidence(s, counts, code, &region_code);
        let add = |into: &mut [Counts; 3], from: &[Counts; 3]| {
            for (a, b) in into.iter_mut().zip(from) {
                a.events += w * b.events;
                a.exposure += w * b.exposure;
            }
        };
        for (p, (l, r)) in e.leave.iter().zip(&e.retire).enumerate() {
            add(&mut pooled_leave[p], l);
            add(&mut pooled_retire[p], r);
        }
        for (x, y) in starters.iter_mut().zip(&e.starters) {
            *x += w * y;
        }
        weights += w;
        census_years.push(year);
    }
    census_years.sort_unstable();
    let rate = |levels: &[Counts; 3]| -> Rate {
        // a level no wider than the one below it (a region whose only returns are this
        // area's) is the same people: counted once, not shrunk twice
        let mut levels = levels.to_vec();
        levels.dedup();
        shrink::through(&levels, 0.0, shrink::STRENGTH)
    };
    let mut leave = Vec::with_capacity(pairs);
    let mut retire = Vec::with_capacity(pairs);
    let mut fte_per_head = Vec::with_capacity(pairs);
    for g in 0..GROUPS {
        let group_fte: f64 = (0..BANDS).map(|b| t.fte[area * pairs + pair(g, b)]).sum();
        let group_people: f64 = (0..BANDS)
            .map(|b| t.fte_people[area * pairs + pair(g, b)])
            .sum();
        for b in 0..BANDS {
            leave.push(rate(&pooled_leave[pair(g, b)]));
            retire.push(rate(&pooled_retire[pair(g, b)]));
            let (f, n) = (
                t.fte[area * pairs + pair(g, b)],
                t.fte_people[area * pairs + pair(g, b)],
            );
            fte_per_head.push(if n > 0.0 {
                (f / n).min(1.5)
            } else if group_people > 0.0 {
                (group_fte / group_people).min(1.5)
            } else {
                1.0
            });
        }
    }

    // joiners: the censuses' starters a year (weighted) and where they arrived
    let mut joiners = Vec::with_capacity(GROUPS);
    let mut joiner_profile = vec![0.0; cells];
    for g in 0..GROUPS {
        let n: f64 = starters[cell(g, 0, 0)..cell(g + 1, 0, 0)].iter().sum();
        joiners.push(Joiners {
            mean: if weights > 0.0 { n / weights } else { 0.0 },
            years: weights,
            year_sd: 0.0,
        });
        if n > 0.0 {
            for c in cell(g, 0, 0)..cell(g + 1, 0, 0) {
                joiner_profile[c] = starters[c] / n;
            }
        }
    }
    let agency_share: Vec<f64> = (0..GROUPS)
        .map(|g| {
            let employed = t.employed_fte[area * GROUPS + g];
            if employed > 0.0 {
                (t.agency_fte[area * GROUPS + g] / employed).min(10.0)
            } else {
                0.0
            }
        })
        .collect();

    let years_said = match census_years.as_slice() {
        [only] => format!("the census year {only}"),
        many => format!(
            "the census years {}, each earlier year weighing {EARLIER_WEIGHT} of the one after",
            many.iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let (moves, moves_note) = move_rates(moved, code, &region_code, snap, latest_year);
    let mut notes = vec![
        moves_note,
        format!(
            "Joiners a year ({:.0}) and leaving and retirement rates are those of {years_said}; each cell's rates are shrunk towards its region's and England's (as if 20 more people had been seen at the wider rate).",
            joiners.iter().map(|j| j.mean).sum::<f64>()
        ),
    ];
    if unknown_age > 0.0 {
        notes.push(format!(
            "{unknown_age} of {people} people have no year of birth in their return; each is counted in the middle age band of their role group."
        ));
    }
    let inputs = Inputs {
        groups: RoleGroup::ALL
            .iter()
            .map(|g| g.label().to_string())
            .collect(),
        base_year: chrono::Datelike::year(&census),
        stock,
        fte_per_head,
        leave,
        retire,
        joiners,
        joiner_profile,
        moves,
        agency_share,
        demand: None,
        demand_variants: Vec::new(),
        aggregate: false,
    };
    let mut vacancy_fte = vec![0.0; GROUPS];
    for v in 0..snap.vac_org.len() {
        if !snap.vac_live[v] || snap.orgs[snap.vac_org[v] as usize].area as usize != area {
            continue;
        }
        if let Some(role) = snap.roles.get(snap.vac_role[v] as usize) {
            let fte = snap.vac_fte[v] as f64;
            if fte.is_finite() && fte > 0.0 {
                vacancy_fte[role.group as usize] += fte;
            }
        }
    }
    Some(Measured {
        inputs,
        people,
        unknown_age,
        vacancy_fte,
        census_years,
        notes,
    })
}

/// Yearly chances of moving between role groups for the area `code`: each pair of censuses
/// a year apart weighted as the rates are (`EARLIER_WEIGHT` a year back), England's as
/// measured, the region's shrunk towards England's and the area's towards the region's (as
/// leaving rates are); and the note that says what they rest on.
fn move_rates(
    moved: &[Moves],
    code: &str,
    region_code: &str,
    snap: &Snapshot,
    latest_year: i32,
) -> (Vec<f64>, String) {
    let in_region = |c: &str| {
        snap.areas
            .iter()
            .any(|a| a.code == c && a.region_code == region_code)
    };
    // (England, region, area) × (moved, stayed)
    let mut levels = [(); 3].map(|_| (vec![0.0; GROUPS * GROUPS], vec![0.0; GROUPS]));
    for m in moved {
        let w = EARLIER_WEIGHT.powi(latest_year - m.later_year);
        for (c, (mv, st)) in &m.by_area {
            let mut add = |l: usize| {
                for (x, y) in levels[l].0.iter_mut().zip(mv) {
                    *x += w * y;
                }
                for (x, y) in levels[l].1.iter_mut().zip(st) {
                    *x += w * y;
                }
            };
            add(0);
            if in_region(c) {
                add(1);
            }
            if c == code {
                add(2);
            }
        }
    }
    let followed: f64 = levels[2].1.iter().sum();
    if moved.is_empty() || followed == 0.0 {
        return (
            vec![0.0; GROUPS * GROUPS],
            "Nobody moves between role groups: moves are measured from the same people in post at two censuses a year apart, and the returns held do not follow anyone in this area from one to the next.".to_string(),
        );
    }
    let mut rates = vec![0.0; GROUPS * GROUPS];
    for from in 0..GROUPS {
        for to in (0..GROUPS).filter(|t| *t != from) {
            let mut counts: Vec<Counts> = levels
                .iter()
                .map(|(mv, st)| Counts {
                    events: mv[from * GROUPS + to],
                    exposure: st[from],
                })
                .collect();
            counts.dedup();
            rates[from * GROUPS + to] = shrink::through(&counts, 0.0, shrink::STRENGTH).mean;
        }
    }
    let moves_seen: f64 = levels[2].0.iter().sum();
    let years: Vec<String> = moved
        .iter()
        .map(|m| format!("{} to {}", m.later_year - 1, m.later_year))
        .collect();
    (
        rates,
        format!(
            "Moves between role groups are those of the {followed:.0} people in post at consecutive censuses ({}), {moves_seen:.0} of whom changed role group, shrunk towards the region's and England's as the rates are; someone who changes employer counts as a leaver and a joiner (their key is made with their employer's).",
            years.join(", ")
        ),
    )
}

/// Who reaches retirement age in each coming year (the seeds' "retirement wave"): people in
/// post at the census, by role group, counted in the year they turn `age`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Wave {
    pub groups: Vec<String>,
    pub census_year: i32,
    pub age: u32,
    /// People in post at the census, by role group.
    pub people: Vec<f64>,
    /// Of them, already at or past the age at the census.
    pub already: Vec<f64>,
    /// Of them, without a year of birth (in no year's count).
    pub unknown_age: Vec<f64>,
    /// `(year, by role group)`: people turning the age that year.
    pub reaching: Vec<(i32, Vec<f64>)>,
}

impl Wave {
    /// The share of a group's people at the census (those whose age is known) at or past
    /// the age by `year`, in per cent; None when none of the group's ages are known.
    pub fn share_by(&self, group: usize, year: i32) -> Option<f64> {
        let known = self.people[group] - self.unknown_age[group];
        if known <= 0.0 {
            return None;
        }
        let reached: f64 = self.already[group]
            + self
                .reaching
                .iter()
                .filter(|(y, _)| *y <= year)
                .map(|(_, v)| v[group])
                .sum::<f64>();
        Some(100.0 * reached / known)
    }
}

impl Wave {
    /// The share of all the census's people (those whose age is known) at or past the age by
    /// `year`, in per cent; None when no ages are known.
    pub fn total_share_by(&self, year: i32) -> Option<f64> {
        let known: f64 = self.people.iter().sum::<f64>() - self.unknown_age.iter().sum::<f64>();
        if known <= 0.0 {
            return None;
        }
        let reached: f64 = self.already.iter().sum::<f64>()
            + self
                .reaching
                .iter()
                .filter(|(y, _)| *y <= year)
                .map(|(_, v)| v.iter().sum::<f64>())
                .sum::<f64>();
        Some(100.0 * reached / known)
    }
}

/// The retirement wave of the areas `areas` (indices in the snapshot) to `to_year`.
pub fn retirement_wave(snap: &Snapshot, areas: &[usize], age: u32, to_year: i32) -> Option<Wave> {
    let census = snap.census?;
    let census_day = crate::snapshot::days(Some(census));
    let census_year = chrono::Datelike::year(&census);
    let mut in_scope = vec![false; snap.areas.len()];
    for &a in areas {
        if let Some(x) = in_scope.get_mut(a) {
            *x = true;
        }
    }
    let years: Vec<i32> = (census_year + 1..=to_year).collect();
    let mut wave = Wave {
        groups: RoleGroup::ALL
            .iter()
            .map(|g| g.label().to_string())
            .collect(),
        census_year,
        age,
        people: vec![0.0; GROUPS],
        already: vec![0.0; GROUPS],
        unknown_age: vec![0.0; GROUPS],
        reaching: years.iter().map(|y| (*y, vec![0.0; GROUPS])).collect(),
    };
    for i in 0..snap.len() {
        let (start, leave, flags) = (snap.start[i], snap.leave[i], snap.flags[i]);
        let in_post =
            (start == NO_DATE || start <= census_day) && (leave == NO_DATE || leave > census_day);
        if !snap.live[i] || !in_post || flags & flag::PRIMARY == 0 || flags & flag::AGENCY != 0 {
            continue;
        }
        if !in_scope[snap.orgs[snap.org[i] as usize].area as usize] {
            continue;
        }
        let Some(role) = snap.roles.get(snap.role[i] as usize) else {
            continue;
        };
        let g = role.group as usize;
        wave.people[g] += 1.0;
        let by = snap.birth_year[i] as i32;
        if by <= 0 {
            wave.unknown_age[g] += 1.0;
            continue;
        }
        let turns = by + age as i32;
        if turns <= census_year {
            wave.already[g] += 1.0;
        } else if let Some((_, v)) = wave.reaching.iter_mut().find(|(y, _)| *y == turns) {
            v[g] += 1.0;
        }
    }
    Some(wave)
}
