//! A measure among part of the workforce: "vacancy rate (FTE, %) – children and family social
//! workers". Objectives are tracked on the people they are about, not on the whole workforce.
//! Written `measure` or `measure@dimension:code` (`vacancy_rate_fte@role_group:social_work`).

use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::role::RoleGroup;
use cws_domain::UnknownCode;

use crate::figures::Dimension;
use crate::measure::Measure;

/// The part of the workforce a measure is taken among.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Within {
    RoleGroup(RoleGroup),
    Service(Service),
    Sector(Sector),
    SettingType(SettingType),
}

impl Within {
    /// Every part a measure can be scoped to, role groups first.
    pub fn all() -> Vec<Within> {
        let mut out: Vec<Within> = RoleGroup::ALL
            .iter()
            .map(|&g| Within::RoleGroup(g))
            .collect();
        out.extend(Service::ALL.iter().map(|&s| Within::Service(s)));
        out.extend(Sector::ALL.iter().map(|&s| Within::Sector(s)));
        out.extend(SettingType::ALL.iter().map(|&s| Within::SettingType(s)));
        out
    }

    /// The dimension whose row holds the part's figures.
    pub fn dimension(self) -> Dimension {
        match self {
            Within::RoleGroup(_) => Dimension::RoleGroup,
            Within::Service(_) => Dimension::Service,
            Within::Sector(_) => Dimension::Sector,
            Within::SettingType(_) => Dimension::SettingType,
        }
    }

    /// The label of the part's row in a table by `dimension()`.
    pub fn label(self) -> &'static str {
        match self {
            Within::RoleGroup(g) => g.label(),
            Within::Service(s) => s.label(),
            Within::Sector(s) => s.label(),
            Within::SettingType(s) => s.label(),
        }
    }

    /// What the part is, for a list to choose from: "Role group: Early years and childcare".
    pub fn described(self) -> String {
        let kind = match self {
            Within::RoleGroup(_) => "Role group",
            Within::Service(_) => "Service",
            Within::Sector(_) => "Sector",
            Within::SettingType(_) => "Setting type",
        };
        format!("{kind}: {}", self.label())
    }

    pub fn code(self) -> String {
        match self {
            Within::RoleGroup(g) => format!("role_group:{}", g.code()),
            Within::Service(s) => format!("service:{}", s.code()),
            Within::Sector(s) => format!("sector:{}", s.code()),
            Within::SettingType(s) => format!("setting_type:{}", s.code()),
        }
    }

    pub fn parse(text: &str) -> Result<Within, UnknownCode> {
        let unknown = || {
            UnknownCode::new(
                "workforce part",
                text,
                [
                    "role_group:CODE",
                    "service:CODE",
                    "sector:CODE",
                    "setting_type:CODE",
                ],
            )
        };
        let (kind, code) = text.trim().split_once(':').ok_or_else(unknown)?;
        Ok(match kind {
            "role_group" => Within::RoleGroup(RoleGroup::parse(code)?),
            "service" => Within::Service(Service::parse(code)?),
            "sector" => Within::Sector(Sector::parse(code)?),
            "setting_type" => Within::SettingType(SettingType::parse(code)?),
            _ => return Err(unknown()),
        })
    }
}

/// A measure, over the whole workforce of a place or among one part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scoped {
    pub measure: Measure,
    pub within: Option<Within>,
}

impl Scoped {
    pub fn parse(text: &str) -> Result<Scoped, UnknownCode> {
        let (measure, within) = match text.trim().split_once('@') {
            Some((m, w)) => (m, Some(Within::parse(w)?)),
            None => (text, None),
        };
        Ok(Scoped {
            measure: Measure::parse(measure)?,
            within,
        })
    }

    pub fn code(&self) -> String {
        match self.within {
            Some(w) => format!("{}@{}", self.measure.code(), w.code()),
            None => self.measure.code().to_string(),
        }
    }

    pub fn label(&self) -> String {
        match self.within {
            Some(w) => format!("{} – {}", self.measure.label(), w.label()),
            None => self.measure.label().to_string(),
        }
    }
}

/// The figure over the scope's whole workforce or among the part, unprotected (the area's
/// own view); `None` where it is a rate over nothing or the part has no one.
pub fn value(
    snap: &crate::Snapshot,
    scope: &crate::Scope,
    scoped: &Scoped,
    opts: &crate::Options,
) -> Result<Option<f64>, crate::figures::FiguresError> {
    Ok(figure(snap, scope, scoped, opts)?.0)
}

/// The figure as `value` gives it, and the count it rests on (the measure's base: people,
/// posts or settings), for disclosure control outside the area's own view.
pub fn figure(
    snap: &crate::Snapshot,
    scope: &crate::Scope,
    scoped: &Scoped,
    opts: &crate::Options,
) -> Result<(Option<f64>, f64), crate::figures::FiguresError> {
    let dims: Vec<Dimension> = scoped.within.map(|w| w.dimension()).into_iter().collect();
    let groups = crate::compute(snap, scope, &dims, opts)?;
    let mut sums = crate::Sums::default();
    for g in &groups {
        if scoped
            .within
            .is_none_or(|w| g.labels.first().is_some_and(|l| l == w.label()))
        {
            sums.add(&g.sums);
        }
    }
    Ok((
        scoped
            .measure
            .value(&sums, &opts.params)
            .map(|v| crate::measure::round(scoped.measure.kind(), v)),
        scoped.measure.base(&sums),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scoped_measure_reads_and_writes_itself() {
        let s = Scoped::parse("vacancy_rate_fte@role_group:early_years").unwrap();
        assert_eq!(s.measure, Measure::VacancyRateFte);
        assert_eq!(s.within, Some(Within::RoleGroup(RoleGroup::EarlyYears)));
        assert_eq!(s.code(), "vacancy_rate_fte@role_group:early_years");
        assert_eq!(
            s.label(),
            "Vacancy rate (FTE, %) – Early years and childcare"
        );
        assert_eq!(Scoped::parse("male_pct").unwrap().within, None);
        for w in Within::all() {
            assert_eq!(Within::parse(&w.code()), Ok(w));
        }
        let e = Scoped::parse("vacancy_rate_fte@role_group:astronauts").unwrap_err();
        assert!(
            e.to_string()
                .contains("'astronauts' is not a role group code"),
            "{e}"
        );
        assert!(Scoped::parse("vacancy_rate_fte@planet:mars").is_err());
        assert!(Scoped::parse("nonsense").is_err());
    }
}
