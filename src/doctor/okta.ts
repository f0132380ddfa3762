import { describeError, httpStatusOf, OktaAuthError } from '../connectors/okta/errors.js';
import { normaliseOrgUrl, type OktaCollectOptions } from '../connectors/okta/options.js';
import { RateGate } from '../connectors/okta/rate-gate.js';
import { GuardedRequestExecutor, type FetchResponse } from '../connectors/okta/request-executor.js';
import { createOktaSdk, preflightToken } from '../connectors/okta/sdk-client.js';
import type { ProviderReport } from './types.js';

interface Probe {
  capability: string;
  /** Path, or a function of the first app/user id found by earlier probes. */
  path: string | ((ids: { app?: string; user?: string }) => string | undefined);
  scope: string;
}

const enc = encodeURIComponent;
// One read per capability with limit=1. Per-object endpoints use the first app or user listed.
const PROBES: readonly Probe[] = [
  { capability: 'okta.apps', path: '/api/v1/apps?limit=1', scope: 'okta.apps.read' },
  { capability: 'okta.users', path: '/api/v1/users?limit=1', scope: 'okta.users.read' },
  { capability: 'okta.groups', path: '/api/v1/groups?limit=1', scope: 'okta.groups.read' },
  { capability: 'okta.apiTokens', path: '/api/v1/api-tokens', scope: 'okta.apiTokens.read' },
  { capability: 'okta.appCredentials', path: ({ app }) => app && `/api/v1/apps/${enc(app)}/credentials/jwks`, scope: 'okta.apps.read' },
  { capability: 'okta.appGrants', path: ({ app }) => app && `/api/v1/apps/${enc(app)}/grants`, scope: 'okta.appGrants.read' },
  { capability: 'okta.adminRoles', path: ({ user }) => user && `/api/v1/users/${enc(user)}/roles`, scope: 'okta.roles.read' },
  { capability: 'okta.factors', path: ({ user }) => user && `/api/v1/users/${enc(user)}/factors`, scope: 'okta.users.read' },
];

/** Gets a token (OAuth) or makes a first call (SSWS), then one read per capability. */
export async function checkOkta(opts: OktaCollectOptions): Promise<ProviderReport> {
  const orgUrl = normaliseOrgUrl(opts.orgUrl, opts.allowInsecureHttp);
  const clock = opts.clock ?? { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
  const stats = { requests: 0, retries: 0, tokenRequests: 0 };
  const gate = new RateGate({ maxConcurrent: 1, reserveFraction: 0.1, resetPaddingMs: 1000, clock });
  const executor = new GuardedRequestExecutor({ gate, clock, maxRetries: 2, requestTimeoutMs: opts.requestTimeoutMs ?? 30_000, stats });
  const sdk = createOktaSdk(orgUrl, opts.auth, executor);
  const report: ProviderReport = {
    provider: 'okta',
    scope: orgUrl,
    credential: { name: 'credential', status: 'ok', detail: sdk.authMode === 'ssws' ? 'API token accepted (SSWS: unscoped, prefer an OAuth service app)' : 'access token issued' },
    checks: [],
  };
  const get = (path: string) => sdk.client.http.http(`${orgUrl}${path}`, { method: 'get', headers: { Accept: 'application/json' } } as never) as unknown as Promise<FetchResponse>;
  try {
    await preflightToken(sdk);
  } catch (e) {
    report.credential = { name: 'credential', status: 'error', detail: (e as Error).message };
    return report;
  }
  const ids: { app?: string; user?: string } = {};
  for (const p of PROBES) {
    const path = typeof p.path === 'string' ? p.path : p.path(ids);
    if (path === undefined) {
      report.checks.push({ name: p.capability, status: 'skipped', detail: 'nothing to read it on (no app or user listed)' });
      continue;
    }
    try {
      const body = await (await get(path)).json();
      const first = Array.isArray(body) ? (body[0] as { id?: unknown } | undefined)?.id : undefined;
      if (typeof first === 'string' && p.capability === 'okta.apps') ids.app = first;
      if (typeof first === 'string' && p.capability === 'okta.users') ids.user = first;
      report.checks.push({ name: p.capability, status: 'ok' });
    } catch (e) {
      const status = httpStatusOf(e);
      if (status === 401 || e instanceof OktaAuthError) {
        report.credential = { name: 'credential', status: 'error', detail: `Okta rejected the credential (${describeError(e)})` };
        return report;
      }
      report.checks.push(status === 403 ? { name: p.capability, status: 'missing', grant: `${p.scope} (and an admin role that can read it)`, detail: describeError(e) } : { name: p.capability, status: 'error', detail: describeError(e) });
    }
  }
  return report;
}
