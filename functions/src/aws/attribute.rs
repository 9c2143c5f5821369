//! Serde records as DynamoDB items and back, with the `serde_dynamo` crate.
//!
//! Records keep their natural shape in the table (maps, lists, strings, numbers), so an operator
//! reading an item in the console sees the proposal's fields, not an opaque blob, and the store
//! needs no hand-written field list that could drift from the record types.
//!
//! Why `serde_dynamo` (feature `aws-sdk-dynamodb+1`, the SDK major version in `Cargo.lock`):
//! it replaced a hand-written conversion through `serde_json::Value` that did the same job. It
//! writes the same attribute types for every record (`M`, `L`, `S`, `N`, `BOOL`, `NULL`; records
//! hold no bytes or sets), so items stored before the change read back unchanged (a test below
//! reads such an item); it was already in the build as a dependency of `aws_lambda_events`'
//! DynamoDB stream types, so it brings no new crate; and it converts directly, without building
//! a JSON tree per item.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// A DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

/// Why a record could not be written as an item or read back from one.
pub type AttributeError = serde_dynamo::Error;

/// The attributes of `record`, which must serialise to a map.
pub fn to_item<T: Serialize>(record: &T) -> Result<Item, AttributeError> {
    serde_dynamo::to_item(record)
}

/// Reads a record from `item`, ignoring `skip` (key and bookkeeping attributes).
pub fn from_item<T: DeserializeOwned>(item: &Item, skip: &[&str]) -> Result<T, AttributeError> {
    let fields: Item = item
        .iter()
        .filter(|(name, _)| !skip.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    serde_dynamo::from_item(fields)
}

/// One value (a timestamp, a string) as an attribute.
pub fn to_attribute<T: Serialize>(value: &T) -> Result<AttributeValue, AttributeError> {
    serde_dynamo::to_attribute_value(value)
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
        assert_eq!(item["missing"], AttributeValue::Null(true));
        assert_eq!(
            item["tags"],
            AttributeValue::L(vec![
                AttributeValue::S("a".into()),
                AttributeValue::S("b".into())
            ])
        );
        assert!(
            matches!(&item["nested"], AttributeValue::M(map) if map["x"] == AttributeValue::N("-7".into()))
        );
        item.insert("pk".into(), AttributeValue::S("key".into()));
        let back: Record = from_item(&item, &["pk"]).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn rejects_non_maps_and_items_of_another_shape() {
        assert!(to_item(&3).is_err());
        let item = Item::from([("version".into(), AttributeValue::S("three".into()))]);
        assert!(from_item::<Record>(&item, &[]).is_err());
    }

    #[test]
    fn items_written_by_the_json_conversion_read_back() {
        // What the hand-written conversion wrote: numbers as `N`, `None` as `NULL`, maps as `M`.
        let item = Item::from([
            ("name".into(), AttributeValue::S("Ana".into())),
            ("empty".into(), AttributeValue::S(String::new())),
            ("version".into(), AttributeValue::N("3".into())),
            ("big".into(), AttributeValue::N(u64::MAX.to_string())),
            ("ratio".into(), AttributeValue::N("0.5".into())),
            ("flag".into(), AttributeValue::Bool(true)),
            ("missing".into(), AttributeValue::Null(true)),
            ("tags".into(), AttributeValue::L(vec![])),
            ("nested".into(), AttributeValue::M(HashMap::new())),
        ]);
        let record: Record = from_item(&item, &[]).unwrap();
        assert_eq!(
            (record.version, record.big, record.ratio),
            (3, u64::MAX, 0.5)
        );
    }
}
