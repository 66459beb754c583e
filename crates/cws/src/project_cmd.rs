//! `cws project`: the workforce projected from the latest census (docs/definitions.md §7)
//! for an area, a region or England — supply by role group and year, expected and as
//! P10/P50/P90 over seeded Monte Carlo runs, under a scenario's levers — as a table, CSV or
//! JSON. A region's or England's runs are its areas' runs joined draw by draw.

use std::io::Write;

use anyhow::{bail, Context};
use cws_analyse::projected::{project as project_place, Projected, ProjectedError, Request, SMALL};
use cws_project::Levers;
use cws_store::Db;
use serde::{Deserialize, Serialize};

#[derive(clap::Args, Debug)]
pub struct ProjectArgs {
    /// An area (DfE number or GSS code); without --area or --region, England.
    #[arg(long)]
    area: Option<String>,
    /// A region's GSS code, e.g. E12000007.
    #[arg(long)]
    region: Option<String>,
    /// The last year projected (default ten years after the census; at most 2040).
    #[arg(long)]
    horizon: Option<i32>,
    /// Monte Carlo runs (1 to 100,000).
    #[arg(long, default_value_t = 1000)]
    runs: usize,
    /// The seed: the same seed gives the same figures.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A scenario file (TOML, see docs/definitions.md §7): the levers it pulls.
    #[arg(long)]
    scenario: Option<std::path::PathBuf>,
    /// table, csv, json, xlsx (to a file: `> projection.xlsx`) or tidy (CSV, one value a row).
    #[arg(long, default_value = "table")]
    format: String,
    /// role_group (supply, need and the gap with their bands), or role_group,age_band
    /// (people in post by age band, expected).
    #[arg(long, default_value = "role_group")]
    by: String,
    /// A mapping of role groups to the drivers of their need (CSV: role_group, driver, ratio;
    /// see data/cws/demand_drivers.csv, the one cws ships and uses by default).
    #[arg(long)]
    drivers: Option<std::path::PathBuf>,
    /// Instead of the projection, the retirement wave: who in post at the census reaches
    /// the retirement age in each coming year, and the share reached by each year.
    #[arg(long)]
    wave: bool,
    /// The age the wave counts (50 to 75).
    #[arg(long, default_value_t = 65)]
    retirement_age: u32,
    /// Instead of the projection, how good it is: every area, region and England in DfE's
    /// published social-work indicators fitted on 2017–2021 and projected to 2025, against
    /// what was published (with --area or --region, that place only).
    #[arg(long, conflicts_with_all = ["wave", "scenario", "horizon"])]
    backcast: bool,
}

impl ProjectArgs {
    /// The backcast asked for, if it was: it needs no database.
    pub fn backcast(&self) -> Option<crate::backcast_cmd::BackcastArgs<'_>> {
        self.backcast.then(|| crate::backcast_cmd::BackcastArgs {
            place: self.area.as_deref().or(self.region.as_deref()),
            runs: self.runs,
            seed: self.seed,
            format: &self.format,
        })
    }
}

/// Whether `--by` asks for age bands: `role_group`, or `role_group,age_band` in either order.
fn by_age_band(by: &str) -> anyhow::Result<bool> {
    let mut parts: Vec<&str> = by.split(',').map(str::trim).collect();
    parts.sort_unstable();
    match parts.as_slice() {
        ["role_group"] => Ok(false),
        ["age_band", "role_group"] => Ok(true),
        _ => bail!("--by '{by}' is not a breakdown: use role_group, or role_group,age_band"),
    }
}

/// The scenario file's schema version this cws reads.
pub const SCENARIO_SCHEMA: u32 = 1;

/// A scenario file: its schema version, a name, and the levers (any left out stay as they
/// are).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    schema: u32,
    name: String,
    #[serde(default)]
    levers: Levers,
}

fn scenario(path: &std::path::Path) -> anyhow::Result<(String, Levers)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the scenario {}", path.display()))?;
    let file: ScenarioFile = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim()))?;
    if file.schema != SCENARIO_SCHEMA {
        bail!(
            "{}: schema {} is not one this cws reads (it reads schema {SCENARIO_SCHEMA})",
            path.display(),
            file.schema
        );
    }
    let levers = file
        .levers
        .checked()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok((file.name, levers))
}

/// The published drivers, the children's projection loaded (if any) and the mapping: the
/// file given, for every area; else the shipped one, with each area's own as its lead saved it.
async fn drivers(
    db: &Db,
    mapping: Option<&std::path::Path>,
) -> anyhow::Result<cws_analyse::need::Drivers> {
    let projected = cws_store::projection::population_projection(db).await?;
    let published = cws_reference::demand_drivers()?;
    Ok(match mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the drivers mapping {}", path.display()))?;
            let map = cws_reference::driver_map(&path.display().to_string(), &text)?;
            cws_analyse::need::Drivers::new(&published, &projected, map)
        }
        None => cws_analyse::need::Drivers::new(
            &published,
            &projected,
            cws_reference::shipped_driver_map()?,
        )
        .with_saved_maps(cws_store::projection::driver_maps(db).await?),
    })
}

/// `cws load-population FILE`: ONS's subnational population projections as the children's
/// future, replacing any loaded before.
pub async fn load_population(db: &Db, path: &std::path::Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let projection = cws_reference::population_projection(&name, &text)?;
    let load =
        cws_store::projection::save_population_projection(db, &projection, &name, "command line")
            .await?;
    println!(
        "Loaded children aged 0 to 17 for {} ({} summed), {} to {}, from {name}{}.",
        cws_domain::words::count(load.areas.unsigned_abs(), "area"),
        cws_domain::words::count(load.districts.unsigned_abs(), "district"),
        load.first_year,
        load.last_year,
        if projection.left_out > 0 {
            format!("; {} areas outside England left out", projection.left_out)
        } else {
            String::new()
        }
    );
    Ok(())
}

#[derive(Debug, Serialize)]
struct Output {
    place: String,
    scenario: String,
    runs: usize,
    seed: u64,
    synthetic: bool,
    #[serde(flatten)]
    projected: Projected,
}

pub async fn project(db: &Db, args: ProjectArgs) -> anyhow::Result<()> {
    if !["table", "csv", "json", "xlsx", "tidy"].contains(&args.format.as_str()) {
        bail!(
            "'{}' is not a format: use table, csv, json, xlsx or tidy",
            args.format
        );
    }
    let by_band = by_age_band(&args.by)?;
    if args.format == "xlsx" && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        bail!("an Excel workbook is a file: send it to one, as in `cws project --format xlsx > projection.xlsx`");
    }
    let (name, levers) = match &args.scenario {
        Some(p) => scenario(p)?,
        None => ("As now".to_string(), Levers::default()),
    };
    let held = cws_analyse::load::every_census(db).await?;
    let snap = &held[0];
    let census = snap.census.context("the collection has no census date")?;
    let base = chrono::Datelike::year(&census);
    let horizon = args
        .horizon
        .unwrap_or((base + 10).min(cws_project::model::LAST_YEAR));
    let (place, areas): (String, Vec<usize>) = match (&args.area, &args.region) {
        (Some(_), Some(_)) => bail!("give --area or --region, not both"),
        (Some(a), None) => {
            let area = cws_store::geography::area(db, a)
                .await?
                .with_context(|| format!("there is no area with the code '{a}'"))?;
            let i = snap
                .areas
                .iter()
                .position(|x| x.code == area.code)
                .with_context(|| format!("{} is not in the collection", area.name))?;
            (area.name, vec![i])
        }
        (None, Some(r)) => {
            let list: Vec<usize> = (0..snap.areas.len())
                .filter(|&i| snap.areas[i].region_code == *r)
                .collect();
            let name = list
                .first()
                .map(|&i| snap.areas[i].region_name.clone())
                .with_context(|| format!("there is no region with the code '{r}'"))?;
            (name, list)
        }
        (None, None) => ("England".to_string(), (0..snap.areas.len()).collect()),
    };
    if args.wave {
        return wave(db, &args, snap, &place, &areas, horizon).await;
    }
    let held_refs: Vec<&cws_analyse::Snapshot> = held.iter().collect();
    let request = Request {
        areas,
        levers,
        horizon,
        runs: args.runs,
        seed: args.seed,
        protect: args.area.is_none(),
        keep_tiers: false,
    };
    let drivers = drivers(db, args.drivers.as_deref()).await?;
    let projected = project_place(&held_refs, &request, &drivers).map_err(|e| match e {
        ProjectedError::NoReturns(year) => {
            anyhow::anyhow!(
                "{place} has no workforce returns at the census of {year} to project from"
            )
        }
        e => e.into(),
    })?;
    let out = Output {
        place,
        scenario: name,
        runs: args.runs,
        seed: args.seed,
        synthetic: cws_store::workforce::synthetic_run(db).await?.is_some(),
        projected,
    };
    let mut stdout = std::io::stdout().lock();
    let title = format!(
        "{}: the workforce projected from the census of {} to {}, scenario \"{}\" ({} runs, seed {})",
        out.place, out.projected.census_year, out.projected.horizon, out.scenario, out.runs, out.seed
    );
    let table = if by_band {
        out.projected.band_table(title)
    } else {
        out.projected.table(title)
    };
    match args.format.as_str() {
        "json" => {
            serde_json::to_writer_pretty(&mut stdout, &out)?;
            writeln!(stdout)?;
        }
        "xlsx" => stdout.write_all(&cws_documents::xlsx::table(&table, out.synthetic)?)?,
        "tidy" => stdout.write_all(&table.tidy_csv(out.synthetic)?)?,
        "csv" if by_band => stdout.write_all(&table.csv(out.synthetic)?)?,
        _ if by_band => {
            if out.synthetic {
                writeln!(stdout, "{}", cws_documents::docx::SYNTHETIC_LABEL)?;
            }
            write!(stdout, "{}", table.text())?;
        }
        "csv" => {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(&mut stdout);
            if out.synthetic {
                w.write_record([cws_documents::docx::SYNTHETIC_LABEL])?;
            }
            w.write_record([
                "year",
                "role_group",
                "supply_fte",
                "supply_fte_p10",
                "supply_fte_p50",
                "supply_fte_p90",
                "people_p50",
                "demand_fte",
                "gap_fte_p10",
                "gap_fte_p50",
                "gap_fte_p90",
                "gap_pct_of_need_p50",
            ])?;
            let cell = |v: Option<f64>| v.map_or("c".to_string(), |v| v.to_string());
            // need not known is blank; suppressed is c, as the supply beside it
            let blank = |v: Option<f64>, supply: &Option<f64>| match (v, supply) {
                (Some(v), _) => v.to_string(),
                (None, None) => "c".to_string(),
                (None, Some(_)) => String::new(),
            };
            for l in &out.projected.lines {
                w.write_record([
                    l.year.to_string(),
                    l.role_group.clone(),
                    cell(l.supply_fte),
                    cell(l.p10),
                    cell(l.p50),
                    cell(l.p90),
                    cell(l.people_p50),
                    blank(l.demand_fte, &l.supply_fte),
                    blank(l.gap_p10, &l.supply_fte),
                    blank(l.gap_p50, &l.supply_fte),
                    blank(l.gap_p90, &l.supply_fte),
                    blank(l.gap_pct_p50, &l.supply_fte),
                ])?;
            }
            w.flush()?;
        }
        _ => {
            if out.synthetic {
                writeln!(stdout, "{}", cws_documents::docx::SYNTHETIC_LABEL)?;
            }
            writeln!(
                stdout,
                "{}: the workforce projected from the census of {}, scenario \"{}\", {} runs (seed {}); rests on {} of {} areas' returns.",
                out.place, out.projected.census_year, out.scenario, out.runs, out.seed, out.projected.areas_with_returns, out.projected.areas
            )?;
            writeln!(
                stdout,
                "{:<6} {:<38} {:>12} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
                "Year",
                "Role group",
                "Supply FTE",
                "P10",
                "P50",
                "P90",
                "People",
                "Need FTE",
                "Gap P50"
            )?;
            let cell = |v: Option<f64>| v.map_or("c".to_string(), |v| format!("{v:.1}"));
            for l in &out.projected.lines {
                let need = |v: Option<f64>| match (v, l.supply_fte) {
                    (Some(v), _) => format!("{v:.1}"),
                    (None, None) => "c".to_string(),
                    (None, Some(_)) => "–".to_string(),
                };
                writeln!(
                    stdout,
                    "{:<6} {:<38} {:>12} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
                    l.year,
                    l.role_group,
                    cell(l.supply_fte),
                    cell(l.p10),
                    cell(l.p50),
                    cell(l.p90),
                    l.people_p50.map_or("c".to_string(), |v| format!("{v:.0}")),
                    need(l.demand_fte),
                    need(l.gap_p50)
                )?;
            }
            if !out.projected.need_basis.is_empty() {
                writeln!(stdout, "What need follows:")?;
            }
            for b in &out.projected.need_basis {
                for d in &b.drivers {
                    let stood_in = if d.stood_in > 0 {
                        format!(
                            "; standing in for the mapping's driver in {} of {} areas",
                            d.stood_in, d.areas
                        )
                    } else {
                        String::new()
                    };
                    writeln!(
                        stdout,
                        "  {}: {} ({}), ratio {}, future {}, {:.0} in {} to {:.0} in {}{stood_in}",
                        b.role_group,
                        d.driver,
                        d.source,
                        d.ratio,
                        d.future,
                        d.at_base,
                        out.projected.census_year,
                        d.at_horizon,
                        out.projected.horizon,
                    )?;
                }
            }
            for n in &out.projected.notes {
                writeln!(stdout, "Note: {n}")?;
            }
            let r = &out.projected.replay;
            writeln!(
                stdout,
                "Replay: inputs digest {} (SHA-256 of the areas' inputs, the levers, horizon, runs and seed), model {}, cws {}.",
                r.inputs_digest, r.model_version, r.cws_version
            )?;
        }
    }
    Ok(())
}

/// One line of the retirement wave.
#[derive(Debug, Serialize)]
struct WaveLine {
    year: i32,
    role_group: String,
    /// People turning the age that year; None where suppressed.
    reaching: Option<f64>,
    /// The share of the census's people (whose age is known) at or past the age by then.
    share_reached_pct: Option<f64>,
}

async fn wave(
    db: &Db,
    args: &ProjectArgs,
    snap: &cws_analyse::Snapshot,
    place: &str,
    areas: &[usize],
    horizon: i32,
) -> anyhow::Result<()> {
    if !(50..=75).contains(&args.retirement_age) {
        bail!(
            "--retirement-age is {}: choose an age from 50 to 75",
            args.retirement_age
        );
    }
    let w = cws_analyse::projection::retirement_wave(snap, areas, args.retirement_age, horizon)
        .context("the collection has no census date")?;
    let protect = args.area.is_none();
    let small = |n: f64| protect && n > 0.0 && n <= SMALL;
    let mut lines = Vec::new();
    for (year, counts) in &w.reaching {
        for (g, group) in w.groups.iter().enumerate() {
            if w.people[g] == 0.0 {
                continue;
            }
            let hidden = protect && w.people[g] <= SMALL;
            let n = counts[g];
            lines.push(WaveLine {
                year: *year,
                role_group: group.clone(),
                // outside the area, 1 to 5 people turning the age are not shown either
                reaching: (!hidden && !small(n)).then_some(n),
                share_reached_pct: if hidden {
                    None
                } else {
                    w.share_by(g, *year).map(|v| (v * 10.0).round() / 10.0)
                },
            });
        }
    }
    let synthetic = cws_store::workforce::synthetic_run(db).await?.is_some();
    let people: f64 = w.people.iter().sum();
    let unknown: f64 = w.unknown_age.iter().sum();
    let already: f64 = w.already.iter().sum();
    let mut stdout = std::io::stdout().lock();
    if args.format == "json" {
        serde_json::to_writer_pretty(
            &mut stdout,
            &serde_json::json!({
                "place": place, "census_year": w.census_year, "age": w.age,
                "synthetic": synthetic, "people": people, "already": already,
                "unknown_age": unknown, "lines": lines,
            }),
        )?;
        writeln!(stdout)?;
        return Ok(());
    }
    let cell = |v: Option<f64>| v.map_or("c".to_string(), |v| v.to_string());
    if args.format == "csv" {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut stdout);
        if synthetic {
            w.write_record([cws_documents::docx::SYNTHETIC_LABEL])?;
        }
        w.write_record(["year", "role_group", "reaching_age", "share_reached_pct"])?;
        for l in &lines {
            w.write_record([
                l.year.to_string(),
                l.role_group.clone(),
                cell(l.reaching),
                cell(l.share_reached_pct),
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    if synthetic {
        writeln!(stdout, "{}", cws_documents::docx::SYNTHETIC_LABEL)?;
    }
    writeln!(
        stdout,
        "{place}: who of the {people} people in post at the census of {} reaches {} each year; {already} are {} or over already, {unknown} have no year of birth.",
        w.census_year, w.age, w.age
    )?;
    writeln!(
        stdout,
        "{:<6} {:<38} {:>10} {:>16}",
        "Year", "Role group", "Reaching", "Reached by then"
    )?;
    for l in &lines {
        writeln!(
            stdout,
            "{:<6} {:<38} {:>10} {:>16}",
            l.year,
            l.role_group,
            cell(l.reaching),
            l.share_reached_pct
                .map_or("c".to_string(), |v| format!("{v:.1}%"))
        )?;
    }
    Ok(())
}

/// Benchmark (bench/project.sh): every area with returns measured over every census held,
/// then projected `runs` times to `horizon` and joined draw by draw into England's bands;
/// the two steps timed apart. With `inputs_out`, the measured inputs and England's P50 are
/// written as JSON for the NumPy peer (bench/project_peer.py) to run the same model on.
pub async fn bench_project(
    db: &Db,
    runs: usize,
    horizon: i32,
    inputs_out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let t0 = std::time::Instant::now();
    let held = cws_analyse::load::every_census(db).await?;
    let refs: Vec<&cws_analyse::Snapshot> = held.iter().collect();
    let loaded = t0.elapsed().as_secs_f64();
    let t1 = std::time::Instant::now();
    let with_returns = held[0].areas_with_returns();
    let counted = cws_analyse::projection::Held::new(&refs);
    let inputs: Vec<cws_project::Inputs> = held[0]
        .areas
        .iter()
        .enumerate()
        .filter(|(i, _)| with_returns.get(*i).copied().unwrap_or(false))
        .filter_map(|(_, a)| counted.measure(&a.code))
        .map(|m| m.inputs)
        .collect();
    let measured = t1.elapsed().as_secs_f64();
    let t2 = std::time::Instant::now();
    let mut total: Option<cws_project::monte_carlo::Draws> = None;
    for (i, input) in inputs.iter().enumerate() {
        let d = cws_project::monte_carlo::simulate(
            input,
            &Levers::default(),
            horizon,
            cws_project::monte_carlo::Options {
                runs,
                seed: 1 ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                parameters: true,
                demand_seed: None,
                keep_tiers: false,
            },
        )?;
        match &mut total {
            None => total = Some(d),
            Some(t) => t.join(&d)?,
        }
    }
    let bands = total.context("no area has returns")?.bands();
    let modelled = t2.elapsed().as_secs_f64();
    let p50: Vec<f64> = bands.supply_total.iter().map(|b| b.p50).collect();
    let peak = crate::figures_cmd::peak_rss_kb();
    let cells = inputs.iter().map(|i| i.stock.len()).sum::<usize>();
    let occupied = inputs
        .iter()
        .flat_map(|i| &i.stock)
        .filter(|n| **n > 0.0)
        .count();
    if let Some(path) = inputs_out {
        let file =
            std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
        serde_json::to_writer(
            std::io::BufWriter::new(file),
            &serde_json::json!({
                "runs": runs, "horizon": horizon, "areas": inputs,
                "years": bands.years, "p50": p50,
            }),
        )?;
    }
    println!(
        "areas {} · cells {cells} ({occupied} with people) · runs {runs} · years {}–{horizon} · load {loaded:.2} s · measure {measured:.2} s · model {modelled:.2} s · peak RSS {} MB · England P50 {} → {}",
        inputs.len(),
        bands.years.first().copied().unwrap_or(horizon),
        peak / 1024,
        p50.first().map_or(0.0, |v| v.round()),
        p50.last().map_or(0.0, |v| v.round()),
    );
    Ok(())
}
