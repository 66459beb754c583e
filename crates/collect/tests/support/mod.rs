//! Shared set-up for the collection tests: a real database (SQLite, and PostgreSQL when
//! configured) with reference data, two registered organisations in Richmond (318) and the
//! 2024 and 2025 collections; and helpers that write real return files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use cws_collect::import::{self, Explanations, ImportOptions, ImportReport, Target};
use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_store::{geography, reference, returns, Db};

pub const WORKER_HEADER: &[&str] = &[
    "organisation_ref",
    "worker_ref",
    "role_code",
    "fte",
    "contract_type",
    "start_date",
    "leaving_date",
    "leaving_reason",
    "leaving_destination",
    "birth_year",
    "sex",
    "ethnicity",
    "disability",
    "highest_qualification_level",
    "qualifications",
    "common_core",
    "induction",
    "caf_trained",
    "lead_professional",
    "budget_holding",
    "multi_agency_team",
    "vetting_check",
    "vetting_date",
    "safeguarding_training_date",
    "working_days_lost",
    "cases_held",
];

/// A valid post: every rule passes on it.
pub fn base_row() -> Vec<(&'static str, String)> {
    [
        ("organisation_ref", "NURSERY-1"),
        ("worker_ref", "W1"),
        ("role_code", "EY-PRAC3"),
        ("fte", "0.8"),
        ("contract_type", "permanent"),
        ("start_date", "2020-01-06"),
        ("birth_year", "1990"),
        ("sex", "F"),
        ("ethnicity", "WBRI"),
        ("disability", "no"),
        ("highest_qualification_level", "3"),
        ("common_core", "yes"),
        ("induction", "yes"),
        ("vetting_check", "enhanced_barred"),
        ("vetting_date", "2020-01-01"),
        ("working_days_lost", "3"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

/// The base row with some values changed (an empty value clears the cell).
pub fn row(changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut r = base_row();
    for (k, v) in changes {
        match r.iter_mut().find(|(n, _)| n == k) {
            Some(cell) => cell.1 = v.to_string(),
            None => r.push((k, v.to_string())),
        }
    }
    r
}

pub fn csv_text(header: &[&str], rows: &[Vec<(&'static str, String)>], delimiter: char) -> String {
    let mut out = header.join(&delimiter.to_string());
    out.push('\n');
    for r in rows {
        let cells: Vec<String> = header
            .iter()
            .map(|h| {
                r.iter()
                    .find(|(n, _)| n == h)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        out.push_str(&cells.join(&delimiter.to_string()));
        out.push('\n');
    }
    out
}

pub struct Env {
    pub db: Db,
    pub dir: tempfile::TempDir,
    _keep: Option<tempfile::TempDir>,
    pub pseudo: Pseudonymiser,
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// One environment per backend under test.
pub async fn envs() -> Vec<Env> {
    let mut out = Vec::new();
    for (db, keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        let area = geography::area(&db, "318").await.unwrap().unwrap();
        let org = |r: &str, sector, service, setting| Organisation {
            reference: OrgRef::parse(r).unwrap(),
            name: format!("{r} test organisation"),
            sector,
            service,
            setting,
            disadvantaged_area: false,
            parent: None,
        };
        returns::upsert_organisations(
            &db,
            area.id,
            &[
                org(
                    "NURSERY-1",
                    Sector::Private,
                    Service::EarlyYears,
                    SettingType::FullDayCare,
                ),
                org(
                    "LA-CSC",
                    Sector::StatutoryLa,
                    Service::SocialCare,
                    SettingType::SocialWorkTeam,
                ),
                org(
                    "HOME-1",
                    Sector::Private,
                    Service::SocialCare,
                    SettingType::ResidentialHome,
                ),
            ],
        )
        .await
        .unwrap();
        for year in [2024, 2025] {
            returns::create_collection(&db, &Collection::default_for_year(year).unwrap())
                .await
                .unwrap();
        }
        out.push(Env {
            db,
            dir: tempfile::tempdir().unwrap(),
            _keep: keep,
            pseudo: Pseudonymiser::new(b"collect-tests"),
        });
    }
    out
}

pub fn options(dry_run: bool) -> ImportOptions {
    ImportOptions {
        submitted_by: None,
        draft: false,
        area: "318".into(),
        organisation: None,
        census: Some(d(2025, 9, 30)),
        dry_run,
        explanations: Explanations::default(),
        max_file_bytes: 10 * 1024 * 1024,
        today: d(2026, 11, 22),
    }
}

impl Env {
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub async fn import(&self, files: &[&Path], opts: &ImportOptions) -> ImportReport {
        let target = Target::load(&self.db, &opts.area, opts.census)
            .await
            .unwrap();
        let files: Vec<PathBuf> = files.iter().map(|p| p.to_path_buf()).collect();
        import::import_files(
            &self.db,
            &self.pseudo,
            &target,
            &files,
            Vec::new(),
            opts,
            &|_| {},
        )
        .await
        .unwrap()
    }

    /// Imports worker rows as a CSV (dry run) and returns the rule codes of the messages.
    pub async fn codes_for(&self, rows: &[Vec<(&'static str, String)>]) -> Vec<&'static str> {
        let f = self.write("workers.csv", csv_text(WORKER_HEADER, rows, ','));
        let r = self.import(&[&f], &options(true)).await;
        let mut codes: Vec<&'static str> = r.messages.iter().map(|m| m.rule).collect();
        codes.dedup();
        codes
    }
}
