//! `cws`: the command line. A thin edge over the library crates.

mod backcast_cmd;
mod collect_cmds;
mod config;
mod database;
mod demo_strategy;
mod figures_cmd;
mod project_cmd;
mod secret_cmd;
mod targets_cmd;
mod user_cmd;

/// mimalloc: imports and figures allocate many small records on several threads at once,
/// where it is markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use cws_domain::user::{Access, Scope, UserRole};
use cws_domain::words::{count, count_as};
use cws_store::{reference, users, Db};
use cws_synth::Scale;

use config::Config;
use database::{open, redact, DatabaseLock, WithoutSchema};
use secret_cmd::pseudonymiser;

#[derive(Parser)]
#[command(
    name = "cws",
    version,
    about = "Plan and build the children's workforce from evidence."
)]
struct Cli {
    /// Configuration file (default: ./cws.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL, overriding the configuration: sqlite://PATH or postgres://...
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set up a database with reference data and a synthetic workforce, then serve the web application.
    Demo {
        /// How much to generate: area:CODE (e.g. area:318), region:CODE|NAME, or national.
        #[arg(long, default_value = "area:318")]
        scale: String,
        /// Seed for the synthetic workforce (same seed, same data).
        #[arg(long, default_value_t = 2025)]
        seed: u64,
        /// Regenerate even if the same seed and scale are already loaded.
        #[arg(long)]
        regenerate: bool,
        /// Set everything up but do not start the web server.
        #[arg(long)]
        no_serve: bool,
        /// Address to listen on (overrides the configuration).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
    },
    /// Serve the web application on the configured database.
    Serve {
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Start even when the database holds no cws data, creating a new, empty cws there.
        #[arg(long)]
        create: bool,
    },
    /// Write the synthetic workforce as return files in the cws worker template (CSV, one
    /// file per organisation, a vacancies file per area and a manifest).
    Generate {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "area:318")]
        scale: String,
        #[arg(long, default_value_t = 2025)]
        seed: u64,
    },
    /// Load (or refresh) the embedded reference data; does nothing if it is unchanged.
    Reference,
    /// Write the worker-return template (CSV, or XLSX with guidance, drop-downs and examples).
    Template {
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// With --org: a template for one registered organisation.
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        org: Option<String>,
    },
    /// Check and store workforce returns. Exit status 0 when accepted, 1 when errors block
    /// it, 2 when queries still need explanations.
    Import(collect_cmds::ImportArgs),
    /// List every validation rule with its code.
    Rules {
        #[arg(long)]
        json: bool,
    },
    /// List the role catalogue: the codes a return's `role` column takes, with each role's
    /// group and the qualification level it expects.
    Roles {
        #[arg(long)]
        json: bool,
    },
    /// Register and list an area's organisations.
    #[command(subcommand)]
    Org(collect_cmds::OrgCommand),
    /// Collections: census dates, windows and who has returned.
    #[command(subcommand)]
    Collection(collect_cmds::CollectionCommand),
    /// Workforce figures (docs/definitions.md §6) for England, a region or an area, cut by dimensions.
    Figures(figures_cmd::FiguresArgs),
    /// The workforce projected from the latest census (docs/definitions.md §7): supply by
    /// role group and year, expected and P10/P50/P90, under a scenario's levers.
    Project(project_cmd::ProjectArgs),
    /// The seeds' national targets (docs/definitions.md §8) for England, a region or an
    /// area: the figure at the latest census and, past a deadline, met, missed or not known.
    Targets(targets_cmd::TargetsArgs),
    /// Load ONS's subnational population projections (the "persons by single year of age"
    /// CSV, 2022-based, April 2023 boundaries) as the children's future in projections;
    /// districts are summed to upper-tier areas. Replaces any loaded before.
    LoadPopulation { file: std::path::PathBuf },
    /// Accounts: invite the first administrator, reset a password, list accounts.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// Community comparators for diversity: Census 2021 residents, and any loaded.
    #[command(subcommand)]
    Community(figures_cmd::CommunityCommand),
    /// Benchmark: the full profile of every area (every measure by role group, sector and
    /// contract), cold (snapshot built from the store) and warm; see bench/figures.sh.
    #[command(hide = true)]
    BenchFigures {
        #[arg(long, default_value_t = 5)]
        repeat: usize,
    },
    /// Benchmark: every area projected and joined into England's bands; see bench/project.sh.
    #[command(hide = true)]
    BenchProject {
        #[arg(long, default_value_t = 1000)]
        runs: usize,
        #[arg(long, default_value_t = 2040)]
        horizon: i32,
        /// Write the measured inputs and England's P50 as JSON, for the peer.
        #[arg(long)]
        inputs_out: Option<std::path::PathBuf>,
    },
    /// Write a consistent copy of the embedded database to FILE, safe while the server runs
    /// (PostgreSQL: use pg_dump).
    Backup { file: std::path::PathBuf },
    /// Replace the embedded database with a backup: checked whole and against this version of
    /// cws first; everyone is signed out and API tokens are revoked. Stop the server first.
    Restore { file: std::path::PathBuf },
    /// The secret that pseudonymises worker references: make one, move an older database's
    /// out of it, rotate it.
    #[command(subcommand)]
    Secret(secret_cmd::SecretCommand),
    /// Print the effective configuration.
    Config,
}

/// A failure is one plain line on standard error and exit status 1: the command line's users
/// are officers, not developers, so no backtrace whatever `RUST_BACKTRACE` says.
fn main() -> std::process::ExitCode {
    restore_default_sigpipe();
    match try_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `cws … | head` must end quietly when `head` closes the pipe, as other command-line tools
/// do: Rust ignores SIGPIPE, so the next `println!` would panic on the broken pipe instead.
#[cfg(unix)]
fn restore_default_sigpipe() {
    // SAFETY: called first thing in `main`, before any other thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_default_sigpipe() {}

fn try_main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CWS_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        config.database_url = url;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli.command, config))
}

/// Restores the embedded database from a backup made by `cws backup`: the backup is checked
/// (SQLite's integrity check, the cws schema, no migration newer than this binary knows)
/// before the database file is replaced, then brought up to date and everyone signed out.
async fn restore(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    let Some(target) = config.database_url.strip_prefix("sqlite://") else {
        anyhow::bail!("a PostgreSQL database is restored with pg_restore (or point-in-time recovery), not cws restore");
    };
    let target = std::path::PathBuf::from(target.split('?').next().unwrap_or(target));
    if !file.is_file() {
        anyhow::bail!("there is no backup file {}", file.display());
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the database folder {}", dir.display()))?;
    }
    let _alone = DatabaseLock::for_restoring(&target)?;
    // a copy of the backup beside the database, checked before it replaces it: whole, and a
    // cws database this binary can run (the backup itself is never changed)
    let staged = target.with_extension("db.restoring");
    std::fs::copy(file, &staged)
        .with_context(|| format!("copying {} to {}", file.display(), staged.display()))?;
    let refuse = |e: anyhow::Error| {
        let _ = std::fs::remove_file(&staged);
        e
    };
    let checked: anyhow::Result<()> = async {
        let url = format!("sqlite://{}", staged.display());
        let copy = Db::connect(&url)
            .await
            .with_context(|| format!("{} is not a database", file.display()))?;
        let check = copy
            .integrity_check()
            .await
            .with_context(|| format!("{} is not a cws backup", file.display()))?;
        if check != ["ok"] {
            anyhow::bail!(
                "{} is damaged (SQLite's integrity check: {}): it was not restored",
                file.display(),
                check.join("; ")
            );
        }
        let applied = copy.migration_versions().await.with_context(|| {
            format!(
                "{} is not a cws database (no schema history)",
                file.display()
            )
        })?;
        let known = copy.known_migrations();
        if let Some(newer) = applied.iter().find(|v| !known.contains(v)) {
            anyhow::bail!(
                "{} was made by a newer cws (schema version {newer}): restore it with that version",
                file.display()
            );
        }
        copy.close().await;
        Ok(())
    }
    .await;
    checked.map_err(refuse)?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", staged.display()));
    }
    // replace the file whole: the checked copy renamed over it, the old WAL removed
    for suffix in ["-wal", "-shm"] {
        let side = std::path::PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
        }
    }
    std::fs::rename(&staged, &target).with_context(|| format!("replacing {}", target.display()))?;
    let db = open(config, WithoutSchema::Create).await?;
    let (sessions, tokens) = db.sign_everyone_out().await?;
    db.close().await;
    println!(
        "Restored {} from {}: {} ended and {} revoked; everyone signs in again.",
        target.display(),
        file.display(),
        count(sessions, "session"),
        count(tokens, "API token")
    );
    Ok(())
}

fn hash_password(password: &str) -> anyhow::Result<String> {
    cws_web::access::account::hash_password_now(password)
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

fn progress_bar(total: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} areas · {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Config => {
            print!("{}", config.to_toml()?);
        }
        Command::Reference => {
            let db = Db::open(&config.database_url).await?;
            let report = reference::load_reference(&db).await?;
            if report.changed_files.is_empty() {
                println!("Reference data is up to date: nothing changed.");
            } else {
                println!(
                    "Loaded {}: {}, {}.",
                    count(report.changed_files.len() as u64, "file"),
                    count(report.areas as u64, "area"),
                    count(report.indicator_values as u64, "published indicator value")
                );
            }
        }
        Command::Template {
            format,
            out,
            area,
            org,
        } => {
            let db = match &org {
                Some(_) => Some(open(&config, WithoutSchema::Create).await?),
                None => None,
            };
            collect_cmds::template_cmd(db.as_ref(), &format, &out, area.as_deref(), org.as_deref())
                .await?;
        }
        Command::Rules { json } => collect_cmds::rules_cmd(json)?,
        Command::Roles { json } => collect_cmds::roles_cmd(json)?,
        Command::User(cmd) => {
            let db = open(&config, WithoutSchema::Create).await?;
            user_cmd::user_cmd(&db, cmd, &config.listen.to_string()).await?;
            db.close().await;
        }
        Command::Community(cmd) => {
            let db = open(&config, WithoutSchema::Create).await?;
            figures_cmd::community_cmd(&db, cmd).await?;
            db.close().await;
        }
        Command::Figures(args) => {
            let db = open(&config, WithoutSchema::Create).await?;
            figures_cmd::figures(&db, args, &config.figures).await?;
            db.close().await;
        }
        Command::Project(args) => {
            if let Some(backcast) = args.backcast() {
                return backcast_cmd::backcast(backcast);
            }
            let db = open(&config, WithoutSchema::Create).await?;
            project_cmd::project(&db, args).await?;
            db.close().await;
        }
        Command::Targets(args) => {
            let db = open(&config, WithoutSchema::Create).await?;
            targets_cmd::targets(&db, args).await?;
            db.close().await;
        }
        Command::LoadPopulation { file } => {
            let db = open(&config, WithoutSchema::Create).await?;
            project_cmd::load_population(&db, &file).await?;
            db.close().await;
        }
        Command::BenchProject {
            runs,
            horizon,
            inputs_out,
        } => {
            let db = open(&config, WithoutSchema::Create).await?;
            project_cmd::bench_project(&db, runs, horizon, inputs_out.as_deref()).await?;
            db.close().await;
        }
        Command::BenchFigures { repeat } => {
            let db = open(&config, WithoutSchema::Create).await?;
            figures_cmd::bench_profile(&db, repeat).await?;
            db.close().await;
        }
        Command::Import(args) => {
            let db = open(&config, WithoutSchema::Create).await?;
            let pseudo = pseudonymiser(&db, &config).await?;
            let code = collect_cmds::import(&db, &pseudo, args).await?;
            db.close().await;
            if code != 0 {
                std::process::exit(code);
            }
        }
        Command::Org(cmd) => {
            let db = open(&config, WithoutSchema::Create).await?;
            collect_cmds::org_cmd(&db, cmd).await?;
            db.close().await;
        }
        Command::Collection(cmd) => {
            let db = open(&config, WithoutSchema::Create).await?;
            collect_cmds::collection_cmd(&db, cmd).await?;
            db.close().await;
        }
        Command::Backup { file } => {
            if file.exists() {
                anyhow::bail!(
                    "{} already exists: choose a new file for the backup",
                    file.display()
                );
            }
            let db = open(&config, WithoutSchema::Refuse("back it up")).await?;
            db.backup_to(&file).await?;
            db.close().await;
            println!(
                "Backed up {} to {} ({} bytes).",
                redact(&config.database_url),
                file.display(),
                std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0)
            );
        }
        Command::Restore { file } => restore(&config, &file).await?,
        Command::Secret(cmd) => {
            let db = match cmd {
                secret_cmd::SecretCommand::New { .. } => None,
                _ => Some(open(&config, WithoutSchema::Refuse("change its secret")).await?),
            };
            // re-keying changes every person key: not while a server holds the database
            let _alone = match (&cmd, database::sqlite_file(&config.database_url)) {
                (secret_cmd::SecretCommand::Rotate, Some(file)) => {
                    Some(DatabaseLock::for_restoring(&file)?)
                }
                _ => None,
            };
            secret_cmd::secret_cmd(db.as_ref(), &config, cmd).await?;
            if let Some(db) = db {
                db.close().await;
            }
        }
        Command::Generate { out, scale, seed } => {
            let scale = Scale::parse(&scale)?;
            let started = Instant::now();
            let summary = tokio::task::spawn_blocking(move || {
                cws_synth::write::write_returns(&out, &scale, seed)
            })
            .await??;
            println!(
                "Wrote {} ({}) for {} in {:.1}s. Manifest: {}",
                count(summary.files as u64, "organisation file"),
                count(summary.workers as u64, "worker row"),
                count(summary.areas as u64, "area"),
                started.elapsed().as_secs_f64(),
                summary.manifest.display()
            );
            println!("This is SYNTHETIC data: it describes no real person.");
        }
        Command::Serve { listen, create } => {
            let _in_use = DatabaseLock::for_serving(&config)?;
            let db = match create {
                true => open(&config, WithoutSchema::Create).await?,
                false => open(&config, WithoutSchema::Refuse("serve it")).await?,
            };
            let pseudo = pseudonymiser(&db, &config).await?;
            let addr = listen.unwrap_or(config.listen);
            println!(
                "cws is running at http://{addr}/ on {} — press Ctrl-C to stop.",
                db.backend().name()
            );
            cws_web::serve(
                cws_web::AppState::new(db, pseudo)
                    .with_settings(config.figures)
                    .with_uploads_at_once(config.uploads_at_once)
                    .with_uploads_dir(config.uploads())
                    .with_site_url(config.site(addr)),
                addr,
            )
            .await?;
        }
        Command::Demo {
            scale,
            seed,
            regenerate,
            no_serve,
            listen,
        } => {
            let scale = Scale::parse(&scale)?;
            let db = open(&config, WithoutSchema::Create).await?;
            let pseudo = secret_cmd::demo_pseudonymiser(&db, &config).await?;
            let started = Instant::now();
            let total = cws_synth::plan(&scale)?.len();
            let bar = progress_bar(total);
            let summary = cws_synth::load::load(
                &db,
                &scale,
                seed,
                pseudo.clone(),
                regenerate,
                &|done, _, workers| {
                    bar.set_position(done as u64);
                    bar.set_message(format!("{workers} workers"));
                },
            )
            .await?;
            bar.finish_and_clear();
            if summary.reused {
                println!("Reusing the synthetic workforce already loaded ({} workers, seed {seed}, scale {scale}).", summary.workers);
            } else {
                println!(
                    "Generated a synthetic workforce for {}: {}, {}, {} in {:.1}s.",
                    count(summary.areas as u64, "area"),
                    count(summary.organisations as u64, "organisation"),
                    count(summary.workers as u64, "worker record"),
                    count_as(summary.vacancies as u64, "vacancy", "vacancies"),
                    started.elapsed().as_secs_f64()
                );
            }
            if demo_strategy::load(&db).await?.is_some() {
                println!("Loaded the example workforce strategy for Richmond upon Thames (/areas/{}/strategy).", demo_strategy::AREA);
            }
            // A demo administrator with a fresh password each run (stored only as a hash).
            let password: String = {
                use rand::distr::{Alphanumeric, SampleString};
                Alphanumeric.sample_string(&mut rand::rng(), 16)
            };
            let access = Access::new(UserRole::Administrator, Scope::National)?;
            users::upsert_user(
                &db,
                "admin@cws.example",
                "Demo administrator",
                &access,
                &hash_password(&password)?,
            )
            .await?;
            let addr = listen.unwrap_or(config.listen);
            println!(
                "Database: {} ({})",
                redact(&config.database_url),
                db.backend().name()
            );
            println!("Sign-in: admin@cws.example / {password}");
            println!(
                "An administrator signs in with a second factor: at the first sign-in, cws shows a QR code for an authenticator app (any app or password manager that makes time-based codes)."
            );
            if no_serve {
                db.close().await;
                return Ok(());
            }
            let _in_use = DatabaseLock::for_serving(&config)?;
            println!("Open http://{addr}/ — press Ctrl-C to stop.");
            cws_web::serve(
                cws_web::AppState::new(db, pseudo)
                    .with_settings(config.figures)
                    .with_uploads_at_once(config.uploads_at_once)
                    .with_uploads_dir(config.uploads())
                    .with_site_url(config.site(addr)),
                addr,
            )
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_are_argon2_and_salted() {
        let a = hash_password("pw").unwrap();
        let b = hash_password("pw").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
    }
}
