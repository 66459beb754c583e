//! Collecting returns through the web application: the rule list, the coverage page, template
//! downloads, and an upload checked, refused, corrected, explained and submitted — over the
//! real router and a real database, as a browser's form posts would arrive.

mod support;

use axum::http::StatusCode;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::UserRole;
use cws_store::{geography, returns};
use support::{area, Reply, TestApp, RICHMOND};

const HEADER: &str = "organisation_ref,worker_ref,role_code,fte,contract_type,start_date,birth_year,sex,ethnicity,disability,vetting_check";

fn token_of(page: &str) -> String {
    let at = page.find("/returns/uploads/").unwrap() + "/returns/uploads/".len();
    page[at..at + 32].to_string()
}

/// The answer's `content-disposition` header, or nothing.
fn disposition(r: &Reply) -> &str {
    r.headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn upload_check_fix_explain_submit_and_see_coverage() {
    for app in TestApp::each().await {
        let db = &app.db;
        let state = app.richmond_lead().await;
        let area = geography::area(db, "318").await.unwrap().unwrap();
        returns::create_collection(db, &Collection::default_for_year(2025).unwrap())
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
            db,
            area.id,
            &[
                org("SUN-1", Sector::Private, SettingType::FullDayCare),
                org("MOON-2", Sector::VoluntaryCommunity, SettingType::Sessional),
            ],
        )
        .await
        .unwrap();

        // The rule list and the coverage page, before anything is returned.
        let r = state.get("/rules").await;
        let (status, rules) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        assert!(rules.contains("id=\"R02\"") && rules.contains("id=\"X02\""));
        let r = state.get("/areas/318/returns").await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("0 of 2"), "coverage starts at none");
        assert!(page.contains("SUN-1") && page.contains("MOON-2"));

        // Templates download as real files.
        let template = state
            .get("/areas/318/organisations/SUN-1/template.xlsx")
            .await;
        assert_eq!(template.status, StatusCode::OK);
        assert!(template.body.starts_with(b"PK"));
        assert!(disposition(&template).contains("SUN-1-workforce-return.xlsx"));
        let csv = state.get("/templates/template.csv").await;
        assert!(csv
            .text()
            .starts_with("organisation_ref,worker_ref,role_code"));

        // Figures from the returns: nobody yet; the snapshot is built now and kept warm.
        let r = state.get("/areas/318/figures.json").await;
        let (status, json) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(doc["rows"][0]["role_group"], "Total");
        assert_eq!(doc["rows"][0]["people"], 0.0);

        // A return with an error: reported with row and column, nothing stored.
        let bad = format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-PRAC3,1.8,permanent,2021-01-06,1992,F,XXXX,no,enhanced_barred\n");
        let r = state
            .upload(
                "/areas/318/returns/upload",
                &[("sun.csv", &bad)],
                &[("organisation", "")],
            )
            .await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("There are 2 errors to fix"), "{page}");
        assert!(page.contains("XXXX") && page.contains("ethnicity") && page.contains(">3<"));
        assert!(
            page.contains("Row 3 (worker A2), ethnicity"),
            "the sender's own reference"
        );
        assert!(
            !page.contains("Submit the return"),
            "errors cannot be submitted"
        );
        let token = token_of(&page);
        let r = state
            .get(&format!("/areas/318/returns/uploads/{token}/report.csv"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let report = r.text();
        assert!(
            report.starts_with("severity,rule,file,row,worker_ref,column,value")
                && report.contains("R02")
        );
        let xlsx = state
            .get(&format!("/areas/318/returns/uploads/{token}/report.xlsx"))
            .await;
        assert!(xlsx.body.starts_with(b"PK"));
        // an attempt to submit it anyway stores nothing
        let page = state
            .post_form(&format!("/areas/318/returns/uploads/{token}/submit"), &[])
            .await;
        assert!(page.text().contains("not accepted"));
        assert!(state
            .get("/areas/318/returns")
            .await
            .text()
            .contains("0 of 2"));

        // Corrected, with one query (a 15-year-old apprentice) explained on the form.
        let good = format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-APPR,0.6,permanent,2025-09-01,2010,F,BAFR,no,enhanced_barred\n");
        let page = state
            .upload(
                "/areas/318/returns/upload",
                &[("sun.csv", &good)],
                &[("organisation", "SUN-1")],
            )
            .await
            .text();
        assert!(
            page.contains("Explain the 1 query under rule R11"),
            "{page}"
        );
        assert!(page.contains("would be accepted") || page.contains("not accepted yet"));
        let token = token_of(&page);
        let page = state
            .post_form(
                &format!("/areas/318/returns/uploads/{token}/submit"),
                &[(
                    "explain_R11",
                    "Apprentice aged 15 on a school work placement",
                )],
            )
            .await
            .text();
        assert!(
            page.contains("Return submitted") && page.contains("version 1"),
            "{page}"
        );
        let page = state.get("/areas/318/returns").await.text();
        assert!(page.contains("1 of 2"));
        // the warm figures took in the accepted return: a few people, too few to show
        let json = state.get("/areas/318/figures.json").await.text();
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(doc["rows"][0]["people"], "c", "{json}");
        assert!(doc["footnote"].as_str().unwrap().contains("1 to 5 people"));
        let c = returns::collection(db, None).await.unwrap().unwrap();
        let orgs = returns::organisations(db, area.id).await.unwrap();
        let sun = orgs.iter().find(|o| o.reference == "SUN-1").unwrap();
        let cur = returns::current_return(db, c.id, sun.id)
            .await
            .unwrap()
            .unwrap();
        let q = returns::accepted_queries(db, cur.id).await.unwrap();
        assert_eq!(
            q[0].explanation,
            "Apprentice aged 15 on a school work placement"
        );

        // Tokens are checked: no path tricks, no guessing.
        assert_eq!(
            state
                .get("/areas/318/returns/uploads/..%2F..%2Fetc/report.csv")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            state
                .get(&format!(
                    "/areas/318/returns/uploads/{}/report.csv",
                    "0".repeat(32)
                ))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        app.close().await;
    }
}

#[tokio::test]
async fn the_demo_lead_chases_the_private_and_voluntary_returns_still_outstanding() {
    for app in TestApp::each_with_workforce().await {
        let lead = app.richmond_lead().await;
        let all = lead.page("/areas/318/returns").await;
        let total = all.matches("<tr><th scope=\"row\"><a href=").count();
        assert!(all.contains(&format!("Organisations ({total} of {total})")));
        // the collection's state is said (the demo's 2025 collection has closed)
        assert!(all.contains("Closed on 28 February 2026"), "{all}");
        let page = lead.page("/areas/318/returns?status=outstanding").await;
        let at = page
            .find("<h2 id=\"organisations\">")
            .expect("the organisations");
        let missing = &page[at..];
        let rows = missing.matches("<tr><th scope=\"row\"><a href=").count();
        assert!(rows >= 10, "{rows} outstanding returns listed");
        assert!(missing.contains(&format!("Organisations ({rows} of {total})")));
        assert!(all.contains(&format!("{rows} still to return")));
        // the council, NHS and schools have all returned
        for statutory in [
            "<td>Local authority</td>",
            "<td>NHS</td>",
            "<td>School or academy</td>",
        ] {
            assert!(!missing.contains(statutory), "{statutory} outstanding");
        }
        assert!(missing.contains("<td>Private</td>"));
        // the same list to download, one line each
        let chase = lead.get("/areas/318/returns/chase.csv").await;
        assert_eq!(chase.status, StatusCode::OK);
        let csv = chase.text();
        assert_eq!(csv.lines().count(), rows + 1, "{csv}");
        assert!(csv.starts_with("organisation_ref,organisation,sector,setting,status"));
        assert!(!csv.contains(",Local authority,"));
        // searched by name: the one organisation; sorted by sending time, newest first
        let first = &missing[missing.find("<tr><th scope=\"row\"><a href=").unwrap()..];
        let name_at = first.find("/return\">").unwrap() + "/return\">".len();
        let name = &first[name_at..name_at + first[name_at..].find('<').unwrap()];
        let found = lead
            .page(&format!(
                "/areas/318/returns?{}",
                serde_urlencoded::to_string([("q", name)]).unwrap()
            ))
            .await;
        assert!(
            found.contains(&format!("Organisations (1 of {total})")),
            "{name}"
        );
        let sorted = lead.page("/areas/318/returns?sort=sent&dir=desc").await;
        assert!(sorted.contains("aria-sort=\"descending\""));
        let at = sorted.find("aria-sort=\"descending\"").unwrap();
        assert!(
            sorted[at..].contains("dir=asc"),
            "the heading sorts the other way next: {}",
            &sorted[at..at + 200]
        );
        app.close().await;
    }
}

#[tokio::test]
async fn collection_pages_are_for_the_areas_lead_only() {
    for app in TestApp::each().await {
        let db = &app.db;
        let lead = app.richmond_lead().await;
        returns::create_collection(db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        assert_eq!(lead.get("/areas/318/returns").await.status, StatusCode::OK);
        // the board sees aggregates, not returns; another area's lead sees nothing here
        let board = app.signed_in(UserRole::BoardViewer, area(RICHMOND)).await;
        assert_eq!(
            board.get("/areas/318/returns").await.status,
            StatusCode::FORBIDDEN
        );
        let other = app.signed_in(UserRole::AreaLead, area("E09000021")).await;
        let r = other.get("/areas/318/returns").await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!page.contains("Richmond"), "{page}");
        // nobody signed in: to the sign-in page, coming back afterwards
        let nobody = app.anonymous();
        let r = nobody.get("/areas/318/returns").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            r.location == "/sign-in?next=%2Fareas%2F318%2Freturns",
            "{:?}",
            r.headers
        );
        // public pages stay public
        assert_eq!(nobody.get("/rules").await.status, StatusCode::OK);
        // each use is in the audit log, refusals too
        let log = cws_store::audit::list(
            db,
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
        app.close().await;
    }
}

#[tokio::test]
async fn small_employers_add_and_change_posts_on_a_form_checked_by_the_same_rules() {
    for app in TestApp::each().await {
        let db = &app.db;
        let state = app.richmond_lead().await;
        let area = geography::area(db, "318").await.unwrap().unwrap();
        returns::create_collection(db, &Collection::default_for_year(2025).unwrap())
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
        returns::upsert_organisations(db, area.id, &[cm])
            .await
            .unwrap();
        let path = "/areas/318/organisations/CM-7/workers";
        let r = state.get(path).await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Posts in your return as sent (0)")
                && page.contains("name=\"worker_ref\"")
        );

        // Missing sex and an unknown role, sent at once: refused at the first step with a
        // problem, its error summary linking to the field, the other step named.
        let bad = [
            ("worker_ref", "ME"),
            ("role_code", "NOPE"),
            ("contract_type", "self_employed"),
            ("ethnicity", "WBRI"),
            ("disability", "no"),
            ("vetting_check", "enhanced_barred"),
            ("fte", "1"),
        ];
        let r = state.post_form(path, &bad).await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("There is a problem") && page.contains("href=\"#field-role_code\""),
            "{page}"
        );
        assert!(page.contains("There are problems in About the person too"));
        assert!(
            !page.contains("href=\"#field-sex\""),
            "not a field on this step"
        );
        assert!(page.contains("value=\"ME\""), "what was typed is kept");

        // Valid: kept in the draft, then shown in the list.
        let good = [
            ("worker_ref", "ME"),
            ("role_code", "EY-CHILDMINDER"),
            ("contract_type", "self_employed"),
            ("sex", "F"),
            ("ethnicity", "WBRI"),
            ("disability", "no"),
            ("vetting_check", "enhanced_barred"),
            ("fte", "1"),
            ("start_date", "2015-04-01"),
            ("birth_year", "1979"),
        ];
        let r = state.post_form(path, &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location.ends_with("?saved=draft"), "{}", r.location);
        assert!(state
            .get(&r.location)
            .await
            .text()
            .contains("Saved in your draft."));
        let page = state.get(path).await.text();
        assert!(page.contains("Posts in your draft (1)") && page.contains("EY-CHILDMINDER"));

        // Change the post: the form is filled in, the change goes into the same draft.
        let at = page.find("?edit=").unwrap() + 6;
        let edit = &page[at..page[at..].find('"').unwrap() + at];
        let r = state.get(&format!("{path}?edit={edit}")).await;
        let (status, form) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        assert!(
            form.contains("Change a post")
                && form.contains("name=\"start_date-day\" value=\"1\"")
                && form.contains("name=\"start_date-month\" value=\"4\"")
                && form.contains("name=\"start_date-year\" value=\"2015\"")
                && !form.contains("name=\"worker_ref\"")
        );
        let (person, role) = edit.split_once(':').unwrap();
        let changed = [
            ("_person", person),
            ("_role", role),
            ("role_code", "EY-CHILDMINDER"),
            ("contract_type", "self_employed"),
            ("sex", "F"),
            ("ethnicity", "WBRI"),
            ("disability", "no"),
            ("vetting_check", "enhanced_barred"),
            ("fte", "0.8"),
            ("start_date", "2015-04-01"),
            ("birth_year", "1979"),
        ];
        let r = state.post_form(path, &changed).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{:?}", r.headers);
        let page = state.get(path).await.text();
        assert!(
            page.contains("Posts in your draft (1)") && page.contains(">0.80<"),
            "edited, not added"
        );
        let c = returns::collection(db, None).await.unwrap().unwrap();
        let orgs = returns::organisations(db, area.id).await.unwrap();
        assert!(returns::history(db, c.id, orgs[0].id)
            .await
            .unwrap()
            .is_empty());
        // sent: one version, holding the change
        let r = state
            .post_form("/areas/318/organisations/CM-7/return/send", &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let history = returns::history(db, c.id, orgs[0].id).await.unwrap();
        assert_eq!(history.len(), 1);
        let posts = returns::return_workers(db, history[0].id).await.unwrap();
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].fte.map(|f| f.get()), Some(0.8));
        app.close().await;
    }
}

#[tokio::test]
async fn an_unknown_organisation_is_not_found_and_a_missing_collection_is_explained() {
    for app in TestApp::each().await {
        let db = &app.db;
        let state = app.richmond_lead().await;
        let post = [
            ("worker_ref", "ME"),
            ("role_code", "SW"),
            ("contract_type", "permanent"),
            ("fte", "1"),
        ];
        // no collection yet: the lead is told to create one, not shown a failure
        let r = state
            .post_form("/areas/318/organisations/NOBODY-1/workers", &post)
            .await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(page.contains("There is no collection yet"), "{page}");
        returns::create_collection(db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        let r = state
            .post_form("/areas/318/organisations/NOBODY-1/workers", &post)
            .await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
        assert!(
            page.contains("&#39;NOBODY-1&#39; is not an organisation registered in Richmond")
                || page.contains("'NOBODY-1' is not an organisation registered in Richmond"),
            "{page}"
        );
        app.close().await;
    }
}

/// Reading a large upload runs beside the server's other work: with one worker thread, the
/// health check (and so every page) keeps answering while the file is read and checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn pages_keep_answering_while_a_large_upload_is_read() {
    use std::time::{Duration, Instant};
    for app in TestApp::each().await {
        let db = &app.db;
        let area = geography::area(db, "318").await.unwrap().unwrap();
        returns::create_collection(db, &Collection::default_for_year(2025).unwrap())
            .await
            .unwrap();
        returns::upsert_organisations(
            db,
            area.id,
            &[Organisation {
                reference: OrgRef::parse("SUN-1").unwrap(),
                name: "Sun Nursery".into(),
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
        let mut big = format!("{HEADER}\n");
        for i in 0..200_000 {
            big.push_str(&format!(
                "SUN-1,W{i},EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\n"
            ));
        }
        let uploader = lead.clone();
        let upload = tokio::spawn(async move {
            uploader
                .upload(
                    "/areas/318/returns/upload",
                    &[("big.csv", &big)],
                    &[("organisation", "")],
                )
                .await
                .status
        });
        let nobody = app.anonymous();
        // the longest wait between one answered health check and the next
        let (mut answered, mut slowest, mut last) = (0, Duration::ZERO, Instant::now());
        while !upload.is_finished() {
            let check = nobody.clone();
            // a task of its own, served by the runtime's worker like any request
            let status = tokio::spawn(async move { check.get("/healthz").await.status })
                .await
                .unwrap();
            assert_eq!(status, StatusCode::OK);
            slowest = slowest.max(last.elapsed());
            last = Instant::now();
            answered += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(upload.await.unwrap(), StatusCode::OK);
        assert!(
            answered >= 3,
            "the upload overlapped {answered} health checks"
        );
        assert!(
            slowest < Duration::from_millis(500),
            "the health check went unanswered for {slowest:?} while the upload was read"
        );
        app.close().await;
    }
}
