//! Page handlers: the list of areas, an area's published figures, and about the data.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::NaiveDate;
use cws_domain::role::RoleGroup;
use cws_store::geography::{self, AreaRow, IndicatorValue};
use cws_store::workforce;

use crate::{AppState, WebError};
use cws_documents::chart::{legend, line_chart, trim_number, Series};

use cws_domain::geography::ENGLAND;
/// The census date whose areas are listed and whose returns are summarised.
fn census() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 30).unwrap_or_default()
}

/// Indicators shown on an area page: (DfE name, heading, explanation).
const SHOWN: &[(&str, &str, &str)] = &[
    (
        "inpost_fte",
        "FTE in post",
        "Full-time equivalent social workers employed by the council at 30 September.",
    ),
    (
        "turnover_rate_fte",
        "Turnover rate (%)",
        "Leavers in the year as a percentage of FTE in post at 30 September.",
    ),
    (
        "vacancy_rate_fte",
        "Vacancy rate (%)",
        "FTE vacancies as a percentage of vacancies plus FTE in post.",
    ),
    (
        "agency_rate_fte",
        "Agency rate (%)",
        "Agency FTE as a percentage of agency plus FTE in post.",
    ),
    (
        "caseload_fte",
        "Average caseload",
        "Cases held per FTE case-holding social worker.",
    ),
    (
        "absence_rate_fte",
        "Sickness absence rate (%)",
        "Working days lost to sickness as a percentage of available working days.",
    ),
];

struct RegionView {
    code: String,
    name: String,
    areas: Vec<AreaLink>,
    /// Whether the viewer may see the region's dashboards.
    dashboards: bool,
}

struct AreaLink {
    code: String,
    name: String,
    old_la_code: String,
    joint_note: Option<String>,
    /// Whether the viewer may open the area's page (otherwise its name is not a link).
    open: bool,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    attribution: &'static str,
    synthetic_banner: bool,
    synthetic: Option<String>,
    area_count: usize,
    on_date: String,
    regions: Vec<RegionView>,
    england_dashboards: bool,
    shortcuts: Vec<(String, String)>,
    /// Whether the viewer may open any area's page (an employer may not: its home is its
    /// return).
    any_area_open: bool,
    /// The search typed, if any.
    q: String,
}

async fn synthetic_summary(state: &AppState) -> Result<Option<String>, WebError> {
    Ok(workforce::synthetic_run(&state.db).await?.map(|r| {
        format!(
            "{} worker records in {} organisations (seed {}, scale {})",
            thousands(r.workers),
            thousands(r.organisations),
            r.seed,
            r.scale
        )
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct IndexQuery {
    /// Text in an area's name or code.
    #[serde(default)]
    q: String,
}

pub async fn index(
    State(state): State<AppState>,
    axum::Extension(viewer): axum::Extension<Option<crate::access::Viewer>>,
    axum::extract::Query(query): axum::extract::Query<IndexQuery>,
) -> Result<Html<String>, WebError> {
    use crate::access::policy::{decide, Need, Target};
    let access = viewer.as_ref().map(|v| &v.access);
    let on = census();
    let areas = geography::areas(&state.db, Some(on), true).await?;
    let regions = geography::regions(&state.db).await?;
    let joint: Vec<&AreaRow> = areas.iter().filter(|a| a.is_joint).collect();
    let mut by_region: BTreeMap<String, Vec<AreaLink>> = BTreeMap::new();
    // whether the viewer may open an area's page: only those are links
    let may_open = |a: &AreaRow| {
        decide(
            access,
            Need::AreaAggregates,
            &Target {
                area: Some((a.code.clone(), a.old_la_code.clone())),
                region: Some(a.region_code.clone()),
                ..Default::default()
            },
        )
    };
    let wanted = query.q.trim().to_lowercase();
    let matches = |a: &AreaRow| {
        wanted.is_empty()
            || a.name.to_lowercase().contains(&wanted)
            || a.code.to_lowercase() == wanted
            || a.old_la_code == wanted
    };
    for a in areas.iter().filter(|a| !a.is_joint && matches(a)) {
        let joint_note = joint
            .iter()
            .find(|j| j.old_la_code.split(" / ").any(|c| c == a.old_la_code))
            .map(|j| format!("social work figures published jointly as {}", j.name));
        by_region
            .entry(a.region_code.clone())
            .or_default()
            .push(AreaLink {
                open: may_open(a),
                code: a.code.clone(),
                name: a.name.clone(),
                old_la_code: a.old_la_code.clone(),
                joint_note,
            });
    }
    let area_count = by_region.values().map(Vec::len).sum();
    let regions = regions
        .into_iter()
        .filter(|r| r.parent_code.is_none())
        .filter_map(|r| {
            let dashboards = decide(
                access,
                Need::RegionAggregates,
                &Target {
                    region: Some(r.code.clone()),
                    ..Default::default()
                },
            );
            by_region.remove(&r.code).map(|areas| RegionView {
                code: r.code,
                name: r.name,
                areas,
                dashboards,
            })
        })
        .collect();
    // a short way in to what the viewer works on
    let mut shortcuts: Vec<(String, String)> = Vec::new();
    if let Some(v) = &viewer {
        use cws_domain::user::Scope;
        match v.access.scope() {
            Scope::Organisation { area, org } => {
                if let Some(a) = geography::area(&state.db, area).await? {
                    let orgs = cws_store::returns::organisations(&state.db, a.id).await?;
                    if let Some(o) = orgs.iter().find(|o| o.id.to_string() == *org) {
                        let base = format!("/areas/{}/organisations/{}", a.code, o.reference);
                        shortcuts.push((
                            format!("{base}/return"),
                            format!("{}: your workforce return (due date, status, send)", o.name),
                        ));
                        shortcuts.push((
                            format!("{base}/upload"),
                            format!("{}: upload your return", o.name),
                        ));
                        shortcuts.push((
                            format!("{base}/workers"),
                            format!("{}: add or change posts one by one", o.name),
                        ));
                        shortcuts.push((
                            format!("{base}/template.xlsx"),
                            format!("{}: the return template (Excel)", o.name),
                        ));
                    }
                }
            }
            Scope::Area { area } => {
                if let Some(a) = geography::area(&state.db, area).await? {
                    if v.access.role() == cws_domain::user::UserRole::AreaLead {
                        shortcuts.push((
                            format!("/areas/{}/returns", a.code),
                            format!(
                                "{}: workforce returns (who has returned, who to chase)",
                                a.name
                            ),
                        ));
                    }
                    // the strategy in force (the latest), summarised for its board, first for
                    // a board member
                    let latest = cws_store::strategy::strategies(&state.db, a.id)
                        .await?
                        .into_iter()
                        .max_by_key(|s| s.period_start);
                    let strategy = match latest {
                        Some(s) => (
                            format!("/areas/{}/strategy/{}", a.code, s.id),
                            format!(
                                "{}: {} — the board's summary, with the Word document",
                                a.name, s.title
                            ),
                        ),
                        None => (
                            format!("/areas/{}/strategy", a.code),
                            format!("{}: the workforce strategy", a.name),
                        ),
                    };
                    if v.access.role() == cws_domain::user::UserRole::BoardViewer {
                        shortcuts.insert(0, strategy);
                    } else {
                        shortcuts.push(strategy);
                    }
                    shortcuts.push((
                        format!("/areas/{}/dashboard/overview", a.code),
                        format!("{}: dashboards", a.name),
                    ));
                    shortcuts.push((
                        format!("/areas/{}", a.code),
                        format!("{}: published figures beside its neighbours", a.name),
                    ));
                }
            }
            Scope::Region { region } => {
                shortcuts.push((
                    format!("/regions/{region}/dashboard/overview"),
                    "Your region: dashboards, and its areas compared".into(),
                ));
                shortcuts.push((
                    format!("/#{region}"),
                    "Your region's areas: published figures and strategies".into(),
                ));
            }
            Scope::National => {
                shortcuts.push((
                    "/england/dashboard/overview".into(),
                    "England: dashboards, and areas compared".into(),
                ));
            }
        }
    }
    let synthetic = synthetic_summary(&state).await?;
    let any_area_open = areas.iter().any(may_open);
    let page = IndexPage {
        q: query.q.trim().to_string(),
        any_area_open,
        shortcuts,
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: synthetic.is_some(),
        synthetic,
        area_count,
        on_date: on.format("%-d %B %Y").to_string(),
        regions,
        england_dashboards: decide(access, Need::NationalAggregates, &Target::default()),
    };
    Ok(Html(page.render()?))
}

struct LatestRow {
    label: String,
    href: Option<String>,
    note: Option<String>,
    emphasis: bool,
    cells: Vec<String>,
}

struct ChartView {
    title: String,
    explanation: String,
    svg: String,
    legend: String,
    years: Vec<i64>,
    rows: Vec<DataRow>,
}

struct DataRow {
    label: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    /// Whether the viewer may open the area's returns (its lead).
    returns_link: bool,
    attribution: &'static str,
    synthetic_banner: bool,
    name: String,
    code: String,
    old_la_code: String,
    kind: String,
    region_code: String,
    region_name: String,
    joint_note: Option<String>,
    history_note: Option<String>,
    latest_year: i64,
    latest_headers: Vec<&'static str>,
    latest_rows: Vec<LatestRow>,
    charts: Vec<ChartView>,
    census_date: String,
    workforce_rows: Vec<(String, String, String)>,
}

/// Values keyed by (series key, indicator, year).
type Values = HashMap<(String, String, i64), (Option<f64>, Option<String>)>;

fn collect(values: &mut Values, rows: Vec<IndicatorValue>) {
    for r in rows {
        values.insert((r.geo_code, r.indicator, r.year), (r.value, r.symbol));
    }
}

fn cell(values: &Values, key: &str, indicator: &str, year: i64) -> String {
    match values.get(&(key.to_string(), indicator.to_string(), year)) {
        Some((Some(v), _)) => trim_number(*v),
        Some((None, Some(s))) => format!(r#"<span class="symbol">{s}</span>"#),
        _ => r#"<span class="symbol" title="no row published">–</span>"#.to_string(),
    }
}

/// Whether `viewer` may open the page of the area `code`.
async fn may_open_area(
    state: &AppState,
    viewer: Option<&crate::access::Viewer>,
    code: &str,
) -> Result<bool, WebError> {
    use crate::access::policy::{decide, Need, Target};
    let Some(a) = geography::area(&state.db, code).await? else {
        return Ok(false);
    };
    Ok(decide(
        viewer.map(|v| &v.access),
        Need::AreaAggregates,
        &Target {
            area: Some((a.code.clone(), a.old_la_code.clone())),
            region: Some(a.region_code.clone()),
            ..Default::default()
        },
    ))
}

pub async fn area(
    State(state): State<AppState>,
    axum::Extension(viewer): axum::Extension<Option<crate::access::Viewer>>,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    let db = &state.db;
    let area = geography::area(db, &code)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no area with the code '{code}'. Use a DfE number such as 318 or a GSS code such as E09000027.")))?;
    let indicators: Vec<&str> = SHOWN.iter().map(|s| s.0).collect();

    // The area's published series: its own, or the joint return it is part of.
    let mut own =
        geography::published_for_las(db, std::slice::from_ref(&area.old_la_code), &indicators)
            .await?;
    let mut joint_note = None;
    let mut published_key = area.old_la_code.clone();
    if own.iter().all(|v| v.year < 2025) && !area.is_joint {
        for j in geography::joint_areas_of(db, area.id).await? {
            let rows =
                geography::published_for_las(db, std::slice::from_ref(&j.old_la_code), &indicators)
                    .await?;
            if !rows.is_empty() {
                joint_note = Some(format!(
                    "{} reports its children's social workers jointly with its partner: the published figures below are for {} together.",
                    area.name, j.name
                ));
                published_key = j.old_la_code.clone();
                own.extend(rows);
            }
        }
    }
    if area.is_joint {
        let members: Vec<String> = geography::members_of(db, area.id)
            .await?
            .into_iter()
            .map(|m| m.name)
            .collect();
        joint_note = Some(format!(
            "This is a joint return of {}.",
            members.join(" and ")
        ));
    }
    let history = geography::history(db, &area.code).await?;
    let history_note = (!history.is_empty()).then(|| {
        history
            .iter()
            .map(|h| {
                format!(
                    "{} → {} ({}, {})",
                    h.from_code,
                    h.to_code,
                    h.kind.code(),
                    h.on_date.format("%-d %B %Y")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    });
    let history_note = history_note.map(|h| format!("History: {h}."));

    // Neighbours' series by DfE number (the first number of the area's own code for joint areas).
    let first_code = area
        .old_la_code
        .split(" / ")
        .next()
        .unwrap_or(&area.old_la_code)
        .to_string();
    let neighbours = geography::neighbours(db, &first_code).await?;
    let neighbour_codes: Vec<String> = neighbours
        .iter()
        .map(|n| n.neighbour_old_code.clone())
        .collect();
    let mut values: Values = HashMap::new();
    let own_rows: Vec<IndicatorValue> = own
        .into_iter()
        .map(|mut r| {
            r.geo_code = "area".into();
            r
        })
        .collect();
    collect(&mut values, own_rows);
    collect(
        &mut values,
        geography::published_for_las(db, &neighbour_codes, &indicators).await?,
    );
    // Neighbours reporting jointly (e.g. 314 / 318) are found under their joint code.
    let joint_codes: Vec<String> = {
        let all = geography::areas(db, Some(census()), true).await?;
        all.into_iter()
            .filter(|a| {
                a.is_joint
                    && a.old_la_code
                        .split(" / ")
                        .any(|c| neighbour_codes.contains(&c.to_string()))
            })
            .map(|a| a.old_la_code)
            .collect()
    };
    collect(
        &mut values,
        geography::published_for_las(db, &joint_codes, &indicators).await?,
    );
    // Each neighbour's series: its own rows, or else the joint return that includes it.
    let neighbour_key: HashMap<String, String> = neighbour_codes
        .iter()
        .map(|c| {
            let own = values.keys().any(|(k, _, _)| k == c);
            let key = if own {
                None
            } else {
                joint_codes.iter().find(|j| j.split(" / ").any(|p| p == c))
            };
            (c.clone(), key.cloned().unwrap_or_else(|| c.clone()))
        })
        .collect();
    let region_rows = geography::published_indicators(
        db,
        &[area.region_code.clone(), ENGLAND.to_string()],
        &indicators,
    )
    .await?;
    collect(&mut values, region_rows);

    let years: Vec<i64> = (2017..=2025).collect();
    let latest_year = 2025;
    let mut latest_rows = vec![LatestRow {
        label: area.name.clone(),
        href: None,
        note: (published_key != area.old_la_code).then(|| "joint return".to_string()),
        emphasis: true,
        cells: SHOWN
            .iter()
            .map(|(i, _, _)| cell(&values, "area", i, latest_year))
            .collect(),
    }];
    for n in &neighbours {
        let key = neighbour_key
            .get(&n.neighbour_old_code)
            .cloned()
            .unwrap_or_default();
        // a neighbour's page is linked only for whoever may open it
        let href = match &n.code {
            Some(c) if may_open_area(&state, viewer.as_ref(), c).await? => {
                Some(format!("/areas/{c}"))
            }
            _ => None,
        };
        latest_rows.push(LatestRow {
            label: n
                .name
                .clone()
                .unwrap_or_else(|| n.neighbour_old_code.clone()),
            href,
            note: Some(format!(
                "neighbour {} · {}{}",
                n.rank,
                n.closeness,
                if key == published_key {
                    " · the same joint return as this area: left out of the average"
                } else if key.contains(" / ") {
                    " · joint return"
                } else {
                    ""
                }
            )),
            emphasis: false,
            cells: SHOWN
                .iter()
                .map(|(i, _, _)| cell(&values, &key, i, latest_year))
                .collect(),
        });
    }
    // Neighbours' average per indicator and year, over neighbours with a published number:
    // each published series once (two neighbours in one joint return count once), and never
    // the area's own joint return, which would compare the area with itself.
    let mean_key = "neighbours".to_string();
    let mut averaged: Vec<&String> = neighbours
        .iter()
        .filter_map(|n| neighbour_key.get(&n.neighbour_old_code))
        .filter(|k| **k != published_key)
        .collect();
    averaged.sort();
    averaged.dedup();
    for (ind, _, _) in SHOWN {
        for y in &years {
            let nums: Vec<f64> = averaged
                .iter()
                .filter_map(|k| {
                    values
                        .get(&((*k).clone(), ind.to_string(), *y))
                        .and_then(|v| v.0)
                })
                .collect();
            if !nums.is_empty() {
                let mean = nums.iter().sum::<f64>() / nums.len() as f64;
                values.insert(
                    (mean_key.clone(), ind.to_string(), *y),
                    (Some((mean * 10.0).round() / 10.0), None),
                );
            }
        }
    }
    latest_rows.push(LatestRow {
        label: "Statistical neighbours (average)".into(),
        href: None,
        note: Some(format!(
            "simple mean of {} (each joint return once; never this area's own)",
            cws_domain::words::count_as(
                averaged.len() as u64,
                "neighbour's published series",
                "neighbours' published series"
            )
        )),
        emphasis: false,
        cells: SHOWN
            .iter()
            .map(|(i, _, _)| cell(&values, &mean_key, i, latest_year))
            .collect(),
    });
    latest_rows.push(LatestRow {
        label: area.region_name.clone(),
        href: Some(format!("/#{}", area.region_code)),
        note: Some("region".into()),
        emphasis: false,
        cells: SHOWN
            .iter()
            .map(|(i, _, _)| cell(&values, &area.region_code, i, latest_year))
            .collect(),
    });
    latest_rows.push(LatestRow {
        label: "England".into(),
        href: None,
        note: None,
        emphasis: false,
        cells: SHOWN
            .iter()
            .map(|(i, _, _)| cell(&values, ENGLAND, i, latest_year))
            .collect(),
    });

    let series_keys: Vec<(String, String, bool)> = vec![
        ("area".into(), area.name.clone(), true),
        (
            mean_key.clone(),
            "Statistical neighbours (average)".into(),
            false,
        ),
        (area.region_code.clone(), area.region_name.clone(), false),
        (ENGLAND.into(), "England".into(), false),
    ];
    let charts = SHOWN
        .iter()
        .enumerate()
        .map(|(i, (ind, title, explanation))| {
            // FTE in post is a size, not a rate: compare the area with its neighbours only.
            let keys: Vec<&(String, String, bool)> = if *ind == "inpost_fte" {
                series_keys.iter().take(2).collect()
            } else {
                series_keys.iter().collect()
            };
            let series: Vec<Series> = keys
                .iter()
                .map(|(k, label, emph)| Series {
                    label: label.clone(),
                    points: years
                        .iter()
                        .map(|y| {
                            (
                                *y,
                                values
                                    .get(&(k.clone(), ind.to_string(), *y))
                                    .and_then(|v| v.0),
                            )
                        })
                        .collect(),
                    emphasis: *emph,
                })
                .collect();
            let rows = keys
                .iter()
                .map(|(k, label, _)| DataRow {
                    label: label.clone(),
                    cells: years.iter().map(|y| cell(&values, k, ind, *y)).collect(),
                })
                .collect();
            ChartView {
                title: title.to_string(),
                explanation: explanation.to_string(),
                svg: line_chart(
                    &format!("chart{i}"),
                    &format!("{title}, {}, 2017 to 2025", area.name),
                    &format!(
                        "Line chart of {} by year for {}, compared with {}.",
                        title.to_lowercase(),
                        area.name,
                        keys.iter()
                            .skip(1)
                            .map(|k| k.1.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    &series,
                ),
                legend: legend(&series),
                years: years.clone(),
                rows,
            }
        })
        .collect();

    let workforce_rows = workforce::posts_by_role_group(db, area.id, census())
        .await?
        .into_iter()
        .map(|g| {
            let label = RoleGroup::parse(&g.group_code)
                .map(|r| r.label().to_string())
                .unwrap_or(g.group_code);
            (
                label,
                thousands(g.posts),
                g.fte
                    .map(|f| format!("{f:.1}"))
                    .unwrap_or_else(|| "–".into()),
            )
        })
        .collect();
    // the returns are the area lead's: linked only for whoever may open them
    let returns_link = crate::access::policy::decide(
        viewer.as_ref().map(|v| &v.access),
        crate::access::policy::Need::AreaWorkers,
        &crate::access::policy::Target {
            area: Some((area.code.clone(), area.old_la_code.clone())),
            region: Some(area.region_code.clone()),
            ..Default::default()
        },
    );
    let page = AreaPage {
        returns_link,
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: workforce::synthetic_run(db).await?.is_some(),
        name: area.name.clone(),
        code: area.code.clone(),
        old_la_code: area.old_la_code.clone(),
        kind: area.kind.label().to_string(),
        region_code: area.region_code.clone(),
        region_name: area.region_name.clone(),
        joint_note,
        history_note,
        latest_year,
        latest_headers: SHOWN.iter().map(|s| s.1).collect(),
        latest_rows,
        charts,
        census_date: census().format("%-d %B %Y").to_string(),
        workforce_rows,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    attribution: &'static str,
    synthetic_banner: bool,
    files: Vec<(&'static str, String)>,
    sources: &'static str,
}

pub async fn about_data() -> Result<Html<String>, WebError> {
    let page = AboutPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: false,
        files: cws_reference::EMBEDDED_FILES
            .iter()
            .map(|f| (f.name, f.digest()))
            .collect(),
        sources: cws_reference::EMBEDDED_FILES
            .iter()
            .find(|f| f.name.ends_with("SOURCES.md"))
            .map(|f| f.text)
            .unwrap_or(""),
    };
    Ok(Html(page.render()?))
}

pub async fn not_found() -> WebError {
    WebError::NotFound("If you typed the web address, check it is correct.".into())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    attribution: &'static str,
    synthetic_banner: bool,
    heading: &'a str,
    message: &'a str,
}

pub fn error_page(heading: &str, message: &str) -> String {
    ErrorPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: false,
        heading,
        message,
    }
    .render()
    .unwrap_or_else(|_| format!("<h1>{heading}</h1>"))
}

fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}
