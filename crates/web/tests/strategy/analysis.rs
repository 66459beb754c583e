//! The SWOT and STEEP analysis: proposals from the figures accepted reworded or rejected
//! (and not proposed again), entries of the lead's own, a wrong kind refused.

use super::{leads_with_workforce, start};

#[tokio::test]
async fn proposals_from_the_figures_are_accepted_reworded_or_rejected() {
    for (app, lead) in leads_with_workforce().await {
        let base = start(&lead).await;
        let current = lead
            .page(&format!("{base}/sections/current_position"))
            .await;
        assert!(current.contains("Proposed from the figures"), "{current}");
        // the live figures of the current position: the key figures, and the social workers
        // beside DfE's published figures
        assert!(current.contains("Key figures"), "{current}");
        assert!(current.contains("Social workers beside DfE"), "{current}");
        assert!(current.contains("non-graduates are below Level 3"));
        // only Richmond has returns: England's returns would be Richmond's own figures, so
        // the social workers are compared like for like with England counted by DfE's
        // published figures where areas have no returns, and the proposal says so; volunteers
        // (no employed posts) have no vacancy rate
        assert!(
            current.contains(
                "Highest vacancy rate of any role group: Children and family social workers of the local authority"
            ),
            "{current}"
        );
        assert!(
            current.contains("(the same role group in England: 14.3%, from returns for 1 and DfE&#39;s published figures for 149 of its 153 areas)"),
            "{current}"
        );
        assert_eq!(
            current.matches("in England:").count(),
            2,
            "vacancy and turnover only"
        );
        assert!(!current.contains("Highest vacancy rate of any role group: Volunteers"));
        let text = "Too few non-graduates hold Level 3 (reworded by the lead).";
        lead.post_ok(
            &format!("{base}/analysis/proposals/accept"),
            &[("key", "level3"), ("kind", "weakness"), ("body", text)],
        )
        .await;
        lead.post_ok(
            &format!("{base}/analysis/proposals/reject"),
            &[
                ("key", "level3_training"),
                ("kind", "opportunity"),
                ("body", "x"),
            ],
        )
        .await;
        lead.post_ok(
            &format!("{base}/analysis"),
            &[
                ("kind", "political"),
                ("body", "Funded childcare hours expand."),
            ],
        )
        .await;
        assert!(lead
            .post_refused(
                &format!("{base}/analysis"),
                &[("kind", "nonsense"), ("body", "x")]
            )
            .await
            .contains("Choose where the entry belongs"));
        let current = lead
            .page(&format!("{base}/sections/current_position"))
            .await;
        assert!(current.contains(text) && current.contains("Funded childcare hours expand."));
        assert!(
            !current.contains("Funded Level 2 and 3 programmes could close the gap"),
            "rejected: not proposed again"
        );
        assert!(current.contains("Rejected proposals (1)"));
        app.close().await;
    }
}
