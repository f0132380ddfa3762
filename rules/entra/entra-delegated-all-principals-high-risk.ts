import { defineRule } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-delegated-all-principals-high-risk',
    title: 'Tenant-wide consent to a high-risk delegated permission',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI5:2025', 'NHI3:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Flags delegated grants consented for all users (consentType AllPrincipals) to scopes of tier 2 or more, such as Mail.Send, Files.ReadWrite.All, Directory.ReadWrite.All or Directory.AccessAsUser.All. Scopes of tier 4 are critical.',
    risk: 'The app can act as any user who signs in with these scopes; when an administrator signs in, it acts with administrator power. A compromised or malicious app (often a third party) turns that into tenant-wide mail sending, file access or directory changes.',
    remediation: 'Revoke the AllPrincipals grant, use the admin-consent workflow with per-user consent, and narrow the scopes.',
    references: [
      'https://learn.microsoft.com/en-us/graph/api/resources/oauth2permissiongrant',
      'https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/manage-application-permissions',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/3-vulnerable-third-party-nhi/',
    ],
    maturity: 'stable',
    messages: {
      allPrincipals: '{{name}} may act as any user with {{scope}} on {{resource}} (consented for all users).',
    },
    options: {
      minTier: { max: 5, integer: true, default: 2, description: 'Lowest scope tier reported (2 = writes or sends data) (5: never)' },
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity'],
    where: (n) => n.firstParty !== true,
    requires: ['entra.oauth2PermissionGrants'],
  },
  check(subject, ctx) {
    for (const e of ctx.graph.out(subject, 'DELEGATED_GRANT')) {
      if (e.evidence?.consentType !== 'AllPrincipals') continue;
      const p = ctx.graph.node(e.to);
      if (!p || (p.tier ?? 0) < Number(ctx.options.minTier)) continue;
      ctx.report({
        messageId: 'allPrincipals',
        args: { scope: String(p.attrs.permission), resource: String(p.attrs.resourceName) },
        evidence: { privilege: p.id, grantId: e.evidence?.grantId, tier: p.tier },
        key: p.id,
        severity: p.tier === 4 ? 'critical' : 'high',
      });
    }
  },
});
