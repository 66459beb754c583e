//! Resources and pooling: each budget holder's spend and offer to the pool (very low offers
//! flagged), the funding streams the area draws on, and the staged three-year plan.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::Form;
use cws_plan::resources::{self, plan_amount, plan_year, Budget, Offer, PlanLine};
use cws_store::strategy::{self as store, BudgetRow, FundingStreamRow, PlanLineRow, Removable};

use super::{
    document, no_such, problems_of, refused, saved, saved_message, Formats, Frame, Here, Loaded,
    Opened, PageQuery,
};
use crate::forms::{ticked, Problems};
use crate::{AppState, WebError};
use cws_store::{BudgetId, FundingStreamId, PlanLineId, StrategyId};

/// The strategy's budgets, as the plan's rules read them.
pub(crate) fn plan_budgets(l: &Loaded) -> Vec<Budget> {
    l.budgets.iter().map(|b| b.budget.clone()).collect()
}

/// The strategy's three-year plan, as the plan's rules read it.
pub(crate) fn plan_lines(l: &Loaded) -> Vec<PlanLine> {
    l.lines.iter().map(|p| p.line.clone()).collect()
}

struct BudgetView {
    row: BudgetRow,
    pct: String,
    flag: &'static str,
}

/// All budget holders together: spend, offer and the share offered.
#[derive(Default)]
struct PoolTotals {
    spend: String,
    offer: String,
    share: String,
}

/// A year of the plan: its number, total and pooled share.
struct YearView {
    year: u8,
    total: String,
    pooled: String,
}

#[derive(Template)]
#[template(path = "strategy/resources.html")]
struct ResourcesPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    budgets: Vec<BudgetView>,
    totals: PoolTotals,
    streams: Vec<FundingStreamRow>,
    editing_stream: Option<FundingStreamRow>,
    /// The stream form's fields: name, label and value.
    stream_fields: Vec<(&'static str, &'static str, String)>,
    /// The id of the stream being changed (0 when adding one).
    stream_id: FundingStreamId,
    /// The stream being changed has closed.
    stream_closed: bool,
    lines: Vec<PlanLineRow>,
    years: Vec<YearView>,
    setbacks: Vec<u8>,
}

impl Formats for ResourcesPage {}

fn pct(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.0}%")).unwrap_or_else(|| "–".into())
}

fn render(h: &Here, l: &Loaded, q: &PageQuery, errors: Vec<String>) -> Result<String, WebError> {
    let mut f = Frame::new(
        h,
        &l.strategy,
        "resources",
        saved_message(q.saved.as_deref()),
    );
    f.errors = errors;
    let budgets = plan_budgets(l);
    let views = l
        .budgets
        .iter()
        .zip(&budgets)
        .map(|(row, b)| BudgetView {
            row: row.clone(),
            pct: pct(b.offer_pct()),
            flag: match b.offer() {
                Some(Offer::VeryLow) => "Very low offer",
                Some(Offer::Strong) => "Strong commitment",
                _ => "",
            },
        })
        .collect();
    let (spend, offer, share) = resources::pool_totals(&budgets);
    let totals = resources::year_totals(&plan_lines(l));
    let editing_stream = q.edit.and_then(|id| {
        l.streams
            .iter()
            .find(|s| s.id == FundingStreamId(id))
            .cloned()
    });
    let sf = editing_stream.clone().unwrap_or_else(|| FundingStreamRow {
        id: FundingStreamId(0),
        title: String::new(),
        provider: String::new(),
        purpose: String::new(),
        target_groups: String::new(),
        link: String::new(),
        comments: String::new(),
        closed: false,
    });
    Ok(ResourcesPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        budgets: views,
        totals: PoolTotals {
            spend: document::money(spend),
            offer: document::money(offer),
            share: pct(share),
        },
        streams: l.streams.clone(),
        stream_id: sf.id,
        stream_closed: sf.closed,
        stream_fields: vec![
            ("title", "Stream", sf.title),
            ("provider", "Provided by", sf.provider),
            ("purpose", "Purpose", sf.purpose),
            ("target_groups", "Target groups", sf.target_groups),
            ("link", "Where to find out more", sf.link),
            ("comments", "Comments", sf.comments),
        ],
        editing_stream,
        lines: l.lines.clone(),
        years: totals
            .iter()
            .map(|t| YearView {
                year: t.year,
                total: document::money(t.total),
                pooled: pct(t.pooled_pct()),
            })
            .collect(),
        setbacks: resources::staging_setbacks(&totals),
    }
    .render()?)
}

pub async fn page(
    State(_state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    Ok(Html(render(&h, &l, &q, Vec::new())?))
}

/// Stores a change made from a form, or shows the page again with every problem.
async fn change<T>(
    state: &AppState,
    Opened { here: h, loaded: l }: Opened,
    value: Result<T, Problems>,
    store_it: impl AsyncFnOnce(&AppState, StrategyId, T) -> Result<(), WebError>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let errors = match value {
        Err(p) => p.into(),
        Ok(v) => problems_of(store_it(state, id, v).await)?,
    };
    if errors.is_empty() {
        return Ok(saved(&h, id, "resources", "resources"));
    }
    Ok(refused(render(&h, &l, &PageQuery::default(), errors)?))
}

/// A budget holder's figures as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct BudgetForm {
    holder: String,
    spend: String,
    pool_offer: String,
}

impl TryFrom<&BudgetForm> for Budget {
    type Error = Problems;

    fn try_from(f: &BudgetForm) -> Result<Budget, Problems> {
        let mut p = Problems::default();
        let b = Budget {
            holder: p.required(&f.holder, "the budget holder"),
            spend: p.number(&f.spend, "The spend").unwrap_or(0.0),
            pool_offer: p
                .number(&f.pool_offer, "The offer to the pool")
                .unwrap_or(0.0),
        };
        if p.is_empty() {
            if let Some(m) = b.check() {
                p.push(m);
            }
        }
        p.finish(b)
    }
}

pub async fn add_budget(
    State(state): State<AppState>,
    opened: Opened,
    Form(form): Form<BudgetForm>,
) -> Result<Response, WebError> {
    let value = Budget::try_from(&form);
    change(&state, opened, value, async |s, sid, b: Budget| {
        store::add_budget(&s.db, sid, &b).await?;
        Ok(())
    })
    .await
}

/// A line of the three-year plan as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LineForm {
    year: String,
    item: String,
    amount: String,
    source: String,
    pooled: String,
}

impl TryFrom<&LineForm> for PlanLine {
    type Error = Problems;

    fn try_from(f: &LineForm) -> Result<PlanLine, Problems> {
        let mut p = Problems::default();
        let year = match f.year.trim().parse::<i64>().map(plan_year) {
            Ok(Ok(y)) => y,
            Ok(Err(e)) => {
                p.push(e.to_string());
                0
            }
            Err(_) => {
                p.push(resources::PlanLineError::Year(0).to_string());
                0
            }
        };
        let item = p.required(&f.item, "what the money is for");
        let amount = p.number(&f.amount, "The amount").unwrap_or(0.0);
        if let Err(e) = plan_amount(amount) {
            p.push(e.to_string());
        }
        p.finish(PlanLine {
            year,
            item,
            amount,
            source: f.source.trim().to_string(),
            pooled: ticked(&f.pooled),
        })
    }
}

pub async fn add_line(
    State(state): State<AppState>,
    opened: Opened,
    Form(form): Form<LineForm>,
) -> Result<Response, WebError> {
    let value = PlanLine::try_from(&form);
    change(&state, opened, value, async |s, sid, l: PlanLine| {
        store::add_plan_line(&s.db, sid, &l).await?;
        Ok(())
    })
    .await
}

/// A funding stream as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StreamForm {
    title: String,
    provider: String,
    purpose: String,
    target_groups: String,
    link: String,
    comments: String,
    /// "yes" when the stream has closed.
    closed: String,
}

impl TryFrom<&StreamForm> for FundingStreamRow {
    type Error = Problems;

    fn try_from(f: &StreamForm) -> Result<FundingStreamRow, Problems> {
        let mut p = Problems::default();
        let s = FundingStreamRow {
            id: FundingStreamId(0),
            title: p.required(&f.title, "the funding stream's name"),
            provider: f.provider.trim().into(),
            purpose: f.purpose.trim().into(),
            target_groups: f.target_groups.trim().into(),
            link: f.link.trim().into(),
            comments: f.comments.trim().into(),
            closed: crate::forms::ticked(&f.closed),
        };
        p.finish(s)
    }
}

pub async fn add_stream(
    State(state): State<AppState>,
    opened: Opened,
    Form(form): Form<StreamForm>,
) -> Result<Response, WebError> {
    let value = FundingStreamRow::try_from(&form);
    change(&state, opened, value, async |s, sid, row| {
        store::add_funding_stream(&s.db, sid, &row).await?;
        Ok(())
    })
    .await
}

pub async fn update_stream(
    State(state): State<AppState>,
    opened: Opened,
    Path((_, _, stream)): Path<(String, i64, FundingStreamId)>,
    Form(form): Form<StreamForm>,
) -> Result<Response, WebError> {
    let value = FundingStreamRow::try_from(&form);
    change(&state, opened, value, async |s, sid, row| {
        let row = FundingStreamRow { id: stream, ..row };
        if !store::update_funding_stream(&s.db, sid, &row).await? {
            return Err(no_such("funding stream"));
        }
        Ok(())
    })
    .await
}

/// The parts of the resources an entry can be removed from, as named in the path.
/// The entry `id` of the part of the resources named in the address.
fn removable(part: &str, id: i64) -> Result<Removable, WebError> {
    match part {
        "budgets" => Ok(Removable::Budget(BudgetId(id))),
        "streams" => Ok(Removable::FundingStream(FundingStreamId(id))),
        "lines" => Ok(Removable::PlanLine(PlanLineId(id))),
        _ => Err(WebError::NotFound(format!(
            "There is nothing called '{part}' to remove from."
        ))),
    }
}

/// Removes a budget, a funding stream or a line of the plan.
pub async fn remove(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, part, entry)): Path<(String, i64, String, i64)>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    if !store::remove(&state.db, id, removable(&part, entry)?).await? {
        return Err(no_such("entry"));
    }
    Ok(saved(&h, id, "resources", "removed"))
}
