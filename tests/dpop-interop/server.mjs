// An independent RFC 9449 peer for the extension's OAuth client: panva's
// oidc-provider as the authorization server (client_credentials,
// private_key_jwt, DPoP-bound tokens, server nonces), and a resource server
// that checks every API call's DPoP proof with panva's jose, not with any
// code of ours. Started by tests/php/093_dpop_interop.phpt.
//
//   node server.mjs <client_id> <public_jwk.json>
//
// Listens on a free loopback port and prints "listening on
// http://127.0.0.1:<port>" when ready. GET /__interop/counts reports what it
// saw.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const [clientId, jwkPath] = process.argv.slice(2);
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const scopes = ['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.groups.manage'];
const counts = {
  token_requests: 0, proofless_token_requests: 0, nonce_challenges: 0, tokens_issued: 0,
  api_requests: 0, api_proofs_verified: 0, api_refused: 0, refusals: [],
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [JSON.parse(fs.readFileSync(jwkPath, 'utf8'))] },
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    scope: scopes.join(' '),
    // Okta's "Require DPoP header in token requests".
    dpop_bound_access_tokens: true,
  }],
  scopes,
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    // Server nonces on every token request, as Okta's authorization server.
    dPoP: { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true },
  },
  routes: { token: '/oauth2/v1/token' },
});
provider.on('grant.error', (ctx, err) => {
  if (err.error === 'use_dpop_nonce') counts.nonce_challenges++;
  else counts.refusals.push(`token: ${err.error}: ${err.error_description}`);
});
const callback = provider.callback();

// What Okta's Users API answers, for the calls okta_sync_test makes.
const user = {
  id: '00uinterop000000001', status: 'ACTIVE', created: '2026-01-01T00:00:00.000Z',
  activated: '2026-01-01T00:00:00.000Z', statusChanged: '2026-01-01T00:00:00.000Z', lastLogin: null,
  lastUpdated: '2026-01-01T00:00:00.000Z', passwordChanged: null, type: { id: 'oty1' },
  profile: { login: 'ada@example.com', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
  credentials: { provider: { type: 'OKTA', name: 'OKTA' } }, _links: {},
};
const jtis = new Set();
const b64u = (buf) => Buffer.from(buf).toString('base64url');

function refuse(res, status, error, description) {
  counts.api_refused++;
  counts.refusals.push(`api: ${error}: ${description}`);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'WWW-Authenticate': `DPoP error="${error}", error_description="${description}", algs="ES256 RS256"`,
  });
  res.end(JSON.stringify({ errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorCauses: [] }));
}

// RFC 9449 section 4.3 and 7.1, checked with jose.
async function api(req, res) {
  counts.api_requests++;
  const auth = req.headers.authorization || '';
  const proof = req.headers.dpop;
  if (!auth.startsWith('DPoP ') || typeof proof !== 'string') return refuse(res, 401, 'invalid_token', 'DPoP scheme and proof required');
  const token = auth.slice(5);
  const stored = await provider.ClientCredentials.find(token);
  if (!stored || stored.isExpired) return refuse(res, 401, 'invalid_token', 'unknown or expired token');
  let verified;
  try {
    verified = await jose.jwtVerify(proof, jose.EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'RS256', 'PS256', 'ES384'] });
  } catch (e) {
    return refuse(res, 401, 'invalid_dpop_proof', `signature: ${e.code}`);
  }
  const { payload, protectedHeader } = verified;
  const htu = `${issuer}${req.url.split('?')[0]}`;
  const now = Math.floor(Date.now() / 1000);
  const problems = [];
  if (payload.htm !== req.method) problems.push('htm');
  if (payload.htu !== htu) problems.push(`htu ${payload.htu} != ${htu}`);
  if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > 60) problems.push('iat');
  if (typeof payload.jti !== 'string' || jtis.has(payload.jti)) problems.push('jti');
  if (payload.ath !== b64u(crypto.createHash('sha256').update(token).digest())) problems.push('ath');
  if (await jose.calculateJwkThumbprint(protectedHeader.jwk, 'sha256') !== stored.jkt) problems.push('key binding (cnf.jkt)');
  if (problems.length) return refuse(res, 401, 'invalid_dpop_proof', problems.join(', '));
  jtis.add(payload.jti);
  counts.api_proofs_verified++;
  const path = decodeURIComponent(req.url.split('?')[0]);
  if (path === `/api/v1/users/${user.profile.login}` || path === `/api/v1/users/${user.id}`) {
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Rate-Limit-Limit': '600', 'X-Rate-Limit-Remaining': '599', 'X-Rate-Limit-Reset': String(now + 60) });
    return res.end(JSON.stringify(user));
  }
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ errorCode: 'E0000007', errorSummary: `Not found: Resource not found: ${path} (User)`, errorCauses: [] }));
}

server.on('request', (req, res) => {
  if (req.url === '/__interop/counts') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify(counts));
  }
  if (req.url.startsWith('/api/')) {
    return api(req, res).catch((e) => { res.writeHead(500); res.end(String(e)); });
  }
  if (req.url.startsWith('/oauth2/v1/token')) {
    counts.token_requests++;
    if (!req.headers.dpop) counts.proofless_token_requests++;
    res.on('finish', () => { if (res.statusCode === 200) counts.tokens_issued++; });
  }
  return callback(req, res);
});
console.log(`listening on ${issuer}`);
