//! Validation messages and the report a submitter reads: every message names the file, row,
//! column, value, rule, what is wrong and how to fix it.

use serde::Serialize;

use crate::rules::{Rule, Severity};

/// One thing found in a return.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub file: String,
    /// Row as a spreadsheet shows it (the header is row 1); `None` for the whole file.
    pub row: Option<u64>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub rule: &'static str,
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub text: String,
    /// How to put it right.
    pub fix: &'static str,
    /// The organisation the row is for, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

impl Message {
    pub fn new(rule: &Rule, file: &str, text: impl Into<String>) -> Message {
        Message {
            file: file.to_string(),
            row: None,
            column: None,
            value: None,
            rule: rule.code,
            severity: rule.severity,
            text: text.into(),
            fix: rule.fix,
            organisation: None,
        }
    }
    pub fn row(mut self, row: u64) -> Message {
        self.row = Some(row);
        self
    }
    pub fn column(mut self, column: &str) -> Message {
        self.column = Some(column.to_string());
        self
    }
    pub fn value(mut self, value: &str) -> Message {
        // Long values are cut so a report stays readable.
        let mut v: String = value.chars().take(200).collect();
        if value.chars().count() > 200 {
            v.push('…');
        }
        self.value = Some(v);
        self
    }
    pub fn organisation(mut self, org: &str) -> Message {
        self.organisation = Some(org.to_string());
        self
    }

    /// One line for a terminal: `file:row [column] value — text (rule). Fix: …`.
    pub fn to_line(&self) -> String {
        let mut s = format!("{} {}", self.severity.label().to_uppercase(), self.file);
        if let Some(r) = self.row {
            s.push_str(&format!(" row {r}"));
        }
        if let Some(c) = &self.column {
            s.push_str(&format!(", column {c}"));
        }
        if let Some(v) = &self.value {
            s.push_str(&format!(", value '{v}'"));
        }
        s.push_str(&format!(
            ": {} [{}] To fix: {}",
            self.text, self.rule, self.fix
        ));
        s
    }
}

/// Column headers of the downloadable report (CSV and XLSX).
pub const REPORT_COLUMNS: &[&str] = &[
    "severity",
    "rule",
    "file",
    "row",
    "column",
    "value",
    "organisation",
    "message",
    "how_to_fix",
];

impl Message {
    /// The message as cells in `REPORT_COLUMNS` order.
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.severity.label().to_string(),
            self.rule.to_string(),
            self.file.clone(),
            self.row.map(|r| r.to_string()).unwrap_or_default(),
            self.column.clone().unwrap_or_default(),
            self.value.clone().unwrap_or_default(),
            self.organisation.clone().unwrap_or_default(),
            self.text.clone(),
            self.fix.to_string(),
        ]
    }
}

/// Writes messages as CSV in `REPORT_COLUMNS` order.
pub fn write_csv<W: std::io::Write>(out: W, messages: &[Message]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(REPORT_COLUMNS)?;
    for m in messages {
        w.write_record(m.cells())?;
    }
    w.flush()?;
    Ok(())
}

/// Counts of messages by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub queries: usize,
    pub notices: usize,
}

impl Counts {
    pub fn of(messages: &[Message]) -> Counts {
        let mut c = Counts::default();
        for m in messages {
            match m.severity {
                Severity::Error => c.errors += 1,
                Severity::Query => c.queries += 1,
                Severity::Notice => c.notices += 1,
            }
        }
        c
    }
}
