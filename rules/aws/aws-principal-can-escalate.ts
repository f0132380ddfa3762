import { conditionalHopCount, defineRule, pathLength, type PathHop, type ShownHops, isMachine } from '../../src/rule-kit.js';

function methodOf(h: PathHop): string {
  return h.method ?? h.type.toLowerCase();
}

/**
 * The steps of a route as the message lists them (`method -> name`), with `isStep` telling which
 * hops are steps; of a long route whose evidence leaves hops out (ShownHops), the listed ones and
 * in their place how many more there are, so that the message stays as bounded as the path.
 */
function routeText(route: ShownHops, isStep: (h: PathHop) => boolean): string {
  const text = (hops: readonly PathHop[]) => hops.filter(isStep).map((h) => `${methodOf(h)} -> ${h.toName}`);
  const gap = route.omittedHops;
  if (gap === undefined) return text(route.hops).join(', ') || 'direct';
  const more = `… ${gap.count} more step${gap.count === 1 ? '' : 's'} (nhiscan explain lists every one) …`;
  return [...text(route.hops.slice(0, gap.after)), more, ...text(route.hops.slice(gap.after))].join(', ');
}

export default defineRule({
  meta: {
    id: 'aws-principal-can-escalate',
    title: 'Non-administrator IAM principal can make itself an administrator',
    severity: 'high',
    providers: ['aws'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Follows the privilege-escalation edges the policy engine proved (rewriting its own policies, creating keys or passwords for other users, passing a role to a compute service, updating trust policies, assuming roles) from each IAM user and role that is not an administrator, and reports the shortest route to administrator of an account, hop by hop. Explicit denies, permissions boundaries, conditions that never hold and resources that do not match already block the edges. Reported at high, the severity of aws-principal-admin for a principal that is already administrator (a route to administrator cannot be worse than being one); a route that depends on a condition the engine could not decide is reported at medium with a note, like a conditional administrator.',
    risk: 'The principal\'s permissions look limited in a review, but whoever controls it can grant itself (or reach) full control of the account in a few API calls.',
    remediation:
      'Cut the route at its first hop: remove the escalation action, restrict it to specific resources, add a condition (for iam:PassRole, `iam:PassedToService`) or a permissions boundary, or remove the role trust that makes the next hop possible.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
      'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
    ],
    maturity: 'stable',
    messages: {
      escalate: '{{name}} can become {{target}} in {{hops}} step(s): {{route}}',
      conditional: '{{name}} may become {{target}} in {{hops}} step(s): {{route}}; the route depends on a condition the scanner could not decide',
    },
  },
  evaluates: { types: ['aws-iam-user', 'aws-iam-role'], where: (n) => n.firstParty !== true && isMachine(n), requires: ['aws.iam'] },
  check(subject, ctx) {
    const held = new Set(
      ctx.graph
        .out(subject, 'GRANTED')
        .filter((e) => e.evidence?.method === 'already-admin')
        .map((e) => e.to),
    );
    let reported = false;
    for (const p of ctx.analysis.crownJewelPaths(subject)) {
      if (p.crownJewel !== 'admin' || held.has(p.target) || p.hops.length === 0) continue;
      let shown: ShownHops = p;
      let conditional = conditionalHopCount(p.hops, p.omittedHops) > 0;
      if (conditional) {
        // A longer route may need no condition at all: prefer it when the analysis has one.
        const firm = ctx.analysis.firmCrownJewelPaths(subject).find((f) => f.group === p.group);
        if (firm) {
          shown = firm;
          conditional = false;
        }
      }
      // The last grant of an administrator is no step; a conditional administrator's own grant
      // (conditionally-admin) is the route itself, and is named.
      const isStep = (h: PathHop) => !(h.type === 'GRANTED' && ctx.graph.node(h.to)?.crownJewel === 'admin' && h.method !== 'conditionally-admin');
      const hops = shown.hops;
      const route = routeText(shown, isStep);
      reported = true;
      ctx.report({
        messageId: conditional ? 'conditional' : 'escalate',
        severity: conditional ? 'medium' : 'high',
        // Keyed by the kind of jewel, not the jewel: a nearer administrator node (another
        // account's) must not make the finding look new to a CI baseline.
        key: p.group,
        args: { target: p.targetName, hops: pathLength(shown), route },
        evidence: {
          target: p.target,
          // Of the listed hops (a long route's omitted ones are counted in omittedHops).
          methods: hops.filter(isStep).map((h) => methodOf(h)),
          conditional,
          crossesProviders: p.crossesProviders,
        },
        path: hops,
        ...(shown.omittedHops ? { omittedHops: shown.omittedHops } : {}),
        alternatives: p.alternatives,
        ...(p.conditionalAlternatives !== undefined ? { conditionalAlternatives: p.conditionalAlternatives } : {}),
      });
    }
    if (!reported) {
      const undecided = subject.attrs.undecidedEscalations;
      if (Array.isArray(undecided) && undecided.length > 0) ctx.unknown('an escalation step could not be decided because a policy or an instance profile entry could not be read');
    }
  },
});
