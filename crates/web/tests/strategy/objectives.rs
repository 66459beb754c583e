//! Objectives: SMART and tracked against the live figures, or not SMART and why.

use super::{d, leads_with_workforce, start};

#[tokio::test]
async fn objectives_are_checked_letter_by_letter_and_tracked() {
    for (app, lead) in leads_with_workforce().await {
        let base = start(&lead).await;
        let objectives = format!("{base}/objectives");
        lead.post_ok(
            &objectives,
            &[
                ("statement", "Fewer vacancies"),
                ("measure", "vacancy_rate_fte"),
                ("baseline", "8"),
                ("target", "4"),
                ("target_date", &d(500)),
                ("owner", "Head of workforce"),
            ],
        )
        .await;
        lead.post_ok(
            &objectives,
            &[
                ("statement", "More apprentices"),
                ("measure", "other"),
                ("measure_other", "apprentices started"),
                ("baseline", "2"),
                ("target", "2"),
            ],
        )
        .await;
        assert!(lead
            .post_refused(&objectives, &[("statement", "x"), ("baseline", "lots")])
            .await
            .contains("The baseline must be a number"));
        let page = lead.page(&objectives).await;
        assert_eq!(page.matches("tag-green\">SMART").count(), 1, "{page}");
        assert!(
            page.contains("Not SMART")
                && page.contains("<strong>T</strong>: ")
                && page.contains("<strong>R</strong>: ")
        );
        assert!(
            page.contains("<strong>A</strong>: "),
            "target equal to the baseline"
        );
        assert!(page.contains("Vacancy rate (FTE, %) at each census") && page.contains("Sep 2025"));
        // one census is held, the baseline's: nothing has moved yet, so nothing is "behind";
        // the typed baseline 8 is not the 4.7 at that census, which is a warning
        assert!(page.contains("No census since the baseline yet"), "{page}");
        assert!(!page.contains("behind") && !page.contains("-0%"), "{page}");
        assert!(
            page.contains("The baseline typed (8) is not the figure at the baseline census of 30 September 2025 (4.7)"),
            "{page}"
        );
        // an objective about social workers is tracked among social workers, not everyone
        lead.post_ok(
            &objectives,
            &[
                ("statement", "Fewer social work posts vacant"),
                ("measure", "vacancy_rate_fte"),
                ("among", "role_group:social_workers"),
                ("target", "10"),
                ("baseline", "14.9"),
                ("target_date", &d(500)),
                ("owner", "Principal social worker"),
            ],
        )
        .await;
        let page = lead.page(&objectives).await;
        assert!(
            page.contains("Vacancy rate (FTE, %) – Children and family social workers"),
            "{page}"
        );
        assert!(
            page.contains(">14.9<"),
            "the social workers' own rate: {page}"
        );
        assert!(lead
            .post_refused(
                &objectives,
                &[
                    ("statement", "x"),
                    ("measure", "vacancy_rate_fte"),
                    ("among", "role_group:astronauts")
                ]
            )
            .await
            .contains("is not a role group code"));

        // changing an objective: its own address; another strategy's is not found
        let sid = super::id_of(&base);
        let held = cws_store::strategy::objectives(&app.db, sid).await.unwrap();
        let second = held[1].id;
        lead.post_ok(
            &format!("{objectives}/{second}"),
            &[
                ("statement", "More apprentices"),
                ("measure", "other"),
                ("measure_other", "apprentices started"),
                ("baseline", "2"),
                ("target", "6"),
            ],
        )
        .await;
        let held = cws_store::strategy::objectives(&app.db, sid).await.unwrap();
        assert_eq!(held[1].objective.target, Some(6.0));
        assert_eq!(
            lead.post_form(&format!("{objectives}/999999"), &[("statement", "x")])
                .await
                .status,
            axum::http::StatusCode::NOT_FOUND
        );
        app.close().await;
    }
}
