//! Areas (upper-tier local authorities) and their codes.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CodeError {
    #[error("'{0}' is not a DfE local authority code: expected three digits, e.g. 318")]
    BadOldLaCode(String),
    #[error("'{0}' is not an ONS GSS code: expected a letter and eight digits, e.g. E09000027")]
    BadGssCode(String),
}

/// DfE three-digit local authority number (`old_la_code`), e.g. `318` for Richmond upon Thames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OldLaCode(u16);

impl OldLaCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = s.trim();
        if t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse()
                .map(OldLaCode)
                .map_err(|_| CodeError::BadOldLaCode(s.to_string()))
        } else {
            Err(CodeError::BadOldLaCode(s.to_string()))
        }
    }
    pub fn get(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for OldLaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_la_code_accepts_three_digits_only() {
        assert_eq!(
            OldLaCode::parse("318").map(|c| c.to_string()),
            Ok("318".into())
        );
        assert!(OldLaCode::parse("31").is_err());
        assert!(OldLaCode::parse("3188").is_err());
        assert!(OldLaCode::parse("x").is_err());
    }
}
