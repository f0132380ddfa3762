import { cannotJudge, defineRule, tierEvidenceMissing, tierLabel, tierLowerBound } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'nhi-ai-agent-privileged',
    title: 'AI agent can manage identities or administer its tenant, org or account',
    severity: 'critical',
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03', 'ASI10'], nistCsf: ['PR.AA-05'] },
    description:
      'An identity recognised as an AI agent reaches capability tier T3 (manage identities, credentials or secrets) or T4 (administration), directly or through a path of other identities. Critical at both tiers: an agent takes instructions from content an outsider can write (prompt injection), so T3 already lets an outsider rewrite permissions or mint credentials.',
    risk: 'A hijacked agent can rewrite its own permissions, mint credentials for others or read every secret; the blast radius of one prompt injection becomes the whole tenant or account.',
    remediation:
      'Split the model-invoking identity from any administrative identity, constrain it with a permissions boundary or resource sets, and require human approval (PIM, just-in-time) for identity-changing actions.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
      'https://genai.owasp.org/',
    ],
    maturity: 'stable',
    messages: { tier: '{{name}} is an AI agent ({{agent}}) with capability {{tierLabel}}: {{why}}' },
    options: { minTier: { max: 5, integer: true, default: 3, description: 'lowest capability tier reported for agents (5: never)' } },
  },
  evaluates: { types: [], kinds: ['identity'], where: (n) => n.agent !== undefined && !n.firstParty },
  check(subject, ctx) {
    const tier = ctx.analysis.tier(subject);
    if (tier < Number(ctx.options.minTier)) {
      const missing = tierEvidenceMissing(ctx.graph, subject, { key: `tier>=${Number(ctx.options.minTier)}`, test: (g) => ctx.analysis.tier(g) >= Number(ctx.options.minTier) });
      if (missing) ctx.unknown(cannotJudge(missing, `whether its tier reaches T${Number(ctx.options.minTier)}`));
      return;
    }
    const paths = ctx.analysis.crownJewelPaths(subject);
    const best = [...paths].sort((a, b) => a.hops.length - b.hops.length)[0];
    ctx.report({
      messageId: 'tier',
      args: { agent: `${subject.agent!.confidence}`, tier, tierLabel: tierLabel(tier, tierLowerBound(ctx.graph, ctx.analysis, subject)), why: ctx.analysis.tierReasons(subject).join('; ') },
      evidence: { tier, agent: subject.agent, crownJewels: paths.map((p) => p.targetName) },
      ...(best ? { path: best.hops } : {}),
    });
  },
});
