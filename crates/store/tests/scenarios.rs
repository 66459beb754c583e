//! An area's named projection scenarios, kept and read back on every backend.

use cws_project::Levers;
use cws_store::{geography, projection, reference, StoreError};

#[tokio::test]
async fn scenarios_are_kept_by_name_per_area_replaced_and_removed() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        let richmond = geography::area(&db, "318").await.unwrap().unwrap().id;
        let camden = geography::area(&db, "202").await.unwrap().unwrap().id;
        let grow = Levers {
            recruitment_pct: 20.0,
            level3_places: 40.0,
            ..Levers::default()
        };
        let id = projection::save_scenario(&db, richmond, " Grow our own ", &grow, "lead@richmond")
            .await
            .unwrap();
        let held = projection::scenarios(&db, richmond).await.unwrap();
        assert_eq!(held.len(), 1);
        assert_eq!((held[0].id, held[0].name.as_str()), (id, "Grow our own"));
        assert_eq!(held[0].levers, grow);
        assert_eq!(held[0].saved_by, "lead@richmond");
        // another area sees none of them and cannot remove them
        assert!(projection::scenarios(&db, camden).await.unwrap().is_empty());
        assert!(!projection::remove_scenario(&db, camden, id).await.unwrap());
        // the same name (any case) replaces the levers, keeping the scenario
        let more = Levers {
            recruitment_pct: 35.0,
            ..grow
        };
        let again =
            projection::save_scenario(&db, richmond, "GROW OUR OWN", &more, "lead@richmond")
                .await
                .unwrap();
        assert_eq!(again, id);
        let held = projection::scenarios(&db, richmond).await.unwrap();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].levers.recruitment_pct, 35.0);
        // refused: an empty or long name, levers out of range; nothing else changes
        for (name, levers) in [
            ("  ", grow),
            (&*"x".repeat(81), grow),
            (
                "Too far",
                Levers {
                    turnover_pct: -500.0,
                    ..grow
                },
            ),
        ] {
            let e = projection::save_scenario(&db, richmond, name, &levers, "lead")
                .await
                .unwrap_err();
            assert!(matches!(e, StoreError::Refused(_)), "{e}");
        }
        assert_eq!(projection::scenarios(&db, richmond).await.unwrap(), held);
        let second = projection::save_scenario(
            &db,
            richmond,
            "Agency to employed",
            &Levers {
                agency_conversion: 0.5,
                ..Levers::default()
            },
            "lead",
        )
        .await
        .unwrap();
        let names: Vec<String> = projection::scenarios(&db, richmond)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["Agency to employed", "GROW OUR OWN"]);
        assert!(projection::remove_scenario(&db, richmond, second)
            .await
            .unwrap());
        assert!(!projection::remove_scenario(&db, richmond, second)
            .await
            .unwrap());
        assert_eq!(projection::scenarios(&db, richmond).await.unwrap().len(), 1);
    }
}
