//! Turning rows of the cws template (worker and vacancy files) into domain records, with a
//! message for everything wrong. Columns are found by header name (with common aliases), in
//! any order; unknown columns are ignored with a notice.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use cws_domain::collection::Vacancy;
use cws_domain::role::{Role, RoleCode};
use cws_domain::worker::*;
use cws_domain::UnknownCode;

use crate::pseudonymise::Pseudonymiser;
use crate::read::{header_key, Table};
use crate::report::Message;
use crate::rules::{self, Rule};
use crate::template::{Column, VACANCY_COLUMNS, WORKER_COLUMNS};

/// Other names people give the template's columns (keys as `header_key` makes them).
const ALIASES: &[(&str, &[&str])] = &[
    (
        "organisation_ref",
        &[
            "org_ref",
            "organisation",
            "organisation_reference",
            "employer_ref",
            "org",
        ],
    ),
    (
        "worker_ref",
        &[
            "worker_reference",
            "staff_ref",
            "staff_number",
            "employee_ref",
            "payroll_number",
            "person_ref",
        ],
    ),
    ("role_code", &["role", "catalogue_role"]),
    ("fte", &["fte_contracted", "contracted_fte"]),
    ("contract_type", &["contract"]),
    ("start_date", &["role_start_date", "start"]),
    (
        "leaving_date",
        &["role_end_date", "end_date", "leave_date", "date_left"],
    ),
    (
        "leaving_reason",
        &["reason_for_leaving", "reason_leave", "leave_reason"],
    ),
    (
        "leaving_destination",
        &["leaver_destination", "destination"],
    ),
    (
        "birth_year",
        &["year_of_birth", "date_of_birth", "birth_date", "dob"],
    ),
    ("sex", &["gender"]),
    (
        "highest_qualification_level",
        &["qualification_level", "qual_level"],
    ),
    ("working_days_lost", &["days_lost", "sickness_days"]),
    ("cases_held", &["cases"]),
    ("vetting_check", &["dbs_check", "vetting"]),
    ("vetting_date", &["dbs_date", "dbs_check_date"]),
    ("vacancy_fte", &["vacancies_fte", "vacant_fte"]),
    (
        "agency_covered_fte",
        &["agency_cover_fte", "agency_fte_covering"],
    ),
];

/// What a file holds, from its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Workers,
    Vacancies,
}

fn canonical(key: &str) -> &str {
    for (name, aliases) in ALIASES {
        if *name == key || aliases.contains(&key) {
            return name;
        }
    }
    key
}

/// Which kind of template table these headers are, if any.
pub fn table_kind(headers: &[String]) -> Option<TableKind> {
    thread_local! {
        static KNOWN: RefCell<HashMap<Vec<String>, Option<TableKind>>> = RefCell::default();
    }
    memo(&KNOWN, headers, || table_kind_of(headers))
}

/// A fact about a header row, worked out once per distinct header row on each thread: the
/// files of a bulk import (115,000 of them nationally) nearly all share one header.
pub(crate) fn memo<V: Clone>(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<Vec<String>, V>>>,
    headers: &[String],
    work_out: impl FnOnce() -> V,
) -> V {
    if let Some(v) = cache.with_borrow(|c| c.get(headers).cloned()) {
        return v;
    }
    let v = work_out();
    cache.with_borrow_mut(|c| {
        // a server meets many kinds of header over time: keep the cache small
        if c.len() >= 64 {
            c.clear();
        }
        c.insert(headers.to_vec(), v.clone());
    });
    v
}

fn table_kind_of(headers: &[String]) -> Option<TableKind> {
    let keys: Vec<String> = headers
        .iter()
        .map(|h| canonical(&header_key(h)).to_string())
        .collect();
    let has = |k: &str| keys.iter().any(|x| x == k);
    if has("vacancy_fte") {
        Some(TableKind::Vacancies)
    } else if has("worker_ref") || (has("role_code") && has("contract_type")) {
        Some(TableKind::Workers)
    } else {
        None
    }
}

/// Column positions by template name.
#[derive(Clone)]
pub struct ColumnMap {
    index: Arc<rustc_hash::FxHashMap<&'static str, usize>>,
}

impl ColumnMap {
    /// Maps the table's headers to `columns`. Missing required columns and duplicated ones are
    /// errors; unknown ones are notices. `optional_required` names required columns that may
    /// be missing because the caller supplies them (the organisation, given on the command line).
    pub fn new(
        table: &Table,
        columns: &'static [Column],
        optional_required: &[&str],
    ) -> (ColumnMap, Vec<Message>) {
        type Mapped = (ColumnMap, Vec<Message>);
        thread_local! {
            static KNOWN: RefCell<HashMap<Vec<String>, Mapped>> = RefCell::default();
        }
        // the same headers mapped for other columns or other givens are another entry
        let mut key = table.headers.clone();
        key.push(format!("\u{0}{:p}", columns.as_ptr()));
        key.extend(optional_required.iter().map(|o| format!("\u{0}{o}")));
        let (map, mut messages) = memo(&KNOWN, &key, || {
            ColumnMap::work_out(&table.headers, columns, optional_required)
        });
        for m in &mut messages {
            m.file.clone_from(&table.file);
        }
        (map, messages)
    }

    /// `new` for headers not met before (messages without their file name).
    fn work_out(
        headers: &[String],
        columns: &'static [Column],
        optional_required: &[&str],
    ) -> (ColumnMap, Vec<Message>) {
        let mut index = rustc_hash::FxHashMap::default();
        let mut messages = Vec::new();
        let file = "";
        for (i, h) in headers.iter().enumerate() {
            let key = header_key(h);
            if key.is_empty() {
                continue;
            }
            let key = canonical(&key);
            match columns.iter().find(|c| c.name == key) {
                Some(c) => {
                    if index.insert(c.name, i).is_some() {
                        messages.push(
                            Message::new(
                                &rules::COLUMN_DUPLICATED,
                                file,
                                format!("The column '{}' appears more than once.", c.name),
                            )
                            .row(1)
                            .column(h),
                        );
                    }
                }
                None => messages.push(
                    Message::new(
                        &rules::COLUMN_UNKNOWN,
                        file,
                        format!("The column '{h}' is not in the template and was ignored."),
                    )
                    .row(1)
                    .column(h),
                ),
            }
        }
        for c in columns.iter().filter(|c| c.required) {
            if !index.contains_key(c.name) && !optional_required.contains(&c.name) {
                messages.push(
                    Message::new(
                        &rules::COLUMN_MISSING,
                        file,
                        format!(
                            "The required column '{}' is missing ({}).",
                            c.name, c.format
                        ),
                    )
                    .row(1)
                    .column(c.name),
                );
            }
        }
        (
            ColumnMap {
                index: Arc::new(index),
            },
            messages,
        )
    }

    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }
}

/// What row parsing needs to know.
pub struct RowContext<'a> {
    pub census: NaiveDate,
    /// Today, for "not in the future" rules.
    pub today: NaiveDate,
    pub roles: &'a HashMap<String, Role>,
    pub pseudo: &'a Pseudonymiser,
    pub area_code: &'a str,
    /// The organisation every row must be for, when given on the command line.
    pub organisation: Option<&'a str>,
}

/// One post read from a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub organisation: String,
    pub file: String,
    pub row: u64,
    /// The worker reference as the row gives it, for messages to the sender only: never
    /// stored (the record holds the keyed person).
    pub worker_ref: String,
    pub record: WorkerRecord,
}

/// One vacancy read from a row.
#[derive(Debug, Clone, PartialEq)]
pub struct VacancyRow {
    pub organisation: String,
    pub file: String,
    pub row: u64,
    pub vacancy: Vacancy,
}

/// Reads one row's cells by template column, collecting messages.
struct Cells<'r> {
    file: &'r str,
    row: u64,
    cells: &'r [String],
    map: &'r ColumnMap,
    messages: Vec<Message>,
}

impl<'r> Cells<'r> {
    fn raw(&self, col: &str) -> &'r str {
        self.map
            .index
            .get(col)
            .and_then(|i| self.cells.get(*i))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    fn push(&mut self, rule: &Rule, col: &str, value: &str, text: String) {
        let mut m = Message::new(rule, self.file, text)
            .row(self.row)
            .worker(self.raw("worker_ref"))
            .column(col);
        if !value.is_empty() {
            m = m.value(value);
        }
        self.messages.push(m);
    }

    fn required(&mut self, col: &str) -> Option<&'r str> {
        let v = self.raw(col);
        if v.is_empty() {
            self.push(
                &rules::REQUIRED_VALUE,
                col,
                "",
                format!("'{col}' is required but empty."),
            );
            None
        } else {
            Some(v)
        }
    }

    fn code<T>(
        &mut self,
        col: &str,
        required: bool,
        parse: fn(&str) -> Result<T, UnknownCode>,
    ) -> Option<T> {
        let v = if required {
            self.required(col)?
        } else {
            self.raw(col)
        };
        if v.is_empty() {
            return None;
        }
        match parse(v) {
            Ok(x) => Some(x),
            Err(e) => {
                self.push(&rules::CODE_UNKNOWN, col, v, format!("{e}."));
                None
            }
        }
    }

    fn date(&mut self, col: &str) -> Option<NaiveDate> {
        let v = self.raw(col);
        if v.is_empty() {
            return None;
        }
        let d = parse_date(v);
        if d.is_none() {
            self.push(
                &rules::DATE_INVALID,
                col,
                v,
                format!("'{v}' is not a date."),
            );
        }
        d
    }

    fn number(&mut self, col: &str, min: f64, min_inclusive: bool, max: f64) -> Option<f64> {
        let v = self.raw(col);
        if v.is_empty() {
            return None;
        }
        // a decimal comma (as some European spreadsheets write) is read as a point
        let parsed = if v.contains(',') {
            v.replace(',', ".").parse::<f64>()
        } else {
            v.parse::<f64>()
        }
        .ok()
        .filter(|x| x.is_finite());
        match parsed {
            Some(x) if (x > min || (min_inclusive && x == min)) && x <= max => Some(x),
            _ => {
                let range = if max.is_finite() {
                    format!(
                        "{} {min} and at most {max}",
                        if min_inclusive {
                            "at least"
                        } else {
                            "more than"
                        }
                    )
                } else {
                    format!(
                        "{} {min}",
                        if min_inclusive {
                            "at least"
                        } else {
                            "more than"
                        }
                    )
                };
                let what = plain_number_name(col);
                let text = match parsed {
                    None => format!("'{v}' is not a number: {what} must be a number {range}."),
                    Some(x) if x > max => format!("{v} is too large: {what} must be {range}."),
                    Some(_) => format!("{v} is too small: {what} must be {range}."),
                };
                let text = match col {
                    "fte" => format!("{text} A full-time post is 1, a half-time post 0.5."),
                    _ => text,
                };
                self.push(&rules::NUMBER_INVALID, col, v, text);
                None
            }
        }
    }

    /// A yes/no answer; a blank one is not known (`None`), never "no".
    fn yes_no(&mut self, col: &str) -> Option<bool> {
        let v = self.raw(col);
        let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(v));
        match v {
            "" => None,
            _ if is(&["no", "n", "false", "0"]) => Some(false),
            _ if is(&["yes", "y", "true", "1"]) => Some(true),
            _ => {
                self.push(
                    &rules::CODE_UNKNOWN,
                    col,
                    v,
                    format!("'{v}' is not yes or no."),
                );
                None
            }
        }
    }
}

/// Parses a date written as YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY, YYYY/MM/DD, with
/// an optional time after it, or as an Excel serial day number (as a number cell pasted as
/// text shows it).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let day = s.split(['T', ' ']).next().unwrap_or(s);
    // The template's own form, YYYY-MM-DD, read without a format string.
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *day.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |ds: &[u8]| ds.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
            return NaiveDate::from_ymd_opt(
                n(&digits[..4]) as i32,
                n(&digits[4..6]),
                n(&digits[6..]),
            )
            .filter(|d| (1900..=2100).contains(&d.year()));
        }
    }
    for f in ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(day, f) {
            if (1900..=2100).contains(&d.year()) {
                return Some(d);
            }
        }
    }
    // Excel's serial days (1900 system): 20000 is 1954-10-03, 80000 is 2119-01-10.
    let serial: f64 = s.parse().ok()?;
    if (20000.0..80000.0).contains(&serial) {
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
        return epoch.checked_add_days(chrono::Days::new(serial.trunc() as u64));
    }
    None
}

/// Reads every row of a worker table. Returns the posts that parsed cleanly and the messages.
pub fn read_workers(
    table: &mut Table,
    ctx: &RowContext,
    progress: &dyn Fn(u64),
) -> (Vec<Post>, Vec<Message>) {
    let optional: &[&str] = if ctx.organisation.is_some() {
        &["organisation_ref"]
    } else {
        &[]
    };
    let (map, mut messages) = ColumnMap::new(table, WORKER_COLUMNS, optional);
    if messages
        .iter()
        .any(|m| m.severity == rules::Severity::Error)
    {
        return (Vec::new(), messages);
    }
    let file = table.file.clone();
    let mut posts = Vec::new();
    let mut read = 0u64;
    let rows = table.each_row(&mut messages, |row, cells, messages| {
        read += 1;
        if read.is_multiple_of(4096) {
            progress(4096);
        }
        let (post, mut msgs) = worker_row(&file, row, cells, &map, ctx);
        messages.append(&mut msgs);
        posts.extend(post);
    });
    progress(read % 4096);
    if rows == 0 {
        messages.push(Message::new(
            &rules::FILE_EMPTY,
            &file,
            "The file has a header row but no rows of data.",
        ));
    }
    messages.extend(table.finish());
    (posts, messages)
}

fn organisation_of(c: &mut Cells, ctx: &RowContext) -> Option<String> {
    let given = c.raw("organisation_ref");
    match (ctx.organisation, given) {
        (Some(o), "") => Some(o.to_string()),
        (Some(o), g) if g.eq_ignore_ascii_case(o) => Some(o.to_string()),
        (Some(o), g) => {
            c.push(
                &rules::ORG_MISMATCH,
                "organisation_ref",
                g,
                format!("This row is for '{g}' but the return is for '{o}'."),
            );
            None
        }
        (None, _) => c.required("organisation_ref").map(str::to_string),
    }
}

pub(crate) fn worker_row(
    file: &str,
    row: u64,
    cells: &[String],
    map: &ColumnMap,
    ctx: &RowContext,
) -> (Option<Post>, Vec<Message>) {
    let mut c = Cells {
        file,
        row,
        cells,
        map,
        messages: Vec::new(),
    };
    let organisation = organisation_of(&mut c, ctx);
    let worker_ref = c.required("worker_ref");
    let role = c.required("role_code").and_then(|v| {
        let known = RoleCode::parse(v)
            .ok()
            .filter(|r| ctx.roles.contains_key(r.as_str()));
        if known.is_none() {
            c.push(
                &rules::ROLE_UNKNOWN,
                "role_code",
                v,
                format!("'{v}' is not a role in the cws role catalogue."),
            );
        }
        known
    });
    let fte = c
        .number("fte", 0.0, false, 1.0)
        .and_then(|x| Fte::new(x).ok());
    let contract = c.code("contract_type", true, ContractType::parse);
    let start_date = c.date("start_date");
    let leaving_date = c.date("leaving_date");
    let reason = c.code("leaving_reason", false, LeavingReason::parse);
    let destination = c.code("leaving_destination", false, Destination::parse);
    let birth_year = birth_year(&mut c, ctx.census);
    let sex = c.code("sex", true, Sex::parse);
    let ethnicity = c.code("ethnicity", true, Ethnicity::parse);
    let disability = c.code("disability", true, Disability::parse);
    let qual_level = c.code("highest_qualification_level", false, QualLevel::parse);
    let qualifications: Vec<String> = c
        .raw("qualifications")
        .split([';', ','])
        .map(|q| q.trim().to_ascii_uppercase())
        .filter(|q| !q.is_empty())
        .collect();
    let common_core = c.yes_no("common_core");
    let induction = c.yes_no("induction");
    let integrated = IntegratedWorking {
        caf_trained: c.yes_no("caf_trained"),
        lead_professional: c.yes_no("lead_professional"),
        budget_holding: c.yes_no("budget_holding"),
        multi_agency: c.code("multi_agency_team", false, MultiAgency::parse),
    };
    let vetting = c.code("vetting_check", true, VettingType::parse);
    let vetting_date = c.date("vetting_date");
    let safeguarding_training = c.date("safeguarding_training_date");
    let days_lost = c.number("working_days_lost", 0.0, true, 366.0);
    let cases = c
        .number("cases_held", 0.0, true, 10_000.0)
        .map(|x| x.round() as u32);
    if c.raw("cases_held").contains('.') {
        let v = c.raw("cases_held");
        c.push(
            &rules::NUMBER_INVALID,
            "cases_held",
            v,
            format!("'{v}' is not a whole number of cases."),
        );
    }

    // Rules across the row's fields.
    let leaving = match Leaving::from_parts(leaving_date, reason, destination) {
        Ok(l) => l,
        Err(WorkerError::LeaverWithoutReason) => {
            let missing: Vec<&str> = [
                ("leaving_reason", reason.is_none()),
                ("leaving_destination", destination.is_none()),
            ]
            .iter()
            .filter(|x| x.1)
            .map(|x| x.0)
            .collect();
            let v = c.raw("leaving_date");
            c.push(
                &rules::LEAVER_WITHOUT_REASON,
                "leaving_date",
                v,
                format!(
                    "The person has a leaving date but no {}.",
                    missing.join(" or ")
                ),
            );
            None
        }
        Err(_) => {
            let v = format!(
                "{} / {}",
                c.raw("leaving_reason"),
                c.raw("leaving_destination")
            );
            c.push(
                &rules::REASON_WITHOUT_LEAVING,
                "leaving_date",
                &v,
                "A reason or destination for leaving is given but no leaving date.".into(),
            );
            None
        }
    };
    if let (Some(s), Some(l)) = (start_date, leaving_date) {
        if l < s {
            let v = c.raw("leaving_date");
            c.push(
                &rules::LEFT_BEFORE_START,
                "leaving_date",
                v,
                format!("The leaving date {l} is before the start date {s}."),
            );
        }
    }
    if let Some(s) = start_date.filter(|s| *s > ctx.census) {
        let v = c.raw("start_date");
        c.push(
            &rules::STARTED_AFTER_CENSUS,
            "start_date",
            v,
            format!(
                "The start date {s} is after the census date {}.",
                ctx.census
            ),
        );
    }
    let year_start = ctx
        .census
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(ctx.census);
    if let Some(l) = leaving_date.filter(|l| *l <= year_start) {
        let v = c.raw("leaving_date");
        c.push(
            &rules::LEFT_BEFORE_YEAR,
            "leaving_date",
            v,
            format!(
                "The person left on {l}, before this census year began ({}).",
                year_start.succ_opt().unwrap_or(year_start)
            ),
        );
    }
    for (col, d) in [
        ("vetting_date", vetting_date),
        ("safeguarding_training_date", safeguarding_training),
    ] {
        if let Some(d) = d.filter(|d| *d > ctx.today) {
            let v = c.raw(col);
            c.push(
                &rules::DATE_IN_FUTURE,
                col,
                v,
                format!("{d} is in the future."),
            );
        }
    }
    if let (Some(role), Some(n)) = (&role, cases) {
        if n > 0 && !ctx.roles.get(role.as_str()).is_some_and(|r| r.case_holding) {
            let v = c.raw("cases_held");
            c.push(
                &rules::CASES_NOT_CASE_HOLDING,
                "cases_held",
                v,
                format!("{n} cases are recorded for {role}, which is not a case-holding role."),
            );
        }
    }
    if let Some(days) = days_lost {
        let limit = (253.0 * fte.map_or(1.0, Fte::get)).ceil();
        if days > limit {
            let v = c.raw("working_days_lost");
            c.push(&rules::DAYS_LOST_TOO_MANY, "working_days_lost", v, format!("{days} days lost is more than the {limit} working days of this post in a year."));
        }
    }

    let messages = c.messages;
    let blocked = messages
        .iter()
        .any(|m| m.severity == rules::Severity::Error);
    let org_for_messages = organisation.clone();
    let post = match (
        organisation,
        worker_ref,
        role,
        contract,
        sex,
        ethnicity,
        disability,
        vetting,
    ) {
        (
            Some(org),
            Some(wref),
            Some(role),
            Some(contract),
            Some(sex),
            Some(ethnicity),
            Some(disability),
            Some(vetting),
        ) if !blocked => Some(Post {
            worker_ref: wref.to_string(),
            record: WorkerRecord {
                // a post cws filled in its own template keeps its person; any other
                // reference is pseudonymised as it is read
                person: crate::template::held_person(wref)
                    .unwrap_or_else(|| ctx.pseudo.key(ctx.area_code, &org, wref)),
                role,
                fte,
                contract,
                start_date,
                leaving,
                birth_year,
                sex,
                ethnicity,
                disability,
                qual_level,
                qualifications,
                common_core,
                induction,
                integrated,
                vetting,
                vetting_date,
                safeguarding_training,
                days_lost,
                cases,
            },
            organisation: org,
            file: file.to_string(),
            row,
        }),
        _ => None,
    };
    let messages = messages
        .into_iter()
        .map(|m| match &org_for_messages {
            Some(o) => m.organisation(o),
            None => m,
        })
        .collect();
    (post, messages)
}

/// The year of birth, from a year or a full date (some systems only export dates of birth).
/// Ages outside 14-85 at the census date are errors, outside 16-75 queries.
fn birth_year(c: &mut Cells, census: NaiveDate) -> Option<i32> {
    let v = c.raw("birth_year");
    if v.is_empty() {
        return None;
    }
    let year = match v.parse::<i32>() {
        Ok(y) if (1000..=9999).contains(&y) => Some(y),
        _ => parse_date(v).map(|d| d.year()),
    };
    let Some(year) = year else {
        c.push(
            &rules::DATE_INVALID,
            "birth_year",
            v,
            format!("'{v}' is not a year of birth (YYYY) or a date of birth."),
        );
        return None;
    };
    let age = census.year() - year;
    if !(14..=85).contains(&age) {
        c.push(
            &rules::BIRTH_IMPOSSIBLE,
            "birth_year",
            v,
            format!("A year of birth of {year} makes the person {age} at the census date."),
        );
        return None;
    }
    if !(16..=75).contains(&age) {
        c.push(
            &rules::BIRTH_UNUSUAL,
            "birth_year",
            v,
            format!("A year of birth of {year} makes the person {age} at the census date."),
        );
    }
    Some(year)
}

/// The most FTE a vacancy row can hold (rule R04).
pub const MAX_VACANCY_FTE: f64 = 10_000.0;

/// Reads every row of a vacancy table.
pub fn read_vacancies(table: &mut Table, ctx: &RowContext) -> (Vec<VacancyRow>, Vec<Message>) {
    let optional: &[&str] = if ctx.organisation.is_some() {
        &["organisation_ref"]
    } else {
        &[]
    };
    let (map, mut messages) = ColumnMap::new(table, VACANCY_COLUMNS, optional);
    if messages
        .iter()
        .any(|m| m.severity == rules::Severity::Error)
    {
        return (Vec::new(), messages);
    }
    let file = table.file.clone();
    let mut out = Vec::new();
    table.each_row(&mut messages, |row, cells, messages| {
        let mut c = Cells {
            file: &file,
            row,
            cells,
            map: &map,
            messages: Vec::new(),
        };
        let organisation = organisation_of(&mut c, ctx);
        let role = c.required("role_code").and_then(|v| {
            let known = RoleCode::parse(v)
                .ok()
                .filter(|r| ctx.roles.contains_key(r.as_str()));
            if known.is_none() {
                c.push(
                    &rules::ROLE_UNKNOWN,
                    "role_code",
                    v,
                    format!("'{v}' is not a role in the cws role catalogue."),
                );
            }
            known
        });
        let fte = match c.required("vacancy_fte") {
            // no employer in England has ten thousand posts vacant in one role
            Some(_) => c.number("vacancy_fte", 0.0, false, MAX_VACANCY_FTE),
            None => None,
        };
        let agency = c
            .number("agency_covered_fte", 0.0, true, MAX_VACANCY_FTE)
            .unwrap_or(0.0);
        if let Some(f) = fte.filter(|f| agency > *f + 1e-9) {
            let v = c.raw("agency_covered_fte");
            c.push(
                &rules::VACANCY_AGENCY_OVER,
                "agency_covered_fte",
                v,
                format!("Agency staff cover {agency} FTE of a {f} FTE vacancy."),
            );
        }
        let blocked = c
            .messages
            .iter()
            .any(|m| m.severity == rules::Severity::Error);
        messages.extend(c.messages.drain(..).map(|m| match &organisation {
            Some(o) => m.organisation(o),
            None => m,
        }));
        if let (Some(organisation), Some(role), Some(fte), false) =
            (organisation, role, fte, blocked)
        {
            out.push(VacancyRow {
                organisation,
                file: file.clone(),
                row,
                vacancy: Vacancy {
                    role,
                    fte,
                    agency_covered_fte: agency,
                    stated_agency: Default::default(),
                },
            });
        }
    });
    messages.extend(table.finish());
    (out, messages)
}

/// A number column as a message names it, in words.
fn plain_number_name(col: &str) -> &'static str {
    match col {
        "fte" => "FTE (the post's hours as a proportion of full time)",
        "working_days_lost" => "working days lost to sickness",
        "cases_held" => "the number of cases held",
        "vacancy_fte" => "the vacancy's FTE",
        "agency_covered_fte" => "the FTE covered by agency staff",
        _ => "this value",
    }
}
