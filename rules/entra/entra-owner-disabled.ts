import { defineRule, ownersOf } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-owner-disabled',
    title: 'Disabled account is still listed as an owner',
    severity: 'low',
    tiered: true,
    providers: ['entra'],
    owasp: ['NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-01'] },
    description:
      'Flags each disabled owner of an app or service principal that still has at least one owner who is a person and not disabled (when every person who owns it is disabled, or no owner is a person, entra-app-no-owner reports it instead).',
    risk: 'Stale ownership makes reviews and incident response ask the wrong person, and re-enabling a departed account restores its control over the app.',
    remediation: 'Remove the disabled account from the owners and confirm the remaining owners are the right people.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
      'https://learn.microsoft.com/en-us/graph/api/application-delete-owners',
    ],
    maturity: 'stable',
    messages: {
      disabledOwner: 'Owner {{owner}} of {{name}} is disabled but still listed as an owner.',
    },
  },
  evaluates: {
    types: ['entra-service-principal', 'entra-agent-identity', 'entra-application'],
    where: (n) => n.firstParty !== true,
  },
  check(subject, ctx) {
    if (subject.attrs.ownersCollected !== true) {
      ctx.unknown('owners of this object were not read');
      return;
    }
    const owners = ownersOf(ctx.graph, subject);
    const disabled = owners.filter((o) => o.enabled === false);
    // When every person who owns it is disabled (or no owner is a person), nobody accountable is
    // left: entra-app-no-owner reports that, whatever machine owners remain enabled.
    if (disabled.length === 0 || owners.every((o) => o.enabled === false || o.kind !== 'human')) return;
    for (const o of disabled) {
      ctx.report({ messageId: 'disabledOwner', args: { owner: o.name }, evidence: { owner: o.id }, key: o.id });
    }
  },
});
