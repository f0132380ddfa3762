import { defineRule, subjectVerdict, trustStatementAllows, uniqueKeys } from '../../src/rule-kit.js';

interface Claim {
  key: string;
  status: 'missing' | 'any' | 'wildcard' | 'pinned';
  values: string[];
  operators: string[];
  entries?: { op: string; values: string[] }[];
}

/**
 * Whether no token's sub meets the operators on the sub key (subjectVerdict, as the AWS transform
 * judges the trust): every value a positive condition names is turned away, or with none any sub.
 */
function noSubjectPasses(sub: Claim | undefined): boolean {
  if (sub === undefined) return false;
  const values = sub.status === 'missing' ? [undefined] : sub.values;
  return values.every((v) => subjectVerdict(v, sub.status === 'pinned', sub).bar !== undefined);
}
interface Principal {
  type: string;
  providerArn?: string;
  issuer?: string;
  github?: boolean;
  value?: string;
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
const GITHUB_AUDIENCE = 'sts.amazonaws.com';

interface TrustFacts {
  unusable?: { problem: string };
  statements: Statement[];
}

export default defineRule({
  meta: {
    id: 'aws-oidc-trust-no-audience',
    title: 'Role trusts an OIDC or SAML provider without checking the audience',
    severity: 'medium',
    providers: ['aws'],
    owasp: ['NHI6:2025'],
    frameworks: { nistCsf: ['PR.AA-04'] },
    description:
      'Reports roles whose trust policy allows an OIDC or web-identity provider with no positive `<issuer>:aud` condition (or one that is only wildcards). STS still checks the audience against the provider\'s client id list, so the finding is medium, and high when the subject is not pinned either; for Cognito identity pools, where `:aud` is the pool id, it is high. For GitHub Actions it also reports an `:aud` condition that admits any value other than `sts.amazonaws.com` (the audience aws-actions/configure-aws-credentials requests, and the one GitHub and the reference catalog prescribe), with the same severities: a wrong audience cannot be worse than none. For SAML providers it reports a trust with no positive `SAML:aud` condition (the AWS sign-in endpoint, e.g. `https://signin.aws.amazon.com/saml`, which the IAM console adds to every SAML role), at medium as the reference catalog (NHI-AWS-FEDERATION-AUDIENCE-WEAK) rates it. Statements whose Action does not cover the federated call (`sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`), or that an unconditional Deny of the same policy overrides, are not reported; nor is a web identity trust whose sub condition no token meets (the operators on the key are ANDed: a pinned sub its own `StringNotEquals` names, `StringNotLike *`, `Null` true).',
    risk: 'Tokens the issuer minted for another application (another role, another cloud, another relying party) are accepted as well. For a shared issuer with a broad client list, or Cognito without `:aud`, workloads that were never meant to reach this role can assume it.',
    remediation:
      'Add `"StringEquals": {"<issuer>:aud": "<the audience this role expects>"}` (for GitHub Actions `sts.amazonaws.com`, for Entra the application id URI, for Cognito the identity pool id); for SAML, `"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}` (or your regional sign-in endpoint).',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif',
      // SAML:aud: the endpoint URL the SAML assertion is presented to (its Recipient).
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
    ],
    maturity: 'stable',
    messages: {
      noAud: 'The trust policy of {{name}} accepts tokens from {{issuer}} for any audience (no condition on {{key}})',
      samlNoAud: 'The trust policy of {{name}} accepts SAML assertions from {{provider}} presented to any endpoint (no condition on SAML:aud)',
      githubAud: 'The trust policy of {{name}} accepts GitHub Actions tokens for audience {{audiences}}, not only sts.amazonaws.com',
    },
  },
  evaluates: { types: ['aws-iam-role'], requires: ['aws.iam'] },
  check(role, ctx) {
    const facts = role.attrs.trust as TrustFacts | undefined;
    if (!facts || facts.unusable) {
      ctx.unknown('the trust policy could not be read');
      return;
    }
    const unique = uniqueKeys();
    for (const st of facts.statements) {
      if (st.effect !== 'Allow' || st.notPrincipal) continue;
      for (const p of st.principals) {
        // Only statements that really let the federated call in (the statement allows it and no
        // unconditional Deny overrides it), as the transform decides when it draws the edge.
        if (p.type === 'saml' && !trustStatementAllows(facts, st, p, 'sts:AssumeRoleWithSAML')) continue;
        if ((p.type === 'oidc' || p.type === 'federated-other') && !trustStatementAllows(facts, st, p, 'sts:AssumeRoleWithWebIdentity')) continue;
        if (p.type === 'saml' && p.audience && (p.audience.status === 'missing' || p.audience.status === 'any')) {
          const arn = p.providerArn ?? 'SAML';
          ctx.report({
            messageId: 'samlNoAud',
            severity: 'medium',
            key: unique(arn),
            args: { provider: arn.slice(arn.lastIndexOf('/') + 1) },
            evidence: { statement: st.statementIndex, provider: arn, audience: p.audience },
          });
          continue;
        }
        if ((p.type !== 'oidc' && p.type !== 'federated-other') || !p.audience) continue;
        // A trust whose sub condition no token meets lets in no token, whatever its audience.
        if (noSubjectPasses(p.subject)) continue;
        const issuer = p.issuer ?? p.value ?? 'the issuer';
        const subjectOpen = p.subject !== undefined && p.subject.status !== 'pinned';
        if (p.audience.status !== 'missing' && p.audience.status !== 'any') {
          // GitHub mints a token for whatever audience a workflow asks for (https://github.com/OWNER
          // by default): any other accepted value lets tokens meant for other relying parties in.
          // Only audiences STS would accept count: a token passes only through an OIDC provider
          // whose client id list holds its aud (unknown when the providers were not read).
          const accepted = (role.attrs.oidcClientIds as Record<string, string[]> | undefined)?.[p.providerArn ?? ''];
          const others = p.audience.values.filter((v) => v.toLowerCase() !== GITHUB_AUDIENCE && (accepted === undefined || accepted.includes(v)));
          if (p.github === true && others.length > 0) {
            ctx.report({
              messageId: 'githubAud',
              severity: subjectOpen ? 'high' : 'medium',
              key: unique(p.providerArn ?? issuer),
              args: { audiences: others.join(', ') },
              evidence: { statement: st.statementIndex, provider: p.providerArn ?? issuer, audience: p.audience, subject: p.subject },
            });
          }
          continue;
        }
        const cognito = issuer.toLowerCase() === 'cognito-identity.amazonaws.com';
        ctx.report({
          messageId: 'noAud',
          severity: cognito || subjectOpen ? 'high' : 'medium',
          key: unique(p.providerArn ?? issuer),
          args: { issuer, key: p.audience.key },
          evidence: { statement: st.statementIndex, provider: p.providerArn ?? issuer, audience: p.audience, subject: p.subject },
        });
      }
    }
  },
});
