//! The board: reads everything, changes nothing; the print view and the progress report;
//! another area's strategy is not reachable from this area.

use axum::http::StatusCode;
use cws_domain::user::UserRole;

use super::support::{area, RICHMOND};
use super::{d, leads, written};

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
