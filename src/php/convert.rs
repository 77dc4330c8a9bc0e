//! PHP array <-> `serde_json::Value`.
//!
//! The engine speaks serde, so every array argument is turned into a JSON
//! value once, at the boundary, and every result goes back the same way.
//! Errors carry the path of the offending element (`user.fields.age`) so the
//! caller's exception can name it.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::DataType;
use ext_php_rs::types::{ArrayKey, ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

/// Deeper nesting than this is refused: PHP arrays can reference themselves,
/// and no setting or user snapshot is anywhere near this deep.
const MAX_DEPTH: usize = 32;

/// Why a PHP value could not become JSON: `path` names the element
/// (`fields.age`, dotted from the argument's root), `problem` says what is
/// wrong with it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{path}: {problem}")]
pub struct ConvertError {
    pub path: String,
    pub problem: Problem,
}

/// What is wrong with a value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Problem {
    #[error("{0} values are not supported (use scalars and arrays)")]
    Unsupported(&'static str),
    #[error("string is not valid UTF-8")]
    NotUtf8,
    #[error("float must be finite")]
    NotFinite,
    #[error("arrays nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

fn fail(path: &str, problem: Problem) -> ConvertError {
    ConvertError {
        path: path.to_owned(),
        problem,
    }
}

/// `parent.key`, or just `key` at the root.
fn child(parent: &str, key: &dyn std::fmt::Display) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Converts a PHP array into JSON; error paths start at `root` ("" for
/// none). A list (keys 0..n in order) becomes a JSON
/// array, anything else a JSON object with string keys; an empty PHP array
/// becomes an empty JSON array (PHP cannot tell `[]` the list from `[]` the
/// map, so the engine accepts either for an empty map).
pub fn array_to_json(array: &ZendHashTable, root: &str) -> Result<Value, ConvertError> {
    table_to_json(array, root, 0)
}

fn table_to_json(array: &ZendHashTable, path: &str, depth: usize) -> Result<Value, ConvertError> {
    if depth >= MAX_DEPTH {
        return Err(fail(path, Problem::TooDeep));
    }
    if is_list(array) {
        let mut out = Vec::with_capacity(array.len());
        for (index, value) in array.values().enumerate() {
            out.push(zval_to_json(value, &child(path, &index), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    let mut out = Map::new();
    for (key, value) in array.iter() {
        let key = key_to_string(&key, path)?;
        let value = zval_to_json(value, &child(path, &key), depth + 1)?;
        out.insert(key, value);
    }
    Ok(Value::Object(out))
}

fn is_list(array: &ZendHashTable) -> bool {
    array
        .iter()
        .enumerate()
        .all(|(i, (key, _))| matches!(key, ArrayKey::Long(k) if usize::try_from(k) == Ok(i)))
}

fn key_to_string(key: &ArrayKey<'_>, path: &str) -> Result<String, ConvertError> {
    match key {
        ArrayKey::Long(k) => Ok(k.to_string()),
        ArrayKey::String(s) => Ok(s.clone()),
        ArrayKey::Str(s) => Ok((*s).to_owned()),
        ArrayKey::ZendString(s) => s
            .as_str()
            .map(str::to_owned)
            .map_err(|_| fail(&child(path, &"<key>"), Problem::NotUtf8)),
    }
}

fn zval_to_json(zval: &Zval, path: &str, depth: usize) -> Result<Value, ConvertError> {
    let zval = zval.dereference();
    match zval.get_type() {
        DataType::Null | DataType::Undef => Ok(Value::Null),
        DataType::False => Ok(Value::Bool(false)),
        DataType::True => Ok(Value::Bool(true)),
        DataType::Bool => Ok(Value::Bool(zval.is_true())),
        DataType::Long => Ok(Value::from(zval.long().unwrap_or_default())),
        DataType::Double => {
            let f = zval.double().unwrap_or(f64::NAN);
            Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| fail(path, Problem::NotFinite))
        }
        DataType::String => zval
            .str()
            .map(|s| Value::String(s.to_owned()))
            .ok_or_else(|| fail(path, Problem::NotUtf8)),
        DataType::Array => match zval.array() {
            Some(inner) => table_to_json(inner, path, depth),
            None => Err(fail(path, Problem::Unsupported("array"))),
        },
        other => Err(fail(path, Problem::Unsupported(type_name(&other)))),
    }
}

fn type_name(ty: &DataType) -> &'static str {
    match ty {
        DataType::Object(_) => "object",
        DataType::Resource => "resource",
        DataType::Callable => "callable",
        _ => "non-scalar",
    }
}

/// Why a JSON value could not become a PHP value (only allocation-level
/// failures inside the Zend API; no JSON value is unrepresentable).
#[derive(Debug, thiserror::Error)]
#[error("could not build the result array: {0}")]
pub struct BuildError(String);

impl From<ext_php_rs::error::Error> for BuildError {
    fn from(e: ext_php_rs::error::Error) -> Self {
        Self(e.to_string())
    }
}

/// Converts a JSON value into a PHP array. Objects become associative arrays,
/// arrays become lists; a non-container value is wrapped as `[value]`, which
/// no caller relies on (results are always objects).
pub fn json_to_array(value: &Value) -> Result<ZBox<ZendHashTable>, BuildError> {
    match value {
        Value::Object(map) => object_to_table(map),
        Value::Array(list) => list_to_table(list),
        other => {
            let mut table = ZendHashTable::new();
            table.push(json_to_zval(other)?)?;
            Ok(table)
        }
    }
}

fn object_to_table(map: &Map<String, Value>) -> Result<ZBox<ZendHashTable>, BuildError> {
    let mut table = ZendHashTable::with_capacity(u32::try_from(map.len()).unwrap_or(u32::MAX));
    for (key, value) in map {
        table.insert(key.as_str(), json_to_zval(value)?)?;
    }
    Ok(table)
}

fn list_to_table(list: &[Value]) -> Result<ZBox<ZendHashTable>, BuildError> {
    let mut table = ZendHashTable::with_capacity(u32::try_from(list.len()).unwrap_or(u32::MAX));
    for value in list {
        table.push(json_to_zval(value)?)?;
    }
    Ok(table)
}

/// One JSON value as a zval: integers that fit stay integers, others become
/// floats (PHP has no unsigned 64-bit integer).
pub fn json_to_zval(value: &Value) -> Result<Zval, BuildError> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => zval.set_long(i),
            None => zval.set_double(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => zval.set_string(s, false)?,
        Value::Array(list) => zval.set_hashtable(list_to_table(list)?),
        Value::Object(map) => zval.set_hashtable(object_to_table(map)?),
    }
    Ok(zval)
}
