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
                    &v.edited_at[..10.min(v.edited_at.len())]
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
            "{} actions; {unlinked} objectives without one; {overdue} overdue",
            l.actions.len()
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

#[derive(Template)]
#[template(path = "strategy/overview.html")]
struct OverviewPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    checks: Vec<Check>,
    done_pct: usize,
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
    Ok(Html(
        OverviewPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: h.synthetic,
            f,
            checks,
            done_pct,
        }
        .render()?,
    ))
}
