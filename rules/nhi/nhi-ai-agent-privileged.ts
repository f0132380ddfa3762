import { cannotJudge, conditionalHopCount, routeDoubtText, type CrownJewelPath, defineRule, type GraphNode, type RuleContext, type ShownHops, tierAtLeast, tierEvidenceMissing, tierLabel, tierLowerBound, dormantOktaToken, oktaIdentityActive } from '../../src/rule-kit.js';

/**
 * When the tier reason says "may reach" (the analysis words it so when no firm route into no
 * disabled object reaches a privilege of the identity's tier and one with a conditional hop does:
 * a policy condition, a PIM-eligible role, a trust the account's OIDC provider turns away): the
 * reasons with what the hops of the route shown to that jewel depend on, in the words of
 * nhi-path-to-crown-jewel, and whether a firm route still reaches a jewel at the lowest tier
 * reported (which keeps it critical). Undefined when the reason says "reaches".
 */
function conditionalReach(subject: GraphNode, reasons: readonly string[], route: ShownHops | undefined, ctx: RuleContext): { why: string; firmAtMinTier: boolean } | undefined {
  const named = reasons.find((r) => r.startsWith('may reach '));
  if (named === undefined) return undefined;
  const path = route !== undefined && conditionalHopCount(route.hops, route.omittedHops) > 0 ? route : undefined;
  // In the words nhi-path-to-crown-jewel uses for the same hops; a privilege that is no crown
  // jewel has no path shown, and its reason says "may reach" alone.
  const doubt = path ? routeDoubtText(ctx.graph, ctx.analysis, path) : [];
  const minTier = Number(ctx.options.minTier);
  const firm = ctx.analysis.firmCrownJewelPaths(subject);
  return { why: [...reasons, ...doubt].join('; '), firmAtMinTier: firm.some((p) => (ctx.graph.node(p.target)?.tier ?? 0) >= minTier) };
}

/**
 * The route shown: one that ends at the privilege the message names (the tier reason's), so the
 * path is evidence for what the message says. The route nhi-path-to-crown-jewel reports to it
 * when it ends there (per kind of jewel the shortest, unless it depends on a condition and a firm
 * one exists; else the shortest, which may be conditional); the nearest jewel of a kind can be
 * another one as near, or of a lower tier. Else the firm route the tier came by, when the reason
 * says plainly "reaches". None when neither: a privilege reached only through a latent hop, or
 * one that is no crown jewel and is reached only under a condition.
 */
function namedRoute(subject: GraphNode, ctx: RuleContext): ShownHops | undefined {
  const source = ctx.analysis.tierSource(subject);
  if (source === undefined) return undefined;
  const onPath = (paths: readonly CrownJewelPath[]) => paths.find((p) => p.target === source.id);
  return onPath(ctx.analysis.shownCrownJewelPaths(subject)) ?? onPath(ctx.analysis.crownJewelPaths(subject)) ?? ctx.analysis.tierRoute(subject);
}

export default defineRule({
  meta: {
    id: 'nhi-ai-agent-privileged',
    title: 'AI agent can manage identities or administer its tenant, org or account',
    severity: 'critical',
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03', 'ASI10'], nistCsf: ['PR.AA-05'] },
    description:
      'An identity recognised as an AI agent reaches capability tier T3 (manage identities, credentials or secrets) or T4 (administration), directly or through a path of other identities; the message names a privilege of that tier the agent reaches by a firm route when there is one, and the path shown ends at that privilege (not at a nearer crown jewel of a lower tier, nor at another jewel of the same kind as near). Critical at both tiers: an agent takes instructions from content an outsider can write (prompt injection), so T3 already lets an outsider rewrite permissions or mint credentials. When the crown jewel that gives the tier is reached only through hops that hold under a condition the scanner could not decide, or through an AWS trust the account\'s OIDC provider turns away today, the message says "may reach" and what the hops depend on, and the finding is high, as nhi-path-to-crown-jewel reports such a path, unless a firm route reaches another jewel of tier T3 or above (`minTier`). The same holds when the tier rests only on a latent trust, one no token passes today (a trust whose audience apps are all disabled, or whose aud or sub condition no token meets): the tier counts it, as it opens the day that changes, but no route walks it today, so the message says "may reach ... only through a latent trust" and why no token passes, no path is shown, and the finding is high unless a firm route reaches another jewel of tier T3 or above. An Okta service app that is not ACTIVE, or an Okta user that is SUSPENDED or DEPROVISIONED, is not evaluated, as the Okta rules do not evaluate them. An Okta API token whose owner is SUSPENDED or DEPROVISIONED is reported at medium, as okta-api-token-admin-owner reports it: Okta rejects the token today, and it is usable again if the owner is reactivated. A disabled Entra identity is reported at the same severity, as the Entra privilege rules report it, but the message says it is disabled and no path is shown from it: it acts on none of this until someone re-enables it. In AWS, model-invocation permissions mark an agent only when an Allow statement of its identity policies names them with their service (`bedrock:InvokeModel`, `bedrock:Invoke*`, `bedrock:*`, `sagemaker:InvokeEndpoint`), also when it holds `*` besides; model access that comes only from a grant naming no service (`*`, `*:*`, a NotAction statement such as PowerUserAccess\'s) is no evidence, as an administrator may call Bedrock as it may call everything. For an IAM user, a grant of the whole service (`bedrock:*`, `sagemaker:*`) is no evidence either: on a user\'s access key or console login it is how a developer or administrator who works with the service is given it; only a grant naming invocation (`bedrock:InvokeModel*`, `bedrock:Invoke*`) marks a user.',
    risk: 'A hijacked agent can rewrite its own permissions, mint credentials for others or read every secret; the blast radius of one prompt injection becomes the whole tenant or account.',
    remediation:
      'Split the model-invoking identity from any administrative identity, constrain it with a permissions boundary or resource sets, and require human approval (PIM, just-in-time) for identity-changing actions.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
      'https://genai.owasp.org/',
    ],
    maturity: 'stable',
    messages: {
      tier: '{{name}} is an AI agent ({{agent}}) with capability {{tierLabel}}: {{why}}',
      tierDormant: '{{name}} is an AI agent ({{agent}}) with capability {{tierLabel}}: {{why}}; Okta rejects it while {{owner}} is {{status}}, and it is usable again if the owner is reactivated',
      tierDisabled: '{{name}} is an AI agent ({{agent}}) with capability {{tierLabel}}: {{why}}; it is disabled, so it acts on none of this until it is re-enabled',
    },
    options: { minTier: { max: 5, integer: true, default: 3, description: 'lowest capability tier reported for agents (5: never)' } },
  },
  evaluates: { types: [], kinds: ['identity'], where: (n) => n.agent !== undefined && !n.firstParty && oktaIdentityActive(n) },
  check(subject, ctx) {
    const tier = ctx.analysis.tier(subject);
    if (tier < Number(ctx.options.minTier)) {
      const missing = tierEvidenceMissing(ctx.graph, subject, tierAtLeast(ctx.analysis, Number(ctx.options.minTier)));
      if (missing) ctx.unknown(cannotJudge(missing, `whether its tier reaches T${Number(ctx.options.minTier)}`));
      return;
    }
    const paths = ctx.analysis.crownJewelPaths(subject);
    // A disabled identity (an Entra service principal with accountEnabled false, or disabled by
    // Microsoft) gets no token: the rights are still its own, and the Entra privilege rules
    // report them at full severity, but a path shown from it would be a route nobody can walk
    // today (nhi-path-to-crown-jewel starts none there). The jewels it would reach stay in the
    // evidence. An API token whose owner is not active is dormant, at medium (see
    // dormantOktaToken); its paths end at the disabled owner, so it has none to show.
    const disabled = subject.enabled === false;
    const dormant = dormantOktaToken(ctx.graph, subject);
    const route = namedRoute(subject, ctx);
    const best = disabled ? undefined : route;
    const reasons = ctx.analysis.tierReasons(subject);
    const may = conditionalReach(subject, reasons, route, ctx);
    ctx.report({
      messageId: dormant ? 'tierDormant' : disabled ? 'tierDisabled' : 'tier',
      // A jewel reached only under a condition is a "may reach", which nhi-path-to-crown-jewel
      // reports at high: so is this, unless some firm route reaches the reported tier.
      ...(dormant ? { severity: 'medium' as const } : may?.firmAtMinTier === false ? { severity: 'high' as const } : {}),
      args: { agent: `${subject.agent!.confidence}`, tier, tierLabel: tierLabel(tier, tierLowerBound(ctx.graph, ctx.analysis, subject)), why: may ? may.why : reasons.join('; '), ...dormant },
      evidence: {
        tier,
        agent: subject.agent,
        crownJewels: paths.map((p) => p.targetName),
        ...(dormant ? { ownerStatus: dormant.status } : {}),
        ...(disabled ? { enabled: false } : {}),
        // Only when true: a firm finding's evidence stays as it was.
        ...(may ? { conditional: true } : {}),
      },
      // Of a long route, the first and last hops, and how many are left out (see ShownHops).
      ...(best ? { path: best.hops, ...(best.omittedHops ? { omittedHops: best.omittedHops } : {}) } : {}),
    });
  },
});
