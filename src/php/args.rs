//! Argument types for the `okta_sync_*` functions.

use ext_php_rs::convert::{FromZval, StubLiteral};
use ext_php_rs::flags::DataType;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::Value;

use super::convert::{array_to_json, ConvertError};

/// An `array` parameter that may be omitted with the default `[]`.
///
/// `&ZendHashTable` has no stub literal, so a parameter declared
/// `array $options = []` needs this: PHP sees an `array` type whose
/// reflection default is `[]`, Rust sees "maybe a table".
pub struct OptionalArray<'a>(Option<&'a ZendHashTable>);

impl OptionalArray<'_> {
    /// The omitted value, `[]`.
    pub const EMPTY: OptionalArray<'static> = OptionalArray(None);

    /// As JSON, with error paths rooted at `root`; omitted is an empty array.
    pub fn to_json(&self, root: &str) -> Result<Value, ConvertError> {
        match self.0 {
            Some(table) => array_to_json(table, root),
            None => Ok(Value::Array(Vec::new())),
        }
    }
}

impl<'a> FromZval<'a> for OptionalArray<'a> {
    const TYPE: DataType = DataType::Array;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.array().map(|table| OptionalArray(Some(table)))
    }
}

impl StubLiteral for OptionalArray<'_> {
    fn stub_literal(&self) -> String {
        "[]".to_owned()
    }
}
