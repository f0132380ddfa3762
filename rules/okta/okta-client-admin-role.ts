import { defineRule, targets, type Severity, oktaServiceAppActive } from '../../src/rule-kit.js';

const BY_TIER: Record<number, Severity> = { 4: 'critical', 3: 'high', 2: 'medium' };

export default defineRule({
  meta: {
    id: 'okta-client-admin-role',
    title: 'Okta OAuth client holds an admin role',
    severity: 'high',
    providers: ['okta'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Fails each admin role assigned to a service app as an OAuth client. Severity follows the role: SUPER_ADMIN / ORG_ADMIN critical; APP, USER, GROUP_MEMBERSHIP, HELP_DESK and API_ACCESS_MANAGEMENT admin high; custom and other roles medium; read-only low. Apps that are not ACTIVE are not evaluated: an inactive app cannot get tokens, and who can reactivate it is reported on their own grants and roles.',
    risk: 'The role caps what the app\'s okta.* scopes can do; a broad role turns a leaked client credential into an admin session with no MFA and no human in the loop.',
    remediation: 'Replace the built-in role with a custom role bound to a resource set that covers only what the integration manages; never give SUPER_ADMIN or ORG_ADMIN to a machine client.',
    references: [
      'https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/',
      'https://help.okta.com/en-us/content/topics/security/administrators-admin-comparison.htm',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
    ],
    maturity: 'stable',
    messages: { role: 'Service app {{name}} holds the admin role {{role}} (T{{tier}})' },
  },
  evaluates: { types: ['okta-service-app'], where: oktaServiceAppActive, requires: ['okta.apps', 'okta.clientRoles'] },
  check(subject, ctx) {
    if (subject.attrs.clientRolesCollected !== true) return ctx.unknown("the client's admin roles were not read");
    for (const role of targets(ctx.graph, subject, 'HAS_ROLE')) {
      if (role.type !== 'okta-admin-role') continue;
      const tier = role.tier ?? 2;
      ctx.report({
        messageId: 'role',
        key: role.nativeId,
        severity: BY_TIER[tier] ?? 'low',
        args: { role: role.name, tier },
        evidence: { role: role.nativeId, tier },
      });
    }
  },
});
