//! Collections and returns: organisations of an area, versioned returns (a new submission
//! supersedes the current one, which stays in the history), the queries accepted with an
//! explanation, each organisation's return status and the area's coverage.

use chrono::NaiveDate;
use cws_domain::collection::{Collection, ReturnStatus, Vacancy};
use cws_domain::organisation::Organisation;
use cws_domain::role::RoleCode;
use cws_domain::worker::*;

use crate::bulk::{insert_rows, Cell};
use crate::workforce::{insert_vacancies, insert_workers};
use crate::{
    now_text, on_pool, on_tx, AreaId, CollectionId, Db, OrganisationId, Result, ReturnId,
    StoreError,
};
use cws_domain::organisation::{Sector, Service, SettingType};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CollectionRow {
    pub id: CollectionId,
    pub census_date: NaiveDate,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub closes: NaiveDate,
}

/// Creates a collection; refuses a second one for the same census date.
pub async fn create_collection(db: &Db, c: &Collection) -> Result<CollectionId> {
    let mut tx = db.begin_write().await?;
    let exists: Option<i64> = on_tx!(&mut tx, conn => sqlx::query_scalar("SELECT id FROM collection WHERE census_date = $1").bind(c.census_date()).fetch_optional(&mut *conn).await?);
    if exists.is_some() {
        return Err(StoreError::Conflict(format!(
            "there is already a collection for the census date {}",
            c.census_date()
        )));
    }
    let id = crate::workforce::ensure_collection(&mut tx, c).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn collections(db: &Db) -> Result<Vec<CollectionRow>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT id, census_date, opens, due, closes FROM collection ORDER BY census_date DESC").fetch_all(p).await?))
}

/// The collection for `census`, or the latest one when `None`.
pub async fn collection(db: &Db, census: Option<NaiveDate>) -> Result<Option<CollectionRow>> {
    Ok(match census {
        Some(d) => collections(db)
            .await?
            .into_iter()
            .find(|c| c.census_date == d),
        None => collections(db).await?.into_iter().next(),
    })
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: OrganisationId,
    pub reference: String,
    pub name: String,
    pub sector: Sector,
    pub service: Service,
    pub setting_type: SettingType,
    pub disadvantaged: bool,
    pub synthetic: bool,
}

/// The organisations registered in an area, by reference.
pub async fn organisations(db: &Db, area_id: AreaId) -> Result<Vec<OrganisationRow>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT id, reference, name, sector, service, setting_type, disadvantaged, synthetic FROM organisation WHERE area_id = $1 ORDER BY reference").bind(area_id).fetch_all(p).await?))
}

/// Registers organisations in an area, or updates their details when the reference is
/// already registered. Returns (added, updated).
pub async fn upsert_organisations(
    db: &Db,
    area_id: AreaId,
    orgs: &[Organisation],
) -> Result<(usize, usize)> {
    let mut tx = db.begin_write().await?;
    let (mut added, mut updated) = (0, 0);
    for o in orgs {
        let changed = on_tx!(&mut tx, c => sqlx::query("UPDATE organisation SET name = $1, sector = $2, service = $3, setting_type = $4, disadvantaged = $5 WHERE area_id = $6 AND reference = $7")
            .bind(&o.name).bind(o.sector.code()).bind(o.service.code()).bind(o.setting.code()).bind(o.disadvantaged_area).bind(area_id).bind(o.reference.as_str())
            .execute(&mut *c).await?.rows_affected());
        if changed == 0 {
            on_tx!(&mut tx, c => sqlx::query("INSERT INTO organisation (area_id, reference, name, sector, service, setting_type, disadvantaged, synthetic) VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE)")
                .bind(area_id).bind(o.reference.as_str()).bind(&o.name).bind(o.sector.code()).bind(o.service.code()).bind(o.setting.code()).bind(o.disadvantaged_area)
                .execute(&mut *c).await?.rows_affected());
            added += 1;
        } else {
            updated += 1;
        }
    }
    for o in orgs {
        if let Some(parent) = &o.parent {
            on_tx!(&mut tx, c => sqlx::query("UPDATE organisation SET parent_id = (SELECT id FROM organisation WHERE area_id = $1 AND reference = $2) WHERE area_id = $1 AND reference = $3")
                .bind(area_id).bind(parent.as_str()).bind(o.reference.as_str()).execute(&mut *c).await?.rows_affected());
        }
    }
    tx.bump_data_version().await?;
    tx.commit().await?;
    Ok((added, updated))
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReturnRow {
    pub id: ReturnId,
    pub version: i64,
    pub status: ReturnStatus,
    pub source: String,
    pub submitted_at: String,
    pub content_digest: String,
    pub is_current: bool,
}

/// The current (latest accepted) return of an organisation in a collection.
pub async fn current_return(
    db: &Db,
    collection_id: CollectionId,
    organisation_id: OrganisationId,
) -> Result<Option<ReturnRow>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT id, version, status, source, submitted_at, content_digest, is_current FROM workforce_return WHERE collection_id = $1 AND organisation_id = $2 AND is_current = TRUE")
        .bind(collection_id).bind(organisation_id).fetch_optional(p).await?))
}

/// Every version of an organisation's return in a collection, newest first.
pub async fn history(
    db: &Db,
    collection_id: CollectionId,
    organisation_id: OrganisationId,
) -> Result<Vec<ReturnRow>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT id, version, status, source, submitted_at, content_digest, is_current FROM workforce_return WHERE collection_id = $1 AND organisation_id = $2 AND version > 0 ORDER BY version DESC")
        .bind(collection_id).bind(organisation_id).fetch_all(p).await?))
}

#[derive(sqlx::FromRow)]
struct WorkerRow {
    person_key: String,
    role_code: String,
    fte: Option<f64>,
    contract: String,
    start_date: Option<NaiveDate>,
    leave_date: Option<NaiveDate>,
    leave_reason: Option<String>,
    leave_destination: Option<String>,
    birth_year: Option<i64>,
    sex: String,
    ethnicity: String,
    disability: String,
    qual_level: Option<String>,
    qualifications: String,
    common_core: Option<bool>,
    induction: Option<bool>,
    caf_trained: Option<bool>,
    lead_professional: Option<bool>,
    budget_holding: Option<bool>,
    multi_agency: Option<String>,
    vetting: String,
    vetting_date: Option<NaiveDate>,
    safeguarding_training: Option<NaiveDate>,
    days_lost: Option<f64>,
    cases: Option<i64>,
}

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("a worker record: {e}"))
}

impl WorkerRow {
    fn into_record(self) -> Result<WorkerRecord> {
        let opt = |v: Option<String>| v.filter(|s| !s.is_empty());
        let leaving = Leaving::from_parts(
            self.leave_date,
            opt(self.leave_reason)
                .map(|r| LeavingReason::parse(&r))
                .transpose()
                .map_err(invalid)?,
            opt(self.leave_destination)
                .map(|d| Destination::parse(&d))
                .transpose()
                .map_err(invalid)?,
        )
        .map_err(invalid)?;
        Ok(WorkerRecord {
            person: PersonKey::from_hex(&self.person_key).map_err(invalid)?,
            role: RoleCode::parse(&self.role_code).map_err(invalid)?,
            fte: self.fte.map(Fte::new).transpose().map_err(invalid)?,
            contract: ContractType::parse(&self.contract).map_err(invalid)?,
            start_date: self.start_date,
            leaving,
            birth_year: self.birth_year.map(|y| y as i32),
            sex: Sex::parse(&self.sex).map_err(invalid)?,
            ethnicity: Ethnicity::parse(&self.ethnicity).map_err(invalid)?,
            disability: Disability::parse(&self.disability).map_err(invalid)?,
            qual_level: opt(self.qual_level)
                .map(|q| QualLevel::parse(&q))
                .transpose()
                .map_err(invalid)?,
            qualifications: self
                .qualifications
                .split(';')
                .filter(|q| !q.is_empty())
                .map(str::to_string)
                .collect(),
            common_core: self.common_core,
            induction: self.induction,
            integrated: IntegratedWorking {
                caf_trained: self.caf_trained,
                lead_professional: self.lead_professional,
                budget_holding: self.budget_holding,
                multi_agency: opt(self.multi_agency)
                    .map(|m| MultiAgency::parse(&m))
                    .transpose()
                    .map_err(invalid)?,
            },
            vetting: VettingType::parse(&self.vetting).map_err(invalid)?,
            vetting_date: self.vetting_date,
            safeguarding_training: self.safeguarding_training,
            days_lost: self.days_lost,
            cases: self.cases.map(|c| c as u32),
        })
    }
}

/// The worker records of a return, as stored.
pub async fn return_workers(db: &Db, return_id: ReturnId) -> Result<Vec<WorkerRecord>> {
    let rows: Vec<WorkerRow> = on_pool!(db, p => sqlx::query_as(
        "SELECT person_key, role_code, fte, contract, start_date, leave_date, leave_reason, leave_destination, birth_year, sex, ethnicity, disability, qual_level, qualifications, common_core, induction, caf_trained, lead_professional, budget_holding, multi_agency, vetting, vetting_date, safeguarding_training, days_lost, cases FROM worker WHERE return_id = $1 ORDER BY id")
        .bind(return_id).fetch_all(p).await?);
    rows.into_iter().map(WorkerRow::into_record).collect()
}

/// The posts of several returns, as stored, by return id: one query per 500 returns.
pub async fn workers_of_returns(
    db: &Db,
    return_ids: &[ReturnId],
) -> Result<std::collections::HashMap<ReturnId, Vec<WorkerRecord>>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        return_id: ReturnId,
        #[sqlx(flatten)]
        worker: WorkerRow,
    }
    let mut out: std::collections::HashMap<ReturnId, Vec<WorkerRecord>> = Default::default();
    for chunk in return_ids.chunks(500) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT return_id, person_key, role_code, fte, contract, start_date, leave_date, leave_reason, leave_destination, birth_year, sex, ethnicity, disability, qual_level, qualifications, common_core, induction, caf_trained, lead_professional, budget_holding, multi_agency, vetting, vetting_date, safeguarding_training, days_lost, cases FROM worker WHERE return_id IN ({list}) ORDER BY id");
        let rows: Vec<Row> = on_pool!(db, p => {
            let mut q = sqlx::query_as(&sql);
            for id in chunk { q = q.bind(*id); }
            q.fetch_all(p).await?
        });
        for r in rows {
            out.entry(r.return_id)
                .or_default()
                .push(r.worker.into_record()?);
        }
    }
    for id in return_ids {
        out.entry(*id).or_default();
    }
    Ok(out)
}

/// A stored vacancy row, decoded into the domain's `Vacancy` at the store's edge.
#[derive(sqlx::FromRow)]
struct VacancyRow {
    role_code: String,
    fte: f64,
    agency_covered_fte: f64,
    agency_fte: Option<f64>,
    agency_headcount: Option<f64>,
}

/// The columns of `VacancyRow`, from the vacancy table aliased `v`.
const VACANCY_COLUMNS: &str =
    "v.role_code, v.fte, v.agency_covered_fte, v.agency_fte, v.agency_headcount";

impl VacancyRow {
    fn into_vacancy(self) -> Result<Vacancy> {
        Ok(Vacancy {
            role: RoleCode::parse(&self.role_code).map_err(invalid)?,
            fte: self.fte,
            agency_covered_fte: self.agency_covered_fte,
            stated_agency: cws_domain::collection::StatedAgency {
                fte: self.agency_fte,
                headcount: self.agency_headcount,
            },
        })
    }
}

/// A vacancy row with the return or organisation it belongs to.
#[derive(sqlx::FromRow)]
struct OwnedVacancyRow<Owner> {
    owner: Owner,
    #[sqlx(flatten)]
    vacancy: VacancyRow,
}

/// The vacancies of a return, as stored.
pub async fn return_vacancies(db: &Db, return_id: ReturnId) -> Result<Vec<Vacancy>> {
    let sql =
        format!("SELECT {VACANCY_COLUMNS} FROM vacancy v WHERE v.return_id = $1 ORDER BY v.id");
    let rows: Vec<VacancyRow> =
        on_pool!(db, p => sqlx::query_as(&sql).bind(return_id).fetch_all(p).await?);
    rows.into_iter().map(VacancyRow::into_vacancy).collect()
}

/// The vacancies of every current return of an area in a collection, by return id.
/// (`CROSS JOIN` keeps SQLite starting from the area's organisations: left to itself it
/// scanned every current return of the nation for each area.)
pub async fn current_vacancies_in_area(
    db: &Db,
    collection_id: CollectionId,
    area_id: AreaId,
) -> Result<std::collections::HashMap<ReturnId, Vec<Vacancy>>> {
    let sql = format!(
        "SELECT v.return_id AS owner, {VACANCY_COLUMNS}
         FROM organisation o CROSS JOIN workforce_return r CROSS JOIN vacancy v
         WHERE o.area_id = $2 AND r.organisation_id = o.id AND r.collection_id = $1
           AND r.is_current = TRUE AND v.return_id = r.id
         ORDER BY v.id"
    );
    let rows: Vec<OwnedVacancyRow<ReturnId>> = on_pool!(db, p => sqlx::query_as(&sql)
        .bind(collection_id).bind(area_id).fetch_all(p).await?);
    let mut out: std::collections::HashMap<ReturnId, Vec<Vacancy>> = Default::default();
    for r in rows {
        out.entry(r.owner)
            .or_default()
            .push(r.vacancy.into_vacancy()?);
    }
    Ok(out)
}

/// Headcount in post and vacancy FTE of an organisation's current return at the latest
/// census before `census`, for the swing rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreviousTotals {
    pub census_date: NaiveDate,
    pub headcount: i64,
    pub vacancy_fte: f64,
}

/// A query the submitter accepted, with their explanation.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AcceptedQuery {
    pub rule_code: String,
    pub file_name: String,
    pub row_number: Option<i64>,
    pub column_name: Option<String>,
    pub cell_value: Option<String>,
    pub message: String,
    pub explanation: String,
}

/// A new version of a return, stored whole or not at all.
pub struct NewReturn<'a> {
    pub collection_id: CollectionId,
    pub organisation_id: OrganisationId,
    pub source: &'a str,
    pub content_digest: &'a str,
    pub workers: &'a [WorkerRecord],
    pub vacancies: &'a [Vacancy],
    pub queries: &'a [AcceptedQuery],
    /// The account that sent it (none for the command line and the demo).
    pub submitted_by: Option<i64>,
}

/// Stores a new current version of a return in one transaction: the previous version stays,
/// no longer current. Returns the new version number.
pub async fn commit_return(db: &Db, r: &NewReturn<'_>) -> Result<i64> {
    let versions = commit_returns(db, std::slice::from_ref(r)).await?;
    versions
        .first()
        .copied()
        .ok_or_else(|| StoreError::Corrupt("no version was stored".into()))
}

/// The queries accepted with a return version.
pub async fn accepted_queries(db: &Db, return_id: ReturnId) -> Result<Vec<AcceptedQuery>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT rule_code, file_name, row_number, column_name, cell_value, message, explanation FROM return_query WHERE return_id = $1 ORDER BY id").bind(return_id).fetch_all(p).await?))
}

/// One organisation's line in the coverage report.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CoverageRow {
    pub organisation_id: OrganisationId,
    pub reference: String,
    pub name: String,
    pub sector: Sector,
    pub service: Service,
    pub setting_type: SettingType,
    /// `NotStarted` when nothing was ever submitted.
    pub status: ReturnStatus,
    pub version: Option<i64>,
    pub submitted_at: Option<String>,
    pub errors: Option<i64>,
    pub queries: Option<i64>,
    /// Who sent the current version (an account's email; none for the command line).
    pub submitted_by: Option<String>,
    /// Whether changes made on the worker form wait in a draft, not yet sent.
    pub has_draft: bool,
}

/// Every organisation of an area with its return status in a collection.
pub async fn coverage(
    db: &Db,
    area_id: AreaId,
    collection_id: CollectionId,
) -> Result<Vec<CoverageRow>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT o.id AS organisation_id, o.reference, o.name, o.sector, o.service, o.setting_type,
                COALESCE(s.status, CASE WHEN r.id IS NULL THEN 'not_started' ELSE 'accepted' END) AS status,
                r.version, r.submitted_at, s.errors, s.queries, u.email AS submitted_by,
                EXISTS (SELECT 1 FROM workforce_return d WHERE d.organisation_id = o.id AND d.collection_id = $2 AND d.version = 0) AS has_draft
         FROM organisation o
         LEFT JOIN workforce_return r ON r.organisation_id = o.id AND r.collection_id = $2 AND r.is_current = TRUE
         LEFT JOIN app_user u ON u.id = r.submitted_by
         LEFT JOIN return_status s ON s.organisation_id = o.id AND s.collection_id = $2
         WHERE o.area_id = $1
         ORDER BY o.sector, o.service, o.reference")
        .bind(area_id).bind(collection_id).fetch_all(p).await?))
}

/// The current return of every organisation of an area in a collection, by organisation.
pub async fn current_returns_in_area(
    db: &Db,
    collection_id: CollectionId,
    area_id: AreaId,
) -> Result<std::collections::HashMap<OrganisationId, ReturnRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        organisation_id: OrganisationId,
        #[sqlx(flatten)]
        r: ReturnRow,
    }
    let rows: Vec<Row> = on_pool!(db, p => sqlx::query_as(
        "SELECT r.organisation_id, r.id, r.version, r.status, r.source, r.submitted_at, r.content_digest, r.is_current
         FROM organisation o CROSS JOIN workforce_return r
         WHERE o.area_id = $2 AND r.organisation_id = o.id AND r.collection_id = $1
           AND r.is_current = TRUE")
        .bind(collection_id).bind(area_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(|x| (x.organisation_id, x.r)).collect())
}

/// What the stored data is at this moment, as numbers that change whenever any process
/// changes it: a server compares them to see whether another process (the command line, a
/// second instance) has changed the data, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct DataVersion {
    /// The newest return's id and how many returns there are: they change whenever a
    /// return is stored or removed, so the returns that changed can be read alone.
    pub newest_return: i64,
    pub returns: i64,
    /// Incremented by every other change the figures are built from (organisations,
    /// reference data, community comparators): figures are then built again.
    pub other: i64,
}

pub async fn data_version(db: &Db) -> Result<DataVersion> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT COALESCE(MAX(r.id), 0) AS newest_return, COUNT(r.id) AS returns, (SELECT version FROM data_version WHERE id = 1) AS other FROM workforce_return r")
        .fetch_one(p).await?))
}

/// The id of every organisation's current return in a collection.
pub async fn current_return_ids(
    db: &Db,
    collection_id: CollectionId,
) -> Result<std::collections::HashMap<OrganisationId, ReturnId>> {
    let rows: Vec<(OrganisationId, ReturnId)> = on_pool!(db, p => sqlx::query_as(
        "SELECT organisation_id, id FROM workforce_return WHERE collection_id = $1 AND is_current = TRUE")
        .bind(collection_id).fetch_all(p).await?);
    Ok(rows.into_iter().collect())
}

/// `previous_totals` for every organisation of an area that has an earlier return.
pub async fn previous_totals_in_area(
    db: &Db,
    area_id: AreaId,
    census: NaiveDate,
) -> Result<std::collections::HashMap<OrganisationId, PreviousTotals>> {
    let rows: Vec<(OrganisationId, NaiveDate, i64, Option<f64>)> = on_pool!(db, p => sqlx::query_as(
        "WITH prev AS (
            SELECT r.id, r.organisation_id, c.census_date,
                   ROW_NUMBER() OVER (PARTITION BY r.organisation_id ORDER BY c.census_date DESC) AS rn
            FROM workforce_return r
            JOIN collection c ON c.id = r.collection_id
            JOIN organisation o ON o.id = r.organisation_id
            WHERE o.area_id = $1 AND r.is_current = TRUE AND c.census_date < $2)
         SELECT p.organisation_id, p.census_date,
            (SELECT COUNT(DISTINCT w.person_key) FROM worker w WHERE w.return_id = p.id AND (w.leave_date IS NULL OR w.leave_date > p.census_date) AND w.contract <> 'agency'),
            (SELECT SUM(v.fte) FROM vacancy v WHERE v.return_id = p.id)
         FROM prev p WHERE p.rn = 1")
        .bind(area_id).bind(census).fetch_all(p).await?);
    Ok(rows
        .into_iter()
        .map(|(org, date, headcount, vac)| {
            (
                org,
                PreviousTotals {
                    census_date: date,
                    headcount,
                    vacancy_fte: vac.unwrap_or(0.0),
                },
            )
        })
        .collect())
}

/// Stores several returns in one transaction (all or none); returns their new versions in
/// the order given. Each supersedes its organisation's current return.
pub async fn commit_returns(db: &Db, new: &[NewReturn<'_>]) -> Result<Vec<i64>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let collection_id = new[0].collection_id;
    if new.iter().any(|r| r.collection_id != collection_id) {
        return Err(StoreError::Misuse(
            "returns stored together must be for one collection",
        ));
    }
    let mut tx = db.begin_write().await?;
    let now = now_text();
    // a version sent (by any route) replaces any draft of the same return
    let organisations: std::collections::HashSet<OrganisationId> =
        new.iter().map(|r| r.organisation_id).collect();
    delete_drafts(&mut tx, collection_id, &organisations).await?;
    let versions = match &mut tx {
        crate::Tx::Sqlite(t) => {
            let mut handle = t.lock_handle().await?;
            let conn = crate::sqlite_raw::borrow(&mut handle)?;
            commit_returns_sqlite(&conn, collection_id, new, &now)?
        }
        crate::Tx::Postgres(_) => commit_returns_in(&mut tx, new, &now).await?,
    };
    for (r, version) in new.iter().zip(&versions) {
        if let Some(user) = r.submitted_by {
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE workforce_return SET submitted_by = $1 WHERE collection_id = $2 AND organisation_id = $3 AND version = $4")
                .bind(user).bind(collection_id).bind(r.organisation_id).bind(*version)
                .execute(&mut *c).await?.rows_affected());
        }
    }
    tx.commit().await?;
    Ok(versions)
}

/// Deletes the drafts of `organisations` in a collection, with their posts, vacancies and
/// queries (drafts are few: one read of the collection's, through their own index).
async fn delete_drafts(
    tx: &mut crate::Tx,
    collection_id: CollectionId,
    organisations: &std::collections::HashSet<OrganisationId>,
) -> Result<()> {
    let drafts: Vec<(ReturnId, OrganisationId)> = on_tx!(&mut *tx, c => sqlx::query_as(
        "SELECT id, organisation_id FROM workforce_return WHERE collection_id = $1 AND version = 0")
        .bind(collection_id).fetch_all(&mut *c).await?);
    for (id, _) in drafts.iter().filter(|(_, o)| organisations.contains(o)) {
        for sql in [
            "DELETE FROM worker WHERE return_id = $1",
            "DELETE FROM vacancy WHERE return_id = $1",
            "DELETE FROM return_query WHERE return_id = $1",
            "DELETE FROM workforce_return WHERE id = $1",
        ] {
            on_tx!(&mut *tx, c => sqlx::query(sql).bind(*id).execute(&mut *c).await?.rows_affected());
        }
    }
    Ok(())
}

/// The draft of an organisation's return in a collection, if it has one: changes made post
/// by post, not yet sent.
pub async fn draft(
    db: &Db,
    collection_id: CollectionId,
    organisation_id: OrganisationId,
) -> Result<Option<ReturnRow>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT id, version, status, source, submitted_at, content_digest, is_current FROM workforce_return WHERE collection_id = $1 AND organisation_id = $2 AND version = 0")
        .bind(collection_id).bind(organisation_id).fetch_optional(p).await?))
}

/// Keeps `r` as the draft of its organisation's return, in place of any earlier draft: never
/// current, so the figures do not see it until it is sent (`commit_returns`).
pub async fn save_draft(db: &Db, r: &NewReturn<'_>) -> Result<()> {
    let mut tx = db.begin_write().await?;
    delete_drafts(
        &mut tx,
        r.collection_id,
        &std::iter::once(r.organisation_id).collect(),
    )
    .await?;
    let id: ReturnId = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO workforce_return (collection_id, organisation_id, version, status, source, submitted_at, content_digest, is_current, synthetic, submitted_by)
         VALUES ($1, $2, 0, $3, $4, $5, $6, FALSE, FALSE, $7) RETURNING id")
        .bind(r.collection_id).bind(r.organisation_id).bind(ReturnStatus::InProgress.code())
        .bind(r.source).bind(now_text()).bind(r.content_digest).bind(r.submitted_by)
        .fetch_one(&mut *c).await?);
    let workers: Vec<(ReturnId, &WorkerRecord)> = r.workers.iter().map(|w| (id, w)).collect();
    insert_workers(&mut tx, &workers).await?;
    let vacancies: Vec<(ReturnId, Vacancy)> = r.vacancies.iter().map(|v| (id, v.clone())).collect();
    insert_vacancies(&mut tx, &vacancies).await?;
    for q in r.queries {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO return_query (return_id, rule_code, file_name, row_number, column_name, cell_value, message, explanation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id).bind(&q.rule_code).bind(&q.file_name).bind(q.row_number).bind(&q.column_name)
            .bind(&q.cell_value).bind(&q.message).bind(&q.explanation).execute(&mut *c).await?.rows_affected());
    }
    tx.commit().await?;
    Ok(())
}

/// Throws away an organisation's draft (its changes came to nothing, or were sent).
pub async fn discard_draft(
    db: &Db,
    collection_id: CollectionId,
    organisation_id: OrganisationId,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    delete_drafts(
        &mut tx,
        collection_id,
        &std::iter::once(organisation_id).collect(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who sent a version of a return, and when: (submitted at, the sender's email if an
/// account sent it).
pub async fn sent_by(db: &Db, return_id: ReturnId) -> Result<Option<(String, Option<String>)>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT r.submitted_at, u.email FROM workforce_return r LEFT JOIN app_user u ON u.id = r.submitted_by WHERE r.id = $1")
        .bind(return_id).fetch_optional(p).await?))
}

/// SQLite: every statement prepared once and stepped on the transaction's own connection,
/// return by return. A national import stores 115,000 returns; going through the driver's
/// worker thread for each of their statements cost more than storing their rows.
fn commit_returns_sqlite(
    conn: &rusqlite::Connection,
    collection_id: CollectionId,
    new: &[NewReturn<'_>],
    now: &str,
) -> Result<Vec<i64>> {
    use crate::workforce::{insert_vacancies_on, insert_workers_on, sqlite_error};
    use rusqlite::{params, OptionalExtension};
    let mut latest = conn
        .prepare("SELECT MAX(version) FROM workforce_return WHERE collection_id = ?1 AND organisation_id = ?2")
        .map_err(sqlite_error)?;
    let mut supersede = conn
        .prepare("UPDATE workforce_return SET is_current = FALSE WHERE collection_id = ?1 AND organisation_id = ?2 AND is_current = TRUE")
        .map_err(sqlite_error)?;
    let mut insert_return = conn
        .prepare("INSERT INTO workforce_return (collection_id, organisation_id, version, status, source, submitted_at, content_digest, is_current, synthetic) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, TRUE, FALSE)")
        .map_err(sqlite_error)?;
    let mut status = conn
        .prepare("INSERT INTO return_status (collection_id, organisation_id, status, errors, queries, updated_at) VALUES (?1, ?2, ?3, 0, ?4, ?5) ON CONFLICT (collection_id, organisation_id) DO UPDATE SET status = excluded.status, errors = excluded.errors, queries = excluded.queries, updated_at = excluded.updated_at")
        .map_err(sqlite_error)?;
    let mut insert_query = conn
        .prepare("INSERT INTO return_query (return_id, rule_code, file_name, row_number, column_name, cell_value, message, explanation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .map_err(sqlite_error)?;
    let mut versions = Vec::with_capacity(new.len());
    let mut return_ids = Vec::with_capacity(new.len());
    for r in new {
        let held: Option<i64> = latest
            .query_row(params![collection_id, r.organisation_id], |row| row.get(0))
            .optional()
            .map_err(sqlite_error)?
            .flatten();
        if held.is_some() {
            supersede
                .execute(params![collection_id, r.organisation_id])
                .map_err(sqlite_error)?;
        }
        let version = held.unwrap_or(0) + 1;
        insert_return
            .execute(params![
                collection_id,
                r.organisation_id,
                version,
                ReturnStatus::Accepted.code(),
                r.source,
                now,
                r.content_digest
            ])
            .map_err(sqlite_error)?;
        let id = ReturnId(conn.last_insert_rowid());
        status
            .execute(params![
                collection_id,
                r.organisation_id,
                ReturnStatus::Accepted.code(),
                r.queries.len() as i64,
                now
            ])
            .map_err(sqlite_error)?;
        for q in r.queries {
            insert_query
                .execute(params![
                    id,
                    q.rule_code,
                    q.file_name,
                    q.row_number,
                    q.column_name,
                    q.cell_value,
                    q.message,
                    q.explanation
                ])
                .map_err(sqlite_error)?;
        }
        versions.push(version);
        return_ids.push(id);
    }
    let workers: Vec<(ReturnId, &WorkerRecord)> = new
        .iter()
        .zip(&return_ids)
        .flat_map(|(r, id)| r.workers.iter().map(move |w| (*id, w)))
        .collect();
    insert_workers_on(conn, &workers)?;
    let vacancies: Vec<(ReturnId, &Vacancy)> = new
        .iter()
        .zip(&return_ids)
        .flat_map(|(r, id)| r.vacancies.iter().map(move |v| (*id, v)))
        .collect();
    insert_vacancies_on(conn, &vacancies)?;
    Ok(versions)
}

/// The statements of `commit_returns` for any backend, few and large: one round trip per
/// chunk of returns, not per return.
async fn commit_returns_in(
    tx: &mut crate::Tx,
    new: &[NewReturn<'_>],
    now: &str,
) -> Result<Vec<i64>> {
    let now = now.to_string();
    // Statements are few and large: one round trip per chunk of returns, not per return.
    let mut versions = Vec::with_capacity(new.len());
    let mut return_ids = Vec::with_capacity(new.len());
    for chunk in new.chunks(500) {
        let collection_id = chunk[0].collection_id;
        if chunk.iter().any(|r| r.collection_id != collection_id) {
            return Err(StoreError::Misuse(
                "returns stored together must be for one collection",
            ));
        }
        let ids: Vec<OrganisationId> = chunk.iter().map(|r| r.organisation_id).collect();
        let list = (2..ids.len() + 2)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let latest: Vec<(OrganisationId, i64)> = on_tx!(&mut *tx, c => {
            let sql = format!("SELECT organisation_id, MAX(version) FROM workforce_return WHERE collection_id = $1 AND organisation_id IN ({list}) GROUP BY organisation_id");
            let mut q = sqlx::query_as(&sql).bind(collection_id);
            for id in &ids { q = q.bind(*id); }
            q.fetch_all(&mut *c).await?
        });
        let latest: std::collections::HashMap<OrganisationId, i64> = latest.into_iter().collect();
        if !latest.is_empty() {
            on_tx!(&mut *tx, c => {
                let sql = format!("UPDATE workforce_return SET is_current = FALSE WHERE collection_id = $1 AND is_current = TRUE AND organisation_id IN ({list})");
                let mut q = sqlx::query(&sql).bind(collection_id);
                for id in &ids { q = q.bind(*id); }
                q.execute(&mut *c).await?.rows_affected()
            });
        }
        let chunk_versions: Vec<i64> = ids
            .iter()
            .map(|id| latest.get(id).copied().unwrap_or(0) + 1)
            .collect();
        let current: Vec<crate::workforce::CurrentReturn> = chunk
            .iter()
            .zip(&chunk_versions)
            .map(|(r, &version)| crate::workforce::CurrentReturn {
                organisation_id: r.organisation_id,
                version,
                source: r.source,
                content_digest: r.content_digest,
                synthetic: false,
            })
            .collect();
        let stored =
            crate::workforce::insert_current_returns(tx, collection_id, &now, &current).await?;

        for id in &ids {
            return_ids.push(*stored.get(id).ok_or_else(|| {
                StoreError::Corrupt("a stored return could not be read back".into())
            })?);
        }
        versions.extend(chunk_versions);
        let statuses: Vec<StatusLine> = chunk
            .iter()
            .map(|r| StatusLine {
                organisation_id: r.organisation_id,
                status: ReturnStatus::Accepted,
                errors: 0,
                queries: r.queries.len() as i64,
            })
            .collect();
        replace_statuses(tx, collection_id, &statuses, &now).await?;
    }
    let workers: Vec<(ReturnId, &WorkerRecord)> = new
        .iter()
        .zip(&return_ids)
        .flat_map(|(r, id)| r.workers.iter().map(move |w| (*id, w)))
        .collect();
    insert_workers(tx, &workers).await?;
    let vacancies: Vec<(ReturnId, Vacancy)> = new
        .iter()
        .zip(&return_ids)
        .flat_map(|(r, id)| r.vacancies.iter().map(move |v| (*id, v.clone())))
        .collect();
    insert_vacancies(tx, &vacancies).await?;
    let rows: Vec<Vec<Cell>> = new
        .iter()
        .zip(&return_ids)
        .flat_map(|(r, id)| {
            r.queries.iter().map(move |q| {
                vec![
                    Cell::from(*id),
                    Cell::Text(Some(&q.rule_code)),
                    Cell::Text(Some(&q.file_name)),
                    Cell::Int(q.row_number),
                    Cell::Text(q.column_name.as_deref()),
                    Cell::Text(q.cell_value.as_deref()),
                    Cell::Text(Some(&q.message)),
                    Cell::Text(Some(&q.explanation)),
                ]
            })
        })
        .collect();
    insert_rows(
        tx,
        "return_query",
        &[
            "return_id",
            "rule_code",
            "file_name",
            "row_number",
            "column_name",
            "cell_value",
            "message",
            "explanation",
        ],
        &rows,
    )
    .await?;
    Ok(versions)
}

/// An organisation's return status in a collection, with its counts of errors and queries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatusLine {
    pub organisation_id: OrganisationId,
    pub status: ReturnStatus,
    pub errors: i64,
    pub queries: i64,
}

/// Records the outcome of submissions (refused ones too, so the area lead sees them) for
/// many organisations in one transaction. Accepted data is untouched.
pub async fn set_statuses(
    db: &Db,
    collection_id: CollectionId,
    statuses: &[StatusLine],
) -> Result<()> {
    if statuses.is_empty() {
        return Ok(());
    }
    let now = now_text();
    let mut tx = db.begin_write().await?;
    for chunk in statuses.chunks(500) {
        replace_statuses(&mut tx, collection_id, chunk, &now).await?;
    }
    tx.commit().await
}

/// Replaces the statuses of up to a few hundred organisations: one delete, one insert.
async fn replace_statuses(
    tx: &mut crate::Tx,
    collection_id: CollectionId,
    statuses: &[StatusLine],
    now: &str,
) -> Result<()> {
    let list = (2..statuses.len() + 2)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    on_tx!(&mut *tx, c => {
        let sql = format!("DELETE FROM return_status WHERE collection_id = $1 AND organisation_id IN ({list})");
        let mut q = sqlx::query(&sql).bind(collection_id);
        for s in statuses { q = q.bind(s.organisation_id); }
        q.execute(&mut *c).await?.rows_affected()
    });
    let rows: Vec<Vec<Cell>> = statuses
        .iter()
        .map(|s| {
            vec![
                Cell::from(collection_id),
                Cell::from(s.organisation_id),
                Cell::Text(Some(s.status.code())),
                Cell::Int(Some(s.errors)),
                Cell::Int(Some(s.queries)),
                Cell::Text(Some(now)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "return_status",
        &[
            "collection_id",
            "organisation_id",
            "status",
            "errors",
            "queries",
            "updated_at",
        ],
        &rows,
    )
    .await?;
    Ok(())
}

/// One stored post of a current return, with its organisation, for building snapshots.
pub struct CurrentPost {
    pub organisation_id: OrganisationId,
    pub record: WorkerRecord,
}

/// Calls `each` with every post of every current return in a collection, streamed (a
/// national collection holds millions), ordered by organisation.
pub async fn for_each_current_post(
    db: &Db,
    collection_id: CollectionId,
    mut each: impl FnMut(CurrentPost) + Send,
) -> Result<()> {
    use futures_util::TryStreamExt;
    #[derive(sqlx::FromRow)]
    struct Row {
        organisation_id: OrganisationId,
        #[sqlx(flatten)]
        w: WorkerRow,
    }
    const SQL: &str = "SELECT r.organisation_id, w.person_key, w.role_code, w.fte, w.contract, w.start_date, w.leave_date, w.leave_reason, w.leave_destination, w.birth_year, w.sex, w.ethnicity, w.disability, w.qual_level, w.qualifications, w.common_core, w.induction, w.caf_trained, w.lead_professional, w.budget_holding, w.multi_agency, w.vetting, w.vetting_date, w.safeguarding_training, w.days_lost, w.cases
         FROM worker w JOIN workforce_return r ON r.id = w.return_id
         WHERE r.collection_id = $1 AND r.is_current = TRUE ORDER BY r.organisation_id, w.id";
    match db {
        // sqlx's SQLite rows cross a channel one by one (about 18 µs each here); millions
        // are read straight from the connection's own handle instead, as imports write them.
        Db::Sqlite(pools) => {
            let mut conn = pools.read.acquire().await?;
            let mut handle = conn.lock_handle().await?;
            let raw = crate::sqlite_raw::borrow(&mut handle)?;
            let mut stmt = raw
                .prepare(&SQL.replace("$1", "?1"))
                .map_err(crate::workforce::sqlite_error)?;
            let mut rows = stmt
                .query([collection_id])
                .map_err(crate::workforce::sqlite_error)?;
            while let Some(r) = rows.next().map_err(crate::workforce::sqlite_error)? {
                let (organisation_id, w) =
                    sqlite_worker_row(r).map_err(crate::workforce::sqlite_error)?;
                each(CurrentPost {
                    organisation_id,
                    record: w.into_record()?,
                });
            }
            Ok(())
        }
        Db::Postgres(p) => {
            let mut rows = sqlx::query_as::<_, Row>(SQL).bind(collection_id).fetch(p);
            while let Some(row) = rows.try_next().await? {
                each(CurrentPost {
                    organisation_id: row.organisation_id,
                    record: row.w.into_record()?,
                });
            }
            Ok(())
        }
    }
}

/// A row of `for_each_current_post`'s query read by rusqlite (dates are stored as ISO text).
fn sqlite_worker_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(OrganisationId, WorkerRow)> {
    let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
        let t: Option<String> = r.get(i)?;
        t.map(|t| {
            NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    i,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
        })
        .transpose()
    };
    Ok((
        r.get(0)?,
        WorkerRow {
            person_key: r.get(1)?,
            role_code: r.get(2)?,
            fte: r.get(3)?,
            contract: r.get(4)?,
            start_date: date(5)?,
            leave_date: date(6)?,
            leave_reason: r.get(7)?,
            leave_destination: r.get(8)?,
            birth_year: r.get(9)?,
            sex: r.get(10)?,
            ethnicity: r.get(11)?,
            disability: r.get(12)?,
            qual_level: r.get(13)?,
            qualifications: r.get(14)?,
            common_core: r.get(15)?,
            induction: r.get(16)?,
            caf_trained: r.get(17)?,
            lead_professional: r.get(18)?,
            budget_holding: r.get(19)?,
            multi_agency: r.get(20)?,
            vetting: r.get(21)?,
            vetting_date: date(22)?,
            safeguarding_training: date(23)?,
            days_lost: r.get(24)?,
            cases: r.get(25)?,
        },
    ))
}

/// The vacancies of every current return in a collection, with their organisations.
pub async fn current_vacancies(
    db: &Db,
    collection_id: CollectionId,
) -> Result<Vec<(OrganisationId, Vacancy)>> {
    let sql = format!(
        "SELECT r.organisation_id AS owner, {VACANCY_COLUMNS}
         FROM vacancy v JOIN workforce_return r ON r.id = v.return_id
         WHERE r.collection_id = $1 AND r.is_current = TRUE ORDER BY r.organisation_id, v.id"
    );
    let rows: Vec<OwnedVacancyRow<OrganisationId>> =
        on_pool!(db, p => sqlx::query_as(&sql).bind(collection_id).fetch_all(p).await?);
    rows.into_iter()
        .map(|r| Ok((r.owner, r.vacancy.into_vacancy()?)))
        .collect()
}

/// Every organisation with its area, for building snapshots.
pub async fn all_organisations(db: &Db) -> Result<Vec<(AreaId, OrganisationRow)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        area_id: AreaId,
        #[sqlx(flatten)]
        o: OrganisationRow,
    }
    let rows: Vec<Row> = on_pool!(db, p => sqlx::query_as("SELECT area_id, id, reference, name, sector, service, setting_type, disadvantaged, synthetic FROM organisation ORDER BY id").fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| (r.area_id, r.o)).collect())
}

/// One organisation of an area by its reference.
pub async fn organisation(
    db: &Db,
    area_id: AreaId,
    reference: &str,
) -> Result<Option<OrganisationRow>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT id, reference, name, sector, service, setting_type, disadvantaged, synthetic FROM organisation WHERE area_id = $1 AND reference = $2").bind(area_id).bind(reference.trim()).fetch_optional(p).await?))
}

/// Organisations registered and those with an accepted return, by area and sector.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CoverageCount {
    pub area_code: String,
    pub area_name: String,
    pub region_code: String,
    pub sector: Sector,
    pub organisations: i64,
    pub returned: i64,
}

/// Return coverage of every area by sector for a collection.
pub async fn coverage_counts(db: &Db, collection_id: CollectionId) -> Result<Vec<CoverageCount>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT a.code AS area_code, a.name AS area_name, a.region_code, o.sector,
                COUNT(*) AS organisations, COUNT(r.id) AS returned
         FROM organisation o JOIN area a ON a.id = o.area_id
         LEFT JOIN workforce_return r ON r.organisation_id = o.id AND r.collection_id = $1 AND r.is_current = TRUE
         GROUP BY a.code, a.name, a.region_code, o.sector
         ORDER BY a.name, o.sector")
        .bind(collection_id).fetch_all(p).await?))
}

/// Deletes everything an organisation has returned — every version in every collection, its
/// workers, vacancies, accepted queries and return status — in one transaction. The
/// organisation stays registered (so it can return again). Returns the returns deleted.
pub async fn delete_organisation_data(db: &Db, organisation_id: OrganisationId) -> Result<u64> {
    let mut tx = db.begin_write().await?;
    let of_org = "SELECT id FROM workforce_return WHERE organisation_id = $1";
    for table in ["worker", "vacancy", "return_query"] {
        let sql = format!("DELETE FROM {table} WHERE return_id IN ({of_org})");
        on_tx!(&mut tx, c => sqlx::query(&sql).bind(organisation_id).execute(&mut *c).await?.rows_affected());
    }
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM return_status WHERE organisation_id = $1")
        .bind(organisation_id).execute(&mut *c).await?.rows_affected());
    let n = on_tx!(&mut tx, c => sqlx::query("DELETE FROM workforce_return WHERE organisation_id = $1")
        .bind(organisation_id).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(n)
}
