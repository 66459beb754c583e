//! Dashboards: the workforce held in cws for an area, a region or England, by topic —
//! overview, composition, recruitment and retention, age and retirement, diversity against
//! the community, qualifications — each panel a chart (SVG, with title and description), the
//! table behind it, and downloads of both (SVG, CSV, XLSX).
//!
//! Figures come from the warm snapshot. Disclosure control applies to everything shown
//! outside the owning area: regions, England, and an area seen by regional or national users.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use cws_analyse::cube::Cube;
use cws_analyse::disclosure::{self, Policy, Shown};
use cws_analyse::export::{Table, TableRow};
use cws_analyse::figures::{compute, Dimension, FiguresError, Options, Scope};
use cws_analyse::load::LoadError;
use cws_analyse::measure::Measure;
use cws_domain::user::Scope as UserScope;
use cws_store::geography;

use crate::access::Viewer;
use crate::{AppState, WebError};
use cws_documents::chart::{bar_chart, bar_legend, trim_number};

/// What a dashboard is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    Overview,
    Composition,
    Recruitment,
    Age,
    Diversity,
    Qualifications,
    Coverage,
}

impl Topic {
    pub const ALL: [Topic; 7] = [
        Topic::Overview,
        Topic::Composition,
        Topic::Recruitment,
        Topic::Age,
        Topic::Diversity,
        Topic::Qualifications,
        Topic::Coverage,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Topic::Overview => "overview",
            Topic::Composition => "composition",
            Topic::Recruitment => "recruitment",
            Topic::Age => "age",
            Topic::Diversity => "diversity",
            Topic::Qualifications => "qualifications",
            Topic::Coverage => "coverage",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Topic::Overview => "Overview",
            Topic::Composition => "Composition",
            Topic::Recruitment => "Recruitment and retention",
            Topic::Age => "Age and retirement",
            Topic::Diversity => "Diversity",
            Topic::Qualifications => "Qualifications and training",
            Topic::Coverage => "Returns coverage",
        }
    }
    fn intro(self) -> &'static str {
        match self {
            Topic::Overview => "The whole children's workforce held in cws: people, FTE and the key rates, beside the statistical neighbours, the region and England. Other areas' figures are protected.",
            Topic::Composition => "Who the workforce is: by sector, service, setting, role group, contract and core or wider workforce.",
            Topic::Recruitment => "Where it is hard to recruit and keep staff: vacancies, turnover, agency use, starters and leavers in the year to the census date.",
            Topic::Age => "How much of the workforce is near retirement: age bands, the share aged 55 or over, and the share reaching 65 within ten years.",
            Topic::Diversity => "Whether the workforce reflects the community it serves: ethnic groups against Census 2021 residents, sex and disability.",
            Topic::Qualifications => "Progress to the 2020 vision: graduates, Level 3 or above among non-graduates, Common Core, induction and in-date vetting.",
            Topic::Coverage => "How much of the workforce the figures cover: organisations registered and those with an accepted return for the census.",
        }
    }
    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.slug() == s)
    }
}

/// Where a dashboard is for.
#[derive(Debug, Clone)]
pub enum Place {
    Area {
        code: String,
        name: String,
        region_code: String,
        region_name: String,
    },
    Region {
        code: String,
        name: String,
    },
    England,
}

impl Place {
    pub(crate) fn scope(&self) -> Scope {
        match self {
            Place::Area { code, .. } => Scope::Area(code.clone()),
            Place::Region { code, .. } => Scope::Region(code.clone()),
            Place::England => Scope::Nation,
        }
    }
    pub(crate) fn name(&self) -> &str {
        match self {
            Place::Area { name, .. } | Place::Region { name, .. } => name,
            Place::England => "England",
        }
    }
    /// The path its dashboards live under.
    fn base(&self) -> String {
        match self {
            Place::Area { code, .. } => format!("/areas/{code}/dashboard"),
            Place::Region { code, .. } => format!("/regions/{code}/dashboard"),
            Place::England => "/england/dashboard".into(),
        }
    }
}

/// Panels computed for a snapshot generation, by place, topic and protection: figures change
/// only when a return is accepted (which changes the generation), so a dashboard is computed
/// once per change rather than once per view.
#[derive(Clone)]
pub struct PanelCache {
    #[allow(clippy::type_complexity)]
    held: std::sync::Arc<
        std::sync::Mutex<
            std::collections::HashMap<(String, Topic, bool), (u64, Arc<(Vec<Panel>, String)>)>,
        >,
    >,
    /// Computations running at once: one per core, so a burst of first views queues here
    /// instead of thrashing (each computation is itself parallel).
    computing: Arc<tokio::sync::Semaphore>,
    /// The key-figures row of a region or England, shared by every area's overview.
    #[allow(clippy::type_complexity)]
    rows: Arc<std::sync::Mutex<std::collections::HashMap<String, (u64, TableRow, String)>>>,
}

impl Default for PanelCache {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        PanelCache {
            held: Default::default(),
            computing: Arc::new(tokio::sync::Semaphore::new(cores)),
            rows: Default::default(),
        }
    }
}

impl PanelCache {
    fn get(
        &self,
        key: &(String, Topic, bool),
        generation: u64,
    ) -> Option<Arc<(Vec<Panel>, String)>> {
        self.held
            .lock()
            .ok()?
            .get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, p)| Arc::clone(p))
    }
}

use std::sync::Arc;

/// One chart and the table behind it.
pub struct Panel {
    pub id: String,
    pub title: String,
    pub description: String,
    pub table: Table,
    /// Rows and value columns the chart shows.
    pub chart_rows: Vec<usize>,
    pub chart_columns: Vec<usize>,
}

impl Panel {
    /// The chart as a file: with its title and legend.
    pub(crate) fn standalone_svg(&self) -> String {
        let legend: Vec<String> = self
            .chart_columns
            .iter()
            .map(|&c| self.table.columns[c].label.clone())
            .collect();
        cws_documents::chart::standalone(&self.svg(), &self.title, &self.table.title, &legend)
    }

    pub(crate) fn svg(&self) -> String {
        let categories: Vec<String> = self
            .chart_rows
            .iter()
            .map(|&r| self.table.rows[r].labels.join(" · "))
            .collect();
        let series: Vec<(String, Vec<Shown>)> = self
            .chart_columns
            .iter()
            .map(|&c| {
                (
                    self.table.columns[c].label.clone(),
                    self.chart_rows
                        .iter()
                        .map(|&r| self.table.rows[r].values[c])
                        .collect(),
                )
            })
            .collect();
        bar_chart(
            &self.id,
            &self.title,
            &self.description,
            &categories,
            &series,
        )
    }
}

pub(crate) fn protected(viewer: Option<&Viewer>, place: &Place) -> bool {
    // whole only for the owning area's own people
    match (place, viewer.map(|v| v.access.scope())) {
        (Place::Area { code, .. }, Some(UserScope::Area { area })) => area != code,
        _ => true,
    }
}

/// A table of `measures` by `dims` within the place, protected when asked.
pub(crate) fn cut(
    snap: &cws_analyse::Snapshot,
    place: &Place,
    dims: &[Dimension],
    measures: &[Measure],
    opts: &Options,
    protect: bool,
    title: String,
) -> Result<Table, WebError> {
    let groups = compute(snap, &place.scope(), dims, opts)
        .map_err(|e| WebError::NotFound(format!("{e}.")))?;
    let cube = Cube::from_groups(dims, &groups);
    let shown = if protect {
        disclosure::protect(&cube, measures, &opts.params, &Policy::default())
    } else {
        disclosure::unprotected(&cube, measures, &opts.params)
    };
    Ok(Table::from_cube(&cube, shown, measures, title))
}

/// Rows that are not totals.
fn parts(t: &Table) -> Vec<usize> {
    (0..t.rows.len())
        .filter(|&i| !t.rows[i].labels.iter().any(|l| l == "Total"))
        .collect()
}

fn panel(id: &str, title: &str, description: &str, table: Table, columns: Vec<usize>) -> Panel {
    Panel {
        id: id.into(),
        title: title.into(),
        description: description.into(),
        chart_rows: parts(&table),
        chart_columns: columns,
        table,
    }
}

/// The panels of a topic, from the cache when the snapshot has not changed since.
pub(crate) async fn panels(
    state: &AppState,
    place: &Place,
    topic: Topic,
    protect: bool,
) -> Result<Arc<(Vec<Panel>, String)>, WebError> {
    let snapshot = match state.figures.snapshot(&state.db, None).await {
        Ok(s) => s,
        Err(LoadError::NoCollections) => {
            return Err(WebError::NotFound(
                "There is no collection yet, so there are no figures from returns.".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let mut generation = snapshot.read()?.generation;
    // the overview's trend reads every census held: its page changes with any of them
    let mut earlier = Vec::new();
    if topic == Topic::Overview {
        let collections = cws_store::returns::collections(&state.db).await?;
        if collections.len() > 1 {
            for c in collections {
                let snap = state
                    .figures
                    .snapshot(&state.db, Some(c.census_date))
                    .await?;
                let g = snap.read()?.generation;
                generation = generation.wrapping_mul(1_000_003).wrapping_add(g);
                earlier.push(snap);
            }
        }
    }
    let key = (format!("{:?}", place.scope()), topic, protect);
    if let Some(p) = state.panels.get(&key, generation) {
        return Ok(p);
    }
    let _permit = state.panels.computing.acquire().await?;
    // someone else may have computed it while this request waited
    if let Some(p) = state.panels.get(&key, generation) {
        return Ok(p);
    }
    if topic == Topic::Coverage {
        let computed = Arc::new(coverage_panels(state, place).await?);
        if let Ok(mut held) = state.panels.held.lock() {
            held.insert(key, (generation, Arc::clone(&computed)));
        }
        return Ok(computed);
    }
    // the community comparison needs the store: read it first
    let community = if topic == Topic::Diversity {
        let (geo, areas): (String, Vec<String>) = {
            let snap = snapshot.read()?;
            match place {
                Place::Area { code, .. } => (code.clone(), vec![code.clone()]),
                Place::Region { code, .. } => (
                    code.clone(),
                    snap.areas
                        .iter()
                        .filter(|a| &a.region_code == code)
                        .map(|a| a.code.clone())
                        .collect(),
                ),
                Place::England => (
                    "E92000001".into(),
                    snap.areas.iter().map(|a| a.code.clone()).collect(),
                ),
            }
        };
        cws_store::community::community(&state.db, cws_store::community::RESIDENTS, &geo, &areas)
            .await?
    } else {
        None
    };
    // an area's overview sets it beside its statistical neighbours
    let mut neighbours = Vec::new();
    if let (
        Topic::Overview,
        Place::Area {
            code,
            region_code,
            region_name,
            ..
        },
    ) = (topic, place)
    {
        if let Some(a) = geography::area(&state.db, code).await? {
            for n in geography::neighbours(&state.db, &a.old_la_code).await? {
                if let (Some(code), Some(name)) = (n.code, n.name) {
                    neighbours.push(Place::Area {
                        code,
                        name: format!("{name} (neighbour {})", n.rank),
                        region_code: region_code.clone(),
                        region_name: region_name.clone(),
                    });
                }
            }
        }
    }
    // computing is CPU work: off the async threads, so cached pages keep flowing meanwhile
    let (snap, owned_place, cache) = (Arc::clone(&snapshot), place.clone(), state.panels.clone());
    let computed = tokio::task::spawn_blocking(move || {
        let mut computed = compute_panels(
            &cache,
            &snap,
            &owned_place,
            topic,
            protect,
            community,
            neighbours,
        )?;
        if !earlier.is_empty() {
            computed
                .0
                .insert(1, trend_panel(&earlier, &owned_place, protect)?);
        }
        Ok::<_, WebError>(computed)
    })
    .await??;
    let computed = Arc::new(computed);
    if let Ok(mut held) = state.panels.held.lock() {
        held.insert(key, (generation, Arc::clone(&computed)));
    }
    Ok(computed)
}

/// Computes the panels of a topic.
fn compute_panels(
    cache: &PanelCache,
    snapshot: &std::sync::RwLock<cws_analyse::Snapshot>,
    place: &Place,
    topic: Topic,
    protect: bool,
    community: Option<cws_store::community::CommunityCounts>,
    neighbours: Vec<Place>,
) -> Result<(Vec<Panel>, String), WebError> {
    use Measure as M;
    let snap = snapshot.read()?;
    let census = snap.census.ok_or(FiguresError::NoCensus)?;
    let opts = Options::for_census(census);
    let at = format!("at {}", census.format("%-d %B %Y"));
    let name = place.name().to_string();
    let by = |dim: Dimension, measures: &[Measure], what: &str| {
        cut(
            &snap,
            place,
            &[dim],
            measures,
            &opts,
            protect,
            format!("{name}: {what} {at}"),
        )
    };
    let mut out = Vec::new();
    match topic {
        Topic::Overview => {
            let key = [
                M::People,
                M::InpostFte,
                M::VacancyRateFte,
                M::TurnoverRateFte,
                M::AgencyRateFte,
                M::Age55Plus,
                M::EthnicMinority,
                M::Level3PlusNonGraduates,
            ];
            // the place beside its region and England, each a one-row cut
            let mut rows = Vec::new();
            let mut places = vec![place.clone()];
            places.extend(neighbours);
            if let Place::Area {
                region_code,
                region_name,
                ..
            } = place
            {
                places.push(Place::Region {
                    code: region_code.clone(),
                    name: region_name.clone(),
                });
            }
            if !matches!(place, Place::England) {
                places.push(Place::England);
            }
            let mut footnote = String::new();
            for (i, p) in places.iter().enumerate() {
                // only the first is the viewer's own; the others are always protected, the
                // same for every area, so computed once per snapshot generation
                let shared = format!("{:?}", p.scope());
                let held = (i > 0)
                    .then(|| {
                        cache
                            .rows
                            .lock()
                            .ok()?
                            .get(&shared)
                            .filter(|h| h.0 == snap.generation)
                            .cloned()
                    })
                    .flatten();
                let (row, note) = match held {
                    Some((_, row, note)) => (row, note),
                    None => {
                        let t = cut(&snap, p, &[], &key, &opts, protect || i > 0, String::new())?;
                        let mut row = t.rows[0].clone();
                        row.labels = vec![p.name().to_string()];
                        if i > 0 {
                            if let Ok(mut rows) = cache.rows.lock() {
                                rows.insert(
                                    shared,
                                    (snap.generation, row.clone(), t.footnote.clone()),
                                );
                            }
                        }
                        (row, t.footnote)
                    }
                };
                footnote = note;
                // a shared row is labelled for this page (a neighbour's rank differs by area)
                let mut row = row;
                row.labels = vec![p.name().to_string()];
                rows.push(row);
            }
            let table = Table {
                title: format!("{name} beside its statistical neighbours, region and England {at}"),
                label_columns: vec!["place".into()],
                columns: cws_analyse::export::Column::of(&key),
                rows,
                footnote,
                chart: None,
            };
            let mut p = panel(
                "key-figures",
                "Key figures",
                &format!("Key rates for {name} beside its statistical neighbours, its region and England"),
                table,
                vec![2, 3, 4],
            );
            p.chart_rows = (0..p.table.rows.len()).collect();
            out.push(p);
            out.push(panel(
                "by-role-group",
                "People and FTE by role group",
                &format!("People in post in {name} by role group"),
                by(
                    Dimension::RoleGroup,
                    &[M::People, M::InpostFte, M::AgencyFte, M::VacancyFte],
                    "by role group",
                )?,
                vec![0],
            ));
        }
        Topic::Composition => {
            for (dim, id, what) in [
                (Dimension::Sector, "by-sector", "by sector"),
                (Dimension::Service, "by-service", "by service"),
                (Dimension::SettingType, "by-setting", "by setting type"),
                (Dimension::RoleGroup, "by-role-group", "by role group"),
                (Dimension::Contract, "by-contract", "by contract type"),
                (
                    Dimension::CoreWider,
                    "by-core-wider",
                    "core and wider workforce",
                ),
            ] {
                let title = format!("People {what}");
                out.push(panel(
                    id,
                    &title,
                    &format!("People in post in {name} {what}"),
                    by(dim, &[M::People, M::InpostFte, M::AgencyFte], what)?,
                    vec![0],
                ));
            }
        }
        Topic::Recruitment => {
            let m = [
                M::VacancyRateFte,
                M::TurnoverRateFte,
                M::AgencyRateFte,
                M::VacancyFte,
                M::StartersHeadcount,
                M::LeaversHeadcount,
                M::ServiceUnder2Years,
            ];
            out.push(panel(
                "rates-by-role-group",
                "Vacancy, turnover and agency rates by role group",
                &format!("Vacancy, turnover and agency rates (FTE, %) in {name} by role group"),
                by(
                    Dimension::RoleGroup,
                    &m,
                    "recruitment and retention by role group",
                )?,
                vec![0, 1, 2],
            ));
            let reasons = cws_analyse::breakdown::leavers_by_reason(&snap, &place.scope())
                .map_err(|e| WebError::NotFound(format!("{e}.")))?;
            let categories: Vec<(String, f64)> = reasons
                .iter()
                .map(|(r, n)| (r.label().to_string(), *n))
                .collect();
            let table = cws_analyse::breakdown::table(
                format!("{name}: employed leavers in the year by reason for leaving {at}"),
                "reason",
                cws_analyse::export::Column::new("leavers_headcount", "Leavers in the year"),
                &categories,
                protect.then_some(&Policy::default()),
            );
            out.push(panel(
                "leavers-by-reason",
                "Why people left",
                &format!("Employed leavers in {name} in the year to the census date, by reason for leaving"),
                table,
                vec![0],
            ));
            out.push(panel(
                "rates-by-sector",
                "Vacancy, turnover and agency rates by sector",
                &format!("Vacancy, turnover and agency rates (FTE, %) in {name} by sector"),
                by(Dimension::Sector, &m, "recruitment and retention by sector")?,
                vec![0, 1, 2],
            ));
        }
        Topic::Age => {
            let m = [
                M::AgeUnder20,
                M::Age20To29,
                M::Age30To39,
                M::Age40To49,
                M::Age50To59,
                M::Age60Plus,
                M::Age55Plus,
                M::ReachingRetirement,
            ];
            out.push(panel(
                "retirement-by-role-group",
                "Aged 55 or over, and reaching 65 within ten years, by role group",
                &format!(
                    "Share aged 55 or over and share reaching 65 by {} in {name}, by role group",
                    opts.horizon_year
                ),
                by(Dimension::RoleGroup, &m, "age by role group")?,
                vec![6, 7],
            ));
            out.push(panel(
                "retirement-by-sector",
                "Aged 55 or over, and reaching 65 within ten years, by sector",
                &format!(
                    "Share aged 55 or over and share reaching 65 by {} in {name}, by sector",
                    opts.horizon_year
                ),
                by(Dimension::Sector, &m, "age by sector")?,
                vec![6, 7],
            ));
        }
        Topic::Diversity => {
            if let Some(counts) = community {
                let groups = compute(&snap, &place.scope(), &[], &opts)
                    .map_err(|e| WebError::NotFound(format!("{e}.")))?;
                let mut sums = cws_analyse::Sums::default();
                for g in &groups {
                    sums.add(&g.sums);
                }
                let community = cws_analyse::diversity::Community::from_categories(
                    "usual residents, Census 2021",
                    &counts.source,
                    &counts.by_category,
                );
                let table = cws_analyse::diversity::table(
                    format!("{name}: the workforce by ethnic group against the community {at}"),
                    &sums,
                    &community,
                    protect.then_some(&Policy::default()),
                );
                let mut p = panel(
                    "ethnicity-against-community",
                    "Ethnic groups: the workforce against the community",
                    &format!("Share of the workforce and of Census 2021 residents of {name} in each ethnic group"),
                    table,
                    vec![1, 2],
                );
                p.chart_rows = (3..p.table.rows.len()).collect();
                out.push(p);
            }
            out.push(panel(
                "sex-disability-by-role-group",
                "Women, ethnic minority groups and disabled people by role group",
                &format!("Shares of women, of people from ethnic minority groups and of disabled people in {name}, by role group"),
                by(Dimension::RoleGroup, &[M::Female, M::EthnicMinority, M::Disabled, M::People], "sex, ethnicity and disability by role group")?,
                vec![0, 1, 2],
            ));
        }
        Topic::Coverage => {}
        Topic::Qualifications => {
            out.push(panel(
                "qualifications-by-role-group",
                "Level 3 or above among non-graduates, and graduates, by role group",
                &format!("Shares qualified to Level 3 or above (non-graduates) and graduates in {name}, by role group; the 2020 vision is Level 3 for all"),
                by(Dimension::RoleGroup, &[M::Level3PlusNonGraduates, M::Graduates, M::CommonCore, M::Induction, M::VettingInDate, M::VettingDue90Days], "qualifications and training by role group")?,
                vec![0, 1],
            ));
            out.push(panel(
                "graduate-leaders",
                "Full day care settings led by a graduate",
                &format!("Full day care settings in {name} with an Early Years Professional or graduate, and settings in disadvantaged areas with two"),
                by(Dimension::SettingType, &[M::SettingsWithGraduateLeader, M::DisadvantagedSettingsWithTwo], "graduate leaders by setting type")?,
                vec![0, 1],
            ));
        }
    }
    Ok((out, census.format("%-d %B %Y").to_string()))
}

/// The place's key figures at every census date held, oldest first.
fn trend_panel(
    snapshots: &[Arc<std::sync::RwLock<cws_analyse::Snapshot>>],
    place: &Place,
    protect: bool,
) -> Result<Panel, WebError> {
    use Measure as M;
    let key = [
        M::People,
        M::InpostFte,
        M::VacancyRateFte,
        M::TurnoverRateFte,
        M::AgencyRateFte,
        M::Age55Plus,
    ];
    let mut rows = Vec::new();
    let mut footnote = String::new();
    for s in snapshots {
        let snap = s.read()?;
        let Some(census) = snap.census else { continue };
        let t = cut(
            &snap,
            place,
            &[],
            &key,
            &Options::for_census(census),
            protect,
            String::new(),
        )?;
        footnote = t.footnote.clone();
        let mut row = t.rows[0].clone();
        row.labels = vec![census.format("%-d %B %Y").to_string()];
        rows.push((census, row));
    }
    rows.sort_by_key(|r| r.0);
    let name = place.name();
    let table = Table {
        title: format!("{name}: key figures at each census date"),
        label_columns: vec!["census_date".into()],
        columns: cws_analyse::export::Column::of(&key),
        rows: rows.into_iter().map(|r| r.1).collect(),
        footnote,
        chart: None,
    };
    let mut p = panel(
        "trend",
        "Key figures over census dates",
        &format!("Vacancy, turnover and agency rates for {name} at each census date held"),
        table,
        vec![2, 3, 4],
    );
    p.chart_rows = (0..p.table.rows.len()).collect();
    Ok(p)
}

/// Return coverage: an area by sector; a region or England by area. Counts of
/// organisations, not people: nothing to suppress.
async fn coverage_panels(
    state: &AppState,
    place: &Place,
) -> Result<(Vec<Panel>, String), WebError> {
    let collection = cws_store::returns::collection(&state.db, None)
        .await?
        .ok_or_else(|| WebError::NotFound("There is no collection yet.".into()))?;
    let counts = cws_store::returns::coverage_counts(&state.db, collection.id).await?;
    let (rows, label): (Vec<(String, i64, i64)>, &str) = match place {
        Place::Area { code, .. } => {
            let mut by: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
            for c in counts.iter().filter(|c| &c.area_code == code) {
                let label = cws_domain::organisation::Sector::parse(&c.sector)
                    .map(|s| s.label().to_string())
                    .unwrap_or_else(|_| c.sector.clone());
                let e = by.entry(label).or_default();
                e.0 += c.organisations;
                e.1 += c.returned;
            }
            (
                by.into_iter().map(|(k, (o, r))| (k, o, r)).collect(),
                "sector",
            )
        }
        Place::Region { .. } | Place::England => {
            let region = match place {
                Place::Region { code, .. } => Some(code.clone()),
                _ => None,
            };
            let mut by: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
            for c in counts
                .iter()
                .filter(|c| region.as_ref().is_none_or(|r| &c.region_code == r))
            {
                let e = by.entry(c.area_name.clone()).or_default();
                e.0 += c.organisations;
                e.1 += c.returned;
            }
            (
                by.into_iter().map(|(k, (o, r))| (k, o, r)).collect(),
                "area",
            )
        }
    };
    let pct = |o: i64, r: i64| {
        if o > 0 {
            Shown::Value((r as f64 / o as f64 * 1000.0).round() / 10.0)
        } else {
            Shown::Symbol(disclosure::NOT_APPLICABLE)
        }
    };
    let (to, tr) = rows.iter().fold((0, 0), |a, r| (a.0 + r.1, a.1 + r.2));
    let mut table_rows = vec![TableRow {
        labels: vec!["Total".into()],
        values: vec![
            Shown::Value(to as f64),
            Shown::Value(tr as f64),
            pct(to, tr),
        ],
    }];
    table_rows.extend(rows.iter().map(|(l, o, r)| TableRow {
        labels: vec![l.clone()],
        values: vec![
            Shown::Value(*o as f64),
            Shown::Value(*r as f64),
            pct(*o, *r),
        ],
    }));
    let census = collection.census_date.format("%-d %B %Y").to_string();
    let name = place.name();
    let table = Table {
        title: format!("{name}: organisations with an accepted return by {label}, census {census}"),
        label_columns: vec![label.into()],
        columns: vec![
            cws_analyse::export::Column::new("organisations", "Organisations registered"),
            cws_analyse::export::Column::new("returned", "With an accepted return"),
            cws_analyse::export::Column::new("coverage_pct", "Coverage (%)"),
        ],
        rows: table_rows,
        footnote: "Organisations registered for the collection, and those whose return has been accepted. z: none registered.".into(),
        chart: None,
    };
    Ok((
        vec![panel(
            "coverage",
            &format!("Returns coverage by {label}"),
            &format!("Share of organisations in {name} with an accepted return, by {label}"),
            table,
            vec![2],
        )],
        census,
    ))
}

/// A panel ready for a template: chart, legend and the table behind it.
pub(crate) struct PanelView {
    pub id: String,
    pub title: String,
    pub svg: String,
    pub legend: String,
    pub header: Vec<String>,
    pub rows: Vec<(Vec<String>, Vec<String>, bool)>,
    pub footnote: String,
    pub caption: String,
}

impl Panel {
    pub(crate) fn view(&self) -> PanelView {
        let p = self;
        PanelView {
            id: p.id.clone(),
            title: p.title.clone(),
            svg: p.svg(),
            legend: bar_legend(
                &p.chart_columns
                    .iter()
                    .map(|&c| p.table.columns[c].label.clone())
                    .collect::<Vec<_>>(),
            ),
            header: std::iter::once(String::new())
                .chain(p.table.columns.iter().map(|c| c.label.clone()))
                .collect(),
            rows: p
                .table
                .rows
                .iter()
                .map(|r| {
                    (
                        r.labels.clone(),
                        r.values
                            .iter()
                            .map(|v| match v {
                                Shown::Value(x) => trim_number(*x),
                                Shown::Symbol(s) => s.to_string(),
                            })
                            .collect(),
                        r.labels.iter().any(|l| l == "Total"),
                    )
                })
                .collect(),
            footnote: p.table.footnote.clone(),
            caption: p.table.title.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    attribution: &'static str,
    synthetic_banner: bool,
    place_name: String,
    base: String,
    topics: Vec<(&'static str, &'static str, bool)>,
    topic_title: &'static str,
    intro: &'static str,
    census: String,
    protected: bool,
    panels: Vec<PanelView>,
    breadcrumbs: Vec<(String, String)>,
}

impl DashboardPage {
    /// The slug of the topic shown.
    fn topics_current(&self, topics: &[(&'static str, &'static str, bool)]) -> &'static str {
        topics.iter().find(|t| t.2).map_or("overview", |t| t.0)
    }
}

pub(crate) async fn place_for(state: &AppState, kind: &str, code: &str) -> Result<Place, WebError> {
    match kind {
        "areas" => {
            let a = geography::area(&state.db, code).await?.ok_or_else(|| {
                WebError::NotFound(format!("There is no area with the code '{code}'."))
            })?;
            Ok(Place::Area {
                code: a.code,
                name: a.name,
                region_code: a.region_code,
                region_name: a.region_name,
            })
        }
        "regions" => {
            let r = geography::regions(&state.db)
                .await?
                .into_iter()
                .find(|r| r.code == code)
                .ok_or_else(|| WebError::NotFound(format!("There is no region '{code}'.")))?;
            Ok(Place::Region {
                code: r.code,
                name: r.name,
            })
        }
        _ => Ok(Place::England),
    }
}

async fn render(
    state: &AppState,
    viewer: Option<&Viewer>,
    place: Place,
    topic: &str,
) -> Result<Html<String>, WebError> {
    let topic = Topic::parse(topic)
        .ok_or_else(|| WebError::NotFound(format!("There is no dashboard called '{topic}'.")))?;
    let protect = protected(viewer, &place);
    let computed = panels(state, &place, topic, protect).await?;
    let (panels, census) = (&computed.0, computed.1.clone());
    let base = place.base();
    let views = panels.iter().map(Panel::view).collect();
    let breadcrumbs = match &place {
        Place::Area {
            code,
            name,
            region_name,
            ..
        } => vec![
            ("/".to_string(), "Areas".to_string()),
            (format!("/areas/{code}"), name.clone()),
            (String::new(), region_name.clone()),
        ],
        Place::Region { .. } | Place::England => vec![("/".into(), "Areas".into())],
    };
    let breadcrumbs = breadcrumbs
        .into_iter()
        .filter(|b| !b.0.is_empty())
        .collect();
    Ok(Html(
        DashboardPage {
            attribution: cws_reference::ATTRIBUTION,
            synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
                .await?
                .is_some(),
            place_name: place.name().to_string(),
            base,
            topics: Topic::ALL
                .iter()
                .map(|t| (t.slug(), t.title(), *t == topic))
                .collect(),
            topic_title: topic.title(),
            intro: topic.intro(),
            census,
            protected: protect,
            panels: views,
            breadcrumbs,
        }
        .render()?,
    ))
}

pub async fn area_dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, topic)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let place = place_for(&state, "areas", &code).await?;
    render(&state, viewer.as_ref(), place, &topic).await
}

pub async fn region_dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, topic)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let place = place_for(&state, "regions", &code).await?;
    render(&state, viewer.as_ref(), place, &topic).await
}

pub async fn england_dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path(topic): Path<String>,
) -> Result<Html<String>, WebError> {
    render(&state, viewer.as_ref(), Place::England, &topic).await
}

/// A panel's chart or table as a file: `{panel}.svg`, `{panel}.png`, `{panel}.csv` or
/// `{panel}.xlsx`.
async fn download(
    state: &AppState,
    viewer: Option<&Viewer>,
    place: Place,
    topic: &str,
    file: &str,
) -> Result<Response, WebError> {
    let topic = Topic::parse(topic)
        .ok_or_else(|| WebError::NotFound(format!("There is no dashboard called '{topic}'.")))?;
    let (id, ext) = file
        .rsplit_once('.')
        .ok_or_else(|| WebError::NotFound("Ask for a .svg, .png, .csv or .xlsx file.".into()))?;
    let protect = protected(viewer, &place);
    let computed = panels(state, &place, topic, protect).await?;
    let p = computed
        .0
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| WebError::NotFound(format!("There is no chart called '{id}'.")))?;
    let (bytes, content_type) = match ext {
        "svg" => (p.standalone_svg().into_bytes(), "image/svg+xml"),
        "png" => (
            cws_documents::chart::png(&p.standalone_svg(), 2.0)?,
            "image/png",
        ),
        "csv" => (p.table.csv()?, "text/csv; charset=utf-8"),
        "xlsx" => {
            let mut t = p.table.clone();
            if t.chart.is_none() && !p.chart_rows.is_empty() {
                let (first, last) = (p.chart_rows[0], p.chart_rows[p.chart_rows.len() - 1]);
                if last - first + 1 == p.chart_rows.len() {
                    t.chart = Some(cws_analyse::export::ChartSpec {
                        rows: first..last + 1,
                        columns: p.chart_columns.clone(),
                    });
                }
            }
            (
                cws_documents::xlsx::table(&t)?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        }
        _ => {
            return Err(WebError::NotFound(
                "Ask for a .svg, .png, .csv or .xlsx file.".into(),
            ))
        }
    };
    let name = format!(
        "{}-{}-{file}",
        place.name().to_lowercase().replace(' ', "-"),
        topic.slug()
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn area_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, topic, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let place = place_for(&state, "areas", &code).await?;
    download(&state, viewer.as_ref(), place, &topic, &file).await
}

pub async fn region_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((code, topic, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let place = place_for(&state, "regions", &code).await?;
    download(&state, viewer.as_ref(), place, &topic, &file).await
}

pub async fn england_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Option<Viewer>>,
    Path((topic, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    download(&state, viewer.as_ref(), Place::England, &topic, &file).await
}
