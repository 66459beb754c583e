//! Generating one area's workforce.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::collection::Vacancy;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::role::{CoreWider, IqfRange, Role, RoleCode, RoleGroup};
use cws_domain::worker::*;
use rand::distr::weighted::WeightedIndex;
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Exp, Normal};

use crate::catalogue::{Count, Engagement, OrgKind, Size, KINDS};
use crate::inputs::AreaInputs;
use crate::SynthError;

/// One generated post with the employer's own worker reference.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedWorker {
    pub worker_ref: String,
    pub record: WorkerRecord,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedOrg {
    pub org: Organisation,
    pub workers: Vec<GeneratedWorker>,
    pub vacancies: Vec<Vacancy>,
}

/// One area's synthetic workforce.
#[derive(Debug, Clone)]
pub struct AreaWorkforce {
    pub area: AreaInputs,
    pub orgs: Vec<GeneratedOrg>,
}

impl AreaWorkforce {
    pub fn worker_count(&self) -> usize {
        self.orgs.iter().map(|o| o.workers.len()).sum()
    }
}

/// Everything generation needs besides the area: the role catalogue, the census date, the
/// run's seed and the deployment's pseudonymiser.
pub struct Context {
    roles: HashMap<String, Role>,
    census: NaiveDate,
    seed: u64,
    pseudo: Pseudonymiser,
}

impl Context {
    pub fn new(seed: u64, census: NaiveDate, pseudo: Pseudonymiser) -> Result<Self, SynthError> {
        let roles = cws_reference::roles()?
            .into_iter()
            .map(|r| (r.code.to_string(), r))
            .collect();
        Ok(Context {
            roles,
            census,
            seed,
            pseudo,
        })
    }
    pub fn census(&self) -> NaiveDate {
        self.census
    }
}

/// FNV-1a: a stable hash to give each area its own random stream.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether an employer's return for the latest census is still outstanding in the demo: as in
/// a real collection, the council, NHS and schools have returned, and about one private or
/// voluntary employer (or childminder) in eight has not. Chosen by the employer's reference,
/// so the same ones are outstanding in every run.
pub fn return_outstanding(org: &Organisation) -> bool {
    let chased = matches!(
        org.sector,
        Sector::Private | Sector::VoluntaryCommunity | Sector::SelfEmployed
    );
    chased && stable_hash(&format!("outstanding-{}", org.reference.as_str())).is_multiple_of(8)
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, options: &[(T, f64)]) -> T {
    match WeightedIndex::new(options.iter().map(|(_, w)| *w)) {
        Ok(d) => options[d.sample(rng)].0,
        Err(_) => options[0].0,
    }
}

fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    Normal::new(mean, sd.max(1e-9))
        .map(|d| d.sample(rng))
        .unwrap_or(mean)
}

fn exp_mean(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    Exp::new(1.0 / mean.max(1e-9))
        .map(|d| d.sample(rng))
        .unwrap_or(mean)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Generates one area. Deterministic for a given seed and area.
pub fn generate_area(ctx: &Context, area: &AreaInputs) -> AreaWorkforce {
    let mut g = Gen {
        ctx,
        area,
        rng: ChaCha8Rng::seed_from_u64(ctx.seed ^ stable_hash(&area.code)),
        ethnicity: area.ethnicity.clone(),
        year_start: ctx
            .census
            .checked_sub_months(chrono::Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(ctx.census),
    };
    let mut orgs = vec![g.social_care()];
    for kind in KINDS {
        let n = match kind.count {
            Count::OnePerArea => 1,
            Count::PerThousandChildren(per, at_least_one) => {
                let expected = per * area.children / 1000.0;
                let n = (expected + g.rng.random::<f64>() - 0.5).round().max(0.0) as usize;
                if at_least_one && area.children > 0.0 {
                    n.max(1)
                } else {
                    n
                }
            }
        };
        for i in 1..=n {
            orgs.push(g.organisation(kind, i, n));
        }
    }
    AreaWorkforce {
        area: area.clone(),
        orgs,
    }
}

/// Only the area's children's social care service: the same records `generate_area` makes
/// for it (it is generated first from the area's stream), without the rest of the area.
pub fn generate_social_work(ctx: &Context, area: &AreaInputs) -> GeneratedOrg {
    let mut g = Gen {
        ctx,
        area,
        rng: ChaCha8Rng::seed_from_u64(ctx.seed ^ stable_hash(&area.code)),
        ethnicity: area.ethnicity.clone(),
        year_start: ctx
            .census
            .checked_sub_months(chrono::Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(ctx.census),
    };
    g.social_care()
}

struct Gen<'a> {
    ctx: &'a Context,
    area: &'a AreaInputs,
    rng: ChaCha8Rng,
    ethnicity: Vec<(Ethnicity, f64)>,
    year_start: NaiveDate,
}

impl Gen<'_> {
    fn role(&self, code: &str) -> Option<&Role> {
        self.ctx.roles.get(code)
    }

    fn org_ref(kind: &str, i: usize) -> OrgRef {
        OrgRef::parse(&format!("{kind}-{i:04}")).unwrap_or_else(|_| unreachable_ref())
    }

    fn organisation(&mut self, kind: &OrgKind, i: usize, n: usize) -> GeneratedOrg {
        let reference = if n == 1 && matches!(kind.count, Count::OnePerArea) {
            OrgRef::parse(kind.key).unwrap_or_else(|_| unreachable_ref())
        } else {
            Self::org_ref(kind.key, i)
        };
        let sector = pick(&mut self.rng, kind.sectors);
        let name = if n == 1 {
            format!("{} {} (synthetic)", self.area.name, kind.label)
        } else {
            format!("{} {} {} (synthetic)", self.area.name, kind.label, i)
        };
        let org = Organisation {
            reference: reference.clone(),
            name,
            sector,
            service: kind.service,
            setting: kind.setting,
            disadvantaged_area: chance(&mut self.rng, 0.2),
            parent: None,
        };
        let posts = match kind.size {
            Size::Mean(m) if m <= 1.0 => 1 + usize::from(chance(&mut self.rng, 0.1)),
            Size::Mean(m) => normal(&mut self.rng, m, m * 0.3).round().max(1.0) as usize,
            Size::PerThousandChildren(per) => {
                (per * self.area.children / 1000.0).round().max(1.0) as usize
            }
        };
        let mut roles: Vec<&'static str> = Vec::with_capacity(posts);
        for (code, count) in kind.fixed {
            for _ in 0..*count {
                roles.push(code);
            }
        }
        while roles.len() < posts {
            roles.push(pick(&mut self.rng, kind.mix));
        }
        let mut workers = Vec::with_capacity(posts + posts / 6);
        let mut next = 1;
        for code in roles {
            let contract = self.contract(kind.engagement, code);
            let w = self.worker(reference.as_str(), next, code, contract, None);
            workers.push(w);
            next += 1;
        }
        // Leavers during the year, beyond those in post.
        let leavers = (posts as f64 * kind.turnover + self.rng.random::<f64>() - 0.5)
            .round()
            .max(0.0) as usize;
        for _ in 0..leavers {
            let code = pick(&mut self.rng, kind.mix);
            let contract = self.contract(kind.engagement, code);
            let left = self.leaving_date();
            let w = self.worker(reference.as_str(), next, code, contract, Some(left));
            workers.push(w);
            next += 1;
        }
        // A few school staff hold a second post (a teaching assistant who is also a midday
        // supervisor): the same person, so headcount de-duplication has something to do.
        if kind.service == Service::Schools {
            let doubles: Vec<GeneratedWorker> = workers
                .iter()
                .filter(|w| {
                    w.record.role.as_str() == "SCH-TA2"
                        && w.record.leaving.is_none()
                        && w.record.fte.is_some_and(|f| f.get() <= 0.7)
                })
                .take(2)
                .map(|w| {
                    let mut second = w.clone();
                    second.record.role =
                        RoleCode::parse("SCH-MEALS").unwrap_or_else(|_| w.record.role.clone());
                    second.record.fte = Fte::new(0.2).ok();
                    second.record.cases = None;
                    // sickness is recorded per post: at most this post's working days
                    second.record.days_lost =
                        w.record.days_lost.map(|d| d.min((253.0_f64 * 0.2).floor()));
                    second
                })
                .collect();
            workers.extend(doubles);
        }
        let vacancy_rate = match kind.engagement {
            Engagement::Employed => 0.05,
            _ => 0.0,
        };
        let mut vacancies = Vec::new();
        if vacancy_rate > 0.0 && posts > 1 {
            let vac_fte =
                round2(posts as f64 * vacancy_rate * self.rng.random_range(0.3..1.7) * 0.8);
            if vac_fte >= 0.1 {
                let code = pick(&mut self.rng, kind.mix);
                // volunteers hold no employed post: no employed vacancy either
                let employed_role = !code.starts_with("VOL-");
                if let (Ok(role), true) = (RoleCode::parse(code), employed_role) {
                    // agency workers cover vacancies, so never more than the agency FTE
                    let agency_fte: f64 = workers
                        .iter()
                        .filter(|w| {
                            w.record.contract == ContractType::Agency && w.record.leaving.is_none()
                        })
                        .filter_map(|w| w.record.fte.map(|f| f.get()))
                        .sum();
                    let covered =
                        round2((vac_fte * self.rng.random_range(0.0..0.4)).min(agency_fte));
                    // an empty sum is -0.0, and "-0" is refused on import
                    let covered = if covered > 0.0 { covered } else { 0.0 };
                    vacancies.push(Vacancy {
                        role,
                        fte: vac_fte,
                        agency_covered_fte: covered,
                        stated_agency: Default::default(),
                    });
                }
            }
        }
        GeneratedOrg {
            org,
            workers,
            vacancies,
        }
    }

    fn contract(&mut self, engagement: Engagement, role: &str) -> ContractType {
        if role.starts_with("VOL-") {
            return ContractType::Volunteer;
        }
        match engagement {
            Engagement::SelfEmployed if role == "EY-CHILDMINDER" || role == "EY-NANNY" => {
                ContractType::SelfEmployed
            }
            Engagement::Foster => ContractType::FosterCarer,
            _ => pick(
                &mut self.rng,
                &[
                    (ContractType::Permanent, 0.80),
                    (ContractType::FixedTerm, 0.09),
                    (ContractType::Bank, 0.08),
                    (ContractType::Agency, 0.03),
                ],
            ),
        }
    }

    fn leaving_date(&mut self) -> NaiveDate {
        let days = self.rng.random_range(0..365);
        self.year_start
            .checked_add_days(Days::new(days))
            .unwrap_or(self.ctx.census)
            .min(self.ctx.census)
    }

    fn fte(&mut self, group: RoleGroup, contract: ContractType) -> Option<Fte> {
        let v = match (contract, group) {
            (ContractType::FosterCarer, _) => return None,
            (ContractType::Volunteer, _) => self.rng.random_range(0.05..0.3),
            (
                _,
                RoleGroup::SchoolSupport
                | RoleGroup::Volunteers
                | RoleGroup::Play
                | RoleGroup::SportCulture,
            ) => self.rng.random_range(0.3..1.0),
            (_, RoleGroup::EarlyYears) if chance(&mut self.rng, 0.4) => {
                self.rng.random_range(0.4..0.95)
            }
            _ if chance(&mut self.rng, 0.2) => self.rng.random_range(0.4..0.95),
            _ => 1.0,
        };
        // A small share of returns leave FTE blank: missing FTE is reported, never guessed.
        if chance(&mut self.rng, 0.003) {
            return None;
        }
        Fte::new(round2(v).clamp(0.01, 1.0)).ok()
    }

    fn age(&mut self, group: RoleGroup) -> i32 {
        let (mean, sd) = match group {
            RoleGroup::EarlyYears => (36.0, 11.0),
            RoleGroup::Teachers => (41.0, 10.0),
            RoleGroup::SchoolSupport => (45.0, 11.0),
            RoleGroup::SocialWorkers => (43.0, 11.0),
            RoleGroup::Volunteers => (45.0, 16.0),
            RoleGroup::Play | RoleGroup::SportCulture => (31.0, 12.0),
            RoleGroup::FosterCare => (52.0, 9.0),
            RoleGroup::Health => (44.0, 10.0),
            RoleGroup::Management => (52.0, 6.0),
            _ => (42.0, 11.0),
        };
        normal(&mut self.rng, mean, sd).round().clamp(17.0, 74.0) as i32
    }

    fn female_share(group: RoleGroup) -> f64 {
        match group {
            RoleGroup::EarlyYears => 0.97,
            RoleGroup::SchoolSupport => 0.90,
            RoleGroup::Teachers => 0.76,
            RoleGroup::SocialWorkers | RoleGroup::SocialCare => 0.85,
            RoleGroup::Health => 0.90,
            RoleGroup::Youth | RoleGroup::YouthJustice => 0.60,
            RoleGroup::Justice => 0.50,
            RoleGroup::SportCulture => 0.40,
            RoleGroup::FosterCare => 0.70,
            _ => 0.70,
        }
    }

    fn qualification(&mut self, role: &Role) -> (Option<QualLevel>, Vec<String>) {
        use QualLevel as Q;
        let min = role.min_qual_level;
        let all = Q::ALL;
        let idx = all.iter().position(|q| *q == min).unwrap_or(0);
        let step = |i: isize| all[(idx as isize + i).clamp(0, all.len() as isize - 1) as usize];
        // Registered professions meet their minimum; elsewhere some are below it (the gap
        // to Level 3 the 2020 vision aims to close) and some above.
        let level = if role
            .regulator
            .as_deref()
            .is_some_and(|r| !r.is_empty() && !r.starts_with("Ofsted"))
            && min >= Q::L6
        {
            pick(
                &mut self.rng,
                &[(step(0), 0.7), (step(1), 0.27), (step(2), 0.03)],
            )
        } else {
            pick(
                &mut self.rng,
                &[
                    (step(-2), 0.05),
                    (step(-1), 0.15),
                    (step(0), 0.5),
                    (step(1), 0.2),
                    (step(3), 0.1),
                ],
            )
        };
        let level = if chance(&mut self.rng, 0.02) {
            None
        } else {
            Some(level)
        };
        let mut quals = Vec::new();
        let code = role.code.as_str();
        if code.starts_with("TCH-") {
            quals.push("QTS".to_string());
            if code == "TCH-HEAD" {
                quals.push("NPQH".to_string());
            }
        } else if code.starts_with("SC-SW") || code == "JU-CAFCASS" {
            quals.push("SWDEG".to_string());
        } else if code == "EY-EYP" {
            quals.push("EYPS".to_string());
        } else if code.starts_with("EY-") && level.is_some_and(|l| l >= Q::L3) {
            quals.push("L3CYPW".to_string());
        } else if code == "SCH-HLTA" {
            quals.push("HLTA".to_string());
        }
        (level, quals)
    }

    fn worker(
        &mut self,
        org_ref: &str,
        n: usize,
        role_code: &str,
        contract: ContractType,
        leaving: Option<NaiveDate>,
    ) -> GeneratedWorker {
        let census = self.ctx.census;
        let role = self.role(role_code).cloned();
        let group = role
            .as_ref()
            .map(|r| r.group)
            .unwrap_or(RoleGroup::Volunteers);
        let core = role
            .as_ref()
            .is_some_and(|r| r.core_wider == CoreWider::Core);
        let age = self.age(group);
        let birth_year = census.year() - age;
        let tenure_mean = match group {
            RoleGroup::EarlyYears | RoleGroup::Play | RoleGroup::Volunteers => 4.0,
            RoleGroup::Teachers => 9.0,
            _ => 7.0,
        };
        let max_years = f64::from((age - 17).max(0));
        let years = exp_mean(&mut self.rng, tenure_mean).min(max_years);
        let end = leaving.unwrap_or(census);
        let start = end
            .checked_sub_days(Days::new((years * 365.25) as u64 + 1))
            .unwrap_or(end);
        let sex = if chance(&mut self.rng, 0.01) {
            Sex::Unknown
        } else if chance(&mut self.rng, Self::female_share(group)) {
            Sex::Female
        } else {
            Sex::Male
        };
        let ethnicity = if chance(&mut self.rng, 0.02) {
            Ethnicity::Refu
        } else if chance(&mut self.rng, 0.03) || self.ethnicity.is_empty() {
            Ethnicity::Nobt
        } else {
            let e = self.ethnicity.clone();
            pick(&mut self.rng, &e)
        };
        let disability = pick(
            &mut self.rng,
            &[
                (Disability::Yes, 0.05),
                (Disability::No, 0.80),
                (Disability::NotDisclosed, 0.08),
                (Disability::Unknown, 0.07),
            ],
        );
        let (qual_level, qualifications) = match &role {
            Some(r) => self.qualification(r),
            None => (None, vec![]),
        };
        let leaving = leaving.map(|date| {
            let retiring = age >= 58 && chance(&mut self.rng, 0.7);
            let reason = if retiring {
                LeavingReason::Retired
            } else {
                pick(
                    &mut self.rng,
                    &[
                        (LeavingReason::Resigned, 0.6),
                        (LeavingReason::ContractEnded, 0.1),
                        (LeavingReason::CareerChange, 0.1),
                        (LeavingReason::Dismissed, 0.03),
                        (LeavingReason::Redundancy, 0.03),
                        (LeavingReason::Transfer, 0.05),
                        (LeavingReason::Other, 0.05),
                        (LeavingReason::Unknown, 0.04),
                    ],
                )
            };
            let destination = if retiring {
                Destination::Retirement
            } else {
                pick(
                    &mut self.rng,
                    &[
                        (Destination::SameSectorLa, 0.25),
                        (Destination::Agency, 0.1),
                        (Destination::PrivateVoluntary, 0.15),
                        (Destination::Health, 0.05),
                        (Destination::Education, 0.1),
                        (Destination::OtherWork, 0.15),
                        (Destination::OutOfWork, 0.1),
                        (Destination::Unknown, 0.1),
                    ],
                )
            };
            Leaving {
                date,
                reason,
                destination,
            }
        });
        let integrated_roles = matches!(
            group,
            RoleGroup::SocialWorkers
                | RoleGroup::SocialCare
                | RoleGroup::Health
                | RoleGroup::EducationSupport
                | RoleGroup::Youth
                | RoleGroup::YouthJustice
        );
        let caf_trained = chance(
            &mut self.rng,
            if integrated_roles {
                0.6
            } else if core {
                0.25
            } else {
                0.05
            },
        );
        let lead_professional = caf_trained && chance(&mut self.rng, 0.2);
        let multi_agency = if integrated_roles && chance(&mut self.rng, 0.3) {
            Some(if chance(&mut self.rng, 0.6) {
                MultiAgency::CoLocated
            } else {
                MultiAgency::Virtual
            })
        } else {
            Some(MultiAgency::No)
        };
        let vetting = if contract == ContractType::Volunteer && chance(&mut self.rng, 0.08) {
            VettingType::None
        } else {
            pick(
                &mut self.rng,
                &[
                    (VettingType::EnhancedBarred, 0.82),
                    (VettingType::UpdateService, 0.1),
                    (VettingType::Enhanced, 0.06),
                    (VettingType::Standard, 0.02),
                ],
            )
        };
        let vetting_date = (vetting != VettingType::None).then(|| {
            let back = self.rng.random_range(0..(365 * 4)) as u64;
            census
                .checked_sub_days(Days::new(back))
                .unwrap_or(census)
                .max(start)
        });
        let safeguarding_training = chance(&mut self.rng, 0.88).then(|| {
            let back = self.rng.random_range(0..(365 * 3)) as u64;
            census.checked_sub_days(Days::new(back)).unwrap_or(census)
        });
        let fte = self.fte(group, contract);
        let in_post_employee = leaving.is_none() && contract.is_employed();
        let days_lost = in_post_employee.then(|| {
            if chance(&mut self.rng, 0.45) {
                0.0
            } else {
                let f = fte.map_or(1.0, Fte::get);
                // never more than the post's working days in a year (rule R16)
                round2(exp_mean(&mut self.rng, 8.0) * f).min((253.0 * f).floor())
            }
        });
        let cases =
            (role.as_ref().is_some_and(|r| r.case_holding) && leaving.is_none()).then(|| {
                (normal(&mut self.rng, 20.0, 6.0) * fte.map_or(1.0, Fte::get))
                    .round()
                    .max(0.0) as u32
            });
        let worker_ref = format!("W{n:06}");
        let record = WorkerRecord {
            person: self.ctx.pseudo.key(&self.area.code, org_ref, &worker_ref),
            role: RoleCode::parse(role_code).unwrap_or_else(|_| unreachable_role()),
            fte,
            contract,
            start_date: Some(start),
            leaving,
            birth_year: Some(birth_year),
            sex,
            ethnicity,
            disability,
            qual_level,
            qualifications,
            common_core: Some(chance(&mut self.rng, if core { 0.62 } else { 0.3 })),
            induction: Some(chance(&mut self.rng, 0.86)),
            integrated: IntegratedWorking {
                caf_trained: Some(caf_trained),
                lead_professional: Some(lead_professional),
                budget_holding: Some(lead_professional && chance(&mut self.rng, 0.1)),
                multi_agency,
            },
            vetting,
            vetting_date,
            safeguarding_training,
            days_lost,
            cases,
        };
        GeneratedWorker { worker_ref, record }
    }

    /// The local authority's children's social care service: social workers calibrated to
    /// the area's published 2025 figures (FTE in post, leavers, agency, vacancies, caseload,
    /// absence), plus their agency staff and vacancies.
    fn social_care(&mut self) -> GeneratedOrg {
        let t = self.area.social_work.clone();
        let reference = OrgRef::parse("LA-CSC").unwrap_or_else(|_| unreachable_ref());
        let org = Organisation {
            reference: reference.clone(),
            name: format!("{} Children's Social Care (synthetic)", self.area.name),
            sector: Sector::StatutoryLa,
            service: Service::SocialCare,
            setting: SettingType::SocialWorkTeam,
            disadvantaged_area: false,
            parent: None,
        };
        const ROLES: &[(&str, f64)] = &[
            ("SC-SW", 0.55),
            ("SC-SW-SENIOR", 0.15),
            ("SC-SW-FLM", 0.12),
            ("SC-SW-MM", 0.06),
            ("SC-SW-SM", 0.02),
            ("SC-SW-NOCASE", 0.10),
        ];
        let mut workers = Vec::new();
        let mut n = 1;
        let days_per_fte = t.absence_rate / 100.0 * 253.0;

        // Fill FTE targets exactly: whole and part-time posts, the last one taking the rest.
        let mut fill = |g: &mut Self,
                        target: f64,
                        contract: ContractType,
                        leaving: bool,
                        workers: &mut Vec<GeneratedWorker>| {
            let mut remaining = round2(target);
            while remaining >= 0.05 {
                let want = if chance(&mut g.rng, 0.8) {
                    1.0
                } else {
                    round2(g.rng.random_range(0.5..0.95))
                };
                let fte = if remaining - want < 0.3 && remaining <= 1.0 {
                    remaining
                } else {
                    want.min(remaining)
                };
                let role = pick(&mut g.rng, ROLES);
                let left = leaving.then(|| g.leaving_date());
                let mut w = g.worker("LA-CSC", n, role, contract, left);
                w.record.fte = Fte::new(round2(fte)).ok();
                if w.record.leaving.is_none() && contract != ContractType::Agency {
                    let holds_cases = matches!(role, "SC-SW" | "SC-SW-SENIOR")
                        || (role == "SC-SW-FLM" && chance(&mut g.rng, 0.3));
                    w.record.cases = holds_cases.then(|| {
                        (normal(&mut g.rng, t.caseload, t.caseload * 0.25) * fte)
                            .round()
                            .max(1.0) as u32
                    });
                    w.record.days_lost = Some(if chance(&mut g.rng, 0.45) {
                        0.0
                    } else {
                        round2(exp_mean(&mut g.rng, days_per_fte / 0.55) * fte)
                            .min((253.0 * fte).floor())
                    });
                } else {
                    w.record.cases = None;
                }
                remaining = round2(remaining - w.record.fte.map_or(0.0, Fte::get));
                workers.push(w);
                n += 1;
            }
        };
        fill(
            self,
            t.inpost_fte,
            ContractType::Permanent,
            false,
            &mut workers,
        );
        fill(
            self,
            t.inpost_fte * t.turnover_rate / 100.0,
            ContractType::Permanent,
            true,
            &mut workers,
        );
        let agency_fte = t.agency_fte;
        fill(self, agency_fte, ContractType::Agency, false, &mut workers);
        // Some permanent posts are fixed-term in reality; keep the calibrated FTE.
        for w in workers
            .iter_mut()
            .filter(|w| w.record.contract == ContractType::Permanent)
        {
            if chance(&mut self.rng, 0.05) {
                w.record.contract = ContractType::FixedTerm;
            }
        }
        let vacancy_fte = t.vacancy_fte;
        // Cover within the agency workers actually generated (their FTE is rounded post by
        // post, so it can fall a hundredth short of the target), rounded down: rule X04
        // refuses cover above the agency FTE in post.
        let agency_in_post: f64 = workers
            .iter()
            .map(|w| &w.record)
            .filter(|r| r.contract == ContractType::Agency && r.in_post_on(self.ctx.census))
            .filter_map(|r| r.fte.map(Fte::get))
            .sum();
        let mut covered = ((agency_fte * t.agency_cover_rate / 100.0)
            .min(vacancy_fte)
            .min(agency_in_post)
            * 100.0)
            .floor()
            / 100.0;
        let mut vacancies = Vec::new();
        for (code, share) in [
            ("SC-SW", 0.7),
            ("SC-SW-SENIOR", 0.15),
            ("SC-SW-FLM", 0.1),
            ("SC-SW-MM", 0.05),
        ] {
            let fte = round2(vacancy_fte * share);
            if fte > 0.0 {
                // Rounding can overshoot what is left by a hundredth: never cover less than
                // nothing (a negative or "-0" cover is refused on import).
                let cover = round2(covered.min(fte)).clamp(0.0, fte);
                let cover = if cover > 0.0 { cover } else { 0.0 };
                covered = (covered - cover).max(0.0);
                if let Ok(role) = RoleCode::parse(code) {
                    vacancies.push(Vacancy {
                        role,
                        fte,
                        agency_covered_fte: cover,
                        stated_agency: Default::default(),
                    });
                }
            }
        }
        GeneratedOrg {
            org,
            workers,
            vacancies,
        }
    }
}

// The references and codes built above are fixed and valid; these keep the code free of
// unwrap on paths a reviewer would have to prove safe.
fn unreachable_ref() -> OrgRef {
    match OrgRef::parse("UNKNOWN") {
        Ok(r) => r,
        Err(_) => unreachable!(),
    }
}

fn unreachable_role() -> RoleCode {
    match RoleCode::parse("VOL-GENERAL") {
        Ok(r) => r,
        Err(_) => unreachable!(),
    }
}

/// The same organisation's return at the previous census (a year before `ctx.census()`), with
/// the same people where they stayed: the current return's starters were not there yet, its
/// leavers were still in post, and the previous year's own leavers (people who have since
/// gone) are added. Deterministic for the seed and organisation.
pub fn previous_census(ctx: &Context, org: &GeneratedOrg) -> (Vec<WorkerRecord>, Vec<Vacancy>) {
    let census = ctx.census;
    let previous = census
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(census);
    let year_before = previous
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(previous);
    let mut rng =
        ChaCha8Rng::seed_from_u64(ctx.seed ^ stable_hash(org.org.reference.as_str()) ^ 2024);
    let mut workers: Vec<WorkerRecord> = Vec::with_capacity(org.workers.len());
    let mut starters = 0usize;
    // The organisation's roles by range of work: someone promoted in the year held, a census
    // earlier, a role of the next range down in the same organisation.
    let mut by_range: Vec<(IqfRange, RoleCode)> = org
        .workers
        .iter()
        .filter_map(|w| {
            let role = ctx.roles.get(w.record.role.as_str())?;
            Some((role.iqf_range, w.record.role.clone()))
        })
        .collect();
    by_range.sort();
    by_range.dedup();
    let below = |role: &RoleCode| -> Option<RoleCode> {
        let range = ctx.roles.get(role.as_str())?.iqf_range;
        // IqfRange lists the most senior first: the next range down is the next one after
        by_range
            .iter()
            .filter(|(r, _)| *r > range)
            .min_by_key(|(r, _)| *r)
            .map(|(_, code)| code.clone())
    };
    for w in &org.workers {
        let r = &w.record;
        if r.start_date.is_some_and(|s| s > previous) {
            starters += 1;
            continue;
        }
        let mut then = r.clone();
        if then.leaving.is_some_and(|l| l.date > previous) {
            then.leaving = None;
        }
        if then.contract.is_employed() && rng.random_bool(0.05) {
            if let Some(earlier) = below(&then.role) {
                then.role = earlier;
            }
        }
        if then.vetting_date.is_some_and(|v| v > previous) {
            // the check held then was the one before this year's renewal
            then.vetting_date = then
                .vetting_date
                .and_then(|v| v.checked_sub_months(chrono::Months::new(36)));
        }
        workers.push(then);
    }
    // the previous year's leavers: about as many as this year's starters replaced
    let stayed: Vec<usize> = (0..workers.len())
        .filter(|&i| workers[i].leaving.is_none())
        .collect();
    let span = (previous - year_before).num_days().max(1) as u64;
    for n in 0..starters.min(stayed.len()) {
        let Some(&i) = stayed.get(rng.random_range(0..stayed.len())) else {
            continue;
        };
        let mut gone = workers[i].clone();
        let mut digest = [0u8; 32];
        let key = stable_hash(&format!("{}-left-{n}", gone.person.as_str()));
        digest[..8].copy_from_slice(&key.to_le_bytes());
        digest[8..16].copy_from_slice(&stable_hash(org.org.reference.as_str()).to_le_bytes());
        gone.person = PersonKey::from_digest(&digest);
        let on = year_before + Days::new(1 + rng.random_range(0..span));
        gone.leaving = Some(Leaving {
            date: on,
            reason: LeavingReason::ALL[rng.random_range(0..LeavingReason::ALL.len())],
            destination: Destination::ALL[rng.random_range(0..Destination::ALL.len())],
        });
        if gone.start_date.is_some_and(|s| s >= on) {
            gone.start_date = on.checked_sub_months(chrono::Months::new(18));
        }
        workers.push(gone);
    }
    // vacancies a little different, agency cover within the agency workers then
    let agency: f64 = workers
        .iter()
        .filter(|w| w.contract == ContractType::Agency && w.in_post_on(previous))
        .filter_map(|w| w.fte.map(|f| f.get()))
        .sum::<f64>()
        + 0.0;
    let mut cover_left = agency;
    let vacancies = org
        .vacancies
        .iter()
        .map(|v| {
            let fte = round2(v.fte * rng.random_range(0.8..1.2)).max(0.1);
            let cover = round2(v.agency_covered_fte.min(fte).min(cover_left));
            let cover = if cover > 0.0 { cover } else { 0.0 };
            cover_left = (cover_left - cover).max(0.0);
            Vacancy {
                role: v.role.clone(),
                fte,
                agency_covered_fte: cover,
                stated_agency: v.stated_agency,
            }
        })
        .collect();
    (workers, vacancies)
}
