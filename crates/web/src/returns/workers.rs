//! The worker form: a small employer (a childminder, a playgroup) enters its posts one by
//! one, in three steps (the job; about the person; training and checks) and a page to check
//! the answers; each step is checked by the same rules as an uploaded return, and the post is
//! saved in the organisation's draft. What is typed travels in the form itself (hidden
//! fields) from step to step: nothing is kept until it is saved.

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

/// A step of the form: its address, its title and the columns it asks.
struct Step {
    slug: &'static str,
    title: &'static str,
    columns: &'static [&'static str],
}

/// The steps, in order; every template column but the organisation is in one of them.
const STEPS: [Step; 3] = [
    Step {
        slug: "job",
        title: "The job",
        columns: &[
            "worker_ref",
            "role_code",
            "contract_type",
            "fte",
            "start_date",
            "leaving_date",
            "leaving_reason",
            "leaving_destination",
            "cases_held",
            "working_days_lost",
        ],
    },
    Step {
        slug: "person",
        title: "About the person",
        columns: &["birth_year", "sex", "ethnicity", "disability"],
    },
    Step {
        slug: "training",
        title: "Training and checks",
        columns: &[
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
        ],
    },
];

/// The check-your-answers page comes after the last step.
const CHECK: usize = STEPS.len();

/// The step a column is asked in (messages without a column belong to the first).
fn step_of(column: Option<&str>) -> usize {
    column
        .and_then(|c| STEPS.iter().position(|s| s.columns.contains(&c)))
        .unwrap_or(0)
}

fn step_named(slug: &str) -> Option<usize> {
    STEPS.iter().position(|s| s.slug == slug)
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
    /// A date's day, month and year as typed.
    day: String,
    month: String,
    year: String,
}

/// A date field's day, month and year from its value (`YYYY-MM-DD`, or as typed).
fn date_parts(value: &str) -> (String, String, String) {
    if let Some(d) = cws_collect::rows::parse_date(value) {
        use chrono::Datelike;
        return (
            d.day().to_string(),
            d.month().to_string(),
            d.year().to_string(),
        );
    }
    // as typed, without the padding `form_values` added
    let mut parts = value.splitn(3, '-').map(|p| {
        let bare = p.trim_start_matches('0');
        if bare.is_empty() { p } else { bare }.to_string()
    });
    let (y, m, d) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    (d, m, y)
}

/// The form's values by column: a date typed as day, month and year becomes `YYYY-MM-DD`
/// (an impossible one stays impossible, for the rules to say so); fields starting `_` are the
/// form's own.
fn form_values(form: &[(String, String)]) -> BTreeMap<String, String> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut values: BTreeMap<String, String> = form
        .iter()
        .filter(|(k, _)| !k.starts_with('_') && k != "csrf" && !k.contains('-'))
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    for c in template::WORKER_COLUMNS
        .iter()
        .filter(|c| c.name.ends_with("_date"))
    {
        let (d, m, y) = (
            get(&format!("{}-day", c.name)),
            get(&format!("{}-month", c.name)),
            get(&format!("{}-year", c.name)),
        );
        if d.is_empty() && m.is_empty() && y.is_empty() {
            continue;
        }
        values.insert(c.name.to_string(), format!("{y}-{m:0>2}-{d:0>2}"));
    }
    values
}

/// A rule's message said for the form's fields rather than a file's columns: a date as a
/// day, month and year; a missing answer as what to enter or choose.
fn for_the_form(mut m: Message) -> Message {
    let Some(c) = m.column.clone() else { return m };
    let label = template::plain_label(&c);
    if m.rule == rules::DATE_INVALID.code {
        m.text = format!(
            "Enter the {} as a real date, with a day, month and year, for example 27 3 2021.",
            label.to_lowercase()
        );
    } else if m.rule == rules::REQUIRED_VALUE.code {
        let listed = xlsx::code_list(&c, &[]).is_some() || c == "role_code";
        m.text = match (listed, c.as_str()) {
            (_, "worker_ref") => "Enter the staff or payroll number.".into(),
            (true, _) => format!("Choose an answer to “{label}”."),
            (false, _) => format!("Enter the {}.", label.to_lowercase()),
        };
    }
    m
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

/// One step's answers on the check page: (slug, title, [(label, answer)]).
type StepAnswers = (&'static str, &'static str, Vec<(&'static str, String)>);

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
    /// The step shown (`CHECK`: the answers to check), and every step for the indicator:
    /// (slug, title, shown now).
    step: usize,
    steps: Vec<(&'static str, &'static str, bool)>,
    /// The values of the other steps, carried in the form.
    hidden: Vec<(String, String)>,
    /// The answers to check, by step.
    answers: Vec<StepAnswers>,
    /// Every role offered (not only the setting's usual ones), and the setting's name when
    /// the roles are cut to its usual ones.
    all_roles: bool,
    setting: Option<&'static str>,
    /// Other steps that have problems too.
    other_steps: Vec<&'static str>,
    /// The page answers a save or a step that was refused (422).
    refused: bool,
}

impl WorkersPage {
    fn step_slug(&self) -> &'static str {
        STEPS.get(self.step).map_or("check", |s| s.slug)
    }

    fn step_title(&self) -> &'static str {
        STEPS
            .get(self.step)
            .map_or("Check your answers", |s| s.title)
    }

    fn checking(&self) -> bool {
        self.step == CHECK
    }
}

#[derive(Deserialize)]
pub struct EditQuery {
    edit: Option<String>,
    saved: Option<String>,
    /// A staff number typed to find that person's posts (keyed as a return's would be,
    /// never stored).
    find: Option<String>,
    /// The step to start at (`job`, `person`, `training`).
    step: Option<String>,
    /// `all`: offer every role, not only the setting's usual ones.
    roles: Option<String>,
}

/// An answer as the check page shows it: a code's meaning, a date in words, "Not given".
fn answer(column: &str, value: &str, roles: &[cws_domain::role::Role]) -> String {
    let yes_no = xlsx::code_list(column, roles).is_some_and(|c| c == ["yes", "no"]);
    if value.is_empty() {
        // a yes/no question's blank answer is "not known", as the form offers it
        return if yes_no { "Not known" } else { "Not given" }.into();
    }
    if column.ends_with("_date") {
        return cws_collect::rows::parse_date(value)
            .map(super::own::long_date)
            .unwrap_or_else(|| value.to_string());
    }
    match value {
        "yes" if yes_no => return "Yes".into(),
        "no" if yes_no => return "No".into(),
        _ => {}
    }
    let label = xlsx::code_label(column, value, roles);
    match (label.is_empty(), column) {
        (true, _) => value.to_string(),
        // codes people also know by their code
        (false, "role_code" | "ethnicity") => format!("{label} ({value})"),
        (false, _) => label,
    }
}

/// A date as people write it: "1 September 2021".
fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(super::own::long_date).unwrap_or_default()
}

/// The fields of one step. Roles are those `usual` for the setting (all when empty), and
/// always the one already chosen.
fn form_fields(
    values: &BTreeMap<String, String>,
    errors: &[Message],
    adding: bool,
    step: usize,
    usual: &[cws_domain::role::RoleGroup],
) -> Result<Vec<FormField>, WebError> {
    let roles = cws_reference::roles()?;
    let asked = STEPS.get(step).map_or(&[][..], |s| s.columns);
    Ok(template::WORKER_COLUMNS
        .iter()
        .filter(|c| asked.contains(&c.name) && (adding || c.name != "worker_ref"))
        .map(|c| {
            let value = values.get(c.name).cloned().unwrap_or_default();
            let offered = |code: &str| {
                c.name != "role_code"
                    || usual.is_empty()
                    || code == value
                    || roles
                        .iter()
                        .any(|r| r.code.as_str() == code && usual.contains(&r.group))
            };
            let options: Vec<(String, String)> = xlsx::code_list(c.name, &roles)
                .map(|codes| {
                    codes
                        .into_iter()
                        .filter(|code| offered(code))
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
            let (day, month, year) = if kind == "date" {
                date_parts(&value)
            } else {
                Default::default()
            };
            FormField {
                name: c.name,
                label: template::plain_label(c.name),
                hint: c.guidance,
                required: c.required,
                value,
                options,
                kind,
                error: errors
                    .iter()
                    .find(|m| m.column.as_deref() == Some(c.name))
                    .map(|m| m.text.clone()),
                day,
                month,
                year,
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
    step: usize,
    all_roles: bool,
    refused: bool,
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
        step,
        all_roles,
        refused,
    } = form;
    let form_messages: Vec<Message> = report
        .map(|r| {
            r.messages
                .iter()
                .filter(|m| m.file == "web form" || m.row.is_none())
                .cloned()
                .map(for_the_form)
                .collect()
        })
        .unwrap_or_default();
    let all_errors: Vec<Message> = report
        .map(|r| {
            r.messages
                .iter()
                .filter(|m| m.severity == rules::Severity::Error)
                .cloned()
                .map(for_the_form)
                .collect()
        })
        .unwrap_or_default();
    // this step's errors on the page; other steps' named, to go back to
    let (errors, elsewhere): (Vec<Message>, Vec<Message>) = all_errors
        .into_iter()
        .partition(|m| step_of(m.column.as_deref()) == step);
    let mut other_steps: Vec<&'static str> = elsewhere
        .iter()
        .map(|m| STEPS[step_of(m.column.as_deref())].title)
        .collect();
    other_steps.dedup();
    let usual: &[cws_domain::role::RoleGroup] = if all_roles {
        &[]
    } else {
        org.setting_type.usual_role_groups()
    };
    let asked = STEPS.get(step).map_or(&[][..], |s| s.columns);
    let hidden = values
        .iter()
        .filter(|(k, _)| !asked.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let answers = if step == CHECK {
        STEPS
            .iter()
            .map(|s| {
                let rows = s
                    .columns
                    .iter()
                    .filter(|c| editing.is_none() || **c != "worker_ref")
                    .map(|c| {
                        let v = values.get(*c).map_or("", String::as_str);
                        (template::plain_label(c), answer(c, v, &roles))
                    })
                    .collect();
                (s.slug, s.title, rows)
            })
            .collect()
    } else {
        Vec::new()
    };
    let queries = report
        .map(|r| {
            r.messages
                .iter()
                .filter(|m| m.severity == rules::Severity::Query)
                .map(MessageRow::from)
                .collect()
        })
        .unwrap_or_default();
    let fields = form_fields(&values, &form_messages, editing.is_none(), step, usual)?;
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
        step,
        steps: STEPS
            .iter()
            .enumerate()
            .map(|(i, s)| (s.slug, s.title, i == step))
            .collect(),
        hidden,
        answers,
        all_roles,
        setting: (!usual.is_empty()).then(|| org.setting_type.label()),
        other_steps,
        refused,
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
        step: q.step.as_deref().and_then(step_named).unwrap_or(0),
        all_roles: q.roles.as_deref() == Some("all"),
        ..Default::default()
    };
    workers_page(&state, &code, &reference, form).await
}

/// Whether the viewer is an area lead (the employer's own pages show the employer no link to
/// the area's, which it may not open).
fn is_lead(viewer: Option<&Viewer>) -> bool {
    viewer.is_some_and(|v| v.access.role() == cws_domain::user::UserRole::AreaLead)
}

/// A step of the form sent: `_go` says where to — `next` (check this step, then the next or
/// the answers), `back`, `change-STEP`, `all-roles`, or `save` (the default, so one post of
/// every field saves at once). Refusals come back as 422 at the step with the problem.
pub async fn workers_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, reference)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values = form_values(&form);
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
    let go = field("_go").unwrap_or_else(|| "save".into());
    let at = field("_step").and_then(|s| step_named(&s)).unwrap_or(CHECK);
    let all_roles = field("_all_roles").as_deref() == Some("yes");
    let lead = is_lead(viewer.as_ref());
    let mut form = FormState {
        values: values.clone(),
        editing: editing.clone(),
        explanation: explanation.clone(),
        lead,
        step: at,
        all_roles,
        ..Default::default()
    };
    // moving about the form checks nothing
    let moved_to = match go.as_str() {
        "back" => Some(at.saturating_sub(1)),
        "all-roles" => {
            form.all_roles = true;
            Some(at)
        }
        g => g.strip_prefix("change-").and_then(step_named),
    };
    if let Some(step) = moved_to {
        form.step = step;
        return Ok(workers_page(&state, &code, &reference, form)
            .await?
            .into_response());
    }
    let check = |dry_run: bool| {
        let (state, code, reference) = (&state, &code, &reference);
        let (values, explanation, editing, person) =
            (&values, &explanation, &editing, person.clone());
        let submitted_by = viewer.as_ref().map(|v| v.user_id);
        async move {
            let target = Target::load(&state.db, code, None).await?;
            let opts = ImportOptions {
                submitted_by,
                draft: true,
                area: code.clone(),
                organisation: Some(reference.clone()),
                census: Some(target.collection.census_date),
                dry_run,
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
            import::submit_form_post(&state.db, &state.pseudo, &target, reference, post, &opts)
                .await
                .map_err(WebError::from)
        }
    };
    let erring = |r: &ImportReport, upto: usize| {
        r.messages
            .iter()
            .filter(|m| m.severity == rules::Severity::Error)
            .map(|m| step_of(m.column.as_deref()))
            .filter(|&s| s <= upto)
            .min()
    };
    if go == "next" {
        // this step is checked with the rules of the whole post; the steps still to come
        // are not (their fields are empty yet)
        let mut report = check(true).await?;
        // the steps still to come are not asked yet: their empty fields are not problems
        report
            .messages
            .retain(|m| m.severity != rules::Severity::Error || step_of(m.column.as_deref()) <= at);
        let status = match erring(&report, at) {
            Some(step) => {
                form.step = step;
                form.refused = true;
                axum::http::StatusCode::UNPROCESSABLE_ENTITY
            }
            None => {
                form.step = (at + 1).min(CHECK);
                axum::http::StatusCode::OK
            }
        };
        // the answers page shows the queries to explain before saving
        if form.refused || form.step == CHECK {
            form.report = Some(&report);
        }
        return Ok((status, workers_page(&state, &code, &reference, form).await?).into_response());
    }
    let report = check(false).await?;
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
    // refused: at the step of the first error, or on the answers with the queries to explain
    form.step = erring(&report, CHECK).unwrap_or(CHECK);
    form.refused = true;
    form.report = Some(&report);
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
    use super::*;

    #[test]
    fn every_column_is_asked_in_one_step() {
        for c in template::WORKER_COLUMNS {
            let steps = STEPS.iter().filter(|s| s.columns.contains(&c.name)).count();
            let expected = usize::from(c.name != "organisation_ref");
            assert_eq!(steps, expected, "{}", c.name);
        }
    }

    #[test]
    fn dates_come_as_day_month_and_year_and_go_back_as_typed() {
        let form: Vec<(String, String)> = [
            ("start_date-day", "1"),
            ("start_date-month", "2"),
            ("start_date-year", "2021"),
            ("vetting_date-day", "31"),
            ("vetting_date-month", "2"),
            ("vetting_date-year", "2021"),
            ("leaving_date", "2025-03-31"),
            ("_go", "next"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let v = form_values(&form);
        assert_eq!(v["start_date"], "2021-02-01");
        assert_eq!(
            v["vetting_date"], "2021-02-31",
            "impossible, for the rules to say so"
        );
        assert_eq!(
            v["leaving_date"], "2025-03-31",
            "carried whole from another step"
        );
        assert!(!v.contains_key("_go") && !v.contains_key("start_date-day"));
        assert_eq!(
            date_parts("2021-02-01"),
            ("1".into(), "2".into(), "2021".into())
        );
        assert_eq!(
            date_parts("2021-02-31"),
            ("31".into(), "2".into(), "2021".into())
        );
        assert_eq!(
            date_parts("2021--31"),
            ("31".into(), "".into(), "2021".into())
        );
    }

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
