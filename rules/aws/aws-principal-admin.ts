import { defineRule, credentialsOf, type GraphNode, type RuleContext, isMachine, WORKLOAD_TYPES } from '../../src/rule-kit.js';

/**
 * External node types that stand for a way in from outside the scanned accounts: every workload
 * kind the OIDC classifier can produce (GitHub, GitLab, Terraform Cloud, Kubernetes, SPIFFE, any
 * other issuer), so a new kind is not silently left out, plus SAML, Roles Anywhere, foreign
 * accounts and `*`.
 */
const OUTSIDE = new Set<string>([...WORKLOAD_TYPES, 'aws-saml-provider-ref', 'x509-trust-anchor', 'aws-account', 'anyone']);

/**
 * Why this principal's admin rights are exposed beyond the account: federation, foreign trust, a
 * static key. `firm` routes are open today; `possible` ones hold only under a condition the
 * transform could not decide or that blocks them today (an aud the OIDC provider does not accept,
 * a statement that does not allow the assume action, a conditional Deny, an account whose IAM
 * was not read), as the path rule treats conditional hops.
 */
function exposures(subject: GraphNode, ctx: RuleContext): { firm: string[]; possible: string[] } {
  const firm = new Set<string>();
  const possible = new Set<string>();
  for (const e of ctx.graph.in(subject)) {
    if (e.type !== 'FEDERATES_TO' && e.type !== 'CAN_ASSUME') continue;
    const from = ctx.graph.node(e.from);
    if (!from || from.kind !== 'external' || !OUTSIDE.has(from.type)) continue;
    // A `*` trust narrowed by an organisation or account condition is not open to outsiders.
    if (from.type === 'anyone' && e.conditional) continue;
    (e.conditional ? possible : firm).add(from.type === 'aws-account' ? `trusted by ${from.name}` : `reachable through ${from.name}`);
  }
  const keys = credentialsOf(ctx.graph, subject).filter((c) => c.type === 'aws-access-key' && c.status === 'active');
  if (keys.length > 0) firm.add(`${keys.length} active access key(s)`);
  for (const f of firm) possible.delete(f);
  return { firm: [...firm].sort(), possible: [...possible].sort() };
}

export default defineRule({
  meta: {
    id: 'aws-principal-admin',
    title: 'IAM user or role is already administrator-equivalent',
    severity: 'high',
    providers: ['aws'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Reports IAM users and roles whose effective permissions (identity policies, group policies, permissions boundary and denies, evaluated by the policy engine) allow every sensitive action on every resource. Critical when the principal can be reached from outside the scanned accounts (OIDC federation from any workload issuer, SAML federation, IAM Roles Anywhere, trust of a foreign account or of any principal) or holds an active access key; a way in that holds only under a condition the scanner cannot decide or that blocks it today (an audience the OIDC provider does not accept, a statement that does not allow the assume action, a conditional Deny) is named at high as a possible exposure.',
    risk: 'Whoever controls this identity controls the account: data, secrets, logging and every other identity. A leaked key, a compromised CI pipeline or a federated IdP account becomes account takeover in one step.',
    remediation:
      'Replace the administrator policy with the permissions the workload really uses (IAM Access Analyzer policy generation from CloudTrail), add a permissions boundary, and keep administrator access for break-glass roles entered by people with MFA.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
    ],
    maturity: 'stable',
    messages: {
      admin: '{{name}} is administrator-equivalent through {{policies}}',
      exposed: '{{name}} is administrator-equivalent through {{policies}} and is exposed: {{exposure}}',
      mayBeExposed: '{{name}} is administrator-equivalent through {{policies}} and may be exposed under a condition the scanner could not decide or that blocks it today: {{exposure}}',
      conditional: '{{name}} is administrator-equivalent only under conditions the scanner cannot decide (for {{actions}}); review the conditions',
    },
  },
  evaluates: { types: ['aws-iam-user', 'aws-iam-role'], where: (n) => n.firstParty !== true && isMachine(n), requires: ['aws.iam'] },
  check(subject, ctx) {
    const grant = ctx.graph
      .out(subject, 'GRANTED')
      .find((e) => ctx.graph.node(e.to)?.crownJewel === 'admin' && e.evidence?.method === 'already-admin');
    if (!grant) {
      if (subject.attrs.adminStatus === 'unknown') ctx.unknown('a policy of this principal could not be read');
      // Administration that holds only under a condition the evaluator cannot decide (MFA,
      // source network, an operator it does not know) is reported as conditional, never dropped.
      if (subject.attrs.adminStatus === 'conditional') {
        const undecided = Array.isArray(subject.attrs.adminUndecided) ? (subject.attrs.adminUndecided as string[]) : [];
        // No key, as for the unconditional finding: a principal is administrator once, and a
        // condition added to its policy (a partial fix) lowers the severity of that same finding
        // rather than making a new one, so a CI baseline and fingerprint waivers still match it.
        ctx.report({
          messageId: 'conditional',
          severity: 'medium',
          args: { actions: undecided.slice(0, 5).join(', ') || 'some sensitive actions' },
          evidence: { adminStatus: 'conditional', undecided },
        });
      }
      return;
    }
    const policies = Array.isArray(subject.attrs.policies) && subject.attrs.policies.length > 0 ? (subject.attrs.policies as string[]).join(', ') : 'group policies';
    const { firm, possible } = exposures(subject, ctx);
    // Only a firm way in makes it critical; conditional ones are named at the base severity
    // (no key: the same finding whichever way it is exposed, so a baseline still matches it).
    ctx.report({
      messageId: firm.length > 0 ? 'exposed' : possible.length > 0 ? 'mayBeExposed' : 'admin',
      severity: firm.length > 0 ? 'critical' : 'high',
      args: { policies, exposure: (firm.length > 0 ? firm : possible).join('; ') },
      evidence: { crownJewel: grant.to, reason: grant.reason, exposure: firm, ...(possible.length > 0 ? { conditionalExposure: possible } : {}) },
    });
  },
});
