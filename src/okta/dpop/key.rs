//! The DPoP proof key: a P-256 (ES256) key pair made in this process.
//!
//! RFC 9449 §2: the client proves possession of a key pair that it alone
//! holds. The key is generated here and lives only in memory: it is never
//! written anywhere, exported, or printed (`Debug` shows the public
//! thumbprint). Okta asks for a key separate from the client-assertion key,
//! which a generated one always is.

use std::fmt;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::super::error::OktaError;

pub(crate) struct ProofKey {
    signing: EncodingKey,
    /// The public half, as sent in every proof's `jwk` header.
    public: Jwk,
    /// RFC 7638 SHA-256 thumbprint of `public`: the `cnf.jkt` a bound
    /// access token carries.
    thumbprint: String,
}

impl fmt::Debug for ProofKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofKey")
            .field("jkt", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

impl ProofKey {
    /// A fresh ES256 key pair from the system's random source.
    pub(crate) fn generate() -> Result<ProofKey, OktaError> {
        let failed = || OktaError::InvalidConfig {
            key: "oauth_dpop",
            message: "cannot generate a DPoP proof key (P-256) on this system".into(),
        };
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map_err(|_| failed())?;
        let signing = EncodingKey::from_ec_der(pkcs8.as_ref());
        // Only the public coordinates are copied into the JWK (no `d`).
        let mut public =
            Jwk::from_encoding_key(&signing, Algorithm::ES256).map_err(|_| failed())?;
        public.common.key_id = None;
        let thumbprint = public.thumbprint(ThumbprintHash::SHA256);
        Ok(ProofKey {
            signing,
            public,
            thumbprint,
        })
    }

    pub(crate) fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// Signs `claims` as a DPoP proof: `typ` dpop+jwt, `alg` ES256 and the
    /// public key in `jwk` (RFC 9449 §4.2).
    pub(crate) fn sign<T: Serialize>(&self, claims: &T) -> Result<String, OktaError> {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        header.jwk = Some(self.public.clone());
        jsonwebtoken::encode(&header, claims, &self.signing).map_err(|_| OktaError::InvalidConfig {
            key: "oauth_dpop",
            message: "cannot sign a DPoP proof".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    #[test]
    fn public_jwk_only_and_signature_verifies() {
        let key = ProofKey::generate().expect("key");
        let jwt = key.sign(&serde_json::json!({"htm": "GET"})).expect("proof");
        let header = jsonwebtoken::decode_header(&jwt).expect("header");
        assert_eq!(header.typ.as_deref(), Some("dpop+jwt"));
        assert_eq!(header.alg, Algorithm::ES256);
        let jwk = header.jwk.expect("jwk");
        let text = serde_json::to_string(&jwk).expect("json");
        assert!(!text.contains("\"d\""), "private part leaked: {text}");
        assert_eq!(jwk.thumbprint(ThumbprintHash::SHA256), key.thumbprint());
        let mut v = Validation::new(Algorithm::ES256);
        v.required_spec_claims.clear();
        v.validate_exp = false;
        let decoded = jsonwebtoken::decode::<serde_json::Value>(
            &jwt,
            &DecodingKey::from_jwk(&jwk).expect("decoding key"),
            &v,
        )
        .expect("verifies with the embedded key");
        assert_eq!(decoded.claims["htm"], "GET");
        assert!(!format!("{key:?}").contains("signing"));
    }

    #[test]
    fn every_key_is_new() {
        let a = ProofKey::generate().expect("a");
        let b = ProofKey::generate().expect("b");
        assert_ne!(a.thumbprint(), b.thumbprint());
    }
}
