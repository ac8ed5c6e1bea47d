//! The identifier types of the domain: step, section, checklist and persona ids and account
//! names, each its own type so one cannot be passed where another is expected. On disk (and in
//! the JSON Schema) each is exactly the string it wraps.

use std::borrow::Borrow;
use std::fmt;

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(JsonSchema))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                $name(s.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<String> for $name {
            fn borrow(&self) -> &String {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                $name(s.clone())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

id_type!(
    /// A step's id, unique in its checklist (progress is recorded by it).
    StepId
);
id_type!(
    /// A section's id, unique in its checklist (reviews are recorded by it).
    SectionId
);
id_type!(
    /// A checklist's id, e.g. "crypto-com".
    ChecklistId
);
id_type!(
    /// A persona's id, declared by a checklist and chosen per account.
    PersonaId
);
id_type!(
    /// An account's name, the key of the state's accounts ("default" unless `--account`).
    AccountName
);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn on_disk_an_id_is_its_string() {
        let text = r#"{"b-step":1,"a-step":2,"c":3}"#;
        let plain: BTreeMap<String, u32> = serde_json::from_str(text).unwrap();
        let typed: BTreeMap<StepId, u32> = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::to_string(&typed).unwrap(),
            serde_json::to_string(&plain).unwrap()
        );
        assert_eq!(typed.get("a-step"), Some(&2));
        let list: Vec<SectionId> = serde_json::from_str(r#"["x","y"]"#).unwrap();
        assert_eq!(serde_json::to_string(&list).unwrap(), r#"["x","y"]"#);
        assert_eq!(
            serde_json::to_string(&ChecklistId::from("crypto-com")).unwrap(),
            r#""crypto-com""#
        );
        let accounts: BTreeMap<AccountName, u32> = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::to_string(&accounts).unwrap(),
            serde_json::to_string(&plain).unwrap()
        );
        let id = StepId::from("s");
        assert_eq!(id.to_string(), "s");
        assert_eq!(id, "s");
        assert_eq!("s", id);
    }
}
