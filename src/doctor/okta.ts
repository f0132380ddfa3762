import { describeError, featureRefused, httpStatusOf, OktaAuthError, OktaTokenUnavailableError } from '../connectors/okta/errors.js';
import { normaliseOrgUrl, type OktaCollectOptions } from '../connectors/okta/options.js';
import { readJsonBody } from '../connectors/okta/paging.js';
import { RateGate } from '../connectors/okta/rate-gate.js';
import { GuardedRequestExecutor, type FetchResponse } from '../connectors/okta/request-executor.js';
import { connectOkta, createOktaSdk } from '../connectors/okta/sdk-client.js';
import { clientIdOf } from '../connectors/okta/selection.js';
import { isUnreachable } from '../errors.js';
import { DOCTOR_WAIT_BUDGET_MS, THROTTLED_ADVICE, WaitAllowance, type ProviderReport } from './types.js';

/** What earlier probes found to read per-object endpoints on. */
interface FirstIds {
  app?: string;
  /** OAuth client id of the first app, when it is an OIDC app. */
  client?: string;
  user?: string;
}

interface Probe {
  capability: string;
  /** Paths (all must answer), or a function of the first app/user found by earlier probes. */
  paths: string[] | ((ids: FirstIds) => string[] | undefined);
  scope: string;
}

const enc = encodeURIComponent;
// One read per endpoint family the collector calls, with limit=1 on lists. Per-object endpoints
// use the first app or user listed. Capabilities are those of the coverage records.
const PROBES: readonly Probe[] = [
  { capability: 'okta.apps', paths: ['/api/v1/apps?limit=1'], scope: 'okta.apps.read' },
  { capability: 'okta.users', paths: ['/api/v1/users?limit=1'], scope: 'okta.users.read' },
  { capability: 'okta.groups', paths: ['/api/v1/groups?limit=1'], scope: 'okta.groups.read' },
  { capability: 'okta.apiTokens', paths: ['/api/v1/api-tokens'], scope: 'okta.apiTokens.read' },
  { capability: 'okta.userTypes', paths: ['/api/v1/meta/types/user'], scope: 'okta.userTypes.read' },
  { capability: 'okta.appCredentials', paths: ({ app }) => app ? [`/api/v1/apps/${enc(app)}/credentials/jwks`] : undefined, scope: 'okta.apps.read' },
  { capability: 'okta.appGrants', paths: ({ app }) => app ? [`/api/v1/apps/${enc(app)}/grants`] : undefined, scope: 'okta.appGrants.read' },
  {
    capability: 'okta.appAssignments',
    paths: ({ app }) => app ? [`/api/v1/apps/${enc(app)}/users?limit=1`, `/api/v1/apps/${enc(app)}/groups?limit=1`] : undefined,
    scope: 'okta.apps.read',
  },
  { capability: 'okta.clientRoles', paths: ({ client }) => client ? [`/oauth2/v1/clients/${enc(client)}/roles`] : undefined, scope: 'okta.roles.read' },
  { capability: 'okta.adminRoles', paths: ({ user }) => user ? [`/api/v1/users/${enc(user)}/roles`] : undefined, scope: 'okta.roles.read' },
  { capability: 'okta.factors', paths: ({ user }) => user ? [`/api/v1/users/${enc(user)}/factors`] : undefined, scope: 'okta.users.read' },
  { capability: 'okta.authorizationServers', paths: ['/api/v1/authorizationServers?limit=1'], scope: 'okta.authorizationServers.read' },
];

/** Gets a token (OAuth) or makes a first call (SSWS), then one read per capability. */
export async function checkOkta(opts: OktaCollectOptions): Promise<ProviderReport> {
  const orgUrl = normaliseOrgUrl(opts.orgUrl, opts.allowInsecureHttp);
  const given = opts.clock ?? { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
  // Every wait of the gate and the executor (a bucket's reset, a 429's backoff) is charged to
  // the check's allowance: the probes go one after another, so their waits add up.
  const allowance = new WaitAllowance();
  const clock = { now: given.now, sleep: (ms: number) => (allowance.spend(ms), given.sleep(ms)) };
  const stats = { requests: 0, retries: 0, tokenRequests: 0 };
  // Neither a bucket's reset nor a 429's is waited for past DOCTOR_WAIT_BUDGET_MS, nor past what is
  // left of the allowance: a read held up longer goes out (or stays refused) and is reported as throttled.
  const most = () => Math.min(DOCTOR_WAIT_BUDGET_MS, allowance.leftMs());
  const gate = new RateGate({ maxConcurrent: 1, reserveFraction: 0.1, resetPaddingMs: 1000, maxResetWaitMs: most, clock });
  const executor = new GuardedRequestExecutor({ gate, clock, maxRetries: 2, waitBudgetMs: most, requestTimeoutMs: opts.requestTimeoutMs ?? 30_000, stats });
  let sdk = createOktaSdk(orgUrl, opts.auth, executor);
  const report: ProviderReport = {
    provider: 'okta',
    scope: orgUrl,
    credential: { name: 'credential', status: 'ok', detail: sdk.authMode === 'ssws' ? 'API token accepted (SSWS: unscoped, prefer an OAuth service app)' : 'access token issued' },
    checks: [],
  };
  const get = (path: string) => sdk.client.http.http(`${orgUrl}${path}`, { method: 'get', headers: { Accept: 'application/json' } } as never) as unknown as Promise<FetchResponse>;
  // Scopes the token had to be requested without (not granted to the app), by capability.
  const refused = new Map<string, string>();
  try {
    const connected = await connectOkta(sdk, orgUrl, opts.auth, executor);
    sdk = connected.sdk;
    for (const d of connected.dropped) refused.set(d.capability, d.scope);
  } catch (e) {
    // Rate-limited at the token endpoint: nothing was decided about the credential.
    if (e instanceof OktaTokenUnavailableError && e.status === 429) {
      report.credential = { name: 'credential', status: 'throttled', detail: `token request answered HTTP 429: ${THROTTLED_ADVICE}` };
      return report;
    }
    // A server error at the token endpoint: the credential was not judged (exit 3, not 2).
    if (e instanceof OktaTokenUnavailableError) {
      report.credential = { name: 'credential', status: 'error', detail: `credential not checked: the token request answered HTTP ${e.status} (a server error, not a refusal); run doctor again later`, serverError: true };
      return report;
    }
    report.credential = { name: 'credential', status: 'error', detail: (e as Error).message, ...(isUnreachable(e) ? { unreachable: true } : {}) };
    return report;
  }
  // An API token is only tried by the first read (OAuth: the token endpoint has answered).
  let answered = sdk.authMode !== 'ssws';
  // And only judged by a read answered with something else than a server error (5xx) or a limit
  // (429): until then, "accepted" would be a guess.
  let judged = answered;
  let serverFailed = false;
  const ids: FirstIds = {};
  for (const p of PROBES) {
    const scope = refused.get(p.capability);
    if (scope !== undefined) {
      report.checks.push({ name: p.capability, status: 'missing', grant: `${scope} (and an admin role that can read it)`, detail: 'Okta refused a token request that included this scope (invalid_scope); the token was requested without it' });
      continue;
    }
    const paths = Array.isArray(p.paths) ? p.paths : p.paths(ids);
    // The allowance is spent: this read would most likely be limited too, and waiting on is what
    // the allowance forbids. Not sent, and not OK.
    if (paths !== undefined && allowance.leftMs() === 0) {
      report.checks.push({ name: p.capability, status: 'throttled', detail: allowance.notChecked() });
      continue;
    }
    if (paths === undefined) {
      const what = p.capability === 'okta.clientRoles' ? 'no OIDC app listed first' : 'no app or user listed';
      report.checks.push({ name: p.capability, status: 'skipped', detail: `nothing to read it on (${what})` });
      continue;
    }
    try {
      for (const path of paths) {
        // Not `.json()`: its error quotes the body, which may hold a secret (as in the collector).
        const body = await readJsonBody(await get(path), `${orgUrl}${path}`);
        const first = Array.isArray(body) ? (body[0] as Record<string, unknown> | undefined) : undefined;
        if (typeof first?.id === 'string' && p.capability === 'okta.apps') {
          ids.app = first.id;
          if (first.signOnMode === 'OPENID_CONNECT') ids.client = clientIdOf(first);
        }
        if (typeof first?.id === 'string' && p.capability === 'okta.users') ids.user = first.id;
      }
      answered = true;
      judged = true;
      report.checks.push({ name: p.capability, status: 'ok' });
    } catch (e) {
      const status = httpStatusOf(e);
      if (!answered && isUnreachable(e)) {
        // The org never answered: the API token was not tried, and every further read would fail the same way.
        report.credential = { name: 'credential', status: 'error', detail: `API token not checked: the org could not be reached (${describeError(e)})`, unreachable: true };
        return report;
      }
      answered = true;
      if (status !== undefined && status >= 500) serverFailed = true;
      else if (status !== 429 && !isUnreachable(e)) judged = true;
      // An org without API Access Management refuses the feature with a 401 (featureRefused): the
      // credential is fine, the collector will record the capability as refused.
      if (featureRefused(e)) {
        report.checks.push({ name: p.capability, status: 'missing', grant: 'API Access Management (custom authorization servers) in the Okta org', detail: describeError(e) });
        continue;
      }
      if (status === 401 || e instanceof OktaAuthError) {
        report.credential = { name: 'credential', status: 'error', detail: `Okta rejected the credential (${describeError(e)})` };
        return report;
      }
      if (status === 429) {
        report.checks.push({ name: p.capability, status: 'throttled', detail: `${describeError(e)}: ${THROTTLED_ADVICE}` });
        continue;
      }
      report.checks.push(status === 403 ? { name: p.capability, status: 'missing', grant: `${p.scope} (and an admin role that can read it)`, detail: describeError(e) } : { name: p.capability, status: 'error', detail: describeError(e) });
    }
  }
  if (!judged && serverFailed) {
    report.credential = { name: 'credential', status: 'error', detail: 'API token not checked: every read the org answered was a server error (5xx) or a limit (429), not a refusal; run doctor again later', serverError: true };
  } else if (!judged && report.checks.some((c) => c.status === 'throttled')) {
    report.credential = { name: 'credential', status: 'throttled', detail: `API token not checked: every read was limited or not sent; ${THROTTLED_ADVICE}` };
  }
  return report;
}
