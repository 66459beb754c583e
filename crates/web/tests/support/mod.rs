//! The web application under test: one fresh application per database under test (SQLite,
//! and PostgreSQL when `CWS_TEST_POSTGRES_URL` is set), driven through the real router as a
//! browser or a script would — signed in as a role and scope, `get`, `post_form`, `upload`,
//! `json` — in the manner of zero2prod's `spawn_app`.

#![allow(dead_code)] // each test binary uses part of it

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::user::{Access, Scope, UserRole};
use cws_store::{reference, users, Db};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The pseudonymisation secret of every test application.
pub const SECRET: &[u8] = b"web-tests";

/// Richmond upon Thames, the area the tests work in.
pub const RICHMOND: &str = "E09000027";

/// A running application over a fresh database, with the reference data loaded.
pub struct TestApp {
    pub db: Db,
    pub state: cws_web::AppState,
    _keep: Option<tempfile::TempDir>,
    /// Where this application's uploads wait.
    pub uploads: tempfile::TempDir,
}

/// The site the test applications are configured with: links sent to people start with it.
pub const SITE: &str = "https://cws.example.gov.uk";

impl TestApp {
    /// One application per database under test.
    pub async fn each() -> Vec<TestApp> {
        let mut out = Vec::new();
        for (db, keep) in cws_store::testing::fresh_databases().await {
            reference::load_reference(&db).await.unwrap();
            let uploads = tempfile::tempdir().unwrap();
            out.push(TestApp {
                state: cws_web::AppState::new(db.clone(), Pseudonymiser::new(SECRET))
                    .with_site_url(SITE.into())
                    .with_uploads_dir(uploads.path().join("uploads")),
                db,
                _keep: keep,
                uploads,
            });
        }
        out
    }

    /// The same, each with a synthetic workforce for Richmond (DfE 318) at 2025.
    pub async fn each_with_workforce() -> Vec<TestApp> {
        let apps = TestApp::each().await;
        for app in &apps {
            cws_synth::load::load(
                &app.db,
                &cws_synth::Scale::Area("318".into()),
                2025,
                Pseudonymiser::new(SECRET),
                false,
                &|_, _, _| {},
            )
            .await
            .unwrap();
        }
        apps
    }

    /// A client signed in as a new user with `role` and `scope`.
    pub async fn signed_in(&self, role: UserRole, scope: Scope) -> Client {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let email = format!(
            "{}-{}@example.org",
            role.code(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        self.signed_in_as(role, scope, &email).await
    }

    /// A client signed in as the user `email` (made if new) with `role` and `scope`.
    pub async fn signed_in_as(&self, role: UserRole, scope: Scope, email: &str) -> Client {
        let access = Access::new(role, scope).unwrap();
        let id = users::upsert_user(&self.db, email, "Test user", &access, "!")
            .await
            .unwrap();
        self.session_of(id).await
    }

    /// A client signed in to a new session of the existing user `id`, as they are now.
    pub async fn session_of(&self, id: i64) -> Client {
        let session = cws_web::access::account::open_session(&self.db, id)
            .await
            .unwrap();
        Client {
            state: self.state.clone(),
            session: Some(session),
            token: None,
            form_cookie: None,
            form_csrf: None,
        }
    }

    /// A script using a new personal API token of the user `email` (made if new) with `role`
    /// and `scope`.
    pub async fn api_client(&self, role: UserRole, scope: Scope, email: &str) -> Client {
        let access = Access::new(role, scope).unwrap();
        let id = users::upsert_user(&self.db, email, "Test user", &access, "!")
            .await
            .unwrap();
        let token = format!("cws_{}", cws_web::access::new_secret());
        cws_store::accounts::create_api_token(
            &self.db,
            &cws_web::access::digest(&token),
            id,
            "test",
        )
        .await
        .unwrap();
        self.bearer(&token)
    }

    /// A script presenting `token` (valid or not) as a personal API token
    /// (`Authorization: Bearer`), with no cookies.
    pub fn bearer(&self, token: &str) -> Client {
        Client {
            state: self.state.clone(),
            session: None,
            token: Some(token.to_string()),
            form_cookie: None,
            form_csrf: None,
        }
    }

    /// Richmond's workforce lead (lead@richmond.example), signed in.
    pub async fn richmond_lead(&self) -> Client {
        self.signed_in_as(UserRole::AreaLead, area(RICHMOND), "lead@richmond.example")
            .await
    }

    /// Someone not signed in.
    pub fn anonymous(&self) -> Client {
        Client {
            state: self.state.clone(),
            session: None,
            token: None,
            form_cookie: None,
            form_csrf: None,
        }
    }

    /// A browser signing in through the forms: it holds the session cookie it was given
    /// (`None` before), the pre-sign-in form cookie `form` (64 characters), and its forms carry
    /// `csrf` (the form cookie's value before sign-in, the session's token after).
    pub fn browser(&self, session: Option<&str>, form: &str, csrf: &str) -> Client {
        Client {
            state: self.state.clone(),
            session: session.map(|s| (s.to_string(), csrf.to_string())),
            token: None,
            form_cookie: Some(form.to_string()),
            form_csrf: Some(csrf.to_string()),
        }
    }

    pub async fn close(self) {
        self.db.close().await;
    }
}

/// An area scope.
pub fn area(code: &str) -> Scope {
    Scope::Area { area: code.into() }
}

/// A user of the application: a session (cookie and CSRF token), a personal API token, or
/// nobody. A clone is the same user (for requests from several tasks at once).
#[derive(Clone)]
pub struct Client {
    state: cws_web::AppState,
    session: Option<(String, String)>,
    token: Option<String>,
    /// The pre-sign-in form cookie a browser holds, if any.
    form_cookie: Option<String>,
    /// The token its forms carry when it has no session.
    form_csrf: Option<String>,
}

/// An answer from the application.
pub struct Reply {
    pub status: StatusCode,
    pub location: String,
    pub content_type: String,
    /// Every header of the answer.
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text, without the `data-label` attributes that label a stacked table's
    /// cells on a narrow screen (tests read the cells' values, not their labels).
    pub fn text(&self) -> String {
        let body = String::from_utf8_lossy(&self.body);
        let mut out = String::with_capacity(body.len());
        let mut rest = &*body;
        while let Some(at) = rest.find(" data-label=\"") {
            out.push_str(&rest[..at]);
            let after = &rest[at + " data-label=\"".len()..];
            rest = after.find('"').map_or("", |end| &after[end + 1..]);
        }
        out.push_str(rest);
        out
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl Client {
    /// Sends `request` as this client: with its session cookie and CSRF token, or its API
    /// token, if it has one; any other header is the request's own.
    pub async fn send(&self, mut request: Request<Body>) -> Reply {
        let mut cookies = Vec::new();
        if let Some((cookie, csrf)) = &self.session {
            cookies.push(format!("__Host-cws_session={cookie}"));
            request
                .headers_mut()
                .insert("x-csrf-token", csrf.parse().unwrap());
        } else if let Some(csrf) = &self.form_csrf {
            request
                .headers_mut()
                .insert("x-csrf-token", csrf.parse().unwrap());
        }
        if let Some(form) = &self.form_cookie {
            cookies.push(format!("__Host-cws_form={form}"));
        }
        if !cookies.is_empty() {
            request
                .headers_mut()
                .insert(header::COOKIE, cookies.join("; ").parse().unwrap());
        }
        if let Some(token) = &self.token {
            request.headers_mut().insert(
                header::AUTHORIZATION,
                format!("Bearer {token}").parse().unwrap(),
            );
        }
        let response = cws_web::router(self.state.clone())
            .oneshot(request)
            .await
            .unwrap();
        // (the closure ends before the body is read, so a request can run on any task)
        let (location, content_type) = {
            let header_of = |h| {
                response
                    .headers()
                    .get(h)
                    .map(|v| v.to_str().unwrap_or("").to_string())
                    .unwrap_or_default()
            };
            (header_of(header::LOCATION), header_of(header::CONTENT_TYPE))
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            location,
            content_type,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// A page that must be there: its text.
    pub async fn page(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.text());
        r.text()
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(form).unwrap();
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Posts a form that must be accepted: where it sends the browser next.
    pub async fn post_ok(&self, path: &str, form: &[(&str, &str)]) -> String {
        let r = self.post_form(path, form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "POST {path}: {}", r.text());
        assert!(r.location.contains("saved="), "{}", r.location);
        r.location
    }

    /// Posts a form that must be refused (422): the page that says why.
    pub async fn post_refused(&self, path: &str, form: &[(&str, &str)]) -> String {
        let r = self.post_form(path, form).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "POST {path}: {}",
            r.text()
        );
        r.text()
    }

    /// Uploads files (name, content) as the multipart parts `files`, with other text fields.
    pub async fn upload(
        &self,
        path: &str,
        files: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Reply {
        let boundary = "cwsboundary7MA4YWxkTrZu0gW";
        let mut body = String::new();
        for (name, content) in files {
            body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"));
        }
        for (name, value) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        self.send(
            Request::post(path)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A JSON answer: its status and document.
    pub async fn json(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let r = self.get(path).await;
        (r.status, r.json())
    }
}

/// A date `days` from today, as YYYY-MM-DD.
pub fn days_from_today(days: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(days)).to_string()
}

/// Follows every link on this site from `start`, breadth first, as `client` (at most `limit`
/// pages): each page reached and what it answered. Downloads are fetched, not read.
pub async fn crawl(
    client: &Client,
    start: &str,
    limit: usize,
) -> Vec<(String, StatusCode, String)> {
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = std::collections::VecDeque::from([start.to_string()]);
    let mut out = Vec::new();
    while let Some(path) = queue.pop_front() {
        if out.len() >= limit || !seen.insert(path.clone()) {
            continue;
        }
        let r = client.get(&path).await;
        out.push((path, r.status, r.location.clone()));
        if !r.content_type.starts_with("text/html") {
            continue;
        }
        for link in r.text().split("href=\"").skip(1) {
            let href = link[..link.find('"').unwrap_or(0)]
                .replace("&amp;", "&")
                .replace("&#38;", "&");
            let href = href.split('#').next().unwrap_or("").to_string();
            if href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/assets/") {
                queue.push_back(href);
            }
        }
    }
    out
}
