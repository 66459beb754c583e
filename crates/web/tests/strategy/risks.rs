//! The risk register and its heat map; a score off the scale refused.

use super::{id_of, leads, start};

#[tokio::test]
async fn risks_are_scored_on_the_scale_and_mapped() {
    for (app, lead) in leads().await {
        let base = start(&lead).await;
        let risks = format!("{base}/risks");
        lead.post_ok(
            &risks,
            &[
                ("description", "Agency rates rise"),
                ("likelihood", "4"),
                ("impact", "5"),
                ("mitigation", "Regional pledge"),
                ("owner", "Director"),
            ],
        )
        .await;
        assert!(lead
            .post_refused(
                &risks,
                &[("description", "x"), ("likelihood", "7"), ("impact", "1")]
            )
            .await
            .contains("Choose the likelihood from 1 to 5"));
        let page = lead.page(&risks).await;
        assert!(
            page.contains("<td class=\"num heat-very-high\">1</td>") && page.contains("Very high"),
            "{page}"
        );
        // rescoring keeps the risk, at its new score
        let id = cws_store::strategy::risks(&app.db, id_of(&base))
            .await
            .unwrap()[0]
            .id;
        lead.post_ok(
            &format!("{risks}/{id}"),
            &[
                ("likelihood", "2"),
                ("impact", "2"),
                ("mitigation", "Pledge signed"),
            ],
        )
        .await;
        let page = lead.page(&risks).await;
        assert!(page.contains("<td class=\"num heat-low\">1</td>"), "{page}");
        assert!(lead
            .post_refused(
                &format!("{risks}/{id}"),
                &[("likelihood", "0"), ("impact", "2")]
            )
            .await
            .contains("Choose the likelihood from 1 to 5"));
        app.close().await;
    }
}
