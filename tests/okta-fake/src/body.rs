//! Response bodies as they go on the wire: a buffered body, an `oversized` body
//! generated while it is sent, or a `lying` truncated body whose
//! `Content-Length` promises more than it delivers.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use serde_json::{json, Map};
use tokio::time::Sleep;

use crate::render;
use crate::store::{Status, Store};

pub enum OutBody {
    /// Sent with `Content-Length` (hyper takes it from the exact size).
    Full(Option<Bytes>),
    Oversized(Oversized),
    Lying(Lying),
}

impl OutBody {
    pub fn full(bytes: Bytes) -> OutBody {
        OutBody::Full(Some(bytes))
    }
}

impl Body for OutBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            OutBody::Full(b) => Poll::Ready(
                b.take()
                    .filter(|b| !b.is_empty())
                    .map(|b| Ok(Frame::data(b))),
            ),
            OutBody::Oversized(o) => Poll::Ready(o.next_chunk().map(|b| Ok(Frame::data(b)))),
            OutBody::Lying(l) => l.poll(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            OutBody::Full(b) => b.as_ref().is_none_or(Bytes::is_empty),
            OutBody::Oversized(o) => o.sent == o.size,
            OutBody::Lying(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            OutBody::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            OutBody::Oversized(o) if o.content_length => SizeHint::with_exact(o.size - o.sent),
            // No exact size: hyper sends it chunked.
            OutBody::Oversized(_) => SizeHint::default(),
            OutBody::Lying(l) => SizeHint::with_exact(l.full_len),
        }
    }
}

/// Target size of one generated chunk.
const CHUNK: usize = 64 * 1024;
/// Padding per generated user, so that one user is roughly 4 KiB.
const PADDING: usize = 3600;

/// A part of the serialized user template.
enum Part {
    Lit(String),
    /// The 13-digit user number (in the id, login, email and self link).
    Index,
    /// The `profile.padding` run of `x`.
    Padding,
}

const INDEX_MARK: &str = "@@INDEX@@";
const PAD_MARK: &str = "@@PADDING@@";

/// `[user,user,…]` of exactly `size` bytes, produced chunk by chunk.
///
/// Every element is a User as lists render it (id `00uover` + 13 digits, ACTIVE,
/// `profile.padding` a run of `x`). All users but the last carry `PADDING` bytes
/// of padding; the last takes up the rest. A `size` too small for one user gives
/// `[`, spaces, `]`.
pub struct Oversized {
    size: u64,
    sent: u64,
    content_length: bool,
    template: Vec<Part>,
    /// Length of one user with empty padding.
    base_len: u64,
    users: u64,
    next_user: u64,
    /// Padding of the last user.
    last_padding: u64,
    filler: u64,
}

impl Oversized {
    pub fn new(base_url: &str, size: u64, content_length: bool) -> Oversized {
        let size = size.max(2);
        let mut profile = Map::new();
        let login = format!("oversized.{INDEX_MARK}@example.com");
        profile.insert("login".into(), json!(login));
        profile.insert("email".into(), json!(login));
        profile.insert("firstName".into(), json!("Over"));
        profile.insert("lastName".into(), json!("Sized"));
        profile.insert("padding".into(), json!(PAD_MARK));
        let mut user = Store::new_user(profile, Status::Active);
        user.id = format!("00uover{INDEX_MARK}");
        user.activated = Some(user.created);
        user.status_changed = Some(user.created);
        let text = render::user(base_url, &user, false).to_string();
        let template = split_template(&text);
        let base_len: u64 = template
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.len() as u64,
                Part::Index => 13,
                Part::Padding => 0,
            })
            .sum();
        let one = base_len + PADDING as u64;
        // `[` + users joined by `,` + `]` = size, the last user absorbing the rest.
        let (users, last_padding, filler) = if size >= base_len + 2 {
            let k = ((size - 1) / (one + 1)).max(1);
            let total_padding = size - 2 - k * base_len - (k - 1);
            (k, total_padding - (k - 1) * PADDING as u64, 0)
        } else {
            (0, 0, size - 2)
        };
        Oversized {
            size,
            sent: 0,
            content_length,
            template,
            base_len,
            users,
            next_user: 0,
            last_padding,
            filler,
        }
    }

    fn push_user(&self, out: &mut Vec<u8>, n: u64, padding: u64) {
        for part in &self.template {
            match part {
                Part::Lit(s) => out.extend_from_slice(s.as_bytes()),
                Part::Index => out.extend_from_slice(format!("{n:013}").as_bytes()),
                Part::Padding => out.resize(out.len() + padding as usize, b'x'),
            }
        }
    }

    fn next_chunk(&mut self) -> Option<Bytes> {
        if self.sent == self.size {
            return None;
        }
        let mut out = Vec::with_capacity(CHUNK + 2 * (self.base_len as usize + PADDING));
        if self.sent == 0 {
            out.push(b'[');
            out.resize(out.len() + self.filler as usize, b' ');
        }
        while self.next_user < self.users && out.len() < CHUNK {
            if self.next_user > 0 {
                out.push(b',');
            }
            let last = self.next_user + 1 == self.users;
            let padding = if last {
                self.last_padding
            } else {
                PADDING as u64
            };
            self.push_user(&mut out, self.next_user, padding);
            self.next_user += 1;
        }
        if self.next_user == self.users {
            out.push(b']');
        }
        self.sent += out.len() as u64;
        debug_assert!(self.sent <= self.size);
        Some(Bytes::from(out))
    }
}

fn split_template(text: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let next = [(INDEX_MARK, 0), (PAD_MARK, 1)]
            .iter()
            .filter_map(|(m, which)| rest.find(m).map(|at| (at, m.len(), *which)))
            .min();
        let Some((at, len, which)) = next else {
            parts.push(Part::Lit(rest.to_string()));
            return parts;
        };
        parts.push(Part::Lit(rest[..at].to_string()));
        parts.push(if which == 0 {
            Part::Index
        } else {
            Part::Padding
        });
        rest = &rest[at + len..];
    }
}

/// Sends `data`, waits a moment (so that it is flushed) and then fails, which
/// makes hyper close the connection short of the promised `full_len`.
pub struct Lying {
    data: Option<Bytes>,
    full_len: u64,
    pause: Option<Pin<Box<Sleep>>>,
}

impl Lying {
    pub fn new(data: Bytes, full_len: u64) -> Lying {
        Lying {
            data: Some(data).filter(|d| !d.is_empty()),
            full_len,
            pause: None,
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(d) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(d))));
        }
        let pause = self
            .pause
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(50))));
        match pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::other(
                "truncated fault: closing before the promised Content-Length",
            )))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn generate(size: u64) -> Vec<u8> {
        let mut o = Oversized::new("http://127.0.0.1:1", size, true);
        let mut out = Vec::new();
        while let Some(c) = o.next_chunk() {
            assert!(!c.is_empty(), "no empty frames");
            out.extend_from_slice(&c);
        }
        out
    }

    #[test]
    fn oversized_is_exactly_the_size_and_json() {
        let one = Oversized::new("http://127.0.0.1:1", 2, true).base_len + PADDING as u64;
        for size in [
            2,
            3,
            40,
            one,
            one + 1,
            one + 2,
            one + 3,
            2 * one + 2,
            2 * one + 3,
            300_001,
        ] {
            let body = generate(size);
            assert_eq!(body.len() as u64, size, "size {size}");
            let v: Value = serde_json::from_slice(&body)
                .unwrap_or_else(|e| panic!("size {size}: not JSON: {e}"));
            let users = v.as_array().expect("array");
            if size >= one + 2 {
                assert!(!users.is_empty(), "size {size} holds a user");
            }
            for (i, u) in users.iter().enumerate() {
                assert_eq!(u["id"], format!("00uover{i:013}"));
                assert_eq!(u["id"].as_str().map(str::len), Some(20));
                assert_eq!(u["status"], "ACTIVE");
            }
        }
    }
}
