/**
 * Properties that carry a secret value. Graph only returns `secretText` when a secret is created
 * and `keyCredentials[].key` on single-object reads, but the collector does not rely on that.
 */
const SECRET_PROPERTIES = new Set(['secretText', 'passwordProfile', 'clientSecret', 'client_secret', 'privateKey']);

/** Returns a copy of a Graph payload without secret values (key ids, hints, thumbprints stay). */
export function stripSecretValues(value: unknown, parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => stripSecretValues(v, parentKey));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_PROPERTIES.has(k)) continue;
    // The public key blob of a certificate credential; keep customKeyIdentifier (the thumbprint).
    if (k === 'key' && parentKey === 'keyCredentials') continue;
    out[k] = stripSecretValues(v, k);
  }
  return out;
}
