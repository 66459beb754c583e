//! A small macro for the many closed code lists in the domain (sectors, contract types,
//! ethnicity codes, ...). Each variant has a stable `code` (used in files and the database)
//! and a plain-English `label` (used on pages).

use thiserror::Error;

/// A code that is not in its code list.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("'{value}' is not a valid {list} code; expected one of: {expected}")]
pub struct UnknownCode {
    pub list: &'static str,
    pub value: String,
    pub expected: String,
}

#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $list:literal { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in catalogue order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The name of this code list, as used in messages.
            pub const LIST: &'static str = $list;

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            /// Parses a code, ignoring case and surrounding spaces.
            pub fn parse(value: &str) -> Result<Self, $crate::UnknownCode> {
                let v = value.trim();
                $(if v.eq_ignore_ascii_case($code) { return Ok($name::$variant); })+
                Err($crate::UnknownCode {
                    list: $list,
                    value: value.to_string(),
                    expected: [$($code),+].join(", "),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
