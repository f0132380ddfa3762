import { defineRule, targets } from '../../src/rule-kit.js';

/**
 * Okta role types are upper-case identifiers (SUPER_ADMIN, ORG_ADMIN, APP_ADMIN, CUSTOM, …; see the
 * Role Assignments API). Checked by form rather than listed: Okta adds standard roles now and then,
 * and a new one must stay configurable. A lower-case `super_admin` would match no owner.
 */
const OKTA_ROLE_TYPE = { pattern: /^[A-Z][A-Z0-9_]*$/, description: 'an Okta role type in upper case, as the API writes it (SUPER_ADMIN, ORG_ADMIN, APP_ADMIN, …)' };

export default defineRule({
  meta: {
    id: 'okta-api-token-admin-owner',
    title: 'Okta API token acts with super admin or org admin rights',
    severity: 'high',
    providers: ['okta'],
    owasp: ['NHI5:2025', 'NHI4:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'An SSWS API token is not scoped: it carries every right its creator holds, now and later. This rule fails tokens whose owner holds SUPER_ADMIN or ORG_ADMIN, directly or through a group, and rates them critical when the token may be used from any network (Any IP, or a zone condition that only excludes zones). Okta accepts a token only while its creator is active: while the owner is SUSPENDED or DEPROVISIONED the token is reported at medium as a dormant admin credential, usable again if the owner is reactivated (okta-api-token-owner-inactive is the finding to act on).',
    risk: 'Whoever copies the token administers the whole Okta org (and everything federated from it) without MFA; with no network restriction, from anywhere on the internet.',
    remediation:
      'Replace the integration with an OAuth 2.0 service app using private_key_jwt and only the okta.* scopes it needs, then revoke the token. Until then, restrict the token to a network zone.',
    references: [
      'https://help.okta.com/en-us/Content/Topics/security/api.htm',
      'https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
    ],
    maturity: 'stable',
    messages: {
      admin: 'API token {{name}} acts as {{owner}}, who holds {{roles}}',
      adminAnywhere: 'API token {{name}} acts as {{owner}}, who holds {{roles}}, and can be used from any network',
      adminAnywhereExcept: 'API token {{name}} acts as {{owner}}, who holds {{roles}}, and can be used from anywhere except zones {{zones}}',
      adminDormant: 'API token {{name}} acts as {{owner}}, who holds {{roles}}; Okta rejects it while that account is {{status}}, and it is usable again if the owner is reactivated',
    },
    options: {
      adminRoles: { form: OKTA_ROLE_TYPE, default: ['SUPER_ADMIN', 'ORG_ADMIN'], description: 'owner role types that make a token org-admin equivalent' },
    },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens', 'okta.users', 'okta.adminRoles'] },
  check(subject, ctx) {
    const owner = targets(ctx.graph, subject, 'ACTS_AS')[0];
    if (!owner) return ctx.unknown('the token names no owner');
    const wanted = ctx.options.adminRoles as string[];
    const held = ((owner.attrs.adminRoles as string[] | undefined) ?? []).filter((r) => wanted.includes(r));
    if (held.length === 0) {
      if (owner.attrs.adminRolesComplete !== true) ctx.unknown("the owner's admin roles (direct or through groups) were not all read");
      return;
    }
    const network = subject.attrs.network as { connection?: string; include?: string[]; exclude?: string[] } | undefined;
    const connection = network?.connection;
    // Okta accepts an API token only while the user who created it is active (Okta help, "Manage
    // Okta API tokens"): with the owner SUSPENDED or DEPROVISIONED (enabled false) the token
    // administers nothing today, and the analysis counts its tier as reached only through a
    // disabled owner. It is not a pass: reactivating the owner revives every right at once, so the
    // admin rights stay on record at medium; okta-api-token-owner-inactive asks for the revocation.
    if (owner.enabled === false) {
      const status = (owner.attrs.status as string | undefined) ?? 'disabled';
      ctx.report({
        messageId: 'adminDormant',
        severity: 'medium',
        args: { owner: owner.name, roles: held.join(', '), status },
        evidence: { owner: owner.id, roles: held, ownerStatus: status, networkConnection: connection ?? 'not collected' },
      });
      return;
    }
    // A ZONE condition with no included zone restricts nothing: with excluded zones it is "Not in any of the
    // following zones" (every other IP is accepted), and with none it names no zone at all.
    const excluded = connection === 'ZONE' && (network?.include ?? []).length === 0 ? (network?.exclude ?? []) : undefined;
    const anywhere = connection === 'ANYWHERE' || excluded !== undefined;
    ctx.report({
      messageId: excluded?.length ? 'adminAnywhereExcept' : anywhere ? 'adminAnywhere' : 'admin',
      severity: anywhere ? 'critical' : 'high',
      args: { owner: owner.name, roles: held.join(', '), ...(excluded?.length ? { zones: excluded.join(', ') } : {}) },
      evidence: { owner: owner.id, roles: held, networkConnection: connection ?? 'not collected', ...(excluded?.length ? { excludedZones: excluded } : {}) },
    });
  },
});
