//! The organisation list of an area: a CSV with one row per employer (the manifest that
//! `cws generate` writes is one). Organisations must be registered before their returns are
//! accepted, so the coverage report knows who has not returned.

use std::path::Path;

use cws_domain::organisation::{OrgRef, Organisation, Sector, Service, SettingType};

use crate::read::{self, header_key};
use crate::report::Message;
use crate::rules;

/// One organisation read from a list, with the area it belongs to when the list says.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedOrganisation {
    pub area: Option<String>,
    pub organisation: Organisation,
    /// The worker file listed beside it (manifests), relative to the list.
    pub file: Option<String>,
}

/// Columns of an organisation list (keys as `header_key` makes them).
pub const ORGANISATION_COLUMNS: &[(&str, bool, &str)] = &[
    (
        "organisation_ref",
        true,
        "the organisation's reference, unique in the area",
    ),
    ("organisation_name", true, "its name"),
    (
        "sector",
        true,
        "la, nhs, school, private, voluntary, independent, self_employed",
    ),
    ("service", true, "the service it provides (see `cws rules`)"),
    ("setting_type", true, "the kind of setting"),
    (
        "disadvantaged_area",
        false,
        "yes if it serves one of the most disadvantaged areas",
    ),
    (
        "parent_ref",
        false,
        "the reference of its parent organisation, if any",
    ),
    (
        "area_code",
        false,
        "the area's GSS code or DfE number (or give --area)",
    ),
];

/// Reads an organisation list. Rows with problems are reported and left out.
pub fn read_list(path: &Path) -> (Vec<ListedOrganisation>, Vec<Message>) {
    let mut messages = Vec::new();
    if let Err(m) = read::check_size(path, read::DEFAULT_MAX_FILE_BYTES) {
        return (Vec::new(), vec![m]);
    }
    let mut table = match read::open_csv(path) {
        Ok(t) => t,
        Err(m) => return (Vec::new(), vec![m]),
    };
    let keys: Vec<String> = table
        .headers
        .iter()
        .map(|h| match header_key(h).as_str() {
            "reference" | "org_ref" => "organisation_ref".to_string(),
            "name" => "organisation_name".to_string(),
            k => k.to_string(),
        })
        .collect();
    let index = |name: &str| keys.iter().position(|k| k == name);
    for (name, required, what) in ORGANISATION_COLUMNS {
        if *required && index(name).is_none() {
            messages.push(
                Message::new(
                    &rules::COLUMN_MISSING,
                    &table.file,
                    format!("The required column '{name}' ({what}) is missing."),
                )
                .row(1)
                .column(name),
            );
        }
    }
    if !messages.is_empty() {
        return (Vec::new(), messages);
    }
    let mut out = Vec::new();
    let file = table.file.clone();
    table.each_row(&mut messages, |row, cells, messages| {
        let get = |name: &str| {
            index(name)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let mut problems = Vec::new();
        let mut bad = |col: &str, value: &str, text: String, rule: &rules::Rule| {
            problems.push(
                Message::new(rule, &file, text)
                    .row(row)
                    .column(col)
                    .value(value),
            )
        };
        let reference = OrgRef::parse(get("organisation_ref"))
            .map_err(|e| {
                bad(
                    "organisation_ref",
                    get("organisation_ref"),
                    e,
                    &rules::REQUIRED_VALUE,
                )
            })
            .ok();
        let name = get("organisation_name").to_string();
        if name.is_empty() {
            bad(
                "organisation_name",
                "",
                "The organisation's name is required.".into(),
                &rules::REQUIRED_VALUE,
            );
        }
        let sector = Sector::parse(get("sector"))
            .map_err(|e| bad("sector", get("sector"), e.to_string(), &rules::CODE_UNKNOWN))
            .ok();
        let service = Service::parse(get("service"))
            .map_err(|e| {
                bad(
                    "service",
                    get("service"),
                    e.to_string(),
                    &rules::CODE_UNKNOWN,
                )
            })
            .ok();
        let setting = SettingType::parse(get("setting_type"))
            .map_err(|e| {
                bad(
                    "setting_type",
                    get("setting_type"),
                    e.to_string(),
                    &rules::CODE_UNKNOWN,
                )
            })
            .ok();
        let parent = Some(get("parent_ref"))
            .filter(|p| !p.is_empty())
            .and_then(|p| OrgRef::parse(p).ok());
        let disadvantaged = matches!(
            get("disadvantaged_area").to_ascii_lowercase().as_str(),
            "yes" | "y" | "true" | "1"
        );
        if let (Some(reference), Some(sector), Some(service), Some(setting), false) =
            (reference, sector, service, setting, name.is_empty())
        {
            out.push(ListedOrganisation {
                area: Some(get("area_code").to_string()).filter(|a| !a.is_empty()),
                organisation: Organisation {
                    reference,
                    name,
                    sector,
                    service,
                    setting,
                    disadvantaged_area: disadvantaged,
                    parent,
                },
                file: Some(get("file").to_string()).filter(|f| !f.is_empty()),
            });
        }
        messages.append(&mut problems);
    });
    (out, messages)
}
