//! Collections and returns (docs/definitions.md §4): a census date with a window, and each organisation's
//! return moving through its statuses.

use chrono::NaiveDate;
use thiserror::Error;

use crate::role::RoleCode;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CollectionError {
    #[error("the collection window must run open ≤ due ≤ close (got {opens}, {due}, {closes})")]
    WindowOutOfOrder {
        opens: NaiveDate,
        due: NaiveDate,
        closes: NaiveDate,
    },
    #[error("the collection cannot open ({opens}) before its census date ({census})")]
    OpensBeforeCensus { census: NaiveDate, opens: NaiveDate },
}

/// A census date with its collection window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collection {
    census_date: NaiveDate,
    opens: NaiveDate,
    due: NaiveDate,
    closes: NaiveDate,
}

impl Collection {
    pub fn new(
        census_date: NaiveDate,
        opens: NaiveDate,
        due: NaiveDate,
        closes: NaiveDate,
    ) -> Result<Self, CollectionError> {
        if !(opens <= due && due <= closes) {
            return Err(CollectionError::WindowOutOfOrder { opens, due, closes });
        }
        if opens < census_date {
            return Err(CollectionError::OpensBeforeCensus {
                census: census_date,
                opens,
            });
        }
        Ok(Collection {
            census_date,
            opens,
            due,
            closes,
        })
    }

    /// The default collection for a year: census on 30 September, open from 1 October,
    /// due at the end of November, closing at the end of February.
    pub fn default_for_year(year: i32) -> Option<Self> {
        let census = NaiveDate::from_ymd_opt(year, 9, 30)?;
        let opens = NaiveDate::from_ymd_opt(year, 10, 1)?;
        let due = NaiveDate::from_ymd_opt(year, 11, 30)?;
        let closes = NaiveDate::from_ymd_opt(year + 1, 2, 28)?;
        Collection::new(census, opens, due, closes).ok()
    }

    pub fn census_date(&self) -> NaiveDate {
        self.census_date
    }
    pub fn opens(&self) -> NaiveDate {
        self.opens
    }
    pub fn due(&self) -> NaiveDate {
        self.due
    }
    pub fn closes(&self) -> NaiveDate {
        self.closes
    }

    /// The census year: the day after the previous census date up to and including this one.
    pub fn census_year_contains(&self, date: NaiveDate) -> bool {
        let start = self
            .census_date
            .checked_sub_months(chrono::Months::new(12))
            .unwrap_or(self.census_date);
        date > start && date <= self.census_date
    }
}

code_enum!(
    ReturnStatus, "return status" {
        NotStarted => ("not_started", "Not started"),
        InProgress => ("in_progress", "In progress"),
        Submitted => ("submitted", "Submitted"),
        WithErrors => ("with_errors", "Has errors"),
        WithQueries => ("with_queries", "Has queries"),
        Accepted => ("accepted", "Accepted"),
    }
);

impl ReturnStatus {
    /// Whether a return may move from `self` to `next`.
    pub fn can_move_to(self, next: ReturnStatus) -> bool {
        use ReturnStatus::*;
        match (self, next) {
            (NotStarted, InProgress | Submitted) => true,
            (InProgress, Submitted) => true,
            (Submitted, WithErrors | WithQueries | Accepted) => true,
            (WithErrors | WithQueries, InProgress | Submitted) => true,
            (WithQueries, Accepted) => true,
            // a new submission supersedes an accepted one
            (Accepted, Submitted) => true,
            _ => false,
        }
    }
}

/// A role's vacancies at the census date, their agency cover, and the agency workers in the
/// role when the return states them in total.
#[derive(Debug, Clone, PartialEq)]
pub struct Vacancy {
    pub role: RoleCode,
    pub fte: f64,
    /// FTE of the vacancy covered by agency staff.
    pub agency_covered_fte: f64,
    pub stated_agency: StatedAgency,
}

/// Agency workers at the census date as a return states them in total: the census return's
/// LA block gives agency FTE and headcount (docs/definitions.md §4.1). Where stated, they
/// stand for the count of the return's agency records in the agency figures; the records
/// still describe who the agency workers are.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StatedAgency {
    pub fte: Option<f64>,
    pub headcount: Option<f64>,
}

impl StatedAgency {
    pub fn is_stated(&self) -> bool {
        self.fte.is_some() || self.headcount.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn window_must_be_ordered() {
        assert!(Collection::new(
            d(2025, 9, 30),
            d(2025, 10, 1),
            d(2025, 11, 30),
            d(2026, 2, 28)
        )
        .is_ok());
        assert!(Collection::new(
            d(2025, 9, 30),
            d(2025, 12, 1),
            d(2025, 11, 30),
            d(2026, 2, 28)
        )
        .is_err());
        assert!(Collection::new(
            d(2025, 9, 30),
            d(2025, 9, 1),
            d(2025, 11, 30),
            d(2026, 2, 28)
        )
        .is_err());
    }

    #[test]
    fn census_year_runs_from_day_after_previous_census() {
        let c = Collection::default_for_year(2025).unwrap();
        assert!(!c.census_year_contains(d(2024, 9, 30)));
        assert!(c.census_year_contains(d(2024, 10, 1)));
        assert!(c.census_year_contains(d(2025, 9, 30)));
        assert!(!c.census_year_contains(d(2025, 10, 1)));
    }

    #[test]
    fn status_moves() {
        assert!(ReturnStatus::NotStarted.can_move_to(ReturnStatus::Submitted));
        assert!(!ReturnStatus::NotStarted.can_move_to(ReturnStatus::Accepted));
        assert!(!ReturnStatus::WithErrors.can_move_to(ReturnStatus::Accepted));
        assert!(ReturnStatus::WithQueries.can_move_to(ReturnStatus::Accepted));
    }
}
