import { cannotJudge, defineRule, hoursOver, missingCapability } from '../../src/rule-kit.js';

interface TrustFacts {
  unusable?: { problem: string };
  statements: { effect: 'Allow' | 'Deny'; notPrincipal: boolean; principals: { type: string; providerArn?: string }[] }[];
}

export default defineRule({
  meta: {
    id: 'aws-saml-long-session',
    title: 'SAML-federated role allows sessions longer than the limit',
    severity: 'low',
    providers: ['aws'],
    owasp: ['NHI7:2025'],
    frameworks: { nistCsf: ['PR.AA-03'] },
    description:
      'Reports roles entered through a SAML provider whose `MaxSessionDuration` exceeds the limit (1 hour by default, the IAM default for a role and the limit the reference catalog sets for federated AWS sessions). The value comes from ListRoles (`list-roles.json`, capability `aws.roleSessions`); `get-account-authorization-details` does not return it, so without it (a snapshot made before the collector read ListRoles, `--aws-authz-details` input, ListRoles denied or failed, or a role created after the list was read) the verdict is unknown, with the reason. IAM Identity Center roles (path `/aws-reserved/sso.amazonaws.com/`, named `AWSReservedSSO_*`) are not evaluated: their session length is the permission set\'s `SessionDuration`, set in IAM Identity Center, and IAM does not let the role be edited.',
    risk: 'Role session credentials stay valid for their whole lifetime even after the person is disabled in the IdP or the session is stolen from a browser or a CLI cache: a 12-hour session is 12 hours of unrevocable access.',
    remediation:
      'Lower the role\'s maximum session duration (`aws iam update-role --max-session-duration`) and the IdP\'s SessionDuration attribute to what the work needs, e.g. one to four hours.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html#id_roles_update-session-duration',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html#saml_role-session-duration',
      'https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html',
    ],
    maturity: 'stable',
    messages: {
      long: 'Role {{name}} is entered through SAML ({{providers}}) and allows {{hours}}-hour sessions, longer than the {{limitHours}}-hour limit',
    },
    options: {
      maxSessionHours: { default: 1, description: 'longest acceptable MaxSessionDuration, in hours (1 is the IAM default)' },
    },
  },
  evaluates: {
    types: ['aws-iam-role'],
    where: (n) => {
      // An IAM Identity Center role (path /aws-reserved/sso.amazonaws.com/, AWSReservedSSO_*):
      // the service writes its MaxSessionDuration from the permission set's session duration,
      // and IAM refuses changes to it; the length is the permission set's to set, not the role's.
      if (n.attrs.managedBy === 'IAM Identity Center') return false;
      const t = n.attrs.trust as TrustFacts | undefined;
      return t?.statements?.some((s) => s.effect === 'Allow' && !s.notPrincipal && s.principals.some((p) => p.type === 'saml')) === true;
    },
    requires: ['aws.iam'],
  },
  check(role, ctx) {
    const seconds = role.attrs.maxSessionDuration;
    if (typeof seconds !== 'number') {
      // The authorization details never carry it: ListRoles (aws.roleSessions) does.
      const missing = missingCapability(ctx.graph, role, ['aws.roleSessions']);
      if (missing) return ctx.unknown(`${cannotJudge(missing, 'whether its sessions outlast the limit')} (ListRoles returns MaxSessionDuration; the authorization details do not)`);
      return ctx.unknown('MaxSessionDuration was not read: the role is not in the ListRoles answer (made after the list was read?)');
    }
    const limit = Number(ctx.options.maxSessionHours);
    if (seconds <= limit * 3600) return;
    const t = role.attrs.trust as TrustFacts;
    const providers = [...new Set(t.statements.flatMap((s) => s.principals.filter((p) => p.type === 'saml').map((p) => p.providerArn ?? 'SAML')))];
    ctx.report({
      messageId: 'long',
      args: { providers: providers.map((a) => a.slice(a.lastIndexOf('/') + 1)).join(', '), hours: hoursOver(seconds, limit), limitHours: limit },
      evidence: { maxSessionDuration: seconds, samlProviders: providers },
    });
  },
});
