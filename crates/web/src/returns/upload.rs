//! Uploading a return: the form, the check (a dry run) with its report, submitting with
//! explanations for the queries, and the report to download.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
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

/// Whose upload pages these are: the area lead's (any organisation of the area, from the
/// area's returns page) or an employer's (its own organisation only, from its return page).
#[derive(Debug, Clone)]
pub(crate) struct UploadFor {
    pub area_code: String,
    pub area_name: String,
    /// The organisation every row is for, when an employer uploads: (reference, name).
    pub organisation: Option<(String, String)>,
}

impl UploadFor {
    /// The lead's upload pages for the area `code`.
    pub async fn area(state: &AppState, code: &str) -> Result<UploadFor, WebError> {
        let (area, _) = area_and_collection(state, code, None).await?;
        Ok(UploadFor {
            area_code: area.code,
            area_name: area.name,
            organisation: None,
        })
    }

    /// An organisation's own upload pages.
    pub async fn organisation(
        state: &AppState,
        code: &str,
        reference: &str,
    ) -> Result<UploadFor, WebError> {
        let (area, _) = area_and_collection(state, code, None).await?;
        let org = returns::organisation(&state.db, area.id, reference)
            .await?
            .ok_or_else(|| {
                WebError::NotFound(format!(
                    "'{reference}' is not an organisation registered in {}.",
                    area.name
                ))
            })?;
        Ok(UploadFor {
            area_code: area.code,
            area_name: area.name,
            organisation: Some((org.reference, org.name)),
        })
    }

    /// Where the upload form posts and its uploads live.
    fn base(&self) -> String {
        match &self.organisation {
            Some((reference, _)) => format!("/areas/{}/organisations/{reference}", self.area_code),
            None => format!("/areas/{}/returns", self.area_code),
        }
    }

    /// The page these pages come from, and its name.
    fn back(&self) -> (String, &'static str) {
        match &self.organisation {
            Some((reference, _)) => (
                format!("/areas/{}/organisations/{reference}/return", self.area_code),
                "Your return",
            ),
            None => (format!("/areas/{}/returns", self.area_code), "Returns"),
        }
    }

    /// The breadcrumbs: only pages the viewer may open (an employer may not open the area).
    fn breadcrumbs(&self) -> Vec<(String, String)> {
        let (back, name) = self.back();
        match &self.organisation {
            Some(_) => vec![("/".into(), "Home".into()), (back, name.into())],
            None => vec![
                ("/".into(), "Areas".into()),
                (format!("/areas/{}", self.area_code), self.area_name.clone()),
                (back, name.into()),
            ],
        }
    }
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_name: String,
    census_date: String,
    base: String,
    breadcrumbs: Vec<(String, String)>,
    /// The organisations to choose from (the lead's form), or none.
    organisations: Vec<(String, String)>,
    /// The organisation the upload is for (an employer's form).
    organisation: Option<(String, String)>,
    error: Option<String>,
}

pub async fn upload_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    upload_page(&state, &UploadFor::area(&state, &code).await?, None).await
}

pub(crate) async fn upload_page(
    state: &AppState,
    to: &UploadFor,
    error: Option<String>,
) -> Result<Html<String>, WebError> {
    let (area, c) = area_and_collection(state, &to.area_code, None).await?;
    let organisations = match &to.organisation {
        Some(_) => Vec::new(),
        None => returns::organisations(&state.db, area.id)
            .await?
            .into_iter()
            .map(|o| (o.reference, o.name))
            .collect(),
    };
    let page = UploadPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        area_name: area.name,
        census_date: c.census_date.format("%-d %B %Y").to_string(),
        base: to.base(),
        breadcrumbs: to.breadcrumbs(),
        organisations,
        organisation: to.organisation.clone(),
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
    let to = UploadFor::area(&state, &code).await?;
    check_upload(&state, viewer.as_ref(), &to, form).await
}

/// Stages an upload and checks it (a dry run): the report page, or the form again saying
/// why nothing could be checked (422).
pub(crate) async fn check_upload(
    state: &AppState,
    viewer: Option<&Viewer>,
    to: &UploadFor,
    form: Multipart,
) -> Result<Response, WebError> {
    let owner = Owner::of(state, viewer, &to.area_code).await?;
    let organisation = to.organisation.as_ref().map(|o| o.0.clone());
    let refused = |message: String| async move {
        let page = upload_page(state, to, Some(message)).await?;
        Ok::<_, WebError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let staged = match Staged::stage(state, &owner, form, organisation).await? {
        Ok(staged) => staged,
        Err(NotStaged::NoFile) => return refused("Select a file to upload".into()).await,
        Err(NotStaged::Unreadable) => {
            return refused("The file could not be received: it may be larger than 64 MB".into())
                .await
        }
        Err(NotStaged::TooMany) => return refused(too_many()).await,
    };
    let report = staged
        .import(state, &to.area_code, true, Explanations::default(), None)
        .await?;
    if report.returns.iter().any(|r| r.changes.removes_many()) {
        staged.mark_removes_many()?;
    }
    Ok(
        report_page(state, to, &staged.token, report, false, Attempt::Checked)
            .await?
            .into_response(),
    )
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
    base: String,
    back: (String, &'static str),
    breadcrumbs: Vec<(String, String)>,
    /// An employer sending its own return (the button is a declaration).
    own: bool,
    /// The census date as people write it.
    census_date: String,
    /// Sending was tried and refused (queries without explanations).
    refused: bool,
    /// Sending was tried without confirming that many posts go.
    removal_refused: bool,
    /// Some return removes more than a fifth of the posts held: sending needs a confirmation.
    removes_many: bool,
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

impl ReportPage {
    /// A role's title from its catalogue code (the code itself if it is not in the catalogue).
    fn role_title(&self, code: &str) -> String {
        cws_reference::roles()
            .ok()
            .and_then(|roles| {
                roles
                    .into_iter()
                    .find(|r| r.code.as_str() == code)
                    .map(|r| r.title)
            })
            .unwrap_or_else(|| code.to_string())
    }
}

/// What the report page answers: a check, a send, or a send that did not confirm the
/// removal of many posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attempt {
    Checked,
    Sent,
    SentUnconfirmed,
}

async fn report_page(
    state: &AppState,
    to: &UploadFor,
    token: &str,
    report: ImportReport,
    submitted: bool,
    attempt: Attempt,
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
        base: to.base(),
        back: to.back(),
        breadcrumbs: to.breadcrumbs(),
        own: to.organisation.is_some(),
        census_date: super::own::long_date(report.census_date),
        refused: attempt == Attempt::Sent && !submitted && error_count == 0,
        removal_refused: attempt == Attempt::SentUnconfirmed,
        removes_many: report.returns.iter().any(|r| r.changes.removes_many()),
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
    let to = UploadFor::area(&state, &code).await?;
    submit_upload(&state, viewer.as_ref(), &to, &token, form).await
}

/// Submits a checked upload of `to`'s: explanations come as `explain_<RULE>` fields.
pub(crate) async fn submit_upload(
    state: &AppState,
    viewer: Option<&Viewer>,
    to: &UploadFor,
    token: &str,
    form: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let confirmed = form
        .iter()
        .any(|(k, v)| k == "confirm_removal" && v == "yes");
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
    let owner = Owner::of(state, viewer, &to.area_code).await?;
    let staged = open_for(state, token, &owner, to)?;
    if staged.removes_many() && !confirmed {
        // nothing is stored: the report again, asking for the confirmation
        let report = staged
            .import(state, &to.area_code, true, explanations, None)
            .await?;
        let page = report_page(state, to, token, report, false, Attempt::SentUnconfirmed).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let report = staged
        .import(
            state,
            &to.area_code,
            false,
            explanations,
            viewer.map(|v| v.user_id),
        )
        .await?;
    let submitted = report.accepted;
    let page = report_page(state, to, token, report, submitted, Attempt::Sent).await?;
    // refused (errors, or queries without an explanation): said as such, with the page
    Ok(match submitted {
        true => page.into_response(),
        false => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
    })
}

/// An upload of `owner`'s for `to`: an employer's pages open only uploads made for its own
/// organisation (made there), the lead's only those made on the area's page.
fn open_for(
    state: &AppState,
    token: &str,
    owner: &Owner,
    to: &UploadFor,
) -> Result<Staged, WebError> {
    let staged = Staged::open(state, token, owner)?;
    let made_for = staged.organisation();
    match &to.organisation {
        Some((reference, _)) if !made_for.eq_ignore_ascii_case(reference) => {
            Err(crate::uploads::expired())
        }
        _ => Ok(staged),
    }
}

/// The last report of an upload as CSV or XLSX.
pub async fn report_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, token, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let to = UploadFor::area(&state, &code).await?;
    download_report(&state, viewer.as_ref(), &to, &token, &file).await
}

/// The last report of an upload of `to`'s as CSV or XLSX.
pub(crate) async fn download_report(
    state: &AppState,
    viewer: Option<&Viewer>,
    to: &UploadFor,
    token: &str,
    file: &str,
) -> Result<Response, WebError> {
    let owner = Owner::of(state, viewer, &to.area_code).await?;
    let (bytes, content_type) = open_for(state, token, &owner, to)?.report(file)?;
    Ok(download(
        bytes,
        content_type,
        &format!("cws-return-report.{}", &file[7..]),
    ))
}
