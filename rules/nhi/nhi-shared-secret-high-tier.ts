import {
  andList,
  cannotJudge,
  defineRule,
  credentialClass,
  credentialEvidence,
  credentialsOf,
  credentialsUnread,
  dormantOktaToken,
  entraFicsUnread,
  isActiveCredential,
  oktaIdentityActive,
  isRootUser,
  tierAtLeast,
  tierEvidenceMissing,
  tierLabel,
  tierLowerBound,
  type GraphNode,
} from '../../src/rule-kit.js';

/**
 * What makes a credential the analysis ranks as weak as a shared secret: a copyable secret, or a
 * trust (certificate or federation) that does not pin the subject and so admits any certificate
 * or token of its issuer. In the order the message names them, singular and plural.
 */
const WEAKNESSES = [
  { kind: 'secret', one: 'a shared secret', many: 'shared secrets' },
  {
    kind: 'certificate',
    one: 'a certificate trust that does not pin the certificate subject',
    many: 'certificate trusts that do not pin the certificate subject',
  },
  { kind: 'federation', one: 'a federation trust that does not pin the subject', many: 'federation trusts that do not pin the subject' },
] as const;

function weaknessOf(c: GraphNode): (typeof WEAKNESSES)[number]['kind'] {
  if (!c.federation) return 'secret';
  // IAM Roles Anywhere: the credential is an X.509 certificate from a trust anchor.
  return c.credentialType === 'x509-trust-anchor' ? 'certificate' : 'federation';
}


export default defineRule({
  meta: {
    id: 'nhi-shared-secret-high-tier',
    title: 'Identity that can manage identities or administer authenticates with a shared secret or a trust that does not pin the subject',
    severity: 'high',
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI4:2025', 'NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'The identity reaches capability tier T3 or T4 and its weakest active credential is a shared secret (client secret, API token, access key, password) or a trust as weak as one: a federation trust (OIDC, federated identity credential) or certificate trust (IAM Roles Anywhere) that does not pin the subject. The message says which, and lists only those credentials. An Okta service app that is not ACTIVE and an Okta user that is SUSPENDED or DEPROVISIONED are not evaluated, as the Okta rules do not evaluate them. An Okta API token whose owner is SUSPENDED or DEPROVISIONED is reported at medium, as okta-api-token-admin-owner reports it: Okta rejects the token today, and it is usable again if the owner is reactivated. A disabled Entra service principal is reported as an enabled one, as entra-secret-on-privileged-app reports it: its secret works again the moment it is re-enabled. The AWS root user is left to `aws-root-access-key`: its console password with MFA is a person\'s break-glass login, not a machine\'s secret.',
    risk: 'Anyone holding a copy of the secret (a CI log, a laptop, a vendor), or any workload of the trusted issuer, acts with identity-administration power; neither proves which workload used it.',
    remediation:
      'Move the workload to workload identity federation with an exact subject (GitHub environment, Kubernetes service account, SPIFFE ID) or at least a private key / certificate, then delete the shared secrets; pin the subject of any federation or certificate trust that matches many.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/',
      'https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation',
    ],
    maturity: 'stable',
    messages: {
      weak: '{{name}} is {{tierLabel}} and proves itself with {{weakness}} ({{evidence}})',
      weakDormant: '{{name}} is {{tierLabel}} and proves itself with {{weakness}} ({{evidence}}); Okta rejects it while {{owner}} is {{status}}, and it is usable again if the owner is reactivated',
    },
    options: { minTier: { max: 5, integer: true, default: 3, description: 'lowest capability tier that must not rely on shared secrets (5: never)' } },
  },
  // The AWS root user is the account owner's login, T4 by nature: judged by the root rules
  // (aws-root-access-key), not as a machine identity (isRootUser in rule-kit).
  evaluates: { types: [], kinds: ['identity'], where: (n) => !n.firstParty && oktaIdentityActive(n) && !isRootUser(n), skipsTypes: ['aws-root-user'] },
  check(subject, ctx) {
    const tier = ctx.analysis.tier(subject);
    const s = ctx.analysis.strength(subject);
    // Federated credentials that were not read may include one that does not pin its subject,
    // a shared secret: the weakest credential is then not known.
    const ficsUnread = s.class !== 'shared-secret' && entraFicsUnread(ctx.graph, subject);
    // Likewise an Okta service app's secrets or an IAM user's access keys that were not read.
    const credsUnread = s.class !== 'shared-secret' ? credentialsUnread(subject) : undefined;
    if (s.class !== 'shared-secret' && !ficsUnread && !credsUnread) return;
    if (tier < Number(ctx.options.minTier)) {
      const missing = tierEvidenceMissing(ctx.graph, subject, tierAtLeast(ctx.analysis, Number(ctx.options.minTier)));
      if (missing) ctx.unknown(cannotJudge(missing, `whether its tier reaches T${Number(ctx.options.minTier)}`));
      return;
    }
    if (ficsUnread) return ctx.unknown('federated credentials of this application were not read');
    if (credsUnread) return ctx.unknown(credsUnread);
    // The credentials that make the identity weak: active (the analysis skips the others too) and
    // ranked as a shared secret. A trust whose subject could not be read (subjectUndecided) may
    // pin one: it is not evidence of weakness, and alone it leaves the answer unknown.
    const weak = credentialsOf(ctx.graph, subject).filter((c) => isActiveCredential(c, ctx.now) && credentialClass(c) === 'shared-secret');
    const known = weak.filter((c) => c.attrs.subjectUndecided !== true);
    if (known.length === 0) return ctx.unknown('the subject a federated credential accepts could not be read');
    // Grouped as the message names them (secrets, then untied trusts...), sorted within a kind.
    const evidence = WEAKNESSES.flatMap((w) => known.filter((c) => weaknessOf(c) === w.kind).map(credentialEvidence).sort());
    const weakness = andList(
      WEAKNESSES.flatMap((w) => {
        const n = known.filter((c) => weaknessOf(c) === w.kind).length;
        return n === 0 ? [] : [n === 1 ? w.one : w.many];
      }),
    );
    // A token whose owner is not active: the tier is its owner's, reached only on reactivation.
    // Not a pass (reactivating the owner revives the token with every right), but not the
    // critical of a token in use either: medium, as okta-api-token-admin-owner rates it. No key:
    // the same finding as when the owner is active, so a baseline holds it across the change.
    const dormant = dormantOktaToken(ctx.graph, subject);
    ctx.report({
      messageId: dormant ? 'weakDormant' : 'weak',
      severity: dormant ? 'medium' : tier === 4 ? 'critical' : 'high',
      args: { tier, tierLabel: tierLabel(tier, tierLowerBound(ctx.graph, ctx.analysis, subject)), weakness, evidence: evidence.join('; '), ...dormant },
      evidence: { tier, strength: s.class, credentials: evidence, ...(dormant ? { ownerStatus: dormant.status } : {}) },
    });
  },
});
