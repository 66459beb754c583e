//! Dashboard panels: for a place and a topic, each chart's table computed from a snapshot —
//! overview, composition, recruitment and retention, age and retirement, diversity against
//! the community, qualifications, returns coverage. Pure: what a panel needs from the store
//! (the community, the neighbours, coverage counts) is passed in; drawing is `cws-documents`'s.

use crate::figures::VACANT_POSTS;
use chrono::NaiveDate;
use cws_domain::UnknownCode;
use cws_store::community::CommunityCounts;
use cws_store::returns::CoverageCount;

use crate::cube::Cube;
use crate::disclosure::{self, Policy, Shown};
use crate::export::{Table, TableRow};
use crate::figures::{compute, Dimension, FiguresError, Options, Scope};
use crate::measure::Measure;
use crate::snapshot::Snapshot;

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
    pub fn code(self) -> &'static str {
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
    pub fn label(self) -> &'static str {
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
    pub fn intro(self) -> &'static str {
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
    pub fn parse(code: &str) -> Result<Topic, UnknownCode> {
        let code = code.trim();
        Topic::ALL
            .into_iter()
            .find(|t| t.code() == code)
            .ok_or_else(|| UnknownCode::new("dashboard", code, Topic::ALL.map(Topic::code)))
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
    pub fn scope(&self) -> Scope {
        match self {
            Place::Area { code, .. } => Scope::Area(code.clone()),
            Place::Region { code, .. } => Scope::Region(code.clone()),
            Place::England => Scope::Nation,
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Place::Area { name, .. } | Place::Region { name, .. } => name,
            Place::England => "England",
        }
    }
}

/// One chart and the table behind it.
#[derive(Debug, Clone)]
pub struct Panel {
    pub id: String,
    pub title: String,
    pub description: String,
    pub table: Table,
    /// Rows and value columns the chart shows.
    pub chart_rows: Vec<usize>,
    pub chart_columns: Vec<usize>,
    /// How many leading label columns name a chart's bars (the rest, such as what a row
    /// rests on, are for the table); 0: all of them.
    pub chart_labels: usize,
}

impl Panel {
    /// The name of a row's bars in the chart.
    pub fn chart_category(&self, row: usize) -> String {
        let labels = &self.table.rows[row].labels;
        let n = match self.chart_labels {
            0 => labels.len(),
            n => n.min(labels.len()),
        };
        labels[..n].join(" · ")
    }
}

/// A table of `measures` by `dims` within the place, protected when asked.
///
/// With a filter the table is cut by `Dimension::Selection` as well — the posts inside the
/// filter and the rest — and protected whole before the inside is shown: the unfiltered
/// figures are that table's totals, so a filtered view and an unfiltered one cannot be
/// subtracted to work out a suppressed cell.
pub fn cut(
    snap: &Snapshot,
    place: &Place,
    dims: &[Dimension],
    measures: &[Measure],
    opts: &Options,
    protect: bool,
    title: String,
) -> Result<Table, FiguresError> {
    let filter = opts.filter.describe();
    let mut cut_by = dims.to_vec();
    if filter.is_some() {
        cut_by.push(Dimension::Selection);
    }
    let groups = compute(snap, &place.scope(), &cut_by, opts)?;
    let cube = Cube::from_groups(&cut_by, &groups);
    let shown = if protect {
        disclosure::protect(&cube, measures, &opts.params, &Policy::default())
    } else {
        disclosure::unprotected(&cube, measures, &opts.params)
    };
    let mut table = Table::from_cube(&cube, shown, measures, title);
    let Some(filter) = filter else {
        return Ok(table);
    };
    table.label_columns.pop();
    table.rows.retain(|r| {
        r.labels
            .last()
            .is_some_and(|l| l == crate::figures::SELECTED)
    });
    for r in &mut table.rows {
        r.labels.pop();
    }
    if !table
        .rows
        .iter()
        .any(|r| r.labels.iter().all(|l| l == "Total"))
    {
        // nobody inside the filter: still a total, of nothing
        let empty = Cube::from_groups(dims, &[]);
        let nothing = disclosure::unprotected(&empty, measures, &opts.params);
        let mut total = Table::from_cube(&empty, nothing, measures, String::new()).rows;
        table.rows.splice(0..0, total.drain(..1));
    }
    let mut note = format!("Only {filter}.");
    if opts.filter.contract.is_some() && measures.iter().any(|m| m.counts_vacancies()) {
        for r in &mut table.rows {
            for (v, m) in r.values.iter_mut().zip(measures) {
                if m.counts_vacancies() {
                    *v = Shown::Symbol(crate::compare::NOT_AVAILABLE);
                }
            }
        }
        note.push_str(
            " Vacancies have no contract type, so vacancy figures are x (not available) for one contract type.",
        );
    }
    table.footnote = format!("{note} {}", table.footnote);
    table.title = format!("{} ({filter})", table.title);
    Ok(table)
}

/// The table without the rows where no value applies (every cell `z`): a measure of
/// settings has nothing to say of setting types it does not cover.
fn applicable_rows(mut t: Table) -> Table {
    t.rows.retain(|r| {
        r.values
            .iter()
            .any(|v| *v != crate::disclosure::Shown::Symbol(crate::disclosure::NOT_APPLICABLE))
    });
    t
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
        chart_labels: 0,
        table,
    }
}

/// A place's cut by one dimension: (dimension, measures, what it is) → the table.
type CutBy<'a> = dyn Fn(Dimension, &[Measure], &str) -> Result<Table, FiguresError> + 'a;

/// A region's or England's areas side by side: the key rates of each area with returns, each
/// row saying what it rests on (the organisations whose returns it holds, of the filter's
/// kind when filtered); protected as the place's figures are.
fn areas_compared(
    snap: &Snapshot,
    place: &Place,
    by: &CutBy,
    name: &str,
    min_coverage: f64,
    filter: &crate::figures::Filter,
) -> Result<Panel, FiguresError> {
    use Measure as M;
    let mut table = by(
        Dimension::Area,
        &[
            M::VacancyRateFte,
            M::TurnoverRateFte,
            M::AgencyRateFte,
            M::People,
            M::InpostFte,
            M::Age55Plus,
            M::Level3PlusNonGraduates,
        ],
        "key figures by area",
    )?;
    let mut organisations: std::collections::HashMap<&str, usize> = Default::default();
    let mask = crate::figures::scope_mask(snap, &place.scope())?;
    for o in &snap.orgs {
        if mask.get(o.area as usize).copied().unwrap_or(false) && filter.keeps_organisation(o) {
            *organisations
                .entry(snap.areas[o.area as usize].name.as_str())
                .or_default() += 1;
        }
    }
    let total: usize = organisations.values().sum();
    let cov = crate::figures::coverage(snap, &place.scope())?;
    table.label_columns.push("rests on".into());
    for row in &mut table.rows {
        let area = row.labels.first().cloned().unwrap_or_default();
        match (area != "Total").then(|| organisations.get(area.as_str())) {
            Some(n) => row.labels.push(cws_domain::words::count_as(
                n.copied().unwrap_or(0) as u64,
                "organisation's return",
                "organisations' returns",
            )),
            None => {
                // the whole place: not a figure when too few of its areas have returns
                // (it would be one area's own, compared with itself)
                if cov.share() < min_coverage {
                    row.values =
                        vec![Shown::Symbol(crate::compare::NOT_AVAILABLE); row.values.len()];
                }
                row.labels.push(format!(
                    "{} ({})",
                    cws_domain::words::count_as(
                        total as u64,
                        "organisation's return",
                        "organisations' returns"
                    ),
                    cov.text()
                ));
            }
        }
    }
    let mut p = panel(
        "areas-compared",
        "Areas compared",
        &format!("Vacancy, turnover and agency rates (FTE, %) of each area in {name} with returns in cws"),
        table,
        vec![0, 1, 2],
    );
    p.chart_labels = 1;
    Ok(p)
}

/// The local authority's children and family social workers — the population of DfE's
/// census — beside the statistical neighbours, the region and England, each area counted by
/// its returns where it has them and by DfE's published figures for the census year where it
/// has not; every row says which. So the comparison holds before other areas send returns.
fn social_work_panel(
    snap: &Snapshot,
    code: &str,
    name: &str,
    neighbours: &[(String, String)],
    opts: &Options,
    protect: bool,
    at: &str,
) -> Result<Panel, FiguresError> {
    use crate::compare::{self, Focus, Inputs};
    use chrono::Datelike;
    use Measure as M;
    // the rates in the key figures' order, so each keeps its colour
    let measures = [
        M::InpostFte,
        M::VacancyRateFte,
        M::TurnoverRateFte,
        M::AgencyRateFte,
        M::CaseloadFte,
    ];
    let inputs = Inputs::new(snap, opts, Focus::SocialWork, crate::published::embedded()?)?;
    let entries = inputs.with_neighbours(code, neighbours);
    // the area's own returns are the lead's to see whole; every other row is protected
    let protect_rows: Vec<bool> = entries
        .iter()
        .map(|e| protect || e.relation != "area")
        .collect();
    let values = compare::shown(
        &entries,
        &measures,
        &opts.params,
        &Policy::default(),
        &protect_rows,
    );
    let rows = entries
        .iter()
        .zip(values)
        .map(|(e, values)| TableRow {
            labels: vec![e.name.clone(), e.coverage()],
            values,
        })
        .collect();
    let year = inputs.census.year();
    let table = Table {
        title: format!(
            "Children and family social workers of the local authority: {name} beside its statistical neighbours, region and England {at}"
        ),
        label_columns: vec!["place".into(), "rests on".into()],
        columns: crate::export::Column::of(&measures),
        rows,
        footnote: format!(
            "Each area counts once: by its returns where cws holds them, otherwise by DfE's \
             published Children's social work workforce statistics for {year} (a joint \
             return only where none of its areas has returns). x: not available (neither \
             returns nor published figures, or not published). c: suppressed — small counts \
             from other areas' returns."
        ),
        chart: None,
    };
    let mut p = panel(
        "social-work",
        "Social workers beside DfE's published figures",
        &format!("Vacancy, turnover and agency rates of children and family social workers in {name} beside its statistical neighbours, region and England, from returns or DfE's published figures"),
        table,
        vec![1, 2, 3],
    );
    p.chart_labels = 1;
    p.chart_rows = (0..p.table.rows.len())
        .filter(|&r| {
            p.chart_columns
                .iter()
                .any(|&c| p.table.rows[r].values[c].value().is_some())
        })
        .collect();
    Ok(p)
}

/// A topic's panels and the census date they are at, as written.
#[derive(Debug, Clone)]
pub struct Computed {
    pub panels: Vec<Panel>,
    pub census: String,
}

/// What a topic needs beyond the snapshot: the part of the workforce asked for, the
/// community an area's diversity is compared with, and an area's statistical neighbours for
/// its overview.
#[derive(Debug, Default)]
pub struct Around {
    pub filter: crate::figures::Filter,
    pub community: Option<CommunityCounts>,
    pub neighbours: Vec<Place>,
}

/// A place's key-figures row as every other place's overview shows it (always protected),
/// kept so a region's or England's row is computed once per snapshot generation.
#[derive(Debug, Clone)]
pub struct SharedRow {
    pub row: TableRow,
    pub footnote: String,
}

/// Where shared rows are kept between pages (the web application's cache).
pub trait SharedRows {
    fn get(&self, scope: &Scope, generation: u64) -> Option<SharedRow>;
    fn put(&self, scope: Scope, generation: u64, row: SharedRow);
}

/// Keeps nothing: every row is computed.
pub struct NoSharing;

impl SharedRows for NoSharing {
    fn get(&self, _: &Scope, _: u64) -> Option<SharedRow> {
        None
    }

    fn put(&self, _: Scope, _: u64, _: SharedRow) {}
}

/// Computes the panels of a topic.
pub fn topic_panels(
    snap: &Snapshot,
    place: &Place,
    topic: Topic,
    protect: bool,
    around: Around,
    shared: &dyn SharedRows,
    settings: &crate::figures::Settings,
) -> Result<Computed, FiguresError> {
    use Measure as M;
    let Around {
        filter,
        community,
        neighbours,
    } = around;
    let census = snap.census.ok_or(FiguresError::NoCensus)?;
    let mut opts = Options::with_settings(census, settings);
    opts.filter = filter;
    // rows shared between pages are of the whole workforce
    let shared = if filter.is_empty() {
        shared
    } else {
        &NoSharing
    };
    let of_part = filter
        .describe()
        .map_or_else(String::new, |f| format!(" ({f})"));
    let at = format!("at {}", census.format("%-d %B %Y"));
    let name = place.name().to_string();
    let by = |dim: Dimension, measures: &[Measure], what: &str| {
        cut(
            snap,
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
            let neighbour_names: Vec<(String, String)> = neighbours
                .iter()
                .filter_map(|n| match n {
                    Place::Area { code, name, .. } => Some((code.clone(), name.clone())),
                    _ => None,
                })
                .collect();
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
                let held = (i > 0)
                    .then(|| shared.get(&p.scope(), snap.generation))
                    .flatten();
                let (row, note) = match held {
                    Some(held) => (held.row, held.footnote),
                    None => {
                        let t = cut(snap, p, &[], &key, &opts, protect || i > 0, String::new())?;
                        let mut row = t.rows[0].clone();
                        row.labels = vec![p.name().to_string()];
                        if i > 0 {
                            shared.put(
                                p.scope(),
                                snap.generation,
                                SharedRow {
                                    row: row.clone(),
                                    footnote: t.footnote.clone(),
                                },
                            );
                        }
                        (row, t.footnote)
                    }
                };
                footnote = note;
                // a shared row is labelled for this page (a neighbour's rank differs by area)
                let mut row = row;
                // what the row rests on; a place with no returns, or an aggregate over too
                // few areas, is "x", never a number that is really one area's own
                let cov = crate::figures::coverage(snap, &p.scope())?;
                let aggregate = !matches!(p, Place::Area { .. });
                let rests_on = if cov.with_returns == 0 {
                    "no returns".to_string()
                } else if aggregate && cov.share() < settings.min_aggregate_coverage {
                    format!("too few returns ({})", cov.text())
                } else if aggregate {
                    cov.text()
                } else {
                    "own returns".to_string()
                };
                if cov.with_returns == 0
                    || (aggregate && cov.share() < settings.min_aggregate_coverage)
                {
                    row.values = vec![Shown::Symbol(crate::compare::NOT_AVAILABLE); key.len()];
                }
                row.labels = vec![p.name().to_string(), rests_on];
                rows.push(row);
            }
            footnote.push_str(&format!(
                " x: not available — no returns, or returns from fewer than {:.0}% of a region's or England's areas.",
                settings.min_aggregate_coverage * 100.0
            ));
            let table = Table {
                title: format!(
                    "{name} beside its statistical neighbours, region and England {at}{of_part}"
                ),
                label_columns: vec!["place".into(), "rests on".into()],
                columns: crate::export::Column::of(&key),
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
            // the chart draws the places with figures; the table beside it lists every place
            // and what it rests on
            p.chart_labels = 1;
            p.chart_rows = (0..p.table.rows.len())
                .filter(|&r| {
                    p.chart_columns
                        .iter()
                        .any(|&c| p.table.rows[r].values[c].value().is_some())
                })
                .collect();
            out.push(p);
            // the social work panel is of one population, DfE's census's: no filter applies
            if let (Place::Area { code, .. }, true) = (place, filter.is_empty()) {
                out.push(social_work_panel(
                    snap,
                    code,
                    &name,
                    &neighbour_names,
                    &opts,
                    protect,
                    &at,
                )?);
            }
            if !matches!(place, Place::Area { .. }) {
                out.push(areas_compared(
                    snap,
                    place,
                    &by,
                    &name,
                    settings.min_aggregate_coverage,
                    &filter,
                )?);
            }
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
                let mut table = by(dim, &[M::People, M::InpostFte, M::AgencyFte], what)?;
                if dim == Dimension::Contract {
                    // vacancies have no contract and no people: they are on the
                    // recruitment dashboard, not a row of zeros here
                    table
                        .rows
                        .retain(|r| r.labels.first().is_none_or(|l| l != VACANT_POSTS));
                }
                out.push(panel(
                    id,
                    &title,
                    &format!("People in post in {name} {what}"),
                    table,
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
            let reasons = crate::breakdown::leavers_by_reason(snap, &place.scope())?;
            let categories: Vec<(String, f64)> = reasons
                .iter()
                .map(|(r, n)| (r.label().to_string(), *n))
                .collect();
            let table = crate::breakdown::table(
                format!("{name}: employed leavers in the year by reason for leaving {at}"),
                "reason",
                crate::export::Column::new("leavers_headcount", "Leavers in the year"),
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
            // Two different retirement measures: 55 and over now, and reaching the
            // retirement age within the configured years (the same measure twice when those
            // years are 10 and the age 65, so the chart shows only 55+ then).
            let (age, years) = (settings.retirement_age, settings.retirement_within_years);
            let reaching = format!(
                "reaching {age} within {}",
                cws_domain::words::count(years.max(0) as u64, "year")
            );
            let distinct = age - years != 55;
            let chart = if distinct { vec![6, 7] } else { vec![6] };
            out.push(panel(
                "age-by-role-group",
                "Age bands by role group",
                &format!("Share of people in post in {name} in each age band, by role group"),
                by(Dimension::RoleGroup, &m[..6], "age bands by role group")?,
                vec![0, 1, 2, 3, 4, 5],
            ));
            out.push(panel(
                "retirement-by-role-group",
                &format!("Aged 55 or over, and {reaching}, by role group"),
                &format!(
                    "Share aged 55 or over and share reaching {age} by {} in {name}, by role group",
                    opts.horizon_year
                ),
                by(Dimension::RoleGroup, &m, "age by role group")?,
                chart.clone(),
            ));
            out.push(panel(
                "retirement-by-sector",
                &format!("Aged 55 or over, and {reaching}, by sector"),
                &format!(
                    "Share aged 55 or over and share reaching {age} by {} in {name}, by sector",
                    opts.horizon_year
                ),
                by(Dimension::Sector, &m, "age by sector")?,
                chart,
            ));
        }
        Topic::Diversity => {
            if let Some(counts) = community {
                let groups = compute(snap, &place.scope(), &[], &opts)?;
                let mut sums = crate::Sums::default();
                for g in &groups {
                    sums.add(&g.sums);
                }
                let community = crate::diversity::Community::from_categories(
                    "usual residents, Census 2021",
                    &counts.source,
                    &counts.by_category,
                );
                let table = crate::diversity::table(
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
                &format!("Full day care settings in {name} with an Early Years Professional or graduate; in disadvantaged areas, with one and with two"),
                applicable_rows(by(Dimension::SettingType, &[M::SettingsWithGraduateLeader, M::DisadvantagedSettingsWithGraduateLeader, M::DisadvantagedSettingsWithTwo], "graduate leaders by setting type")?),
                vec![0, 1, 2],
            ));
        }
    }
    Ok(Computed {
        panels: out,
        census: census.format("%-d %B %Y").to_string(),
    })
}

/// The place's key figures at every census date held, oldest first, each census saying what
/// it rests on; a region or England is `x` at a census when too few of its areas had
/// returns (its figures would be those few areas' own).
pub fn trend_panel(
    snapshots: &[&Snapshot],
    place: &Place,
    protect: bool,
    min_coverage: f64,
    filter: crate::figures::Filter,
) -> Result<Panel, FiguresError> {
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
    for snap in snapshots {
        let Some(census) = snap.census else { continue };
        let mut opts = Options::for_census(census);
        opts.filter = filter;
        let t = cut(snap, place, &[], &key, &opts, protect, String::new())?;
        footnote = t.footnote.clone();
        let mut row = t.rows[0].clone();
        let cov = crate::figures::coverage(snap, &place.scope())?;
        let aggregate = !matches!(place, Place::Area { .. });
        let rests_on = if cov.with_returns == 0 {
            "no returns".to_string()
        } else if aggregate && cov.share() < min_coverage {
            format!("too few returns ({})", cov.text())
        } else if aggregate {
            cov.text()
        } else {
            "own returns".to_string()
        };
        if cov.with_returns == 0 || (aggregate && cov.share() < min_coverage) {
            row.values = vec![Shown::Symbol(crate::compare::NOT_AVAILABLE); key.len()];
        }
        row.labels = vec![census.format("%-d %B %Y").to_string(), rests_on];
        rows.push((census, row));
    }
    rows.sort_by_key(|r| r.0);
    let name = place.name();
    let table = Table {
        title: format!(
            "{name}: key figures at each census date{}",
            filter
                .describe()
                .map_or_else(String::new, |f| format!(" ({f})"))
        ),
        label_columns: vec!["census_date".into(), "rests on".into()],
        columns: crate::export::Column::of(&key),
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
    // the chart draws the censuses with figures; the table lists each and what it rests on
    p.chart_labels = 1;
    p.chart_rows = (0..p.table.rows.len())
        .filter(|&r| {
            p.chart_columns
                .iter()
                .any(|&c| p.table.rows[r].values[c].value().is_some())
        })
        .collect();
    Ok(p)
}

/// Counts of organisations, not people: nothing to suppress.
/// Return coverage: an area by sector; a region or England by area, every area listed (those
/// with no organisation registered too). `areas` are every live area: (name, region code).
pub fn coverage_panels(
    counts: &[CoverageCount],
    census: NaiveDate,
    place: &Place,
    areas: &[(String, String)],
) -> Computed {
    let (rows, label): (Vec<(String, i64, i64)>, &str) = match place {
        Place::Area { code, .. } => {
            let mut by: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
            for c in counts.iter().filter(|c| &c.area_code == code) {
                let e = by.entry(c.sector.label().to_string()).or_default();
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
            let mut by: std::collections::BTreeMap<String, (i64, i64)> = areas
                .iter()
                .filter(|(_, r)| region.as_ref().is_none_or(|code| r == code))
                .map(|(name, _)| (name.clone(), (0, 0)))
                .collect();
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
    let census = census.format("%-d %B %Y").to_string();
    let name = place.name();
    let table = Table {
        title: format!("{name}: organisations with an accepted return by {label}, census {census}"),
        label_columns: vec![label.into()],
        columns: vec![
            crate::export::Column::new("organisations", "Organisations registered"),
            crate::export::Column::new("returned", "With an accepted return"),
            crate::export::Column::new("coverage_pct", "Coverage (%)"),
        ],
        rows: table_rows,
        footnote: "Organisations registered for the collection, and those whose return has been accepted. z: none registered.".into(),
        chart: None,
    };
    Computed {
        panels: vec![panel(
            "coverage",
            &format!("Returns coverage by {label}"),
            &format!("Share of organisations in {name} with an accepted return, by {label}"),
            table,
            vec![2],
        )],
        census,
    }
}
