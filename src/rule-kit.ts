/**
 * The only module rule files may import (a test enforces it). It re-exports the types a rule
 * needs and small, pure helpers so that rules stay declarative and short.
 */
import type { RuleDefinition } from './engine/types.js';
import type { GraphNode } from './graph/model.js';
import type { Graph, NodeRef } from './graph/graph.js';
import type { Analysis, PathHop, ShownHops } from './analysis/types.js';
import { compileGlob } from './aws/policy/wildcard.js';
import { denyDoubtFor, externalIdRequiredByDeny, foreignOrgsOf, namedForeignOrgsOf, orgKey, outsideOrgDeniedBy, trustRoute, type OrgKnowledge, type RoleTrustFacts, type TrustStatementFact, type TrustedPrincipal, type ValueDoubt } from './aws/index.js';
import { parseDate } from './iso-date.js';
import { unreadText } from './connectors/entra/service-accounts.js';
import { APP_ROLE_GAP } from './connectors/entra/unread-parents.js';
import { AGENT_BLUEPRINT_GAP } from './connectors/entra/endpoints.js';
import { ORGANIZATION_ID, ORGANIZATION_ID_TEXT } from './connectors/aws/transform-organization.js';
import { capabilityGap, itemGap, typesOfKind } from './engine/missing-capability.js';
import { FEW_OWNERS } from './analysis/analyze.js';
import { uniqueSortedTexts } from './compare.js';
import { agentBlueprintOf, sponsorAnswers, sponsorMayAnswer } from './graph/agent-blueprint.js';

export type {
  RuleDefinition,
  RuleMeta,
  RuleContext,
  Evaluates,
  ReportInput,
  Severity,
  OwaspNhiId,
} from './engine/types.js';
export type {
  GraphNode,
  GraphEdge,
  Tier,
  CredentialType,
  StrengthClass,
  FederationInfo,
} from './graph/model.js';
export type { Graph, NodeRef } from './graph/graph.js';
export type { PathHop, CrownJewelPath, OmittedHops, ShownHops, Autonomy } from './analysis/types.js';
export { githubSubjectBreadth, WORKLOAD_TYPES } from './graph/workloads.js';
export { credentialLabel } from './graph/credential-label.js';
export { oktaGroupFilter, oktaGroupFilterProblem } from './connectors/okta/transform-aws.js';
// The analysis's own per-credential ranking, so a rule that names the weakest credentials agrees
// with `ctx.analysis.strength` about which ones they are.
export { conditionalHopCount, credentialClass, credentialEvidence, pathLength } from './analysis/analyze.js';
// The one wording for a tier that may be a lower bound, so a rule's message reads like the reports.
export { tierLabel } from './report/tier-label.js';
// Rules that list what they found in text order (not the provider's listing order) use the scan's own sort.
export { firstFewText, sortTexts, uniqueSortedTexts } from './compare.js';
export { agentBlueprintOf, sponsorAnswers, sponsorMayAnswer } from './graph/agent-blueprint.js';
// Whether an external issuer is a tenant the scan read: its tokens come from that tenant's own service principals.
export { ENTRA_ISSUER, scannedEntraTenant, scannedIssuerTenant } from './graph/entra-issuer.js';
// Whether a token of an Entra app meets an AWS trust's aud condition, as the linker judges it.
export { audienceVerdict, isTokenExchangeAudience, tokenVersionVerdict, trustClientIds } from './graph/entra-audience.js';
// Whether a token's sub meets every operator on a trust's sub key, as the AWS transform judges it.
export { subjectVerdict, type SubjectVerdict, type ValueDoubt } from './aws/trust.js';
// The engine's wording of what was not read (itemGap: of one item, e.g. one app's assignments)
// and the one join with what it leaves undecided, so a rule's unknown reads like the engine's.
export { cannotJudge, itemGap } from './engine/missing-capability.js';
// The one wording of an Entra app role that is disabled, as the assignment's reason says it.
export { APP_ROLE_DISABLED, EXCHANGE_APP_ID, GRAPH_APP_ID, SHAREPOINT_APP_ID } from './connectors/entra/permissions.js';
// `a, b and c`, as every message lists names.
export { andList } from './report/and-list.js';
// A value from a provider's policy quoted for a reason (an unknown's): escaped, so it shows what is there.
export { quoteInput } from './reporters/sanitize.js';


/** Declares a rule. Identity function: the value is validated when the registry loads. */
export function defineRule(rule: RuleDefinition): RuleDefinition {
  return rule;
}

const DAY_MS = 86_400_000;

/** Whole days from `iso` to `now`; `undefined` when the date is missing or invalid. */
export function daysSince(iso: string | null | undefined, now: Date): number | undefined {
  if (!iso) return undefined;
  const t = parseDate(iso);
  if (Number.isNaN(t)) return undefined;
  return Math.floor((now.getTime() - t) / DAY_MS);
}

/** Whole days between two ISO dates (b - a); `undefined` when either is missing. */
export function daysBetween(a: string | null | undefined, b: string | null | undefined): number | undefined {
  if (!a || !b) return undefined;
  const ta = parseDate(a);
  const tb = parseDate(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return undefined;
  return Math.floor((tb - ta) / DAY_MS);
}

/** ISO date (YYYY-MM-DD) for messages. */
export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : 'unknown';
}

/**
 * The one policy of the Okta service-app rules for apps that are not ACTIVE: they are not
 * evaluated (no verdict), whatever grants, roles or secrets they hold. An INACTIVE app's client
 * cannot get tokens from Okta, so none of those is usable until someone reactivates the app, and
 * that someone (okta.apps.manage, an app admin role) is reported on their own grants and roles.
 * An app whose status was not read (`enabled` undefined) is evaluated.
 */
export function oktaServiceAppActive(node: GraphNode): boolean {
  return node.enabled !== false;
}

/**
 * The Okta policy for the cross-provider nhi-* rules: an Okta identity that cannot authenticate
 * (a service app that is not ACTIVE, a user SUSPENDED or DEPROVISIONED: `enabled` false) is not
 * evaluated, as the Okta service-app rules (above) and service-user rules do not evaluate it; one
 * rule set naming an identity the other leaves alone would be two policies for one org. Every
 * other identity passes: an Entra service principal or user that is disabled stays evaluated, as
 * the Entra rules evaluate it (its credentials and grants are still there when it is re-enabled),
 * and an AWS principal has no such state. Status not read (`enabled` undefined): evaluated.
 */
export function oktaIdentityActive(node: GraphNode): boolean {
  return node.provider !== 'okta' || node.enabled !== false;
}

/**
 * For an Okta API token whose owner is SUSPENDED or DEPROVISIONED, the owner's name and status:
 * Okta accepts a token only while its creator is active, so the token does nothing today, and
 * everything comes back if the owner is reactivated. The Okta token rules report such a token's
 * power as dormant, at a lower severity (okta-api-token-admin-owner, okta-api-token-any-network);
 * the nhi-* rules that judge power do the same. Undefined for any other node, and for a token
 * whose owner's status was not read (counted as active, as those rules do).
 */
export function dormantOktaToken(graph: Graph, node: GraphNode): { owner: string; status: string } | undefined {
  if (node.type !== 'okta-api-token') return undefined;
  const owner = graph.targets(node, 'ACTS_AS')[0];
  if (owner?.enabled !== false) return undefined;
  return { owner: owner.name, status: (owner.attrs.status as string | undefined) ?? 'disabled' };
}

/**
 * Whether a node is a machine identity. The AWS IAM-user rules select by type, and an IAM user
 * whose credential report shows a person (console password with MFA, no access key) is a
 * `human` node of that type: those rules leave it alone, as the Entra and Okta rules leave
 * human user objects alone.
 */
export function isMachine(node: GraphNode): boolean {
  return node.kind === 'identity';
}

/** Credentials attached to an identity (HAS_CREDENTIAL targets). */
export function credentialsOf(graph: Graph, node: NodeRef): readonly GraphNode[] {
  return graph.targets(node, 'HAS_CREDENTIAL');
}

/**
 * How a message names an Entra password or key credential. A legacy Symmetric key is a shared
 * secret (credentialType `client-secret`) but is listed under keyCredentials, not as a secret.
 */
export function entraCredentialKind(cred: GraphNode): string {
  if (cred.type === 'entra-symmetric-key') return 'symmetric key';
  return cred.credentialType === 'client-secret' ? 'client secret' : 'certificate';
}

/**
 * Credentials that exist and are not over: status not inactive/expired and not past `expiresAt`.
 * Either active or not valid yet (see isPendingCredential). For rules about the credential
 * itself (where it is stored, how long it lives), which a start date later on does not change.
 */
export function isUnexpiredCredential(cred: GraphNode, now: Date): boolean {
  if (cred.status === 'inactive' || cred.status === 'expired') return false;
  if (cred.expiresAt && parseDate(cred.expiresAt) <= now.getTime()) return false;
  return true;
}

/**
 * Not valid yet: unexpired, with a start after `now`. `createdAt` is the start of validity (Entra
 * passwordCredential / keyCredential startDateTime, which may be set in the future; elsewhere a
 * creation or rotation date, never after the collection).
 */
export function isPendingCredential(cred: GraphNode, now: Date): boolean {
  return isUnexpiredCredential(cred, now) && startsAfter(cred, now);
}

/** Active credentials, usable at `now`: unexpired and already valid (not pending). */
export function isActiveCredential(cred: GraphNode, now: Date): boolean {
  // Not !isPendingCredential, which would test (and parse) the expiry a second time.
  return isUnexpiredCredential(cred, now) && !startsAfter(cred, now);
}

/** Created (or rotated) after `now`: not valid yet. */
function startsAfter(cred: GraphNode, now: Date): boolean {
  return cred.createdAt != null && parseDate(cred.createdAt) > now.getTime();
}

/** Nodes at the far end of outgoing edges of one type (cached by the graph; copy before sorting). */
export function targets(graph: Graph, node: NodeRef, type: Parameters<Graph['out']>[1] & string): readonly GraphNode[] {
  return graph.targets(node, type);
}

/** Nodes at the near end of incoming edges of one type (cached by the graph; copy before sorting). */
export function sources(graph: Graph, node: NodeRef, type: Parameters<Graph['in']>[1] & string): readonly GraphNode[] {
  return graph.sources(node, type);
}

/**
 * Owners of an object (OWNS sources), each once: the Entra transform merges an app registration
 * and its service principal into one node, so a person who owns both has two OWNS edges to it.
 * In edge order, so evidence stays the same from run to run.
 */
export function ownersOf(graph: Graph, node: NodeRef): readonly GraphNode[] {
  const all = graph.sources(node, 'OWNS');
  // Almost always one or two owners, none twice: then the graph's own (frozen) list is the answer.
  // A filtered copy per call was most of this function's time (three rules ask it of each of
  // 31,000 subjects on the 100k estate). A scan of the earlier ones beats a set per subject, for
  // a few owners; a long list (an app of 20,000 owners) is checked with a set, as the scan grows
  // with the square of its length.
  if (all.length > FEW_OWNERS) {
    const seen = new Set<string>();
    for (const o of all) seen.add(o.id);
    if (seen.size === all.length) return all;
    seen.clear();
    return all.filter((o) => {
      if (seen.has(o.id)) return false;
      seen.add(o.id);
      return true;
    });
  }
  for (let i = 1; i < all.length; i++) {
    for (let j = 0; j < i; j++) if (all[j].id === all[i].id) return all.filter((o, k) => all.findIndex((p) => p.id === o.id) === k);
  }
  return all;
}

/**
 * The first of `capabilities` not collected for the node's provider and scope, as a clause that
 * says what was not read, where, and the coverage record's status and reason (the engine's own
 * wording: src/engine/missing-capability.ts), or undefined when all were. A rule's unknown reason
 * adds what cannot be judged with {@link cannotJudge}.
 */
export function missingCapability(graph: Graph, node: Pick<GraphNode, 'provider' | 'scope'>, capabilities: readonly string[]): string | undefined {
  return capabilityGap(graph, node, capabilities);
}

/**
 * An Entra app registered in the tenant whose federated credentials were not read (the
 * capability, or this app's entry in federatedIdentityCredentials.json): one of them may be a
 * weak trust, so "no federated credential" is not known. With the app registrations not read,
 * a service principal of the tenant may have one whose credentials (federated ones included)
 * were never seen.
 */
export function entraFicsUnread(graph: Graph, subject: GraphNode): boolean {
  if (subject.provider !== 'entra' || (subject.attrs.applicationObjectId === undefined && subject.attrs.tenantOwned !== true)) return false;
  if (graph.capability('entra', subject.scope, 'entra.federatedIdentityCredentials') !== 'collected') return true;
  if (subject.attrs.applicationObjectId === undefined) return graph.capability('entra', subject.scope, 'entra.applications') !== 'collected';
  return subject.attrs.ficsCollected !== true;
}

/**
 * The root user of an AWS account: the account owner's login, which a person signs in to for the
 * few tasks that need it. It holds every right in the account, so it is T4, but it is no machine
 * identity: the generic rules on secrets, lifetimes and tier policy leave it to the root rules
 * (aws-root-access-key), which judge what is wrong with it (an access key).
 */
export function isRootUser(n: GraphNode): boolean {
  return n.type === 'aws-root-user';
}

/**
 * Why the subject's own credentials are not all known, or undefined: an Okta service app whose
 * client secrets or keys were not read (absent from okta/appSecrets.json or appJwks.json, or
 * okta.appCredentials not collected), or an IAM user with no row in its account's credential
 * report, or whose account's report was not read at all (its access keys and password). "No credential" is then not evidence of none.
 */
export function credentialsUnread(subject: GraphNode): string | undefined {
  if (subject.type === 'okta-service-app' && subject.attrs.credentialsCollected !== true) return "the app's client secrets or keys were not read";
  if (subject.type === 'aws-iam-user' && subject.attrs.credentialReportRow === false) return reportGap(subject);
  return undefined;
}

/** Why an IAM user with no credential report row has none: its own row missing, or the whole report of its account not read. */
function reportGap(subject: GraphNode): string {
  return subject.attrs.credentialReportUnread === true ? 'the credential report of its account was not read' : 'the user has no row in the credential report';
}

/**
 * Why it is not known whether the subject is a service account that is a user object, or
 * undefined: an IAM user with no row in the credential report (or whose account's report was not
 * read) and nothing in its name, tags or the configuration that says so (its access keys, the
 * usual evidence, are in the missing row); an Entra user named like one whose supporting signals
 * read are none while one of them was not read (its manager, MFA registration or sign-in
 * activity); an Okta user that owns API tokens, no convention names, and whose MFA factors
 * (with the tokens, the deciding signal) were not read. The Entra and Okta users stay `human` nodes.
 * The service-account rules evaluate such a user and answer unknown where the answer depends on
 * it being one.
 */
export function serviceAccountUnclassified(subject: GraphNode): string | undefined {
  if (subject.type === 'okta-user' || subject.type === 'entra-user') {
    const unread = subject.attrs.serviceAccountUnread;
    if (subject.kind !== 'human' || !Array.isArray(unread) || unread.length === 0) return undefined;
    // Okta: a token owner whose factors (the deciding second weak signal) were not read.
    return subject.type === 'okta-user'
      ? 'whether it is a service account is not known: it owns API tokens and its MFA factors were not read'
      : `whether it is a service account is not known: its name looks like one and its ${unreadText(unread as string[])}`;
  }
  if (subject.kind !== 'identity' || subject.type !== 'aws-iam-user' || subject.attrs.credentialReportRow !== false) return undefined;
  if (subject.machineReasons !== undefined && subject.machineReasons.length > 0) return undefined;
  return `whether it is a service account is not known: ${reportGap(subject)}`;
}

/**
 * The identity types maybeServiceAccount never takes: only a user object (Entra, Okta, IAM) is
 * classified a service account, or left undecided. The service-account rules select every
 * identity by kind and skip these (`evaluates.skipsTypes`), so a service principal or role list
 * not read is no gap of theirs. The user objects are the identity types that can also be of
 * kind `human` (a user classified a person), so this is read off the engine's table of both
 * (typesOfKind) rather than listed again: a type added there cannot be missed here.
 */
export const NOT_USER_IDENTITY_TYPES: readonly string[] = typesOfKind('identity').filter((t) => !typesOfKind('human').includes(t));

/** The subjects of the service-account rules: user objects classified as one, and those that may be one (see {@link serviceAccountUnclassified}). */
export function maybeServiceAccount(n: GraphNode): boolean {
  return (n.machineReasons !== undefined && n.machineReasons.length > 0) || serviceAccountUnclassified(n) !== undefined;
}

/**
 * Coverage capabilities whose grants, roles, memberships and ownerships feed an identity's
 * capability tier. Entra owners count: an SP that owns an app or SP can add a credential to it
 * (a CAN_ESCALATE_TO edge) and takes its tier.
 */
const TIER_CAPABILITIES: Readonly<Record<string, readonly string[]>> = {
  // Every grant and role is held by a principal of entra.servicePrincipals (or a user or group):
  // with that list not read, an app registration may have a service principal holding them.
  entra: ['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim', 'entra.groups', 'entra.owners'],
  okta: ['okta.adminRoles', 'okta.clientRoles', 'okta.appGrants', 'okta.groups'],
  aws: ['aws.iam'],
};

/** The Entra capabilities feeding an app registration's tier: without a service principal it owns nothing. */
const APP_TIER_CAPABILITIES = TIER_CAPABILITIES.entra.filter((c) => c !== 'entra.owners');

/**
 * What was not read of the evidence feeding the subject's tier, as a clause naming it, its scope
 * and, where a coverage record says it, the status and reason; or `undefined`. When one is
 * missing, a tier below a threshold is only a lower bound: not a pass. With `counts`, a group
 * whose members were not read and for which `counts(group)` holds (e.g. its tier reaches the
 * rule's threshold) is missing evidence too: the subject may be a member.
 */
export function tierEvidenceMissing(graph: Graph, subject: GraphNode, counts?: GroupTest): string | undefined {
  // An app registration without a service principal owns nothing: unread owner lists cannot raise it.
  const caps = subject.type === 'entra-application' ? APP_TIER_CAPABILITIES : (TIER_CAPABILITIES[subject.provider] ?? []);
  const missing = capabilityGap(graph, subject, caps);
  if (missing) return missing;
  // Okta reads roles and groups per user: a collected capability can still miss this user (or the
  // user an API token acts as), e.g. a snapshot collected with another service-account config.
  if (subject.provider === 'okta') {
    const users = subject.type === 'okta-user' ? [subject] : subject.type === 'okta-api-token' ? graph.targets(subject, 'ACTS_AS') : [];
    for (const u of users) {
      if (u.type === 'okta-user' && (u.attrs.adminRolesComplete !== true || u.attrs.groupsCollected !== true)) {
        return itemGap(graph, u, `the admin roles or groups of user ${u.name}`, ['okta.adminRoles@userRoles.json', 'okta.groups@userGroups.json', 'okta.adminRoles@groupRoles.json']);
      }
    }
    // A service app's scope grants and client roles are read per app (appGrants.json, clientRoles.json).
    if (subject.type === 'okta-service-app' && (subject.attrs.grantsCollected !== true || subject.attrs.clientRolesCollected !== true)) {
      return itemGap(graph, subject, `the scope grants or admin roles of app ${subject.name}`, ['okta.appGrants@appGrants.json', 'okta.clientRoles@clientRoles.json']);
    }
  }
  // Any principal may hold an app role of a resource whose assignments were not read: one of its
  // roles that `counts` takes (its tier reaches the threshold; without a threshold, any role)
  // may be the subject's, or give it a way to one that is.
  if (subject.provider === 'entra') {
    const resource = unreadAppRoleResource(graph, subject, counts?.roleTier !== undefined ? roleTierAtLeast(counts.roleTier) : ANY_UNREAD_RESOURCE);
    if (resource) return appRoleAssignmentsUnread(graph, resource);
    // A blueprint takes the tier of the agent identities it obtains tokens for; so does whoever
    // can take a blueprint over.
    const blueprints = agentBlueprintsUnread(graph, subject) ?? blueprintReachUnread(graph, subject);
    if (blueprints) return blueprints;
  }
  if (!counts) return undefined;
  const group = unreadGroup(graph, subject, counts);
  if (group) return groupMembersUnread(graph, group);
  const owned = unreadOwned(graph, subject, counts);
  return owned ? ownersUnread(graph, owned) : undefined;
}

/**
 * An Entra Agent ID blueprint (its principal, or the blueprint registered here) in a tenant whose
 * service principal list was read without agentIdentityBlueprintId (the collector's
 * AGENT_BLUEPRINT_GAP record): which agent identities it obtains tokens for, and so its reach
 * and tier, are not known. The gap as a clause, or undefined. A snapshot without the record read
 * the property (or predates it, and its agent identities without one are warned about).
 */
export function agentBlueprintsUnread(graph: Graph, subject: GraphNode): string | undefined {
  if (subject.provider !== 'entra' || (subject.attrs.agentKind !== 'blueprint-principal' && subject.attrs.appOdataType !== 'agentIdentityBlueprint')) return undefined;
  const record = graph.coverageRecord('entra', subject.scope, AGENT_BLUEPRINT_GAP);
  if (record === undefined || record.status === 'collected') return undefined;
  return itemGap(graph, subject, 'the blueprints of the agent identities', [AGENT_BLUEPRINT_GAP]);
}

/** Per graph: the Entra nodes with a way into a blueprint whose agent identities were not read (see blueprintReachUnread). */
const blueprintReachers = new WeakMap<Graph, ReadonlySet<string>>();

/** The edges by which one node gets at another's credentials or tokens, as the transforms add them. */
const INTO_BLUEPRINT: ReadonlySet<string> = new Set(['CAN_ESCALATE_TO', 'OWNS', 'CAN_ASSUME']);
/** How an identity holds a privilege. */
const HOLDS: ReadonlySet<string> = new Set(['GRANTED', 'HAS_ROLE']);

/**
 * The gap clause when the subject can take over an Entra Agent ID blueprint of a tenant whose
 * blueprint links were not read (agentBlueprintsUnread): the blueprint's tier, and so the one the
 * subject takes from it, is a lower bound. "Can take over": an edge into the blueprint (an owner,
 * an add-credential escalation), a privilege it holds (or a group it is a member of holds) that
 * has one; a longer route through another identity is not followed. Built once per graph from the
 * blueprints' incoming edges: blueprints are few.
 */
function blueprintReachUnread(graph: Graph, subject: GraphNode): string | undefined {
  const record = graph.coverageRecord('entra', subject.scope, AGENT_BLUEPRINT_GAP);
  if (record === undefined || record.status === 'collected') return undefined;
  let reachers = blueprintReachers.get(graph);
  if (reachers === undefined) {
    const out = new Set<string>();
    // A privilege that can add a credential to every blueprint has an edge into each: its holders
    // (and a holding group's members) are listed once, not once per blueprint.
    const seenPrivileges = new Set<string>();
    const holdersOf = (priv: GraphNode): void => {
      if (seenPrivileges.has(priv.id)) return;
      seenPrivileges.add(priv.id);
      for (const e of graph.in(priv)) {
        if (!HOLDS.has(e.type)) continue;
        out.add(e.from);
        const holder = graph.node(e.from);
        if (holder?.kind === 'group') for (const m of graph.in(holder, 'MEMBER_OF')) out.add(m.from);
      }
    };
    // The blueprints agentBlueprintsUnread marks a lower bound, whatever their node type: a
    // blueprint registered here whose principal came without its @odata.type is one node of type
    // entra-service-principal with the application's appOdataType.
    for (const type of ['entra-agent-identity', 'entra-application', 'entra-service-principal']) {
      for (const bp of graph.ofType(type)) {
        if (bp.attrs.agentKind !== 'blueprint-principal' && bp.attrs.appOdataType !== 'agentIdentityBlueprint') continue;
        const gap = graph.coverageRecord('entra', bp.scope, AGENT_BLUEPRINT_GAP);
        if (gap === undefined || gap.status === 'collected') continue;
        for (const e of graph.in(bp)) {
          if (!INTO_BLUEPRINT.has(e.type) || e.from === bp.id) continue;
          out.add(e.from);
          const from = graph.node(e.from);
          if (from?.kind === 'privilege') holdersOf(from);
        }
      }
    }
    blueprintReachers.set(graph, (reachers = out));
  }
  return reachers.has(subject.id) ? itemGap(graph, subject, 'the blueprints of the agent identities', [AGENT_BLUEPRINT_GAP]) : undefined;
}

/**
 * What an Entra agent identity's blueprint says of who answers for the agent, for an agent with
 * no sponsor of its own that answers. Agent ID sets sponsors per object, and requires one on each
 * agent identity; the sponsors of its blueprint (principal) are accountable for the lifecycle of
 * the agent identities created from it (agentidentityblueprint-list-sponsors), so the agent is not
 * unanswered for, only without its own sponsor. `sponsored`: the blueprint has a sponsor that
 * answers (names sorted); `unknown`: which blueprint it is, its sponsors or their account status
 * were not read (`why`, a clause); `none`: its blueprint has none that answers, or is not in the
 * snapshot. Undefined for anything but an agent identity.
 */
export function blueprintSponsorship(
  graph: Graph,
  agent: GraphNode,
): { status: 'sponsored'; blueprint: GraphNode; sponsors: string[] } | { status: 'unknown'; blueprint?: GraphNode; why: string } | { status: 'none'; blueprint?: GraphNode } | undefined {
  if (agent.provider !== 'entra' || agent.attrs.agentKind !== 'agent-identity') return undefined;
  const blueprint = agentBlueprintOf(graph, agent);
  if (!blueprint) {
    const record = graph.coverageRecord('entra', agent.scope, AGENT_BLUEPRINT_GAP);
    if (typeof agent.attrs.agentBlueprintId !== 'string' && record !== undefined && record.status !== 'collected') {
      return { status: 'unknown', why: itemGap(graph, agent, 'the blueprints of the agent identities', [AGENT_BLUEPRINT_GAP]) };
    }
    return { status: 'none' };
  }
  const candidates = graph.sources(blueprint, 'SPONSORS').filter(sponsorMayAnswer);
  const answering = candidates.filter(sponsorAnswers);
  if (answering.length > 0) return { status: 'sponsored', blueprint, sponsors: uniqueSortedTexts(answering.map((s) => s.name)) };
  if (blueprint.attrs.sponsorsCollected !== true) return { status: 'unknown', blueprint, why: itemGap(graph, blueprint, `the sponsors of its blueprint ${blueprint.name}`, ['entra.agentSponsors']) };
  if (candidates.length > 0) return { status: 'unknown', blueprint, why: `the account status of a sponsor of its blueprint ${blueprint.name} was not read` };
  return { status: 'none', blueprint };
}

/**
 * Whether the sponsors that answer for an Entra Agent ID object were not (all) read, as
 * entra-agent-no-sponsor judges them: an agent identity, blueprint principal or blueprint
 * application whose own sponsor lists were not all read (`sponsorsCollected`), or an agent
 * identity with no sponsor of its own that answers whose blueprint's sponsors, their status or
 * which blueprint it is were not read (blueprintSponsorship `unknown`). An owner list with no
 * person in it is then no evidence that nobody answers for it.
 */
export function agentSponsorsUnread(graph: Graph, n: GraphNode): boolean {
  if (n.provider !== 'entra') return false;
  const kind = n.attrs.agentKind;
  if ((kind === 'agent-identity' || kind === 'blueprint-principal' || n.attrs.appOdataType === 'agentIdentityBlueprint') && n.attrs.sponsorsCollected !== true) return true;
  return kind === 'agent-identity' && !graph.sources(n, 'SPONSORS').some(sponsorAnswers) && blueprintSponsorship(graph, n)?.status === 'unknown';
}

/** That the owners of an Entra service principal or app registration were not read, as a gap clause (with the records of the owner files, if any). */
function ownersUnread(graph: Graph, owned: GraphNode): string {
  const what = owned.type === 'entra-application' ? 'app registration' : 'service principal';
  return itemGap(graph, owned, `the owners of ${what} ${owned.name}`, ['entra.owners@applicationOwners.json', 'entra.owners@servicePrincipalOwners.json']);
}

/** That the members of an Entra group were not read, as a gap clause (with the record of groupMembers.json, if any). */
export function groupMembersUnread(graph: Graph, group: GraphNode): string {
  return itemGap(graph, group, `the members of group ${group.name}`, ['entra.groups@groupMembers.json']);
}

/**
 * Which unread groups count, named: `key` says what `test` checks (e.g. `tier>=3`), so the
 * answer per tenant is computed once per key instead of once per subject; every subject of a
 * large tenant asks it.
 */
export interface GroupTest {
  key: string;
  test: (group: GraphNode) => boolean;
  /**
   * The tier an app role must reach to count, when the test is one of tier (tierAbove,
   * tierAtLeast): an Entra resource whose assignments were not read counts only if one of its
   * roles does. Without it, every such resource counts (unreadAppRoleResource).
   */
  roleTier?: number;
}

const tierAboveTests = new WeakMap<Analysis, GroupTest[]>();
/**
 * The groups whose tier is above `tier` (groups holding any privilege for 0): an unread one may
 * lift a subject of that tier that is among its members. One test object per analysis and tier,
 * so unreadGroup's per-key cache is shared by the engine and the identity summaries.
 */
export function tierAbove(analysis: Analysis, tier: number): GroupTest {
  let list = tierAboveTests.get(analysis);
  if (!list) tierAboveTests.set(analysis, (list = []));
  return (list[tier] ??= { key: `tier>${tier}`, test: (g) => analysis.tier(g) > tier, roleTier: tier + 1 });
}

/**
 * The groups whose tier reaches `min` (and the unread app roles that do): what a rule that reports
 * tiers from `min` up counts as evidence missing below it. The same test object as tierAbove's
 * for `min - 1`.
 */
export function tierAtLeast(analysis: Analysis, min: number): GroupTest {
  return tierAbove(analysis, Math.max(0, min) - 1);
}

/**
 * What was not read when the subject's own tier is only a lower bound (a capability feeding it,
 * or an unread group above that tier it may belong to), else `undefined`. T4 is the top: nothing
 * unread can raise it. The identity summaries, the findings and the rules that state a tier all
 * ask this, so they agree on which tiers are lower bounds.
 */
export function tierLowerBound(graph: Graph, analysis: Analysis, subject: GraphNode): string | undefined {
  const i = graph.indexOf(subject);
  if (i < 0) return lowerBoundOf(graph, analysis, subject);
  // Asked for every finding with a tier (168,000 on the 100k estate, on 69,000 subjects) and
  // again for every identity summary: each node's answer is worked out once per analysis.
  let memo = lowerBounds.get(analysis);
  if (memo === undefined || memo.graph !== graph) lowerBounds.set(analysis, (memo = { graph, values: new Array(graph.size) }));
  let v = memo.values[i];
  if (v === undefined) memo.values[i] = v = lowerBoundOf(graph, analysis, subject) ?? null;
  return v ?? undefined;
}

/** Per analysis, and the graph it was asked with: tierLowerBound's answer by node index (null: none; undefined: not asked yet). */
const lowerBounds = new WeakMap<Analysis, { graph: Graph; values: (string | null | undefined)[] }>();

function lowerBoundOf(graph: Graph, analysis: Analysis, subject: GraphNode): string | undefined {
  const tier = analysis.tier(subject);
  return tier < 4 ? tierEvidenceMissing(graph, subject, tierAbove(analysis, tier)) : undefined;
}

const GROUP_TYPES: Readonly<Record<string, string>> = { entra: 'entra-group' };
/** Per graph, per test key, per scope: the unread groups the test holds for, in graph order. */
const unreadGroupCache: ScopeIndexCache = new WeakMap();

/**
 * The first group of the subject's tenant whose members were not read (absent from the
 * relationship file: `attrs.membersCollected` unset) and for which the test holds: the subject
 * may be one of its members and get what the group holds. Entra only (Okta reads groups per
 * user). The test must give the same answer for the same key over one graph.
 */
export function unreadGroup(graph: Graph, subject: GraphNode, counts: GroupTest): GraphNode | undefined {
  const type = GROUP_TYPES[subject.provider];
  // An app registration without a service principal cannot be a group member.
  if (!type || subject.type === 'entra-application') return undefined;
  // A group is not its own member.
  return firstOtherInScope(unreadGroupCache, graph, subject, counts, [type], (g) => g.attrs.membersCollected !== true);
}

/** Per graph, per test key, per scope: the nodes a test holds for, in graph order. */
type ScopeIndexCache = WeakMap<Graph, Map<string, Map<string, GraphNode[]>>>;

/**
 * The first node of the subject's scope, other than the subject, of one of `types`, that `unread`
 * keeps and the test holds for. The nodes are listed once per graph and test key (one pass over
 * the types), so asking for every identity stays linear.
 */
function firstOtherInScope(
  cache: ScopeIndexCache,
  graph: Graph,
  subject: GraphNode,
  counts: GroupTest,
  types: readonly string[],
  unread: (n: GraphNode) => boolean,
): GraphNode | undefined {
  const list = nodesInScope(cache, graph, subject.scope, counts, types, unread);
  if (!list) return undefined;
  // At most the second entry is needed: the subject can be the first.
  return list[0].id !== subject.id ? list[0] : list[1];
}

/** The nodes of `scope` of one of `types` that `unread` keeps and the test holds for, in graph order (see firstOtherInScope). */
function nodesInScope(
  cache: ScopeIndexCache,
  graph: Graph,
  scope: string,
  counts: GroupTest,
  types: readonly string[],
  unread: (n: GraphNode) => boolean,
): readonly GraphNode[] | undefined {
  let byKey = cache.get(graph);
  if (!byKey) cache.set(graph, (byKey = new Map()));
  let byScope = byKey.get(counts.key);
  if (!byScope) {
    byScope = new Map();
    for (const type of types) {
      for (const n of graph.ofType(type)) {
        if (!unread(n) || !counts.test(n)) continue;
        const list = byScope.get(n.scope);
        if (list) list.push(n);
        else byScope.set(n.scope, [n]);
      }
    }
    byKey.set(counts.key, byScope);
  }
  return byScope.get(scope);
}

/**
 * The Entra identities an owner can add a credential to, and so take the tier of (CAN_ESCALATE_TO,
 * transform-escalation.ts takesCredential): app registrations and service principals, an agent
 * identity blueprint's principal included; not an agent identity (its blueprint holds its
 * credentials) nor a managed identity (no credential can be added to one).
 */
const OWNED_TYPES: readonly string[] = ['entra-service-principal', 'entra-application', 'entra-agent-identity'];
/**
 * The Entra identities that can own one: users and service principals, a managed identity's
 * included (the transform gives any owner its OWNS and CAN_ESCALATE_TO edges); a group owns nothing.
 */
const OWNER_TYPES: ReadonlySet<string> = new Set(['entra-service-principal', 'entra-managed-identity', 'entra-user']);
/** Per graph, per test key, per scope: the identities whose owners were not read and for which the test holds. */
const unreadOwnedCache: ScopeIndexCache = new WeakMap();

/**
 * The first Entra service principal or app registration of the subject's tenant whose owner list
 * was not read (absent from applicationOwners.json or servicePrincipalOwners.json:
 * `attrs.ownersCollected` unset; Microsoft's first-party ones are not read on purpose) and for
 * which the test holds: the subject, a user or service principal, may be one of its owners and
 * take its tier. The capability's own record is capabilityGap's: this is the gap of some parents
 * only. The test must give the same answer for the same key over one graph.
 */
export function unreadOwned(graph: Graph, subject: GraphNode, counts: GroupTest): GraphNode | undefined {
  if (subject.provider !== 'entra' || !OWNER_TYPES.has(subject.type)) return undefined;
  // Owning itself adds nothing.
  return firstOtherInScope(
    unreadOwnedCache,
    graph,
    subject,
    counts,
    OWNED_TYPES,
    (n) => n.attrs.ownersCollected !== true && n.firstParty !== true && n.attrs.agentKind !== 'agent-identity',
  );
}

/** The node types of an Entra resource service principal (one defining app roles). */
const RESOURCE_TYPES: readonly string[] = ['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity'];
/** Per graph, per test key, per scope: the resources whose assignments were not read and for which the test holds. */
const unreadResourceCache: ScopeIndexCache = new WeakMap();
/** Every resource whose assignments were not read. */
const ANY_UNREAD_RESOURCE: GroupTest = { key: 'any', test: () => true };
const roleTierTests: GroupTest[] = [];
/** The unread resources with an app role of tier `min` or more (markUnreadResources' `unreadAppRoleTier`). */
function roleTierAtLeast(min: number): GroupTest {
  return (roleTierTests[min] ??= { key: `tier>=${min}`, test: (r) => Number(r.attrs.unreadAppRoleTier) >= min });
}

/**
 * The first Entra resource service principal of the subject's tenant whose app role assignments
 * were not read (the collector's `entra.appRoleAssignments@appRoleAssignments.json` record names
 * it: `attrs.appRoleAssignmentsUnread`) and for which the test holds: the subject, a service
 * principal, user or group, may hold one of its roles, itself included. An app registration
 * without a service principal holds none. The capability's own record is capabilityGap's: this is
 * the gap of some resources only. The test must give the same answer for the same key over one
 * graph; it may read `attrs.unreadAppRoleTier` (the highest tier of the resource's roles),
 * `attrs.unreadAppRoleCategories` and `attrs.appId`.
 */
export function unreadAppRoleResource(graph: Graph, subject: GraphNode, counts: GroupTest): GraphNode | undefined {
  if (subject.provider !== 'entra' || subject.type === 'entra-application') return undefined;
  // The record is there whenever a resource is marked (markUnreadResources): most tenants have
  // none, and need no pass over their service principals.
  if (graph.coverageRecord('entra', subject.scope, APP_ROLE_GAP) === undefined) return undefined;
  // The subject may hold a role of its own resource: it is not passed over.
  return nodesInScope(unreadResourceCache, graph, subject.scope, counts, RESOURCE_TYPES, (n) => n.attrs.appRoleAssignmentsUnread === true)?.[0];
}

/** That the app role assignments of an Entra resource were not read, as a gap clause (with the collector's record, if any). */
export function appRoleAssignmentsUnread(graph: Graph, resource: GraphNode): string {
  return itemGap(graph, resource, `the app role assignments of resource ${resource.name}`, [APP_ROLE_GAP]);
}

/**
 * The gap, as a clause, when a resource of the subject's tenant whose assignments were not read
 * has an app role of one of `categories` (permissions.ts: `tenant-admin`, `identity-admin`,
 * `data-write`, ...): the subject may hold it. Undefined when none has.
 */
export function appRoleCategoryUnread(graph: Graph, subject: GraphNode, categories: readonly string[]): string | undefined {
  const key = `categories:${categories.join(',')}`;
  let test = categoryTests.get(key);
  if (!test) {
    test = { key, test: (r) => Array.isArray(r.attrs.unreadAppRoleCategories) && r.attrs.unreadAppRoleCategories.some((c) => categories.includes(String(c))) };
    categoryTests.set(key, test);
  }
  const resource = unreadAppRoleResource(graph, subject, test);
  return resource ? appRoleAssignmentsUnread(graph, resource) : undefined;
}
const categoryTests = new Map<string, GroupTest>();

/**
 * Whole-string glob test (`*` any run, `?` one character, everything else literal), as IAM
 * writes action patterns and StringLike values. Patterns with many stars are matched in linear
 * time, so a pattern written into a provider's policy cannot stall the scan.
 */
export function globMatches(pattern: string, text: string): boolean {
  return compileGlob(pattern).test(text);
}

type Options = Readonly<Record<string, unknown>>;
const optionValues = new WeakMap<Options, Map<(options: Options) => unknown, unknown>>();

/**
 * A value a rule derives from its options (a set, compiled patterns), made once per run of the
 * rule (the options object) instead of once per subject. `make` is the key: pass the same
 * module-level function each time.
 */
export function fromOptions<T>(options: Options, make: (options: Options) => T): T {
  let made = optionValues.get(options);
  if (!made) optionValues.set(options, (made = new Map()));
  if (!made.has(make)) made.set(make, make(options));
  return made.get(make) as T;
}

/** Case-insensitive test of a name against configurable patterns (strings are regex sources). */
export function matchesAny(value: string, patterns: readonly string[]): string | undefined {
  for (const p of patterns) {
    if (new RegExp(p, 'i').test(value)) return p;
  }
  return undefined;
}

/**
 * Finding keys that stay the same when a policy gains, loses or reorders other statements: a rule
 * names each finding by what it is about (a principal, an issuer), never by its state (a
 * condition, a subject pattern, a severity), and `unique` suffixes a repeat of the same name
 * within one subject (`#2`, `#3`) so that two findings never share a fingerprint. A statement
 * index would re-key every finding below an edit, making unchanged findings look new to a
 * baseline and orphaning their waivers.
 */
export function uniqueKeys(): (base: string) => string {
  // Made on first use: most subjects report nothing (a map each was 15 MB on the 100k estate).
  let seen: Map<string, number> | undefined;
  return (base) => {
    seen ??= new Map();
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  };
}

/**
 * Does this Allow statement of a role's trust facts (`role.attrs.trust`) give `principal` the
 * action its route needs (sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML, sts:AssumeRole)?
 * False when the statement's Action does not cover it or an unconditional Deny of the same
 * policy overrides it, or its conditions on the request are decided false (a time window that
 * has closed: TrustStatementFact.requestClosed): the transform's own tests for drawing the edge,
 * so a rule does not report a trust the graph says nobody can use. A Deny under a condition
 * leaves it true.
 */
export function trustStatementAllows(facts: object, statement: object, principal: object, action: string): boolean {
  // A time window that has closed: no caller passes (the transform marks it; no edge is drawn).
  if ((statement as TrustStatementFact).requestClosed === true) return false;
  const route = trustRoute(facts as RoleTrustFacts, statement as TrustStatementFact, principal as TrustedPrincipal, action);
  return route !== null && route.covers;
}

/**
 * Does a Deny of a role's trust facts (`role.attrs.trust`) require an external id of `principal`
 * calling `action`: one that names it, covers the action and turns away every caller without the
 * external id it names, whatever else it tests? With `outsideOrg` (the principal is a third party,
 * outside the organisation a condition names), also one that turns away every caller outside the
 * organisation it names without the external id. See externalIdRequiredByDeny.
 */
export function trustDenyRequiresExternalId(facts: object, principal: object, action: string, outsideOrg = false, known?: OrgKnowledge): boolean {
  return externalIdRequiredByDeny(facts as RoleTrustFacts, principal as TrustedPrincipal, action, outsideOrg, known);
}

/**
 * A Deny of a role's trust facts naming `principal` and covering `action` that would keep it out,
 * or require an external id of it (with `outsideOrg`, also of callers outside the organisation it
 * names), but for a fact the scan does not know: its index and which fact (`external-id`: a policy
 * variable in its external id values; `outside-org`: one in its organisation values;
 * `several-orgs`: it spares several organisations, not all of them yours), and the values whose
 * reading is not known. See denyDoubtFor.
 */
export function trustDenyDoubt(
  facts: object,
  principal: object,
  action: string,
  outsideOrg = false,
  known?: OrgKnowledge,
): { statementIndex: number; doubt: 'external-id' | 'outside-org' | 'several-orgs'; valueDoubts: readonly ValueDoubt[]; severalOrgs?: readonly string[]; foreignOrgs?: readonly string[] } | undefined {
  const found = denyDoubtFor(facts as RoleTrustFacts, principal as TrustedPrincipal, action, outsideOrg, known);
  if (!found) return undefined;
  const st = found.statement;
  const foreign = known ? foreignOrgsOf(st, known.own) : [];
  return {
    statementIndex: st.statementIndex,
    doubt: found.doubt,
    valueDoubts: st.valueDoubts ?? [],
    ...(st.severalOrgs ? { severalOrgs: st.severalOrgs } : {}),
    ...(foreign.length > 0 ? { foreignOrgs: foreign } : {}),
  };
}

/**
 * The organisations a statement of a role's trust facts lets through (an Allow: those all its
 * aws:PrincipalOrgID and aws:PrincipalOrgPaths entries admit) or spares (a Deny), as written, that
 * are not among `own` (ids; the role's own, `${aws:ResourceOrgID}`, is yours). Empty when none. See
 * foreignOrgsOf.
 */
export function trustForeignOrgs(statement: object, own: ReadonlySet<string>): string[] {
  return foreignOrgsOf(statement as TrustStatementFact, own);
}

/**
 * Every organisation a statement's aws:PrincipalOrgID and aws:PrincipalOrgPaths entries name, in
 * any entry, as written, that is not among `own`: those whose being yours could change its answer.
 * See namedForeignOrgsOf.
 */
export function trustNamedOrgs(statement: object, own: ReadonlySet<string>): string[] {
  return namedForeignOrgsOf(statement as TrustStatementFact, own);
}

/** An AWS organisation id as an option's `form` (Organizations API Reference, Organization Id): the pattern the snapshot's organization.json is read with. */
export const AWS_ORGANIZATION_ID_FORM = { pattern: ORGANIZATION_ID, description: ORGANIZATION_ID_TEXT } as const;

/** An organisation id as trust facts compare it (lower case): for the `own` and `principalIn` sets of OrgKnowledge. */
export const trustOrgKey = orgKey;
export type { OrgKnowledge };

/** What a snapshot says of the AWS organisations of its accounts: see {@link awsOrganizations}. */
export interface AwsOrganizations {
  /** The organisations the scanned accounts are in, as trustOrgKey writes them. */
  ids: ReadonlySet<string>;
  /**
   * Whether the organisation of any account was read (an id, or none) or its read failed. False
   * for a snapshot that never read one (made before the collector did, or from the aws CLI's
   * authorization details): it says nothing of organisations.
   */
  read: boolean;
  /**
   * With `read`, the accounts whose organisation is not known (its read failed, or the folder has
   * none), as a clause naming the first, the coverage record's status and reason, and how many
   * more there are; undefined when every account's is known.
   */
  gap?: string;
  /** With `gap`, how many scanned accounts' organisations are not known (each may be in one organisation). */
  unknownAccounts: number;
}

const awsOrganizationsMemo = new WeakMap<Graph, AwsOrganizations>();

/**
 * The organisations of the scanned AWS accounts, from the scopes (aws/<account>/organization.json)
 * and their `aws.organization` coverage records. Worked out once per graph.
 */
export function awsOrganizations(graph: Graph): AwsOrganizations {
  let found = awsOrganizationsMemo.get(graph);
  if (found) return found;
  const ids = new Set<string>();
  const unknown: string[] = [];
  let read = false;
  for (const s of graph.scopes) {
    if (s.provider !== 'aws') continue;
    if (s.organizationId !== undefined) {
      read = true;
      if (s.organizationId !== null) ids.add(orgKey(s.organizationId));
      continue;
    }
    const record = graph.coverageRecord('aws', s.id, 'aws.organization');
    if (record !== undefined && record.status !== 'collected') read = true;
    unknown.push(s.id);
  }
  let gap: string | undefined;
  if (read && unknown.length > 0) {
    const first = capabilityGap(graph, { provider: 'aws', scope: unknown[0] }, ['aws.organization']);
    const more = unknown.length - 1;
    gap = `${first}${more > 0 ? `, nor was that of ${more} other account${more > 1 ? 's' : ''}` : ''}`;
  }
  found = { ids, read, unknownAccounts: gap !== undefined ? unknown.length : 0, ...(gap !== undefined ? { gap } : {}) };
  awsOrganizationsMemo.set(graph, found);
  return found;
}

/**
 * Does a Deny of a role's trust facts naming `principal` and covering `action` turn away every
 * caller outside the one organisation it names by aws:PrincipalOrgID or aws:PrincipalOrgPaths,
 * whatever else the caller sends? See outsideOrgDeniedBy.
 */
export function trustDenyOutsideOrg(facts: object, principal: object, action: string, known?: OrgKnowledge): boolean {
  return outsideOrgDeniedBy(facts as RoleTrustFacts, principal as TrustedPrincipal, action, known);
}

/**
 * Whether a path hop works only with a token issued for a signed-in user: an Entra delegated grant,
 * or the token inheritance a user's own consent gives an app (an ACTS_AS edge by delegated token).
 * The user's own rights limit it, and the app's own credential never gets such a token.
 */
function signedInUserHop(h: PathHop): boolean {
  return h.type === 'DELEGATED_GRANT' || (h.type === 'ACTS_AS' && h.method === 'delegated-token');
}

/**
 * What a path's conditional hops depend on, in the words of the path findings: a hop through a
 * trust the account's OIDC provider turns away (evidence.blocked on its edge) is decided, no token
 * passes today, and saying it depends on an undecided condition would contradict the hop's own
 * reason; a delegated permission holds only for a signed-in user (see signedInUserHop); any other
 * conditional hop is undecided. Empty for a firm path. nhi-path-to-crown-jewel and
 * nhi-ai-agent-privileged word the same hops alike (see routeDoubtText).
 */
export function conditionalHopsText(graph: Graph, hops: readonly PathHop[]): string[] {
  // One pass, no arrays: asked for every path a rule reports, most of them firm.
  let conditional = 0;
  let blocked = 0;
  let signedIn = 0;
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i];
    if (!h.conditional) continue;
    if (signedInUserHop(h)) {
      signedIn++;
      continue;
    }
    conditional++;
    // The hop's edges are in both its source's outgoing and its target's incoming list of the
    // type: the shorter is searched. A role trusted by thousands of principals, or a principal
    // with thousands of grants, has a long list one way: searching the source's side read 4.9
    // million edges for the 10,000 conditional hops of the 100k estate's paths, this 40,000.
    const out = graph.out(h.from, h.type);
    const into = graph.in(h.to, h.type);
    if (out.length <= into.length ? out.some((e) => e.to === h.to && e.evidence?.blocked !== undefined) : into.some((e) => e.from === h.from && e.evidence?.blocked !== undefined)) blocked++;
  }
  if (conditional === 0 && signedIn === 0) return [];
  return [
    ...(conditional > blocked ? [`${conditional - blocked} hop(s) depend on a condition the scanner could not decide`] : []),
    ...(blocked > 0 ? [`${blocked} hop(s) turned away today by the account's OIDC provider, open if it changes`] : []),
    ...(signedIn > 0 ? [`${signedIn} hop(s) act only for a signed-in user, within that user's own rights`] : []),
  ];
}

/**
 * {@link conditionalHopsText} of a route as the analysis gives it: every hop counts, so of a long
 * route whose evidence leaves conditional hops out (ShownHops) the whole route is walked again
 * for them; any other route's listed hops are all of them, or all its conditional ones.
 */
export function routeDoubtText(graph: Graph, analysis: Analysis, route: ShownHops): string[] {
  return conditionalHopsText(graph, (route.omittedHops?.conditional ?? 0) > 0 ? analysis.wholeHops(route) : route.hops);
}

/**
 * The session length in hours as the message says it: to a tenth of an hour, or with as many more
 * decimals as it takes to stay above the limit (3,660 seconds against a 1-hour limit is 1.02, not
 * 1.0: "1-hour sessions, longer than the 1-hour limit" would contradict itself).
 */
export function hoursOver(seconds: number, limit: number): number {
  const hours = seconds / 3600;
  for (let d = 1; d <= 6; d++) {
    const shown = Math.round(hours * 10 ** d) / 10 ** d;
    if (shown > limit) return shown;
  }
  return Math.ceil(hours * 1e6) / 1e6;
}
