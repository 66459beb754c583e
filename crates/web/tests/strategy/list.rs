//! Starting a strategy: a backwards period or a date that is not one is refused with the
//! reason; a good one is made and listed.

use super::{d, leads, AREA};

#[tokio::test]
async fn a_strategy_starts_for_a_period_that_ends_after_it_starts() {
    for (app, lead) in leads().await {
        let (start, end) = (d(-200), d(900));
        let page = lead
            .post_refused(
                AREA,
                &[("title", "Strategy"), ("start", &end), ("end", &start)],
            )
            .await;
        assert!(page.contains("must end after it starts"), "{page}");
        let page = lead
            .post_refused(
                AREA,
                &[("title", "Strategy"), ("start", "1 April"), ("end", &end)],
            )
            .await;
        assert!(page.contains("must be a date as YYYY-MM-DD") && page.contains("1 April"));
        let to = lead
            .post_ok(
                AREA,
                &[
                    ("title", "Richmond workforce strategy"),
                    ("start", &start),
                    ("end", &end),
                ],
            )
            .await;
        let base = to.split('?').next().unwrap().to_string();
        let overview = lead.page(&base).await;
        assert!(
            overview.contains("0% of the parts below are done"),
            "{overview}"
        );
        assert!(lead
            .page(AREA)
            .await
            .contains("Richmond workforce strategy"));
        // a second strategy starting the same day is a conflict, said on the page
        let page = lead
            .post_refused(
                AREA,
                &[("title", "Again"), ("start", &start), ("end", &end)],
            )
            .await;
        assert!(
            page.contains("already has a strategy starting on"),
            "{page}"
        );
        app.close().await;
    }
}
