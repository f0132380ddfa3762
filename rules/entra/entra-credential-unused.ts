import { credentialsOf, day, daysSince, defineRule, entraCredentialKind, isActiveCredential } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-credential-unused',
    title: 'Active client secret or certificate has not been used recently',
    severity: 'low',
    tiered: true,
    providers: ['entra'],
    owasp: ['NHI1:2025', 'NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Flags active secrets and certificates with no sign-in in the unused window, or none on record when created before it (from the appCredentialSignInActivities report).',
    risk: 'A credential nobody uses is pure attack surface: removing it breaks nothing, keeping it leaves a working key for whoever finds it.',
    remediation: 'Remove the unused credential (removePassword / removeKey) after confirming no consumer depends on it.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
      'https://learn.microsoft.com/en-us/graph/api/resources/appcredentialsigninactivity?view=graph-rest-beta',
    ],
    maturity: 'stable',
    messages: {
      stale: '{{kind}} "{{credential}}" on {{name}} was last used on {{last}} ({{days}} days ago).',
      never: '{{kind}} "{{credential}}" on {{name}} has no sign-in on record since it was created on {{created}}.',
    },
    options: {
      unusedDays: { default: 90, description: 'Days without use after which a credential is unused.' },
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity', 'entra-application'],
    where: (n) => n.firstParty !== true,
    requires: ['entra.credentialSignInActivity'],
  },
  check(subject, ctx) {
    const limit = Number(ctx.options.unusedDays);
    for (const c of credentialsOf(ctx.graph, subject)) {
      if (c.credentialType !== 'client-secret' && c.credentialType !== 'certificate') continue;
      if (!isActiveCredential(c, ctx.now)) continue;
      const kind = entraCredentialKind(c);
      const evidence = { keyId: c.nativeId, lastUsedAt: c.lastUsedAt, createdAt: c.createdAt };
      if (c.lastUsedAt === undefined) {
        ctx.unknown('credential use not known');
        continue;
      }
      if (c.lastUsedAt === null) {
        const age = daysSince(c.createdAt, ctx.now);
        if (age === undefined) {
          ctx.unknown('credential never used and its creation date is not known');
          continue;
        }
        if (age < limit) continue;
        ctx.report({ messageId: 'never', args: { kind, credential: c.name, created: day(c.createdAt) }, evidence, key: c.nativeId });
        continue;
      }
      const days = daysSince(c.lastUsedAt, ctx.now);
      if (days !== undefined && days >= limit) {
        ctx.report({ messageId: 'stale', args: { kind, credential: c.name, last: day(c.lastUsedAt), days }, evidence, key: c.nativeId });
      }
    }
  },
});
