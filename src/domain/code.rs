//! Enums stored and exchanged as stable text codes (database columns, component ids).

/// A stored or typed code that names no variant of the enum it was read as.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown {kind} `{code}`")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

/// Declares an enum with stable text codes (`as_str`, `FromStr`, `Display`, serde as the
/// code, `ALL`).
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// Stable code, used in the database and in component ids.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::code::UnknownCode;

            fn from_str(code: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == code)
                    .ok_or_else(|| $crate::domain::code::UnknownCode {
                        kind: $kind,
                        code: code.to_owned(),
                    })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <String as serde::Deserialize>::deserialize(deserializer)?;
                code.parse().map_err(serde::de::Error::custom)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::code::UnknownCode;

            fn try_from(code: String) -> Result<Self, Self::Error> {
                code.parse()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use coded;
