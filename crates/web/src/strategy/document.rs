//! The strategy as a document: headings, paragraphs, tables and charts in reading order.
//! The HTML print view and the Word export render the same blocks, so they cannot drift.

use chrono::NaiveDate;
use cws_plan::actions::{Rag, Status};
use cws_plan::checklist::Answer;
use cws_plan::framework::Section;
use cws_plan::resources::{self, Offer};
use cws_plan::risks::{heat_map, Risk};
use cws_plan::swot::{Decision, Quadrant};

pub(crate) use cws_documents::block::{money, num, text_blocks, Block};
use cws_documents::chart::trim_number;

use super::{Loaded, Tracking};
use crate::dashboards::{Draw, Panel};

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_else(|| "–".into())
}

fn chart(p: &Panel, out: &mut Vec<Block>) {
    out.push(Block::Chart {
        title: p.title.clone(),
        svg: p.svg(),
        // the document itself is labelled on its cover and every page
        standalone: p.standalone_svg(false),
    });
    out.push(Block::Table {
        caption: p.table.title.clone(),
        header: std::iter::once(String::new())
            .chain(p.table.columns.iter().map(|c| c.label.clone()))
            .collect(),
        rows: p
            .table
            .rows
            .iter()
            .map(|r| {
                std::iter::once(r.labels.join(" · "))
                    .chain(r.values.iter().map(|v| match v {
                        cws_analyse::disclosure::Shown::Value(x) => trim_number(*x),
                        cws_analyse::disclosure::Shown::Symbol(s) => s.to_string(),
                    }))
                    .collect()
            })
            .collect(),
    });
    if !p.table.footnote.is_empty() {
        out.push(Block::Note(p.table.footnote.clone()));
    }
}

/// The strategy's projection: supply and need in the current position (`gap` false), the
/// gap the objectives must close in the objectives, each with the table by year.
fn projection_blocks(shown: &super::projection::Shown, gap: bool, out: &mut Vec<Block>) {
    let shape = match &shown.projected {
        Ok(s) => s,
        Err(why) => {
            out.push(Block::Note(format!(
                "The projection under “{}” cannot be made: {why}",
                shown.name
            )));
            return;
        }
    };
    out.push(Block::Heading(
        2,
        if gap {
            "The gap the objectives must close".into()
        } else {
            "Where the workforce is heading".into()
        },
    ));
    let chart = if gap {
        shape.gap.as_ref()
    } else {
        Some(&shape.supply)
    };
    match chart {
        Some(c) => out.push(Block::Chart {
            title: c.title.clone(),
            svg: c.svg.clone(),
            standalone: c.standalone(&shown.subtitle()),
        }),
        None => out.push(Block::Note(
            "Need is not known for every year, so the gap is not drawn.".into(),
        )),
    }
    out.push(Block::Table {
        caption: "All role groups by year: FTE (full-time equivalent)".into(),
        header: [
            "Year",
            "Supply, P50",
            "Supply, P10 to P90",
            "Need",
            "Gap, P50",
            "Gap, % of need",
        ]
        .map(String::from)
        .to_vec(),
        rows: shape.years.iter().map(|r| r.to_vec()).collect(),
    });
    // after the chart and table, so the heading stays with the chart it introduces
    out.push(Block::Note(format!(
        "{}. {} The band holds the middle 80% of the runs (P10 to P90).",
        shown.subtitle(),
        shape.rests_on
    )));
}

/// The objectives table with SMART status and tracking.
pub(crate) fn objectives_table(l: &Loaded, tracking: &[Tracking]) -> Block {
    Block::Table {
        caption: "Objectives, with their measures and progress".into(),
        header: [
            "Objective",
            "Measure",
            "Baseline",
            "Target",
            "By",
            "Owner",
            "Latest",
            "Progress",
            "SMART",
        ]
        .map(String::from)
        .to_vec(),
        rows: l
            .objectives
            .iter()
            .zip(tracking)
            .map(|(o, t)| {
                vec![
                    o.objective.statement.clone(),
                    t.measure_label.clone(),
                    num(o.objective.baseline),
                    num(o.objective.target),
                    date(o.objective.target_date),
                    o.objective.owner.clone().unwrap_or_default(),
                    t.latest
                        .map(|(d, v)| format!("{} ({})", num(Some(v)), d.format("%b %Y")))
                        .unwrap_or_else(|| "–".into()),
                    t.progress_text(),
                    if t.smart {
                        "Yes".into()
                    } else {
                        format!("No: {}", t.letters)
                    },
                ]
            })
            .collect(),
    }
}

pub(crate) fn actions_table(l: &Loaded, today: NaiveDate) -> Block {
    Block::Table {
        caption: "Action plan by workstream".into(),
        header: [
            "Workstream",
            "Action",
            "Lead",
            "Start",
            "Due",
            "Milestones",
            "Status",
            "RAG",
            "Progress",
        ]
        .map(String::from)
        .to_vec(),
        rows: l
            .actions
            .iter()
            .map(|a| {
                let plan = &a.action;
                vec![
                    plan.workstream.clone(),
                    plan.title.clone(),
                    plan.lead.clone(),
                    date(plan.start),
                    date(Some(plan.due)),
                    a.milestones.clone(),
                    plan.status.label().into(),
                    plan.rag(today).label().into(),
                    a.notes.clone(),
                ]
            })
            .collect(),
    }
}

pub(crate) fn open_risks(l: &Loaded) -> Vec<&cws_store::strategy::RiskRow> {
    l.risks.iter().filter(|r| r.closed_on.is_none()).collect()
}

pub(crate) fn risk_blocks(l: &Loaded, out: &mut Vec<Block>) {
    let open = open_risks(l);
    out.push(Block::Table {
        caption: "Risk register (likelihood × impact, each 1–5)".into(),
        header: [
            "Risk",
            "Consequence",
            "Likelihood",
            "Impact",
            "Score",
            "Rating",
            "Mitigation",
            "Owner",
        ]
        .map(String::from)
        .to_vec(),
        rows: open
            .iter()
            .map(|r| {
                let risk = &r.risk;
                vec![
                    risk.description.clone(),
                    risk.consequence.clone(),
                    risk.likelihood.to_string(),
                    risk.impact.to_string(),
                    risk.score().map_or_else(|_| "–".into(), |s| s.to_string()),
                    risk.rating().map(|x| x.label()).unwrap_or("–").into(),
                    risk.mitigation.clone(),
                    risk.owner.clone(),
                ]
            })
            .collect(),
    });
    let risks: Vec<Risk> = open.iter().map(|r| r.risk.clone()).collect();
    let grid = heat_map(&risks);
    out.push(Block::Table {
        caption: "Heat map: how many risks sit at each impact (rows) and likelihood (columns)"
            .into(),
        header: ["Impact \\ likelihood", "1", "2", "3", "4", "5"]
            .map(String::from)
            .to_vec(),
        rows: (0..5)
            .rev()
            .map(|i| {
                std::iter::once((i + 1).to_string())
                    .chain(grid[i].iter().map(|n| {
                        if *n == 0 {
                            String::new()
                        } else {
                            n.to_string()
                        }
                    }))
                    .collect()
            })
            .collect(),
    });
}

pub(crate) fn resource_blocks(l: &Loaded, out: &mut Vec<Block>) {
    let budgets = super::resources::plan_budgets(l);
    let (spend, offer, pct) = resources::pool_totals(&budgets);
    out.push(Block::Table {
        caption: "Workforce-development budgets and offers to the pool".into(),
        header: [
            "Budget holder",
            "Spend",
            "Offered to the pool",
            "Share offered",
            "Note",
        ]
        .map(String::from)
        .to_vec(),
        rows: budgets
            .iter()
            .map(|b| {
                vec![
                    b.holder.clone(),
                    money(b.spend),
                    money(b.pool_offer),
                    b.offer_pct()
                        .map(|p| format!("{p:.0}%"))
                        .unwrap_or_else(|| "–".into()),
                    match b.offer() {
                        Some(Offer::VeryLow) => "Very low offer: worth a conversation".into(),
                        Some(Offer::Strong) => "Strong commitment".into(),
                        _ => String::new(),
                    },
                ]
            })
            .chain(std::iter::once(vec![
                "All budget holders".into(),
                money(spend),
                money(offer),
                pct.map(|p| format!("{p:.0}%"))
                    .unwrap_or_else(|| "–".into()),
                String::new(),
            ]))
            .collect(),
    });
    let lines = super::resources::plan_lines(l);
    let totals = resources::year_totals(&lines);
    out.push(Block::Table {
        caption: "Staged three-year financial plan".into(),
        header: ["Year", "Item", "Amount", "Source", "Pooled"]
            .map(String::from)
            .to_vec(),
        rows: lines
            .iter()
            .map(|p| {
                vec![
                    format!("Year {}", p.year),
                    p.item.clone(),
                    money(p.amount),
                    p.source.clone(),
                    if p.pooled { "Yes".into() } else { "No".into() },
                ]
            })
            .chain(totals.iter().map(|t| {
                vec![
                    format!("Year {} total", t.year),
                    String::new(),
                    money(t.total),
                    String::new(),
                    t.pooled_pct()
                        .map(|p| format!("{p:.0}% pooled"))
                        .unwrap_or_default(),
                ]
            }))
            .collect(),
    });
    // closed streams are history: left out, and said so
    let open: Vec<_> = l.streams.iter().filter(|f| !f.closed).collect();
    let closed = l.streams.len() - open.len();
    if open.is_empty() {
        out.push(Block::Para(
            "No open funding stream is recorded in the catalogue yet.".into(),
        ));
    }
    if closed > 0 {
        out.push(Block::Note(format!(
            "{} in the area's catalogue {} closed and {} left out.",
            cws_domain::words::count(closed as u64, "funding stream"),
            if closed == 1 { "has" } else { "have" },
            if closed == 1 { "is" } else { "are" },
        )));
    }
    if open.is_empty() {
        return;
    }
    out.push(Block::Table {
        caption: "Funding streams open to the area".into(),
        header: [
            "Stream",
            "Provided by",
            "Purpose",
            "Target groups",
            "Comments",
        ]
        .map(String::from)
        .to_vec(),
        rows: open
            .iter()
            .map(|f| {
                vec![
                    f.title.clone(),
                    f.provider.clone(),
                    f.purpose.clone(),
                    f.target_groups.clone(),
                    f.comments.clone(),
                ]
            })
            .collect(),
    });
}

pub(crate) fn analysis_blocks(l: &Loaded, out: &mut Vec<Block>) {
    for q in Quadrant::ALL {
        let items: Vec<String> = l
            .analysis
            .iter()
            .filter(|a| a.kind.quadrant() == Some(*q) && a.decision != Decision::Rejected)
            .map(|a| a.body.clone())
            .collect();
        if !items.is_empty() {
            out.push(Block::Heading(3, q.label().into()));
            out.push(Block::Bullets(items));
        }
    }
    let steep: Vec<String> = l
        .analysis
        .iter()
        .filter(|a| a.kind.is_steep())
        .map(|a| format!("{}: {}", a.kind.label(), a.body))
        .collect();
    if !steep.is_empty() {
        out.push(Block::Heading(3, "Context (STEEP)".into()));
        out.push(Block::Bullets(steep));
    }
}

pub(crate) fn checklist_blocks(l: &Loaded, out: &mut Vec<Block>) {
    for (g, lines) in super::checklist::lines(l) {
        out.push(Block::Table {
            caption: g.heading.into(),
            header: ["Question", "Answer", "Evidence"]
                .map(String::from)
                .to_vec(),
            rows: lines
                .into_iter()
                .map(|line| {
                    let answer = Answer::parse(line.answer).map_or("Not answered", |a| a.label());
                    vec![
                        if line.own {
                            format!("{} (the area's own question)", line.question)
                        } else {
                            line.question
                        },
                        answer.into(),
                        line.evidence,
                    ]
                })
                .collect(),
        });
    }
}

/// The whole strategy in reading order.
pub(crate) fn strategy_blocks(
    l: &Loaded,
    area_name: &str,
    live: &[(Section, super::evidence::LivePanels)],
    projection: Option<&super::projection::Shown>,
    tracking: &[Tracking],
    today: NaiveDate,
) -> Vec<Block> {
    let s = &l.strategy;
    let mut out = vec![Block::Note(format!(
        "{area_name} · {} to {} · produced by cws on {}",
        s.period_start.format("%-d %B %Y"),
        s.period_end.format("%-d %B %Y"),
        today.format("%-d %B %Y")
    ))];
    for (n, section) in Section::ALL.into_iter().enumerate() {
        out.push(Block::Heading(
            1,
            format!("{}. {}", n + 1, section.heading()),
        ));
        match l.sections.get(section.code()) {
            Some(v) => text_blocks(&v.body, &mut out),
            None if !matches!(
                section,
                Section::Objectives | Section::Actions | Section::Risks | Section::Resources
            ) =>
            {
                out.push(Block::Note("Not written yet.".into()))
            }
            None => {}
        }
        if let Some((_, panels)) = live.iter().find(|(s, _)| *s == section) {
            if let Some(census) = panels.census() {
                out.push(Block::Note(format!(
                    "The figures below are the workforce held in cws at {census}, as on the day this document was produced."
                )));
            }
            for p in panels.iter() {
                chart(p, &mut out);
            }
        }
        if let Some(shown) = projection {
            match section {
                Section::CurrentPosition => projection_blocks(shown, false, &mut out),
                Section::Objectives => projection_blocks(shown, true, &mut out),
                _ => {}
            }
        }
        match section {
            Section::CurrentPosition => analysis_blocks(l, &mut out),
            Section::Objectives if !l.objectives.is_empty() => {
                out.push(objectives_table(l, tracking))
            }
            Section::Actions if !l.actions.is_empty() => out.push(actions_table(l, today)),
            Section::Risks if !l.risks.is_empty() => risk_blocks(l, &mut out),
            Section::Resources => resource_blocks(l, &mut out),
            _ => {}
        }
    }
    out.push(Block::Heading(1, "Appendix: the toolkit checklist".into()));
    let t = super::checklist::tally(l);
    let own = match l.questions.len() {
        0 => String::new(),
        1 => " (one of them the area's own)".into(),
        n => format!(" ({n} of them the area's own)"),
    };
    out.push(Block::Para(format!(
        "{} questions{own}: {} yes, {} partly, {} no, {} not answered.",
        t.items,
        t.yes,
        t.partly,
        t.no,
        t.unanswered()
    )));
    checklist_blocks(l, &mut out);
    out
}

/// Status and RAG labels for the review tables.
pub(crate) fn status_rag(s: Status, r: Rag) -> String {
    format!("{} ({})", s.label(), r.label())
}
