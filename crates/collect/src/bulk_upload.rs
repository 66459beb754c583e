//! The worker file of the adult social care workforce data set (ASC-WDS) bulk upload, for
//! providers (children's homes, for example) that already keep their staff there.
//!
//! Each row is mapped to a row of the cws worker template and then checked by the same rules
//! as every other return. Codes are mapped to cws codes; anything that cannot be mapped is a
//! query (rule B01) saying what was recorded instead, never a silent default. Posts in roles
//! outside the children's workforce (administration, IT, ancillary staff) are not stored, and
//! each is a query so the submitter sees them.

use crate::read::{header_key, Table};
use crate::report::Message;
use crate::rows::{self, ColumnMap, Post, RowContext};
use crate::rules;
use crate::template::WORKER_COLUMNS;

/// Whether a table's headers are a bulk-upload worker file.
pub fn is_worker_file(headers: &[String]) -> bool {
    thread_local! {
        static KNOWN: std::cell::RefCell<std::collections::HashMap<Vec<String>, bool>> =
            Default::default();
    }
    crate::rows::memo(&KNOWN, headers, || is_worker_file_of(headers))
}

fn is_worker_file_of(headers: &[String]) -> bool {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    ["localestid", "uniqueworkerid", "mainjobrole"]
        .iter()
        .all(|k| keys.iter().any(|x| x == k))
}

/// ASC-WDS main job role (BUDI code) to a cws catalogue role.
fn job_role(code: &str) -> Option<&'static str> {
    Some(match code {
        "1" | "2" | "3" | "4" | "43" => "SC-RESI-MGR",
        "5" | "7" | "8" | "42" | "45" | "52" => "SC-RESI",
        "6" => "SC-SW",
        "9" => "SC-FAMSUPPORT",
        "11" => "YW-PA",
        "15" | "17" => "HL-AHP",
        "16" => "HL-CCN",
        "37" | "38" => "HL-SUPPORT",
        "35" | "39" | "40" => "SC-SUPPORT",
        "44" => "MGT-WFD",
        _ => return None,
    })
}

fn ethnicity(code: &str) -> Option<&'static str> {
    Some(match code {
        "31" => "WBRI",
        "32" => "WIRI",
        "33" | "34" => "WOTH",
        "35" => "MWBC",
        "36" => "MWBA",
        "37" => "MWAS",
        "38" => "MOTH",
        "39" => "AIND",
        "40" => "APKN",
        "41" => "ABAN",
        "42" => "CHNE",
        "43" => "AOTH",
        "44" => "BAFR",
        "45" => "BCRB",
        "46" => "BOTH",
        "47" | "98" => "OOTH",
        "99" => "NOBT",
        _ => return None,
    })
}

/// The level in an SCQUAL/NONSCQUAL value (`1;<level>` when held, `2` when none).
fn qual_level(v: &str) -> Option<Option<u8>> {
    let mut parts = v.split(';');
    match parts.next().map(str::trim) {
        Some("1") => parts
            .next()
            .and_then(|l| l.trim().parse::<u8>().ok())
            .filter(|l| *l <= 8)
            .map(Some),
        Some("2") => Some(Some(0)),
        _ => None,
    }
}

/// Reads a bulk-upload worker file into posts and messages.
pub fn read(table: &mut Table, ctx: &RowContext) -> (Vec<Post>, Vec<Message>) {
    let file = table.file.clone();
    let keys: Vec<String> = table.headers.iter().map(|h| header_key(h)).collect();
    let index = |name: &str| keys.iter().position(|k| k == name);
    let headers: Vec<String> = WORKER_COLUMNS.iter().map(|c| c.name.to_string()).collect();
    let (map, _) = ColumnMap::new(
        &Table::from_cells(&file, headers.clone(), Vec::new()),
        WORKER_COLUMNS,
        &[],
    );
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or(0);
    let mut posts = Vec::new();
    let mut messages = Vec::new();
    for required in ["uniqueworkerid", "mainjobrole", "emplstatus"] {
        if index(required).is_none() {
            messages.push(
                Message::new(
                    &rules::COLUMN_MISSING,
                    &file,
                    format!(
                        "The required column '{}' is missing.",
                        required.to_uppercase()
                    ),
                )
                .row(1)
                .column(&required.to_uppercase()),
            );
        }
    }
    if !messages.is_empty() {
        return (posts, messages);
    }
    table.each_row(&mut messages, |row, cells, messages| {
        let v = |name: &str| {
            index(name)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        if v("status").eq_ignore_ascii_case("DELETE") {
            return;
        }
        let organisation = ctx
            .organisation
            .map(str::to_string)
            .unwrap_or_else(|| v("localestid").to_string());
        let mut row_messages = Vec::new();
        let mut unmapped = |column: &str, value: &str, recorded: &str| {
            row_messages.push(
                Message::new(
                    &rules::BULK_CODE_UNMAPPED,
                    &file,
                    format!("'{value}' in {column} has no cws equivalent; recorded as {recorded}."),
                )
                .row(row)
                .column(column)
                .value(value),
            );
        };
        let Some(role) = job_role(v("mainjobrole")) else {
            unmapped(
                "MAINJOBROLE",
                v("mainjobrole"),
                "outside the children's workforce: this post is not stored",
            );
            messages.extend(
                row_messages
                    .into_iter()
                    .map(|m| m.organisation(&organisation)),
            );
            return;
        };
        let sex = match v("gender") {
            "1" => "M",
            "2" => "F",
            "4" => "O",
            "3" | "" => "U",
            other => {
                unmapped("GENDER", other, "not known (U)");
                "U"
            }
        };
        let eth = match ethnicity(v("ethnicity")) {
            Some(e) => e,
            None => {
                unmapped("ETHNICITY", v("ethnicity"), "not obtained (NOBT)");
                "NOBT"
            }
        };
        let disability = match v("disabled") {
            "0" => "no",
            "1" => "yes",
            "2" => "not_disclosed",
            "3" | "" => "unknown",
            other => {
                unmapped("DISABLED", other, "not known");
                "unknown"
            }
        };
        let contract = match v("emplstatus") {
            "1" => "permanent",
            "2" => "fixed_term",
            "3" => "bank",
            "4" => "agency",
            other => {
                unmapped(
                    "EMPLSTATUS",
                    other,
                    "bank or sessional (the nearest cws contract type)",
                );
                "bank"
            }
        };
        // Hours to FTE: 37 hours a week is full time; 999 means not known.
        let hours = [v("conthours"), v("avghours")]
            .into_iter()
            .find_map(|h| h.parse::<f64>().ok().filter(|h| *h > 0.0 && *h < 999.0));
        let fte = hours
            .map(|h| format!("{:.4}", (h / 37.0).min(1.0)))
            .unwrap_or_default();
        let level = match (qual_level(v("scqual")), qual_level(v("nonscqual"))) {
            (None, None) => String::new(),
            (a, b) => match a.flatten().max(b.flatten()) {
                Some(0) => "none".into(),
                Some(l) => l.to_string(),
                None => String::new(),
            },
        };
        let days = v("dayssick");
        let mut t = vec![String::new(); headers.len()];
        let mut set = |name: &str, value: &str| t[col(name)] = value.to_string();
        set("organisation_ref", &organisation);
        set("worker_ref", v("uniqueworkerid"));
        set("role_code", role);
        set("fte", &fte);
        set("contract_type", contract);
        set("start_date", v("startdate"));
        set("birth_year", v("dob"));
        set("sex", sex);
        set("ethnicity", eth);
        set("disability", disability);
        set("highest_qualification_level", &level);
        set("vetting_check", "none");
        set("working_days_lost", if days == "999" { "" } else { days });
        let (post, msgs) = rows::worker_row(&file, row, &t, &map, ctx);
        row_messages.extend(msgs);
        let blocked = row_messages
            .iter()
            .any(|m| m.severity == rules::Severity::Error);
        messages.extend(
            row_messages
                .into_iter()
                .map(|m| m.organisation(&organisation)),
        );
        if let Some(p) = post.filter(|_| !blocked) {
            posts.push(p);
        }
    });
    messages.extend(table.finish());
    (posts, messages)
}
