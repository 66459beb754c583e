//! The cws role catalogue, from `data/cws/roles.csv`.

use cws_domain::role::{CoreWider, IqfRange, Role, RoleCode, RoleGroup};
use cws_domain::worker::QualLevel;

use crate::files::ROLES;
use crate::{bad, field, ReferenceError, Table};

pub fn roles() -> Result<Vec<Role>, ReferenceError> {
    let t = Table::read(ROLES.name, ROLES.text)?;
    let c = |n: &str| t.column(n);
    let cols = [
        c("code")?,
        c("title")?,
        c("footprint")?,
        c("core_wider")?,
        c("role_group")?,
        c("iqf_range")?,
        c("min_qual_level")?,
        c("min_qual_rule")?,
        c("regulator")?,
        c("case_holding")?,
    ];
    t.rows()
        .map(|(row, r)| {
            let f = |i: usize| field(r, cols[i]);
            let e = |col: &str, m: String| bad(&t.file, row, col, m);
            Ok(Role {
                code: RoleCode::parse(f(0)).map_err(|m| e("code", m))?,
                title: f(1).to_string(),
                footprint: f(2).to_string(),
                core_wider: CoreWider::parse(f(3)).map_err(|m| e("core_wider", m.to_string()))?,
                group: RoleGroup::parse(f(4)).map_err(|m| e("role_group", m.to_string()))?,
                iqf_range: IqfRange::parse(f(5)).map_err(|m| e("iqf_range", m.to_string()))?,
                min_qual_level: f(6)
                    .parse::<u8>()
                    .ok()
                    .and_then(QualLevel::from_number)
                    .ok_or_else(|| e("min_qual_level", format!("'{}' is not a level 0-8", f(6))))?,
                min_qual_rule: f(7).to_string(),
                regulator: Some(f(8).to_string()).filter(|s| !s.is_empty()),
                case_holding: f(9)
                    .parse::<bool>()
                    .map_err(|_| e("case_holding", format!("'{}' is not true/false", f(9))))?,
            })
        })
        .collect()
}
