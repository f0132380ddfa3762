import { ids } from '../../graph/ids.js';
import type { GraphEdge, GraphNode } from '../../graph/model.js';
import type { OktaContext } from './transform-context.js';
import { ensureCrown } from './transform-privileges.js';
import { roleLevel } from './transform-tiers.js';

/**
 * Hidden escalation edges. Each starts at a shared privilege node (one per scope or role type),
 * and ends only at targets that matter (AWS-federated users and groups, service accounts, admins,
 * privileged service apps), so the edge count grows with the number of such targets, never with
 * holders × all users.
 */
export function addEscalations(ctx: OktaContext): void {
  const scope = (s: string): GraphNode | undefined => ctx.b.getNode(ids.oktaScope(ctx.org, s));
  const role = (t: string): GraphNode | undefined => ctx.b.getNode(ids.oktaRole(ctx.org, t));
  const edge = (from: GraphNode, to: string, reason: string, method: string, extra: Partial<GraphEdge> = {}): void =>
    ctx.b.addEdge({ from: from.id, to, type: 'CAN_ESCALATE_TO', hidden: true, reason, evidence: { method, ...extra.evidence }, ...(extra.conditional ? { conditional: true } : {}) });

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
  const adders: { node: GraphNode; byRole: boolean }[] = [];
  const groupsManage = scope('okta.groups.manage');
  if (groupsManage) adders.push({ node: groupsManage, byRole: false });
  const gma = role('GROUP_MEMBERSHIP_ADMIN');
  if (gma) adders.push({ node: gma, byRole: true });
  for (const [gid, nodeId] of adders.length > 0 ? ctx.groupNodes : []) {
    const name = ctx.groupNames.get(gid) ?? gid;
    const aws = ctx.awsGroups.has(gid);
    const adminRoles = ctx.groupRoleTypes.get(gid) ?? [];
    for (const { node, byRole } of adders) {
      // Okta reserves membership changes of groups holding admin roles to super admins; kept as a conditional edge.
      const adminOnly = !aws && adminRoles.length > 0;
      const why = aws ? 'assigned to the AWS federation app' : `holds admin roles ${adminRoles.join(', ')}`;
      edge(node, nodeId, `${node.name} can add members to group ${name} (${why})${byRole ? `, ${roleCaveat}` : ''}`, 'okta:assignUserToGroup', {
        conditional: byRole || adminOnly,
        evidence: { target: why },
      });
    }
  }

  // Minting client credentials: okta.apps.manage / APP_ADMIN (createOAuth2ClientSecret, addJwk) and app settings.
  const minters: { node: GraphNode; byRole: boolean }[] = [];
  const appsManage = scope('okta.apps.manage');
  if (appsManage) minters.push({ node: appsManage, byRole: false });
  const appAdmin = role('APP_ADMIN');
  if (appAdmin) minters.push({ node: appAdmin, byRole: true });
  if (minters.length > 0) {
    for (const app of ctx.serviceApps.values()) {
      const tier = ctx.appTier.get(app.nativeId) ?? 0;
      if (tier < 3) continue;
      for (const { node, byRole } of minters) {
        edge(node, app.id, `${node.name} can add a client secret or key to ${app.name} (T${tier}) and authenticate as it${byRole ? `, ${roleCaveat}` : ''}`, 'okta:createOAuth2ClientSecret/addJwk', {
          conditional: byRole,
          evidence: { targetTier: tier },
        });
      }
    }
    for (const fed of ctx.awsApps) {
      for (const { node, byRole } of minters) {
        edge(node, fed.node.id, `${node.name} can change the role mapping and assignments of the AWS federation app ${fed.node.name}${byRole ? `, ${roleCaveat}` : ''}`, 'okta:updateApplication+assignUserToApplication', {
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

/** Why resetting this user's credentials is worth an edge, or undefined when it is not. */
function userMatters(ctx: OktaContext, user: GraphNode): string | undefined {
  if (ctx.awsUsers.has(user.nativeId)) return 'assigned to the AWS federation app';
  if (user.kind === 'identity') return 'service account';
  const roles = (user.attrs.adminRoles as string[] | undefined) ?? [];
  if (roles.length > 0) return `admin: ${roles.join(', ')}`;
  return undefined;
}
