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
/// downloadable.
#[tokio::test]
async fn a_region_s_dashboard_compares_its_areas() {
    for app in TestApp::each_with_workforce().await {
        let analyst = app
            .signed_in(
                UserRole::RegionalAnalyst,
                Scope::Region {
                    region: "E12000007".into(),
                },
            )
            .await;
        let page = analyst.page("/regions/E12000007/dashboard/overview").await;
        let at = page.find("Areas compared").expect("the panel");
        let panel = &page[at..];
        let row = |label: &str| -> String {
            let at = panel
                .find(&format!("<th scope=\"row\">{label}"))
                .unwrap_or_else(|| panic!("no row {label}: {panel}"));
            panel[at..at + panel[at..].find("</tr>").unwrap()].to_string()
        };
        let richmond = row("Richmond upon Thames");
        assert!(
            richmond.contains("organisations&#39; returns"),
            "{richmond}"
        );
        assert!(richmond.contains("<td class=\"num\">"), "{richmond}");
        let total = row("Total");
        assert!(total.contains("1 of 33 areas"), "{total}");
        assert!(total.contains(">x<"), "not Richmond's own figures: {total}");
        let csv = analyst
            .get("/regions/E12000007/dashboard/overview/areas-compared.csv")
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.text().contains("Richmond upon Thames"));
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
