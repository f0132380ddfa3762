import type { CollectResult, CoverageRecord } from '../../snapshot/types.js';
import { createTokenSource, tenantIdOfAccessToken } from './auth.js';
import { TENANT_GUID } from './env.js';
import { EntraAuthError, cleanProviderText } from './errors.js';
import { normalizeAuthorityHost, resolveGraphOrigin } from './cloud.js';
import { coverageRecord, dependsOn } from './coverage.js';
import {
  ENTRA_CAPABILITIES,
  LIST_ENDPOINTS,
  ORGANIZATION_PATH,
  USER_SELECT_BASE,
  USER_SELECT_WITH_SIGN_IN,
  type ListEndpoint,
} from './endpoints.js';
import { GraphHttp, type GraphFailure, type GraphResult } from './graph-http.js';
import type { EntraCollectOptions } from './options.js';
import { mapWithConcurrency } from './pool.js';
import { stripSecretValues } from './redact.js';
import { isObject } from '../../snapshot/shape.js';
import { namedParents } from '../../snapshot/relationship-gaps.js';
import { CAPABILITY, planAssignedGroups, planRelationships } from './plan.js';
import { looksLikeServiceAccount } from './service-accounts.js';
import { readRelationships, type RelationshipKind, type RelationshipOutcome } from './relationships.js';
import { appendAll } from '../../append-all.js';

export type { EntraCollectOptions, EntraCredential } from './options.js';
export { entraCredentialChoiceWarning, entraOptionsFromEnv, type EntraFlags } from './env.js';
export { EntraAuthError, EntraConfigError } from './errors.js';

type GraphObject = Record<string, unknown>;

/**
 * Reads one Entra tenant through Microsoft Graph into the `entra/` files of a snapshot.
 * Throws `EntraConfigError`/`EntraAuthError` only when nothing can be read (bad settings, refused
 * credential); every other failure becomes a coverage record and the other reads go on. Once
 * `opts.signal` aborts, rejects with its reason and sends no further request.
 */
export async function collectEntra(opts: EntraCollectOptions): Promise<CollectResult> {
  const origin = resolveGraphOrigin(opts.graphUrl, normalizeAuthorityHost(opts.authorityHost));
  const tokens = await createTokenSource(opts, origin);
  let tokenTenant: string | undefined;
  try {
    // A refused credential is a setup problem, not partial coverage. Of the token only the
    // tenant it names is kept, for a tenant configured by a domain name (below).
    tokenTenant = tenantIdOfAccessToken(await tokens.getToken(false));
  } catch (e) {
    // A token endpoint that limited (429) or failed (5xx) past the retries has judged nothing
    // about the credential, and without a token nothing can be read: every capability is an
    // error naming the answer (exit 3), and the other providers go on, as for Okta.
    if (e instanceof EntraAuthError && e.status !== undefined) return tokenUnavailable(opts.tenantId, e);
    throw e;
  }
  const concurrency = opts.concurrency ?? 4;
  const top = String(opts.pageSize ?? 999);
  const http = new GraphHttp({
    origin,
    tokens,
    fetch: opts.fetch,
    sleep: opts.sleep,
    now: opts.now,
    timeoutMs: opts.requestTimeoutMs,
    maxRetries: opts.maxRetries,
    concurrency,
    maxPagesPerListing: opts.maxPagesPerListing,
    maxResponseBytes: opts.maxResponseBytes,
    signal: opts.signal,
  });
  const progress = opts.progress ?? (() => {});

  const files: Record<string, unknown> = {};
  const failures = new Map<string, GraphFailure[]>(ENTRA_CAPABILITIES.map((c) => [c, []]));
  const fail = (capability: string, f: GraphFailure): void => {
    failures.get(capability)!.push(f);
  };
  // One failure per parent whose relationship was not read: as many as the tenant has parents.
  const failEach = (capability: string, list: readonly GraphFailure[]): void => appendAll(failures.get(capability)!, list);
  const partial = new Map<string, { attempted: number; what: string; unreadKeys?: string[] }>();
  const warnings: string[] = [];
  /**
   * The warnings and failures of the lists read side by side, by task (LIST_ENDPOINTS order, then
   * the users): added to `warnings` and `failures` once all are done, in that order. Added as each
   * read ended, the same tenant gave its warnings, and the reason of a capability read by two lists
   * (entra.directoryRoles), in a different order from one run to the next.
   */
  const sideBySide = new Map<string, { warnings: string[]; failures: [string, GraphFailure][] }>();
  const taskOf = (task: string) => sideBySide.get(task) ?? sideBySide.set(task, { warnings: [], failures: [] }).get(task)!;
  const warnOf = (task: string) => (warning: string): void => {
    taskOf(task).warnings.push(warning);
    progress(warning);
  };
  const failOf = (task: string) => (capability: string, f: GraphFailure): void => void taskOf(task).failures.push([capability, f]);

  const org = await http.list(http.url('v1.0', ORGANIZATION_PATH));
  const orgItems = org.ok ? (org.value as GraphObject[]) : undefined;
  if (org.ok) files['entra/organization.json'] = { value: stripSecretValues(org.value) };
  else fail('entra.organization', org.failure);
  // The configured tenant may be a domain name; the snapshot names the tenant by its GUID, which
  // token issuers and trusts name it by. Without /organization, a domain name gives way to the
  // tenant the access token was issued in (its tid claim), when the token says.
  const orgId = typeof orgItems?.[0]?.id === 'string' ? (orgItems[0].id as string) : undefined;
  const tenantId = orgId ?? (TENANT_GUID.test(opts.tenantId) ? opts.tenantId : (tokenTenant ?? opts.tenantId));

  const lists = new Map<string, GraphObject[]>();
  // Records of what a list read without a property it selects lacks (ListEndpoint.fallback).
  const fallbackGaps: CoverageRecord[] = [];
  const readList = async (ep: ListEndpoint): Promise<void> => {
    const url = http.url(ep.version, ep.path.replace('{top}', top));
    // The first page apart: only there does a 400 say the request itself (its $select) is refused.
    // A 400 on a later page (an expired $skiptoken) fails the list like any other failure.
    const first = await http.getJson(url);
    let res = first.ok ? await http.continueList(first.value, url, ep.keys) : first;
    if (!first.ok && ep.fallback && refusesProperty(first.failure, ep.fallback.property)) {
      const refused = first.failure;
      res = await http.list(http.url(ep.version, ep.fallback.path.replace('{top}', top)), ep.keys);
      if (res.ok) {
        // The list without the property Graph refused: the list is read, the property is a gap
        // of its own, so the rules that need it answer unknown instead of reading its absence.
        warnOf(ep.file)(`Entra: ${ep.fallback.lost}: Graph refused the request that selects it (${refused.reason}); the list was read without it`);
        fallbackGaps.push(coverageRecord(tenantId, ep.fallback.gap, [refused]));
      }
    }
    if (!res.ok) return failOf(ep.file)(ep.capability, res.failure);
    if (first.ok && ep.fallback) {
      // Read with the property selected, yet an item that always has it came without it: for that
      // item the property was not read, and its absence must not pass for "none".
      const { property, carrier, gap } = ep.fallback;
      const without = (res.value as GraphObject[]).filter((item) => item['@odata.type'] === carrier && (typeof item[property] !== 'string' || item[property] === '')).map((item) => cleanProviderText(item.id, 40));
      if (without.length > 0) {
        const reason = `${without.length} ${carrier.replace('#microsoft.graph.', '')} item(s) of GET /${ep.version}${ep.path.split('?')[0]} came without ${property}, which was selected (first: ${without.sort().slice(0, 3).join(', ')})`;
        warnOf(ep.file)(`Entra: ${reason}; for them it was not read`);
        fallbackGaps.push(coverageRecord(tenantId, gap, [{ kind: 'error', reason }]));
      }
    }
    lists.set(ep.file, res.value as GraphObject[]);
    files[`entra/${ep.file}`] = { value: stripSecretValues(res.value) };
    progress(`entra: ${ep.file.replace('.json', '')}: ${res.value.length}`);
  };
  const readUsers = async (): Promise<void> => {
    const users = await readUsersWithFallback(http, top);
    const fail = failOf('users');
    if (users.signInFailure) fail('entra.userSignInActivity', users.signInFailure);
    if (!users.result.ok) {
      fail('entra.userManagers', dependsOn('the user list', users.result.failure));
      return fail('entra.users', users.result.failure);
    }
    files['entra/users.json'] = { value: stripSecretValues(users.result.value) };
    progress(`entra: users: ${users.result.value.length}`);
    const managers = await readManagers(http, users.result.value as GraphObject[], opts.maxManagerLookups ?? MAX_MANAGER_LOOKUPS);
    if (managers.skipped > 0) {
      // Not a failed read: those users are absent from userManagers.json, so rules that need
      // their manager answer unknown for them; the warning says how many.
      warnOf('users')(`Entra: ${managers.skipped} of ${managers.attempted + managers.skipped} users that look like service accounts were not looked up for a manager (at most ${managers.attempted} are read per run); "no accountable human" is unknown for them`);
    }
    if (managers.attempted > 0) {
      files['entra/userManagers.json'] = stripSecretValues(managers.byUser) as Record<string, unknown>;
      // Recorded apart from entra.users: the list itself was read whole, and a coverage entry
      // that is not `collected` disowns its files (docs/snapshot-format.md), so a few failed
      // lookups must not take every user out of the scan. The record names the users whose
      // lookup failed (they are not in the file): only their managers are unknown, the managers
      // that were read still count.
      for (const f of managers.failures) fail('entra.userManagers', f);
      if (managers.failures.length > 0) partial.set('entra.userManagers', { attempted: managers.attempted, what: 'manager lookups', unreadKeys: managers.unread });
    }
  };
  const tasks = [...LIST_ENDPOINTS.map((ep) => () => readList(ep)), readUsers];
  await mapWithConcurrency(tasks, concurrency, (task) => task());
  for (const task of [...LIST_ENDPOINTS.map((ep) => ep.file), 'users']) {
    const done = sideBySide.get(task);
    if (!done) continue;
    appendAll(warnings, done.warnings);
    for (const [capability, f] of done.failures) fail(capability, f);
  }

  const apps = lists.get('applications.json');
  const sps = lists.get('servicePrincipals.json');
  const groups = lists.get('groups.json');
  const plan = planRelationships({ tenantId, apps, sps, groups, top });
  // A parent whose id is not a GUID is not asked for: a gap of its file, where the file records
  // its parents apart (parentGap), else of the capability.
  for (const [kind, f] of plan.invalid) if (!PER_FILE_KINDS.has(kind)) failEach(CAPABILITY[kind], f);
  const outcomes = await readRelationships(http, plan.jobs, concurrency);
  const outcome = (kind: RelationshipKind): RelationshipOutcome =>
    outcomes.get(kind) ?? { byParent: new Map(), failures: [], failedParents: new Map(), attempted: 0 };
  const relationshipFile = (...kinds: RelationshipKind[]) => {
    const merged: Record<string, unknown> = {};
    for (const kind of kinds) for (const [id, items] of outcome(kind).byParent) merged[id] = stripSecretValues(items);
    return merged;
  };
  const appsFailure = apps ? undefined : failures.get('entra.applications')![0];
  const spsFailure = sps ? undefined : failures.get('entra.servicePrincipals')![0];
  if (apps) {
    const flexible = await readClaimsMatchingExpressions(http, outcome('federatedIdentityCredentials').byParent);
    failEach(FLEXIBLE_CAPABILITY, flexible.failures);
    partial.set(FLEXIBLE_CAPABILITY, { attempted: flexible.asked, what: 'federated credentials with no subject' });
    if (flexible.failures.length > 0) {
      const warning = `Entra: the claims-matching expression of ${flexible.failures.length} of ${flexible.asked} federated credential(s) with no subject could not be read from Graph beta (${flexible.failures[0].reason}); which tokens they accept stays undecided`;
      warnings.push(warning);
      progress(warning);
    } else if (flexible.asked > 0) progress(`entra: flexible federated credentials: ${flexible.asked}`);
    files['entra/federatedIdentityCredentials.json'] = relationshipFile('federatedIdentityCredentials');
    files['entra/applicationOwners.json'] = relationshipFile('applicationOwners');
  } else {
    fail('entra.federatedIdentityCredentials', dependsOn('applications', appsFailure!));
    fail(FLEXIBLE_CAPABILITY, dependsOn('applications', appsFailure!));
    fail('entra.owners', dependsOn('applications', appsFailure!));
  }
  if (sps) {
    files['entra/servicePrincipalOwners.json'] = relationshipFile('servicePrincipalOwners');
    const assignments: unknown[] = [];
    for (const items of outcome('appRoleAssignedTo').byParent.values()) for (const a of items) assignments.push(a);
    files['entra/appRoleAssignments.json'] = { value: stripSecretValues(assignments) };
  } else {
    fail('entra.owners', dependsOn('servicePrincipals', spsFailure!));
    fail('entra.appRoleAssignments', dependsOn('servicePrincipals', spsFailure!));
  }
  // Groups assigned an app role that groups.json does not hold (any security group can be): their
  // members hold the role, so they are read too, once the assignments are known. After the beta
  // re-read above, not beside it, so that no more than `concurrency` batches are ever in flight.
  // Without the group list, entra.groups is not read at all and nothing is added to it.
  const assigned = groups && sps ? await readAssignedGroups(http, outcome('appRoleAssignedTo').byParent.values(), groups, top, concurrency) : undefined;
  if (assigned && assigned.failures.length > 0) {
    const warning = `Entra: ${assigned.failures.length} of ${assigned.attempted} group(s) assigned an app role could not be read with their members (${assigned.failures[0].reason}); who holds those app roles through them is unknown`;
    warnings.push(warning);
    progress(warning);
  } else if (assigned && assigned.attempted > 0) progress(`entra: groups assigned an app role: ${assigned.attempted}`);
  if (apps && sps) files['entra/agentSponsors.json'] = relationshipFile('agentSponsors');
  else fail('entra.agentSponsors', sps ? dependsOn('applications', appsFailure!) : dependsOn('servicePrincipals', spsFailure!));
  if (groups) {
    const members = relationshipFile('groupMembers');
    if (assigned && assigned.groups.length > 0) {
      files['entra/groups.json'] = { value: stripSecretValues([...groups, ...assigned.groups]) };
      for (const [id, items] of assigned.members) members[id] = stripSecretValues(items);
    }
    files['entra/groupMembers.json'] = members;
  }

  // A resource whose id is not a GUID (not asked for) cannot be named to the transform: it stays a
  // gap of the whole capability, as every unread resource was before. The resources that were
  // asked for and not read are the file's own record (APP_ROLE_ASSIGNMENTS, below).
  partial.set('entra.appRoleAssignments', { attempted: outcome('appRoleAssignedTo').attempted, what: 'resource service principals' });

  const coverage = ENTRA_CAPABILITIES.map((capability) =>
    coverageRecord(tenantId, capability, failures.get(capability)!, partial.get(capability)),
  );
  const skipped = (kind: RelationshipKind): ParentReads[] => {
    const list = plan.invalid.get(kind) ?? [];
    return list.length > 0 ? [{ failures: list, unread: [], attempted: list.length }] : [];
  };
  const reads = (kind: RelationshipKind): ParentReads => {
    const o = outcome(kind);
    return { failures: o.failures, unread: o.failedParents.keys(), attempted: o.attempted };
  };
  appendAll(coverage, fallbackGaps);
  for (const gap of PER_PARENT_FILES) {
    const record = parentGap(tenantId, gap, [...skipped(gap.kind), reads(gap.kind)]);
    if (record) coverage.push(record);
  }
  if (sps) {
    // appRoleAssignments.json is one list for every resource, so nothing in it tells a resource
    // not read from one nobody is assigned to: the record names them all (unreadKeys), not only
    // the first three its reason shows.
    const record = parentGap(tenantId, APP_ROLE_ASSIGNMENTS, [reads('appRoleAssignedTo')]);
    if (record) coverage.push({ ...record, unreadKeys: [...outcome('appRoleAssignedTo').failedParents.keys()].sort() });
  }
  if (groups) {
    const extra = assigned ? [{ failures: assigned.failures, unread: assigned.unread, attempted: assigned.attempted }] : [];
    const record = parentGap(tenantId, GROUP_MEMBERS, [...skipped('groupMembers'), reads('groupMembers'), ...extra]);
    if (record) coverage.push(record);
  }
  const displayName = typeof orgItems?.[0]?.displayName === 'string' ? orgItems[0].displayName : undefined;
  return {
    files,
    coverage,
    manifest: { tenantId, ...(displayName === undefined ? {} : { displayName }), ...(warnings.length ? { warnings } : {}) },
    stats: {
      requests: http.stats.requests + tokens.networkRequests,
      pages: http.stats.pages,
      retries: http.stats.retries,
      batches: http.stats.batches,
      tokenRequests: tokens.networkRequests,
      tokenRefreshes: http.stats.tokenRefreshes,
    },
  };
}

/**
 * Whether Graph refused a list's first request because it does not know `property` (a 400
 * BadRequest naming it): the one refusal a read without the property answers. Any other 400
 * (a malformed filter, an expired page token) is the list's own failure.
 */
function refusesProperty(failure: GraphFailure, property: string): boolean {
  return failure.status === 400 && failure.unknownProperty?.toLowerCase() === property.toLowerCase();
}

/** One relationship file read per parent whose unread parents are recorded apart (parentGap). */
interface ParentFile {
  kind: RelationshipKind;
  capability: string;
  file: string;
  /** What one read is, plural ("application owner lists"). */
  what: string;
  /** What the parents are, plural, as the transform names them (unread-parents.ts). */
  parents: string;
}

/**
 * The files whose failed parents are a gap of the file alone, each a relationship file keyed by
 * parent (the transform finds the parents missing from it). appRoleAssignments.json is a gap of
 * its unread resources too, but a collection: see APP_ROLE_ASSIGNMENTS.
 */
const PER_PARENT_FILES: readonly ParentFile[] = [
  { kind: 'federatedIdentityCredentials', capability: 'entra.federatedIdentityCredentials', file: 'federatedIdentityCredentials.json', what: 'federated credential lists', parents: 'applications' },
  { kind: 'applicationOwners', capability: 'entra.owners', file: 'applicationOwners.json', what: 'application owner lists', parents: 'applications' },
  { kind: 'servicePrincipalOwners', capability: 'entra.owners', file: 'servicePrincipalOwners.json', what: 'service principal owner lists', parents: 'service principals' },
  { kind: 'agentSponsors', capability: 'entra.agentSponsors', file: 'agentSponsors.json', what: 'agent sponsor lists', parents: 'agent identities, blueprints and blueprint principals' },
];

/**
 * Group member lists: those of the listed groups, and for a group assigned an app role its object
 * and members (readAssignedGroups), one failure per group not read whole.
 */
const GROUP_MEMBERS: ParentFile = { kind: 'groupMembers', capability: 'entra.groups', file: 'groupMembers.json', what: 'group member lists', parents: 'groups' };

/**
 * The resources whose app role assignments were not read: assignments to them are unknown, those
 * to every other resource are read. The file does not show which resources are missing (a
 * collection, not keyed by resource), so the record lists them (CoverageRecord.unreadKeys) and
 * the transform reads them from it. A resource whose id is not a GUID is not one of them: it
 * cannot be named, and stays a gap of the whole capability.
 */
const APP_ROLE_ASSIGNMENTS: ParentFile = { kind: 'appRoleAssignedTo', capability: 'entra.appRoleAssignments', file: 'appRoleAssignments.json', what: 'resource app role assignment lists', parents: 'resource service principals' };

/** The kinds of read whose failed parents are recorded per file (parentGap), not on the capability. */
const PER_FILE_KINDS: ReadonlySet<RelationshipKind> = new Set([...PER_PARENT_FILES, GROUP_MEMBERS].map((g) => g.kind));

/** Reads of one file's parents: their failures, the ids of the parents those cost, how many were tried. */
interface ParentReads {
  failures: readonly GraphFailure[];
  unread: Iterable<string>;
  attempted: number;
}

/**
 * The record of the parents whose list was not read, once the parent list itself was:
 * `<capability>@<file>` (`entra.owners@applicationOwners.json`), the name the transform gives a
 * parent missing from the file (unread-parents.ts). Such a parent is absent from the file (a
 * group whose object was not read is absent from groups.json too: the transform keeps it as a
 * placeholder from the assignment), so the scan finds it missing and makes only its list a gap.
 * Recorded under the capability itself, one refused list would disown the capability's files
 * whole: every application ownerless-unknown, every federated credential unknown, every tier a
 * lower bound. A parent whose id is not a GUID counts as a failure but is not named. Undefined
 * when every parent was read.
 */
function parentGap(tenantId: string, gap: ParentFile, reads: readonly ParentReads[]): CoverageRecord | undefined {
  const failures: GraphFailure[] = [];
  let attempted = 0;
  const unread = new Set<string>();
  for (const r of reads) {
    appendAll(failures, r.failures);
    attempted += r.attempted;
    for (const id of r.unread) unread.add(id);
  }
  if (failures.length === 0) return undefined;
  const record = coverageRecord(tenantId, `${gap.capability}@${gap.file}`, failures, { attempted, what: gap.what });
  // Named as the transform names the parents missing from a file: the first three ids, sorted,
  // each once (a Set: the same parent may come from two reads).
  const ids = [...unread].sort();
  return ids.length > 0 ? { ...record, reason: record.reason + namedParents(gap.parents, ids) } : record;
}

/**
 * The result of a tenant whose token endpoint answered 429 or 5xx: no files, an error record per
 * capability and one warning, both naming the status and the endpoint (our own URL, never the
 * answer's body, which is provider text).
 */
function tokenUnavailable(tenantId: string, e: EntraAuthError): CollectResult {
  const status = e.status!;
  const endpoint = cleanProviderText(e.endpoint ?? 'the token endpoint', 200);
  const what = status === 429 ? 'limited the token request' : 'failed the token request';
  const tries = e.attempts !== undefined && e.attempts > 1 ? ` (${e.attempts} attempts)` : '';
  const reason = `HTTP ${status} from ${endpoint}: the token endpoint ${what}${tries}, so nothing was read; not a refusal of the credential, run again later`;
  const warning = `Entra: the token endpoint ${endpoint} answered HTTP ${status}${tries}, so nothing was read from tenant ${cleanProviderText(tenantId, 80)}; this is not a refusal of the credential: run again later`;
  return {
    files: {},
    coverage: ENTRA_CAPABILITIES.map((capability) => ({ provider: 'entra', scope: tenantId, capability, status: 'error', reason })),
    manifest: { tenantId, warnings: [warning] },
    stats: { requests: e.attempts ?? 0, pages: 0, retries: Math.max(0, (e.attempts ?? 1) - 1), batches: 0, tokenRequests: e.attempts ?? 0, tokenRefreshes: 0 },
  };
}

/** The coverage of the beta re-read of flexible credentials (readClaimsMatchingExpressions). */
const FLEXIBLE_CAPABILITY = 'entra.flexibleFederatedCredentials';

/**
 * Flexible federated credentials match tokens with a `claimsMatchingExpression` instead of a
 * subject (the two are mutually exclusive, and `subject` is then null), and only Graph beta returns
 * that expression: v1.0 shows such a credential with no subject at all, which says nothing about
 * the tokens it accepts. The credentials of each application with such a credential are listed
 * again from beta (batched; the list, unlike a GET of one credential, needs only
 * Application.Read.All, and an application holds at most 20 credentials, one page), and the
 * expression is added to the v1.0 object in place, matched by id. A usable expression has a
 * non-empty string `value`: a beta shape we do not know is not copied (the transform would refuse
 * the file). A beta list that answers with a subject is taken as the subject. Each credential left
 * with neither is one failure, for the coverage record and the warning; the transform then marks
 * its subject undecided and the rules answer unknown for it.
 */
async function readClaimsMatchingExpressions(
  http: GraphHttp,
  ficsByApp: ReadonlyMap<string, unknown[]>,
): Promise<{ asked: number; failures: GraphFailure[] }> {
  const apps: { appObjectId: string; fics: GraphObject[] }[] = [];
  for (const [appObjectId, list] of ficsByApp) {
    const fics = list.filter((fic): fic is GraphObject => isObject(fic) && typeof fic.id === 'string' && !hasSubject(fic.subject) && fic.claimsMatchingExpression == null);
    if (fics.length > 0) apps.push({ appObjectId, fics });
  }
  if (apps.length === 0) return { asked: 0, failures: [] };
  const results = await http.batch(
    'beta',
    apps.map(({ appObjectId }, i) => ({ id: String(i), url: `/applications/${encodeURIComponent(appObjectId)}/federatedIdentityCredentials` })),
  );
  let asked = 0;
  const failures: GraphFailure[] = [];
  apps.forEach(({ appObjectId, fics }, i) => {
    asked += fics.length;
    const r = results.get(String(i));
    if (!r || !r.ok) {
      const failure = r ? r.failure : { kind: 'error' as const, reason: 'no batch result for a federated credential list' };
      for (let k = 0; k < fics.length; k++) failures.push(failure);
      return;
    }
    const listed = isObject(r.value) && Array.isArray(r.value.value) ? r.value.value : [];
    const byId = new Map<string, GraphObject>();
    for (const item of listed) if (isObject(item) && typeof item.id === 'string') byId.set(item.id, item);
    for (const fic of fics) {
      const beta = byId.get(fic.id as string);
      const expression = beta?.claimsMatchingExpression;
      if (isObject(expression) && typeof expression.value === 'string' && expression.value !== '') fic.claimsMatchingExpression = expression;
      else if (hasSubject(beta?.subject)) fic.subject = beta!.subject;
      else failures.push({ kind: 'error', reason: `beta /applications/${appObjectId}/federatedIdentityCredentials gave no usable claimsMatchingExpression for credential ${String(fic.id)}` });
    }
  });
  return { asked, failures };
}

/**
 * Reads each group assigned an app role that is not in `listed` (planAssignedGroups): the group
 * and its direct members, batched together in one round. A group is kept when its object was
 * read; its members when both reads were. Each group that is not read whole is one failure (its
 * object's, else its member list's), so the entra.groups record counts groups, as it counts the
 * member lists of the listed ones: a 403 or 404 there is a gap, never "no members".
 */
async function readAssignedGroups(
  http: GraphHttp,
  assignmentLists: Iterable<readonly unknown[]>,
  listed: readonly GraphObject[],
  top: string,
  concurrency: number,
): Promise<{ groups: GraphObject[]; members: Map<string, unknown[]>; failures: GraphFailure[]; unread: string[]; attempted: number }> {
  const plan = planAssignedGroups(assignmentLists, listed, top);
  const groups: GraphObject[] = [];
  const members = new Map<string, unknown[]>();
  const failures = [...plan.invalid];
  /** The ids of the groups of `failures` (not those whose id is no GUID, which is not repeated). */
  const unread: string[] = [];
  const attempted = plan.groups + plan.invalid.length;
  if (plan.jobs.length === 0) return { groups, members, failures, unread, attempted };
  const read = await readRelationships(http, plan.jobs, concurrency);
  const none = { byParent: new Map<string, unknown[]>(), failedParents: new Map<string, GraphFailure>() };
  const objects = read.get('assignedGroup') ?? none;
  const lists = read.get('groupMembers') ?? none;
  for (const job of plan.jobs) {
    if (job.kind !== 'assignedGroup') continue;
    const id = job.parentId;
    const object = objects.byParent.get(id)?.[0];
    if (object === undefined) {
      failures.push(objects.failedParents.get(id) ?? { kind: 'error', reason: `no result for GET /v1.0/groups/${id}` });
      unread.push(id);
      continue;
    }
    // A GET of one object carries its own @odata.context; the group list's items do not.
    const { '@odata.context': _context, ...group } = object as GraphObject;
    groups.push(group);
    const list = lists.byParent.get(id);
    if (list) members.set(group.id as string, list);
    else {
      failures.push(lists.failedParents.get(id) ?? { kind: 'error', reason: `no result for GET /v1.0/groups/${id}/members` });
      unread.push(id);
    }
  }
  return { groups, members, failures, unread, attempted };
}

const hasSubject = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** What the scan reads each user by (see GraphHttp.continueList). */
const USER_KEYS = ['id'];

/** Largest `$top` Graph accepts on /users when signInActivity is selected (user-list docs). */
const SIGN_IN_ACTIVITY_MAX_TOP = 500;

/** Manager lookups cost one batched read per user: only users that look like service accounts. */
const MAX_MANAGER_LOOKUPS = 5000;

/**
 * Reads `/users/{id}/manager` for the users that look like service accounts ("no manager" is
 * one of the signals, and the manager is their accountable human). Graph answers 404 when a
 * user has no manager: that is recorded as `null`, distinct from "not read" (absent).
 */
async function readManagers(
  http: GraphHttp,
  users: GraphObject[],
  max: number,
): Promise<{ byUser: Record<string, unknown>; failures: GraphFailure[]; unread: string[]; attempted: number; skipped: number }> {
  const candidates = users.filter((u) => typeof u.id === 'string' && looksLikeServiceAccount(u));
  const selected = candidates.slice(0, Math.max(0, max));
  const skipped = candidates.length - selected.length;
  const byUser: Record<string, unknown> = {};
  const failures: GraphFailure[] = [];
  /** Users whose lookup failed, one per failure, in the order of the user list. */
  const unread: string[] = [];
  if (selected.length === 0) return { byUser, failures, unread, attempted: 0, skipped };
  const requests = selected.map((u, i) => ({ id: String(i), url: `/users/${encodeURIComponent(u.id as string)}/manager?$select=id,displayName,userPrincipalName,accountEnabled` }));
  const results = await http.batch('v1.0', requests);
  selected.forEach((u, i) => {
    const id = u.id as string;
    const r = results.get(String(i));
    const failed = (failure: GraphFailure): void => {
      failures.push(failure);
      unread.push(id);
    };
    // A 200 is only a manager when it is a directory object with an id: an error object or `{}`
    // under a success status says nothing about the user (and would stop the transform).
    if (r?.ok && isObject(r.value) && typeof r.value.id === 'string' && r.value.id !== '') byUser[id] = r.value;
    else if (r?.ok) failed({ kind: 'error', reason: `malformed manager answer (no directory object with an id) for GET /v1.0/users/${id}/manager (in $batch)` });
    // Only the item's own 404 means "no manager"; a failed $batch says nothing about the user.
    else if (r && r.failure.status === 404 && !r.failure.wholeBatch) byUser[id] = null;
    else failed(r ? r.failure : { kind: 'error', reason: 'no batch result for a manager lookup' });
  });
  return { byUser, failures, unread, attempted: selected.length, skipped };
}

/**
 * Lists users with `signInActivity`; a 403 on that (AuditLog.Read.All or the P1 licence missing)
 * costs only the sign-in dates, so the list is read again without it.
 */
async function readUsersWithFallback(
  http: GraphHttp,
  top: string,
): Promise<{ result: GraphResult<unknown[]>; signInFailure?: GraphFailure }> {
  // With signInActivity selected Graph serves at most 500 users a page (user-list), not 999.
  const signInTop = String(Math.min(Number(top), SIGN_IN_ACTIVITY_MAX_TOP));
  const withSignIn = await http.list(http.url('v1.0', `/users?$top=${signInTop}&$select=${USER_SELECT_WITH_SIGN_IN}`), USER_KEYS);
  if (withSignIn.ok || withSignIn.failure.kind !== 'missing-permission') {
    return { result: withSignIn, signInFailure: withSignIn.ok ? undefined : withSignIn.failure };
  }
  const lean = await http.list(http.url('v1.0', `/users?$top=${top}&$select=${USER_SELECT_BASE}`), USER_KEYS);
  return { result: lean, signInFailure: withSignIn.failure };
}
