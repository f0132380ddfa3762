import { ids, nodeId as makeNodeId } from '../../graph/ids.js';
import type { GraphNode } from '../../graph/model.js';
import { Reader } from '../../snapshot/shape.js';
import { at, groupSourceApp, type OktaContext } from './transform-context.js';
import { oktaPath, warnOrphanKeys } from './transform-read.js';
import { readRole, type RoleAssignment } from './transform-privileges.js';
import { serviceAccountMatcher, serviceAccountSignals, type ServiceAccountMatcher, type UserSignals } from './selection.js';
import { quoteInput } from '../../reporters/sanitize.js';

/** Okta lifecycle states in which the account cannot sign in and its API tokens are rejected. */
const DISABLED_STATUSES: ReadonlySet<string> = new Set(['DEPROVISIONED', 'SUSPENDED']);

/** Reads groups.json and groupRoles.json: names, and the admin roles each group confers. */
export function readGroups(ctx: OktaContext): Map<string, RoleAssignment[]> {
  const { files, b } = ctx;
  const rg = new Reader(oktaPath('groups'));
  (files.groups ?? []).forEach((g, i) => {
    const path = at('$', i);
    const id = rg.str(g, 'id', path);
    const profile = rg.optObject(g, 'profile', path);
    const name = profile ? rg.optStr(profile, 'name', `${path}.profile`) : undefined;
    if (ctx.groupNames.has(id)) b.warn(`${oktaPath('groups')}: duplicate group id ${quoteInput(id)} at ${path}; first one kept`);
    else {
      ctx.groupNames.set(id, name ?? id);
      const type = rg.optStr(g, 'type', path);
      if (type !== undefined) ctx.groupTypes.set(id, type);
      // An imported group links the app it comes from (Okta Groups API, `_links.source`:
      // "the associated source application for APP_GROUP groups"), `…/api/v1/apps/<appId>`.
      const links = rg.optObject(g, '_links', path);
      const source = links ? rg.optObject(links, 'source', `${path}._links`) : undefined;
      const href = source ? rg.optStr(source, 'href', `${path}._links.source`) : undefined;
      const appId = href?.match(/\/apps\/([^/?#]+)\/?(?:[?#].*)?$/)?.[1];
      if (appId !== undefined) ctx.groupSources.set(id, appId);
    }
  });
  const roles = new Map<string, RoleAssignment[]>();
  const rr = new Reader(oktaPath('groupRoles'));
  for (const [groupId, list] of files.groupRoles ?? []) {
    const base = `$[${quoteInput(groupId)}]`;
    const assigned: RoleAssignment[] = [];
    list.forEach((obj, i) => {
      const role = readRole(ctx, rr, obj, at(base, i));
      if (role) assigned.push(role);
    });
    roles.set(groupId, assigned);
    ctx.groupRoleTypes.set(groupId, assigned.map((a) => a.type));
  }
  if (files.groups) warnOrphanKeys(b, 'groupRoles', files.groupRoles, (id) => ctx.groupNames.has(id), 'a group');
  return roles;
}

/**
 * Adds nodes for the groups that matter here (those holding admin roles and those assigned to an
 * AWS federation app) with their HAS_ROLE edges. Other groups are left out: membership in them
 * changes no capability the scanner models, and a large org has tens of thousands.
 */
export function addGroups(ctx: OktaContext, roles: Map<string, RoleAssignment[]>): void {
  const relevant = new Set<string>(ctx.awsGroups);
  for (const [gid, list] of roles) if (list.length > 0) relevant.add(gid);
  for (const gid of [...relevant].sort()) {
    const nodeId = ids.oktaGroup(ctx.org, gid);
    ctx.groupNodes.set(gid, nodeId);
    if (ctx.files.groups && !ctx.groupNames.has(gid)) ctx.b.warn(`group ${quoteInput(gid)} is referenced but not in ${oktaPath('groups')}`);
    ctx.b.addNode({
      id: nodeId,
      kind: 'group',
      provider: 'okta',
      type: 'okta-group',
      name: ctx.groupNames.get(gid) ?? gid,
      nativeId: gid,
      scope: ctx.org,
      attrs: { adminRoles: roles.get(gid)?.map((r) => r.type), awsAssigned: ctx.awsGroups.has(gid), groupType: ctx.groupTypes.get(gid), sourceApp: groupSourceApp(ctx, gid) },
    });
    for (const role of roles.get(gid) ?? []) {
      ctx.b.addEdge({ from: nodeId, to: role.nodeId, type: 'HAS_ROLE', reason: `members of group ${ctx.groupNames.get(gid) ?? gid} hold the Okta admin role ${role.label}` });
    }
  }
}

/** The classification inputs, and the count of active MFA factors (`undefined`: not read). */
interface UserFacts extends UserSignals {
  activeFactors: number | undefined;
}

interface UserTypeName {
  name?: string;
  displayName?: string;
}

/**
 * The org's user types (okta/userTypes.json, GET /api/v1/meta/types/user, scope
 * okta.userTypes.read) by id; `undefined` when they were not read.
 */
function readUserTypes(ctx: OktaContext): Map<string, UserTypeName> | undefined {
  const list = ctx.files.userTypes;
  if (!list) return undefined;
  const r = new Reader(oktaPath('userTypes'));
  const out = new Map<string, UserTypeName>();
  list.forEach((t, i) => {
    const path = at('$', i);
    const id = r.str(t, 'id', path);
    if (!out.has(id)) out.set(id, { name: r.optStr(t, 'name', path), displayName: r.optStr(t, 'displayName', path) });
  });
  return out;
}

/** Why a user object is a machine identity, or an empty list for a person. */
export function classifyUser(ctx: OktaContext, m: ServiceAccountMatcher, userId: string, facts: UserFacts): string[] {
  // The configuration's signals are the collector's selection predicate too (selection.ts): a
  // user they make a service account always has its roles, factors and groups read.
  const strong = serviceAccountSignals(m, userId, facts);
  // Owning a token or lacking MFA each also describes plenty of real admins, so either alone is not
  // enough; together they describe an account nobody signs in to with a second factor.
  const weak: string[] = [];
  const tokens = ctx.tokenOwners.get(userId);
  if (tokens) weak.push(`owns ${tokens} API token(s)`);
  if (facts.activeFactors === 0) weak.push('has no active MFA factor');
  if (strong.length === 0 && weak.length < 2) return [];
  return [...strong, ...weak];
}

/** Reads users.json with their factors, direct roles and relevant group memberships. */
export function addUsers(ctx: OktaContext): void {
  const { files, b, org } = ctx;
  const r = new Reader(oktaPath('users'));
  const rf = new Reader(oktaPath('userFactors'));
  const rr = new Reader(oktaPath('userRoles'));
  const rg = new Reader(oktaPath('userGroups'));
  const matcher = serviceAccountMatcher(ctx.config);
  const typeNames = readUserTypes(ctx);
  let unnamedTypes = 0;
  // Token owners that may be service accounts, their factors not read (see below).
  const unclassified: string[] = [];
  const managed: { user: GraphNode; managerId?: string; manager?: string }[] = [];
  (files.users ?? []).forEach((u, i) => {
    const path = at('$', i);
    const id = r.str(u, 'id', path);
    if (ctx.users.has(id)) {
      b.warn(`${oktaPath('users')}: duplicate user id ${quoteInput(id)} at ${path}; first one kept`);
      return;
    }
    const status = r.optStr(u, 'status', path);
    const profile = r.optObject(u, 'profile', path) ?? {};
    const login = r.optStr(profile, 'login', `${path}.profile`);
    const type = r.optObject(u, 'type', path);
    const typeId = type ? r.optStr(type, 'id', `${path}.type`) : undefined;
    // The Users API returns `type` with only its id; the name comes from the org's user types.
    // A payload that embeds the name (older exports) is still read.
    const typeName = type ? (r.optStr(type, 'name', `${path}.type`) ?? r.optStr(type, 'displayName', `${path}.type`)) : undefined;
    const named: UserTypeName | undefined = typeName !== undefined ? { name: typeName } : typeId !== undefined ? typeNames?.get(typeId) : undefined;
    // A type we cannot name might be one serviceAccountTypes lists: the user is then not known to
    // be a person (okta-api-token-human-owner says unknown rather than "personal account"). With
    // no serviceAccountTypes no type could make the user a service account, so nothing is lost.
    const typeUnnamed = typeId !== undefined && named === undefined && matcher.types.size > 0;
    if (typeUnnamed) unnamedTypes++;
    const profileUserType = r.optStr(profile, 'userType', `${path}.profile`);
    const userType = named?.name ?? profileUserType;
    const credentials = r.optObject(u, 'credentials', path);
    const hasPassword = credentials ? r.optObject(credentials, 'password', `${path}.credentials`) !== undefined : undefined;

    // The user's key as a JSON path, for the items of the files keyed by user: made once, when needed.
    let key: string | undefined;
    const keyPath = (): string => (key ??= `$[${quoteInput(id)}]`);
    const factorList = files.userFactors?.get(id);
    let activeFactors: number | undefined;
    let factorTypes: string[] | undefined;
    if (factorList) {
      factorTypes = [];
      factorList.forEach((f, j) => {
        const fp = at(keyPath(), j);
        const st = rf.optStr(f, 'status', fp);
        if (st === 'ACTIVE') factorTypes!.push(rf.optStr(f, 'factorType', fp) ?? 'unknown');
      });
      activeFactors = factorTypes.length;
    }

    const direct: RoleAssignment[] | undefined = files.userRoles?.get(id)?.flatMap((obj, j) => readRole(ctx, rr, obj, at(keyPath(), j)) ?? []);
    const groupIds = files.userGroups?.get(id)?.map((g, j) => rg.str(g, 'id', at(keyPath(), j)));
    const effective = new Set<string>(direct?.map((d) => d.type) ?? []);
    let groupsKnown = groupIds !== undefined && files.groupRoles !== undefined;
    for (const gid of groupIds ?? []) {
      const held = ctx.groupRoleTypes.get(gid);
      if (held === undefined) groupsKnown = false;
      for (const t of held ?? []) effective.add(t);
      if (ctx.awsGroups.has(gid)) ctx.awsUsers.add(id);
    }

    const signals = { login, userType: named?.name, userTypeId: typeId, userTypeDisplay: named?.displayName, profileUserType };
    const machineReasons = classifyUser(ctx, matcher, id, { ...signals, activeFactors });
    // The collector's selection (client.ts): its roles, factors and groups are expected in the files.
    if (ctx.tokenOwners.has(id) || ctx.awsAppUsers.has(id) || serviceAccountSignals(matcher, id, signals).length > 0) ctx.readUsers.add(id);
    const nodeId = ids.oktaUser(org, id);
    const lastLogin = u.lastLogin === null ? null : r.optDate(u, 'lastLogin', path);
    const node: GraphNode = {
      id: nodeId,
      kind: machineReasons.length > 0 ? 'identity' : 'human',
      provider: 'okta',
      type: 'okta-user',
      name: login ?? id,
      nativeId: id,
      scope: org,
      enabled: status === undefined ? undefined : !DISABLED_STATUSES.has(status),
      createdAt: r.optDate(u, 'created', path),
      lastUsedAt: lastLogin,
      attrs: {
        login,
        status,
        userType,
        userTypeId: typeId,
        ...(typeUnnamed ? { userTypeUnnamed: true } : {}),
        lastLogin,
        passwordChanged: u.passwordChanged === null ? null : r.optDate(u, 'passwordChanged', path),
        hasPassword,
        activeFactors,
        factorTypes,
        adminRoles: [...effective].sort(),
        adminRolesComplete: direct !== undefined && groupsKnown,
        // A user missing from userGroups.json (or okta.groups not collected): memberships unknown.
        groupsCollected: groupIds !== undefined,
      },
    };
    if (machineReasons.length > 0) node.machineReasons = machineReasons;
    // A token owner no convention names is a service account when it has no active factor: with
    // its factors not read (missing from userFactors.json, or okta.factors not collected) it is a
    // person only for want of data. It stays a `human` node (its apps and groups keep their
    // person), marked so the service-account rules and okta-api-token-human-owner answer unknown
    // rather than judge it a person (rule-kit, serviceAccountUnclassified).
    else if (activeFactors === undefined && ctx.tokenOwners.has(id)) {
      node.attrs.serviceAccountUnread = ['MFA factors'];
      unclassified.push(node.name);
    }
    const added = b.addNode(node);
    ctx.users.set(id, node);

    for (const role of direct ?? []) {
      b.addEdge({ from: added, to: role.nodeId, type: 'HAS_ROLE', reason: `${node.name} holds the Okta admin role ${role.label}` });
    }
    for (const gid of groupIds ?? []) {
      const groupNode = ctx.groupNodes.get(gid);
      if (groupNode) b.addEdge({ from: added, to: groupNode, type: 'MEMBER_OF', reason: `${node.name} is a member of group ${ctx.groupNames.get(gid) ?? gid}` });
    }
    if (machineReasons.length > 0 && hasPassword) addPasswordCredential(ctx, node);
    // A token owner that may be a service account is judged by the service-account rules too:
    // the manager on its profile is its accountable human if it is one (and harms nothing if not),
    // as for an Entra user that may be one.
    if (machineReasons.length > 0 || node.attrs.serviceAccountUnread !== undefined) {
      // Okta's base profile records the accountable human in managerId / manager.
      const managerId = r.optStr(profile, 'managerId', `${path}.profile`) || undefined;
      const manager = r.optStr(profile, 'manager', `${path}.profile`) || undefined;
      if (managerId || manager) managed.push({ user: node, managerId, manager });
    }
  });
  // A set: every service account may name a different departed manager (a Set keeps it linear).
  const unlisted = new Set<string>();
  for (const m of managed) addManager(ctx, m.user, m.managerId, m.manager, unlisted);
  if (unlisted.size > 0) {
    // Okta's GET /api/v1/users leaves DEPROVISIONED users out unless asked for by filter or
    // search: a manager id that is not listed is most often a manager who left. Their status is
    // not known, so the accountability rules answer unknown; said here like a missing token owner.
    const shown = [...unlisted].slice(0, 3).map((x) => quoteInput(x)).join(', ');
    b.warn(`${oktaPath('users')}: ${unlisted.size} service-account manager(s) not in ${oktaPath('users')} (${shown}); the default user listing omits DEPROVISIONED users, so whether they left is unknown`);
  }
  if (unclassified.length > 0) {
    const many = unclassified.length > 1;
    b.warn(
      `${oktaPath('users')}: ${unclassified.length} user${many ? 's' : ''} owning API tokens could not be classified, because ${many ? 'their' : 'its'} MFA factors were not read: ` +
        `the service-account rules answer unknown for ${many ? 'them' : 'it'} (first: ${unclassified[0]})`,
    );
  }
  if (unnamedTypes > 0) {
    const users = unnamedTypes === 1 ? '1 Okta user has' : `${unnamedTypes} Okta users have`;
    const why = typeNames ? `not in ${oktaPath('userTypes')}` : 'okta.userTypes not collected';
    b.warn(`${users} a user type that could not be named (${why}): serviceAccountTypes was matched against their type ids only`);
  }
  if (files.users) {
    const known = (id: string): boolean => ctx.users.has(id);
    warnOrphanKeys(b, 'userRoles', files.userRoles, known, 'a user');
    warnOrphanKeys(b, 'userFactors', files.userFactors, known, 'a user');
    warnOrphanKeys(b, 'userGroups', files.userGroups, known, 'a user');
  }
}

/**
 * MANAGES edge from the manager of a service account (or of a token owner that may be one): the
 * Okta user `managerId` names, else a placeholder person (status unknown) for an id not in
 * users.json or a free-text `manager`. A `managerId` not in users.json is added to `unlisted`
 * (once), for the caller's warning.
 */
function addManager(ctx: OktaContext, user: GraphNode, managerId: string | undefined, manager: string | undefined, unlisted: Set<string>): void {
  let from = managerId ? ctx.users.get(managerId)?.id : undefined;
  if (!from) {
    const nativeId = managerId ?? manager!;
    from = managerId ? ids.oktaUser(ctx.org, managerId) : makeNodeId('okta', ctx.org, 'manager', manager!);
    if (managerId) unlisted.add(managerId);
    ctx.b.addNode({ id: from, kind: 'human', provider: 'okta', type: 'okta-user', name: manager ?? nativeId, nativeId, scope: ctx.org, attrs: { placeholder: true, ...(managerId ? { listed: false } : {}) } });
  }
  if (from === user.id) return;
  const what = user.kind === 'identity' ? 'service account' : 'possible service account';
  ctx.b.addEdge({ from, to: user, type: 'MANAGES', reason: `${ctx.b.getNode(from)?.name ?? from} is the manager of ${what} ${user.name} (profile.${managerId ? 'managerId' : 'manager'})` });
}

/** A service account's password is its credential: the shared secret an integration signs in with. */
function addPasswordCredential(ctx: OktaContext, user: GraphNode): void {
  const credId = ids.oktaCredential(ctx.org, `password/${user.nativeId}`);
  const changed = user.attrs.passwordChanged as string | null | undefined;
  const cred = ctx.b.addNode({
    id: credId,
    kind: 'credential',
    provider: 'okta',
    type: 'okta-password',
    name: `password of ${user.name}`,
    nativeId: `password/${user.nativeId}`,
    scope: ctx.org,
    credentialType: 'password',
    status: user.enabled === false ? 'inactive' : 'active',
    createdAt: changed ?? user.createdAt,
    attrs: { passwordChanged: changed },
  });
  ctx.b.addEdge({ from: user, to: cred, type: 'HAS_CREDENTIAL', reason: `${user.name} signs in with a password` });
}
