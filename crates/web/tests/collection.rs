//! Collecting returns through the web application: the rule list, the coverage page, template
//! downloads, and an upload checked, refused, corrected, explained and submitted — over the
//! real router and a real database, as a browser's form posts would arrive.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::{Access, Scope, UserRole};
use cws_store::{geography, reference, returns, users, Db};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// One application per database, as a server runs (its warm figures persist across
/// requests), used by one signed-in user.
struct Client {
    state: cws_web::AppState,
    /// (session cookie, CSRF token); `None` for someone not signed in.
    session: Option<(String, String)>,
}

/// The area's workforce lead for Richmond (318), signed in.
async fn app_state(db: &Db) -> Client {
    reference::load_reference(db).await.unwrap();
    signed_in(
        db,
        UserRole::AreaLead,
        Scope::Area {
            area: "E09000027".into(),
        },
    )
    .await
}

async fn signed_in(db: &Db, role: UserRole, scope: Scope) -> Client {
    let email = format!("{}-{}@example.org", role.code(), rand_suffix());
    let access = Access::new(role, scope).unwrap();
    let id = users::upsert_user(db, &email, "Test user", &access, "!")
        .await
        .unwrap();
    let session = cws_web::access::account::open_session(db, id)
        .await
        .unwrap();
    Client {
        state: cws_web::AppState::new(db.clone(), Pseudonymiser::new(b"web-collection")),
        session: Some(session),
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn send(
    client: &Client,
    mut request: Request<Body>,
) -> (StatusCode, Vec<(String, String)>, Vec<u8>) {
    if let Some((cookie, csrf)) = &client.session {
        let h = request.headers_mut();
        h.insert(
            header::COOKIE,
            format!("cws_session={cookie}").parse().unwrap(),
        );
        h.insert("x-csrf-token", csrf.parse().unwrap());
    }
    let app = cws_web::router(client.state.clone());
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

async fn get(state: &Client, path: &str) -> (StatusCode, String) {
    let (s, _, b) = send(state, Request::get(path).body(Body::empty()).unwrap()).await;
    (s, String::from_utf8_lossy(&b).into_owned())
}

const HEADER: &str = "organisation_ref,worker_ref,role_code,fte,contract_type,start_date,birth_year,sex,ethnicity,disability,vetting_check";

fn multipart(files: &[(&str, String)], organisation: &str) -> (String, Vec<u8>) {
    let boundary = "cwsboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, content) in files {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n").as_bytes());
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"organisation\"\r\n\r\n{organisation}\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn token_of(page: &str) -> String {
    let at = page.find("/returns/uploads/").unwrap() + "/returns/uploads/".len();
    page[at..at + 32].to_string()
}

#[tokio::test]
async fn upload_check_fix_explain_submit_and_see_coverage() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        let state = app_state(&db).await;
        reference::load_reference(&db).await.unwrap();
        let area = geography::area(&db, "318").await.unwrap().unwrap();
        returns::create_collection(&db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        let org = |r: &str, sector, setting| Organisation {
            reference: OrgRef::parse(r).unwrap(),
            name: format!("{r} Nursery"),
            sector,
            service: Service::EarlyYears,
            setting,
            disadvantaged_area: false,
            parent: None,
        };
        returns::upsert_organisations(
            &db,
            area.id,
            &[
                org("SUN-1", Sector::Private, SettingType::FullDayCare),
                org("MOON-2", Sector::VoluntaryCommunity, SettingType::Sessional),
            ],
        )
        .await
        .unwrap();

        // The rule list and the coverage page, before anything is returned.
        let (status, rules) = get(&state, "/rules").await;
        assert_eq!(status, StatusCode::OK);
        assert!(rules.contains("id=\"R02\"") && rules.contains("id=\"X02\""));
        let (status, page) = get(&state, "/areas/318/returns").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("0 of 2"), "coverage starts at none");
        assert!(page.contains("SUN-1") && page.contains("MOON-2"));

        // Templates download as real files.
        let (status, headers, bytes) = send(
            &state,
            Request::get("/areas/318/organisations/SUN-1/template.xlsx")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(bytes.starts_with(b"PK"));
        assert!(headers
            .iter()
            .any(|(k, v)| k == "content-disposition" && v.contains("SUN-1-workforce-return.xlsx")));
        let (_, _, csv) = send(
            &state,
            Request::get("/templates/template.csv")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(String::from_utf8_lossy(&csv).starts_with("organisation_ref,worker_ref,role_code"));

        // Figures from the returns: nobody yet; the snapshot is built now and kept warm.
        let (status, json) = get(&state, "/areas/318/figures.json").await;
        assert_eq!(status, StatusCode::OK);
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(doc["rows"][0]["role_group"], "Total");
        assert_eq!(doc["rows"][0]["people"], 0.0);

        // A return with an error: reported with row and column, nothing stored.
        let bad = format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-PRAC3,1.8,permanent,2021-01-06,1992,F,XXXX,no,enhanced_barred\n");
        let (ct, body) = multipart(&[("sun.csv", bad)], "");
        let (status, _, page) = send(
            &state,
            Request::post("/areas/318/returns/upload")
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
        let page = String::from_utf8_lossy(&page).into_owned();
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("There are 2 errors to fix"), "{page}");
        assert!(page.contains("XXXX") && page.contains("ethnicity") && page.contains(">3<"));
        assert!(
            !page.contains("Submit the return"),
            "errors cannot be submitted"
        );
        let token = token_of(&page);
        let (status, _, report) = send(
            &state,
            Request::get(format!("/areas/318/returns/uploads/{token}/report.csv"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let report = String::from_utf8_lossy(&report).into_owned();
        assert!(
            report.starts_with("severity,rule,file,row,column,value") && report.contains("R02")
        );
        let (_, _, xlsx) = send(
            &state,
            Request::get(format!("/areas/318/returns/uploads/{token}/report.xlsx"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(xlsx.starts_with(b"PK"));
        // an attempt to submit it anyway stores nothing
        let (_, _, page) = send(
            &state,
            Request::post(format!("/areas/318/returns/uploads/{token}/submit"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(""))
                .unwrap(),
        )
        .await;
        assert!(String::from_utf8_lossy(&page).contains("not accepted"));
        assert!(get(&state, "/areas/318/returns").await.1.contains("0 of 2"));

        // Corrected, with one query (a 15-year-old apprentice) explained on the form.
        let good = format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-APPR,0.6,permanent,2025-09-01,2010,F,BAFR,no,enhanced_barred\n");
        let (ct, body) = multipart(&[("sun.csv", good)], "SUN-1");
        let (_, _, page) = send(
            &state,
            Request::post("/areas/318/returns/upload")
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
        let page = String::from_utf8_lossy(&page).into_owned();
        assert!(
            page.contains("Explain the 1 query under rule R11"),
            "{page}"
        );
        assert!(page.contains("would be accepted") || page.contains("not accepted yet"));
        let token = token_of(&page);
        let (_, _, page) = send(
            &state,
            Request::post(format!("/areas/318/returns/uploads/{token}/submit"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    "explain_R11=Apprentice+aged+15+on+a+school+work+placement",
                ))
                .unwrap(),
        )
        .await;
        let page = String::from_utf8_lossy(&page).into_owned();
        assert!(
            page.contains("Return submitted") && page.contains("version 1"),
            "{page}"
        );
        let (_, page) = get(&state, "/areas/318/returns").await;
        assert!(page.contains("1 of 2"));
        // the warm figures took in the accepted return: a few people, too few to show
        let (_, json) = get(&state, "/areas/318/figures.json").await;
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(doc["rows"][0]["people"], "c", "{json}");
        assert!(doc["footnote"].as_str().unwrap().contains("1 to 5 people"));
        let c = returns::collection(&db, None).await.unwrap().unwrap();
        let orgs = returns::organisations(&db, area.id).await.unwrap();
        let sun = orgs.iter().find(|o| o.reference == "SUN-1").unwrap();
        let cur = returns::current_return(&db, c.id, sun.id)
            .await
            .unwrap()
            .unwrap();
        let q = returns::accepted_queries(&db, cur.id).await.unwrap();
        assert_eq!(
            q[0].explanation,
            "Apprentice aged 15 on a school work placement"
        );

        // Tokens are checked: no path tricks, no guessing.
        assert_eq!(
            get(
                &state,
                "/areas/318/returns/uploads/..%2F..%2Fetc/report.csv"
            )
            .await
            .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get(
                &state,
                &format!("/areas/318/returns/uploads/{}/report.csv", "0".repeat(32))
            )
            .await
            .0,
            StatusCode::NOT_FOUND
        );
        db.close().await;
    }
}

#[tokio::test]
async fn collection_pages_are_for_the_areas_lead_only() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        let lead = app_state(&db).await;
        returns::create_collection(&db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        assert_eq!(get(&lead, "/areas/318/returns").await.0, StatusCode::OK);
        // the board sees aggregates, not returns; another area's lead sees nothing here
        let board = signed_in(
            &db,
            UserRole::BoardViewer,
            Scope::Area {
                area: "E09000027".into(),
            },
        )
        .await;
        assert_eq!(
            get(&board, "/areas/318/returns").await.0,
            StatusCode::FORBIDDEN
        );
        let other = signed_in(
            &db,
            UserRole::AreaLead,
            Scope::Area {
                area: "E09000021".into(),
            },
        )
        .await;
        let (status, page) = get(&other, "/areas/318/returns").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!page.contains("Richmond"), "{page}");
        // nobody signed in: to the sign-in page, coming back afterwards
        let nobody = Client {
            state: lead.state.clone(),
            session: None,
        };
        let (status, headers, _) = send(
            &nobody,
            Request::get("/areas/318/returns")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "location" && v == "/sign-in?next=%2Fareas%2F318%2Freturns"),
            "{headers:?}"
        );
        // public pages stay public
        assert_eq!(get(&nobody, "/rules").await.0, StatusCode::OK);
        // each use is in the audit log, refusals too
        let log = cws_store::audit::list(
            &db,
            &cws_store::audit::Filter {
                action: Some("read_returns".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(log.iter().filter(|e| e.outcome == "ok").count(), 1);
        assert_eq!(log.iter().filter(|e| e.outcome == "refused").count(), 3);
        db.close().await;
    }
}

fn form_post(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn small_employers_add_and_change_posts_on_a_form_checked_by_the_same_rules() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        let state = app_state(&db).await;
        reference::load_reference(&db).await.unwrap();
        let area = geography::area(&db, "318").await.unwrap().unwrap();
        returns::create_collection(&db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        let cm = Organisation {
            reference: OrgRef::parse("CM-7").unwrap(),
            name: "A childminder".into(),
            sector: Sector::SelfEmployed,
            service: Service::EarlyYears,
            setting: SettingType::Childminder,
            disadvantaged_area: false,
            parent: None,
        };
        returns::upsert_organisations(&db, area.id, &[cm])
            .await
            .unwrap();
        let path = "/areas/318/organisations/CM-7/workers";
        let (status, page) = get(&state, path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Posts in your current return (0)")
                && page.contains("name=\"worker_ref\"")
        );

        // Missing sex and an unknown role: the error summary links to each field.
        let bad = "worker_ref=ME&role_code=NOPE&contract_type=self_employed&ethnicity=WBRI&disability=no&vetting_check=enhanced_barred&fte=1";
        let (status, _, page) = send(&state, form_post(path, bad)).await;
        let page = String::from_utf8_lossy(&page).into_owned();
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("There is a problem")
                && page.contains("href=\"#field-sex\"")
                && page.contains("href=\"#field-role_code\""),
            "{page}"
        );
        assert!(page.contains("value=\"ME\""), "what was typed is kept");

        // Valid: saved as version 1, then shown in the list.
        let good = "worker_ref=ME&role_code=EY-CHILDMINDER&contract_type=self_employed&sex=F&ethnicity=WBRI&disability=no&vetting_check=enhanced_barred&fte=1&start_date=2015-04-01&birth_year=1979";
        let (status, headers, _) = send(&state, form_post(path, good)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(headers
            .iter()
            .any(|(k, v)| k == "location" && v.contains("version+1")));
        let (_, page) = get(&state, path).await;
        assert!(
            page.contains("Posts in your current return (1)") && page.contains("EY-CHILDMINDER")
        );

        // Change the post: the form is filled in, the change is version 2.
        let at = page.find("?edit=").unwrap() + 6;
        let edit = &page[at..page[at..].find('"').unwrap() + at];
        let (status, form) = get(&state, &format!("{path}?edit={edit}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            form.contains("Change a post")
                && form.contains("value=\"2015-04-01\"")
                && !form.contains("name=\"worker_ref\"")
        );
        let (person, role) = edit.split_once(':').unwrap();
        let changed = format!("_person={person}&_role={role}&role_code=EY-CHILDMINDER&contract_type=self_employed&sex=F&ethnicity=WBRI&disability=no&vetting_check=enhanced_barred&fte=0.8&start_date=2015-04-01&birth_year=1979");
        let (status, headers, _) = send(&state, form_post(path, &changed)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
        let (_, page) = get(&state, path).await;
        assert!(
            page.contains("Posts in your current return (1)") && page.contains(">0.80<"),
            "edited, not added"
        );
        let c = returns::collection(&db, None).await.unwrap().unwrap();
        let orgs = returns::organisations(&db, area.id).await.unwrap();
        assert_eq!(
            returns::history(&db, c.id, orgs[0].id).await.unwrap().len(),
            2
        );
        db.close().await;
    }
}

#[tokio::test]
async fn an_unknown_organisation_is_not_found_and_a_missing_collection_is_explained() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        let state = app_state(&db).await;
        let post = "worker_ref=ME&role_code=SW&contract_type=permanent&fte=1";
        // no collection yet: the lead is told to create one, not shown a failure
        let (status, _, page) = send(
            &state,
            form_post("/areas/318/organisations/NOBODY-1/workers", post),
        )
        .await;
        let page = String::from_utf8_lossy(&page).into_owned();
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(page.contains("There is no collection yet"), "{page}");
        returns::create_collection(&db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        let (status, _, page) = send(
            &state,
            form_post("/areas/318/organisations/NOBODY-1/workers", post),
        )
        .await;
        let page = String::from_utf8_lossy(&page).into_owned();
        assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
        assert!(
            page.contains("&#39;NOBODY-1&#39; is not an organisation registered in Richmond")
                || page.contains("'NOBODY-1' is not an organisation registered in Richmond"),
            "{page}"
        );
        db.close().await;
    }
}
