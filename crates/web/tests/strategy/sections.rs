//! Sections: versions with who wrote them, the same text again adds none, an empty one is
//! refused; live evidence from the figures.

use super::{leads_with_workforce, start};

#[tokio::test]
async fn sections_keep_every_version_and_show_the_live_figures() {
    for (app, lead) in leads_with_workforce().await {
        let base = start(&lead).await;
        let vision = format!("{base}/sections/vision");
        lead.post_ok(
            &vision,
            &[(
                "body",
                "Children meet people who stay.\n\n- Be healthy\n- Stay safe",
            )],
        )
        .await;
        lead.post_ok(
            &vision,
            &[("body", "Children meet people who stay and know them.")],
        )
        .await;
        assert!(lead
            .post_ok(
                &vision,
                &[("body", "Children meet people who stay and know them.")]
            )
            .await
            .contains("saved=unchanged"));
        assert!(lead
            .post_refused(&vision, &[("body", "  ")])
            .await
            .contains("Write the section before saving it"));
        let page = lead.page(&vision).await;
        assert!(page.contains("<p>Children meet people who stay and know them.</p>"));
        assert_eq!(
            page.matches("<td>lead@richmond.example</td>").count(),
            2,
            "two versions by the lead"
        );
        assert!(
            page.contains("- Be healthy"),
            "the first version's text is kept"
        );

        // live evidence from the figures
        let data = lead.page(&format!("{base}/sections/workforce_data")).await;
        assert!(data.contains("Generated from the workforce held in cws at 30 September 2025"));
        assert!(data.matches("<svg").count() >= 5, "charts");
        // a section that is not in the framework is not found
        assert_eq!(
            lead.get(&format!("{base}/sections/nonsense")).await.status,
            axum::http::StatusCode::NOT_FOUND
        );
        app.close().await;
    }
}
