//! The board: reads everything, changes nothing; the print view and the progress report;
//! another area's strategy is not reachable from this area.

use axum::http::StatusCode;
use cws_domain::user::UserRole;

use super::support::{area, crawl, RICHMOND};
use super::{d, leads, leads_with_workforce, written};

#[tokio::test]
async fn the_board_reads_the_strategy_and_its_progress_report() {
    for (app, lead) in leads().await {
        let base = written(&lead).await;
        let vision = format!("{base}/sections/vision");
        let board = app
            .signed_in_as(
                UserRole::BoardViewer,
                area(RICHMOND),
                "board@richmond.example",
            )
            .await;
        let page = board.page(&vision).await;
        assert!(page.contains("Children meet people who stay") && !page.contains("<textarea"));
        assert_eq!(
            board
                .post_form(&vision, &[("body", "Board rewrite")])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let print = board.page(&format!("{base}/print")).await;
        assert!(
            print.contains("1. Title and sign-off")
                && print.contains("Appendix: the toolkit checklist")
        );
        let report = board
            .page(&format!("{base}/progress?from={}&to={}", d(-1), d(0)))
            .await;
        assert!(
            report.contains("1 completed") || report.contains("2 added"),
            "{report}"
        );
        assert!(report.contains("1 new, 0 closed"), "{report}");
        assert!(board
            .page(&format!("{base}/progress?from={}&to={}", d(0), d(-5)))
            .await
            .contains("must not be after"));
        let r = board
            .get(&format!(
                "{base}/export/progress.docx?from={}&to={}",
                d(-1),
                d(0)
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        // another area's strategy id is not found from this area
        assert_eq!(
            lead.get(&base.replace("E09000027", "E09000021"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        app.close().await;
    }
}

/// A board member lands on the strategy's summary for its board — figures with their trend,
/// objectives' standing, actions by rating, the largest risks, the Word document beside it —
/// and no page it can reach links to one it is refused.
#[tokio::test]
async fn a_board_member_lands_on_the_board_summary_and_finds_no_refused_link() {
    for (app, lead) in leads_with_workforce().await {
        let base = written(&lead).await;
        let board = app
            .signed_in_as(
                UserRole::BoardViewer,
                area(RICHMOND),
                "board@richmond.example",
            )
            .await;
        let home = board.page("/").await;
        let first = home.find("<li><a href=\"").expect("a shortcut") + 13;
        assert_eq!(&home[first..first + base.len()], base, "the strategy first");
        let summary = board.page(&base).await;
        for part in [
            "For the board",
            "export/strategy.docx",
            "The figures",
            "Objectives (",
            "Actions by rating",
            "The largest risks",
            "How complete the strategy is",
        ] {
            assert!(summary.contains(part), "{part}: {summary}");
        }
        assert!(
            summary.contains("at the census"),
            "figures with their census"
        );
        // the area page names the strategy and the dashboards, not the lead's returns
        let area_page = board.page("/areas/E09000027").await;
        assert!(area_page.contains(&format!("/areas/{RICHMOND}/strategy\"")));
        assert!(!area_page.contains("/returns\""));
        assert!(lead
            .page("/areas/E09000027")
            .await
            .contains("/areas/E09000027/returns\""));
        // every link a board member can follow opens
        for (path, status, location) in crawl(&board, "/", 80).await {
            assert!(status == StatusCode::OK, "{path}: {status} {location}");
        }
        app.close().await;
    }
}
