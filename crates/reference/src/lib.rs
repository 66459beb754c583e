//! Reference data embedded in the binary (docs/definitions.md §2): DfE and ONS published files copied
//! unchanged into `data/public/` (Open Government Licence v3.0, see `data/public/SOURCES.md`)
//! and the cws role catalogue (`data/cws/roles.csv`).
//!
//! Everything here is parsed from the embedded text; nothing is read from disk at run time.

mod demand;
mod files;
mod geography;
mod published;
mod roles;

pub use demand::{
    demand_drivers, driver_map, driver_source, population_projection, shipped_driver_map,
    shipped_driver_map_text, DriverRow, PopulationProjection,
};
pub use files::{EmbeddedFile, ATTRIBUTION, EMBEDDED_FILES};
pub use geography::{
    areas, london_subregions, ltla_lookup, neighbours, region_hierarchy, regions, successions,
    Ltla, Neighbour, Succession,
};
pub use published::{
    child_population, cla_social_worker_stability, community_ethnicity, social_work_ethnicity,
    social_work_indicators, CommunityEthnicity, GeoLevel, GeoRef, IndicatorRow, PopulationRow,
    PublishedValue, SocialWorkEthnicityRow, StabilityRow, Symbol, INDICATORS,
};
pub use roles::roles;

use thiserror::Error;

/// A problem in an embedded file. These are build-time facts (the files are fixed), so tests
/// parse every file; the message still names file, row and column.
#[derive(Debug, Error)]
pub enum ReferenceError {
    #[error("{file}, row {row}, column {column}: {message}")]
    Bad {
        file: String,
        row: usize,
        column: String,
        message: String,
    },
    #[error("{file}: {source}")]
    Csv {
        file: String,
        #[source]
        source: csv::Error,
    },
}

pub(crate) fn bad(
    file: &str,
    row: usize,
    column: &str,
    message: impl Into<String>,
) -> ReferenceError {
    ReferenceError::Bad {
        file: file.to_string(),
        row,
        column: column.to_string(),
        message: message.into(),
    }
}

/// Rows of an embedded CSV file with a header-name lookup. Row numbers count the header as 1.
pub(crate) struct Table {
    pub file: String,
    headers: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    pub fn read(file: &str, text: &str) -> Result<Table, ReferenceError> {
        // Some DfE files start with a UTF-8 byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|source| ReferenceError::Csv {
                file: file.to_string(),
                source,
            })?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let rows = rdr
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| ReferenceError::Csv {
                file: file.to_string(),
                source,
            })?;
        Ok(Table {
            file: file.to_string(),
            headers,
            rows,
        })
    }

    pub fn column(&self, name: &str) -> Result<usize, ReferenceError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(&self.file, 1, name, "column is missing"))
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// (row number, record) pairs.
    pub fn rows(&self) -> impl Iterator<Item = (usize, &csv::StringRecord)> {
        self.rows.iter().enumerate().map(|(i, r)| (i + 2, r))
    }
}

pub(crate) fn field(r: &csv::StringRecord, i: usize) -> &str {
    r.get(i).unwrap_or("").trim()
}
