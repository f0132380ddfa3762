import type { CrownJewelClass, Tier } from '../../graph/model.js';

/** What one Okta scope or admin role amounts to on its own (RULES-CATALOG §4.1). */
export interface PrivilegeLevel {
  tier: Tier;
  crownJewel?: CrownJewelClass;
}

/**
 * `.manage` scopes that create or change identities, credentials or the policies guarding them:
 * the T3 list of RULES-CATALOG §3.2 (NHI-OKTA-PRIVILEGED-SCOPE-GRANT). §4.1 leaves out
 * `okta.authenticators.manage` (it can switch MFA off for everyone) and `okta.orgs.manage`
 * (org-wide settings, including Okta support access to the org); both are identity control.
 * The catalog leaves out `okta.clients.manage` too: Okta's table of endpoints that accept OAuth
 * tokens gives it `PUT /oauth2/v1/clients/{clientId}` (a client's keys and auth method) and
 * `POST /oauth2/v1/clients/{clientId}/lifecycle/newSecret`, so it mints credentials for any
 * OAuth client, service apps included, as `okta.apps.manage` does.
 */
export const IDENTITY_ADMIN_SCOPES: ReadonlySet<string> = new Set([
  'okta.users.manage',
  'okta.groups.manage',
  'okta.apps.manage',
  'okta.clients.manage',
  'okta.apiTokens.manage',
  'okta.appGrants.manage',
  'okta.policies.manage',
  'okta.idps.manage',
  'okta.authorizationServers.manage',
  'okta.authenticators.manage',
  'okta.orgs.manage',
]);

/** `okta.roles.manage` assigns any admin role, SUPER_ADMIN included, to any principal. */
export const ROLE_ADMIN_SCOPE = 'okta.roles.manage';

export function scopeLevel(scopeId: string): PrivilegeLevel {
  if (scopeId === ROLE_ADMIN_SCOPE) return { tier: 4, crownJewel: 'admin' };
  if (IDENTITY_ADMIN_SCOPES.has(scopeId)) return { tier: 3, crownJewel: 'identity-admin' };
  if (scopeId.endsWith('.manage')) return { tier: 2 };
  return { tier: 1 };
}

export const CROWN_ADMIN_ROLES: ReadonlySet<string> = new Set(['SUPER_ADMIN', 'ORG_ADMIN']);

export const IDENTITY_ADMIN_ROLES: ReadonlySet<string> = new Set([
  'APP_ADMIN',
  'USER_ADMIN',
  'GROUP_MEMBERSHIP_ADMIN',
  'HELP_DESK_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
]);

/** Custom roles (`CUSTOM`) get T2: their permission set is not collected, so they are neither ignored nor assumed admin. */
export function roleLevel(roleType: string): PrivilegeLevel {
  if (CROWN_ADMIN_ROLES.has(roleType)) return { tier: 4, crownJewel: 'admin' };
  if (IDENTITY_ADMIN_ROLES.has(roleType)) return { tier: 3, crownJewel: 'identity-admin' };
  if (roleType === 'READ_ONLY_ADMIN') return { tier: 1 };
  return { tier: 2 };
}

/** Client authentication methods that rely on a shared client secret. */
export const SECRET_AUTH_METHODS: ReadonlySet<string> = new Set([
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
]);
