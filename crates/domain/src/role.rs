//! The role catalogue (docs/definitions.md §3, from the 2008 workforce map): every role in the children's workforce,
//! with its sector-body footprint, core/wider status, role group, Integrated Qualifications
//! Framework range of work and minimum qualification rule.

use crate::worker::QualLevel;

code_enum!(
    /// Whether the role works with children all the time (core) or part of the time (wider).
    CoreWider, "core/wider" {
        Core => ("core", "Core"),
        Wider => ("wider", "Wider"),
    }
);

code_enum!(
    /// Groups of roles used to cut figures and to project supply.
    RoleGroup, "role group" {
        Teachers => ("teachers", "Teachers and school leaders"),
        SchoolSupport => ("school_support", "School support staff"),
        EarlyYears => ("early_years", "Early years and childcare"),
        Play => ("play", "Play"),
        SocialWorkers => ("social_workers", "Children and family social workers"),
        SocialCare => ("social_care", "Other social care"),
        FosterCare => ("foster_care", "Foster carers"),
        Youth => ("youth", "Youth work and advice"),
        YouthJustice => ("youth_justice", "Youth justice"),
        Health => ("health", "Health"),
        EducationSupport => ("education_support", "Education support services"),
        Justice => ("justice", "Police and courts"),
        SportCulture => ("sport_culture", "Sport, leisure and culture"),
        FeHe => ("fe_he", "Further and higher education"),
        Volunteers => ("volunteers", "Volunteers"),
        Management => ("management", "Strategic management"),
    }
);

code_enum!(
    /// Range of work in the Integrated Qualifications Framework, most senior first.
    IqfRange, "IQF range of work" {
        StrategicLeader => ("strategic_leader", "Strategic leader"),
        SeniorPractitioner => ("senior_practitioner", "Senior practitioner or service manager"),
        Professional => ("professional", "Professional or graduate practitioner"),
        SeniorSupport => ("senior_support", "Senior support worker"),
        Support => ("support", "Support worker"),
        Entry => ("entry", "Entry level"),
    }
);

/// A catalogue role code such as `SC-SW` (upper-case letters, digits and hyphens).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleCode(String);

impl RoleCode {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_uppercase();
        if !t.is_empty()
            && t.len() <= 24
            && t.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        {
            Ok(RoleCode(t))
        } else {
            Err(format!(
                "'{s}' is not a role code: use capitals, digits and hyphens, e.g. SC-SW"
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RoleCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One role of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub code: RoleCode,
    pub title: String,
    /// The sector body whose footprint covers the role (TDA, CWDC, Skills for Health, ...).
    pub footprint: String,
    pub core_wider: CoreWider,
    pub group: RoleGroup,
    pub iqf_range: IqfRange,
    /// The lowest qualification level the role expects.
    pub min_qual_level: QualLevel,
    /// The rule in words (e.g. "Qualified Teacher Status").
    pub min_qual_rule: String,
    pub regulator: Option<String>,
    /// Whether people in the role hold cases (caseload figures apply).
    pub case_holding: bool,
}

impl Role {
    /// Whether someone with `level` meets the role's minimum qualification level.
    pub fn meets_minimum(&self, level: QualLevel) -> bool {
        level >= self.min_qual_level
    }
}

/// A role an area adds for itself, mapped to a catalogue role for all figures.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalRole {
    pub local_code: String,
    pub title: String,
    pub maps_to: RoleCode,
}
