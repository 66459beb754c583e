//! What drives each role group's need (docs/definitions.md §7.2): a published series per area
//! (children, children in need, EHC plans, …) and the ratio that turns it into FTE — the base
//! year's own, or a standard such as a caseload or a staff:child ratio. Which driver drives
//! which role group is a mapping (`data/cws/demand_drivers.csv`) an area can edit.

use crate::role::RoleGroup;

code_enum!(
    /// A published series that need follows.
    Driver, "demand driver" {
        Children => ("children", "Children aged 0 to 17"),
        ChildrenInNeed => ("children_in_need", "Children in need"),
        ProtectionPlans => ("child_protection_plans", "Children on child protection plans"),
        LookedAfter => ("looked_after", "Children looked after"),
        FosterPlacements => ("foster_placements", "Children looked after in foster placements"),
        EhcPlans => ("ehc_plans", "Education, health and care plans"),
        FundedTwos => ("funded_2_year_olds", "2-year-olds in funded early education"),
        FundedThreeFours => ("funded_3_4_year_olds", "3- and 4-year-olds in funded early education"),
        FundedEarlyEducation => ("funded_early_education", "2-, 3- and 4-year-olds in funded early education"),
    }
);

/// How a driver becomes FTE.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "units_per_fte", rename_all = "snake_case")]
pub enum Ratio {
    /// The base year's: the role group's need then (in post, agency and vacancies) per unit
    /// of the driver then.
    Base,
    /// A standard: how many of the driver's units one FTE serves (a caseload of 18 children
    /// in need, 5 two-year-olds to an adult).
    Standard(f64),
}

impl Ratio {
    /// `base` or a positive number of units per FTE, as written in the mapping.
    pub fn parse(s: &str) -> Result<Ratio, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("base") {
            return Ok(Ratio::Base);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 && v <= 10_000.0 => Ok(Ratio::Standard(v)),
            _ => Err(format!(
                "'{s}' is neither 'base' nor a number of the driver's units one FTE serves (more than 0, at most 10000)"
            )),
        }
    }

    pub fn describe(self) -> String {
        match self {
            Ratio::Base => "the base year's".to_string(),
            Ratio::Standard(v) => format!("{v} to one FTE (a standard)"),
        }
    }
}

/// One line of the mapping: role group `group`'s need follows `driver` at `ratio`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DriverLink {
    pub group: RoleGroup,
    pub driver: Driver,
    pub ratio: Ratio,
}

/// Every role group's drivers. A group follows one driver at the base year's ratio, or one
/// or more at standards (their FTE added up); a group the mapping leaves out follows the
/// children aged 0 to 17.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DriverMap(Vec<DriverLink>);

impl DriverMap {
    /// The mapping, or why it cannot be used: `(line, message)` with the line's position
    /// among `links` from 0.
    pub fn new(links: Vec<DriverLink>) -> Result<DriverMap, (usize, String)> {
        for (i, link) in links.iter().enumerate() {
            let earlier: Vec<&DriverLink> = links[..i]
                .iter()
                .filter(|l| l.group == link.group)
                .collect();
            if earlier.iter().any(|l| l.driver == link.driver) {
                return Err((
                    i,
                    format!(
                        "{} already follows {}: give each driver once per role group",
                        link.group.code(),
                        link.driver.code()
                    ),
                ));
            }
            let base_mixed = !earlier.is_empty()
                && (link.ratio == Ratio::Base || earlier.iter().any(|l| l.ratio == Ratio::Base));
            if base_mixed {
                return Err((
                    i,
                    format!(
                        "{} has more than one driver and one of them is 'base': a group follows one driver at the base year's ratio, or several at standards",
                        link.group.code()
                    ),
                ));
            }
        }
        Ok(DriverMap(links))
    }

    /// Role group `group`'s drivers (the children aged 0 to 17 at the base year's ratio
    /// where the mapping leaves it out).
    pub fn of(&self, group: RoleGroup) -> Vec<DriverLink> {
        let mine: Vec<DriverLink> = self
            .0
            .iter()
            .copied()
            .filter(|l| l.group == group)
            .collect();
        if mine.is_empty() {
            vec![DriverLink {
                group,
                driver: Driver::Children,
                ratio: Ratio::Base,
            }]
        } else {
            mine
        }
    }

    pub fn links(&self) -> &[DriverLink] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(group: RoleGroup, driver: Driver, ratio: Ratio) -> DriverLink {
        DriverLink {
            group,
            driver,
            ratio,
        }
    }

    #[test]
    fn ratios_are_base_or_a_positive_standard() {
        assert_eq!(Ratio::parse(" Base "), Ok(Ratio::Base));
        assert_eq!(Ratio::parse("18"), Ok(Ratio::Standard(18.0)));
        for bad in ["0", "-3", "many", "NaN", "inf", "20000"] {
            let e = Ratio::parse(bad).unwrap_err();
            assert!(e.contains(&format!("'{bad}'")) && e.contains("base"), "{e}");
        }
    }

    #[test]
    fn a_group_follows_one_base_driver_or_several_standards() {
        use Driver as D;
        use RoleGroup as G;
        let map = DriverMap::new(vec![
            link(G::SocialWorkers, D::ChildrenInNeed, Ratio::Base),
            link(G::EarlyYears, D::FundedTwos, Ratio::Standard(5.0)),
            link(G::EarlyYears, D::FundedThreeFours, Ratio::Standard(8.0)),
        ])
        .unwrap();
        assert_eq!(map.of(G::EarlyYears).len(), 2);
        assert_eq!(map.of(G::Health)[0].driver, D::Children);
        let (line, e) = DriverMap::new(vec![
            link(G::EarlyYears, D::FundedTwos, Ratio::Standard(5.0)),
            link(G::EarlyYears, D::FundedThreeFours, Ratio::Base),
        ])
        .unwrap_err();
        assert_eq!(line, 1);
        assert!(e.contains("early_years") && e.contains("'base'"), "{e}");
        let (line, e) = DriverMap::new(vec![
            link(G::Youth, D::Children, Ratio::Standard(100.0)),
            link(G::Youth, D::Children, Ratio::Standard(90.0)),
        ])
        .unwrap_err();
        assert_eq!(line, 1);
        assert!(e.contains("already follows children"), "{e}");
    }
}
