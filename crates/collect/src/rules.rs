//! The validation rule catalogue (docs/definitions.md §4). Every message cws gives about a return names one
//! of these rules. Codes are stable: they appear in reports, explanations and the published
//! rule list, so a rule may be reworded but its code never reused.

use serde::Serialize;

/// How a message affects the return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks acceptance until the file is fixed.
    Error,
    /// An unusual value: fix it, or accept it with a written explanation (stored).
    Query,
    /// Information only (for example a column that was ignored); nothing to do.
    Notice,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Query => "query",
            Severity::Notice => "notice",
        }
    }
}

/// What a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    File,
    Row,
    AcrossRows,
    AgainstPreviousReturn,
}

impl Scope {
    pub fn label(self) -> &'static str {
        match self {
            Scope::File => "the file",
            Scope::Row => "each row",
            Scope::AcrossRows => "rows of one return together",
            Scope::AgainstPreviousReturn => "the previous census's return",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// What the rule checks, in plain words.
    pub checks: &'static str,
    /// How to put it right.
    pub fix: &'static str,
}

macro_rules! rules {
    ($($name:ident = $code:literal, $sev:ident, $scope:ident, $checks:literal, $fix:literal;)*) => {
        $(pub const $name: Rule = Rule {
            code: $code,
            severity: Severity::$sev,
            scope: Scope::$scope,
            checks: $checks,
            fix: $fix,
        };)*
        /// Every rule, in code order.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    FILE_EMPTY = "F01", Error, File,
        "The file has a header row and at least one row of data.",
        "Check you chose the right file. Download the template, keep its header row and add one row per post.";
    FILE_TOO_LARGE = "F02", Error, File,
        "The file is no larger than the size limit.",
        "Split the file into several files (for example one per organisation) and send them together.";
    FILE_UNREADABLE = "F03", Error, File,
        "The file is a CSV file, an XLSX workbook or a census XML file that can be read.",
        "Save the file as CSV (UTF-8) or as an Excel workbook (.xlsx) from the template and try again.";
    COLUMN_MISSING = "F04", Error, File,
        "Every required column is present (columns are found by their header name, in any order).",
        "Add the missing column with the header name shown. The template lists every column.";
    COLUMN_DUPLICATED = "F05", Error, File,
        "No column header appears twice.",
        "Delete or rename one of the two columns with the same header.";
    COLUMN_UNKNOWN = "F06", Notice, File,
        "Columns that are not in the template are ignored.",
        "Nothing to do, unless the column was meant to be a template column: then correct its header.";
    ENCODING_GUESSED = "F07", Notice, File,
        "The file is UTF-8 text; other text is read as Windows-1252 (Excel's usual 'CSV' on Windows).",
        "Nothing to do if names look right in the report. To be sure, save as 'CSV UTF-8'.";
    ROW_RAGGED = "F08", Error, Row,
        "Each row has no more cells than the header.",
        "Remove the extra cells, or put quotes around values that contain the delimiter.";
    XML_ITEM_SET = "F09", Error, File,
        "A census XML file follows the CSWW item set for its collection year (2021 to 2025).",
        "Export the file again from your HR system using the census XML specification for the year.";
    XML_WRONG_AREA = "F10", Error, File,
        "The census XML header's LA code is the area the return is made for.",
        "Check you chose the right area, or the right file: the LA code in the header must match.";
    VACANCIES_KEPT = "F11", Notice, File,
        "A submission without any vacancy rows keeps the vacancies already held for the organisation.",
        "Nothing to do. To change vacancies, send a vacancy file (or the Vacancies sheet) with the return.";
    CENSUS_ORGANISATION = "F12", Notice, File,
        "A census XML return sent without an organisation is the area's own children's social care organisation (registered as LA-CSC when the area has none).",
        "Nothing to do. To send it for another organisation, give the organisation (--org, or choose it on the upload page).";
    POSTS_KEPT = "F13", Notice, File,
        "A submission without any worker rows (a vacancies file alone) keeps the posts already held for the organisation.",
        "Nothing to do. To change posts, send the worker file (or the Workers sheet) with the vacancies.";
    RETURN_EMPTY = "F14", Error, File,
        "A return with no posts does not replace one that holds posts: it would remove every post held for the organisation.",
        "Send the worker rows with the return. If the organisation no longer employs anyone, remove it from the area's organisations instead.";
    XML_INCOMPLETE = "F15", Error, File,
        "A census XML file is well formed and complete: every element closed, nothing after the root element, one header with one LA code and reference date, one LA block.",
        "Export the whole file again from the case management or HR system; a file cut short in transfer, or two returns pasted together, cannot be read.";
    WORKBOOK_LIMIT = "F16", Error, File,
        "A workbook stays within what a return can hold: each part at most 256 MB unpacked and packed no more than 100 to 1, at most 5 million filled cells and 5 million shared strings, cells within the first 1,000 columns, at most 100,000 merged regions.",
        "Send the return as the template workbook or as CSV; split a very large return into one file per organisation. A file built to exhaust the reader cannot be read.";
    REQUIRED_VALUE = "R01", Error, Row,
        "Every required column has a value.",
        "Fill in the value. If it is not known, use the code for 'not known' where the column has one.";
    CODE_UNKNOWN = "R02", Error, Row,
        "Coded values are one of the codes in the column's code list.",
        "Use one of the codes listed in the message (the template's guidance sheet has them all).";
    DATE_INVALID = "R03", Error, Row,
        "Dates are real dates, written as YYYY-MM-DD or DD/MM/YYYY (Excel dates are accepted).",
        "Write the date as YYYY-MM-DD, for example 2024-09-01.";
    NUMBER_INVALID = "R04", Error, Row,
        "Numbers are numbers within the column's range (FTE more than 0 and at most 1; days and cases not negative).",
        "Write a plain number, without units or text, within the range in the message.";
    ROLE_UNKNOWN = "R05", Error, Row,
        "Role codes are in the cws role catalogue.",
        "Use a code from the role catalogue (`cws roles` or the template's guidance sheet). Map local job titles to the nearest catalogue role.";
    ORG_MISMATCH = "R06", Error, Row,
        "The row's organisation reference is the organisation the return is for, and the organisation is registered in the area.",
        "Correct the organisation reference, or ask the area lead to register the organisation.";
    LEFT_BEFORE_START = "R07", Error, Row,
        "A leaving date is not before the start date.",
        "Correct the start date or the leaving date.";
    LEAVER_WITHOUT_REASON = "R08", Error, Row,
        "A leaving date comes with a reason for leaving and a destination.",
        "Add the reason and destination (use 10 and 9 for 'not known').";
    REASON_WITHOUT_LEAVING = "R09", Error, Row,
        "A reason for leaving or a destination comes with a leaving date.",
        "Add the leaving date, or clear the reason and destination if the person has not left.";
    BIRTH_IMPOSSIBLE = "R10", Error, Row,
        "The year of birth gives an age between 14 and 85 at the census date.",
        "Correct the year of birth (four digits, e.g. 1984).";
    BIRTH_UNUSUAL = "R11", Query, Row,
        "The year of birth gives an age between 16 and 75 at the census date.",
        "Check the year of birth; if it is right, explain (e.g. an apprentice aged 15, a volunteer aged 78).";
    STARTED_AFTER_CENSUS = "R12", Error, Row,
        "The start date is on or before the census date.",
        "People who start after the census date belong in next year's return: remove the row or correct the date.";
    LEFT_BEFORE_YEAR = "R13", Query, Row,
        "A leaving date falls in the census year (the day after the previous census date up to the census date) or later.",
        "People who left before the census year belong in an earlier return: remove the row, or explain.";
    DATE_IN_FUTURE = "R14", Error, Row,
        "Vetting and training dates are not in the future.",
        "Correct the date: it must be the date the check or training happened.";
    CASES_NOT_CASE_HOLDING = "R15", Query, Row,
        "Cases are recorded only for case-holding roles.",
        "Clear the cases, or explain why this role holds cases.";
    DAYS_LOST_TOO_MANY = "R16", Error, Row,
        "Working days lost in the year are at most 253 (a full working year) times the FTE, rounded up.",
        "Correct the number of working days lost to sickness in the census year.";
    VACANCY_AGENCY_OVER = "R17", Error, Row,
        "Agency-covered FTE is not more than the vacancy's FTE.",
        "Correct the vacancy FTE or the agency-covered FTE.";
    DUPLICATE_POST = "X01", Error, AcrossRows,
        "A worker reference appears once per role in a return.",
        "Remove the duplicate row, or give the second post its correct role.";
    FTE_OVER_ONE = "X02", Query, AcrossRows,
        "One person's posts in post at the census date add up to at most 1 FTE.",
        "Check the FTE of each post; if the person really works more than full time, explain.";
    PERSON_INCONSISTENT = "X03", Query, AcrossRows,
        "One person's rows agree on year of birth, sex and ethnicity.",
        "Make the person's rows agree, or explain.";
    AGENCY_COVER_OVER_AGENCY = "X04", Error, AcrossRows,
        "Vacancies covered by agency workers add up to no more than the agency workers' FTE at the census date (as the census return's LA block states it, or else the agency rows in post).",
        "Lower the agency-covered FTE of the vacancies, or add the agency workers who cover them (contract_type agency).";
    VACANCIES_OVER_POSTS = "X05", Query, AcrossRows,
        "A return's vacancy FTE is not more than its employed FTE in post (or 10 FTE, whichever is more).",
        "Check the vacancy FTE (is it a headcount, or written in hundredths?); if the vacancies are real, explain them.";
    HEADCOUNT_SWING = "P01", Query, AgainstPreviousReturn,
        "Headcount in post has not changed by more than 25% (and at least 5 people) since the previous census.",
        "Check that every post is included; if the change is real, explain it (e.g. a service transferred in).";
    VACANCY_SWING = "P02", Query, AgainstPreviousReturn,
        "Vacancy FTE has not changed by more than 50% (and at least 5 FTE) since the previous census.",
        "Check the vacancies; if the change is real, explain it.";
    BULK_CODE_UNMAPPED = "B01", Query, Row,
        "Codes in an adult social care workforce data set worker file map to cws codes.",
        "The value was recorded as not known. Correct it in your file, or explain.";
}

/// The rule with this code.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_every_rule_says_how_to_fix() {
        let mut codes: Vec<_> = ALL.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
        for r in ALL {
            assert!(r.checks.ends_with('.') && r.fix.len() > 10, "{}", r.code);
        }
        assert_eq!(by_code("x01").map(|r| r.code), Some("X01"));
    }
}
