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
        let article = crate::words::article(self.list);
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
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        // In JSON, as in files and the database, a code list's value is its code.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $name::parse(&code).map_err(serde::de::Error::custom)
            }
        }

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
                f.pad(self.label())
            }
        }

        $crate::code_enum_sqlx!($name);
    };
}

/// With the `sqlx` feature (the store turns it on), every code list is stored as its code in a
/// text column and read back through `parse`: a stored value outside the list is a decoding
/// error, never a default.
#[cfg(feature = "sqlx")]
#[doc(hidden)]
#[macro_export]
macro_rules! code_enum_sqlx {
    ($name:ident) => {
        impl<DB: $crate::sqlx::Database> $crate::sqlx::Type<DB> for $name
        where
            str: $crate::sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as $crate::sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as $crate::sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: $crate::sqlx::Database> $crate::sqlx::Encode<'q, DB> for $name
        where
            &'q str: $crate::sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as $crate::sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<$crate::sqlx::encode::IsNull, $crate::sqlx::error::BoxDynError> {
                <&'q str as $crate::sqlx::Encode<'q, DB>>::encode(self.code(), buf)
            }
        }

        impl<'r, DB: $crate::sqlx::Database> $crate::sqlx::Decode<'r, DB> for $name
        where
            &'r str: $crate::sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as $crate::sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, $crate::sqlx::error::BoxDynError> {
                let code = <&'r str as $crate::sqlx::Decode<'r, DB>>::decode(value)?;
                Ok($name::parse(code)?)
            }
        }
    };
}

#[cfg(not(feature = "sqlx"))]
#[doc(hidden)]
#[macro_export]
macro_rules! code_enum_sqlx {
    ($name:ident) => {};
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
