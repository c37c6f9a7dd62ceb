//! Reading answers leniently: OpenRouter's spec lets many fields be `null`, and real answers
//! leave fields out. A field we read into a plain value (a string, a list, a number) takes
//! its default when it is absent or `null`, so neither ever fails a whole answer.

use serde::{Deserialize, Deserializer};

/// `#[serde(default, deserialize_with = "…::null_default")]`: `null` reads as the default.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct S {
        #[serde(default, deserialize_with = "null_default")]
        name: String,
        #[serde(default, deserialize_with = "null_default")]
        list: Vec<u32>,
    }

    #[test]
    fn null_and_absent_read_as_default() {
        let a: S = serde_json::from_str(r#"{"name": null, "list": null}"#).unwrap();
        let b: S = serde_json::from_str("{}").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.name, "");
        let c: S = serde_json::from_str(r#"{"name": "x", "list": [1]}"#).unwrap();
        assert_eq!(c.list, vec![1]);
    }
}
