//! What part of the workforce a dashboard shows and how its by-area table is ordered: the
//! query string (`?sector=la&role_group=social_workers&sort=vacancy_rate_fte&dir=desc`) turned
//! into a `Filter` and a sort, refusing unknown codes by name.

use cws_analyse::figures::Filter;
use cws_analyse::panels::Panel;
use cws_domain::organisation::{Sector, Service, SettingType};
use cws_domain::role::RoleGroup;
use cws_domain::worker::ContractType;

use crate::WebError;

/// The panel whose rows are areas: the one the table sort applies to.
pub(crate) const BY_AREA: &str = "areas-compared";

/// A dashboard's query string as given.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ViewQuery {
    #[serde(default)]
    sector: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    setting: String,
    #[serde(default)]
    role_group: String,
    #[serde(default)]
    contract: String,
    /// A value column's machine name, or `area`.
    #[serde(default)]
    sort: String,
    /// `asc` or `desc`.
    #[serde(default)]
    dir: String,
}

/// A dashboard's view: its filter, and the by-area table's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct View {
    pub filter: Filter,
    pub sort: String,
    pub descending: bool,
}

fn code<T>(
    value: &str,
    parse: fn(&str) -> Result<T, cws_domain::UnknownCode>,
) -> Result<Option<T>, WebError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    parse(value).map(Some).map_err(|e| {
        WebError::Unprocessable(format!("{e}. Choose from the lists above the charts."))
    })
}

impl TryFrom<ViewQuery> for View {
    type Error = WebError;

    fn try_from(q: ViewQuery) -> Result<View, WebError> {
        let sort = q.sort.trim();
        if !(sort.is_empty()
            || sort == "area"
            || cws_analyse::measure::Measure::parse(sort).is_ok())
        {
            return Err(WebError::Unprocessable(format!(
                "'{sort}' is not a column of the areas table. Select a column heading to sort by it."
            )));
        }
        Ok(View {
            filter: Filter {
                sector: code(&q.sector, Sector::parse)?,
                service: code(&q.service, Service::parse)?,
                setting_type: code(&q.setting, SettingType::parse)?,
                role_group: code(&q.role_group, RoleGroup::parse)?,
                contract: code(&q.contract, ContractType::parse)?,
            },
            sort: sort.to_string(),
            descending: q.dir == "desc",
        })
    }
}

/// One filter on the page: its field, label, and each choice (code, label, chosen).
pub(crate) struct FilterField {
    pub name: &'static str,
    pub label: &'static str,
    pub all: &'static str,
    pub choices: Vec<(&'static str, &'static str, bool)>,
}

fn field<T: Copy + PartialEq>(
    name: &'static str,
    label: &'static str,
    all: &'static str,
    list: &[T],
    chosen: Option<T>,
    code: fn(T) -> &'static str,
    text: fn(T) -> &'static str,
) -> FilterField {
    FilterField {
        name,
        label,
        all,
        choices: list
            .iter()
            .map(|&c| (code(c), text(c), chosen == Some(c)))
            .collect(),
    }
}

impl View {
    /// The filters as the page offers them.
    pub fn fields(&self) -> Vec<FilterField> {
        let f = &self.filter;
        vec![
            field(
                "sector",
                "Sector",
                "All sectors",
                Sector::ALL,
                f.sector,
                Sector::code,
                Sector::label,
            ),
            field(
                "service",
                "Service",
                "All services",
                Service::ALL,
                f.service,
                Service::code,
                Service::label,
            ),
            field(
                "setting",
                "Setting type",
                "All setting types",
                SettingType::ALL,
                f.setting_type,
                SettingType::code,
                SettingType::label,
            ),
            field(
                "role_group",
                "Role group",
                "All role groups",
                RoleGroup::ALL,
                f.role_group,
                RoleGroup::code,
                RoleGroup::label,
            ),
            field(
                "contract",
                "Contract",
                "All contracts",
                ContractType::ALL,
                f.contract,
                ContractType::code,
                ContractType::label,
            ),
        ]
    }

    /// The filter as query pairs.
    fn filter_pairs(&self) -> Vec<(&'static str, &'static str)> {
        let f = &self.filter;
        [
            ("sector", f.sector.map(Sector::code)),
            ("service", f.service.map(Service::code)),
            ("setting", f.setting_type.map(SettingType::code)),
            ("role_group", f.role_group.map(RoleGroup::code)),
            ("contract", f.contract.map(ContractType::code)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }

    /// The filter in a file name: `-la-social_workers`, or nothing.
    pub fn file_part(&self) -> String {
        self.filter_pairs()
            .iter()
            .map(|(_, code)| format!("-{code}"))
            .collect()
    }

    /// `?…` carrying the filter and the sort (empty when there is neither), for links that
    /// keep the view: other topics, downloads.
    pub fn query(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = self.filter_pairs();
        if !self.sort.is_empty() {
            pairs.push(("sort", &self.sort));
            pairs.push(("dir", if self.descending { "desc" } else { "asc" }));
        }
        if pairs.is_empty() {
            return String::new();
        }
        format!(
            "?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }

    /// The address of the view sorted by `column` (the other way if it already is).
    pub fn sorted_by(&self, column: &str) -> String {
        let now = self.sorted_column() == column;
        let dir = match (now, self.descending) {
            (true, false) => "desc",
            (true, true) => "asc",
            // rates read best largest first; names from A
            (false, _) if column == "area" => "asc",
            (false, _) => "desc",
        };
        let mut pairs: Vec<(&str, &str)> = self.filter_pairs();
        pairs.push(("sort", column));
        pairs.push(("dir", dir));
        format!(
            "?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }

    fn sorted_column(&self) -> &str {
        if self.sort.is_empty() {
            "area"
        } else {
            &self.sort
        }
    }

    /// `aria-sort` of a column of the areas table.
    pub fn aria_sort(&self, column: &str) -> &'static str {
        match (self.sorted_column() == column, self.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }

    /// The panel as this view orders it: the areas table sorted, its chart in the same order.
    pub fn arrange(&self, p: &Panel) -> Panel {
        let mut p = p.clone();
        if p.id != BY_AREA || self.sort.is_empty() {
            return p;
        }
        let column = p.table.columns.iter().position(|c| c.name == self.sort);
        p.table.sort_rows(column, self.descending);
        let charted: Vec<usize> = (0..p.table.rows.len())
            .filter(|&r| !p.table.rows[r].labels.iter().any(|l| l == "Total"))
            .collect();
        p.chart_rows = charted;
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(q: &str) -> Result<View, WebError> {
        let q: ViewQuery = serde_urlencoded::from_str(q).unwrap_or_default();
        View::try_from(q)
    }

    #[test]
    fn a_query_becomes_a_filter_and_back() {
        let v =
            view("sector=la&role_group=social_workers&contract=&sort=vacancy_rate_fte&dir=desc")
                .unwrap();
        assert_eq!(v.filter.sector, Some(Sector::StatutoryLa));
        assert_eq!(v.filter.role_group, Some(RoleGroup::SocialWorkers));
        assert_eq!(v.filter.contract, None);
        assert_eq!(
            v.query(),
            "?sector=la&role_group=social_workers&sort=vacancy_rate_fte&dir=desc"
        );
        assert_eq!(v.aria_sort("vacancy_rate_fte"), "descending");
        assert_eq!(
            v.sorted_by("vacancy_rate_fte"),
            "?sector=la&role_group=social_workers&sort=vacancy_rate_fte&dir=asc"
        );
        assert_eq!(view("").unwrap().query(), "");
        assert_eq!(view("").unwrap().aria_sort("area"), "ascending");
    }

    #[test]
    fn unknown_codes_are_refused_by_name() {
        let e = view("sector=nowhere").unwrap_err().to_string();
        assert!(e.contains("nowhere") && e.contains("la"), "{e}");
        let e = view("sort=height").unwrap_err().to_string();
        assert!(e.contains("'height' is not a column"), "{e}");
    }
}
