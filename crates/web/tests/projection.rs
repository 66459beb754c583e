//! The projection pages: an area's projection under a scenario typed in the form, its table
//! downloaded, bad levers answered field by field, small groups hidden outside the lead's own
//! view, and the backcast page.

mod support;
use cws_domain::user::{Scope, UserRole};
use support::*;

#[tokio::test]
async fn an_area_is_projected_under_a_scenario_and_its_table_downloaded() {
    for app in TestApp::each_with_workforce().await {
        let lead = app.richmond_lead().await;
        let page = lead.page("/areas/318/projection?runs=100").await;
        assert!(
            page.contains("<title>Projection – Richmond upon Thames"),
            "{page}"
        );
        assert!(page.contains("from the census of 2025 to 2035"), "{page}");
        assert!(
            page.contains("Rests on Richmond upon Thames&#39;s returns."),
            "{page}"
        );
        assert!(page.contains("100 runs, seed 1"));
        // the fan chart: a shaded band and two lines, titled for screen readers
        assert!(page.contains(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 280" role="img" aria-labelledby="supply-title supply-desc""#));
        assert!(page.contains("<polygon points="));
        assert!(page.contains("Need FTE"));
        assert!(page.contains("The gap: need less supply"));
        // every year to the horizon in the table, and each role group
        for year in 2025..=2035 {
            assert!(
                page.contains(&format!("<th scope=\"row\">{year}</th>")),
                "{year}"
            );
        }
        assert!(page.contains("<th scope=\"row\">Children and family social workers</th>"));
        // the lead's own view: nothing protected
        assert!(!page.contains("Small numbers are protected"));
        assert!(
            page.contains("Moves between role groups are those of the "),
            "{page}"
        );
        // what each role group's need follows, from the shipped mapping
        assert!(page.contains("What need follows"));
        assert!(
            page.contains("<th scope=\"row\">Education support services</th><td>Education, health and care plans</td>"),
            "{page}"
        );
        assert!(page.contains("<td>DfE children in need, 31 March 2013 to 2025</td>"));
        // a year's flows add up: in post at the start, less leavers and retirements, plus
        // joiners and those from agency, is in post at the end (each rounded to a tenth)
        assert!(page.contains("What moves each year"));
        let flows = &page[page.find("what each year takes away and adds").unwrap()..];
        let first: Vec<f64> = flows[flows.find("<th scope=\"row\">2026</th>").unwrap()..]
            .split("<td class=\"num\">")
            .skip(1)
            .take(6)
            .map(|c| c[..c.find("</td>").unwrap()].parse().unwrap())
            .collect();
        let [start, leavers, retired, joiners, agency, end] = first[..] else {
            panic!()
        };
        assert!(
            (start - leavers - retired + joiners + agency - end).abs() < 0.35,
            "{first:?}"
        );
        assert!(leavers > 0.0 && joiners > 0.0);
        // the ages at the census add up to the people in post at the census
        assert!(page.contains("Ages now and at 2035"));
        let ages = &page[page
            .find("People in post by age band, at the census")
            .unwrap()..];
        let ages = &ages[..ages.find("</table>").unwrap()];
        let at_census: f64 = ages
            .split("<tr><th scope=\"row\">")
            .skip(1)
            .map(|row| {
                let cell = row.split("<td class=\"num\">").nth(1).unwrap();
                cell[..cell.find("</td>").unwrap()].parse::<f64>().unwrap()
            })
            .sum();
        assert!(
            (at_census - start).abs() < 6.0,
            "{at_census} against {start}"
        );
        // the retirement wave: who of the census's people reaches 65, year by year
        assert!(page.contains("Who reaches 65: the retirement wave"));
        assert!(page.contains("are 65 or over already"), "{page}");
        assert!(
            page.contains("<caption>People in post at the census reaching 65, by year</caption>")
        );
        let wave = &page[page.find("reaching 65, by year").unwrap()..];
        let shares: Vec<f64> = wave
            .split("<td class=\"num\">")
            .skip(1)
            .filter_map(|c| c[..c.find("</td>").unwrap()].strip_suffix('%'))
            .map(|v| v.parse().unwrap())
            .take(10)
            .collect();
        assert_eq!(shares.len(), 10, "2026 to 2035");
        assert!(
            shares.windows(2).all(|w| w[0] <= w[1]),
            "the share reached only grows: {shares:?}"
        );

        // a scenario: more recruitment raises supply at the horizon
        let supply_at = |page: &str, year: i32| -> f64 {
            let at = page
                .find(&format!("<th scope=\"row\">{year}</th>"))
                .unwrap();
            let cells: Vec<&str> = page[at..]
                .split("<td class=\"num\"")
                .skip(1)
                .take(2)
                .collect();
            let p50 = cells[1];
            p50[p50.find('>').unwrap() + 1..p50.find("</td>").unwrap()]
                .parse()
                .unwrap()
        };
        let more = lead
            .page("/areas/318/projection?recruitment_pct=50&runs=100&horizon=2030")
            .await;
        assert!(more.contains("Supply and need, under this scenario"));
        assert!(more.contains("to 2030"));
        let as_now = lead
            .page("/areas/318/projection?runs=100&horizon=2030")
            .await;
        assert!(supply_at(&more, 2030) > supply_at(&as_now, 2030) + 10.0);
        // the typed value is kept, and the download carries the scenario
        assert!(more.contains(r#"id="recruitment_pct" name="recruitment_pct" type="text" inputmode="decimal" value="50""#));
        assert!(more.contains("/areas/E09000027/projection/projection.csv?recruitment_pct=50&#38;horizon=2030&#38;runs=100"), "{more}");

        let csv = lead
            .get("/areas/318/projection/projection.csv?recruitment_pct=50&horizon=2030&runs=100")
            .await;
        assert_eq!(csv.status, 200);
        assert!(csv.content_type.starts_with("text/csv"));
        let text = String::from_utf8(csv.body.clone()).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "Year,Role group,supply_fte,supply_fte_p10,supply_fte_p50,supply_fte_p90,people_p50,demand_fte,gap_fte_p10,gap_fte_p50,gap_fte_p90,gap_pct_of_need_p50,synthetic"
        );
        let rows: Vec<&str> = lines.collect();
        assert!(
            rows.iter().all(|r| r.ends_with(",yes")),
            "synthetic on every row"
        );
        assert!(rows.iter().any(|r| r.starts_with("2030,All role groups,")));
        // what went in, to make it again: the digest is that of the inputs and the scenario
        assert!(more.contains("Making this run again"));
        let digest = |page: &str| -> String {
            let at = page.find("their digest is ").unwrap() + "their digest is ".len();
            page[at..at + 64].to_string()
        };
        assert!(digest(&more).bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(digest(&more), digest(&as_now));
        let again = lead
            .page("/areas/318/projection?recruitment_pct=50&runs=100&horizon=2030")
            .await;
        assert_eq!(digest(&again), digest(&more));
        assert_eq!(again, more, "the same address, the same page");
        // the same seed gives the same file
        let again = lead
            .get("/areas/318/projection/projection.csv?recruitment_pct=50&horizon=2030&runs=100")
            .await;
        assert_eq!(again.body, csv.body);
        let xlsx = lead
            .get("/areas/318/projection/projection.xlsx?runs=50")
            .await;
        assert_eq!(xlsx.status, 200);
        assert!(xlsx.body.starts_with(b"PK"));
        assert_eq!(
            lead.get("/areas/318/projection/other.pdf").await.status,
            404
        );
        // each chart as a picture, under the same scenario, its legend and labels in it
        assert!(more.contains("/areas/E09000027/projection/supply.png?recruitment_pct=50&#38;horizon=2030&#38;runs=100"));
        for chart in ["supply", "gap", "flows", "pyramid"] {
            let png = lead
                .get(&format!(
                    "/areas/318/projection/{chart}.png?runs=20&horizon=2030"
                ))
                .await;
            assert_eq!(png.status, 200, "{chart}");
            assert_eq!(png.content_type, "image/png");
            assert!(png.body.starts_with(b"\x89PNG"), "{chart}");
        }
        let svg = lead
            .get("/areas/318/projection/supply.svg?runs=20&horizon=2030")
            .await;
        let svg = String::from_utf8(svg.body).unwrap();
        assert!(svg.contains("Richmond upon Thames: supply and need"));
        assert!(svg.contains("SYNTHETIC DATA, no real person"));
        assert!(svg.contains(">Supply FTE, P10 to P90</text>"));
        assert!(svg.contains(">Need FTE</text>"));
        // the subtitle, wrapped over lines, read as one text
        let words: Vec<&str> = svg
            .split('>')
            .filter_map(|t| t.split('<').next())
            .filter(|t| !t.trim().is_empty())
            .collect();
        assert!(words.join(" ").contains("20 runs, seed 1"), "{words:?}");
        let unknown = lead.get("/areas/318/projection/wave.png").await;
        assert_eq!(unknown.status, 404);
        assert!(String::from_utf8(unknown.body)
            .unwrap()
            .contains("supply.png, gap.png"));
        app.close().await;
    }
}

#[tokio::test]
async fn bad_levers_are_answered_field_by_field_and_nothing_is_projected() {
    for app in TestApp::each_with_workforce().await {
        let lead = app.richmond_lead().await;
        let r = lead
            .get("/areas/318/projection?turnover_pct=-150&runs=lots&horizon=2050&completion_rate=0.5")
            .await;
        assert_eq!(r.status, 422);
        let page = r.text();
        assert!(page.contains("<title>Error: Projection"), "{page}");
        assert!(
            page.contains(r#"<div class="error-summary" role="alert" tabindex="-1" autofocus>"#)
        );
        assert!(page.contains(r##"<a href="#turnover_pct">Turnover: leaving other than retirement, per cent up or down must be from -100 to 200% (you entered -150).</a>"##), "{page}");
        assert!(
            page.contains("Runs must be a whole number (you entered &#39;lots&#39;)."),
            "{page}"
        );
        assert!(
            page.contains("The last year projected must be 2040 or earlier (you entered 2050).")
        );
        // every field keeps what was typed; no chart is drawn
        assert!(page.contains(r#"value="-150""#) && page.contains(r#"value="0.5""#));
        assert!(!page.contains("<polygon"));
        // a horizon before the census is said in words
        let page = lead
            .page("/areas/318/projection?horizon=2024&runs=10")
            .await;
        assert!(
            page.contains(
                "The last year projected must be after the census (2025): you entered 2024."
            ),
            "{page}"
        );
        // the download refuses the same
        let r = lead
            .get("/areas/318/projection/projection.csv?turnover_pct=-150")
            .await;
        assert_eq!(r.status, 422);
        app.close().await;
    }
}

#[tokio::test]
async fn outside_the_lead_s_own_view_small_groups_are_hidden_and_other_areas_are_refused() {
    for app in TestApp::each_with_workforce().await {
        let analyst = app
            .signed_in(
                UserRole::RegionalAnalyst,
                Scope::Region {
                    region: "E12000007".into(),
                },
            )
            .await;
        let page = analyst.page("/regions/E12000007/projection?runs=50").await;
        assert!(
            page.contains("Small numbers are protected on this page"),
            "{page}"
        );
        assert!(
            page.contains("Rests on the returns of 1 of the 33 areas in London."),
            "{page}"
        );
        // the region's analyst sees an area of the region, protected too
        let area_page = analyst.page("/areas/318/projection?runs=50").await;
        assert!(area_page.contains("Small numbers are protected"));
        // a board member of another area, and England for a regional analyst, are refused
        let board = app
            .signed_in(UserRole::BoardViewer, area("E09000001"))
            .await;
        assert_eq!(board.get("/areas/318/projection").await.status, 403);
        assert_eq!(analyst.get("/england/projection").await.status, 403);
        // an area without returns says so instead of projecting nothing
        let camden = analyst.page("/areas/E09000007/projection?runs=10").await;
        assert!(camden.contains("Camden has no workforce returns at the census of 2025, so there is nothing to project from."), "{camden}");
        app.close().await;
    }
}

#[tokio::test]
async fn the_backcast_page_says_how_good_the_projection_is() {
    let apps = TestApp::each().await;
    let app = &apps[0];
    let user = app.signed_in(UserRole::BoardViewer, area(RICHMOND)).await;
    let page = user.page("/projection/how-good").await;
    assert!(page.contains("How good is the projection?"));
    assert!(
        page.contains("Area: the median error, 7.6%, is below the naive forecast&#39;s (8.0%)"),
        "{page}"
    );
    assert!(page.contains("<th scope=\"row\">Kingston upon Thames / Richmond upon Thames</th>"));
    assert!(page.contains("Cumberland: no in-post FTE was published for 2021"));
    assert_eq!(
        app.anonymous().get("/projection/how-good").await.status,
        303
    );
    for app in apps {
        app.close().await;
    }
}

#[tokio::test]
async fn the_lead_keeps_scenarios_and_compares_two_side_by_side() {
    for app in TestApp::each_with_workforce().await {
        let lead = app.richmond_lead().await;
        let base = "/areas/E09000027/projection";
        let page = lead.page(&format!("{base}?runs=20")).await;
        assert!(page.contains("No scenarios are kept for Richmond upon Thames yet."));
        assert!(page.contains("Keep this scenario"));
        // keep one: the levers typed on the page and a name
        let at = lead
            .post_ok(
                &format!("{base}/scenarios"),
                &[
                    ("name", "Grow our own"),
                    ("recruitment_pct", "30"),
                    ("level3_places", "20"),
                ],
            )
            .await;
        assert_eq!(
            at,
            format!("{base}?recruitment_pct=30&level3_places=20&saved=kept#saved-scenarios")
        );
        let page = lead
            .page(&format!(
                "{base}?recruitment_pct=30&level3_places=20&runs=20&saved=kept"
            ))
            .await;
        assert!(page.contains("The scenario is kept: it is listed below."));
        assert!(page.contains("Recruitment: joiners a year, per cent up or down: 30%; Training places a year to Level 3: 20 places"), "{page}");
        // the notice is said once: links do not carry it
        assert!(!page.contains(
            "projection.csv?recruitment_pct=30&#38;level3_places=20&#38;runs=20&#38;saved"
        ));
        lead.post_ok(
            &format!("{base}/scenarios"),
            &[("name", "Agency to employed"), ("agency_conversion", "0.5")],
        )
        .await;
        // refused: no name, or a lever out of range; nothing is kept
        let refused = lead
            .post_refused(
                &format!("{base}/scenarios"),
                &[("name", " "), ("recruitment_pct", "10")],
            )
            .await;
        assert!(
            refused.contains("Enter a name for the scenario"),
            "{refused}"
        );
        assert!(refused.contains(r#"value="10""#));
        let refused = lead
            .post_refused(
                &format!("{base}/scenarios"),
                &[("name", "Too far"), ("turnover_pct", "900")],
            )
            .await;
        assert!(refused.contains("must be from -100 to 200%"));
        let kept = cws_store::projection::scenarios(
            &app.db,
            cws_store::geography::area(&app.db, "318")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap();
        assert_eq!(
            kept.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["Agency to employed", "Grow our own"]
        );
        let grow = kept[1].id.0;

        // compared with as now, over the same runs: the lever that differs is marked
        let page = lead
            .page(&format!(
                "{base}/compare?a=now&b={grow}&runs=50&horizon=2030"
            ))
            .await;
        assert!(page.contains("Scenarios compared"), "{page}");
        assert!(page.contains("As now and Grow our own"));
        assert!(page.contains("over the same 50 runs and seed 1"));
        assert!(page.contains("<tr class=\"emphasis\"><th scope=\"row\">Recruitment: joiners a year, per cent up or down</th><td class=\"num\">0%</td><td class=\"num\">30%</td><td>Differs</td>"));
        assert!(page.contains("<th scope=\"row\">The year the gap closes (P50)</th>"));
        assert!(page.contains("cws does not hold pay bands or course costs yet"));
        let value = |page: &str, label: &str| -> (f64, f64) {
            let at = page
                .find(&format!("<th scope=\"row\">{label}</th>"))
                .unwrap();
            let cells: Vec<f64> = page[at..]
                .split("<td class=\"num\">")
                .skip(1)
                .take(2)
                .map(|c| c[..c.find("</td>").unwrap()].parse().unwrap())
                .collect();
            (cells[0], cells[1])
        };
        let (now, grown) = value(&page, "Supply FTE in 2030, P50");
        assert!(grown > now, "{now} {grown}");
        assert_eq!(
            lead.get(&format!("{base}/compare?a=now&b=999"))
                .await
                .status,
            404
        );

        // a board member sees the kept scenarios but cannot keep or remove one
        let board = app.signed_in(UserRole::BoardViewer, area(RICHMOND)).await;
        let page = board.page(&format!("{base}?runs=10")).await;
        assert!(page.contains("Grow our own") && !page.contains("Keep this scenario"));
        assert_eq!(
            board
                .post_form(&format!("{base}/scenarios"), &[("name", "Mine")])
                .await
                .status,
            403
        );
        assert_eq!(
            board
                .post_form(&format!("{base}/scenarios/{grow}/remove"), &[])
                .await
                .status,
            403
        );
        // the lead removes it
        let at = lead
            .post_ok(&format!("{base}/scenarios/{grow}/remove"), &[])
            .await;
        assert_eq!(at, format!("{base}?saved=removed#saved-scenarios"));
        assert_eq!(
            lead.post_form(&format!("{base}/scenarios/{grow}/remove"), &[])
                .await
                .status,
            404
        );
        app.close().await;
    }
}

#[tokio::test]
async fn the_api_gives_the_projection_as_json_under_the_same_rules() {
    for app in TestApp::each_with_workforce().await {
        let lead = app
            .api_client(UserRole::AreaLead, area(RICHMOND), "lead-api@example.org")
            .await;
        let (status, v) = lead
            .json("/api/areas/318/projection?runs=50&horizon=2030&recruitment_pct=10")
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["place"], "Richmond upon Thames");
        assert_eq!(v["levers"]["recruitment_pct"], 10.0);
        assert_eq!(
            (v["runs"].as_u64(), v["seed"].as_u64()),
            (Some(50), Some(1))
        );
        assert_eq!(v["protected"], false);
        assert_eq!(v["synthetic"], true);
        let p = &v["projection"];
        assert_eq!(
            (p["census_year"].as_i64(), p["horizon"].as_i64()),
            (Some(2025), Some(2030))
        );
        let lines = p["lines"].as_array().unwrap();
        let totals: Vec<&serde_json::Value> = lines
            .iter()
            .filter(|l| l["role_group"] == "All role groups")
            .collect();
        assert_eq!(totals.len(), 6);
        for l in &totals {
            let (a, b, c) = (
                l["p10"].as_f64().unwrap(),
                l["p50"].as_f64().unwrap(),
                l["p90"].as_f64().unwrap(),
            );
            assert!(a <= b && b <= c, "{l}");
        }
        // the same query, the same answer
        assert_eq!(
            lead.json("/api/areas/318/projection?runs=50&horizon=2030&recruitment_pct=10")
                .await
                .1,
            v
        );
        let (status, v) = lead
            .json("/api/areas/318/projection?completion_rate=2")
            .await;
        assert_eq!(status, 422);
        assert!(
            v["error"].as_str().unwrap().starts_with(
                "completion_rate: Share of places completed in the year must be from 0 to 1"
            ),
            "{v}"
        );
        // a regional analyst: the region's, protected; not England's
        let analyst = app
            .api_client(
                UserRole::RegionalAnalyst,
                Scope::Region {
                    region: "E12000007".into(),
                },
                "analyst-api@example.org",
            )
            .await;
        let (status, v) = analyst
            .json("/api/regions/E12000007/projection?runs=20")
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["protected"], true);
        assert_eq!(analyst.json("/api/england/projection?runs=20").await.0, 403);
        app.close().await;
    }
}

#[tokio::test]
async fn the_lead_sets_what_the_area_s_need_follows_and_the_projection_follows_it() {
    for app in TestApp::each_with_workforce().await {
        let lead = app.richmond_lead().await;
        let drivers = "/areas/E09000027/projection/drivers";
        let page = lead.page(drivers).await;
        assert!(page.contains("The mapping cws ships"), "{page}");
        assert!(page.contains("social_workers,children_in_need,base"));
        let before = lead.page("/areas/318/projection?runs=20").await;
        assert!(before.contains("or change what Richmond upon Thames's need follows"));
        assert!(!before.contains("16 to one FTE (a standard)"));

        // a ratio that is not one: refused naming the row, column and value; nothing changes
        let bad = "role_group,driver,ratio\nsocial_workers,children_in_need,zero\n";
        let refused = lead.post_refused(drivers, &[("mapping", bad)]).await;
        assert!(refused.contains("<title>Error: What need follows"));
        assert!(
            refused.contains("The mapping, row 2, column ratio: &#39;zero&#39; is neither"),
            "{refused}"
        );
        assert!(
            refused.contains("social_workers,children_in_need,zero"),
            "what was typed is kept"
        );
        let dup = "role_group,driver,ratio\nplay,children,base\nplay,children,4\n";
        let refused = lead.post_refused(drivers, &[("mapping", dup)]).await;
        assert!(refused.contains("row 3, column role_group: play already follows children"));
        assert!(lead.page(drivers).await.contains("The mapping cws ships"));

        // a caseload of 16: the page and the projection follow it
        let own =
            "role_group,driver,ratio,why\nsocial_workers,children_in_need,16,Our caseload target\n";
        let to = lead.post_ok(drivers, &[("mapping", own)]).await;
        assert_eq!(to, format!("{drivers}?saved=saved"));
        let page = lead.page(&to).await;
        assert!(page.contains("The area&#39;s mapping is saved"));
        assert!(
            page.contains("Richmond upon Thames&#39;s own mapping, saved by lead@richmond.example")
        );
        assert!(page.contains("16 to one FTE (a standard)"));
        let after = lead.page("/areas/318/projection?runs=20").await;
        assert!(after.contains("16 to one FTE (a standard)"));
        let digest = |page: &str| -> String {
            let at = page.find("their digest is ").unwrap() + "their digest is ".len();
            page[at..at + 64].to_string()
        };
        assert_ne!(
            digest(&after),
            digest(&before),
            "need changed, so did the inputs"
        );

        // the board sees it and cannot change it
        let board = app.signed_in(UserRole::BoardViewer, area(RICHMOND)).await;
        let page = board.page(drivers).await;
        assert!(page.contains("16 to one FTE (a standard)") && !page.contains("<textarea"));
        assert_eq!(
            board.post_form(drivers, &[("mapping", own)]).await.status,
            403
        );
        // back to the shipped one
        let to = lead.post_ok(&format!("{drivers}/reset"), &[]).await;
        let page = lead.page(&to).await;
        assert!(page.contains("The area follows the mapping cws ships again."));
        assert!(page.contains("The mapping cws ships (data/cws/demand_drivers.csv)"));
        app.close().await;
    }
}
