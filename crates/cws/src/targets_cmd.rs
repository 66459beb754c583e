//! `cws targets`: the seeds' national targets (docs/definitions.md §8) for England, a region
//! or an area — each with its source and deadline as set, its figure at the latest census,
//! and once the deadline has passed its verdict from the last census before it, or why it is
//! not known.

use std::io::Write;

use anyhow::{bail, Context};
use cws_analyse::targets::{national, Standing};
use cws_analyse::Scope;
use cws_store::Db;

#[derive(clap::Args, Debug)]
pub struct TargetsArgs {
    /// An area (DfE number or GSS code); without --area or --region, England.
    #[arg(long)]
    area: Option<String>,
    /// A region's GSS code, e.g. E12000007.
    #[arg(long, conflicts_with = "area")]
    region: Option<String>,
    /// table, csv or json.
    #[arg(long, default_value = "table")]
    format: String,
}

fn verdict(s: &Standing) -> &'static str {
    match s.verdict {
        Some(v) => v.label(),
        None if s.target.national => "Judged for England",
        None => "Deadline ahead",
    }
}

fn latest(s: &Standing) -> (String, String) {
    match s.latest {
        Some((census, Some(v))) => (census.to_string(), v.to_string()),
        Some((census, None)) => (census.to_string(), String::new()),
        None => (String::new(), String::new()),
    }
}

/// One of an area's own targets, judged.
#[derive(serde::Serialize)]
struct Own {
    title: String,
    national_key: Option<String>,
    deadline: chrono::NaiveDate,
    #[serde(flatten)]
    judged: cws_analyse::targets::Judged,
}

/// The area's own targets, each judged from one projection of the area to the latest
/// deadline (1,000 runs, seed 1, as the web page does).
async fn local(
    db: &Db,
    held: &[&cws_analyse::Snapshot],
    area: &cws_store::geography::AreaRow,
) -> anyhow::Result<Vec<Own>> {
    let rows = cws_store::targets::targets(db, area.id).await?;
    let Some(index) = held
        .first()
        .and_then(|s| s.areas.iter().position(|a| a.code == area.code))
    else {
        return Ok(Vec::new());
    };
    let children = cws_store::projection::population_projection(db).await?;
    let drivers = cws_analyse::need::Drivers::shipped(&children)?
        .with_saved_maps(cws_store::projection::driver_maps(db).await?);
    let targets: Vec<&cws_plan::targets::Target> = rows.iter().map(|r| &r.target).collect();
    let judged = cws_analyse::targets::judge_area(
        held,
        index,
        &targets,
        &drivers,
        &cws_analyse::targets::Judging::default(),
    )?;
    Ok(rows
        .into_iter()
        .zip(judged)
        .map(|(r, judged)| Own {
            title: r.title,
            national_key: r.national_key,
            deadline: r.target.deadline,
            judged,
        })
        .collect())
}

pub async fn targets(db: &Db, args: TargetsArgs) -> anyhow::Result<()> {
    if !["table", "csv", "json"].contains(&args.format.as_str()) {
        bail!("'{}' is not a format: use table, csv or json", args.format);
    }
    let mut area_row = None;
    let (place, scope) = match (&args.area, &args.region) {
        (Some(a), _) => {
            let area = cws_store::geography::area(db, a)
                .await?
                .with_context(|| format!("there is no area '{a}'"))?;
            area_row = Some(area.clone());
            (area.name.clone(), Scope::Area(area.code))
        }
        (None, Some(r)) => {
            let name = cws_store::geography::regions(db)
                .await?
                .into_iter()
                .find(|g| g.code == *r)
                .map(|g| g.name)
                .with_context(|| format!("there is no region '{r}'"))?;
            (name, Scope::Region(r.clone()))
        }
        (None, None) => ("England".to_string(), Scope::Nation),
    };
    let held = match cws_analyse::load::every_census(db).await {
        Ok(h) => h,
        Err(cws_analyse::load::LoadError::NoCollections) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let refs: Vec<&cws_analyse::Snapshot> = held.iter().collect();
    let today = chrono::Local::now().date_naive();
    let all = national(&refs, &scope, today)?;
    let own = match &area_row {
        Some(area) => local(db, &refs, area).await?,
        None => Vec::new(),
    };
    let synthetic = cws_store::workforce::synthetic_run(db).await?.is_some();
    let rests_on = held.first().map_or_else(
        || "no census is held yet".to_string(),
        |latest| {
            let with = latest.areas_with_returns();
            let in_scope: Vec<usize> = (0..latest.areas.len())
                .filter(|&i| match &scope {
                    Scope::Area(code) => latest.areas[i].code == *code,
                    Scope::Region(code) => latest.areas[i].region_code == *code,
                    Scope::Nation => true,
                })
                .collect();
            format!(
                "the latest census rests on the returns of {} of {} areas",
                in_scope.iter().filter(|&&i| with[i]).count(),
                in_scope.len()
            )
        },
    );
    let mut out = std::io::stdout().lock();
    if synthetic && args.format != "json" {
        writeln!(out, "{}", cws_documents::docx::SYNTHETIC_LABEL)?;
    }
    match args.format.as_str() {
        "json" => {
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({ "place": place, "on": today, "synthetic": synthetic, "rests_on": rests_on, "own": own, "targets": all }),
            )?;
            writeln!(out)?;
        }
        "csv" => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record([
                "key",
                "target",
                "source",
                "deadline_as_set",
                "deadline",
                "figure",
                "latest_census",
                "latest_value",
                "verdict",
                "basis",
            ])?;
            for s in &all {
                let (census, value) = latest(s);
                w.write_record([
                    s.target.key.as_str(),
                    &s.target.title,
                    &s.target.source,
                    &s.target.deadline_as_set,
                    &s.target.deadline.to_string(),
                    s.target.figure.as_deref().unwrap_or(""),
                    &census,
                    &value,
                    verdict(s),
                    &s.basis,
                ])?;
            }
            w.flush()?;
        }
        _ => {
            writeln!(
                out,
                "{place}: the national targets of the seeds, on {} ({} censuses held; {rests_on}).",
                today.format("%-d %B %Y"),
                held.len()
            )?;
            if !own.is_empty() {
                writeln!(out)?;
                writeln!(out, "{place}'s own targets:")?;
            }
            for o in &own {
                writeln!(out)?;
                writeln!(
                    out,
                    "{} — {} (by {})",
                    o.title,
                    o.judged.judgement.status.map_or("Not known", |s| s.label()),
                    o.deadline.format("%-d %B %Y")
                )?;
                writeln!(out, "  {}", o.judged.reading)?;
                if let Some(need) = &o.judged.against_need {
                    writeln!(out, "  {}", need.words)?;
                }
            }
            if !own.is_empty() {
                writeln!(out)?;
                writeln!(out, "The national targets:")?;
            }
            for s in &all {
                writeln!(out)?;
                writeln!(
                    out,
                    "{} — {} ({})",
                    s.target.title,
                    verdict(s),
                    s.target.deadline_as_set
                )?;
                if let Some(f) = &s.figure_label {
                    writeln!(out, "  Figure: {f}")?;
                }
                writeln!(out, "  {}", s.basis)?;
                if let (Some((census, Some(v))), Some(_)) = (s.latest, s.verdict) {
                    writeln!(
                        out,
                        "  Now, at the census of {}: {v}",
                        census.format("%-d %B %Y")
                    )?;
                }
                writeln!(out, "  Source: {}", s.target.source)?;
            }
        }
    }
    Ok(())
}
