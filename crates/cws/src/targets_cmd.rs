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
    judgement: cws_analyse::targets::Judgement,
    /// How it was judged, in words.
    reading: String,
}

/// The runs a target's chance is read over.
const RUNS: usize = 1000;

/// The area's own targets, each judged from a projection of the area to the latest deadline.
async fn local(
    db: &Db,
    held: &[&cws_analyse::Snapshot],
    area: &cws_store::geography::AreaRow,
) -> anyhow::Result<Vec<Own>> {
    use cws_analyse::targets::{judge, Reading};
    let rows = cws_store::targets::targets(db, area.id).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let latest = held.first().copied();
    let base = latest
        .and_then(|s| s.census)
        .map(|c| chrono::Datelike::year(&c));
    let projected = match (latest, base) {
        (Some(snap), Some(base)) => {
            let horizon = rows
                .iter()
                .map(|r| chrono::Datelike::year(&r.target.deadline))
                .max()
                .unwrap_or(base + 1)
                .clamp(base + 1, cws_project::model::LAST_YEAR);
            let areas: Vec<usize> = snap
                .areas
                .iter()
                .position(|a| a.code == area.code)
                .into_iter()
                .collect();
            let children = cws_store::projection::population_projection(db).await?;
            let drivers = cws_analyse::need::Drivers::shipped(&children)?
                .with_saved_maps(cws_store::projection::driver_maps(db).await?);
            let request = cws_analyse::projected::Request {
                areas,
                levers: cws_project::Levers::default(),
                horizon,
                runs: RUNS,
                seed: 1,
                protect: false,
                keep_tiers: true,
            };
            cws_analyse::projected::project(held, &request, &drivers).map_err(|e| e.to_string())
        }
        _ => Err("there is no census to project from".to_string()),
    };
    let thresholds = cws_plan::targets::Thresholds::default();
    let mut out = Vec::new();
    for r in rows {
        let actual = match (latest, cws_analyse::scoped::Scoped::parse(&r.target.figure)) {
            (Some(snap), Ok(scoped)) => match snap.census {
                Some(c) => cws_analyse::scoped::value(
                    snap,
                    &Scope::Area(area.code.clone()),
                    &scoped,
                    &cws_analyse::Options::for_census(c),
                )?
                .map(|value| cws_plan::targets::Point { date: c, value }),
                None => None,
            },
            _ => None,
        };
        let judgement = judge(
            &r.target,
            projected.as_ref().map_err(Clone::clone),
            actual,
            &thresholds,
        );
        let deadline = r.target.deadline.format("%-d %B %Y");
        let reading = match &judgement.reading {
            Reading::Projection { chance, runs } => format!(
                "{:.0}% of {} projected runs meet it by {deadline} (on track from {:.0}%, off track below {:.0}%).",
                chance * 100.0,
                if *runs == 1000 { "1,000".to_string() } else { runs.to_string() },
                thresholds.on_track * 100.0,
                thresholds.off_track * 100.0
            ),
            Reading::Trajectory {
                actual,
                on,
                expected,
                why,
            } => format!(
                "By the trajectory rule ({why}): {actual} at the census of {} against {expected:.1} expected then.",
                on.format("%-d %B %Y")
            ),
            Reading::NotKnown { why } => format!("Not known: {why}."),
        };
        out.push(Own {
            title: r.title,
            national_key: r.national_key,
            deadline: r.target.deadline,
            judgement,
            reading,
        });
    }
    Ok(out)
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
                    o.judgement.status.map_or("Not known", |s| s.label()),
                    o.deadline.format("%-d %B %Y")
                )?;
                writeln!(out, "  {}", o.reading)?;
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
