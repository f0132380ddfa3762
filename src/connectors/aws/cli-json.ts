/**
 * Converts SDK output into the JSON the AWS CLI prints, which is the snapshot's evidence format:
 * timestamps as ISO-8601 with a `+00:00` offset (botocore's `isoformat()`), policy documents as
 * JSON objects, no `$metadata`.
 */

/** Fields IAM returns as URL-encoded JSON; the JS SDK v3 does not decode them. */
const POLICY_DOCUMENT_KEYS = new Set(['PolicyDocument', 'AssumeRolePolicyDocument', 'Document']);

/** `2024-01-01T00:00:00+00:00`, or with microseconds `2024-01-01T00:00:00.250000+00:00`, like the CLI. */
export function formatCliDate(date: Date): string | null {
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${ms ? `.${String(ms).padStart(3, '0')}000` : ''}+00:00`;
}

/**
 * URL-decodes and parses a policy document. A string that is not URL-encoded JSON (already
 * decoded, or malformed provider data) is kept as is rather than dropped, so nothing is lost.
 */
export function decodePolicyDocument(raw: string): unknown {
  try {
    return JSON.parse(decodeURIComponent(raw));
  } catch {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
}

/** Deep-copies SDK output into plain CLI-shaped JSON. */
export function toCliJson(value: unknown, key?: string): unknown {
  if (value instanceof Date) return formatCliDate(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'string') return key !== undefined && POLICY_DOCUMENT_KEYS.has(key) ? decodePolicyDocument(value) : value;
  if (Array.isArray(value)) return value.map((item) => toCliJson(item));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$metadata' || v === undefined) continue;
      out[k] = toCliJson(v, k);
    }
    return out;
  }
  return value;
}
