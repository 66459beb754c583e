//! Resources: a very low offer flagged, impossible figures refused, the plan's years, the
//! funding streams' catalogue.

use super::{leads, start};

#[tokio::test]
async fn budgets_offers_and_the_three_year_plan() {
    for (app, lead) in leads().await {
        let base = start(&lead).await;
        let resources = format!("{base}/resources");
        lead.post_ok(
            &format!("{resources}/budgets"),
            &[
                ("holder", "Schools"),
                ("spend", "200,000"),
                ("pool_offer", "£8,000"),
            ],
        )
        .await;
        assert!(lead
            .post_refused(
                &format!("{resources}/budgets"),
                &[("holder", "NHS"), ("spend", "10"), ("pool_offer", "20")]
            )
            .await
            .contains("cannot be more than the spend"));
        assert!(lead
            .post_refused(
                &format!("{resources}/lines"),
                &[("year", "4"), ("item", "x"), ("amount", "1")]
            )
            .await
            .contains("year 1, 2 or 3"));
        lead.post_ok(
            &format!("{resources}/lines"),
            &[
                ("year", "1"),
                ("item", "Shared induction"),
                ("amount", "60000"),
                ("source", "Pool"),
                ("pooled", "yes"),
            ],
        )
        .await;
        let page = lead.page(&resources).await;
        assert!(
            page.contains("Very low offer")
                && page.contains("£200,000")
                && page.contains("Train to Gain"),
            "the catalogue starts filled"
        );
        // the toolkit's streams are history: marked closed, left out of the document, which
        // says so; an open one added is in it
        assert!(page.contains("Train to Gain <strong class=\"tag tag-grey\">Closed</strong>"));
        lead.post_ok(
            &format!("{resources}/streams"),
            &[
                ("title", "Apprenticeship levy transfer"),
                ("provider", "Large employers"),
            ],
        )
        .await;
        let print = lead.page(&format!("{base}/print")).await;
        assert!(
            print.contains("Apprenticeship levy transfer"),
            "open: in the document"
        );
        assert!(
            !print.contains("Train to Gain"),
            "closed: left out of the document"
        );
        assert!(
            print.contains(
                "7 funding streams in the area&#39;s catalogue have closed and are left out."
            ),
            "{print}"
        );
        // removing a budget; a part that is not one is not found
        let sid = super::id_of(&base);
        let budget = cws_store::strategy::budgets(&app.db, sid).await.unwrap()[0].id;
        lead.post_ok(&format!("{resources}/budgets/{budget}/remove"), &[])
            .await;
        assert!(!lead.page(&resources).await.contains("£200,000"));
        assert_eq!(
            lead.post_form(&format!("{resources}/people/1/remove"), &[])
                .await
                .status,
            axum::http::StatusCode::NOT_FOUND
        );
        app.close().await;
    }
}
