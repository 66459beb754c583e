//! Validation messages and the report a submitter reads: every message names the file, row,
//! column, value, rule, what is wrong and how to fix it.

use cws_domain::cells::spreadsheet_safe;
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
    /// The row's worker reference as the file gives it (the employer's own staff number), so
    /// the sender can find the person: shown back to the sender, never stored or logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
    /// The organisation the row is for, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Set on the line that stands for messages not listed (see [`limit`]): how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_listed: Option<usize>,
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
            worker: None,
            organisation: None,
            not_listed: None,
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
    pub fn worker(mut self, reference: &str) -> Message {
        if !reference.is_empty() {
            self.worker = Some(reference.chars().take(50).collect());
        }
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
        if let Some(w) = &self.worker {
            s.push_str(&format!(" (worker {w})"));
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

    /// The line for a log: where and which rule, without the value, the worker reference or
    /// the text (which quotes the value) — a log never holds a personal field.
    pub fn to_log_line(&self) -> String {
        let mut s = format!("{} {}", self.severity.label(), self.file);
        if let Some(r) = self.row {
            s.push_str(&format!(" row {r}"));
        }
        if let Some(c) = &self.column {
            s.push_str(&format!(", column {c}"));
        }
        s.push_str(&format!(" [{}]", self.rule));
        s
    }
}

/// Column headers of the downloadable report (CSV and XLSX).
pub const REPORT_COLUMNS: &[&str] = &[
    "severity",
    "rule",
    "file",
    "row",
    "worker_ref",
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
            self.worker.clone().unwrap_or_default(),
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
        // values come from the file as it was sent: never a formula in the report
        w.write_record(m.cells().iter().map(|c| spreadsheet_safe(c).into_owned()))?;
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
    /// Counts what `messages` stand for: a line standing for messages not listed counts as
    /// them all, so counts are the same before and after [`limit`].
    pub fn of(messages: &[Message]) -> Counts {
        let mut c = Counts::default();
        for m in messages {
            let n = m.stands_for();
            match m.severity {
                Severity::Error => c.errors += n,
                Severity::Query => c.queries += n,
                Severity::Notice => c.notices += n,
            }
        }
        c
    }
}

/// How many messages of one rule in one file a report lists; the rest are counted on one
/// line. A file with an error on each of 200,000 rows needs its first few fixed, not a
/// report of 200,000 lines.
pub const LISTED_PER_RULE_AND_FILE: usize = 100;

impl Message {
    /// How many messages this line stands for: itself, or those not listed.
    pub fn stands_for(&self) -> usize {
        self.not_listed.unwrap_or(1)
    }
}

/// Keeps the first [`LISTED_PER_RULE_AND_FILE`] messages of each rule and file, in order, and
/// puts one line in place of the rest, saying how many there are. Running it again changes
/// nothing, and messages added since are folded into the same lines.
pub fn limit(messages: &mut Vec<Message>) {
    use std::collections::HashMap;
    // (rule, file) → (messages listed, where the line for the rest is)
    let mut groups: HashMap<(&'static str, String), (usize, Option<usize>)> = HashMap::new();
    let mut kept: Vec<Message> = Vec::with_capacity(messages.len().min(10_000));
    for m in messages.drain(..) {
        let group = groups.entry((m.rule, m.file.clone())).or_default();
        let stands_for_others = m.not_listed.is_some();
        match group.1 {
            Some(at) if stands_for_others || group.0 >= LISTED_PER_RULE_AND_FILE => {
                let line = &mut kept[at];
                line.not_listed = Some(line.stands_for() + m.stands_for());
            }
            None if stands_for_others => {
                group.1 = Some(kept.len());
                kept.push(m);
            }
            _ if group.0 < LISTED_PER_RULE_AND_FILE => {
                group.0 += 1;
                kept.push(m);
            }
            _ => {
                group.1 = Some(kept.len());
                kept.push(Message {
                    row: None,
                    column: None,
                    value: None,
                    organisation: None,
                    not_listed: Some(1),
                    ..m
                });
            }
        }
    }
    for m in kept.iter_mut() {
        if let Some(n) = m.not_listed {
            let kind = match (m.severity, n) {
                (Severity::Error, 1) => "error",
                (Severity::Error, _) => "errors",
                (Severity::Query, 1) => "query",
                (Severity::Query, _) => "queries",
                (Severity::Notice, 1) => "notice",
                (Severity::Notice, _) => "notices",
            };
            m.text = format!(
                "… and {n} more {kind} of rule {} in this file, not listed: the report lists the first {LISTED_PER_RULE_AND_FILE} of each rule. Put right those listed, look for the same problem in the other rows, and send the file again.",
                m.rule
            );
        }
    }
    *messages = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    fn message(rule: &rules::Rule, file: &str, row: u64) -> Message {
        Message::new(rule, file, format!("row {row}")).row(row)
    }

    #[test]
    fn a_report_lists_the_first_hundred_of_each_rule_and_file_and_counts_the_rest() {
        let mut messages = Vec::new();
        for row in 2..1_002 {
            messages.push(message(&rules::NUMBER_INVALID, "a.csv", row));
            messages.push(message(&rules::CODE_UNKNOWN, "a.csv", row));
        }
        for row in 2..52 {
            messages.push(message(&rules::NUMBER_INVALID, "b.csv", row));
        }
        let before = Counts::of(&messages);
        limit(&mut messages);
        assert_eq!(messages.len(), 100 + 1 + 100 + 1 + 50);
        assert_eq!(Counts::of(&messages), before);
        assert_eq!(before.errors, 2_050);
        let rest: Vec<&Message> = messages.iter().filter(|m| m.not_listed.is_some()).collect();
        assert_eq!(rest.len(), 2);
        assert!(rest
            .iter()
            .all(|m| m.not_listed == Some(900) && m.row.is_none()));
        assert!(
            rest[0].text.contains("900 more errors of rule"),
            "{}",
            rest[0].text
        );
        // the line for the rest comes where the 101st message was
        assert_eq!(messages[200].not_listed, Some(900));
        assert_eq!(messages[199].row, Some(101));

        // again, with one more: the same lines, one more counted
        messages.push(message(&rules::NUMBER_INVALID, "a.csv", 5_000));
        limit(&mut messages);
        assert_eq!(messages.len(), 252);
        assert_eq!(messages[200].not_listed, Some(901));
        assert_eq!(Counts::of(&messages).errors, 2_051);
    }
}
