//! Collecting returns in the browser: the rule list, the area's return coverage, template
//! downloads, and uploading a return — checked first, then submitted with explanations for
//! any queries — with the report to read on the page or download.
//!
//! Who may use them is decided in `access::policy` (the area's lead; an employer for its own
//! organisation's form), and each use is in the audit log.

use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use cws_collect::import::{self, Explanations, ImportOptions, ImportReport, Target};
use cws_collect::report::{self, Message};
use cws_collect::{coverage, rules, template, xlsx};
use cws_store::{geography, returns};
use serde::Deserialize;

use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    attribution: &'static str,
    synthetic_banner: bool,
    rules: &'static [rules::Rule],
}

pub async fn rules_page() -> Result<Html<String>, WebError> {
    Ok(Html(
        RulesPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            rules: rules::ALL,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct CensusQuery {
    census: Option<chrono::NaiveDate>,
}

struct CoverageTable {
    dimension: &'static str,
    heading: String,
    groups: Vec<coverage::Group>,
}

/// A coverage row as shown: status in words.
struct MissingRow {
    reference: String,
    name: String,
    sector: String,
    setting: String,
    status: String,
}

#[derive(Template)]
#[template(path = "returns.html")]
struct ReturnsPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    area_name: String,
    census_date: String,
    due: String,
    closes: String,
    collections: Vec<String>,
    overall: Option<coverage::Group>,
    tables: Vec<CoverageTable>,
    missing: Vec<MissingRow>,
    returned: usize,
}

async fn area_and_collection(
    state: &AppState,
    code: &str,
    census: Option<chrono::NaiveDate>,
) -> Result<(geography::AreaRow, returns::CollectionRow), WebError> {
    let area = geography::area(&state.db, code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))?;
    let collection = returns::collection(&state.db, census)
        .await?
        .ok_or_else(|| WebError::NotFound("There is no collection for that census date. Create one with `cws collection create`.".into()))?;
    Ok((area, collection))
}

/// The area lead's view: who has returned, by sector, service and setting, and who has not.
pub async fn returns_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<CensusQuery>,
) -> Result<Html<String>, WebError> {
    let (area, c) = area_and_collection(&state, &code, q.census).await?;
    let rows = returns::coverage(&state.db, area.id, c.id).await?;
    let mut summary = coverage::summarise(&rows);
    let overall = summary.first_mut().and_then(|(_, g)| g.pop());
    let tables = summary
        .into_iter()
        .skip(1)
        .map(|(dimension, groups)| {
            let mut heading = dimension.to_string();
            heading[..1].make_ascii_uppercase();
            CoverageTable {
                dimension,
                heading,
                groups,
            }
        })
        .collect();
    let returned = rows.iter().filter(|r| r.status == "accepted").count();
    let missing = rows
        .into_iter()
        .filter(|r| r.status != "accepted")
        .map(|r| {
            let mut status = cws_domain::collection::ReturnStatus::parse(&r.status)
                .map(|s| s.label().to_string())
                .unwrap_or(r.status.clone());
            if let Some(e) = r.errors.filter(|e| *e > 0) {
                status.push_str(&format!(" ({e} errors)"));
            }
            MissingRow {
                sector: cws_domain::organisation::Sector::parse(&r.sector)
                    .map(|x| x.label().to_string())
                    .unwrap_or(r.sector.clone()),
                setting: cws_domain::organisation::SettingType::parse(&r.setting_type)
                    .map(|x| x.label().to_string())
                    .unwrap_or(r.setting_type.clone()),
                reference: r.reference,
                name: r.name,
                status,
            }
        })
        .collect();
    let page = ReturnsPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        area_code: area.code,
        area_name: area.name,
        census_date: c.census_date.format("%-d %B %Y").to_string(),
        due: c.due.format("%-d %B %Y").to_string(),
        closes: c.closes.format("%-d %B %Y").to_string(),
        collections: returns::collections(&state.db)
            .await?
            .into_iter()
            .map(|c| c.census_date.to_string())
            .collect(),
        overall,
        tables,
        missing,
        returned,
    };
    Ok(Html(page.render()?))
}

fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", safe_name(filename));
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The worker template, blank (`/templates/workers.xlsx` or `.csv`).
pub async fn blank_template(Path(file): Path<String>) -> Result<Response, WebError> {
    template_response(&file, None)
}

/// The worker template for one registered organisation.
pub async fn organisation_template(
    State(state): State<AppState>,
    Path((code, reference, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let area = geography::area(&state.db, &code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))?;
    let org = returns::organisations(&state.db, area.id)
        .await?
        .into_iter()
        .find(|o| o.reference.eq_ignore_ascii_case(&reference))
        .ok_or_else(|| {
            WebError::NotFound(format!(
                "'{reference}' is not an organisation registered in {}.",
                area.name
            ))
        })?;
    template_response(&file, Some((&org.reference, &org.name)))
}

fn template_response(file: &str, org: Option<(&str, &str)>) -> Result<Response, WebError> {
    let stem = org
        .map(|o| format!("{}-workforce-return", o.0))
        .unwrap_or_else(|| "cws-workforce-return".into());
    match file {
        "template.xlsx" | "workers.xlsx" => {
            let roles = cws_reference::roles()?;
            let bytes = xlsx::template(&roles, org)?;
            Ok(download(bytes, XLSX, &format!("{stem}.xlsx")))
        }
        "template.csv" | "workers.csv" => {
            let mut bytes = Vec::new();
            template::write_workers(&mut bytes, "", &[])?;
            Ok(download(
                bytes,
                "text/csv; charset=utf-8",
                &format!("{stem}.csv"),
            ))
        }
        _ => Err(WebError::NotFound(
            "Templates are available as template.xlsx and template.csv.".into(),
        )),
    }
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    area_name: String,
    census_date: String,
    organisations: Vec<(String, String)>,
    error: Option<String>,
}

pub async fn upload_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    upload_page(&state, &code, None).await
}

async fn upload_page(
    state: &AppState,
    code: &str,
    error: Option<String>,
) -> Result<Html<String>, WebError> {
    let (area, c) = area_and_collection(state, code, None).await?;
    let organisations = returns::organisations(&state.db, area.id)
        .await?
        .into_iter()
        .map(|o| (o.reference, o.name))
        .collect();
    let page = UploadPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        area_code: area.code,
        area_name: area.name,
        census_date: c.census_date.format("%-d %B %Y").to_string(),
        organisations,
        error,
    };
    Ok(Html(page.render()?))
}

/// Where an upload's files and reports are kept between checking and submitting.
pub(crate) fn upload_dir(token: &str) -> Result<PathBuf, WebError> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound(
            "That upload does not exist or has expired.".into(),
        ));
    }
    Ok(std::env::temp_dir().join("cws-uploads").join(token))
}

pub(crate) fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim_matches(['.', '_']).is_empty() {
        "upload".into()
    } else {
        cleaned
    }
}

/// The organisation chosen on the form, saved beside the files.
pub(crate) const ORG_FILE: &str = ".organisation";

/// A fresh random name for an upload's folder.
pub(crate) fn new_upload_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn upload(
    State(state): State<AppState>,
    Path(code): Path<String>,
    mut form: Multipart,
) -> Result<Response, WebError> {
    let token = new_upload_token();
    let dir = upload_dir(&token)?;
    std::fs::create_dir_all(&dir)?;
    let mut saved = 0;
    let mut organisation = String::new();
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("organisation") => {
                organisation = field.text().await.unwrap_or_default().trim().to_string()
            }
            Some("files") => {
                let Some(name) = field.file_name().map(safe_name) else {
                    continue;
                };
                let Ok(bytes) = field.bytes().await else {
                    return Ok(upload_page(
                        &state,
                        &code,
                        Some("The file could not be received: it may be larger than 64 MB.".into()),
                    )
                    .await?
                    .into_response());
                };
                if bytes.is_empty() && name == "upload" {
                    continue;
                }
                std::fs::write(dir.join(&name), &bytes)?;
                saved += 1;
            }
            _ => {}
        }
    }
    if saved == 0 {
        let _ = std::fs::remove_dir_all(&dir);
        return Ok(
            upload_page(&state, &code, Some("Select a file to upload.".into()))
                .await?
                .into_response(),
        );
    }
    std::fs::write(dir.join(ORG_FILE), &organisation)?;
    let report = run_import(&state, &code, &token, true, Explanations::default()).await?;
    Ok(report_page(&state, &code, &token, report, false)
        .await?
        .into_response())
}

pub(crate) async fn run_import(
    state: &AppState,
    code: &str,
    token: &str,
    dry_run: bool,
    explanations: Explanations,
) -> Result<ImportReport, WebError> {
    let dir = upload_dir(token)?;
    let organisation = std::fs::read_to_string(dir.join(ORG_FILE))
        .ok()
        .filter(|s| !s.is_empty());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|_| WebError::NotFound("That upload does not exist or has expired.".into()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
                && p.extension().is_some_and(|x| x != "report")
        })
        .collect();
    files.sort();
    let target = Target::load(&state.db, code, None).await?;
    let opts = ImportOptions {
        area: code.to_string(),
        organisation,
        census: Some(target.collection.census_date),
        dry_run,
        explanations,
        max_file_bytes: 64 * 1024 * 1024,
        today: chrono::Local::now().date_naive(),
    };
    let report = import::import_files(
        &state.db,
        &state.pseudo,
        &target,
        &files,
        Vec::new(),
        &opts,
        &|_| {},
    )
    .await?;
    save_report(&dir, &report.messages)?;
    Ok(report)
}

fn save_report(dir: &FsPath, messages: &[Message]) -> Result<(), WebError> {
    let mut csv = Vec::new();
    report::write_csv(&mut csv, messages)?;
    std::fs::write(dir.join("messages.csv.report"), csv)?;
    let x = xlsx::report(messages)?;
    std::fs::write(dir.join("messages.xlsx.report"), x)?;
    Ok(())
}

/// A message as shown in a table.
struct MessageRow {
    file: String,
    row: String,
    column: String,
    value: String,
    text: String,
    fix: &'static str,
    rule: &'static str,
}

impl From<&Message> for MessageRow {
    fn from(m: &Message) -> Self {
        MessageRow {
            file: m.file.clone(),
            row: m.row.map(|r| r.to_string()).unwrap_or_default(),
            column: m.column.clone().unwrap_or_default(),
            value: m.value.clone().unwrap_or_default(),
            text: m.text.clone(),
            fix: m.fix,
            rule: m.rule,
        }
    }
}

struct QueryRule {
    code: &'static str,
    checks: &'static str,
    count: usize,
}

#[derive(Template)]
#[template(path = "upload_report.html")]
struct ReportPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    token: String,
    submitted: bool,
    report: ImportReport,
    /// Organisation name (or reference) per return, in report order.
    names: Vec<String>,
    errors: Vec<MessageRow>,
    queries: Vec<MessageRow>,
    notices: Vec<MessageRow>,
    error_count: usize,
    query_rules: Vec<QueryRule>,
    can_submit: bool,
}

async fn report_page(
    state: &AppState,
    code: &str,
    token: &str,
    report: ImportReport,
    submitted: bool,
) -> Result<Html<String>, WebError> {
    // Tables show the first 500 of each kind; the download has them all.
    let by = |s: rules::Severity| {
        report
            .messages
            .iter()
            .filter(|m| m.severity == s)
            .take(500)
            .map(MessageRow::from)
            .collect::<Vec<_>>()
    };
    let (errors, queries, notices) = (
        by(rules::Severity::Error),
        by(rules::Severity::Query),
        by(rules::Severity::Notice),
    );
    let error_count = report
        .messages
        .iter()
        .filter(|m| m.severity == rules::Severity::Error)
        .count();
    let names = report
        .returns
        .iter()
        .map(|r| {
            r.organisation_name
                .clone()
                .unwrap_or(r.organisation.clone())
        })
        .collect();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for q in report
        .messages
        .iter()
        .filter(|m| m.severity == rules::Severity::Query)
    {
        *counts.entry(q.rule).or_default() += 1;
    }
    let query_rules = counts
        .into_iter()
        .map(|(code, count)| QueryRule {
            code,
            checks: rules::by_code(code).map(|r| r.checks).unwrap_or(""),
            count,
        })
        .collect();
    let can_submit = !submitted
        && error_count == 0
        && report
            .returns
            .iter()
            .any(|r| r.outcome != import::Outcome::Unchanged);
    let page = ReportPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        area_code: code.to_string(),
        token: token.to_string(),
        submitted,
        names,
        errors,
        queries,
        notices,
        error_count,
        query_rules,
        can_submit,
        report,
    };
    Ok(Html(page.render()?))
}

/// Submitting a checked upload: explanations come as `explain_<RULE>` fields.
pub async fn submit(
    State(state): State<AppState>,
    Path((code, token)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut explanations = Explanations::default();
    for (k, v) in form {
        if let Some(rule) = k.strip_prefix("explain_") {
            if !v.trim().is_empty() {
                explanations
                    .by_rule
                    .insert(rule.to_ascii_uppercase(), v.trim().to_string());
            }
        }
    }
    let report = run_import(&state, &code, &token, false, explanations).await?;
    let submitted = report.accepted;
    if submitted {
        crate::figures::refresh(&state).await;
    }
    Ok(report_page(&state, &code, &token, report, submitted)
        .await?
        .into_response())
}

/// The last report of an upload as CSV or XLSX.
pub async fn report_download(
    Path((_code, token, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let dir = upload_dir(&token)?;
    let (stored, content_type) = match file.as_str() {
        "report.csv" => ("messages.csv.report", "text/csv; charset=utf-8"),
        "report.xlsx" => ("messages.xlsx.report", XLSX),
        _ => {
            return Err(WebError::NotFound(
                "Reports are available as report.csv and report.xlsx.".into(),
            ))
        }
    };
    let bytes = std::fs::read(dir.join(stored))
        .map_err(|_| WebError::NotFound("That upload does not exist or has expired.".into()))?;
    Ok(download(
        bytes,
        content_type,
        &format!("cws-return-report.{}", &file[7..]),
    ))
}

/// A field of the worker form.
struct FormField {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    required: bool,
    value: String,
    /// (code, meaning) when the column has a code list.
    options: Vec<(String, String)>,
    kind: &'static str,
    error: Option<String>,
}

struct HeldPost {
    person: String,
    short: String,
    role: String,
    role_title: String,
    contract: String,
    fte: String,
    start: String,
    left: String,
}

#[derive(Template)]
#[template(path = "workers.html")]
struct WorkersPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    area_name: String,
    reference: String,
    organisation: String,
    census_date: String,
    posts: Vec<HeldPost>,
    fields: Vec<FormField>,
    editing: Option<(String, String)>,
    errors: Vec<(String, String)>,
    queries: Vec<MessageRow>,
    explanation: String,
    saved: Option<String>,
}

#[derive(Deserialize)]
pub struct EditQuery {
    edit: Option<String>,
    saved: Option<String>,
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The form's values for an existing post, as template cells.
fn cells_of(w: &cws_domain::worker::WorkerRecord) -> BTreeMap<String, String> {
    let mut c = BTreeMap::new();
    let mut set = |k: &str, v: String| {
        c.insert(k.to_string(), v);
    };
    set("role_code", w.role.to_string());
    set(
        "fte",
        w.fte.map(|f| f.get().to_string()).unwrap_or_default(),
    );
    set("contract_type", w.contract.code().into());
    set("start_date", date(w.start_date));
    set("leaving_date", date(w.leaving.map(|l| l.date)));
    set(
        "leaving_reason",
        w.leaving
            .map(|l| l.reason.code().to_string())
            .unwrap_or_default(),
    );
    set(
        "leaving_destination",
        w.leaving
            .map(|l| l.destination.code().to_string())
            .unwrap_or_default(),
    );
    set(
        "birth_year",
        w.birth_year.map(|y| y.to_string()).unwrap_or_default(),
    );
    set("sex", w.sex.code().into());
    set("ethnicity", w.ethnicity.code().into());
    set("disability", w.disability.code().into());
    set(
        "highest_qualification_level",
        w.qual_level
            .map(|q| q.code().to_string())
            .unwrap_or_default(),
    );
    set("qualifications", w.qualifications.join(";"));
    set("common_core", yes_no(w.common_core));
    set("induction", yes_no(w.induction));
    set("caf_trained", yes_no(w.integrated.caf_trained));
    set("lead_professional", yes_no(w.integrated.lead_professional));
    set("budget_holding", yes_no(w.integrated.budget_holding));
    set(
        "multi_agency_team",
        w.integrated
            .multi_agency
            .map(|m| m.code().to_string())
            .unwrap_or_default(),
    );
    set("vetting_check", w.vetting.code().into());
    set("vetting_date", date(w.vetting_date));
    set("safeguarding_training_date", date(w.safeguarding_training));
    set(
        "working_days_lost",
        w.days_lost.map(|d| d.to_string()).unwrap_or_default(),
    );
    set(
        "cases_held",
        w.cases.map(|d| d.to_string()).unwrap_or_default(),
    );
    c
}

fn form_fields(
    values: &BTreeMap<String, String>,
    errors: &[Message],
    adding: bool,
) -> Result<Vec<FormField>, WebError> {
    let roles = cws_reference::roles()?;
    Ok(template::WORKER_COLUMNS
        .iter()
        .filter(|c| c.name != "organisation_ref" && (adding || c.name != "worker_ref"))
        .map(|c| {
            let options = xlsx::code_list(c.name, &roles)
                .map(|codes| {
                    codes
                        .into_iter()
                        .map(|code| (code.clone(), xlsx::code_label(c.name, &code, &roles)))
                        .collect()
                })
                .unwrap_or_default();
            let kind = if c.name.ends_with("_date") {
                "date"
            } else {
                "text"
            };
            FormField {
                name: c.name,
                label: c.name,
                hint: c.guidance,
                required: c.required,
                value: values.get(c.name).cloned().unwrap_or_default(),
                options,
                kind,
                error: errors
                    .iter()
                    .find(|m| m.column.as_deref() == Some(c.name))
                    .map(|m| m.text.clone()),
            }
        })
        .collect())
}

/// What the worker form shows besides the held posts.
#[derive(Default)]
struct FormState<'a> {
    values: BTreeMap<String, String>,
    editing: Option<(String, String)>,
    report: Option<&'a ImportReport>,
    saved: Option<String>,
    explanation: String,
}

async fn workers_page(
    state: &AppState,
    code: &str,
    reference: &str,
    form: FormState<'_>,
) -> Result<Html<String>, WebError> {
    let (area, c) = area_and_collection(state, code, None).await?;
    let org = returns::organisations(&state.db, area.id)
        .await?
        .into_iter()
        .find(|o| o.reference.eq_ignore_ascii_case(reference))
        .ok_or_else(|| {
            WebError::NotFound(format!(
                "'{reference}' is not an organisation registered in {}.",
                area.name
            ))
        })?;
    let roles = cws_reference::roles()?;
    let mut posts = Vec::new();
    if let Some(cur) = returns::current_return(&state.db, c.id, org.id).await? {
        for w in returns::return_workers(&state.db, cur.id).await? {
            posts.push(HeldPost {
                person: w.person.as_str().to_string(),
                short: w.person.as_str()[..8].to_string(),
                role: w.role.to_string(),
                role_title: roles
                    .iter()
                    .find(|r| r.code == w.role)
                    .map(|r| r.title.clone())
                    .unwrap_or_default(),
                contract: w.contract.label().into(),
                fte: w
                    .fte
                    .map(|f| format!("{:.2}", f.get()))
                    .unwrap_or_else(|| "not given".into()),
                start: date(w.start_date),
                left: date(w.leaving.map(|l| l.date)),
            });
        }
    }
    let FormState {
        values,
        editing,
        report,
        saved,
        explanation,
    } = form;
    let form_messages: Vec<Message> = report
        .map(|r| {
            r.messages
                .iter()
                .filter(|m| m.file == "web form" || m.row.is_none())
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let errors: Vec<Message> = report
        .map(|r| {
            r.messages
                .iter()
                .filter(|m| m.severity == rules::Severity::Error)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let queries = report
        .map(|r| {
            r.messages
                .iter()
                .filter(|m| m.severity == rules::Severity::Query)
                .map(MessageRow::from)
                .collect()
        })
        .unwrap_or_default();
    let fields = form_fields(&values, &form_messages, editing.is_none())?;
    let page = WorkersPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        area_code: area.code,
        area_name: area.name,
        reference: org.reference,
        organisation: org.name,
        census_date: c.census_date.format("%-d %B %Y").to_string(),
        posts,
        fields,
        editing,
        errors: errors
            .iter()
            .map(|m| (m.column.clone().unwrap_or_default(), m.text.clone()))
            .collect(),
        queries,
        explanation,
        saved,
    };
    Ok(Html(page.render()?))
}

/// A small employer's own return, post by post: the held posts and a form to add or edit one.
pub async fn workers_form(
    State(state): State<AppState>,
    Path((code, reference)): Path<(String, String)>,
    Query(q): Query<EditQuery>,
) -> Result<Html<String>, WebError> {
    let mut values = BTreeMap::new();
    let mut editing = None;
    if let Some((person, role)) = q.edit.as_deref().and_then(|e| e.split_once(':')) {
        let (area, c) = area_and_collection(&state, &code, None).await?;
        let org = returns::organisations(&state.db, area.id)
            .await?
            .into_iter()
            .find(|o| o.reference.eq_ignore_ascii_case(&reference));
        if let Some(org) = org {
            if let Some(cur) = returns::current_return(&state.db, c.id, org.id).await? {
                if let Some(w) = returns::return_workers(&state.db, cur.id)
                    .await?
                    .into_iter()
                    .find(|w| w.person.as_str() == person && w.role.as_str() == role)
                {
                    values = cells_of(&w);
                    editing = Some((person.to_string(), role.to_string()));
                }
            }
        }
        if editing.is_none() {
            return Err(WebError::NotFound(
                "That post is not in the current return.".into(),
            ));
        }
    }
    let form = FormState {
        values,
        editing,
        saved: q.saved,
        ..Default::default()
    };
    workers_page(&state, &code, &reference, form).await
}

pub async fn workers_submit(
    State(state): State<AppState>,
    Path((code, reference)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values: BTreeMap<String, String> = form
        .iter()
        .filter(|(k, _)| !k.starts_with('_') && k != "csrf")
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    let field = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let editing = field("_person").zip(field("_role"));
    let person =
        match &editing {
            Some((p, _)) => Some(cws_domain::worker::PersonKey::from_hex(p).map_err(|_| {
                WebError::NotFound("That post is not in the current return.".into())
            })?),
            None => None,
        };
    let explanation = field("_explanation").unwrap_or_default();
    let target = Target::load(&state.db, &code, None).await?;
    let opts = ImportOptions {
        area: code.clone(),
        organisation: Some(reference.clone()),
        census: Some(target.collection.census_date),
        dry_run: false,
        explanations: Explanations {
            all: Some(explanation.clone()).filter(|e| !e.is_empty()),
            ..Default::default()
        },
        max_file_bytes: 1024 * 1024,
        today: chrono::Local::now().date_naive(),
    };
    let post = import::FormPost {
        cells: values.clone().into_iter().collect(),
        person,
        replaces_role: editing.as_ref().map(|e| e.1.clone()),
    };
    let report =
        import::submit_form_post(&state.db, &state.pseudo, &target, &reference, post, &opts)
            .await?;
    if report.accepted {
        crate::figures::refresh(&state).await;
        let note = report
            .returns
            .first()
            .and_then(|r| r.version)
            .map(|v| format!("Saved as version {v} of the return."))
            .unwrap_or_else(|| "Nothing changed.".into());
        let to = format!(
            "/areas/{code}/organisations/{reference}/workers?saved={}",
            note.replace(' ', "+")
        );
        return Ok(axum::response::Redirect::to(&to).into_response());
    }
    let form = FormState {
        values,
        editing,
        report: Some(&report),
        saved: None,
        explanation,
    };
    Ok(workers_page(&state, &code, &reference, form)
        .await?
        .into_response())
}

#[derive(Template)]
#[template(path = "delete_org.html")]
struct DeleteOrgPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    area_name: String,
    reference: String,
    name: String,
    done: bool,
    returns: u64,
}

async fn org_of(
    state: &AppState,
    code: &str,
    reference: &str,
) -> Result<(geography::AreaRow, returns::OrganisationRow), WebError> {
    let area = geography::area(&state.db, code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'.")))?;
    let org = returns::organisation(&state.db, area.id, reference)
        .await?
        .ok_or_else(|| {
            WebError::NotFound(format!("{} has no organisation '{reference}'.", area.name))
        })?;
    Ok((area, org))
}

/// Asks the area's lead to confirm deleting an organisation's data.
pub async fn delete_org_form(
    State(state): State<AppState>,
    Path((code, reference)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let (area, org) = org_of(&state, &code, &reference).await?;
    Ok(Html(
        DeleteOrgPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            area_code: area.code,
            area_name: area.name,
            reference: org.reference,
            name: org.name,
            done: false,
            returns: 0,
        }
        .render()?,
    ))
}

/// Deletes everything an organisation has returned (SPEC §11); the route is audited.
pub async fn delete_org(
    State(state): State<AppState>,
    Path((code, reference)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let (area, org) = org_of(&state, &code, &reference).await?;
    let n = returns::delete_organisation_data(&state.db, org.id).await?;
    crate::figures::refresh(&state).await;
    tracing::info!(
        organisation = org.id,
        returns = n,
        "organisation data deleted"
    );
    Ok(Html(
        DeleteOrgPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            area_code: area.code,
            area_name: area.name,
            reference: org.reference,
            name: org.name,
            done: true,
            returns: n,
        }
        .render()?,
    ))
}
