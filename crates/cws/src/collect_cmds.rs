//! The collection commands: template, import, rules, organisations and collections.

use cws_domain::words::{count, count_as};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use clap::Subcommand;
use cws_collect::import::{self, Explanations, ImportOptions, ImportReport, Target};
use cws_collect::pseudonymise::Pseudonymiser;
use cws_collect::report::{self, Message};
use cws_collect::{organisations, rules, template, xlsx};
use cws_domain::collection::Collection;
use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};
use cws_store::{geography, returns, Db};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Return files: cws template (CSV or XLSX), census XML, or bulk-upload worker files.
    pub files: Vec<PathBuf>,
    /// The area the returns are for (DfE number or GSS code).
    #[arg(long)]
    pub area: Option<String>,
    /// The organisation every row is for (then the files may leave organisation_ref out).
    #[arg(long)]
    pub org: Option<String>,
    /// The collection's census date (default: the latest collection).
    #[arg(long)]
    pub census: Option<NaiveDate>,
    /// Check and show what would change, but store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Accept the queries of a rule with a written explanation: RULE=TEXT (repeatable).
    #[arg(long = "explain", value_name = "RULE=TEXT")]
    pub explain: Vec<String>,
    /// Accept every query with this written explanation.
    #[arg(long, value_name = "TEXT")]
    pub explain_all: Option<String>,
    /// Also write the messages to this file (.csv or .xlsx).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Import every file listed in a manifest (as `cws generate` writes), area by area.
    #[arg(long, conflicts_with = "files")]
    pub manifest: Option<PathBuf>,
    /// Refuse files larger than this many megabytes.
    #[arg(long, default_value_t = 256)]
    pub max_file_mb: u64,
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Register one organisation in an area (or update it).
    Add {
        #[arg(long)]
        area: String,
        #[arg(long = "ref")]
        reference: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        sector: String,
        #[arg(long)]
        service: String,
        #[arg(long)]
        setting: String,
        #[arg(long)]
        disadvantaged: bool,
        #[arg(long)]
        parent: Option<String>,
    },
    /// Register organisations from a CSV list (organisation_ref, organisation_name, sector,
    /// service, setting_type, disadvantaged_area, parent_ref, area_code); a manifest works.
    Import {
        file: PathBuf,
        /// The area, when the list has no area_code column.
        #[arg(long)]
        area: Option<String>,
    },
    /// List an area's organisations.
    List {
        #[arg(long)]
        area: String,
    },
}

#[derive(Subcommand)]
pub enum CollectionCommand {
    /// Create a collection: a census date with its window (defaults: opens the next day, due
    /// two months later, closes five months later).
    Create {
        #[arg(long)]
        census: NaiveDate,
        #[arg(long)]
        opens: Option<NaiveDate>,
        #[arg(long)]
        due: Option<NaiveDate>,
        #[arg(long)]
        closes: Option<NaiveDate>,
    },
    /// List collections.
    List,
    /// Who has returned in an area: coverage by sector, service and setting type, and the
    /// organisations still to return.
    Status {
        #[arg(long)]
        area: String,
        #[arg(long)]
        census: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// The versions of one organisation's return, with the queries accepted.
    History {
        #[arg(long)]
        area: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        census: Option<NaiveDate>,
    },
}

fn explanations(args: &ImportArgs) -> anyhow::Result<Explanations> {
    let mut e = Explanations {
        all: args.explain_all.clone(),
        ..Default::default()
    };
    for item in &args.explain {
        let Some((rule, text)) = item.split_once('=') else {
            bail!("--explain takes RULE=TEXT, for example --explain X02=\"two part-time posts\"; got '{item}'");
        };
        if rules::by_code(rule.trim()).is_none() {
            bail!("'{rule}' is not a rule code: `cws rules` lists them");
        }
        e.by_rule
            .insert(rule.trim().to_ascii_uppercase(), text.trim().to_string());
    }
    Ok(e)
}

fn print_report(r: &ImportReport) {
    println!(
        "{} return{} for {} ({}), census date {}{}: {} rows read from {} file{}.",
        r.returns.len(),
        if r.returns.len() == 1 { "" } else { "s" },
        r.area_name,
        r.area_code,
        r.census_date,
        if r.dry_run { ", DRY RUN" } else { "" },
        r.rows_read,
        r.files.len(),
        if r.files.len() == 1 { "" } else { "s" }
    );
    for o in &r.returns {
        let c = &o.changes;
        println!(
            "  {} {}: {}, {}; {} added, {} changed, {} removed, {} unchanged{} — {} ({}, {}){}",
            o.organisation,
            o.organisation_name
                .as_deref()
                .map(|n| format!("({n})"))
                .unwrap_or_default(),
            count(o.posts as u64, "post"),
            count_as(o.vacancies as u64, "vacancy", "vacancies"),
            c.posts_added,
            c.posts_changed,
            c.posts_removed,
            c.posts_unchanged,
            if c.vacancies_changed {
                "; vacancies changed"
            } else {
                ""
            },
            o.outcome.label(),
            count(o.counts.errors as u64, "error"),
            count_as(o.counts.queries as u64, "query", "queries"),
            o.version
                .map(|v| format!(", version {v}"))
                .unwrap_or_default()
        );
    }
    let shown = 200;
    for m in r.messages.iter().take(shown) {
        println!("{}", m.to_line());
    }
    if r.messages.len() > shown {
        println!(
            "… and {} more lines: use --report FILE or --json to see them all.",
            r.messages.len() - shown
        );
    }
    println!(
        "{} errors, {} queries, {} notices. {}",
        r.counts.errors,
        r.counts.queries,
        r.counts.notices,
        if r.accepted {
            "Accepted."
        } else {
            "NOT accepted."
        }
    );
}

fn write_report(path: &Path, messages: &[Message]) -> anyhow::Result<()> {
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        std::fs::write(path, xlsx::report(messages)?)?;
    } else {
        report::write_csv(std::fs::File::create(path)?, messages)?;
    }
    Ok(())
}

fn spinner(enabled: bool) -> indicatif::ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} rows read {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar
}

/// `cws import`. Returns the process exit code: 0 accepted, 1 errors, 2 queries waiting.
pub async fn import(db: &Db, pseudo: &Pseudonymiser, args: ImportArgs) -> anyhow::Result<i32> {
    let opts = ImportOptions {
        submitted_by: None,
        draft: false,
        area: args.area.clone().unwrap_or_default(),
        organisation: args.org.clone(),
        census: args.census,
        dry_run: args.dry_run,
        explanations: explanations(&args)?,
        max_file_bytes: args.max_file_mb * 1024 * 1024,
        today: chrono::Local::now().date_naive(),
    };
    let reports = if let Some(manifest) = &args.manifest {
        import_manifest(db, pseudo, manifest, &opts, &args).await?
    } else {
        let Some(area) = &args.area else {
            bail!("give the area the returns are for: --area CODE (DfE number or GSS code)")
        };
        if args.files.is_empty() {
            bail!("give at least one file to import");
        }
        let target = Target::load(db, area, args.census).await?;
        let bar = spinner(!args.json);
        let report =
            import::import_files(db, pseudo, &target, &args.files, Vec::new(), &opts, &|n| {
                bar.inc(n)
            })
            .await?;
        bar.finish_and_clear();
        vec![report]
    };
    let messages: Vec<Message> = reports
        .iter()
        .flat_map(|r| r.messages.iter().cloned())
        .collect();
    if let Some(path) = &args.report {
        write_report(path, &messages)
            .with_context(|| format!("writing the report {}", path.display()))?;
    }
    if args.json {
        if reports.len() == 1 {
            println!("{}", serde_json::to_string_pretty(&reports[0])?);
        } else {
            println!("{}", serde_json::to_string_pretty(&reports)?);
        }
    } else if args.manifest.is_none() {
        for r in &reports {
            print_report(r);
        }
    }
    let errors = reports.iter().any(|r| {
        r.counts.errors > 0
            || r.returns
                .iter()
                .any(|o| o.outcome == import::Outcome::BlockedByErrors)
    });
    Ok(if reports.iter().all(|r| r.accepted) {
        0
    } else if errors {
        1
    } else {
        2
    })
}

/// Imports every organisation file of a manifest, one return at a time, so memory stays
/// that of one file however large the manifest.
async fn import_manifest(
    db: &Db,
    pseudo: &Pseudonymiser,
    manifest: &Path,
    opts: &ImportOptions,
    args: &ImportArgs,
) -> anyhow::Result<Vec<ImportReport>> {
    let (listed, messages) = organisations::read_list(manifest);
    if !messages.is_empty() {
        for m in &messages {
            eprintln!("{}", m.to_line());
        }
        bail!(
            "the manifest {} has problems: fix them first",
            manifest.display()
        );
    }
    let base = manifest.parent().unwrap_or(Path::new("."));
    let mut by_area: BTreeMap<String, Vec<&organisations::ListedOrganisation>> = BTreeMap::new();
    for l in &listed {
        let area = l
            .area
            .clone()
            .or_else(|| args.area.clone())
            .context("the manifest has no area_code column: give --area")?;
        by_area.entry(area).or_default().push(l);
    }
    let total_rows: u64 = 0;
    let bar = if args.json || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(listed.len() as u64)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} returns · {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let mut reports = Vec::new();
    let (mut rows, mut accepted, mut refused) = (total_rows, 0usize, 0usize);
    let mut areas = Vec::with_capacity(by_area.len());
    for (area, orgs) in by_area {
        // Every area is checked before anything is imported; each is loaded in its turn.
        Target::check(db, &area, opts.census).await?;
        // An area's vacancies file sits beside its organisation files.
        let vacancies_file = orgs
            .iter()
            .find_map(|o| o.file.as_ref())
            .and_then(|f| Path::new(f).parent())
            .map(|dir| base.join(dir).join("vacancies.csv"))
            .filter(|p| p.exists());
        let files = orgs
            .iter()
            .filter_map(|o| {
                let file = o.file.as_ref()?;
                Some((
                    o.organisation.reference.as_str().to_string(),
                    base.join(file),
                ))
            })
            .collect();
        areas.push(import::BulkArea {
            area,
            files,
            vacancies_file,
        });
    }
    let json = args.json;
    let mut on_report = |r: ImportReport| {
        rows += r.rows_read;
        if r.accepted {
            accepted += 1;
        } else {
            refused += 1;
            if !json {
                bar.suspend(|| print_report(&r));
            }
        }
        bar.inc(1);
        bar.set_message(format!("{rows} rows"));
        if json || !r.accepted {
            reports.push(r);
        }
    };
    import::import_bulk(db, pseudo, areas, opts, &mut on_report).await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    if !args.json {
        println!(
            "Imported {} returns from {}: {accepted} accepted or unchanged, {refused} not accepted; {rows} rows in {secs:.1}s ({:.0} rows/s).",
            accepted + refused,
            manifest.display(),
            rows as f64 / secs.max(1e-9)
        );
    }
    if reports.is_empty() {
        // Everything was accepted: an empty, accepted report keeps the exit code right.
        return Ok(Vec::new());
    }
    Ok(reports)
}

/// `cws template`.
pub async fn template_cmd(
    db: Option<&Db>,
    format: &str,
    out: &Path,
    area: Option<&str>,
    org: Option<&str>,
) -> anyhow::Result<()> {
    let organisation = match (db, area, org) {
        (Some(db), Some(area), Some(org)) => {
            let a = geography::area(db, area)
                .await?
                .with_context(|| format!("there is no area with the code '{area}'"))?;
            let o = returns::organisations(db, a.id)
                .await?
                .into_iter()
                .find(|o| o.reference.eq_ignore_ascii_case(org))
                .with_context(|| {
                    format!("'{org}' is not an organisation registered in {}", a.name)
                })?;
            Some((o.reference, o.name))
        }
        (_, None, Some(_)) => bail!("--org needs --area"),
        _ => None,
    };
    match format {
        "xlsx" => {
            let roles = cws_reference::roles()?;
            std::fs::write(
                out,
                xlsx::template(
                    &roles,
                    organisation.as_ref().map(|(r, n)| (r.as_str(), n.as_str())),
                )?,
            )?;
        }
        "csv" => {
            let file = std::fs::File::create(out)?;
            template::write_workers(file, "", &[])?;
        }
        other => bail!("'{other}' is not a template format: use csv or xlsx"),
    }
    println!("Wrote the worker-return template to {}.", out.display());
    Ok(())
}

/// `cws rules`.
pub fn rules_cmd(json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(rules::ALL)?);
        return Ok(());
    }
    println!(
        "{:<5} {:<8} {:<32} WHAT IT CHECKS — HOW TO FIX",
        "RULE", "LEVEL", "APPLIES TO"
    );
    for r in rules::ALL {
        println!(
            "{:<5} {:<8} {:<32} {} — {}",
            r.code,
            r.severity.label(),
            r.scope.label(),
            r.checks,
            r.fix
        );
    }
    Ok(())
}

/// The role catalogue, as `cws roles` prints it.
pub fn roles_cmd(json: bool) -> anyhow::Result<()> {
    let roles = cws_reference::roles()?;
    if json {
        let rows: Vec<serde_json::Value> = roles
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code.as_str(),
                    "title": r.title,
                    "role_group": r.group.code(),
                    "core_wider": r.core_wider.code(),
                    "min_qual_level": r.min_qual_level.code(),
                    "min_qual_rule": r.min_qual_rule,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    let width = |f: &dyn Fn(&cws_domain::role::Role) -> usize| roles.iter().map(f).max();
    let code = width(&|r| r.code.as_str().len()).unwrap_or(4).max(4);
    let title = width(&|r| r.title.chars().count()).unwrap_or(4).max(4);
    let group = width(&|r| r.group.label().len()).unwrap_or(5).max(5);
    println!(
        "{:<code$} {:<title$} {:<group$} MINIMUM QUALIFICATION",
        "CODE", "ROLE", "GROUP"
    );
    for r in &roles {
        println!(
            "{:<code$} {:<title$} {:<group$} {}",
            r.code.as_str(),
            r.title,
            r.group.label(),
            r.min_qual_rule
        );
    }
    println!(
        "\n{}. Use the code in a return's `role` column.",
        count(roles.len() as u64, "role")
    );
    Ok(())
}

async fn area_id(db: &Db, code: &str) -> anyhow::Result<(cws_store::AreaId, String)> {
    let a = geography::area(db, code).await?.with_context(|| {
        format!(
            "there is no area with the code '{code}': use a DfE number such as 318 or a GSS code"
        )
    })?;
    Ok((a.id, a.name))
}

/// `cws org`.
pub async fn org_cmd(db: &Db, cmd: OrgCommand) -> anyhow::Result<()> {
    match cmd {
        OrgCommand::Add {
            area,
            reference,
            name,
            sector,
            service,
            setting,
            disadvantaged,
            parent,
        } => {
            let (id, area_name) = area_id(db, &area).await?;
            let org = Organisation {
                reference: OrgRef::parse(&reference).map_err(anyhow::Error::msg)?,
                name,
                sector: Sector::parse(&sector)?,
                service: Service::parse(&service)?,
                setting: SettingType::parse(&setting)?,
                disadvantaged_area: disadvantaged,
                parent: parent
                    .map(|p| OrgRef::parse(&p))
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
            };
            let (added, _) = returns::upsert_organisations(db, id, &[org]).await?;
            println!(
                "{} {reference} in {area_name}.",
                if added == 1 { "Registered" } else { "Updated" }
            );
        }
        OrgCommand::Import { file, area } => {
            let (listed, messages) = organisations::read_list(&file);
            for m in &messages {
                println!("{}", m.to_line());
            }
            if messages
                .iter()
                .any(|m| m.severity == rules::Severity::Error)
            {
                bail!("the list has errors: nothing was registered");
            }
            let mut by_area: BTreeMap<String, Vec<Organisation>> = BTreeMap::new();
            for l in listed {
                let a = l
                    .area
                    .or_else(|| area.clone())
                    .context("the list has no area_code column: give --area")?;
                by_area.entry(a).or_default().push(l.organisation);
            }
            let (mut added, mut updated) = (0, 0);
            for (a, orgs) in by_area {
                let (id, _) = area_id(db, &a).await?;
                let (x, y) = returns::upsert_organisations(db, id, &orgs).await?;
                added += x;
                updated += y;
            }
            println!(
                "Registered {} and updated {updated}.",
                count(added as u64, "organisation")
            );
        }
        OrgCommand::List { area } => {
            let (id, name) = area_id(db, &area).await?;
            let orgs = returns::organisations(db, id).await?;
            println!("{} in {name}:", count(orgs.len() as u64, "organisation"));
            for o in orgs {
                println!(
                    "  {:<24} {:<48} {} / {} / {}{}",
                    o.reference,
                    o.name,
                    o.sector,
                    o.service,
                    o.setting_type,
                    if o.synthetic { " (synthetic)" } else { "" }
                );
            }
        }
    }
    Ok(())
}

/// `cws collection`.
pub async fn collection_cmd(db: &Db, cmd: CollectionCommand) -> anyhow::Result<()> {
    match cmd {
        CollectionCommand::Create {
            census,
            opens,
            due,
            closes,
        } => {
            let opens = opens.unwrap_or(census + chrono::Days::new(1));
            let due = due.unwrap_or(opens + chrono::Months::new(2));
            let closes = closes.unwrap_or(opens + chrono::Months::new(5));
            let c = Collection::new(census, opens, due, closes)?;
            returns::create_collection(db, &c).await?;
            println!("Created the collection for the census date {census}: opens {opens}, due {due}, closes {closes}.");
        }
        CollectionCommand::List => {
            for c in returns::collections(db).await? {
                println!(
                    "census {}  opens {}  due {}  closes {}",
                    c.census_date, c.opens, c.due, c.closes
                );
            }
        }
        CollectionCommand::Status { area, census, json } => {
            let (id, name) = area_id(db, &area).await?;
            let c = returns::collection(db, census)
                .await?
                .context("there is no such collection: `cws collection list` shows them")?;
            let rows = returns::coverage(db, id, c.id).await?;
            let summary = cws_collect::coverage::summarise(&rows);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "area": name, "census_date": c.census_date, "summary": summary, "organisations": rows.iter().map(|r| serde_json::json!({"reference": r.reference, "name": r.name, "sector": r.sector, "service": r.service, "setting_type": r.setting_type, "status": r.status, "version": r.version, "submitted_at": r.submitted_at})).collect::<Vec<_>>() })
                    )?
                );
                return Ok(());
            }
            println!(
                "Returns for {name}, census date {} (due {}, closes {}):",
                c.census_date, c.due, c.closes
            );
            for (dimension, groups) in &summary {
                println!("\nBy {dimension}:");
                for g in groups {
                    println!(
                        "  {:<28} {:>5} of {:>5} returned ({:>5.1}%)",
                        g.label,
                        g.returned,
                        g.organisations,
                        g.percent()
                    );
                }
            }
            let missing: Vec<_> = rows
                .iter()
                .filter(|r| r.status != cws_domain::collection::ReturnStatus::Accepted)
                .collect();
            println!("\nNot yet accepted ({}):", missing.len());
            for r in missing.iter().take(500) {
                println!(
                    "  {:<24} {:<48} {:<14} {} / {}",
                    r.reference, r.name, r.status, r.sector, r.setting_type
                );
            }
        }
        CollectionCommand::History { area, org, census } => {
            let (id, name) = area_id(db, &area).await?;
            let c = returns::collection(db, census)
                .await?
                .context("there is no such collection")?;
            let o = returns::organisations(db, id)
                .await?
                .into_iter()
                .find(|o| o.reference.eq_ignore_ascii_case(&org))
                .with_context(|| format!("'{org}' is not registered in {name}"))?;
            for r in returns::history(db, c.id, o.id).await? {
                println!(
                    "version {} {} {} from {}{}",
                    r.version,
                    r.submitted_at,
                    r.status,
                    r.source,
                    if r.is_current { " (current)" } else { "" }
                );
                for q in returns::accepted_queries(db, r.id).await? {
                    println!(
                        "    query {} row {}: {} — explained: {}",
                        q.rule_code,
                        q.row_number.map(|n| n.to_string()).unwrap_or_default(),
                        q.message,
                        q.explanation
                    );
                }
            }
        }
    }
    Ok(())
}
