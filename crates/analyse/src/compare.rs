//! Comparisons: an area beside its statistical neighbours, its region and England, and any
//! geography over census dates — from the area's own returns, and for the social-work
//! indicators from DfE's published figures where an area has no returns (marked as
//! published), both side by side where it has.
//!
//! Aggregates (pooled neighbours, region, England) are sums over areas, never typed in: in
//! the social-work focus each area counts once, by its own returns where it has them and by
//! its published components otherwise; each aggregate says how many areas it covers.

use chrono::NaiveDate;
use cws_domain::geography::ENGLAND;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::cube::Line;
pub use crate::disclosure::NOT_AVAILABLE;
use crate::disclosure::{primary_cells, suppress, Policy, Shown, CONFIDENTIAL};
use crate::figures::{compute, Dimension, FiguresError, Options, Scope};
use crate::measure::{round, Measure, Params, Sums};
use crate::published::{components_of, AreaValues, COMPONENTS};
use crate::snapshot::Snapshot;

/// Which workers the returns figures cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Focus {
    /// Everyone in the returns.
    Whole,
    /// Children and family social workers employed or engaged by the local authority: the
    /// population of DfE's census, so the figures line up with the published ones.
    SocialWork,
}

/// Where a row's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed from the stored worker-level returns.
    Returns,
    /// DfE's published figures for the area.
    Published,
    /// Summed over areas, each by its returns or else its published figures.
    Combined,
    /// Nothing is held for the area.
    None,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Returns => "returns",
            Source::Published => "published",
            Source::Combined => "returns and published",
            Source::None => "not available",
        }
    }
}

/// One row of a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub census: NaiveDate,
    /// How the row relates to the subject: "area", "neighbour 1", "neighbours", "region",
    /// "England".
    pub relation: String,
    pub code: String,
    pub name: String,
    pub source: Source,
    pub sums: Sums,
    /// Published components with no value (a symbol): the measures on them are not shown.
    pub missing: Vec<&'static str>,
    /// Areas of an aggregate with no figures (no returns, no published numbers).
    pub uncovered: Vec<String>,
    /// Areas summed into the row by their returns, by their published figures, and in all.
    pub by_returns: usize,
    pub by_published: usize,
    pub areas: usize,
    /// Why a row has no figures, where that is not the lack of returns and published figures.
    pub note: Option<String>,
}

impl Entry {
    /// The value shown for a measure, before disclosure control.
    pub fn value(&self, m: Measure, params: &Params) -> Shown {
        if self.source == Source::None {
            return Shown::Symbol(NOT_AVAILABLE);
        }
        // published figures hold only the social-work indicators, some with symbols
        if self.by_published > 0 {
            let parts = components_of(m);
            if parts.is_empty() || parts.iter().any(|p| self.missing.contains(p)) {
                return Shown::Symbol(NOT_AVAILABLE);
            }
        }
        match m.value(&self.sums, params) {
            Some(v) => Shown::Value(round(m.kind(), v)),
            None => Shown::Symbol(m.missing(&self.sums)),
        }
    }

    /// How much of the row's geography is covered, in words.
    pub fn coverage(&self) -> String {
        if let Some(note) = &self.note {
            return note.clone();
        }
        match self.source {
            Source::Returns if self.areas <= 1 => "own returns".into(),
            Source::Published if self.areas <= 1 && self.code.contains(" / ") => {
                "DfE published figures (joint return)".into()
            }
            Source::Published if self.areas <= 1 => "DfE published figures".into(),
            Source::None if self.areas <= 1 => "no returns and no published figures".into(),
            _ => {
                let mut s = format!(
                    "{} of {} by returns",
                    self.by_returns,
                    cws_domain::words::count(self.areas as u64, "area")
                );
                if self.by_published > 0 {
                    s.push_str(&format!(", {} by published figures", self.by_published));
                }
                if !self.uncovered.is_empty() {
                    let n = self.uncovered.len();
                    let mut names = self.uncovered[..n.min(4)].join(", ");
                    if n > 4 {
                        names.push_str(&format!(" and {} more", n - 4));
                    }
                    s.push_str(&format!("; no figures for {names}"));
                }
                s
            }
        }
    }
}

/// One area's published figures for a year; a joint return covers several areas.
#[derive(Debug, Clone)]
pub struct Published {
    /// The published row's code and name (`A / B` for a joint return).
    pub code: String,
    pub name: String,
    pub sums: Sums,
    /// Components published as a symbol rather than a number.
    pub missing: Vec<&'static str>,
    /// The GSS codes of the areas the row covers.
    pub members: Vec<String>,
}

impl Published {
    /// True when the row has no figures at all (every component a symbol).
    pub fn is_empty(&self) -> bool {
        self.missing.len() == COMPONENTS.len()
    }
}

/// The published figures of every area for a year, by each covered area's GSS code.
pub fn published_by_area(areas: &[AreaValues], year: i32) -> FxHashMap<String, Published> {
    let mut out = FxHashMap::default();
    for a in areas.iter().filter(|a| a.year == year) {
        let mut sums = Sums::default();
        let mut missing = Vec::new();
        for (name, field) in COMPONENTS {
            match a.values.get(name) {
                Some(cws_reference::PublishedValue::Number(v)) => *field(&mut sums) = *v,
                _ => missing.push(*name),
            }
        }
        let members: Vec<String> = a.code.split(" / ").map(str::to_string).collect();
        let p = Published {
            code: a.code.clone(),
            name: a.name.clone(),
            sums,
            missing,
            members: members.clone(),
        };
        for m in members {
            out.insert(m, p.clone());
        }
    }
    out
}

/// Each area's sums from the returns, by GSS code, for the focus; areas without returns are
/// absent.
pub fn returns_by_area(
    snap: &Snapshot,
    opts: &Options,
    focus: Focus,
) -> Result<FxHashMap<String, Sums>, FiguresError> {
    let code_of: FxHashMap<&str, &str> = snap
        .areas
        .iter()
        .map(|a| (a.name.as_str(), a.code.as_str()))
        .collect();
    let mut out: FxHashMap<String, Sums> = FxHashMap::default();
    let group = cws_domain::role::RoleGroup::SocialWorkers.label();
    let sector = cws_domain::organisation::Sector::StatutoryLa.label();
    let dims = match focus {
        Focus::Whole => vec![Dimension::Area],
        Focus::SocialWork => vec![Dimension::Area, Dimension::RoleGroup, Dimension::Sector],
    };
    let keep = |l: &[String]| focus == Focus::Whole || (l[1] == group && l[2] == sector);
    for g in compute(snap, &Scope::Nation, &dims, opts)? {
        if !keep(&g.labels) {
            continue;
        }
        if let Some(code) = code_of.get(g.labels[0].as_str()) {
            out.entry(code.to_string()).or_default().add(&g.sums);
        }
    }
    Ok(out)
}

/// Everything a comparison at one census date draws on.
pub struct Inputs<'a> {
    pub snap: &'a Snapshot,
    pub census: NaiveDate,
    pub focus: Focus,
    pub returns: FxHashMap<String, Sums>,
    /// Published figures by area (the social-work focus only).
    pub published: FxHashMap<String, Published>,
}

impl<'a> Inputs<'a> {
    pub fn new(
        snap: &'a Snapshot,
        opts: &Options,
        focus: Focus,
        published_rows: &[AreaValues],
    ) -> Result<Inputs<'a>, FiguresError> {
        use chrono::Datelike;
        let census = snap.census.ok_or(FiguresError::NoCensus)?;
        let published = match focus {
            Focus::SocialWork => published_by_area(published_rows, census.year()),
            Focus::Whole => FxHashMap::default(),
        };
        Ok(Inputs {
            snap,
            census,
            focus,
            returns: returns_by_area(snap, opts, focus)?,
            published,
        })
    }

    /// An area's own rows: its returns, and its published figures beside them (or alone).
    pub fn area_rows(&self, relation: &str, code: &str, name: &str) -> Vec<Entry> {
        let row = |source, code: &str, name: &str, sums, missing| Entry {
            census: self.census,
            relation: relation.to_string(),
            code: code.to_string(),
            name: name.to_string(),
            source,
            sums,
            missing,
            uncovered: Vec::new(),
            by_returns: usize::from(source == Source::Returns),
            by_published: usize::from(source == Source::Published),
            areas: 1,
            note: None,
        };
        let mut out = Vec::new();
        if let Some(s) = self.returns.get(code) {
            out.push(row(Source::Returns, code, name, *s, Vec::new()));
        }
        if let Some(p) = self.published.get(code).filter(|p| !p.is_empty()) {
            out.push(row(
                Source::Published,
                &p.code,
                &p.name,
                p.sums,
                p.missing.clone(),
            ));
        }
        if out.is_empty() {
            out.push(row(Source::None, code, name, Sums::default(), Vec::new()));
        }
        out
    }

    /// The sum over areas, each once: by its returns, else by its published figures (a
    /// joint return once for all its areas, and only when none of them has returns, since
    /// it cannot be split).
    pub fn combined(&self, relation: &str, code: &str, name: &str, areas: &[&str]) -> Entry {
        let mut e = Entry {
            census: self.census,
            relation: relation.to_string(),
            code: code.to_string(),
            name: name.to_string(),
            source: Source::Combined,
            sums: Sums::default(),
            missing: Vec::new(),
            uncovered: Vec::new(),
            by_returns: 0,
            by_published: 0,
            areas: areas.len(),
            note: None,
        };
        let mut joint_used: Vec<&str> = Vec::new();
        for a in areas {
            if let Some(s) = self.returns.get(*a) {
                e.sums.add(s);
                e.by_returns += 1;
                continue;
            }
            let usable = self.published.get(*a).filter(|p| {
                !p.is_empty() && !p.members.iter().any(|m| self.returns.contains_key(m))
            });
            match usable {
                Some(p) => {
                    e.by_published += 1;
                    if joint_used.contains(&p.code.as_str()) {
                        continue;
                    }
                    joint_used.push(&p.code);
                    e.sums.add(&p.sums);
                    for m in &p.missing {
                        if !e.missing.contains(m) {
                            e.missing.push(m);
                        }
                    }
                }
                None => e.uncovered.push(
                    self.snap
                        .areas
                        .iter()
                        .find(|x| x.code == *a)
                        .map_or_else(|| a.to_string(), |x| x.name.clone()),
                ),
            }
        }
        e.source = match (e.by_returns, e.by_published) {
            (0, 0) => Source::None,
            (_, 0) => Source::Returns,
            (0, _) => Source::Published,
            _ => Source::Combined,
        };
        e
    }

    /// An area beside its neighbours (nearest first: code and name), the neighbours pooled,
    /// its region and England.
    pub fn with_neighbours(&self, area: &str, neighbours: &[(String, String)]) -> Vec<Entry> {
        let snap = self.snap;
        let Some(info) = snap.areas.iter().find(|a| a.code == area) else {
            return Vec::new();
        };
        let mut out = self.area_rows("area", &info.code, &info.name);
        for (i, (code, name)) in neighbours.iter().enumerate() {
            let relation = format!("neighbour {}", i + 1);
            // a neighbour published jointly with the area is, in those figures, the area
            // itself: never a comparison
            let joint_with_area = self
                .published
                .get(code.as_str())
                .is_some_and(|p| p.members.iter().any(|m| m == area));
            let mut rows: Vec<Entry> = self
                .area_rows(&relation, code, name)
                .into_iter()
                .filter(|e| !(joint_with_area && e.source == Source::Published))
                .collect();
            if rows.is_empty() {
                let mut none = self.area_rows(&relation, "", name).remove(0);
                none.code = code.clone();
                none.note = Some(format!(
                    "published jointly with {}: not a comparison",
                    info.name
                ));
                rows.push(none);
            }
            out.extend(rows);
        }
        let codes: Vec<&str> = neighbours.iter().map(|(c, _)| c.as_str()).collect();
        out.push(self.combined("neighbours", "", "Statistical neighbours (pooled)", &codes));
        let region: Vec<&str> = snap
            .areas
            .iter()
            .filter(|a| a.region_code == info.region_code)
            .map(|a| a.code.as_str())
            .collect();
        out.push(self.combined("region", &info.region_code, &info.region_name, &region));
        let all: Vec<&str> = snap.areas.iter().map(|a| a.code.as_str()).collect();
        out.push(self.combined("England", ENGLAND, "England", &all));
        out
    }

    /// The rows for a scope: an area's own rows, or a region's or England's sum.
    pub fn scope_rows(&self, scope: &Scope) -> Vec<Entry> {
        let snap = self.snap;
        match scope {
            Scope::Area(code) => match snap.areas.iter().find(|a| &a.code == code) {
                Some(a) => self.area_rows("area", &a.code, &a.name),
                None => Vec::new(),
            },
            Scope::Region(code) => {
                let areas: Vec<&str> = snap
                    .areas
                    .iter()
                    .filter(|a| &a.region_code == code)
                    .map(|a| a.code.as_str())
                    .collect();
                let name = snap
                    .areas
                    .iter()
                    .find(|a| &a.region_code == code)
                    .map_or_else(String::new, |a| a.region_name.clone());
                vec![self.combined("region", code, &name, &areas)]
            }
            Scope::Nation => {
                let all: Vec<&str> = snap.areas.iter().map(|a| a.code.as_str()).collect();
                vec![self.combined("England", ENGLAND, "England", &all)]
            }
        }
    }
}

/// An area's published rows for every published year (for trends beyond the collections).
pub fn published_years(rows: &[AreaValues], code: &str) -> Vec<Entry> {
    let mut years: Vec<i32> = rows.iter().map(|a| a.year).collect();
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .filter_map(|year| {
            let p = published_by_area(rows, year).remove(code)?;
            if p.is_empty() {
                return None;
            }
            Some(Entry {
                // DfE's census is taken on 30 September
                census: NaiveDate::from_ymd_opt(year, 9, 30)?,
                relation: "area".into(),
                code: p.code,
                name: p.name,
                source: Source::Published,
                sums: p.sums,
                missing: p.missing,
                uncovered: Vec::new(),
                by_returns: 0,
                by_published: 1,
                areas: 1,
                note: None,
            })
        })
        .collect()
}

/// The values shown for each row, with disclosure control on the rows built from other
/// areas' returns (`protect[i]`): small counts, the rates on them, and — where a row is the
/// sum of listed rows (pooled neighbours) — enough partners that none can be worked out.
/// Published figures are public already and are shown as published.
pub fn shown(
    entries: &[Entry],
    measures: &[Measure],
    params: &Params,
    policy: &Policy,
    protect: &[bool],
) -> Vec<Vec<Shown>> {
    let mut values: Vec<Vec<Shown>> = entries
        .iter()
        .map(|e| measures.iter().map(|m| e.value(*m, params)).collect())
        .collect();
    // the pooled row is the sum of the neighbours' returns rows
    let mut lines = Vec::new();
    if let Some(t) = entries.iter().position(|e| e.relation == "neighbours") {
        let parts: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.relation.starts_with("neighbour ") && e.source == Source::Returns)
            .map(|(i, _)| i)
            .collect();
        if !parts.is_empty() {
            lines.push(Line { total: t, parts });
        }
    }
    let margin: Vec<bool> = entries.iter().map(|e| e.areas > 1).collect();
    let mut done: Vec<&'static str> = Vec::new();
    for m in measures {
        if done.contains(&m.base_name()) {
            continue;
        }
        done.push(m.base_name());
        let base: Vec<f64> = entries.iter().map(|e| m.base(&e.sums)).collect();
        let small: Vec<bool> = primary_cells(&base, policy.threshold)
            .into_iter()
            .zip(entries.iter().zip(protect))
            .map(|(s, (e, p))| s && *p && e.source != Source::Published && e.by_returns > 0)
            .collect();
        let hidden = suppress(&lines, &margin, &base, &small);
        for (i, h) in hidden.iter().enumerate() {
            if *h {
                for (j, other) in measures.iter().enumerate() {
                    if other.base_name() == m.base_name() {
                        values[i][j] = Shown::Symbol(CONFIDENTIAL);
                    }
                }
            }
        }
    }
    values
}
