import { blueprintSponsorship, defineRule, sources, sponsorAnswers, sponsorMayAnswer } from '../../src/rule-kit.js';

export default defineRule({
  meta: {
    id: 'entra-agent-no-sponsor',
    title: 'AI agent identity has no active sponsor or owner',
    severity: 'high',
    providers: ['entra'],
    owasp: ['NHI1:2025'],
    frameworks: { asi: ['ASI10', 'ASI03'], nistCsf: ['PR.AA-01'] },
    description:
      'Flags Entra Agent ID identities, blueprint principals and blueprints (a blueprint with no principal in the tenant included) with no enabled sponsor, whatever their owners, and identities recognised as AI agents by name or configuration with neither an enabled sponsor nor an enabled owner. A sponsor counts only when it is a person or a group, an owner only when it is a person: a service principal (which a blueprint principal may have as sponsor) or a service-account user answers for nothing. Agent ID sets sponsors per object: a blueprint principal is judged by its own sponsor list (beta `GET /servicePrincipals/{id}/microsoft.graph.agentIdentityBlueprintPrincipal/sponsors`), and a blueprint registered in this tenant, which is one object with its principal here, by both lists: an enabled sponsor on either answers for it. When a list it has was not read (a collector that did not read blueprint principals\' sponsors, a refused read) and no enabled sponsor was found on the other, the answer is unknown, never a pass. An agent identity without a sponsor of its own still fails, as Agent ID requires one on each agent identity and sets them per object; but the sponsors of its blueprint are accountable for the lifecycle of the agent identities created from it, so when its blueprint (principal) has an enabled sponsor the finding is medium and names the blueprint and those sponsors, and the report\'s owners of the agent list them (via the blueprint). When the blueprint\'s sponsors, their account status or which blueprint it is (agentIdentityBlueprintId) were not read, the finding stays high and says what was not read.',
    risk: 'An agent acts on its own; without a sponsor nobody answers for what it does, reviews its access or shuts it down, which is the precursor of a rogue agent.',
    remediation: 'Add a user or group sponsor (Agent ID requires one) or an accountable owner, or disable the agent identity.',
    references: [
      'https://learn.microsoft.com/en-us/entra/agent-id/identity-platform/agent-identities',
      'https://learn.microsoft.com/en-us/graph/api/agentidentity-list-sponsors?view=graph-rest-beta',
      'https://learn.microsoft.com/en-us/graph/api/agentidentityblueprint-list-sponsors?view=graph-rest-beta',
      'https://learn.microsoft.com/en-us/graph/api/agentidentityblueprintprincipal-list-sponsors?view=graph-rest-beta',
      'https://learn.microsoft.com/en-us/graph/api/agentidentityblueprintprincipal-post-sponsors',
      'https://learn.microsoft.com/en-us/entra/agent-id/agent-owners-sponsors-managers',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/',
      'https://genai.owasp.org/resource/owasp-top-10-for-agentic-applications-for-2026/',
    ],
    maturity: 'experimental',
    messages: {
      noSponsor: 'Agent {{name}} ({{confidence}}: {{reasons}}) has no active sponsor.',
      blueprintSponsored: 'Agent {{name}} ({{confidence}}: {{reasons}}) has no active sponsor of its own; only the sponsors of its blueprint {{blueprint}} ({{sponsors}}) answer for it.',
      blueprintUnknown: 'Agent {{name}} ({{confidence}}: {{reasons}}) has no active sponsor, and whether its blueprint has one is not known: {{why}}.',
      noAccountable: 'Agent {{name}} ({{confidence}}: {{reasons}}) has no active sponsor or owner.',
    },
  },
  evaluates: {
    types: ['entra-agent-identity', 'entra-service-principal', 'entra-application'],
    where: (n) => n.agent !== undefined && n.firstParty !== true && n.thirdParty === undefined,
  },
  check(subject, ctx) {
    const agent = subject.agent!;
    // A typed Agent ID object: an agent identity, a blueprint principal, or a blueprint whose
    // application has no principal in the tenant (an entra-application node). Each has sponsors
    // (a blueprint registered here and its principal: two lists, one node; addSponsors).
    const authoritative = agent.confidence === 'authoritative';
    const args = { confidence: agent.confidence, reasons: agent.reasons.join('; ') };
    // Groups have no account status; a person whose accountEnabled was not read may be inactive.
    // A service principal (a blueprint principal may have one as sponsor) or a service-account
    // user answers for nothing, as an owner of that kind does not below. An enabled sponsor
    // answers whatever list it is on, even when another list was not read.
    const sponsors = sources(ctx.graph, subject, 'SPONSORS').filter(sponsorMayAnswer);
    if (sponsors.some(sponsorAnswers)) return;
    // A parent missing from agentSponsors.json was not read (snapshot format), whatever the coverage says.
    if (authoritative && subject.attrs.sponsorsCollected !== true) {
      ctx.unknown('agent sponsors were not read');
      return;
    }
    const undecided = sponsors.length > 0;
    if (authoritative) {
      if (undecided) {
        ctx.unknown('the account status of a sponsor was not read');
        return;
      }
      // An agent identity without a sponsor of its own still breaks Agent ID's rule of one on each
      // agent identity; its blueprint's sponsors answer for the lifecycle of the agents created
      // from it, so a sponsored blueprint makes it a gap in the record (medium), not an agent
      // nobody answers for. When the blueprint's sponsors were not read, it stays high and says so.
      const via = blueprintSponsorship(ctx.graph, subject);
      if (via?.status === 'sponsored') {
        ctx.report({
          messageId: 'blueprintSponsored',
          severity: 'medium',
          args: { ...args, blueprint: via.blueprint.name, sponsors: via.sponsors.join(', ') },
          evidence: { agent, blueprint: via.blueprint.name, blueprintSponsors: via.sponsors },
        });
      } else if (via?.status === 'unknown') {
        ctx.report({ messageId: 'blueprintUnknown', args: { ...args, why: via.why }, evidence: { agent, blueprint: via.blueprint?.name ?? 'not known', blueprintSponsorsUnknown: via.why } });
      } else ctx.report({ messageId: 'noSponsor', args, evidence: { agent } });
      return;
    }
    if (subject.attrs.ownersCollected !== true) {
      ctx.unknown('owners of this object were not read');
      return;
    }
    const owners = sources(ctx.graph, subject, 'OWNS').filter((o) => o.enabled !== false && o.kind === 'human');
    if (owners.some((o) => o.enabled === true)) return;
    if (undecided || owners.length > 0) ctx.unknown('the account status of a sponsor or owner was not read');
    else ctx.report({ messageId: 'noAccountable', args, evidence: { agent } });
  },
});
