//! Importing returns: files of any supported kind → rows → validation → what would change →
//! an atomic, idempotent, versioned commit per organisation.
//!
//! A submission (the files given together) is checked whole first. Nothing is stored if any
//! file cannot be read or lacks a required column; otherwise each organisation's return is
//! stored whole or not at all: errors block it, queries block it until explained, and the
//! same content again changes nothing.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use cws_domain::collection::{ReturnStatus, Vacancy};
use cws_domain::organisation::{Organisation, Sector, Service, SettingType};
use cws_domain::role::Role;
use cws_domain::worker::{PersonKey, WorkerRecord};
use cws_store::bulk_writes::BulkWrites;
use cws_store::returns::{self, AcceptedQuery, CollectionRow, NewReturn, OrganisationRow};
use cws_store::{geography, AreaId, Db, OrganisationId, ReturnId};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::pseudonymise::Pseudonymiser;
use crate::read::{self, FileKind};
use crate::report::{self, Counts, Message};
use crate::rows::{self, Post, RowContext, TableKind, VacancyRow};
use crate::rules::{self, Severity};
use crate::{census_xml, checks, CollectError};

/// Written explanations for queries: for every query of a rule, or for all queries.
#[derive(Debug, Clone, Default)]
pub struct Explanations {
    pub all: Option<String>,
    pub by_rule: HashMap<String, String>,
}

impl Explanations {
    pub fn for_rule(&self, code: &str) -> Option<&str> {
        self.by_rule
            .get(&code.to_ascii_uppercase())
            .or(self.all.as_ref())
            .map(String::as_str)
            .filter(|s| !s.trim().is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The area, by DfE number or GSS code.
    pub area: String,
    /// The organisation every row must be for (may then be left out of the files).
    pub organisation: Option<String>,
    /// The collection's census date; the latest collection when `None`.
    pub census: Option<NaiveDate>,
    pub dry_run: bool,
    pub explanations: Explanations,
    pub max_file_bytes: u64,
    pub today: NaiveDate,
    /// The account sending the return, recorded with the version stored.
    pub submitted_by: Option<i64>,
    /// Keep an accepted return as the organisation's draft rather than a new version (the
    /// worker form: changes post by post, sent when the employer says so).
    pub draft: bool,
}

/// What happened to one organisation's return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored as a new version.
    Accepted,
    /// Would be stored (dry run).
    WouldBeAccepted,
    /// The same as the current version: nothing to store.
    Unchanged,
    /// Errors must be fixed first; nothing stored.
    BlockedByErrors,
    /// Queries need explanations first; nothing stored.
    AwaitingExplanations,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted and stored",
            Outcome::WouldBeAccepted => "would be accepted (dry run: nothing stored)",
            Outcome::Unchanged => "unchanged: identical to the current return, nothing stored",
            Outcome::BlockedByErrors => "not accepted: fix the errors and send it again",
            Outcome::AwaitingExplanations => "not accepted yet: explain or fix the queries",
        }
    }
    pub fn is_ok(self) -> bool {
        matches!(
            self,
            Outcome::Accepted | Outcome::WouldBeAccepted | Outcome::Unchanged
        )
    }
}

/// What a return adds, changes and removes against the organisation's current data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub posts_added: usize,
    pub posts_changed: usize,
    pub posts_removed: usize,
    pub posts_unchanged: usize,
    pub vacancies_before: usize,
    pub vacancies_after: usize,
    pub vacancies_changed: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.posts_added == 0
            && self.posts_changed == 0
            && self.posts_removed == 0
            && !self.vacancies_changed
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReturnOutcome {
    pub organisation: String,
    pub organisation_name: Option<String>,
    pub outcome: Outcome,
    /// The version stored, or the current version when unchanged.
    pub version: Option<i64>,
    pub posts: usize,
    pub vacancies: usize,
    pub changes: Changes,
    pub counts: Counts,
    /// The posts held that the return would remove (or removed), as the report names them.
    pub removed: Vec<RemovedPost>,
}

/// A post a return removes, described by what its employer knows of it (never the person).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemovedPost {
    pub role: String,
    pub contract: &'static str,
    pub fte: Option<f64>,
    pub start_date: Option<NaiveDate>,
    /// The leaving date, for a leaver.
    pub left: Option<NaiveDate>,
    pub birth_year: Option<i32>,
}

impl Changes {
    /// Whether the return removes more than a fifth of the posts held: it is then sent only
    /// when the sender confirms it, naming what goes.
    pub fn removes_many(&self) -> bool {
        let held = self.posts_changed + self.posts_unchanged + self.posts_removed;
        held > 0 && self.posts_removed * 5 > held
    }
}

/// The posts of `current` that `new` does not hold.
fn removed_posts(current: &[WorkerRecord], new: &[WorkerRecord]) -> Vec<RemovedPost> {
    let kept: std::collections::HashSet<(&PersonKey, &str)> =
        new.iter().map(|w| (&w.person, w.role.as_str())).collect();
    current
        .iter()
        .filter(|w| !kept.contains(&(&w.person, w.role.as_str())))
        .map(|w| RemovedPost {
            role: w.role.to_string(),
            contract: w.contract.label(),
            fte: w.fte.map(|f| f.get()),
            start_date: w.start_date,
            left: w.leaving.map(|l| l.date),
            birth_year: w.birth_year,
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub area_code: String,
    pub area_name: String,
    pub census_date: NaiveDate,
    pub dry_run: bool,
    pub files: Vec<String>,
    pub rows_read: u64,
    pub returns: Vec<ReturnOutcome>,
    pub counts: Counts,
    /// Every message, file-level first, then by organisation, file and row.
    pub messages: Vec<Message>,
    /// True when nothing blocks: every return was accepted (or would be, or was unchanged).
    pub accepted: bool,
}

/// Everything read from a submission's files, grouped by organisation.
#[derive(Default)]
struct Submission {
    files: Vec<String>,
    rows_read: u64,
    posts: BTreeMap<String, Vec<Post>>,
    vacancies: BTreeMap<String, Vec<VacancyRow>>,
    /// Messages that no single organisation owns (file problems, rows whose organisation is
    /// unknown); any error here blocks the whole submission.
    file_messages: Vec<Message>,
    org_messages: BTreeMap<String, Vec<Message>>,
    /// Whether any file held vacancies; without one, current vacancies are kept.
    has_vacancy_table: bool,
    /// Whether any file held worker rows (a table of them, perhaps empty); without one,
    /// current posts are kept.
    has_worker_table: bool,
}

impl Submission {
    /// Files the rows under each organisation's registered reference: references are
    /// matched whatever their case, so `nursery-1` and `NURSERY-1` in one file are one
    /// organisation's return, checked together, not two returns for it.
    fn file_by_registered_reference(&mut self, target: &Target) {
        fn rekey<T>(map: &mut BTreeMap<String, Vec<T>>, target: &Target) {
            let registered = |k: &String| target.organisation(k).is_some_and(|o| o.reference != *k);
            if !map.keys().any(registered) {
                return;
            }
            for (k, rows) in std::mem::take(map) {
                let key = target.organisation(&k).map_or(k, |o| o.reference.clone());
                map.entry(key).or_default().extend(rows);
            }
        }
        rekey(&mut self.posts, target);
        rekey(&mut self.vacancies, target);
        rekey(&mut self.org_messages, target);
    }

    fn add_messages(&mut self, messages: Vec<Message>) {
        for m in messages {
            match &m.organisation {
                Some(o) => self.org_messages.entry(o.clone()).or_default().push(m),
                None => self.file_messages.push(m),
            }
        }
    }
}

/// What every import needs to know about the area and collection.
#[derive(Debug, Clone)]
pub struct Target {
    pub area_id: AreaId,
    pub area_code: String,
    pub area_old_code: String,
    pub area_name: String,
    pub collection: CollectionRow,
    pub organisations: HashMap<String, OrganisationRow>,
    pub roles: HashMap<String, Role>,
}

impl Target {
    /// The area and collection an import is for, or why there are none; cheap, so a bulk
    /// import can check every area before it starts.
    pub async fn check(
        db: &Db,
        area: &str,
        census: Option<NaiveDate>,
    ) -> Result<(geography::AreaRow, CollectionRow), CollectError> {
        let area = geography::area(db, area)
            .await?
            .ok_or_else(|| CollectError::UnknownArea(area.to_string()))?;
        let collection = returns::collection(db, census)
            .await?
            .ok_or(CollectError::NoCollection(census))?;
        Ok((area, collection))
    }

    pub async fn load(
        db: &Db,
        area: &str,
        census: Option<NaiveDate>,
    ) -> Result<Target, CollectError> {
        let (area, collection) = Target::check(db, area, census).await?;
        let organisations = returns::organisations(db, area.id)
            .await?
            .into_iter()
            .map(|o| (o.reference.to_ascii_uppercase(), o))
            .collect();
        // Only roles the database holds: a role it does not know is refused by the rules, not
        // by a foreign key half-way through storing (which bulk imports do not check).
        let stored: std::collections::HashSet<String> = cws_store::reference::role_codes(db)
            .await?
            .into_iter()
            .collect();
        let roles = cws_reference::roles()?
            .into_iter()
            .filter(|r| stored.contains(r.code.as_str()))
            .map(|r| (r.code.as_str().to_string(), r))
            .collect();
        Ok(Target {
            area_id: area.id,
            area_code: area.code,
            area_old_code: area.old_la_code,
            area_name: area.name,
            collection,
            organisations,
            roles,
        })
    }

    pub fn organisation(&self, reference: &str) -> Option<&OrganisationRow> {
        self.organisations.get(&reference.to_ascii_uppercase())
    }

    /// The area's own children's social care organisation, which a census XML return is for
    /// when no organisation is given: the council's social care organisation (a social work
    /// team first), by reference.
    pub fn census_organisation(&self) -> Option<&OrganisationRow> {
        let mut candidates: Vec<&OrganisationRow> = self
            .organisations
            .values()
            .filter(|o| o.sector == Sector::StatutoryLa && o.service == Service::SocialCare)
            .collect();
        candidates.sort_by_key(|o| {
            (
                o.setting_type != SettingType::SocialWorkTeam,
                o.reference.clone(),
            )
        });
        candidates.first().copied()
    }
}

/// The reference a census return's organisation is registered under when the area has none.
pub const CENSUS_ORGANISATION: &str = "LA-CSC";

/// For census XML files sent without an organisation: the organisation they are for (the
/// area's own children's social care organisation), registered first when the area has none
/// (in memory only on a dry run), and the notice that says so.
async fn census_organisation(
    db: &Db,
    target: &mut Target,
    files: &[PathBuf],
    opts: &ImportOptions,
) -> Result<Option<(String, Message)>, CollectError> {
    let census_files: Vec<String> = files
        .iter()
        .filter(|p| {
            read::read_head_checked(p, opts.max_file_bytes)
                .is_ok_and(|h| read::sniff_bytes(&h.bytes) == FileKind::Xml)
        })
        .map(|p| display_name(p))
        .collect();
    if opts.organisation.is_some() || census_files.is_empty() {
        return Ok(None);
    }
    let file = census_files.join(", ");
    if let Some(o) = target.census_organisation() {
        let text = format!(
            "No organisation was given: the census return is for {} ({}), the area's children's social care organisation.",
            o.name, o.reference
        );
        return Ok(Some((
            o.reference.clone(),
            Message::new(&rules::CENSUS_ORGANISATION, &file, text),
        )));
    }
    let organisation = Organisation {
        reference: cws_domain::organisation::OrgRef::parse(CENSUS_ORGANISATION).map_err(|_| {
            CollectError::UnknownOrganisation {
                organisation: CENSUS_ORGANISATION.into(),
                area: target.area_name.clone(),
            }
        })?,
        name: format!("{} children's social care", target.area_name),
        sector: Sector::StatutoryLa,
        service: Service::SocialCare,
        setting: SettingType::SocialWorkTeam,
        disadvantaged_area: false,
        parent: None,
    };
    let verb = if opts.dry_run {
        // nothing is stored on a dry run: the organisation is only assumed
        target.organisations.insert(
            CENSUS_ORGANISATION.to_string(),
            OrganisationRow {
                id: OrganisationId(-1),
                reference: CENSUS_ORGANISATION.into(),
                name: organisation.name.clone(),
                sector: organisation.sector,
                service: organisation.service,
                setting_type: organisation.setting,
                disadvantaged: false,
                synthetic: false,
            },
        );
        "would be registered"
    } else {
        returns::upsert_organisations(db, target.area_id, std::slice::from_ref(&organisation))
            .await?;
        *target = Target::load(
            db,
            &target.area_code.clone(),
            Some(target.collection.census_date),
        )
        .await?;
        "is now registered"
    };
    let text = format!(
        "No organisation was given and {} had no children's social care organisation: {} ({CENSUS_ORGANISATION}) {verb} for the census return.",
        target.area_name, organisation.name
    );
    Ok(Some((
        CENSUS_ORGANISATION.to_string(),
        Message::new(&rules::CENSUS_ORGANISATION, &file, text),
    )))
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads files into a submission.
fn read_files(
    files: &[PathBuf],
    target: &Target,
    pseudo: &Pseudonymiser,
    opts: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Submission {
    let mut sub = Submission::default();
    let ctx = RowContext {
        census: target.collection.census_date,
        today: opts.today,
        roles: &target.roles,
        pseudo,
        area_code: &target.area_code,
        organisation: opts.organisation.as_deref(),
    };
    for path in files {
        let name = display_name(path);
        sub.files.push(name.clone());
        let head = match read::read_head_checked(path, opts.max_file_bytes) {
            Ok(h) => h,
            Err(m) => {
                sub.file_messages.push(m);
                continue;
            }
        };
        let tables = match read::sniff_bytes(&head.bytes) {
            FileKind::Xml => {
                let out = census_xml::read(path, &target.area_old_code, &ctx);
                sub.rows_read += out.rows;
                sub.has_worker_table = true;
                for p in out.posts {
                    sub.posts.entry(p.organisation.clone()).or_default().push(p);
                }
                sub.has_vacancy_table = true;
                for v in out.vacancies {
                    sub.vacancies
                        .entry(v.organisation.clone())
                        .or_default()
                        .push(v);
                }
                sub.add_messages(out.messages);
                continue;
            }
            FileKind::Csv => match read::open_csv_from(path, head) {
                Ok(t) => vec![t],
                Err(m) => {
                    sub.file_messages.push(m);
                    continue;
                }
            },
            FileKind::Xlsx => match read::open_xlsx(path, &|cells| {
                rows::table_kind(cells).is_some() || crate::bulk_upload::is_worker_file(cells)
            }) {
                Ok(t) if t.is_empty() => {
                    sub.file_messages.push(Message::new(&rules::COLUMN_MISSING, &name, "No sheet in this workbook has the template's header row (worker_ref, role_code, ...)."));
                    continue;
                }
                Ok(t) => t,
                Err(m) => {
                    sub.file_messages.push(m);
                    continue;
                }
            },
        };
        for mut table in tables {
            if crate::bulk_upload::is_worker_file(&table.headers) {
                let (posts, messages) = crate::bulk_upload::read(&mut table, &ctx);
                sub.rows_read += table.rows_read();
                sub.has_worker_table = true;
                for p in posts {
                    sub.posts.entry(p.organisation.clone()).or_default().push(p);
                }
                sub.add_messages(messages);
                continue;
            }
            match rows::table_kind(&table.headers) {
                Some(TableKind::Vacancies) => {
                    sub.has_vacancy_table = true;
                    let (vacancies, messages) = rows::read_vacancies(&mut table, &ctx);
                    sub.rows_read += table.rows_read();
                    for v in vacancies {
                        sub.vacancies
                            .entry(v.organisation.clone())
                            .or_default()
                            .push(v);
                    }
                    sub.add_messages(messages);
                }
                // A table that is neither is read as workers so missing columns are named.
                _ => {
                    sub.has_worker_table = true;
                    let (posts, messages) = rows::read_workers(&mut table, &ctx, progress);
                    sub.rows_read += table.rows_read();
                    for p in posts {
                        sub.posts.entry(p.organisation.clone()).or_default().push(p);
                    }
                    sub.add_messages(messages);
                }
            }
        }
    }
    sub
}

/// A digest of a return's content: the same records in any order give the same digest.
/// Posts are taken in the order of (person, role), which is unique in a return that can be
/// stored, and vacancies in the order of their bytes; each field is written with its length
/// or a fixed width, so no two different returns write the same bytes. One SHA-256 pass over
/// the whole return: a national import digests 2.5 million posts.
fn content_digest(workers: &[WorkerRecord], vacancies: &[Vacancy]) -> String {
    fn text(buf: &mut Vec<u8>, s: &str) {
        buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
        buf.extend_from_slice(s.as_bytes());
    }
    fn opt_text(buf: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => {
                buf.push(1);
                text(buf, s);
            }
            None => buf.push(0),
        }
    }
    fn number(buf: &mut Vec<u8>, x: Option<f64>) {
        match x {
            Some(x) => {
                buf.push(1);
                buf.extend_from_slice(&x.to_bits().to_le_bytes());
            }
            None => buf.push(0),
        }
    }
    fn date(buf: &mut Vec<u8>, d: Option<chrono::NaiveDate>) {
        let days = d.map_or(i32::MIN, |d| chrono::Datelike::num_days_from_ce(&d));
        buf.extend_from_slice(&days.to_le_bytes());
    }
    let mut order: Vec<&WorkerRecord> = workers.iter().collect();
    order.sort_unstable_by(|a, b| {
        (a.person.as_str(), a.role.as_str()).cmp(&(b.person.as_str(), b.role.as_str()))
    });
    let mut buf = Vec::with_capacity(160 * workers.len() + 64);
    buf.extend_from_slice(b"cws-return-2");
    buf.extend_from_slice(&(workers.len() as u64).to_le_bytes());
    for w in order {
        text(&mut buf, w.person.as_str());
        text(&mut buf, w.role.as_str());
        number(&mut buf, w.fte.map(|f| f.get()));
        text(&mut buf, w.contract.code());
        date(&mut buf, w.start_date);
        date(&mut buf, w.leaving.map(|l| l.date));
        opt_text(&mut buf, w.leaving.map(|l| l.reason.code()));
        opt_text(&mut buf, w.leaving.map(|l| l.destination.code()));
        number(&mut buf, w.birth_year.map(f64::from));
        text(&mut buf, w.sex.code());
        text(&mut buf, w.ethnicity.code());
        text(&mut buf, w.disability.code());
        opt_text(&mut buf, w.qual_level.map(|q| q.code()));
        buf.extend_from_slice(&(w.qualifications.len() as u32).to_le_bytes());
        for q in &w.qualifications {
            text(&mut buf, q);
        }
        // a known answer as it always was (0 or 1), a blank one as 2
        let answer = |a: Option<bool>| a.map_or(2, u8::from);
        buf.extend_from_slice(&[
            answer(w.common_core),
            answer(w.induction),
            answer(w.integrated.caf_trained),
            answer(w.integrated.lead_professional),
            answer(w.integrated.budget_holding),
        ]);
        opt_text(&mut buf, w.integrated.multi_agency.map(|m| m.code()));
        text(&mut buf, w.vetting.code());
        date(&mut buf, w.vetting_date);
        date(&mut buf, w.safeguarding_training);
        number(&mut buf, w.days_lost);
        number(&mut buf, w.cases.map(f64::from));
    }
    let mut vacancy_records: Vec<Vec<u8>> = vacancies
        .iter()
        .map(|v| {
            let mut b = Vec::with_capacity(40);
            text(&mut b, v.role.as_str());
            number(&mut b, Some(v.fte));
            number(&mut b, Some(v.agency_covered_fte));
            // only when stated, so that digests of returns without it stay as they were
            if v.stated_agency.is_stated() {
                b.push(b'A');
                number(&mut b, v.stated_agency.fte);
                number(&mut b, v.stated_agency.headcount);
            }
            b
        })
        .collect();
    vacancy_records.sort_unstable();
    buf.extend_from_slice(&(vacancies.len() as u64).to_le_bytes());
    for v in &vacancy_records {
        buf.extend_from_slice(v);
    }
    hex::encode(Sha256::digest(&buf))
}

fn diff(
    current: &[WorkerRecord],
    new: &[WorkerRecord],
    old_vac: &[Vacancy],
    new_vac: &[Vacancy],
) -> Changes {
    let mut c = Changes::default();
    if current.is_empty() && old_vac.is_empty() {
        // nothing held (a first return): everything is added
        c.posts_added = new.len();
        c.vacancies_after = new_vac.len();
        c.vacancies_changed = !new_vac.is_empty();
        return c;
    }
    let key = |w: &WorkerRecord| (w.person.clone(), w.role.as_str().to_string());
    let old: HashMap<(PersonKey, String), &WorkerRecord> =
        current.iter().map(|w| (key(w), w)).collect();
    let mut seen = 0;
    for w in new {
        match old.get(&key(w)) {
            None => c.posts_added += 1,
            Some(o) => {
                seen += 1;
                if *o == w {
                    c.posts_unchanged += 1;
                } else {
                    c.posts_changed += 1;
                }
            }
        }
    }
    c.posts_removed = old.len() - seen;
    let sorted = |v: &[Vacancy]| {
        let mut s: Vec<String> = v.iter().map(|x| format!("{x:?}")).collect();
        s.sort();
        s
    };
    c.vacancies_before = old_vac.len();
    c.vacancies_after = new_vac.len();
    c.vacancies_changed = sorted(old_vac) != sorted(new_vac);
    c
}

/// Imports `files` as one submission for the target's area and collection. `extra_vacancies`
/// are vacancies read beforehand (for example from an area's vacancies file), added to the
/// returns of the organisations they belong to.
pub async fn import_files(
    db: &Db,
    pseudo: &Pseudonymiser,
    target: &Target,
    files: &[PathBuf],
    extra_vacancies: Vec<VacancyRow>,
    opts: &ImportOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ImportReport, CollectError> {
    let mut target = target.clone();
    let (census_opts, census_notice) =
        match census_organisation(db, &mut target, files, opts).await? {
            Some((reference, notice)) => {
                let mut o = opts.clone();
                let notice = notice.organisation(&reference);
                o.organisation = Some(reference);
                (o, Some(notice))
            }
            None => (opts.clone(), None),
        };
    let (target, opts) = (&target, &census_opts);
    let mut sub = off_the_runtime(|| read_files(files, target, pseudo, opts, progress));
    sub.file_messages.extend(census_notice);
    if !extra_vacancies.is_empty() {
        sub.has_vacancy_table = true;
    }
    for v in extra_vacancies {
        sub.vacancies
            .entry(v.organisation.clone())
            .or_default()
            .push(v);
    }
    process(db, target, sub, opts).await
}

/// Runs reading and checking, which is all work for the processor, without holding up the
/// async runtime's other tasks: on a multi-threaded runtime (the web server) the worker hands
/// its other tasks to another thread while it works, so a slow file slows only its own
/// request. Elsewhere (a single-threaded runtime, no runtime) it simply runs.
fn off_the_runtime<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

/// Reads a vacancy file on its own, grouped later by organisation (see `import_files`).
pub fn read_vacancy_file(
    path: &Path,
    target: &Target,
    pseudo: &Pseudonymiser,
    opts: &ImportOptions,
) -> (Vec<VacancyRow>, Vec<Message>) {
    let sub = read_files(&[path.to_path_buf()], target, pseudo, opts, &|_| {});
    let mut messages = sub.file_messages;
    messages.extend(sub.org_messages.into_values().flatten());
    (sub.vacancies.into_values().flatten().collect(), messages)
}

/// What the store already holds that deciding on returns needs: each organisation's current
/// return, its vacancies and the previous census's totals (for an area, read once), and the
/// posts of the current returns whose content differs from what is sent (for the diff).
pub struct Held {
    current: HashMap<OrganisationId, returns::ReturnRow>,
    /// The vacancies of the current returns, by return id.
    vacancies: HashMap<ReturnId, Vec<Vacancy>>,
    previous: HashMap<OrganisationId, returns::PreviousTotals>,
    /// The posts of current returns, by return id: those a decision compares post by post.
    posts: HashMap<ReturnId, Vec<WorkerRecord>>,
}

impl Held {
    /// What is held for the area, without any return's posts (a bulk import reads those
    /// only for the returns whose content changed: see `Held::add_posts`).
    pub async fn load(db: &Db, target: &Target) -> Result<Held, CollectError> {
        Ok(Held {
            current: returns::current_returns_in_area(db, target.collection.id, target.area_id)
                .await?,
            vacancies: returns::current_vacancies_in_area(db, target.collection.id, target.area_id)
                .await?,
            previous: returns::previous_totals_in_area(
                db,
                target.area_id,
                target.collection.census_date,
            )
            .await?,
            posts: HashMap::new(),
        })
    }

    /// What is held for the area and the posts of the current returns of `organisations`:
    /// everything deciding on a submission from those organisations needs, in one load.
    pub async fn load_for(
        db: &Db,
        target: &Target,
        organisations: &[&OrganisationRow],
    ) -> Result<Held, CollectError> {
        let mut held = Held::load(db, target).await?;
        let ids: Vec<ReturnId> = organisations
            .iter()
            .filter_map(|o| held.current.get(&o.id).map(|r| r.id))
            .collect();
        held.add_posts(db, &ids).await?;
        Ok(held)
    }

    /// Adds the posts of the returns `return_ids` (one query per 500 returns).
    pub async fn add_posts(
        &mut self,
        db: &Db,
        return_ids: &[ReturnId],
    ) -> Result<(), CollectError> {
        if !return_ids.is_empty() {
            self.posts
                .extend(returns::workers_of_returns(db, return_ids).await?);
        }
        Ok(())
    }

    /// The current return's posts, if they were loaded.
    fn posts_of(&self, return_id: ReturnId) -> Option<&[WorkerRecord]> {
        self.posts.get(&return_id).map(Vec::as_slice)
    }
}

/// One organisation's return, checked and compared, ready to store (or not).
struct Prepared {
    outcome: ReturnOutcome,
    messages: Vec<Message>,
    organisation_id: Option<OrganisationId>,
    workers: Vec<WorkerRecord>,
    vacancies: Vec<Vacancy>,
    queries: Vec<AcceptedQuery>,
    digest: String,
    source: String,
    /// The current return this one would replace, when its posts must still be compared
    /// post by post (their content differs and they were not loaded): its id.
    pending: Option<ReturnId>,
    /// The return sent has no posts and the current one's were not read: refused in `settle`
    /// if the current one holds any.
    empty_pending: bool,
    /// Why it cannot be accepted whatever the comparison says: errors, or unexplained queries.
    verdict: Verdict,
}

/// What a return's messages decide before it is compared with what is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Blocked,
    AwaitingExplanations,
    /// Acceptable: accepted, or unchanged when it is the same as the current return.
    Acceptable,
}

/// A submission's returns, checked against what is held, with its report (outcomes are
/// final once no return is `pending`, except the versions of returns still to be stored).
struct PreparedSubmission {
    report: ImportReport,
    returns: Vec<Prepared>,
    /// Whether a file-level error blocks every return.
    blocked: bool,
}

impl PreparedSubmission {
    /// The current returns whose posts the decision still needs.
    fn pending(&self) -> Vec<ReturnId> {
        self.returns.iter().filter_map(|p| p.pending).collect()
    }
}

/// Decides on every return of a submission from what is held: pure, no database. A return
/// whose content differs from its current one is compared post by post when `held` has the
/// current posts; otherwise it is left `pending` for `settle`.
fn decide(
    target: &Target,
    held: &Held,
    mut sub: Submission,
    opts: &ImportOptions,
) -> PreparedSubmission {
    let census = target.collection.census_date;
    sub.file_by_registered_reference(target);
    let mut organisations: Vec<String> = sub
        .posts
        .keys()
        .chain(sub.vacancies.keys())
        .chain(sub.org_messages.keys())
        .cloned()
        .collect();
    organisations.sort();
    organisations.dedup();
    if organisations.is_empty() && sub.file_messages.is_empty() {
        sub.file_messages.push(Message::new(
            &rules::FILE_EMPTY,
            sub.files.first().map(String::as_str).unwrap_or(""),
            "No rows of data were found in the files given.",
        ));
    }
    let submission_blocked = sub
        .file_messages
        .iter()
        .any(|m| m.severity == Severity::Error);
    let source = sub.files.join(", ");
    let mut prepared = Vec::new();
    for org_ref in organisations {
        let mut posts = sub.posts.remove(&org_ref).unwrap_or_default();
        let vacancy_rows = sub.vacancies.remove(&org_ref).unwrap_or_default();
        let mut messages = sub.org_messages.remove(&org_ref).unwrap_or_default();
        let file = posts
            .first()
            .map(|p| p.file.clone())
            .or_else(|| vacancy_rows.first().map(|v| v.file.clone()))
            .unwrap_or_default();
        let org = target.organisation(&org_ref);
        if org.is_none() {
            messages.push(
                Message::new(
                    &rules::ORG_MISMATCH,
                    &file,
                    format!(
                        "'{org_ref}' is not an organisation registered in {}.",
                        target.area_name
                    ),
                )
                .column("organisation_ref")
                .value(&org_ref)
                .organisation(&org_ref),
            );
        }
        messages.extend(checks::across_rows(&mut posts, census));
        if let Some(prev) = org.and_then(|o| held.previous.get(&o.id)) {
            messages.extend(checks::against_previous(
                &file,
                &org_ref,
                &posts,
                &vacancy_rows,
                census,
                prev,
            ));
        }
        let vacancy_file = vacancy_rows
            .first()
            .map_or_else(|| file.clone(), |v| v.file.clone());
        let mut workers: Vec<WorkerRecord> = posts.into_iter().map(|p| p.record).collect();
        let mut vacancies: Vec<Vacancy> = vacancy_rows.into_iter().map(|v| v.vacancy).collect();
        let current = org.and_then(|o| held.current.get(&o.id));
        // Never an empty return in place of one with posts: without worker rows the posts
        // held are kept (as vacancies are); an empty table of them is refused.
        let mut empty_pending = false;
        if let (Some(r), true) = (current, workers.is_empty()) {
            match held.posts_of(r.id) {
                Some(held_posts) if !held_posts.is_empty() => {
                    if sub.has_worker_table {
                        messages.push(empty_return(&file, &org_ref, held_posts.len()));
                    } else {
                        messages.push(
                            Message::new(&rules::POSTS_KEPT, &file, format!("No worker rows were sent: the {} posts already held are kept.", held_posts.len()))
                                .organisation(&org_ref),
                        );
                        workers = held_posts.to_vec();
                    }
                }
                Some(_) => {}
                // the posts were not read (a bulk import reads them only for returns that
                // changed): the comparison decides once they are
                None if sub.has_worker_table => empty_pending = true,
                None => messages.push(
                    Message::new(&rules::RETURN_EMPTY, &file, "No worker rows were sent and the posts held could not be read to keep them: send the worker file with the vacancies.")
                        .organisation(&org_ref),
                ),
            }
        }
        let mut digest = String::new();
        let mut pending = None;
        let mut removed = Vec::new();
        let changes = match current {
            Some(r) => {
                let held_vacancies = held.vacancies.get(&r.id).map_or(&[][..], Vec::as_slice);
                if !sub.has_vacancy_table && !held_vacancies.is_empty() {
                    messages.push(
                        Message::new(&rules::VACANCIES_KEPT, &file, format!("No vacancy rows were sent: the {} vacancies already held are kept.", held_vacancies.len()))
                            .organisation(&org_ref),
                    );
                    vacancies = held_vacancies.to_vec();
                }
                digest = content_digest(&workers, &vacancies);
                if digest == r.content_digest {
                    // the same content as held: nothing to compare post by post
                    Changes {
                        posts_unchanged: workers.len(),
                        vacancies_before: vacancies.len(),
                        vacancies_after: vacancies.len(),
                        ..Changes::default()
                    }
                } else if let Some(held_posts) = held.posts_of(r.id) {
                    removed = removed_posts(held_posts, &workers);
                    diff(held_posts, &workers, held_vacancies, &vacancies)
                } else {
                    pending = Some(r.id);
                    Changes::default()
                }
            }
            None => diff(&[], &workers, &[], &vacancies),
        };
        messages.extend(checks::agency_cover(
            &vacancy_file,
            &org_ref,
            &workers,
            &vacancies,
            census,
        ));
        messages.extend(checks::vacancies_plausible(
            &vacancy_file,
            &org_ref,
            &workers,
            &vacancies,
            census,
        ));
        messages.sort_by(|a, b| (&a.file, a.row, a.severity).cmp(&(&b.file, b.row, b.severity)));
        let counts = Counts::of(&messages);
        let unexplained = messages
            .iter()
            .filter(|m| {
                m.severity == Severity::Query && opts.explanations.for_rule(m.rule).is_none()
            })
            .count();
        let verdict = if counts.errors > 0 || submission_blocked || org.is_none() {
            Verdict::Blocked
        } else if unexplained > 0 {
            Verdict::AwaitingExplanations
        } else {
            Verdict::Acceptable
        };
        let mut p = Prepared {
            outcome: ReturnOutcome {
                organisation: org_ref.clone(),
                organisation_name: org.map(|o| o.name.clone()),
                outcome: Outcome::BlockedByErrors,
                version: current.map(|r| r.version),
                posts: workers.len(),
                vacancies: vacancies.len(),
                changes,
                counts,
                removed,
            },
            messages,
            organisation_id: org.map(|o| o.id),
            workers,
            vacancies,
            queries: Vec::new(),
            digest,
            source: source.clone(),
            pending,
            empty_pending,
            verdict,
        };
        if p.pending.is_none() {
            conclude(&mut p, opts);
        }
        prepared.push(p);
    }
    let mut all_messages = std::mem::take(&mut sub.file_messages);
    for p in &prepared {
        all_messages.extend(p.messages.iter().cloned());
    }
    let mut done = PreparedSubmission {
        report: ImportReport {
            area_code: target.area_code.clone(),
            area_name: target.area_name.clone(),
            census_date: census,
            dry_run: opts.dry_run,
            files: sub.files,
            rows_read: sub.rows_read,
            counts: Counts::of(&all_messages),
            messages: all_messages,
            returns: Vec::new(),
            accepted: false,
        },
        returns: prepared,
        blocked: submission_blocked,
    };
    done.summarise();
    done
}

/// Finishes the returns `decide` left pending, given their current posts (`posts`, by
/// return id) and what else is held: pure, no database.
fn settle(
    prepared: &mut PreparedSubmission,
    held: &Held,
    posts: &HashMap<ReturnId, Vec<WorkerRecord>>,
    opts: &ImportOptions,
) {
    if prepared.pending().is_empty() {
        return;
    }
    for p in &mut prepared.returns {
        let Some(id) = p.pending.take() else {
            continue;
        };
        let held_vacancies = held.vacancies.get(&id).map_or(&[][..], Vec::as_slice);
        let held_posts = posts.get(&id).map_or(&[][..], Vec::as_slice);
        if p.empty_pending && !held_posts.is_empty() {
            let file = p
                .messages
                .first()
                .map(|m| m.file.clone())
                .unwrap_or_default();
            let m = empty_return(&file, &p.outcome.organisation, held_posts.len());
            prepared.report.messages.push(m.clone());
            p.messages.push(m);
            p.outcome.counts = Counts::of(&p.messages);
            p.verdict = Verdict::Blocked;
        }
        p.outcome.changes = diff(held_posts, &p.workers, held_vacancies, &p.vacancies);
        p.outcome.removed = removed_posts(held_posts, &p.workers);
        conclude(p, opts);
    }
    prepared.summarise();
}

/// The error for a return with no posts sent in place of one holding `held` posts.
fn empty_return(file: &str, organisation: &str, held: usize) -> Message {
    Message::new(
        &rules::RETURN_EMPTY,
        file,
        format!("The return has no posts, but {held} posts are held for the organisation: storing it would remove them all."),
    )
    .organisation(organisation)
}

/// A return's outcome, the queries accepted with it and its digest, once it is compared.
fn conclude(p: &mut Prepared, opts: &ImportOptions) {
    let outcome = match p.verdict {
        Verdict::Blocked => Outcome::BlockedByErrors,
        Verdict::AwaitingExplanations => Outcome::AwaitingExplanations,
        Verdict::Acceptable if p.outcome.version.is_some() && p.outcome.changes.is_empty() => {
            Outcome::Unchanged
        }
        Verdict::Acceptable if opts.dry_run => Outcome::WouldBeAccepted,
        Verdict::Acceptable => Outcome::Accepted,
    };
    p.outcome.outcome = outcome;
    if outcome == Outcome::Accepted {
        p.queries = p
            .messages
            .iter()
            .filter(|m| m.severity == Severity::Query)
            .map(|m| AcceptedQuery {
                rule_code: m.rule.to_string(),
                file_name: m.file.clone(),
                row_number: m.row.map(|r| r as i64),
                column_name: m.column.clone(),
                cell_value: m.value.clone(),
                message: m.text.clone(),
                explanation: opts
                    .explanations
                    .for_rule(m.rule)
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect();
        if p.digest.is_empty() {
            p.digest = content_digest(&p.workers, &p.vacancies);
        }
    } else {
        p.digest.clear();
    }
}

impl PreparedSubmission {
    /// The report's outcomes, and whether the whole submission is accepted.
    fn summarise(&mut self) {
        report::limit(&mut self.report.messages);
        self.report.counts = Counts::of(&self.report.messages);
        self.report.returns = self.returns.iter().map(|p| p.outcome.clone()).collect();
        let outcomes = &self.report.returns;
        self.report.accepted = !self.blocked
            && !outcomes.is_empty()
            && outcomes.iter().all(|o| o.outcome.is_ok())
            && self.returns.iter().all(|p| p.pending.is_none());
    }
}

/// Stores the accepted returns of several submissions in one transaction and records the
/// status of the refused ones; fills in the versions stored.
async fn store(
    db: &Db,
    target: &Target,
    batch: &mut [PreparedSubmission],
    opts: &ImportOptions,
) -> Result<(), CollectError> {
    if opts.dry_run {
        return Ok(());
    }
    if opts.draft {
        return store_drafts(db, target, batch, opts).await;
    }
    let mut new = Vec::new();
    let mut statuses = Vec::new();
    for (s, sub) in batch.iter().enumerate() {
        for (r, p) in sub.returns.iter().enumerate() {
            let Some(org_id) = p.organisation_id else {
                continue;
            };
            match p.outcome.outcome {
                Outcome::Accepted => new.push((
                    (s, r),
                    NewReturn {
                        submitted_by: opts.submitted_by,
                        collection_id: target.collection.id,
                        organisation_id: org_id,
                        source: &p.source,
                        content_digest: &p.digest,
                        workers: &p.workers,
                        vacancies: &p.vacancies,
                        queries: &p.queries,
                    },
                )),
                Outcome::BlockedByErrors => {
                    statuses.push((org_id, ReturnStatus::WithErrors, p.outcome.counts))
                }
                Outcome::AwaitingExplanations => {
                    statuses.push((org_id, ReturnStatus::WithQueries, p.outcome.counts))
                }
                // the same content as the accepted return: it stands, whatever came between
                Outcome::Unchanged => {
                    statuses.push((org_id, ReturnStatus::Accepted, p.outcome.counts))
                }
                _ => {}
            }
        }
    }
    // An organisation sent twice in one batch is stored in turn, each version superseding
    // the one before.
    let mut rounds: Vec<Vec<((usize, usize), NewReturn)>> = Vec::new();
    for item in new {
        match rounds.iter_mut().find(|r| {
            r.iter()
                .all(|(_, n)| n.organisation_id != item.1.organisation_id)
        }) {
            Some(round) => round.push(item),
            None => rounds.push(vec![item]),
        }
    }
    let mut places = Vec::new();
    let mut versions = Vec::new();
    for round in rounds {
        let (p, returns_new): (Vec<_>, Vec<_>) = round.into_iter().unzip();
        versions.extend(returns::commit_returns(db, &returns_new).await?);
        places.extend(p);
    }
    let statuses: Vec<returns::StatusLine> = statuses
        .into_iter()
        .map(|(organisation_id, status, c)| returns::StatusLine {
            organisation_id,
            status,
            errors: c.errors as i64,
            queries: c.queries as i64,
        })
        .collect();
    returns::set_statuses(db, target.collection.id, &statuses).await?;
    for ((s, r), v) in places.into_iter().zip(versions) {
        batch[s].returns[r].outcome.version = Some(v);
        batch[s].report.returns[r].version = Some(v);
    }
    Ok(())
}

/// Keeps each accepted return as its organisation's draft (nothing is current until sent);
/// a return that came back to what is current needs no draft. Refusals change no status:
/// nothing was sent.
async fn store_drafts(
    db: &Db,
    target: &Target,
    batch: &mut [PreparedSubmission],
    opts: &ImportOptions,
) -> Result<(), CollectError> {
    for sub in batch.iter() {
        for p in &sub.returns {
            let Some(organisation_id) = p.organisation_id else {
                continue;
            };
            match p.outcome.outcome {
                Outcome::Accepted => {
                    returns::save_draft(
                        db,
                        &NewReturn {
                            submitted_by: opts.submitted_by,
                            collection_id: target.collection.id,
                            organisation_id,
                            source: &p.source,
                            content_digest: &p.digest,
                            workers: &p.workers,
                            vacancies: &p.vacancies,
                            queries: &p.queries,
                        },
                    )
                    .await?
                }
                Outcome::Unchanged => {
                    returns::discard_draft(db, target.collection.id, organisation_id).await?
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Sends an organisation's draft: it becomes the next version of its return, with the
/// queries accepted in it, recorded as sent by `submitted_by`. `None` when there is no draft.
pub async fn send_draft(
    db: &Db,
    target: &Target,
    organisation: &str,
    submitted_by: Option<i64>,
) -> Result<Option<i64>, CollectError> {
    let org =
        target
            .organisation(organisation)
            .ok_or_else(|| CollectError::UnknownOrganisation {
                organisation: organisation.to_string(),
                area: target.area_name.clone(),
            })?;
    let Some(draft) = returns::draft(db, target.collection.id, org.id).await? else {
        return Ok(None);
    };
    let workers = returns::return_workers(db, draft.id).await?;
    let vacancies = returns::return_vacancies(db, draft.id).await?;
    let queries = returns::accepted_queries(db, draft.id).await?;
    let digest = content_digest(&workers, &vacancies);
    let version = returns::commit_return(
        db,
        &NewReturn {
            collection_id: target.collection.id,
            organisation_id: org.id,
            source: &draft.source,
            content_digest: &digest,
            workers: &workers,
            vacancies: &vacancies,
            queries: &queries,
            submitted_by,
        },
    )
    .await?;
    Ok(Some(version))
}

/// A submission in three moves: load everything the decision needs in one trip (what is
/// held, with the current posts of the organisations sent), decide without the database,
/// store in one transaction.
async fn process(
    db: &Db,
    target: &Target,
    sub: Submission,
    opts: &ImportOptions,
) -> Result<ImportReport, CollectError> {
    let sent: Vec<&OrganisationRow> = sub
        .posts
        .keys()
        .chain(sub.vacancies.keys())
        .chain(sub.org_messages.keys())
        .filter_map(|o| target.organisation(o))
        .collect();
    let held = Held::load_for(db, target, &sent).await?;
    decide_and_store(db, target, &held, sub, opts).await
}

/// The last two moves for a submission whose current posts are in `held`.
async fn decide_and_store(
    db: &Db,
    target: &Target,
    held: &Held,
    sub: Submission,
    opts: &ImportOptions,
) -> Result<ImportReport, CollectError> {
    let decided = off_the_runtime(|| {
        let mut decided = decide(target, held, sub, opts);
        settle(&mut decided, held, &held.posts, opts);
        decided
    });
    let mut batch = vec![decided];
    store(db, target, &mut batch, opts).await?;
    Ok(batch.remove(0).report)
}

/// One submission of a bulk import: a file and the vacancies read for its organisation.
struct BulkItem {
    file: PathBuf,
    vacancies: Vec<VacancyRow>,
    /// Messages about those vacancies (from the area's vacancies file): they count against
    /// this return, so a wrong vacancy row blocks it rather than being dropped quietly.
    messages: Vec<Message>,
}

/// The returns of one area in a bulk import: each organisation's file (by reference), and
/// the area's vacancies file if it has one, whose rows go with their organisations' returns.
pub struct BulkArea {
    pub area: String,
    pub files: Vec<(String, PathBuf)>,
    pub vacancies_file: Option<PathBuf>,
}

/// Reads an area's vacancies file and hands each organisation its rows and their messages.
/// Messages about the file as a whole go with every return of the area (its vacancies could
/// not be read); rows for organisations without a file are reported in the log.
fn bulk_items(
    target: &Target,
    area: BulkArea,
    pseudo: &Pseudonymiser,
    opts: &ImportOptions,
) -> Vec<BulkItem> {
    let mut vacancies: HashMap<String, Vec<VacancyRow>> = HashMap::new();
    let mut messages: HashMap<String, Vec<Message>> = HashMap::new();
    let mut file_messages = Vec::new();
    if let Some(path) = &area.vacancies_file {
        let (rows, msgs) = read_vacancy_file(path, target, pseudo, opts);
        for m in msgs {
            match &m.organisation {
                Some(o) => messages.entry(o.to_ascii_uppercase()).or_default().push(m),
                None => file_messages.push(m),
            }
        }
        for v in rows {
            vacancies
                .entry(v.organisation.to_ascii_uppercase())
                .or_default()
                .push(v);
        }
    }
    let items = area
        .files
        .into_iter()
        .map(|(reference, file)| {
            let key = reference.to_ascii_uppercase();
            let mut own = file_messages.clone();
            own.extend(messages.remove(&key).unwrap_or_default());
            BulkItem {
                file,
                vacancies: vacancies.remove(&key).unwrap_or_default(),
                messages: own,
            }
        })
        .collect();
    for (org, rows) in &vacancies {
        tracing::warn!(
            area = %target.area_code,
            organisation = %org,
            rows = rows.len(),
            "vacancy rows not imported: no return file for this organisation"
        );
    }
    for m in messages.values().flatten() {
        tracing::warn!(area = %target.area_code, "{}", m.to_log_line());
    }
    items
}

/// Reads the files of a bulk import a little ahead of the readers, so they find them in the
/// page cache: an employer's file is a few kilobytes, and waiting for the disk one file at a
/// time left both cores idle when the files were not cached.
struct Prefetch {
    /// How many files the readers have taken.
    reached: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Prefetch {
    /// Files read ahead of the readers, at most.
    const AHEAD: usize = 1024;

    fn start(files: Vec<PathBuf>) -> Prefetch {
        let reached = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (reached, stop) = (Arc::clone(&reached), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                for (i, path) in files.iter().enumerate() {
                    while i > reached.load(Ordering::Relaxed) + Prefetch::AHEAD {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    // Only the page cache matters; a file that cannot be read is reported by
                    // its reader.
                    buf.clear();
                    if let Ok(mut f) = std::fs::File::open(path) {
                        let _ = std::io::Read::read_to_end(
                            &mut std::io::Read::take(&mut f, read::IN_MEMORY_BYTES as u64),
                            &mut buf,
                        );
                    }
                }
            })
        };
        Prefetch {
            reached,
            stop,
            thread: Some(thread),
        }
    }

    fn reached(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.reached)
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Imports many single-file submissions (a manifest's files, say), area by area: files are
/// read, checked and compared with what is held on all cores, while accepted returns are
/// stored many to a transaction, so reading and writing overlap across the whole import.
/// Each area is loaded (its organisations, what is held, its vacancies file) on the reading
/// side as its turn comes. Each submission is judged on its own. `on_report` sees every
/// report as it is stored.
pub async fn import_bulk(
    db: &Db,
    pseudo: &Pseudonymiser,
    areas: Vec<BulkArea>,
    opts: &ImportOptions,
    on_report: &mut (dyn FnMut(ImportReport) + Send),
) -> Result<(), CollectError> {
    use rayon::prelude::*;
    use std::sync::Arc;
    // Small enough to keep both stages busy, large enough for few transactions.
    const BATCH: usize = 128;
    type Batch = (Arc<Target>, Result<Vec<PreparedSubmission>, CollectError>);
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(4);
    let prefetch = Prefetch::start(
        areas
            .iter()
            .flat_map(|a| {
                a.vacancies_file
                    .iter()
                    .chain(a.files.iter().map(|(_, f)| f))
            })
            .cloned()
            .collect(),
    );
    let reader = {
        let pseudo = pseudo.clone();
        let opts = opts.clone();
        let db = db.clone();
        let runtime = tokio::runtime::Handle::current();
        let reached = prefetch.reached();
        std::thread::spawn(move || -> Result<(), CollectError> {
            for area in areas {
                let target =
                    Arc::new(runtime.block_on(Target::load(&db, &area.area, opts.census))?);
                let held = runtime.block_on(Held::load(&db, &target))?;
                reached.fetch_add(
                    usize::from(area.vacancies_file.is_some()),
                    Ordering::Relaxed,
                );
                let mut items = bulk_items(&target, area, &pseudo, &opts);
                while !items.is_empty() {
                    let rest = items.split_off(BATCH.min(items.len()));
                    reached.fetch_add(items.len(), Ordering::Relaxed);
                    let batch: Result<Vec<PreparedSubmission>, CollectError> = items
                        .into_par_iter()
                        .map(|item| {
                            let mut sub = read_files(
                                std::slice::from_ref(&item.file),
                                &target,
                                &pseudo,
                                &opts,
                                &|_| {},
                            );
                            if !item.vacancies.is_empty() || !item.messages.is_empty() {
                                sub.has_vacancy_table = true;
                            }
                            sub.add_messages(item.messages);
                            for v in item.vacancies {
                                sub.vacancies
                                    .entry(v.organisation.clone())
                                    .or_default()
                                    .push(v);
                            }
                            let mut decided = decide(&target, &held, sub, &opts);
                            // a changed return is compared post by post: its current posts
                            // are read now (a short query on the read pool), only for it
                            let pending = decided.pending();
                            if !pending.is_empty() {
                                let posts =
                                    runtime.block_on(returns::workers_of_returns(&db, &pending))?;
                                settle(&mut decided, &held, &posts, &opts);
                            }
                            Ok(decided)
                        })
                        .collect();
                    let failed = batch.is_err();
                    // the writer stopped (it failed): its error is the one to report
                    if sender.blocking_send((Arc::clone(&target), batch)).is_err() || failed {
                        return Ok(());
                    }
                    items = rest;
                }
            }
            Ok(())
        })
    };
    // Time the writer spends waiting for the readers, and storing: which side to speed up.
    let (mut waiting, mut storing) = (Duration::ZERO, Duration::ZERO);
    let checkpoints = match opts.dry_run {
        true => None,
        false => Some(BulkWrites::start(db).await?),
    };
    let stored = async {
        let mut since = Instant::now();
        while let Some((target, batch)) = receiver.recv().await {
            waiting += since.elapsed();
            since = Instant::now();
            let mut batch = batch?;
            store(db, &target, &mut batch, opts).await?;
            storing += since.elapsed();
            let mut stored = Vec::with_capacity(batch.len());
            for p in batch {
                on_report(p.report);
                stored.push(p.returns);
            }
            // Millions of small strings are freed on a reading thread, off the writer's path.
            rayon::spawn(move || drop(stored));
            since = Instant::now();
        }
        Ok::<(), CollectError>(())
    }
    .await;
    if let Some(c) = checkpoints {
        c.finish().await?;
    }
    stored?;
    tracing::debug!(
        waiting_s = waiting.as_secs_f64(),
        storing_s = storing.as_secs_f64(),
        "bulk import: the writer's time"
    );
    reader.join().map_err(|_| CollectError::ReaderStopped)?
}

/// One post entered on the web form: the template's columns by name. `person` is the key of
/// an existing person when a post is edited (their reference is never known again).
pub struct FormPost {
    pub cells: HashMap<String, String>,
    pub person: Option<PersonKey>,
    /// The role of the post being replaced, when editing.
    pub replaces_role: Option<String>,
}

/// Adds or edits one post of an organisation's current return, through the same rules and
/// the same store path as a file: the result is a new version of the whole return (the other
/// posts and the vacancies as they are held). Returns the report; nothing is stored unless
/// it is accepted.
pub async fn submit_form_post(
    db: &Db,
    pseudo: &Pseudonymiser,
    target: &Target,
    organisation: &str,
    post: FormPost,
    opts: &ImportOptions,
) -> Result<ImportReport, CollectError> {
    const FILE: &str = "web form";
    let org =
        target
            .organisation(organisation)
            .ok_or_else(|| CollectError::UnknownOrganisation {
                organisation: organisation.to_string(),
                area: target.area_name.clone(),
            })?;
    let mut sub = Submission {
        files: vec![FILE.to_string()],
        rows_read: 1,
        // the form sends the organisation's whole set of posts
        has_worker_table: true,
        ..Default::default()
    };
    // What is held, with the organisation's current posts: the one read of the store.
    let held = Held::load_for(db, target, &[org]).await?;
    // The posts the change is made to: the draft's (changes not yet sent), else the current
    // return's; all of them, unchanged, except the one being edited.
    let draft = match opts.draft {
        true => returns::draft(db, target.collection.id, org.id).await?,
        false => None,
    };
    let base: Vec<WorkerRecord> = match &draft {
        Some(d) => returns::return_workers(db, d.id).await?,
        None => held
            .current
            .get(&org.id)
            .and_then(|current| held.posts_of(current.id))
            .unwrap_or_default()
            .to_vec(),
    };
    {
        for (i, w) in base.into_iter().enumerate() {
            let replaced = post.person.as_ref() == Some(&w.person)
                && post.replaces_role.as_deref() == Some(w.role.as_str());
            if !replaced {
                sub.posts
                    .entry(org.reference.clone())
                    .or_default()
                    .push(Post {
                        organisation: org.reference.clone(),
                        file: "held return".into(),
                        row: i as u64 + 2,
                        worker_ref: String::new(),
                        record: w,
                    });
            }
        }
    }
    let headers: Vec<String> = crate::template::WORKER_COLUMNS
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    let mut cells: Vec<String> = headers
        .iter()
        .map(|h| post.cells.get(h).cloned().unwrap_or_default())
        .collect();
    cells[0] = org.reference.clone();
    if post.person.is_some() {
        // The reference is not shown again; any placeholder gives a row that parses.
        cells[1] = "existing".into();
    }
    let table = crate::read::Table::from_cells(FILE, headers, Vec::new());
    let (map, _) = rows::ColumnMap::new(&table, crate::template::WORKER_COLUMNS, &[]);
    let ctx = RowContext {
        census: target.collection.census_date,
        today: opts.today,
        roles: &target.roles,
        pseudo,
        area_code: &target.area_code,
        organisation: Some(&org.reference),
    };
    let (parsed, messages) = rows::worker_row(FILE, 1, &cells, &map, &ctx);
    if let Some(mut p) = parsed {
        if let Some(person) = post.person {
            p.record.person = person;
        }
        p.row = 1;
        sub.posts
            .entry(org.reference.clone())
            .or_default()
            .insert(0, p);
    }
    sub.org_messages.insert(
        org.reference.clone(),
        messages
            .into_iter()
            .map(|m| m.organisation(&org.reference))
            .collect(),
    );
    sub.posts.entry(org.reference.clone()).or_default();
    decide_and_store(db, target, &held, sub, opts).await
}

#[cfg(test)]
mod digest_tests {
    use super::*;
    use chrono::NaiveDate;
    use cws_domain::role::RoleCode;
    use cws_domain::worker::*;

    fn post(person: char, role: &str) -> WorkerRecord {
        WorkerRecord {
            person: PersonKey::from_hex(&person.to_string().repeat(64)).unwrap(),
            role: RoleCode::parse(role).unwrap(),
            fte: Fte::new(1.0).ok(),
            contract: ContractType::Permanent,
            start_date: NaiveDate::from_ymd_opt(2020, 1, 1),
            leaving: None,
            birth_year: Some(1980),
            sex: Sex::Female,
            ethnicity: Ethnicity::Wbri,
            disability: Disability::No,
            qual_level: Some(QualLevel::L6),
            qualifications: vec!["SWDEG".into()],
            common_core: Some(true),
            induction: Some(true),
            integrated: IntegratedWorking::default(),
            vetting: VettingType::EnhancedBarred,
            vetting_date: None,
            safeguarding_training: None,
            days_lost: None,
            cases: Some(12),
        }
    }

    fn vacancy(role: &str, fte: f64) -> Vacancy {
        Vacancy {
            role: RoleCode::parse(role).unwrap(),
            fte,
            agency_covered_fte: 0.0,
            stated_agency: Default::default(),
        }
    }

    #[test]
    fn the_same_return_in_any_order_has_the_same_digest_and_any_change_another() {
        let posts = vec![post('a', "SC-SW"), post('b', "SC-SW"), post('a', "SC-FSW")];
        let vacancies = vec![vacancy("SC-SW", 1.0), vacancy("SC-SW", 0.5)];
        let digest = content_digest(&posts, &vacancies);
        assert_eq!(digest.len(), 64);
        let mut reordered = posts.clone();
        reordered.reverse();
        let mut vacancies_reordered = vacancies.clone();
        vacancies_reordered.reverse();
        assert_eq!(digest, content_digest(&reordered, &vacancies_reordered));
        // every kind of field counts
        let mut changed = posts.clone();
        changed[1].fte = Fte::new(0.5).ok();
        assert_ne!(digest, content_digest(&changed, &vacancies));
        changed = posts.clone();
        changed[2].qualifications.push("QTS".into());
        assert_ne!(digest, content_digest(&changed, &vacancies));
        changed = posts.clone();
        changed[0].vetting_date = NaiveDate::from_ymd_opt(2024, 5, 1);
        assert_ne!(digest, content_digest(&changed, &vacancies));
        changed = posts.clone();
        changed[0].integrated.lead_professional = Some(true);
        assert_ne!(digest, content_digest(&changed, &vacancies));
        assert_ne!(digest, content_digest(&posts, &vacancies[..1]));
        assert_ne!(digest, content_digest(&posts[..2], &vacancies));
        // a post is not confused with a vacancy or a field with its neighbour
        assert_ne!(content_digest(&[], &vacancies), content_digest(&[], &[]));
    }

    /// An area with one registered organisation, a collection and no database.
    fn target() -> Target {
        let census = NaiveDate::from_ymd_opt(2025, 9, 30).unwrap();
        Target {
            area_id: AreaId(1),
            area_code: "E09000027".into(),
            area_old_code: "318".into(),
            area_name: "Richmond upon Thames".into(),
            collection: CollectionRow {
                id: cws_store::CollectionId(1),
                census_date: census,
                opens: census,
                due: census,
                closes: census,
            },
            organisations: [(
                "ORG-1".to_string(),
                OrganisationRow {
                    id: OrganisationId(7),
                    reference: "ORG-1".into(),
                    name: "Org".into(),
                    sector: cws_domain::organisation::Sector::StatutoryLa,
                    service: cws_domain::organisation::Service::SocialCare,
                    setting_type: cws_domain::organisation::SettingType::SocialWorkTeam,
                    disadvantaged: false,
                    synthetic: false,
                },
            )]
            .into(),
            roles: HashMap::new(),
        }
    }

    fn submission(posts: Vec<WorkerRecord>) -> Submission {
        let mut sub = Submission {
            files: vec!["org.csv".into()],
            rows_read: posts.len() as u64,
            has_vacancy_table: true,
            has_worker_table: true,
            ..Default::default()
        };
        sub.posts.insert(
            "ORG-1".into(),
            posts
                .into_iter()
                .enumerate()
                .map(|(i, record)| Post {
                    organisation: "ORG-1".into(),
                    file: "org.csv".into(),
                    row: i as u64 + 2,
                    worker_ref: String::new(),
                    record,
                })
                .collect(),
        );
        sub
    }

    fn held(current_posts: Option<Vec<WorkerRecord>>) -> Held {
        let mut held = Held {
            current: HashMap::new(),
            vacancies: HashMap::new(),
            previous: HashMap::new(),
            posts: HashMap::new(),
        };
        if let Some(posts) = current_posts {
            held.current.insert(
                OrganisationId(7),
                returns::ReturnRow {
                    id: ReturnId(70),
                    version: 1,
                    status: ReturnStatus::Accepted,
                    source: "org.csv".into(),
                    submitted_at: String::new(),
                    content_digest: content_digest(&posts, &[]),
                    is_current: true,
                },
            );
            held.posts.insert(ReturnId(70), posts);
        }
        held
    }

    fn options() -> ImportOptions {
        ImportOptions {
            submitted_by: None,
            draft: false,
            area: "318".into(),
            organisation: None,
            census: None,
            dry_run: false,
            explanations: Explanations::default(),
            max_file_bytes: 1 << 20,
            today: NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        }
    }

    #[test]
    fn decisions_are_made_without_a_database() {
        let opts = options();
        // a first return: accepted, every post added
        let d = decide(
            &target(),
            &held(None),
            submission(vec![post('a', "SC-SW")]),
            &opts,
        );
        assert_eq!(d.returns[0].outcome.outcome, Outcome::Accepted);
        assert_eq!(d.returns[0].outcome.changes.posts_added, 1);
        assert!(d.report.accepted && d.pending().is_empty());
        // the same content again: unchanged, nothing compared post by post
        let same = vec![post('a', "SC-SW")];
        let d = decide(
            &target(),
            &held(Some(same.clone())),
            submission(same),
            &opts,
        );
        assert_eq!(d.returns[0].outcome.outcome, Outcome::Unchanged);
        // a changed return, the current posts held: compared now
        let d = decide(
            &target(),
            &held(Some(vec![post('a', "SC-SW")])),
            submission(vec![post('a', "SC-SW"), post('b', "SC-SW")]),
            &opts,
        );
        assert_eq!(d.returns[0].outcome.outcome, Outcome::Accepted);
        assert_eq!(d.returns[0].outcome.changes.posts_added, 1);
        assert_eq!(d.returns[0].outcome.changes.posts_unchanged, 1);
        // the current posts not held (a bulk import): pending until settled with them
        let mut without_posts = held(Some(vec![post('a', "SC-SW")]));
        let current = without_posts.posts.remove(&ReturnId(70)).unwrap();
        let mut d = decide(
            &target(),
            &without_posts,
            submission(vec![post('b', "SC-SW")]),
            &opts,
        );
        assert_eq!(d.pending(), vec![ReturnId(70)]);
        assert!(!d.report.accepted, "not accepted while pending");
        settle(
            &mut d,
            &without_posts,
            &[(ReturnId(70), current)].into(),
            &opts,
        );
        assert!(d.pending().is_empty() && d.report.accepted);
        let changes = &d.returns[0].outcome.changes;
        assert_eq!((changes.posts_added, changes.posts_removed), (1, 1));
        // an organisation nobody registered: blocked, whatever it holds
        let mut sub = submission(vec![post('a', "SC-SW")]);
        let posts = sub.posts.remove("ORG-1").unwrap();
        sub.posts.insert("NOBODY".into(), posts);
        let d = decide(&target(), &held(None), sub, &opts);
        assert_eq!(d.returns[0].outcome.outcome, Outcome::BlockedByErrors);
        assert!(!d.report.accepted);
    }
}
