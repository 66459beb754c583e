//! What the API and the upload report say, word for word, kept as `insta` snapshots in
//! `tests/snapshots/`: the OpenAPI document, an area's reference data and figures as JSON,
//! and the report of a return with errors as CSV. Both databases must give the same.
//! After an intended change: `INSTA_UPDATE=always cargo test -p cws-web --test snapshots`,
//! then read the diff.

mod support;

use axum::http::StatusCode;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::{Scope, UserRole};
use cws_store::{geography, returns};
use support::TestApp;

#[test]
fn the_openapi_document() {
    insta::assert_json_snapshot!("openapi", cws_web::api::openapi_document());
}

#[tokio::test]
async fn an_areas_reference_data_and_figures_as_json() {
    for app in TestApp::each_with_workforce().await {
        let analyst = app
            .signed_in(UserRole::NationalAnalyst, Scope::National)
            .await;
        let (status, area) = analyst.json("/api/areas/318").await;
        assert_eq!(status, StatusCode::OK);
        insta::assert_json_snapshot!("api-area-318", area);
        let (status, figures) = analyst
            .json("/api/areas/318/figures?by=sector&measures=people,inpost_fte,vacancy_rate_fte")
            .await;
        assert_eq!(status, StatusCode::OK);
        insta::assert_json_snapshot!("api-area-318-figures-by-sector", figures);
        app.close().await;
    }
}

const HEADER: &str = "organisation_ref,worker_ref,role_code,fte,contract_type,start_date,birth_year,sex,ethnicity,disability,vetting_check";

#[tokio::test]
async fn the_report_of_a_return_with_errors_as_csv() {
    for app in TestApp::each().await {
        let area = geography::area(&app.db, "318").await.unwrap().unwrap();
        returns::create_collection(&app.db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        returns::upsert_organisations(
            &app.db,
            area.id,
            &[Organisation {
                reference: OrgRef::parse("SUN-1").unwrap(),
                name: "SUN-1 Nursery".into(),
                sector: Sector::Private,
                service: Service::EarlyYears,
                setting: SettingType::FullDayCare,
                disadvantaged_area: false,
                parent: None,
            }],
        )
        .await
        .unwrap();
        let lead = app.richmond_lead().await;
        let bad = format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-PRAC3,1.8,permanent,2021-01-06,1992,F,XXXX,no,enhanced_barred\nSUN-1,A3,NOPE,1,permanent,2021-01-06,1880,F,WBRI,no,enhanced_barred\n");
        let page = lead
            .upload("/areas/318/returns/upload", &[("sun.csv", &bad)], &[])
            .await
            .text();
        let at = page.find("/returns/uploads/").unwrap() + "/returns/uploads/".len();
        let token = &page[at..at + 32];
        let report = lead
            .get(&format!("/areas/318/returns/uploads/{token}/report.csv"))
            .await;
        assert_eq!(report.status, StatusCode::OK);
        insta::assert_snapshot!("upload-report-csv", report.text());
        app.close().await;
    }
}
