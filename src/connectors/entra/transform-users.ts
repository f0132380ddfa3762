import { ids } from '../../graph/ids.js';
import { Reader } from '../../snapshot/shape.js';
import type { GraphNode } from '../../graph/model.js';
import { classifyUser, looksLikeServiceAccount, unreadText } from './service-accounts.js';
import { recordGap } from './unread-parents.js';
import { type EntraContext, type Item, latest, odataType } from './transform-context.js';

/**
 * Users: people become `human` nodes; user objects that are service accounts become `identity`
 * nodes of the same type, with the reasons. Managers of service accounts get a MANAGES edge.
 */
export function addUsers(ctx: EntraContext): void {
  const users = ctx.items('users.json');
  if (!users) return;
  const managers = ctx.relation('userManagers.json');
  // With some lookups failed, the record names those users: their managers are unknown, the
  // managers read for the others still count.
  const unreadManagers = ctx.unreadKeysOf('entra.userManagers');
  // Lookups the record says were made. The file may be absent under such a record only when no
  // user needed a lookup (the collector writes it for any): absent otherwise, every user that
  // needed one is missing from it, which the check below counts as for a single missing key.
  const lookupsMade = ctx.collected('entra.userManagers') || unreadManagers !== undefined;
  const managersRead = lookupsMade && managers !== undefined;
  // Users the collector looks up a manager for, and those of them missing from the file while
  // its record does not name them (a missing key was not read: see recordUnreadParents).
  let lookups = 0;
  const managerless = new Set<string>();
  // Users named like service accounts whose deciding signals were not read (see below).
  const unclassified: { name: string; unread: string[] }[] = [];
  const mfa = new Map<string, boolean>();
  // The report was read (collected and there): the ids it lists, to tell a user it left out.
  let registered: Set<string> | undefined;
  if (ctx.collected('entra.mfaRegistration')) {
    const report = ctx.items('userRegistrationDetails.json');
    if (report) registered = new Set();
    for (const it of report ?? []) {
      const id = it.r.str(it.obj, 'id', it.path);
      registered!.add(id);
      const reg = it.r.optBool(it.obj, 'isMfaRegistered', it.path);
      if (reg !== undefined) mfa.set(id, reg);
    }
  }
  // The collector reads the report whole (endpoints.ts, no filter), and Graph serves it for
  // every enabled user but no disabled one: an enabled user it lacks was not read, like a parent
  // missing from a relationship file. Its MFA state stays undefined (the rules answer unknown);
  // the file gets its gap record below.
  let mfaExpected = 0;
  const mfaMissing = new Set<string>();

  for (const it of users) {
    const { obj, path, r } = it;
    const id = r.str(obj, 'id', path);
    const nodeId = ids.entraUser(ctx.tenant, id);
    if (ctx.users.has(id)) {
      ctx.b.warn(`entra/users.json: duplicate user id ${id} at ${path}; the first one is kept`);
      continue;
    }
    const upn = r.optStr(obj, 'userPrincipalName', path);
    const displayName = r.optStr(obj, 'displayName', path);
    const signIn = r.optObject(obj, 'signInActivity', path);
    const signInPath = `${path}.signInActivity`;
    const lastInteractive = signIn ? r.optDate(signIn, 'lastSignInDateTime', signInPath) : undefined;
    const lastNonInteractive = signIn ? r.optDate(signIn, 'lastNonInteractiveSignInDateTime', signInPath) : undefined;
    // The two above are attempts, failed ones too; lastSuccessfulSignInDateTime is the last
    // sign-in of either kind that succeeded (Microsoft Graph, signInActivity resource type).
    const lastSuccess = signIn ? r.optDate(signIn, 'lastSuccessfulSignInDateTime', signInPath) : undefined;
    // An interactive attempt after the last success failed: a password spray is no human use.
    const failedInteractive = lastInteractive !== undefined && lastSuccess !== undefined && Date.parse(lastSuccess) < Date.parse(lastInteractive);
    const managerList = unreadManagers?.has(id) ? undefined : managers?.get(id);
    if (lookupsMade && looksLikeServiceAccount(obj)) {
      lookups++;
      if (managerList === undefined && !unreadManagers?.has(id)) managerless.add(id);
    }
    const hasManager = managersRead && managerList !== undefined ? managerList.length > 0 : undefined;
    const facts = {
      id,
      userPrincipalName: upn,
      displayName,
      employeeType: r.optStr(obj, 'employeeType', path),
      passwordPolicies: r.optStr(obj, 'passwordPolicies', path),
      onPremisesSyncEnabled: r.optBool(obj, 'onPremisesSyncEnabled', path),
      hasManager,
      mfaRegistered: mfa.get(id),
      lastInteractive,
      lastNonInteractive,
      signInKnown: 'signInActivity' in obj,
    };
    // An Agent ID agent user (@odata.type agentUser, a subtype of user): the user account of an
    // agent identity, signed in with its parent's credentials, never a person (Microsoft Graph,
    // agentUser resource type). An AI agent, and no service account the password and MFA rules
    // judge: it has no password.
    const agentUser = odataType(r, obj, path) === 'agentUser';
    const cls = agentUser ? { machine: false, reasons: [], unread: [] } : classifyUser(facts, ctx.config);
    // signInActivity present but null: the user has never signed in. The last success, when
    // Graph gives it, is the last use; a later failed attempt is none.
    const lastUsedAt = 'signInActivity' in obj ? (lastSuccess ?? latest(lastInteractive, lastNonInteractive) ?? null) : undefined;
    const node: GraphNode = {
      id: nodeId,
      kind: cls.machine || agentUser ? 'identity' : 'human',
      provider: 'entra',
      type: 'entra-user',
      name: displayName ?? upn ?? id,
      nativeId: id,
      scope: ctx.tenant,
      enabled: r.optBool(obj, 'accountEnabled', path),
      createdAt: r.optDate(obj, 'createdDateTime', path),
      lastUsedAt,
      attrs: {
        userPrincipalName: upn,
        userType: r.optStr(obj, 'userType', path),
        employeeType: facts.employeeType,
        passwordPolicies: facts.passwordPolicies,
        onPremisesSyncEnabled: facts.onPremisesSyncEnabled,
        hasManager,
        mfaRegistered: facts.mfaRegistered,
        lastInteractiveSignIn: lastInteractive,
        lastNonInteractiveSignIn: lastNonInteractive,
      },
    };
    // Named like a service account, a person on the signals read, but a signal that could make
    // it one was not read: it stays a person for ownership and paths (calling it a machine would
    // invent findings about the apps it owns), and is marked so the service-account rules still
    // judge it, answering unknown where the answer depends on what it is (rule-kit,
    // serviceAccountUnclassified). The normalized mfa and interactive-use evidence those rules
    // read is set on it as on a service account.
    if (registered && node.enabled !== false) {
      mfaExpected++;
      if (!registered.has(id)) {
        mfaMissing.add(id);
        node.attrs.mfaRegistrationRead = false;
      }
    }
    if (cls.unread.length > 0) {
      node.attrs.serviceAccountUnread = cls.unread;
      if (typeof facts.mfaRegistered === 'boolean') node.attrs.mfa = facts.mfaRegistered;
      unclassified.push({ name: node.name, unread: cls.unread });
    }
    if (cls.machine) node.machineReasons = cls.reasons;
    if (agentUser) {
      node.agent = { confidence: 'authoritative', reasons: ['@odata.type agentUser'] };
      node.attrs.agentKind = 'agent-user';
    }
    if (cls.machine || cls.unread.length > 0) {
      // One vocabulary across providers: interactive sign-ins on a machine account (NHI10).
      if ('signInActivity' in obj) {
        node.attrs.interactiveUse = lastInteractive !== undefined && lastInteractive !== null;
        if (node.attrs.interactiveUse && failedInteractive) {
          // A successful interactive sign-in, if any, is no later than the last success, which
          // may have been non-interactive: the rule answers unknown when that date is recent.
          const attempt = String(lastInteractive).slice(0, 10);
          const success = String(lastSuccess).slice(0, 10);
          node.attrs.interactiveUseAt = lastSuccess;
          node.attrs.interactiveUseEvidence = `interactive sign-in attempt ${attempt} failed; last successful sign-in ${success}`;
          node.attrs.interactiveUseDoubt = `whether the last successful sign-in (${success}) was interactive: the interactive attempt of ${attempt} came after it and failed`;
        } else if (node.attrs.interactiveUse) {
          node.attrs.interactiveUseAt = lastInteractive;
          node.attrs.interactiveUseEvidence = `interactive sign-in ${String(lastInteractive).slice(0, 10)}`;
        }
      }
    }
    if (!cls.machine && cls.reasons.length > 0) node.attrs.serviceAccountSignals = cls.reasons;
    const added = ctx.b.addNode(node);
    if (cls.machine) {
      // A user object proves itself with its password: a shared secret that never expires when
      // DisablePasswordExpiration is set.
      const credId = ids.entraCredential(ctx.tenant, `${id}#password`);
      const cred = ctx.b.addNode({
        id: credId,
        kind: 'credential',
        provider: 'entra',
        type: 'entra-user-password',
        name: `${node.name} password`,
        nativeId: `${id}#password`,
        scope: ctx.tenant,
        credentialType: 'password',
        status: node.enabled === false ? 'inactive' : 'active',
        expiresAt: /DisablePasswordExpiration/i.test(facts.passwordPolicies ?? '') ? null : undefined,
        attrs: { passwordPolicies: facts.passwordPolicies, mfaRegistered: facts.mfaRegistered },
      });
      ctx.b.addEdge({ from: added, to: cred, type: 'HAS_CREDENTIAL', reason: `${node.name} signs in with a password${facts.mfaRegistered === false ? ' and no MFA method registered' : ''}` });
    }
    ctx.users.set(id, added);
  }

  recordGap(
    ctx,
    { file: 'userManagers.json', capability: 'entra.userManagers', parents: 'users that look like service accounts', lost: 'their managers were not read' },
    lookups,
    managerless,
  );
  recordGap(
    ctx,
    { file: 'userRegistrationDetails.json', capability: 'entra.mfaRegistration', parents: 'enabled users', lost: 'their MFA registration was not read' },
    mfaExpected,
    mfaMissing,
  );
  if (unclassified.length > 0) {
    const [first] = unclassified;
    const many = unclassified.length > 1;
    ctx.b.warn(
      `entra/users.json: ${unclassified.length} user${many ? 's' : ''} named like a service account could not be classified, because data that decides it was not read: ` +
        `the service-account rules answer unknown for ${many ? 'them' : 'it'} (first: ${first.name}: its ${unreadText(first.unread)})`,
    );
  }
  if (!managers) return;
  for (const [userId, list] of managers) {
    const user = ctx.users.get(userId);
    // A manager of a user that may be a service account is its accountable human if it is one.
    const judged = user !== undefined && (user.kind === 'identity' || user.attrs.serviceAccountUnread !== undefined);
    if (!user || !judged || list.length === 0 || unreadManagers?.has(userId)) continue;
    const manager = directoryObject(ctx, list[0]);
    if (!manager) continue;
    ctx.b.addEdge({
      from: manager,
      to: user,
      type: 'MANAGES',
      reason: `${manager.name} is the manager of ${user.kind === 'identity' ? 'service account' : 'possible service account'} ${user.name}`,
    });
  }
}

/**
 * The groups of groups.json: the role-assignable ones, and (from collectors that read them) every
 * other group assigned an app role. Their members come with addGroupMembers (MEMBER_OF edges).
 */
export function addGroups(ctx: EntraContext): void {
  for (const { obj, path, r } of ctx.items('groups.json') ?? []) {
    const id = r.str(obj, 'id', path);
    const group = ctx.b.addNode({
      id: ids.entraGroup(ctx.tenant, id),
      kind: 'group',
      provider: 'entra',
      type: 'entra-group',
      name: r.optStr(obj, 'displayName', path) ?? id,
      nativeId: id,
      scope: ctx.tenant,
      attrs: {
        isAssignableToRole: r.optBool(obj, 'isAssignableToRole', path),
        membershipRule: r.optStr(obj, 'membershipRule', path),
        onPremisesSyncEnabled: r.optBool(obj, 'onPremisesSyncEnabled', path),
      },
    });
    ctx.groups.set(id, group);
  }
}

/** Member types of a group that hold no app role through it (addGroupMembers). */
const NO_PRINCIPAL_MEMBERS: ReadonlySet<string> = new Set(['device', 'orgContact']);

export function addGroupMembers(ctx: EntraContext): void {
  const rel = ctx.relation('groupMembers.json');
  if (!rel) return;
  for (const [groupId, members] of rel) {
    const group = ctx.groups.get(groupId);
    if (!group) {
      ctx.b.warn(`entra/groupMembers.json: members of unknown group ${groupId} ignored`);
      continue;
    }
    // A group missing from the file was not read (snapshot format), whatever the coverage says.
    group.attrs.membersCollected = true;
    const assignable = group.attrs.isAssignableToRole === true;
    const list: string[] = [];
    for (const m of members) {
      // A nested group gets nothing from the group it is in: a role-assignable group cannot have
      // groups as members, and an app role assigned to a group does not cascade to the members of
      // groups nested in it (Microsoft Entra docs, "Using a group to manage access to SaaS
      // applications"). No edge, so no path runs through it and no placeholder is left unread.
      if (odataType(m.r, m.obj, m.path) === 'group' || (typeof m.obj.id === 'string' && ctx.groups.has(m.obj.id))) continue;
      // A device or an organizational contact is no principal an app role can be assigned to (a
      // user, a group or a service principal: appRoleAssignment, Microsoft Graph) and signs in to
      // no app: it holds nothing through the group. Any security group assigned an app role is
      // read now, not only role-assignable ones (which hold users and service principals only),
      // and such a group may hold many devices: no edge, and no warning for each.
      if (NO_PRINCIPAL_MEMBERS.has(odataType(m.r, m.obj, m.path) ?? '')) continue;
      const member = directoryObject(ctx, m);
      if (!member) continue;
      list.push(member.id);
      ctx.b.addEdge({
        from: member,
        to: group,
        type: 'MEMBER_OF',
        reason: `${member.name} is a member of ${assignable ? 'role-assignable ' : ''}group ${group.name}`,
      });
    }
    ctx.groupMembers.set(group.id, list);
  }
}

/**
 * The groups assigned an app role that groups.json does not hold, as placeholders named by the
 * assignment (`principalDisplayName`) and marked `appRoleAssignee`, so that the assignment keeps
 * its holder instead of being dropped. Their members were not read: a snapshot of a collector
 * that read only role-assignable groups, or a group whose read failed. The groupMembers.json
 * check (unread-parents.ts) counts them as unread parents, and unreadGroup then makes the tiers
 * they could lift lower bounds: who holds the app role through them is unknown, never "nobody".
 * A lenient first look at the file: addAppRoleAssignments reads every item strictly after.
 */
export function addAssignedGroupPlaceholders(ctx: EntraContext): void {
  if (!ctx.readable('appRoleAssignments.json')) return;
  const r = new Reader('entra/appRoleAssignments.json');
  for (const obj of r.items(ctx.snapshot.files['entra/appRoleAssignments.json'])) {
    if (obj.principalType !== 'Group' || typeof obj.principalId !== 'string' || obj.principalId === '') continue;
    const id = obj.principalId;
    if (ctx.principal(id)) continue;
    const name = typeof obj.principalDisplayName === 'string' && obj.principalDisplayName !== '' ? obj.principalDisplayName : id;
    placeholderGroup(ctx, id, name, { placeholder: true, appRoleAssignee: true });
  }
}

/** A group known only by its id and name (its object was not read), registered under its id. */
function placeholderGroup(ctx: EntraContext, id: string, name: string, attrs: Record<string, unknown>): GraphNode {
  const group = ctx.b.addNode({ id: ids.entraGroup(ctx.tenant, id), kind: 'group', provider: 'entra', type: 'entra-group', name, nativeId: id, scope: ctx.tenant, attrs });
  ctx.groups.set(id, group);
  return group;
}

/**
 * Resolves a directory object (owner, member, sponsor, manager) to its node. Users and groups not
 * in the lists (e.g. users.json not collected) become placeholders from the fields the relationship
 * endpoint returned; an unknown service principal is a dangling reference and only warned about.
 */
export function directoryObject(ctx: EntraContext, it: Item): GraphNode | undefined {
  const { obj, path, r } = it;
  const id = r.str(obj, 'id', path);
  const known = ctx.principal(id);
  if (known) return known;
  const type = odataType(r, obj, path);
  const name = r.optStr(obj, 'displayName', path) ?? r.optStr(obj, 'userPrincipalName', path) ?? id;
  if (type === 'user' || (type === undefined && obj.userPrincipalName !== undefined)) {
    const user = ctx.b.addNode({
      id: ids.entraUser(ctx.tenant, id),
      kind: 'human',
      provider: 'entra',
      type: 'entra-user',
      name,
      nativeId: id,
      scope: ctx.tenant,
      enabled: r.optBool(obj, 'accountEnabled', path),
      attrs: { userPrincipalName: r.optStr(obj, 'userPrincipalName', path), placeholder: true },
    });
    ctx.users.set(id, user);
    return user;
  }
  if (type === 'group') return placeholderGroup(ctx, id, name, { placeholder: true });
  ctx.b.warn(`${r.file}: ${path} refers to ${type ?? 'object'} ${id}, which is not in the snapshot; ignored`);
  return undefined;
}
