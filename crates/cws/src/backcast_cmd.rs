//! `cws project --backcast`: how good the projection is, on real history. Every area,
//! region and England in DfE's children's social work workforce indicators is fitted on
//! 2017–2021 and projected to 2025 with the projection's own model and runs, and set
//! against the in-post FTE then published, beside the naive forecast (2021 held flat).

use std::io::Write;

use anyhow::bail;
use cws_analyse::backcast::{places, report, Report, FIT_LAST};
use cws_project::monte_carlo::Options;

/// Which places, in what form.
pub struct BackcastArgs<'a> {
    /// An area (GSS code or DfE number) or a region (GSS code); None: every place.
    pub place: Option<&'a str>,
    pub runs: usize,
    pub seed: u64,
    pub format: &'a str,
}

fn pct(v: f64) -> String {
    format!("{v:.1}%")
}

pub fn backcast(args: BackcastArgs) -> anyhow::Result<()> {
    if !["table", "csv", "json"].contains(&args.format) {
        bail!("'{}' is not a format: use table, csv or json", args.format);
    }
    let rows = cws_reference::social_work_indicators()?;
    let all = places(&rows);
    let chosen: Vec<_> = match args.place {
        None => all,
        Some(code) => {
            let found: Vec<_> = all
                .into_iter()
                // a joint return (`314 / 318`) is found by either area's code
                .filter(|p| {
                    let parts = |c: &str| c.split(" / ").any(|x| x == code);
                    parts(&p.code) || p.old_code.as_deref().is_some_and(parts)
                })
                .collect();
            if found.is_empty() {
                bail!("the social-work indicators publish nothing for the code '{code}': give an area's GSS code or DfE number, or a region's GSS code");
            }
            found
        }
    };
    let r = report(
        &chosen,
        Options {
            runs: args.runs,
            seed: args.seed,
            parameters: true,
            demand_seed: None,
            keep_tiers: false,
        },
    );
    let mut out = std::io::stdout().lock();
    match args.format {
        "json" => {
            serde_json::to_writer_pretty(&mut out, &r)?;
            writeln!(out)?;
        }
        "csv" => csv_out(&r, &mut out)?,
        _ => table(&r, &mut out)?,
    }
    Ok(())
}

fn csv_out(r: &Report, out: &mut impl Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "level",
        "code",
        "name",
        "year",
        "years_ahead",
        "in_post_fte_published",
        "p10",
        "p50",
        "p90",
        "naive",
        "error_pct",
        "naive_error_pct",
        "inside_p10_p90",
        "not_backcast_because",
    ])?;
    for p in &r.places {
        let Some(b) = &p.backcast else {
            let mut row = vec![p.level.to_string(), p.code.clone(), p.name.clone()];
            row.extend(std::iter::repeat_n(String::new(), 10));
            row.push(p.unfit.clone().unwrap_or_default());
            w.write_record(row)?;
            continue;
        };
        for c in &b.checks {
            let round = |v: f64| format!("{:.1}", v);
            w.write_record([
                p.level.to_string(),
                p.code.clone(),
                p.name.clone(),
                c.year.to_string(),
                (c.year - r.fit_last).to_string(),
                round(c.actual),
                round(c.p10),
                round(c.p50),
                round(c.p90),
                round(c.naive),
                format!("{:.2}", c.error()),
                format!("{:.2}", c.naive_error()),
                c.inside().to_string(),
                String::new(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

fn table(r: &Report, out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "How good is the projection? Children's social workers' in-post FTE (DfE, published), fitted on the years to {} and projected on with cws's model ({} runs, seed {}), against what was published after.",
        r.fit_last, r.runs, r.seed
    )?;
    writeln!(
        out,
        "{:<8} {:>14} {:>8} {:>12} {:>12} {:>14} {:>16}",
        "Level",
        "Places scored",
        "Checks",
        "Median error",
        "Naive error",
        "Inside P10–P90",
        "Beat the naive"
    )?;
    for l in &r.levels {
        let Some(s) = l.all else {
            writeln!(
                out,
                "{:<8} {:>14}",
                l.level,
                format!("0 of {}", l.published)
            )?;
            continue;
        };
        writeln!(
            out,
            "{:<8} {:>14} {:>8} {:>12} {:>12} {:>14} {:>16}",
            l.level,
            format!("{} of {}", l.places, l.published),
            s.checks,
            pct(s.median_error),
            pct(s.median_naive_error),
            pct(s.inside_band),
            format!("{} of {}", l.beating_naive, l.places)
        )?;
        for (ahead, s) in &l.by_years_ahead {
            writeln!(
                out,
                "{:<8} {:>14} {:>8} {:>12} {:>12} {:>14}",
                "",
                format!(
                    "{} ({} ahead)",
                    FIT_LAST + ahead,
                    if *ahead == 1 {
                        "1 year".to_string()
                    } else {
                        format!("{ahead} years")
                    }
                ),
                s.checks,
                pct(s.median_error),
                pct(s.median_naive_error),
                pct(s.inside_band)
            )?;
        }
    }
    for l in &r.levels {
        if let Some(s) = l.all {
            let verdict = if s.beats_naive() {
                "below the naive forecast's: the projection adds something"
            } else {
                "not below the naive forecast's: at this level the projection does no better than holding the last value flat"
            };
            writeln!(
                out,
                "{}: the median error {} is {verdict}; an honest P10–P90 band holds about 80% (this holds {}).",
                l.level,
                pct(s.median_error),
                pct(s.inside_band)
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<10} {:<40} {:>6} {:>10} {:>10} {:>21} {:>10} {:>8} {:>8}",
        "Code", "Place", "Year", "Published", "P50", "P10–P90", "Naive", "Error", "Naive"
    )?;
    for p in &r.places {
        let Some(b) = &p.backcast else {
            writeln!(
                out,
                "{:<10} {:<40} not backcast: {}",
                p.code,
                p.name,
                p.unfit.as_deref().unwrap_or("")
            )?;
            continue;
        };
        for c in &b.checks {
            writeln!(
                out,
                "{:<10} {:<40} {:>6} {:>10.1} {:>10.1} {:>21} {:>10.1} {:>8} {:>8}{}",
                p.code,
                p.name,
                c.year,
                c.actual,
                c.p50,
                format!("{:.1}–{:.1}", c.p10, c.p90),
                c.naive,
                pct(c.error()),
                pct(c.naive_error()),
                if c.inside() { "" } else { "  outside" }
            )?;
        }
    }
    writeln!(out, "Note: each place's leaving rate is its leavers over the FTE at the year's start, and its joiners a year those that make the published FTE add up (in post, less in post a year before, plus leavers), each earlier year weighing {} of the one after; the years' spread beyond chance is carried into every run. Regions and England are projected from their own published totals. Source: DfE, Children's social work workforce (Open Government Licence).", cws_project::model::EARLIER_WEIGHT)?;
    Ok(())
}
