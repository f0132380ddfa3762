import { credentialsOf, defineRule, entraCredentialKind, isUnexpiredCredential } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-sp-level-credential',
    title: 'Credential added directly on a service principal object',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI3:2025', 'NHI4:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Flags client secrets and certificates, active or not valid yet, stored on the service principal rather than on the app registration (SAML token-signing certificates, and the password Entra keeps for the private key of any token-signing certificate, are excluded by the transform). Microsoft first-party service principals are included: a credential on one of them is a known persistence technique.',
    risk: 'The Entra portal has no "Certificates & secrets" page for service principals, so these credentials escape review; attackers add them to keep access (BloodHound AZAddSecret).',
    remediation:
      'Remove the credential from the service principal (removePassword / removeKey on /servicePrincipals), enable servicePrincipalLockConfiguration on multi-tenant apps, and alert on "Update service principal – Certificates and secrets management".',
    references: [
      'https://learn.microsoft.com/en-us/graph/api/serviceprincipal-addpassword',
      'https://learn.microsoft.com/en-us/entra/identity-platform/howto-configure-app-instance-property-locks',
      'https://bloodhound.specterops.io/resources/edges/az-add-secret',
    ],
    maturity: 'stable',
    messages: {
      spCredential: '{{kind}} "{{credential}}" is set on the service principal object of {{name}}, where the portal does not show it.',
      firstParty: '{{kind}} "{{credential}}" is set on Microsoft first-party service principal {{name}}; Microsoft apps never need tenant-added credentials.',
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity'],
    requires: ['entra.servicePrincipals'],
  },
  check(subject, ctx) {
    const tier = ctx.analysis.tier(subject);
    for (const c of credentialsOf(ctx.graph, subject)) {
      // Not valid yet counts too: a later start date hides a planted credential from views of
      // active ones, and it works from that date.
      if (c.attrs.location !== 'servicePrincipal' || !isUnexpiredCredential(c, ctx.now)) continue;
      const kind = entraCredentialKind(c);
      const critical = subject.firstParty === true || tier >= 3;
      ctx.report({
        messageId: subject.firstParty ? 'firstParty' : 'spCredential',
        args: { kind, credential: c.name },
        evidence: { keyId: c.nativeId, tier, firstParty: subject.firstParty === true },
        key: c.nativeId,
        severity: critical ? 'critical' : 'high',
      });
    }
  },
});
