//! The OAuth service app's client-assertion key, as the admin registers it
//! in Okta: a fresh P-256 key pair, or the public JWK of a key they have.
//!
//! Okta's API Services apps authenticate with `private_key_jwt`: the app
//! holds the public key (pasted as a JWK, or served from a JWKS URL), the
//! site signs client assertions with the private key. Generating the pair
//! here spares the admin an openssl session; the public half is what they
//! paste, and its RFC 7638 thumbprint is the `kid` both sides agree on.
//! The private key leaves this module once, as PKCS#8 PEM, to be stored
//! by the caller; it is never logged or shown again.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::Engine as _;
use jsonwebtoken::jwk::{Jwk, KeyAlgorithm, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;

use super::config::Secret;
use super::error::OktaError;

/// The public half of a client-assertion key, ready to paste into Okta.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicKey {
    /// The JWK (kty, crv/x/y or n/e, kid, use "sig", alg); no private part.
    pub jwk: Value,
    /// The RFC 7638 SHA-256 thumbprint, also the JWK's `kid`.
    pub kid: String,
    /// "ES256" or "RS256": what the client assertions are signed with.
    pub alg: &'static str,
}

fn invalid(message: &str) -> OktaError {
    OktaError::InvalidConfig {
        key: "oauth_private_key",
        message: message.into(),
    }
}

/// A fresh P-256 key pair: the private key as PKCS#8 PEM, and its public
/// half.
pub fn generate() -> Result<(Secret, PublicKey), OktaError> {
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| invalid("cannot generate a P-256 key pair on this system"))?;
    let public = describe(&EncodingKey::from_ec_der(pkcs8.as_ref()), Algorithm::ES256)?;
    Ok((Secret::new(pem("PRIVATE KEY", pkcs8.as_ref())), public))
}

/// The public half of a PEM private key (RSA or P-256, as the client
/// assertion accepts).
pub fn public_key(private_key_pem: &str) -> Result<PublicKey, OktaError> {
    let pem = private_key_pem.trim().as_bytes();
    // The parse errors are not passed on: they could quote key bytes.
    if let Ok(key) = EncodingKey::from_rsa_pem(pem) {
        return describe(&key, Algorithm::RS256);
    }
    match EncodingKey::from_ec_pem(pem) {
        Ok(key) => describe(&key, Algorithm::ES256),
        Err(_) => Err(invalid(
            "the OAuth private key is not a PEM-encoded RSA (or P-256 EC) private key",
        )),
    }
}

fn describe(key: &EncodingKey, algorithm: Algorithm) -> Result<PublicKey, OktaError> {
    let mut jwk = Jwk::from_encoding_key(key, algorithm)
        .map_err(|_| invalid("cannot derive the public key of the OAuth private key"))?;
    // The thumbprint covers only the required public members (RFC 7638).
    let kid = jwk.thumbprint(ThumbprintHash::SHA256);
    jwk.common.key_id = Some(kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    let (key_algorithm, alg) = match algorithm {
        Algorithm::ES256 => (KeyAlgorithm::ES256, "ES256"),
        _ => (KeyAlgorithm::RS256, "RS256"),
    };
    jwk.common.key_algorithm = Some(key_algorithm);
    let jwk =
        serde_json::to_value(&jwk).map_err(|_| invalid("cannot write the public key as a JWK"))?;
    Ok(PublicKey { jwk, kid, alg })
}

/// PEM armour (RFC 7468): base64 in lines of 64 between the labels.
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{decode, encode, DecodingKey, Header, Validation};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    struct Claims {
        sub: String,
        aud: String,
        exp: u64,
    }

    fn assertion_verifies(private_pem: &str, public: &PublicKey) {
        let key = if public.alg == "ES256" {
            EncodingKey::from_ec_pem(private_pem.as_bytes()).expect("ec pem")
        } else {
            EncodingKey::from_rsa_pem(private_pem.as_bytes()).expect("rsa pem")
        };
        let alg = if public.alg == "ES256" {
            Algorithm::ES256
        } else {
            Algorithm::RS256
        };
        let mut header = Header::new(alg);
        header.kid = Some(public.kid.clone());
        let claims = Claims {
            sub: "0oaclient".into(),
            aud: "https://acme.okta.com/oauth2/v1/token".into(),
            exp: 4_102_444_800,
        };
        let token = encode(&header, &claims, &key).expect("sign");
        let jwk: Jwk = serde_json::from_value(public.jwk.clone()).expect("jwk");
        let mut validation = Validation::new(alg);
        validation.set_audience(&["https://acme.okta.com/oauth2/v1/token"]);
        decode::<Claims>(
            &token,
            &DecodingKey::from_jwk(&jwk).expect("decoding key"),
            &validation,
        )
        .expect("the assertion verifies with the published JWK");
    }

    #[test]
    fn a_generated_key_signs_what_its_jwk_verifies() {
        let (private, public) = generate().expect("generate");
        let pem = private.expose();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(pem.ends_with("-----END PRIVATE KEY-----\n"));
        assert_eq!(public.alg, "ES256");
        assert_eq!(public.jwk["kty"], "EC");
        assert_eq!(public.jwk["crv"], "P-256");
        assert_eq!(public.jwk["kid"], public.kid.as_str());
        assert_eq!(public.jwk["use"], "sig");
        assert!(public.jwk.get("d").is_none(), "no private part in the JWK");
        assertion_verifies(pem, &public);
        // The same key read back from its PEM has the same public half.
        assert_eq!(public_key(pem).expect("public key"), public);
        assert_ne!(generate().expect("second").1.kid, public.kid);
    }

    #[test]
    fn an_rsa_key_gets_an_rs256_jwk() {
        let pem = include_str!("../../tests/fixtures/client_test_oauth_key.pem");
        let public = public_key(pem).expect("rsa");
        assert_eq!(public.alg, "RS256");
        assert_eq!(public.jwk["kty"], "RSA");
        assert_eq!(public.jwk["e"], "AQAB");
        assert!(public.jwk.get("d").is_none() && public.jwk.get("p").is_none());
        assertion_verifies(pem, &public);
    }

    #[test]
    fn a_bad_key_is_refused_without_quoting_it() {
        let e =
            public_key("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----")
                .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("not a PEM-encoded RSA"), "{text}");
        assert!(!text.contains("c2VjcmV0"), "{text}");
        assert!(public_key("").is_err());
    }
}
