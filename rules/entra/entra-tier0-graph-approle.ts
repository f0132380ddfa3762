import { APP_ROLE_DISABLED, appRoleCategoryUnread, cannotJudge, defineRule, targets } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-tier0-graph-approle',
    title: 'Service principal holds a Global-Administrator-equivalent application permission',
    severity: 'critical',
    providers: ['entra'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Flags application permissions one step from Global Administrator: RoleManagement.ReadWrite.Directory (assign any role), AppRoleAssignment.ReadWrite.All (grant itself any permission), Application.ReadWrite.All and Directory.ReadWrite.All (add a secret to any app), and equivalents such as Domain.ReadWrite.All, the PIM for Groups write permissions, UserAuthenticationMethod.ReadWrite.All and Policy.ReadWrite.PermissionGrant. An assignment of an app role the resource marks disabled (isEnabled false) is reported at medium and the message says so: no token carries it today, but whoever re-enables the role re-arms every holder at once.',
    risk: 'Whoever obtains a token for this app can make themselves Global Administrator (BloodHound AZMGGrantRole / AZMGGrantAppRoles / AZMGAddSecret), and the permission does not show in the directory-role views admins review.',
    remediation:
      'Replace the permission with a least-privilege one (Application.ReadWrite.OwnedBy, Sites.Selected, scoped RBAC), or move the task to a PIM-governed human admin.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
      'https://bloodhound.specterops.io/resources/edges/az-mg-grant-role',
      'https://learn.microsoft.com/en-us/graph/permissions-reference',
    ],
    maturity: 'stable',
    messages: {
      tier0: '{{name}} holds the application permission {{permission}} on {{resource}}, which is one step from Global Administrator.',
      tier0Disabled: `{{name}} holds the application permission {{permission}} on {{resource}}, which is one step from Global Administrator; ${APP_ROLE_DISABLED}.`,
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity'],
    where: (n) => n.firstParty !== true,
    requires: ['entra.appRoleAssignments'],
  },
  check(subject, ctx) {
    // A resource whose assignments were not read with such a permission among its app roles
    // (Microsoft Graph's): the subject may hold it. A permission found still fails.
    const unread = appRoleCategoryUnread(ctx.graph, subject, ['tenant-admin']);
    if (unread) ctx.unknown(cannotJudge(unread, 'whether it holds a Global-Administrator-equivalent application permission'));
    for (const p of targets(ctx.graph, subject, 'GRANTED')) {
      if (p.type !== 'entra-app-role' || p.attrs.category !== 'tenant-admin') continue;
      // A disabled app role is in no token today: latent, as a dormant Okta admin token is (medium).
      const off = p.enabled === false;
      ctx.report({
        messageId: off ? 'tier0Disabled' : 'tier0',
        args: { permission: String(p.attrs.permission), resource: String(p.attrs.resourceName) },
        evidence: { privilege: p.id, appRoleId: p.attrs.appRoleId, nameSource: p.attrs.nameSource, ...(off ? { appRoleDisabled: true } : {}) },
        key: p.id,
        ...(off ? { severity: 'medium' as const } : {}),
      });
    }
  },
});
