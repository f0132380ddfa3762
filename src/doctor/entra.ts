import { createTokenSource } from '../connectors/entra/auth.js';
import { normalizeAuthorityHost, resolveGraphOrigin } from '../connectors/entra/cloud.js';
import { EntraAuthError } from '../connectors/entra/errors.js';
import { GraphHttp } from '../connectors/entra/graph-http.js';
import type { EntraCollectOptions } from '../connectors/entra/options.js';
import { isUnreachable } from '../errors.js';
import { DOCTOR_WAIT_BUDGET_MS, THROTTLED_ADVICE, type CheckResult, type ProviderReport } from './types.js';

interface Probe {
  capability: string;
  version: 'v1.0' | 'beta';
  path: string;
  grant: string;
}

// One cheap read per capability ($top=1, $select=id). Relationship reads (owners, federated
// credentials, app-role assignments, members) need the same permission as their parent list.
const PROBES: readonly Probe[] = [
  { capability: 'entra.organization', version: 'v1.0', path: '/organization?$select=id', grant: 'Organization.Read.All' },
  { capability: 'entra.servicePrincipals', version: 'v1.0', path: '/servicePrincipals?$top=1&$select=id', grant: 'Application.Read.All' },
  { capability: 'entra.applications', version: 'v1.0', path: '/applications?$top=1&$select=id', grant: 'Application.Read.All' },
  { capability: 'entra.oauth2PermissionGrants', version: 'v1.0', path: '/oauth2PermissionGrants?$top=1', grant: 'DelegatedPermissionGrant.Read.All' },
  { capability: 'entra.directoryRoles', version: 'v1.0', path: '/roleManagement/directory/roleDefinitions?$top=1', grant: 'RoleManagement.Read.Directory' },
  { capability: 'entra.pim', version: 'v1.0', path: '/roleManagement/directory/roleEligibilitySchedules?$top=1', grant: 'RoleEligibilitySchedule.Read.Directory (and an Entra ID P2 licence)' },
  { capability: 'entra.users', version: 'v1.0', path: '/users?$top=1&$select=id', grant: 'User.Read.All' },
  { capability: 'entra.userSignInActivity', version: 'v1.0', path: '/users?$top=1&$select=id,signInActivity', grant: 'AuditLog.Read.All (and an Entra ID P1 licence)' },
  { capability: 'entra.mfaRegistration', version: 'v1.0', path: '/reports/authenticationMethods/userRegistrationDetails?$top=1', grant: 'AuditLog.Read.All (and an Entra ID P1 licence)' },
  { capability: 'entra.groups', version: 'v1.0', path: '/groups?$top=1&$select=id', grant: 'GroupMember.Read.All' },
  { capability: 'entra.signInActivity', version: 'beta', path: '/reports/servicePrincipalSignInActivities?$top=1', grant: 'AuditLog.Read.All (and an Entra ID P1 licence)' },
  { capability: 'entra.credentialSignInActivity', version: 'beta', path: '/reports/appCredentialSignInActivities?$top=1', grant: 'AuditLog.Read.All (and an Entra ID P1 licence)' },
];

/** Acquires a token, then sends one read per capability. Throws only for unusable options. */
export async function checkEntra(opts: EntraCollectOptions): Promise<ProviderReport> {
  const origin = resolveGraphOrigin(opts.graphUrl, normalizeAuthorityHost(opts.authorityHost));
  const tokens = await createTokenSource(opts, origin);
  const report: ProviderReport = { provider: 'entra', scope: opts.tenantId, credential: { name: 'credential', status: 'ok', detail: 'token acquired' }, checks: [] };
  try {
    await tokens.getToken(false);
  } catch (e) {
    const hint = (e as { hint?: unknown }).hint;
    // The token endpoint answered 429 or 5xx (EntraAuthError.status): the credential was not
    // judged, so it is neither refused (exit 2) nor a network problem.
    const answered = e instanceof EntraAuthError ? e.status : undefined;
    if (answered === 429) {
      report.credential = { name: 'credential', status: 'throttled', detail: `token request answered HTTP 429: ${THROTTLED_ADVICE}` };
      return report;
    }
    if (answered !== undefined && answered >= 500) {
      report.credential = { name: 'credential', status: 'error', detail: `credential not checked: the token request answered HTTP ${answered} (a server error, not a refusal); run doctor again later`, serverError: true };
      return report;
    }
    report.credential = {
      name: 'credential',
      status: 'error',
      detail: `${(e as Error).message}${typeof hint === 'string' ? ` (${hint})` : ''}`,
      ...(isUnreachable(e) ? { unreachable: true } : {}),
    };
    return report;
  }
  const http = new GraphHttp({ origin, tokens, fetch: opts.fetch, sleep: opts.sleep, timeoutMs: opts.requestTimeoutMs ?? 30_000, maxRetries: opts.maxRetries ?? 2, waitBudgetMs: DOCTOR_WAIT_BUDGET_MS });
  report.checks = await Promise.all(
    PROBES.map(async (p): Promise<CheckResult> => {
      const res = await http.getJson(http.url(p.version, p.path));
      // Every probe reads a Graph collection or object. A 2xx body that is not a JSON object (not
      // JSON at all: getJson gives undefined) has not shown that the read works.
      if (res.ok) {
        if (res.value !== null && typeof res.value === 'object' && !Array.isArray(res.value)) return { name: p.capability, status: 'ok' };
        return { name: p.capability, status: 'error', detail: `GET /${p.version}${p.path.split('?')[0]} answered without a JSON object` };
      }
      if (res.failure.kind === 'missing-permission') return { name: p.capability, status: 'missing', grant: p.grant, detail: res.failure.reason };
      if (res.failure.status === 429) {
        const asked = res.failure.retryAfterMs === undefined ? '' : `, asked to retry after ${Math.ceil(res.failure.retryAfterMs / 1000)} s`;
        return { name: p.capability, status: 'throttled', detail: `${res.failure.reason}${asked}: ${THROTTLED_ADVICE}` };
      }
      return { name: p.capability, status: 'error', detail: res.failure.reason };
    }),
  );
  return report;
}
