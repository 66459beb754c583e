//! An area's targets, kept, read back checked and removed, on every backend.

use chrono::NaiveDate;
use cws_plan::targets::{Direction, Kind, Point, Target, Trajectory};
use cws_store::{geography, reference, targets, StoreError, TargetId};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[tokio::test]
async fn an_area_s_targets_are_kept_in_deadline_order_and_removed() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        let richmond = geography::area(&db, "318").await.unwrap().unwrap().id;
        let camden = geography::area(&db, "202").await.unwrap().unwrap().id;
        let level3 = Target {
            figure: "level3_plus_non_graduate_pct@role_group:early_years".into(),
            kind: Kind::Share,
            direction: Direction::AtLeast,
            value: 100.0,
            deadline: d(2029, 9, 30),
            baseline: Some(Point {
                date: d(2025, 9, 30),
                value: 62.5,
            }),
            milestones: vec![Point {
                date: d(2027, 9, 30),
                value: 80.0,
            }],
            trajectory: Trajectory::Linear,
        };
        let vacancies = Target {
            figure: "vacancy_rate_fte@role_group:social_workers".into(),
            direction: Direction::AtMost,
            value: 10.0,
            deadline: d(2028, 3, 31),
            baseline: None,
            milestones: Vec::new(),
            ..level3.clone()
        };
        let a = targets::add_target(
            &db,
            richmond,
            Some("level3_minimum_early_years"),
            " All non-graduates at Level 3 ",
            &level3,
            "lead",
        )
        .await
        .unwrap();
        let b = targets::add_target(
            &db,
            richmond,
            None,
            "Social work vacancies under 10%",
            &vacancies,
            "lead",
        )
        .await
        .unwrap();
        let held = targets::targets(&db, richmond).await.unwrap();
        // by deadline: the vacancies (2028) before Level 3 (2029)
        assert_eq!(held.iter().map(|t| t.id).collect::<Vec<_>>(), vec![b, a]);
        assert_eq!(held[1].title, "All non-graduates at Level 3");
        assert_eq!(
            held[1].national_key.as_deref(),
            Some("level3_minimum_early_years")
        );
        assert_eq!(held[1].target, level3);
        // refused: no title, a share over 100; nothing else changes
        for (title, t) in [
            ("", level3.clone()),
            (
                "Too much",
                Target {
                    value: 130.0,
                    ..level3.clone()
                },
            ),
        ] {
            let e = targets::add_target(&db, richmond, None, title, &t, "lead")
                .await
                .unwrap_err();
            assert!(matches!(e, StoreError::Refused(_)), "{e}");
        }
        assert_eq!(targets::targets(&db, richmond).await.unwrap(), held);
        // another area's are its own
        assert!(targets::targets(&db, camden).await.unwrap().is_empty());
        assert!(!targets::remove_target(&db, camden, a).await.unwrap());
        assert!(targets::remove_target(&db, richmond, a).await.unwrap());
        assert!(!targets::remove_target(&db, richmond, TargetId(a.0 + 100))
            .await
            .unwrap());
        assert_eq!(targets::targets(&db, richmond).await.unwrap().len(), 1);
    }
}
