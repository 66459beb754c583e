//! Uploading a return: the form, the check (a dry run) with its report, submitting with
//! explanations for the queries, and the report to download.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use axum::Form;
use cws_collect::import::{self, Explanations, ImportReport};
use cws_collect::rules;
use cws_store::returns;

use super::{area_and_collection, download, MessageRow};
use crate::access::Viewer;
use crate::uploads::{NotStaged, Owner, Staged};
use crate::{AppState, WebError};

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

pub async fn upload(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path(code): Path<String>,
    form: Multipart,
) -> Result<Response, WebError> {
    let owner = Owner::of(&state, viewer.as_ref(), &code).await?;
    let staged = match Staged::stage(&state, &owner, form, None).await? {
        Ok(staged) => staged,
        Err(NotStaged::NoFile) => {
            let page = upload_page(&state, &code, Some("Select a file to upload.".into())).await?;
            return Ok(page.into_response());
        }
        Err(NotStaged::Unreadable) => {
            let page = upload_page(
                &state,
                &code,
                Some("The file could not be received: it may be larger than 64 MB.".into()),
            )
            .await?;
            return Ok(page.into_response());
        }
        Err(NotStaged::TooMany) => {
            let page = upload_page(&state, &code, Some(too_many())).await?;
            return Ok(page.into_response());
        }
    };
    let report = staged
        .import(&state, &code, true, Explanations::default())
        .await?;
    Ok(report_page(&state, &code, &staged.token, report, false)
        .await?
        .into_response())
}

pub(crate) struct QueryRule {
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
    let error_count = report.counts.errors;
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
        *counts.entry(q.rule).or_default() += q.stands_for();
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

/// What a person with too many uploads waiting is told.
pub(crate) fn too_many() -> String {
    format!(
        "You have {} uploads waiting to be submitted. Submit or leave them (each is forgotten a day after it was made), then upload again.",
        crate::uploads::WAITING_PER_PERSON
    )
}

/// Submitting a checked upload: explanations come as `explain_<RULE>` fields.
pub async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
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
    let owner = Owner::of(&state, viewer.as_ref(), &code).await?;
    let report = Staged::open(&state, &token, &owner)?
        .import(&state, &code, false, explanations)
        .await?;
    let submitted = report.accepted;
    Ok(report_page(&state, &code, &token, report, submitted)
        .await?
        .into_response())
}

/// The last report of an upload as CSV or XLSX.
pub async fn report_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, token, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let owner = Owner::of(&state, viewer.as_ref(), &code).await?;
    let (bytes, content_type) = Staged::open(&state, &token, &owner)?.report(&file)?;
    Ok(download(
        bytes,
        content_type,
        &format!("cws-return-report.{}", &file[7..]),
    ))
}
