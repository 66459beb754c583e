//! The employer's own return, as an employer submitter uses it: "Your return" with the due
//! date and status, the upload limited to its organisation (check, report, explain, send),
//! the worker form building a draft that is sent with one declaration, and no link on any
//! page it sees that leads to a page it is refused.

mod support;

use axum::http::StatusCode;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::{Scope, UserRole};
use cws_store::{geography, returns};
use support::*;

const HEADER: &str = "organisation_ref,worker_ref,role_code,fte,contract_type,start_date,birth_year,sex,ethnicity,disability,vetting_check";

fn nursery(reference: &str, name: &str) -> Organisation {
    Organisation {
        reference: OrgRef::parse(reference).unwrap(),
        name: name.into(),
        sector: Sector::Private,
        service: Service::EarlyYears,
        setting: SettingType::FullDayCare,
        disadvantaged_area: false,
        parent: None,
    }
}

/// A collection, two nurseries in Richmond, and the first nursery's employer signed in.
async fn setup(app: &TestApp) -> Client {
    returns::create_collection(&app.db, &Collection::default_for_year(2025).unwrap())
        .await
        .unwrap();
    let area = geography::area(&app.db, "318").await.unwrap().unwrap();
    returns::upsert_organisations(
        &app.db,
        area.id,
        &[
            nursery("SUN-1", "Sunshine Nursery"),
            nursery("MOON-2", "Moonbeam Nursery"),
        ],
    )
    .await
    .unwrap();
    let sun = returns::organisation(&app.db, area.id, "SUN-1")
        .await
        .unwrap()
        .unwrap();
    app.signed_in_as(
        UserRole::EmployerSubmitter,
        Scope::Organisation {
            area: RICHMOND.into(),
            org: sun.id.to_string(),
        },
        "manager@sunshine.example",
    )
    .await
}

fn token_of(page: &str) -> String {
    let at = page.find("/uploads/").unwrap() + "/uploads/".len();
    page[at..at + 32].to_string()
}

const BASE: &str = "/areas/E09000027/organisations/SUN-1";

/// How many people the area's figures count (for the lead).
async fn people(app: &TestApp) -> f64 {
    let lead = app.richmond_lead().await;
    let (status, json) = lead
        .json("/api/areas/E09000027/figures?measures=people")
        .await;
    assert_eq!(status, StatusCode::OK);
    json["rows"][0]["people"].as_f64().unwrap_or(0.0)
}

#[tokio::test]
async fn an_employer_uploads_its_own_return_explains_a_query_and_sends_it() {
    for app in TestApp::each().await {
        let employer = setup(&app).await;
        let page = employer.page(&format!("{BASE}/return")).await;
        assert!(page.contains("Not started"), "{page}");
        assert!(page.contains("Due"));
        assert!(page.contains(&format!("{BASE}/upload")));

        // the upload form has no choice of organisation: every row is for its own
        let form = employer.page(&format!("{BASE}/upload")).await;
        assert!(form.contains("Sunshine Nursery (SUN-1)"));
        assert!(!form.contains("<select id=\"organisation\""));
        let r = employer.upload(&format!("{BASE}/upload"), &[], &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("<title>Error: Upload a return"));

        // a row for another organisation is an error: nothing can be sent
        let csv = format!(
            "{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nMOON-2,B1,EY-PRAC3,1,permanent,2019-01-07,1985,F,WBRI,no,enhanced_barred\n"
        );
        let r = employer
            .upload(&format!("{BASE}/upload"), &[("return.csv", &csv)], &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let report = r.text();
        assert!(
            report.contains("the return is for &#39;SUN-1&#39;"),
            "{report}"
        );
        assert!(!report.contains("Accept and send"));
        // the summary at the top names each error and links to its row in the table
        assert!(report.contains("<title>Error: "));
        assert!(
            report.contains("<a href=\"#error-1\">Row 3 (worker B1), organisation_ref: "),
            "{report}"
        );
        assert!(report.contains("<tr id=\"error-1\">"));
        assert!(report.contains(&format!("{BASE}/uploads/")));

        // its own rows only, one of them a volunteer of 80: a query to explain
        let csv = format!(
            "{HEADER}\n,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\n,A2,EY-PRAC3,0.2,volunteer,2024-01-08,1945,M,WBRI,no,enhanced_barred\n"
        );
        let r = employer
            .upload(&format!("{BASE}/upload"), &[("return.csv", &csv)], &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let report = r.text();
        assert!(report.contains("Accept and send"), "{report}");
        let token = token_of(&report);
        // another organisation's pages do not open the upload
        let moon = "/areas/E09000027/organisations/MOON-2";
        let lead = app.richmond_lead().await;
        let r = lead
            .post_form(&format!("{moon}/uploads/{token}/submit"), &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // without the explanation: refused, saying so
        let submit = format!("{BASE}/uploads/{token}/submit");
        let r = employer.post_form(&submit, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let refused = r.text();
        assert!(refused.contains("<title>Error: "), "{refused}");
        assert!(refused.contains("Explain the queries before you send"));
        assert!(refused.contains("href=\"#explain_R11\""), "{refused}");
        assert_eq!(people(&app).await, 0.0);
        // explained: sent
        let rule = {
            let at = report.find("name=\"explain_").unwrap() + "name=\"explain_".len();
            report[at..at + report[at..].find('"').unwrap()].to_string()
        };
        let r = employer
            .post_form(
                &submit,
                &[(
                    &format!("explain_{rule}"),
                    "Our oldest volunteer reads to the children on Fridays",
                )],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("Back to your return"));
        assert_eq!(people(&app).await, 2.0);
        let page = employer.page(&format!("{BASE}/return")).await;
        assert!(page.contains("<strong>Sent</strong>"), "{page}");
        assert!(page.contains("Version 1"));
        assert!(page.contains("by manager@sunshine.example"), "{page}");

        // the template comes filled with the posts sent, each person named as cws knows
        // them: sent back unchanged it changes nothing; with one FTE changed, one post
        let template = employer.get(&format!("{BASE}/template.csv")).await;
        assert_eq!(template.status, StatusCode::OK);
        let filled = template.text();
        assert_eq!(filled.lines().count(), 3, "{filled}");
        assert!(
            filled.lines().nth(1).unwrap().starts_with("SUN-1,cws:"),
            "{filled}"
        );
        let r = employer
            .upload(&format!("{BASE}/upload"), &[("again.csv", &filled)], &[])
            .await;
        assert!(r.text().contains("Unchanged"), "{}", r.text());
        let changed = filled.replacen(",0.8,", ",0.6,", 1);
        assert_ne!(changed, filled);
        let r = employer
            .upload(&format!("{BASE}/upload"), &[("changed.csv", &changed)], &[])
            .await;
        let report = r.text();
        assert!(
            report.contains(
                "<td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">0</td>"
            ),
            "added 0, changed 1, removed 0: {report}"
        );
        let xlsx = employer.get(&format!("{BASE}/template.xlsx")).await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.body.starts_with(b"PK"));
        app.close().await;
    }
}

#[tokio::test]
async fn changes_on_the_worker_form_are_a_draft_until_the_employer_sends_them() {
    for app in TestApp::each().await {
        let employer = setup(&app).await;
        let form = format!("{BASE}/workers");
        let post = [
            ("worker_ref", "STAFF-9"),
            ("role_code", "EY-PRAC3"),
            ("contract_type", "permanent"),
            ("sex", "F"),
            ("ethnicity", "WBRI"),
            ("disability", "no"),
            ("vetting_check", "enhanced_barred"),
            ("fte", "1"),
            ("start_date", "2021-09-01"),
            ("birth_year", "1992"),
        ];
        let r = employer.post_form(&form, &post).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert!(r.location.ends_with("?saved=draft"), "{}", r.location);
        let page = employer.page(&r.location).await;
        assert!(page.contains("Saved in your draft"), "{page}");
        assert!(page.contains("Posts in your draft (1)"), "{page}");
        // a draft is not in the figures, nor a version
        assert_eq!(people(&app).await, 0.0);
        let area = geography::area(&app.db, "318").await.unwrap().unwrap();
        let c = returns::collection(&app.db, None).await.unwrap().unwrap();
        let sun = returns::organisation(&app.db, area.id, "SUN-1")
            .await
            .unwrap()
            .unwrap();
        assert!(returns::history(&app.db, c.id, sun.id)
            .await
            .unwrap()
            .is_empty());
        // a second post goes into the same draft
        let second = [("worker_ref", "STAFF-10"), ("start_date", "2022-01-10")];
        let mut post2 = post.to_vec();
        post2.retain(|(k, _)| !second.iter().any(|(s, _)| s == k));
        post2.extend(second);
        let r = employer.post_form(&form, &post2).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        // staff are told apart by what the employer knows, and found by its own staff number
        // (keyed as a return's is, never kept), never listed as keys
        let form_page = employer.page(&form).await;
        assert!(form_page.contains("Staff or payroll number"));
        assert!(form_page.contains("Hours as a proportion of full time"));
        // yes/no questions (training and checks, the third step) are radios, "not known"
        // the blank answer
        let form_page = employer.page(&format!("{form}?step=training")).await;
        assert!(form_page
            .contains("type=\"radio\" id=\"common_core-yes\" name=\"common_core\" value=\"yes\""));
        assert!(form_page.contains("<label for=\"common_core-unknown\">Not known</label>"));
        assert!(!form_page.contains("<select id=\"common_core\""));
        let area = geography::area(&app.db, "318").await.unwrap().unwrap();
        let c = returns::collection(&app.db, None).await.unwrap().unwrap();
        let sun = returns::organisation(&app.db, area.id, "SUN-1")
            .await
            .unwrap()
            .unwrap();
        let draft = returns::draft(&app.db, c.id, sun.id)
            .await
            .unwrap()
            .unwrap();
        for w in returns::return_workers(&app.db, draft.id).await.unwrap() {
            let shown = form_page.replace(&format!("?edit={}", w.person.as_str()), "");
            assert!(!shown.contains(&w.person.as_str()[..8]), "a key is listed");
        }
        let found = employer.page(&format!("{form}?find=STAFF-9")).await;
        assert!(found.contains("1 post with the staff number"), "{found}");
        assert!(found.contains("1 September 2021"), "{found}");
        assert!(
            !found.contains("10 January 2022"),
            "only that person's posts"
        );
        let none = employer.page(&format!("{form}?find=NOBODY")).await;
        assert!(none.contains("No post held has the staff number"));
        let page = employer.page(&format!("{BASE}/return")).await;
        assert!(page.contains("Draft, not sent"), "{page}");
        assert!(page.contains("2 posts"), "{page}");
        assert!(page.contains("Accept and send my return"));
        // a wrong post: 422, the draft unchanged
        let r = employer
            .post_form(&form, &[("worker_ref", "X"), ("role_code", "NOPE")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("<title>Error: "));
        // sent: one version with both posts, in the figures
        let r = employer
            .post_form(&format!("{BASE}/return/send"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert!(r.location.ends_with("/return?done=sent"));
        let page = employer.page(&r.location).await;
        assert!(page.contains("Your return is sent"));
        assert!(page.contains("Version 1"), "{page}");
        assert!(page.contains("by manager@sunshine.example"));
        assert_eq!(people(&app).await, 2.0);
        let history = returns::history(&app.db, c.id, sun.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert!(returns::draft(&app.db, c.id, sun.id)
            .await
            .unwrap()
            .is_none());
        // nothing to send now
        let r = employer
            .post_form(&format!("{BASE}/return/send"), &[])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        app.close().await;
    }
}

/// Every link on every page an employer can reach from its home page opens (none is
/// refused or sends it to sign in), following links breadth first.
#[tokio::test]
async fn no_page_an_employer_sees_links_to_a_page_it_is_refused() {
    for app in TestApp::each().await {
        let employer = setup(&app).await;
        let pages = crawl(&employer, "/", 60).await;
        for (path, status, location) in &pages {
            assert_eq!(*status, StatusCode::OK, "{path}: {location}");
        }
        assert!(pages.len() >= 6, "only {} pages", pages.len());
        assert!(pages.iter().any(|(p, _, _)| *p == format!("{BASE}/return")));
        app.close().await;
    }
}

/// An upload that removes more than a fifth of the posts held names them and is stored only
/// once the sender confirms it.
#[tokio::test]
async fn removing_many_posts_needs_a_confirmation_naming_them() {
    for app in TestApp::each().await {
        let employer = setup(&app).await;
        let row = |n: u32| {
            format!(",S{n},EY-PRAC3,1,permanent,2020-01-0{n},1990,F,WBRI,no,enhanced_barred\n")
        };
        let five: String = (1..=5).map(row).collect();
        let send = |csv: String, confirm: bool| {
            let employer = employer.clone();
            async move {
                let r = employer
                    .upload(
                        &format!("{BASE}/upload"),
                        &[("r.csv", &format!("{HEADER}\n{csv}"))],
                        &[],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
                let report = r.text();
                let token = token_of(&report);
                let form: &[(&str, &str)] = if confirm {
                    &[("confirm_removal", "yes")]
                } else {
                    &[]
                };
                let sent = employer
                    .post_form(&format!("{BASE}/uploads/{token}/submit"), form)
                    .await;
                (report, sent)
            }
        };
        let (_, sent) = send(five, false).await;
        assert_eq!(
            sent.status,
            StatusCode::OK,
            "a first return removes nothing"
        );
        assert_eq!(people(&app).await, 5.0);
        // one post of five: four would go
        let (report, sent) = send(row(1), false).await;
        assert!(report.contains("4 of 5 posts held would go"), "{report}");
        assert!(report.contains("Posts that would go (4)"));
        assert!(
            report.contains("2 January 2020"),
            "each named by what the employer knows"
        );
        assert!(report.contains("name=\"confirm_removal\""));
        assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(sent.text().contains("Confirm the posts that go"));
        assert!(sent.text().contains("<title>Error: "));
        assert_eq!(people(&app).await, 5.0, "nothing stored");
        // confirmed: stored
        let (_, sent) = send(row(1), true).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
        assert_eq!(people(&app).await, 1.0);
        // one of five going is not "many": no confirmation asked
        let (_, sent) = send((1..=5).map(row).collect(), false).await;
        assert_eq!(sent.status, StatusCode::OK);
        let (report, sent) = send((1..=4).map(row).collect(), false).await;
        assert!(!report.contains("would go"), "{report}");
        assert_eq!(sent.status, StatusCode::OK);
        app.close().await;
    }
}

/// The hidden fields a step carries (the other steps' answers), to send with the next.
fn carried(page: &str) -> Vec<(String, String)> {
    page.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|s| {
            let (name, rest) = s.split_once("\" value=\"")?;
            let value = rest.split('"').next()?;
            Some((name.to_string(), value.to_string()))
        })
        .filter(|(n, _)| n != "csrf" && n != "_step")
        .collect()
}

/// The worker form in steps, as an employer uses it: the job (the nursery's roles first,
/// every role a click away; dates as day, month and year), about the person, training and
/// checks, then the answers to check, each step changeable, before the post is saved.
#[tokio::test]
async fn the_worker_form_asks_in_steps_and_shows_the_answers_before_saving() {
    for app in TestApp::each().await {
        let employer = setup(&app).await;
        let form = format!("{BASE}/workers");
        let post = |fields: Vec<(String, String)>| {
            let employer = &employer;
            let form = &form;
            async move {
                let pairs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                employer.post_form(form, &pairs).await
            }
        };
        let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };

        let page = employer.page(&form).await;
        assert!(page.contains("Add a post: The job"), "{page}");
        assert!(page.contains("<li aria-current=\"step\"><strong>1. The job</strong>"));
        assert!(page.contains("value=\"EY-PRAC3\""));
        assert!(!page.contains("value=\"SC-SW\""), "not a nursery's role");
        assert!(page.contains("usually found in a setting of this kind (Full day care)"));
        assert!(page.contains("name=\"start_date-day\""));
        let all = post(owned(&[("_step", "job"), ("_go", "all-roles")])).await;
        assert_eq!(all.status, StatusCode::OK);
        assert!(
            all.text().contains("value=\"SC-SW\""),
            "every role on asking"
        );

        // a date that cannot be: refused at this step, in the form's own words
        let job = [
            ("_step", "job"),
            ("_go", "next"),
            ("worker_ref", "STAFF-1"),
            ("role_code", "EY-PRAC3"),
            ("contract_type", "permanent"),
            ("fte", "0.8"),
            ("start_date-day", "31"),
            ("start_date-month", "2"),
            ("start_date-year", "2021"),
        ];
        let r = post(owned(&job)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text();
        assert!(page.contains("<title>Error: "));
        assert!(page.contains("Add a post: The job"));
        assert!(
            page.contains("Enter the date they started in this role as a real date, with a day, month and year"),
            "{page}"
        );
        assert!(
            page.contains("name=\"start_date-day\" value=\"31\""),
            "kept as typed"
        );
        assert!(
            !page.contains("Choose an answer to “Sex”"),
            "later steps are not checked yet"
        );
        assert!(!page.contains("There are problems in"), "{page}");

        // right: on to the person, the job carried in the form
        let mut fields = owned(&job);
        fields.retain(|(k, _)| k != "start_date-day");
        fields.push(("start_date-day".into(), "1".into()));
        let r = post(fields).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let page = r.text();
        assert!(page.contains("Add a post: About the person"), "{page}");
        assert!(page.contains("<input type=\"hidden\" name=\"start_date\" value=\"2021-02-01\">"));
        assert!(page.contains("<input type=\"hidden\" name=\"worker_ref\" value=\"STAFF-1\">"));

        // the person, without a sex: refused here
        let mut fields = carried(&page);
        fields.extend(owned(&[
            ("_step", "person"),
            ("_go", "next"),
            ("birth_year", "1990"),
            ("ethnicity", "WBRI"),
            ("disability", "no"),
        ]));
        let r = post(fields.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text();
        assert!(page.contains("Add a post: About the person"));
        assert!(page.contains("href=\"#field-sex\""), "{page}");
        assert!(page.contains("Choose an answer to “Sex”."), "{page}");
        fields.push(("sex".into(), "F".into()));
        let r = post(fields).await;
        assert_eq!(r.status, StatusCode::OK);
        let page = r.text();
        assert!(page.contains("Add a post: Training and checks"));

        // training and checks, then the answers
        let mut fields = carried(&page);
        fields.extend(owned(&[
            ("_step", "training"),
            ("_go", "next"),
            ("vetting_check", "enhanced_barred"),
            ("common_core", "yes"),
            ("vetting_date-day", "3"),
            ("vetting_date-month", "9"),
            ("vetting_date-year", "2024"),
        ]));
        let r = post(fields).await;
        assert_eq!(r.status, StatusCode::OK);
        let page = r.text();
        assert!(page.contains("Add a post: Check your answers"), "{page}");
        for answer in [
            "<dd>1 February 2021</dd>",
            "<dd>3 September 2024</dd>",
            "<dd>Female</dd>",
            "<dd>Permanent</dd>",
            "(EY-PRAC3)</dd>",
            "<dd>Yes</dd>",
            "<dd>Not given</dd>",
            "<dd>Not known</dd>",
        ] {
            assert!(page.contains(answer), "{answer}: {page}");
        }
        assert!(page.contains("value=\"change-person\""));
        assert!(page.contains("Change<span class=\"visually-hidden\"> about the person</span>"));

        // change the person from the answers, and come back
        let mut fields = carried(&page);
        fields.extend(owned(&[("_step", "check"), ("_go", "change-person")]));
        let r = post(fields).await;
        let page = r.text();
        assert!(page.contains("Add a post: About the person"));
        assert!(page.contains("<option value=\"F\" selected>"), "{page}");
        // back goes to the job, as it was
        let mut fields = carried(&page);
        fields.extend(owned(&[
            ("_step", "person"),
            ("_go", "back"),
            ("sex", "F"),
            ("birth_year", "1990"),
            ("ethnicity", "WBRI"),
            ("disability", "no"),
        ]));
        let page = post(fields).await.text();
        assert!(page.contains("Add a post: The job"));
        assert!(page.contains("name=\"start_date-day\" value=\"1\""));

        // saved from the answers: in the draft, not yet sent
        let mut fields = carried(&page);
        fields.extend(owned(&[
            ("_step", "check"),
            ("_go", "save"),
            ("worker_ref", "STAFF-1"),
            ("role_code", "EY-PRAC3"),
            ("contract_type", "permanent"),
            ("fte", "0.8"),
            ("start_date-day", "1"),
            ("start_date-month", "2"),
            ("start_date-year", "2021"),
        ]));
        let r = post(fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = employer.page(&r.location).await;
        assert!(page.contains("Posts in your draft (1)"), "{page}");
        assert!(page.contains("1 February 2021"));
        app.close().await;
    }
}
