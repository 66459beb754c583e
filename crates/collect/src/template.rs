//! The cws worker-return template: one row per post, columns matched by header name.
//!
//! This module defines the columns (name, whether required, the code list or format, and
//! guidance) and writes rows in the template's CSV form. The same definitions drive the
//! importers and the downloadable template.

use std::io::Write;

use chrono::NaiveDate;
use cws_domain::collection::Vacancy;
use cws_domain::worker::*;

/// One column of the worker template.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// Codes allowed, or the format, in words.
    pub format: &'static str,
    pub guidance: &'static str,
}

const fn col(
    name: &'static str,
    required: bool,
    format: &'static str,
    guidance: &'static str,
) -> Column {
    Column {
        name,
        required,
        format,
        guidance,
    }
}

/// A worker column as a form asks for it, in plain words (the template keeps its header).
pub fn plain_label(column: &str) -> &'static str {
    match column {
        "organisation_ref" => "Organisation reference",
        "worker_ref" => "Staff or payroll number",
        "role_code" => "Role",
        "fte" => "Hours as a proportion of full time (FTE)",
        "contract_type" => "How the person is engaged",
        "start_date" => "Date they started in this role",
        "leaving_date" => "Date they left, if they left in the year",
        "leaving_reason" => "Why they left",
        "leaving_destination" => "Where they went",
        "birth_year" => "Year of birth",
        "sex" => "Sex",
        "ethnicity" => "Ethnic group",
        "disability" => "Do they consider themselves disabled?",
        "highest_qualification_level" => "Highest qualification level",
        "qualifications" => "Qualifications held",
        "common_core" => "Trained in the Common Core of Skills and Knowledge?",
        "induction" => "Completed induction for the role?",
        "caf_trained" => "Trained in the common assessment framework?",
        "lead_professional" => "Acts as lead professional for a child?",
        "budget_holding" => "Holds a budget as lead professional?",
        "multi_agency_team" => "Works in a multi-agency team?",
        "vetting_check" => "Most recent vetting check",
        "vetting_date" => "Date of that check",
        "safeguarding_training_date" => "Date of the last safeguarding training",
        "working_days_lost" => "Working days lost to sickness in the year",
        "cases_held" => "Cases held at the census date",
        _ => "Value",
    }
}

/// The worker template's columns, in the order the template is written.
pub const WORKER_COLUMNS: &[Column] = &[
    col("organisation_ref", true, "text, up to 64 characters", "Your organisation's reference, as on the collection's organisation list."),
    col("worker_ref", true, "text", "Your own reference for the person (payroll or staff number). It is pseudonymised when received and never stored as given. Use the same reference for each post the person holds."),
    col("role_code", true, "role catalogue code, e.g. SC-SW", "The role of this post, from the cws role catalogue."),
    col("fte", false, "number more than 0 and at most 1", "Contracted full-time equivalent of this post. Leave blank if not known."),
    col("contract_type", true, "permanent, fixed_term, bank, agency, self_employed, volunteer, foster_carer", "How the person is engaged in this post."),
    col("start_date", false, "date YYYY-MM-DD", "Date the person started in this role."),
    col("leaving_date", false, "date YYYY-MM-DD", "Date the person left this post during the year, if they did."),
    col("leaving_reason", false, "1-10 (census list)", "Required with a leaving date."),
    col("leaving_destination", false, "1-9 (census list)", "Required with a leaving date."),
    col("birth_year", false, "year YYYY", "Year of birth."),
    col("sex", true, "F, M, O, U", "Sex as recorded by the employer; U if not known."),
    col("ethnicity", true, "WBRI, WIRI, WOTH, MWBC, MWBA, MWAS, MOTH, AIND, APKN, ABAN, AOTH, BCRB, BAFR, BOTH, CHNE, OOTH, REFU, NOBT", "Ethnicity code of the census return; REFU if refused, NOBT if not obtained."),
    col("disability", true, "yes, no, not_disclosed, unknown", "Whether the person considers themselves disabled."),
    col("highest_qualification_level", false, "none, entry, 1-8", "Highest qualification level held (6 = degree, QTS, EYPS)."),
    col("qualifications", false, "catalogue codes separated by ;", "Qualifications held, e.g. QTS;NPQH."),
    col("common_core", false, "yes/no; blank: not known", "Has completed training in the Common Core of Skills and Knowledge."),
    col("induction", false, "yes/no; blank: not known", "Has completed induction for the role."),
    col("caf_trained", false, "yes/no; blank: not known", "Trained in the common assessment framework."),
    col("lead_professional", false, "yes/no; blank: not known", "Acts as lead professional for any child."),
    col("budget_holding", false, "yes/no; blank: not known", "Holds a budget as lead professional."),
    col("multi_agency_team", false, "no, co_located, virtual", "Works in a multi-agency team, and how."),
    col("vetting_check", true, "enhanced_barred, enhanced, standard, update_service, none", "Type of the most recent vetting check."),
    col("vetting_date", false, "date YYYY-MM-DD", "Date of the most recent vetting check."),
    col("safeguarding_training_date", false, "date YYYY-MM-DD", "Date safeguarding training was last completed."),
    col("working_days_lost", false, "number of days", "Working days lost to sickness in the year."),
    col("cases_held", false, "whole number", "Cases held at the census date (case-holding roles)."),
];

/// The vacancy file's columns.
pub const VACANCY_COLUMNS: &[Column] = &[
    col(
        "organisation_ref",
        true,
        "text",
        "Your organisation's reference.",
    ),
    col(
        "role_code",
        true,
        "role catalogue code",
        "The role of the vacant post.",
    ),
    col(
        "vacancy_fte",
        true,
        "number more than 0",
        "FTE of the vacancy at the census date.",
    ),
    col(
        "agency_covered_fte",
        true,
        "number, at most vacancy_fte",
        "Part of the vacancy covered by agency staff.",
    ),
];

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A yes/no answer as written in a template: blank where it is not known.
fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{}", (x * 1000.0).round() / 1000.0))
        .unwrap_or_default()
}

/// The template row for one post. `worker_ref` is the employer's own reference.
pub fn worker_row(org_ref: &str, worker_ref: &str, w: &WorkerRecord) -> Vec<String> {
    vec![
        org_ref.to_string(),
        worker_ref.to_string(),
        w.role.to_string(),
        num(w.fte.map(Fte::get)),
        w.contract.code().to_string(),
        date(w.start_date),
        date(w.leaving.map(|l| l.date)),
        w.leaving
            .map(|l| l.reason.code().to_string())
            .unwrap_or_default(),
        w.leaving
            .map(|l| l.destination.code().to_string())
            .unwrap_or_default(),
        w.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        w.sex.code().to_string(),
        w.ethnicity.code().to_string(),
        w.disability.code().to_string(),
        w.qual_level
            .map(|q| q.code().to_string())
            .unwrap_or_default(),
        w.qualifications.join(";"),
        yes_no(w.common_core).to_string(),
        yes_no(w.induction).to_string(),
        yes_no(w.integrated.caf_trained).to_string(),
        yes_no(w.integrated.lead_professional).to_string(),
        yes_no(w.integrated.budget_holding).to_string(),
        w.integrated
            .multi_agency
            .map(|m| m.code().to_string())
            .unwrap_or_default(),
        w.vetting.code().to_string(),
        date(w.vetting_date),
        date(w.safeguarding_training),
        num(w.days_lost),
        w.cases.map(|c| c.to_string()).unwrap_or_default(),
    ]
}

/// A post's cells by column name, without the two references (the worker form shows these:
/// the organisation is the form's own and the worker's reference is never known again).
pub fn worker_cells(w: &WorkerRecord) -> std::collections::BTreeMap<String, String> {
    WORKER_COLUMNS
        .iter()
        .zip(worker_row("", "", w))
        .skip(2)
        .map(|(c, v)| (c.name.to_string(), v))
        .collect()
}

/// Writes a worker template CSV (header, then one row per post).
pub fn write_workers<W: Write>(
    out: W,
    org_ref: &str,
    workers: &[(String, WorkerRecord)],
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(WORKER_COLUMNS.iter().map(|c| c.name))?;
    for (worker_ref, record) in workers {
        w.write_record(worker_row(org_ref, worker_ref, record))?;
    }
    w.flush()?;
    Ok(())
}

/// One vacancy as a row of the vacancy columns.
pub fn vacancy_row(org_ref: &str, v: &Vacancy) -> Vec<String> {
    vec![
        org_ref.to_string(),
        v.role.to_string(),
        num(Some(v.fte)),
        num(Some(v.agency_covered_fte)),
    ]
}

/// Writes vacancy rows (header first) for several organisations.
pub fn write_vacancies<W: Write>(out: W, vacancies: &[(String, Vacancy)]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(VACANCY_COLUMNS.iter().map(|c| c.name))?;
    for (org, v) in vacancies {
        w.write_record(vacancy_row(org, v))?;
    }
    w.flush()?;
    Ok(())
}

/// How a template filled in by cws names a post it already holds: `cws:` and the person's
/// pseudonymous key. Read back, it is that person again (cws never had the employer's own
/// reference to give back).
pub const HELD_PREFIX: &str = "cws:";

/// The worker reference a pre-filled template gives a person cws holds.
pub fn held_reference(person: &PersonKey) -> String {
    format!("{HELD_PREFIX}{}", person.as_str())
}

/// The person a `cws:` worker reference names, if it is one.
pub fn held_person(worker_ref: &str) -> Option<PersonKey> {
    PersonKey::from_hex(worker_ref.trim().strip_prefix(HELD_PREFIX)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worker_column_has_a_plain_label() {
        for c in WORKER_COLUMNS {
            assert_ne!(plain_label(c.name), "Value", "{}", c.name);
        }
    }

    #[test]
    fn a_held_reference_names_the_same_person_again_and_nothing_else_does() {
        let key = PersonKey::from_hex(&"ab".repeat(32)).unwrap();
        let r = held_reference(&key);
        assert_eq!(r, format!("cws:{}", "ab".repeat(32)));
        assert_eq!(held_person(&format!(" {r} ")), Some(key));
        for other in [
            "STAFF-9",
            "cws:",
            "cws:abc",
            &"ab".repeat(32),
            &format!("cws:{}", "zz".repeat(32)),
        ] {
            assert_eq!(held_person(other), None, "{other}");
        }
    }
    use cws_domain::role::RoleCode;

    #[test]
    fn rows_match_the_header_and_round_codes() {
        let w = WorkerRecord {
            person: PersonKey::from_hex(&"b".repeat(64)).unwrap(),
            role: RoleCode::parse("EY-PRAC3").unwrap(),
            fte: Fte::new(0.6).ok(),
            contract: ContractType::Permanent,
            start_date: NaiveDate::from_ymd_opt(2021, 9, 1),
            leaving: None,
            birth_year: Some(1995),
            sex: Sex::Female,
            ethnicity: Ethnicity::Aind,
            disability: Disability::NotDisclosed,
            qual_level: Some(QualLevel::L3),
            qualifications: vec!["L3CYPW".into()],
            common_core: Some(true),
            induction: Some(true),
            integrated: IntegratedWorking::default(),
            vetting: VettingType::EnhancedBarred,
            vetting_date: NaiveDate::from_ymd_opt(2021, 8, 1),
            safeguarding_training: None,
            days_lost: Some(2.0),
            cases: None,
        };
        let mut buf = Vec::new();
        write_workers(&mut buf, "NUR1", &[("S001".into(), w)]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let mut lines = text.lines();
        let header: Vec<_> = lines.next().unwrap().split(',').collect();
        let row: Vec<_> = lines.next().unwrap().split(',').collect();
        assert_eq!(header.len(), WORKER_COLUMNS.len());
        assert_eq!(row.len(), header.len());
        assert_eq!(row[2], "EY-PRAC3");
        assert_eq!(row[3], "0.6");
        assert_eq!(row[5], "2021-09-01");
        assert!(
            !text.contains(&"b".repeat(64)),
            "the pseudonymous key is never written out"
        );
    }
}
