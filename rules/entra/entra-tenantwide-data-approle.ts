import { APP_ROLE_DISABLED, appRoleCategoryUnread, cannotJudge, defineRule, targets } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-tenantwide-data-approle',
    title: 'Service principal can read or write every mailbox, file or chat in the tenant',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI5:2025'],
    frameworks: { asi: ['ASI02'], nistCsf: ['PR.AA-05'] },
    description:
      'Flags tenant-wide data application permissions: write/send ones (Mail.Send, Mail.ReadWrite, Files/Sites.ReadWrite.All, Sites.FullControl.All, Chat.ReadWrite.All, full_access_as_app) at high severity and read-all ones (Mail.Read, Files.Read.All, Sites.Read.All, Chat.Read.All) at medium. An assignment of an app role the resource marks disabled (isEnabled false) is reported one step lower (medium, low for read-all) and the message says so: no token carries it today, but whoever re-enables the role re-arms every holder at once.',
    risk: 'App-only data permissions apply to every user: Mail.Send sends as the CEO, Files.ReadWrite.All rewrites any document, the read variants allow mass exfiltration.',
    remediation:
      'Use resource-scoped alternatives (Sites.Selected, Exchange RBAC for Applications or application access policies) and remove the tenant-wide permission.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
      'https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac',
      'https://learn.microsoft.com/en-us/graph/permissions-selected-overview',
    ],
    maturity: 'stable',
    messages: {
      write: '{{name}} holds {{permission}} on {{resource}}: it can change or send data for every user in the tenant.',
      read: '{{name}} holds {{permission}} on {{resource}}: it can read that data for every user in the tenant.',
      writeDisabled: `{{name}} holds {{permission}} on {{resource}}, which would let it change or send data for every user in the tenant; ${APP_ROLE_DISABLED}.`,
      readDisabled: `{{name}} holds {{permission}} on {{resource}}, which would let it read that data for every user in the tenant; ${APP_ROLE_DISABLED}.`,
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity'],
    where: (n) => n.firstParty !== true,
    requires: ['entra.appRoleAssignments'],
  },
  check(subject, ctx) {
    // A resource whose assignments were not read with such a permission among its app roles
    // (Microsoft Graph's, Exchange's, SharePoint's): the subject may hold it. One found still fails.
    const unread = appRoleCategoryUnread(ctx.graph, subject, ['data-write', 'data-read']);
    if (unread) ctx.unknown(cannotJudge(unread, 'whether it holds a tenant-wide data permission'));
    for (const p of targets(ctx.graph, subject, 'GRANTED')) {
      if (p.type !== 'entra-app-role') continue;
      const cat = p.attrs.category;
      if (cat !== 'data-write' && cat !== 'data-read') continue;
      // A disabled app role is in no token today: latent, one step below the live grant.
      const off = p.enabled === false;
      const write = cat === 'data-write';
      ctx.report({
        messageId: `${write ? 'write' : 'read'}${off ? 'Disabled' : ''}`,
        args: { permission: String(p.attrs.permission), resource: String(p.attrs.resourceName) },
        evidence: { privilege: p.id, appRoleId: p.attrs.appRoleId, ...(off ? { appRoleDisabled: true } : {}) },
        key: p.id,
        severity: write ? (off ? 'medium' : 'high') : off ? 'low' : 'medium',
      });
    }
  },
});
