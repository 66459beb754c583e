//! A compact columnar form of one census's worker-level returns, built once from the store
//! and updated organisation by organisation when a return is accepted.
//!
//! Each post is one entry in parallel columns of small integers (dictionary codes, days since
//! the common era, flags); figures are computed in one pass over the columns.

use chrono::{Datelike, NaiveDate};
use cws_domain::collection::Vacancy;
use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::role::Role;
use cws_domain::worker::{ContractType, EthnicGroup, Sex, WorkerRecord};
use cws_store::returns::OrganisationRow;
use cws_store::{AreaId, OrganisationId};
use rustc_hash::FxHashMap;

/// A value that is not known, in the small-integer columns.
pub const UNKNOWN: u8 = u8::MAX;
/// A date that is not given (days columns).
pub const NO_DATE: i32 = i32::MIN;

/// Flags of a post (bits of `Snapshot::flags`).
pub mod flag {
    pub const COMMON_CORE: u32 = 1;
    pub const INDUCTION: u32 = 1 << 1;
    pub const CAF_TRAINED: u32 = 1 << 2;
    pub const LEAD_PROFESSIONAL: u32 = 1 << 3;
    pub const MULTI_AGENCY: u32 = 1 << 4;
    pub const AGENCY: u32 = 1 << 5;
    /// This post counts the person in headcounts (their most senior post).
    pub const PRIMARY: u32 = 1 << 6;
    pub const GRADUATE_LEADER_QUAL: u32 = 1 << 7;
    pub const DISABLED: u32 = 1 << 8;
    pub const DISABILITY_KNOWN: u32 = 1 << 9;
    pub const CASE_HOLDER: u32 = 1 << 10;
    pub const VETTED: u32 = 1 << 11;
    /// A volunteer or foster carer: in post, but holding no employed post (outside the
    /// employed figures and rates).
    pub const UNPAID: u32 = 1 << 12;
    /// The return answered the yes/no question (the answer itself is the bit above).
    pub const COMMON_CORE_KNOWN: u32 = 1 << 13;
    pub const INDUCTION_KNOWN: u32 = 1 << 14;
    pub const CAF_TRAINED_KNOWN: u32 = 1 << 15;
    pub const LEAD_PROFESSIONAL_KNOWN: u32 = 1 << 16;
    pub const MULTI_AGENCY_KNOWN: u32 = 1 << 17;
}

/// An area a snapshot covers.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaInfo {
    pub id: AreaId,
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
}

/// An organisation of a snapshot, with the area (by index) it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgInfo {
    pub id: OrganisationId,
    pub area: u16,
    pub reference: String,
    pub sector: Sector,
    pub service: Service,
    pub setting_type: SettingType,
    pub disadvantaged: bool,
    /// Whether the organisation's current return states its agency workers' FTE and
    /// headcount in total (a census return's LA block): then those totals, not its agency
    /// records, are its agency figures.
    pub stated_agency_fte: bool,
    pub stated_agency_headcount: bool,
}

/// The census's posts and vacancies in columns.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub census: Option<NaiveDate>,
    pub areas: Vec<AreaInfo>,
    pub orgs: Vec<OrgInfo>,
    pub roles: Vec<Role>,
    /// For each area, the first area of its region (regions are keyed by it).
    pub area_region: Vec<u16>,
    org_index: FxHashMap<OrganisationId, u32>,
    role_index: FxHashMap<String, u16>,
    // one entry per post
    pub org: Vec<u32>,
    pub role: Vec<u16>,
    pub contract: Vec<u8>,
    /// FTE, NaN when not given.
    pub fte: Vec<f32>,
    pub start: Vec<i32>,
    pub leave: Vec<i32>,
    pub leave_reason: Vec<u8>,
    /// The first 64 bits of the person's pseudonymous key: the same person in the same
    /// organisation at another census has the same value (moves between role groups).
    pub person: Vec<u64>,
    /// Year of birth, 0 when not given.
    pub birth_year: Vec<i16>,
    pub sex: Vec<u8>,
    pub ethnic_group: Vec<u8>,
    pub qual: Vec<u8>,
    pub vetting_date: Vec<i32>,
    /// Days lost to sickness, NaN when not given.
    pub days_lost: Vec<f32>,
    /// Cases held, NaN when not given.
    pub cases: Vec<f32>,
    pub flags: Vec<u32>,
    /// False for posts replaced by a later return (compacted away in time).
    pub live: Vec<bool>,
    // one entry per vacancy
    pub vac_org: Vec<u32>,
    pub vac_role: Vec<u16>,
    pub vac_fte: Vec<f32>,
    pub vac_agency: Vec<f32>,
    /// Agency FTE and headcount the return states for the role, NaN when not stated.
    pub vac_stated_agency_fte: Vec<f32>,
    pub vac_stated_agency_headcount: Vec<f32>,
    pub vac_live: Vec<bool>,
    /// Where each organisation's posts and vacancies are, for replacing them.
    org_posts: FxHashMap<u32, (Vec<u32>, Vec<u32>)>,
    dead: usize,
    /// Changes whenever the contents change (unique across snapshots), so figures computed
    /// from it can be cached until the next accepted return.
    pub generation: u64,
}

/// The next snapshot generation: unique in the process.
fn next_generation() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Days since the common era, or `NO_DATE`.
pub fn days(d: Option<NaiveDate>) -> i32 {
    d.map_or(NO_DATE, |d| d.num_days_from_ce())
}

/// Where a scope's community is counted: the geography's own code, and the areas whose rows
/// sum to it when it has no row of its own (docs/definitions.md §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityGeography {
    pub code: String,
    pub areas: Vec<String>,
}

impl Snapshot {
    /// The geography of a scope's community: an area is itself; a region or England is its
    /// own Census row where there is one, or else the sum of the areas the snapshot holds.
    pub fn community_geography(&self, scope: &crate::figures::Scope) -> CommunityGeography {
        use crate::figures::Scope;
        let (code, areas) = match scope {
            Scope::Area(c) => (c.clone(), vec![c.clone()]),
            Scope::Region(r) => (
                r.clone(),
                self.areas
                    .iter()
                    .filter(|a| &a.region_code == r)
                    .map(|a| a.code.clone())
                    .collect(),
            ),
            Scope::Nation => (
                cws_domain::geography::ENGLAND.to_string(),
                self.areas.iter().map(|a| a.code.clone()).collect(),
            ),
        };
        CommunityGeography { code, areas }
    }

    /// An empty snapshot knowing the areas, organisations and roles.
    pub fn new(
        census: Option<NaiveDate>,
        areas: Vec<AreaInfo>,
        orgs: &[(AreaId, OrganisationRow)],
        roles: Vec<Role>,
    ) -> Snapshot {
        let area_index: FxHashMap<AreaId, u16> = areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i as u16))
            .collect();
        let mut s = Snapshot {
            census,
            areas,
            roles,
            generation: next_generation(),
            ..Snapshot::default()
        };
        s.area_region = s
            .areas
            .iter()
            .map(|a| {
                s.areas
                    .iter()
                    .position(|b| b.region_code == a.region_code)
                    .unwrap_or(0) as u16
            })
            .collect();
        for (area_id, o) in orgs {
            let Some(&area) = area_index.get(area_id) else {
                continue;
            };
            s.org_index.insert(o.id, s.orgs.len() as u32);
            s.orgs.push(OrgInfo {
                id: o.id,
                area,
                reference: o.reference.clone(),
                sector: o.sector,
                service: o.service,
                setting_type: o.setting_type,
                disadvantaged: o.disadvantaged,
                stated_agency_fte: false,
                stated_agency_headcount: false,
            });
        }
        s.role_index = s
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str().to_string(), i as u16))
            .collect();
        s
    }

    pub fn len(&self) -> usize {
        self.org.len()
    }

    pub fn is_empty(&self) -> bool {
        self.org.is_empty()
    }

    /// For each area, whether any of its organisations has a live post or vacancy.
    pub fn areas_with_returns(&self) -> Vec<bool> {
        let mut held = vec![false; self.areas.len()];
        for (org, (posts, vacancies)) in &self.org_posts {
            let live = posts.iter().any(|&p| self.live[p as usize])
                || vacancies.iter().any(|&v| self.vac_live[v as usize]);
            if live {
                if let Some(info) = self.orgs.get(*org as usize) {
                    held[info.area as usize] = true;
                }
            }
        }
        held
    }

    /// The live posts and vacancies of the organisations in the areas `in_scope` marks, each
    /// in order: what an area's or a region's figures read, instead of every post.
    pub fn entries_in_areas(&self, in_scope: &[bool]) -> (Vec<u32>, Vec<u32>) {
        let (mut posts, mut vacancies) = (Vec::new(), Vec::new());
        for (org, info) in self.orgs.iter().enumerate() {
            if !in_scope.get(info.area as usize).copied().unwrap_or(false) {
                continue;
            }
            if let Some((p, v)) = self.org_posts.get(&(org as u32)) {
                posts.extend(p.iter().copied().filter(|&i| self.live[i as usize]));
                vacancies.extend(v.iter().copied().filter(|&i| self.vac_live[i as usize]));
            }
        }
        posts.sort_unstable();
        vacancies.sort_unstable();
        (posts, vacancies)
    }

    /// Index of an organisation by its store id.
    pub fn org_of(&self, organisation_id: OrganisationId) -> Option<u32> {
        self.org_index.get(&organisation_id).copied()
    }

    /// Replaces an organisation's posts and vacancies with those of its newly accepted
    /// return; only that organisation's entries change.
    pub fn replace_organisation(
        &mut self,
        organisation_id: OrganisationId,
        workers: &[WorkerRecord],
        vacancies: &[Vacancy],
    ) {
        let Some(org) = self.org_of(organisation_id) else {
            return;
        };
        self.generation = next_generation();
        if let Some((posts, vacs)) = self.org_posts.remove(&org) {
            for p in posts {
                self.live[p as usize] = false;
                self.dead += 1;
            }
            for v in vacs {
                self.vac_live[v as usize] = false;
            }
        }
        let info = &mut self.orgs[org as usize];
        info.stated_agency_fte = false;
        info.stated_agency_headcount = false;
        self.push_posts(org, workers);
        for v in vacancies {
            self.push_vacancy(org, v);
        }
        if self.dead > self.org.len() / 4 {
            self.compact();
        }
    }

    /// Adds an organisation's posts (all of them at once, so the headcount's most senior post
    /// per person can be chosen).
    pub fn push_posts(&mut self, org: u32, workers: &[WorkerRecord]) {
        // the person's most senior post counts them in headcounts: lowest IQF rank, then most FTE
        let rank = |w: &WorkerRecord| {
            let role = self
                .role_index
                .get(w.role.as_str())
                .map(|i| &self.roles[*i as usize]);
            (
                role.map_or(u8::MAX, |r| r.iqf_range as u8),
                std::cmp::Reverse((w.fte.map_or(0.0, |f| f.get()) * 1000.0) as i64),
            )
        };
        let mut best: FxHashMap<&str, (usize, (u8, std::cmp::Reverse<i64>))> = FxHashMap::default();
        for (i, w) in workers.iter().enumerate() {
            // posts already left do not decide who someone is now
            let in_post = w.leaving.is_none();
            let r = rank(w);
            let r = (
                if in_post {
                    r.0
                } else {
                    r.0.saturating_add(100)
                },
                r.1,
            );
            best.entry(w.person.as_str())
                .and_modify(|b| {
                    if r < b.1 {
                        *b = (i, r)
                    }
                })
                .or_insert((i, r));
        }
        let primary: rustc_hash::FxHashSet<usize> = best.values().map(|(i, _)| *i).collect();
        for (i, w) in workers.iter().enumerate() {
            self.push_post(org, w, primary.contains(&i));
        }
    }

    fn push_post(&mut self, org: u32, w: &WorkerRecord, primary: bool) {
        let role = self
            .role_index
            .get(w.role.as_str())
            .copied()
            .unwrap_or(u16::MAX);
        let mut flags = 0u32;
        let mut set = |cond: bool, f: u32| {
            if cond {
                flags |= f
            }
        };
        let mut answer = |a: Option<bool>, yes: u32, known: u32| {
            set(a == Some(true), yes);
            set(a.is_some(), known);
        };
        answer(w.common_core, flag::COMMON_CORE, flag::COMMON_CORE_KNOWN);
        answer(w.induction, flag::INDUCTION, flag::INDUCTION_KNOWN);
        let i = &w.integrated;
        answer(i.caf_trained, flag::CAF_TRAINED, flag::CAF_TRAINED_KNOWN);
        answer(
            i.lead_professional,
            flag::LEAD_PROFESSIONAL,
            flag::LEAD_PROFESSIONAL_KNOWN,
        );
        // "no" is an answer, not membership of a multi-agency team
        answer(
            i.multi_agency
                .map(|m| m != cws_domain::worker::MultiAgency::No),
            flag::MULTI_AGENCY,
            flag::MULTI_AGENCY_KNOWN,
        );
        set(w.contract == ContractType::Agency, flag::AGENCY);
        set(
            matches!(
                w.contract,
                ContractType::Volunteer | ContractType::FosterCarer
            ),
            flag::UNPAID,
        );
        set(primary, flag::PRIMARY);
        set(
            w.qualifications
                .iter()
                .any(|q| matches!(q.as_str(), "EYPS" | "EYTS" | "QTS")),
            flag::GRADUATE_LEADER_QUAL,
        );
        set(
            w.disability == cws_domain::worker::Disability::Yes,
            flag::DISABLED,
        );
        set(
            matches!(
                w.disability,
                cws_domain::worker::Disability::Yes | cws_domain::worker::Disability::No
            ),
            flag::DISABILITY_KNOWN,
        );
        set(
            // DfE's case holders: employed records holding one or more cases, whatever the
            // role (in post is checked when counting).
            !matches!(
                w.contract,
                ContractType::Agency | ContractType::Volunteer | ContractType::FosterCarer
            ) && w.cases.is_some_and(|c| c > 0),
            flag::CASE_HOLDER,
        );
        set(
            w.vetting != cws_domain::worker::VettingType::None,
            flag::VETTED,
        );
        let at = self.org.len() as u32;
        self.org.push(org);
        self.role.push(role);
        self.contract.push(w.contract as u8);
        self.fte.push(w.fte.map_or(f32::NAN, |f| f.get() as f32));
        self.start.push(days(w.start_date));
        self.leave.push(days(w.leaving.map(|l| l.date)));
        self.leave_reason
            .push(w.leaving.map_or(UNKNOWN, |l| l.reason as u8));
        self.person.push(
            w.person
                .as_str()
                .get(..16)
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .unwrap_or(0),
        );
        self.birth_year.push(
            w.birth_year
                .map_or(0, |y| y.clamp(0, i16::MAX as i32) as i16),
        );
        self.sex.push(match w.sex {
            Sex::Unknown => UNKNOWN,
            s => s as u8,
        });
        self.ethnic_group.push(match w.ethnicity.group() {
            EthnicGroup::Unknown => UNKNOWN,
            g => g as u8,
        });
        self.qual.push(w.qual_level.map_or(UNKNOWN, |q| q as u8));
        self.vetting_date.push(days(w.vetting_date));
        self.days_lost
            .push(w.days_lost.map_or(f32::NAN, |d| d as f32));
        self.cases.push(w.cases.map_or(f32::NAN, |c| c as f32));
        self.flags.push(flags);
        self.live.push(true);
        self.org_posts.entry(org).or_default().0.push(at);
    }

    fn push_vacancy(&mut self, org: u32, v: &Vacancy) {
        let at = self.vac_org.len() as u32;
        self.vac_org.push(org);
        self.vac_role.push(
            self.role_index
                .get(v.role.as_str())
                .copied()
                .unwrap_or(u16::MAX),
        );
        self.vac_fte.push(v.fte as f32);
        self.vac_agency.push(v.agency_covered_fte as f32);
        self.vac_stated_agency_fte
            .push(v.stated_agency.fte.map_or(f32::NAN, |f| f as f32));
        self.vac_stated_agency_headcount
            .push(v.stated_agency.headcount.map_or(f32::NAN, |h| h as f32));
        let info = &mut self.orgs[org as usize];
        info.stated_agency_fte |= v.stated_agency.fte.is_some();
        info.stated_agency_headcount |= v.stated_agency.headcount.is_some();
        self.vac_live.push(true);
        self.org_posts.entry(org).or_default().1.push(at);
    }

    /// Adds vacancies of an organisation (when building).
    pub fn push_vacancies(&mut self, org: u32, vacancies: &[Vacancy]) {
        for v in vacancies {
            self.push_vacancy(org, v);
        }
    }

    /// Drops replaced posts and vacancies.
    fn compact(&mut self) {
        fn keep<T: Copy>(col: &mut Vec<T>, live: &[bool]) {
            let mut i = 0;
            col.retain(|_| {
                i += 1;
                live[i - 1]
            });
        }
        let live = std::mem::take(&mut self.live);
        keep(&mut self.org, &live);
        keep(&mut self.role, &live);
        keep(&mut self.contract, &live);
        keep(&mut self.fte, &live);
        keep(&mut self.start, &live);
        keep(&mut self.leave, &live);
        keep(&mut self.leave_reason, &live);
        keep(&mut self.person, &live);
        keep(&mut self.birth_year, &live);
        keep(&mut self.sex, &live);
        keep(&mut self.ethnic_group, &live);
        keep(&mut self.qual, &live);
        keep(&mut self.vetting_date, &live);
        keep(&mut self.days_lost, &live);
        keep(&mut self.cases, &live);
        keep(&mut self.flags, &live);
        self.live = vec![true; self.org.len()];
        let vlive = std::mem::take(&mut self.vac_live);
        keep(&mut self.vac_org, &vlive);
        keep(&mut self.vac_role, &vlive);
        keep(&mut self.vac_fte, &vlive);
        keep(&mut self.vac_agency, &vlive);
        keep(&mut self.vac_stated_agency_fte, &vlive);
        keep(&mut self.vac_stated_agency_headcount, &vlive);
        self.vac_live = vec![true; self.vac_org.len()];
        self.org_posts.clear();
        for (i, o) in self.org.iter().enumerate() {
            self.org_posts.entry(*o).or_default().0.push(i as u32);
        }
        for (i, o) in self.vac_org.iter().enumerate() {
            self.org_posts.entry(*o).or_default().1.push(i as u32);
        }
        self.dead = 0;
    }

    /// The calendar year of a days value.
    pub fn year_of(days: i32) -> Option<i32> {
        NaiveDate::from_num_days_from_ce_opt(days).map(|d| d.year())
    }
}
