//! The JSON API over the real router and database, with personal API tokens: reference data,
//! uploading a return (refused, then accepted), its status, figures with disclosure control,
//! and the OpenAPI document that must describe every API route.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::{Scope, UserRole};
use cws_store::{geography, returns};
use cws_web::access::policy::ROUTES;
use support::{Client, TestApp, RICHMOND};

const HEADER: &str = "organisation_ref,worker_ref,role_code,fte,contract_type,start_date,birth_year,sex,ethnicity,disability,vetting_check";

/// Uploads `csv` as the file `sun.csv`, as a script would.
async fn upload(client: &Client, path: &str, csv: &str) -> (StatusCode, serde_json::Value) {
    let r = client.upload(path, &[("sun.csv", csv)], &[]).await;
    (r.status, r.json())
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
    for app in TestApp::each().await {
        let db = &app.db;
        returns::create_collection(db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        let area = geography::area(db, "318").await.unwrap().unwrap();
        let org = Organisation {
            reference: OrgRef::parse("SUN-1").unwrap(),
            name: "Sun Nursery".into(),
            sector: Sector::Private,
            service: Service::EarlyYears,
            setting: SettingType::FullDayCare,
            disadvantaged_area: false,
            parent: None,
        };
        returns::upsert_organisations(db, area.id, &[org])
            .await
            .unwrap();
        let lead = app
            .api_client(
                UserRole::AreaLead,
                support::area(RICHMOND),
                "lead@example.org",
            )
            .await;
        let board = app
            .api_client(
                UserRole::BoardViewer,
                support::area(RICHMOND),
                "board@example.org",
            )
            .await;
        let national = app
            .api_client(
                UserRole::NationalAnalyst,
                Scope::National,
                "nat@example.org",
            )
            .await;
        let nobody = app.anonymous();

        // the document itself is public; everything else needs a token
        let (status, doc) = nobody.json("/api/openapi.json").await;
        assert_eq!(status, StatusCode::OK);
        assert!(doc["paths"]["/api/areas/{code}/figures"].is_object());
        let (status, body) = nobody.json("/api/areas").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["error"].as_str().unwrap().contains("Bearer"));

        // reference data
        let (status, areas) = board.json("/api/areas").await;
        assert_eq!(status, StatusCode::OK);
        assert!(areas.as_array().unwrap().len() >= 153);
        let (_, richmond) = board.json("/api/areas/318").await;
        assert_eq!(richmond["code"], "E09000027");
        assert_eq!(richmond["neighbours"].as_array().unwrap().len(), 10);
        let (_, published) = board.json("/api/areas/318/published").await;
        assert!(published["values"].as_array().unwrap().len() > 50);

        // the dashboard before any return (computed now, then cached until a return changes it)
        let total = |html: String| {
            let at = html
                .find("<th scope=\"row\">Total</th><td class=\"num\">")
                .expect("a Total row")
                + "<th scope=\"row\">Total</th><td class=\"num\">".len();
            html[at..at + html[at..].find('<').unwrap()].to_string()
        };
        // the lead sees the area whole (its board sees small numbers suppressed)
        let page = || async { lead.get("/areas/318/dashboard/composition").await.text() };
        assert_eq!(total(page().await), "0");
        assert_eq!(total(page().await), "0");

        // a return with an error: 422 and every message located
        let bad = format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-PRAC3,1.0,permanent,2021-01-06,1992,F,XXXX,no,enhanced_barred\n");
        let (status, report) = upload(&lead, "/api/areas/318/returns", &bad).await;
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
        let (status, _) = upload(&board, "/api/areas/318/returns", &bad).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // fixed: a dry run stores nothing, then it is accepted
        let good = bad.replace("XXXX", "BAFR");
        let (status, report) = upload(&lead, "/api/areas/318/returns?dry_run=true", &good).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let (_, st) = lead.json("/api/areas/318/returns").await;
        assert_eq!(st["returned"], 0);
        let (status, report) = upload(&lead, "/api/areas/318/returns", &good).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["accepted"], true);
        let (status, st) = lead.json("/api/areas/318/returns").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(st["returned"], 1);
        assert_eq!(st["returns"][0]["version"], 1);
        let (status, _) = board.json("/api/areas/318/returns").await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "return status is for the lead"
        );
        // the accepted return reaches the cached dashboard
        assert_eq!(total(page().await), "2");
        // with an earlier census held too, the overview shows the trend over census dates
        returns::create_collection(db, &Collection::default_for_year(2024).unwrap())
            .await
            .unwrap();
        let overview = board.get("/areas/318/dashboard/overview").await.text();
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

        // figures: the area's own lead sees them whole, its board protected; England is
        // protected
        let (status, f) = lead
            .json("/api/areas/318/figures?by=role_group&measures=people,inpost_fte")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(f["protected"], false);
        assert_eq!(f["rows"][0]["role_group"], "Total");
        assert_eq!(f["rows"][0]["people"], 2.0);
        let (status, f) = board
            .json("/api/areas/318/figures?by=role_group&measures=people,inpost_fte")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(f["protected"], true);
        assert_eq!(
            f["rows"][0]["people"], "c",
            "2 people: suppressed for the board"
        );
        let (_, e) = national.json("/api/england/figures?measures=people").await;
        assert_eq!(e["protected"], true);
        assert_eq!(
            e["rows"][0]["people"], "c",
            "2 people in England: suppressed"
        );
        let (status, e) = board.json("/api/england/figures").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(e["error"].is_string());
        let (status, e) = board.json("/api/areas/318/figures?measures=nonsense").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(e["error"]
            .as_str()
            .unwrap()
            .contains("'nonsense' is not a measure"));
        let (status, _) = board.json("/api/areas/E09000021/figures").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // the area's lead deletes the organisation's data (docs/definitions.md §11): gone everywhere, audited
        let delete = || {
            Request::post("/areas/318/organisations/SUN-1/delete")
                .body(Body::empty())
                .unwrap()
        };
        let r = board.send(delete()).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "not a board member's to delete"
        );
        let r = lead.send(delete()).await;
        assert_eq!(r.status, StatusCode::OK);
        let (_, st) = lead.json("/api/areas/318/returns").await;
        assert_eq!(st["returned"], 0);
        assert_eq!(st["returns"][0]["status"], "not_started");
        assert_eq!(total(page().await), "0");
        let c = returns::collection(db, None).await.unwrap().unwrap();
        let orgs = returns::organisations(db, area.id).await.unwrap();
        assert!(returns::history(db, c.id, orgs[0].id)
            .await
            .unwrap()
            .is_empty());
        let log = cws_store::audit::list(
            db,
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
        app.close().await;
    }
}
