//! Organisations that employ or deploy the children's workforce (docs/definitions.md §3).

code_enum!(
    /// Who the employer is.
    Sector, "sector" {
        StatutoryLa => ("la", "Local authority"),
        Nhs => ("nhs", "NHS"),
        School => ("school", "School or academy"),
        Private => ("private", "Private"),
        VoluntaryCommunity => ("voluntary", "Voluntary and community"),
        Independent => ("independent", "Independent"),
        SelfEmployed => ("self_employed", "Self-employed"),
    }
);

code_enum!(
    /// The service the organisation provides for children, young people and families.
    Service, "service" {
        EarlyYears => ("early_years", "Early years and childcare"),
        Play => ("play", "Play"),
        Health => ("health", "Health"),
        Schools => ("schools", "Schools and colleges"),
        YouthWork => ("youth", "Youth work"),
        SportLeisure => ("sport", "Sport and leisure"),
        FamilySupport => ("family_support", "Family support"),
        SocialCare => ("social_care", "Children's social care"),
        YouthJustice => ("youth_justice", "Youth justice"),
        Specialist => ("specialist", "Specialist services"),
    }
);

code_enum!(
    /// The kind of setting the organisation runs.
    SettingType, "setting type" {
        FullDayCare => ("full_day_care", "Full day care"),
        Sessional => ("sessional", "Sessional pre-school or playgroup"),
        ChildrensCentre => ("childrens_centre", "Children's centre"),
        Childminder => ("childminder", "Childminder"),
        HomeChildcarer => ("home_childcarer", "Nanny or home childcarer"),
        NurserySchool => ("nursery_school", "Maintained nursery school"),
        PrimarySchool => ("primary_school", "Primary school"),
        SecondarySchool => ("secondary_school", "Secondary school"),
        SpecialSchool => ("special_school", "Special school"),
        ExtendedSchool => ("extended_school", "Extended school or out-of-school club"),
        PlaySetting => ("play_setting", "Adventure playground or play scheme"),
        ResidentialHome => ("residential_home", "Children's residential home"),
        FosteringService => ("fostering", "Fostering service"),
        SocialWorkTeam => ("social_work_team", "Social work team"),
        FamilyCentre => ("family_centre", "Family centre"),
        Yot => ("yot", "Youth offending team"),
        SecureSetting => ("secure", "Secure children's home or training centre"),
        YouthCentre => ("youth_centre", "Youth centre or project"),
        Camhs => ("camhs", "CAMHS"),
        CommunityHealth => ("community_health", "Community health service"),
        Hospital => ("hospital", "Hospital paediatrics"),
        EducationSupport => ("education_support", "Education support service"),
        SportClub => ("sport_club", "Sports club or leisure centre"),
        Cultural => ("cultural", "Library, museum or arts organisation"),
        College => ("college", "Further education college"),
        CourtService => ("court_service", "Court or police service"),
        Central => ("central", "Central or strategic team"),
    }
);

impl SettingType {
    /// The role groups a setting of this type usually employs, so a form can offer its roles
    /// first (with every role a choice away); empty for a central team, which may employ any.
    /// Written for cws from the seeds' account of who works where.
    pub fn usual_role_groups(self) -> &'static [crate::role::RoleGroup] {
        use crate::role::RoleGroup as G;
        use SettingType as S;
        match self {
            S::FullDayCare | S::Sessional | S::Childminder | S::HomeChildcarer => {
                &[G::EarlyYears, G::Volunteers]
            }
            S::ChildrensCentre => &[
                G::EarlyYears,
                G::SocialCare,
                G::Health,
                G::Teachers,
                G::Volunteers,
            ],
            S::NurserySchool => &[G::Teachers, G::SchoolSupport, G::EarlyYears],
            S::PrimarySchool | S::SecondarySchool | S::SpecialSchool => &[
                G::Teachers,
                G::SchoolSupport,
                G::EducationSupport,
                G::Health,
            ],
            S::ExtendedSchool => &[
                G::Play,
                G::EarlyYears,
                G::SchoolSupport,
                G::SportCulture,
                G::Volunteers,
            ],
            S::PlaySetting => &[G::Play, G::Volunteers],
            S::ResidentialHome => &[G::SocialCare, G::SocialWorkers, G::Teachers],
            S::FosteringService => &[G::FosterCare, G::SocialWorkers, G::SocialCare],
            S::SocialWorkTeam => &[G::SocialWorkers, G::SocialCare],
            S::FamilyCentre => &[
                G::SocialCare,
                G::SocialWorkers,
                G::EarlyYears,
                G::Health,
                G::Volunteers,
            ],
            S::Yot => &[G::YouthJustice, G::SocialWorkers, G::Youth, G::Health],
            S::SecureSetting => &[G::SocialCare, G::YouthJustice, G::Teachers, G::Health],
            S::YouthCentre => &[G::Youth, G::Play, G::Volunteers],
            S::Camhs | S::CommunityHealth | S::Hospital => &[G::Health],
            S::EducationSupport => &[G::EducationSupport, G::Teachers],
            S::SportClub | S::Cultural => &[G::SportCulture, G::Volunteers],
            S::College => &[G::FeHe],
            S::CourtService => &[G::Justice],
            S::Central => &[],
        }
    }
}

/// An employer's reference within its area, as the employer knows it (e.g. `URN123456`,
/// `LA-CSC`). Non-empty, at most 64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgRef(String);

impl OrgRef {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.is_empty() || t.len() > 64 || t.chars().any(char::is_control) {
            Err(format!(
                "'{s}' is not a usable organisation reference: use 1-64 printable characters"
            ))
        } else {
            Ok(OrgRef(t.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OrgRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organisation as held by cws.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub reference: OrgRef,
    pub name: String,
    pub sector: Sector,
    pub service: Service,
    pub setting: SettingType,
    /// Serves one of the most disadvantaged areas (the 2015 target asks two graduates there).
    pub disadvantaged_area: bool,
    pub parent: Option<OrgRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_group_is_usual_somewhere_but_strategic_management() {
        use crate::role::RoleGroup;
        for g in RoleGroup::ALL {
            let somewhere = SettingType::ALL
                .iter()
                .any(|s| s.usual_role_groups().contains(g));
            assert_eq!(somewhere, *g != RoleGroup::Management, "{g:?}");
        }
        assert!(SettingType::Central.usual_role_groups().is_empty());
    }

    #[test]
    fn codes_round_trip_and_unknowns_say_what_is_allowed() {
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.code()).unwrap(), *s);
        }
        for s in SettingType::ALL {
            assert_eq!(SettingType::parse(&s.code().to_uppercase()).unwrap(), *s);
        }
        let err = Service::parse("circus").unwrap_err();
        assert!(err.to_string().contains("early_years"), "{err}");
        assert_eq!(err.list, "service");
    }

    #[test]
    fn org_ref_rejects_empty_and_control_characters() {
        assert!(OrgRef::parse("  ").is_err());
        assert!(OrgRef::parse("a\u{7}b").is_err());
        assert!(OrgRef::parse(&"x".repeat(65)).is_err());
        assert_eq!(OrgRef::parse(" URN1 ").unwrap().as_str(), "URN1");
    }
}
