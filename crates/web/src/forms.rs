//! Turning submitted forms into values: each form is a serde struct of the text its fields
//! hold (every field defaults to empty, so a missing field is reported like an empty one), and
//! `TryFrom` makes the value, collecting every field's problem in `Problems` so the page can
//! list them all at once.

use chrono::NaiveDate;

/// The problems found in a form, in the order of its fields.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Problems(pub Vec<String>);

impl Problems {
    pub fn push(&mut self, message: impl Into<String>) {
        self.0.push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text of a field that must be filled in (`what`, as in "Enter a title.").
    pub fn required(&mut self, value: &str, what: &str) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.push(format!("Enter {what}."));
        }
        v.to_string()
    }

    /// A number, if one is entered: thousands separators, pound and per cent signs allowed.
    pub fn number(&mut self, value: &str, label: &str) -> Option<f64> {
        let v = value.trim().replace([',', '£', '%'], "");
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                self.push(format!(
                    "{label} must be a number, like 12.5 (you entered '{}').",
                    value.trim()
                ));
                None
            }
        }
    }

    /// A date as YYYY-MM-DD, if one is entered.
    pub fn date(&mut self, value: &str, label: &str) -> Option<NaiveDate> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.push(format!(
                    "{label} must be a date as YYYY-MM-DD, like 2027-03-31 (you entered '{v}')."
                ));
                None
            }
        }
    }

    /// `value` when nothing was wrong, else every problem.
    pub fn finish<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// The trimmed text of an optional field; `None` when it is empty.
pub fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|s| !s.is_empty())
}

/// A ticked checkbox sends "yes".
pub fn ticked(value: &str) -> bool {
    value.trim() == "yes"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_kept_and_good_values_pass() {
        let mut p = Problems::default();
        assert_eq!(p.number("£8,000", "The offer"), Some(8000.0));
        assert_eq!(p.number("", "The offer"), None);
        assert_eq!(
            p.date("2027-03-31", "The date"),
            NaiveDate::from_ymd_opt(2027, 3, 31)
        );
        assert!(p.is_empty());
        assert_eq!(p.number("lots", "The baseline"), None);
        assert_eq!(p.date("1 April", "The start date"), None);
        assert_eq!(p.required("  ", "a title"), "");
        assert_eq!(
            p.clone().finish(()).unwrap_err().0,
            vec![
                "The baseline must be a number, like 12.5 (you entered 'lots').".to_string(),
                "The start date must be a date as YYYY-MM-DD, like 2027-03-31 (you entered '1 April').".to_string(),
                "Enter a title.".to_string(),
            ]
        );
        assert_eq!(p.number("inf", "x"), None, "not a finite number");
        assert_eq!(optional("  x "), Some("x".into()));
        assert_eq!(optional("  "), None);
    }
}
