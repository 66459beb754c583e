//! The toolkit checklist, answered with evidence and tallied, with the area's own questions.

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

#[tokio::test]
async fn an_area_adds_its_own_questions_beside_the_toolkits() {
    for (app, lead) in leads().await {
        let base = start(&lead).await;
        let question = "Does the strategy cover the staff of the family hubs?";
        let to = lead
            .post_ok(
                &format!("{base}/checklist/questions"),
                &[("question", question), ("group", "delivery")],
            )
            .await;
        let page = lead.page(&to).await;
        assert!(
            page.contains("Your question is added to the checklist."),
            "{page}"
        );
        assert!(page.contains(&format!(
            "{question} <strong class=\"tag tag-grey\">Our question</strong>"
        )));
        assert!(page.contains("0 of 68 answered"), "{page}");
        let key = page
            .split("name=\"answer_local_")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(|n| format!("local_{n}"))
            .expect("the question's answer field");
        lead.post_ok(
            &format!("{base}/checklist"),
            &[
                (format!("answer_{key}").as_str(), "partly"),
                (
                    format!("evidence_{key}").as_str(),
                    "Hub staff are in the census from 2027",
                ),
            ],
        )
        .await;
        let page = lead.page(&format!("{base}/checklist")).await;
        assert!(
            page.contains("1 of 68 answered: 0 yes, 1 partly, 0 no"),
            "{page}"
        );
        assert!(page.contains("Hub staff are in the census from 2027"));
        // the document's checklist carries it, marked as the area's own
        let print = lead.page(&format!("{base}/print")).await;
        assert!(
            print.contains("68 questions (one of them the area&#39;s own): 0 yes, 1 partly"),
            "{print}"
        );
        assert!(
            print.contains(&format!("{question} (the area&#39;s own question)")),
            "{print}"
        );

        // refused: nothing, the toolkit's own question again, a group that is not one
        for (form, said) in [
            (vec![("question", "  "), ("group", "review")], "Enter the question."),
            (
                vec![("question", "Is there a robust mechanism for evaluating and reviewing the strategy"), ("group", "review")],
                "The checklist already asks “Is there a robust mechanism for evaluating and reviewing the strategy?”.",
            ),
            (vec![("question", question), ("group", "partners")], "The checklist already asks"),
            (vec![("question", "Local colleges"), ("group", "elsewhere")], "Choose one of the checklist&#39;s groups"),
        ] {
            let refused = lead
                .post_refused(&format!("{base}/checklist/questions"), &form)
                .await;
            assert!(refused.contains(said), "{said}: {refused}");
            assert!(refused.contains("<title>Error: Toolkit checklist"), "{refused}");
        }
        // what was typed is kept for correcting
        let refused = lead
            .post_refused(
                &format!("{base}/checklist/questions"),
                &[
                    ("question", "Long ".repeat(100).as_str()),
                    ("group", "partners"),
                ],
            )
            .await;
        assert!(
            refused.contains("Keep the question to 400 characters or fewer (it has 499)."),
            "{refused}"
        );
        assert!(
            refused.contains("<option value=\"partners\" selected>"),
            "{refused}"
        );
        assert!(lead
            .page(&format!("{base}/checklist"))
            .await
            .contains("1 of 68 answered"));

        // removed with its answer
        let id = key.trim_start_matches("local_");
        let to = lead
            .post_ok(&format!("{base}/checklist/questions/{id}/remove"), &[])
            .await;
        let page = lead.page(&to).await;
        assert!(
            page.contains("The question and its answer are removed."),
            "{page}"
        );
        assert!(page.contains("0 of 67 answered"), "{page}");
        assert!(!page.contains(question));
        assert_eq!(
            lead.post_form(&format!("{base}/checklist/questions/{id}/remove"), &[])
                .await
                .status
                .as_u16(),
            404
        );
        app.close().await;
    }
}
