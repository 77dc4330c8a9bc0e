//! Finding the Okta counterparts of many Drupal users with few requests:
//! linked users by id (`filter=id eq "…" or …`), the others by login
//! (`search=profile.login eq "…" or …`, case-insensitive like Okta's
//! logins), 40 terms and at most 2 KiB of expression to a request. Both
//! listings include DEPROVISIONED users, as a `GET /users/{id}` does.
//!
//! A linked user whose id is gone is looked for by login in a second round.
//! A value that cannot be quoted in Okta's expression syntax, or a query
//! Okta refuses as a search (E0000031, 400, 414), falls back to one `GET`
//! per user.
//!
//! Both listings are eventually consistent on Okta (search by design,
//! filter with a lag "typically under a second"), so a miss is not proof
//! of absence: a user created by another writer a moment ago may be missed.
//! Callers plan such a user as absent and rely on the create's
//! duplicate-login answer (E0000001) to link it instead (`execute::relink`),
//! which reads it back with a `GET` — the read that is consistent — or, for
//! a login with `/` (which Okta reads only by id), searches again while the
//! index catches up (`OktaClient::find_taken_login`).

use std::collections::HashMap;

use super::parallel;
use crate::okta::{ListUsers, OktaClient, OktaError, User};

/// Okta's maximum page size for users.
pub const PAGE: u32 = 200;

/// Terms (`id eq "…"` / `profile.login eq "…"`) per filter or search: keeps
/// each URL around 2–3 KB, well under common URL limits.
pub const TERMS_PER_QUERY: usize = 40;

/// What to look a user up by. `login` is None when the user must not be
/// matched by login (another account claims it, or nothing to match).
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub id: Option<String>,
    pub login: Option<String>,
}

/// Indexes of the wanted users by id and by login (lower-cased), and what
/// was found for each.
pub struct Matches {
    by_id: HashMap<String, usize>,
    by_login: HashMap<String, usize>,
    pub found: Vec<Option<User>>,
}

impl Matches {
    pub fn new(wanted: &[Wanted]) -> Matches {
        let mut by_id = HashMap::new();
        let mut by_login = HashMap::new();
        for (i, w) in wanted.iter().enumerate() {
            if let Some(id) = &w.id {
                by_id.entry(id.clone()).or_insert(i);
            }
            if let Some(l) = &w.login {
                by_login.entry(l.to_lowercase()).or_insert(i);
            }
        }
        Matches {
            by_id,
            by_login,
            found: (0..wanted.len()).map(|_| None).collect(),
        }
    }

    /// Records one listed Okta user. A match by id beats a match by login.
    pub fn offer(&mut self, u: User) {
        if let Some(&i) = self.by_id.get(&u.id) {
            self.found[i] = Some(u);
            return;
        }
        if let Some(&i) = self.by_login.get(&u.login().to_lowercase()) {
            if self.found[i].is_none() {
                self.found[i] = Some(u);
            }
        }
    }
}

/// Okta's expression syntax has no documented escape for `"` or `\`.
fn quotable(v: &str) -> bool {
    !v.contains(['"', '\\'])
}

/// One filter or search over some of the wanted users.
struct Query {
    list: ListUsers,
    /// The wanted users (indexes) this query is for.
    members: Vec<usize>,
}

/// Longest expression (before URL encoding) put in one request. Forty
/// long logins would make a URL of several KiB, past what some proxies
/// and servers take (414); encoding grows it about 1.5 times.
pub const MAX_EXPR_BYTES: usize = 2048;

/// Packs terms into requests: at most `TERMS_PER_QUERY` and
/// `MAX_EXPR_BYTES` each (a single longer term still gets its own).
fn chunks(terms: &[(usize, String)]) -> Vec<&[(usize, String)]> {
    const OR: usize = " or ".len();
    let mut out = Vec::new();
    let (mut start, mut len) = (0, 0);
    for (i, (_, t)) in terms.iter().enumerate() {
        let grown = if i == start {
            t.len()
        } else {
            len + OR + t.len()
        };
        if i > start && (i - start == TERMS_PER_QUERY || grown > MAX_EXPR_BYTES) {
            out.push(&terms[start..i]);
            start = i;
            len = t.len();
        } else {
            len = grown;
        }
    }
    if start < terms.len() {
        out.push(&terms[start..]);
    }
    out
}

fn queries(terms: Vec<(usize, String)>, by_filter: bool) -> Vec<Query> {
    chunks(&terms)
        .into_iter()
        .map(|chunk| {
            let expr = chunk
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(" or ");
            Query {
                list: ListUsers {
                    limit: PAGE,
                    filter: by_filter.then(|| expr.clone()),
                    search: (!by_filter).then_some(expr),
                    ..ListUsers::default()
                },
                members: chunk.iter().map(|(i, _)| *i).collect(),
            }
        })
        .collect()
}

/// The queries for the users in `which`: ids by filter, logins by search.
/// Users whose value cannot be quoted are returned separately.
fn plan(wanted: &[Wanted], which: &[usize], by_id: bool) -> (Vec<Query>, Vec<usize>) {
    let mut terms = Vec::new();
    let mut single = Vec::new();
    for &i in which {
        let w = &wanted[i];
        let (term, value) = match (by_id, &w.id, &w.login) {
            (true, Some(id), _) => (format!("id eq \"{id}\""), id),
            (false, _, Some(l)) => (format!("profile.login eq \"{l}\""), l),
            _ => continue,
        };
        if quotable(value) {
            terms.push((i, term));
        } else {
            single.push(i);
        }
    }
    (queries(terms, by_id), single)
}

/// Sends one query, every page.
fn run(client: &OktaClient, q: &Query) -> Result<Vec<User>, OktaError> {
    let mut out = Vec::new();
    for page in client.list_users(&q.list) {
        out.extend(page?);
    }
    Ok(out)
}

/// Okta refused the expression itself (not a transient failure): asking
/// user by user may still work.
fn refused(e: &OktaError) -> bool {
    // 414: the URL was too long for something on the way.
    e.code() == Some("E0000031") || matches!(e.status(), Some(400 | 414))
}

/// Runs `qs` on up to `concurrency` threads, offering every listed user to
/// `m`. Returns the users whose query was refused (to be asked one by one)
/// and records the error of every other failed query in `errors`.
fn run_all(
    client: &OktaClient,
    qs: &[Query],
    concurrency: usize,
    m: &mut Matches,
    errors: &mut [Option<OktaError>],
) -> Vec<usize> {
    let results = parallel::map(
        qs,
        concurrency,
        |_, q| run(client, q),
        |_, _| {
            Err(OktaError::InvalidInput {
                message: "internal error while listing users".into(),
            })
        },
    );
    let mut retry_singly = Vec::new();
    for (q, r) in qs.iter().zip(results) {
        match r {
            Ok(users) => users.into_iter().for_each(|u| m.offer(u)),
            Err(e) if refused(&e) => retry_singly.extend(&q.members),
            Err(e) => {
                for &i in &q.members {
                    errors[i] = Some(e.clone());
                }
            }
        }
    }
    retry_singly
}

/// One `GET` per user: by id, else by login.
fn get_each(
    client: &OktaClient,
    wanted: &[Wanted],
    which: &[usize],
    by_id: bool,
    concurrency: usize,
    m: &mut Matches,
    errors: &mut [Option<OktaError>],
) {
    let results = parallel::map(
        which,
        concurrency,
        |_, &i| {
            let w = &wanted[i];
            match (by_id, &w.id, &w.login) {
                (true, Some(id), _) => match client.get_user(id) {
                    Ok(u) => Ok(Some(u)),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                },
                (false, _, Some(l)) => client.find_user(l),
                _ => Ok(None),
            }
        },
        |_, _| {
            Err(OktaError::InvalidInput {
                message: "internal error while looking a user up".into(),
            })
        },
    );
    for (&i, r) in which.iter().zip(results) {
        match r {
            // A GET's answer belongs to the user asked for, whatever it
            // matches in the indexes.
            Ok(Some(u)) => m.found[i] = Some(u),
            Ok(None) => {}
            Err(e) => errors[i] = Some(e),
        }
    }
}

/// Finds each wanted user's Okta user: `Ok(None)` when Okta has none (as
/// far as its listings show), `Err` when the lookup failed.
pub fn find_all(
    client: &OktaClient,
    wanted: &[Wanted],
    concurrency: usize,
) -> Vec<Result<Option<User>, OktaError>> {
    let mut m = Matches::new(wanted);
    let mut errors: Vec<Option<OktaError>> = (0..wanted.len()).map(|_| None).collect();
    let linked: Vec<usize> = (0..wanted.len())
        .filter(|&i| wanted[i].id.is_some())
        .collect();
    let unlinked: Vec<usize> = (0..wanted.len())
        .filter(|&i| wanted[i].id.is_none() && wanted[i].login.is_some())
        .collect();

    // Round 1: linked users by id, unlinked ones by login, in one batch.
    let (mut qs, ids_single) = plan(wanted, &linked, true);
    let (login_qs, logins_single) = plan(wanted, &unlinked, false);
    qs.extend(login_qs);
    let refused_all = run_all(client, &qs, concurrency, &mut m, &mut errors);
    let (refused_ids, refused_logins): (Vec<usize>, Vec<usize>) = refused_all
        .into_iter()
        .partition(|&i| wanted[i].id.is_some());
    let ids_single: Vec<usize> = ids_single.into_iter().chain(refused_ids).collect();
    get_each(
        client,
        wanted,
        &ids_single,
        true,
        concurrency,
        &mut m,
        &mut errors,
    );

    // Round 2: linked users whose id Okta no longer has, by login.
    let gone: Vec<usize> = linked
        .iter()
        .copied()
        .filter(|&i| m.found[i].is_none() && errors[i].is_none() && wanted[i].login.is_some())
        .collect();
    let (qs, gone_single) = plan(wanted, &gone, false);
    let refused = run_all(client, &qs, concurrency, &mut m, &mut errors);
    let singles: Vec<usize> = logins_single
        .into_iter()
        .chain(refused_logins)
        .chain(gone_single)
        .chain(refused)
        .collect();
    get_each(
        client,
        wanted,
        &singles,
        false,
        concurrency,
        &mut m,
        &mut errors,
    );

    m.found
        .into_iter()
        .zip(errors)
        .map(|(f, e)| match e {
            Some(e) => Err(e),
            None => Ok(f),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(id: Option<&str>, login: Option<&str>) -> Wanted {
        Wanted {
            id: id.map(str::to_owned),
            login: login.map(str::to_owned),
        }
    }

    #[test]
    fn ids_go_into_filters_and_logins_into_searches_forty_a_request() {
        let w: Vec<Wanted> = (0..85)
            .map(|i| wanted(None, Some(&format!("u{i}@example.com"))))
            .collect();
        let all: Vec<usize> = (0..w.len()).collect();
        let (qs, single) = plan(&w, &all, false);
        assert!(single.is_empty());
        assert_eq!(
            qs.iter().map(|q| q.members.len()).collect::<Vec<_>>(),
            [40, 40, 5]
        );
        let s = qs[2].list.search.as_deref().unwrap_or_default();
        assert_eq!(
            s,
            (80..85)
                .map(|i| format!("profile.login eq \"u{i}@example.com\""))
                .collect::<Vec<_>>()
                .join(" or ")
        );
        assert!(qs[0].list.filter.is_none());

        let w = vec![wanted(Some("00u1"), Some("a@example.com"))];
        let (qs, _) = plan(&w, &[0], true);
        assert_eq!(qs[0].list.filter.as_deref(), Some("id eq \"00u1\""));
    }

    #[test]
    fn long_logins_are_split_so_no_request_gets_too_long() {
        let long = |i: usize| format!("{}{i}@example.com", "x".repeat(90));
        let w: Vec<Wanted> = (0..40).map(|i| wanted(None, Some(&long(i)))).collect();
        let all: Vec<usize> = (0..w.len()).collect();
        let (qs, single) = plan(&w, &all, false);
        assert!(single.is_empty());
        assert!(qs.len() > 1, "40 long logins in {} request(s)", qs.len());
        for q in &qs {
            let s = q.list.search.as_deref().unwrap_or_default();
            assert!(s.len() <= MAX_EXPR_BYTES, "{} bytes", s.len());
        }
        let members: Vec<usize> = qs.iter().flat_map(|q| q.members.clone()).collect();
        assert_eq!(members, all, "every login asked once, in order");
        // A term longer than the bound alone still gets a request.
        let huge = wanted(None, Some(&"y".repeat(3000)));
        let (qs, _) = plan(&[huge, wanted(None, Some("a@b.c"))], &[0, 1], false);
        assert_eq!(
            qs.iter().map(|q| q.members.len()).collect::<Vec<_>>(),
            [1, 1]
        );
    }

    #[test]
    fn unquotable_values_are_asked_one_by_one() {
        let w = vec![
            wanted(None, Some("a@example.com")),
            wanted(None, Some("we\"ird@example.com")),
            wanted(None, Some("back\\slash@example.com")),
        ];
        let (qs, single) = plan(&w, &[0, 1, 2], false);
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].members, [0]);
        assert_eq!(single, [1, 2]);
    }
}
