import { defineRule, targets } from '../../src/rule-kit.js';

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
      'Fails API tokens whose network condition is "Any IP" (network.connection ANYWHERE), "Not in any of the following zones" (a ZONE condition that only excludes zones, which accepts every other IP), or a zone condition that names no zone. Severity rises with what the token can reach through its owner. Okta accepts a token only while its creator is active: while the owner is SUSPENDED or DEPROVISIONED the token is refused from every address, so the condition is reported from a base of info (low up to T3, medium for a T4 token, since tiering never goes below low) as one that applies again if the owner is reactivated.',
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
      anywhereDormant: 'API token {{name}} would be accepted from any IP address, but Okta rejects it while {{owner}} is {{status}}; it is usable again if the owner is reactivated',
      anywhereExceptDormant: 'API token {{name}} would be allowed from anywhere except zones {{zones}}, but Okta rejects it while {{owner}} is {{status}}; it is usable again if the owner is reactivated',
      emptyZoneDormant: 'API token {{name}} has a zone restriction that names no zone, but Okta rejects it while {{owner}} is {{status}}; it is usable again if the owner is reactivated',
    },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens'] },
  check(subject, ctx) {
    const network = subject.attrs.network as { connection?: string; include?: string[]; exclude?: string[] } | undefined;
    if (!network?.connection) return ctx.unknown('the token payload has no network condition (older Okta API response)');
    // Okta's API token network conditions are ANYWHERE and ZONE: any other value is not read as a restriction.
    if (network.connection !== 'ANYWHERE' && network.connection !== 'ZONE') return ctx.unknown(`the network condition ${JSON.stringify(network.connection)} is not one Okta documents (ANYWHERE, ZONE)`);
    const exclude = network.exclude ?? [];
    // Okta accepts an API token only while its creator is active (Okta help, "Manage Okta API
    // tokens"): with the owner SUSPENDED or DEPROVISIONED (enabled false) no address gets in today.
    // The open condition is still reported, as what applies again on reactivation, from a base of
    // info so the owner's tier raises it at most to medium; okta-api-token-owner-inactive carries
    // the dormant token's own severity. An owner whose status is not known counts as active.
    const owner = targets(ctx.graph, subject, 'ACTS_AS')[0];
    const dormant = owner?.enabled === false ? { owner: owner.name, status: (owner.attrs.status as string | undefined) ?? 'disabled' } : undefined;
    const as = (id: 'anywhere' | 'anywhereExcept' | 'emptyZone'): { messageId: string; severity?: 'info'; args?: Record<string, string> } =>
      dormant ? { messageId: `${id}Dormant`, severity: 'info', args: dormant } : { messageId: id };
    const ownerStatus = dormant ? { ownerStatus: dormant.status } : {};
    if (network.connection === 'ANYWHERE') {
      const m = as('anywhere');
      ctx.report({ ...m, evidence: { connection: network.connection, ...ownerStatus } });
    } else if (network.connection === 'ZONE' && (network.include ?? []).length === 0 && exclude.length > 0) {
      // The API token network condition (upsertApiToken) carries include and exclude lists of zone ids; an
      // exclude list with no include list is the console's "Not in any of the following zones": the token is
      // refused only inside those zones and accepted from every other address, so a leaked copy still works.
      const m = as('anywhereExcept');
      ctx.report({ ...m, args: { ...m.args, zones: exclude.join(', ') }, evidence: { connection: network.connection, include: [], exclude, ...ownerStatus } });
    } else if (network.connection === 'ZONE' && (network.include ?? []).length === 0) {
      const m = as('emptyZone');
      ctx.report({ ...m, evidence: { connection: network.connection, include: [], ...ownerStatus } });
    }
  },
});
