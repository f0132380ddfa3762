import { credentialsOf, defineRule, isActiveCredential } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-multiple-active-secrets',
    title: 'Application has more active client secrets than a rotation needs',
    severity: 'low',
    tiered: true,
    providers: ['entra'],
    owasp: ['NHI7:2025', 'NHI9:2025'],
    frameworks: { nistCsf: ['PR.AA-01', 'PR.AA-02'] },
    description:
      'Counts active client secrets on the app registration and the service principal together; more than the allowed number (two: old and new during a rotation) is flagged.',
    risk: 'Several live secrets usually mean several consumers share one identity, or old secrets were never removed after rotation; each copy is another leak path and use cannot be attributed.',
    remediation:
      'Give each workload its own app or managed identity, remove secrets no consumer uses, and keep at most one secret outside a rotation window.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/9-nhi-reuse/',
      'https://learn.microsoft.com/en-us/entra/identity-platform/howto-create-service-principal-portal',
    ],
    maturity: 'stable',
    messages: {
      tooMany: '{{name}} has {{count}} active client secrets ({{credentials}}); at most {{max}} are expected.',
    },
    options: {
      maxActiveSecrets: { integer: true, default: 2, description: 'Active secrets allowed at once (two covers a rotation overlap).' },
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity', 'entra-application'],
    where: (n) => n.firstParty !== true,
    requires: ['entra.servicePrincipals', 'entra.applications'],
  },
  check(subject, ctx) {
    const active = credentialsOf(ctx.graph, subject).filter(
      (c) => c.credentialType === 'client-secret' && isActiveCredential(c, ctx.now),
    );
    const max = Number(ctx.options.maxActiveSecrets);
    if (active.length <= max) return;
    ctx.report({
      messageId: 'tooMany',
      args: { count: active.length, max, credentials: active.map((c) => c.name).sort().join(', ') },
      evidence: { keyIds: active.map((c) => c.nativeId).sort() },
    });
  },
});
