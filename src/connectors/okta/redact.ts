/**
 * Field names whose value can be a secret in Okta payloads: `client_secret` appears in
 * `/credentials/secrets` and (on older orgs) in `credentials.oauthClient` of the app list;
 * `password` and API-key style members appear in SWA and integration app settings, whose member
 * names each integration chooses. So besides these exact names (compared lower-case, without
 * `_`/`-`), any name that *contains* a secret-like word counts (`signingSecret`,
 * `client_secret_value`, `scimBearerToken`, `apiPassphrase`, `privateKeyPem`).
 */
const SECRET_KEYS = new Set([
  'clientsecret',
  'password',
  'secret',
  'privatekey',
  'sharedsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'apitoken',
  'apikey',
  'secretkey',
  'pwd',
  'pass',
  'pin',
  'answer',
]);

const SECRET_NAME = /secret|passw|passphrase|passcode|privatekey|apikey|signingkey|sharedkey|encryptionkey|hmackey|masterkey|clientassertion|token$/;

/**
 * Names the pattern catches that hold metadata the transform reads, never a secret value:
 * the hash that identifies a client secret, the auth method, an API token's renewal window, when
 * a password last changed, whether SWA reveals it.
 */
const NOT_SECRET = new Set(['secrethash', 'tokenendpointauthmethod', 'tokenwindow', 'passwordchanged', 'revealpassword']);

function isSecretName(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (NOT_SECRET.has(k)) return false;
  return SECRET_KEYS.has(k) || SECRET_NAME.test(k);
}

/** Private members of an RSA/EC/oct JWK (RFC 7518 §6). Public `n`, `e`, `x`, `y` are kept. */
const PRIVATE_JWK_KEYS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

function isJwk(o: Record<string, unknown>): boolean {
  return typeof o.kty === 'string';
}

/**
 * Deep copy of an Okta payload without secret values. A secret-named member holding a string or
 * number is dropped (a boolean flag such as `secret: false` stays); one holding an object or
 * array keeps its shape without any string or number inside, so `password: { value }` becomes
 * `password: {}` (on a user: "this account has a password") and a nested
 * `signing_secret: { value, algorithm }` keeps nothing readable.
 * `secret_hash` is kept: it identifies a secret without revealing it.
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  const jwk = isJwk(src);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (isSecretName(k)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') continue;
      out[k] = shapeOnly(v);
      continue;
    }
    if (jwk && PRIVATE_JWK_KEYS.has(k)) continue;
    out[k] = redactValue(v);
  }
  return out;
}

/** The structure of a value under a secret-named member: objects, arrays, booleans and nulls only. */
function shapeOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOnly).filter((v) => v !== undefined);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const kept = shapeOnly(v);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  return typeof value === 'boolean' || value === null ? value : undefined;
}
