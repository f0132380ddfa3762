import { cannotJudge, credentialsOf, day, defineRule, entraCredentialKind, isPendingCredential, isUnexpiredCredential, tierAtLeast, tierEvidenceMissing, tierLabel, tierLowerBound } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-secret-on-privileged-app',
    title: 'Privileged application authenticates with a shared client secret',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI4:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'Flags client secrets, active or not valid yet, on identities whose capability tier is T3 or more (critical at T4). A secret is a bearer password: anyone who copies it becomes the app.',
    risk: 'Secrets leak through pipelines, config files and screenshots; on a privileged app one leak is an identity takeover or tenant takeover.',
    remediation: 'Move the workload to a federated identity credential or managed identity (or at least a certificate kept in a vault) and delete every secret.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/',
      'https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation',
    ],
    maturity: 'stable',
    messages: {
      secret: '{{name}} reaches tier {{tierLabel}} ({{reasons}}) and authenticates with {{kind}} "{{credential}}".',
      pending: '{{name}} reaches tier {{tierLabel}} ({{reasons}}) and holds {{kind}} "{{credential}}", which becomes valid on {{start}}.',
    },
    options: {
      minTier: { max: 5, integer: true, default: 3, description: 'Lowest capability tier at which secrets are reported (5: never)' },
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity', 'entra-application'],
    where: (n) => n.firstParty !== true,
    requires: ['entra.servicePrincipals', 'entra.applications'],
  },
  check(subject, ctx) {
    const tier = ctx.analysis.tier(subject);
    if (tier < Number(ctx.options.minTier)) {
      const missing = tierEvidenceMissing(ctx.graph, subject, tierAtLeast(ctx.analysis, Number(ctx.options.minTier)));
      if (missing && credentialsOf(ctx.graph, subject).some((c) => c.credentialType === 'client-secret' && isUnexpiredCredential(c, ctx.now))) {
        ctx.unknown(cannotJudge(missing, `whether its tier reaches T${Number(ctx.options.minTier)}`));
      }
      return;
    }
    for (const c of credentialsOf(ctx.graph, subject)) {
      // A secret not valid yet is reported too: a copy taken now works from its start date.
      if (c.credentialType !== 'client-secret' || !isUnexpiredCredential(c, ctx.now)) continue;
      const pending = isPendingCredential(c, ctx.now);
      ctx.report({
        messageId: pending ? 'pending' : 'secret',
        args: { tier, tierLabel: tierLabel(tier, tierLowerBound(ctx.graph, ctx.analysis, subject)), kind: entraCredentialKind(c), credential: c.name, reasons: ctx.analysis.tierReasons(subject).join('; '), ...(pending ? { start: day(c.createdAt) } : {}) },
        evidence: { keyId: c.nativeId, location: c.attrs.location, tier },
        key: c.nativeId,
        severity: tier >= 4 ? 'critical' : 'high',
      });
    }
  },
});
