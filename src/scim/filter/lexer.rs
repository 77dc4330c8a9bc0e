//! Tokens of the filter grammar (RFC 7644 §3.4.2.2): parentheses, brackets,
//! JSON strings, and words (attribute paths, operators, keywords, numbers,
//! `true`/`false`/`null`), each with its byte offset for error messages.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    /// A JSON string literal, decoded.
    Str(String),
    /// Anything else up to whitespace or punctuation.
    Word(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub at: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '$' | '+')
}

/// Splits `text` into tokens, or says where it could not.
pub fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let at = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => out.push(Token {
                tok: Tok::LParen,
                at,
            }),
            b')' => out.push(Token {
                tok: Tok::RParen,
                at,
            }),
            b'[' => out.push(Token {
                tok: Tok::LBracket,
                at,
            }),
            b']' => out.push(Token {
                tok: Tok::RBracket,
                at,
            }),
            b'"' => {
                let end = string_end(bytes, i)
                    .ok_or_else(|| format!("unterminated string starting at {at}"))?;
                let decoded: Value = serde_json::from_str(&text[i..=end])
                    .map_err(|_| format!("invalid string literal at {at}"))?;
                let s = decoded.as_str().unwrap_or_default().to_owned();
                out.push(Token {
                    tok: Tok::Str(s),
                    at,
                });
                i = end + 1;
                continue;
            }
            // Not RFC syntax, but Azure AD and others send
            // `emails[type eq 'work']`; taken literally, without escapes.
            b'\'' => {
                let len = text[i + 1..]
                    .find('\'')
                    .ok_or_else(|| format!("unterminated string starting at {at}"))?;
                out.push(Token {
                    tok: Tok::Str(text[i + 1..i + 1 + len].to_owned()),
                    at,
                });
                i += len + 2;
                continue;
            }
            _ => {
                let word: String = text[i..].chars().take_while(|&c| is_word_char(c)).collect();
                if word.is_empty() {
                    let ch = text[i..].chars().next().unwrap_or('?');
                    return Err(format!("unexpected character '{ch}' at {at}"));
                }
                i += word.len();
                out.push(Token {
                    tok: Tok::Word(word),
                    at,
                });
                continue;
            }
        }
        i += 1;
    }
    Ok(out)
}

/// Index of the closing quote of the string opening at `start`, skipping
/// backslash escapes.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s)
            .expect("tokens")
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn words_strings_punctuation() {
        assert_eq!(
            toks(r#"emails[type eq "wo\"rk"].value pr"#),
            vec![
                Tok::Word("emails".into()),
                Tok::LBracket,
                Tok::Word("type".into()),
                Tok::Word("eq".into()),
                Tok::Str("wo\"rk".into()),
                Tok::RBracket,
                Tok::Word(".value".into()),
                Tok::Word("pr".into()),
            ]
        );
        assert_eq!(
            toks("(a)"),
            vec![Tok::LParen, Tok::Word("a".into()), Tok::RParen]
        );
        assert_eq!(toks(r#""\u00e9""#), vec![Tok::Str("é".into())]);
    }

    #[test]
    fn errors_name_the_offset() {
        assert_eq!(
            tokenize(r#"a eq "x"#).unwrap_err(),
            "unterminated string starting at 5"
        );
        assert_eq!(toks("a eq 'x'")[2], Tok::Str("x".into()));
        assert!(tokenize("a eq 'x").is_err());
        assert!(tokenize(r#"a eq "\"#).is_err());
        assert!(tokenize(r#"a eq "\x""#).is_err());
        assert!(tokenize("a eq é").is_err());
    }
}
