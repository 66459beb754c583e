//! Organisations, collections, returns, workers and vacancies.

use std::collections::HashMap;

use chrono::NaiveDate;
use cws_domain::collection::{Collection, ReturnStatus, Vacancy};
use cws_domain::organisation::Organisation;
use cws_domain::worker::WorkerRecord;

use crate::bulk::{insert_rows, Cell};
use crate::{
    now_text, on_pool, on_tx, AreaId, CollectionId, Db, OrganisationId, Result, ReturnId, Tx,
};

/// Finds or creates the collection for a census date; returns its id.
pub async fn ensure_collection(tx: &mut Tx, c: &Collection) -> Result<CollectionId> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO collection (census_date, opens, due, closes) VALUES ($1, $2, $3, $4) ON CONFLICT (census_date) DO NOTHING")
            .bind(c.census_date()).bind(c.opens()).bind(c.due()).bind(c.closes())
            .execute(&mut *conn).await?.rows_affected();
        Ok(sqlx::query_scalar("SELECT id FROM collection WHERE census_date = $1").bind(c.census_date()).fetch_one(&mut *conn).await?)
    })
}

/// Inserts organisations of one area (parents resolved by reference within the batch) and
/// returns their ids by reference.
pub async fn insert_organisations(
    tx: &mut Tx,
    area_id: AreaId,
    orgs: &[Organisation],
    synthetic: bool,
) -> Result<HashMap<String, OrganisationId>> {
    let rows: Vec<Vec<Cell>> = orgs
        .iter()
        .map(|o| {
            vec![
                Cell::from(area_id),
                Cell::Text(Some(o.reference.as_str())),
                Cell::Text(Some(&o.name)),
                Cell::Text(Some(o.sector.code())),
                Cell::Text(Some(o.service.code())),
                Cell::Text(Some(o.setting.code())),
                Cell::Bool(Some(o.disadvantaged_area)),
                Cell::Bool(Some(synthetic)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "organisation",
        &[
            "area_id",
            "reference",
            "name",
            "sector",
            "service",
            "setting_type",
            "disadvantaged",
            "synthetic",
        ],
        &rows,
    )
    .await?;
    let ids: Vec<(String, OrganisationId)> = on_tx!(tx, c => sqlx::query_as("SELECT reference, id FROM organisation WHERE area_id = $1").bind(area_id).fetch_all(&mut *c).await?);
    let ids: HashMap<String, OrganisationId> = ids.into_iter().collect();
    for o in orgs {
        if let (Some(parent), Some(id)) = (&o.parent, ids.get(o.reference.as_str())) {
            if let Some(pid) = ids.get(parent.as_str()) {
                on_tx!(tx, c => sqlx::query("UPDATE organisation SET parent_id = $1 WHERE id = $2").bind(*pid).bind(*id).execute(&mut *c).await?.rows_affected());
            }
        }
    }
    Ok(ids)
}

/// Creates an accepted first-version return for each organisation; returns ids by organisation.
pub async fn create_returns(
    tx: &mut Tx,
    collection_id: CollectionId,
    org_ids: &[OrganisationId],
    source: &str,
    synthetic: bool,
) -> Result<HashMap<OrganisationId, ReturnId>> {
    let returns: Vec<CurrentReturn> = org_ids
        .iter()
        .map(|&organisation_id| CurrentReturn {
            organisation_id,
            version: 1,
            source,
            content_digest: "",
            synthetic,
        })
        .collect();
    insert_current_returns(tx, collection_id, &now_text(), &returns).await
}

/// An accepted return about to become its organisation's current one.
pub(crate) struct CurrentReturn<'a> {
    pub organisation_id: OrganisationId,
    pub version: i64,
    pub source: &'a str,
    pub content_digest: &'a str,
    pub synthetic: bool,
}

/// Inserts returns as their organisations' current ones (the previous current ones must
/// already be set aside) and reads back their ids, by organisation.
pub(crate) async fn insert_current_returns(
    tx: &mut Tx,
    collection_id: CollectionId,
    now: &str,
    returns: &[CurrentReturn<'_>],
) -> Result<HashMap<OrganisationId, ReturnId>> {
    let rows: Vec<Vec<Cell>> = returns
        .iter()
        .map(|r| {
            vec![
                Cell::from(collection_id),
                Cell::from(r.organisation_id),
                Cell::Int(Some(r.version)),
                Cell::Text(Some(ReturnStatus::Accepted.code())),
                Cell::Text(Some(r.source)),
                Cell::Text(Some(now)),
                Cell::Text(Some(r.content_digest)),
                Cell::Bool(Some(true)),
                Cell::Bool(Some(r.synthetic)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "workforce_return",
        &[
            "collection_id",
            "organisation_id",
            "version",
            "status",
            "source",
            "submitted_at",
            "content_digest",
            "is_current",
            "synthetic",
        ],
        &rows,
    )
    .await?;
    let mut out = HashMap::with_capacity(returns.len());
    for chunk in returns.chunks(500) {
        let ph: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT organisation_id, id FROM workforce_return WHERE collection_id = $1 AND is_current = TRUE AND organisation_id IN ({})", ph.join(", "));
        let found: Vec<(OrganisationId, ReturnId)> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(&sql).bind(collection_id);
            for r in chunk { q = q.bind(r.organisation_id); }
            q.fetch_all(&mut *c).await?
        });
        out.extend(found);
    }
    Ok(out)
}

const WORKER_COLUMNS: &[&str] = &[
    "return_id",
    "person_key",
    "role_code",
    "fte",
    "contract",
    "start_date",
    "leave_date",
    "leave_reason",
    "leave_destination",
    "birth_year",
    "sex",
    "ethnicity",
    "disability",
    "qual_level",
    "qualifications",
    "common_core",
    "induction",
    "caf_trained",
    "lead_professional",
    "budget_holding",
    "multi_agency",
    "vetting",
    "vetting_date",
    "safeguarding_training",
    "days_lost",
    "cases",
];

/// Inserts worker records, each with the id of the return it belongs to.
pub async fn insert_workers<W: std::borrow::Borrow<WorkerRecord>>(
    tx: &mut Tx,
    workers: &[(ReturnId, W)],
) -> Result<u64> {
    if let Tx::Sqlite(t) = tx {
        return insert_workers_sqlite(t, workers).await;
    }
    let quals: Vec<String> = workers
        .iter()
        .map(|(_, w)| w.borrow().qualifications.join(";"))
        .collect();
    let rows: Vec<Vec<Cell>> = workers
        .iter()
        .zip(&quals)
        .map(|((rid, w), q)| {
            let w: &WorkerRecord = w.borrow();
            vec![
                Cell::from(*rid),
                Cell::Text(Some(w.person.as_str())),
                Cell::Text(Some(w.role.as_str())),
                Cell::Real(w.fte.map(|f| f.get())),
                Cell::Text(Some(w.contract.code())),
                Cell::Date(w.start_date),
                Cell::Date(w.leaving.map(|l| l.date)),
                Cell::Text(w.leaving.map(|l| l.reason.code())),
                Cell::Text(w.leaving.map(|l| l.destination.code())),
                Cell::Int(w.birth_year.map(i64::from)),
                Cell::Text(Some(w.sex.code())),
                Cell::Text(Some(w.ethnicity.code())),
                Cell::Text(Some(w.disability.code())),
                Cell::Text(w.qual_level.map(|q| q.code())),
                Cell::Text(Some(q)),
                Cell::Bool(w.common_core),
                Cell::Bool(w.induction),
                Cell::Bool(w.integrated.caf_trained),
                Cell::Bool(w.integrated.lead_professional),
                Cell::Bool(w.integrated.budget_holding),
                Cell::Text(w.integrated.multi_agency.map(|m| m.code())),
                Cell::Text(Some(w.vetting.code())),
                Cell::Date(w.vetting_date),
                Cell::Date(w.safeguarding_training),
                Cell::Real(w.days_lost),
                Cell::Int(w.cases.map(i64::from)),
            ]
        })
        .collect();
    insert_rows(tx, "worker", WORKER_COLUMNS, &rows).await
}

/// SQLite: one prepared single-row INSERT stepped per worker, on the transaction's own
/// connection. Millions of rows arrive in a national import, and binding them one statement
/// at a time through SQLite's C interface costs a fraction of building multi-row statements.
async fn insert_workers_sqlite<W: std::borrow::Borrow<WorkerRecord>>(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    workers: &[(ReturnId, W)],
) -> Result<u64> {
    if workers.is_empty() {
        return Ok(0);
    }
    let mut handle = tx.lock_handle().await?;
    let conn = crate::sqlite_raw::borrow(&mut handle)?;
    insert_workers_on(&conn, workers)
}

/// Inserts workers on a SQLite connection already in a transaction (see `insert_workers_sqlite`).
pub(crate) fn insert_workers_on<W: std::borrow::Borrow<WorkerRecord>>(
    conn: &rusqlite::Connection,
    workers: &[(ReturnId, W)],
) -> Result<u64> {
    use crate::sqlite_raw::{Statement, Value};
    let placeholders = vec!["?"; WORKER_COLUMNS.len()].join(", ");
    let sql = format!(
        "INSERT INTO worker ({}) VALUES ({placeholders})",
        WORKER_COLUMNS.join(", ")
    );
    let mut stmt = Statement::prepare(conn, &sql)?;
    let mut dates = DateText::default();
    let mut quals = String::new();
    let flag = |b: Option<bool>| b.map_or(Value::Null, |b| Value::Int(i64::from(b)));
    for (rid, w) in workers {
        let w: &WorkerRecord = w.borrow();
        quals.clear();
        for (i, q) in w.qualifications.iter().enumerate() {
            if i > 0 {
                quals.push(';');
            }
            quals.push_str(q);
        }
        let [start, leave, vetting, safeguarding] = dates.set([
            w.start_date,
            w.leaving.map(|l| l.date),
            w.vetting_date,
            w.safeguarding_training,
        ]);
        stmt.execute(&[
            Value::Int(rid.0),
            Value::Text(w.person.as_str()),
            Value::Text(w.role.as_str()),
            w.fte.map_or(Value::Null, |f| Value::Real(f.get())),
            Value::Text(w.contract.code()),
            start.into(),
            leave.into(),
            w.leaving.map(|l| l.reason.code()).into(),
            w.leaving.map(|l| l.destination.code()).into(),
            w.birth_year
                .map_or(Value::Null, |y| Value::Int(i64::from(y))),
            Value::Text(w.sex.code()),
            Value::Text(w.ethnicity.code()),
            Value::Text(w.disability.code()),
            w.qual_level.map(|q| q.code()).into(),
            Value::Text(&quals),
            flag(w.common_core),
            flag(w.induction),
            flag(w.integrated.caf_trained),
            flag(w.integrated.lead_professional),
            flag(w.integrated.budget_holding),
            w.integrated.multi_agency.map(|m| m.code()).into(),
            Value::Text(w.vetting.code()),
            vetting.into(),
            safeguarding.into(),
            w.days_lost.map_or(Value::Null, Value::Real),
            w.cases.map_or(Value::Null, |c| Value::Int(i64::from(c))),
        ])?;
    }
    Ok(workers.len() as u64)
}

pub(crate) fn sqlite_error(e: rusqlite::Error) -> crate::StoreError {
    crate::StoreError::Sqlite(e.to_string())
}

/// Dates written as SQLite text (YYYY-MM-DD, as sqlx writes them) into reused buffers.
#[derive(Default)]
struct DateText {
    buf: [[u8; 10]; 4],
}

impl DateText {
    fn set(&mut self, dates: [Option<NaiveDate>; 4]) -> [Option<&str>; 4] {
        use chrono::Datelike;
        for (slot, d) in self.buf.iter_mut().zip(dates) {
            if let Some(d) = d {
                let (y, m, day) = (d.year().clamp(0, 9999) as u32, d.month(), d.day());
                *slot = [
                    b'0' + (y / 1000) as u8,
                    b'0' + (y / 100 % 10) as u8,
                    b'0' + (y / 10 % 10) as u8,
                    b'0' + (y % 10) as u8,
                    b'-',
                    b'0' + (m / 10) as u8,
                    b'0' + (m % 10) as u8,
                    b'-',
                    b'0' + (day / 10) as u8,
                    b'0' + (day % 10) as u8,
                ];
            }
        }
        let mut out = [None; 4];
        for (i, d) in dates.iter().enumerate() {
            if d.is_some() {
                out[i] = std::str::from_utf8(&self.buf[i]).ok();
            }
        }
        out
    }
}

/// Inserts vacancies on a SQLite connection already in a transaction.
pub(crate) fn insert_vacancies_on(
    conn: &rusqlite::Connection,
    vacancies: &[(ReturnId, &Vacancy)],
) -> Result<u64> {
    let mut stmt = conn
        .prepare("INSERT INTO vacancy (return_id, role_code, fte, agency_covered_fte, agency_fte, agency_headcount) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .map_err(sqlite_error)?;
    for (rid, v) in vacancies {
        stmt.execute(rusqlite::params![
            rid,
            v.role.as_str(),
            v.fte,
            v.agency_covered_fte,
            v.stated_agency.fte,
            v.stated_agency.headcount
        ])
        .map_err(sqlite_error)?;
    }
    Ok(vacancies.len() as u64)
}

/// Inserts vacancies, each with the id of its return.
pub async fn insert_vacancies(tx: &mut Tx, vacancies: &[(ReturnId, Vacancy)]) -> Result<u64> {
    let rows: Vec<Vec<Cell>> = vacancies
        .iter()
        .map(|(rid, v)| {
            vec![
                Cell::from(*rid),
                Cell::Text(Some(v.role.as_str())),
                Cell::Real(Some(v.fte)),
                Cell::Real(Some(v.agency_covered_fte)),
                Cell::Real(v.stated_agency.fte),
                Cell::Real(v.stated_agency.headcount),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "vacancy",
        &[
            "return_id",
            "role_code",
            "fte",
            "agency_covered_fte",
            "agency_fte",
            "agency_headcount",
        ],
        &rows,
    )
    .await
}

/// Removes all synthetic data (organisations, returns, workers, vacancies, runs).
pub async fn delete_synthetic(tx: &mut Tx) -> Result<()> {
    // Returns of synthetic organisations go too, even ones imported later from files.
    const SYNTHETIC_RETURNS: &str = "SELECT r.id FROM workforce_return r JOIN organisation o ON o.id = r.organisation_id WHERE r.synthetic = TRUE OR o.synthetic = TRUE";
    for sql in [
        format!("DELETE FROM worker WHERE return_id IN ({SYNTHETIC_RETURNS})"),
        format!("DELETE FROM vacancy WHERE return_id IN ({SYNTHETIC_RETURNS})"),
        format!("DELETE FROM return_query WHERE return_id IN ({SYNTHETIC_RETURNS})"),
        "DELETE FROM return_status WHERE organisation_id IN (SELECT id FROM organisation WHERE synthetic = TRUE)".into(),
        format!("DELETE FROM workforce_return WHERE id IN ({SYNTHETIC_RETURNS})"),
        "UPDATE app_user SET scope_org_id = NULL WHERE scope_org_id IN (SELECT id FROM organisation WHERE synthetic = TRUE)".into(),
        "UPDATE organisation SET parent_id = NULL WHERE synthetic = TRUE".into(),
        "DELETE FROM organisation WHERE synthetic = TRUE".into(),
        "DELETE FROM synthetic_run".into(),
    ] {
        on_tx!(tx, c => sqlx::query(&sql).execute(&mut *c).await?.rows_affected());
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SyntheticRun {
    pub seed: i64,
    pub scale: String,
    pub census_date: NaiveDate,
    pub organisations: i64,
    pub workers: i64,
    pub created_at: String,
}

pub async fn record_synthetic_run(tx: &mut Tx, run: &SyntheticRun) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO synthetic_run (seed, scale, census_date, organisations, workers, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(run.seed).bind(&run.scale).bind(run.census_date).bind(run.organisations).bind(run.workers).bind(&run.created_at)
        .execute(&mut *c).await?.rows_affected());
    Ok(())
}

/// The synthetic data set currently stored, if any.
pub async fn synthetic_run(db: &Db) -> Result<Option<SyntheticRun>> {
    on_pool!(db, p => Ok(sqlx::query_as("SELECT seed, scale, census_date, organisations, workers, created_at FROM synthetic_run ORDER BY id DESC LIMIT 1").fetch_optional(p).await?))
}

/// Headcount-style totals of stored records for an area at a census date, by a grouping.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GroupCount {
    pub group_code: String,
    pub posts: i64,
    pub fte: Option<f64>,
    pub synthetic: bool,
}

/// Posts and FTE in post by role group for an area at a census date (current returns only).
/// A first look at the stored workforce; the figures engine gives the defined measures.
pub async fn posts_by_role_group(
    db: &Db,
    area_id: AreaId,
    census: NaiveDate,
) -> Result<Vec<GroupCount>> {
    on_pool!(db, p => Ok(sqlx::query_as(
        "SELECT ro.role_group AS group_code, COUNT(*) AS posts, SUM(w.fte) AS fte, MAX(CASE WHEN r.synthetic THEN 1 ELSE 0 END) = 1 AS synthetic
         FROM worker w
         JOIN workforce_return r ON r.id = w.return_id AND r.is_current = TRUE
         JOIN collection c ON c.id = r.collection_id AND c.census_date = $2
         JOIN organisation o ON o.id = r.organisation_id AND o.area_id = $1
         JOIN role ro ON ro.code = w.role_code
         WHERE w.leave_date IS NULL OR w.leave_date > $2
         GROUP BY ro.role_group ORDER BY posts DESC")
        .bind(area_id).bind(census).fetch_all(p).await?))
}

/// Counts of stored rows, for summaries and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub organisations: i64,
    pub returns: i64,
    pub workers: i64,
    pub vacancies: i64,
}

pub async fn counts(db: &Db) -> Result<Counts> {
    let one = |t: &'static str| format!("SELECT COUNT(*) FROM {t}");
    on_pool!(db, p => Ok(Counts {
        organisations: sqlx::query_scalar(&one("organisation")).fetch_one(p).await?,
        returns: sqlx::query_scalar(&one("workforce_return")).fetch_one(p).await?,
        workers: sqlx::query_scalar(&one("worker")).fetch_one(p).await?,
        vacancies: sqlx::query_scalar(&one("vacancy")).fetch_one(p).await?,
    }))
}
