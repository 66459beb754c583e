//! Who is asking and whether they may: sessions (cookies held in the database), personal API
//! tokens, CSRF protection on every state change, and the authorisation of every route
//! (`policy`), with worker-level reads, exports and imports written to the audit log.
//!
//! Three layers, outermost first:
//! 1. `identify` finds the viewer from the session cookie or a bearer token, and fills the
//!    CSRF token and the account bar into HTML pages (templates hold placeholders, so no page
//!    handler has to remember them);
//! 2. `check_csrf` refuses a state change from a browser without the form's token;
//! 3. `authorise` (on matched routes) applies `policy::ROUTES`.

pub mod account;
pub mod admin;
pub mod policy;
pub mod second_factor;

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, MatchedPath, RawPathParams, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cws_domain::user::Access;
use cws_store::audit;
use sha2::{Digest, Sha256};

use crate::AppState;
use policy::{decide, Need, Target};

/// The session cookie.
pub const SESSION_COOKIE: &str = "__Host-cws_session";
/// The cookie holding the CSRF token of forms shown before sign-in.
pub const FORM_COOKIE: &str = "__Host-cws_form";
/// Written in templates wherever a form's CSRF token goes.
pub const CSRF_PLACEHOLDER: &str = "__CWS_CSRF__";
/// Written in the page header where the account bar goes.
pub const ACCOUNT_PLACEHOLDER: &str = "<!--cws:account-->";
/// Sessions end after this long without use.
pub fn idle_timeout() -> chrono::Duration {
    chrono::Duration::hours(2)
}

/// How long a session lasts however busy it is (12 hours): then everyone signs in again.
pub fn session_limit() -> chrono::Duration {
    chrono::Duration::hours(12)
}

/// The signed-in user making a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub access: Access,
    /// How they proved who they are.
    pub via: Via,
}

/// Someone part-way through signing in: their password was right, and the second factor's
/// step (`stage`) is due. They are no viewer: only that step's pages know them.
#[derive(Debug, Clone)]
pub struct Pending {
    pub user_id: i64,
    pub email: String,
    pub role: cws_domain::user::UserRole,
    pub stage: cws_store::accounts::SessionStage,
    pub id_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session: the hash of its id, and the CSRF token of its forms.
    Session { id_hash: String, csrf: String },
    /// A personal API token (no cookies, so no CSRF).
    Token,
}

/// A new random secret as hex (32 bytes from the operating system's generator).
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// How a secret is stored: its SHA-256 digest.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The value of a cookie in a request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: not readable by scripts, sent only over HTTPS (browsers treat
/// localhost as secure), and not on cross-site requests.
pub fn set_cookie(name: &str, value: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's address, for throttling and the audit log.
pub fn client_ip(request_extensions: &axum::http::Extensions) -> String {
    request_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Refusals counted by client address, so that a flood of them is not written to the audit
/// log line by line: the first [`RefusalLog::PER_MINUTE`] a minute from one address are.
#[derive(Clone, Default, Debug)]
pub struct RefusalLog(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>>,
);

impl RefusalLog {
    pub const PER_MINUTE: u32 = 20;

    /// Counts a refusal from `ip`; whether it is to be audited.
    pub fn note(&self, ip: &str) -> bool {
        let minute = std::time::Duration::from_secs(60);
        let Ok(mut seen) = self.0.lock() else {
            return true;
        };
        if seen.len() > 10_000 {
            seen.retain(|_, (since, _)| since.elapsed() < minute);
        }
        let (since, count) = seen
            .entry(ip.to_string())
            .or_insert((std::time::Instant::now(), 0));
        if since.elapsed() >= minute {
            (*since, *count) = (std::time::Instant::now(), 0);
        }
        *count += 1;
        *count <= Self::PER_MINUTE
    }
}

/// The client's address as an extractor.
pub struct ClientIp(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(&parts.extensions)))
    }
}

/// Who is asking: a viewer (signed in), or someone part-way through signing in.
async fn viewer_from(state: &AppState, headers: &HeaderMap) -> (Option<Viewer>, Option<Pending>) {
    match session_from(state, headers).await {
        Some(Identified::Viewer(v)) => (Some(v), None),
        Some(Identified::Pending(p)) => (None, Some(p)),
        None => (None, None),
    }
}

enum Identified {
    Viewer(Viewer),
    Pending(Pending),
}

async fn session_from(state: &AppState, headers: &HeaderMap) -> Option<Identified> {
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        let user = cws_store::accounts::api_token_user(&state.db, &digest(token.trim()))
            .await
            .ok()??;
        return Some(Identified::Viewer(Viewer {
            user_id: user.id,
            email: user.email.clone(),
            name: user.display_name.clone(),
            access: user.access().ok()?,
            via: Via::Token,
        }));
    }
    let id = cookie(headers, SESSION_COOKIE)?;
    let id_hash = digest(&id);
    let s = cws_store::accounts::session(&state.db, &id_hash, idle_timeout(), session_limit())
        .await
        .ok()??;
    // mark the session used, at most every five minutes (not a write per request)
    let stale = chrono::DateTime::parse_from_rfc3339(&s.last_seen_at)
        .map(|t| chrono::Utc::now().signed_duration_since(t) > chrono::Duration::minutes(5))
        .unwrap_or(true);
    if stale {
        let _ = cws_store::accounts::touch_session(&state.db, &id_hash).await;
    }
    let access = s.user.access().ok()?;
    if s.stage != cws_store::accounts::SessionStage::SignedIn {
        return Some(Identified::Pending(Pending {
            user_id: s.user.id,
            email: s.user.email.clone(),
            role: access.role(),
            stage: s.stage,
            id_hash,
        }));
    }
    Some(Identified::Viewer(Viewer {
        user_id: s.user.id,
        email: s.user.email.clone(),
        name: s.user.display_name.clone(),
        access,
        via: Via::Session {
            id_hash,
            csrf: s.csrf,
        },
    }))
}

/// Layer 1: finds the viewer, runs the request, and completes HTML pages.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let (viewer, pending) = viewer_from(&state, request.headers()).await;
    // the token forms on this page carry: the session's, or a pre-sign-in one in a cookie
    let (csrf, new_form_cookie) = match &viewer {
        Some(Viewer {
            via: Via::Session { csrf, .. },
            ..
        }) => (csrf.clone(), None),
        _ => match cookie(request.headers(), FORM_COOKIE) {
            Some(t) if t.len() == 64 => (t, None),
            _ => {
                let t = new_secret();
                (t.clone(), Some(t))
            }
        },
    };
    request.extensions_mut().insert(viewer.clone());
    request.extensions_mut().insert(pending);
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 16 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut html = String::from_utf8_lossy(&bytes).into_owned();
    if html.contains(CSRF_PLACEHOLDER) {
        html = html.replace(CSRF_PLACEHOLDER, &csrf);
        if let Some(t) = new_form_cookie {
            parts
                .headers
                .append(header::SET_COOKIE, set_cookie(FORM_COOKIE, &t));
        }
    }
    if html.contains(ACCOUNT_PLACEHOLDER) {
        // a page that has just changed who is signed in shows no account bar: the one this
        // request began with would be wrong
        let bar = if parts.extensions.get::<NoAccountBar>().is_some() {
            String::new()
        } else {
            account_bar(viewer.as_ref(), &csrf)
        };
        html = html.replace(ACCOUNT_PLACEHOLDER, &bar);
    }
    // pages differ by viewer: never cached by shared caches
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

/// Put on a response whose page should show no account bar.
#[derive(Clone, Copy, Debug)]
pub struct NoAccountBar;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn account_bar(viewer: Option<&Viewer>, csrf: &str) -> String {
    match viewer {
        Some(v) => {
            let admin = if v.access.role() == cws_domain::user::UserRole::Administrator {
                "<a href=\"/admin/users\">Users</a> <a href=\"/admin/audit\">Audit log</a> "
            } else {
                ""
            };
            format!(
                "<nav class=\"account-bar\" aria-label=\"Your account\"><span>{} ({})</span> {admin}<a href=\"/account\">Your account</a> \
                 <form method=\"post\" action=\"/sign-out\" class=\"inline-form\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                 <button type=\"submit\" class=\"link-button\">Sign out</button></form></nav>",
                escape(&v.name),
                escape(v.access.role().label()),
            )
        }
        None => "<nav class=\"account-bar\" aria-label=\"Your account\"><a href=\"/sign-in\">Sign in</a></nav>".into(),
    }
}

fn forbidden(heading: &str, message: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(crate::pages::error_page(heading, message)),
    )
        .into_response()
}

/// Layer 2: a state change from a browser must carry the token of a form cws showed it.
pub async fn check_csrf(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let viewer = request
        .extensions()
        .get::<Option<Viewer>>()
        .cloned()
        .flatten();
    let expected = match &viewer {
        Some(Viewer {
            via: Via::Token, ..
        }) => return next.run(request).await,
        Some(Viewer {
            via: Via::Session { csrf, .. },
            ..
        }) => Some(csrf.clone()),
        None => cookie(request.headers(), FORM_COOKIE),
    };
    // the token: a header (scripts) or a form field — never the address, which ends up in
    // logs and histories
    let mut given = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let request = if given.is_some() {
        request
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, 2 * 1024 * 1024).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
        };
        given = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|f| f.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v));
        Request::from_parts(parts, Body::from(bytes))
    } else if let Some(boundary) = multipart_boundary(&content_type) {
        // a multipart form carries the token as its first part: read just that much of the
        // body (an upload may be 64 MB), then hand the whole body on
        let (parts, body) = request.into_parts();
        let mut stream = body.into_data_stream();
        let mut start = Vec::new();
        while start.len() < 16 * 1024 && first_part(&start, &boundary).is_none() {
            match futures_util::StreamExt::next(&mut stream).await {
                Some(Ok(chunk)) => start.extend_from_slice(&chunk),
                Some(Err(_)) | None => break,
            }
        }
        given = first_part(&start, &boundary)
            .filter(|(name, _)| name == "csrf")
            .map(|(_, value)| value);
        let rest = futures_util::StreamExt::chain(
            futures_util::stream::once(async move {
                Ok::<_, axum::Error>(axum::body::Bytes::from(start))
            }),
            stream,
        );
        Request::from_parts(parts, Body::from_stream(rest))
    } else {
        request
    };
    match (expected, given) {
        (Some(e), Some(g)) if !e.is_empty() && constant_time_eq(e.as_bytes(), g.as_bytes()) => {
            next.run(request).await
        }
        _ => forbidden(
            "This form has expired",
            "Go back, reload the page and try again. (The form did not carry the security token cws gave it.)",
        ),
    }
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The first part of a multipart body, once `body` holds all of it: its field name and its
/// value as text.
fn first_part(body: &[u8], boundary: &str) -> Option<(String, String)> {
    let text = std::str::from_utf8(body.get(..body.len().min(16 * 1024))?).ok()?;
    let opening = format!("--{boundary}\r\n");
    let rest = text.strip_prefix(opening.as_str())?;
    let (head, after) = rest.split_once("\r\n\r\n")?;
    let end = after.find(&format!("\r\n--{boundary}"))?;
    let name = head
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?
        .split(';')
        .find_map(|p| p.trim().strip_prefix("name="))?
        .trim_matches('"')
        .to_string();
    Some((name, after[..end].to_string()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Layer 3: applies the route policy, resolving the area and organisation in the path.
pub async fn authorise(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    params: RawPathParams,
    request: Request,
    next: Next,
) -> Response {
    let viewer = request
        .extensions()
        .get::<Option<Viewer>>()
        .cloned()
        .flatten();
    let path = matched.as_ref().map(|m| m.as_str()).unwrap_or("");
    let Some(rule) = policy::rule_for(request.method(), path) else {
        tracing::warn!(path, "route without an access rule refused");
        return forbidden(
            "You cannot use this page",
            "This page is not open to anyone.",
        );
    };
    let mut target = Target::default();
    let mut area_id = None;
    for (name, value) in params.iter() {
        if name == "code" && !matches!(rule.need, Need::Public | Need::SignedIn) {
            if rule.path.starts_with("/regions/") || rule.path.starts_with("/api/regions/") {
                target.region = Some(value.to_string());
            } else if let Ok(Some(a)) = cws_store::geography::area(&state.db, value).await {
                target.area = Some((a.code.clone(), a.old_la_code.clone()));
                target.region = Some(a.region_code.clone());
                area_id = Some(a.id);
            }
        }
    }
    if let (Some(id), Some(reference)) = (
        area_id,
        params
            .iter()
            .find(|(n, _)| *n == "reference")
            .map(|(_, v)| v),
    ) {
        if let Ok(Some(o)) = cws_store::returns::organisation(&state.db, id, reference).await {
            target.organisation_id = Some(o.id);
        }
    }
    let allowed = decide(viewer.as_ref().map(|v| &v.access), rule.need, &target);
    let uri_path = request.uri().path().to_string();
    let ip = client_ip(request.extensions());
    let method = request.method().clone();
    let audit = |action: &'static str, outcome: &'static str| {
        let (state, viewer, uri_path, ip, method) = (&state, &viewer, &uri_path, &ip, &method);
        async move {
            let event = audit::Event {
                user_id: viewer.as_ref().map(|v| v.user_id),
                user_email: viewer.as_ref().map(|v| v.email.as_str()),
                action,
                target: Some(uri_path),
                outcome,
                detail: Some(method.as_str()),
                ip: Some(ip),
            };
            audit::record(&state.db, &event).await.map_err(|e| {
                // no audit, no access to what must be audited
                tracing::error!(error = %e, "audit log write failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Html(crate::pages::error_page(
                        "Sorry, there is a problem with the service",
                        "Try again later.",
                    )),
                )
                    .into_response()
            })
        }
    };
    if allowed {
        let response = next.run(request).await;
        // audited once the outcome is known: a change refused by its own rules (422), an
        // upload of someone else's (404) is not "ok"
        if let Some(action) = rule.audit {
            let status = response.status();
            let outcome = if status.is_success() || status.is_redirection() {
                "ok"
            } else if status.is_client_error() {
                "refused"
            } else {
                "failed"
            };
            if let Err(unavailable) = audit(action, outcome).await {
                return unavailable;
            }
        }
        return response;
    }
    // every refusal is audited, under the route's event or as "access"; a flood of them
    // from one address is counted, not written line by line
    if state.refusals.note(&ip) {
        if let Err(unavailable) = audit(rule.audit.unwrap_or("access"), "refused").await {
            return unavailable;
        }
    }
    match viewer {
        None if uri_path.starts_with("/api/") => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"error\":\"sign in, or send a personal API token as 'Authorization: Bearer TOKEN'\"}",
        )
            .into_response(),
        None => {
            let next_page = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            let query = serde_urlencoded::to_string([("next", next_page)]).unwrap_or_default();
            Redirect::to(&format!("/sign-in?{query}")).into_response()
        }
        Some(_) if uri_path.starts_with("/api/") => (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"error\":\"your account does not give you access to this\"}",
        )
            .into_response(),
        Some(_) => forbidden(
            "You do not have access to this page",
            "Your account does not give you access to this area or organisation. If you need it, ask your administrator.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_form_s_token_is_its_first_part() {
        let ct = "multipart/form-data; boundary=\"----x7\"";
        let boundary = multipart_boundary(ct).unwrap();
        assert_eq!(boundary, "----x7");
        let body = b"------x7\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc123\r\n------x7\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.csv\"\r\n\r\nx,y\r\n------x7--\r\n";
        assert_eq!(
            first_part(body, &boundary),
            Some(("csrf".into(), "abc123".into()))
        );
        // not yet all of the first part: wait for more
        assert_eq!(first_part(&body[..40], &boundary), None);
        assert_eq!(
            multipart_boundary("application/x-www-form-urlencoded"),
            None
        );
    }
}
