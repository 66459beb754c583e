//! The projection a strategy shows (docs/definitions.md §7): chosen by the area's lead — as
//! now, or one of the area's kept scenarios, copied when chosen — and drawn where the board
//! reads it: the supply and need fan in the current position (where the workforce is going
//! if this holds), the gap in the objectives (what the objectives must close), in the pages
//! and in the Word document, with the same figures as the projection page it links to.

use axum::extract::State;
use axum::response::Response;
use axum::Form;
use cws_analyse::projected::{Line, Projected};
use cws_project::Levers;
use cws_store::projection::{self as store, StrategyProjection};

use super::{problems_of, refused, saved, Here, Loaded, Opened, PageQuery};
use crate::projection::charts::{self, Chart};
use crate::{AppState, WebError};

/// What a strategy shows of its projection.
pub(crate) struct Shown {
    /// The scenario's name as chosen, and its levers in words.
    pub name: String,
    pub changes: String,
    /// The projection page with the same figures.
    pub link: String,
    /// The projection, or why there is none (no returns yet, say).
    pub projected: Result<Shape, String>,
}

/// A projection as a strategy draws it.
pub(crate) struct Shape {
    pub census_year: i32,
    pub horizon: i32,
    pub supply: Chart,
    pub gap: Option<Chart>,
    /// All role groups by year: year, supply P50, P10 to P90, need, gap P50, gap as % of need.
    pub years: Vec<[String; 6]>,
    pub rests_on: String,
}

impl Shown {
    /// What the charts stand on, under their titles in a file or document.
    pub fn subtitle(&self) -> String {
        match &self.projected {
            Ok(s) => format!(
                "Projected from the census of {} to {} under “{}” ({}), 1,000 runs, seed 1",
                s.census_year, s.horizon, self.name, self.changes
            ),
            Err(_) => String::new(),
        }
    }
}

fn shape(p: &Projected, place: &str) -> Shape {
    let fte = |v: Option<f64>| v.map_or("c".to_string(), |v| format!("{v:.1}"));
    let known = |v: Option<f64>| v.map_or("not known".to_string(), |v| format!("{v:.1}"));
    let years = p
        .lines
        .iter()
        .filter(|l| l.is_total())
        .map(|l: &Line| {
            [
                l.year.to_string(),
                fte(l.p50),
                match (l.p10, l.p90) {
                    (Some(a), Some(b)) => format!("{a:.1} to {b:.1}"),
                    _ => "c".into(),
                },
                known(l.demand_fte),
                known(l.gap_p50),
                l.gap_pct_p50
                    .map_or("not known".into(), |v| format!("{v:.1}%")),
            ]
        })
        .collect();
    Shape {
        census_year: p.census_year,
        horizon: p.horizon,
        supply: charts::supply(p, place),
        gap: charts::gap(p, place),
        years,
        rests_on: if p.areas_with_returns == 0 {
            format!("{place} has no returns: the projection rests on DfE's published social-work figures only.")
        } else {
            format!("Rests on {place}'s returns.")
        },
    }
}

/// The strategy's projection, made now; `None` when the strategy shows none.
pub(crate) async fn shown(
    state: &AppState,
    h: &Here,
    l: &Loaded,
) -> Result<Option<Shown>, WebError> {
    let Some(chosen) = store::strategy_projection(&state.db, l.strategy.id).await? else {
        return Ok(None);
    };
    let (projected, link) =
        crate::projection::under(state, &h.place, &chosen.levers, h.protect).await?;
    Ok(Some(Shown {
        changes: crate::projection::changes(&chosen.levers),
        name: chosen.name,
        link,
        projected: projected.map(|p| shape(&p, &h.area.name)),
    }))
}

/// What can be chosen: not shown, as now, or a kept scenario — (value, label, selected).
pub(crate) async fn choices(
    state: &AppState,
    h: &Here,
    l: &Loaded,
) -> Result<Vec<(String, String, bool)>, WebError> {
    let chosen: Option<StrategyProjection> =
        store::strategy_projection(&state.db, l.strategy.id).await?;
    let kept = store::scenarios(&state.db, h.area.id).await?;
    let is = |name: &str, levers: &Levers| {
        chosen
            .as_ref()
            .is_some_and(|c| c.name == name && c.levers == *levers)
    };
    let mut out = vec![
        ("".into(), "Not shown".into(), chosen.is_none()),
        (
            "as-now".into(),
            "As now (no levers changed)".into(),
            is("As now", &Levers::default()),
        ),
    ];
    out.extend(kept.into_iter().map(|k| {
        let selected = is(&k.name, &k.levers);
        (format!("scenario-{}", k.id.0), k.name, selected)
    }));
    // a choice whose kept scenario has since changed or gone is still the strategy's
    if let Some(c) = &chosen {
        if !out.iter().any(|o| o.2) {
            out.push((
                "held".into(),
                format!(
                    "{} (as chosen on {})",
                    c.name,
                    c.chosen_at.get(..10).unwrap_or(&c.chosen_at)
                ),
                true,
            ));
        }
    }
    Ok(out)
}

/// The choice as posted.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ChoiceForm {
    show: String,
}

/// Shows the projection as now or under a kept scenario in the strategy, or stops showing it.
pub async fn choose(
    State(state): State<AppState>,
    Opened { here: h, loaded: l }: Opened,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, WebError> {
    let id = l.strategy.id;
    let show = form.show.trim();
    let result = match show {
        "" => store::hide_projection_in_strategy(&state.db, id)
            .await
            .map_err(WebError::from),
        // what is held stays as it is
        "held" => Ok(()),
        "as-now" => {
            store::show_projection_in_strategy(&state.db, id, "As now", &Levers::default(), &h.by)
                .await
                .map_err(WebError::from)
        }
        other => {
            let kept = store::scenarios(&state.db, h.area.id).await?;
            match other
                .strip_prefix("scenario-")
                .and_then(|n| n.parse::<i64>().ok())
                .and_then(|n| kept.into_iter().find(|k| k.id.0 == n))
            {
                Some(k) => {
                    store::show_projection_in_strategy(&state.db, id, &k.name, &k.levers, &h.by)
                        .await
                        .map_err(WebError::from)
                }
                None => Err(WebError::Store(cws_store::StoreError::Refused(format!(
                    "there is no kept scenario '{other}' for {}: choose one from the list, or keep the scenario on the projection page first",
                    h.area.name
                )))),
            }
        }
    };
    let problems = problems_of(result)?;
    if problems.is_empty() {
        Ok(saved(&h, id, "objectives", "projection"))
    } else {
        let page =
            super::objectives::render(&state, &h, &l, &PageQuery::default(), problems).await?;
        Ok(refused(page))
    }
}
