//! A small macro for the many closed code lists in the domain (sectors, contract types,
//! ethnicity codes, ...). Each variant has a stable `code` (used in files and the database)
//! and a plain-English `label` (used on pages).

/// A code that is not in its code list: "'x' is not a measure code; use one of: …".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    pub list: &'static str,
    pub value: String,
    pub expected: String,
}

impl UnknownCode {
    /// The message for a value not among `codes` of the list called `list`.
    pub fn new<'a>(
        list: &'static str,
        value: &str,
        codes: impl IntoIterator<Item = &'a str>,
    ) -> UnknownCode {
        UnknownCode {
            list,
            value: value.to_string(),
            expected: codes.into_iter().collect::<Vec<_>>().join(", "),
        }
    }
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let article = match self.list.chars().next() {
            Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
            _ => "a",
        };
        write!(
            f,
            "'{}' is not {article} {} code; use one of: {}",
            self.value, self.list, self.expected
        )
    }
}

impl std::error::Error for UnknownCode {}

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
                Err($crate::UnknownCode::new($list, value, [$($code),+]))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::UnknownCode;

    #[test]
    fn an_unknown_code_says_which_list_and_what_would_do() {
        let e = UnknownCode::new("measure", "nonsense", ["people", "inpost_fte"]);
        assert_eq!(
            e.to_string(),
            "'nonsense' is not a measure code; use one of: people, inpost_fte"
        );
        let e = UnknownCode::new("ethnicity", "X", ["WBRI"]);
        assert!(e.to_string().starts_with("'X' is not an ethnicity code"));
    }
}
