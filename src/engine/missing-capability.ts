import type { Graph } from '../graph/graph.js';
import type { CoverageStatus } from '../snapshot/types.js';

/** What a capability holds, in words an analyst knows; `plural` picks "were" over "was". */
export interface CapabilityLabel {
  text: string;
  plural: boolean;
}

const one = (text: string): CapabilityLabel => ({ text, plural: false });
const many = (text: string): CapabilityLabel => ({ text, plural: true });

/**
 * Every capability the connectors record (docs/snapshot-format.md names the files behind each).
 * A new capability without an entry still reads, through {@link capabilityLabel}'s fallback.
 */
const LABELS: Readonly<Record<string, CapabilityLabel>> = {
  'entra.organization': one('the organization record'),
  'entra.servicePrincipals': one('the service principal list'),
  'entra.applications': one('the app registration list'),
  'entra.federatedIdentityCredentials': many('the federated identity credentials of the app registrations'),
  'entra.flexibleFederatedCredentials': many('the matching expressions of the flexible federated credentials'),
  'entra.owners': many('the owners of the app registrations and service principals'),
  'entra.appRoleAssignments': many('the application permission assignments'),
  'entra.oauth2PermissionGrants': many('the delegated permission grants'),
  'entra.directoryRoles': many('the directory role assignments'),
  'entra.pim': many('the PIM role eligibilities'),
  'entra.users': one('the user list'),
  'entra.userSignInActivity': one('the sign-in activity of the users'),
  'entra.userManagers': many('the user managers'),
  'entra.mfaRegistration': one('the MFA registration report'),
  'entra.groups': many('the role-assignable groups and their members'),
  'entra.signInActivity': one('the service principal sign-in activity report'),
  'entra.credentialSignInActivity': one('the app credential sign-in activity report'),
  'entra.agentSponsors': many('the sponsors of the agent identities'),
  'okta.apps': one('the app list'),
  'okta.appCredentials': many('the client secrets and keys of the apps'),
  'okta.appGrants': many('the scope grants of the apps'),
  'okta.clientRoles': many('the admin roles of the OAuth clients'),
  'okta.apiTokens': one('the API token list'),
  'okta.users': one('the user list'),
  'okta.userTypes': many('the user types'),
  'okta.adminRoles': many('the admin role assignments'),
  'okta.factors': many('the MFA factors of the users'),
  'okta.groups': many('the groups and their memberships'),
  'okta.appAssignments': many('the user and group assignments of the AWS apps'),
  'aws.iam': many('the IAM authorization details (users, roles, groups and policies)'),
  'aws.credentialReport': one('the IAM credential report'),
  'aws.federation': many('the OIDC and SAML identity providers'),
  'aws.rolesAnywhere': many('the IAM Roles Anywhere trust anchors and profiles'),
  'aws.roleSessions': many('the maximum session durations of the roles (ListRoles)'),
  'aws.account': one('the scan role'),
  'aws.organizationAccounts': one('the account list of the organization'),
};

/**
 * The label of a capability id. Records the transforms add for one item are `<kind>:<name>@<owner>`
 * (an AWS policy or instance profile that could not be read) or `<capability>@<file>` (a
 * relationship file missing some of its keys); any other id is named as it is.
 */
export function capabilityLabel(capability: string): CapabilityLabel {
  if (Object.hasOwn(LABELS, capability)) return LABELS[capability];
  const item = /^aws\.(policy|instanceProfile):([^@]*)@(.+)$/.exec(capability);
  if (item) return one(`the ${item[1] === 'policy' ? 'policy' : 'instance profile'} ${item[2]} of ${item[3]}`);
  const at = capability.indexOf('@');
  if (at > 0 && Object.hasOwn(LABELS, capability.slice(0, at))) {
    const base = LABELS[capability.slice(0, at)];
    return { text: `${base.text} (${capability.slice(at + 1)})`, plural: base.plural };
  }
  return one(`the data recorded as ${capability}`);
}

const SCOPE_NOUN: Readonly<Record<string, string>> = { aws: 'account', entra: 'tenant', okta: 'org' };

const STATUS_WORDS: Readonly<Record<Exclude<CoverageStatus, 'collected'>, string>> = {
  'missing-permission': 'denied',
  error: 'error',
  'not-collected': 'not collected',
};

/**
 * Why a subject is unknown when its scope lacks a capability the rule requires, as one sentence:
 * the first of `capabilities` not collected, the scope, the status with the coverage record's own
 * reason, and that the rule's condition (its title) cannot be judged. Undefined when all were
 * collected. Built from the record alone, so the same snapshot gives the same words.
 */
export function missingCapabilityReason(graph: Graph, scope: { provider: string; scope: string }, capabilities: readonly string[], ruleTitle: string): string | undefined {
  for (const cap of capabilities) {
    const record = graph.coverageRecord(scope.provider, scope.scope, cap);
    const status = record?.status ?? 'not-collected';
    if (status === 'collected') continue;
    const label = capabilityLabel(cap);
    const noun = Object.hasOwn(SCOPE_NOUN, scope.provider) ? SCOPE_NOUN[scope.provider] : `${scope.provider} scope`;
    const why = record?.reason ? `${STATUS_WORDS[status]}: ${record.reason}` : STATUS_WORDS[status];
    return `${label.text} of ${noun} ${scope.scope} ${label.plural ? 'were' : 'was'} not read (${why}); so whether "${ruleTitle}" holds cannot be judged`;
  }
  return undefined;
}
