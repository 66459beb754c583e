//! Geography (docs/definitions.md §2): England → regions → areas (upper-tier local authorities).
//!
//! Areas change: they merge, split, are recoded and some report jointly. An `Area` keeps its
//! dates of operation, and a joint return is an area of its own whose members are listed.

use chrono::NaiveDate;
use thiserror::Error;

/// England's GSS code: the nation every area and region belongs to.
pub const ENGLAND: &str = "E92000001";

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum GeographyError {
    #[error("'{0}' is not a DfE local authority number: expected three digits, e.g. 318")]
    BadOldLaCode(String),
    #[error(
        "'{0}' is not an ONS GSS code: expected a capital letter and eight digits, e.g. E09000027"
    )]
    BadGssCode(String),
    #[error("area {code}: closed on {closed} before it opened on {opened}")]
    ClosedBeforeOpened {
        code: String,
        opened: NaiveDate,
        closed: NaiveDate,
    },
    #[error("a joint return needs at least two member areas; '{0}' has fewer")]
    JointNeedsMembers(String),
}

/// DfE three-digit local authority number (`old_la_code`), e.g. `318` for Richmond upon Thames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OldLaCode(u16);

impl OldLaCode {
    pub fn parse(s: &str) -> Result<Self, GeographyError> {
        let t = s.trim();
        if t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse()
                .map(OldLaCode)
                .map_err(|_| GeographyError::BadOldLaCode(s.to_string()))
        } else {
            Err(GeographyError::BadOldLaCode(s.to_string()))
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

/// ONS GSS code, nine characters: a capital letter then eight digits (`E09000027`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GssCode(String);

impl GssCode {
    pub fn parse(s: &str) -> Result<Self, GeographyError> {
        let t = s.trim();
        let b = t.as_bytes();
        if b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit) {
            Ok(GssCode(t.to_string()))
        } else {
            Err(GeographyError::BadGssCode(s.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The entity part of the code (`E06` unitary, `E08` metropolitan, `E09` London borough,
    /// `E10` county, `E12` region, `E13` inner/outer London, `E92` England).
    pub fn entity(&self) -> &str {
        &self.0[..3]
    }
}

impl std::fmt::Display for GssCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The code of an area as DfE publishes it: one GSS code, or several joined by " / " for a
/// joint return (e.g. `E09000021 / E09000027`, Kingston and Richmond).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaCode(String);

impl AreaCode {
    pub fn parse(s: &str) -> Result<Self, GeographyError> {
        let parts: Vec<&str> = s.split('/').map(str::trim).collect();
        for p in &parts {
            GssCode::parse(p)?;
        }
        Ok(AreaCode(parts.join(" / ")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_joint(&self) -> bool {
        self.0.contains(" / ")
    }
    /// The member GSS codes (one for an ordinary area).
    pub fn members(&self) -> Vec<GssCode> {
        self.0
            .split(" / ")
            .map(|p| GssCode(p.to_string()))
            .collect()
    }
}

impl std::fmt::Display for AreaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One of the nine English regions, or Inner/Outer London (statistical sub-regions of London
/// that DfE publishes alongside the regions — never add them to the nine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: GssCode,
    pub name: String,
    /// For Inner and Outer London: London (`E12000007`).
    pub parent: Option<GssCode>,
}

impl Region {
    pub fn is_london_subregion(&self) -> bool {
        self.code.entity() == "E13"
    }
}

code_enum!(
    /// What kind of local authority an area is.
    AreaKind, "area kind" {
        Unitary => ("E06", "Unitary authority"),
        Metropolitan => ("E08", "Metropolitan district"),
        LondonBorough => ("E09", "London borough"),
        County => ("E10", "County council"),
    }
);

/// An upper-tier local authority, or a joint return of several, with its dates of operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub code: AreaCode,
    /// DfE number(s): one, or one per member for a joint return (`314 / 318`).
    pub old_la_codes: Vec<OldLaCode>,
    pub name: String,
    pub kind: AreaKind,
    pub region: GssCode,
    /// Inner or Outer London for London boroughs.
    pub london_subregion: Option<GssCode>,
    pub opened: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
}

impl Area {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        code: AreaCode,
        old_la_codes: Vec<OldLaCode>,
        name: String,
        kind: AreaKind,
        region: GssCode,
        london_subregion: Option<GssCode>,
        opened: Option<NaiveDate>,
        closed: Option<NaiveDate>,
    ) -> Result<Self, GeographyError> {
        if let (Some(o), Some(c)) = (opened, closed) {
            if c < o {
                return Err(GeographyError::ClosedBeforeOpened {
                    code: code.to_string(),
                    opened: o,
                    closed: c,
                });
            }
        }
        if code.is_joint() && old_la_codes.len() < 2 {
            return Err(GeographyError::JointNeedsMembers(code.to_string()));
        }
        Ok(Area {
            code,
            old_la_codes,
            name,
            kind,
            region,
            london_subregion,
            opened,
            closed,
        })
    }

    pub fn is_joint(&self) -> bool {
        self.code.is_joint()
    }

    /// Whether the area operated on `date` (open on or before it, not closed before it).
    pub fn operating_on(&self, date: NaiveDate) -> bool {
        self.opened.is_none_or(|o| o <= date) && self.closed.is_none_or(|c| c >= date)
    }

    /// The DfE number(s) as published (`318`, `314 / 318`).
    pub fn old_la_code_text(&self) -> String {
        self.old_la_codes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

code_enum!(
    /// How an area came to an end (history between areas).
    SuccessionKind, "succession kind" {
        Recoded => ("recoded", "Recoded (same council, new code)"),
        Merged => ("merged", "Merged into a new area"),
        Split => ("split", "Split into new areas"),
    }
);

code_enum!(
    /// Closeness label of a statistical neighbour in DfE's 2025 model.
    Closeness, "closeness" {
        ExtremelyClose => ("Extremely close", "Extremely close"),
        VeryClose => ("Very close", "Very close"),
        Close => ("Close", "Close"),
        SomewhatClose => ("Somewhat close", "Somewhat close"),
        NotClose => ("Not close", "Not close"),
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn old_la_code_accepts_three_digits_only() {
        assert_eq!(OldLaCode::parse(" 318 ").unwrap().to_string(), "318");
        assert_eq!(OldLaCode::parse("045").unwrap().get(), 45);
        for bad in ["31", "3188", "x", "", "31a"] {
            assert!(OldLaCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn gss_code_shape_is_checked() {
        assert_eq!(GssCode::parse("E09000027").unwrap().entity(), "E09");
        for bad in ["E0900002", "e09000027", "E09000027X", "309000027"] {
            assert!(GssCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn joint_codes_are_normalised_and_split() {
        let c = AreaCode::parse("E09000021/E09000027").unwrap();
        assert_eq!(c.as_str(), "E09000021 / E09000027");
        assert!(c.is_joint());
        assert_eq!(c.members().len(), 2);
        assert!(AreaCode::parse("E09000021 / nonsense").is_err());
    }

    #[test]
    fn area_dates_must_be_in_order_and_joint_needs_members() {
        let code = AreaCode::parse("E06000028").unwrap();
        let region = GssCode::parse("E12000009").unwrap();
        let bad = Area::new(
            code.clone(),
            vec![OldLaCode::parse("837").unwrap()],
            "Bournemouth".into(),
            AreaKind::Unitary,
            region.clone(),
            None,
            Some(d(2019, 4, 1)),
            Some(d(2009, 1, 1)),
        );
        assert!(matches!(
            bad,
            Err(GeographyError::ClosedBeforeOpened { .. })
        ));
        let ok = Area::new(
            code,
            vec![OldLaCode::parse("837").unwrap()],
            "Bournemouth".into(),
            AreaKind::Unitary,
            region.clone(),
            None,
            Some(d(2009, 1, 1)),
            Some(d(2019, 3, 31)),
        )
        .unwrap();
        assert!(ok.operating_on(d(2019, 3, 31)));
        assert!(!ok.operating_on(d(2019, 4, 1)));
        let joint = Area::new(
            AreaCode::parse("E09000021 / E09000027").unwrap(),
            vec![OldLaCode::parse("314").unwrap()],
            "Kingston / Richmond".into(),
            AreaKind::LondonBorough,
            region,
            None,
            None,
            None,
        );
        assert!(matches!(joint, Err(GeographyError::JointNeedsMembers(_))));
    }

    #[test]
    fn closeness_parses_with_trailing_space() {
        assert_eq!(Closeness::parse("Close ").unwrap(), Closeness::Close);
        assert!(Closeness::parse("Near").is_err());
    }
}
