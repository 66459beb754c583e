//! Worker records (docs/definitions.md §3, §5): one row per post a person holds in an organisation at a
//! census date. People are pseudonymous: the employer's own reference is hashed at ingest.

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

use crate::role::RoleCode;

code_enum!(
    ContractType, "contract type" {
        Permanent => ("permanent", "Permanent"),
        FixedTerm => ("fixed_term", "Fixed-term"),
        Bank => ("bank", "Bank or sessional"),
        Agency => ("agency", "Agency"),
        SelfEmployed => ("self_employed", "Self-employed"),
        Volunteer => ("volunteer", "Volunteer"),
        FosterCarer => ("foster_carer", "Foster carer"),
    }
);

impl ContractType {
    /// Whether the person is on the employer's own payroll (agency staff, volunteers and
    /// foster carers are counted separately in DfE's definitions).
    pub fn is_employed(self) -> bool {
        matches!(
            self,
            ContractType::Permanent | ContractType::FixedTerm | ContractType::Bank
        )
    }
}

code_enum!(
    Sex, "sex" {
        Female => ("F", "Female"),
        Male => ("M", "Male"),
        Other => ("O", "Other or prefer to self-describe"),
        Unknown => ("U", "Not known"),
    }
);

code_enum!(
    /// Ethnicity codes of the social work workforce census (docs/definitions.md §5).
    Ethnicity, "ethnicity" {
        Wbri => ("WBRI", "White British"),
        Wiri => ("WIRI", "White Irish"),
        Woth => ("WOTH", "Any other White background"),
        Mwbc => ("MWBC", "White and Black Caribbean"),
        Mwba => ("MWBA", "White and Black African"),
        Mwas => ("MWAS", "White and Asian"),
        Moth => ("MOTH", "Any other mixed background"),
        Aind => ("AIND", "Indian"),
        Apkn => ("APKN", "Pakistani"),
        Aban => ("ABAN", "Bangladeshi"),
        Aoth => ("AOTH", "Any other Asian background"),
        Bcrb => ("BCRB", "Black Caribbean"),
        Bafr => ("BAFR", "Black African"),
        Both => ("BOTH", "Any other Black background"),
        Chne => ("CHNE", "Chinese"),
        Ooth => ("OOTH", "Any other ethnic group"),
        Refu => ("REFU", "Refused"),
        Nobt => ("NOBT", "Information not yet obtained"),
    }
);

code_enum!(
    /// Broad ethnic groups; `Unknown` is excluded from percentage denominators.
    EthnicGroup, "ethnic group" {
        White => ("white", "White"),
        Mixed => ("mixed", "Mixed or multiple"),
        Asian => ("asian", "Asian or Asian British"),
        Black => ("black", "Black or Black British"),
        Other => ("other", "Other ethnic group"),
        Unknown => ("unknown", "Unknown"),
    }
);

impl Ethnicity {
    pub fn group(self) -> EthnicGroup {
        use Ethnicity::*;
        match self {
            Wbri | Wiri | Woth => EthnicGroup::White,
            Mwbc | Mwba | Mwas | Moth => EthnicGroup::Mixed,
            Aind | Apkn | Aban | Aoth | Chne => EthnicGroup::Asian,
            Bcrb | Bafr | Both => EthnicGroup::Black,
            Ooth => EthnicGroup::Other,
            Refu | Nobt => EthnicGroup::Unknown,
        }
    }

    /// The census return code for a Census 2021 20-category group (ONS code 1-19), used to
    /// compare the workforce with the community. Census puts Chinese under Asian, as DfE does.
    pub fn from_census_2021_category(code: u8) -> Option<Ethnicity> {
        use Ethnicity::*;
        Some(match code {
            1 => Aban,
            2 => Chne,
            3 => Aind,
            4 => Apkn,
            5 => Aoth,
            6 => Bafr,
            7 => Bcrb,
            8 => Both,
            9 => Mwas,
            10 => Mwba,
            11 => Mwbc,
            12 => Moth,
            13 => Wbri,
            14 => Wiri,
            // 15 Gypsy or Irish Traveller, 16 Roma, 17 other White
            15..=17 => Woth,
            // 18 Arab, 19 any other ethnic group
            18 | 19 => Ooth,
            _ => return None,
        })
    }
}

code_enum!(
    Disability, "disability" {
        Yes => ("yes", "Disabled"),
        No => ("no", "Not disabled"),
        NotDisclosed => ("not_disclosed", "Prefers not to say"),
        Unknown => ("unknown", "Not known"),
    }
);

code_enum!(
    /// Highest qualification level (docs/definitions.md §5): 6 = degree, EYPS, QTS; 8 = doctorate;
    /// 3 = the minimum the 2020 vision sets for non-graduates.
    QualLevel, "qualification level" {
        None => ("none", "No qualification"),
        Entry => ("entry", "Entry level"),
        L1 => ("1", "Level 1"),
        L2 => ("2", "Level 2"),
        L3 => ("3", "Level 3"),
        L4 => ("4", "Level 4"),
        L5 => ("5", "Level 5"),
        L6 => ("6", "Level 6 (degree)"),
        L7 => ("7", "Level 7 (master's)"),
        L8 => ("8", "Level 8 (doctorate)"),
    }
);

impl QualLevel {
    /// From a number 0-8 (0 = none).
    pub fn from_number(n: u8) -> Option<QualLevel> {
        QualLevel::ALL
            .get(match n {
                0 => 0,
                n @ 1..=8 => usize::from(n) + 1,
                _ => return Option::None,
            })
            .copied()
    }
    pub fn is_graduate(self) -> bool {
        self >= QualLevel::L6
    }
}

code_enum!(
    /// Reasons for leaving, after the social work census list (`ReasonLeave` 1-10).
    LeavingReason, "reason for leaving" {
        Resigned => ("1", "Resigned"),
        Dismissed => ("2", "Dismissed"),
        Retired => ("3", "Retired"),
        ContractEnded => ("4", "End of fixed-term contract"),
        Redundancy => ("5", "Redundancy"),
        Transfer => ("6", "Transferred to another service"),
        Death => ("7", "Death"),
        CareerChange => ("8", "Career change"),
        Other => ("9", "Other"),
        Unknown => ("10", "Not known"),
    }
);

code_enum!(
    /// Where leavers went, after the social work census list (`LeaverDestination` 1-9).
    Destination, "leaver destination" {
        SameSectorLa => ("1", "Another local authority"),
        Agency => ("2", "Agency work"),
        PrivateVoluntary => ("3", "Private or voluntary sector"),
        Health => ("4", "Health"),
        Education => ("5", "Education or training"),
        OtherWork => ("6", "Other work"),
        Retirement => ("7", "Retirement"),
        OutOfWork => ("8", "Out of work or career break"),
        Unknown => ("9", "Not known"),
    }
);

code_enum!(
    VettingType, "vetting check" {
        EnhancedBarred => ("enhanced_barred", "Enhanced DBS with barred list"),
        Enhanced => ("enhanced", "Enhanced DBS"),
        Standard => ("standard", "Standard DBS"),
        UpdateService => ("update_service", "DBS update service"),
        None => ("none", "No check recorded"),
    }
);

code_enum!(
    /// How a multi-agency team works together.
    MultiAgency, "multi-agency team" {
        No => ("no", "Not in a multi-agency team"),
        CoLocated => ("co_located", "Multi-agency team, co-located"),
        Virtual => ("virtual", "Multi-agency team, virtual"),
    }
);

/// Full-time equivalent of one post: more than 0 and at most 1.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Fte(f64);

#[derive(Debug, Clone, Error, PartialEq)]
#[error("FTE {0} is outside the allowed range: one post's FTE must be more than 0 and at most 1")]
pub struct FteError(pub f64);

impl Fte {
    pub fn new(v: f64) -> Result<Fte, FteError> {
        if v.is_finite() && v > 0.0 && v <= 1.0 {
            Ok(Fte(v))
        } else {
            Err(FteError(v))
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A worker reference after hashing: 64 hex characters. The plain reference is never kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonKey(String);

impl PersonKey {
    pub fn from_hex(s: &str) -> Result<Self, String> {
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(PersonKey(s.to_ascii_lowercase()))
        } else {
            Err("a person key is 64 hexadecimal characters (a hashed reference)".to_string())
        }
    }
    /// The key of a 32-byte digest (lower-case hex, as `from_hex` keeps it).
    pub fn from_digest(digest: &[u8; 32]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for b in digest {
            s.push(HEX[(b >> 4) as usize] as char);
            s.push(HEX[(b & 15) as usize] as char);
        }
        PersonKey(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a leaving record is incomplete.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum WorkerError {
    #[error("leaving date {left} is before the start date {started}")]
    LeftBeforeStarted { started: NaiveDate, left: NaiveDate },
    #[error("a leaving date needs a reason and a destination")]
    LeaverWithoutReason,
    #[error("a reason or destination for leaving needs a leaving date")]
    ReasonWithoutLeaving,
    #[error("birth year {0} is implausible for someone in work")]
    ImplausibleBirthYear(i32),
}

/// Leaving details: date, reason and destination always come together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leaving {
    pub date: NaiveDate,
    pub reason: LeavingReason,
    pub destination: Destination,
}

impl Leaving {
    /// Builds leaving details from optional parts; all three or none.
    pub fn from_parts(
        date: Option<NaiveDate>,
        reason: Option<LeavingReason>,
        destination: Option<Destination>,
    ) -> Result<Option<Leaving>, WorkerError> {
        match (date, reason, destination) {
            (None, None, None) => Ok(None),
            (Some(date), Some(reason), Some(destination)) => Ok(Some(Leaving {
                date,
                reason,
                destination,
            })),
            (Some(_), _, _) => Err(WorkerError::LeaverWithoutReason),
            (None, _, _) => Err(WorkerError::ReasonWithoutLeaving),
        }
    }
}

/// Integrated-working readiness (docs/definitions.md §3). Each answer is `None` where the
/// return did not give it (a census return does not collect these): not known, not "no".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntegratedWorking {
    pub caf_trained: Option<bool>,
    pub lead_professional: Option<bool>,
    pub budget_holding: Option<bool>,
    pub multi_agency: Option<MultiAgency>,
}

/// One post held by one person in one organisation at a census date.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerRecord {
    pub person: PersonKey,
    pub role: RoleCode,
    /// `None` when the employer did not give it: excluded from FTE sums and reported.
    pub fte: Option<Fte>,
    pub contract: ContractType,
    pub start_date: Option<NaiveDate>,
    pub leaving: Option<Leaving>,
    pub birth_year: Option<i32>,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub disability: Disability,
    pub qual_level: Option<QualLevel>,
    /// Catalogue qualification codes held, e.g. `QTS`, `EYPS`, `SWDEG`.
    pub qualifications: Vec<String>,
    /// `None`: not given (not known), as for the integrated-working answers.
    pub common_core: Option<bool>,
    pub induction: Option<bool>,
    pub integrated: IntegratedWorking,
    pub vetting: VettingType,
    pub vetting_date: Option<NaiveDate>,
    pub safeguarding_training: Option<NaiveDate>,
    pub days_lost: Option<f64>,
    pub cases: Option<u32>,
}

impl WorkerRecord {
    /// Checks the invariants that hold for any single record, whatever the census date.
    pub fn check(&self) -> Result<(), WorkerError> {
        if let (Some(s), Some(l)) = (self.start_date, self.leaving) {
            if l.date < s {
                return Err(WorkerError::LeftBeforeStarted {
                    started: s,
                    left: l.date,
                });
            }
        }
        if let Some(y) = self.birth_year {
            let reference = self.start_date.map_or(2026, |d| d.year());
            if !(reference - 90..=reference - 13).contains(&y) {
                return Err(WorkerError::ImplausibleBirthYear(y));
            }
        }
        Ok(())
    }

    /// In post at the census date: no leaving date, or one after the census date (someone
    /// leaving on the census date is a leaver, not in post — DfE's rule).
    pub fn in_post_on(&self, census: NaiveDate) -> bool {
        self.leaving.is_none_or(|l| l.date > census)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fte_must_be_in_range() {
        assert!(Fte::new(0.5).is_ok());
        assert!(Fte::new(1.0).is_ok());
        for bad in [0.0, -0.1, 1.01, f64::NAN, f64::INFINITY] {
            assert!(Fte::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn leaving_parts_come_together() {
        let d = NaiveDate::from_ymd_opt(2025, 6, 1);
        assert_eq!(Leaving::from_parts(None, None, None), Ok(None));
        assert!(Leaving::from_parts(
            d,
            Some(LeavingReason::Retired),
            Some(Destination::Retirement)
        )
        .unwrap()
        .is_some());
        assert_eq!(
            Leaving::from_parts(d, None, Some(Destination::Unknown)),
            Err(WorkerError::LeaverWithoutReason)
        );
        assert_eq!(
            Leaving::from_parts(None, Some(LeavingReason::Resigned), None),
            Err(WorkerError::ReasonWithoutLeaving)
        );
    }

    #[test]
    fn ethnicity_groups_and_census_mapping() {
        assert_eq!(Ethnicity::Chne.group(), EthnicGroup::Asian);
        assert_eq!(Ethnicity::Refu.group(), EthnicGroup::Unknown);
        assert_eq!(
            Ethnicity::from_census_2021_category(13),
            Some(Ethnicity::Wbri)
        );
        assert_eq!(Ethnicity::from_census_2021_category(0), None);
        // every census category 1-19 maps somewhere known
        for c in 1..=19 {
            let e = Ethnicity::from_census_2021_category(c).unwrap();
            assert_ne!(e.group(), EthnicGroup::Unknown);
        }
    }

    #[test]
    fn qual_levels_are_ordered() {
        assert!(QualLevel::L3 > QualLevel::L2);
        assert!(QualLevel::Entry > QualLevel::None);
        assert_eq!(QualLevel::from_number(6), Some(QualLevel::L6));
        assert_eq!(QualLevel::from_number(0), Some(QualLevel::None));
        assert_eq!(QualLevel::from_number(9), None);
        assert!(QualLevel::L6.is_graduate() && !QualLevel::L5.is_graduate());
    }

    #[test]
    fn leaving_on_census_date_is_not_in_post() {
        let census = NaiveDate::from_ymd_opt(2025, 9, 30).unwrap();
        let mut w = WorkerRecord {
            person: PersonKey::from_hex(&"a".repeat(64)).unwrap(),
            role: RoleCode::parse("SC-SW").unwrap(),
            fte: Fte::new(1.0).ok(),
            contract: ContractType::Permanent,
            start_date: NaiveDate::from_ymd_opt(2020, 1, 1),
            leaving: None,
            birth_year: Some(1980),
            sex: Sex::Female,
            ethnicity: Ethnicity::Wbri,
            disability: Disability::No,
            qual_level: Some(QualLevel::L6),
            qualifications: vec![],
            common_core: Some(true),
            induction: Some(true),
            integrated: IntegratedWorking::default(),
            vetting: VettingType::EnhancedBarred,
            vetting_date: None,
            safeguarding_training: None,
            days_lost: None,
            cases: Some(12),
        };
        assert!(w.in_post_on(census));
        w.leaving = Some(Leaving {
            date: census,
            reason: LeavingReason::Resigned,
            destination: Destination::Agency,
        });
        assert!(!w.in_post_on(census));
        w.start_date = NaiveDate::from_ymd_opt(2026, 1, 1);
        assert!(matches!(
            w.check(),
            Err(WorkerError::LeftBeforeStarted { .. })
        ));
        w.start_date = NaiveDate::from_ymd_opt(2020, 1, 1);
        w.birth_year = Some(1900);
        assert!(matches!(
            w.check(),
            Err(WorkerError::ImplausibleBirthYear(1900))
        ));
    }
}
