//! Cursor pagination: follow the `Link: <…>; rel="next"` URL verbatim.

use std::collections::HashSet;
use std::marker::PhantomData;

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::de::DeserializeOwned;

use super::client::OktaClient;
use super::error::OktaError;
use super::http::Call;
use super::user::User;

/// Longest next-page link followed. Okta's carry one id as the cursor.
const MAX_NEXT_LINK: usize = 8 << 10;

/// Query for `GET /api/v1/users`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUsers {
    pub filter: Option<String>,
    pub search: Option<String>,
    /// Page size, 1–200 (0 means 200).
    pub limit: u32,
    /// Resume cursor from [`Pages::next_cursor`].
    pub after: Option<String>,
}

impl Default for ListUsers {
    fn default() -> Self {
        ListUsers {
            filter: None,
            search: None,
            limit: 200,
            after: None,
        }
    }
}

/// Pages of `T`, fetched lazily. Stops when there is no `next` link, when a
/// cursor repeats (a server paging bug would otherwise loop forever), on an
/// empty page, or after the first error. A listing that does not end — more
/// than [`MAX_PAGES`] pages, or [`MAX_SHORT_RUN`] nearly empty pages in a
/// row that still link to a next one — fails with a decode error instead of
/// running until the call's deadline; so does the deadline itself.
pub struct Pages<T> {
    client: OktaClient,
    next: Option<String>,
    seen: HashSet<String>,
    failed: Option<OktaError>,
    /// The page size asked for, when known (to spot pages that do not advance).
    page_size: Option<usize>,
    fetched: usize,
    short_run: usize,
    /// The `Date` of the first answer (epoch seconds): the server's clock
    /// when the listing began, which a caller polling for changes needs.
    first_date: Option<u64>,
    _t: PhantomData<fn() -> T>,
}

/// More pages than an org can hold: 10 million users at 200 a page.
pub const MAX_PAGES: usize = 50_000;

/// Okta fills every page but the last. A server that keeps answering pages
/// of under half the size asked for, each with a next link, is paging
/// without end (a proxy or server bug, or a hostile server).
pub const MAX_SHORT_RUN: usize = 20;

/// Pages of users, from [`OktaClient::list_users`].
pub type UserPages = Pages<User>;

impl<T> Pages<T> {
    pub(crate) fn new(client: OktaClient, first_url: String) -> Self {
        Pages {
            client,
            next: Some(first_url),
            seen: HashSet::new(),
            failed: None,
            page_size: None,
            fetched: 0,
            short_run: 0,
            first_date: None,
            _t: PhantomData,
        }
    }

    /// Tells the pager the page size requested, so that a run of short
    /// pages with next links is recognised as a listing that does not end.
    pub(crate) fn expecting_pages_of(mut self, size: usize) -> Self {
        self.page_size = Some(size.max(1));
        self
    }

    /// An iterator that yields one error and stops (bad input).
    pub(crate) fn failed(client: OktaClient, err: OktaError) -> Self {
        Pages {
            client,
            next: None,
            seen: HashSet::new(),
            failed: Some(err),
            page_size: None,
            fetched: 0,
            short_run: 0,
            first_date: None,
            _t: PhantomData,
        }
    }

    /// The `after` cursor of the next page, to resume later; None when done.
    pub fn next_cursor(&self) -> Option<String> {
        let next = self.next.as_ref()?;
        let parsed = ::url::Url::parse(next).ok()?;
        parsed
            .query_pairs()
            .find(|(k, _)| k == "after")
            .map(|(_, v)| v.into_owned())
    }

    /// The URL the next page will be fetched from; None when done.
    pub fn next_url(&self) -> Option<&str> {
        self.next.as_deref()
    }

    /// The server's `Date` (epoch seconds) on the first page fetched by this
    /// pager, empty pages included; None before any page, or when Okta sent
    /// no parsable `Date`.
    pub fn first_date(&self) -> Option<u64> {
        self.first_date
    }
}

impl<T: DeserializeOwned> Iterator for Pages<T> {
    type Item = Result<Vec<T>, OktaError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        let url = self.next.take()?;
        self.seen.insert(url.clone());
        let reply = match self.client.inner.execute(&Call {
            method: Method::GET,
            url,
            body: None,
            idempotent: true,
            deadline: self.client.deadline,
        }) {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        if self.first_date.is_none() {
            self.first_date = reply
                .headers
                .get(reqwest::header::DATE)
                .and_then(|v| v.to_str().ok())
                .and_then(super::ratelimit::epoch_of_http_date);
        }
        let items: Vec<T> = match reply.json() {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        if items.is_empty() {
            return None;
        }
        self.fetched += 1;
        let short = self.page_size.is_some_and(|size| items.len() * 2 < size);
        self.short_run = if short { self.short_run + 1 } else { 0 };
        let runaway = if self.fetched >= MAX_PAGES {
            Some(format!("the listing did not end after {MAX_PAGES} pages"))
        } else if self.short_run >= MAX_SHORT_RUN {
            Some(format!(
                "the listing returned {MAX_SHORT_RUN} nearly empty pages in a row, each linking to another: it is not advancing"
            ))
        } else {
            None
        };
        match next_link(&reply.headers) {
            Some(_) if runaway.is_some() => {
                self.failed = Some(OktaError::Decode {
                    message: format!(
                        "{}; stopped after {} pages",
                        runaway.unwrap_or_default(),
                        self.fetched
                    ),
                    status: reply.status,
                    transient: false,
                });
            }
            Some(next) if self.seen.contains(&next) => {}
            Some(next) if next.len() > MAX_NEXT_LINK => {
                self.failed = Some(OktaError::Decode {
                    message: format!(
                        "the next-page link is longer than {MAX_NEXT_LINK} bytes; Okta's are short"
                    ),
                    status: reply.status,
                    transient: false,
                });
            }
            Some(next) if !self.client.inner.org.owns(&next) => {
                // Never send the token to another host.
                self.failed = Some(OktaError::Decode {
                    message: "the next-page link points outside the org URL".into(),
                    status: reply.status,
                    transient: false,
                });
            }
            Some(next) => self.next = Some(next),
            None => {}
        }
        Some(Ok(items))
    }
}

/// The `rel="next"` URL from all `Link` headers (one per relation, or
/// comma-joined; header name case-insensitive).
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse_links)
        .find(|(_, rels)| rels.iter().any(|r| r.eq_ignore_ascii_case("next")))
        .map(|(url, _)| url)
}

/// Parses `<url>; rel="a b", <url2>; rel=c` into (url, rels).
fn parse_links(value: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let url = rest[start + 1..start + end].trim().to_owned();
        let after = &rest[start + end + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let params = &after[..params_end];
        let mut rels = Vec::new();
        for p in params.split([';', ',']) {
            let p = p.trim();
            if let Some((k, v)) = p.split_once('=') {
                if k.trim().eq_ignore_ascii_case("rel") {
                    rels.extend(
                        v.trim()
                            .trim_matches('"')
                            .split_whitespace()
                            .map(str::to_owned),
                    );
                }
            }
        }
        out.push((url, rels));
        rest = &after[params_end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn separate_headers() {
        let mut h = HeaderMap::new();
        h.append(
            "link",
            HeaderValue::from_static("<https://o.okta.com/api/v1/users?limit=200>; rel=\"self\""),
        );
        h.append(
            "Link",
            HeaderValue::from_static(
                "<https://o.okta.com/api/v1/users?after=00ud4&limit=200>; rel=\"next\"",
            ),
        );
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://o.okta.com/api/v1/users?after=00ud4&limit=200")
        );
    }

    #[test]
    fn comma_joined_and_unquoted() {
        let mut h = HeaderMap::new();
        h.append(
            "link",
            HeaderValue::from_static(
                "<https://o/a?x=1>; rel=\"self\", <https://o/a?after=z%2Cq>; rel=next",
            ),
        );
        assert_eq!(next_link(&h).as_deref(), Some("https://o/a?after=z%2Cq"));
    }

    #[test]
    fn no_next() {
        let mut h = HeaderMap::new();
        h.append(
            "link",
            HeaderValue::from_static("<https://o/a>; rel=\"self\""),
        );
        assert_eq!(next_link(&h), None);
        assert_eq!(next_link(&HeaderMap::new()), None);
    }
}
