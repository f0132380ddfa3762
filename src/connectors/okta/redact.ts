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
 * (three base64url parts, the first a JSON header: `eyJ…`).
 *
 * A scheme word followed by one more word is also how names and descriptions read ("Basic
 * Services", "Bearer Readonly", "Basic Authentication"), and those fields are what the transform
 * names identities by. So the token after the scheme must look like one: where secrets live (an
 * app's `settings`, any `credentials`) 8+ characters that are not one word of prose (a digit, a
 * `+/=._~-`, or a lower-case letter followed by a capital, as base64 has); anywhere else 16+
 * characters mixing lower case, capitals and digits. PEM blocks and JWTs have no prose look-alike
 * and are dropped anywhere.
 */
const AUTH_VALUE = /^\s*(?:basic|bearer|ssws|dpop)\s+([A-Za-z0-9+/=._~-]+)\s*$/i;

function looksLikeCredential(value: string, secretTree: boolean): boolean {
  const token = AUTH_VALUE.exec(value)?.[1];
  if (token !== undefined && (secretTree ? token.length >= 8 && /[0-9+/=._~-]|[a-z][A-Z]/.test(token) : token.length >= 16 && /[a-z]/.test(token) && /[A-Z]/.test(token) && /[0-9]/.test(token))) {
    return true;
  }
  return /-----BEGIN [A-Z0-9 ]+-----/.test(value) || /^\s*eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*$/.test(value);
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
 *
 * A member dropped for its value's shape, not its name, may be a field the transform reads (a
 * name, a label): `onDrop` gets the JSON path of each (from `base`), never the value, so that
 * the collector can say what is missing.
 */
export function redactSecrets<T>(value: T, onDrop?: (path: string) => void, base = '$'): T {
  return redactValue(value, { place: 'plain', secretTree: false }, base, onDrop ?? (() => undefined)) as T;
}

/** Where a value sits: anywhere, an app's `settings` object, or inside its `settings.app`. */
type Place = 'plain' | 'settings' | 'settingsApp';

/** The place, and whether it is under a `settings` or `credentials` member at any depth. */
interface Where {
  place: Place;
  secretTree: boolean;
}

/** `.name` when the member name reads as one, else `["na me"]`. */
function member(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function redactValue(value: unknown, where: Where, path: string, onDrop: (path: string) => void): unknown {
  if (Array.isArray(value)) return value.map((v, i) => redactValue(v, where, `${path}[${i}]`, onDrop)).filter((v) => v !== DROPPED);
  if (typeof value === 'string') {
    if (!looksLikeCredential(value, where.secretTree)) return value;
    onDrop(path);
    return DROPPED;
  }
  if (value === null || typeof value !== 'object') return value;
  const { place } = where;
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
    const secretTree = where.secretTree || k === 'settings' || k === 'credentials';
    const kept = redactValue(v, { place: next, secretTree }, member(path, k), onDrop);
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
