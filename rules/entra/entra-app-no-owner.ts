import { defineRule, ownersOf } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-app-no-owner',
    title: 'Application or service principal has no active owner who is a person',
    severity: 'medium',
    tiered: true,
    providers: ['entra'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01', 'PR.AA-05'] },
    description:
      'Flags apps and service principals registered in this tenant that have no owner who is a person: no owner at all, only machine owners (service principals, service-account users), or only people who are all disabled. Third-party, Microsoft first-party, managed and agent identities (see entra-agent-no-sponsor) are not evaluated.',
    risk: 'Without an accountable owner nobody rotates the credentials, answers access reviews or retires the app when its purpose ends; orphaned privileged apps are a favourite foothold.',
    remediation: 'Assign at least two active owners (people, not other service principals) and record them in your identity governance process.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
      'https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/assign-app-owners',
    ],
    maturity: 'stable',
    messages: {
      noOwner: '{{name}} has no owner.',
      machineOwnersOnly: '{{name}} is owned only by machine identities ({{owners}}); no person is accountable for it.',
      allDisabled: 'Every owner of {{name}} is disabled ({{owners}}).',
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-application'],
    where: (n) => n.firstParty !== true && n.thirdParty === undefined && n.attrs.tenantOwned === true,
  },
  check(subject, ctx) {
    if (subject.attrs.ownersCollected !== true) {
      ctx.unknown('owners of this object were not read');
      return;
    }
    const all = ownersOf(ctx.graph, subject);
    if (all.length === 0) {
      ctx.report({ messageId: 'noOwner', evidence: { owners: [] } });
      return;
    }
    // Only a person answers for an app: a service principal or service-account user that owns it
    // can add credentials (entra-owner-is-service-principal) but reviews and retires nothing.
    const owners = all.filter((o) => o.kind === 'human');
    if (owners.length === 0) {
      ctx.report({
        messageId: 'machineOwnersOnly',
        args: { owners: all.map((o) => o.name).sort().join(', ') },
        evidence: { owners: all.map((o) => o.id).sort() },
      });
      return;
    }
    // With no owner known to be enabled, one whose account status was not read decides the verdict.
    if (!owners.some((o) => o.enabled === true) && owners.some((o) => o.enabled === undefined)) {
      ctx.unknown('the account status of an owner was not read');
      return;
    }
    if (owners.every((o) => o.enabled === false)) {
      ctx.report({
        messageId: 'allDisabled',
        args: { owners: owners.map((o) => o.name).sort().join(', ') },
        evidence: { owners: owners.map((o) => o.id).sort() },
      });
    }
  },
});
