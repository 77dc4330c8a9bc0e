//! `POST /oauth2/v1/token`: client credentials with a `private_key_jwt` assertion
//! (REFERENCE §2.2), DPoP-bound per client policy (RFC 9449 §5, Okta's DPoP
//! guide). Errors are RFC 6749 `{error, error_description}`.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::json;

use crate::config::DpopPolicy;
use crate::dpop::{Expect, Server};
use crate::http::{Req, Resp};
use crate::ids;
use crate::shared::{AccessToken, Shared};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Scopes the fake knows; requesting anything else is `invalid_scope`.
pub const KNOWN_SCOPES: [&str; 12] = [
    "okta.users.read",
    "okta.users.manage",
    "okta.groups.read",
    "okta.groups.manage",
    "okta.logs.read",
    "okta.eventHooks.read",
    "okta.eventHooks.manage",
    "okta.inlineHooks.read",
    "okta.inlineHooks.manage",
    "okta.schemas.read",
    "okta.schemas.manage",
    "okta.userTypes.read",
];

fn oauth_error(status: u16, error: &str, description: &str) -> Resp {
    Resp::json(
        status,
        json!({ "error": error, "error_description": description }),
    )
    .header("Cache-Control", "no-store")
    .header("Pragma", "no-cache")
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    exp: u64,
    jti: Option<String>,
}

pub fn token(shared: &Shared, req: &Req) -> Resp {
    if req.method != "POST" {
        return oauth_error(
            405,
            "invalid_request",
            "The token endpoint only supports POST.",
        );
    }
    let counters = &shared.dpop.counters;
    counters.token_requests.fetch_add(1, Ordering::SeqCst);
    if req.headers.get("dpop").is_none() {
        counters
            .proofless_token_requests
            .fetch_add(1, Ordering::SeqCst);
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let param = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match param("grant_type") {
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].",
            )
        }
        None => {
            return oauth_error(
                400,
                "invalid_request",
                "The token request must specify a 'grant_type'. Valid values: [client_credentials]",
            )
        }
    }
    let Some(assertion) = param("client_assertion") else {
        return oauth_error(401, "invalid_client", "No client credentials found.");
    };
    if param("client_assertion_type") != Some(ASSERTION_TYPE) {
        return oauth_error(
            400,
            "invalid_request",
            "The client_assertion_type is invalid. It must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
        );
    }
    let client_id = match verify_assertion(shared, assertion) {
        Ok(id) => id,
        Err(description) => return oauth_error(401, "invalid_client", &description),
    };
    if let Some(given) = param("client_id") {
        if given != client_id {
            return oauth_error(
                401,
                "invalid_client",
                "The client_id does not match the client_assertion.",
            );
        }
    }
    // After client authentication, as Okta does: the assertion is spent
    // even when the proof then needs a nonce.
    let jkt = match dpop_binding(shared, req, &client_id) {
        Ok(jkt) => jkt,
        Err(refusal) => return refusal,
    };
    let requested: Vec<String> = param("scope")
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if requested.is_empty() {
        return oauth_error(400, "invalid_scope", "No scopes were requested.");
    }
    let granted = shared
        .knobs
        .read()
        .oauth_granted_scopes
        .get(&client_id)
        .cloned();
    let allowed = |s: &String| match &granted {
        Some(list) => list.contains(s),
        None => KNOWN_SCOPES.contains(&s.as_str()),
    };
    let all_known = requested.iter().all(|s| KNOWN_SCOPES.contains(&s.as_str()));
    if all_known && !requested.iter().any(allowed) {
        // What a live org answered a client with none of the scopes granted.
        return oauth_error(
            400,
            "consent_required",
            "You are not allowed any of the requested scopes.",
        );
    }
    if !requested.iter().all(allowed) {
        return oauth_error(
            400,
            "invalid_scope",
            "The following scopes are not granted to the client or are not configured for the authorization server resource.",
        );
    }
    let access_token = format!("fake.{}", ids::random_string(48));
    let lifetime = shared.knobs.read().token_lifetime_secs;
    let bound = jkt.is_some();
    shared.tokens.lock().insert(
        access_token.clone(),
        AccessToken {
            client_id,
            scopes: requested.clone(),
            expires_at: Instant::now() + Duration::from_secs(lifetime),
            jkt,
        },
    );
    let resp = Resp::ok(json!({
        "token_type": if bound { "DPoP" } else { "Bearer" },
        "expires_in": lifetime,
        "access_token": access_token,
        "scope": requested.join(" "),
    }))
    .header("Cache-Control", "no-store")
    .header("Pragma", "no-cache");
    if bound {
        // Okta sends its current nonce with the token as well.
        resp.header(
            "DPoP-Nonce",
            shared.dpop.current_nonce(Server::Authorization),
        )
    } else {
        resp
    }
}

/// The DPoP checks of a token request for `client_id`: `Ok(Some(jkt))` to
/// bind the token to the proof's key, `Ok(None)` for a Bearer token, or
/// the refusal.
fn dpop_binding(shared: &Shared, req: &Req, client_id: &str) -> Result<Option<String>, Resp> {
    let (policy, nonce_required) = {
        let k = shared.knobs.read();
        (
            k.oauth_dpop.get(client_id).copied().unwrap_or_default(),
            k.dpop_nonce_authorization,
        )
    };
    let proofs = crate::dpop::proofs(req);
    let refuse = |description: &str| {
        shared.dpop.count_refused(Server::Authorization);
        oauth_error(400, "invalid_dpop_proof", description)
    };
    let proof = match (proofs.as_slice(), policy) {
        ([], DpopPolicy::Required) => {
            return Err(oauth_error(
                400,
                "invalid_dpop_proof",
                "The DPoP proof JWT header is missing.",
            ))
        }
        ([], _) => return Ok(None),
        // Okta's wording for this case is not documented (see README).
        (_, DpopPolicy::Off) => {
            return Err(refuse(
                "DPoP proof validation is not enabled for this client.",
            ))
        }
        ([one], _) => *one,
        _ => return Err(refuse("Multiple DPoP proof headers were sent.")),
    };
    let htu = format!("{}/oauth2/v1/token", shared.base_url);
    let verified = shared
        .dpop
        .verify(
            proof,
            &Expect {
                server: Server::Authorization,
                method: "POST",
                htu: &htu,
                now: shared.now_secs(),
            },
        )
        .map_err(|d| refuse(&d))?;
    if nonce_required
        && !shared
            .dpop
            .nonce_ok(Server::Authorization, verified.nonce.as_deref())
    {
        shared.dpop.count_challenge(Server::Authorization);
        return Err(oauth_error(
            400,
            "use_dpop_nonce",
            "Authorization server requires nonce in DPoP proof.",
        )
        .header(
            "DPoP-Nonce",
            shared.dpop.current_nonce(Server::Authorization),
        ));
    }
    Ok(Some(verified.jkt))
}

/// Checks the client assertion and returns the client id. The error strings are
/// `error_description`s; they never contain the assertion.
fn verify_assertion(shared: &Shared, assertion: &str) -> Result<String, String> {
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|_| "The client_assertion is not a valid JWT.".to_string())?;
    let unverified = unverified_issuer(assertion)
        .ok_or_else(|| "The client_assertion token is missing the 'iss' claim.".to_string())?;
    let client = shared
        .oauth_clients
        .iter()
        .find(|c| c.client_id == unverified)
        .ok_or_else(|| "The client_id is invalid.".to_string())?;
    let key = match header.alg {
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => {
            DecodingKey::from_rsa_pem(client.public_key_pem.as_bytes())
        }
        Algorithm::ES256 | Algorithm::ES384 => {
            DecodingKey::from_ec_pem(client.public_key_pem.as_bytes())
        }
        _ => return Err("The client_assertion signature algorithm is not supported.".to_string()),
    }
    .map_err(|_| {
        "The client's registered key does not match the assertion algorithm.".to_string()
    })?;
    let token_url = format!("{}/oauth2/v1/token", shared.base_url);
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[token_url.as_str()]);
    validation.set_issuer(&[client.client_id.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    // Expiry is checked below against the fake's (possibly skewed) clock.
    validation.validate_exp = false;
    let data = jsonwebtoken::decode::<Claims>(assertion, &key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::InvalidAudience => {
                format!("The audience claim for client_assertion must be the endpoint invoked for the request ({token_url}).")
            }
            ErrorKind::ExpiredSignature => "The client_assertion token is expired.".to_string(),
            ErrorKind::InvalidSignature => "The client_assertion signature is invalid.".to_string(),
            ErrorKind::InvalidIssuer => "The issuer claim must be the client_id.".to_string(),
            _ => "The client_assertion is invalid.".to_string(),
        }
    })?;
    let claims = data.claims;
    let now = u64::try_from(shared.now_secs()).unwrap_or(0);
    if claims.exp + 5 < now {
        return Err("The client_assertion token is expired.".to_string());
    }
    if claims.sub != claims.iss {
        return Err("The subject claim must be the client_id.".to_string());
    }
    if claims.exp > now + 3600 + 60 {
        return Err(
            "The client_assertion token has an expiration too far into the future.".to_string(),
        );
    }
    if let Some(jti) = claims.jti {
        if !shared.used_jtis.lock().insert(jti) {
            return Err("The client_assertion token has already been used.".to_string());
        }
    }
    Ok(claims.iss)
}

/// Reads `iss` without verifying, to find which client's key to verify with.
fn unverified_issuer(assertion: &str) -> Option<String> {
    let payload = assertion.split('.').nth(1)?;
    let bytes = base64url_decode(payload)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("iss")?.as_str().map(str::to_string)
}

fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            b'=' => continue,
            _ => return None,
        } as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_roundtrip() {
        assert_eq!(
            base64url_decode("eyJpc3MiOiJhIn0").as_deref(),
            Some(&b"{\"iss\":\"a\"}"[..])
        );
    }
}
