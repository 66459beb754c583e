//! The area lead's view of a collection: its state (open, due, closed: late), who has
//! returned by sector, service and setting, and every organisation in a table to search,
//! filter and sort — status, version, when and by whom, late — with links to its return, its
//! posts and its template, and the list of those still to chase as CSV.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use cws_collect::coverage;
use cws_domain::collection::ReturnStatus;
use cws_store::returns::{self, CollectionRow, CoverageRow};
use serde::Deserialize;

use super::own::{long_date, when};
use super::{area_and_collection, download};
use crate::{AppState, WebError};

struct CoverageTable {
    dimension: &'static str,
    heading: String,
    groups: Vec<coverage::Group>,
}

/// One organisation's line in the table.
struct OrgLine {
    reference: String,
    name: String,
    sector: String,
    setting: String,
    status: String,
    /// A short code for the status, for filtering: sent, draft, errors, queries, none.
    state: &'static str,
    version: String,
    sent: String,
    /// The stored time, for sorting.
    sent_at: String,
    by: String,
    late: bool,
}

impl OrgLine {
    fn of(r: &CoverageRow, c: &CollectionRow) -> OrgLine {
        let sent_on = r
            .submitted_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.date_naive());
        let (state, status) = match (r.status, r.has_draft) {
            (ReturnStatus::Accepted, true) => ("sent", "Sent; changes in a draft not sent".into()),
            (ReturnStatus::Accepted, false) => ("sent", "Sent".to_string()),
            (ReturnStatus::WithErrors, _) => (
                "errors",
                match r.errors.filter(|e| *e > 0) {
                    Some(e) => format!("Refused: {e} error{}", if e == 1 { "" } else { "s" }),
                    None => "Refused: errors".into(),
                },
            ),
            (ReturnStatus::WithQueries, _) => ("queries", "Queries to explain".into()),
            (_, true) => ("draft", "Draft, not sent".into()),
            (s, false) => ("none", s.label().to_string()),
        };
        OrgLine {
            reference: r.reference.clone(),
            name: r.name.clone(),
            sector: r.sector.label().to_string(),
            setting: r.setting_type.label().to_string(),
            status,
            state,
            version: r.version.map(|v| v.to_string()).unwrap_or_default(),
            sent: r.submitted_at.as_deref().map(when).unwrap_or_default(),
            sent_at: r.submitted_at.clone().unwrap_or_default(),
            by: match (&r.submitted_at, &r.submitted_by) {
                (None, _) => String::new(),
                (Some(_), Some(email)) => email.clone(),
                (Some(_), None) => "command line or bulk import".into(),
            },
            late: state == "sent" && sent_on.is_some_and(|d| d > c.due),
        }
    }

    /// Whether it is still to be chased: nothing accepted.
    fn outstanding(&self) -> bool {
        self.state != "sent"
    }
}

/// The table's search, filters and order, from the address.
#[derive(Deserialize, Default, Clone)]
pub struct TableQuery {
    pub census: Option<chrono::NaiveDate>,
    /// Text in the name or reference.
    #[serde(default)]
    pub q: String,
    /// all, outstanding, sent, late, draft, errors, queries.
    #[serde(default)]
    pub status: String,
    /// A sector's label, or empty for all.
    #[serde(default)]
    pub sector: String,
    /// name, reference, sector, setting, status, sent.
    #[serde(default)]
    pub sort: String,
    /// asc or desc.
    #[serde(default)]
    pub dir: String,
}

impl TableQuery {
    fn keeps(&self, l: &OrgLine) -> bool {
        let q = self.q.trim().to_lowercase();
        let text = q.is_empty()
            || l.name.to_lowercase().contains(&q)
            || l.reference.to_lowercase().contains(&q);
        let status = match self.status.as_str() {
            "outstanding" => l.outstanding(),
            "late" => l.late,
            "" | "all" => true,
            s => l.state == s,
        };
        text && status && (self.sector.is_empty() || l.sector == self.sector)
    }

    fn order(&self, lines: &mut [OrgLine]) {
        let key = |l: &OrgLine| -> String {
            match self.sort.as_str() {
                "reference" => l.reference.clone(),
                "sector" => format!("{} {}", l.sector, l.name),
                "setting" => format!("{} {}", l.setting, l.name),
                "status" => format!("{} {}", l.status, l.name),
                "sent" => l.sent_at.clone(),
                _ => l.name.to_lowercase(),
            }
        };
        lines.sort_by_key(key);
        if self.dir == "desc" {
            lines.reverse();
        }
    }

    /// The address of the page sorted by `column` (the other way if it already is).
    fn sorted_by(&self, column: &str) -> String {
        let dir = if self.sort == column && self.dir != "desc" {
            "desc"
        } else {
            "asc"
        };
        let mut pairs = vec![("sort", column.to_string()), ("dir", dir.to_string())];
        for (k, v) in [
            ("q", &self.q),
            ("status", &self.status),
            ("sector", &self.sector),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        if let Some(c) = self.census {
            pairs.push(("census", c.to_string()));
        }
        format!(
            "?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }

    /// `aria-sort` of a column header.
    fn aria_sort(&self, column: &str) -> &'static str {
        let sorted = self.sort == column || (self.sort.is_empty() && column == "name");
        match (sorted, self.dir == "desc") {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }
}

#[derive(Template)]
#[template(path = "returns.html")]
struct ReturnsPage {
    attribution: &'static str,
    synthetic_banner: bool,
    area_code: String,
    area_name: String,
    census_date: String,
    census_iso: String,
    /// Where the collection stands today, in words.
    state: String,
    /// The next census to open, when this one has closed and none is open.
    next_census: Option<String>,
    collections: Vec<(String, String)>,
    overall: Option<coverage::Group>,
    tables: Vec<CoverageTable>,
    lines: Vec<OrgLine>,
    total: usize,
    outstanding: usize,
    sectors: Vec<String>,
    filter: TableQuery,
}

impl ReturnsPage {
    fn sorted_by(&self, column: &str) -> String {
        self.filter.sorted_by(column)
    }
    fn aria_sort(&self, column: &str) -> &'static str {
        self.filter.aria_sort(column)
    }
}

/// The collection's state on `today`, in words.
fn collection_state(c: &CollectionRow, today: chrono::NaiveDate) -> String {
    if today < c.opens {
        format!("Opens on {}.", long_date(c.opens))
    } else if today <= c.due {
        format!(
            "Open: returns are due by {} ({} days left); the collection closes on {}.",
            long_date(c.due),
            (c.due - today).num_days(),
            long_date(c.closes)
        )
    } else if today <= c.closes {
        format!(
            "Past its due date ({}): returns sent now are marked late; the collection closes on {}.",
            long_date(c.due),
            long_date(c.closes)
        )
    } else {
        format!(
            "Closed on {}: returns sent now are still taken, and marked late.",
            long_date(c.closes)
        )
    }
}

/// The area lead's view: the collection's state, coverage, and every organisation.
pub async fn returns_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(filter): Query<TableQuery>,
) -> Result<Html<String>, WebError> {
    let (area, c) = area_and_collection(&state, &code, filter.census).await?;
    let rows = returns::coverage(&state.db, area.id, c.id).await?;
    let mut summary = coverage::summarise(&rows);
    let overall = summary.first_mut().and_then(|(_, g)| g.pop());
    let tables = summary
        .into_iter()
        .skip(1)
        .map(|(dimension, groups)| {
            let mut heading = dimension.to_string();
            heading[..1].make_ascii_uppercase();
            CoverageTable {
                dimension,
                heading,
                groups,
            }
        })
        .collect();
    let all: Vec<OrgLine> = rows.iter().map(|r| OrgLine::of(r, &c)).collect();
    let outstanding = all.iter().filter(|l| l.outstanding()).count();
    let mut sectors: Vec<String> = all.iter().map(|l| l.sector.clone()).collect();
    sectors.sort();
    sectors.dedup();
    let total = all.len();
    let mut lines: Vec<OrgLine> = all.into_iter().filter(|l| filter.keeps(l)).collect();
    filter.order(&mut lines);
    let today = chrono::Local::now().date_naive();
    let collections = returns::collections(&state.db).await?;
    let next_census = (today > c.closes
        && !collections.iter().any(|o| o.census_date > c.census_date))
    .then(|| {
        chrono::NaiveDate::from_ymd_opt(
            chrono::Datelike::year(&c.census_date) + 1,
            chrono::Datelike::month(&c.census_date),
            chrono::Datelike::day(&c.census_date),
        )
    })
    .flatten()
    .map(|d| d.to_string());
    let page = ReturnsPage {
        attribution: cws_reference::ATTRIBUTION,
        synthetic_banner: cws_store::workforce::synthetic_run(&state.db)
            .await?
            .is_some(),
        area_code: area.code,
        area_name: area.name,
        census_date: long_date(c.census_date),
        census_iso: c.census_date.to_string(),
        state: collection_state(&c, today),
        next_census,
        collections: collections
            .into_iter()
            .map(|o| (o.census_date.to_string(), long_date(o.census_date)))
            .collect(),
        overall,
        tables,
        lines,
        total,
        outstanding,
        sectors,
        filter,
    };
    Ok(Html(page.render()?))
}

/// The organisations still to chase (no accepted return), as CSV: for a mail merge or a
/// call list.
pub async fn chase_list(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(filter): Query<TableQuery>,
) -> Result<Response, WebError> {
    let (area, c) = area_and_collection(&state, &code, filter.census).await?;
    let rows = returns::coverage(&state.db, area.id, c.id).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "organisation_ref",
        "organisation",
        "sector",
        "setting",
        "status",
        "census_date",
        "due",
    ])?;
    for l in rows
        .iter()
        .map(|r| OrgLine::of(r, &c))
        .filter(OrgLine::outstanding)
    {
        out.write_record(
            [
                l.reference.as_str(),
                &l.name,
                &l.sector,
                &l.setting,
                &l.status,
                &c.census_date.to_string(),
                &c.due.to_string(),
            ]
            .map(|cell| cws_domain::cells::spreadsheet_safe(cell).into_owned()),
        )?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| WebError::Internal(format!("writing the chase list: {e}")))?;
    Ok(download(
        bytes,
        "text/csv; charset=utf-8",
        &format!("{}-returns-to-chase-{}.csv", area.code, c.census_date),
    ))
}
