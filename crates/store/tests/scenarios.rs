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

#[tokio::test]
async fn a_children_projection_load_replaces_the_last_whole() {
    let rows = |n: usize, v: f64| cws_reference::PopulationProjection {
        rows: (0..n)
            .flat_map(|a| (2022..2048).map(move |y| (format!("E0600{a:04}"), y, v + y as f64)))
            .collect(),
        districts: n,
        left_out: 0,
    };
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        assert!(projection::population_projection(&db)
            .await
            .unwrap()
            .is_empty());
        assert!(projection::population_projection_load(&db)
            .await
            .unwrap()
            .is_none());
        // more rows than one statement writes
        let load = projection::save_population_projection(&db, &rows(20, 0.5), "snpp.csv", "admin")
            .await
            .unwrap();
        assert_eq!(
            (load.areas, load.first_year, load.last_year),
            (20, 2022, 2047)
        );
        let held = projection::population_projection(&db).await.unwrap();
        assert_eq!(held.len(), 20 * 26);
        assert_eq!(held[0], ("E06000000".to_string(), 2022, 2022.5));
        // a second load replaces the first entirely
        projection::save_population_projection(&db, &rows(2, 1.0), "snpp2.csv", "admin")
            .await
            .unwrap();
        let held = projection::population_projection(&db).await.unwrap();
        assert_eq!(held.len(), 2 * 26);
        assert_eq!(
            projection::population_projection_load(&db)
                .await
                .unwrap()
                .unwrap()
                .source,
            "snpp2.csv"
        );
        // an empty one is refused and the held one stays
        let e = projection::save_population_projection(&db, &rows(0, 0.0), "empty.csv", "admin")
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Refused(_)), "{e}");
        assert_eq!(
            projection::population_projection(&db).await.unwrap().len(),
            52
        );
    }
}

#[tokio::test]
async fn a_strategy_shows_the_projection_chosen_a_copy_of_the_scenario_s_levers() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        let richmond = geography::area(&db, "318").await.unwrap().unwrap().id;
        let start = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let end = chrono::NaiveDate::from_ymd_opt(2029, 3, 31).unwrap();
        let strategy =
            cws_store::strategy::create_strategy(&db, richmond, "Our workforce", start, end)
                .await
                .unwrap();
        assert_eq!(
            projection::strategy_projection(&db, strategy)
                .await
                .unwrap(),
            None
        );
        let grow = Levers {
            level3_places: 40.0,
            ..Levers::default()
        };
        let kept = projection::save_scenario(&db, richmond, "Grow our own", &grow, "lead")
            .await
            .unwrap();
        projection::show_projection_in_strategy(&db, strategy, "Grow our own", &grow, "lead")
            .await
            .unwrap();
        // removing the kept scenario leaves the strategy's copy as chosen
        assert!(projection::remove_scenario(&db, richmond, kept)
            .await
            .unwrap());
        let shown = projection::strategy_projection(&db, strategy)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((shown.name.as_str(), shown.levers), ("Grow our own", grow));
        assert_eq!(shown.chosen_by, "lead");
        // a new choice replaces it; a bad one is refused and the last stays
        projection::show_projection_in_strategy(
            &db,
            strategy,
            "As now",
            &Levers::default(),
            "lead",
        )
        .await
        .unwrap();
        let bad = Levers {
            completion_rate: 7.0,
            ..Levers::default()
        };
        let e = projection::show_projection_in_strategy(&db, strategy, "Bad", &bad, "lead")
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Refused(_)), "{e}");
        let shown = projection::strategy_projection(&db, strategy)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (shown.name.as_str(), shown.levers),
            ("As now", Levers::default())
        );
        projection::hide_projection_in_strategy(&db, strategy)
            .await
            .unwrap();
        assert_eq!(
            projection::strategy_projection(&db, strategy)
                .await
                .unwrap(),
            None
        );
        projection::hide_projection_in_strategy(&db, strategy)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_area_s_own_driver_mapping_is_checked_kept_read_back_and_removed() {
    for (db, _keep) in cws_store::testing::fresh_databases().await {
        reference::load_reference(&db).await.unwrap();
        let richmond = geography::area(&db, "318").await.unwrap().unwrap().id;
        assert!(projection::driver_maps(&db).await.unwrap().is_empty());
        let own = "role_group,driver,ratio\r\nsocial_workers,children_in_need,16\r\n";
        projection::save_driver_map(&db, richmond, own, "lead")
            .await
            .unwrap();
        let e = projection::save_driver_map(
            &db,
            richmond,
            "role_group,driver,ratio\nplay,toys,base\n",
            "lead",
        )
        .await
        .unwrap_err();
        assert!(
            e.to_string().contains("the mapping, row 2, column driver"),
            "{e}"
        );
        let held = projection::driver_maps(&db).await.unwrap();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].area_code, "E09000027");
        assert_eq!(
            held[0].text,
            "role_group,driver,ratio\nsocial_workers,children_in_need,16\n"
        );
        assert_eq!(
            held[0].map.links()[0].ratio,
            cws_domain::demand::Ratio::Standard(16.0)
        );
        assert!(projection::remove_driver_map(&db, richmond).await.unwrap());
        assert!(!projection::remove_driver_map(&db, richmond).await.unwrap());
        assert!(projection::driver_maps(&db).await.unwrap().is_empty());
    }
}
