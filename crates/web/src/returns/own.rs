//! An employer's own return: the "Your return" page (the collection's due date, the return's
//! status and versions, what is missing), its upload pages — the same check, report, explain
//! and send as the lead's, limited to the organisation — and sending the draft that changes
//! made post by post on the worker form build up.
//!
//! The area's lead may use these pages for any organisation of the area; everyone else is
//! refused by the route table (`OrgWorkers`).

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use cws_collect::import::{self, Target};
use cws_store::returns;
use serde::Deserialize;

use super::area_and_collection;
use super::upload::{check_upload, download_report, submit_upload, upload_page, UploadFor};
use crate::access::Viewer;
use crate::{AppState, WebError};

/// A date as people write it: "30 September 2025".
pub(crate) fn long_date(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A stored time (RFC 3339, UTC) as people read it: "1 December 2026 at 14:02".
pub(crate) fn when(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%-d %B %Y at %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_string())
}

struct VersionLine {
    version: i64,
    sent: String,
    by: String,
    source: String,
    current: bool,
    late: bool,
}

/// What a draft changes from the current return, post by post.
#[derive(Default)]
struct DraftChanges {
    posts: usize,
    added: usize,
    changed: usize,
    removed: usize,
    saved: String,
}

#[derive(Template)]
#[template(path = "own_return.html")]
struct ReturnPage {
    attribution: &'static str,
    synthetic_banner: bool,
    base: String,
    organisation: String,
    reference: String,
    census_date: String,
    due: String,
    closes: String,
    /// "12 days left", "due today", "3 days overdue", "closed".
    timing: String,
    overdue: bool,
    status: &'static str,
    current_posts: Option<usize>,
    versions: Vec<VersionLine>,
    draft: Option<DraftChanges>,
    missing: Vec<String>,
    notice: Option<&'static str>,
    /// The area's lead looking at one of its organisations (not the employer's own view).
    lead: Option<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct ReturnQuery {
    done: Option<String>,
}

/// "Your return".
pub async fn return_page(
    State(state): State<AppState>,
    axum::Extension(viewer): axum::Extension<Option<crate::access::Viewer>>,
    Path((code, reference)): Path<(String, String)>,
    Query(q): Query<ReturnQuery>,
) -> Result<Html<String>, WebError> {
    let (area, c) = area_and_collection(&state, &code, None).await?;
    let org = returns::organisation(&state.db, area.id, &reference)
        .await?
        .ok_or_else(|| {
            WebError::NotFound(format!(
                "'{reference}' is not an organisation registered in {}.",
                area.name
            ))
        })?;
    let today = chrono::Local::now().date_naive();
    let mut versions = Vec::new();
    for r in returns::history(&state.db, c.id, org.id).await? {
        let (sent, by) = returns::sent_by(&state.db, r.id)
            .await?
            .unwrap_or((r.submitted_at.clone(), None));
        let sent_on = chrono::DateTime::parse_from_rfc3339(&sent)
            .map(|t| t.date_naive())
            .ok();
        versions.push(VersionLine {
            version: r.version,
            late: sent_on.is_some_and(|d| d > c.due),
            sent: when(&sent),
            by: by.unwrap_or_else(|| "the command line or a bulk import".into()),
            source: r.source,
            current: r.is_current,
        });
    }
    let current = returns::current_return(&state.db, c.id, org.id).await?;
    let current_workers = match &current {
        Some(r) => Some(returns::return_workers(&state.db, r.id).await?),
        None => None,
    };
    let draft = match returns::draft(&state.db, c.id, org.id).await? {
        Some(d) => {
            let posts = returns::return_workers(&state.db, d.id).await?;
            let key = |w: &cws_domain::worker::WorkerRecord| {
                (w.person.as_str().to_string(), w.role.to_string())
            };
            let held = current_workers.as_deref().unwrap_or_default();
            let before: HashSet<_> = held.iter().map(key).collect();
            let after: HashSet<_> = posts.iter().map(key).collect();
            let changed = posts
                .iter()
                .filter(|w| held.iter().any(|h| key(h) == key(w) && h != *w))
                .count();
            Some(DraftChanges {
                posts: posts.len(),
                added: after.difference(&before).count(),
                removed: before.difference(&after).count(),
                changed,
                saved: when(&d.submitted_at),
            })
        }
        None => None,
    };
    let mut missing = Vec::new();
    if current.is_none() && draft.is_none() {
        missing.push("Nothing has been sent for this census yet: upload your return, or add your posts one by one.".to_string());
    }
    if draft.is_some() {
        missing.push(
            "Changes in your draft are not sent: the area's figures do not include them until you send your return."
                .to_string(),
        );
    }
    let days = (c.due - today).num_days();
    let sent_at_all = current.is_some();
    let (timing, overdue) = match days {
        _ if today > c.closes => (
            format!(
                "The collection closed on {}: what you send now is marked late.",
                long_date(c.closes)
            ),
            !sent_at_all,
        ),
        d if d > 1 => (format!("{d} days left"), false),
        1 => ("1 day left".into(), false),
        0 => ("Due today".into(), false),
        d => (
            format!("{} day{} overdue", -d, if d == -1 { "" } else { "s" }),
            !sent_at_all,
        ),
    };
    let status = match (&current, &draft) {
        (None, None) => "Not started",
        (None, Some(_)) => "Draft, not sent",
        (Some(_), Some(_)) => "Sent, with changes not sent",
        (Some(_), None) => "Sent",
    };
    let lead = viewer
        .as_ref()
        .filter(|v| v.access.role() == cws_domain::user::UserRole::AreaLead)
        .map(|_| (area.code.clone(), area.name.clone()));
    let page = ReturnPage {
        lead,
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        base: format!("/areas/{}/organisations/{}", area.code, org.reference),
        organisation: org.name,
        reference: org.reference,
        census_date: long_date(c.census_date),
        due: long_date(c.due),
        closes: long_date(c.closes),
        timing,
        overdue,
        status,
        current_posts: current_workers.as_ref().map(Vec::len),
        versions,
        draft,
        missing,
        notice: match q.done.as_deref() {
            Some("sent") => Some("Your return is sent: it is now in the area's figures."),
            Some("nothing") => {
                Some("There was nothing to send: your draft matched the return already sent.")
            }
            _ => None,
        },
    };
    Ok(Html(page.render()?))
}

/// "Send my return": the draft becomes the next version of the return.
pub async fn send(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, reference)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let target = Target::load(&state.db, &code, None).await?;
    let org = target
        .organisation(&reference)
        .ok_or_else(|| WebError::NotFound(format!("'{reference}' is not registered here.")))?;
    let (reference, org_id) = (org.reference.clone(), org.id);
    let current = returns::current_return(&state.db, target.collection.id, org_id).await?;
    let draft = returns::draft(&state.db, target.collection.id, org_id).await?;
    let done = match (draft, current) {
        (None, _) => {
            return Err(WebError::Unprocessable(
                "There is no draft to send: change a post first, or upload your return.".into(),
            ))
        }
        (Some(d), Some(c)) if d.content_digest == c.content_digest => {
            returns::discard_draft(&state.db, target.collection.id, org_id).await?;
            "nothing"
        }
        (Some(_), _) => {
            import::send_draft(
                &state.db,
                &target,
                &reference,
                viewer.as_ref().map(|v| v.user_id),
            )
            .await?;
            crate::figures::refresh(&state).await;
            "sent"
        }
    };
    Ok(Redirect::to(&format!(
        "/areas/{}/organisations/{}/return?done={done}",
        target.area_code, reference
    ))
    .into_response())
}

pub async fn upload_form(
    State(state): State<AppState>,
    Path((code, reference)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let to = UploadFor::organisation(&state, &code, &reference).await?;
    upload_page(&state, &to, None).await
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, reference)): Path<(String, String)>,
    form: Multipart,
) -> Result<Response, WebError> {
    let to = UploadFor::organisation(&state, &code, &reference).await?;
    check_upload(&state, viewer.as_ref(), &to, form).await
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, reference, token)): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let to = UploadFor::organisation(&state, &code, &reference).await?;
    submit_upload(&state, viewer.as_ref(), &to, &token, form).await
}

pub async fn report_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, reference, token, file)): Path<(String, String, String, String)>,
) -> Result<Response, WebError> {
    let to = UploadFor::organisation(&state, &code, &reference).await?;
    download_report(&state, viewer.as_ref(), &to, &token, &file).await
}
