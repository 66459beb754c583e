//! The figures engine: one pass over a snapshot's columns, adding each post's contribution to
//! the `Sums` of its group, on all cores.
//!
//! Definitions at census date C, for the year (C − 1 year, C]:
//! - in post: started on or before C (or start not given) and not left by C; someone leaving
//!   on the census date is a leaver, not in post;
//! - starters and leavers: start or leaving date in the year (a starter who left in the same
//!   year counts as both);
//! - "inpost", starters, leavers, absence: employed posts (every contract but agency, and
//!   not volunteers or foster carers, who hold no employed post), as DfE counts them;
//! - headcounts count each person once, in their most senior post (FTE adds every post, and
//!   posts without an FTE are left out of FTE sums and counted in `fte_missing_posts`);
//! - people measures (age, diversity, qualifications, training, vetting, integrated working)
//!   are over everyone in post, employed or agency, once each;
//! - agency FTE and headcount: a return's stated totals where it gives them (a census
//!   return's LA block), else its agency posts in post;
//! - case holders: employed posts in post holding one or more cases, whatever the role;
//!   agency cover is never more than agency FTE (see `measure`).

use chrono::{Datelike, Months, NaiveDate};
use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::UnknownCode;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use cws_domain::worker::{ContractType, EthnicGroup};

use crate::measure::{Params, Sums};
use crate::snapshot::{days, flag, Snapshot, NO_DATE, UNKNOWN};

/// A way to cut the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Region,
    Area,
    Sector,
    Service,
    SettingType,
    Role,
    RoleGroup,
    Contract,
    CoreWider,
    /// Inside or outside a `Filter` (never asked for by name: a filtered table is cut by it
    /// and its inside shown, so disclosure control sees the whole and its part together).
    Selection,
}

impl Dimension {
    pub const ALL: &'static [Dimension] = &[
        Dimension::Region,
        Dimension::Area,
        Dimension::Sector,
        Dimension::Service,
        Dimension::SettingType,
        Dimension::Role,
        Dimension::RoleGroup,
        Dimension::Contract,
        Dimension::CoreWider,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Dimension::Region => "region",
            Dimension::Area => "area",
            Dimension::Sector => "sector",
            Dimension::Service => "service",
            Dimension::SettingType => "setting_type",
            Dimension::Role => "role",
            Dimension::RoleGroup => "role_group",
            Dimension::Contract => "contract",
            Dimension::CoreWider => "core_wider",
            Dimension::Selection => "selection",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dimension::Region => "Region",
            Dimension::Area => "Area",
            Dimension::Sector => "Sector",
            Dimension::Service => "Service",
            Dimension::SettingType => "Setting type",
            Dimension::Role => "Role",
            Dimension::RoleGroup => "Role group",
            Dimension::Contract => "Contract type",
            Dimension::CoreWider => "Core or wider workforce",
            Dimension::Selection => "Part of the workforce",
        }
    }

    /// A dimension by its machine name; the error lists every dimension.
    pub fn parse(code: &str) -> Result<Dimension, UnknownCode> {
        let code = code.trim();
        Dimension::ALL
            .iter()
            .copied()
            .find(|d| d.code() == code)
            .ok_or_else(|| {
                UnknownCode::new("dimension", code, Dimension::ALL.iter().map(|d| d.code()))
            })
    }
}

/// Which areas the figures cover.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Nation,
    Region(String),
    Area(String),
}

/// The settings a deployment may change (the `[figures]` table of `cws.toml`): what
/// "reaching retirement" means, how long a vetting check stays in date, and the working
/// days in a year for the absence rate (docs/definitions.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The age at which people are taken to retire.
    pub retirement_age: i32,
    /// "Reaching retirement" counts people who reach `retirement_age` within this many years
    /// of the census.
    pub retirement_within_years: i32,
    pub vetting_valid_months: u32,
    pub working_days: f64,
    /// The share of a region's or England's areas (0 to 1) that must have returns before
    /// their figures are shown as the region's or England's; below it they are `x`.
    pub min_aggregate_coverage: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            retirement_age: 65,
            retirement_within_years: 5,
            vetting_valid_months: 36,
            working_days: Params::default().working_days,
            min_aggregate_coverage: 0.5,
        }
    }
}

/// Part of the workforce: each value set keeps only the posts and vacancies that have it (the
/// command line's dimensions as simple filters on a dashboard).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub sector: Option<Sector>,
    pub service: Option<Service>,
    pub setting_type: Option<SettingType>,
    pub role_group: Option<cws_domain::role::RoleGroup>,
    pub contract: Option<ContractType>,
}

/// The label of the posts inside a filter, in a table cut by `Dimension::Selection`.
pub const SELECTED: &str = "Selected";

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// What the filter keeps, in words ("Local authority · Social work"); `None` when it
    /// keeps everything.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<&str> = [
            self.sector.map(Sector::label),
            self.service.map(Service::label),
            self.setting_type.map(SettingType::label),
            self.role_group.map(cws_domain::role::RoleGroup::label),
            self.contract.map(ContractType::label),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// Whether an organisation is of the filter's sector, service and setting type (what it
    /// is, whichever of its posts the filter keeps).
    pub fn keeps_organisation(&self, o: &crate::snapshot::OrgInfo) -> bool {
        self.sector.is_none_or(|c| c == o.sector)
            && self.service.is_none_or(|c| c == o.service)
            && self.setting_type.is_none_or(|c| c == o.setting_type)
    }

    /// Whether a post of `org` in `role` with `contract` (a position in `ContractType::ALL`,
    /// or `VACANT`) is inside. A vacancy has no contract: outside any contract filter.
    fn keeps(&self, snap: &Snapshot, org: u32, role: u16, contract: u32) -> bool {
        let group = snap.roles.get(role as usize).map(|r| r.group);
        self.keeps_organisation(&snap.orgs[org as usize])
            && self.role_group.is_none_or(|c| Some(c) == group)
            && self.contract.is_none_or(|c| c as u32 == contract)
    }
}

/// Settings of a computation beyond the measure definitions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub params: Params,
    /// Only part of the workforce, when set: tables cut by `Dimension::Selection` split it.
    pub filter: Filter,
    /// Retirement age and the year by which "reaching retirement" is counted.
    pub retirement_age: i32,
    pub horizon_year: i32,
    /// How long a vetting check stays in date.
    pub vetting_valid_months: u32,
}

impl Options {
    /// The default settings at a census.
    pub fn for_census(census: NaiveDate) -> Options {
        Options::with_settings(census, &Settings::default())
    }

    pub fn with_settings(census: NaiveDate, settings: &Settings) -> Options {
        Options {
            params: Params {
                working_days: settings.working_days,
            },
            retirement_age: settings.retirement_age,
            horizon_year: census.year() + settings.retirement_within_years,
            vetting_valid_months: settings.vetting_valid_months,
            filter: Filter::default(),
        }
    }
}

/// Which of the snapshot's areas a scope covers.
pub(crate) fn scope_mask(snap: &Snapshot, scope: &Scope) -> Result<Vec<bool>, FiguresError> {
    let (kind, code, v): (&'static str, &String, Vec<bool>) = match scope {
        Scope::Nation => return Ok(vec![true; snap.areas.len()]),
        Scope::Region(code) => (
            "region",
            code,
            snap.areas.iter().map(|a| &a.region_code == code).collect(),
        ),
        Scope::Area(code) => (
            "area",
            code,
            snap.areas.iter().map(|a| &a.code == code).collect(),
        ),
    };
    if v.contains(&true) {
        Ok(v)
    } else {
        Err(FiguresError::UnknownScope(kind, code.clone()))
    }
}

/// What an aggregate rests on: how many of the scope's areas have returns in the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub with_returns: usize,
    pub areas: usize,
}

impl Coverage {
    pub fn share(&self) -> f64 {
        if self.areas == 0 {
            0.0
        } else {
            self.with_returns as f64 / self.areas as f64
        }
    }

    /// "1 of 33 areas with returns".
    pub fn text(&self) -> String {
        format!(
            "{} of {} with returns",
            self.with_returns,
            cws_domain::words::count(self.areas as u64, "area")
        )
    }
}

/// The scope's coverage: areas with any live post or vacancy, of all its areas.
pub fn coverage(snap: &Snapshot, scope: &Scope) -> Result<Coverage, FiguresError> {
    let mask = scope_mask(snap, scope)?;
    let held = snap.areas_with_returns();
    Ok(Coverage {
        with_returns: mask.iter().zip(&held).filter(|(m, h)| **m && **h).count(),
        areas: mask.iter().filter(|m| **m).count(),
    })
}

/// The most dimensions one table may have.
pub const MAX_DIMENSIONS: usize = 4;
type Key = [u32; MAX_DIMENSIONS];
/// The key of a vacancy's contract: vacant posts have none.
const VACANT: u32 = u32::MAX - 1;
/// The label of vacancies in a table by contract type.
pub const VACANT_POSTS: &str = "Vacant posts";

/// One group of a table: its labels by dimension, and its sums.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub labels: Vec<String>,
    pub sums: Sums,
}

/// Errors in a figures request.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FiguresError {
    #[error("at most {MAX_DIMENSIONS} dimensions can be combined in one table")]
    TooManyDimensions,
    #[error("there is no {0} with the code '{1}'")]
    UnknownScope(&'static str, String),
    #[error("the snapshot has no census date")]
    NoCensus,
    /// The embedded published figures did not parse (a build-time fact the reference
    /// tests check; named here rather than hidden).
    #[error("DfE's published figures embedded in cws cannot be read: {0}")]
    Reference(String),
}

struct Context<'a> {
    snap: &'a Snapshot,
    dims: &'a [Dimension],
    in_scope: Vec<bool>,
    census: i32,
    year_start: i32,
    vetting_from: i32,
    vetting_due_from: i32,
    vetting_due_to: i32,
    census_year: i32,
    opts: Options,
}

/// Computes the sums of every group of `dims` within `scope`.
pub fn compute(
    snap: &Snapshot,
    scope: &Scope,
    dims: &[Dimension],
    opts: &Options,
) -> Result<Vec<Group>, FiguresError> {
    if dims.len() > MAX_DIMENSIONS {
        return Err(FiguresError::TooManyDimensions);
    }
    let census = snap.census.ok_or(FiguresError::NoCensus)?;
    let in_scope = scope_mask(snap, scope)?;
    let minus = |m: u32| days(census.checked_sub_months(Months::new(m)));
    let ctx = Context {
        snap,
        dims,
        in_scope,
        census: days(Some(census)),
        year_start: minus(12),
        vetting_from: minus(opts.vetting_valid_months),
        vetting_due_from: minus(opts.vetting_valid_months),
        vetting_due_to: days(
            census
                .checked_add_days(chrono::Days::new(90))
                .and_then(|d| d.checked_sub_months(Months::new(opts.vetting_valid_months))),
        ),
        census_year: census.year(),
        opts: *opts,
    };
    const CHUNK: usize = 1 << 16;
    let n = snap.len();
    // an area or region reads only its own organisations' posts; England reads them all
    let (selected, selected_vacancies) = match scope {
        Scope::Nation => (None, None),
        _ => {
            let (p, v) = snap.entries_in_areas(&ctx.in_scope);
            (Some(p), Some(v))
        }
    };
    let posts = match &selected {
        None => (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut acc: FxHashMap<Key, Sums> = FxHashMap::default();
                for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                    ctx.add_post(i, &mut acc);
                }
                acc
            })
            .reduce(FxHashMap::default, merge),
        Some(posts) if posts.len() <= CHUNK => {
            let mut acc: FxHashMap<Key, Sums> = FxHashMap::default();
            for &i in posts {
                ctx.add_post(i as usize, &mut acc);
            }
            acc
        }
        Some(posts) => posts
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut acc: FxHashMap<Key, Sums> = FxHashMap::default();
                for &i in chunk {
                    ctx.add_post(i as usize, &mut acc);
                }
                acc
            })
            .reduce(FxHashMap::default, merge),
    };
    let mut acc = posts;
    match &selected_vacancies {
        Some(v) => v
            .iter()
            .for_each(|&i| ctx.add_vacancy(i as usize, &mut acc)),
        None => (0..snap.vac_org.len()).for_each(|i| ctx.add_vacancy(i, &mut acc)),
    }
    ctx.add_settings(selected.as_deref(), &mut acc);
    let mut groups: Vec<(Key, Group)> = acc
        .into_iter()
        .map(|(k, sums)| {
            (
                k,
                Group {
                    labels: ctx.labels(&k),
                    sums,
                },
            )
        })
        .collect();
    groups.sort_by(|a, b| a.1.labels.cmp(&b.1.labels));
    Ok(groups.into_iter().map(|(_, g)| g).collect())
}

fn merge(mut a: FxHashMap<Key, Sums>, b: FxHashMap<Key, Sums>) -> FxHashMap<Key, Sums> {
    for (k, s) in b {
        a.entry(k).or_default().add(&s);
    }
    a
}

impl Context<'_> {
    fn key(&self, org: u32, role: u16, contract: u32) -> Key {
        let s = self.snap;
        let o = &s.orgs[org as usize];
        let r = s.roles.get(role as usize);
        let mut k = [0u32; MAX_DIMENSIONS];
        for (slot, d) in k.iter_mut().zip(self.dims) {
            *slot = match d {
                // keyed by the first area of the region, labelled by the region
                Dimension::Region => s.area_region[o.area as usize] as u32,
                Dimension::Area => o.area as u32,
                // a code list's position in its catalogue, labelled from it
                Dimension::Sector => o.sector as u32,
                Dimension::Service => o.service as u32,
                Dimension::SettingType => o.setting_type as u32,
                Dimension::Role => role as u32,
                Dimension::RoleGroup => r.map_or(u32::MAX, |r| r.group as u32),
                Dimension::Contract => contract,
                Dimension::CoreWider => r.map_or(u32::MAX, |r| r.core_wider as u32),
                Dimension::Selection => u32::from(!self.opts.filter.keeps(s, org, role, contract)),
            };
        }
        k
    }

    fn labels(&self, k: &Key) -> Vec<String> {
        let s = self.snap;
        self.dims
            .iter()
            .zip(k)
            .map(|(d, &v)| match d {
                Dimension::Region => s
                    .areas
                    .get(v as usize)
                    .map_or_else(String::new, |a| a.region_name.clone()),
                Dimension::Area => s
                    .areas
                    .get(v as usize)
                    .map_or_else(String::new, |a| a.name.clone()),
                Dimension::Sector => catalogue_label(Sector::ALL, v, Sector::label),
                Dimension::Service => catalogue_label(Service::ALL, v, Service::label),
                Dimension::SettingType => catalogue_label(SettingType::ALL, v, SettingType::label),
                Dimension::Role => s
                    .roles
                    .get(v as usize)
                    .map_or_else(|| "Unknown role".into(), |r| r.title.clone()),
                Dimension::RoleGroup => cws_domain::role::RoleGroup::ALL
                    .get(v as usize)
                    .map_or_else(|| "Unknown".into(), |g| g.label().to_string()),
                Dimension::Contract if v == VACANT => VACANT_POSTS.into(),
                Dimension::Contract => cws_domain::worker::ContractType::ALL
                    .get(v as usize)
                    .map_or_else(|| "Unknown".into(), |c| c.label().to_string()),
                Dimension::CoreWider => cws_domain::role::CoreWider::ALL
                    .get(v as usize)
                    .map_or_else(|| "Unknown".into(), |c| c.label().to_string()),
                Dimension::Selection if v == 0 => SELECTED.into(),
                Dimension::Selection => "Rest".into(),
            })
            .collect()
    }

    fn add_post(&self, i: usize, acc: &mut FxHashMap<Key, Sums>) {
        let s = self.snap;
        if !s.live[i] {
            return;
        }
        let org = s.org[i];
        if !self.in_scope[s.orgs[org as usize].area as usize] {
            return;
        }
        let (start, leave, flags) = (s.start[i], s.leave[i], s.flags[i]);
        let started = start == NO_DATE || start <= self.census;
        let in_post = started && (leave == NO_DATE || leave > self.census);
        let leaver = leave != NO_DATE && leave > self.year_start && leave <= self.census;
        let starter = start != NO_DATE && start > self.year_start && start <= self.census;
        if !(in_post || leaver || starter) {
            return;
        }
        let sums = acc
            .entry(self.key(org, s.role[i], s.contract[i] as u32))
            .or_default();
        let fte = s.fte[i] as f64;
        let fte_known = !fte.is_nan();
        let fte0 = if fte_known { fte } else { 0.0 };
        let primary = flags & flag::PRIMARY != 0;
        let one = |b: bool| if b { 1.0 } else { 0.0 };
        if flags & flag::UNPAID != 0 {
            // volunteers and foster carers: people in post, in no employed figure or rate
        } else if flags & flag::AGENCY == 0 {
            if in_post {
                sums.inpost_fte += fte0;
                sums.inpost_headcount += one(primary);
                sums.fte_missing_posts += one(!fte_known);
                let lost = s.days_lost[i] as f64;
                if !lost.is_nan() {
                    sums.working_days_lost_fte += lost;
                }
            }
            if starter {
                sums.starters_fte += fte0;
                sums.starters_headcount += one(primary);
            }
            if leaver {
                sums.leavers_fte += fte0;
                sums.leavers_headcount += one(primary);
            }
        } else if in_post {
            // an organisation that states its agency totals counts them instead
            let o = &s.orgs[org as usize];
            if !o.stated_agency_fte {
                sums.agency_fte += fte0;
                sums.fte_missing_posts += one(!fte_known);
            }
            if !o.stated_agency_headcount {
                sums.agency_headcount += one(primary);
            }
        }
        if !in_post {
            return;
        }
        if flags & flag::CASE_HOLDER != 0 {
            sums.case_holders_fte += fte0;
            sums.cases += s.cases[i] as f64;
        }
        if !primary {
            return;
        }
        sums.people += 1.0;
        let by = s.birth_year[i] as i32;
        if by > 0 {
            let age = self.census_year - by;
            sums.age_known += 1.0;
            match age {
                ..20 => sums.age_under_20 += 1.0,
                20..30 => sums.age_20_29 += 1.0,
                30..40 => sums.age_30_39 += 1.0,
                40..50 => sums.age_40_49 += 1.0,
                50..60 => sums.age_50_59 += 1.0,
                _ => sums.age_60_plus += 1.0,
            }
            sums.age_55_plus += one(age >= 55);
            sums.reaching_retirement +=
                one(by + self.opts.retirement_age <= self.opts.horizon_year);
        }
        match s.sex[i] {
            UNKNOWN => {}
            x => {
                sums.sex_known += 1.0;
                sums.female += one(x == cws_domain::worker::Sex::Female as u8);
                sums.male += one(x == cws_domain::worker::Sex::Male as u8);
            }
        }
        match s.ethnic_group[i] {
            UNKNOWN => {}
            g => {
                sums.ethnicity_known += 1.0;
                sums.ethnic_minority += one(g != EthnicGroup::White as u8);
                *match EthnicGroup::ALL.get(g as usize) {
                    Some(EthnicGroup::White) => &mut sums.ethnicity_white,
                    Some(EthnicGroup::Mixed) => &mut sums.ethnicity_mixed,
                    Some(EthnicGroup::Asian) => &mut sums.ethnicity_asian,
                    Some(EthnicGroup::Black) => &mut sums.ethnicity_black,
                    _ => &mut sums.ethnicity_other,
                } += 1.0;
            }
        }
        if flags & flag::DISABILITY_KNOWN != 0 {
            sums.disability_known += 1.0;
            sums.disabled += one(flags & flag::DISABLED != 0);
        }
        match s.qual[i] {
            UNKNOWN => {}
            q => {
                use cws_domain::worker::QualLevel;
                sums.qual_known += 1.0;
                if q >= QualLevel::L6 as u8 {
                    sums.graduates += 1.0;
                } else {
                    sums.non_graduates += 1.0;
                    sums.level3_plus_non_graduates += one(q >= QualLevel::L3 as u8);
                }
            }
        }
        sums.common_core += one(flags & flag::COMMON_CORE != 0);
        sums.common_core_known += one(flags & flag::COMMON_CORE_KNOWN != 0);
        sums.induction += one(flags & flag::INDUCTION != 0);
        sums.induction_known += one(flags & flag::INDUCTION_KNOWN != 0);
        let vetted = s.vetting_date[i];
        if flags & flag::VETTED != 0 && vetted != NO_DATE {
            sums.vetting_in_date += one(vetted > self.vetting_from && vetted <= self.census);
            sums.vetting_due_90_days +=
                one(vetted > self.vetting_due_from && vetted <= self.vetting_due_to);
        }
        sums.caf_trained += one(flags & flag::CAF_TRAINED != 0);
        sums.caf_trained_known += one(flags & flag::CAF_TRAINED_KNOWN != 0);
        sums.lead_professionals += one(flags & flag::LEAD_PROFESSIONAL != 0);
        sums.lead_professional_known += one(flags & flag::LEAD_PROFESSIONAL_KNOWN != 0);
        sums.multi_agency += one(flags & flag::MULTI_AGENCY != 0);
        sums.multi_agency_known += one(flags & flag::MULTI_AGENCY_KNOWN != 0);
        if start != NO_DATE {
            sums.service_known += 1.0;
            let years = (self.census - start) as f64 / 365.25;
            if years < 2.0 {
                sums.service_under_2_years += 1.0;
            } else if years < 5.0 {
                sums.service_2_to_5_years += 1.0;
            } else {
                sums.service_5_plus_years += 1.0;
            }
        }
    }

    fn add_vacancy(&self, i: usize, acc: &mut FxHashMap<Key, Sums>) {
        let s = self.snap;
        if !s.vac_live[i] {
            return;
        }
        let org = s.vac_org[i];
        if !self.in_scope[s.orgs[org as usize].area as usize] {
            return;
        }
        let sums = acc.entry(self.key(org, s.vac_role[i], VACANT)).or_default();
        sums.vacancy_fte += s.vac_fte[i] as f64;
        sums.agency_cover_fte += s.vac_agency[i] as f64;
        let (fte, headcount) = (
            s.vac_stated_agency_fte[i] as f64,
            s.vac_stated_agency_headcount[i] as f64,
        );
        if !fte.is_nan() || !headcount.is_nan() {
            // the stated agency workers, under the role they are stated for, as agency
            let sums = acc
                .entry(self.key(org, s.vac_role[i], ContractType::Agency as u32))
                .or_default();
            if !fte.is_nan() {
                sums.agency_fte += fte;
            }
            if !headcount.is_nan() {
                sums.agency_headcount += headcount;
            }
        }
    }

    /// Full day care settings and their graduate leaders (an Early Years Professional,
    /// teacher or graduate in an early years post, in post at the census date).
    fn add_settings(&self, selected: Option<&[u32]>, acc: &mut FxHashMap<Key, Sums>) {
        let s = self.snap;
        let all: Box<dyn Iterator<Item = usize>> = match selected {
            Some(posts) => Box::new(posts.iter().map(|&p| p as usize)),
            None => Box::new(0..s.len()),
        };
        let leaders = full_day_care(s, self.census, &self.in_scope, all);
        for (org, setting) in leaders {
            let count = setting.graduates;
            let key = self.key(org, setting.role, VACANT);
            let sums = acc.entry(key).or_default();
            sums.settings += 1.0;
            sums.settings_with_graduate_leader += if count >= 1 { 1.0 } else { 0.0 };
            if s.orgs[org as usize].disadvantaged {
                sums.disadvantaged_settings += 1.0;
                sums.disadvantaged_settings_with_graduate_leader +=
                    if count >= 1 { 1.0 } else { 0.0 };
                sums.disadvantaged_settings_with_two_graduate_leaders +=
                    if count >= 2 { 1.0 } else { 0.0 };
            }
        }
    }
}

/// A full day care setting at the census: its early years staff in post, their graduates,
/// and the role it is counted under (its most senior early years role).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DayCare {
    pub staff: u32,
    pub graduates: u32,
    pub role: u16,
}

/// The full day care settings of the areas `in_scope` among `posts`, by organisation: a
/// graduate is an Early Years Professional, teacher or graduate in an early years post, in
/// post at `census` (days).
pub(crate) fn full_day_care(
    s: &Snapshot,
    census: i32,
    in_scope: &[bool],
    posts: impl Iterator<Item = usize>,
) -> FxHashMap<u32, DayCare> {
    let mut settings: FxHashMap<u32, DayCare> = FxHashMap::default();
    for i in posts {
        let org = s.org[i];
        let o = &s.orgs[org as usize];
        if !s.live[i]
            || o.setting_type != SettingType::FullDayCare
            || !in_scope.get(o.area as usize).copied().unwrap_or(false)
        {
            continue;
        }
        let in_post = (s.start[i] == NO_DATE || s.start[i] <= census)
            && (s.leave[i] == NO_DATE || s.leave[i] > census);
        if !in_post {
            continue;
        }
        let e = settings.entry(org).or_insert(DayCare {
            staff: 0,
            graduates: 0,
            role: u16::MAX,
        });
        let early_years = s
            .roles
            .get(s.role[i] as usize)
            .is_some_and(|r| r.group == cws_domain::role::RoleGroup::EarlyYears);
        let graduate = s.flags[i] & flag::GRADUATE_LEADER_QUAL != 0
            || (s.qual[i] != UNKNOWN && s.qual[i] >= cws_domain::worker::QualLevel::L6 as u8);
        if early_years {
            e.staff += 1;
            if graduate {
                e.graduates += 1;
            }
        }
        // the setting is counted under its most senior early years role
        if early_years && e.role == u16::MAX {
            e.role = s.role[i];
        }
    }
    settings
}

/// The label of the code at `position` in its code list's catalogue.
fn catalogue_label<T: Copy>(all: &[T], position: u32, label: fn(T) -> &'static str) -> String {
    all.get(position as usize)
        .map_or_else(|| "Unknown".into(), |&c| label(c).to_string())
}
