//! The board progress report: what moved between two dates — the figures at the census on
//! or before each, the actions completed, added, changed, red and overdue, and the risks new,
//! closed, worse and better.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use cws_analyse::Measure;
use cws_plan::actions::Status;
use cws_plan::review;
use cws_store::strategy as store;
use cws_store::{ActionId, RiskId};

use super::document::{self, Block};
use super::export::DocumentPage;
use super::{evidence, today, Frame, Here, Loaded, Opened, PageQuery};
use crate::{AppState, WebError};

/// The two dates a board report compares: given, or else from the next-to-last census held
/// (so the figures compare the last two censuses) to today; with fewer than two censuses,
/// the last quarter.
pub(crate) fn report_dates(
    l: &Loaded,
    q: &PageQuery,
    censuses: &[NaiveDate],
) -> Result<(NaiveDate, NaiveDate), String> {
    let parse = |s: &Option<String>, what: &str| -> Result<Option<NaiveDate>, String> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    format!("The {what} date must be YYYY-MM-DD, like 2026-06-30 (not '{v}').")
                }),
        }
    };
    let to = parse(&q.to, "second")?.unwrap_or_else(today);
    let held: Vec<NaiveDate> = censuses.iter().copied().filter(|d| *d <= to).collect();
    let from = parse(&q.from, "first")?.unwrap_or_else(|| match held.len() {
        n if n >= 2 => held[n - 2],
        _ => (to - chrono::Duration::days(91)).max(l.strategy.period_start),
    });
    if from > to {
        return Err(format!(
            "The first date ({from}) must not be after the second ({to})."
        ));
    }
    Ok((from, to))
}

/// The key figures and every objective's figure at the censuses `a` and `b`, as the viewer
/// may see them, with the direction of each move.
pub(crate) async fn figure_moves_between(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    a: NaiveDate,
    b: NaiveDate,
) -> Result<Vec<review::FigureMove>, WebError> {
    use Measure as M;
    let mut measures = vec![
        M::InpostFte,
        M::VacancyRateFte,
        M::TurnoverRateFte,
        M::AgencyRateFte,
        M::Age55Plus,
        M::Level3PlusNonGraduates,
    ];
    for o in &l.objectives {
        if let Some(m) = o
            .objective
            .measure
            .as_deref()
            .and_then(|m| Measure::parse(m).ok())
        {
            if !measures.contains(&m) {
                measures.push(m);
            }
        }
    }
    let before = evidence::figures_at(state, &h.place, a, &measures, h.protect).await?;
    let after = evidence::figures_at(state, &h.place, b, &measures, h.protect).await?;
    let inputs: Vec<review::FigureInput> = measures
        .iter()
        .enumerate()
        .map(|(i, m)| review::FigureInput {
            measure: m.code().into(),
            label: m.label().into(),
            before: before[i],
            after: after[i],
            target: l
                .objectives
                .iter()
                .find(|o| o.objective.measure.as_deref() == Some(m.code()))
                .and_then(|o| o.objective.target),
            lower_is_better: evidence::lower_is_better(*m),
        })
        .collect();
    Ok(review::figure_moves(&inputs))
}

/// The board progress report: what moved between the two dates.
pub(crate) async fn progress_blocks(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Block>, WebError> {
    let mut out = Vec::new();
    let fmt = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    out.push(Block::Note(format!(
        "{} · {} · what moved between {} and {}",
        h.area.name,
        l.strategy.title,
        fmt(from),
        fmt(to)
    )));
    // figures: the key rates and every objective's figure, at the census on or before each date
    let dates = evidence::census_dates(state).await?;
    out.push(Block::Heading(1, "Figures".into()));
    match (
        evidence::census_for(&dates, from),
        evidence::census_for(&dates, to),
    ) {
        (Some(a), Some(b)) => {
            let moves = figure_moves_between(state, h, l, a, b).await?;
            if a == b {
                out.push(Block::Note(format!("Both dates fall on the same census ({}), so the figures cannot have moved; a later census will show change.", fmt(a))));
            }
            out.push(Block::Table {
                caption: format!("Figures at the census of {} and of {}", fmt(a), fmt(b)),
                header: ["Figure", "Before", "After", "Change", "Direction"]
                    .map(String::from)
                    .to_vec(),
                rows: moves
                    .into_iter()
                    .map(|m| {
                        vec![
                            m.label,
                            document::num(m.before),
                            document::num(m.after),
                            m.change
                                .map(|c| format!("{c:+.1}"))
                                .unwrap_or_else(|| "–".into()),
                            match m.better {
                                Some(true) => "Better".into(),
                                Some(false) => "Worse".into(),
                                None => String::new(),
                            },
                        ]
                    })
                    .collect(),
            });
        }
        _ => out.push(Block::Para("There are no census figures yet.".into())),
    }
    // actions
    let updates: Vec<review::ActionUpdate> = store::action_updates(&state.db, l.strategy.id)
        .await?
        .into_iter()
        .map(|u| u.update)
        .collect();
    let r = review::compare_actions(&updates, from, to);
    let title = |id: i64| {
        l.actions
            .iter()
            .find(|a| a.id == ActionId(id))
            .map(|a| a.action.title.clone())
            .unwrap_or_else(|| format!("Action {id}"))
    };
    let state_on_to: HashMap<i64, review::ActionUpdate> = review::actions_on(&updates, to)
        .into_iter()
        .map(|u| (u.action_id, u))
        .collect();
    let overdue: Vec<String> = l
        .actions
        .iter()
        .filter(|a| {
            a.action.due < to
                && state_on_to
                    .get(&a.id.0)
                    .is_some_and(|s| s.status != Status::Done)
        })
        .map(|a| format!("{} (due {})", a.action.title, fmt(a.action.due)))
        .collect();
    out.push(Block::Heading(1, "Action plan".into()));
    out.push(Block::Para(format!(
        "{} completed, {} added, {} changed status or rating, {} red and {} overdue at {}.",
        r.completed.len(),
        r.added.len(),
        r.changed.len(),
        r.red.len(),
        overdue.len(),
        fmt(to)
    )));
    let list = |heading: &str, items: Vec<String>, out: &mut Vec<Block>| {
        if !items.is_empty() {
            out.push(Block::Heading(2, heading.into()));
            out.push(Block::Bullets(items));
        }
    };
    list(
        "Completed",
        r.completed.iter().map(|&i| title(i)).collect(),
        &mut out,
    );
    list(
        "Added",
        r.added.iter().map(|&i| title(i)).collect(),
        &mut out,
    );
    list(
        "Changed",
        r.changed
            .iter()
            .map(|m| {
                let before = m
                    .before
                    .map(|(s, g)| document::status_rag(s, g))
                    .unwrap_or_default();
                format!(
                    "{}: {} → {}",
                    title(m.action_id),
                    before,
                    document::status_rag(m.after.0, m.after.1)
                )
            })
            .collect(),
        &mut out,
    );
    list("Red", r.red.iter().map(|&i| title(i)).collect(), &mut out);
    list("Overdue", overdue, &mut out);
    // risks
    let risk_updates: Vec<review::RiskUpdate> = store::risk_updates(&state.db, l.strategy.id)
        .await?
        .into_iter()
        .map(|u| u.update)
        .collect();
    let rr = review::compare_risks(&risk_updates, from, to);
    let risk = |id: i64| {
        l.risks
            .iter()
            .find(|r| r.id == RiskId(id))
            .map(|r| r.risk.description.clone())
            .unwrap_or_else(|| format!("Risk {id}"))
    };
    out.push(Block::Heading(1, "Risks".into()));
    out.push(Block::Para(format!(
        "{} new, {} closed, {} worse and {} better.",
        rr.added.len(),
        rr.closed.len(),
        rr.worse.len(),
        rr.better.len()
    )));
    list(
        "Worse",
        rr.worse
            .iter()
            .map(|(i, a, b)| format!("{}: score {a} → {b}", risk(*i)))
            .collect(),
        &mut out,
    );
    list(
        "Better",
        rr.better
            .iter()
            .map(|(i, a, b)| format!("{}: score {a} → {b}", risk(*i)))
            .collect(),
        &mut out,
    );
    list("New", rr.added.iter().map(|&i| risk(i)).collect(), &mut out);
    list(
        "Closed",
        rr.closed.iter().map(|&i| risk(i)).collect(),
        &mut out,
    );
    Ok(out)
}

async fn render_progress(
    state: &AppState,
    h: &Here,
    l: &Loaded,
    q: &PageQuery,
) -> Result<String, WebError> {
    let mut f = Frame::new(h, &l.strategy, "progress", None);
    let censuses = evidence::census_dates(state).await?;
    let (blocks, dates) = match report_dates(l, q, &censuses) {
        Ok((from, to)) => (
            progress_blocks(state, h, l, from, to).await?,
            (from.to_string(), to.to_string()),
        ),
        Err(e) => {
            f.errors.push(e);
            (
                Vec::new(),
                (
                    q.from.clone().unwrap_or_default(),
                    q.to.clone().unwrap_or_default(),
                ),
            )
        }
    };
    let docx = format!(
        "{}/export/progress.docx?from={}&to={}",
        f.base(),
        dates.0,
        dates.1
    );
    Ok(DocumentPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        heading: "Board progress report".into(),
        blocks,
        dates: Some(dates),
        docx,
        f,
    }
    .render()?)
}

pub async fn page(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    Ok(Html(render_progress(&state, &h, &l, &q).await?))
}
