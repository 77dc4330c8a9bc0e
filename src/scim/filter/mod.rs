//! SCIM filters: parse (checked against the schema), the array form for
//! PHP, and evaluation against a resource.

mod ast;
mod eval;
mod lexer;
mod parse;

pub use ast::{AttrRef, CompareOp, Filter};
pub use eval::matches;
pub use parse::{parse, parse_element, MAX_DEPTH};

#[cfg(test)]
mod tests;
