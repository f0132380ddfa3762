import { credentialsOf, day, daysBetween, daysSince, defineRule, entraCredentialKind, isUnexpiredCredential } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-secret-long-lived',
    title: 'Client secret or certificate lives, or has lived, longer than the rotation window',
    severity: 'medium',
    tiered: true,
    providers: ['entra'],
    owasp: ['NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Flags client secrets, active or not valid yet, whose lifetime (start to end date) or age exceeds the secret window, and certificates whose lifetime exceeds the certificate window, on app registrations and service principals.',
    risk: 'A leaked secret keeps working until its end date; secrets that live for years are rarely rotated and end up in old pipelines, laptops and chat logs.',
    remediation:
      'Replace the secret with a federated identity credential, a managed identity or a short-lived certificate, and cap lifetimes with an app management policy.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/',
      'https://learn.microsoft.com/en-us/graph/api/resources/passwordcredential',
      'https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-enforce-secret-standards',
    ],
    maturity: 'stable',
    messages: {
      lifetime: '{{kind}} "{{credential}}" on {{name}} is valid for {{days}} days (until {{expires}}); the limit is {{limit}}.',
      noExpiry: '{{kind}} "{{credential}}" on {{name}} never expires.',
      farExpiry: '{{kind}} "{{credential}}" on {{name}} is valid until {{expires}}: no expiry in practice (the old "never" option wrote an end date ~99 years out).',
      age: '{{kind}} "{{credential}}" on {{name}} was created {{days}} days ago ({{created}}) and is still valid; the limit is {{limit}}.',
    },
    options: {
      maxSecretLifetimeDays: { default: 180, description: 'Longest allowed client-secret lifetime (RULES-CATALOG §3.1).' },
      maxSecretAgeDays: { default: 180, description: 'Oldest allowed active client secret.' },
      maxCertificateLifetimeDays: { default: 365, description: 'Longest allowed certificate lifetime.' },
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
      // A credential not valid yet has its lifetime set already (its age check never fires).
      if (!isUnexpiredCredential(c, ctx.now)) continue;
      const secret = c.credentialType === 'client-secret';
      const kind = entraCredentialKind(c);
      const limit = Number(secret ? ctx.options.maxSecretLifetimeDays : ctx.options.maxCertificateLifetimeDays);
      const base = { kind, credential: c.name, limit: `${limit} days` };
      const evidence = { keyId: c.nativeId, location: c.attrs.location, createdAt: c.createdAt, expiresAt: c.expiresAt, endDateTime: c.attrs.endDateTime };
      // undefined: the end date was not read (Graph always writes one), so neither the lifetime
      // nor whether the credential is still valid is known.
      if (c.expiresAt === undefined) {
        ctx.unknown('credential end date not read, so its lifetime and validity are not known');
        continue;
      }
      if (c.expiresAt === null) {
        const written = typeof c.attrs.endDateTime === 'string' ? c.attrs.endDateTime : undefined;
        if (written) ctx.report({ messageId: 'farExpiry', args: { ...base, expires: day(written) }, evidence, key: c.nativeId });
        else ctx.report({ messageId: 'noExpiry', args: base, evidence, key: c.nativeId });
        continue;
      }
      if (daysSince(c.createdAt, ctx.now) === undefined) {
        ctx.unknown('credential start date not known, so its lifetime and age cannot be computed');
        continue;
      }
      const lifetime = daysBetween(c.createdAt, c.expiresAt);
      if (lifetime !== undefined && lifetime > limit) {
        ctx.report({ messageId: 'lifetime', args: { ...base, days: lifetime, expires: day(c.expiresAt) }, evidence, key: c.nativeId });
        continue;
      }
      const age = daysSince(c.createdAt, ctx.now);
      const maxAge = Number(ctx.options.maxSecretAgeDays);
      if (secret && age !== undefined && age > maxAge) {
        ctx.report({
          messageId: 'age',
          args: { ...base, days: age, created: day(c.createdAt), limit: `${maxAge} days` },
          evidence,
          key: c.nativeId,
        });
      }
    }
  },
});
