import { APP_ROLE_DISABLED, appRoleCategoryUnread, cannotJudge, defineRule, targets } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-privileged-graph-approle',
    title: 'Service principal holds an identity-administration application permission',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Flags tier-3 application permissions that manage identities, credentials or policies tenant-wide: User/Group/GroupMember.ReadWrite.All, Application.ReadWrite.OwnedBy, ServicePrincipalEndpoint.ReadWrite.All, Policy.ReadWrite.ConditionalAccess, Policy.ReadWrite.AuthenticationMethod and similar. An assignment of an app role the resource marks disabled (isEnabled false) is reported at medium and the message says so: no token carries it today, but whoever re-enables the role re-arms every holder at once.',
    risk: 'The app can change group memberships, users, authentication methods or Conditional Access for the whole tenant (BloodHound AZMGAddMember / AZMGAddOwner); a stolen token becomes an identity takeover.',
    remediation: 'Scope the permission down (administrative units, OwnedBy variants, fewer objects) or remove it.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
      'https://bloodhound.specterops.io/resources/edges/az-mg-add-member',
      'https://learn.microsoft.com/en-us/graph/permissions-reference',
    ],
    maturity: 'stable',
    messages: {
      identityAdmin: '{{name}} holds the application permission {{permission}} on {{resource}}, which manages identities tenant-wide.',
      identityAdminDisabled: `{{name}} holds the application permission {{permission}} on {{resource}}, which manages identities tenant-wide; ${APP_ROLE_DISABLED}.`,
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
    const unread = appRoleCategoryUnread(ctx.graph, subject, ['identity-admin']);
    if (unread) ctx.unknown(cannotJudge(unread, 'whether it holds an identity-administration application permission'));
    for (const p of targets(ctx.graph, subject, 'GRANTED')) {
      if (p.type !== 'entra-app-role' || p.attrs.category !== 'identity-admin') continue;
      // A disabled app role is in no token today: latent, as a dormant Okta admin token is (medium).
      const off = p.enabled === false;
      ctx.report({
        messageId: off ? 'identityAdminDisabled' : 'identityAdmin',
        args: { permission: String(p.attrs.permission), resource: String(p.attrs.resourceName) },
        evidence: { privilege: p.id, appRoleId: p.attrs.appRoleId, ...(off ? { appRoleDisabled: true } : {}) },
        key: p.id,
        ...(off ? { severity: 'medium' as const } : {}),
      });
    }
  },
});
