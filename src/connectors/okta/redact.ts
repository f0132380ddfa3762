/**
 * Field names whose string value can be a secret in Okta payloads: `client_secret` appears in
 * `/credentials/secrets` and (on older orgs) in `credentials.oauthClient` of the app list;
 * `password` and API-key style members appear in SWA and integration app settings.
 */
const SECRET_KEYS = new Set([
  'client_secret',
  'clientsecret',
  'password',
  'secret',
  'private_key',
  'privatekey',
  'sharedsecret',
  'token',
  'access_token',
  'refresh_token',
  'apitoken',
  'apikey',
  'secretkey',
]);


/** Private members of an RSA/EC/oct JWK (RFC 7518 §6). Public `n`, `e`, `x`, `y` are kept. */
const PRIVATE_JWK_KEYS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

function isJwk(o: Record<string, unknown>): boolean {
  return typeof o.kty === 'string';
}

/**
 * Deep copy of an Okta payload without secret values. Secret-named members are dropped when
 * they hold a string (a boolean flag such as `secret: false` stays); a `password` object
 * keeps its shape without its `value`.
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
    const key = k.toLowerCase();
    if (typeof v === 'string' && SECRET_KEYS.has(key)) continue;
    if (key === 'password' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // Okta models a password as `{ value }`; write-only, but dropped should one ever be echoed.
      // The empty object is kept: on a user it says "this account has a password".
      const { value: _dropped, ...rest } = v as Record<string, unknown>;
      out[k] = redactValue(rest);
      continue;
    }
    if (jwk && PRIVATE_JWK_KEYS.has(k)) continue;
    out[k] = redactValue(v);
  }
  return out;
}
