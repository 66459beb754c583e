//! The action plan: actions by workstream with a lead, dates, status and a red/amber/green
//! rating; which are overdue and which at risk.

use chrono::NaiveDate;
use cws_domain::code_enum;
use serde::Serialize;

code_enum!(
    /// Where an action has got to.
    Status, "action status" {
        NotStarted => ("not_started", "Not started"),
        InProgress => ("in_progress", "In progress"),
        Blocked => ("blocked", "Blocked"),
        Done => ("done", "Done"),
    }
);

code_enum!(
    /// A red, amber or green rating, worst first.
    Rag, "rating" {
        Red => ("red", "Red"),
        Amber => ("amber", "Amber"),
        Green => ("green", "Green"),
    }
);

/// The workstreams an action belongs to: the national strategy's four challenges and two
/// priority sectors, then anything local.
pub const WORKSTREAMS: [&str; 6] = [
    "Recruitment",
    "Retention and development",
    "Closer integration of services",
    "Leadership, management and supervision",
    "Early years and childcare",
    "Social work, social care and foster care",
];

/// An action in the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub workstream: String,
    pub title: String,
    pub lead: String,
    pub start: Option<NaiveDate>,
    pub due: NaiveDate,
    pub status: Status,
    /// The lead's own rating, when given; otherwise it is worked out (`rag`).
    pub rag: Option<Rag>,
}

/// An action due before it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The due date ({due}) is before the start date ({start}).")]
pub struct DatesError {
    pub start: NaiveDate,
    pub due: NaiveDate,
}

/// An action's dates, if it is not due before it starts.
pub fn dates(start: Option<NaiveDate>, due: NaiveDate) -> Result<(), DatesError> {
    match start {
        Some(start) if due < start => Err(DatesError { start, due }),
        _ => Ok(()),
    }
}

/// Actions due within this many days that have not started are at risk.
pub const AT_RISK_DAYS: i64 = 30;

impl Action {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status != Status::Done && self.due < today
    }

    /// At risk: not done and rated red or amber, blocked, or due soon without having started.
    pub fn is_at_risk(&self, today: NaiveDate) -> bool {
        if self.status == Status::Done || self.is_overdue(today) {
            return false;
        }
        matches!(self.rag, Some(Rag::Red | Rag::Amber))
            || self.status == Status::Blocked
            || (self.status == Status::NotStarted && (self.due - today).num_days() <= AT_RISK_DAYS)
    }

    /// The rating shown: the lead's, or red when overdue or blocked, amber when at risk,
    /// green otherwise.
    pub fn rag(&self, today: NaiveDate) -> Rag {
        if let Some(r) = self.rag {
            return r;
        }
        if self.status == Status::Done {
            Rag::Green
        } else if self.is_overdue(today) || self.status == Status::Blocked {
            Rag::Red
        } else if self.is_at_risk(today) {
            Rag::Amber
        } else {
            Rag::Green
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_is_not_due_before_it_starts() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 4, d).unwrap();
        assert_eq!(dates(None, day(1)), Ok(()));
        assert_eq!(dates(Some(day(1)), day(1)), Ok(()));
        let e = dates(Some(day(10)), day(5)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "The due date (2026-04-05) is before the start date (2026-04-10)."
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn action(due: NaiveDate, status: Status) -> Action {
        Action {
            workstream: "Recruitment and retention".into(),
            title: "Launch a grow-your-own social work scheme".into(),
            lead: "Principal social worker".into(),
            start: None,
            due,
            status,
            rag: None,
        }
    }

    #[test]
    fn overdue_at_risk_and_the_worked_out_rating() {
        let today = d(2026, 11, 22);
        let late = action(d(2026, 10, 1), Status::InProgress);
        assert!(late.is_overdue(today) && !late.is_at_risk(today));
        assert_eq!(late.rag(today), Rag::Red);
        let soon = action(d(2026, 12, 10), Status::NotStarted);
        assert!(!soon.is_overdue(today) && soon.is_at_risk(today));
        assert_eq!(soon.rag(today), Rag::Amber);
        let fine = action(d(2027, 6, 1), Status::InProgress);
        assert_eq!(fine.rag(today), Rag::Green);
        let done = action(d(2026, 1, 1), Status::Done);
        assert!(!done.is_overdue(today));
        assert_eq!(done.rag(today), Rag::Green);
        let mut rated = fine.clone();
        rated.rag = Some(Rag::Amber);
        assert!(rated.is_at_risk(today));
        assert_eq!(rated.rag(today), Rag::Amber, "the lead's rating stands");
    }
}
