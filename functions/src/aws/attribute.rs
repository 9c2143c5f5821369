//! Converts serde data to DynamoDB attributes and back, through `serde_json::Value`.
//!
//! Records keep their natural shape in the table (maps, lists, strings, numbers), so an operator
//! reading an item in the console sees the proposal's fields, not an opaque blob, and the store
//! needs no hand-written field list that could drift from the record types.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// A DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

/// Why an item could not be read back as a record.
#[derive(Debug, thiserror::Error)]
pub enum AttributeError {
    /// The record does not serialise to a JSON object.
    #[error("a record must serialise to a map, got {0}")]
    NotAMap(&'static str),
    /// The item holds an attribute type records never use (sets, binary).
    #[error("attribute `{0}` has a type records never use")]
    Unsupported(String),
    /// A number attribute is not a number.
    #[error("attribute `{0}` is not a valid number")]
    BadNumber(String),
    /// The attributes do not match the record type.
    #[error("item does not match the record: {0}")]
    Shape(#[from] serde_json::Error),
}

/// The attributes of `record`, which must serialise to a map.
pub fn to_item<T: Serialize>(record: &T) -> Result<Item, AttributeError> {
    match serde_json::to_value(record)? {
        serde_json::Value::Object(map) => Ok(map
            .into_iter()
            .map(|(name, value)| (name, to_attribute(value)))
            .collect()),
        other => Err(AttributeError::NotAMap(kind(&other))),
    }
}

/// Reads a record from `item`, ignoring `skip` (key and bookkeeping attributes).
pub fn from_item<T: DeserializeOwned>(item: &Item, skip: &[&str]) -> Result<T, AttributeError> {
    let mut map = serde_json::Map::new();
    for (name, value) in item {
        if !skip.contains(&name.as_str()) {
            map.insert(name.clone(), from_attribute(name, value)?);
        }
    }
    Ok(serde_json::from_value(serde_json::Value::Object(map))?)
}

/// One JSON value as an attribute.
pub fn to_attribute(value: serde_json::Value) -> AttributeValue {
    use serde_json::Value;
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s),
        Value::Array(list) => AttributeValue::L(list.into_iter().map(to_attribute).collect()),
        Value::Object(map) => AttributeValue::M(
            map.into_iter()
                .map(|(name, value)| (name, to_attribute(value)))
                .collect(),
        ),
    }
}

fn from_attribute(name: &str, value: &AttributeValue) -> Result<serde_json::Value, AttributeError> {
    use serde_json::Value;
    Ok(match value {
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::N(n) => {
            let number = if let Ok(i) = n.parse::<i64>() {
                serde_json::Number::from(i)
            } else if let Ok(u) = n.parse::<u64>() {
                serde_json::Number::from(u)
            } else {
                n.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .ok_or_else(|| AttributeError::BadNumber(name.to_owned()))?
            };
            Value::Number(number)
        }
        AttributeValue::L(list) => Value::Array(
            list.iter()
                .map(|v| from_attribute(name, v))
                .collect::<Result<_, _>>()?,
        ),
        AttributeValue::M(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), from_attribute(k, v)?)))
                .collect::<Result<_, AttributeError>>()?,
        ),
        _ => return Err(AttributeError::Unsupported(name.to_owned())),
    })
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Record {
        name: String,
        empty: String,
        version: u32,
        big: u64,
        ratio: f64,
        flag: bool,
        missing: Option<String>,
        tags: Vec<String>,
        nested: HashMap<String, i64>,
    }

    #[test]
    fn round_trips_a_record_in_native_attributes() {
        let record = Record {
            name: "Ana <script>\r\n".into(),
            empty: String::new(),
            version: 3,
            big: u64::MAX,
            ratio: 0.5,
            flag: true,
            missing: None,
            tags: vec!["a".into(), "b".into()],
            nested: HashMap::from([("x".into(), -7)]),
        };
        let mut item = to_item(&record).unwrap();
        assert_eq!(item["version"], AttributeValue::N("3".into()));
        assert_eq!(item["name"], AttributeValue::S("Ana <script>\r\n".into()));
        item.insert("pk".into(), AttributeValue::S("key".into()));
        let back: Record = from_item(&item, &["pk"]).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn rejects_non_maps_and_sets() {
        assert!(matches!(to_item(&3), Err(AttributeError::NotAMap(_))));
        let item = Item::from([("s".into(), AttributeValue::Ss(vec!["a".into()]))]);
        assert!(matches!(
            from_item::<serde_json::Value>(&item, &[]),
            Err(AttributeError::Unsupported(_))
        ));
    }
}
