//! The action plan: an overdue action, one at risk, a due date before the start refused,
//! progress recorded.

use super::{d, id_of, leads, start};

#[tokio::test]
async fn actions_are_overdue_at_risk_or_done() {
    for (app, lead) in leads().await {
        let base = start(&lead).await;
        let sid = id_of(&base);
        lead.post_ok(
            &format!("{base}/objectives"),
            &[
                ("statement", "Fewer vacancies"),
                ("measure", "vacancy_rate_fte"),
            ],
        )
        .await;
        let actions = format!("{base}/actions");
        let store_objectives = cws_store::strategy::objectives(&app.db, sid).await.unwrap();
        let objective = store_objectives[0].id.to_string();
        lead.post_ok(
            &actions,
            &[
                ("title", "Grow-your-own scheme"),
                ("workstream", "Recruitment"),
                ("objective", &objective),
                ("lead", "PSW"),
                ("due", &d(-3)),
                ("status", "in_progress"),
            ],
        )
        .await;
        lead.post_ok(
            &actions,
            &[
                ("title", "Supervision training"),
                ("workstream", "other"),
                ("workstream_other", "Supervision"),
                ("lead", "WD manager"),
                ("start", &d(1)),
                ("due", &d(20)),
                ("status", "not_started"),
            ],
        )
        .await;
        assert!(lead
            .post_refused(
                &actions,
                &[
                    ("title", "x"),
                    ("lead", "y"),
                    ("start", &d(10)),
                    ("due", &d(5))
                ]
            )
            .await
            .contains("is before the start date"));
        let overdue = lead.page(&format!("{actions}?view=overdue")).await;
        assert!(
            overdue.contains("Grow-your-own scheme") && !overdue.contains("Supervision training")
        );
        let at_risk = lead.page(&format!("{actions}?view=at-risk")).await;
        assert!(
            at_risk.contains("Supervision training"),
            "not started and due within 30 days"
        );
        let id = cws_store::strategy::actions(&app.db, sid).await.unwrap()[0]
            .id
            .to_string();
        lead.post_ok(
            &format!("{actions}/{id}/progress"),
            &[("status", "done"), ("note", "First cohort started")],
        )
        .await;
        let overdue = lead.page(&format!("{actions}?view=overdue")).await;
        assert!(!overdue.contains("Grow-your-own scheme"));
        // a status that is not one is refused; an action of no strategy is not found
        assert!(lead
            .post_refused(
                &format!("{actions}/{id}/progress"),
                &[("status", "finished")]
            )
            .await
            .contains("Choose the action&#39;s status"));
        assert_eq!(
            lead.post_form(&format!("{actions}/999999/progress"), &[("status", "done")])
                .await
                .status,
            axum::http::StatusCode::NOT_FOUND
        );
        app.close().await;
    }
}
