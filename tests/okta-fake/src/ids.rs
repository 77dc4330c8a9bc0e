//! Identifier and token generation in Okta's shapes.

use std::sync::atomic::{AtomicU64, Ordering};

use rand::Rng;

/// Base62 in ASCII order, so that ids generated later also sort later.
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static SEQUENCE: AtomicU64 = AtomicU64::new(1);

/// Random base62 string of `len` characters.
pub fn random_string(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A 20-character object id: 3-character prefix + 17 characters.
///
/// The first 8 of the 17 encode a process-wide sequence number: Okta's list
/// cursor (`after`) is the last id of a page, and keeping ids in creation order
/// makes `after` behave like Okta's (objects created later show up on later pages).
pub fn object_id(prefix: &str) -> String {
    let mut n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let mut seq = [b'0'; 8];
    for slot in seq.iter_mut().rev() {
        *slot = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    let mut id = String::with_capacity(20);
    id.push_str(prefix);
    id.push_str(std::str::from_utf8(&seq).unwrap_or("00000000"));
    id.push_str(&random_string(9));
    id
}

pub fn user_id() -> String {
    object_id("00u")
}

pub fn group_id() -> String {
    object_id("00g")
}

/// `X-Okta-Request-Id` values look like `YlBdvZbH7pgvZ7yt0OCcEQAAA-s`.
pub fn request_id() -> String {
    random_string(27)
}

/// `errorId` values look like `oaeXxuZgXBySvqi1FvtkwoYCA`.
pub fn error_id() -> String {
    format!("oae{}", random_string(22))
}

pub fn event_uuid() -> String {
    let hex = |n: usize| -> String {
        let mut rng = rand::rng();
        (0..n)
            .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
            .collect()
    };
    format!("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_okta_shape_and_sort_by_creation() {
        let a = user_id();
        let b = user_id();
        assert_eq!(a.len(), 20);
        assert!(a.starts_with("00u"));
        assert!(a < b, "{a} should sort before {b}");
        assert!(group_id().starts_with("00g"));
        assert_eq!(error_id().len(), 25);
    }
}
