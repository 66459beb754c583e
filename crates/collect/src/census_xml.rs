//! The DfE children's social work workforce census return (XML, docs/definitions.md §4.1), item sets for
//! the 2021 to 2025 collections.
//!
//! Each `CSWWWorker` is mapped to a row of the cws worker template and checked by the same
//! rules as every other return, after the census's own rules (what a non-agency worker must
//! have). The LA block gives the vacancies. Messages name the XML element and the line.

use std::collections::HashMap;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use cws_domain::collection::StatedAgency;

use crate::report::Message;
use crate::rows::{self, ColumnMap, Post, RowContext, VacancyRow};
use crate::rules;
use crate::template::WORKER_COLUMNS;

/// Worker elements every item set has.
const COMMON: &[&str] = &[
    "AgencyWorker",
    "SWENo",
    "FTE",
    "FTE30",
    "PersonBirthDate",
    "Ethnicity",
    "QualLevel",
    "StepUpGrad",
    "FrontlineGrad",
    "OrgRole",
    "RoleStartDate",
    "StartOrigin",
    "RoleEndDate",
    "LeaverDestination",
    "ReasonLeave",
    "Cases30",
    "WorkingDaysLost",
    "ContractWeeks",
    "Absat30Sept",
    "ReasonAbsence",
];

/// The worker elements of a year's item set beyond `COMMON`, and its LA block's name.
fn item_set(year: i32) -> Option<(&'static [&'static str], &'static str)> {
    Some(match year {
        2021..=2023 => (
            &["GenderCurrent", "QualInst", "CFKSSstatus"],
            "LALevelVacancies",
        ),
        2024 => (&["Sex", "QualInst", "CFKSSstatus"], "LALevelVacancies"),
        2025 => (
            &["Sex", "BaseSalary", "RRPayments", "OtherPayments"],
            "LALevel",
        ),
        _ => return None,
    })
}

/// Which template column each census element feeds, for messages.
const ELEMENT_OF_COLUMN: &[(&str, &str)] = &[
    ("worker_ref", "SWENo"),
    ("role_code", "OrgRole"),
    ("fte", "FTE30"),
    ("start_date", "RoleStartDate"),
    ("leaving_date", "RoleEndDate"),
    ("leaving_reason", "ReasonLeave"),
    ("leaving_destination", "LeaverDestination"),
    ("birth_year", "PersonBirthDate"),
    ("ethnicity", "Ethnicity"),
    ("highest_qualification_level", "QualLevel"),
    ("working_days_lost", "WorkingDaysLost"),
    ("cases_held", "Cases30"),
];

/// What a census file gave.
#[derive(Default)]
pub struct CensusRead {
    /// Worker records read (including ones with problems).
    pub rows: u64,
    pub posts: Vec<Post>,
    pub vacancies: Vec<VacancyRow>,
    pub messages: Vec<Message>,
}

struct Element {
    line: u64,
    values: HashMap<String, String>,
}

struct Parsed {
    header: HashMap<String, String>,
    la_block: Option<(String, Element)>,
    workers: Vec<Element>,
    unknown_top: Vec<(String, u64)>,
}

/// Why a file cannot be read as a census return: the line, the rule and what is wrong.
type Unreadable = (u64, &'static rules::Rule, String);

fn line_of(text: &[u8], pos: usize, cache: &mut (usize, u64)) -> u64 {
    let (from, mut line) = *cache;
    if pos >= from {
        line += text[from..pos.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        *cache = (pos, line);
    }
    line
}

/// Reads the XML into the header's leaves, the LA block and the workers (two levels under
/// the root are all the census uses).
fn parse(text: &[u8]) -> Result<Parsed, Unreadable> {
    let mut reader = Reader::from_reader(text);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut parsed = Parsed {
        header: HashMap::new(),
        la_block: None,
        workers: Vec::new(),
        unknown_top: Vec::new(),
    };
    let mut current: Option<(String, Element)> = None;
    let mut buf = Vec::new();
    let mut lines = (0usize, 1u64);
    let mut text_buf = String::new();
    let mut root_closed = false;
    // open elements and the line each opened on, for a file that ends inside one
    let mut opened: Vec<u64> = Vec::new();
    let incomplete =
        |line: u64, text: String| -> Unreadable { (line, &rules::XML_INCOMPLETE, text) };
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            (
                line_of(text, pos, &mut lines),
                &rules::XML_INCOMPLETE,
                format!("The XML is not well formed: {e}."),
            )
        })?;
        let after_root = match &event {
            Event::Start(_) | Event::Empty(_) | Event::CData(_) | Event::GeneralRef(_) => true,
            Event::Text(t) => !t.as_ref().trim().is_empty(),
            _ => false,
        };
        if root_closed && after_root {
            return Err(incomplete(
                line_of(text, pos, &mut lines),
                "There is content after the return's root element closed: the file holds more than one return, or was joined to another file.".into(),
            ));
        }
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                text_buf.clear();
                let line = line_of(text, pos, &mut lines);
                opened.push(line);
                if path.len() == 1 && matches!(name.as_str(), "LALevelVacancies" | "LALevel") {
                    if let Some((first, el)) = &parsed.la_block {
                        return Err(incomplete(
                            line,
                            format!("The return has a second LA block <{name}>; the first, <{first}>, is on line {}. A return has one.", el.line),
                        ));
                    }
                }
                if path.len() == 1 {
                    match name.as_str() {
                        "Header" => {}
                        "CSWWWorker" | "LALevelVacancies" | "LALevel" => {
                            current = Some((
                                name.clone(),
                                Element {
                                    line,
                                    values: HashMap::new(),
                                },
                            ))
                        }
                        _ => parsed.unknown_top.push((name.clone(), line)),
                    }
                }
                path.push(name);
            }
            Event::Empty(_) => {}
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.borrow().into_inner().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                text_buf.extend(resolved);
            }
            Event::End(_) => {
                if let Some(leaf) = path.last() {
                    let value = text_buf.trim().to_string();
                    if path.get(1).map(String::as_str) == Some("Header") && path.len() >= 3 {
                        let line = opened.last().copied().unwrap_or(0);
                        if parsed.header.insert(leaf.clone(), value).is_some() {
                            return Err(incomplete(
                                line,
                                format!("The header has a second <{leaf}>: a return has one header with one of each."),
                            ));
                        }
                    } else if let Some((_, el)) = current.as_mut().filter(|_| path.len() == 3) {
                        el.values.insert(leaf.clone(), value);
                    }
                }
                text_buf.clear();
                if path.len() == 2 {
                    if let Some((name, el)) = current.take() {
                        if name == "CSWWWorker" {
                            parsed.workers.push(el);
                        } else {
                            parsed.la_block = Some((name, el));
                        }
                    }
                }
                path.pop();
                opened.pop();
                root_closed = path.is_empty();
            }
            Event::Eof => {
                if let (Some(open), Some(line)) = (path.last(), opened.last()) {
                    return Err(incomplete(
                        line_of(text, pos, &mut lines),
                        format!("The file ends inside <{open}> (opened on line {line}), with {} elements still open: it was cut short.", path.len()),
                    ));
                }
                if !root_closed {
                    return Err(incomplete(
                        1,
                        "The file has no root element: it is empty or not a census return.".into(),
                    ));
                }
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(parsed)
}

fn org_role(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "1" => "SC-SW-SM",
        "2" => "SC-SW-MM",
        "3" => "SC-SW-FLM",
        "4" => "SC-SW-SENIOR",
        "5" => "SC-SW",
        "6" => "SC-SW-NOCASE",
        _ => return None,
    })
}

/// Reads a census XML file for the area whose DfE number is `la_code`.
/// An `xs:decimal` as the item set types it: an optional sign, digits and at most one point;
/// no exponent, no `NaN` or `INF`.
fn xs_decimal(raw: &str) -> Option<f64> {
    let digits = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    let well_formed = digits.chars().any(|c| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1;
    well_formed.then(|| raw.parse().ok()).flatten()
}

/// An `xs:date` as the item set types it: `YYYY-MM-DD`, a real date.
fn xs_date(raw: &str) -> bool {
    raw.len() == 10 && chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").is_ok()
}

/// Worker elements the item set types as dates, decimals and whole numbers.
const DATE_ELEMENTS: &[&str] = &["PersonBirthDate", "RoleStartDate", "RoleEndDate"];
const DECIMAL_ELEMENTS: &[&str] = &[
    "FTE",
    "FTE30",
    "WorkingDaysLost",
    "ContractWeeks",
    "BaseSalary",
    "RRPayments",
    "OtherPayments",
];
const INTEGER_ELEMENTS: &[&str] = &["Cases30"];

/// Messages for worker values that do not match the item set's types: DfE's collection
/// refuses them, so cws does too, naming the element, line and value.
fn typed_value_messages(
    values: &HashMap<String, String>,
    line: u64,
    err: &dyn Fn(&rules::Rule, String) -> Message,
) -> Vec<Message> {
    let mut out = Vec::new();
    let mut elements: Vec<(&String, &String)> = values.iter().collect();
    elements.sort();
    for (k, raw) in elements {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let problem = if DATE_ELEMENTS.contains(&k.as_str()) && !xs_date(raw) {
            Some((
                &rules::DATE_INVALID,
                "a date written YYYY-MM-DD (xs:date), for example 1980-05-05",
            ))
        } else if DECIMAL_ELEMENTS.contains(&k.as_str()) && xs_decimal(raw).is_none() {
            Some((&rules::NUMBER_INVALID, "a decimal number written with digits and at most one point (xs:decimal), for example 0.5"))
        } else if INTEGER_ELEMENTS.contains(&k.as_str())
            && !(raw.chars().all(|c| c.is_ascii_digit()))
        {
            Some((
                &rules::NUMBER_INVALID,
                "a whole number of 0 or more (xs:integer), for example 12",
            ))
        } else {
            None
        };
        if let Some((rule, wanted)) = problem {
            out.push(
                err(
                    rule,
                    format!("<{k}> is '{raw}': the census item set takes {wanted}."),
                )
                .row(line)
                .column(k)
                .value(raw),
            );
        }
    }
    out
}

pub fn read(path: &Path, la_code: &str, ctx: &RowContext) -> CensusRead {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = CensusRead::default();
    let err = |rule: &rules::Rule, text: String| Message::new(rule, &file, text);
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) => {
            out.messages.push(err(
                &rules::FILE_UNREADABLE,
                format!("The file could not be read: {e}."),
            ));
            return out;
        }
    };
    let parsed = match parse(&text) {
        Ok(p) => p,
        Err((line, rule, m)) => {
            out.messages.push(err(rule, m).row(line));
            return out;
        }
    };
    let Some(organisation) = ctx.organisation else {
        out.messages.push(err(&rules::ORG_MISMATCH, "A census XML return needs the organisation it is for: give --org with the reference of the council's children's social care organisation.".into()));
        return out;
    };
    // Header: the collection, its year and the LA.
    let h = |k: &str| parsed.header.get(k).map(String::as_str).unwrap_or("");
    if h("Collection") != "CSWW" {
        out.messages.push(err(&rules::XML_ITEM_SET, format!("The header's Collection is '{}', not CSWW: this is not a children's social work workforce census return.", h("Collection"))).column("Collection").value(h("Collection")));
        return out;
    }
    let year: i32 = h("Year").parse().unwrap_or(0);
    let Some((extra, la_block_name)) = item_set(year) else {
        out.messages.push(err(&rules::XML_ITEM_SET, format!("The header's Year is '{}'; cws reads the item sets of the 2021 to 2025 collections.", h("Year"))).column("Year").value(h("Year")));
        return out;
    };
    if h("LEA") != la_code {
        out.messages.push(
            err(
                &rules::XML_WRONG_AREA,
                format!(
                    "The header's LA code is '{}' but the return is for {} (LA {la_code}).",
                    h("LEA"),
                    ctx.area_code
                ),
            )
            .column("LEA")
            .value(h("LEA")),
        );
        return out;
    }
    if !xs_date(h("ReferenceDate")) {
        out.messages.push(
            err(
                &rules::XML_ITEM_SET,
                format!(
                    "The header's ReferenceDate is '{}': it must be the census date written YYYY-MM-DD ({}).",
                    h("ReferenceDate"),
                    ctx.census
                ),
            )
            .column("ReferenceDate")
            .value(h("ReferenceDate")),
        );
        return out;
    }
    if let Some(d) = rows::parse_date(h("ReferenceDate")) {
        if d != ctx.census {
            out.messages.push(
                err(
                    &rules::XML_ITEM_SET,
                    format!(
                        "The header's ReferenceDate is {d} but the collection's census date is {}.",
                        ctx.census
                    ),
                )
                .column("ReferenceDate")
                .value(h("ReferenceDate")),
            );
            return out;
        }
    }
    for (name, line) in &parsed.unknown_top {
        out.messages.push(
            err(
                &rules::XML_ITEM_SET,
                format!("<{name}> is not part of the {year} item set."),
            )
            .row(*line)
            .column(name),
        );
    }
    // The LA block: vacancies, and the agency workers at the census date, which stand for the
    // agency records in the agency figures (docs/definitions.md §4.1).
    match &parsed.la_block {
        Some((name, el)) if name == la_block_name => {
            let mut decimal = |k: &str| -> Option<f64> {
                let raw = el
                    .values
                    .get(k)
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())?;
                match xs_decimal(raw) {
                    Some(v) if v >= 0.0 => Some(v),
                    _ => {
                        out.messages.push(
                            err(
                                &rules::NUMBER_INVALID,
                                format!("<{k}> in <{name}> is '{raw}': the item set takes a decimal number of 0 or more, written with digits and at most one point (for example 3.5)."),
                            )
                            .row(el.line)
                            .column(k)
                            .value(raw)
                            .organisation(organisation),
                        );
                        None
                    }
                }
            };
            let vacancies = decimal("NumberOfVacancies");
            let stated_agency = StatedAgency {
                fte: decimal("NoAgencyFTE"),
                headcount: decimal("NoAgencyHeadcount"),
            };
            let present = |k: &str| el.values.get(k).is_some_and(|v| !v.trim().is_empty());
            if !present("NumberOfVacancies") {
                out.messages.push(err(&rules::REQUIRED_VALUE, format!("<{name}> needs NumberOfVacancies (FTE vacancies at the census date, 0 if none).")).row(el.line).column("NumberOfVacancies").organisation(organisation));
            }
            let fte = vacancies.unwrap_or(0.0);
            if fte > 0.0 || stated_agency.is_stated() {
                out.vacancies.push(VacancyRow {
                    organisation: organisation.to_string(),
                    file: file.clone(),
                    row: el.line,
                    vacancy: cws_domain::collection::Vacancy {
                        role: cws_domain::role::RoleCode::parse("SC-SW")
                            .unwrap_or_else(|_| unreachable!("a valid code")),
                        fte,
                        // Agency workers at the census date are taken to cover vacancies first.
                        agency_covered_fte: stated_agency.fte.unwrap_or(0.0).min(fte),
                        stated_agency,
                    },
                });
            }
        }
        Some((name, el)) => out.messages.push(
            err(
                &rules::XML_ITEM_SET,
                format!("The {year} item set's LA block is <{la_block_name}>, not <{name}>."),
            )
            .row(el.line)
            .column(name),
        ),
        None => out.messages.push(err(
            &rules::XML_ITEM_SET,
            format!("The return has no <{la_block_name}> block (vacancies and agency workers)."),
        )),
    }
    // Workers: census rules first, then the template's rules on the mapped row.
    let headers: Vec<String> = WORKER_COLUMNS.iter().map(|c| c.name.to_string()).collect();
    let table_headers = crate::read::Table::from_cells(&file, headers.clone(), Vec::new());
    let (map, _) = ColumnMap::new(&table_headers, WORKER_COLUMNS, &[]);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or(0);
    for (i, w) in parsed.workers.iter().enumerate() {
        // Values of the wrong type are reported once, here, and read as not given.
        let mut row_messages = typed_value_messages(&w.values, w.line, &err);
        let mistyped: Vec<String> = row_messages
            .iter()
            .filter_map(|m| m.column.clone())
            .collect();
        let v = |k: &str| {
            if mistyped.iter().any(|m| m == k) {
                ""
            } else {
                w.values.get(k).map(String::as_str).unwrap_or("")
            }
        };
        for k in w.values.keys() {
            if !COMMON.contains(&k.as_str()) && !extra.contains(&k.as_str()) {
                row_messages.push(
                    err(
                        &rules::XML_ITEM_SET,
                        format!("<{k}> is not part of the {year} item set."),
                    )
                    .row(w.line)
                    .column(k)
                    .value(v(k)),
                );
            }
        }
        let agency = v("AgencyWorker") == "1";
        let leaving = !v("RoleEndDate").is_empty();
        let sex_element = if year >= 2024 { "Sex" } else { "GenderCurrent" };
        if !agency {
            let mut required = vec![
                "PersonBirthDate",
                sex_element,
                "Ethnicity",
                "QualLevel",
                "OrgRole",
                "RoleStartDate",
                "StartOrigin",
                "WorkingDaysLost",
            ];
            if !leaving {
                required.push("FTE30");
            }
            for k in required {
                if v(k).is_empty() && !mistyped.iter().any(|m| m == k) {
                    row_messages.push(
                        err(
                            &rules::REQUIRED_VALUE,
                            format!("<{k}> is required for a worker who is not agency staff."),
                        )
                        .row(w.line)
                        .column(k),
                    );
                }
            }
        }
        let sex = match (year >= 2024, v(sex_element)) {
            (true, s) if s.eq_ignore_ascii_case("M") || s.eq_ignore_ascii_case("F") => {
                s.to_ascii_uppercase()
            }
            (false, "1") => "M".into(),
            (false, "2") => "F".into(),
            (_, "") | (false, "0" | "9") => "U".into(),
            (_, other) => {
                row_messages.push(
                    err(
                        &rules::CODE_UNKNOWN,
                        format!(
                            "'{other}' is not a {sex_element} code ({}).",
                            if year >= 2024 {
                                "M or F"
                            } else {
                                "0, 1, 2 or 9"
                            }
                        ),
                    )
                    .row(w.line)
                    .column(sex_element)
                    .value(other),
                );
                "U".into()
            }
        };
        let role = match org_role(v("OrgRole")) {
            Some(r) => r.to_string(),
            None if agency && v("OrgRole").is_empty() => "SC-SW".to_string(),
            None => {
                if !v("OrgRole").is_empty() {
                    row_messages.push(err(&rules::CODE_UNKNOWN, format!("'{}' is not an OrgRole code (1 senior manager to 6 qualified without cases).", v("OrgRole"))).row(w.line).column("OrgRole").value(v("OrgRole")));
                }
                String::new()
            }
        };
        let (qual_level, mut quals) = match v("QualLevel") {
            "1" => ("6", vec!["SWDEG"]),
            "2" => ("7", vec!["SWPG"]),
            _ => ("", vec![]),
        };
        if v("StepUpGrad") == "1" {
            quals.push("STEPUP");
        }
        if v("FrontlineGrad") == "1" {
            quals.push("FRONTLINE");
        }
        let fte = if leaving && !v("FTE").is_empty() {
            v("FTE")
        } else if !v("FTE30").is_empty() {
            v("FTE30")
        } else {
            v("FTE")
        };
        let worker_ref = if v("SWENo").is_empty() {
            format!("agency-line-{}", w.line)
        } else {
            v("SWENo").to_string()
        };
        let mut cells = vec![String::new(); headers.len()];
        let mut set = |name: &str, value: String| cells[col(name)] = value;
        set("organisation_ref", organisation.to_string());
        set("worker_ref", worker_ref);
        set("role_code", role);
        // A leaver's FTE of 0 (some exports write it) is recorded as not given; any other
        // value goes to the template's rules, which refuse one out of range.
        let leaver_without_fte = leaving && xs_decimal(fte) == Some(0.0);
        set(
            "fte",
            if leaver_without_fte {
                String::new()
            } else {
                fte.to_string()
            },
        );
        set(
            "contract_type",
            if agency { "agency" } else { "permanent" }.into(),
        );
        set("start_date", v("RoleStartDate").into());
        set("leaving_date", v("RoleEndDate").into());
        set("leaving_reason", v("ReasonLeave").into());
        set("leaving_destination", v("LeaverDestination").into());
        set("birth_year", v("PersonBirthDate").into());
        set("sex", sex);
        set(
            "ethnicity",
            if v("Ethnicity").is_empty() {
                "NOBT".into()
            } else {
                v("Ethnicity").into()
            },
        );
        set("disability", "unknown".into());
        set("highest_qualification_level", qual_level.into());
        set("qualifications", quals.join(";"));
        set("vetting_check", "none".into());
        set("working_days_lost", v("WorkingDaysLost").into());
        set("cases_held", v("Cases30").into());
        let (post, messages) = rows::worker_row(&file, w.line, &cells, &map, ctx);
        // Name the census element, not the template column, in messages.
        for mut m in messages {
            if let Some(c) = &m.column {
                if let Some((_, el)) = ELEMENT_OF_COLUMN.iter().find(|(t, _)| t == c) {
                    m.column = Some(el.to_string());
                }
            }
            row_messages.push(m);
        }
        let blocked = row_messages
            .iter()
            .any(|m| m.severity == rules::Severity::Error);
        out.messages.extend(
            row_messages
                .into_iter()
                .map(|m| m.organisation(organisation)),
        );
        if let Some(p) = post.filter(|_| !blocked) {
            out.posts.push(p);
        }
        let _ = i;
    }
    out.rows = parsed.workers.len() as u64;
    if parsed.workers.is_empty() {
        out.messages.push(err(
            &rules::FILE_EMPTY,
            "The return has no <CSWWWorker> records.".into(),
        ));
    }
    out
}
