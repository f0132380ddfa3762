import { defineRule, entraFicsUnread, tierEvidenceMissing } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'nhi-shared-secret-high-tier',
    title: 'Identity that can manage identities or administer authenticates with a shared secret',
    severity: 'high',
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI4:2025', 'NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'The identity reaches capability tier T3 or T4 and its weakest active credential is a shared secret (client secret, API token, access key, password, or a federation trust that does not pin the subject).',
    risk: 'Anyone holding a copy of the secret (a CI log, a laptop, a vendor) acts with identity-administration power; a secret cannot prove which workload used it.',
    remediation:
      'Move the workload to workload identity federation with an exact subject (GitHub environment, Kubernetes service account, SPIFFE ID) or at least a private key / certificate, then delete the shared secrets.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/',
      'https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation',
    ],
    maturity: 'stable',
    messages: { weak: '{{name}} is T{{tier}} and proves itself with a shared secret ({{evidence}})' },
    options: { minTier: { default: 3, description: 'lowest capability tier that must not rely on shared secrets' } },
  },
  evaluates: { types: [], kinds: ['identity'], where: (n) => !n.firstParty },
  check(subject, ctx) {
    const tier = ctx.analysis.tier(subject);
    const s = ctx.analysis.strength(subject);
    // Federated credentials that were not read may include one that does not pin its subject,
    // a shared secret: the weakest credential is then not known.
    const ficsUnread = s.class !== 'shared-secret' && entraFicsUnread(ctx.graph, subject);
    if (s.class !== 'shared-secret' && !ficsUnread) return;
    if (tier < Number(ctx.options.minTier)) {
      const missing = tierEvidenceMissing(ctx.graph, subject, { key: `tier>=${Number(ctx.options.minTier)}`, test: (g) => ctx.analysis.tier(g) >= Number(ctx.options.minTier) });
      if (missing) ctx.unknown(`tier not known: ${missing}`);
      return;
    }
    if (ficsUnread) return ctx.unknown('federated credentials of this application were not read');
    ctx.report({
      messageId: 'weak',
      severity: tier === 4 ? 'critical' : 'high',
      args: { tier, evidence: s.evidence.join('; ') },
      evidence: { tier, strength: s.class, credentials: s.evidence },
    });
  },
});
