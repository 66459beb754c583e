//! `cws figures`: workforce figures from the stored returns, as a table, CSV, JSON or the
//! explore-education-statistics tidy format.

use std::io::Write;

use anyhow::{bail, Context};
use cws_analyse::figures::{compute, Dimension, Options, Scope};
use cws_analyse::measure::{round, Measure};
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
    /// table, csv, json or tidy (explore-education-statistics, with Total rows).
    #[arg(long, default_value = "table")]
    format: String,
    /// Write to this file instead of the terminal.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

pub async fn figures(db: &Db, args: FiguresArgs) -> anyhow::Result<()> {
    let measures: Vec<Measure> = if args.measures.is_empty() {
        cws_analyse::measure::published_measures()
    } else {
        args.measures
            .iter()
            .map(|n| {
                Measure::parse(n.trim()).with_context(|| {
                    format!(
                        "'{n}' is not a measure; measures are: {}",
                        Measure::ALL
                            .iter()
                            .map(|m| m.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
            })
            .collect::<anyhow::Result<_>>()?
    };
    let dims: Vec<Dimension> = args
        .by
        .iter()
        .map(|n| {
            Dimension::parse(n.trim()).with_context(|| {
                format!("'{n}' is not a dimension; use region, area, sector, service, setting_type, role, role_group, contract or core_wider")
            })
        })
        .collect::<anyhow::Result<_>>()?;
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
    let snap = cws_analyse::load::load(db, args.census).await?;
    let census = snap.census.context("the collection has no census date")?;
    let opts = Options::for_census(census);
    let groups = compute(&snap, &scope, &dims, &opts)?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    let value =
        |s: &cws_analyse::Sums, m: Measure| m.value(s, &opts.params).map(|v| round(m.kind(), v));
    match args.format.as_str() {
        "json" => {
            let rows: Vec<serde_json::Value> = groups
                .iter()
                .map(|g| {
                    let mut o = serde_json::Map::new();
                    for (d, l) in dims.iter().zip(&g.labels) {
                        o.insert(d.name().into(), l.clone().into());
                    }
                    for m in &measures {
                        o.insert(m.name().into(), value(&g.sums, *m).into());
                    }
                    o.into()
                })
                .collect();
            let doc = serde_json::json!({
                "census_date": census,
                "scope": scope_name(&scope),
                "dimensions": dims.iter().map(|d| d.name()).collect::<Vec<_>>(),
                "rows": rows,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        "csv" => {
            let mut w = csv::Writer::from_writer(out);
            let mut header: Vec<&str> = dims.iter().map(|d| d.name()).collect();
            header.extend(measures.iter().map(|m| m.name()));
            w.write_record(&header)?;
            for g in &groups {
                let mut rec = g.labels.clone();
                rec.extend(measures.iter().map(|m| cell(value(&g.sums, *m))));
                w.write_record(&rec)?;
            }
            w.flush()?;
        }
        "tidy" => tidy(&mut out, &snap, &scope, &dims, &measures, &opts, census)?,
        "table" => {
            let mut header: Vec<String> = dims.iter().map(|d| d.name().to_string()).collect();
            header.extend(measures.iter().map(|m| m.name().to_string()));
            let rows: Vec<Vec<String>> = groups
                .iter()
                .map(|g| {
                    let mut r = g.labels.clone();
                    r.extend(measures.iter().map(|m| cell(value(&g.sums, *m))));
                    r
                })
                .collect();
            writeln!(out, "{} at {census}", scope_name(&scope))?;
            // one line per measure when there are no dimensions: easier to read
            if dims.is_empty() {
                if let Some(g) = groups.first() {
                    for m in &measures {
                        writeln!(
                            out,
                            "  {:<45} {:>10}  {}",
                            m.name(),
                            cell(value(&g.sums, *m)),
                            m.label()
                        )?;
                    }
                }
            } else {
                let widths: Vec<usize> = (0..header.len())
                    .map(|i| {
                        rows.iter()
                            .map(|r| r[i].chars().count())
                            .chain([header[i].chars().count()])
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                for r in std::iter::once(&header).chain(&rows) {
                    let line: Vec<String> = r
                        .iter()
                        .zip(&widths)
                        .enumerate()
                        .map(|(i, (c, w))| {
                            if i < dims.len() {
                                format!("{c:<w$}")
                            } else {
                                format!("{c:>w$}")
                            }
                        })
                        .collect();
                    writeln!(out, "{}", line.join("  "))?;
                }
            }
        }
        other => bail!("'{other}' is not a format: use table, csv, json or tidy"),
    }
    Ok(())
}

fn cell(v: Option<f64>) -> String {
    // an undefined rate (over nothing) is shown with the GSS symbol for "not applicable"
    v.map_or_else(|| "z".to_string(), |v| format!("{v}"))
}

fn scope_name(s: &Scope) -> String {
    match s {
        Scope::Nation => "England".into(),
        Scope::Region(c) => format!("region {c}"),
        Scope::Area(c) => format!("area {c}"),
    }
}

/// The explore-education-statistics tidy format: one row per geography and combination of
/// filter values, "Total" for a filter that is not cut, indicators as columns.
fn tidy(
    out: &mut dyn Write,
    snap: &cws_analyse::Snapshot,
    scope: &Scope,
    dims: &[Dimension],
    measures: &[Measure],
    opts: &Options,
    census: chrono::NaiveDate,
) -> anyhow::Result<()> {
    use chrono::Datelike;
    let filters: Vec<Dimension> = dims
        .iter()
        .copied()
        .filter(|d| !matches!(d, Dimension::Area | Dimension::Region))
        .collect();
    let mut w = csv::Writer::from_writer(out);
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
    header.extend(filters.iter().map(|d| d.name().to_string()));
    header.extend(measures.iter().map(|m| m.name().to_string()));
    w.write_record(&header)?;
    // every subset of the filters, so each has its Total rows
    for mask in 0..(1u32 << filters.len()) {
        let cut: Vec<Dimension> = filters
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, d)| *d)
            .collect();
        let geo_dims: Vec<Dimension> = match scope {
            Scope::Nation => vec![],
            Scope::Region(_) => vec![Dimension::Region],
            Scope::Area(_) => vec![Dimension::Area],
        };
        let all: Vec<Dimension> = geo_dims.iter().chain(&cut).copied().collect();
        for g in compute(snap, scope, &all, opts)? {
            let (level, region, la) = match scope {
                Scope::Nation => ("National", None, None),
                Scope::Region(code) => {
                    let a = snap.areas.iter().find(|a| &a.region_code == code);
                    ("Regional", a, None)
                }
                Scope::Area(code) => {
                    let a = snap.areas.iter().find(|a| &a.code == code);
                    ("Local authority", a, a)
                }
            };
            let mut rec = vec![
                census.year().to_string(),
                "Reporting year".to_string(),
                level.to_string(),
                "E92000001".to_string(),
                "England".to_string(),
                region.map_or_else(String::new, |a| a.region_code.clone()),
                region.map_or_else(String::new, |a| a.region_name.clone()),
                la.map_or_else(String::new, |a| a.code.clone()),
                la.map_or_else(String::new, |a| a.name.clone()),
            ];
            let labels = &g.labels[geo_dims.len()..];
            for d in &filters {
                rec.push(match cut.iter().position(|c| c == d) {
                    Some(i) => labels[i].clone(),
                    None => "Total".to_string(),
                });
            }
            rec.extend(
                measures
                    .iter()
                    .map(|m| cell(m.value(&g.sums, &opts.params).map(|v| round(m.kind(), v)))),
            );
            w.write_record(&rec)?;
        }
    }
    w.flush()?;
    Ok(())
}
