import { describe, expect, it } from 'vitest';
import { tierEvidenceMissing } from '../../src/rule-kit.js';
import { AGENT_BLUEPRINT_GAP } from '../../src/connectors/entra/endpoints.js';
import { EntraGraph, TENANT } from '../helpers/entra-builders.js';

const blueprintAgent = { confidence: 'authoritative' as const, reasons: ['@odata.type agentIdentityBlueprintPrincipal'] };

/**
 * A blueprint principal; a user who owns it; a service principal holding an app role that can add
 * a credential to it (the transform's CAN_ESCALATE_TO from the role); a member of a group holding
 * that role; and a bystander. With `gap`, the blueprint links were not read.
 */
function tenant(gap: boolean) {
  const g = new EntraGraph();
  if (gap) g.b.addCoverage({ provider: 'entra', scope: TENANT, capability: AGENT_BLUEPRINT_GAP, status: 'error', reason: '400 BadRequest on GET /v1.0/servicePrincipals' });
  const bp = g.sp('Sales Blueprint', { type: 'entra-agent-identity', agent: blueprintAgent, attrs: { agentKind: 'blueprint-principal' } });
  const owner = g.user('Olga');
  g.owner(owner, bp);
  const holder = g.sp('creds-bot');
  const role = g.appRole(holder, 'AgentIdentityBlueprint.AddRemoveCreds.All');
  g.b.addEdge({ from: role, to: bp, type: 'CAN_ESCALATE_TO', reason: 'can add a credential to every blueprint', hidden: true, evidence: { method: 'AZAddSecret' } });
  const grp = g.group('Agent admins');
  g.b.addEdge({ from: grp, to: role, type: 'GRANTED', reason: 'group holds the role', hidden: true });
  const member = g.user('Mina');
  g.b.addEdge({ from: member, to: grp, type: 'MEMBER_OF', reason: 'member' });
  const bystander = g.sp('payroll-sync');
  const graph = g.build();
  const missing = (id: string) => tierEvidenceMissing(graph, graph.node(id)!);
  return { missing, bp, owner, holder, member, bystander };
}

// A blueprint whose agent identities were not read has a tier that is a lower bound (the agents it
// obtains tokens for are not known); whoever can take it over takes that tier, a lower bound too.
describe('blueprint links not read: who can take a blueprint over has a lower-bound tier', () => {
  it('the blueprint, its owner, the holder of a role with an escalation into it and a member of a group holding that role', () => {
    const t = tenant(true);
    for (const id of [t.bp, t.owner, t.holder, t.member]) expect(t.missing(id)).toMatch(/^the blueprints of the agent identities of tenant .* were not read \(error: 400 BadRequest/);
    // Near miss: an identity with no way into a blueprint.
    expect(t.missing(t.bystander)).toBeUndefined();
  });

  // A blueprint registered here whose principal came untyped is one entra-service-principal node
  // with the application's appOdataType: agentBlueprintsUnread marks its tier a lower bound, and so
  // whoever can take it over.
  it('the owner of a blueprint whose principal came untyped (an entra-service-principal node) is a lower bound too', () => {
    const g = new EntraGraph();
    g.b.addCoverage({ provider: 'entra', scope: TENANT, capability: AGENT_BLUEPRINT_GAP, status: 'error', reason: '400 BadRequest on GET /v1.0/servicePrincipals' });
    const bp = g.sp('Sales Blueprint', { agent: { confidence: 'authoritative', reasons: ['application @odata.type agentIdentityBlueprint'] }, attrs: { appOdataType: 'agentIdentityBlueprint' } });
    const owner = g.user('Olga');
    g.owner(owner, bp);
    const bystander = g.user('Pia');
    const graph = g.build();
    const missing = (id: string) => tierEvidenceMissing(graph, graph.node(id)!);
    expect(graph.node(bp)!.type).toBe('entra-service-principal');
    for (const id of [bp, owner]) expect(missing(id)).toMatch(/^the blueprints of the agent identities of tenant .* were not read/);
    expect(missing(bystander)).toBeUndefined();
  });

  it('near miss: with the links read, nobody is a lower bound for them', () => {
    const t = tenant(false);
    for (const id of [t.bp, t.owner, t.holder, t.member, t.bystander]) expect(t.missing(id)).toBeUndefined();
  });
});
