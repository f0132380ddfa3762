import { defineRule } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'okta-api-token-any-network',
    title: 'Okta API token can be used from any network',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI2:2025', 'NHI4:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'Fails API tokens whose network condition is "Any IP" (network.connection ANYWHERE), "Not in any of the following zones" (a ZONE condition that only excludes zones, which accepts every other IP), or a zone condition that names no zone. Severity rises with what the token can reach through its owner.',
    risk: 'A token leaked into a repository, log or ticket works from the attacker\'s own machine; a zone restriction would make the leak useless outside the corporate network.',
    remediation:
      'Edit the token (Security > API > Tokens) to allow only the network zones the integration calls from, or replace it with an OAuth service app.',
    references: [
      'https://help.okta.com/en-us/Content/Topics/security/api.htm',
      'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApiToken/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/2-secret-leakage/',
    ],
    maturity: 'stable',
    messages: {
      anywhere: 'API token {{name}} is accepted from any IP address',
      anywhereExcept: 'API token {{name}} is allowed from anywhere except zones {{zones}}',
      emptyZone: 'API token {{name}} has a zone restriction that names no zone',
    },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens'] },
  check(subject, ctx) {
    const network = subject.attrs.network as { connection?: string; include?: string[]; exclude?: string[] } | undefined;
    if (!network?.connection) return ctx.unknown('the token payload has no network condition (older Okta API response)');
    // Okta's API token network conditions are ANYWHERE and ZONE: any other value is not read as a restriction.
    if (network.connection !== 'ANYWHERE' && network.connection !== 'ZONE') return ctx.unknown(`the network condition ${JSON.stringify(network.connection)} is not one Okta documents (ANYWHERE, ZONE)`);
    const exclude = network.exclude ?? [];
    if (network.connection === 'ANYWHERE') {
      ctx.report({ messageId: 'anywhere', evidence: { connection: network.connection } });
    } else if (network.connection === 'ZONE' && (network.include ?? []).length === 0 && exclude.length > 0) {
      // The API token network condition (upsertApiToken) carries include and exclude lists of zone ids; an
      // exclude list with no include list is the console's "Not in any of the following zones": the token is
      // refused only inside those zones and accepted from every other address, so a leaked copy still works.
      ctx.report({ messageId: 'anywhereExcept', args: { zones: exclude.join(', ') }, evidence: { connection: network.connection, include: [], exclude } });
    } else if (network.connection === 'ZONE' && (network.include ?? []).length === 0) {
      ctx.report({ messageId: 'emptyZone', evidence: { connection: network.connection, include: [] } });
    }
  },
});
