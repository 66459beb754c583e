//! The sections of a local workforce strategy, in the order of the CWDC suggested framework
//! (docs/definitions.md §9, after the CWDC toolkit), each with what it should say — written for cws.

use chrono::NaiveDate;
use cws_domain::UnknownCode;
use serde::Serialize;

/// A strategy period that does not end after it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the strategy must end after it starts ({start} to {end})")]
pub struct PeriodError {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The period a strategy covers, if it ends after it starts.
pub fn period(start: NaiveDate, end: NaiveDate) -> Result<(NaiveDate, NaiveDate), PeriodError> {
    if end > start {
        Ok((start, end))
    } else {
        Err(PeriodError { start, end })
    }
}

/// A section of the strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Title,
    Vision,
    Scope,
    CurrentPosition,
    WorkforceData,
    ViewsOfChildrenAndFamilies,
    Objectives,
    Priorities,
    Pilots,
    ManagingChange,
    Actions,
    Risks,
    Resources,
    EvaluationAndReview,
}

impl Section {
    pub const ALL: [Section; 14] = [
        Section::Title,
        Section::Vision,
        Section::Scope,
        Section::CurrentPosition,
        Section::WorkforceData,
        Section::ViewsOfChildrenAndFamilies,
        Section::Objectives,
        Section::Priorities,
        Section::Pilots,
        Section::ManagingChange,
        Section::Actions,
        Section::Risks,
        Section::Resources,
        Section::EvaluationAndReview,
    ];

    /// The stable code used in the store and in addresses.
    pub fn code(self) -> &'static str {
        match self {
            Section::Title => "title",
            Section::Vision => "vision",
            Section::Scope => "scope",
            Section::CurrentPosition => "current_position",
            Section::WorkforceData => "workforce_data",
            Section::ViewsOfChildrenAndFamilies => "views",
            Section::Objectives => "objectives",
            Section::Priorities => "priorities",
            Section::Pilots => "pilots",
            Section::ManagingChange => "managing_change",
            Section::Actions => "actions",
            Section::Risks => "risks",
            Section::Resources => "resources",
            Section::EvaluationAndReview => "evaluation",
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            Section::Title => "Title and sign-off",
            Section::Vision => "Vision",
            Section::Scope => "Scope",
            Section::CurrentPosition => "Current position and analysis",
            Section::WorkforceData => "Workforce data and data issues",
            Section::ViewsOfChildrenAndFamilies => {
                "Views and needs of children, young people, families and carers"
            }
            Section::Objectives => "Objectives",
            Section::Priorities => "Priorities for the year",
            Section::Pilots => "Pilot initiatives",
            Section::ManagingChange => "Managing the change",
            Section::Actions => "Key and detailed actions",
            Section::Risks => "Risks",
            Section::Resources => "Resources and pooling",
            Section::EvaluationAndReview => "Evaluation and review",
        }
    }

    /// What the section should cover, as a prompt to whoever writes it.
    pub fn prompt(self) -> &'static str {
        match self {
            Section::Title => "The strategy's name, the period it covers, who owns it and when the children's trust board agreed it.",
            Section::Vision => "What the workforce will be like at the end of the period, and how that serves each of the five Every Child Matters outcomes: be healthy, stay safe, enjoy and achieve, make a positive contribution, achieve economic well-being.",
            Section::Scope => "Which partners, sectors and roles the strategy covers now, including private, voluntary and volunteer settings, and how the scope will widen over the period.",
            Section::CurrentPosition => "Where the workforce stands today: strengths, weaknesses, opportunities and threats (SWOT), and the social, technological, economic, environmental and political context (STEEP).",
            Section::WorkforceData => "What the figures show — size, vacancies, turnover, age, diversity, qualifications — and where the data is incomplete (sectors or employers that have not returned).",
            Section::ViewsOfChildrenAndFamilies => "How children, young people, families and carers were asked, what they said about the people who work with them, and what changed because of it.",
            Section::Objectives => "What the strategy will achieve: each objective with a measure, a baseline, a target, a date and an owner.",
            Section::Priorities => "The few things that matter most this year, and why.",
            Section::Pilots => "New ways of working being tried first on a small scale, with how they will be judged.",
            Section::ManagingChange => "Governance (who decides and reports to whom), the communications plan, and how staff, employers and unions are engaged.",
            Section::Actions => "The action plan by workstream: who leads each action, by when, its milestones and its progress.",
            Section::Risks => "What could stop the strategy, how likely and how serious each risk is, what is done about it and who owns it.",
            Section::Resources => "What each partner spends on workforce development, what it offers to a shared pool, the funding streams used, and a staged three-year financial plan.",
            Section::EvaluationAndReview => "How progress is measured (the linked figures), when the strategy is reviewed, and how children and young people take part in the review.",
        }
    }

    /// The heading, as the framework names the section.
    pub fn label(self) -> &'static str {
        self.heading()
    }

    pub fn parse(code: &str) -> Result<Section, UnknownCode> {
        let code = code.trim();
        Section::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| UnknownCode::new("section", code, Section::ALL.map(Section::code)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strategy_ends_after_it_starts() {
        let d = |y| NaiveDate::from_ymd_opt(y, 4, 1).unwrap();
        assert!(period(d(2026), d(2029)).is_ok());
        assert!(period(d(2026), d(2026)).is_err());
        assert_eq!(
            period(d(2029), d(2026)).unwrap_err().to_string(),
            "the strategy must end after it starts (2029-04-01 to 2026-04-01)"
        );
    }

    #[test]
    fn keys_are_unique_and_parse_back() {
        let mut keys: Vec<&str> = Section::ALL.iter().map(|s| s.code()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Section::ALL.len());
        for s in Section::ALL {
            assert_eq!(Section::parse(s.code()).ok(), Some(s));
        }
        assert!(Section::Vision
            .prompt()
            .contains("achieve economic well-being"));
    }
}
