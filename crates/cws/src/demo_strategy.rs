//! The demo's example workforce strategy for Richmond upon Thames (`demo/richmond-strategy.toml`),
//! loaded once so a newcomer sees every part of a strategy filled in — sections, analysis,
//! objectives, actions and risks with dated progress, resources, the checklist and the
//! projection under its kept scenario.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use cws_plan::actions::{self as plan_actions, Rag, Status};
use cws_store::strategy::{self, ActionRow, FundingStreamRow};
use cws_store::Db;
use serde::Deserialize;

const SOURCE: &str = include_str!("../demo/richmond-strategy.toml");
/// The area the example is written for.
pub const AREA: &str = "E09000027";

#[derive(Deserialize)]
struct Demo {
    title: String,
    start: NaiveDate,
    end: NaiveDate,
    author: String,
    sections: BTreeMap<String, String>,
    analysis: Vec<Entry>,
    objectives: Vec<Objective>,
    actions: Vec<Action>,
    risks: Vec<Risk>,
    budgets: Vec<Budget>,
    plan: Vec<Line>,
    streams: BTreeMap<String, [String; 5]>,
    checklist: BTreeMap<String, [String; 2]>,
    partners: Partners,
    initiatives: Initiatives,
    own_questions: Vec<OwnQuestion>,
    /// The area's kept projection scenario the strategy shows.
    projection: Scenario,
    /// The area's targets: national ones adopted, and its own.
    targets: Vec<DemoTarget>,
}

/// A target of the demo: a national one adopted (its key) with a new deadline, or the area's
/// own (its figure, kind, direction and value).
#[derive(Deserialize)]
struct DemoTarget {
    national: Option<String>,
    title: String,
    deadline: NaiveDate,
    figure: Option<String>,
    kind: Option<cws_plan::targets::Kind>,
    direction: Option<cws_plan::targets::Direction>,
    value: Option<f64>,
}

/// A kept projection scenario: its name and the levers it pulls (the rest as now).
#[derive(Deserialize)]
struct Scenario {
    name: String,
    levers: cws_project::Levers,
}

/// One of the area's own checklist questions, answered.
#[derive(Deserialize)]
struct OwnQuestion {
    group: String,
    question: String,
    answer: String,
    evidence: String,
}

#[derive(Deserialize)]
struct Entry {
    kind: cws_plan::swot::AnalysisKind,
    body: String,
}

#[derive(Deserialize)]
struct Objective {
    key: String,
    statement: String,
    measure: String,
    /// Left out for a cws figure: the figure at the census before the strategy starts.
    baseline: Option<f64>,
    target: f64,
    target_date: NaiveDate,
    owner: String,
}

#[derive(Deserialize)]
struct Update {
    on: NaiveDate,
    status: String,
    rag: String,
    note: String,
}

#[derive(Deserialize)]
struct Action {
    objective: Option<String>,
    workstream: String,
    title: String,
    lead: String,
    start: NaiveDate,
    due: NaiveDate,
    milestones: String,
    status: String,
    notes: String,
    updates: Vec<Update>,
}

#[derive(Deserialize)]
struct Score {
    on: NaiveDate,
    likelihood: i64,
    impact: i64,
}

#[derive(Deserialize)]
struct Risk {
    description: String,
    consequence: String,
    mitigation: String,
    owner: String,
    updates: Vec<Score>,
}

#[derive(Deserialize)]
struct Budget {
    holder: String,
    spend: f64,
    pool_offer: f64,
}

#[derive(Deserialize)]
struct Line {
    year: i64,
    item: String,
    amount: f64,
    source: String,
    pooled: bool,
}

#[derive(Deserialize)]
struct Partners {
    yes: String,
    partly: Vec<String>,
    partly_evidence: String,
}

#[derive(Deserialize)]
struct Initiatives {
    answer: String,
    evidence: String,
}

/// Loads the example strategy unless the area already has one for the same period. Returns
/// the strategy's id when it was loaded.
pub async fn load(db: &Db) -> Result<Option<cws_store::StrategyId>> {
    let demo: Demo = toml::from_str(SOURCE).context("reading the demo strategy")?;
    let area = cws_store::geography::area(db, AREA)
        .await?
        .context("Richmond upon Thames is not in the reference data")?;
    if strategy::strategies(db, area.id)
        .await?
        .iter()
        .any(|s| s.period_start == demo.start)
    {
        return Ok(None);
    }
    let by = demo.author.as_str();
    let id = strategy::create_strategy(db, area.id, &demo.title, demo.start, demo.end).await?;
    for key in demo.sections.keys() {
        if cws_plan::framework::Section::parse(key).ok().is_none() {
            anyhow::bail!("the demo strategy has an unknown section '{key}'");
        }
    }
    for s in cws_plan::framework::Section::ALL {
        if let Some(body) = demo.sections.get(s.code()) {
            strategy::save_section(db, id, s.code(), body.trim(), by).await?;
        }
    }
    for e in &demo.analysis {
        strategy::add_analysis(db, id, e.kind, &e.body, by).await?;
    }
    // baselines of cws figures are the figures at the latest census, as the lead would
    // take them when writing the strategy
    let snapshot = cws_analyse::load::load(db, None).await.ok();
    let figure_at = |measure: &str| -> Option<f64> {
        let snap = snapshot.as_ref()?;
        let scoped = cws_analyse::scoped::Scoped::parse(measure).ok()?;
        let opts = cws_analyse::Options::for_census(snap.census?);
        let scope = cws_analyse::Scope::Area(area.code.clone());
        cws_analyse::scoped::value(snap, &scope, &scoped, &opts)
            .ok()
            .flatten()
    };
    let mut objective_ids = BTreeMap::new();
    for o in &demo.objectives {
        let oid = strategy::add_objective(
            db,
            id,
            &cws_plan::smart::Objective {
                statement: o.statement.clone(),
                measure: Some(o.measure.clone()),
                baseline: o.baseline.or_else(|| figure_at(&o.measure)),
                target: Some(o.target),
                target_date: Some(o.target_date),
                owner: Some(o.owner.clone()),
            },
        )
        .await?;
        objective_ids.insert(o.key.clone(), oid);
    }
    for a in &demo.actions {
        let first = a
            .updates
            .first()
            .context("a demo action needs a first update")?;
        // the lead's rating where it is not green, as a lead would set it
        let lead_rating = |rag: &str| -> anyhow::Result<Option<Rag>> {
            Ok((rag != "green").then(|| Rag::parse(rag)).transpose()?)
        };
        let row = ActionRow {
            id: cws_store::ActionId(0),
            objective_id: a
                .objective
                .as_ref()
                .and_then(|k| objective_ids.get(k).copied()),
            action: plan_actions::Action {
                workstream: a.workstream.clone(),
                title: a.title.clone(),
                lead: a.lead.clone(),
                start: Some(a.start),
                due: a.due,
                status: Status::parse(&first.status)?,
                rag: lead_rating(&first.rag)?,
            },
            notes: first.note.clone(),
            milestones: a.milestones.clone(),
        };
        let aid = strategy::add_action(db, id, &row, first.on, by).await?;
        let mut held = ActionRow { id: aid, ..row };
        for u in &a.updates[1..] {
            let progress = strategy::Progress {
                status: Status::parse(&u.status)?,
                rag: lead_rating(&u.rag)?,
                note: u.note.clone(),
            };
            strategy::update_action(db, id, &held, &progress, u.on, by).await?;
            held.action.status = progress.status;
            held.action.rag = progress.rag;
        }
        if a.updates.last().map(|u| (&u.status, &u.note)) != Some((&a.status, &a.notes)) {
            anyhow::bail!(
                "the demo action '{}' must end on its own status and notes",
                a.title
            );
        }
    }
    for r in &demo.risks {
        let first = r
            .updates
            .first()
            .context("a demo risk needs a first score")?;
        let rid = strategy::add_risk(
            db,
            id,
            &cws_plan::risks::Risk {
                description: r.description.clone(),
                consequence: r.consequence.clone(),
                mitigation: r.mitigation.clone(),
                owner: r.owner.clone(),
                likelihood: cws_plan::risks::on_scale("likelihood", first.likelihood)?,
                impact: cws_plan::risks::on_scale("impact", first.impact)?,
            },
            first.on,
            by,
        )
        .await?;
        for u in &r.updates[1..] {
            strategy::update_risk(
                db,
                id,
                rid,
                u.likelihood,
                u.impact,
                &r.mitigation,
                false,
                u.on,
                by,
            )
            .await?;
        }
    }
    for b in &demo.budgets {
        strategy::add_budget(
            db,
            id,
            &cws_plan::resources::Budget {
                holder: b.holder.clone(),
                spend: b.spend,
                pool_offer: b.pool_offer,
            },
        )
        .await?;
    }
    for l in &demo.plan {
        strategy::add_plan_line(
            db,
            id,
            &cws_plan::resources::PlanLine {
                year: u8::try_from(l.year).context("a demo plan line's year")?,
                item: l.item.clone(),
                amount: l.amount,
                source: l.source.clone(),
                pooled: l.pooled,
            },
        )
        .await?;
    }
    let mut streams: Vec<FundingStreamRow> = cws_plan::resources::starting_catalogue()
        .into_iter()
        .map(FundingStreamRow::from)
        .collect();
    for (title, [provider, purpose, groups, link, comments]) in &demo.streams {
        streams.push(FundingStreamRow {
            id: cws_store::FundingStreamId(0),
            title: title.clone(),
            provider: provider.clone(),
            purpose: purpose.clone(),
            target_groups: groups.clone(),
            link: link.clone(),
            comments: comments.clone(),
            closed: false,
        });
    }
    for s in &streams {
        strategy::add_funding_stream(db, id, s).await?;
    }
    // the checklist: partners and initiatives by default, then each answer given
    let mut answers: BTreeMap<&str, (String, String)> = BTreeMap::new();
    for key in cws_plan::checklist::keys() {
        if key.starts_with("partner_") {
            answers.insert(
                key,
                if demo.partners.partly.iter().any(|p| p == key) {
                    ("partly".into(), demo.partners.partly_evidence.clone())
                } else {
                    ("yes".into(), demo.partners.yes.clone())
                },
            );
        } else if key.starts_with("work_") {
            answers.insert(
                key,
                (
                    demo.initiatives.answer.clone(),
                    demo.initiatives.evidence.clone(),
                ),
            );
        }
    }
    for (key, [answer, evidence]) in &demo.checklist {
        let key = cws_plan::checklist::keys()
            .find(|k| k == key)
            .with_context(|| format!("the demo checklist has an unknown item '{key}'"))?;
        answers.insert(key, (answer.clone(), evidence.clone()));
    }
    for (key, (answer, evidence)) in answers {
        let answer = cws_plan::checklist::Answer::parse(&answer)?;
        strategy::answer_checklist(db, id, key, answer, &evidence, by).await?;
    }
    let mut asked: Vec<String> = Vec::new();
    for q in &demo.own_questions {
        let new = cws_plan::checklist::NewQuestion::new(
            &q.group,
            &q.question,
            asked.iter().map(String::as_str),
        )?;
        let qid = strategy::add_checklist_question(db, id, &new, by).await?;
        let answer = cws_plan::checklist::Answer::parse(&q.answer)?;
        let key = cws_plan::checklist::local_key(qid.0);
        strategy::answer_checklist(db, id, &key, answer, &q.evidence, by).await?;
        asked.push(new.question);
    }
    let p = &demo.projection;
    let levers = p.levers.checked()?;
    cws_store::projection::save_scenario(db, area.id, &p.name, &levers, by).await?;
    cws_store::projection::show_projection_in_strategy(db, id, &p.name, &levers, by).await?;
    let national = cws_plan::targets::national_targets()?;
    for t in &demo.targets {
        let from = t
            .national
            .as_ref()
            .map(|key| {
                national
                    .iter()
                    .find(|n| n.key == *key)
                    .and_then(|n| n.target())
                    .with_context(|| {
                        format!(
                            "the demo adopts '{key}', which is not a national target cws measures"
                        )
                    })
            })
            .transpose()?;
        let figure = from
            .as_ref()
            .map(|f| f.figure.clone())
            .or_else(|| t.figure.clone())
            .context("a demo target needs a figure")?;
        let baseline = snapshot.as_ref().and_then(|snap| {
            Some(cws_plan::targets::Point {
                date: snap.census?,
                value: figure_at(&figure)?,
            })
        });
        let target = cws_plan::targets::Target {
            kind: from
                .as_ref()
                .map(|f| f.kind)
                .or(t.kind)
                .context("a demo target's kind")?,
            direction: from
                .as_ref()
                .map(|f| f.direction)
                .or(t.direction)
                .context("a demo target's direction")?,
            value: from
                .as_ref()
                .map(|f| f.value)
                .or(t.value)
                .context("a demo target's value")?,
            figure,
            deadline: t.deadline,
            baseline,
            milestones: Vec::new(),
            trajectory: cws_plan::targets::Trajectory::Linear,
        };
        cws_store::targets::add_target(db, area.id, t.national.as_deref(), &t.title, &target, by)
            .await?;
    }
    Ok(Some(id))
}

#[cfg(test)]
mod tests {
    //! The example strategy quotes only what cws holds: each figure its text states is checked
    //! against the demo's own data, so that a change to the demo that makes the text untrue
    //! fails here rather than in front of a board.

    use cws_analyse::figures::{compute, Options, Scope};
    use cws_collect::pseudonymise::Pseudonymiser;
    use cws_domain::organisation::Sector;
    use cws_store::{geography, reference, returns};

    use super::*;

    fn section(demo: &Demo, key: &str) -> String {
        demo.sections.get(key).cloned().unwrap_or_default()
    }

    #[tokio::test]
    async fn every_figure_the_demo_text_quotes_is_the_demo_s_own() {
        let demo: Demo = toml::from_str(SOURCE).unwrap();
        let (db, _keep) = cws_store::testing::fresh_databases().await.remove(0);
        reference::load_reference(&db).await.unwrap();
        cws_synth::load::load(
            &db,
            &cws_synth::Scale::Area("318".into()),
            2025,
            Pseudonymiser::new(b"demo-text"),
            false,
            &|_, _, _| {},
        )
        .await
        .unwrap();

        // "Partners spend about £1.1 million a year on developing the children's workforce."
        assert!(section(&demo, "resources").contains("about £1.1 million a year"));
        let spend: f64 = demo.budgets.iter().map(|b| b.spend).sum();
        assert!(
            (spend - 1_100_000.0).abs() < 50_000.0,
            "budgets total {spend}"
        );

        // "about one private or voluntary employer in eight had not returned"
        let data = section(&demo, "workforce_data");
        assert!(data.contains("about one private or voluntary employer in eight"));
        assert!(demo.analysis.iter().any(|e| e
            .body
            .contains("About one private or voluntary employer in eight has not yet returned")));
        let area = geography::area(&db, AREA).await.unwrap().unwrap();
        let census = returns::collections(&db).await.unwrap()[0].clone();
        let orgs = returns::organisations(&db, area.id).await.unwrap();
        let returned = returns::current_return_ids(&db, census.id).await.unwrap();
        let chased: Vec<_> = orgs
            .iter()
            .filter(|o| {
                matches!(
                    o.sector,
                    Sector::Private | Sector::VoluntaryCommunity | Sector::SelfEmployed
                )
            })
            .collect();
        let outstanding = chased
            .iter()
            .filter(|o| !returned.contains_key(&o.id))
            .count();
        let share = outstanding as f64 / chased.len() as f64;
        assert!(
            (0.08..=0.18).contains(&share),
            "{outstanding} of {} outstanding",
            chased.len()
        );
        let statutory_missing = orgs
            .iter()
            .filter(|o| matches!(o.sector, Sector::StatutoryLa | Sector::Nhs | Sector::School))
            .filter(|o| !returned.contains_key(&o.id))
            .count();
        assert_eq!(
            statutory_missing, 0,
            "the council, NHS and school returns are complete"
        );

        // "Ethnicity is not recorded for about one in twenty staff."
        assert!(data.contains("Ethnicity is not recorded for about one in twenty staff"));
        let snap = cws_analyse::load::load(&db, None).await.unwrap();
        let t = &compute(
            &snap,
            &Scope::Area(AREA.into()),
            &[],
            &Options::for_census(census.census_date),
        )
        .unwrap()[0]
            .sums;
        let unrecorded = 1.0 - t.ethnicity_known / t.people;
        assert!((0.03..=0.07).contains(&unrecorded), "{unrecorded}");

        // "about one post in seven is vacant and agency use is high, though both are below the
        // London average" (social work, as DfE publishes it for Richmond's joint return and
        // for London)
        let position = section(&demo, "current_position");
        assert!(position.contains("about one post in seven is vacant"));
        assert!(position.contains("though both are below the London average"));
        let indicators = ["vacancy_rate_fte", "agency_rate_fte"];
        let own =
            geography::published_for_las(&db, &["314 / 318".into(), "318".into()], &indicators)
                .await
                .unwrap();
        let london = geography::published_indicators(&db, &["E12000007".into()], &indicators)
            .await
            .unwrap();
        let latest = |rows: &[geography::IndicatorValue], indicator: &str| {
            rows.iter()
                .filter(|r| r.indicator == indicator)
                .max_by_key(|r| r.year)
                .and_then(|r| r.value)
        };
        let vacancy = latest(&own, "vacancy_rate_fte").unwrap_or(f64::NAN);
        assert!((100.0 / 8.0..=100.0 / 6.0).contains(&vacancy), "{vacancy}");
        for indicator in indicators {
            let (own, london) = (latest(&own, indicator), latest(&london, indicator));
            assert!(
                matches!((own, london), (Some(o), Some(l)) if o < l),
                "{indicator}: Richmond {own:?}, London {london:?}"
            );
        }
    }
}
