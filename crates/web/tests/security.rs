//! What the security review of issue 19 found, each as a test: uploads bound to whoever made
//! them, formulas kept out of CSV downloads, sign-out and resets that reach API tokens,
//! security headers on every kind of answer, and requests that once gave a 500 or the
//! framework's own words.

mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::{Access, Scope, UserRole};
use cws_store::{audit, geography, returns, users};
use support::*;

const HEADER: &str = "organisation_ref,worker_ref,role_code,fte,contract_type,start_date,birth_year,sex,ethnicity,disability,vetting_check";

/// A collection and one nursery in Richmond.
async fn setup(app: &TestApp) {
    returns::create_collection(&app.db, &Collection::default_for_year(2025).unwrap())
        .await
        .unwrap();
    let area = geography::area(&app.db, "318").await.unwrap().unwrap();
    let org = Organisation {
        reference: OrgRef::parse("SUN-1").unwrap(),
        name: "Sunshine Nursery".into(),
        sector: Sector::Private,
        service: Service::EarlyYears,
        setting: SettingType::FullDayCare,
        disadvantaged_area: false,
        parent: None,
    };
    returns::upsert_organisations(&app.db, area.id, &[org])
        .await
        .unwrap();
}

fn token_of(page: &str) -> String {
    let at = page.find("/returns/uploads/").unwrap() + "/returns/uploads/".len();
    page[at..at + 32].to_string()
}

async fn audited(app: &TestApp, action: &str) -> Vec<(String, String)> {
    audit::list(
        &app.db,
        &audit::Filter {
            action: Some(action.into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .into_iter()
    .map(|e| (e.target.unwrap_or_default(), e.outcome))
    .collect()
}

/// (4.2.1, 4.1.3) Kingston's lead once read Richmond's upload report and submitted Richmond's
/// file as Kingston's return. An upload is now its owner's alone, for its own area.
#[tokio::test]
async fn an_upload_is_its_owner_s_alone_and_its_files_go_when_it_is_stored() {
    for app in TestApp::each().await {
        setup(&app).await;
        let lead = app.richmond_lead().await;
        let other_lead = app
            .signed_in_as(
                UserRole::AreaLead,
                area(RICHMOND),
                "second@richmond.example",
            )
            .await;
        let kingston = app
            .signed_in_as(
                UserRole::AreaLead,
                area("E09000021"),
                "lead@kingston.example",
            )
            .await;
        let csv = format!(
            "{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\n"
        );
        let r = lead
            .upload("/areas/318/returns/upload", &[("sun.csv", &csv)], &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let token = token_of(&r.text());
        // the folder is private, its files too
        use std::os::unix::fs::PermissionsExt;
        let folder = app.uploads.path().join("uploads").join(&token);
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&app.uploads.path().join("uploads")), 0o700);
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&folder.join("sun.csv")), 0o600);

        // someone else's upload is as if it did not exist, and the refusal is audited
        for (who, code) in [
            (&kingston, "E09000021"),
            (&other_lead, "318"),
            (&lead, "E09000021"),
        ] {
            let report = who
                .get(&format!("/areas/{code}/returns/uploads/{token}/report.csv"))
                .await;
            let submit = who
                .post_form(
                    &format!("/areas/{code}/returns/uploads/{token}/submit"),
                    &[],
                )
                .await;
            for r in [&report, &submit] {
                assert!(
                    matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                    "{code}: {}",
                    r.status
                );
                assert!(!r.text().contains("SUN-1"));
            }
        }
        let imports = audited(&app, "import").await;
        assert!(
            imports.iter().all(|(_, outcome)| outcome == "refused"),
            "{imports:?}"
        );
        assert_eq!(imports.len(), 3);
        assert_eq!(
            returns::data_version(&app.db).await.unwrap().returns,
            0,
            "nothing stored"
        );

        // its owner reads the report and submits it; the file as sent is then gone
        let report = lead
            .get(&format!("/areas/318/returns/uploads/{token}/report.csv"))
            .await;
        assert_eq!(report.status, StatusCode::OK);
        let submitted = lead
            .post_form(&format!("/areas/318/returns/uploads/{token}/submit"), &[])
            .await;
        assert_eq!(submitted.status, StatusCode::OK);
        assert!(submitted.text().contains("stored"), "{}", submitted.text());
        assert!(
            !folder.join("sun.csv").exists(),
            "the file as sent is not kept"
        );
        let imports = audited(&app, "import").await;
        assert_eq!(imports.iter().filter(|(_, o)| o == "ok").count(), 1);
        app.close().await;
    }
}

/// (5.3.1) A failed sign-in with the e-mail `=HYPERLINK(…)` landed verbatim in the audit CSV;
/// uploaded values landed verbatim in the report CSV.
#[tokio::test]
async fn no_csv_download_carries_a_formula() {
    for app in TestApp::each().await {
        setup(&app).await;
        let sign_in = |email: &'static str| {
            let anonymous = app.anonymous();
            async move {
                let page = anonymous.get("/sign-in").await;
                let cookie = page
                    .headers
                    .get_all(header::SET_COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find_map(|c| c.strip_prefix("__Host-cws_form="))
                    .map(|c| c.split(';').next().unwrap_or("").to_string())
                    .unwrap();
                let body = serde_urlencoded::to_string([
                    ("csrf", cookie.as_str()),
                    ("email", email),
                    ("password", "not the password at all"),
                    ("next", "/"),
                ])
                .unwrap();
                anonymous
                    .send(
                        Request::post("/sign-in")
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .header(header::COOKIE, format!("__Host-cws_form={cookie}"))
                            .body(Body::from(body))
                            .unwrap(),
                    )
                    .await
            }
        };
        // not an address: refused on the form, nothing stored
        let r = sign_in("=HYPERLINK(\"http://evil.example\",\"x\")@example.org").await;
        assert!(r.text().contains("correct format"), "{}", r.text());
        // an address that starts like a formula: stored, but never a formula in the CSV
        sign_in("=cmd@example.org").await;
        let admin = app
            .signed_in_as(
                UserRole::Administrator,
                Scope::National,
                "admin@example.org",
            )
            .await;
        let csv = admin.get("/admin/audit.csv").await.text();
        assert!(!csv.contains("HYPERLINK"), "{csv}");
        assert!(csv.contains("'=cmd@example.org"), "{csv}");
        assert!(!csv.contains(",=cmd"), "{csv}");

        // a report quotes the values sent, as text
        let lead = app.richmond_lead().await;
        let bad = format!(
            "{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,=1+2,no,enhanced_barred\n"
        );
        let r = lead
            .upload("/areas/318/returns/upload", &[("sun.csv", &bad)], &[])
            .await;
        let token = token_of(&r.text());
        let report = lead
            .get(&format!("/areas/318/returns/uploads/{token}/report.csv"))
            .await
            .text();
        assert!(report.contains("'=1+2"), "{report}");
        assert!(!report.contains(",=1+2"), "{report}");
        app.close().await;
    }
}

/// (3.3.3, 3.5.2) A reset left the old password working and API tokens alive; "sign out
/// everywhere" kept tokens.
#[tokio::test]
async fn signing_out_everywhere_and_a_reset_end_tokens_and_the_old_password() {
    for app in TestApp::each().await {
        // sign out everywhere: the API token stops too
        let script = app
            .api_client(UserRole::AreaLead, area(RICHMOND), "lead@richmond.example")
            .await;
        assert_eq!(script.json("/api/areas").await.0, StatusCode::OK);
        let user = users::user_by_email(&app.db, "lead@richmond.example")
            .await
            .unwrap()
            .unwrap();
        let browser = app.session_of(user.id).await;
        let r = browser.post_form("/account/sign-out-everywhere", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(script.json("/api/areas").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(browser.get("/account").await.status, StatusCode::SEE_OTHER);

        // a reset: the old password no longer signs in, and tokens made before stop
        let password = "an old password that leaked";
        let access = Access::new(UserRole::BoardViewer, area(RICHMOND)).unwrap();
        let hash = cws_web::access::account::hash_password_now(password).unwrap();
        users::upsert_user(&app.db, "board@richmond.example", "Board", &access, &hash)
            .await
            .unwrap();
        let board = users::user_by_email(&app.db, "board@richmond.example")
            .await
            .unwrap()
            .unwrap();
        let token = format!("cws_{}", cws_web::access::new_secret());
        cws_store::accounts::create_api_token(
            &app.db,
            &cws_web::access::digest(&token),
            board.id,
            "before the reset",
        )
        .await
        .unwrap();
        assert_eq!(
            app.bearer(&token).json("/api/areas").await.0,
            StatusCode::OK
        );
        let admin = app
            .signed_in_as(
                UserRole::Administrator,
                Scope::National,
                "admin@example.org",
            )
            .await;
        let r = admin
            .post_form(&format!("/admin/users/{}/reset", board.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains(&format!("{SITE}/account/password/")));
        assert_eq!(
            app.bearer(&token).json("/api/areas").await.0,
            StatusCode::UNAUTHORIZED
        );
        let after = users::user_by_email(&app.db, "board@richmond.example")
            .await
            .unwrap()
            .unwrap();
        let still = cws_web::access::account::verify_password_now(password, &after.password_hash);
        assert!(!still, "the old password no longer works");
        app.close().await;
    }
}

/// (14.4, 8.2.1) No security header was on any response, nor `no-store` on downloads and JSON.
#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    for app in TestApp::each_with_workforce().await {
        let lead = app.richmond_lead().await;
        let anonymous = app.anonymous();
        let board = app
            .signed_in_as(
                UserRole::BoardViewer,
                area("E09000021"),
                "board@kingston.example",
            )
            .await;
        let answers = [
            ("a page", lead.get("/areas/318").await),
            ("a dashboard", lead.get("/areas/318/dashboard/age").await),
            (
                "a CSV download",
                lead.get("/areas/318/dashboard/composition/by-sector.csv")
                    .await,
            ),
            ("API JSON", lead.get("/api/areas/318/figures").await),
            ("a redirect to sign in", anonymous.get("/areas/318").await),
            ("the sign-in page", anonymous.get("/sign-in").await),
            ("a refusal", board.get("/areas/318/returns").await),
            ("a missing page", lead.get("/no/such/page").await),
            ("the stylesheet", anonymous.get("/assets/cws.css").await),
        ];
        for (what, r) in &answers {
            let h = |name: &str| {
                r.headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            assert_eq!(
                h("content-security-policy"),
                cws_web::headers::CONTENT_SECURITY_POLICY,
                "{what}"
            );
            assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
            assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
            assert_eq!(h("x-frame-options"), "DENY", "{what}");
            assert_eq!(h("referrer-policy"), "no-referrer", "{what}");
            if *what == "the stylesheet" {
                assert!(h("cache-control").starts_with("public"), "{what}");
            } else {
                assert_eq!(h("cache-control"), "no-store", "{what}: {}", r.status);
            }
            assert_eq!(h("strict-transport-security"), "", "{what}: not over HTTPS");
        }
        assert_eq!(
            answers[2].1.status,
            StatusCode::OK,
            "{}",
            answers[2].1.text()
        );
        // behind an HTTPS proxy, HSTS
        let r = anonymous
            .send(
                Request::get("/sign-in")
                    .header("x-forwarded-proto", "https")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(r
            .headers
            .get("strict-transport-security")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("max-age=")));
        app.close().await;
    }
}

/// (8) A CR/LF in `next` gave a 500 after the session had opened; the framework's own
/// rejection text reached users; `?saved=` showed any text it was given.
#[tokio::test]
async fn odd_requests_get_cws_s_own_answers() {
    for app in TestApp::each().await {
        setup(&app).await;
        // a form that is not a form: cws's error page, not the framework's words
        let lead = app.richmond_lead().await;
        let r = lead
            .send(
                Request::post("/areas/318/organisations/SUN-1/workers")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{}"))
                    .unwrap(),
            )
            .await;
        assert!(r.status.is_client_error(), "{}", r.status);
        assert!(
            r.content_type.starts_with("text/html"),
            "{}",
            r.content_type
        );
        assert!(r.text().contains("could not be read"), "{}", r.text());
        // the API answers the same in JSON
        let r = lead
            .send(
                Request::get("/api/areas/318/figures?by=%ZZ")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(r.status.is_client_error());
        assert!(
            !r.content_type.starts_with("text/plain"),
            "{}",
            r.content_type
        );
        // a banner only from the keys cws sets
        let page = lead
            .get("/areas/318/organisations/SUN-1/workers?saved=Your+account+is+locked")
            .await
            .text();
        assert!(!page.contains("Your account is locked"));
        app.close().await;
    }
}

/// (3.3.2) Sessions had no absolute limit and tokens never expired.
#[tokio::test]
async fn sessions_end_twelve_hours_after_they_began_and_tokens_after_ninety_days() {
    for app in TestApp::each().await {
        let lead = app.richmond_lead().await;
        assert_eq!(lead.get("/account").await.status, StatusCode::OK);
        let old = |hours: i64| {
            (chrono::Utc::now() - chrono::Duration::hours(hours))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        // busy all along, but begun thirteen hours ago: over
        let mut tx = app.db.begin_write().await.unwrap();
        cws_store::on_tx!(&mut tx, c => sqlx::query("UPDATE user_session SET created_at = $1")
            .bind(old(13)).execute(&mut *c).await.unwrap().rows_affected());
        tx.commit().await.unwrap();
        let r = lead.get("/account").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location.starts_with("/sign-in"), "{}", r.location);

        let script = app
            .api_client(
                UserRole::AreaLead,
                area(RICHMOND),
                "script@richmond.example",
            )
            .await;
        assert_eq!(script.json("/api/areas").await.0, StatusCode::OK);
        let mut tx = app.db.begin_write().await.unwrap();
        cws_store::on_tx!(&mut tx, c => sqlx::query("UPDATE api_token SET created_at = $1")
            .bind(old(91 * 24)).execute(&mut *c).await.unwrap().rows_affected());
        tx.commit().await.unwrap();
        assert_eq!(script.json("/api/areas").await.0, StatusCode::UNAUTHORIZED);
        // the account page says when each token ends
        let user = users::user_by_email(&app.db, "script@richmond.example")
            .await
            .unwrap()
            .unwrap();
        let page = app.session_of(user.id).await.page("/account").await;
        assert!(
            page.contains("Expires") && page.contains("expired"),
            "{page}"
        );
        app.close().await;
    }
}

/// The value a `Set-Cookie` of an answer gives `name`.
fn cookie_set(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap_or("").to_string())
        .find(|v| !v.is_empty())
}

/// The value of the hidden field `name` of a page.
fn hidden_field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

fn seconds_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// (2.8, 4.3.1) A second factor: an area lead's right password opens only the page setting
/// one up; their session begins once a code from the new key is entered, under a new id,
/// with ten recovery codes shown once. From then on each sign-in asks for a code, which
/// works once; a recovery code works once; five wrong codes and the account waits; a
/// reset removes the second factor. For a board member it is a choice.
#[tokio::test]
async fn leads_and_administrators_sign_in_with_a_second_factor() {
    for app in TestApp::each_with_workforce().await {
        let password = "a long test password";
        let hash = cws_web::access::account::hash_password_now(password).unwrap();
        let lead_access = Access::new(UserRole::AreaLead, area(RICHMOND)).unwrap();
        let lead_email = "lead@richmond.example";
        users::upsert_user(&app.db, lead_email, "Lead", &lead_access, &hash)
            .await
            .unwrap();
        let form = "b".repeat(64);
        let sign_in = |email: &'static str| {
            let browser = app.browser(None, &form, &form);
            async move {
                browser
                    .post_form(
                        "/sign-in",
                        &[
                            ("email", email),
                            ("password", password),
                            ("next", "/areas/E09000027"),
                        ],
                    )
                    .await
            }
        };

        // the password alone: only the set-up page
        let r = sign_in(lead_email).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location, "/sign-in/set-up?next=%2Fareas%2FE09000027");
        let half_way = cookie_set(&r, "__Host-cws_session").expect("a session cookie");
        let pending = app.browser(Some(&half_way), &form, &form);
        for path in [
            "/",
            "/areas/E09000027",
            "/account",
            "/account/second-factor",
            "/api/areas",
        ] {
            let r = pending.get(path).await;
            assert!(
                matches!(r.status, StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED),
                "{path}: {}",
                r.status
            );
            assert!(!r.text().contains("Richmond"), "{path}");
        }
        let page = pending
            .page("/sign-in/set-up?next=%2Fareas%2FE09000027")
            .await;
        assert!(page.contains("<svg role=\"img\""), "a QR code");
        assert!(page.contains("otpauth://totp/cws:lead%40richmond.example"));
        let key = hidden_field(&page, "key");
        // a wrong code: the same key again, with the message at the field
        let r = pending
            .post_form(
                "/sign-in/set-up",
                &[
                    ("key", &key),
                    ("code", "000000"),
                    ("next", "/areas/E09000027"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("<title>Error: Set up a second factor"));
        assert!(r.text().contains("The code is not right"));
        assert_eq!(hidden_field(&r.text(), "key"), key);
        // the right one: signed in under a new session id, with the recovery codes shown
        let now = seconds_now();
        let code = cws_web::access::second_factor::code_at(&key, lead_email, now).unwrap();
        let r = pending
            .post_form(
                "/sign-in/set-up",
                &[("key", &key), ("code", &code), ("next", "/areas/E09000027")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let codes: Vec<String> = r
            .text()
            .split("<li><code>")
            .skip(1)
            .map(|c| c[..14].to_string())
            .collect();
        assert_eq!(codes.len(), 10, "{}", r.text());
        assert!(r.text().contains("href=\"/areas/E09000027\""));
        assert!(!r.text().contains(">Sign in</a>"), "no stale account bar");
        let full = cookie_set(&r, "__Host-cws_session").expect("a new session");
        assert_ne!(full, half_way);
        let signed_in = app.browser(Some(&full), &form, &form);
        assert!(signed_in
            .page("/areas/E09000027")
            .await
            .contains("Richmond"));
        assert!(signed_in
            .page("/account")
            .await
            .contains("10</strong> of 10 recovery codes"));
        assert_eq!(pending.get("/sign-in/set-up").await.location, "/sign-in");

        // the next sign-in asks for a code
        let r = sign_in(lead_email).await;
        assert_eq!(r.location, "/sign-in/code?next=%2Fareas%2FE09000027");
        let half_way = cookie_set(&r, "__Host-cws_session").unwrap();
        let pending = app.browser(Some(&half_way), &form, &form);
        assert_eq!(
            pending.get("/areas/E09000027").await.status,
            StatusCode::SEE_OTHER
        );
        let page = pending
            .page("/sign-in/code?next=%2Fareas%2FE09000027")
            .await;
        assert!(page.contains("autocomplete=\"one-time-code\""));
        // the code already used to set it up does not work twice
        let r = pending
            .post_form(
                "/sign-in/code",
                &[("code", &code), ("next", "/areas/E09000027")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("each code works once"));
        // the next half-minute's code does, once
        let later = cws_web::access::second_factor::code_at(&key, lead_email, now + 30).unwrap();
        let r = pending
            .post_form(
                "/sign-in/code",
                &[("code", &later), ("next", "/areas/E09000027")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location, "/areas/E09000027");
        let signed_in = app.browser(
            cookie_set(&r, "__Host-cws_session").as_deref(),
            &form,
            &form,
        );
        assert!(signed_in
            .page("/areas/E09000027")
            .await
            .contains("Richmond"));

        // a recovery code, typed in capitals with spaces, works once
        let typed = codes[0].to_uppercase().replace('-', " ");
        for (attempt, want) in [
            (1, StatusCode::SEE_OTHER),
            (2, StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let r = sign_in(lead_email).await;
            let pending = app.browser(
                cookie_set(&r, "__Host-cws_session").as_deref(),
                &form,
                &form,
            );
            let r = pending
                .post_form("/sign-in/code", &[("code", &typed), ("next", "/")])
                .await;
            assert_eq!(r.status, want, "recovery code, attempt {attempt}");
        }

        // five wrong codes (the failure above is one): the account waits, and the half-way
        // session is over
        let r = sign_in(lead_email).await;
        let pending = app.browser(
            cookie_set(&r, "__Host-cws_session").as_deref(),
            &form,
            &form,
        );
        for _ in 0..4 {
            let r = pending
                .post_form("/sign-in/code", &[("code", "123456")])
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let r = pending
            .post_form("/sign-in/code", &[("code", &codes[1])])
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().contains("too many wrong codes"));
        assert_eq!(pending.get("/sign-in/code").await.location, "/sign-in");
        let log = audited(&app, "sign_in").await;
        assert!(
            log.iter().filter(|(_, o)| o == "failed").count() >= 5,
            "{log:?}"
        );

        // a reset removes it: the next sign-in sets up a new one
        let user = users::user_by_email(&app.db, lead_email)
            .await
            .unwrap()
            .unwrap();
        cws_store::accounts::clear_sign_in_failures(&app.db, lead_email)
            .await
            .unwrap();
        cws_store::accounts::reset_access(&app.db, user.id)
            .await
            .unwrap();
        assert!(cws_store::accounts::second_factor(&app.db, user.id)
            .await
            .unwrap()
            .is_none());
        users::upsert_user(&app.db, lead_email, "Lead", &lead_access, &hash)
            .await
            .unwrap();
        assert_eq!(
            sign_in(lead_email).await.location,
            "/sign-in/set-up?next=%2Fareas%2FE09000027"
        );

        // a board member signs in with the password alone, and may choose a second factor
        let board = Access::new(UserRole::BoardViewer, area(RICHMOND)).unwrap();
        users::upsert_user(&app.db, "board@richmond.example", "Board", &board, &hash)
            .await
            .unwrap();
        let r = sign_in("board@richmond.example").await;
        assert_eq!(r.location, "/areas/E09000027");
        let csrf_page = app
            .browser(
                cookie_set(&r, "__Host-cws_session").as_deref(),
                &form,
                &form,
            )
            .get("/account")
            .await;
        let session = cookie_set(&r, "__Host-cws_session").unwrap();
        let csrf = hidden_field(&csrf_page.text(), "csrf");
        let member = app.browser(Some(&session), &form, &csrf);
        let page = member.page("/account").await;
        assert!(page.contains("Set up a second factor"));
        let page = member.page("/account/second-factor").await;
        let key = hidden_field(&page, "key");
        let code =
            cws_web::access::second_factor::code_at(&key, "board@richmond.example", seconds_now())
                .unwrap();
        let r = member
            .post_form("/account/second-factor", &[("key", &key), ("code", &code)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("href=\"/account\""));
        assert_eq!(
            sign_in("board@richmond.example").await.location,
            "/sign-in/code?next=%2Fareas%2FE09000027"
        );
        // turned off again with a code (the one just used is refused)
        let r = member
            .post_form("/account/second-factor/turn-off", &[("code", &code)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let next = cws_web::access::second_factor::code_at(
            &key,
            "board@richmond.example",
            seconds_now() + 30,
        )
        .unwrap();
        let r = member
            .post_form("/account/second-factor/turn-off", &[("code", &next)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(
            sign_in("board@richmond.example").await.location,
            "/areas/E09000027"
        );
        app.close().await;
    }
}
