//! The toolkit checklist (docs/definitions.md §9: the toolkit's "Checklist"): every question, the partner list and the
//! list of local initiatives to consider, each answered yes / partly / no with evidence; the
//! questions an area adds of its own, in the toolkit's groups; and how complete the answers are.

use cws_domain::code_enum;
use serde::Serialize;

/// A group of checklist items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Stable key, stored with an area's own questions.
    pub key: &'static str,
    pub heading: &'static str,
    pub items: &'static [(&'static str, &'static str)],
}

/// Every item, grouped as in the toolkit: (stable key, question).
pub const GROUPS: &[Group] = &[
    Group {
        key: "cypp",
        heading: "The Children and Young People's Plan",
        items: &[
            ("cypp_strategic", "Are workforce issues dealt with strategically, as an integral part of developing the Children and Young People's Plan?"),
            ("operational_plan", "Does the operational plan support and reflect the strategy in the wider Children and Young People's Plan?"),
            ("consulted_children", "Have children, young people, parents and carers been consulted, and do their needs drive the strategy?"),
            ("national_local", "Does the strategy reflect both national and local priorities?"),
        ],
    },
    Group {
        key: "challenges",
        heading: "The four challenges and two priority sectors of the Children's Workforce Strategy",
        items: &[
            ("challenge_recruitment", "Recruitment"),
            ("challenge_retention", "Retention and development"),
            ("challenge_integration", "Closer integration of services"),
            ("challenge_leadership", "Strengthening leadership, management and supervision"),
            ("sector_early_years", "Priority sector: the early years and childcare workforce"),
            ("sector_social_care", "Priority sector: social work, social care and foster care"),
            ("youth_matters", "Does the strategy set up new arrangements for developing young people in line with Youth Matters?"),
            ("childcare_14_19", "Does it reflect the workforce changes needed for the ten-year childcare strategy and the 14–19 curriculum and qualifications?"),
        ],
    },
    Group {
        key: "engagement",
        heading: "Engagement",
        items: &[
            ("voluntary_independent", "Does the strategy show full engagement with the voluntary and independent sectors, or say clearly how it will be achieved?"),
            ("volunteers", "Does it include the volunteer workforce — which services use volunteers, and volunteer management committees?"),
            ("unions", "Does it show full engagement with recognised trade unions, staff and professional associations?"),
        ],
    },
    Group {
        key: "partners",
        heading: "Partners on board",
        items: &[
            ("partner_children", "Children, young people, parents and carers"),
            ("partner_la", "All relevant parts of the local authority"),
            ("partner_schools", "Schools representatives"),
            ("partner_early_years", "Early years networks and partnerships"),
            ("partner_childminders", "Networks of self-employed childminders and nannies"),
            ("partner_jobcentre", "Jobcentre Plus (district manager and childcare partnership manager)"),
            ("partner_skillsactive", "SkillsActive (play and sport)"),
            ("partner_vol_early_years", "Voluntary sector: early years and childcare"),
            ("partner_vol_social_care", "Voluntary sector: social care"),
            ("partner_vol_youth", "Voluntary sector: youth organisations"),
            ("partner_vol_community", "Voluntary sector: community organisations"),
            ("partner_private", "Independent (private) sector representatives"),
            ("partner_cafcass", "Cafcass"),
            ("partner_connexions", "Connexions"),
            ("partner_lsc", "Learning and Skills Council"),
            ("partner_sha", "Strategic health authority"),
            ("partner_pct", "Primary care trusts"),
            ("partner_yjs", "Youth justice services"),
            ("partner_police", "Police"),
            ("partner_districts", "District councils (where there are any)"),
            ("partner_training", "Universities, colleges and other training providers"),
        ],
    },
    Group {
        key: "delivery",
        heading: "Objectives, funding and delivery",
        items: &[
            ("smart", "Are the objectives SMART (specific, measurable, achievable, realistic, timed)?"),
            ("funding_gaps", "Are the funding gaps known and dealt with?"),
            ("pilots", "Are there pilot projects testing new ways of working, with management arrangements?"),
            ("quick_wins", "Are there short-term wins that secure commitment and show real progress?"),
            ("diversity", "Does the strategy deal with diversity, including pathways into work and development for under-represented groups, and how progress is monitored?"),
            ("disabilities", "Are workforce plans for services to disabled children and young people fully integrated?"),
            ("leadership", "Does it strengthen leadership, management and supervision, especially managing across traditional boundaries?"),
            ("regional", "Are areas for regional or sub-regional collaboration identified?"),
            ("laa", "Does it use the flexibility of the Local Area Agreement?"),
        ],
    },
    Group {
        key: "initiatives",
        heading: "Local initiatives considered",
        items: &[
            ("work_pathfinder", "Children's trust pathfinder (where there is one)"),
            ("work_sure_start", "Sure Start"),
            ("work_eydcp", "Early years development and childcare partnership"),
            ("work_school_nurses", "School nurses"),
            ("work_childrens_fund", "Children's Fund"),
            ("work_connexions", "Connexions"),
            ("work_learning_mentors", "Learning mentors"),
            ("work_family_support", "Family support workers"),
            ("work_remodelling", "Workforce remodelling in schools"),
            ("work_extended_schools", "Extended schools"),
            ("work_childrens_centres", "Children's centres"),
            ("work_bips", "Behaviour improvement programmes"),
            ("work_best", "Behaviour and education support teams"),
            ("work_payp", "Positive activities for young people"),
            ("work_dat", "Drug action teams"),
            ("work_camhs", "Child and adolescent mental health (joint commissioning)"),
            ("work_substance", "Young people's substance misuse teams (joint commissioning)"),
            ("work_teen_pregnancy", "Teenage pregnancy advisers"),
            ("work_sen", "Special educational needs (joint commissioning)"),
            ("work_14_19", "14–19 pathfinder or partnership (where there is one)"),
            ("work_lscb", "Local safeguarding children board"),
        ],
    },
    Group {
        key: "review",
        heading: "Review",
        items: &[("evaluation", "Is there a robust mechanism for evaluating and reviewing the strategy?")],
    },
];

code_enum!(
    /// An answer to a checklist item.
    Answer, "answer" {
        Yes => ("yes", "Yes"),
        Partly => ("partly", "Partly"),
        No => ("no", "No"),
    }
);

/// Every item key, in order.
pub fn keys() -> impl Iterator<Item = &'static str> {
    GROUPS.iter().flat_map(|g| g.items.iter().map(|(k, _)| *k))
}

pub fn is_item(key: &str) -> bool {
    keys().any(|k| k == key)
}

/// The group an area's own question goes in when it names none.
pub const DEFAULT_GROUP: &str = "delivery";

/// The longest question an area may add, in characters.
pub const QUESTION_MAX: usize = 400;

/// The group with this key.
pub fn group(key: &str) -> Option<&'static Group> {
    GROUPS.iter().find(|g| g.key == key)
}

/// The item key under which the answer to an area's own question `id` is kept.
pub fn local_key(id: i64) -> String {
    format!("local_{id}")
}

/// A question an area adds to the checklist, beside the toolkit's, in one of its groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewQuestion {
    pub group: &'static Group,
    pub question: String,
}

/// Why an area's own question cannot be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("Enter the question.")]
    Empty,
    #[error("Keep the question to {QUESTION_MAX} characters or fewer (it has {0}).")]
    TooLong(usize),
    #[error("Choose one of the checklist's groups for the question (not '{0}').")]
    NoSuchGroup(String),
    #[error("The checklist already asks “{0}”.")]
    AlreadyAsked(String),
}

/// Words compared without case, spacing or a closing question mark.
fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end_matches('?')
            .trim()
            .to_lowercase()
    };
    norm(a) == norm(b)
}

impl NewQuestion {
    /// Checks a question against the toolkit's and the area's own (`asked`).
    pub fn new<'a>(
        group_key: &str,
        question: &str,
        asked: impl IntoIterator<Item = &'a str>,
    ) -> Result<NewQuestion, QuestionError> {
        let group_key = group_key.trim();
        let group = group(if group_key.is_empty() {
            DEFAULT_GROUP
        } else {
            group_key
        })
        .ok_or_else(|| QuestionError::NoSuchGroup(group_key.into()))?;
        let question = question.split_whitespace().collect::<Vec<_>>().join(" ");
        if question.is_empty() {
            return Err(QuestionError::Empty);
        }
        let length = question.chars().count();
        if length > QUESTION_MAX {
            return Err(QuestionError::TooLong(length));
        }
        let toolkit = GROUPS.iter().flat_map(|g| g.items.iter().map(|(_, q)| *q));
        if let Some(q) = toolkit.chain(asked).find(|q| same_words(q, &question)) {
            return Err(QuestionError::AlreadyAsked(q.to_string()));
        }
        Ok(NewQuestion { group, question })
    }
}

/// How far the checklist is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub items: usize,
    pub yes: usize,
    pub partly: usize,
    pub no: usize,
    /// Answered yes or partly without any evidence written.
    pub without_evidence: usize,
}

impl Tally {
    pub fn unanswered(&self) -> usize {
        self.items - self.yes - self.partly - self.no
    }
}

/// Tallies answers given as (item key, answer, evidence) over the toolkit's items and the
/// area's own questions (their keys, `local`); other keys are ignored.
pub fn tally<'a>(
    local: &[String],
    answers: impl IntoIterator<Item = (&'a str, Answer, &'a str)>,
) -> Tally {
    let mut t = Tally {
        items: keys().count() + local.len(),
        ..Tally::default()
    };
    for (key, answer, evidence) in answers {
        if !is_item(key) && !local.iter().any(|l| l == key) {
            continue;
        }
        match answer {
            Answer::Yes => t.yes += 1,
            Answer::Partly => t.partly += 1,
            Answer::No => t.no += 1,
        }
        if answer != Answer::No && evidence.trim().is_empty() {
            t.without_evidence += 1;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_with_the_partner_list() {
        let all: Vec<&str> = keys().collect();
        let mut unique = all.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), all.len());
        assert_eq!(all.iter().filter(|k| k.starts_with("partner_")).count(), 21);
        assert!(all.contains(&"smart") && all.contains(&"evaluation"));
    }

    #[test]
    fn tally_counts_answers_and_missing_evidence() {
        let local = [local_key(7)];
        let t = tally(
            &local,
            [
                ("local_7", Answer::Yes, "Family hubs are in scope"),
                ("local_8", Answer::Yes, "a question of another strategy"),
                (
                    "smart",
                    Answer::Yes,
                    "All objectives pass cws's SMART check",
                ),
                ("pilots", Answer::Partly, " "),
                ("laa", Answer::No, ""),
                ("not_an_item", Answer::Yes, "x"),
            ],
        );
        assert_eq!((t.yes, t.partly, t.no, t.without_evidence), (2, 1, 1, 1));
        assert_eq!(t.items, keys().count() + 1);
        assert_eq!(t.unanswered(), t.items - 4);
    }

    #[test]
    fn an_areas_own_question_is_checked() {
        let q = NewQuestion::new(
            "",
            "  Does the strategy cover\nfamily hub staff? ",
            ["Is supervision audited?"],
        )
        .unwrap();
        assert_eq!(q.group.key, DEFAULT_GROUP);
        assert_eq!(q.question, "Does the strategy cover family hub staff?");
        assert_eq!(
            NewQuestion::new("partners", "Local colleges", [])
                .unwrap()
                .group
                .heading,
            "Partners on board"
        );
        assert_eq!(NewQuestion::new("", " \n ", []), Err(QuestionError::Empty));
        assert_eq!(
            NewQuestion::new("elsewhere", "A question", []),
            Err(QuestionError::NoSuchGroup("elsewhere".into()))
        );
        assert_eq!(
            NewQuestion::new("", &"x".repeat(QUESTION_MAX + 1), []),
            Err(QuestionError::TooLong(QUESTION_MAX + 1))
        );
        // the toolkit's own question, or one the area asks already, is not asked twice
        assert_eq!(
            NewQuestion::new(
                "",
                "are the objectives SMART (specific, measurable, achievable, realistic, timed)",
                []
            ),
            Err(QuestionError::AlreadyAsked(
                "Are the objectives SMART (specific, measurable, achievable, realistic, timed)?"
                    .into()
            ))
        );
        assert!(matches!(
            NewQuestion::new(
                "review",
                "is supervision  audited",
                ["Is supervision audited?"]
            ),
            Err(QuestionError::AlreadyAsked(_))
        ));
        let mut all: Vec<&str> = GROUPS.iter().map(|g| g.key).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), GROUPS.len());
        assert!(GROUPS.iter().all(|g| group(g.key) == Some(g)));
    }
}
