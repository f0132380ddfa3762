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

/**
 * Under an app's `settings.app` (member names each integration chooses, and none the transform
 * reads but the AWS app's role-mapping settings: transform-aws.ts), a name that merely mentions
 * a credential, authentication, a header or a bearer counts too: `bearerCredential`,
 * `scimAuthHeader`, `credentialsValue`, `apiKeyHeaderValue`. Too broad for the rest of a payload,
 * whose `credentials` and `token_endpoint_auth_method` the transforms read.
 */
const SETTINGS_SECRET_NAME = /credential|auth|header|bearer|apikey/;

/**
 * A string that is a credential whatever its member is called: an HTTP authorization value
 * (a scheme, then one token: `Basic dXNl…`, `Bearer …`, Okta's `SSWS …`), a PEM block, or a JWT
 * (three base64url parts, the first a JSON header: `eyJ…`). Plain text that only starts with
 * such a word ("Basic Auth App") is not one token, and stays.
 */
function looksLikeCredential(value: string): boolean {
  return (
    /^\s*(?:basic|bearer|ssws|dpop)\s+[A-Za-z0-9+/=._~-]{8,}\s*$/i.test(value) ||
    /-----BEGIN [A-Z0-9 ]+-----/.test(value) ||
    /^\s*eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*$/.test(value)
  );
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
  return redactValue(value, 'plain') as T;
}

/** Where a value sits: anywhere, an app's `settings` object, or inside its `settings.app`. */
type Place = 'plain' | 'settings' | 'settingsApp';

function redactValue(value: unknown, place: Place): unknown {
  if (Array.isArray(value)) return value.map((v) => redactValue(v, place)).filter((v) => v !== DROPPED);
  if (typeof value === 'string') return looksLikeCredential(value) ? DROPPED : value;
  if (value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  const jwk = isJwk(src);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (isSecretName(k) || (place === 'settingsApp' && SETTINGS_SECRET_NAME.test(k.toLowerCase().replace(/[^a-z0-9]/g, '')))) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') continue;
      out[k] = shapeOnly(v);
      continue;
    }
    if (jwk && PRIVATE_JWK_KEYS.has(k)) continue;
    const next: Place = place === 'settingsApp' ? 'settingsApp' : k === 'settings' ? 'settings' : place === 'settings' && k === 'app' ? 'settingsApp' : 'plain';
    const kept = redactValue(v, next);
    if (kept !== DROPPED) out[k] = kept;
  }
  return out;
}

/** Marks a credential-shaped string: its member, or its place in an array, is left out. */
const DROPPED = Symbol('dropped');

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
