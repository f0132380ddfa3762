import { credentialsOf, day, daysSince, defineRule, entraCredentialKind } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-credential-expired-present',
    title: 'Expired credential left on an application or service principal',
    severity: 'low',
    providers: ['entra'],
    owasp: ['NHI7:2025', 'NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Flags client secrets and certificates whose end date passed more than the grace period ago and that are still attached to the object.',
    risk: 'Expired credentials show that nobody cleans up after rotation; they clutter reviews, hide which credential is really in use, and a "renew" of the object can bring them back into play.',
    remediation: 'Remove the expired credential (removePassword / removeKey) and make removal part of the rotation runbook.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
      'https://learn.microsoft.com/en-us/graph/api/application-removepassword',
    ],
    maturity: 'stable',
    messages: {
      expired: '{{kind}} "{{credential}}" on {{name}} expired on {{expires}} ({{days}} days ago) and is still attached.',
    },
    options: {
      graceDays: { default: 30, description: 'Days after expiry during which a credential may still be attached (rotation overlap).' },
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity', 'entra-application'],
    where: (n) => n.firstParty !== true,
    requires: ['entra.servicePrincipals', 'entra.applications'],
  },
  check(subject, ctx) {
    for (const c of credentialsOf(ctx.graph, subject)) {
      if (c.credentialType !== 'client-secret' && c.credentialType !== 'certificate') continue;
      if (c.expiresAt === undefined) {
        ctx.unknown('credential end date not read, so whether it expired is not known');
        continue;
      }
      const since = daysSince(c.expiresAt, ctx.now);
      if (since === undefined || since <= Number(ctx.options.graceDays)) continue;
      ctx.report({
        messageId: 'expired',
        args: {
          kind: entraCredentialKind(c),
          credential: c.name,
          expires: day(c.expiresAt),
          days: since,
        },
        evidence: { keyId: c.nativeId, location: c.attrs.location, expiresAt: c.expiresAt },
        key: c.nativeId,
      });
    }
  },
});
