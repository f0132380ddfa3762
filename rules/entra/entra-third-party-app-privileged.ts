import { cannotJudge, defineRule, tierAtLeast, tierEvidenceMissing, tierLabel, tierLowerBound } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-third-party-app-privileged',
    title: 'Third-party multi-tenant app holds broad access to the tenant',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI3:2025'],
    frameworks: { asi: ['ASI04'], nistCsf: ['PR.AA-05'] },
    description:
      'Flags service principals of apps registered in another tenant (not Microsoft) whose capability tier is T2 or more without a verified publisher, or T3 or more regardless of publisher. T4 is critical.',
    risk: 'The vendor holds the credentials: a breach at the vendor, or a malicious app, is a breach of this tenant, and nothing in the tenant can rotate or audit those credentials.',
    remediation: 'Review the vendor, reduce its permissions to what the integration needs or revoke them, and allow user consent only to apps from verified publishers.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/3-vulnerable-third-party-nhi/',
      'https://learn.microsoft.com/en-us/entra/identity-platform/publisher-verification-overview',
      'https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/configure-user-consent',
    ],
    maturity: 'stable',
    messages: {
      unverified: '{{name}} is owned by tenant {{owner}}, has no verified publisher and reaches tier {{tierLabel}} ({{reasons}}).',
      privileged: '{{name}} is owned by tenant {{owner}} (publisher verified) and reaches tier {{tierLabel}} ({{reasons}}).',
    },
    options: {
      unverifiedMinTier: { max: 5, integer: true, default: 2, description: 'Lowest tier reported for apps without a verified publisher (5: never)' },
      verifiedMinTier: { max: 5, integer: true, default: 3, description: 'Lowest tier reported for apps with a verified publisher (5: never)' },
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity'],
    where: (n) => n.thirdParty !== undefined,
    requires: ['entra.appRoleAssignments', 'entra.oauth2PermissionGrants'],
  },
  check(subject, ctx) {
    const tp = subject.thirdParty!;
    const tier = ctx.analysis.tier(subject);
    const min = Number(tp.verifiedPublisher ? ctx.options.verifiedMinTier : ctx.options.unverifiedMinTier);
    if (tier < min) {
      const missing = tierEvidenceMissing(ctx.graph, subject, tierAtLeast(ctx.analysis, min));
      if (missing) ctx.unknown(cannotJudge(missing, `whether its tier reaches T${min}`));
      return;
    }
    ctx.report({
      messageId: tp.verifiedPublisher ? 'privileged' : 'unverified',
      args: { owner: tp.ownerScope, tier, tierLabel: tierLabel(tier, tierLowerBound(ctx.graph, ctx.analysis, subject)), reasons: ctx.analysis.tierReasons(subject).join('; ') },
      evidence: { ownerTenant: tp.ownerScope, verifiedPublisher: tp.verifiedPublisher, tier },
      severity: tier >= 4 ? 'critical' : 'high',
    });
  },
});
