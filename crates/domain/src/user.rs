//! Users, their role and the scope they may see (docs/definitions.md §1, §11).

code_enum!(
    UserRole, "user role" {
        EmployerSubmitter => ("employer", "Employer submitter"),
        AreaLead => ("area_lead", "Area workforce lead"),
        BoardViewer => ("board", "Board member or partner viewer"),
        RegionalAnalyst => ("regional", "Regional analyst"),
        NationalAnalyst => ("national", "National analyst"),
        Administrator => ("admin", "Administrator"),
        Practitioner => ("practitioner", "Practitioner"),
    }
);

impl UserRole {
    /// Whether the role must sign in with a second factor: administrators, who can do
    /// anything, and area leads, who see worker-level data across their area's employers.
    /// Others may choose one.
    pub fn must_have_second_factor(self) -> bool {
        matches!(self, UserRole::Administrator | UserRole::AreaLead)
    }
}

/// What a user may see. Each role goes with exactly one kind of scope, so a board viewer
/// can never be given worker-level access to a region, for example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Organisation { area: String, org: String },
    Area { area: String },
    Region { region: String },
    National,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {role} must have a scope of kind '{expected}'")]
pub struct ScopeMismatch {
    pub role: &'static str,
    pub expected: &'static str,
}

/// A role with a scope that fits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    role: UserRole,
    scope: Scope,
}

impl Access {
    pub fn new(role: UserRole, scope: Scope) -> Result<Self, ScopeMismatch> {
        let expected = match role {
            UserRole::EmployerSubmitter | UserRole::Practitioner => "organisation",
            UserRole::AreaLead | UserRole::BoardViewer => "area",
            UserRole::RegionalAnalyst => "region",
            UserRole::NationalAnalyst | UserRole::Administrator => "national",
        };
        let actual = match scope {
            Scope::Organisation { .. } => "organisation",
            Scope::Area { .. } => "area",
            Scope::Region { .. } => "region",
            Scope::National => "national",
        };
        if expected == actual {
            Ok(Access { role, scope })
        } else {
            Err(ScopeMismatch {
                role: role.label(),
                expected,
            })
        }
    }
    pub fn role(&self) -> UserRole {
        self.role
    }
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
    /// Whether this access may see worker-level (personal) data of `area`.
    pub fn sees_workers_of_area(&self, area: &str) -> bool {
        match (&self.scope, self.role) {
            (Scope::Area { area: a }, UserRole::AreaLead) => a == area,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_must_fit_role() {
        assert!(Access::new(UserRole::AreaLead, Scope::Area { area: "318".into() }).is_ok());
        assert!(Access::new(UserRole::BoardViewer, Scope::National).is_err());
        assert!(Access::new(UserRole::Administrator, Scope::National).is_ok());
    }

    #[test]
    fn only_area_leads_see_workers_and_only_in_their_area() {
        let lead = Access::new(UserRole::AreaLead, Scope::Area { area: "318".into() }).unwrap();
        assert!(lead.sees_workers_of_area("318"));
        assert!(!lead.sees_workers_of_area("314"));
        let board = Access::new(UserRole::BoardViewer, Scope::Area { area: "318".into() }).unwrap();
        assert!(!board.sees_workers_of_area("318"));
        let admin = Access::new(UserRole::Administrator, Scope::National).unwrap();
        assert!(!admin.sees_workers_of_area("318"));
    }
}

/// Whether `text` is a well-formed e-mail address (the common form: `local@domain.tld`, the
/// local part of letters, digits and `.!#$%&'*+/=?^_`{|}~-`, the domain of labels of letters,
/// digits and hyphens). Only such addresses are invited, stored or written to the audit log.
pub fn is_email_address(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    text.len() <= 254 && local_ok && domain_ok
}

#[cfg(test)]
mod email_tests {
    use super::is_email_address;

    #[test]
    fn only_well_formed_addresses_pass() {
        for good in ["lead@richmond.gov.uk", "a.b+c@example.org", "x@b-c.example"] {
            assert!(is_email_address(good), "{good}");
        }
        for bad in [
            "",
            "no-at-sign",
            "@example.org",
            "a@b",
            "a@@example.org",
            "=HYPERLINK(\"http://x\",\"y\")@example.org",
            "a b@example.org",
            "a@exa mple.org",
            "a@-x.org",
            "a..b@example.org",
            "a@example.org\r\nX: y",
        ] {
            assert!(!is_email_address(bad), "{bad}");
        }
    }
}
