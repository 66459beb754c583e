//! The projection a strategy shows: chosen by the lead, drawn in the current position and
//! the objectives, in the Word document, with the figures of the projection page it links to.

use std::io::Read;

use axum::http::StatusCode;
use cws_domain::user::UserRole;

use super::support::{area, RICHMOND};
use super::{leads_with_workforce, start};

/// The cells of the first table row for `year` with at least four figures.
fn cells_at(page: &str, year: i32) -> Vec<String> {
    page.split(&format!(r#"<tr><th scope="row">{year}</th>"#))
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap_or("");
            row.split(r#"<td class="num">"#)
                .skip(1)
                .map(|c| c.split('<').next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.len() >= 4)
        .unwrap_or_else(|| panic!("no row of figures for {year}"))
}

#[tokio::test]
async fn the_lead_shows_a_kept_scenario_s_projection_in_the_strategy_and_its_document() {
    for (app, lead) in leads_with_workforce().await {
        let base = start(&lead).await;
        let position = format!("{base}/sections/current_position");
        let objectives = format!("{base}/objectives");
        assert!(lead
            .page(&position)
            .await
            .contains("No projection is shown in this strategy"));
        lead.post_ok(
            "/areas/E09000027/projection/scenarios",
            &[("name", "Grow our own"), ("level3_places", "20")],
        )
        .await;
        let page = lead.page(&objectives).await;
        let value = page
            .split(r#"<option value="scenario-"#)
            .nth(1)
            .and_then(|v| v.split('"').next())
            .map(|n| format!("scenario-{n}"))
            .unwrap();
        assert!(page.contains(r#"<option value="" selected>Not shown</option>"#));

        // a choice that is not a kept scenario is refused, saying why; nothing is shown
        let refused = lead
            .post_refused(&format!("{base}/projection"), &[("show", "scenario-99999")])
            .await;
        assert!(refused.contains("<title>Error: Objectives"));
        assert!(refused.contains("There is no kept scenario &#39;scenario-99999&#39;"));
        assert!(!refused.contains("The gap the objectives must close"));

        let to = lead
            .post_ok(&format!("{base}/projection"), &[("show", &value)])
            .await;
        assert!(to.ends_with("/objectives?saved=projection"), "{to}");
        let page = lead.page(&to).await;
        assert!(page.contains("The projection the strategy shows is saved."));
        assert!(page.contains("The gap the objectives must close"));
        assert!(page.contains("under “Grow our own” (Training places a year to Level 3: 20 places), 1,000 runs, seed 1"), "{page}");
        assert!(page.contains(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 280" role="img" aria-labelledby="gap-title gap-desc""#));
        assert!(page.contains(&format!(
            r#"<option value="{value}" selected>Grow our own</option>"#
        )));
        // the same figures as the projection page it links to
        let link = "/areas/E09000027/projection?level3_places=20";
        assert!(page.contains(&link.replace('&', "&#38;")));
        let projection = lead.page(link).await;
        let census: i32 = page
            .split("Projected from the census of ")
            .nth(1)
            .and_then(|t| t.get(..4))
            .and_then(|y| y.parse().ok())
            .unwrap();
        // the strategy supply P50 is the page second column (after the expected value)
        assert_eq!(
            cells_at(&page, census + 10)[0],
            cells_at(&projection, census + 10)[1]
        );
        let position_page = lead.page(&position).await;
        assert!(position_page.contains("Where the workforce is heading"));
        assert!(position_page.contains(r#"aria-labelledby="supply-title supply-desc""#));

        // removing the kept scenario leaves the strategy's copy
        let kept = value.trim_start_matches("scenario-");
        lead.post_ok(
            &format!("/areas/E09000027/projection/scenarios/{kept}/remove"),
            &[],
        )
        .await;
        let page = lead.page(&objectives).await;
        assert!(page.contains("The gap the objectives must close"));
        assert!(page.contains(r#"<option value="held" selected>Grow our own (as chosen on "#));

        // the Word document carries both charts as pictures, under their headings
        let docx = lead.get(&format!("{base}/export/strategy.docx")).await;
        assert_eq!(docx.status, StatusCode::OK);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx.body)).unwrap();
        let mut document = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut document)
            .unwrap();
        assert!(document.contains("Where the workforce is heading"));
        assert!(document.contains("The gap the objectives must close"));
        assert!(document.contains("supply and need, FTE of all role groups"));
        assert!(document.contains("the gap, need less supply"));

        // the board reads it and cannot change it
        let board = app
            .signed_in_as(
                UserRole::BoardViewer,
                area(RICHMOND),
                "board@richmond.example",
            )
            .await;
        let page = board.page(&objectives).await;
        assert!(page.contains("The gap the objectives must close"));
        assert!(!page.contains(r#"id="projection-choice""#));
        assert_eq!(
            board
                .post_form(&format!("{base}/projection"), &[("show", "")])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // not shown again
        lead.post_ok(&format!("{base}/projection"), &[("show", "")])
            .await;
        assert!(!lead
            .page(&objectives)
            .await
            .contains("The gap the objectives must close"));
        app.close().await;
    }
}
