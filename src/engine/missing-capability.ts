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
  'entra.groups': many('the role-assignable groups, the groups assigned app roles, and their members'),
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
  'okta.authorizationServers': many('the custom authorization servers and their access policies'),
  'okta.groupFilter': one('the group filter of the AWS app'),
  'aws.iam': many('the IAM authorization details (users, roles, groups and policies)'),
  'aws.credentialReport': one('the IAM credential report'),
  'aws.federation': many('the OIDC and SAML identity providers'),
  'aws.rolesAnywhere': many('the IAM Roles Anywhere trust anchors and profiles'),
  'aws.roleSessions': many('the maximum session durations of the roles (ListRoles)'),
  'aws.account': one('the scan role'),
  'aws.organizationAccounts': one('the account list of the organization'),
  'aws.organization': one('the organisation (DescribeOrganization)'),
};

/**
 * Per node type a rule may evaluate, the capabilities without which a subject of that type may be
 * absent from the graph (the list it comes from) or, for a user, not be known to be a service
 * account (the data that decides it: see rule-kit serviceAccountUnclassified): a rule then says
 * nothing about it, not even unknown, whatever capabilities it `requires`.
 */
const LISTED_BY: Readonly<Record<string, readonly string[]>> = {
  'entra-service-principal': ['entra.servicePrincipals'],
  'entra-agent-identity': ['entra.servicePrincipals'],
  'entra-managed-identity': ['entra.servicePrincipals'],
  'entra-application': ['entra.applications'],
  'entra-user': ['entra.users', 'entra.userManagers', 'entra.mfaRegistration', 'entra.userSignInActivity'],
  'okta-service-app': ['okta.apps'],
  'okta-aws-federation-app': ['okta.apps'],
  'okta-api-token': ['okta.apiTokens'],
  // Owning an API token with no active MFA factor makes a user a service account (transform-users):
  // with the token list not read, such a user is a person for want of data.
  'okta-user': ['okta.users', 'okta.userTypes', 'okta.factors', 'okta.apiTokens'],
  'aws-iam-user': ['aws.iam'],
  'aws-iam-role': ['aws.iam'],
  'aws-root-user': ['aws.credentialReport'],
  // The owner an IAM user's or role's tags name (the AWS transform's addOwnerTag): the tags come
  // with the principal in the authorization details, so an unread list leaves no such owner either.
  'aws-owner-tag': ['aws.iam'],
};

/**
 * Per node kind a rule may select (`evaluates.kinds`), the node types of LISTED_BY that can be of
 * that kind: a kind's subjects come from the lists of its types, so a rule on every identity has
 * as many subject lists as the identity types have. A user object is an identity when classified
 * as a service account and a human otherwise; an IAM user whose credential report shows a person
 * is a human, and so is the owner an IAM principal's owner tag names. Other kinds (an external
 * workload, found in the trusts of identities listed here) add no list of their own.
 * test/core/kind-types.test.ts checks the demo's and a generated estate's types against this.
 */
const KIND_TYPES: Readonly<Record<string, readonly string[]>> = {
  identity: [
    'entra-service-principal',
    'entra-agent-identity',
    'entra-managed-identity',
    'entra-application',
    'entra-user',
    'okta-service-app',
    'okta-api-token',
    'okta-user',
    'aws-iam-user',
    'aws-iam-role',
    'aws-root-user',
  ],
  human: ['entra-user', 'okta-user', 'aws-iam-user', 'aws-owner-tag'],
};

/**
 * The node types of `kind` whose subject lists are known (see KIND_TYPES); empty for a kind
 * without such types.
 */
export function typesOfKind(kind: string): readonly string[] {
  return Object.hasOwn(KIND_TYPES, kind) ? KIND_TYPES[kind] : [];
}

/**
 * The node types whose lists hold a rule's subjects: its `types`, and the known types of its
 * `kinds` (typesOfKind) less those its filter never takes (`skipsTypes`). `partial` when a kind
 * has no known types (an external workload, found in the trusts of listed identities): its
 * subjects then also come from lists this does not name. What the engine counts as unlisted
 * scopes (engine/run.ts) and what a waiver's gap may hide (cli/ci.ts) both start from this.
 */
export function subjectTypes(evaluates: { types: readonly string[]; kinds?: readonly string[]; skipsTypes?: readonly string[] }): { types: ReadonlySet<string>; partial: boolean } {
  const types = new Set(evaluates.types);
  const skipped = evaluates.skipsTypes ?? [];
  let partial = false;
  for (const kind of evaluates.kinds ?? []) {
    const ofKind = typesOfKind(kind);
    if (ofKind.length === 0) partial = true;
    for (const type of ofKind) if (!skipped.includes(type)) types.add(type);
  }
  return { types, partial };
}

/**
 * The capabilities that list the nodes of `type` (see LISTED_BY), or undefined for a type not
 * listed there: then no capability can be ruled out.
 */
export function listingCapabilities(type: string): readonly string[] | undefined {
  return Object.hasOwn(LISTED_BY, type) ? LISTED_BY[type] : undefined;
}

/**
 * Of LISTED_BY, the capabilities that decide whether a user is a service account one user at a
 * time: a user they leave undecided is still a subject, marked `serviceAccountUnread` from what
 * its own object lacks, and answers unknown (rule-kit serviceAccountUnclassified). Their gap is
 * visible per user, so it is no gap of the scope's subject list (see subjectListCapabilities).
 * The Okta token list is not here: a token owner not read leaves no mark on its user.
 */
const MARKED_PER_USER: ReadonlySet<string> = new Set(['entra.userManagers', 'entra.mfaRegistration', 'entra.userSignInActivity', 'okta.factors']);

/**
 * The capabilities whose gap in a scope leaves subjects of `type` absent without a trace (the
 * list they come from, or for an Okta user the token list that makes one a service account):
 * listingCapabilities less those marked per user. Empty for a type not listed there.
 */
export function subjectListCapabilities(type: string): readonly string[] {
  return (listingCapabilities(type) ?? []).filter((cap) => !MARKED_PER_USER.has(cap));
}

/**
 * The capability a coverage record is a gap in: its id up to an `@` for a record of one item or
 * file of it (`entra.groups@groupMembers.json`, `okta.groupFilter@<app>`), else the id itself.
 */
export function baseCapability(id: string): string {
  const at = id.indexOf('@');
  return at > 0 ? id.slice(0, at) : id;
}

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

/** `tenant t`, `org https://…`, `account 1234…`: how a report names a provider's scope. */
function scopeName(provider: string, scope: string): string {
  return `${Object.hasOwn(SCOPE_NOUN, provider) ? SCOPE_NOUN[provider] : `${provider} scope`} ${scope}`;
}

/** `denied: <reason>`, `error`, …: a coverage record's status in words, with its own reason. */
function statusText(status: Exclude<CoverageStatus, 'collected'>, reason: string | undefined): string {
  return reason ? `${STATUS_WORDS[status]}: ${reason}` : STATUS_WORDS[status];
}

/** Per graph, the clause of each capability of each scope not collected (see {@link capabilityGap}). */
const gapCache = new WeakMap<Graph, Map<string, string>>();

/**
 * What was not read, as a clause: the first of `capabilities` not collected for the scope, named
 * by its label, the scope, and the status with the coverage record's own reason ("the PIM role
 * eligibilities of tenant t were not read (denied: 403 …)"). Undefined when all were collected.
 * Every unknown reason and lower-bound note built on a missing capability starts with it (see
 * {@link cannotJudge}). One string per capability and scope, kept with the graph: the tier notes
 * ask it for every identity and finding of a large scope.
 */
export function capabilityGap(graph: Graph, scope: { provider: string; scope: string }, capabilities: readonly string[]): string | undefined {
  for (const cap of capabilities) {
    if (graph.capability(scope.provider, scope.scope, cap) === 'collected') continue;
    let byKey = gapCache.get(graph);
    if (!byKey) gapCache.set(graph, (byKey = new Map()));
    const key = `${scope.provider}\n${scope.scope}\n${cap}`;
    let text = byKey.get(key);
    if (text === undefined) {
      const record = graph.coverageRecord(scope.provider, scope.scope, cap);
      const label = capabilityLabel(cap);
      const status = (record?.status ?? 'not-collected') as Exclude<CoverageStatus, 'collected'>;
      text = `${label.text} of ${scopeName(scope.provider, scope.scope)} ${label.plural ? 'were' : 'was'} not read (${statusText(status, record?.reason)})`;
      byKey.set(key, text);
    }
    return text;
  }
  return undefined;
}

/**
 * What one item of a scope lacks, as a clause like {@link capabilityGap}'s: `what` (plural, e.g.
 * "the members of group Tier0") of the scope were not read, with the status and reason of each of
 * `records` (coverage capabilities such as `entra.groups@groupMembers.json`, in the order given)
 * that is present and not collected. A per-item gap need not have a record (an Okta user read
 * under another service-account configuration): then no status is claimed.
 */
export function itemGap(graph: Graph, scope: { provider: string; scope: string }, what: string, records: readonly string[]): string {
  const why: string[] = [];
  for (const cap of records) {
    const record = graph.coverageRecord(scope.provider, scope.scope, cap);
    if (record !== undefined && record.status !== 'collected') why.push(statusText(record.status, record.reason));
  }
  return `${what} of ${scopeName(scope.provider, scope.scope)} were not read${why.length > 0 ? ` (${why.join('; ')})` : ''}`;
}

/**
 * The one join of a gap ({@link capabilityGap}, {@link itemGap}) and what it leaves undecided
 * (`what`: "whether it reaches a crown jewel"), so every unknown reason and lower-bound note
 * reads the same way.
 */
export function cannotJudge(gap: string, what: string): string {
  return `${gap}; so ${what} cannot be judged`;
}

/**
 * Why a subject is unknown when its scope lacks a capability the rule requires, as one sentence:
 * the first of `capabilities` not collected, the scope, the status with the coverage record's own
 * reason, and that the rule's condition (its title) cannot be judged. Undefined when all were
 * collected. Built from the record alone, so the same snapshot gives the same words.
 */
export function missingCapabilityReason(graph: Graph, scope: { provider: string; scope: string }, capabilities: readonly string[], ruleTitle: string): string | undefined {
  const gap = capabilityGap(graph, scope, capabilities);
  return gap === undefined ? undefined : cannotJudge(gap, `whether "${ruleTitle}" holds`);
}
