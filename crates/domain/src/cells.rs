//! Text bound for a spreadsheet: a CSV opened in Excel or LibreOffice runs any cell that
//! starts like a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`), so text that came from a
//! user — an address typed at sign-in, a value in an uploaded file — must not.

use std::borrow::Cow;

/// `text` as a spreadsheet will show it rather than run it: a cell starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading apostrophe (which spreadsheets show as
/// "text follows"); numbers such as `-1.5` are left as they are.
pub fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    let starts_like_a_formula = text
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let number = text.parse::<f64>().is_ok_and(f64::is_finite);
    if starts_like_a_formula && !number {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_not_run_and_numbers_stay_numbers() {
        for (given, shown) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("-1.5", "-1.5"),
            ("+44", "+44"),
            ("lead@example.org", "lead@example.org"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(given), shown, "{given}");
        }
    }
}
