//! Administration: users (invite, new link, disable, enable) and the audit log. Every
//! action here is written to the audit log.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use cws_domain::cells::spreadsheet_safe;
use cws_domain::user::{Access, Scope, UserRole};
use cws_store::accounts::{self, LinkPurpose};
use cws_store::{audit, users};
use serde::Deserialize;

use super::{digest, new_secret, ClientIp, Viewer};
use crate::{AppState, WebError};

/// How long an invitation or reset link works.
pub fn link_lifetime() -> chrono::Duration {
    chrono::Duration::days(7)
}

/// Roles an administrator can give, in the order offered.
const ROLES: &[UserRole] = &[
    UserRole::AreaLead,
    UserRole::BoardViewer,
    UserRole::EmployerSubmitter,
    UserRole::RegionalAnalyst,
    UserRole::NationalAnalyst,
    UserRole::Administrator,
];

struct UserView {
    id: i64,
    name: String,
    email: String,
    role: String,
    scope: String,
    status: &'static str,
    disabled: bool,
    second_factor: &'static str,
}

#[derive(Deserialize, Default, Clone)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    attribution: &'static str,
    synthetic_banner: bool,
    users: Vec<UserView>,
    roles: Vec<(&'static str, &'static str)>,
    form: InviteForm,
    errors: Vec<(&'static str, String)>,
    /// (heading, who, link) of a link just made.
    link: Option<(String, String, String)>,
    notice: Option<String>,
}

impl UsersPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.0 == field)
            .map(|e| e.1.as_str())
    }
}

async fn users_page(
    state: &AppState,
    form: InviteForm,
    errors: Vec<(&'static str, String)>,
    link: Option<(String, String, String)>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let users = users::list_users(&state.db)
        .await?
        .into_iter()
        .map(|u| {
            let must_have = UserRole::parse(&u.role).is_ok_and(|r| r.must_have_second_factor());
            UserView {
                id: u.id,
                name: u.display_name,
                email: u.email,
                role: UserRole::parse(&u.role)
                    .map(|r| r.label().to_string())
                    .unwrap_or(u.role),
                scope: match (u.scope_kind.as_str(), u.scope_code) {
                    ("national", _) => "England".into(),
                    (kind, Some(code)) => format!("{kind} {code}"),
                    (kind, None) => kind.to_string(),
                },
                status: if u.disabled_at.is_some() {
                    "disabled"
                } else if u.has_password {
                    "active"
                } else {
                    "invited"
                },
                disabled: u.disabled_at.is_some(),
                second_factor: match (u.has_second_factor, must_have) {
                    (true, _) => "on",
                    (false, true) => "not yet (set up at the next sign-in)",
                    (false, false) => "off",
                },
            }
        })
        .collect();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = UsersPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: false,
        users,
        roles: ROLES.iter().map(|r| (r.code(), r.label())).collect(),
        form,
        errors,
        link,
        notice,
    }
    .render()?;
    Ok((status, Html(html)).into_response())
}

pub async fn users_list(State(state): State<AppState>) -> Result<Response, WebError> {
    users_page(
        &state,
        InviteForm {
            role: "area_lead".into(),
            ..Default::default()
        },
        vec![],
        None,
        None,
    )
    .await
}

/// Works out the access an invitation form asks for, or says what is wrong with it.
pub async fn access_from_form(
    db: &cws_store::Db,
    role: &str,
    scope: &str,
) -> Result<Access, (&'static str, String)> {
    let role = UserRole::parse(role.trim())
        .ok()
        .filter(|r| ROLES.contains(r))
        .ok_or(("role", "Choose a role".to_string()))?;
    let scope = scope.trim();
    let area = |code: &str| {
        let code = code.trim().to_string();
        async move {
            cws_store::geography::area(db, &code)
                .await
                .ok()
                .flatten()
                .ok_or((
                    "scope",
                    format!("There is no area with the code '{code}': use its DfE number (like 318) or GSS code (like E09000027)"),
                ))
        }
    };
    let scope = match role {
        UserRole::AreaLead | UserRole::BoardViewer => Scope::Area {
            area: area(scope).await?.code,
        },
        UserRole::RegionalAnalyst => {
            let regions = cws_store::geography::regions(db).await.unwrap_or_default();
            let r = regions
                .iter()
                .find(|r| r.code == scope || r.name.eq_ignore_ascii_case(scope))
                .ok_or((
                    "scope",
                    format!("There is no region '{scope}': use a code like E12000007"),
                ))?;
            Scope::Region {
                region: r.code.clone(),
            }
        }
        UserRole::EmployerSubmitter => {
            let (a, reference) = scope.split_once('/').ok_or((
                "scope",
                "Give the area and the organisation's reference, like 318/FDC-0001".to_string(),
            ))?;
            let a = area(a).await?;
            let org = cws_store::returns::organisation(db, a.id, reference)
                .await
                .ok()
                .flatten()
                .ok_or((
                    "scope",
                    format!(
                        "{} has no organisation with the reference '{}'",
                        a.name,
                        reference.trim()
                    ),
                ))?;
            Scope::Organisation {
                area: a.code,
                org: org.id.to_string(),
            }
        }
        _ => Scope::National,
    };
    Access::new(role, scope).map_err(|e| ("role", e.to_string()))
}

pub async fn invite(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<InviteForm>,
) -> Result<Response, WebError> {
    let admin = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    let mut errors = Vec::new();
    let email = form.email.trim().to_ascii_lowercase();
    if !cws_domain::user::is_email_address(&email) {
        errors.push((
            "email",
            "Enter an email address in the correct format, like name@example.org".to_string(),
        ));
    }
    if form.name.trim().is_empty() {
        errors.push(("name", "Enter their name".to_string()));
    }
    let access = match access_from_form(&state.db, &form.role, &form.scope).await {
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if errors.is_empty() && users::user_by_email(&state.db, &email).await?.is_some() {
        errors.push((
            "email",
            "There is already an account with this email address: use 'New link' beside it"
                .to_string(),
        ));
    }
    let (Some(access), true) = (access, errors.is_empty()) else {
        return users_page(&state, form, errors, None, None).await;
    };
    let id = users::invite_user(&state.db, &email, form.name.trim(), &access).await?;
    let token = new_secret();
    accounts::create_link(
        &state.db,
        &digest(&token),
        id,
        LinkPurpose::Invitation,
        Some(admin.user_id),
        link_lifetime(),
    )
    .await?;
    record(
        &state,
        &admin,
        "admin_invite",
        &email,
        &ip,
        access.role().code(),
    )
    .await?;
    let link = format!("{}/account/password/{token}", state.site_url);
    users_page(
        &state,
        InviteForm {
            role: "area_lead".into(),
            ..Default::default()
        },
        vec![],
        Some((format!("Account created for {email}"), email, link)),
        None,
    )
    .await
}

async fn record(
    state: &AppState,
    admin: &Viewer,
    action: &str,
    target: &str,
    ip: &str,
    detail: &str,
) -> Result<(), WebError> {
    Ok(audit::record(
        &state.db,
        &audit::Event {
            user_id: Some(admin.user_id),
            user_email: Some(&admin.email),
            action,
            target: Some(target),
            outcome: "ok",
            detail: Some(detail),
            ip: Some(ip),
        },
    )
    .await?)
}

async fn user_or_404(state: &AppState, id: i64) -> Result<cws_store::users::UserRow, WebError> {
    users::user_by_id(&state.db, id)
        .await?
        .ok_or_else(|| WebError::NotFound("There is no such user.".into()))
}

pub async fn reset(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let admin = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    let user = user_or_404(&state, id).await?;
    let token = new_secret();
    accounts::create_link(
        &state.db,
        &digest(&token),
        id,
        LinkPurpose::PasswordReset,
        Some(admin.user_id),
        link_lifetime(),
    )
    .await?;
    // a reset ends the old password, every session and every API token: whoever had the
    // old password (or a token made with it) is out
    accounts::reset_access(&state.db, id).await?;
    record(&state, &admin, "admin_reset", &user.email, &ip, "").await?;
    let link = format!("{}/account/password/{token}", state.site_url);
    users_page(
        &state,
        InviteForm {
            role: "area_lead".into(),
            ..Default::default()
        },
        vec![],
        Some((
            format!("New link for {}", user.email),
            user.email.clone(),
            link,
        )),
        None,
    )
    .await
}

async fn set_disabled(
    state: &AppState,
    viewer: Option<Viewer>,
    ip: &str,
    id: i64,
    disabled: bool,
) -> Result<Response, WebError> {
    let admin = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    let user = user_or_404(state, id).await?;
    let notice = if disabled && id == admin.user_id {
        "You cannot disable your own account.".to_string()
    } else {
        users::set_disabled(&state.db, id, disabled).await?;
        let action = if disabled {
            "admin_disable"
        } else {
            "admin_enable"
        };
        record(state, &admin, action, &user.email, ip, "").await?;
        format!(
            "{} is {}.",
            user.email,
            if disabled {
                "disabled and signed out everywhere"
            } else {
                "enabled"
            }
        )
    };
    users_page(
        state,
        InviteForm {
            role: "area_lead".into(),
            ..Default::default()
        },
        vec![],
        None,
        Some(notice),
    )
    .await
}

pub async fn disable(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    set_disabled(&state, viewer, &ip, id, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    set_disabled(&state, viewer, &ip, id, false).await
}

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    user: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl AuditQuery {
    fn filter(&self, limit: i64) -> audit::Filter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        audit::Filter {
            user_email: some(&self.user),
            action: some(&self.action),
            target_prefix: some(&self.target),
            outcome: some(&self.outcome),
            from: some(&self.from),
            to: some(&self.to),
            limit,
        }
    }
}

/// Actions written to the log, offered in the filter.
const ACTIONS: &[&str] = &[
    "sign_in",
    "sign_out",
    "sign_out_everywhere",
    "set_password",
    "read_workers",
    "read_returns",
    "import_check",
    "import",
    "export",
    "delete_organisation_data",
    "create_api_token",
    "revoke_api_token",
    "admin_invite",
    "admin_reset",
    "admin_disable",
    "admin_enable",
];

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    attribution: &'static str,
    synthetic_banner: bool,
    filter: AuditQuery,
    actions: &'static [&'static str],
    rows: Vec<audit::AuditRow>,
    limit: usize,
    query: String,
}

impl AuditPage {
    /// A stored time as people write it: "1 December 2026 at 09:30".
    fn when(&self, stored: &str) -> String {
        crate::returns::own::when(stored)
    }
}

const PAGE_LIMIT: usize = 500;

pub async fn audit_page(
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, WebError> {
    let rows = audit::list(&state.db, &q.filter(PAGE_LIMIT as i64)).await?;
    let query = serde_urlencoded::to_string([
        ("user", &q.user),
        ("action", &q.action),
        ("outcome", &q.outcome),
        ("target", &q.target),
        ("from", &q.from),
        ("to", &q.to),
    ])
    .unwrap_or_default();
    Ok(Html(
        AuditPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            filter: q,
            actions: ACTIONS,
            rows,
            limit: PAGE_LIMIT,
            query,
        }
        .render()?,
    ))
}

pub async fn audit_csv(
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let rows = audit::list(&state.db, &q.filter(10_000)).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id", "at", "user", "action", "target", "outcome", "detail", "ip",
    ])?;
    for r in rows {
        // addresses and paths come from whoever made the request: never a formula
        let record = [
            r.id.to_string(),
            r.at,
            r.user_email.unwrap_or_default(),
            r.action,
            r.target.unwrap_or_default(),
            r.outcome,
            r.detail.unwrap_or_default(),
            r.ip.unwrap_or_default(),
        ];
        w.write_record(record.iter().map(|c| spreadsheet_safe(c).into_owned()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cws-audit.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
