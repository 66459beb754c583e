//! The second factor: a time-based one-time password (RFC 6238, the six-digit code of an
//! authenticator app) asked for after the password, with ten one-use recovery codes for a
//! lost phone. Administrators and area leads must have one (`UserRole::
//! must_have_second_factor`): their password alone opens only the page that sets one up.
//! Others may choose one on their account page.
//!
//! A password that is right opens a session at a stage (`SessionStage`): the code is due, or
//! setting one up is. Only when that step is done does the person get a session of their own,
//! under a new id (the half-way session ends), so nothing done before it carries over.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use cws_domain::user::UserRole;
use cws_store::accounts::{self, SessionStage};
use cws_store::audit;
use serde::Deserialize;

use super::account::{
    failure_window, open_session, safe_next, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_EMAIL,
};
use super::{clear_cookie, digest, set_cookie, ClientIp, Pending, Via, Viewer, SESSION_COOKIE};
use crate::{AppState, WebError};

/// The name authenticator apps show beside the code.
const ISSUER: &str = "cws";
/// How many recovery codes a person is given at a time.
pub const RECOVERY_CODES: usize = 10;
/// Letters and digits of recovery codes: none that is easily mistaken for another.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// The one-time-password generator for a key (base32) and the account it is for.
fn generator(key: &str, email: &str) -> Option<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(key).ok()?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name(email.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// A new key for an authenticator: 160 random bits (RFC 4226's recommendation), base32.
pub fn new_key() -> String {
    let bytes: [u8; 20] = rand::random();
    totp_rs::Secret::from(bytes).to_base32()
}

/// The `otpauth://` address an authenticator reads from the QR code.
fn otpauth_uri(key: &str, email: &str) -> Option<String> {
    generator(key, email)?.to_url().ok()
}

/// The time step whose code `code` is, at `now` (seconds since 1970), allowing one step
/// either side for clocks that differ; `None` if it is no code of this key now.
pub fn code_step(key: &str, email: &str, code: &str, now: u64) -> Option<u64> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    generator(key, email)?.check(&digits, now)
}

/// The code of a key at `now`, as an authenticator app would show it (for tests and tools).
pub fn code_at(key: &str, email: &str, now: u64) -> Option<String> {
    Some(generator(key, email)?.generate(now).to_string())
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Ten new recovery codes, each twelve characters (about 59 bits) written `abcd-efgh-jkmn`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<char> = (0..12)
                .map(|_| RECOVERY_ALPHABET[rand::random_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// How a recovery code is stored: the digest of its letters and digits in lower case, so
/// that `ABCD EFGH JKMN` is the same code as `abcd-efgh-jkmn`.
pub fn recovery_code_digest(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    digest(&plain)
}

/// A key written in groups of four, as people type it.
fn grouped(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of an `otpauth://` address as inline SVG (no script, no data address, so the
/// content security policy holds).
fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code of the key written below it\" class=\"qr-code\" ",
        1,
    ))
}

type FieldErrors = Vec<(&'static str, String)>;

fn error_for<'a>(errors: &'a FieldErrors, field: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.0 == field).map(|e| e.1.as_str())
}

#[derive(Template)]
#[template(path = "account/second_factor_code.html")]
struct CodePage {
    attribution: &'static str,
    synthetic_banner: bool,
    errors: FieldErrors,
    email: String,
    next: String,
}

impl CodePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

fn back_to_sign_in() -> Response {
    Redirect::to("/sign-in").into_response()
}

/// The page asking for the code, for a session whose password was right.
pub async fn code_form(
    Extension(pending): Extension<Option<Pending>>,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let Some(p) = pending.filter(|p| p.stage == SessionStage::CodeDue) else {
        return Ok(back_to_sign_in());
    };
    Ok(Html(
        CodePage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            errors: vec![],
            email: p.email,
            next: safe_next(q.next.as_deref().unwrap_or("/")),
        }
        .render()?,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

async fn record(
    state: &AppState,
    user_id: i64,
    email: &str,
    action: &str,
    outcome: &str,
    detail: Option<&str>,
    ip: &str,
) -> Result<(), WebError> {
    Ok(audit::record(
        &state.db,
        &audit::Event {
            user_id: Some(user_id),
            user_email: Some(email),
            action,
            target: Some("/sign-in"),
            outcome,
            detail,
            ip: Some(ip),
        },
    )
    .await?)
}

/// Ends the half-way session and opens the person's own, under a new id; sends them on.
async fn finish_sign_in(
    state: &AppState,
    pending: &Pending,
    next: &str,
    ip: &str,
    how: &str,
) -> Result<Response, WebError> {
    accounts::delete_session(&state.db, &pending.id_hash).await?;
    accounts::clear_sign_in_failures(&state.db, &pending.email).await?;
    let (id, _) = open_session(&state.db, pending.user_id).await?;
    record(
        state,
        pending.user_id,
        &pending.email,
        "sign_in",
        "ok",
        Some(how),
        ip,
    )
    .await?;
    let mut response = Redirect::to(next).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &id));
    Ok(response)
}

/// Checks a code (or a recovery code) for someone with a second factor, using it up if it is
/// right. Returns how it was proved ("code", "recovery code") or `None`.
async fn prove(
    state: &AppState,
    user_id: i64,
    email: &str,
    code: &str,
) -> Result<Option<&'static str>, WebError> {
    let Some(factor) = accounts::second_factor(&state.db, user_id).await? else {
        return Ok(None);
    };
    if let Some(step) = code_step(&factor.secret, email, code, now_seconds()) {
        // a code works once: the same code again within its half-minute is refused
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        return Ok(accounts::accept_code_step(&state.db, user_id, step)
            .await?
            .then_some("code"));
    }
    let plain = code.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    if plain == 12
        && accounts::use_recovery_code(&state.db, user_id, &recovery_code_digest(code)).await?
    {
        return Ok(Some("recovery code"));
    }
    Ok(None)
}

/// The code after the password.
pub async fn code(
    State(state): State<AppState>,
    Extension(pending): Extension<Option<Pending>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(p) = pending.filter(|p| p.stage == SessionStage::CodeDue) else {
        return Ok(back_to_sign_in());
    };
    let next = safe_next(&form.next);
    let page = |errors: FieldErrors, status: StatusCode| -> Result<Response, WebError> {
        Ok((
            status,
            Html(
                CodePage {
                    attribution: cws_reference::ATTRIBUTION,
                    synthetic_banner: false,
                    errors,
                    email: p.email.clone(),
                    next: next.clone(),
                }
                .render()?,
            ),
        )
            .into_response())
    };
    if form.code.trim().is_empty() {
        return page(
            vec![(
                "code",
                "Enter the 6-digit code from your authenticator app".into(),
            )],
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    // wrong codes count with wrong passwords: five, and the account waits
    let (by_email, by_ip) =
        accounts::recent_failures(&state.db, &p.email, &ip, failure_window()).await?;
    if by_email >= MAX_FAILURES_PER_EMAIL || by_ip >= MAX_FAILURES_PER_ADDRESS {
        accounts::delete_session(&state.db, &p.id_hash).await?;
        record(
            &state,
            p.user_id,
            &p.email,
            "sign_in",
            "refused",
            Some("too many wrong codes"),
            &ip,
        )
        .await?;
        let mut response = page(
            vec![(
                "code",
                "You have entered too many wrong codes. Wait 15 minutes and sign in again".into(),
            )],
            StatusCode::TOO_MANY_REQUESTS,
        )?;
        response
            .headers_mut()
            .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
        return Ok(response);
    }
    match prove(&state, p.user_id, &p.email, &form.code).await? {
        Some(how) => finish_sign_in(&state, &p, &next, &ip, how).await,
        None => {
            accounts::record_sign_in_failure(&state.db, &p.email, &ip).await?;
            record(
                &state,
                p.user_id,
                &p.email,
                "sign_in",
                "failed",
                Some("wrong code"),
                &ip,
            )
            .await?;
            page(
                vec![(
                    "code",
                    "The code is not right. Enter the code your authenticator app shows now (each code works once), or one of your recovery codes".into(),
                )],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

#[derive(Template)]
#[template(path = "account/second_factor_set_up.html")]
struct SetUpPage {
    attribution: &'static str,
    synthetic_banner: bool,
    errors: FieldErrors,
    /// Where the form goes: the sign-in step, or the account page's.
    action: &'static str,
    /// Whether the person's role requires it (they cannot skip it).
    required: bool,
    /// Whether this replaces a second factor they already have.
    replacing: bool,
    email: String,
    key: String,
    key_grouped: String,
    uri: String,
    qr: String,
    next: String,
}

impl SetUpPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

/// Whoever is setting up a second factor: someone signed in (from their account page) or
/// someone whose role requires one, part-way through signing in.
struct SettingUp {
    user_id: i64,
    email: String,
    role: UserRole,
    during_sign_in: Option<Pending>,
}

fn setting_up(viewer: Option<Viewer>, pending: Option<Pending>, path: &str) -> Option<SettingUp> {
    if path == SIGN_IN_SET_UP {
        let p = pending.filter(|p| p.stage == SessionStage::SetUpDue)?;
        return Some(SettingUp {
            user_id: p.user_id,
            email: p.email.clone(),
            role: p.role,
            during_sign_in: Some(p),
        });
    }
    let v = viewer.filter(|v| matches!(v.via, Via::Session { .. }))?;
    Some(SettingUp {
        user_id: v.user_id,
        email: v.email,
        role: v.access.role(),
        during_sign_in: None,
    })
}

/// The set-up page during sign-in.
pub const SIGN_IN_SET_UP: &str = "/sign-in/set-up";
/// The set-up page from the account page.
pub const ACCOUNT_SET_UP: &str = "/account/second-factor";

async fn set_up_page(
    state: &AppState,
    who: &SettingUp,
    key: String,
    next: String,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let uri = otpauth_uri(&key, &who.email)
        .ok_or_else(|| WebError::Internal("an authenticator address".into()))?;
    let replacing = accounts::second_factor(&state.db, who.user_id)
        .await?
        .is_some();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(
            SetUpPage {
                attribution: cws_reference::ATTRIBUTION,
                synthetic_banner: false,
                errors,
                action: if who.during_sign_in.is_some() {
                    SIGN_IN_SET_UP
                } else {
                    ACCOUNT_SET_UP
                },
                required: who.role.must_have_second_factor(),
                replacing,
                email: who.email.clone(),
                key_grouped: grouped(&key),
                qr: qr_svg(&uri).unwrap_or_default(),
                uri,
                key,
                next,
            }
            .render()?,
        ),
    )
        .into_response())
}

/// The page that sets up a second factor: a new key, as a QR code and as text.
pub async fn set_up_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Extension(pending): Extension<Option<Pending>>,
    uri: axum::http::Uri,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let Some(who) = setting_up(viewer, pending, uri.path()) else {
        return Ok(back_to_sign_in());
    };
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    set_up_page(&state, &who, new_key(), next, vec![]).await
}

#[derive(Deserialize)]
pub struct SetUpForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

#[derive(Template)]
#[template(path = "account/recovery_codes.html")]
struct RecoveryCodesPage {
    attribution: &'static str,
    synthetic_banner: bool,
    codes: Vec<String>,
    /// Where "Continue" goes.
    next: String,
    heading: &'static str,
}

fn recovery_codes_page(
    codes: Vec<String>,
    next: String,
    heading: &'static str,
) -> Result<Response, WebError> {
    Ok(Html(
        RecoveryCodesPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: false,
            codes,
            next,
            heading,
        }
        .render()?,
    )
    .into_response())
}

/// Sets up the second factor once the person's authenticator shows a right code for the
/// key; shows the recovery codes once. During sign-in, the person is then signed in.
pub async fn set_up(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Extension(pending): Extension<Option<Pending>>,
    uri: axum::http::Uri,
    ClientIp(ip): ClientIp,
    Form(form): Form<SetUpForm>,
) -> Result<Response, WebError> {
    let Some(who) = setting_up(viewer, pending, uri.path()) else {
        return Ok(back_to_sign_in());
    };
    let next = safe_next(&form.next);
    // a key that is not one cws could have made is not taken: a fresh one is shown
    let key = form.key.trim().to_string();
    if totp_rs::Secret::try_from_base32(&key).map_or(true, |s| s.len() != 20) {
        return set_up_page(
            &state,
            &who,
            new_key(),
            next,
            vec![(
                "code",
                "The key was not recognised. Scan the new QR code below and enter its code".into(),
            )],
        )
        .await;
    }
    let step = if form.code.trim().is_empty() {
        return set_up_page(
            &state,
            &who,
            key,
            next,
            vec![(
                "code",
                "Enter the 6-digit code your authenticator app shows for cws".into(),
            )],
        )
        .await;
    } else {
        code_step(&key, &who.email, &form.code, now_seconds())
    };
    let Some(step) = step else {
        return set_up_page(
            &state,
            &who,
            key,
            next,
            vec![(
                "code",
                "The code is not right. Check the app shows a code for cws and that your phone's clock is set automatically, then enter the code it shows now".into(),
            )],
        )
        .await;
    };
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_code_digest(c)).collect();
    accounts::set_second_factor(
        &state.db,
        who.user_id,
        &key,
        i64::try_from(step).unwrap_or(i64::MAX),
        &hashes,
    )
    .await?;
    record(
        &state,
        who.user_id,
        &who.email,
        "set_up_second_factor",
        "ok",
        None,
        &ip,
    )
    .await?;
    match &who.during_sign_in {
        Some(p) => {
            // signed in now, under a new session id; the codes page is the first it shows
            let mut response = recovery_codes_page(
                codes,
                next.clone(),
                "Your second factor is set up: save your recovery codes",
            )?;
            let signed_in = finish_sign_in(&state, p, &next, &ip, "second factor set up").await?;
            if let Some(cookie) = signed_in.headers().get(header::SET_COOKIE) {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, cookie.clone());
            }
            response.extensions_mut().insert(super::NoAccountBar);
            Ok(response)
        }
        None => recovery_codes_page(
            codes,
            "/account".into(),
            "Your second factor is set up: save your recovery codes",
        ),
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    code: String,
}

/// New recovery codes (the old ones stop working), after a code from the authenticator.
pub async fn new_codes(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    let v = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    if prove(&state, v.user_id, &v.email, &form.code).await? != Some("code") {
        accounts::record_sign_in_failure(&state.db, &v.email, &ip).await?;
        return Err(WebError::Unprocessable(
            "The code is not right: enter the code your authenticator app shows now. Your recovery codes are unchanged.".into(),
        ));
    }
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_code_digest(c)).collect();
    accounts::new_recovery_codes(&state.db, v.user_id, &hashes).await?;
    record(
        &state,
        v.user_id,
        &v.email,
        "new_recovery_codes",
        "ok",
        None,
        &ip,
    )
    .await?;
    recovery_codes_page(
        codes,
        "/account".into(),
        "Your new recovery codes: the old ones no longer work",
    )
}

/// Turns the second factor off, for a role that does not require one, after a code.
pub async fn turn_off(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    let v = viewer.ok_or_else(|| WebError::Internal("no viewer".into()))?;
    if v.access.role().must_have_second_factor() {
        return Err(WebError::Unprocessable(format!(
            "A second factor is required for an {}: it can be replaced (set up a new one) but not turned off.",
            v.access.role().label().to_lowercase()
        )));
    }
    if prove(&state, v.user_id, &v.email, &form.code).await? != Some("code") {
        accounts::record_sign_in_failure(&state.db, &v.email, &ip).await?;
        return Err(WebError::Unprocessable(
            "The code is not right: enter the code your authenticator app shows now. Your second factor is still on.".into(),
        ));
    }
    accounts::remove_second_factor(&state.db, v.user_id).await?;
    record(
        &state,
        v.user_id,
        &v.email,
        "turn_off_second_factor",
        "ok",
        None,
        &ip,
    )
    .await?;
    Ok(Redirect::to("/account?done=second-factor-off").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_the_authenticator_s_for_this_half_minute_or_the_next_or_last() {
        let key = new_key();
        assert_eq!(key.len(), 32, "{key}");
        let now = 1_800_000_000;
        let code = code_at(&key, "a@example.org", now).unwrap();
        assert_eq!(code_step(&key, "a@example.org", &code, now), Some(now / 30));
        // typed with a space, as some apps show it
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(code_step(&key, "a@example.org", &spaced, now).is_some());
        assert!(code_step(&key, "a@example.org", &code, now + 30).is_some());
        assert!(code_step(&key, "a@example.org", &code, now + 90).is_none());
        assert!(code_step(&new_key(), "a@example.org", &code, now).is_none());
        for bad in ["", "12345", "1234567", "abcdef", "12 34 5x"] {
            assert!(
                code_step(&key, "a@example.org", bad, now).is_none(),
                "{bad}"
            );
        }
    }

    #[test]
    fn recovery_codes_are_random_and_read_however_they_are_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for c in &codes {
            assert_eq!(c.len(), 14, "{c}");
            assert!(!c.contains(['0', '1', 'l', 'o', 'i']), "{c}");
        }
        let c = &codes[0];
        assert_eq!(
            recovery_code_digest(&c.to_uppercase().replace('-', " ")),
            recovery_code_digest(c)
        );
        assert_ne!(recovery_code_digest(&codes[1]), recovery_code_digest(c));
    }

    #[test]
    fn the_qr_code_is_inline_svg_with_a_text_alternative() {
        let key = new_key();
        let uri = otpauth_uri(&key, "lead@example.org").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/cws:lead%40example.org?"),
            "{uri}"
        );
        assert!(uri.contains(&format!("secret={key}")), "{uri}");
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label="), "{svg}");
        assert!(!svg.contains("<?xml"));
    }
}
