//! The worker form: a small employer (a childminder, a playgroup) enters its posts one by
//! one; each addition or change is checked by the same rules and saved as a new version of
//! the return.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use cws_collect::import::{self, Explanations, ImportOptions, ImportReport, Target};
use cws_collect::report::Message;
use cws_collect::{rules, template, xlsx};
use cws_store::returns;
use serde::Deserialize;

use super::area_and_collection;
use super::MessageRow;
use crate::access::Viewer;
use crate::{AppState, WebError};

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
    born: String,
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
    /// Whether the posts shown are a draft's (changes not yet sent).
    in_draft: bool,
    /// The viewer is the area's lead (not the employer): the area's pages are theirs.
    lead: bool,
    /// The staff number searched for, if any.
    find: String,
}

#[derive(Deserialize)]
pub struct EditQuery {
    edit: Option<String>,
    saved: Option<String>,
    /// A staff number typed to find that person's posts (keyed as a return's would be,
    /// never stored).
    find: Option<String>,
}

/// A date as people write it: "1 September 2021".
fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(super::own::long_date).unwrap_or_default()
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
            let options: Vec<(String, String)> = xlsx::code_list(c.name, &roles)
                .map(|codes| {
                    codes
                        .into_iter()
                        .map(|code| (code.clone(), xlsx::code_label(c.name, &code, &roles)))
                        .collect()
                })
                .unwrap_or_default();
            let kind = if c.name.ends_with("_date") {
                "date"
            } else if options.len() == 2
                && options
                    .iter()
                    .all(|(code, _)| code == "yes" || code == "no")
            {
                // a yes/no question: radios, with "not known" as the blank answer
                "yesno"
            } else {
                "text"
            };
            FormField {
                name: c.name,
                label: template::plain_label(c.name),
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
    lead: bool,
    find: String,
}

/// The posts the form works on: the draft's when there is one, else the current return's;
/// and whether they are the draft's.
async fn working_posts(
    state: &AppState,
    collection: cws_store::CollectionId,
    organisation: cws_store::OrganisationId,
) -> Result<(Vec<cws_domain::worker::WorkerRecord>, bool), WebError> {
    if let Some(d) = returns::draft(&state.db, collection, organisation).await? {
        return Ok((returns::return_workers(&state.db, d.id).await?, true));
    }
    Ok(
        match returns::current_return(&state.db, collection, organisation).await? {
            Some(cur) => (returns::return_workers(&state.db, cur.id).await?, false),
            None => (Vec::new(), false),
        },
    )
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
    let (held, in_draft) = working_posts(state, c.id, org.id).await?;
    // a staff number typed is keyed as a return's would be: its person's posts, if held
    let wanted = Some(form.find.trim())
        .filter(|f| !f.is_empty())
        .map(|f| state.pseudo.key(&area.code, &org.reference, f));
    {
        for w in held
            .into_iter()
            .filter(|w| wanted.as_ref().is_none_or(|k| *k == w.person))
        {
            posts.push(HeldPost {
                person: w.person.as_str().to_string(),
                born: w.birth_year.map(|y| y.to_string()).unwrap_or_default(),
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
        lead,
        find,
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
        in_draft,
        lead,
        find,
    };
    Ok(Html(page.render()?))
}

/// A small employer's own return, post by post: the held posts and a form to add or edit one.
pub async fn workers_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
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
            let (held, _) = working_posts(&state, c.id, org.id).await?;
            if let Some(w) = held
                .into_iter()
                .find(|w| w.person.as_str() == person && w.role.as_str() == role)
            {
                values = template::worker_cells(&w);
                editing = Some((person.to_string(), role.to_string()));
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
        saved: q.saved.as_deref().and_then(saved_note),
        lead: is_lead(viewer.as_ref()),
        find: q.find.unwrap_or_default(),
        ..Default::default()
    };
    workers_page(&state, &code, &reference, form).await
}

/// Whether the viewer is an area lead (the employer's own pages show the employer no link to
/// the area's, which it may not open).
fn is_lead(viewer: Option<&Viewer>) -> bool {
    viewer.is_some_and(|v| v.access.role() == cws_domain::user::UserRole::AreaLead)
}

pub async fn workers_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
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
        submitted_by: viewer.as_ref().map(|v| v.user_id),
        draft: true,
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
        // the banner is named by a fixed key, never text carried in the address
        let key = match report.returns.first().map(|r| r.outcome) {
            Some(import::Outcome::Accepted) => "draft",
            _ => "unchanged",
        };
        let to = format!("/areas/{code}/organisations/{reference}/workers?saved={key}");
        return Ok(axum::response::Redirect::to(&to).into_response());
    }
    let form = FormState {
        values,
        editing,
        report: Some(&report),
        saved: None,
        explanation,
        lead: is_lead(viewer.as_ref()),
        find: String::new(),
    };
    // refused (errors, or queries to explain): said as such, with the page
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        workers_page(&state, &code, &reference, form).await?,
    )
        .into_response())
}

/// The banner after saving a post, from the key in the address (`version-N`, `unchanged`);
/// anything else shows none.
fn saved_note(key: &str) -> Option<String> {
    match key {
        "draft" => Some(
            "Saved in your draft. Send your return from \"Your return\" when every post is in."
                .to_string(),
        ),
        "unchanged" => Some("Nothing changed.".to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod saved_tests {
    use super::saved_note;

    #[test]
    fn banners_come_from_fixed_keys_only() {
        assert!(saved_note("draft")
            .unwrap()
            .starts_with("Saved in your draft"));
        assert_eq!(saved_note("unchanged").as_deref(), Some("Nothing changed."));
        assert_eq!(saved_note("Your+account+is+locked"), None);
        assert_eq!(saved_note("version-<script>"), None);
    }
}
