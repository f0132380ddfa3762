import { ids } from '../../graph/ids.js';
import type { GraphEdge, GraphNode } from '../../graph/model.js';
import type { OktaContext } from './transform-context.js';
import { ensureCrown } from './transform-privileges.js';
import { roleLevel } from './transform-tiers.js';
import { appFilterAdmits, oktaGroupFilter } from './transform-aws.js';
import { patternPart, providerAccepts, providerClaims } from './saml-claims.js';
import { compareText } from '../../compare.js';

/**
 * Hidden escalation edges. Each starts at a shared privilege node (one per scope or role type, and
 * one per scope for what its holders do through a user they control, see userRoute), and ends
 * only at targets that matter (AWS-federated users and groups, service accounts, admins,
 * privileged service apps, the AWS roles of groups an AWS app's group filter maps), so the edge
 * count grows with the number of such targets (plus one edge per holder into a userRoute node),
 * never with holders × all users.
 */
export function addEscalations(ctx: OktaContext): void {
  const scope = (s: string): GraphNode | undefined => ctx.b.getNode(ids.oktaScope(ctx.org, s));
  const role = (t: string): GraphNode | undefined => ctx.b.getNode(ids.oktaRole(ctx.org, t));
  // userRoute nodes not added yet, by id: the first edge leaving one adds it and its holders' edges.
  const pending = new Map<string, () => void>();
  const edge = (from: GraphNode, to: string, reason: string, method: string, extra: Partial<GraphEdge> = {}): void => {
    const open = pending.get(from.id);
    if (open) {
      pending.delete(from.id);
      open();
    }
    ctx.b.addEdge({ from, to, type: 'CAN_ESCALATE_TO', hidden: true, reason, evidence: { method, ...extra.evidence }, ...(extra.conditional ? { conditional: true } : {}) });
  };

  const roleCaveat = 'unless the role assignment is limited to target groups or apps (targets are not collected)';

  // Credential and factor resets: okta.users.manage (resetPassword, resetFactors, enrollFactor).
  const resetters: { node: GraphNode; byRole: boolean }[] = [];
  const usersManage = scope('okta.users.manage');
  if (usersManage) resetters.push({ node: usersManage, byRole: false });
  for (const t of ['USER_ADMIN', 'HELP_DESK_ADMIN']) {
    const n = role(t);
    if (n) resetters.push({ node: n, byRole: true });
  }
  if (resetters.length > 0) {
    for (const user of ctx.users.values()) {
      const why = userMatters(ctx, user);
      if (!why) continue;
      const roles = (user.attrs.adminRoles as string[] | undefined) ?? [];
      for (const { node, byRole } of resetters) {
        // Okta keeps super admins out of everyone else's reach; the delegated user roles cannot touch admins at all.
        if (roles.includes('SUPER_ADMIN')) continue;
        if (byRole && roles.length > 0) continue;
        edge(node, user.id, `${node.name} can reset the password and MFA factors of ${user.name} (${why}) and sign in as them${byRole ? `, ${roleCaveat}` : ''}`, 'okta:resetPassword+resetFactors', {
          conditional: byRole,
          evidence: { target: why },
        });
      }
    }
  }

  // Group membership: okta.groups.manage / GROUP_MEMBERSHIP_ADMIN can add any user they control.
  // USER_ADMIN (Group Administrator) can too, within the groups it manages: Okta help, "Group
  // administrators" (help.okta.com, administrators-group-admin.htm): "Add users in their groups to
  // other groups that they manage", and "Create new users" (in them), so it controls one it adds.
  const adders: Adder[] = [];
  const groupsManage = scope('okta.groups.manage');
  // A holder adds a user it controls: the routes leave from the scope's userRoute node, which
  // each holder reaches on its own terms.
  if (groupsManage) adders.push({ node: userRoute(ctx, pending, 'okta.groups.manage', 'to add to groups'), byRole: false, creates: 'create' });
  const gma = role('GROUP_MEMBERSHIP_ADMIN');
  if (gma) adders.push({ node: gma, byRole: true });
  const groupAdmin = role('USER_ADMIN');
  if (groupAdmin) adders.push({ node: groupAdmin, byRole: true, creates: 'rename', notAdminGroups: true, how: 'a Group Administrator adds users of the groups it manages, which include users it creates, to the other groups it manages' });
  for (const [gid, nodeId] of adders.length > 0 ? ctx.groupNodes : []) {
    // Okta changes the members of OKTA_GROUP groups only (see fixedMembership): no edge into the others.
    if (fixedMembership(ctx, gid)) continue;
    const name = ctx.groupNames.get(gid) ?? gid;
    const aws = ctx.awsGroups.has(gid);
    const adminRoles = ctx.groupRoleTypes.get(gid) ?? [];
    for (const { node, byRole, how, notAdminGroups } of adders) {
      if (notAdminGroups && adminRoles.length > 0) continue;
      // Okta reserves membership changes of groups holding admin roles to super admins; kept as a conditional edge.
      const adminOnly = !aws && adminRoles.length > 0;
      const why = aws ? 'assigned to the AWS federation app' : `holds admin roles ${adminRoles.join(', ')}`;
      edge(node, nodeId, `${node.name} can add members to group ${name} (${why})${how ? `: ${how}` : ''}${byRole ? `, ${roleCaveat}` : ''}`, 'okta:assignUserToGroup', {
        conditional: byRole || adminOnly,
        evidence: { target: why },
      });
    }
  }

  addRoleGroupEscalations(ctx, adders, edge, roleCaveat);

  // Minting client credentials: okta.apps.manage / APP_ADMIN (createOAuth2ClientSecret, addJwk) and app settings.
  // Through an AWS app the route also needs a user to sign in as: a scope's goes through its
  // userRoute node (`viaUser`). okta.clients.manage mints through the Dynamic Client Registration
  // API (a new secret, or the client's keys replaced), which manages OAuth clients only: it has
  // no route into the AWS app (no `viaUser`).
  const minters: { node: GraphNode; byRole: boolean; viaUser?: GraphNode; method: string }[] = [];
  const appsManage = scope('okta.apps.manage');
  if (appsManage) minters.push({ node: appsManage, byRole: false, viaUser: userRoute(ctx, pending, 'okta.apps.manage', 'to assign to an app and sign in as'), method: 'okta:createOAuth2ClientSecret/addJwk' });
  const clientsManage = scope('okta.clients.manage');
  if (clientsManage) minters.push({ node: clientsManage, byRole: false, method: 'okta:newSecret/updateClient' });
  const appAdmin = role('APP_ADMIN');
  if (appAdmin) minters.push({ node: appAdmin, byRole: true, viaUser: appAdmin, method: 'okta:createOAuth2ClientSecret/addJwk' });
  if (minters.length > 0) {
    for (const app of ctx.serviceApps.values()) {
      const tier = ctx.appTier.get(app.nativeId) ?? 0;
      if (tier < 3) continue;
      for (const { node, byRole, method } of minters) {
        edge(node, app.id, `${node.name} can add a client secret or key to ${app.name} (T${tier}) and authenticate as it${byRole ? `, ${roleCaveat}` : ''}`, method, {
          conditional: byRole,
          evidence: { targetTier: tier },
        });
      }
    }
    // The AWS app issues SAML assertions only to a user signing in through Okta (sp-initiated or
    // from the dashboard): changing its mapping and assignments gets a holder into AWS only as a
    // user it is or controls. A scope's holder is a service app, which needs one it can create
    // or take over (userRoute). An admin role's route is conditional already (its targets are
    // not read); its holder may be a user, or a service app holding it as a client role, which
    // would need a user too: that part is not told apart.
    for (const fed of ctx.awsApps) {
      for (const { viaUser, byRole } of minters) {
        if (!viaUser) continue;
        edge(viaUser, fed.node.id, `${viaUser.name} can change the role mapping and assignments of the AWS federation app ${fed.node.name}${byRole ? `, ${roleCaveat}` : ', assign that user to it and sign in as them'}`, 'okta:updateApplication+assignUserToApplication', {
          conditional: byRole,
        });
      }
    }
  }

  // okta.roles.manage assigns any role, SUPER_ADMIN included, to any principal, itself too.
  const rolesManage = scope('okta.roles.manage');
  if (rolesManage) {
    edge(rolesManage, ensureCrown(ctx), 'okta.roles.manage can assign SUPER_ADMIN to any user or client, its holder included', 'okta:assignRoleToClient/assignRoleToUser');
  }

  // okta.apiTokens.manage revokes tokens and rewrites their network restriction, but never reveals a
  // token value: it reaches an owner's rights only together with a leaked token, hence conditional.
  const tokensManage = scope('okta.apiTokens.manage');
  if (tokensManage) {
    for (const user of ctx.users.values()) {
      const roles = (user.attrs.adminRoles as string[] | undefined) ?? [];
      const top = Math.max(0, ...roles.map((r) => roleLevel(r).tier));
      if (top < 3 || !ctx.tokenOwners.has(user.nativeId)) continue;
      edge(tokensManage, user.id, `okta.apiTokens.manage can lift the network restriction of the API tokens of ${user.name} (${roles.join(', ')}), which act with that user's rights, for anyone holding a copy of such a token`, 'okta:upsertApiToken', {
        conditional: true,
      });
    }
  }
}

type EdgeFn = (from: GraphNode, to: string, reason: string, method: string, extra?: Partial<GraphEdge>) => void;

/** A group whose name an app's group filter matches, with the account and role the name gives. */
interface RoleGroupMatch {
  gid: string;
  name: string;
  account?: string;
  role: string;
}

/** The org's groups one group filter matches, and the groups whose name was not read. */
interface Matches {
  matching: RoleGroupMatch[];
  unnamed: string[];
}

/** A holder of group membership rights; `creates` when it can also create or rename groups. */
interface Adder {
  node: GraphNode;
  /** An admin role, whose assignment may be limited to target groups (not collected). */
  byRole: boolean;
  /**
   * okta.groups.manage creates and renames groups: Okta's Groups API adds a group with
   * `POST /api/v1/groups` and renames one with `PUT /api/v1/groups/{groupId}` (Okta Management API,
   * Groups: "Adds a new group with the OKTA_GROUP type to your org"), and Okta's MCP server lists
   * "create a new group" and "update group name and description" for okta.groups.manage (Okta help,
   * MCP server, group-management.htm). A Group Administrator renames the groups it manages, but cannot
   * create groups (Okta help, administrators-group-admin.htm: "Rename groups"; "can't ... Create or
   * delete groups").
   */
  creates?: 'create' | 'rename';
  /** How the holder adds a user, when it is not plain membership rights. */
  how?: string;
  /**
   * Never manages a group holding admin roles: Okta help, administrators-group-admin.htm, "Group
   * admins can't ... Manage groups that have admin roles assigned to them".
   */
  notAdminGroups?: boolean;
}

/**
 * The node of what a scope's holders do through a user they control (okta.groups.manage adding
 * one to groups, okta.apps.manage assigning one to the AWS app to sign in as), made on first use
 * (`pending`, see addEscalations) so that a scope whose routes reach nothing adds nothing. Scopes
 * are granted to service apps (OAuth clients, appGrants.json), which are not users: such a route
 * needs a user the app can create or take over. okta.users.manage gives one ("Allows the app to
 * create new users and to manage all users' profile and credentials information", Okta OAuth 2.0
 * scopes): the app creates a user with a password it chooses. Whether a holder has one is its
 * own affair, not that of the scope's other holders: each holder gets its own edge into the
 * node, firm when it holds okta.users.manage too, conditional (and naming it alone) when it does
 * not, and the routes leave the node once for all holders. The scope's own node keeps its id and
 * the routes that need no user. Other ways (a client admin role that creates users) are not
 * counted. `use`: what the user is for.
 */
function userRoute(ctx: OktaContext, pending: Map<string, () => void>, scope: string, use: string): GraphNode {
  const node: GraphNode = {
    id: ids.oktaScopeUser(ctx.org, scope),
    kind: 'privilege',
    provider: 'okta',
    type: 'okta-scope-user-route',
    name: `${scope} (with a user its holder controls)`,
    nativeId: `${scope}/user`,
    scope: ctx.org,
    // No tier of its own: the scope's node has it, and its holders hold that.
    attrs: { scopeId: scope },
  };
  pending.set(node.id, () => {
    ctx.b.addNode(node);
    const creators = new Set(ctx.scopeHolders.get('okta.users.manage') ?? []);
    // An app may list a scope twice (two grants): one edge.
    for (const appId of new Set(ctx.scopeHolders.get(scope) ?? [])) {
      const app = ctx.serviceApps.get(appId);
      if (!app) continue;
      const creates = creators.has(appId);
      ctx.b.addEdge({
        from: app,
        to: node,
        type: 'CAN_ESCALATE_TO',
        hidden: true,
        reason: creates
          ? `${app.name} holds ${scope} and okta.users.manage, with which it creates a user, with a password it sets, ${use}`
          : `${app.name} holds ${scope} without okta.users.manage: a service app is not a user and controls none unless it can create or take over one, so this holds only if ${app.name} controls a user some other way`,
        evidence: { method: creates ? 'okta:createUser' : 'okta:asUser' },
        ...(creates ? {} : { conditional: true }),
      });
    }
  });
  return node;
}

/**
 * The type of a group whose members cannot be changed through Okta, or undefined when they can
 * (or the type was not read). Okta changes memberships of `OKTA_GROUP` groups only (Okta Management
 * API, Groups, assignUserToGroup: "You only can modify memberships for Groups of the OKTA_GROUP
 * type"): an `APP_GROUP` group (an imported Active Directory or LDAP group) gets its members from
 * its app's imports, and every user is a member of the `BUILT_IN` Everyone group.
 */
function fixedMembership(ctx: OktaContext, gid: string): string | undefined {
  const type = ctx.groupTypes.get(gid);
  return type === undefined || type === 'OKTA_GROUP' ? undefined : type;
}

/**
 * The built-in Everyone group: "Every user in Okta is automatically a member of the Everyone group.
 * This group cannot be deleted or renamed" (Okta support, "The Everyone Group in Okta").
 */
function isEveryone(ctx: OktaContext, gid: string): boolean {
  return ctx.groupTypes.get(gid) === 'BUILT_IN' && ctx.groupNames.get(gid) === 'Everyone';
}

/**
 * Group membership into the AWS roles of groups that are not assigned to an AWS app. With "Use
 * Group Mapping", Okta sends a user assigned to the app the role of every group of theirs whose
 * name the app's group filter matches, assigned to the app or not; those groups have no node
 * (nothing else about them matters), so the membership edges above never reach them. Each holder
 * of membership rights gets an edge per such group to the app's SAML provider, naming the group
 * (`evidence.roleGroup`); the link (link.ts) turns it into edges to the role(s) the filter maps
 * the group's name to, once the AWS roles are known. The user added must also be assigned to the
 * app: the edge holds when a group the holder can add members to (one without admin roles) is
 * assigned to it (or Everyone is), and is conditional otherwise. Groups whose members Okta does
 * not change (imported APP_GROUP groups, Everyone) give no edge and assign nobody. A holder that
 * can create or rename groups (okta.groups.manage; USER_ADMIN for the groups it manages) also gets
 * one conditional edge per app, `evidence.createGroup`, which the link turns into edges to every
 * provider the role value pattern names. An app whose App Filter leaves groups made in Okta out
 * (appFilterAdmits) gives none of these edges, and a group whose role the link would refuse
 * because the provider the role value pattern names for its account is another app's (providerAccepts:
 * `no`) gives none either: at 100,000 identities those were most of the edges, all dropped again by
 * the link. When the filter or the groups' names were not read, one conditional edge to the
 * provider says so. One pass over the org's groups per filter, one verdict per provider and app, and
 * one pass over each app's matching groups per holder.
 */
function addRoleGroupEscalations(ctx: OktaContext, adders: Adder[], edge: EdgeFn, roleCaveat: string): void {
  if (adders.length === 0) return;
  // Apps usually share one group filter: each filter is applied to the org's groups once.
  const namedMatches = new Map<RegExp, Matches>();
  const matchesOf = (filter: RegExp): Matches => {
    let m = namedMatches.get(filter);
    if (!m) {
      m = { matching: [], unnamed: [] };
      for (const [gid, name] of ctx.groupNames) {
        // readGroups records a group without a name under its id: the filter cannot be applied.
        if (name === gid) {
          m.unnamed.push(gid);
          continue;
        }
        const hit = filter.exec(name);
        if (hit) m.matching.push({ gid, name, account: hit.groups?.accountid, role: hit.groups?.role ?? '' });
      }
      namedMatches.set(filter, m);
    }
    return m;
  };
  // The providers each active app names as its own, as the link sees them (same function).
  const claims = providerClaims(ctx.awsApps.map((f) => f.node));
  for (const fed of ctx.awsApps) {
    const a = fed.node.attrs;
    // Not linked to AWS (no literal provider ARN), no group mapping, or inactive: no role to add anyone to.
    if (!fed.samlProviderArn || a.useGroupMapping !== true || fed.node.enabled === false) continue;
    // Membership changes, and groups created or renamed, are OKTA_GROUP groups only; an App Filter
    // that leaves groups made in Okta out ("avoids the issue of rogue admins creating groups
    // following a certain syntax", Okta help, aws-enable-role-based.htm) maps none of them.
    if (appFilterAdmits(a.appFilter, 'OKTA_GROUP') !== 'yes') continue;
    const hub = ids.external('saml-provider', fed.samlProviderArn);
    const app = fed.node.name;
    const mapping = { appId: fed.appId, roleValuePattern: a.roleValuePattern, groupFilter: a.groupFilter };
    const filter = oktaGroupFilter(a.groupFilter);
    const assigned = new Set(fed.groups.map((g) => g.groupId));
    const all: Matches = filter && ctx.files.groups ? matchesOf(filter) : { matching: [], unnamed: [] };
    // The link gives no role to a group whose account's provider, as the role value pattern names
    // it, is another app's that does not take this app's assertions (rolesOfGroupName): no edge.
    const refusedBy = new Map<string, boolean>();
    const refused = ({ account, role }: RoleGroupMatch): boolean => {
      const provider = patternPart(a.roleValuePattern, ':role/', account, role) ? patternPart(a.roleValuePattern, ':saml-provider/', account, role) : undefined;
      if (provider === undefined || provider === fed.samlProviderArn) return false;
      let no = refusedBy.get(provider);
      if (no === undefined) refusedBy.set(provider, (no = providerAccepts(claims, provider, fed.node).accepts === 'no'));
      return no;
    };
    // Members of imported (APP_GROUP) role groups change in their directory, not through Okta.
    const matching = all.matching.filter((m) => !assigned.has(m.gid) && !fixedMembership(ctx, m.gid) && !refused(m));
    const unnamed = all.unnamed.filter((gid) => !assigned.has(gid));
    const unread = !filter
      ? `the group filter of the AWS app ${app} could not be read`
      : !ctx.files.groups
        ? "the org's groups were not read"
        : unnamed.length > 0
          ? `the name of group(s) ${unnamed.slice(0, 3).join(', ')}${unnamed.length > 3 ? ` and ${unnamed.length - 3} more` : ''} was not read`
          : undefined;
    // Okta sends the role only to a member who is assigned to the app. A holder of membership
    // rights assigns the user it adds by adding it to an assigned group too, except to one
    // holding admin roles (Okta reserves those to super admins) or one whose members Okta does not
    // change; every user is assigned already when the Everyone group is.
    const everyone = fed.groups.some((g) => isEveryone(ctx, g.groupId));
    // Any such group will do; the one named is the first by name (then id), not the first Okta
    // happened to list, so the same org gives the same reason whatever order the API returned.
    const entry = fed.groups
      .filter((g) => !fixedMembership(ctx, g.groupId) && (ctx.groupRoleTypes.get(g.groupId) ?? []).length === 0)
      .map((g) => ({ g, name: ctx.groupNames.get(g.groupId) ?? g.groupId }))
      .sort((x, y) => compareText(x.name, y.name) || compareText(x.g.groupId, y.g.groupId))[0];
    const entryName = entry?.name;
    for (const { node, byRole, creates, how, notAdminGroups } of adders) {
      const caveat = byRole ? `, ${roleCaveat}` : '';
      // A holder that is a user (or acts as one) can add itself; a scope holder is an app.
      const controlled = byRole ? 'a user it controls (itself, when the holder is a user)' : 'a user it controls';
      const assign = everyone
        ? 'Okta sends it only to a member assigned to the app, and every user is: the app is assigned to group Everyone, of which every Okta user is a member'
        : a.assignmentsCollected !== true
          ? `Okta sends it only to a member assigned to the app, and the app's assignments were not read, so whether ${node.name} can assign the user it adds is not known`
          : entry
            ? `Okta sends it only to a member assigned to the app: ${node.name} assigns the user it adds by also adding it to group ${entryName}, which is assigned to the app (a user already assigned needs only the first step)`
            : `Okta sends it only to a member assigned to the app, and ${node.name} cannot assign one: no group it can add members to is assigned to the app (${fed.users.length} user(s) are assigned), so this holds only for a holder that is, acts as or controls a user already assigned to the app`;
      const unassignable = !everyone && (!entry || a.assignmentsCollected !== true);
      const adds = how ? ` (${how})` : '';
      for (const { gid, name } of matching) {
        const adminRoles = ctx.groupRoleTypes.get(gid) ?? [];
        if (notAdminGroups && adminRoles.length > 0) continue;
        const adminOnly = adminRoles.length > 0 ? `; Okta reserves membership changes of a group holding admin roles (${adminRoles.join(', ')}) to super admins` : '';
        edge(node, hub, `${node.name} can add ${controlled} to group ${name}${adds}, which is not assigned to the AWS app ${app} but whose name the app's group filter matches, so the app sends that group's AWS role; ${assign}${adminOnly}${caveat}`, 'okta:assignUserToGroup', {
          conditional: byRole || adminOnly !== '' || unassignable,
          evidence: { target: 'group mapped to an AWS role by the app\'s group filter', groupId: gid, roleGroup: name, ...mapping },
        });
      }
      // A holder that creates or renames groups can name one for any role the filter admits, when
      // the App Filter lets groups made in Okta through. Which roles that is, the link decides (the
      // roles trusting a provider the role value pattern names); the edge stays conditional, since
      // whether the filter admits a name for a given role is not checked.
      if (creates && filter) {
        const made = creates === 'create' ? 'create a group' : 'rename a group it manages (one without admin roles)';
        edge(node, hub, `${node.name} can ${made} and give it a name the AWS app ${app}'s group filter maps to an AWS account and role, then add a user it controls to it; ${typeof a.appFilter === 'string' && a.appFilter.trim() !== '' ? `the app's App Filter (${a.appFilter}) admits groups made in Okta` : 'the app has no App Filter limiting the groups it maps'}; ${assign}; this reaches a role only if the group filter admits a name for it${caveat}`, 'okta:addGroup/replaceGroup+assignUserToGroup', {
          conditional: true,
          evidence: { target: 'any AWS role the app\'s group filter can name', createGroup: creates, ...mapping },
        });
      }
      if (unread) {
        edge(node, hub, `${node.name} can add members to groups, and the AWS app ${app} sends a user assigned to it the role of every group of theirs whose name its group filter matches; ${unread}, so which roles this reaches is not known${caveat}`, 'okta:assignUserToGroup', {
          conditional: true,
          evidence: { target: 'groups mapped to AWS roles by the app\'s group filter', ...mapping },
        });
      }
    }
  }
}

/** Why resetting this user's credentials is worth an edge, or undefined when it is not. */
function userMatters(ctx: OktaContext, user: GraphNode): string | undefined {
  if (ctx.awsUsers.has(user.nativeId)) return 'assigned to the AWS federation app';
  if (user.kind === 'identity') return 'service account';
  const roles = (user.attrs.adminRoles as string[] | undefined) ?? [];
  if (roles.length > 0) return `admin: ${roles.join(', ')}`;
  return undefined;
}
