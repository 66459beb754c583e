//! The pseudonymisation secret: where it comes from (`CWS_SECRET`, or a secret file, or —
//! only in a demo — the demo's database), and `cws secret` to make one, move an older
//! database's out of it, and rotate it.
//!
//! A secret file holds one secret per line, oldest first: worker references are keyed with
//! the first and re-keyed with each later one. Rotating adds a line and re-keys every stored
//! person key, so a copy of the database and any earlier copy of the file together still
//! cannot re-identify anyone.

use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;
use cws_collect::pseudonymise::{self, Pseudonymiser};
use cws_store::{people, Db};

use crate::config::Config;

#[derive(Subcommand)]
pub enum SecretCommand {
    /// Write a new random secret to FILE (readable by its owner only); then set
    /// `secret_file = "FILE"` in cws.toml or CWS_SECRET_FILE.
    New { file: PathBuf },
    /// Move the secret an older cws kept in the database out to FILE, and remove it from the
    /// database.
    Move { file: PathBuf },
    /// Add a new secret to the configured secret file and re-key every stored person key with
    /// it (stop the server first).
    Rotate,
}

fn fresh_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// Writes `lines` to `file` (mode 0600), never over an existing file.
fn write_new(file: &Path, lines: &[String]) -> anyhow::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .with_context(|| format!("creating {} (it must not exist yet)", file.display()))?;
    for l in lines {
        writeln!(f, "{l}")?;
    }
    f.sync_all()?;
    Ok(())
}

fn read_file(file: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading the secret file {}", file.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if lines.is_empty() {
        anyhow::bail!("the secret file {} holds no secret", file.display());
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file)?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!(file = %file.display(), "the secret file can be read by others: chmod 600 it");
    }
    Ok(lines)
}

/// The deployment's pseudonymiser. The secret comes from `CWS_SECRET`, else the secret file;
/// a demo database (a synthetic workforce) may keep its own; anything else is refused, so a
/// real deployment never keeps its secret beside its data.
pub async fn pseudonymiser(db: &Db, config: &Config) -> anyhow::Result<Pseudonymiser> {
    let rounds = people::key_rounds(db).await?;
    let secrets: Vec<String> = if let Some(s) = &config.secret {
        vec![s.clone()]
    } else if let Some(file) = &config.secret_file {
        read_file(file)?
    } else if let (Some(secret), true) = (
        people::stored_secret(db).await?,
        cws_store::workforce::synthetic_run(db).await?.is_some(),
    ) {
        vec![secret]
    } else if people::stored_secret(db).await?.is_some() {
        anyhow::bail!(
            "the pseudonymisation secret is kept in the database, where a copy of the database can use it: run `cws secret move FILE` to move it to a file of its own, then set secret_file = \"FILE\" in cws.toml (or CWS_SECRET_FILE)"
        );
    } else {
        anyhow::bail!(
            "cws needs the secret that pseudonymises worker references, kept apart from the database: run `cws secret new FILE`, then set secret_file = \"FILE\" in cws.toml (or CWS_SECRET_FILE), or set CWS_SECRET"
        );
    };
    if secrets.len() != rounds {
        anyhow::bail!(
            "the stored person keys were made with {rounds} secret(s) but {} given: use the secret file `cws secret rotate` last wrote",
            secrets.len()
        );
    }
    let bytes: Vec<&[u8]> = secrets.iter().map(|s| s.as_bytes()).collect();
    Ok(Pseudonymiser::chain(&bytes))
}

/// The demo's pseudonymiser: the configured secret if there is one, else one the demo keeps
/// in its own database (made on first use) — a demo holds no real person.
pub async fn demo_pseudonymiser(db: &Db, config: &Config) -> anyhow::Result<Pseudonymiser> {
    if config.secret.is_some() || config.secret_file.is_some() {
        return pseudonymiser(db, config).await;
    }
    let secret = db
        .setting_or_create(people::DEMO_SECRET_SETTING, fresh_secret)
        .await?;
    Ok(Pseudonymiser::new(secret.as_bytes()))
}

pub async fn secret_cmd(
    db: Option<&Db>,
    config: &Config,
    cmd: SecretCommand,
) -> anyhow::Result<()> {
    match cmd {
        SecretCommand::New { file } => {
            write_new(&file, &[fresh_secret()])?;
            println!(
                "Wrote a new secret to {}. Set secret_file = \"{}\" in cws.toml (or CWS_SECRET_FILE), keep the file apart from database backups, and back it up: without it, returns cannot be linked to earlier ones.",
                file.display(),
                file.display()
            );
        }
        SecretCommand::Move { file } => {
            let db = db.context("no database")?;
            let secret = people::stored_secret(db)
                .await?
                .context("the database keeps no secret: there is nothing to move")?;
            write_new(&file, &[secret])?;
            people::forget_stored_secret(db).await?;
            println!(
                "Moved the secret to {} and removed it from the database. Set secret_file = \"{}\" in cws.toml (or CWS_SECRET_FILE).",
                file.display(),
                file.display()
            );
        }
        SecretCommand::Rotate => {
            let db = db.context("no database")?;
            let file = config.secret_file.as_ref().context(
                "rotation needs a secret file: set secret_file in cws.toml (or CWS_SECRET_FILE)",
            )?;
            let mut secrets = read_file(file)?;
            let rounds = people::key_rounds(db).await?;
            if secrets.len() != rounds {
                anyhow::bail!(
                    "the stored person keys were made with {rounds} secret(s) but {} holds {}: nothing was changed",
                    file.display(),
                    secrets.len()
                );
            }
            let new = fresh_secret();
            secrets.push(new.clone());
            // the longer file first, beside the old one; then the keys; then the file
            // replaced: a failure at any point leaves a file that matches the keys
            let next = PathBuf::from(format!("{}.next", file.display()));
            let _ = std::fs::remove_file(&next);
            write_new(&next, &secrets)?;
            let people = people::rekey_people(db, secrets.len(), |key| {
                pseudonymise::rekey(new.as_bytes(), key)
            })
            .await?;
            std::fs::rename(&next, file)
                .with_context(|| format!("replacing {} with {}", file.display(), next.display()))?;
            println!(
                "Rotated the secret: {} now holds {} secrets, and the keys of {people} people were re-keyed. Returns sent again are compared post by post, so the first re-import of each may store a new version even where nothing changed.",
                file.display(),
                secrets.len()
            );
        }
    }
    Ok(())
}
