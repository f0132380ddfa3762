import { defineRule, githubSubjectBreadth, subjectVerdict, trustStatementAllows, uniqueKeys, type Severity } from '../../src/rule-kit.js';

interface Claim {
  key: string;
  status: 'missing' | 'any' | 'wildcard' | 'pinned';
  values: string[];
  operators: string[];
  entries?: { op: string; values: string[] }[];
}
interface Principal {
  type: string;
  providerArn?: string;
  issuer?: string;
  value?: string;
  github?: boolean;
  subject?: Claim;
  audience?: Claim;
}
interface Statement {
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  notPrincipal: boolean;
  principals: Principal[];
}
interface TrustFacts {
  unusable?: { problem: string };
  statements: Statement[];
}

const WILD = /[*?]/;

/** The broadest reach among exact GitHub subjects (githubSubjectBreadth), or undefined when each pins its runs. */
function broadestGithub(values: readonly string[]): 'owner' | 'repository' | undefined {
  let found: 'owner' | 'repository' | undefined;
  for (const v of values) {
    // Under StringEquals a `*` is a literal no token carries: such a value admits nobody.
    if (WILD.test(v)) continue;
    const b = githubSubjectBreadth(v)?.breadth;
    if (b === 'owner') return 'owner';
    if (b !== undefined) found = 'repository';
  }
  return found;
}
/** Cognito identity pools pin the pool with `:aud`; their `sub` is a per-user id and is not expected in trust policies. */
const COGNITO = 'cognito-identity.amazonaws.com';

/**
 * How much a GitHub `sub` pattern admits: `anyone` when a wildcard is in the owner (`repo:*`,
 * `repo:acme*` followed by a slash), which matches repositories anyone on GitHub can create; `repo` when it is in
 * the repository name (`repo:org/*`); `ref` when it is confined to one repository (`repo:org/app:*`).
 */
function githubScope(values: string[]): 'anyone' | 'repo' | 'ref' {
  let scope: 'repo' | 'ref' = 'ref';
  for (const v of values) {
    if (!WILD.test(v)) continue;
    if (/^[*?]/.test(v) || /^repo:[^/:]*[*?]/.test(v)) return 'anyone';
    const m = /^repo:([^:/]+)\/([^:]+)(?::.*)?$/.exec(v);
    if (!m || WILD.test(m[2])) scope = 'repo';
  }
  return scope;
}

/** The subs negated operators turn away, as a message says them: `sub X` or `sub matching P`, joined by "or". */
function exceptText(entries: readonly { op: string; values: string[] }[]): string {
  return entries
    .map((e) => (/like/i.test(e.op) ? `sub matching ${e.values.join(' or ')}` : `sub ${e.values.join(' or ')}${/ignorecase/i.test(e.op) ? ' in any case' : ''}`))
    .join(' or ');
}

const RANK: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
const raise = (s: Severity): Severity => RANK[Math.min(4, RANK.indexOf(s) + 1)];

export default defineRule({
  meta: {
    id: 'aws-oidc-trust-weak-subject',
    title: 'Role trusts an OIDC issuer without pinning the token subject',
    severity: 'high',
    providers: ['aws'],
    owasp: ['NHI6:2025'],
    frameworks: { nistCsf: ['PR.AA-04'] },
    description:
      'Reports roles whose trust policy allows `sts:AssumeRoleWithWebIdentity` for an OIDC provider with no positive `<issuer>:sub` condition, a `sub` that is only wildcards, or a `StringLike` wildcard (for GitHub Actions, `repo:org/*` admits every repository of the organisation). Severity: a GitHub trust with no subject condition, or a wildcard in the repository owner (`repo:*`), is critical (any repository on GitHub); other missing or broad subjects are high, raised to critical when the role reaches tier T3 or more; a wildcard confined to the branches or environments of one repository, or an exact subject as broad as one, `repo:ORG/REPO:pull_request` (issued to every pull-request run) or a customised `repo:ORG/REPO` with no branch, tag, environment or workflow (issued to every run), is medium, raised to high on such roles; a customised subject that names no single repository (`repository_owner:ORG`) is high, raised to critical. A statement whose Action does not cover `sts:AssumeRoleWithWebIdentity`, or that an unconditional Deny of the same policy overrides, admits no token and is not reported. Every operator on the sub key must hold, as IAM ANDs them: a sub value a negated operator (`StringNotEquals`, `StringNotLike`…), `Null` true or an operator of another type turns away is left out, and a trust none is left of (a `StringNotLike repo:*` beside `StringLike repo:acme/*`) admits no token and is not reported; the subs a negated operator turns away of those left are named in the message ("but not those with …"), and what rests on an operator whose reading of a sub is not known (`ArnNotLike`…) is said in evidence.undecided.',
    risk: 'Every workload that can obtain a token from the issuer (any repository, pipeline, service principal or Kubernetes service account, depending on the issuer) can assume the role and use its permissions.',
    remediation:
      'Add a `StringEquals` condition on `<issuer>:sub` naming the exact workload, for GitHub `repo:ORG/REPO:environment:NAME` or `repo:ORG/REPO:ref:refs/heads/BRANCH`, and keep the `:aud` condition.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
    ],
    maturity: 'stable',
    messages: {
      missing: 'The trust policy of {{name}} accepts any token from {{issuer}}: there is no condition on {{key}}',
      wildcard: 'The trust policy of {{name}} accepts tokens from {{issuer}} whose subject matches {{pattern}}',
      // A negated operator on the key that turns away some of those tokens, not all of them.
      missingExcept: 'The trust policy of {{name}} accepts any token from {{issuer}} but those with {{except}}: there is no positive condition on {{key}}',
      wildcardExcept: 'The trust policy of {{name}} accepts tokens from {{issuer}} whose subject matches {{pattern}}, but not those with {{except}}',
    },
    options: {
      criticalTier: { max: 5, integer: true, default: 3, description: 'role tier (T0..T4) from which a weak subject is raised one severity level (5: never)' },
    },
  },
  evaluates: { types: ['aws-iam-role'], requires: ['aws.iam'] },
  check(role, ctx) {
    const facts = role.attrs.trust as TrustFacts | undefined;
    if (!facts || facts.unusable) {
      ctx.unknown('the trust policy could not be read');
      return;
    }
    const privileged = ctx.analysis.tier(role) >= Number(ctx.options.criticalTier);
    const unique = uniqueKeys();
    for (const st of facts.statements) {
      if (st.effect !== 'Allow' || st.notPrincipal) continue;
      for (const p of st.principals) {
        if ((p.type !== 'oidc' && p.type !== 'federated-other') || !p.subject) continue;
        const issuer = p.issuer ?? p.value ?? 'the issuer';
        if (p.type === 'federated-other' && issuer.toLowerCase() === COGNITO) continue;
        // A statement that does not allow the web identity call, or that an unconditional Deny
        // overrides, lets no token in whatever its subject condition (no graph edge either).
        if (!trustStatementAllows(facts, st, p, 'sts:AssumeRoleWithWebIdentity')) continue;
        const claim = p.subject;
        // Every operator on the sub key must hold, negated ones and Null too (subjectVerdict, as the
        // AWS transform judges the trust): the values no token meets are left out, and a trust none
        // is left of admits no token, so it is not weak. What negated operators turn away of the
        // rest is said ("but not those with …"); what rests on an operator whose reading is not
        // known is said as undecided, when every value left rests on it.
        const judged = (claim.status === 'missing' ? [undefined] : claim.values).map((v) => ({ v, verdict: subjectVerdict(v, claim.status === 'pinned', claim) }));
        const open = judged.filter((j) => j.verdict.bar === undefined);
        if (open.length === 0) continue;
        const sub: Claim = claim.status === 'missing' ? claim : { ...claim, values: open.map((j) => j.v!) };
        const except = [...new Map(open.flatMap((j) => j.verdict.except ?? []).map((e) => [JSON.stringify(e), e])).values()];
        const undecided = open.every((j) => j.verdict.unsure !== undefined) ? [...new Set(open.map((j) => j.verdict.unsure!))] : [];
        // Exact GitHub subjects can still be broad (githubSubjectBreadth): repo:ORG/REPO:pull_request
        // is given to every pull-request run and a customised repo:ORG/REPO to every run, whatever
        // the branch (as broad as any branch of the repository); repository_owner:ORG to every
        // repository of the owner (as broad as repo:ORG/*).
        const broad = p.github === true && sub.status === 'pinned' ? broadestGithub(sub.values) : undefined;
        if (sub.status === 'pinned' && broad === undefined) continue;
        let severity: Severity;
        let messageId: 'missing' | 'wildcard' | 'missingExcept' | 'wildcardExcept';
        if (broad !== undefined) {
          messageId = 'wildcard';
          severity = broad === 'owner' ? 'high' : 'medium';
          if (privileged) severity = raise(severity);
        } else if (sub.status === 'missing' || sub.status === 'any') {
          messageId = 'missing';
          severity = p.github ? 'critical' : privileged ? 'critical' : 'high';
        } else {
          messageId = 'wildcard';
          const scope = p.github ? githubScope(sub.values) : 'repo';
          severity = scope === 'anyone' ? 'critical' : scope === 'ref' ? 'medium' : 'high';
          if (privileged) severity = raise(severity);
        }
        if (except.length > 0) messageId = messageId === 'missing' ? 'missingExcept' : 'wildcardExcept';
        ctx.report({
          messageId,
          severity,
          // Keyed by the issuer the statement trusts, not by its subject pattern: adding a sub
          // condition or narrowing one that is still too broad (a partial fix) changes the state
          // of this trust, and must keep the fingerprint a CI baseline or waiver holds. A second
          // statement for the same issuer gets its own key (`#2`) from uniqueKeys.
          key: unique(p.providerArn ?? issuer),
          args: { issuer, key: sub.key, pattern: sub.values.join(', '), ...(except.length > 0 ? { except: exceptText(except) } : {}) },
          evidence: {
            statement: st.statementIndex,
            provider: p.providerArn ?? issuer,
            subject: sub,
            audience: p.audience,
            roleTier: ctx.analysis.tier(role),
            ...(undecided.length > 0 ? { undecided } : {}),
          },
        });
      }
    }
  },
});
