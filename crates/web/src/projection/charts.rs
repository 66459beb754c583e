//! A projection's charts, drawn once for the page, the files (`supply.png`, `gap.svg`, …)
//! and the strategy: the supply and need fan, the gap fan, the first year's flows as a
//! waterfall and the age bands now and at the horizon. Each keeps its legend's entries so
//! that a chart standing alone as a file carries the same legend as on the page.

use cws_analyse::projected::{Line, Projected};
use cws_documents::chart::{
    bar_chart, fan_chart, fan_keys, fan_legend, standalone_keyed, waterfall, Fan, Key, Series,
};

/// The charts a projection page draws, by the name of their file.
pub(crate) const NAMES: [&str; 4] = ["supply", "gap", "flows", "pyramid"];

/// One chart of a projection.
pub(crate) struct Chart {
    pub title: String,
    pub svg: String,
    /// The legend as HTML for the page (empty where the chart labels its own parts).
    pub legend: String,
    keys: Vec<(Key, String)>,
}

impl Chart {
    /// The chart with its title, `subtitle` and legend in one SVG, for a file or a document.
    pub fn standalone(&self, subtitle: &str) -> String {
        standalone_keyed(&self.svg, &self.title, subtitle, &self.keys)
    }
}

fn year(l: &Line) -> i64 {
    l.year as i64
}

/// Supply's fan with its P50, and need over it where it is known every year.
pub(crate) fn supply(p: &Projected, place: &str) -> Chart {
    let totals: Vec<&Line> = p.lines.iter().filter(|l| l.is_total()).collect();
    let need_known = totals.iter().all(|l| l.demand_fte.is_some());
    let fan = Fan {
        label: "Supply FTE, P10 to P90".into(),
        points: totals
            .iter()
            .map(|l| (year(l), l.p10.unwrap_or(0.0), l.p90.unwrap_or(0.0)))
            .collect(),
    };
    let mut lines = vec![Series {
        label: "Supply FTE, P50".into(),
        points: totals.iter().map(|l| (year(l), l.p50)).collect(),
        emphasis: true,
    }];
    if need_known {
        lines.push(Series {
            label: "Need FTE".into(),
            points: totals.iter().map(|l| (year(l), l.demand_fte)).collect(),
            emphasis: false,
        });
    }
    let first = totals.first().map_or(p.census_year, |l| l.year);
    let last = totals.last().map_or(p.horizon, |l| l.year);
    let title = format!("{place}: supply and need, FTE of all role groups, {first} to {last}");
    let fans = std::slice::from_ref(&fan);
    Chart {
        svg: fan_chart(
            "supply",
            &title,
            "Supply's P10 to P90 shaded, its P50 a solid line, need a dashed line; the axis spans the values, not from zero. The table below holds every value.",
            fans,
            &lines,
            false,
        ),
        title,
        legend: fan_legend(fans, &lines),
        keys: fan_keys(fans, &lines),
    }
}

/// The gap's fan (need less supply); `None` when need is not known every year.
pub(crate) fn gap(p: &Projected, place: &str) -> Option<Chart> {
    let totals: Vec<&Line> = p.lines.iter().filter(|l| l.is_total()).collect();
    if !totals.iter().all(|l| l.demand_fte.is_some()) {
        return None;
    }
    let fan = Fan {
        label: "Gap FTE, P10 to P90".into(),
        points: totals
            .iter()
            .map(|l| (year(l), l.gap_p10.unwrap_or(0.0), l.gap_p90.unwrap_or(0.0)))
            .collect(),
    };
    let line = [Series {
        label: "Gap FTE, P50 (above zero: short of need)".into(),
        points: totals.iter().map(|l| (year(l), l.gap_p50)).collect(),
        emphasis: true,
    }];
    let title = format!("{place}: the gap, need less supply, FTE of all role groups");
    let fans = std::slice::from_ref(&fan);
    Some(Chart {
        svg: fan_chart(
            "gap",
            &title,
            "P10 to P90 shaded, P50 a solid line; above zero the area is short of the FTE it needs, below it has more.",
            fans,
            &line,
            true,
        ),
        title,
        legend: fan_legend(fans, &line),
        keys: fan_keys(fans, &line),
    })
}

/// The first projected year's flows; `None` when no year is projected.
pub(crate) fn flows(p: &Projected, place: &str) -> Option<Chart> {
    let f = p.flows.first()?;
    let title = format!(
        "{place}: what moves in {}, people in post of all role groups (expected)",
        f.year
    );
    Some(Chart {
        svg: waterfall(
            "flows",
            &title,
            "From the people in post at the census, leavers and retirements taken away and joiners added, to the people in post a year on. The table below holds every year.",
            (&(f.year - 1).to_string(), f.start),
            &[
                ("Leavers", -f.leavers),
                ("Retirements", -f.retirements),
                ("Joiners", f.joiners),
                ("From agency", f.from_agency),
            ],
            &f.year.to_string(),
        ),
        title,
        legend: String::new(),
        keys: Vec::new(),
    })
}

/// People by age band at the census and the horizon.
pub(crate) fn pyramid(p: &Projected, place: &str) -> Chart {
    let last = p
        .lines
        .iter()
        .rfind(|l| l.is_total())
        .map_or(p.horizon, |l| l.year);
    let shown = |v: Option<f64>| match v {
        Some(v) => cws_analyse::disclosure::Shown::Value(v),
        None => cws_analyse::disclosure::Shown::Symbol("c"),
    };
    let labels = [p.census_year.to_string(), last.to_string()];
    let title = format!(
        "{place}: people in post by age band, {} and {last} (expected)",
        p.census_year
    );
    Chart {
        svg: bar_chart(
            "pyramid",
            &title,
            "For each age band, the people in post at the census and at the horizon, on expected values; c where a count of 1 to 5 is protected. The table below holds every value.",
            &p.pyramid.bands.iter().map(|b| b.0.to_string()).collect::<Vec<_>>(),
            &[
                (
                    labels[0].clone(),
                    p.pyramid.bands.iter().map(|b| shown(b.1)).collect(),
                ),
                (
                    labels[1].clone(),
                    p.pyramid.bands.iter().map(|b| shown(b.2)).collect(),
                ),
            ],
        ),
        title,
        legend: cws_documents::chart::bar_legend(&labels),
        keys: labels
            .iter()
            .enumerate()
            .map(|(i, l)| (Key::Bar(i), l.clone()))
            .collect(),
    }
}

/// The chart called `name` (one of `NAMES`), if this projection has it.
pub(crate) fn named(p: &Projected, place: &str, name: &str) -> Option<Chart> {
    match name {
        "supply" => Some(supply(p, place)),
        "gap" => gap(p, place),
        "flows" => flows(p, place),
        "pyramid" => Some(pyramid(p, place)),
        _ => None,
    }
}
