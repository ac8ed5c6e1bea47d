//! Maps that refuse duplicate keys: a state file with two `"default"` accounts must be an error,
//! not a silent "last one wins" that the next save would make permanent.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Deserialize, MapAccess, Visitor};

/// Deserializes a JSON object into a map, failing on the first repeated key.
pub fn map<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + fmt::Display,
    V: Deserialize<'de>,
{
    struct Unique<K, V>(PhantomData<(K, V)>);
    impl<'de, K: Deserialize<'de> + Ord + fmt::Display, V: Deserialize<'de>> Visitor<'de>
        for Unique<K, V>
    {
        type Value = BTreeMap<K, V>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object with unique keys")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(k) = m.next_key::<K>()? {
                if out.contains_key(&k) {
                    return Err(de::Error::custom(format_args!(
                        "duplicate key `{k}` (lockstep would keep only one of them)"
                    )));
                }
                let v = m.next_value()?;
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct T {
        #[serde(deserialize_with = "map")]
        m: BTreeMap<String, u32>,
    }

    #[test]
    fn duplicates_are_refused() {
        let e = serde_json::from_str::<T>(r#"{"m": {"a": 1, "a": 2}}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key `a`"), "{e}");
        let ok: T = serde_json::from_str(r#"{"m": {"a": 1, "b": 2}}"#).unwrap();
        assert_eq!(ok.m.len(), 2);
    }
}
