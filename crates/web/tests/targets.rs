//! An area's targets page: a national target adopted with the area's deadline, an own target
//! set, each judged with the need beside it; a bad form answered field by field with nothing
//! kept; what it would take found and kept as a scenario; a target removed; the page seen by
//! a board member (small numbers hidden) but changed only by the lead.

mod support;
use cws_domain::user::UserRole;
use support::*;

#[tokio::test]
async fn a_lead_adopts_a_national_target_sees_its_status_and_what_it_would_take() {
    for app in TestApp::each_with_workforce().await {
        let lead = app.richmond_lead().await;
        let page = lead.page("/areas/318/targets").await;
        assert!(
            page.contains("<title>Targets – Richmond upon Thames"),
            "{page}"
        );
        assert!(page.contains("The area has set no targets yet."));
        assert!(page.contains("The national targets of the seeds"));
        // adopt: all non-graduate early years staff at Level 3 by 2029
        let location = lead
            .post_ok(
                "/areas/318/targets",
                &[
                    ("national", "level3_minimum_early_years"),
                    ("deadline", "2029-09-30"),
                    ("title", ""),
                ],
            )
            .await;
        let (path, id) = location.split_once("#target-").unwrap();
        let id = id.to_string();
        let done = lead.page(path).await;
        assert!(done.contains("The target is set"), "{done}");
        assert!(done.contains("Level 3 the minimum qualification for non-graduates"));
        assert!(done.contains("At least 100 by 30 September 2029"), "{done}");
        assert!(
            done.contains("projected runs meet it by 30 September 2029"),
            "{done}"
        );
        assert!(done.contains("Against need in 2029: "), "{done}");
        // a bad own target: every problem named, nothing kept
        let refused = lead
            .post_refused(
                "/areas/318/targets",
                &[
                    ("title", ""),
                    ("measure", "vacancy_rate_fte"),
                    ("value", "lots"),
                    ("deadline", "2020-01-01"),
                ],
            )
            .await;
        assert!(refused.contains("<title>Error: Targets"), "{refused}");
        assert!(refused.contains("The deadline must be after today (you entered 1 January 2020)."));
        assert!(
            refused.contains("The value must be a number, like 12.5 (you entered &#39;lots&#39;)."),
            "{refused}"
        );
        assert!(refused
            .contains("Choose whether the figure is to reach at least or at most the value."));
        assert_eq!(refused.matches("<tr id=\"target-").count(), 1);
        // what it would take: training places to Level 3
        let take = lead
            .page(&format!(
                "/areas/318/targets/{id}/what-it-would-take?lever=level3_places&to=400"
            ))
            .await;
        assert!(take.contains("What it would take"), "{take}");
        assert!(
            take.contains("Training places a year to Level 3: ")
                || take.contains("Not within the range tried")
                || take.contains("it is on track without moving this lever"),
            "{take}"
        );
        // a board member sees the targets, not the forms
        let board = app.signed_in(UserRole::BoardViewer, area(RICHMOND)).await;
        let seen = board.page("/areas/318/targets").await;
        assert!(seen.contains("Level 3 the minimum qualification"));
        assert!(!seen.contains("Adopt a national target"));
        assert!(seen.contains("Small numbers are hidden"));
        // removed
        let gone = lead
            .post_ok(&format!("/areas/318/targets/{id}/remove"), &[])
            .await;
        let gone = lead.page(&gone).await;
        assert!(gone.contains("The target is removed."));
        assert!(gone.contains("The area has set no targets yet."));
        app.close().await;
    }
}
