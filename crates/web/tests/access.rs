//! Every route × every role × home and foreign scopes: what each may use, checked against a
//! table written here from docs/definitions.md §1 and §11 (not from the code), with refusals proved not to
//! leak (status, and a body that names nothing of the area asked about).

mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::{Access, Scope, UserRole};
use cws_store::{geography, returns, users, Db};
use cws_web::access::policy::{Need, ROUTES};
use support::TestApp;

/// Where a request points: an area (GSS), its name, and an organisation reference there.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    /// Richmond upon Thames, organisation CM-7: the home of every scoped test user.
    Home,
    /// Richmond again, another employer's organisation (CM-8).
    HomeOtherOrg,
    /// Kingston upon Thames: same region (London), another area.
    Neighbour,
    /// Birmingham: another region.
    Far,
}

impl Place {
    fn area(self) -> (&'static str, &'static str) {
        match self {
            Place::Home | Place::HomeOtherOrg => ("E09000027", "Richmond upon Thames"),
            Place::Neighbour => ("E09000021", "Kingston upon Thames"),
            Place::Far => ("E08000025", "Birmingham"),
        }
    }
    fn org(self) -> &'static str {
        match self {
            Place::Home => "CM-7",
            Place::HomeOtherOrg => "CM-8",
            Place::Neighbour => "K-1",
            Place::Far => "B-1",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Nobody,
    Employer,
    Practitioner,
    AreaLead,
    Board,
    Regional,
    National,
    Admin,
}

const EVERYONE: [Who; 8] = [
    Who::Nobody,
    Who::Employer,
    Who::Practitioner,
    Who::AreaLead,
    Who::Board,
    Who::Regional,
    Who::National,
    Who::Admin,
];

/// The expected answer, from docs/definitions.md §1 and §11.
fn expected(who: Who, need: Need, place: Place) -> bool {
    use Who::*;
    let home_area = matches!(place, Place::Home | Place::HomeOtherOrg);
    let in_region = place != Place::Far;
    match need {
        Need::Public => true,
        Need::SignedIn => who != Nobody,
        Need::AreaAggregates => match who {
            AreaLead | Board => home_area,
            Regional => in_region,
            National | Admin => true,
            _ => false,
        },
        Need::AreaWorkers => who == AreaLead && home_area,
        Need::OrgWorkers => {
            (who == AreaLead && home_area) || (who == Employer && place == Place::Home)
        }
        Need::RegionAggregates => match who {
            Regional => in_region,
            National | Admin => true,
            _ => false,
        },
        Need::NationalAggregates => matches!(who, National | Admin),
        Need::Admin => who == Admin,
    }
}

fn org(reference: &str) -> Organisation {
    Organisation {
        reference: OrgRef::parse(reference).unwrap(),
        name: format!("Organisation {reference}"),
        sector: Sector::Private,
        service: Service::EarlyYears,
        setting: SettingType::FullDayCare,
        disadvantaged_area: false,
        parent: None,
    }
}

/// The four organisations, and a user for every role but nobody (`{who:?}@example.org`).
async fn setup(db: &Db) {
    returns::create_collection(db, &Collection::default_for_year(2025).unwrap())
        .await
        .unwrap();
    let mut cm7_id = cws_store::OrganisationId(0);
    for place in [
        Place::Home,
        Place::HomeOtherOrg,
        Place::Neighbour,
        Place::Far,
    ] {
        let area = geography::area(db, place.area().0).await.unwrap().unwrap();
        returns::upsert_organisations(db, area.id, &[org(place.org())])
            .await
            .unwrap();
        if place == Place::Home {
            cm7_id = returns::organisation(db, area.id, "CM-7")
                .await
                .unwrap()
                .unwrap()
                .id;
        }
    }
    for who in &EVERYONE[1..] {
        let (role, scope) = match who {
            Who::Employer => (
                UserRole::EmployerSubmitter,
                Scope::Organisation {
                    area: "E09000027".into(),
                    org: cm7_id.to_string(),
                },
            ),
            Who::Practitioner => (
                UserRole::Practitioner,
                Scope::Organisation {
                    area: "E09000027".into(),
                    org: cm7_id.to_string(),
                },
            ),
            Who::AreaLead => (
                UserRole::AreaLead,
                Scope::Area {
                    area: "E09000027".into(),
                },
            ),
            Who::Board => (
                UserRole::BoardViewer,
                Scope::Area {
                    area: "E09000027".into(),
                },
            ),
            Who::Regional => (
                UserRole::RegionalAnalyst,
                Scope::Region {
                    region: "E12000007".into(),
                },
            ),
            Who::National => (UserRole::NationalAnalyst, Scope::National),
            Who::Admin => (UserRole::Administrator, Scope::National),
            Who::Nobody => unreachable!(),
        };
        let access = Access::new(role, scope).unwrap();
        users::upsert_user(db, &format!("{who:?}@example.org"), "T", &access, "!")
            .await
            .unwrap();
    }
}

fn fill(path: &str, place: Place) -> String {
    let code = if path.starts_with("/regions/") || path.starts_with("/api/regions/") {
        // the place's region: London, or the West Midlands for Birmingham
        if place == Place::Far {
            "E12000005"
        } else {
            "E12000007"
        }
    } else {
        place.area().0
    };
    path.replace("{code}", code)
        .replace("{topic}", "overview")
        .replace("{reference}", place.org())
        .replace(
            "{file}",
            if path.contains("/dashboard/") {
                "key-figures.csv"
            } else if path.contains("/projection/") {
                "projection.csv"
            } else {
                "template.csv"
            },
        )
        .replace("{token}", "0123456789abcdef0123456789abcdef")
        .replace("{id}", "1")
        .replace("{section}", "vision")
        .replace("{page}", "objectives")
        // a row of the strategy: its objectives, actions, risks, budgets, streams, plan lines
        // analysis entries and own checklist questions
        .replace("{objective}", "1")
        .replace("{action}", "1")
        .replace("{risk}", "1")
        .replace("{budget}", "1")
        .replace("{stream}", "1")
        .replace("{line}", "1")
        .replace("{entry}", "1")
        .replace("{question}", "1")
        .replace("{scenario}", "1")
        .replace("{target}", "1")
        .replace("{part}", "budgets")
}

#[tokio::test]
async fn every_route_for_every_role_in_and_out_of_scope() {
    for app in TestApp::each().await {
        let db = &app.db;
        setup(db).await;
        let mut checked = 0;
        for rule in ROUTES {
            let places: &[Place] = if rule.path.contains("{code}") {
                &[
                    Place::Home,
                    Place::HomeOtherOrg,
                    Place::Neighbour,
                    Place::Far,
                ]
            } else {
                &[Place::Home]
            };
            for &place in places {
                for who in &EVERYONE {
                    // a fresh session per request: some routes sign out or disable
                    let client = match who {
                        Who::Nobody => app.anonymous(),
                        w => {
                            let u = users::user_by_email(db, &format!("{w:?}@example.org"))
                                .await
                                .unwrap()
                                .unwrap();
                            users::set_disabled(db, u.id, false).await.unwrap();
                            app.session_of(u.id).await
                        }
                    };
                    let path = fill(rule.path, place);
                    let mut request = Request::builder()
                        .method(rule.method)
                        .uri(&path)
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                    if *who == Who::Nobody {
                        // an anonymous browser with a form token, so CSRF does not decide
                        request = request
                            .header(
                                header::COOKIE,
                                format!("__Host-cws_form={}", "a".repeat(64)),
                            )
                            .header("x-csrf-token", "a".repeat(64));
                    }
                    let reply = client.send(request.body(Body::empty()).unwrap()).await;
                    let (status, location, body) = (reply.status, &reply.location, reply.text());
                    let refused = status == StatusCode::FORBIDDEN
                        || status == StatusCode::UNAUTHORIZED
                        || (status == StatusCode::SEE_OTHER
                            && location.starts_with("/sign-in?next="));
                    let want = expected(*who, rule.need, place);
                    assert_eq!(
                        !refused, want,
                        "{} {path} as {who:?}: {status} {location}",
                        rule.method
                    );
                    if refused {
                        // nothing about the place asked for, nor any organisation in it
                        let (_, name) = place.area();
                        assert!(
                            !body.contains(name),
                            "{} {path} as {who:?} leaks {name}",
                            rule.method
                        );
                        assert!(
                            !body.contains(place.org()),
                            "{} {path} as {who:?} leaks an organisation",
                            rule.method
                        );
                        assert!(
                            !body.contains("worker"),
                            "{} {path} as {who:?}: {body}",
                            rule.method
                        );
                    } else {
                        assert_ne!(
                            status,
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "{} {path} as {who:?}: {body}",
                            rule.method
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 400, "{checked} checks");
        app.close().await;
    }
}

/// Disclosure control by role: of everyone who may see an area's figures, only its own
/// workforce lead sees them whole; its board members and partners, analysts and
/// administrators see small numbers suppressed — in the API, the dashboards and the downloads.
#[tokio::test]
async fn only_the_area_s_own_lead_sees_its_figures_unprotected() {
    for app in TestApp::each().await {
        let db = &app.db;
        setup(db).await;
        for place in [Place::Home, Place::Neighbour, Place::Far] {
            let (code, _) = place.area();
            for who in &EVERYONE[1..] {
                if !expected(*who, Need::AreaAggregates, place) {
                    continue;
                }
                let u = users::user_by_email(db, &format!("{who:?}@example.org"))
                    .await
                    .unwrap()
                    .unwrap();
                let client = app.session_of(u.id).await;
                let whole = *who == Who::AreaLead && place == Place::Home;
                let (status, f) = client
                    .json(&format!(
                        "/api/areas/{code}/figures?by=role,contract,sector"
                    ))
                    .await;
                assert_eq!(status, StatusCode::OK, "{who:?} {code}: {f}");
                assert_eq!(f["protected"], !whole, "{who:?} {code}: {f}");
                let page = client
                    .get(&format!("/areas/{code}/dashboard/diversity"))
                    .await
                    .text();
                assert_eq!(
                    page.contains("Small numbers are protected"),
                    !whole,
                    "{who:?} {code}"
                );
            }
        }
        app.close().await;
    }
}

#[tokio::test]
async fn a_personal_api_token_sees_what_its_owner_sees_and_no_more() {
    for app in TestApp::each().await {
        let db = &app.db;
        setup(db).await;
        let board = users::user_by_email(db, "Board@example.org")
            .await
            .unwrap()
            .unwrap();
        let token = "cws_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        cws_store::accounts::create_api_token(
            db,
            &cws_web::access::digest(token),
            board.id,
            "test",
        )
        .await
        .unwrap();
        let script = app.bearer(token);
        // no collection data yet: the page answers (not 403) for its own area
        let own = script.get("/areas/E09000027").await;
        assert_eq!(own.status, StatusCode::OK);
        let other = script.get("/areas/E09000021").await;
        assert_eq!(other.status, StatusCode::FORBIDDEN);
        let workers = script.get("/areas/E09000027/returns").await;
        assert_eq!(
            workers.status,
            StatusCode::FORBIDDEN,
            "a board member's token is not a lead's"
        );
        // a token needs no CSRF token (no cookies), but a revoked one opens nothing
        cws_store::accounts::revoke_api_token(db, board.id, &cws_web::access::digest(token))
            .await
            .unwrap();
        let revoked = script.get("/areas/E09000027").await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER);
        let wrong = app.bearer("cws_nope").get("/areas/E09000027").await;
        assert_eq!(wrong.status, StatusCode::SEE_OTHER);
        app.close().await;
    }
}

#[tokio::test]
async fn sign_in_waits_after_five_failures_and_a_form_without_its_token_is_refused() {
    for app in TestApp::each().await {
        let db = &app.db;
        let access = Access::new(UserRole::NationalAnalyst, Scope::National).unwrap();
        let hash = cws_web::access::account::hash_password_now("the right password").unwrap();
        users::upsert_user(db, "a@example.org", "A", &access, &hash)
            .await
            .unwrap();
        // not signed in: the browser's form token is in the cookie and the form, as sent
        let browser = app.anonymous();
        let form = "a".repeat(64);
        let attempt = |password: &str, csrf: &str| {
            Request::post("/sign-in")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("__Host-cws_form={form}"))
                .body(Body::from(format!(
                    "csrf={csrf}&email=a%40example.org&password={}",
                    password.replace(' ', "+")
                )))
                .unwrap()
        };
        // without the form's token: refused before the password is even looked at
        let r = browser.send(attempt("the right password", "forged")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        for _ in 0..5 {
            let r = browser.send(attempt("wrong", &form)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let r = browser.send(attempt("the right password", &form)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.headers.get(header::SET_COOKIE).is_none(), "no session");
        assert!(r.text().contains("tried to sign in too many times"));
        let log = cws_store::audit::list(
            db,
            &cws_store::audit::Filter {
                action: Some("sign_in".into()),
                limit: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(log.iter().filter(|e| e.outcome == "failed").count(), 5);
        assert_eq!(log.iter().filter(|e| e.outcome == "refused").count(), 1);
        app.close().await;
    }
}

#[tokio::test]
async fn an_administrator_invites_someone_who_sets_a_password_from_the_link() {
    for app in TestApp::each().await {
        let db = &app.db;
        let admin = app
            .signed_in_as(
                UserRole::Administrator,
                Scope::National,
                "admin@example.org",
            )
            .await;
        // the link in the answer is on the configured site, whatever Host the request names
        let post = |body: &str| {
            Request::post("/admin/users")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "evil.example")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        // a scope that does not exist: the field says so
        let r = admin
            .send(post(
                "email=lead%40example.org&name=Lead&role=area_lead&scope=999",
            ))
            .await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("There is no area with the code &#39;999&#39;")
                || page.contains("There is no area with the code '999'"),
            "{page}"
        );
        // a good one: the account exists, invited, and the one-use link is shown once
        let r = admin
            .send(post(
                "email=Lead%40Example.org&name=Lead&role=area_lead&scope=318",
            ))
            .await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        let at = page
            .find("https://cws.example.gov.uk/account/password/")
            .expect("the link");
        let link = &page[at + "https://cws.example.gov.uk".len()..];
        let link = &link[..link.find('<').unwrap()];
        let user = users::user_by_email(db, "lead@example.org")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            user.access().unwrap().scope(),
            &Scope::Area {
                area: "E09000027".into()
            },
            "the DfE number is stored as the GSS code"
        );
        // the invited person follows the link, not signed in
        let r = app.anonymous().get(link).await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("lead@example.org"));
        // every administrative action is in the audit log
        let log = cws_store::audit::list(
            db,
            &cws_store::audit::Filter {
                action: Some("admin_invite".into()),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].target.as_deref(), Some("lead@example.org"));
        app.close().await;
    }
}
