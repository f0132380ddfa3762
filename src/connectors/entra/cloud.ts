import { EntraConfigError } from './errors.js';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/**
 * Graph origin of each national cloud, keyed by its login host (learn.microsoft.com/graph/deployments).
 * US Gov DoD shares the login host with GCC High but uses dod-graph.microsoft.us: pass `graphUrl` there.
 */
const GRAPH_BY_AUTHORITY_HOST: Record<string, string> = {
  'login.microsoftonline.com': 'https://graph.microsoft.com',
  'login.microsoftonline.us': 'https://graph.microsoft.us',
  'login.partner.microsoftonline.cn': 'https://microsoftgraph.chinacloudapi.cn',
  'login.chinacloudapi.cn': 'https://microsoftgraph.chinacloudapi.cn',
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Parses a URL we are about to send a credential or a bearer token to. Plain http is allowed only
 * for loopback (local fakes); anything else must be https.
 */
export function parseTrustedUrl(value: string, what: string, allowLoopbackHttp: boolean, setting?: string): URL {
  const where = setting ?? `the value given for ${what}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EntraConfigError(`${what} is not a valid URL`, `check ${where}`);
  }
  const loopbackHttp = allowLoopbackHttp && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new EntraConfigError(`${what} must use https`, `use an https:// URL in ${where}`);
  }
  return url;
}

/** The authority host as an origin; MSAL itself refuses a non-https authority. */
export function normalizeAuthorityHost(value: string | undefined): string {
  return parseTrustedUrl(value ?? DEFAULT_AUTHORITY_HOST, 'the authority host', false, '--entra-authority or AZURE_AUTHORITY_HOST').origin;
}

/** The Graph origin to call: explicit, or the one that belongs to the authority's cloud. */
export function resolveGraphOrigin(graphUrl: string | undefined, authorityHost: string): string {
  if (graphUrl) return parseTrustedUrl(graphUrl, 'the Graph URL', true, '--graph-url').origin;
  const known = GRAPH_BY_AUTHORITY_HOST[new URL(authorityHost).hostname];
  if (!known) {
    throw new EntraConfigError(
      `no known Microsoft Graph endpoint for authority ${new URL(authorityHost).hostname}`,
      'pass --graph-url for this cloud',
    );
  }
  return known;
}
