//! The toolkit checklist, answered with evidence and tallied.

use super::{leads, start};

#[tokio::test]
async fn the_checklist_is_answered_and_tallied() {
    for (app, lead) in leads().await {
        let base = start(&lead).await;
        lead.post_ok(
            &format!("{base}/checklist"),
            &[
                ("answer_smart", "partly"),
                ("evidence_smart", "One objective lacks an owner"),
                ("answer_partner_police", "yes"),
            ],
        )
        .await;
        let page = lead.page(&format!("{base}/checklist")).await;
        assert!(page.contains("2 of 67 answered: 1 yes, 1 partly, 0 no; 1 answered yes or partly without evidence"), "{page}");
        // an answer that is not one changes nothing
        assert!(lead
            .post_refused(
                &format!("{base}/checklist"),
                &[("answer_smart", "maybe"), ("answer_partner_police", "no")]
            )
            .await
            .contains("Answer yes, partly or no (not &#39;maybe&#39;)"));
        assert!(lead
            .page(&format!("{base}/checklist"))
            .await
            .contains("2 of 67 answered: 1 yes, 1 partly, 0 no"));
        app.close().await;
    }
}
