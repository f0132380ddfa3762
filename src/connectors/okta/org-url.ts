import type { Manifest } from '../../snapshot/snapshot.js';
import type { CoverageRecord } from '../../snapshot/types.js';

/**
 * How an Okta org URL is read, in one place. The org URL is the Okta scope and the prefix of
 * every Okta id, so each way into a scan (the collector's setting, a snapshot folder's
 * manifest, a snapshot object handed to the scan) must turn one org into one origin: two
 * readers with rules of their own would drift, and the same org would then carry other ids and
 * fingerprints depending on how the snapshot arrived.
 */

/**
 * What a value says as an Okta org URL: its origin (scheme and host lower-case, no default port,
 * no trailing slash), or why it names no org on its own. `origin` rides along with a refusal
 * when the value had one, so that a caller may name the host without the rest of the value.
 */
export type OktaOrgUrlReading =
  | { ok: true; origin: string; protocol: 'https:' | 'http:'; hostname: string }
  | { ok: false; why: 'not-a-url' | 'not-http' | 'not-an-origin'; origin?: string };

/**
 * Reads `raw` as an Okta org URL. Surrounding white space and trailing slashes are dropped;
 * white space inside is refused (the URL parser would silently drop a tab or line break, and a
 * value holding one has been mangled). A path (the admin console's, an authorization server's),
 * a query, a fragment or user info names no org on its own and is refused. http is kept as
 * written: a test org on loopback is served on it; whether to talk to it is the caller's call.
 *
 * `bareHost`: a value without a scheme is read as https, the one scheme an Okta org is served
 * on. A manifest may be written that way; a live setting may not, since the collector would
 * then send requests to whatever was typed (an API token pasted into the URL's place, say).
 */
export function readOktaOrgUrl(raw: string, opts: { bareHost: boolean }): OktaOrgUrlReading {
  const value = raw.trim().replace(/\/+$/, '');
  if (/\s/.test(value)) return { ok: false, why: 'not-a-url' };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  if (!hasScheme && !opts.bareHost) return { ok: false, why: 'not-a-url' };
  let url: URL;
  try {
    url = new URL(hasScheme ? value : `https://${value}`);
  } catch {
    return { ok: false, why: 'not-a-url' };
  }
  // Any other scheme's origin is the string "null": nothing to name.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, why: 'not-http' };
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    return { ok: false, why: 'not-an-origin', origin: url.origin };
  }
  return { ok: true, origin: url.origin, protocol: url.protocol, hostname: url.hostname };
}

/**
 * The origin a snapshot's manifest names its org by, as the collector writes it, for an org URL
 * however it was written there (a bare host too); undefined for a value that names no org.
 */
export function manifestOktaOrigin(raw: string): string | undefined {
  const r = readOktaOrgUrl(raw, { bareHost: true });
  return r.ok ? r.origin : undefined;
}

/**
 * The refusal of a manifest org URL that names no org. The value is not echoed: a query or user
 * info pasted with the host may hold a token.
 */
export const MANIFEST_ORG_URL_REFUSED =
  'expected the Okta org URL, e.g. https://acme.okta.com or acme.okta.com, without a path, query or user name (the value is not shown)';

/**
 * The manifest with its Okta org URL, and the scopes of its Okta coverage records, in the form
 * the collector writes (the same object when they already are). A coverage scope that names no
 * org is kept as written: the scan names such a record in a warning. `refuse` is called, and
 * must throw, when the org URL names no org: a snapshot whose org cannot be told has no ids.
 */
export function withOktaOrigins(manifest: Manifest, refuse: (location: string, message: string) => never): Manifest {
  const okta = manifest.providers?.okta;
  const coverage = manifest.coverage ?? [];
  let orgUrl: string | undefined;
  if (okta) {
    orgUrl = typeof okta.orgUrl === 'string' ? manifestOktaOrigin(okta.orgUrl) : undefined;
    if (orgUrl === undefined) refuse('$.providers.okta.orgUrl', MANIFEST_ORG_URL_REFUSED);
  }
  const scopeOf = (c: CoverageRecord) =>
    c.provider === 'okta' && c.scope !== '*' && typeof c.scope === 'string' ? (manifestOktaOrigin(c.scope) ?? c.scope) : c.scope;
  const orgChanged = okta !== undefined && orgUrl !== okta.orgUrl;
  const scopesChanged = coverage.some((c) => scopeOf(c) !== c.scope);
  if (!orgChanged && !scopesChanged) return manifest;
  return {
    ...manifest,
    providers: orgChanged ? { ...manifest.providers, okta: { ...okta!, orgUrl: orgUrl! } } : manifest.providers,
    coverage: scopesChanged ? coverage.map((c) => (scopeOf(c) === c.scope ? c : { ...c, scope: scopeOf(c) })) : coverage,
  };
}
