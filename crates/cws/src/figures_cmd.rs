//! `cws figures`: workforce figures from the stored returns — a table by any dimensions with
//! its totals, or a comparison with statistical neighbours or over census dates — as text,
//! CSV, JSON, XLSX with a chart, or the explore-education-statistics tidy format, with
//! disclosure control on anything that leaves the owning area.

use cws_domain::geography::ENGLAND;
use std::io::Write;

use anyhow::{bail, Context};
use cws_analyse::compare::{self, Entry, Focus, Inputs};
use cws_analyse::cube::Cube;
use cws_analyse::disclosure::{self, Policy};
use cws_analyse::export::{Column, Table, TableRow};
use cws_analyse::figures::{compute, Dimension, Options, Scope, Settings};
use cws_analyse::measure::Measure;
use cws_analyse::Snapshot;
use cws_store::Db;

#[derive(clap::Args, Debug)]
pub struct FiguresArgs {
    /// An area (DfE number or GSS code); without --area or --region, England.
    #[arg(long)]
    area: Option<String>,
    /// A region's GSS code, e.g. E12000007.
    #[arg(long)]
    region: Option<String>,
    /// Census date (YYYY-MM-DD); the latest collection when not given.
    #[arg(long)]
    census: Option<chrono::NaiveDate>,
    /// Measures by name, comma-separated (DfE's names where DfE publishes them); default:
    /// the measures DfE publishes for the social work workforce.
    #[arg(long, value_delimiter = ',')]
    measures: Vec<String>,
    /// Dimensions to cut by, comma-separated: region, area, sector, service, setting_type,
    /// role, role_group, contract, core_wider.
    #[arg(long, value_delimiter = ',')]
    by: Vec<String>,
    /// table, csv, json, xlsx (with a chart; needs --out) or tidy (explore-education-
    /// statistics, for publication).
    #[arg(long, default_value = "table")]
    format: String,
    /// The same as --format json.
    #[arg(long)]
    json: bool,
    /// Compare instead of cutting: `neighbours` (an area beside its ten statistical
    /// neighbours, the neighbours pooled, its region and England) or `census` (every
    /// census date held).
    #[arg(long)]
    compare: Option<String>,
    /// Only children and family social workers of the local authority (DfE's census
    /// population), so DfE's published figures can stand beside and in for returns.
    #[arg(long)]
    social_work: bool,
    /// Diversity against the community: each ethnic group's share of the workforce beside
    /// its share of the community, and the representation ratio.
    #[arg(long)]
    diversity: bool,
    /// The community for --diversity: `residents` (Census 2021 usual residents, shipped) or
    /// a comparator loaded with `cws community load` (e.g. `children`).
    #[arg(long, default_value = "residents")]
    community: String,
    /// Apply disclosure control even to an area's own figures (always applied to regions,
    /// England, other areas and the tidy format).
    #[arg(long)]
    publishable: bool,
    /// Counts from 1 to this many people are suppressed.
    #[arg(long, default_value_t = 5)]
    threshold: u32,
    /// Round England's counts to a multiple of this.
    #[arg(long, default_value_t = 1)]
    round: u32,
    /// Write to this file instead of the terminal.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

pub async fn figures(db: &Db, args: FiguresArgs, settings: &Settings) -> anyhow::Result<()> {
    let measures: Vec<Measure> = if args.measures.is_empty() {
        cws_analyse::measure::published_measures()
    } else {
        args.measures
            .iter()
            .map(|n| Ok(Measure::parse(n)?))
            .collect::<anyhow::Result<_>>()?
    };
    let dims: Vec<Dimension> = args
        .by
        .iter()
        .map(|n| Ok(Dimension::parse(n)?))
        .collect::<anyhow::Result<_>>()?;
    let format = if args.json {
        "json"
    } else {
        args.format.as_str()
    };
    if !["table", "csv", "json", "xlsx", "tidy"].contains(&format) {
        bail!("'{format}' is not a format: use table, csv, json, xlsx or tidy");
    }
    if format == "xlsx" && args.out.is_none() {
        bail!("an XLSX file needs --out FILE.xlsx");
    }
    let scope = match (&args.area, &args.region) {
        (Some(_), Some(_)) => bail!("give --area or --region, not both"),
        (Some(a), None) => {
            let area = cws_store::geography::area(db, a)
                .await?
                .with_context(|| format!("there is no area with the code '{a}'"))?;
            Scope::Area(area.code)
        }
        (None, Some(r)) => Scope::Region(r.clone()),
        (None, None) => Scope::Nation,
    };
    let policy = Policy {
        threshold: args.threshold,
        rounding: if scope == Scope::Nation {
            args.round
        } else {
            1
        },
    };
    // the owning area may see its own figures whole; anything wider is protected
    let protect = args.publishable || format == "tidy" || !matches!(scope, Scope::Area(_));
    let table = match args.compare.as_deref() {
        None if args.diversity => {
            if !dims.is_empty() || args.social_work || format == "tidy" {
                bail!("--diversity is a table of its own: it cannot be combined with --by, --social-work or --format tidy");
            }
            diversity_table(db, &args, &scope, protect.then_some(&policy), settings).await?
        }
        None => {
            if args.social_work {
                bail!("--social-work goes with --compare (use --by role_group,sector to cut any table)");
            }
            let snap = cws_analyse::load::load(db, args.census).await?;
            let census = snap.census.context("the collection has no census date")?;
            let opts = Options::with_settings(census, settings);
            if format == "tidy" {
                return write(
                    &args,
                    tidy(&snap, &scope, &dims, &measures, &opts, &policy)?,
                );
            }
            let groups = compute(&snap, &scope, &dims, &opts)?;
            let cube = Cube::from_groups(&dims, &groups);
            let shown = if protect {
                disclosure::protect(&cube, &measures, &opts.params, &policy)
            } else {
                disclosure::unprotected(&cube, &measures, &opts.params)
            };
            Table::from_cube(
                &cube,
                shown,
                &measures,
                format!("{} at {census}", scope_name(&scope)),
            )
        }
        Some(kind) => {
            if !dims.is_empty() {
                bail!("--by cannot be combined with --compare: a comparison is of whole areas");
            }
            let focus = if args.social_work {
                Focus::SocialWork
            } else {
                Focus::Whole
            };
            compare_table(
                db, kind, &args, &scope, focus, &measures, &policy, protect, settings,
            )
            .await?
        }
    };
    // synthetic data is labelled in every format it leaves in
    let synthetic = cws_store::workforce::synthetic_run(db).await?.is_some();
    let bytes = match format {
        "json" => {
            let mut v = serde_json::to_vec_pretty(&table.json(synthetic))?;
            v.push(b'\n');
            v
        }
        "csv" => table.csv(synthetic)?,
        "xlsx" => cws_documents::xlsx::table(&table, synthetic)?,
        _ if synthetic => format!(
            "{}\n\n{}",
            cws_documents::docx::SYNTHETIC_LABEL,
            table.text()
        )
        .into_bytes(),
        _ => table.text().into_bytes(),
    };
    write(&args, bytes)
}

fn write(args: &FiguresArgs, bytes: Vec<u8>) -> anyhow::Result<()> {
    match &args.out {
        Some(p) => std::fs::write(p, bytes).with_context(|| format!("writing {}", p.display())),
        None => Ok(std::io::stdout().lock().write_all(&bytes)?),
    }
}

#[allow(clippy::too_many_arguments)]
async fn compare_table(
    db: &Db,
    kind: &str,
    args: &FiguresArgs,
    scope: &Scope,
    focus: Focus,
    measures: &[Measure],
    policy: &Policy,
    protect: bool,
    settings: &Settings,
) -> anyhow::Result<Table> {
    let published = cws_analyse::published::area_rows(&cws_reference::social_work_indicators()?);
    let (entries, title): (Vec<Entry>, String) = match kind {
        "neighbours" => {
            let Scope::Area(code) = scope else {
                bail!("--compare neighbours needs --area");
            };
            let snap = cws_analyse::load::load(db, args.census).await?;
            let census = snap.census.context("the collection has no census date")?;
            let opts = Options::with_settings(census, settings);
            let area = cws_store::geography::area(db, code)
                .await?
                .with_context(|| format!("there is no area with the code '{code}'"))?;
            let neighbours: Vec<(String, String)> =
                cws_store::geography::neighbours(db, &area.old_la_code)
                    .await?
                    .into_iter()
                    .filter_map(|n| Some((n.code?, n.name?)))
                    .collect();
            let inputs = Inputs::new(&snap, &opts, focus, &published)?;
            (
                inputs.with_neighbours(code, &neighbours),
                format!(
                    "{} beside its statistical neighbours at {census}",
                    area.name
                ),
            )
        }
        "census" => {
            let mut entries = Vec::new();
            let collections = cws_store::returns::collections(db).await?;
            if collections.is_empty() {
                bail!("there is no collection yet: create one with `cws collection create`");
            }
            for c in &collections {
                let snap = cws_analyse::load::load(db, Some(c.census_date)).await?;
                let opts = Options::with_settings(c.census_date, settings);
                let inputs = Inputs::new(&snap, &opts, focus, &published)?;
                entries.extend(inputs.scope_rows(scope));
            }
            // DfE's published years too, for the trend before and beside the collections
            if let (Focus::SocialWork, Scope::Area(code)) = (focus, scope) {
                for e in compare::published_years(&published, code) {
                    if !entries
                        .iter()
                        .any(|x| x.census == e.census && x.source == compare::Source::Published)
                    {
                        entries.push(e);
                    }
                }
            }
            entries.sort_by(|a, b| (a.census, a.source.label()).cmp(&(b.census, b.source.label())));
            (entries, format!("{} over census dates", scope_name(scope)))
        }
        other => {
            bail!("'{other}' cannot be compared: use --compare neighbours or --compare census")
        }
    };
    let protect_rows: Vec<bool> = entries
        .iter()
        .map(|e| protect || e.relation != "area")
        .collect();
    let params = cws_analyse::Params::default();
    let values = compare::shown(&entries, measures, &params, policy, &protect_rows);
    let mut title = title;
    if focus == Focus::SocialWork {
        title.push_str(" — children and family social workers of the local authority");
    }
    Ok(Table {
        title,
        label_columns: [
            "census_date",
            "relation",
            "code",
            "name",
            "source",
            "coverage",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        columns: Column::of(measures),
        rows: entries
            .iter()
            .zip(values)
            .map(|(e, values)| TableRow {
                labels: vec![
                    e.census.to_string(),
                    e.relation.clone(),
                    e.code.clone(),
                    e.name.clone(),
                    e.source.label().to_string(),
                    e.coverage(),
                ],
                values,
            })
            .collect(),
        footnote: {
            let mut f = String::from(
                "z: not applicable (a rate over nothing). x: not available (no returns, or not a \
                 published measure). Published figures are DfE's Children's social work \
                 workforce statistics.",
            );
            if protect_rows.iter().any(|p| *p) {
                f.push_str(&format!(
                    " c: suppressed — counts of 1 to {} people from other areas' returns, the \
                     FTE and rates on them, and any row that would reveal them.",
                    policy.threshold
                ));
            }
            f
        },
        chart: None,
    })
}

/// The workforce by ethnic group against the community it serves.
async fn diversity_table(
    db: &Db,
    args: &FiguresArgs,
    scope: &Scope,
    policy: Option<&Policy>,
    settings: &Settings,
) -> anyhow::Result<Table> {
    let snap = cws_analyse::load::load(db, args.census).await?;
    let census = snap.census.context("the collection has no census date")?;
    let opts = Options::with_settings(census, settings);
    let groups = compute(&snap, scope, &[], &opts)?;
    let mut sums = cws_analyse::Sums::default();
    for g in &groups {
        sums.add(&g.sums);
    }
    let geography = snap.community_geography(scope);
    let (geo_code, areas) = (geography.code, geography.areas);
    let base = args.community.trim();
    let counts = cws_store::community::community(db, base, &geo_code, &areas)
        .await?
        .with_context(|| {
            format!(
                "there is no '{base}' community comparator for {geo_code}: `cws community list` \
                 shows those held, and `cws community load --base {base} FILE.csv` loads one \
                 from an ONS download"
            )
        })?;
    let description = if base == cws_store::community::RESIDENTS {
        "usual residents, Census 2021".to_string()
    } else {
        format!("the '{base}' comparator")
    };
    let mut community = cws_analyse::diversity::Community::from_categories(
        &description,
        &counts.source,
        &counts.by_category,
    );
    if let Some((found, asked)) = counts.summed_from_areas {
        // a community from only some of the areas would be the wrong denominator
        if found < asked {
            bail!(
                "the '{base}' comparator has no row for {geo_code} and covers only {found} of \
                 its {asked} areas: load a file with every area, or with {geo_code}'s own row"
            );
        }
        community.note = Some(format!("The community is summed from its {asked} areas."));
    }
    Ok(cws_analyse::diversity::table(
        format!(
            "{} at {census}: the workforce by ethnic group against {description}",
            scope_name(scope)
        ),
        &sums,
        &community,
        policy,
    ))
}

fn scope_name(s: &Scope) -> String {
    match s {
        Scope::Nation => "England".into(),
        Scope::Region(c) => format!("region {c}"),
        Scope::Area(c) => format!("area {c}"),
    }
}

/// The explore-education-statistics tidy format: one row per geography and combination of
/// filter values, "Total" for a filter that is not cut, indicators as columns, protected.
fn tidy(
    snap: &Snapshot,
    scope: &Scope,
    dims: &[Dimension],
    measures: &[Measure],
    opts: &Options,
    policy: &Policy,
) -> anyhow::Result<Vec<u8>> {
    use chrono::Datelike;
    let census = snap.census.context("the collection has no census date")?;
    let filters: Vec<Dimension> = dims
        .iter()
        .copied()
        .filter(|d| !matches!(d, Dimension::Area | Dimension::Region))
        .collect();
    let groups = compute(snap, scope, &filters, opts)?;
    let cube = Cube::from_groups(&filters, &groups);
    let shown = disclosure::protect(&cube, measures, &opts.params, policy);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "new_la_code",
        "la_name",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(filters.iter().map(|d| d.code().to_string()));
    header.extend(measures.iter().map(|m| m.code().to_string()));
    w.write_record(&header)?;
    let (level, region, la) = match scope {
        Scope::Nation => ("National", None, None),
        Scope::Region(code) => (
            "Regional",
            snap.areas.iter().find(|a| &a.region_code == code),
            None,
        ),
        Scope::Area(code) => {
            let a = snap.areas.iter().find(|a| &a.code == code);
            ("Local authority", a, a)
        }
    };
    for (cell, values) in cube.cells.iter().zip(&shown.values) {
        let mut rec = vec![
            census.year().to_string(),
            "Reporting year".to_string(),
            level.to_string(),
            ENGLAND.to_string(),
            "England".to_string(),
            region.map_or_else(String::new, |a| a.region_code.clone()),
            region.map_or_else(String::new, |a| a.region_name.clone()),
            la.map_or_else(String::new, |a| a.code.clone()),
            la.map_or_else(String::new, |a| a.name.clone()),
        ];
        rec.extend(
            cell.labels
                .iter()
                .map(|l| l.clone().unwrap_or_else(|| "Total".into())),
        );
        rec.extend(values.iter().map(|v| v.to_string()));
        w.write_record(&rec)?;
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

/// Every measure for every area by role group, by sector and by contract type, and each
/// area's total: the "full profile" the benchmark times. Returns the number of values.
pub fn profile_every_area(snap: &Snapshot, opts: &Options) -> anyhow::Result<usize> {
    let mut values = 0usize;
    for dims in [
        &[Dimension::Area][..],
        &[Dimension::Area, Dimension::RoleGroup],
        &[Dimension::Area, Dimension::Sector],
        &[Dimension::Area, Dimension::Contract],
    ] {
        for g in compute(snap, &Scope::Nation, dims, opts)? {
            for m in Measure::ALL {
                values += usize::from(m.value(&g.sums, &opts.params).is_some());
            }
        }
    }
    Ok(values)
}

/// Times the profile cold (snapshot loaded from the store first) and warm (snapshot held),
/// and reports the peak resident memory.
/// The process's peak resident memory in KB, for the benchmarks (0 where Linux's
/// `/proc/self/status` is not there to say).
pub(crate) fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
}

pub async fn bench_profile(db: &Db, repeat: usize) -> anyhow::Result<()> {
    let t0 = std::time::Instant::now();
    let snap = cws_analyse::load::load(db, None).await?;
    let load = t0.elapsed();
    let census = snap.census.context("the collection has no census date")?;
    let opts = Options::for_census(census);
    let t1 = std::time::Instant::now();
    let values = profile_every_area(&snap, &opts)?;
    let cold = load + t1.elapsed();
    let mut warm = Vec::new();
    for _ in 0..repeat.max(1) {
        let t = std::time::Instant::now();
        std::hint::black_box(profile_every_area(&snap, &opts)?);
        warm.push(t.elapsed().as_secs_f64());
    }
    warm.sort_by(f64::total_cmp);
    let peak = peak_rss_kb();
    println!(
        "posts {} · areas {} · values {values} · cold {:.2} s (snapshot {:.2} s) · warm median {:.3} s (best {:.3}, worst {:.3}) · peak RSS {} MB",
        snap.len(),
        snap.areas.len(),
        cold.as_secs_f64(),
        load.as_secs_f64(),
        warm[warm.len() / 2],
        warm[0],
        warm[warm.len() - 1],
        peak / 1024
    );
    Ok(())
}

/// `cws community`: the populations the workforce's diversity is compared with.
#[derive(clap::Subcommand, Debug)]
pub enum CommunityCommand {
    /// Load (or replace) a comparator from an ONS download by Census 2021 ethnic group (20
    /// categories): a geography code and name, the ethnic group code and label, and
    /// Observation; other columns such as an age band are summed over.
    Load {
        /// A short name used with `cws figures --diversity --community NAME`, e.g. children.
        #[arg(long)]
        base: String,
        /// Where the figures come from, shown under every comparison.
        #[arg(long)]
        source: String,
        file: std::path::PathBuf,
    },
    /// List the comparators held.
    List,
}

pub async fn community_cmd(db: &Db, cmd: CommunityCommand) -> anyhow::Result<()> {
    match cmd {
        CommunityCommand::Load { base, source, file } => {
            let base = base.trim().to_lowercase();
            if base == cws_store::community::RESIDENTS
                || base.is_empty()
                || !base
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                bail!(
                    "'{base}' cannot be used as a comparator name: use letters, digits, - or _, \
                     and not 'residents' (the Census 2021 residents shipped with cws)"
                );
            }
            let rows = cws_collect::community::read_comparator(&file)?;
            let geographies: std::collections::BTreeSet<&str> =
                rows.iter().map(|r| r.geo_code.as_str()).collect();
            cws_store::community::replace_comparator(db, &base, source.trim(), &rows).await?;
            println!(
                "Loaded the '{base}' comparator: {} counts for {} geographies.",
                rows.len(),
                geographies.len()
            );
        }
        CommunityCommand::List => {
            for c in cws_store::community::comparators(db).await? {
                println!(
                    "{:<12} {:>4} geographies  {}{}",
                    c.base,
                    c.geographies,
                    c.source,
                    c.loaded_at
                        .map(|t| format!(" (loaded {t})"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}
