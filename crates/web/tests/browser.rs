//! The application in a real browser: headless Chromium driven through chromedriver
//! (WebDriver), against the real server on loopback and a real database. An area lead signs
//! in, uploads a return with errors, reads the report, fixes and submits it, sees the area's
//! figures change, downloads an export, and is refused a page outside their scope.
//! Screenshots of the main pages are written to `target/screenshots/` to be looked at.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium chromium-driver`, which `.ci/run`
//! installs). Without them the test says so and passes, unless `CWS_REQUIRE_BROWSER` is set
//! (as `.ci/run` does), when it fails.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cws_collect::pseudonymise::Pseudonymiser;
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_domain::user::{Access, Scope, UserRole};
use cws_store::{geography, reference, returns, users};
use fantoccini::{Client, ClientBuilder, Locator};

const HEADER: &str = "organisation_ref,worker_ref,role_code,fte,contract_type,start_date,birth_year,sex,ethnicity,disability,vetting_check";
const PASSWORD: &str = "a long test password";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver, or says why not.
fn start_driver() -> Option<(Driver, u16)> {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match child {
        Ok(c) => Driver(c),
        Err(e) => {
            let message = format!(
                "chromedriver could not be started ({e}): install chromium and chromium-driver"
            );
            if std::env::var_os("CWS_REQUIRE_BROWSER").is_some() {
                panic!("{message}");
            }
            eprintln!("skipping the browser test: {message}");
            return None;
        }
    };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((child, port))
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// axe-core's script: `CWS_AXE_JS`, or `.ci/node_modules` after `npm ci` there. Without it
/// the pages are not checked, unless the browser is required (`.ci/run`), when that fails.
fn axe_script() -> Option<&'static str> {
    static SCRIPT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SCRIPT
        .get_or_init(|| {
            let path = std::env::var_os("CWS_AXE_JS")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                        .join("../../.ci/node_modules/axe-core/axe.min.js")
                });
            match std::fs::read_to_string(&path) {
                Ok(s) => Some(s),
                Err(e) if std::env::var_os("CWS_REQUIRE_BROWSER").is_some() => {
                    panic!(
                        "axe-core is needed at {} ({e}): run npm ci in .ci",
                        path.display()
                    )
                }
                Err(_) => {
                    eprintln!(
                        "not checking accessibility: no axe-core at {}",
                        path.display()
                    );
                    None
                }
            }
        })
        .as_deref()
}

/// Runs axe-core's WCAG 2.2 A and AA rules on the page as it is, and fails on any violation,
/// naming each rule and the elements it found.
async fn accessible(c: &Client, name: &str) {
    let Some(axe) = axe_script() else { return };
    c.execute(&format!("{axe}; return true"), vec![])
        .await
        .unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']}, resultTypes: ['violations']}).then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | ')))).catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    let violations: Vec<String> = serde_json::from_value(found).unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{name} ({}): {} accessibility violations:\n{}",
        c.current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default(),
        violations.len(),
        violations.join("\n")
    );
}

/// A screenshot of the page as it is, after checking it is accessible.
async fn shot(c: &Client, name: &str) {
    accessible(c, name).await;
    // the whole page: size the window to the document first
    let height = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(1200)
        .clamp(800, 4000);
    c.set_window_size(1280, height as u32).await.unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

/// Submits the form whose action ends with `action`, as `click` does.
async fn submit(c: &Client, action: &str) {
    click(
        c,
        Locator::Css(&format!("form[action$='{action}'] button[type=submit]")),
    )
    .await;
}

/// Clicks something that loads a new page, waits for it, and checks it is accessible.
async fn click(c: &Client, locator: Locator<'_>) {
    c.execute("window.__cwsOld = true; return true", vec![])
        .await
        .unwrap();
    c.find(locator).await.unwrap().click().await.unwrap();
    let started = Instant::now();
    loop {
        let old = c
            .execute(
                "return window.__cwsOld === true && document.readyState",
                vec![],
            )
            .await
            .unwrap_or(serde_json::Value::Bool(true));
        if old == serde_json::Value::Bool(false) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the next page did not load"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.wait().for_element(Locator::Css("main")).await.unwrap();
    // every page a click opens is checked, whether or not it is photographed
    accessible(c, "the page a click opened").await;
}

async fn text(c: &Client) -> String {
    c.find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Signs in through the sign-in form.
async fn sign_in(c: &Client, site: &str, email: &str) {
    c.goto(&format!("{site}/sign-in")).await.unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    click(c, Locator::Css("main form button[type=submit]")).await;
    set_up_second_factor(c, email).await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/",
        "signed in as {email}"
    );
}

/// After the password of an administrator or area lead without a second factor: sets one up
/// (a wrong code first), the app's part played by computing the code from the key on the
/// page, and goes on from the recovery codes.
async fn set_up_second_factor(c: &Client, email: &str) {
    if c.current_url().await.unwrap().path() == "/sign-in/set-up" {
        shot(c, "00-second-factor-set-up").await;
        c.find(Locator::Id("code"))
            .await
            .unwrap()
            .send_keys("000000")
            .await
            .unwrap();
        click(c, Locator::Css("main form button[type=submit]")).await;
        assert!(text(c).await.contains("The code is not right"));
        assert!(c.title().await.unwrap().starts_with("Error: "));
        shot(c, "00-second-factor-error").await;
        c.find(Locator::Id("code"))
            .await
            .unwrap()
            .clear()
            .await
            .unwrap();
        let key = c
            .find(Locator::Css("input[name=key]"))
            .await
            .unwrap()
            .attr("value")
            .await
            .unwrap()
            .unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let code = cws_web::access::second_factor::code_at(&key, email, now).unwrap();
        c.find(Locator::Id("code"))
            .await
            .unwrap()
            .send_keys(&code)
            .await
            .unwrap();
        click(c, Locator::Css("main form button[type=submit]")).await;
        assert!(text(c).await.contains("save your recovery codes"));
        shot(c, "00-second-factor-recovery-codes").await;
        click(c, Locator::Css("main a.button")).await;
    }
}

async fn browser(driver_port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1200"]}),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a browser session");
    // a download made in the page (a Word document with its chart pictures, built by a debug
    // build on a busy CI machine) can take longer than WebDriver's 30 s script default
    c.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
        Some(Duration::from_secs(180)),
        Some(Duration::from_secs(120)),
        None,
    ))
    .await
    .expect("timeouts set");
    c
}

/// Serves the application on loopback; returns its address.
async fn serve(db: &cws_store::Db) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    // uploads wait in a folder of the test's own, gone with the server
    let uploads = tempfile::tempdir().unwrap();
    let state = cws_web::AppState::new(db.clone(), Pseudonymiser::new(b"browser"))
        .with_uploads_dir(uploads.path().join("uploads"))
        .with_site_url(site.clone());
    tokio::spawn(async move {
        let _uploads = uploads;
        axum::serve(
            listener,
            cws_web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    site
}

/// A fresh SQLite database with the reference data and a synthetic workforce of `scale`.
async fn with_workforce(scale: cws_synth::Scale) -> (cws_store::Db, Option<tempfile::TempDir>) {
    let (db, keep) = cws_store::testing::fresh_databases()
        .await
        .into_iter()
        .next()
        .unwrap();
    reference::load_reference(&db).await.unwrap();
    cws_synth::load::load(
        &db,
        &scale,
        2025,
        Pseudonymiser::new(b"browser"),
        false,
        &|_, _, _| {},
    )
    .await
    .unwrap();
    (db, keep)
}

async fn add_user(db: &cws_store::Db, email: &str, name: &str, role: UserRole, scope: Scope) {
    let hash = cws_web::access::account::hash_password_now(PASSWORD).unwrap();
    users::upsert_user(db, email, name, &Access::new(role, scope).unwrap(), &hash)
        .await
        .unwrap();
}

fn org(r: &str) -> Organisation {
    Organisation {
        reference: OrgRef::parse(r).unwrap(),
        name: format!("{r} Nursery"),
        sector: Sector::Private,
        service: Service::EarlyYears,
        setting: SettingType::FullDayCare,
        disadvantaged_area: false,
        parent: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_area_lead_uploads_fixes_and_sees_the_figures_change_in_a_browser() {
    let Some((_driver, driver_port)) = start_driver() else {
        return;
    };
    // the application on SQLite, served on loopback
    let (db, _keep) = cws_store::testing::fresh_databases()
        .await
        .into_iter()
        .next()
        .unwrap();
    reference::load_reference(&db).await.unwrap();
    returns::create_collection(&db, &Collection::default_for_year(2025).unwrap())
        .await
        .unwrap();
    let area = geography::area(&db, "318").await.unwrap().unwrap();
    returns::upsert_organisations(&db, area.id, &[org("SUN-1"), org("MOON-2")])
        .await
        .unwrap();
    let access = Access::new(
        UserRole::AreaLead,
        Scope::Area {
            area: "E09000027".into(),
        },
    )
    .unwrap();
    let hash = cws_web::access::account::hash_password_now(PASSWORD).unwrap();
    users::upsert_user(&db, "lead@example.org", "Sam Lead", &access, &hash)
        .await
        .unwrap();
    let site = serve(&db).await;

    // the return files, bad and fixed
    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("sun-bad.csv");
    std::fs::write(&bad, format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-PRAC3,1.8,permanent,2021-01-06,1992,F,XXXX,no,enhanced_barred\n")).unwrap();
    let good = files.path().join("sun.csv");
    std::fs::write(&good, format!("{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\nSUN-1,A2,EY-PRAC3,1.0,permanent,2021-01-06,1992,F,BAFR,no,enhanced_barred\n")).unwrap();

    let c = browser(driver_port).await;

    // 1. a protected page sends us to sign in, and back afterwards
    c.goto(&format!("{site}/areas/318/returns")).await.unwrap();
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .starts_with("/sign-in"));
    shot(&c, "01-sign-in").await;
    // a wrong password first: the error summary links to the field
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("lead@example.org")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("not the password")
        .await
        .unwrap();
    click(&c, Locator::Css("form button[type=submit]")).await;
    assert!(text(&c)
        .await
        .contains("The email address or password is not right"));
    shot(&c, "02-sign-in-error").await;
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    click(&c, Locator::Css("main form button[type=submit]")).await;
    set_up_second_factor(&c, "lead@example.org").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/areas/318/returns");
    let page = text(&c).await;
    assert!(page.contains("0 of 2"), "{page}");
    shot(&c, "03-returns-coverage").await;

    // 2. upload a return with errors: the report names row, column and value
    c.goto(&format!("{site}/areas/318/returns/upload"))
        .await
        .unwrap();
    shot(&c, "04-upload").await;
    c.find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(bad.to_str().unwrap())
        .await
        .unwrap();
    click(&c, Locator::Css("main form button[type=submit]")).await;
    let page = text(&c).await;
    assert!(page.contains("There are 2 errors to fix"), "{page}");
    assert!(page.contains("XXXX"));
    shot(&c, "05-report-with-errors").await;

    // 3. download the report (an export) with the browser's own session
    let csv = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; const a = [...document.querySelectorAll('a')].find(a => a.href.endsWith('report.csv')); fetch(a.href).then(r => r.text()).then(done);",
            vec![],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap_or_default().to_string();
    assert!(
        csv.starts_with("severity,rule,file,row,worker_ref,column,value"),
        "{csv}"
    );
    assert!(csv.contains("XXXX"));

    // 4. the fixed file is accepted and submitted
    c.goto(&format!("{site}/areas/318/returns/upload"))
        .await
        .unwrap();
    c.find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(good.to_str().unwrap())
        .await
        .unwrap();
    click(&c, Locator::Css("main form button[type=submit]")).await;
    shot(&c, "06-report-clean").await;
    click(
        &c,
        Locator::XPath("//button[contains(., 'Submit the return')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(
        page.contains("Return submitted") && page.contains("version 1"),
        "{page}"
    );
    shot(&c, "07-submitted").await;

    // 5. the area's figures now include the two people
    c.goto(&format!("{site}/areas/318/figures.json"))
        .await
        .unwrap();
    let body = c
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        doc["rows"][0]["people"],
        serde_json::json!("c"),
        "2 people: suppressed as a small number, not 0"
    );
    c.goto(&format!("{site}/areas/318")).await.unwrap();
    shot(&c, "08-area").await;
    c.goto(&format!("{site}/areas/318/returns")).await.unwrap();
    assert!(text(&c).await.contains("1 of 2"));

    // 5a. the lead finds the late organisation (sent after the due date), opens its history
    c.find(Locator::Css("#status option[value='late']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(&c, Locator::Css("form.filters button[type=submit]")).await;
    let page = text(&c).await;
    assert!(page.contains("Organisations (1 of 2)"), "{page}");
    assert!(
        page.contains("SUN-1 Nursery") && page.contains("late"),
        "{page}"
    );
    assert!(!page.contains("MOON-2 Nursery"), "not sent: not late");
    shot(&c, "07a-returns-late").await;
    click(
        &c,
        Locator::XPath("//main//table//a[contains(., 'SUN-1 Nursery')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(page.contains("Versions sent for this census"), "{page}");
    assert!(
        page.contains("SUN-1 Nursery: workforce return")
            && page.contains("by lead@example.org (late)"),
        "{page}"
    );
    shot(&c, "07b-organisation-history").await;

    // 5b. a return that drops one of the two posts: what goes is listed, and it is stored only
    // once the lead confirms it
    let smaller = files.path().join("sun-smaller.csv");
    std::fs::write(
        &smaller,
        format!(
            "{HEADER}\nSUN-1,A1,EY-PRAC3,0.8,permanent,2020-01-06,1990,F,WBRI,no,enhanced_barred\n"
        ),
    )
    .unwrap();
    c.goto(&format!("{site}/areas/318/returns/upload"))
        .await
        .unwrap();
    c.find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(smaller.to_str().unwrap())
        .await
        .unwrap();
    click(&c, Locator::Css("main form button[type=submit]")).await;
    let page = text(&c).await;
    assert!(page.contains("Posts that would go (1)"), "{page}");
    shot(&c, "07c-large-removal").await;
    click(
        &c,
        Locator::XPath("//button[contains(., 'Submit the return')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(page.contains("Confirm the posts that go"), "{page}");
    assert!(c.title().await.unwrap().starts_with("Error: "));
    shot(&c, "07d-large-removal-refused").await;
    c.find(Locator::Id("confirm_removal"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(
        &c,
        Locator::XPath("//button[contains(., 'Submit the return')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(
        page.contains("Return submitted") && page.contains("version 2"),
        "{page}"
    );
    shot(&c, "07e-large-removal-confirmed").await;

    // 6. another area's returns are refused, saying nothing about them
    c.goto(&format!("{site}/areas/E09000021/returns"))
        .await
        .unwrap();
    let page = text(&c).await;
    assert!(
        page.contains("You do not have access to this page"),
        "{page}"
    );
    assert!(!page.contains("Kingston"));
    shot(&c, "09-refused").await;

    // 7. the account page, then sign out
    c.goto(&format!("{site}/account")).await.unwrap();
    shot(&c, "10-account").await;
    click(&c, Locator::XPath("//button[contains(., 'Sign out')]")).await;
    assert!(text(&c).await.contains("You have signed out"));
    c.close().await.unwrap();

    // everything the lead did is in the audit log
    let log = cws_store::audit::list(
        &db,
        &cws_store::audit::Filter {
            user_email: Some("lead@example.org".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for action in [
        "sign_in",
        "read_returns",
        "import_check",
        "export",
        "import",
        "sign_out",
    ] {
        assert!(
            log.iter().any(|e| e.action == action && e.outcome == "ok"),
            "no {action} in {log:?}"
        );
    }
    assert!(log
        .iter()
        .any(|e| e.action == "sign_in" && e.outcome == "failed"));
    assert!(log
        .iter()
        .any(|e| e.action == "read_returns" && e.outcome == "refused"));
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_show_charts_tables_and_downloads_to_each_role() {
    let Some((_driver, driver_port)) = start_driver() else {
        return;
    };
    let (db, _keep) = with_workforce(cws_synth::Scale::Area("318".into())).await;
    let lead_scope = Scope::Area {
        area: "E09000027".into(),
    };
    add_user(
        &db,
        "lead@example.org",
        "Sam Lead",
        UserRole::AreaLead,
        lead_scope,
    )
    .await;
    add_user(
        &db,
        "national@example.org",
        "Nat Analyst",
        UserRole::NationalAnalyst,
        Scope::National,
    )
    .await;
    let site = serve(&db).await;
    let c = browser(driver_port).await;

    sign_in(&c, &site, "lead@example.org").await;
    let home = text(&c).await;
    assert!(
        home.contains("Your work") && home.contains("Richmond upon Thames: workforce returns"),
        "{home}"
    );
    shot(&c, "11-areas").await;
    for (i, topic) in [
        "overview",
        "composition",
        "recruitment",
        "age",
        "diversity",
        "qualifications",
        "coverage",
    ]
    .iter()
    .enumerate()
    {
        c.goto(&format!("{site}/areas/318/dashboard/{topic}"))
            .await
            .unwrap();
        let page = text(&c).await;
        assert!(page.contains("Richmond upon Thames"), "{topic}: {page}");
        assert!(page.contains("Data behind this chart"), "{topic}");
        if *topic == "overview" {
            // neighbours without returns are not drawn as bars of x; the table behind the
            // chart lists every one and what it rests on
            let source = c.source().await.unwrap();
            assert!(
                source.contains("(neighbour 1)") && source.contains("(neighbour 10)"),
                "neighbours: {source}"
            );
            assert!(source.contains("no returns"), "{source}");
        }
        let charts = c
            .find_all(Locator::Css("main svg[role=img]"))
            .await
            .unwrap();
        assert!(!charts.is_empty(), "{topic} has charts");
        // every chart is named for screen readers
        for chart in &charts {
            let labelled = chart
                .attr("aria-labelledby")
                .await
                .unwrap()
                .unwrap_or_default();
            assert!(labelled.ends_with("-desc"), "{topic}: {labelled}");
        }
        shot(&c, &format!("{}-dashboard-{topic}", 12 + i)).await;
    }
    // the lead sees the area whole: no suppression note
    c.goto(&format!("{site}/areas/318/dashboard/composition"))
        .await
        .unwrap();
    assert!(!text(&c).await.contains("Small numbers are protected"));
    let csv = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch('/areas/318/dashboard/composition/by-sector.csv').then(r => r.text()).then(done);",
            vec![],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap_or_default().to_string();
    assert!(
        csv.starts_with("sector,people,inpost_fte,agency_fte,synthetic\nTotal,"),
        "{csv}"
    );
    let svg = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch('/areas/318/dashboard/composition/by-sector.svg').then(r => r.text()).then(done);",
            vec![],
        )
        .await
        .unwrap();
    assert!(svg.as_str().unwrap_or_default().starts_with("<svg xmlns="));
    // the chart as a PNG, kept beside the screenshots to be looked at
    let png = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch('/areas/318/dashboard/diversity/ethnicity-against-community.png').then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b)).map(x => x.toString(16).padStart(2, '0')).join('')));",
            vec![],
        )
        .await
        .unwrap();
    let png = hex::decode(png.as_str().unwrap_or_default()).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    std::fs::write(screenshots().join("chart-diversity.png"), &png).unwrap();
    click(&c, Locator::XPath("//button[contains(., 'Sign out')]")).await;

    // a national analyst sees England and the area, protected
    sign_in(&c, &site, "national@example.org").await;
    c.goto(&format!("{site}/england/dashboard/overview"))
        .await
        .unwrap();
    assert!(text(&c).await.contains("Small numbers are protected"));
    shot(&c, "20-england-overview").await;
    c.goto(&format!("{site}/england/dashboard/coverage"))
        .await
        .unwrap();
    assert!(
        text(&c).await.contains("Richmond upon Thames"),
        "coverage by area"
    );
    shot(&c, "21-england-coverage").await;
    // on a phone's width nothing runs off the side: tables of figures stack
    c.set_window_size(375, 900).await.unwrap();
    for page in [
        "/england/dashboard/overview",
        "/areas/318/dashboard/recruitment",
    ] {
        c.goto(&format!("{site}{page}")).await.unwrap();
        let fits = c
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1",
                vec![],
            )
            .await
            .unwrap();
        let wide = c
            .execute(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.closest('.table-wrap') === null).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            fits,
            serde_json::json!(true),
            "{page} is wider than 375 px: {wide}"
        );
        accessible(&c, page).await;
    }
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots().join("22-narrow-recruitment.png"), png).unwrap();
    c.goto(&format!("{site}/areas/318/dashboard/recruitment"))
        .await
        .unwrap();
    assert!(text(&c).await.contains("Small numbers are protected"));
    c.goto(&format!("{site}/areas/318/returns")).await.unwrap();
    assert!(
        text(&c).await.contains("You do not have access"),
        "no worker-level pages for analysts"
    );
    c.goto(&format!("{site}/admin/users")).await.unwrap();
    assert!(text(&c).await.contains("You do not have access"));
    c.close().await.unwrap();
    db.close().await;
}

/// A regional analyst's journey: from the home page to the region's dashboards, the areas
/// compared side by side, sorted by a rate, then one sector only, and the table downloaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_compares_the_areas_of_a_region_in_a_browser() {
    let Some((_driver, driver_port)) = start_driver() else {
        return;
    };
    // the North East's twelve areas all return
    let (db, _keep) = with_workforce(cws_synth::Scale::Region("E12000001".into())).await;
    add_user(
        &db,
        "north-east@example.org",
        "Reg Analyst",
        UserRole::RegionalAnalyst,
        Scope::Region {
            region: "E12000001".into(),
        },
    )
    .await;
    let site = serve(&db).await;
    let c = browser(driver_port).await;
    sign_in(&c, &site, "north-east@example.org").await;
    let home = text(&c).await;
    assert!(home.contains("Your work"), "{home}");
    shot(&c, "50-analyst-home").await;
    click(
        &c,
        Locator::XPath("//main//a[contains(., 'Your region: dashboards')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(page.contains("Areas compared"), "{page}");
    assert!(page.contains("12 of 12 areas with returns"), "{page}");
    shot(&c, "51-analyst-areas-compared").await;

    // sorted by vacancy rate, highest first
    click(
        &c,
        Locator::XPath("//table[contains(@class, 'sortable')]//a[contains(., 'Vacancy rate')]"),
    )
    .await;
    let sorted = c
        .find(Locator::Css("table.sortable th[aria-sort=descending]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(sorted.contains("Vacancy rate"), "{sorted}");
    let rates: Vec<f64> = {
        let cells = c
            .find_all(Locator::Css(
                "table.sortable tbody tr:not(.emphasis) td:nth-child(3)",
            ))
            .await
            .unwrap();
        let mut v = Vec::new();
        for cell in cells {
            if let Ok(x) = cell.text().await.unwrap().parse() {
                v.push(x);
            }
        }
        v
    };
    assert_eq!(rates.len(), 12, "{rates:?}");
    assert!(rates.windows(2).all(|w| w[0] >= w[1]), "{rates:?}");
    shot(&c, "52-analyst-sorted").await;

    // one sector: every panel says so, other topics keep it
    c.find(Locator::Css("#filter-sector option[value='la']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(
        &c,
        Locator::XPath("//form[contains(@class, 'filters')]//button[contains(., 'Show')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(
        page.contains("Only part of the workforce: Local authority."),
        "{page}"
    );
    assert!(c
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap_or_default()
        .contains("sector=la"));
    shot(&c, "53-analyst-one-sector").await;
    click(
        &c,
        Locator::XPath("//nav[@aria-label='Dashboards']//a[contains(., 'Recruitment')]"),
    )
    .await;
    assert!(text(&c)
        .await
        .contains("Only part of the workforce: Local authority."));
    shot(&c, "54-analyst-one-sector-recruitment").await;
    let csv = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; const a = [...document.querySelectorAll('a')].find(a => a.href.includes('rates-by-role-group.csv')); fetch(a.href).then(r => r.text()).then(done);",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        csv.as_str().unwrap_or_default().starts_with("role_group,"),
        "{csv}"
    );
    c.close().await.unwrap();
    db.close().await;
}

async fn fill(c: &Client, id: &str, value: &str) {
    let field = c.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Date inputs differ by browser locale: set their value directly.
async fn set_value(c: &Client, id: &str, value: &str) {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1]; return true",
        vec![id.into(), value.into()],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_writes_the_strategy_and_exports_it_in_a_browser() {
    let Some((_driver, driver_port)) = start_driver() else {
        return;
    };
    let (db, _keep) = with_workforce(cws_synth::Scale::Area("318".into())).await;
    add_user(
        &db,
        "lead@example.org",
        "Sam Lead",
        UserRole::AreaLead,
        Scope::Area {
            area: "E09000027".into(),
        },
    )
    .await;
    add_user(
        &db,
        "board@example.org",
        "Bo Board",
        UserRole::BoardViewer,
        Scope::Area {
            area: "E09000027".into(),
        },
    )
    .await;
    let site = serve(&db).await;
    let c = browser(driver_port).await;
    sign_in(&c, &site, "lead@example.org").await;

    // start a strategy
    c.goto(&format!("{site}/areas/E09000027/strategy"))
        .await
        .unwrap();
    fill(&c, "title", "Richmond workforce strategy 2026–2029").await;
    set_value(&c, "start", "2026-04-01").await;
    set_value(&c, "end", "2029-03-31").await;
    click(&c, Locator::Css("main form button[type=submit]")).await;
    assert!(text(&c).await.contains("The strategy is created"));
    shot(&c, "30-strategy-overview").await;

    // edit a section: saved as version 1, shown as paragraphs
    click(&c, Locator::LinkText("Vision")).await;
    fill(
        &c,
        "body",
        "Every child meets people who stay long enough to know them.",
    )
    .await;
    submit(&c, "/sections/vision").await;
    let page = text(&c).await;
    assert!(
        page.contains("The section is saved as a new version."),
        "{page}"
    );
    assert!(page.contains("Every child meets people who stay long enough to know them."));
    shot(&c, "31-strategy-section").await;

    // the current position shows live figures and proposals
    click(&c, Locator::LinkText("Current position and analysis")).await;
    assert!(text(&c).await.contains("Proposed from the figures"));
    shot(&c, "32-strategy-current-position").await;

    // add an objective measured by a cws figure
    click(&c, Locator::LinkText("Objectives")).await;
    fill(&c, "statement", "Fewer vacancies").await;
    c.find(Locator::Css("#measure option[value='vacancy_rate_fte']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "baseline", "8").await;
    fill(&c, "target", "4").await;
    set_value(&c, "target_date", "2028-09-30").await;
    fill(&c, "owner", "Head of workforce").await;
    submit(&c, "/objectives").await;
    let page = text(&c).await;
    assert!(
        page.contains("The objective is saved.") && page.contains("SMART"),
        "{page}"
    );
    assert!(page.contains("Vacancy rate (FTE, %) at each census"));
    shot(&c, "33-strategy-objectives").await;

    // add an action for it
    click(&c, Locator::LinkText("Action plan")).await;
    fill(&c, "title", "Grow-your-own social work apprenticeship").await;
    fill(&c, "lead", "Principal social worker").await;
    set_value(&c, "due", "2027-01-31").await;
    c.find(Locator::Css("#objective option:nth-child(2)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(&c, "/actions").await;
    let page = text(&c).await;
    assert!(
        page.contains("The action is saved.")
            && page.contains("Grow-your-own social work apprenticeship"),
        "{page}"
    );
    assert!(page.contains("For: Fewer vacancies"));
    shot(&c, "34-strategy-actions").await;

    // the area's own checklist question: refused when empty (the summary focused), then added
    click(&c, Locator::LinkText("Checklist")).await;
    submit(&c, "/checklist/questions").await;
    assert!(c.title().await.unwrap().starts_with("Error: "));
    assert!(text(&c).await.contains("Enter the question."));
    let focused = c
        .execute("return document.activeElement.className", vec![])
        .await
        .unwrap();
    assert_eq!(focused, serde_json::json!("error-summary"));
    fill(
        &c,
        "question",
        "Does the strategy cover the staff of the family hubs?",
    )
    .await;
    submit(&c, "/checklist/questions").await;
    let page = text(&c).await;
    assert!(
        page.contains("Your question is added to the checklist.")
            && page.contains("0 of 68 answered"),
        "{page}"
    );
    shot(&c, "34a-strategy-checklist").await;
    // the area's own questions sit at the foot of a long page: photograph that part too
    c.set_window_size(1280, 1000).await.unwrap();
    c.execute(
        "document.getElementById('own-questions').scrollIntoView(); return true",
        vec![],
    )
    .await
    .unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots().join("34b-strategy-own-questions.png"), png).unwrap();

    // export the Word document with the browser's own session
    click(&c, Locator::LinkText("Overview")).await;
    let bytes = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; const a = [...document.querySelectorAll('a')].find(a => a.href.endsWith('strategy.docx')); fetch(a.href).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b.slice(0, 4)))));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        bytes,
        serde_json::json!([80, 75, 3, 4]),
        "a zip (DOCX) file"
    );
    click(&c, Locator::LinkText("Print view")).await;
    let page = text(&c).await;
    assert!(
        page.contains("2. Vision") && page.contains("Grow-your-own social work apprenticeship")
    );
    shot(&c, "35-strategy-print").await;
    // every part of the strategy, as its lead sees it, passes the accessibility check
    let mut parts = Vec::new();
    for link in c
        .find_all(Locator::Css("nav[aria-label=Strategy] a"))
        .await
        .unwrap()
    {
        parts.push(link.attr("href").await.unwrap().unwrap_or_default());
    }
    assert!(parts.len() >= 9, "{parts:?}");
    for part in &parts {
        c.goto(&format!("{site}{part}")).await.unwrap();
        accessible(&c, part).await;
    }
    click(&c, Locator::XPath("//button[contains(., 'Sign out')]")).await;

    // the board member lands on the strategy's summary for the board, the Word beside it
    sign_in(&c, &site, "board@example.org").await;
    let home = text(&c).await;
    shot(&c, "36-board-home").await;
    let first = c
        .find(Locator::Css("main .panel li a"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        first.contains("Richmond workforce strategy 2026–2029")
            && first.contains("board's summary"),
        "the strategy first: {home}"
    );
    click(&c, Locator::Css("main .panel li a")).await;
    let page = text(&c).await;
    for part in [
        "For the board",
        "The figures",
        "Objectives (",
        "Actions by rating",
        "The largest risks",
    ] {
        assert!(page.contains(part), "{part}: {page}");
    }
    assert!(page.contains("Fewer vacancies"), "the objectives: {page}");
    shot(&c, "37-board-summary").await;
    let bytes = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; const a = [...document.querySelectorAll('main a')].find(a => a.href.endsWith('strategy.docx')); fetch(a.href).then(r => r.status === 200 ? r.arrayBuffer() : new ArrayBuffer(0)).then(b => done(Array.from(new Uint8Array(b.slice(0, 4)))));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        bytes,
        serde_json::json!([80, 75, 3, 4]),
        "the board downloads the Word document"
    );
    // nothing the board member is shown on the way leads to a refusal
    for link in c.find_all(Locator::Css("main a")).await.unwrap() {
        let href = link.attr("href").await.unwrap().unwrap_or_default();
        assert!(
            !href.contains("/returns") && !href.contains("/admin"),
            "{href}"
        );
    }
    c.close().await.unwrap();
}

/// An employer's journey: from its home page to its return, the template filled with what
/// cws holds (fetched with the browser's own session), one error, fixed, a query explained,
/// the return sent with its declaration, and its status seen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employer_sends_its_own_return_in_a_browser() {
    let Some((_driver, driver_port)) = start_driver() else {
        return;
    };
    let (db, _keep) = cws_store::testing::fresh_databases()
        .await
        .into_iter()
        .next()
        .unwrap();
    reference::load_reference(&db).await.unwrap();
    returns::create_collection(&db, &Collection::default_for_year(2025).unwrap())
        .await
        .unwrap();
    let area = geography::area(&db, "318").await.unwrap().unwrap();
    returns::upsert_organisations(&db, area.id, &[org("SUN-1")])
        .await
        .unwrap();
    let sun = returns::organisation(&db, area.id, "SUN-1")
        .await
        .unwrap()
        .unwrap();
    add_user(
        &db,
        "manager@sunshine.example",
        "Sam Manager",
        UserRole::EmployerSubmitter,
        Scope::Organisation {
            area: "E09000027".into(),
            org: sun.id.to_string(),
        },
    )
    .await;
    let site = serve(&db).await;
    let c = browser(driver_port).await;
    sign_in(&c, &site, "manager@sunshine.example").await;
    shot(&c, "40-employer-home").await;
    click(
        &c,
        Locator::XPath("//main//a[contains(., 'your workforce return')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(page.contains("Not started"), "{page}");
    shot(&c, "41-employer-return").await;

    // the first return, on the form: one post, kept in a draft, then sent
    click(
        &c,
        Locator::XPath("//main//a[contains(., 'Add or change posts one by one')]"),
    )
    .await;
    // the job: the nursery's roles, dates as day, month and year — one that cannot be first
    shot(&c, "41a-employer-form-job").await;
    let choose = |id: &'static str, value: &'static str| {
        let c = &c;
        async move {
            c.find(Locator::Css(&format!("#{id} option[value='{value}']")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
    };
    fill(&c, "worker_ref", "STAFF-1").await;
    fill(&c, "fte", "1").await;
    choose("role_code", "EY-PRAC3").await;
    choose("contract_type", "permanent").await;
    fill(&c, "start_date", "31").await;
    fill(&c, "start_date-month", "2").await;
    fill(&c, "start_date-year", "2019").await;
    click(&c, Locator::XPath("//button[contains(., 'Continue')]")).await;
    assert!(c.title().await.unwrap().starts_with("Error: "));
    let page = text(&c).await;
    assert!(page.contains("as a real date"), "{page}");
    shot(&c, "41b-employer-form-error").await;
    fill(&c, "start_date", "2").await;
    fill(&c, "start_date-month", "9").await;
    click(&c, Locator::XPath("//button[contains(., 'Continue')]")).await;
    // about the person
    assert!(text(&c).await.contains("Add a post: About the person"));
    fill(&c, "birth_year", "1988").await;
    choose("sex", "F").await;
    choose("ethnicity", "WBRI").await;
    choose("disability", "no").await;
    shot(&c, "41c-employer-form-person").await;
    click(&c, Locator::XPath("//button[contains(., 'Continue')]")).await;
    // training and checks
    assert!(text(&c).await.contains("Add a post: Training and checks"));
    choose("vetting_check", "enhanced_barred").await;
    c.find(Locator::Id("common_core-yes"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(&c, Locator::XPath("//button[contains(., 'Continue')]")).await;
    // the answers, then saved
    let page = text(&c).await;
    assert!(
        page.contains("Check your answers") && page.contains("2 September 2019"),
        "{page}"
    );
    shot(&c, "41d-employer-form-answers").await;
    click(
        &c,
        Locator::XPath("//button[contains(., 'Save to your draft')]"),
    )
    .await;
    assert!(text(&c).await.contains("Saved in your draft"));
    shot(&c, "42-employer-draft").await;
    c.goto(&format!(
        "{site}/areas/E09000027/organisations/SUN-1/return"
    ))
    .await
    .unwrap();
    assert!(text(&c).await.contains("Draft, not sent"));
    click(
        &c,
        Locator::XPath("//button[contains(., 'Accept and send my return')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(
        page.contains("Your return is sent") && page.contains("Version 1"),
        "{page}"
    );

    // next, the template filled with that post, fetched with the browser's session
    let filled = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; const a = [...document.querySelectorAll('a')].find(a => a.href.endsWith('template.csv')); fetch(a.href).then(r => r.text()).then(done);",
            vec![],
        )
        .await
        .unwrap();
    let filled = filled.as_str().unwrap_or_default().to_string();
    assert!(filled.contains("SUN-1,cws:"), "{filled}");
    let dir = tempfile::tempdir().unwrap();
    // a volunteer of 80: a query to explain
    let volunteer = |role: &str| {
        format!("SUN-1,STAFF-2,{role},0.2,volunteer,2024-01-08,,,,1945,M,WBRI,no,,,,,,,,,enhanced_barred,,,,")
    };
    let with_error = dir.path().join("sunshine.csv");
    std::fs::write(&with_error, format!("{filled}{}\n", volunteer("NOPE"))).unwrap();
    c.goto(&format!(
        "{site}/areas/E09000027/organisations/SUN-1/upload"
    ))
    .await
    .unwrap();
    shot(&c, "43-employer-upload").await;
    c.find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(with_error.to_str().unwrap())
        .await
        .unwrap();
    click(&c, Locator::Css("main form button[type=submit]")).await;
    let page = text(&c).await;
    assert!(page.contains("There is 1 error to fix"), "{page}");
    shot(&c, "44-employer-report-error").await;
    let fixed = dir.path().join("sunshine-fixed.csv");
    std::fs::write(&fixed, format!("{filled}{}\n", volunteer("EY-PRAC2"))).unwrap();
    click(
        &c,
        Locator::XPath("//main//a[contains(., 'Upload a corrected file')]"),
    )
    .await;
    c.find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(fixed.to_str().unwrap())
        .await
        .unwrap();
    click(&c, Locator::Css("main form button[type=submit]")).await;
    let page = text(&c).await;
    assert!(page.contains("Queries"), "{page}");
    assert!(page.contains("Now send your return"));
    shot(&c, "45-employer-report-query").await;
    let explain = c
        .find(Locator::Css("textarea[name^=explain_]"))
        .await
        .unwrap();
    explain
        .send_keys("Our volunteer grandfather reads to the children on Fridays")
        .await
        .unwrap();
    click(
        &c,
        Locator::XPath("//button[contains(., 'Accept and send')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(page.contains("Return submitted"), "{page}");
    click(
        &c,
        Locator::XPath("//main//a[contains(., 'Back to your return')]"),
    )
    .await;
    let page = text(&c).await;
    assert!(
        page.contains("Version 2") && page.contains("Sent"),
        "{page}"
    );
    assert!(page.contains("2 posts"), "{page}");
    shot(&c, "46-employer-sent").await;
    c.close().await.unwrap();
    db.close().await;
}

/// A lead opens the area's projection, changes a lever, keeps two scenarios, compares them,
/// downloads the table, and meets the error states; then reads how good the projection is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_projects_the_workforce_and_compares_scenarios_in_a_browser() {
    let Some((_driver, driver_port)) = start_driver() else {
        return;
    };
    let (db, _keep) = with_workforce(cws_synth::Scale::Area("318".into())).await;
    add_user(
        &db,
        "lead@example.org",
        "Sam Lead",
        UserRole::AreaLead,
        Scope::Area {
            area: "E09000027".into(),
        },
    )
    .await;
    let site = serve(&db).await;
    let c = browser(driver_port).await;
    sign_in(&c, &site, "lead@example.org").await;
    c.goto(&format!("{site}/areas/318")).await.unwrap();
    click(&c, Locator::LinkText("Projection")).await;
    let page = text(&c).await;
    assert!(page.contains("Supply and need"), "{page}");
    assert!(page.contains("No scenarios are kept for Richmond upon Thames yet."));
    shot(&c, "40-projection").await;

    // a lever changed: more joiners, over fewer runs (the form opens from its summary)
    c.find(Locator::Css(".scenario-panel summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "recruitment_pct", "40").await;
    fill(&c, "runs", "200").await;
    click(&c, Locator::Css("form.scenario button[type=submit]")).await;
    let page = text(&c).await;
    assert!(
        page.contains("Supply and need, under this scenario"),
        "{page}"
    );
    assert!(page.contains("200 runs, seed 1"));
    // kept under a name; then a second, with agency converted
    fill(&c, "name", "Grow our own").await;
    submit(&c, "/scenarios").await;
    let page = text(&c).await;
    assert!(
        page.contains("The scenario is kept: it is listed below."),
        "{page}"
    );
    assert!(page.contains("Grow our own"));
    shot(&c, "41-projection-scenario-kept").await;
    // no name: refused, the error summary focused and the title marked
    submit(&c, "/scenarios").await;
    let title = c.title().await.unwrap();
    assert!(title.starts_with("Error: "), "{title}");
    let focused = c
        .execute("return document.activeElement.className", vec![])
        .await
        .unwrap();
    assert_eq!(focused.as_str(), Some("error-summary"));
    shot(&c, "42-projection-scenario-no-name").await;

    // compared with as now
    c.goto(&format!("{site}/areas/318/projection?runs=200"))
        .await
        .unwrap();
    submit(&c, "/compare").await;
    let page = text(&c).await;
    assert!(page.contains("Scenarios compared"), "{page}");
    assert!(page.contains("As now and Grow our own"));
    assert!(page.contains("The year the gap closes (P50)"));
    shot(&c, "43-projection-compared").await;

    // the table downloaded with the browser's session, the scenario in its link
    c.goto(&format!(
        "{site}/areas/318/projection?recruitment_pct=40&runs=100"
    ))
    .await
    .unwrap();
    let csv = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; const a = [...document.querySelectorAll('a')].find(a => a.href.includes('projection.csv')); fetch(a.href).then(r => r.text()).then(done);",
            vec![],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap_or_default().to_string();
    assert!(
        csv.starts_with("Year,Role group,supply_fte,supply_fte_p10"),
        "{csv}"
    );
    assert!(csv.contains("\n2035,All role groups,"), "{csv}");

    // a lever out of range: the page says which and keeps what was typed
    c.goto(&format!(
        "{site}/areas/318/projection?turnover_pct=-500&runs=100"
    ))
    .await
    .unwrap();
    accessible(&c, "projection with a bad lever").await;
    let page = text(&c).await;
    assert!(page.contains("There is a problem"), "{page}");
    assert!(page.contains("must be from -100 to 200%"));
    shot(&c, "44-projection-bad-lever").await;

    c.goto(&format!("{site}/projection/how-good"))
        .await
        .unwrap();
    let page = text(&c).await;
    assert!(page.contains("How good is the projection?"), "{page}");
    shot(&c, "45-projection-how-good").await;

    // a chart as a picture, with the browser's session
    c.goto(&format!("{site}/areas/318/projection?runs=100"))
        .await
        .unwrap();
    let kind = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; const a = [...document.querySelectorAll('a')].find(a => a.href.includes('supply.png')); fetch(a.href).then(r => done(r.headers.get('content-type')));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kind.as_str(), Some("image/png"));

    // the kept scenario shown in a strategy: the gap on its objectives page
    let richmond = cws_store::geography::area(&db, "318")
        .await
        .unwrap()
        .unwrap();
    let today = chrono::Local::now().date_naive();
    let sid = cws_store::strategy::create_strategy(
        &db,
        richmond.id,
        "Our workforce",
        today,
        today + chrono::Days::new(1000),
    )
    .await
    .unwrap();
    c.goto(&format!("{site}/areas/318/strategy/{}/objectives", sid.0))
        .await
        .unwrap();
    c.find(Locator::Css("#show"))
        .await
        .unwrap()
        .select_by_label("Grow our own")
        .await
        .unwrap();
    submit(&c, "/projection").await;
    let page = text(&c).await;
    assert!(
        page.contains("The projection the strategy shows is saved."),
        "{page}"
    );
    assert!(page.contains("The gap the objectives must close"));
    assert!(page.contains("under “Grow our own”"));
    shot(&c, "46-strategy-objectives-projection").await;
    c.goto(&format!(
        "{site}/areas/318/strategy/{}/sections/current_position",
        sid.0
    ))
    .await
    .unwrap();
    accessible(&c, "the current position with its projection").await;
    assert!(text(&c).await.contains("Where the workforce is heading"));
    shot(&c, "47-strategy-current-position-projection").await;
}

/// A page's address with its codes and ids as placeholders, so that one page of each kind
/// is visited (one area's page stands for all 153).
fn kind_of_page(href: &str) -> String {
    let path = href.split(['?', '#']).next().unwrap_or("");
    let mut out = Vec::new();
    let mut after_organisations = false;
    for segment in path.split('/') {
        let area_code = segment.len() == 9
            && segment.starts_with(['E', 'W', 'S', 'N'])
            && segment[1..].bytes().all(|b| b.is_ascii_digit());
        let number = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
        out.push(if area_code || number {
            "{n}"
        } else if after_organisations {
            "{org}"
        } else {
            segment
        });
        after_organisations = segment == "organisations";
    }
    out.join("/")
}

/// Follows the links of every page from the home page (one page of each kind, up to
/// `limit`), checking each with axe: the pages no journey walks are checked too.
async fn check_every_page(c: &Client, site: &str, who: &str, limit: usize) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = std::collections::VecDeque::from(["/".to_string()]);
    let mut checked = Vec::new();
    while let Some(href) = queue.pop_front() {
        if checked.len() >= limit {
            break;
        }
        // files (a chart's picture is checked within its page), the API and leaving are not
        // pages to check
        let file = [
            ".csv", ".xlsx", ".docx", ".json", ".css", ".png", ".pdf", ".svg",
        ]
        .iter()
        .any(|ext| href.split('?').next().unwrap_or("").ends_with(ext));
        if file
            || href.starts_with("/api/")
            || href.starts_with("/assets/")
            || href.starts_with("/templates/")
            || href.contains("/export/")
            || href.starts_with("/sign-out")
            || !seen.insert(kind_of_page(&href))
        {
            continue;
        }
        c.goto(&format!("{site}{href}")).await.unwrap();
        accessible(c, &format!("{who} at {href}")).await;
        // dates in words ("1 December 2026"), not as the database keeps them (a command to
        // type, in code, or what to type in a file, `.as-typed`, may hold one)
        let shown = c
            .execute(
                "const m = document.querySelector('main').cloneNode(true); m.querySelectorAll('code, kbd, pre, input, textarea, .as-typed').forEach(e => e.remove()); return m.textContent",
                vec![],
            )
            .await
            .unwrap();
        let shown: Vec<char> = shown.as_str().unwrap_or_default().chars().collect();
        let iso = shown.windows(10).position(|w| {
            w.iter().enumerate().all(|(i, ch)| match i {
                4 | 7 => *ch == '-',
                _ => ch.is_ascii_digit(),
            }) && w[0] == '2'
        });
        if let Some(at) = iso {
            let around: String = shown[at.saturating_sub(80)..(at + 40).min(shown.len())]
                .iter()
                .collect();
            panic!("{who} at {href} shows a date as the database keeps it: …{around}…");
        }
        checked.push(href);
        let links = c
            .execute(
                "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))",
                vec![],
            )
            .await
            .unwrap();
        let links: Vec<String> = serde_json::from_value(links).unwrap_or_default();
        queue.extend(
            links
                .into_iter()
                .map(|l| l.replace("&amp;", "&"))
                .filter(|l| l.starts_with('/') && !l.starts_with("//")),
        );
    }
    checked
}

#[test]
fn one_page_of_each_kind() {
    assert_eq!(
        kind_of_page("/areas/E09000027/strategy/3/risks?edit=2"),
        "/areas/{n}/strategy/{n}/risks"
    );
    assert_eq!(
        kind_of_page("/areas/318/organisations/SUN-1/return"),
        "/areas/{n}/organisations/{org}/return"
    );
    assert_eq!(kind_of_page("/rules"), "/rules");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_each_role_reaches_passes_the_accessibility_check() {
    let Some((_driver, driver_port)) = start_driver() else {
        return;
    };
    if axe_script().is_none() {
        return;
    }
    let (db, _keep) = with_workforce(cws_synth::Scale::Area("318".into())).await;
    let area = geography::area(&db, "318").await.unwrap().unwrap();
    returns::upsert_organisations(&db, area.id, &[org("SUN-1")])
        .await
        .unwrap();
    let sun = returns::organisation(&db, area.id, "SUN-1")
        .await
        .unwrap()
        .unwrap();
    let strategy = cws_store::strategy::create_strategy(
        &db,
        area.id,
        "Richmond workforce strategy 2026–2029",
        chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2029, 3, 31).unwrap(),
    )
    .await
    .unwrap();
    let richmond = || Scope::Area {
        area: "E09000027".into(),
    };
    let people = [
        (
            "admin@example.org",
            UserRole::Administrator,
            Scope::National,
        ),
        ("lead@example.org", UserRole::AreaLead, richmond()),
        ("board@example.org", UserRole::BoardViewer, richmond()),
        (
            "london@example.org",
            UserRole::RegionalAnalyst,
            Scope::Region {
                region: "E12000007".into(),
            },
        ),
        (
            "manager@sunshine.example",
            UserRole::EmployerSubmitter,
            Scope::Organisation {
                area: "E09000027".into(),
                org: sun.id.to_string(),
            },
        ),
    ];
    for (email, role, scope) in &people {
        add_user(&db, email, role.label(), *role, scope.clone()).await;
    }
    let site = serve(&db).await;
    let mut all = std::collections::BTreeSet::new();
    for (email, role, _) in &people {
        let c = browser(driver_port).await;
        sign_in(&c, &site, email).await;
        let checked = check_every_page(&c, &site, role.label(), 60).await;
        assert!(checked.len() >= 5, "{email} reached only {checked:?}");
        // each role's own pages, as well as those every role has
        let expected = match role {
            UserRole::Administrator => "/admin/audit",
            UserRole::AreaLead => &format!("/areas/E09000027/strategy/{strategy}/checklist"),
            UserRole::EmployerSubmitter => "/organisations/SUN-1/return",
            UserRole::RegionalAnalyst => "/regions/E12000007",
            _ => "/account",
        };
        assert!(
            checked.iter().any(|p| p.contains(expected)),
            "{email} did not reach {expected}: {checked:?}"
        );
        all.extend(checked.iter().map(|p| kind_of_page(p)));
        if *role == UserRole::Administrator {
            // and in an error state: an account asked for with nothing filled in
            c.goto(&format!("{site}/admin/users")).await.unwrap();
            click(
                &c,
                Locator::Css("form[action='/admin/users'] button[type=submit]"),
            )
            .await;
            assert!(c.title().await.unwrap().starts_with("Error: "));
        }
        c.close().await.unwrap();
    }
    eprintln!("{} kinds of page checked: {all:?}", all.len());
}
