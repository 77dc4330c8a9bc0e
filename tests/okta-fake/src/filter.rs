//! The SCIM-like expression language of `filter` and `search` (REFERENCE §4.3, §5).
//!
//! Grammar: `expr := term ("or" term)*`, `term := factor ("and" factor)*`,
//! `factor := "(" expr ")" | attr op value | attr "pr"`. Keywords and operators
//! are case-insensitive, attribute names case-sensitive.

use serde_json::Value;

use crate::clock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Sw,
    Co,
    Gt,
    Ge,
    Lt,
    Le,
    Pr,
}

#[derive(Debug, Clone)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp { attr: String, op: Op, value: Value },
}

/// Which endpoint/parameter the expression came from: decides what is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    UserFilter,
    UserSearch,
    GroupFilter,
    GroupSearch,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Str(String),
    Word(String),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == '"' {
            let mut v = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("unterminated string".into()),
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        if let Some(n) = chars.get(i + 1) {
                            v.push(*n);
                        }
                        i += 2;
                    }
                    Some(ch) => {
                        v.push(*ch);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(v));
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '(' && chars[i] != ')'
            {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let mut left = self.term()?;
        while self.peek_word("or") {
            self.pos += 1;
            let right = self.term()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, String> {
        let mut left = self.factor()?;
        while self.peek_word("and") {
            self.pos += 1;
            let right = self.factor()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Expr, String> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let e = self.expr()?;
                if self.toks.get(self.pos) != Some(&Tok::RParen) {
                    return Err("missing `)`".into());
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Word(attr)) => {
                self.pos += 1;
                let op = match self.toks.get(self.pos) {
                    Some(Tok::Word(o)) => match o.to_ascii_lowercase().as_str() {
                        "eq" => Op::Eq,
                        "sw" => Op::Sw,
                        "co" => Op::Co,
                        "gt" => Op::Gt,
                        "ge" => Op::Ge,
                        "lt" => Op::Lt,
                        "le" => Op::Le,
                        "pr" => Op::Pr,
                        other => return Err(format!("unsupported operator `{other}`")),
                    },
                    _ => return Err(format!("expected an operator after `{attr}`")),
                };
                self.pos += 1;
                if op == Op::Pr {
                    return Ok(Expr::Cmp {
                        attr,
                        op,
                        value: Value::Null,
                    });
                }
                let value = match self.toks.get(self.pos) {
                    Some(Tok::Str(s)) => Value::String(s.clone()),
                    Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        "null" => Value::Null,
                        _ => match w.parse::<f64>() {
                            Ok(n) => serde_json::Number::from_f64(n)
                                .map(Value::Number)
                                .unwrap_or(Value::Null),
                            Err(_) => {
                                return Err(format!(
                                    "invalid value `{w}` (strings need double quotes)"
                                ))
                            }
                        },
                    },
                    _ => return Err(format!("expected a value after `{attr}`")),
                };
                self.pos += 1;
                Ok(Expr::Cmp { attr, op, value })
            }
            _ => Err("expected an attribute or `(`".into()),
        }
    }
}

pub fn parse(input: &str, mode: Mode) -> Result<Expr, String> {
    let toks = tokenize(input)?;
    if toks.is_empty() {
        return Err("empty expression".into());
    }
    let mut p = Parser { toks, pos: 0 };
    let e = p.expr()?;
    if p.pos != p.toks.len() {
        return Err("unexpected trailing input".into());
    }
    check(&e, mode)?;
    Ok(e)
}

const DATE_ATTRS: [&str; 7] = [
    "created",
    "activated",
    "statusChanged",
    "lastUpdated",
    "lastLogin",
    "passwordChanged",
    "lastMembershipUpdated",
];

fn is_range(op: Op) -> bool {
    matches!(op, Op::Gt | Op::Ge | Op::Lt | Op::Le)
}

fn check(e: &Expr, mode: Mode) -> Result<(), String> {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            check(a, mode)?;
            check(b, mode)
        }
        Expr::Cmp { attr, op, value } => {
            let a = attr.as_str();
            if DATE_ATTRS.contains(&a) && *op != Op::Pr {
                let valid = value.as_str().and_then(clock::parse_iso).is_some();
                if !valid {
                    return Err(format!(
                        "`{a}` needs an ISO-8601 timestamp in double quotes"
                    ));
                }
            }
            let ok = match mode {
                Mode::UserFilter => match a {
                    "status" | "id" | "profile.login" | "profile.email" | "profile.firstName"
                    | "profile.lastName" => *op == Op::Eq,
                    "lastUpdated" => *op == Op::Eq || is_range(*op),
                    _ => return Err(format!("`{a}` cannot be used in a filter")),
                },
                Mode::GroupFilter => match a {
                    "id" | "type" => *op == Op::Eq,
                    "lastUpdated" | "lastMembershipUpdated" => *op == Op::Eq || is_range(*op),
                    _ => return Err(format!("`{a}` cannot be used in a filter")),
                },
                Mode::UserSearch => {
                    let top = [
                        "id",
                        "status",
                        "created",
                        "activated",
                        "statusChanged",
                        "lastUpdated",
                        "lastLogin",
                        "passwordChanged",
                        "type.id",
                    ];
                    if !(top.contains(&a) || a.starts_with("profile.")) {
                        return Err(format!("`{a}` is not searchable"));
                    }
                    match op {
                        Op::Co => matches!(
                            a,
                            "profile.firstName"
                                | "profile.lastName"
                                | "profile.email"
                                | "profile.login"
                        ),
                        _ => true,
                    }
                }
                Mode::GroupSearch => {
                    let top = [
                        "id",
                        "created",
                        "lastUpdated",
                        "lastMembershipUpdated",
                        "type",
                        "source.id",
                    ];
                    if !(top.contains(&a) || a.starts_with("profile.")) {
                        return Err(format!("`{a}` is not searchable"));
                    }
                    match op {
                        Op::Co => matches!(a, "profile.name" | "profile.description"),
                        _ => true,
                    }
                }
            };
            if ok {
                Ok(())
            } else {
                Err(format!("operator {op:?} is not supported on `{a}`"))
            }
        }
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn compare_one(attr: &str, have: &Value, op: Op, want: &Value, fold: bool) -> bool {
    if op == Op::Pr {
        return !have.is_null();
    }
    if DATE_ATTRS.contains(&attr) {
        let (Some(h), Some(w)) = (
            have.as_str().and_then(clock::parse_iso),
            want.as_str().and_then(clock::parse_iso),
        ) else {
            return false;
        };
        return match op {
            Op::Eq => h == w,
            Op::Gt => h > w,
            Op::Ge => h >= w,
            Op::Lt => h < w,
            Op::Le => h <= w,
            Op::Sw | Op::Co | Op::Pr => false,
        };
    }
    if let (Some(h), Some(w)) = (have.as_f64(), want.as_f64()) {
        return match op {
            Op::Eq => h == w,
            Op::Gt => h > w,
            Op::Ge => h >= w,
            Op::Lt => h < w,
            Op::Le => h <= w,
            _ => false,
        };
    }
    let (Some(mut h), Some(mut w)) = (text(have), text(want)) else {
        return have.is_null() && want.is_null() && op == Op::Eq;
    };
    if fold {
        h = h.to_lowercase();
        w = w.to_lowercase();
    }
    match op {
        Op::Eq => h == w,
        Op::Sw => h.starts_with(&w),
        Op::Co => h.contains(&w),
        Op::Gt => h > w,
        Op::Ge => h >= w,
        Op::Lt => h < w,
        Op::Le => h <= w,
        Op::Pr => true,
    }
}

/// Evaluates `e` with `lookup(attr)` giving the object's value (arrays match
/// if any element matches, SCIM-style). `fold`: values compare case-insensitively.
pub fn eval(e: &Expr, lookup: &dyn Fn(&str) -> Value, fold: bool) -> bool {
    match e {
        Expr::And(a, b) => eval(a, lookup, fold) && eval(b, lookup, fold),
        Expr::Or(a, b) => eval(a, lookup, fold) || eval(b, lookup, fold),
        Expr::Cmp { attr, op, value } => match lookup(attr) {
            Value::Array(items) => items.iter().any(|i| compare_one(attr, i, *op, value, fold)),
            v => compare_one(attr, &v, *op, value, fold),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(attr: &str) -> Value {
        let u = json!({
            "status": "ACTIVE",
            "lastUpdated": "2024-05-01T10:00:00.000Z",
            "profile.login": "Jane@Example.com",
            "profile.tags": ["a", "b"],
        });
        u.get(attr).cloned().unwrap_or(Value::Null)
    }

    #[test]
    fn filter_grammar() {
        let e = parse(
            "status eq \"ACTIVE\" AND (lastUpdated gt \"2024-01-01T00:00:00.000Z\" or id eq \"x\")",
            Mode::UserFilter,
        )
        .expect("valid");
        assert!(eval(&e, &user, false));
        let e = parse("status eq \"active\"", Mode::UserFilter).expect("valid");
        assert!(!eval(&e, &user, false), "filter values are case-sensitive");
        assert!(parse("profile.city eq \"x\"", Mode::UserFilter).is_err());
        assert!(parse("status sw \"A\"", Mode::UserFilter).is_err());
        assert!(parse("status eq ACTIVE", Mode::UserFilter).is_err());
        assert!(parse("status eq \"ACTIVE\" and", Mode::UserFilter).is_err());
        assert!(parse("lastUpdated gt \"yesterday\"", Mode::UserFilter).is_err());
    }

    #[test]
    fn search_grammar() {
        let e = parse("profile.login sw \"jane\"", Mode::UserSearch).expect("valid");
        assert!(eval(&e, &user, true), "search values are case-insensitive");
        let e = parse("profile.tags eq \"b\"", Mode::UserSearch).expect("valid");
        assert!(eval(&e, &user, true), "array attributes match any element");
        assert!(parse("profile.city co \"x\"", Mode::UserSearch).is_err());
        assert!(parse("profile.login CO \"EXAMPLE\"", Mode::UserSearch).is_ok());
    }
}
