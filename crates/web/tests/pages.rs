//! The web pages, driven in-process through the real router over a real database (SQLite,
//! and PostgreSQL when `CWS_TEST_POSTGRES_URL` is set), with the embedded reference data and a
//! small synthetic workforce loaded as `cws demo` does.

mod support;

use axum::http::StatusCode;
use cws_domain::user::{Scope, UserRole};
use support::{TestApp, SECRET};

/// The table row whose header cell starts with `label`, as text.
fn row<'a>(html: &'a str, label: &str) -> &'a str {
    let at = html
        .find(&format!("<th scope=\"row\">{label}"))
        .or_else(|| html.find(&format!("\">{label}</a>")))
        .unwrap_or_else(|| panic!("no row for {label}"));
    let end = html[at..].find("</tr>").unwrap();
    &html[at..at + end]
}

#[tokio::test]
async fn the_demo_pages_show_real_published_figures_on_every_backend() {
    for app in TestApp::each_with_workforce().await {
        let analyst = app
            .signed_in(UserRole::NationalAnalyst, Scope::National)
            .await;
        let backend = app.db.backend().name();

        // First page: every live area, grouped by the nine regions, labelled synthetic.
        let r = analyst.get("/").await;
        let (status, index) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK, "{backend}");
        assert!(
            index.contains("153 local authorities operating on 30 September 2025, in 9 regions"),
            "{backend}"
        );
        assert_eq!(index.matches("<section class=\"region\">").count(), 9);
        assert_eq!(index.matches("<li><a href=\"/areas/").count(), 153);
        assert!(index.contains("<strong class=\"tag\">Synthetic data</strong>"));
        assert!(index.contains(
            "social work figures published jointly as Kingston upon Thames / Richmond upon Thames"
        ));

        // Richmond by DfE number and by GSS code: the joint return's published figures
        // (2025: 137.4 FTE in post, 28 % turnover), ten neighbours, London and England.
        for code in ["318", "E09000027"] {
            let r = analyst.get(&format!("/areas/{code}")).await;
            let (status, page) = (r.status, r.text());
            assert_eq!(status, StatusCode::OK, "{backend} {code}");
            assert!(page.contains("<h1>Richmond upon Thames"));
            assert!(page.contains("social workers jointly with its partner"));
            let own = row(&page, "Richmond upon Thames");
            assert!(own.contains(">137.4<") && own.contains(">28<"), "{own}");
            assert_eq!(page.matches("<span class=\"note\">neighbour ").count(), 10);
            let england = row(&page, "England");
            assert!(
                england.contains(">36186.3<") && england.contains(">11.8<"),
                "{england}"
            );
            assert!(row(&page, "London").contains("<td class=\"num\">"));
            // six charts, each an accessible SVG with its data table
            assert_eq!(page.matches(r#"role="img" aria-labelledby="#).count(), 6);
            assert_eq!(
                page.matches("<summary>Data behind this chart</summary>")
                    .count(),
                6
            );
            // the synthetic workforce held for Richmond is shown and labelled
            assert!(page.contains("Posts in post at 30 September 2025 by role group"));
            assert!(
                page.contains("Children and family social workers</th>"),
                "role groups listed"
            );
        }

        // Kingston, Richmond's neighbour, publishes in Richmond's own joint return: it is
        // shown but left out of the neighbours' average, which is the mean of the others.
        let page = analyst.get("/areas/318").await.text();
        assert!(row(&page, "Kingston upon Thames").contains("left out of the average"));
        let numbers = |r: &str| -> Vec<Option<f64>> {
            r.split("<td class=\"num\">")
                .skip(1)
                .map(|c| c.split('<').next().and_then(|v| v.trim().parse().ok()))
                .collect()
        };
        let others: Vec<Vec<Option<f64>>> = page
            .split("<span class=\"note\">neighbour ")
            .skip(1)
            .filter(|n| !n.contains("left out of the average"))
            .map(|n| numbers(&n[..n.find("</tr>").unwrap()]))
            .collect();
        assert_eq!(
            others.len(),
            9,
            "ten neighbours, one of them Richmond's own return"
        );
        let average = numbers(row(&page, "Statistical neighbours (average)"));
        for (column, shown) in average.iter().enumerate() {
            let values: Vec<f64> = others.iter().filter_map(|r| r[column]).collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            assert_eq!(
                *shown,
                Some((mean * 10.0).round() / 10.0),
                "column {column}"
            );
        }

        // Camden has its own return; its neighbours' values come from their own rows.
        let camden = analyst.get("/areas/202").await.text();
        let own = row(&camden, "Camden");
        assert!(own.contains(">185.2<") && own.contains(">19.5<"), "{own}");

        // Westminster published no 2025 figures: the page shows the reason, never a zero.
        let westminster = analyst.get("/areas/213").await.text();
        let own = row(&westminster, "Westminster");
        assert_eq!(
            own.matches("<span class=\"symbol\">x</span>").count(),
            6,
            "{own}"
        );
        assert!(!own.contains(">0<"));

        // An unknown area is a clear 404, not an error.
        let r = analyst.get("/areas/999").await;
        let (status, missing) = (r.status, r.text());
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(missing.contains("There is no area with the code"));
        assert!(!missing.contains("database"));
        let status = analyst.get("/no/such/page").await.status;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Attribution and the sources of every embedded file.
        let r = analyst.get("/about/data").await;
        let (status, about) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        assert!(about.contains("Open Government Licence"));
        assert!(about.contains("csww_indicators_2017_to_2025.csv"));
        let r = analyst.get("/healthz").await;
        assert_eq!((r.status, r.text()), (StatusCode::OK, "ok".into()));
        app.close().await;
    }
}

#[tokio::test]
async fn without_a_synthetic_workforce_nothing_is_labelled_synthetic() {
    for app in TestApp::each().await {
        let analyst = app
            .signed_in(UserRole::NationalAnalyst, Scope::National)
            .await;
        let index = analyst.get("/").await.text();
        assert!(!index.contains("Synthetic data"));
        let page = analyst.get("/areas/318").await.text();
        assert!(page.contains("No worker-level returns are held for this area yet."));
        app.close().await;
    }
}

/// With returns from Richmond alone, London and England are not Richmond's own figures: they
/// are `x` and say what they would rest on; neighbours without returns say so; the coverage
/// of London lists all 33 areas.
#[tokio::test]
async fn comparisons_say_what_they_rest_on_and_never_compare_an_area_with_itself() {
    for app in TestApp::each_with_workforce().await {
        let analyst = app
            .signed_in(UserRole::NationalAnalyst, Scope::National)
            .await;
        let r = analyst.get("/areas/318/dashboard/overview").await;
        let (status, page) = (r.status, r.text());
        assert_eq!(status, StatusCode::OK);
        let cells = |label: &str| -> String {
            let at = page
                .find(&format!("<th scope=\"row\">{label}"))
                .unwrap_or_else(|| panic!("no row {label}: {page}"));
            page[at..at + page[at..].find("</tr>").unwrap()].to_string()
        };
        let london = cells("London");
        assert!(
            london.contains("too few returns (1 of 33 areas with returns)"),
            "{london}"
        );
        assert!(
            !london.contains("<td class=\"num\">5."),
            "not Richmond's own rates: {london}"
        );
        let england = cells("England");
        assert!(
            england.contains("too few returns (1 of 153 areas with returns)"),
            "{england}"
        );
        let richmond = cells("Richmond upon Thames");
        assert!(richmond.contains("own returns"), "{richmond}");
        let bromley = cells("Bromley");
        assert!(bromley.contains("no returns"), "{bromley}");
        assert!(!bromley.contains(">0<"), "no returns is never 0: {bromley}");

        // the local authority's social workers beside DfE's published figures: each area by
        // its returns or else its published figures, saying which; Kingston, published
        // jointly with Richmond, is not a comparison
        let at = page
            .find("Children and family social workers of the local authority: Richmond")
            .expect("the social-work panel");
        let panel = &page[at..];
        let panel = &panel[..panel.find("</table>").unwrap()];
        let in_panel = |label: &str| -> String {
            let at = panel
                .find(&format!("<th scope=\"row\">{label}"))
                .unwrap_or_else(|| panic!("no row {label}: {panel}"));
            panel[at..at + panel[at..].find("</tr>").unwrap()].to_string()
        };
        assert!(in_panel("Richmond upon Thames").contains("own returns"));
        let bromley = in_panel("Bromley");
        assert!(bromley.contains("DfE published figures"), "{bromley}");
        assert!(bromley.contains("<td class=\"num\">"), "{bromley}");
        let kingston = in_panel("Kingston upon Thames (neighbour 2) · ");
        assert!(
            kingston.contains("published jointly with Richmond upon Thames: not a comparison"),
            "{kingston}"
        );
        let england = in_panel("England");
        assert!(
            england.contains("1 of 153 areas by returns, 149 by published figures"),
            "{england}"
        );

        let coverage = analyst
            .get("/regions/E12000007/dashboard/coverage")
            .await
            .text();
        assert!(
            coverage.contains("Camden") && coverage.contains("Westminster"),
            "every area listed"
        );
        assert_eq!(
            coverage.matches("<th scope=\"row\">").count(),
            34,
            "33 areas and the total"
        );
    }
}

/// A region's areas side by side, on its overview dashboard: each area with returns, what it
/// rests on, protected; the region's own row `x` while too few of its areas have returns;
/// sortable by any rate (areas without a value last, never as 0); filtered to part of the
/// workforce (sector, role group, contract) with every panel and download saying so;
/// downloadable in the order shown.
#[tokio::test]
async fn a_region_s_dashboard_compares_its_areas() {
    for app in TestApp::each_with_workforce().await {
        let started = std::time::Instant::now();
        // the North East's twelve areas all return
        cws_synth::load::load(
            &app.db,
            &cws_synth::Scale::Region("E12000001".into()),
            2025,
            cws_collect::pseudonymise::Pseudonymiser::new(SECRET),
            false,
            &|_, _, _| {},
        )
        .await
        .unwrap();
        eprintln!("loaded the North East in {:?}", started.elapsed());
        let analyst = app
            .signed_in(
                UserRole::RegionalAnalyst,
                Scope::Region {
                    region: "E12000001".into(),
                },
            )
            .await;
        let table_of = |page: &str| -> String {
            let at = page
                .find("id=\"areas-compared-caption\"")
                .expect("the areas table");
            page[at..at + page[at..].find("</table>").unwrap()].to_string()
        };
        let row = |table: &str, label: &str| -> String {
            let at = table
                .find(&format!("<th scope=\"row\">{label}"))
                .unwrap_or_else(|| panic!("no row {label}: {table}"));
            table[at..at + table[at..].find("</tr>").unwrap()].to_string()
        };
        let page = analyst.page("/regions/E12000001/dashboard/overview").await;
        let table = table_of(&page);
        let gateshead = row(&table, "Gateshead");
        assert!(
            gateshead.contains("organisations&#39; returns"),
            "{gateshead}"
        );
        let total = row(&table, "North East: all areas");
        assert!(total.contains("12 of 12 areas"), "{total}");
        assert!(!total.contains(">x<"), "every area returns: {total}");
        // alphabetical by default; the heading says how it is sorted and sorts the other way
        assert!(table.find("Darlington").unwrap() < table.find("Gateshead").unwrap());
        assert!(
            table.contains("aria-sort=\"ascending\"><a href=\"?sort=area&#38;dir=desc"),
            "{table}"
        );
        let cell = |row: &str, n: usize| -> String {
            row.split("<td class=\"num\">")
                .nth(n)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string()
        };
        let areas = |table: &str| -> Vec<(String, String)> {
            table
                .split("<tr>")
                .skip(2)
                .map(|r| {
                    let name = r
                        .split("<th scope=\"row\">")
                        .nth(1)
                        .unwrap()
                        .split('<')
                        .next()
                        .unwrap();
                    (name.to_string(), cell(r, 1))
                })
                .collect()
        };
        let sorted = analyst
            .page("/regions/E12000001/dashboard/overview?sort=vacancy_rate_fte&dir=desc")
            .await;
        let table = table_of(&sorted);
        let rates: Vec<f64> = areas(&table)
            .iter()
            .map_while(|(_, v)| v.parse().ok())
            .collect();
        assert_eq!(rates.len(), 12, "{table}");
        assert!(rates.windows(2).all(|w| w[0] >= w[1]), "{rates:?}");
        assert!(table.contains("aria-sort=\"descending\""));
        let csv = analyst
            .get("/regions/E12000001/dashboard/overview/areas-compared.csv?sort=vacancy_rate_fte&dir=desc")
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.text();
        let order = areas(&table);
        assert!(
            text.find(&order[0].0).unwrap() < text.find(&order[11].0).unwrap(),
            "the download in the order shown"
        );
        // one sector: said above the charts, in every table's title and in its downloads
        let la = analyst
            .page("/regions/E12000001/dashboard/overview?sector=la&role_group=social_workers")
            .await;
        assert!(la.contains(
            "Only part of the workforce: Local authority · Children and family social workers."
        ));
        assert!(la.contains("<option value=\"la\" selected>"));
        assert!(la.contains("(Local authority · Children and family social workers)"));
        assert!(
            la.contains(
                "/regions/E12000001/dashboard/recruitment?sector=la&#38;role_group=social_workers"
            ),
            "other topics keep the filter"
        );
        let people = |page: &str, area: &str| -> f64 {
            cell(&row(&table_of(page), area), 4).parse().unwrap()
        };
        assert!(people(&la, "Gateshead") < people(&page, "Gateshead"));
        // and it rests on the local authority's returns only, not every organisation's
        let rests_on = |page: &str| -> u32 {
            let r = row(&table_of(page), "Gateshead");
            let cell = r.split("<td>").nth(1).unwrap();
            cell.split(' ').next().unwrap().parse().unwrap()
        };
        assert!(
            rests_on(&la) < rests_on(&page),
            "{} {}",
            rests_on(&la),
            rests_on(&page)
        );
        let csv = analyst
            .get("/regions/E12000001/dashboard/overview/areas-compared.csv?sector=la&role_group=social_workers")
            .await;
        let named = csv
            .headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            named.contains("north-east-overview-la-social_workers-areas-compared.csv"),
            "{named}"
        );
        let xlsx = analyst
            .get("/regions/E12000001/dashboard/overview/areas-compared.xlsx?sector=la&role_group=social_workers")
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        // the workbook's title names the part, wherever its text is kept
        let mut book = zip::ZipArchive::new(std::io::Cursor::new(xlsx.body)).unwrap();
        let mut text = String::new();
        for i in 0..book.len() {
            let mut f = book.by_index(i).unwrap();
            if f.name().ends_with(".xml") {
                std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            }
        }
        assert!(text.contains("(Local authority · Children and family social workers)"));
        // a contract type: vacancies have none, so their rate is x, not 0
        let permanent = analyst
            .page("/regions/E12000001/dashboard/recruitment?contract=permanent")
            .await;
        assert!(permanent.contains("Vacancies have no contract type"));
        // an unknown code is refused by name, with the page saying how to choose
        let wrong = analyst
            .get("/regions/E12000001/dashboard/overview?sector=nowhere")
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text().contains("nowhere"));
        // every link the analyst can follow from home opens: no page leads to a refusal
        for (path, status, location) in support::crawl(&analyst, "/", 80).await {
            assert!(status == StatusCode::OK, "{path}: {status} {location}");
        }
        app.close().await;
    }
}

/// England's figures over the census dates rest on too few areas while Richmond alone has
/// returns: each census is `x`, saying why, not Richmond's own figures; Richmond's own trend
/// says it rests on its own returns.
#[tokio::test]
async fn a_trend_never_shows_one_area_s_figures_as_england_s() {
    for app in TestApp::each_with_workforce().await {
        cws_synth::load::load(
            &app.db,
            &cws_synth::Scale::Area("318".into()),
            2024,
            cws_collect::pseudonymise::Pseudonymiser::new(SECRET),
            false,
            &|_, _, _| {},
        )
        .await
        .unwrap();
        let analyst = app
            .signed_in(UserRole::NationalAnalyst, Scope::National)
            .await;
        let page = analyst.page("/england/dashboard/overview").await;
        let at = page
            .find("Key figures over census dates")
            .expect("the trend");
        let trend = &page[at..at + page[at..].find("</table>").unwrap()];
        assert!(trend.contains("too few returns (1 of 153 areas"), "{trend}");
        assert!(
            !trend.contains("<td class=\"num\">4."),
            "not Richmond's rates: {trend}"
        );
        let own = app
            .richmond_lead()
            .await
            .page("/areas/318/dashboard/overview")
            .await;
        let at = own
            .find("Key figures over census dates")
            .expect("the trend");
        assert!(own[at..].contains("own returns"));
        app.close().await;
    }
}
