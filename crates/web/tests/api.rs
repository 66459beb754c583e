//! The JSON API over the real router and database, with personal API tokens: reference data,
//! uploading a return (refused, then accepted), its status, figures with disclosure control,
//! and the OpenAPI document that must describe every API route.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::{Access, Scope, UserRole};
use cws_store::{accounts, geography, reference, returns, users, Db};
use cws_web::access::policy::ROUTES;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const HEADER: &str = "organisation_ref,worker_ref,role_code,fte,contract_type,start_date,birth_year,sex,ethnicity,disability,vetting_check";

async fn token_for(db: &Db, email: &str, role: UserRole, scope: Scope) -> String {
    let id = users::upsert_user(db, email, "T", &Access::new(role, scope).unwrap(), "!")
        .await
        .unwrap();
    let token = format!("cws_{}", cws_web::access::new_secret());
    accounts::create_api_token(db, &cws_web::access::digest(&token), id, "test")
        .await
        .unwrap();
    token
}

async fn call(state: &cws_web::AppState, request: Request<Body>) -> (StatusCode, Value) {
    let response = cws_web::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn get(path: &str, token: &str) -> Request<Body> {
    let mut r = Request::get(path);
    if !token.is_empty() {
        r = r.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    r.body(Body::empty()).unwrap()
}

fn upload(path: &str, token: &str, csv: &str) -> Request<Body> {
    let boundary = "apiboundary42";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"sun.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n");
    Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[test]
fn the_openapi_document_describes_every_api_route_and_no_other() {
    let doc = cws_web::api::openapi_document();
    let mut documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let mut routed: Vec<(String, String)> = ROUTES
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
    assert_eq!(doc["openapi"], "3.1.0");
}

#[tokio::test]
async fn scripts_upload_returns_and_read_figures_with_their_owners_access() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        returns::create_collection(&db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        let area = geography::area(&db, "318").await.unwrap().unwrap();
        let org = Organisation {
            reference: OrgRef::parse("SUN-1").unwrap(),
            name: "Sun Nursery".into(),
            sector: Sector::Private,
            service: Service::EarlyYears,
            setting: SettingType::FullDayCare,
            disadvantaged_area: false,
            parent: None,
        };
        returns::upsert_organisations(&db, area.id, &[org])
            .await
            .unwrap();
        let richmond = Scope::Area {
            area: "E09000027".into(),
        };
        let lead = token_for(
            &db,
            "lead@example.org",
            UserRole::AreaLead,
            richmond.clone(),
        )
        .await;
        let board = token_for(&db, "board@example.org", UserRole::BoardViewer, richmond).await;
        let national = token_for(
            &db,
            "nat@example.org",
            UserRole::NationalAnalyst,
            Scope::National,
        )
        .await;
        let state = cws_web::AppState::new(db.clone(), Pseudonymiser::new(b"api"));

        // the document itself is public; everything else needs a token
        let (status, doc) = call(&state, get("/api/openapi.json", "")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(doc["paths"]["/api/areas/{code}/figures"].is_object());
        let (status, body) = call(&state, get("/api/areas", "")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["error"].as_str().unwrap().contains("Bearer"));

        // reference data
        let (status, areas) = call(&state, get("/api/areas", &board)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(areas.as_array().unwrap().len() >= 153);
        let (_, richmond) = call(&state, get("/api/areas/318", &board)).await;
        assert_eq!(richmond["code"], "E09000027");
        assert_eq!(richmond["neighbours"].as_array().unwrap().len(), 10);
        let (_, published) = call(&state, get("/api/areas/318/published", &board)).await;
        assert!(published["values"].as_array().unwrap().len() > 50);

        // the dashboard before any return (computed now, then cached until a return changes it)
        let total = |html: String| {
            let at = html
                .find("<th scope=\"row\">Total</th><td class=\"num\">")
                .expect("a Total row")
                + "<th scope=\"row\">Total</th><td class=\"num\">".len();
            html[at..at + html[at..].find('<').unwrap()].to_string()
        };
        let page = |state: cws_web::AppState, token: String| async move {
            let r = cws_web::router(state)
                .oneshot(get("/areas/318/dashboard/composition", &token))
                .await
                .unwrap();
            String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
        };
        assert_eq!(total(page(state.clone(), board.clone()).await), "0");
        assert_eq!(total(page(state.clone(), board.clone()).await), "0");

        // a return with an error: 422 and every message located
        let bad = format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-PRAC3,1.0,permanent,2021-01-06,1992,F,XXXX,no,enhanced_barred\n");
        let (status, report) = call(&state, upload("/api/areas/318/returns", &lead, &bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let m = report["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["value"] == "XXXX")
            .unwrap();
        assert_eq!(
            (m["file"].as_str(), m["row"].as_u64(), m["column"].as_str()),
            (Some("sun.csv"), Some(3), Some("ethnicity"))
        );
        assert_eq!(m["severity"], "error");
        // a board member's token cannot upload
        let (status, _) = call(&state, upload("/api/areas/318/returns", &board, &bad)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // fixed: a dry run stores nothing, then it is accepted
        let good = bad.replace("XXXX", "BAFR");
        let (status, report) = call(
            &state,
            upload("/api/areas/318/returns?dry_run=true", &lead, &good),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let (_, st) = call(&state, get("/api/areas/318/returns", &lead)).await;
        assert_eq!(st["returned"], 0);
        let (status, report) = call(&state, upload("/api/areas/318/returns", &lead, &good)).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["accepted"], true);
        let (status, st) = call(&state, get("/api/areas/318/returns", &lead)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(st["returned"], 1);
        assert_eq!(st["returns"][0]["version"], 1);
        let (status, _) = call(&state, get("/api/areas/318/returns", &board)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "return status is for the lead"
        );
        // the accepted return reaches the cached dashboard
        assert_eq!(total(page(state.clone(), board.clone()).await), "2");
        // with an earlier census held too, the overview shows the trend over census dates
        returns::create_collection(&db, &Collection::default_for_year(2024).unwrap())
            .await
            .unwrap();
        let r = cws_web::router(state.clone())
            .oneshot(get("/areas/318/dashboard/overview", &board))
            .await
            .unwrap();
        let overview =
            String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(
            overview.contains("Key figures over census dates"),
            "{overview}"
        );
        let at = overview.find("key figures at each census date").unwrap();
        let trend = &overview[at..];
        let (y24, y25) = (
            trend.find("30 September 2024").unwrap(),
            trend.find("30 September 2025").unwrap(),
        );
        assert!(y24 < y25, "oldest first");

        // figures: the area's own people see them whole; England is protected
        let (status, f) = call(
            &state,
            get(
                "/api/areas/318/figures?by=role_group&measures=people,inpost_fte",
                &board,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(f["protected"], false);
        assert_eq!(f["rows"][0]["role_group"], "Total");
        assert_eq!(f["rows"][0]["people"], 2.0);
        let (_, e) = call(
            &state,
            get("/api/england/figures?measures=people", &national),
        )
        .await;
        assert_eq!(e["protected"], true);
        assert_eq!(
            e["rows"][0]["people"], "c",
            "2 people in England: suppressed"
        );
        let (status, e) = call(&state, get("/api/england/figures", &board)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(e["error"].is_string());
        let (status, e) = call(
            &state,
            get("/api/areas/318/figures?measures=nonsense", &board),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(e["error"]
            .as_str()
            .unwrap()
            .contains("'nonsense' is not a measure"));
        let (status, _) = call(
            &state,
            Request::builder()
                .method(Method::GET)
                .uri("/api/areas/E09000021/figures")
                .header(header::AUTHORIZATION, format!("Bearer {board}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // the area's lead deletes the organisation's data (docs/definitions.md §11): gone everywhere, audited
        let delete = |token: &str| {
            Request::post("/areas/318/organisations/SUN-1/delete")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        let r = cws_web::router(state.clone())
            .oneshot(delete(&board))
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "not a board member's to delete"
        );
        let r = cws_web::router(state.clone())
            .oneshot(delete(&lead))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let (_, st) = call(&state, get("/api/areas/318/returns", &lead)).await;
        assert_eq!(st["returned"], 0);
        assert_eq!(st["returns"][0]["status"], "not_started");
        assert_eq!(total(page(state.clone(), board.clone()).await), "0");
        let c = returns::collection(&db, None).await.unwrap().unwrap();
        let orgs = returns::organisations(&db, area.id).await.unwrap();
        assert!(returns::history(&db, c.id, orgs[0].id)
            .await
            .unwrap()
            .is_empty());
        let log = cws_store::audit::list(
            &db,
            &cws_store::audit::Filter {
                action: Some("delete_organisation_data".into()),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            log.iter().map(|e| e.outcome.as_str()).collect::<Vec<_>>(),
            ["ok", "refused"]
        );
        db.close().await;
    }
}
