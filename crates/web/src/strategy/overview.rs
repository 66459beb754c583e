//! The strategy's overview: how complete each section and each working part is.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use cws_plan::framework::Section;
use cws_plan::resources;
use cws_plan::swot::{Decision, Quadrant};

use super::objectives::tracking;
use super::{document, saved_message, today, Frame, Loaded, Opened, PageQuery, Tracking};
use crate::{AppState, WebError};

struct Check {
    label: String,
    done: bool,
    detail: String,
    link: String,
}

/// How complete the strategy is: each section and each working part.
fn completeness(l: &Loaded, tracking: &[Tracking], base: &str) -> Vec<Check> {
    let now = today();
    let mut out = Vec::new();
    for s in Section::ALL {
        let link = format!("{base}/sections/{}", s.code());
        let (done, detail) = match l.sections.get(s.code()) {
            Some(v) => (
                true,
                format!(
                    "Version {}, {} on {}",
                    v.version,
                    v.edited_by,
                    chrono::DateTime::parse_from_rfc3339(&v.edited_at)
                        .map(|t| t.format("%-d %B %Y").to_string())
                        .unwrap_or_else(|_| v.edited_at.clone())
                ),
            ),
            None => (false, "Not written yet".into()),
        };
        out.push(Check {
            label: s.heading().into(),
            done,
            detail,
            link,
        });
    }
    let smart = tracking.iter().filter(|t| t.smart).count();
    out.push(Check {
        label: "Objectives are SMART".into(),
        done: !l.objectives.is_empty() && smart == l.objectives.len(),
        detail: format!("{smart} of {} SMART", l.objectives.len()),
        link: format!("{base}/objectives"),
    });
    let unlinked = l
        .objectives
        .iter()
        .filter(|o| !l.actions.iter().any(|a| a.objective_id == Some(o.id)))
        .count();
    let overdue = l
        .actions
        .iter()
        .filter(|a| a.action.is_overdue(now))
        .count();
    out.push(Check {
        label: "Every objective has actions".into(),
        done: !l.actions.is_empty() && unlinked == 0,
        detail: format!(
            "{}; {} without one; {overdue} overdue",
            cws_domain::words::count(l.actions.len() as u64, "action"),
            cws_domain::words::count(unlinked as u64, "objective")
        ),
        link: format!("{base}/actions"),
    });
    let open = document::open_risks(l);
    let unowned = open
        .iter()
        .filter(|r| r.risk.owner.trim().is_empty() || r.risk.mitigation.trim().is_empty())
        .count();
    out.push(Check {
        label: "Risks have owners and mitigations".into(),
        done: !open.is_empty() && unowned == 0,
        detail: format!(
            "{} open risks; {unowned} without an owner or mitigation",
            open.len()
        ),
        link: format!("{base}/risks"),
    });
    let years = resources::year_totals(&super::resources::plan_lines(l));
    let planned_years = years.iter().filter(|y| y.total > 0.0).count();
    out.push(Check {
        label: "Resources and a three-year plan".into(),
        done: !l.budgets.is_empty() && planned_years == 3,
        detail: format!(
            "{} budget holders; {planned_years} of 3 years planned",
            l.budgets.len()
        ),
        link: format!("{base}/resources"),
    });
    let swot = Quadrant::ALL
        .iter()
        .filter(|q| {
            l.analysis
                .iter()
                .any(|a| a.kind.quadrant() == Some(**q) && a.decision != Decision::Rejected)
        })
        .count();
    out.push(Check {
        label: "SWOT analysis".into(),
        done: swot == 4,
        detail: format!("{swot} of 4 quadrants with entries"),
        link: format!("{base}/sections/current_position"),
    });
    let t = super::checklist::tally(l);
    out.push(Check {
        label: "Toolkit checklist answered with evidence".into(),
        done: t.unanswered() == 0 && t.without_evidence == 0,
        detail: format!(
            "{} of {} answered ({} yes, {} partly, {} no); {} without evidence",
            t.items - t.unanswered(),
            t.items,
            t.yes,
            t.partly,
            t.no,
            t.without_evidence
        ),
        link: format!("{base}/checklist"),
    });
    out
}

/// A figure as the summary shows it: its value at the last two censuses and its move.
struct FigureLine {
    label: String,
    before: String,
    after: String,
    change: String,
    /// "better", "worse" or "" (no direction, or nothing moved).
    direction: &'static str,
}

struct ObjectiveLine {
    statement: String,
    standing: String,
    /// A tag class and its word: on track, behind, reached, not tracked.
    tag: (&'static str, &'static str),
}

struct ActionLine {
    title: String,
    lead: String,
    due: String,
}

struct RiskLine {
    description: String,
    score: u8,
    owner: String,
}

/// What a board wants on one screen: the figures and their trend, the objectives' standing,
/// the actions by rating (the red ones named) and the largest risks.
struct BoardSummary {
    /// "at the censuses of 30 September 2024 and 30 September 2025", or why there is no trend.
    figures_when: String,
    figures: Vec<FigureLine>,
    objectives: Vec<ObjectiveLine>,
    red: usize,
    amber: usize,
    green: usize,
    red_actions: Vec<ActionLine>,
    risks: Vec<RiskLine>,
    open_risks: usize,
}

async fn board_summary(
    state: &AppState,
    h: &super::Here,
    l: &Loaded,
    tracking: &[Tracking],
) -> Result<BoardSummary, WebError> {
    let fmt = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
    let censuses = super::evidence::census_dates(state).await?;
    let (figures_when, figures) = match censuses.as_slice() {
        [] => (
            "No census is held yet: there are no figures.".to_string(),
            Vec::new(),
        ),
        [.., a, b] | [a @ b] => {
            let moves = super::progress::figure_moves_between(state, h, l, *a, *b).await?;
            let when = if a == b {
                format!(
                    "at the census of {} (the only one held: no trend yet)",
                    fmt(*b)
                )
            } else {
                format!("at the censuses of {} and {}", fmt(*a), fmt(*b))
            };
            let lines = moves
                .into_iter()
                .map(|m| FigureLine {
                    label: m.label,
                    before: super::document::num(m.before),
                    after: super::document::num(m.after),
                    change: m
                        .change
                        .map(|c| format!("{c:+.1}"))
                        .unwrap_or_else(|| "–".into()),
                    direction: match m.better {
                        Some(true) => "better",
                        Some(false) => "worse",
                        None => "",
                    },
                })
                .collect();
            (when, lines)
        }
    };
    let objectives = l
        .objectives
        .iter()
        .zip(tracking)
        .map(|(o, t)| {
            use cws_plan::smart::Standing;
            let tag = match t.standing {
                Standing::TargetReached => ("tag-green", "Reached"),
                Standing::Towards {
                    on_track: Some(true),
                    ..
                } => ("tag-green", "On track"),
                Standing::Towards {
                    on_track: Some(false),
                    ..
                }
                | Standing::WrongWay { .. } => ("tag-red", "Behind"),
                Standing::Towards { on_track: None, .. } => ("tag-amber", "Moving"),
                Standing::NoCensusSinceBaseline => ("tag-grey", "Too early to say"),
                Standing::NotTracked => ("tag-grey", "Not tracked"),
            };
            ObjectiveLine {
                statement: o.objective.statement.clone(),
                standing: t.progress_text(),
                tag,
            }
        })
        .collect();
    let now = today();
    let (mut red, mut amber, mut green) = (0, 0, 0);
    let mut red_actions = Vec::new();
    for a in &l.actions {
        match a.action.rag(now) {
            cws_plan::actions::Rag::Red => {
                red += 1;
                red_actions.push(ActionLine {
                    title: a.action.title.clone(),
                    lead: a.action.lead.clone(),
                    due: fmt(a.action.due),
                });
            }
            cws_plan::actions::Rag::Amber => amber += 1,
            cws_plan::actions::Rag::Green => green += 1,
        }
    }
    let open = super::document::open_risks(l);
    let mut risks: Vec<RiskLine> = open
        .iter()
        .map(|r| RiskLine {
            description: r.risk.description.clone(),
            score: r.risk.score().unwrap_or(0),
            owner: r.risk.owner.clone(),
        })
        .collect();
    risks.sort_by_key(|r| std::cmp::Reverse(r.score));
    risks.truncate(3);
    Ok(BoardSummary {
        figures_when,
        figures,
        objectives,
        red,
        amber,
        green,
        red_actions,
        risks,
        open_risks: open.len(),
    })
}

#[derive(Template)]
#[template(path = "strategy/overview.html")]
struct OverviewPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    checks: Vec<Check>,
    done_pct: usize,
    summary: BoardSummary,
}

pub async fn overview(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    let t = tracking(&state, &h, &l).await?;
    let f = Frame::new(
        &h,
        &l.strategy,
        "overview",
        saved_message(q.saved.as_deref()),
    );
    let checks = completeness(&l, &t, &f.base());
    let done_pct = checks.iter().filter(|c| c.done).count() * 100 / checks.len().max(1);
    let summary = board_summary(&state, &h, &l, &t).await?;
    Ok(Html(
        OverviewPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: h.synthetic,
            f,
            checks,
            done_pct,
            summary,
        }
        .render()?,
    ))
}
