import { defineRule, ownersOf, tierLabel, tierLowerBound } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-owner-is-service-principal',
    title: 'Application is owned by another service principal',
    severity: 'medium',
    tiered: true,
    providers: ['entra'],
    owasp: ['NHI5:2025', 'NHI1:2025'],
    frameworks: { nistCsf: ['PR.AA-05'] },
    description:
      'Flags apps and service principals with a service principal among their owners. An owner can add credentials, so whoever controls the owning workload controls this one too (an ownership chain).',
    risk: 'Ownership chains hand one workload the power to mint credentials for another; a compromise of the owner spreads silently, and no person is accountable for the owned app.',
    remediation:
      'Replace service-principal owners with people; where automation must manage apps, give it Application.ReadWrite.OwnedBy on a dedicated, reviewed set of apps.',
    references: [
      'https://bloodhound.specterops.io/resources/edges/az-owns',
      'https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/overview-assign-app-owners',
    ],
    maturity: 'stable',
    messages: {
      spOwner: '{{name}} is owned by service principal {{owner}} (tier {{ownerTierLabel}}), which can add credentials to it.',
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
    for (const o of ownersOf(ctx.graph, subject)) {
      if (o.kind !== 'identity' || o.type === 'entra-user' || o.id === subject.id) continue;
      const ownerTier = ctx.analysis.tier(o);
      ctx.report({ messageId: 'spOwner', args: { owner: o.name, ownerTier, ownerTierLabel: tierLabel(ownerTier, tierLowerBound(ctx.graph, ctx.analysis, o)) }, evidence: { owner: o.id, ownerTier }, key: o.id });
    }
  },
});
