//! Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2), checked
//! against the resource type's schema as it goes: every attribute must
//! exist, every operator must suit its type, every value must have that
//! type. Anything else is a 400 `invalidFilter` whose detail says what and
//! where.
//!
//! Precedence: `not` > `and` > `or`; `not` needs parentheses. Accepted
//! beyond the RFC grammar, because real clients send them: operators and
//! keywords in any case, single-quoted strings, `"true"`/`"false"` strings
//! for booleans, and `emails[type eq "work"].value eq "x"` (a value path
//! with a sub-attribute, parsed as `emails[type eq "work" and value eq "x"]`).
//! A complex multi-valued attribute without a sub-attribute compares its
//! `value` (`emails co "@example.com"`, RFC 7644's own example).

use serde_json::{Number, Value};

use super::ast::{AttrRef, CompareOp, Filter};
use super::lexer::{tokenize, Tok, Token};
use crate::scim::error::{ScimError, ScimResult};
use crate::scim::path::{parse_raw, resolve, ResolveError};
use crate::scim::schema::{Attr, Kind, Mutability, ResourceType};
use crate::scim::time::parse_datetime;

/// Deepest nesting of parentheses, `not` and brackets. Keeps the AST well
/// inside the PHP conversion's depth limit; real filters use two or three.
pub const MAX_DEPTH: usize = 10;

/// Parses `text` as a filter on `rtype` resources.
pub fn parse(text: &str, rtype: ResourceType) -> ScimResult<Filter> {
    let toks = tokenize(text).map_err(ScimError::invalid_filter)?;
    if toks.is_empty() {
        return Err(ScimError::invalid_filter("the filter is empty"));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        rtype,
        depth: 0,
    };
    let filter = p.or(None)?;
    if let Some(t) = p.peek() {
        return Err(p.unexpected(t, "the end of the filter or 'and'/'or'"));
    }
    Ok(filter)
}

/// Parses the filter inside a PATCH path's brackets (`members[value eq
/// "x"]`): attributes are `parent`'s sub-attributes.
pub fn parse_element(text: &str, rtype: ResourceType, parent: &'static Attr) -> ScimResult<Filter> {
    let toks = tokenize(text).map_err(ScimError::invalid_filter)?;
    if toks.is_empty() {
        return Err(ScimError::invalid_filter("the value filter is empty"));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        rtype,
        depth: 1,
    };
    let filter = p.or(Some(parent))?;
    if let Some(t) = p.peek() {
        return Err(p.unexpected(t, "the end of the value filter or 'and'/'or'"));
    }
    Ok(filter)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    rtype: ResourceType,
    depth: usize,
}

fn word_is(t: &Token, kw: &str) -> bool {
    matches!(&t.tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

fn describe(t: &Token) -> String {
    match &t.tok {
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::LBracket => "'['".into(),
        Tok::RBracket => "']'".into(),
        Tok::Str(s) => format!("the string \"{}\"", truncate(s)),
        Tok::Word(w) => format!("'{}'", truncate(w)),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

fn err(detail: impl Into<String>) -> ScimError {
    ScimError::invalid_filter(detail)
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn unexpected(&self, t: &Token, wanted: &str) -> ScimError {
        err(format!(
            "expected {wanted} at {}, found {}",
            t.at,
            describe(t)
        ))
    }

    fn expect(&mut self, want: &Tok, name: &str) -> ScimResult<()> {
        match self.next() {
            Some(t) if &t.tok == want => Ok(()),
            Some(t) => Err(self.unexpected(&t, name)),
            None => Err(err(format!("expected {name}, found the end of the filter"))),
        }
    }

    fn enter(&mut self) -> ScimResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(format!(
                "the filter nests more than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    /// `and (or and)*`; `ctx` is the complex attribute inside brackets.
    fn or(&mut self, ctx: Option<&'static Attr>) -> ScimResult<Filter> {
        let mut items = vec![self.and(ctx)?];
        while self.peek().is_some_and(|t| word_is(t, "or")) {
            self.pos += 1;
            items.push(self.and(ctx)?);
        }
        Ok(flatten(items, false))
    }

    fn and(&mut self, ctx: Option<&'static Attr>) -> ScimResult<Filter> {
        let mut items = vec![self.unary(ctx)?];
        while self.peek().is_some_and(|t| word_is(t, "and")) {
            self.pos += 1;
            items.push(self.unary(ctx)?);
        }
        Ok(flatten(items, true))
    }

    fn unary(&mut self, ctx: Option<&'static Attr>) -> ScimResult<Filter> {
        let Some(t) = self.next() else {
            return Err(err(
                "expected an attribute expression, found the end of the filter",
            ));
        };
        if word_is(&t, "not") {
            if !self.peek().is_some_and(|n| n.tok == Tok::LParen) {
                return Err(err(format!(
                    "'not' at {} must be followed by a parenthesised filter: not (...)",
                    t.at
                )));
            }
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.group(ctx)?)));
        }
        match t.tok {
            Tok::LParen => self.group(ctx),
            Tok::Word(ref w) if !w.starts_with('.') => self.attr_expr(w, t.at, ctx),
            _ => Err(self.unexpected(&t, "an attribute, '(' or 'not'")),
        }
    }

    /// After '(': a filter and ')'.
    fn group(&mut self, ctx: Option<&'static Attr>) -> ScimResult<Filter> {
        self.enter()?;
        let inner = self.or(ctx)?;
        self.expect(&Tok::RParen, "')'")?;
        self.depth -= 1;
        Ok(inner)
    }

    fn attr_expr(
        &mut self,
        word: &str,
        at: usize,
        ctx: Option<&'static Attr>,
    ) -> ScimResult<Filter> {
        let (attr, sub, ext) = match ctx {
            Some(parent) => (self.sub_of(parent, word, at)?, None, None),
            None => {
                let raw = parse_raw(word).map_err(|e| err(format!("at {at}: {e}")))?;
                let r = resolve(self.rtype, &raw).map_err(|e| self.unknown(e, at))?;
                (r.attr, r.sub, r.ext)
            }
        };
        if self.peek().is_some_and(|t| t.tok == Tok::LBracket) {
            if ctx.is_some() || sub.is_some() || !attr.is_complex() {
                return Err(err(format!(
                    "at {at}: only a complex attribute can take a [filter], e.g. emails[type eq \"work\"]"
                )));
            }
            self.pos += 1;
            return self.value_path(attr, ext);
        }
        let (leaf, sub) = match sub {
            Some(s) => (s, Some(s)),
            None if attr.is_complex() => match attr.sub_attr("value") {
                Some(v) if attr.multi => (v, Some(v)),
                _ => {
                    return Err(err(format!(
                        "at {at}: '{}' is complex; filter one of its sub-attributes, e.g. {}.{}",
                        attr.name,
                        attr.name,
                        attr.sub.first().map_or("value", |s| s.name)
                    )))
                }
            },
            None => (attr, None),
        };
        let aref = AttrRef {
            ext: ext.map(str::to_owned),
            name: attr.name.to_owned(),
            sub: sub.map(|s| s.name.to_owned()),
            kind: leaf.kind,
            case_exact: leaf.case_exact,
        };
        self.comparison(aref, leaf)
    }

    /// `op value` or `pr` after an attribute.
    fn comparison(&mut self, attr: AttrRef, def: &'static Attr) -> ScimResult<Filter> {
        let path = attr.path();
        if def.mutability == Mutability::WriteOnly {
            return Err(err(format!(
                "'{path}' is write-only and cannot be filtered"
            )));
        }
        let Some(t) = self.next() else {
            return Err(err(format!(
                "expected an operator after '{path}', found the end of the filter"
            )));
        };
        let Tok::Word(w) = &t.tok else {
            return Err(self.unexpected(&t, &format!("an operator after '{path}'")));
        };
        if w.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(attr));
        }
        let op = CompareOp::parse(w).ok_or_else(|| {
            err(format!(
                "unknown operator '{}' at {}; use eq, ne, co, sw, ew, gt, ge, lt, le or pr",
                truncate(w),
                t.at
            ))
        })?;
        let value = self.comp_value(&path)?;
        let value = check_value(&path, def.kind, op, value)?;
        Ok(Filter::Compare { attr, op, value })
    }

    fn comp_value(&mut self, path: &str) -> ScimResult<Value> {
        let Some(t) = self.next() else {
            return Err(err(format!(
                "expected a value after the operator on '{path}', found the end of the filter"
            )));
        };
        match &t.tok {
            Tok::Str(s) => Ok(Value::String(s.clone())),
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            Tok::Word(w) if w.eq_ignore_ascii_case("null") => Ok(Value::Null),
            Tok::Word(w) => parse_number(w).ok_or_else(|| {
                err(format!(
                    "expected a value at {} (a \"string\", number, true, false or null), found '{}'",
                    t.at,
                    truncate(w)
                ))
            }),
            _ => Err(self.unexpected(&t, "a value")),
        }
    }

    /// After `attr[`: the element filter, `]`, and an optional `.sub op
    /// value` (folded into the element filter).
    fn value_path(&mut self, attr: &'static Attr, ext: Option<&'static str>) -> ScimResult<Filter> {
        self.enter()?;
        let inner = self.or(Some(attr))?;
        self.expect(&Tok::RBracket, "']'")?;
        self.depth -= 1;
        let aref = AttrRef {
            ext: ext.map(str::to_owned),
            name: attr.name.to_owned(),
            sub: None,
            kind: Kind::Complex,
            case_exact: false,
        };
        let filter = match self.peek() {
            Some(Token {
                tok: Tok::Word(w),
                at: sub_at,
            }) if w.starts_with('.') => {
                let (name, sub_at) = (w[1..].to_owned(), *sub_at);
                self.pos += 1;
                let def = self.sub_of(attr, &name, sub_at)?;
                let sub = AttrRef {
                    ext: None,
                    name: def.name.to_owned(),
                    sub: None,
                    kind: def.kind,
                    case_exact: def.case_exact,
                };
                let cmp = self.comparison(sub, def)?;
                flatten(vec![inner, cmp], true)
            }
            _ => inner,
        };
        Ok(Filter::Has {
            attr: aref,
            filter: Box::new(filter),
        })
    }

    fn sub_of(&self, parent: &'static Attr, name: &str, at: usize) -> ScimResult<&'static Attr> {
        parent.sub_attr(name).ok_or_else(|| {
            let known: Vec<&str> = parent.sub.iter().map(|s| s.name).collect();
            err(format!(
                "at {at}: '{}' has no sub-attribute '{}' (it has: {})",
                parent.name,
                truncate(name),
                known.join(", ")
            ))
        })
    }

    fn unknown(&self, e: ResolveError, at: usize) -> ScimError {
        let mut known: Vec<&str> = crate::scim::schema::COMMON
            .iter()
            .chain(self.rtype.core_attrs())
            .filter(|a| a.mutability != Mutability::WriteOnly)
            .map(|a| a.name)
            .collect();
        known.dedup();
        err(format!(
            "at {at}: {e}; filterable {} attributes: {}",
            self.rtype.as_str(),
            known.join(", ")
        ))
    }
}

/// One item stays itself; nested nodes of the same kind merge.
fn flatten(items: Vec<Filter>, and: bool) -> Filter {
    if items.len() == 1 {
        return items.into_iter().next().unwrap_or(Filter::And(Vec::new()));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Filter::And(inner) if and => out.extend(inner),
            Filter::Or(inner) if !and => out.extend(inner),
            other => out.push(other),
        }
    }
    if and {
        Filter::And(out)
    } else {
        Filter::Or(out)
    }
}

fn parse_number(w: &str) -> Option<Value> {
    if let Ok(i) = w.parse::<i64>() {
        return Some(Value::from(i));
    }
    // Only JSON-looking decimals: Rust's float parser also takes "inf".
    if !w
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    w.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

/// Checks that `op` suits the attribute's type and `value` has that type;
/// returns the value coerced (boolean strings, numbers as text).
fn check_value(path: &str, kind: Kind, op: CompareOp, value: Value) -> ScimResult<Value> {
    let kind_name = kind.as_str();
    if value.is_null() {
        return match op {
            CompareOp::Eq | CompareOp::Ne => Ok(value),
            _ => Err(err(format!(
                "'{path}' can only be compared with null using eq or ne"
            ))),
        };
    }
    if op.is_substring() && !matches!(kind, Kind::String | Kind::Reference | Kind::Binary) {
        return Err(err(format!(
            "'{}' does not apply to '{path}' ({kind_name}); co, sw and ew need a string attribute",
            op.as_str()
        )));
    }
    match kind {
        Kind::Boolean => {
            if op.is_ordering() {
                return Err(err(format!("'{path}' is a boolean: use eq or ne")));
            }
            match &value {
                Value::Bool(_) => Ok(value),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
                _ => Err(err(format!("'{path}' is a boolean: compare it with true or false"))),
            }
        }
        Kind::Integer | Kind::Decimal => match &value {
            Value::Number(n) if kind == Kind::Decimal || n.is_i64() || n.is_u64() => Ok(value),
            _ => Err(err(format!("'{path}' is {kind_name}: compare it with a number"))),
        },
        Kind::DateTime => match &value {
            Value::String(s) if parse_datetime(s).is_some() => Ok(value),
            _ => Err(err(format!(
                "'{path}' is a dateTime: compare it with an RFC 3339 string, e.g. \"2026-01-01T00:00:00Z\""
            ))),
        },
        Kind::String | Kind::Reference | Kind::Binary => match value {
            Value::String(_) => Ok(value),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            _ => Err(err(format!("'{path}' is {kind_name}: compare it with a \"string\""))),
        },
        Kind::Complex => Err(err(format!("'{path}' is complex and cannot be compared"))),
    }
}
