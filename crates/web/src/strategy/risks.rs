//! The risk register: each risk scored likelihood × impact, rated and placed on a heat map;
//! rescoring and closing are kept, dated, for the board report.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::Form;
use cws_plan::risks::{heat_map, on_scale, Risk};
use cws_store::strategy::{self as store, RiskRow};
use cws_store::RiskId;

use super::{
    document, no_such, refused, saved, saved_message, today, Frame, Here, Loaded, Opened, PageQuery,
};
use crate::forms::{ticked, Problems};
use crate::{AppState, WebError};

struct RiskView {
    row: RiskRow,
    score: u8,
    rating: &'static str,
}

/// A row of the heat map: the impact, then each likelihood's count and shade.
struct HeatRow {
    impact: u8,
    cells: Vec<(usize, &'static str)>,
}

#[derive(Template)]
#[template(path = "strategy/risks.html")]
struct RisksPage {
    attribution: &'static str,
    synthetic_banner: bool,
    f: Frame,
    risks: Vec<RiskView>,
    closed: Vec<RiskRow>,
    heat: Vec<HeatRow>,
}

fn heat_class(impact: usize, likelihood: usize) -> &'static str {
    match impact * likelihood {
        0..=4 => "heat-low",
        5..=9 => "heat-medium",
        10..=14 => "heat-high",
        _ => "heat-very-high",
    }
}

fn render(h: &Here, l: &Loaded, q: &PageQuery, errors: Vec<String>) -> Result<String, WebError> {
    let mut f = Frame::new(h, &l.strategy, "risks", saved_message(q.saved.as_deref()));
    f.errors = errors;
    let open = document::open_risks(l);
    let plan: Vec<Risk> = open.iter().map(|r| r.risk.clone()).collect();
    let grid = heat_map(&plan);
    let heat = (1..=5u8)
        .rev()
        .map(|impact| HeatRow {
            impact,
            cells: (1..=5)
                .map(|li| {
                    (
                        grid[impact as usize - 1][li - 1],
                        heat_class(impact as usize, li),
                    )
                })
                .collect(),
        })
        .collect();
    let risks = open
        .into_iter()
        .map(|r| RiskView {
            score: r.risk.score().unwrap_or(0),
            rating: r.risk.rating().map(|x| x.label()).unwrap_or("–"),
            row: r.clone(),
        })
        .collect();
    Ok(RisksPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: h.synthetic,
        f,
        risks,
        closed: l
            .risks
            .iter()
            .filter(|r| r.closed_on.is_some())
            .cloned()
            .collect(),
        heat,
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

/// A likelihood or impact as chosen, on the 1–5 scale.
fn scale(p: &mut Problems, value: &str, what: &'static str) -> u8 {
    match value.trim().parse::<i64>().map(|v| on_scale(what, v)) {
        Ok(Ok(v)) => v,
        _ => {
            p.push(format!("Choose the {what} from 1 to 5."));
            0
        }
    }
}

/// A new risk as typed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RiskForm {
    description: String,
    consequence: String,
    likelihood: String,
    impact: String,
    mitigation: String,
    owner: String,
}

impl TryFrom<&RiskForm> for Risk {
    type Error = Problems;

    fn try_from(f: &RiskForm) -> Result<Risk, Problems> {
        let mut p = Problems::default();
        let likelihood = scale(&mut p, &f.likelihood, "likelihood");
        let impact = scale(&mut p, &f.impact, "impact");
        let r = Risk {
            description: p.required(&f.description, "the risk"),
            consequence: f.consequence.trim().to_string(),
            mitigation: f.mitigation.trim().to_string(),
            owner: f.owner.trim().to_string(),
            likelihood,
            impact,
        };
        p.finish(r)
    }
}

pub async fn add(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Form(form): Form<RiskForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    match Risk::try_from(&form) {
        Ok(r) => {
            store::add_risk(&state.db, id, &r, today(), &h.by).await?;
            Ok(saved(&h, id, "risks", "risk"))
        }
        Err(p) => Ok(refused(render(&h, &l, &PageQuery::default(), p.into())?)),
    }
}

/// A risk rescored, its mitigation changed, perhaps closed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RescoreForm {
    likelihood: String,
    impact: String,
    mitigation: String,
    /// "yes" closes the risk.
    close: String,
}

struct Rescore {
    likelihood: u8,
    impact: u8,
    mitigation: String,
    close: bool,
}

impl TryFrom<&RescoreForm> for Rescore {
    type Error = Problems;

    fn try_from(f: &RescoreForm) -> Result<Rescore, Problems> {
        let mut p = Problems::default();
        let likelihood = scale(&mut p, &f.likelihood, "likelihood");
        let impact = scale(&mut p, &f.impact, "impact");
        p.finish(Rescore {
            likelihood,
            impact,
            mitigation: f.mitigation.trim().to_string(),
            close: ticked(&f.close),
        })
    }
}

pub async fn rescore(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Path((_, _, risk)): Path<(String, i64, RiskId)>,
    Form(form): Form<RescoreForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let r = match Rescore::try_from(&form) {
        Ok(r) => r,
        Err(p) => return Ok(refused(render(&h, &l, &PageQuery::default(), p.into())?)),
    };
    let changed = store::update_risk(
        &state.db,
        id,
        risk,
        i64::from(r.likelihood),
        i64::from(r.impact),
        &r.mitigation,
        r.close,
        today(),
        &h.by,
    )
    .await?;
    if !changed {
        return Err(no_such("risk"));
    }
    Ok(saved(&h, id, "risks", "risk"))
}
