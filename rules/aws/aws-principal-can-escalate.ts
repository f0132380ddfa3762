import { defineRule, toHop, CONTROL_EDGES, type Graph, type GraphEdge, type PathHop, type RuleContext } from '../../src/rule-kit.js';

/** Bound on the fallback search for an unconditional route, so one subject never walks a whole tenant. */
const MAX_VISITS = 5_000;


/**
 * The shortest path the analysis returns may use a conditional hop while a longer route needs
 * no condition at all; this looks for such a route (unconditional edges only, breadth first).
 */
function unconditionalRoute(ctx: RuleContext, start: string, target: string): PathHop[] | undefined {
  const parent = new Map<string, GraphEdge | null>([[start, null]]);
  const queue = [start];
  for (let i = 0; i < queue.length && parent.size < MAX_VISITS; i++) {
    for (const e of ctx.graph.out(queue[i])) {
      if (!CONTROL_EDGES.has(e.type) || e.conditional || parent.has(e.to)) continue;
      parent.set(e.to, e);
      if (e.to === target) {
        const hops: PathHop[] = [];
        for (let cur: GraphEdge | null | undefined = e; cur; cur = parent.get(cur.from)) hops.unshift(toHop(ctx.graph, cur));
        return hops;
      }
      queue.push(e.to);
    }
  }
  return undefined;
}

function methodOf(graph: Graph, h: PathHop): string {
  const e = graph.out(h.from, h.type).find((x) => x.to === h.to && x.reason === h.reason);
  const m = e?.evidence?.method;
  return typeof m === 'string' ? m : h.type.toLowerCase();
}

export default defineRule({
  meta: {
    id: 'aws-principal-can-escalate',
    title: 'Non-administrator IAM principal can make itself an administrator',
    severity: 'critical',
    providers: ['aws'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Follows the privilege-escalation edges the policy engine proved (rewriting its own policies, creating keys or passwords for other users, passing a role to a compute service, updating trust policies, assuming roles) from each IAM user and role that is not an administrator, and reports the shortest route to administrator of an account, hop by hop. Explicit denies, permissions boundaries, conditions that never hold and resources that do not match already block the edges. A route that depends on a condition the engine could not decide is reported at high severity with a note.',
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
  evaluates: { types: ['aws-iam-user', 'aws-iam-role'], where: (n) => n.firstParty !== true, requires: ['aws.iam'] },
  check(subject, ctx) {
    const held = new Set(
      ctx.graph
        .out(subject.id, 'GRANTED')
        .filter((e) => e.evidence?.method === 'already-admin')
        .map((e) => e.to),
    );
    let reported = false;
    for (const p of ctx.analysis.crownJewelPaths(subject.id)) {
      if (p.crownJewel !== 'admin' || held.has(p.target) || p.hops.length === 0) continue;
      let hops = p.hops;
      let conditional = hops.some((h) => h.conditional);
      if (conditional) {
        const firm = unconditionalRoute(ctx, subject.id, p.target);
        if (firm) {
          hops = firm;
          conditional = false;
        }
      }
      const steps = hops.filter((h) => !(h.type === 'GRANTED' && ctx.graph.node(h.to)?.crownJewel === 'admin'));
      const route = steps.map((h) => `${methodOf(ctx.graph, h)} -> ${h.toName}`).join(', ') || 'direct';
      reported = true;
      ctx.report({
        messageId: conditional ? 'conditional' : 'escalate',
        severity: conditional ? 'high' : 'critical',
        key: p.target,
        args: { target: p.targetName, hops: hops.length, route },
        evidence: {
          target: p.target,
          methods: steps.map((h) => methodOf(ctx.graph, h)),
          conditional,
          crossesProviders: p.crossesProviders,
        },
        path: hops,
        alternatives: p.alternatives,
      });
    }
    if (!reported) {
      const undecided = subject.attrs.undecidedEscalations;
      if (Array.isArray(undecided) && undecided.length > 0) ctx.unknown('an escalation step could not be decided because a policy could not be read');
    }
  },
});
