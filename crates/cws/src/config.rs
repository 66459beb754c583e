//! Configuration: defaults, then a TOML file (`cws.toml`, or `--config PATH`), then the
//! environment (`CWS_DATABASE_URL`, `CWS_LISTEN`, `CWS_SECRET`; `DATABASE_URL` is honoured too).

use std::net::SocketAddr;
use std::path::Path;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Config {
    /// `sqlite://PATH` (the default, created if missing) or `postgres://USER:PASSWORD@HOST/DB`.
    pub database_url: String,
    /// Address the web application listens on.
    pub listen: SocketAddr,
    /// Secret for pseudonymising worker references (`CWS_SECRET`). Outside the demo it, or
    /// `secret_file`, must be set: it is never kept in the database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// A file holding the secret (`cws secret new FILE`; after rotations, one per line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_file: Option<std::path::PathBuf>,
    /// Figure settings: `retirement_age`, `retirement_within_years`, `vetting_valid_months`,
    /// `working_days`.
    #[serde(default)]
    pub figures: cws_analyse::figures::Settings,
    /// Uploads the web server reads and checks at once; more wait their turn.
    #[serde(default = "uploads_at_once")]
    pub uploads_at_once: usize,
    /// The address people reach cws at (`https://cws.example.gov.uk`): links sent to people
    /// (invitations, password links) are built from it, never from a request's `Host`.
    /// Unset: `http://` and the listen address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_url: Option<String>,
    /// Where uploads wait between checking and submitting (a private folder). Unset: an
    /// `uploads` folder beside the embedded database, or `cws-data/uploads`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploads_dir: Option<std::path::PathBuf>,
}

fn uploads_at_once() -> usize {
    cws_web::DEFAULT_UPLOADS_AT_ONCE
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://cws-data/cws.db".into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secret: None,
            secret_file: None,
            figures: Default::default(),
            uploads_at_once: uploads_at_once(),
            site_url: None,
            uploads_dir: None,
        }
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let file = file.unwrap_or_else(|| Path::new("cws.toml"));
        let config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(Env::prefixed("CWS_").only(&[
                "DATABASE_URL",
                "LISTEN",
                "SECRET",
                "SECRET_FILE",
                "SITE_URL",
                "UPLOADS_DIR",
            ]))
            .extract()?;
        Ok(config)
    }

    /// The address links to this site start with.
    pub fn site(&self, listen: SocketAddr) -> String {
        match &self.site_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{listen}"),
        }
    }

    /// The folder uploads wait in.
    pub fn uploads(&self) -> std::path::PathBuf {
        if let Some(dir) = &self.uploads_dir {
            return dir.clone();
        }
        let beside_database = crate::database::sqlite_file(&self.database_url)
            .and_then(|f| f.parent().map(|d| d.join("uploads")))
            .filter(|d| d != std::path::Path::new("uploads"));
        beside_database.unwrap_or_else(|| std::path::PathBuf::from("cws-data/uploads"))
    }

    /// The configuration as TOML, with the secret hidden.
    pub fn to_toml(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        if shown.secret.is_some() {
            shown.secret = Some("(set, hidden)".into());
        }
        Ok(toml::to_string(&shown)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail fixes the error type
    fn defaults_then_file_then_environment() {
        figment::Jail::expect_with(|jail| {
            assert_eq!(
                Config::load(None).map_err(|e| e.to_string())?,
                Config::default()
            );
            jail.create_file(
                "cws.toml",
                "listen = \"0.0.0.0:9000\"\ndatabase_url = \"sqlite://x.db\"",
            )?;
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.listen.port(), 9000);
            assert_eq!(c.figures, cws_analyse::figures::Settings::default());
            jail.create_file(
                "cws.toml",
                "listen = \"0.0.0.0:9000\"\ndatabase_url = \"sqlite://x.db\"\n[figures]\nretirement_age = 67\nretirement_within_years = 10",
            )?;
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.figures.retirement_age, 67);
            assert_eq!(c.figures.retirement_within_years, 10);
            assert_eq!(
                c.figures.vetting_valid_months, 36,
                "unset settings keep their default"
            );
            assert_eq!(c.database_url, "sqlite://x.db");
            jail.set_env("DATABASE_URL", "postgres://a@b/c");
            assert_eq!(
                Config::load(None).map_err(|e| e.to_string())?.database_url,
                "postgres://a@b/c"
            );
            jail.set_env("CWS_DATABASE_URL", "postgres://d@e/f");
            assert_eq!(
                Config::load(None).map_err(|e| e.to_string())?.database_url,
                "postgres://d@e/f"
            );
            jail.set_env("CWS_SECRET", "s3cret");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert!(!c.to_toml().map_err(|e| e.to_string())?.contains("s3cret"));
            Ok(())
        });
    }
}
