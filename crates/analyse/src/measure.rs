//! The measures: additive components (`Sums`) and the figures built from them (`Measure`).
//!
//! Every figure is a function of sums, so a region's or England's figure is the same
//! function of the sums of its areas: national and regional values are computed from areas,
//! never typed in. Measures DfE publishes keep DfE's indicator names and definitions.

use cws_domain::UnknownCode;
use serde::Serialize;

/// Additive components of every measure. Each is a count or an FTE that adds across groups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Sums {
    // DfE's children's social work workforce components
    pub inpost_fte: f64,
    pub inpost_headcount: f64,
    pub starters_fte: f64,
    pub starters_headcount: f64,
    pub leavers_fte: f64,
    pub leavers_headcount: f64,
    pub agency_fte: f64,
    pub agency_headcount: f64,
    pub agency_cover_fte: f64,
    pub vacancy_fte: f64,
    pub case_holders_fte: f64,
    pub cases: f64,
    pub working_days_lost_fte: f64,
    // worker-level components (people in post, employed or agency, de-duplicated)
    pub people: f64,
    pub fte_missing_posts: f64,
    pub age_known: f64,
    pub age_under_20: f64,
    pub age_20_29: f64,
    pub age_30_39: f64,
    pub age_40_49: f64,
    pub age_50_59: f64,
    pub age_60_plus: f64,
    pub age_55_plus: f64,
    pub reaching_retirement: f64,
    pub female: f64,
    pub male: f64,
    pub sex_known: f64,
    pub ethnic_minority: f64,
    pub ethnicity_known: f64,
    pub ethnicity_white: f64,
    pub ethnicity_mixed: f64,
    pub ethnicity_asian: f64,
    pub ethnicity_black: f64,
    pub ethnicity_other: f64,
    pub disabled: f64,
    pub disability_known: f64,
    pub qual_known: f64,
    pub graduates: f64,
    pub non_graduates: f64,
    pub level3_plus_non_graduates: f64,
    pub common_core: f64,
    /// People whose return answered the question (the base of its rate).
    pub common_core_known: f64,
    pub induction: f64,
    pub induction_known: f64,
    pub vetting_in_date: f64,
    pub vetting_due_90_days: f64,
    pub caf_trained: f64,
    pub caf_trained_known: f64,
    pub lead_professionals: f64,
    pub lead_professional_known: f64,
    pub multi_agency: f64,
    pub multi_agency_known: f64,
    pub service_under_2_years: f64,
    pub service_2_to_5_years: f64,
    pub service_5_plus_years: f64,
    pub service_known: f64,
    pub settings: f64,
    pub settings_with_graduate_leader: f64,
    pub disadvantaged_settings: f64,
    pub disadvantaged_settings_with_graduate_leader: f64,
    pub disadvantaged_settings_with_two_graduate_leaders: f64,
}

impl Sums {
    /// Adds another group's components.
    pub fn add(&mut self, o: &Sums) {
        macro_rules! add_all { ($($f:ident),*) => { $( self.$f += o.$f; )* } }
        add_all!(
            inpost_fte,
            inpost_headcount,
            starters_fte,
            starters_headcount,
            leavers_fte,
            leavers_headcount,
            agency_fte,
            agency_headcount,
            agency_cover_fte,
            vacancy_fte,
            case_holders_fte,
            cases,
            working_days_lost_fte,
            people,
            fte_missing_posts,
            age_known,
            age_under_20,
            age_20_29,
            age_30_39,
            age_40_49,
            age_50_59,
            age_60_plus,
            age_55_plus,
            reaching_retirement,
            female,
            male,
            sex_known,
            ethnic_minority,
            ethnicity_known,
            ethnicity_white,
            ethnicity_mixed,
            ethnicity_asian,
            ethnicity_black,
            ethnicity_other,
            disabled,
            disability_known,
            qual_known,
            graduates,
            non_graduates,
            level3_plus_non_graduates,
            common_core,
            common_core_known,
            induction,
            induction_known,
            vetting_in_date,
            vetting_due_90_days,
            caf_trained,
            caf_trained_known,
            lead_professionals,
            lead_professional_known,
            multi_agency,
            multi_agency_known,
            service_under_2_years,
            service_2_to_5_years,
            service_5_plus_years,
            service_known,
            settings,
            settings_with_graduate_leader,
            disadvantaged_settings,
            disadvantaged_settings_with_graduate_leader,
            disadvantaged_settings_with_two_graduate_leaders
        );
    }
}

/// What a measure's value is, for rounding and disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A count of people or settings: whole numbers, suppressed when small.
    Count,
    /// A full-time equivalent: one decimal place.
    Fte,
    /// A percentage or ratio built on counts: suppressed with the counts beneath it.
    Rate,
}

/// Settings that change a measure's definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Working days in a year for the absence rate (DfE uses 253).
    pub working_days: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            working_days: 253.0,
        }
    }
}

macro_rules! measures {
    ($( $variant:ident => ($name:literal, $kind:ident, $label:literal, $base:ident, |$s:ident, $p:ident| $value:expr) ),* $(,)?) => {
        /// One figure. Names are DfE's indicator names where DfE publishes the measure.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Measure { $( $variant ),* }

        impl Measure {
            pub const ALL: &'static [Measure] = &[ $( Measure::$variant ),* ];

            /// The measure's machine name (DfE's where DfE publishes it).
            pub fn code(self) -> &'static str {
                match self { $( Measure::$variant => $name ),* }
            }
            pub fn kind(self) -> Kind {
                match self { $( Measure::$variant => Kind::$kind ),* }
            }
            /// A plain-English label.
            pub fn label(self) -> &'static str {
                match self { $( Measure::$variant => $label ),* }
            }
            /// The count a value rests on, for disclosure control: a rate is suppressed when
            /// the count of people beneath it is small.
            pub fn base(self, s: &Sums) -> f64 {
                match self { $( Measure::$variant => s.$base ),* }
            }
            /// The name of the count a value rests on: measures on the same base share one
            /// suppression pattern.
            pub fn base_name(self) -> &'static str {
                match self { $( Measure::$variant => stringify!($base) ),* }
            }
            /// The symbol shown where there is no value: `x` (not available) when people are
            /// in post but none of their returns gave what the measure counts (a census
            /// return does not ask about the Common Core), `z` (not applicable) when the
            /// rate is over nothing.
            pub fn missing(self, s: &Sums) -> &'static str {
                let over_answers = self.base_name().ends_with("_known")
                    || self == Measure::LeadProfessionals;
                if over_answers && s.people > 0.0 {
                    crate::disclosure::NOT_AVAILABLE
                } else {
                    crate::disclosure::NOT_APPLICABLE
                }
            }
            /// The value, or `None` when it is undefined (a rate over nothing).
            pub fn value(self, sums: &Sums, params: &Params) -> Option<f64> {
                #[allow(unused_variables)]
                let v: f64 = match self { $( Measure::$variant => { let ($s, $p) = (sums, params); $value } ),* };
                v.is_finite().then_some(v)
            }
            /// A measure by its machine name; the error lists every measure.
            pub fn parse(code: &str) -> Result<Measure, UnknownCode> {
                let code = code.trim();
                Measure::ALL
                    .iter()
                    .copied()
                    .find(|m| m.code() == code)
                    .ok_or_else(|| UnknownCode::new("measure", code, Measure::ALL.iter().map(|m| m.code())))
            }
        }
    };
}

impl Measure {
    /// Whether the measure counts vacancies, which have no contract type: it has no value
    /// for one contract type.
    pub fn counts_vacancies(self) -> bool {
        matches!(
            self,
            Measure::VacancyFte
                | Measure::VacancyRateFte
                | Measure::VacancyAgencyCoverRateFte
                | Measure::AgencyCoverFte
                | Measure::AgencyCoverRateFte
        )
    }
}

fn pct(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den * 100.0
    } else {
        f64::NAN
    }
}

/// A count of answers, where anyone answered the question.
fn known(count: f64, answered: f64) -> f64 {
    if answered > 0.0 {
        count
    } else {
        f64::NAN
    }
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

measures! {
    InpostFte => ("inpost_fte", Fte, "FTE in post (employed, not agency)", inpost_headcount, |s, p| s.inpost_fte),
    InpostHeadcount => ("inpost_headcount", Count, "People in post (employed, not agency)", inpost_headcount, |s, p| s.inpost_headcount),
    StartersFte => ("starters_fte", Fte, "Starters in the year (FTE)", starters_headcount, |s, p| s.starters_fte),
    StartersHeadcount => ("starters_headcount", Count, "Starters in the year", starters_headcount, |s, p| s.starters_headcount),
    LeaversFte => ("leavers_fte", Fte, "Leavers in the year (FTE)", leavers_headcount, |s, p| s.leavers_fte),
    LeaversHeadcount => ("leavers_headcount", Count, "Leavers in the year", leavers_headcount, |s, p| s.leavers_headcount),
    TurnoverRateFte => ("turnover_rate_fte", Rate, "Turnover rate (FTE, %)", leavers_headcount, |s, p| pct(s.leavers_fte, s.inpost_fte)),
    TurnoverRateHeadcount => ("turnover_rate_headcount", Rate, "Turnover rate (headcount, %)", leavers_headcount, |s, p| pct(s.leavers_headcount, s.inpost_headcount)),
    AgencyFte => ("agency_fte", Fte, "Agency workers (FTE)", agency_headcount, |s, p| s.agency_fte),
    AgencyHeadcount => ("agency_headcount", Count, "Agency workers", agency_headcount, |s, p| s.agency_headcount),
    AgencyRateFte => ("agency_rate_fte", Rate, "Agency rate (FTE, %)", agency_headcount, |s, p| pct(s.agency_fte, s.agency_fte + s.inpost_fte)),
    AgencyRateHeadcount => ("agency_rate_headcount", Rate, "Agency rate (headcount, %)", agency_headcount, |s, p| pct(s.agency_headcount, s.agency_headcount + s.inpost_headcount)),
    AgencyCoverFte => ("agency_cover_fte", Fte, "Agency workers covering vacancies (FTE)", agency_headcount, |s, p| s.agency_cover_fte),
    AgencyCoverRateFte => ("agency_cover_rate_fte", Rate, "Agency workers covering vacancies (% of agency FTE)", agency_headcount, |s, p| pct(s.agency_cover_fte.min(s.agency_fte), s.agency_fte)),
    VacancyFte => ("vacancy_fte", Fte, "Vacancies (FTE)", inpost_headcount, |s, p| s.vacancy_fte),
    VacancyRateFte => ("vacancy_rate_fte", Rate, "Vacancy rate (FTE, %)", inpost_headcount, |s, p| pct(s.vacancy_fte, s.vacancy_fte + s.inpost_fte)),
    VacancyAgencyCoverRateFte => ("vacancy_agency_cover_rate_fte", Rate, "Vacancies covered by agency workers (%)", inpost_headcount, |s, p| pct(s.agency_cover_fte, s.vacancy_fte)),
    CaseHoldersFte => ("case_holders_fte", Fte, "Case holders (FTE)", inpost_headcount, |s, p| s.case_holders_fte),
    Cases => ("cases", Count, "Cases held", inpost_headcount, |s, p| s.cases),
    CaseloadFte => ("caseload_fte", Rate, "Average caseload per FTE case holder", inpost_headcount, |s, p| ratio(s.cases, s.case_holders_fte)),
    WorkingDaysLostFte => ("working_days_lost_fte", Fte, "Working days lost to sickness", inpost_headcount, |s, p| s.working_days_lost_fte),
    AbsenceRateFte => ("absence_rate_fte", Rate, "Sickness absence rate (%)", inpost_headcount, |s, p| pct(s.working_days_lost_fte, s.inpost_fte * p.working_days)),
    People => ("people", Count, "People in post (employed and agency)", people, |s, p| s.people),
    FteMissingPosts => ("fte_missing_posts", Count, "Posts without an FTE (left out of FTE sums)", fte_missing_posts, |s, p| s.fte_missing_posts),
    AgeUnder20 => ("age_under_20_pct", Rate, "Aged under 20 (%)", age_known, |s, p| pct(s.age_under_20, s.age_known)),
    Age20To29 => ("age_20_29_pct", Rate, "Aged 20 to 29 (%)", age_known, |s, p| pct(s.age_20_29, s.age_known)),
    Age30To39 => ("age_30_39_pct", Rate, "Aged 30 to 39 (%)", age_known, |s, p| pct(s.age_30_39, s.age_known)),
    Age40To49 => ("age_40_49_pct", Rate, "Aged 40 to 49 (%)", age_known, |s, p| pct(s.age_40_49, s.age_known)),
    Age50To59 => ("age_50_59_pct", Rate, "Aged 50 to 59 (%)", age_known, |s, p| pct(s.age_50_59, s.age_known)),
    Age60Plus => ("age_60_plus_pct", Rate, "Aged 60 or over (%)", age_known, |s, p| pct(s.age_60_plus, s.age_known)),
    Age55Plus => ("age_55_plus_pct", Rate, "Aged 55 or over (%)", age_known, |s, p| pct(s.age_55_plus, s.age_known)),
    ReachingRetirement => ("reaching_retirement_pct", Rate, "Reaching retirement age by the horizon year (%)", age_known, |s, p| pct(s.reaching_retirement, s.age_known)),
    Female => ("female_pct", Rate, "Women (%)", sex_known, |s, p| pct(s.female, s.sex_known)),
    Male => ("male_pct", Rate, "Men (%)", sex_known, |s, p| pct(s.male, s.sex_known)),
    EthnicMinority => ("ethnic_minority_pct", Rate, "From ethnic minority groups (% of known)", ethnicity_known, |s, p| pct(s.ethnic_minority, s.ethnicity_known)),
    EthnicityWhite => ("ethnicity_white_pct", Rate, "White (% of known ethnicity)", ethnicity_known, |s, p| pct(s.ethnicity_white, s.ethnicity_known)),
    EthnicityMixed => ("ethnicity_mixed_pct", Rate, "Mixed or multiple ethnic groups (% of known ethnicity)", ethnicity_known, |s, p| pct(s.ethnicity_mixed, s.ethnicity_known)),
    EthnicityAsian => ("ethnicity_asian_pct", Rate, "Asian or Asian British (% of known ethnicity)", ethnicity_known, |s, p| pct(s.ethnicity_asian, s.ethnicity_known)),
    EthnicityBlack => ("ethnicity_black_pct", Rate, "Black or Black British (% of known ethnicity)", ethnicity_known, |s, p| pct(s.ethnicity_black, s.ethnicity_known)),
    EthnicityOther => ("ethnicity_other_pct", Rate, "Other ethnic group (% of known ethnicity)", ethnicity_known, |s, p| pct(s.ethnicity_other, s.ethnicity_known)),
    Disabled => ("disabled_pct", Rate, "Disabled (% of known)", disability_known, |s, p| pct(s.disabled, s.disability_known)),
    Graduates => ("graduate_pct", Rate, "Graduates (% of known qualification)", qual_known, |s, p| pct(s.graduates, s.qual_known)),
    Level3PlusNonGraduates => ("level3_plus_non_graduate_pct", Rate, "Level 3 or above among non-graduates (%)", non_graduates, |s, p| pct(s.level3_plus_non_graduates, s.non_graduates)),
    Level3PlusHeadcount => ("level3_plus_headcount", Count, "People at Level 3 or above (graduates included)", qual_known, |s, p| s.graduates + s.level3_plus_non_graduates),
    CommonCore => ("common_core_pct", Rate, "Trained in the Common Core (% of known)", common_core_known, |s, p| pct(s.common_core, s.common_core_known)),
    Induction => ("induction_pct", Rate, "Completed induction (% of known)", induction_known, |s, p| pct(s.induction, s.induction_known)),
    VettingInDate => ("vetting_in_date_pct", Rate, "With an in-date vetting check (%)", people, |s, p| pct(s.vetting_in_date, s.people)),
    VettingDue90Days => ("vetting_due_90_days", Count, "Vetting checks due in the next 90 days", vetting_due_90_days, |s, p| s.vetting_due_90_days),
    CafTrained => ("caf_trained_pct", Rate, "Trained in the common assessment (% of known)", caf_trained_known, |s, p| pct(s.caf_trained, s.caf_trained_known)),
    LeadProfessionals => ("lead_professionals", Count, "Acting as lead professional", lead_professionals, |s, p| known(s.lead_professionals, s.lead_professional_known)),
    MultiAgency => ("multi_agency_pct", Rate, "Working in multi-agency teams (% of known)", multi_agency_known, |s, p| pct(s.multi_agency, s.multi_agency_known)),
    ServiceUnder2Years => ("service_under_2_years_pct", Rate, "In service under 2 years (%)", service_known, |s, p| pct(s.service_under_2_years, s.service_known)),
    Service2To5Years => ("service_2_to_5_years_pct", Rate, "In service 2 to 5 years (%)", service_known, |s, p| pct(s.service_2_to_5_years, s.service_known)),
    Service5PlusYears => ("service_5_plus_years_pct", Rate, "In service 5 years or more (%)", service_known, |s, p| pct(s.service_5_plus_years, s.service_known)),
    SettingsWithGraduateLeader => ("settings_with_graduate_leader_pct", Rate, "Full day care settings with an Early Years Professional or graduate (%)", settings, |s, p| pct(s.settings_with_graduate_leader, s.settings)),
    DisadvantagedSettingsWithGraduateLeader => ("disadvantaged_settings_with_graduate_leader_pct", Rate, "Full day care settings in disadvantaged areas with an Early Years Professional or graduate (%)", disadvantaged_settings, |s, p| pct(s.disadvantaged_settings_with_graduate_leader, s.disadvantaged_settings)),
    DisadvantagedSettingsWithTwo => ("disadvantaged_settings_with_two_graduate_leaders_pct", Rate, "Full day care settings in disadvantaged areas with two Early Years Professionals or graduates (%)", disadvantaged_settings, |s, p| pct(s.disadvantaged_settings_with_two_graduate_leaders, s.disadvantaged_settings)),
}

impl Serialize for Measure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The measures DfE publishes for the children's social work workforce, in DfE's order.
pub fn published_measures() -> Vec<Measure> {
    cws_reference::INDICATORS
        .iter()
        .filter_map(|n| Measure::parse(n).ok())
        .collect()
}

/// Rounds as published: counts whole, everything else to one decimal place.
pub fn round(kind: Kind, v: f64) -> f64 {
    match kind {
        Kind::Count => v.round(),
        Kind::Fte | Kind::Rate => (v * 10.0).round() / 10.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_indicator_is_a_measure_with_its_dfe_name() {
        assert_eq!(published_measures().len(), cws_reference::INDICATORS.len());
    }

    #[test]
    fn rates_follow_the_dfe_definitions() {
        // England 2025 as published: the rates follow from the published components.
        let s = Sums {
            inpost_fte: 36186.3,
            leavers_fte: 4276.3,
            agency_fte: 5415.9,
            agency_cover_fte: 4390.8,
            vacancy_fte: 5965.4,
            case_holders_fte: 21105.4,
            cases: 321661.0,
            working_days_lost_fte: 322786.3,
            ..Sums::default()
        };
        let p = Params::default();
        let r = |m: Measure| round(m.kind(), m.value(&s, &p).unwrap());
        assert_eq!(r(Measure::TurnoverRateFte), 11.8);
        assert_eq!(r(Measure::AgencyRateFte), 13.0);
        assert_eq!(r(Measure::AgencyCoverRateFte), 81.1);
        assert_eq!(r(Measure::VacancyRateFte), 14.2);
        assert_eq!(r(Measure::VacancyAgencyCoverRateFte), 73.6);
        assert_eq!(r(Measure::CaseloadFte), 15.2);
        assert_eq!(r(Measure::AbsenceRateFte), 3.5);
        // a rate over nothing is undefined, not zero
        assert_eq!(Measure::TurnoverRateFte.value(&Sums::default(), &p), None);
    }
}
