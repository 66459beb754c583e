//! Signing in and out, setting a password from a one-use link, and the account page
//! (sign out everywhere, personal API tokens).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use cws_domain::user::Scope;
use cws_store::accounts::SessionStage;
use cws_store::{accounts, audit, users};
use serde::Deserialize;

use super::{
    clear_cookie, cookie, digest, new_secret, set_cookie, ClientIp, Via, Viewer, SESSION_COOKIE,
};
use crate::{AppState, WebError};

/// Failed sign-ins allowed within the window, per email address and per client address.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub fn failure_window() -> chrono::Duration {
    chrono::Duration::minutes(15)
}
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// Hashes a password with Argon2id (a fresh salt each time), off the async threads.
pub async fn hash_password(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || hash_password_now(&password)).await?
}

/// Hashes a password with Argon2id, on this thread (for the command line).
pub fn hash_password_now(password: &str) -> Result<String, WebError> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("hashing a password: {e}")))
}

/// Checks a password against a stored hash, off the async threads.
async fn verify_password(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password_now(&password, &stored))
        .await
        .unwrap_or(false)
}

/// Checks a password against a stored hash. A stored value that is not a hash (an invited
/// user who has not set one, or one whose password was reset) never matches — though the
/// check takes as long, so the answer does not tell who exists.
pub fn verify_password_now(password: &str, stored: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let real = stored.starts_with('$');
    let fallback;
    let hash = if real {
        stored
    } else {
        fallback = hash_password_now("not a password").unwrap_or_default();
        &fallback
    };
    let matches = PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    });
    real && matches && !password.is_empty()
}

/// Why a new password is refused, if it is.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD {
        return Some(format!(
            "Password must be {MIN_PASSWORD} characters or more"
        ));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Some("Password must not be your email address".into());
    }
    // zxcvbn's lists of common passwords, names and words, and its keyboard and date
    // patterns: "Password123!", "qwertyuiop12" or one's own address are not accepted
    let local = email.split('@').next().unwrap_or("");
    let guessable = zxcvbn::zxcvbn(password, &[email, local]);
    if u8::from(guessable.score()) < 3 {
        return Some(
            "Password is too easy to guess: it is a common password, or close to one. Choose a phrase of three or four unrelated words"
                .into(),
        );
    }
    None
}

/// Where to go after signing in: only a path on this site.
pub fn safe_next(next: &str) -> String {
    // a path on this site, with nothing that could break a header (CR, LF) or leave it
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next.to_string()
    } else {
        "/".into()
    }
}

type FieldErrors = Vec<(&'static str, String)>;

#[derive(Template)]
#[template(path = "account/sign_in.html")]
struct SignInPage {
    attribution: &'static str,
    synthetic_banner: bool,
    errors: FieldErrors,
    notice: Option<String>,
    email: String,
    next: String,
}

impl SignInPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.0 == field)
            .map(|e| e.1.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    next: Option<String>,
    done: Option<String>,
}

pub async fn sign_in_form(Query(q): Query<SignInQuery>) -> Result<Html<String>, WebError> {
    let notice = match q.done.as_deref() {
        Some("password") => Some("Your password is set. Sign in with it now.".into()),
        Some("out") => Some("You have signed out.".into()),
        Some("everywhere") => Some("You have signed out on every device.".into()),
        _ => None,
    };
    Ok(Html(
        SignInPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            errors: vec![],
            notice,
            email: String::new(),
            next: safe_next(q.next.as_deref().unwrap_or("/")),
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let email = form.email.trim().to_ascii_lowercase();
    let next = safe_next(&form.next);
    let page = |errors: FieldErrors| -> Result<Response, WebError> {
        Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Html(
                SignInPage {
                    attribution: cws_reference::ATTRIBUTION,
                    synthetic_banner: false,
                    errors,
                    notice: None,
                    email: email.clone(),
                    next: next.clone(),
                }
                .render()?,
            ),
        )
            .into_response())
    };
    let mut errors = FieldErrors::new();
    if email.is_empty() {
        errors.push(("email", "Enter your email address".into()));
    } else if !cws_domain::user::is_email_address(&email) {
        errors.push((
            "email",
            "Enter an email address in the correct format, like name@example.org".into(),
        ));
    }
    if form.password.is_empty() {
        errors.push(("password", "Enter your password".into()));
    }
    if !errors.is_empty() {
        return page(errors);
    }
    let record = |action: &'static str, outcome: &'static str, detail: Option<&'static str>| {
        let (db, email, ip) = (state.db.clone(), email.clone(), ip.clone());
        async move {
            audit::record(
                &db,
                &audit::Event {
                    user_id: None,
                    user_email: Some(&email),
                    action,
                    target: Some("/sign-in"),
                    outcome,
                    detail,
                    ip: Some(&ip),
                },
            )
            .await
        }
    };
    let (by_email, by_ip) =
        accounts::recent_failures(&state.db, &email, &ip, failure_window()).await?;
    if by_email >= MAX_FAILURES_PER_EMAIL || by_ip >= MAX_FAILURES_PER_ADDRESS {
        record("sign_in", "refused", Some("too many failed attempts")).await?;
        return page(vec![(
            "email",
            "You have tried to sign in too many times. Wait 15 minutes and try again, or ask your administrator to send you a new link".into(),
        )]);
    }
    let user = users::enabled_user_by_email(&state.db, &email).await?;
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_default();
    let ok = verify_password(form.password.clone(), stored).await;
    let Some(user) = user.filter(|_| ok) else {
        accounts::record_sign_in_failure(&state.db, &email, &ip).await?;
        record("sign_in", "failed", None).await?;
        return page(vec![(
            "email",
            "The email address or password is not right".into(),
        )]);
    };
    // the second factor next, if the person has one or their role must have one: the
    // password opens only that step's page (and wrong codes count with wrong passwords, so
    // the count is cleared only once someone is signed in)
    let must_have = user
        .access()
        .map_or(true, |a| a.role().must_have_second_factor());
    let stage = if accounts::second_factor(&state.db, user.id).await?.is_some() {
        SessionStage::CodeDue
    } else if must_have {
        SessionStage::SetUpDue
    } else {
        SessionStage::SignedIn
    };
    let (id, _) = open_session_at(&state.db, user.id, stage).await?;
    let (to, detail) = match stage {
        SessionStage::SignedIn => {
            accounts::clear_sign_in_failures(&state.db, &email).await?;
            (next.clone(), None)
        }
        SessionStage::CodeDue => (
            format!(
                "/sign-in/code?{}",
                serde_urlencoded::to_string([("next", &next)]).unwrap_or_default()
            ),
            Some("password right; code due"),
        ),
        SessionStage::SetUpDue => (
            format!(
                "{}?{}",
                super::second_factor::SIGN_IN_SET_UP,
                serde_urlencoded::to_string([("next", &next)]).unwrap_or_default()
            ),
            Some("password right; second factor to set up"),
        ),
    };
    audit::record(
        &state.db,
        &audit::Event {
            user_id: Some(user.id),
            user_email: Some(&user.email),
            action: if stage == SessionStage::SignedIn {
                "sign_in"
            } else {
                "sign_in_password"
            },
            target: Some("/sign-in"),
            outcome: "ok",
            detail,
            ip: Some(&ip),
        },
    )
    .await?;
    let mut response = Redirect::to(&to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &id));
    Ok(response)
}

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Extension(pending): Extension<Option<super::Pending>>,
    ClientIp(ip): ClientIp,
) -> Result<Response, WebError> {
    if let Some(p) = &pending {
        accounts::delete_session(&state.db, &p.id_hash).await?;
    }
    if let Some(v) = &viewer {
        if let Via::Session { id_hash, .. } = &v.via {
            accounts::delete_session(&state.db, id_hash).await?;
        }
        audit_self(&state, v, "sign_out", &ip).await?;
    }
    let mut response = Redirect::to("/sign-in?done=out").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    Ok(response)
}

async fn audit_self(state: &AppState, v: &Viewer, action: &str, ip: &str) -> Result<(), WebError> {
    Ok(audit::record(
        &state.db,
        &audit::Event {
            user_id: Some(v.user_id),
            user_email: Some(&v.email),
            action,
            target: None,
            outcome: "ok",
            detail: None,
            ip: Some(ip),
        },
    )
    .await?)
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    ClientIp(ip): ClientIp,
) -> Result<Response, WebError> {
    let v = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    // every session and every personal API token: "everywhere" includes scripts
    accounts::sign_out_everywhere(&state.db, v.user_id).await?;
    audit_self(&state, &v, "sign_out_everywhere", &ip).await?;
    let mut response = Redirect::to("/sign-in?done=everywhere").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    Ok(response)
}

#[derive(Template)]
#[template(path = "account/set_password.html")]
struct SetPasswordPage {
    attribution: &'static str,
    synthetic_banner: bool,
    errors: FieldErrors,
    email: String,
    token: String,
}

impl SetPasswordPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.0 == field)
            .map(|e| e.1.as_str())
    }
}

fn link_expired() -> WebError {
    WebError::NotFound(
        "This link has expired or has been used. Ask your administrator for a new one.".into(),
    )
}

pub async fn set_password_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let user = accounts::link_user(&state.db, &digest(&token))
        .await?
        .ok_or_else(link_expired)?;
    Ok(Html(
        SetPasswordPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            errors: vec![],
            email: user.email,
            token,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn set_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ClientIp(ip): ClientIp,
    Form(form): Form<SetPasswordForm>,
) -> Result<Response, WebError> {
    let token_hash = digest(&token);
    let user = accounts::link_user(&state.db, &token_hash)
        .await?
        .ok_or_else(link_expired)?;
    let mut errors = FieldErrors::new();
    if let Some(p) = password_problem(&form.password, &user.email) {
        errors.push(("password", p));
    } else if form.password != form.confirm {
        errors.push(("confirm", "The passwords do not match".into()));
    }
    if !errors.is_empty() {
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Html(
                SetPasswordPage {
                    attribution: cws_reference::ATTRIBUTION,
                    synthetic_banner: false,
                    errors,
                    email: user.email,
                    token,
                }
                .render()?,
            ),
        )
            .into_response());
    }
    let hash = hash_password(form.password).await?;
    if accounts::use_link(&state.db, &token_hash, &hash)
        .await?
        .is_none()
    {
        return Err(link_expired());
    }
    audit::record(
        &state.db,
        &audit::Event {
            user_id: Some(user.id),
            user_email: Some(&user.email),
            action: "set_password",
            target: None,
            outcome: "ok",
            detail: None,
            ip: Some(&ip),
        },
    )
    .await?;
    Ok(Redirect::to("/sign-in?done=password").into_response())
}

struct TokenView {
    id: String,
    name: String,
    created_at: String,
    expires: String,
    last_used: String,
    status: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    attribution: &'static str,
    synthetic_banner: bool,
    name: String,
    email: String,
    role: &'static str,
    scope: String,
    tokens: Vec<TokenView>,
    new_token: Option<String>,
    notice: Option<String>,
    /// Recovery codes left, if a second factor is set up.
    second_factor: Option<i64>,
    second_factor_required: bool,
}

impl AccountPage {
    /// A stored time as people write it: "1 December 2026 at 09:30" ("never" stays).
    fn when(&self, stored: &str) -> String {
        crate::returns::own::when(stored)
    }
}

/// A scope in words.
pub fn scope_words(scope: &Scope) -> String {
    match scope {
        Scope::Organisation { area, org } => format!("Organisation {org} in area {area}"),
        Scope::Area { area } => format!("Area {area}"),
        Scope::Region { region } => format!("Region {region}"),
        Scope::National => "England".into(),
    }
}

async fn account_page(
    state: &AppState,
    v: &Viewer,
    new_token: Option<String>,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let tokens = accounts::api_tokens_of(&state.db, v.user_id)
        .await?
        .into_iter()
        .map(|t| {
            let expires = accounts::api_token_expiry(&t.created_at).unwrap_or_default();
            let expired = expires.as_str() <= now.as_str();
            TokenView {
                // the first characters of the digest name a token without revealing it
                id: t.token_hash[..16].to_string(),
                name: t.name,
                created_at: t.created_at,
                expires,
                last_used: t.last_used_at.unwrap_or_else(|| "never".into()),
                status: match (t.revoked_at.is_some(), expired) {
                    (true, _) => "revoked",
                    (false, true) => "expired",
                    (false, false) => "active",
                },
                active: t.revoked_at.is_none() && !expired,
            }
        })
        .collect();
    let second_factor = accounts::second_factor(&state.db, v.user_id)
        .await?
        .map(|f| f.recovery_codes_left);
    Ok(Html(
        AccountPage {
            second_factor,
            second_factor_required: v.access.role().must_have_second_factor(),
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            name: v.name.clone(),
            email: v.email.clone(),
            role: v.access.role().label(),
            scope: scope_words(v.access.scope()),
            tokens,
            new_token,
            notice,
        }
        .render()?,
    ))
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    done: Option<String>,
}

pub async fn account(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Query(q): Query<AccountQuery>,
) -> Result<Html<String>, WebError> {
    let v = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    // notices from fixed keys only, never text from the address
    let notice = match q.done.as_deref() {
        Some("second-factor-off") => {
            Some("Your second factor is turned off: your password alone signs you in.".to_string())
        }
        _ => None,
    };
    account_page(&state, &v, None, notice).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

/// The prefix of every personal API token, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "cws_";

pub async fn create_token(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<TokenForm>,
) -> Result<Html<String>, WebError> {
    let v = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    let name = match form.name.trim() {
        "" => "API token".to_string(),
        n => n.chars().take(80).collect(),
    };
    let token = format!("{TOKEN_PREFIX}{}", new_secret());
    accounts::create_api_token(&state.db, &digest(&token), v.user_id, &name).await?;
    audit_self(&state, &v, "create_api_token", &ip).await?;
    account_page(&state, &v, Some(token), None).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
) -> Result<Html<String>, WebError> {
    let v = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    let hash = accounts::api_tokens_of(&state.db, v.user_id)
        .await?
        .into_iter()
        .find(|t| t.token_hash.starts_with(&id) && id.len() == 16)
        .map(|t| t.token_hash)
        .ok_or_else(|| WebError::NotFound("You have no such token.".into()))?;
    accounts::revoke_api_token(&state.db, v.user_id, &hash).await?;
    audit_self(&state, &v, "revoke_api_token", &ip).await?;
    account_page(&state, &v, None, Some("The token is revoked.".into())).await
}

/// Opens a session for a user: returns the session cookie's value and the CSRF token of its
/// forms (only their digests and the token are stored).
pub async fn open_session(db: &cws_store::Db, user_id: i64) -> Result<(String, String), WebError> {
    open_session_at(db, user_id, SessionStage::SignedIn).await
}

/// Opens a session at a stage of signing in (a password right, a code due, …).
pub async fn open_session_at(
    db: &cws_store::Db,
    user_id: i64,
    stage: SessionStage,
) -> Result<(String, String), WebError> {
    let (id, csrf) = (new_secret(), new_secret());
    accounts::create_session(db, &digest(&id), user_id, &csrf, stage).await?;
    Ok((id, csrf))
}

/// The session cookie of a request, for tests and tools.
pub fn session_of(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_refused() {
        for common in [
            "password1234",
            "Password123!",
            "qwertyuiop12",
            "iloveyou1234",
            "lead@example.org1",
        ] {
            assert!(
                password_problem(common, "lead@example.org").is_some(),
                "{common}"
            );
        }
        for good in ["a long test password", "correct horse battery staple"] {
            assert_eq!(password_problem(good, "lead@example.org"), None, "{good}");
        }
    }

    #[test]
    fn an_account_without_a_password_never_signs_in() {
        let hash = hash_password_now("a long test password").unwrap();
        assert!(verify_password_now("a long test password", &hash));
        assert!(!verify_password_now("another password", &hash));
        // the stand-in hash checked for an account with none must not let its own text in
        for stored in ["!", "", "invited"] {
            assert!(!verify_password_now("not a password", stored), "{stored}");
        }
    }

    #[test]
    fn after_signing_in_only_a_plain_path_on_this_site() {
        assert_eq!(safe_next("/areas/318"), "/areas/318");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/x\r\nSet-Cookie: a=b",
            "/x\u{0}",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
