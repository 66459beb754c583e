//! The strategy's evidence from the figures: the live charts of the "current position" and
//! "workforce data" sections, the SWOT proposals, objectives tracked over census dates and
//! the figures on two dates for the board report.

use std::sync::Arc;

use chrono::NaiveDate;
use cws_analyse::figures::{compute, Dimension, Options};
use cws_analyse::{Measure, Sums};
use cws_domain::role::RoleGroup;
use cws_plan::framework::Section;
use cws_plan::swot::{Coverage, Evidence, GroupRates, Representation};

use cws_analyse::panels::{cut, Computed};

use crate::dashboards::{panels, Panel, Place, Topic};
use crate::{AppState, WebError};

/// Which of a topic's panels a live section shows.
#[derive(Debug, Clone, Copy)]
enum Pick {
    First,
    Id(&'static str),
}

/// The dashboards' panels a live section shows: (topic, which panel).
fn live_topics(section: Section) -> &'static [(Topic, Pick)] {
    match section {
        // the key figures, and the social workers beside DfE's published figures
        Section::CurrentPosition => &[
            (Topic::Overview, Pick::Id("key-figures")),
            (Topic::Overview, Pick::Id("social-work")),
        ],
        Section::WorkforceData => &[
            (Topic::Composition, Pick::First),
            (Topic::Recruitment, Pick::First),
            (Topic::Age, Pick::First),
            (Topic::Diversity, Pick::First),
            (Topic::Qualifications, Pick::First),
            (Topic::Coverage, Pick::First),
        ],
        _ => &[],
    }
}

pub(crate) fn is_live(section: Section) -> bool {
    !live_topics(section).is_empty()
}

/// Panels held from the dashboards' cache (computed once per change of the figures).
/// A topic's cached panels and which of them is shown.
type HeldPanel = (Arc<Computed>, Pick);

pub(crate) struct LivePanels {
    held: Vec<HeldPanel>,
}

impl LivePanels {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Panel> {
        self.held.iter().filter_map(|(p, pick)| match pick {
            Pick::First => p.panels.first(),
            Pick::Id(id) => p.panels.iter().find(|panel| panel.id == *id),
        })
    }

    pub(crate) fn census(&self) -> Option<&str> {
        self.held.first().map(|(p, _)| p.census.as_str())
    }
}

/// A section's live panels; empty when the section has none or there are no figures yet.
pub(crate) async fn live(
    state: &AppState,
    place: &Place,
    protect: bool,
    section: Section,
) -> Result<LivePanels, WebError> {
    let mut held = Vec::new();
    for &(topic, pick) in live_topics(section) {
        match panels(state, place, topic, protect, Default::default()).await {
            Ok(p) => held.push((p, pick)),
            // no collection yet: the section says so instead of failing
            Err(WebError::NotFound(_)) => return Ok(LivePanels { held: Vec::new() }),
            Err(e) => return Err(e),
        }
    }
    Ok(LivePanels { held })
}

fn whole(
    snap: &cws_analyse::Snapshot,
    scope: &cws_analyse::figures::Scope,
    opts: &Options,
) -> Option<Sums> {
    let groups = compute(snap, scope, &[], opts).ok()?;
    let mut sums = Sums::default();
    for g in &groups {
        sums.add(&g.sums);
    }
    Some(sums)
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// What the SWOT proposals are drawn from, for an area at the latest census; `None` before
/// any collection. Unprotected: only the area's own lead sees proposals.
/// The local authority's children and family social workers beside England's, like for
/// like with DfE's census: England counted area by area, by returns where cws holds them and
/// by DfE's published figures for the census year elsewhere, so the comparison stands before
/// other areas return. `None` without own returns, or when England so counted still rests on
/// too few areas.
fn social_work_beside_england(
    snap: &cws_analyse::Snapshot,
    code: &str,
    opts: &Options,
    settings: &cws_analyse::figures::Settings,
) -> Result<Option<GroupRates>, WebError> {
    use cws_analyse::compare::{Focus, Inputs};
    let inputs = Inputs::new(
        snap,
        opts,
        Focus::SocialWork,
        cws_analyse::published::embedded()?,
    )?;
    let Some(own) = inputs.returns.get(code) else {
        return Ok(None);
    };
    let Some(england) = inputs
        .scope_rows(&cws_analyse::figures::Scope::Nation)
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let covered = (england.by_returns + england.by_published) as f64 / england.areas.max(1) as f64;
    if covered < settings.min_aggregate_coverage {
        return Ok(None);
    }
    let params = &opts.params;
    let rate = |m: Measure, s: &Sums| m.value(s, params);
    let shown = |m: Measure| england.value(m, params).value();
    Ok(Some(GroupRates {
        key: slug(RoleGroup::SocialWorkers.label()),
        label: RoleGroup::SocialWorkers.label().to_string(),
        fte: own.inpost_fte,
        vacancy_rate: rate(Measure::VacancyRateFte, own),
        turnover_rate: rate(Measure::TurnoverRateFte, own),
        england_vacancy_rate: shown(Measure::VacancyRateFte),
        england_turnover_rate: shown(Measure::TurnoverRateFte),
        england_basis: Some(format!(
            "from returns for {} and DfE's published figures for {} of its {} areas",
            england.by_returns, england.by_published, england.areas
        )),
    }))
}

pub(crate) async fn swot_evidence(
    state: &AppState,
    place: &Place,
) -> Result<Option<Evidence>, WebError> {
    let Place::Area { code, .. } = place else {
        return Ok(None);
    };
    let Ok(snapshot) = state.figures.snapshot(&state.db, None).await else {
        return Ok(None);
    };
    let community = cws_store::community::community(
        &state.db,
        cws_store::community::RESIDENTS,
        code,
        std::slice::from_ref(code),
    )
    .await?;
    let coverage = match cws_store::returns::collection(&state.db, None).await? {
        Some(c) => cws_store::returns::coverage_counts(&state.db, c.id).await?,
        None => Vec::new(),
    };
    let snap = snapshot.read()?;
    let Some(census) = snap.census else {
        return Ok(None);
    };
    let opts = state.options(census);
    let params = &opts.params;
    let mut e = Evidence {
        census: census.format("%-d %B %Y").to_string(),
        ..Evidence::default()
    };
    let rates = cut(
        &snap,
        place,
        &[Dimension::RoleGroup],
        &[
            Measure::InpostFte,
            Measure::VacancyRateFte,
            Measure::TurnoverRateFte,
        ],
        &opts,
        false,
        String::new(),
    )?;
    // England's role groups, like for like, only when England's figures rest on enough
    // areas: with one area's returns, "England" would be the area itself
    let england = cws_analyse::figures::Scope::Nation;
    let england_rates: std::collections::HashMap<String, (Option<f64>, Option<f64>)> =
        match cws_analyse::figures::coverage(&snap, &england) {
            Ok(c) if c.share() >= state.settings.min_aggregate_coverage => cut(
                &snap,
                &Place::England,
                &[Dimension::RoleGroup],
                &[Measure::VacancyRateFte, Measure::TurnoverRateFte],
                &opts,
                true,
                String::new(),
            )?
            .rows
            .into_iter()
            .map(|r| {
                (
                    r.labels.join(" · "),
                    (r.values[0].value(), r.values[1].value()),
                )
            })
            .collect(),
            _ => Default::default(),
        };
    let social_work = social_work_beside_england(&snap, code, &opts, &state.settings)?;
    for r in rates
        .rows
        .iter()
        .filter(|r| !r.labels.iter().any(|l| l == "Total"))
    {
        let label = r.labels.join(" · ");
        let (england_vacancy_rate, england_turnover_rate) =
            england_rates.get(&label).copied().unwrap_or((None, None));
        let mut group = GroupRates {
            key: slug(&label),
            fte: r.values[0].value().unwrap_or(0.0),
            vacancy_rate: r.values[1].value(),
            turnover_rate: r.values[2].value(),
            england_vacancy_rate,
            england_turnover_rate,
            england_basis: None,
            label,
        };
        if group.label == RoleGroup::SocialWorkers.label() && england_vacancy_rate.is_none() {
            if let Some(sw) = &social_work {
                group = GroupRates {
                    label: format!("{} of the local authority", group.label),
                    ..sw.clone()
                };
            }
        }
        e.role_groups.push(group);
    }
    if let Some(s) = whole(&snap, &place.scope(), &opts) {
        e.age_55_plus_pct = Measure::Age55Plus.value(&s, params);
        e.agency_rate = Measure::AgencyRateFte.value(&s, params);
        e.level3_pct = Measure::Level3PlusNonGraduates.value(&s, params);
        e.below_level3 =
            (s.non_graduates > 0.0).then_some(s.non_graduates - s.level3_plus_non_graduates);
        if let Some(counts) = community {
            let c = cws_analyse::diversity::Community::from_categories(
                "usual residents, Census 2021",
                &counts.source,
                &counts.by_category,
            );
            for r in cws_analyse::diversity::representation(&s, &c) {
                if let (Some(w), Some(c)) = (r.workforce_pct, r.community_pct) {
                    e.representation.push(Representation {
                        group: r.group.label().to_string(),
                        workforce_pct: w,
                        community_pct: c,
                    });
                }
            }
        }
    }
    let mut by: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for c in coverage.iter().filter(|c| &c.area_code == code) {
        let entry = by.entry(c.sector.label().to_string()).or_default();
        entry.0 += c.organisations as u32;
        entry.1 += c.returned as u32;
    }
    e.coverage = by
        .into_iter()
        .map(|(label, (expected, returned))| Coverage {
            key: slug(&label),
            label,
            expected,
            returned,
        })
        .collect();
    Ok(Some(e))
}

/// Census dates held, oldest first.
pub(crate) async fn census_dates(state: &AppState) -> Result<Vec<NaiveDate>, WebError> {
    let mut d: Vec<NaiveDate> = cws_store::returns::collections(&state.db)
        .await?
        .into_iter()
        .map(|c| c.census_date)
        .collect();
    d.sort();
    Ok(d)
}

/// Figures of the place at a census date, as shown to this viewer (protected outside the
/// area): `None` for a figure that is suppressed or not applicable.
pub(crate) async fn figures_at(
    state: &AppState,
    place: &Place,
    census: NaiveDate,
    measures: &[Measure],
    protect: bool,
) -> Result<Vec<Option<f64>>, WebError> {
    let snapshot = state.figures.snapshot(&state.db, Some(census)).await?;
    let snap = snapshot.read()?;
    let opts = state.options(census);
    let t = cut(&snap, place, &[], measures, &opts, protect, String::new())?;
    Ok(t.rows
        .first()
        .map(|r| r.values.iter().map(|v| v.value()).collect())
        .unwrap_or_else(|| vec![None; measures.len()]))
}

/// One figure of the place at a census date, over its whole workforce or among one part of
/// it (the part's row of a table by its dimension), as shown to this viewer.
pub(crate) async fn scoped_figure_at(
    state: &AppState,
    place: &Place,
    census: NaiveDate,
    scoped: &cws_analyse::scoped::Scoped,
    protect: bool,
) -> Result<Option<f64>, WebError> {
    let Some(within) = scoped.within else {
        let v = figures_at(state, place, census, &[scoped.measure], protect).await?;
        return Ok(v.first().copied().flatten());
    };
    let snapshot = state.figures.snapshot(&state.db, Some(census)).await?;
    let snap = snapshot.read()?;
    let opts = state.options(census);
    let t = cut(
        &snap,
        place,
        &[within.dimension()],
        &[scoped.measure],
        &opts,
        protect,
        String::new(),
    )?;
    Ok(t.rows
        .iter()
        .find(|r| r.labels.first().is_some_and(|l| l == within.label()))
        .and_then(|r| r.values.first().and_then(|v| v.value())))
}

/// The census date a figure "on" a date comes from: the latest on or before it (or the
/// first held when the date is before them all).
pub(crate) fn census_for(dates: &[NaiveDate], on: NaiveDate) -> Option<NaiveDate> {
    dates
        .iter()
        .rev()
        .find(|d| **d <= on)
        .or(dates.first())
        .copied()
}

/// Whether lower is better for a figure, when its nature says so.
pub(crate) fn lower_is_better(m: Measure) -> Option<bool> {
    use Measure as M;
    match m {
        M::VacancyRateFte
        | M::VacancyFte
        | M::TurnoverRateFte
        | M::TurnoverRateHeadcount
        | M::AgencyRateFte
        | M::AgencyRateHeadcount
        | M::AgencyFte
        | M::AbsenceRateFte
        | M::CaseloadFte
        | M::Age55Plus
        | M::ReachingRetirement => Some(true),
        M::InpostFte
        | M::InpostHeadcount
        | M::Level3PlusNonGraduates
        | M::Graduates
        | M::CommonCore
        | M::Induction
        | M::VettingInDate
        | M::CafTrained
        | M::MultiAgency => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_takes_the_latest_census_on_or_before_it() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let dates = [d(2024, 9, 30), d(2025, 9, 30)];
        assert_eq!(census_for(&dates, d(2025, 12, 1)), Some(d(2025, 9, 30)));
        assert_eq!(census_for(&dates, d(2025, 9, 29)), Some(d(2024, 9, 30)));
        assert_eq!(census_for(&dates, d(2020, 1, 1)), Some(d(2024, 9, 30)));
        assert_eq!(census_for(&[], d(2020, 1, 1)), None);
    }
}
