import { describe, it, expect } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { summarizeIdentity } from '../../src/scan.js';
import { recommendActions, renderRecertCsv } from '../../src/reporters/recert.js';
import { graphOf, node, edge } from '../helpers/graph.js';

const opts = { now: new Date('2026-11-20T00:00:00Z'), config: DEFAULT_CONFIG };
const person = (id: string, enabled?: boolean) => node(id, { kind: 'human', provider: 'okta', type: 'okta-user', ...(enabled === undefined ? {} : { enabled }) });
const svcUser = (id: string) => node(id, { provider: 'okta', type: 'okta-user', enabled: true, machineReasons: ['login matches a service-account pattern'] });

describe('accountable humans: people only', () => {
  it('lists each of 20,000 owners once, an owner of both objects and an inherited one included', () => {
    // Past a few entries the owners listed already are found with a set: the same list as the scan.
    const n = 20000;
    const people = Array.from({ length: n }, (_, i) => person(`p${i}`, i % 3 !== 0));
    const edges = people.map((p) => edge(p.id, 'app', 'OWNS'));
    // p7 owns the app registration and its service principal too (one node, two edges); p8 also sponsors it.
    edges.push(edge('p7', 'app', 'OWNS', { reason: 'owns the service principal' }), edge('p8', 'app', 'SPONSORS'));
    // A token whose account has 20,000 managers, one of them twice.
    edges.push(edge('svc', 'tok', 'OWNS'), edge('tok', 'svc', 'ACTS_AS'), ...people.map((p) => edge(p.id, 'svc', 'MANAGES')), edge('p5', 'svc', 'MANAGES'));
    const g = graphOf([node('app', { provider: 'entra', type: 'entra-service-principal' }), node('tok', { provider: 'okta', type: 'okta-api-token' }), svcUser('svc'), ...people], edges);
    const a = analyze(g, opts);
    const expected = people.map((p) => ({ id: p.id, name: p.id, relation: 'owns', enabled: p.enabled }));
    expect(a.owners('app')).toEqual([...expected, { id: 'p8', name: 'p8', relation: 'sponsors', enabled: true }]);
    expect(a.owners('tok')).toEqual([
      { id: 'svc', name: 'svc', relation: 'owns', enabled: true, note: 'service account, not accountable' },
      ...people.map((p) => ({ id: p.id, name: p.id, relation: 'manages', enabled: p.enabled, via: 'svc' })),
    ]);
  });

  it('a service-account user, a service principal or a group owning an identity is listed as an owner but is not accountable', () => {
    const g = graphOf(
      [
        node('app', { provider: 'entra', type: 'entra-service-principal' }),
        svcUser('svc'),
        node('sp', { provider: 'entra', type: 'entra-service-principal', enabled: true }),
        node('grp', { kind: 'group', provider: 'entra', type: 'entra-group' }),
        person('amy', true),
      ],
      [edge('svc', 'app', 'OWNS'), edge('sp', 'app', 'OWNS'), edge('grp', 'app', 'SPONSORS'), edge('amy', 'app', 'OWNS')],
    );
    const a = analyze(g, opts);
    expect(a.accountable('app')).toEqual([{ id: 'amy', name: 'amy', relation: 'owns', enabled: true }]);
    expect(a.owners('app')).toEqual([
      { id: 'svc', name: 'svc', relation: 'owns', enabled: true, note: 'service account, not accountable' },
      { id: 'sp', name: 'sp', relation: 'owns', enabled: true, note: 'service principal, not accountable' },
      { id: 'grp', name: 'grp', relation: 'sponsors', note: 'group, not accountable' },
      { id: 'amy', name: 'amy', relation: 'owns', enabled: true },
    ]);
    expect(Object.isFrozen(a.owners('app'))).toBe(true);
    // The summary shows every owner, the machine ones with their note.
    const s = summarizeIdentity(g, a, 'app', []);
    expect(s.owners).toEqual([
      { name: 'amy', relation: 'owns', enabled: true },
      { name: 'grp', relation: 'sponsors', accountable: false, note: 'group, not accountable' },
      { name: 'sp', relation: 'owns', enabled: true, accountable: false, note: 'service principal, not accountable' },
      { name: 'svc', relation: 'owns', enabled: true, accountable: false, note: 'service account, not accountable' },
    ]);
  });

  it('an API token owned by a service account answers to that account\'s accountable humans, and to nobody when it has none', () => {
    const g = graphOf(
      [
        node('tok', { provider: 'okta', type: 'okta-api-token' }),
        svcUser('svc'),
        node('tok2', { provider: 'okta', type: 'okta-api-token' }),
        svcUser('svc2'),
        person('boss', true),
      ],
      [
        edge('svc', 'tok', 'OWNS'),
        edge('tok', 'svc', 'ACTS_AS'),
        edge('boss', 'svc', 'MANAGES'),
        edge('svc2', 'tok2', 'OWNS'),
        edge('tok2', 'svc2', 'ACTS_AS'),
      ],
    );
    const a = analyze(g, opts);
    // The token is the service account's credential: whoever answers for the account answers for it.
    expect(a.accountable('tok')).toEqual([{ id: 'boss', name: 'boss', relation: 'manages', enabled: true, via: 'svc' }]);
    expect(a.owners('tok').map((o) => o.name)).toEqual(['svc', 'boss']);
    expect(a.accountable('tok2')).toEqual([]);
    expect(a.owners('tok2')).toEqual([{ id: 'svc2', name: 'svc2', relation: 'owns', enabled: true, note: 'service account, not accountable' }]);
    const s = summarizeIdentity(g, a, 'tok2', []);
    expect(recommendActions(s, Date.parse('2026-11-20T00:00:00Z')).map((x) => x.action)).toContain('assign owner');
  });

  // Agent ID: the sponsors of an agent identity's blueprint are accountable for the agents created
  // from it. One with no sponsor of its own lists them, via the blueprint; one with its own does not.
  it('an agent identity without a sponsor of its own answers to its blueprint\'s sponsors, via the blueprint', () => {
    const entraPerson = (id: string, enabled?: boolean) => node(id, { kind: 'human', provider: 'entra', type: 'entra-user', ...(enabled === undefined ? {} : { enabled }) });
    const agentNode = (id: string, attrs: Record<string, unknown> = {}) =>
      node(id, { provider: 'entra', type: 'entra-agent-identity', name: id, attrs: { agentKind: 'agent-identity', ownersCollected: true, sponsorsCollected: true, ...attrs } });
    const bp = (id: string, read: boolean) => node(id, { provider: 'entra', type: 'entra-agent-identity', name: `Blueprint ${id}`, attrs: { agentKind: 'blueprint-principal', ownersCollected: true, ...(read && { sponsorsCollected: true }) } });
    const link = (from: string, to: string) => edge(from, to, 'CAN_ASSUME', { hidden: true, evidence: { method: 'AgentIdentityBlueprint' } });
    const g = graphOf(
      [agentNode('a1'), agentNode('a2'), agentNode('a3'), agentNode('a4'), bp('bp1', true), bp('bp2', false), entraPerson('bea', true), entraPerson('own', true), entraPerson('gone', false)],
      [
        link('bp1', 'a1'), link('bp1', 'a2'), link('bp1', 'a3'), link('bp2', 'a4'),
        edge('bea', 'bp1', 'SPONSORS'),
        // a2 has a sponsor of its own: its blueprint's are not added.
        edge('own', 'a2', 'SPONSORS'),
        // a3's own sponsor is disabled: it answers for nothing, the blueprint's do.
        edge('gone', 'a3', 'SPONSORS'),
      ],
    );
    const a = analyze(g, opts);
    expect(a.accountable('a1')).toEqual([{ id: 'bea', name: 'bea', relation: 'sponsors', enabled: true, via: 'blueprint Blueprint bp1' }]);
    expect(a.accountable('a2').map((o) => o.name)).toEqual(['own']);
    expect(a.accountable('a3').map((o) => [o.name, o.via])).toEqual([['gone', undefined], ['bea', 'blueprint Blueprint bp1']]);
    const now = Date.parse('2026-11-20T00:00:00Z');
    const s1 = summarizeIdentity(g, a, 'a1', []);
    expect(s1.owners).toEqual([{ name: 'bea', relation: 'sponsors', enabled: true, via: 'blueprint Blueprint bp1' }]);
    expect(s1.ownersIncomplete).toBeUndefined();
    expect(recommendActions(s1, now).map((x) => x.action)).not.toContain('assign owner');
    expect(renderRecertCsv({ scannedAt: '2026-11-20T00:00:00Z', identities: [s1], findings: [] } as never)).toContain('bea (sponsors blueprint Blueprint bp1, active)');
    // a4's blueprint's sponsors were not read: who answers for it is not known, not "nobody".
    const s4 = summarizeIdentity(g, a, 'a4', []);
    expect([s4.owners, s4.ownersIncomplete]).toEqual([[], true]);
    expect(recommendActions(s4, now).map((x) => x.action)).not.toContain('assign owner');
  });

  // A blueprint registered here with no principal in the tenant is judged by its sponsor list
  // (entra-agent-no-sponsor answers unknown when it was not read): an empty owner list is then no
  // evidence that nobody answers for it.
  it('an Agent ID blueprint application whose sponsors were not read has incomplete owners, not "no accountable owner"', () => {
    const app = (id: string, sponsorsRead: boolean) =>
      node(id, { provider: 'entra', type: 'entra-application', name: id, attrs: { appOdataType: 'agentIdentityBlueprint', ownersCollected: true, ...(sponsorsRead && { sponsorsCollected: true }) } });
    const g = graphOf([app('unread', false), app('read', true)], []);
    const a = analyze(g, opts);
    const now = Date.parse('2026-11-20T00:00:00Z');
    const unread = summarizeIdentity(g, a, 'unread', []);
    expect(unread.ownersIncomplete).toBe(true);
    expect(recommendActions(unread, now).map((x) => x.action)).not.toContain('assign owner');
    // Near miss: its sponsors read, and none, it has no accountable owner.
    const read = summarizeIdentity(g, a, 'read', []);
    expect(read.ownersIncomplete).toBeUndefined();
    expect(recommendActions(read, now).map((x) => x.action)).toContain('assign owner');
  });

  it('does not carry accountability through a service principal that owns another (no person answers for the owned app)', () => {
    const g = graphOf(
      [node('app', { provider: 'entra', type: 'entra-service-principal' }), node('sp', { provider: 'entra', type: 'entra-service-principal', enabled: true }), person('marco', true)],
      [edge('sp', 'app', 'OWNS'), edge('marco', 'sp', 'OWNS')],
    );
    const a = analyze(g, opts);
    expect(a.accountable('app')).toEqual([]);
    expect(a.accountable('sp')).toEqual([{ id: 'marco', name: 'marco', relation: 'owns', enabled: true }]);
  });

  it('the recert sheet shows a machine owner with its note and asks for an accountable owner', () => {
    const g = graphOf([node('app', { provider: 'entra', type: 'entra-service-principal', attrs: { ownersCollected: true } }), svcUser('svc')], [edge('svc', 'app', 'OWNS')]);
    const a = analyze(g, opts);
    const s = summarizeIdentity(g, a, 'app', []);
    const csv = renderRecertCsv({ scannedAt: '2026-11-20T00:00:00Z', identities: [s], findings: [] } as never);
    const [header, row] = csv.trim().split('\n');
    const cols = header.split(',');
    const cells = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
    expect(cells[cols.indexOf('owners')]).toBe('svc (owns, service account, not accountable)');
    expect(cells[cols.indexOf('owner_status')]).toBe('none');
    expect(cells[cols.indexOf('recommended_action')]).toBe('assign owner');
    expect(cells[cols.indexOf('action_reasons')]).toContain('no accountable owner: owned only by machine identities (svc)');
  });
});

describe('autonomy: power of its own, however held', () => {
  const ga = node('ga', { kind: 'privilege', provider: 'entra', type: 'entra-directory-role', tier: 4, crownJewel: 'admin' });
  const scope = node('scope', { kind: 'privilege', provider: 'entra', type: 'entra-delegated-scope', tier: 1 });
  it.each([
    ['MEMBER_OF a group holding Global Administrator', [node('grp', { kind: 'group', provider: 'entra', type: 'entra-group' })], [edge('a', 'grp', 'MEMBER_OF'), edge('grp', 'ga', 'HAS_ROLE')]],
    ['CAN_ESCALATE_TO an identity with power', [node('b', { provider: 'entra', type: 'entra-service-principal' })], [edge('a', 'b', 'CAN_ESCALATE_TO'), edge('b', 'ga', 'GRANTED')]],
    ['ACTS_AS an identity with power', [node('b', { provider: 'entra', type: 'entra-service-principal' })], [edge('a', 'b', 'ACTS_AS'), edge('b', 'ga', 'HAS_ROLE')]],
  ] as const)('an SP with one delegated grant that holds power through %s is not human-triggered', (_, nodes, edges) => {
    const g = graphOf([node('a', { provider: 'entra', type: 'entra-service-principal' }), ga, scope, ...nodes], [edge('a', 'scope', 'DELEGATED_GRANT'), ...edges]);
    const a = analyze(g, opts);
    expect(a.autonomy('a')).toBe('scheduled');
    expect(a.autonomyReason('a')).toMatch(/app-only|of its own/);
  });

  // autonomy() labels every recognised agent autonomous-agent; ownAutonomy() is what its grants
  // show, which nhi-ai-agent-delegated-high-impact rates by.
  it('an AI agent with only a delegated grant is autonomous-agent by label, human-triggered by its own grants', () => {
    const agent = { confidence: 'name' as const, reasons: ['name mentions "assistant"'] };
    const g = graphOf([node('a', { provider: 'entra', type: 'entra-service-principal', agent }), node('b', { provider: 'entra', type: 'entra-service-principal', agent }), scope, ga], [edge('a', 'scope', 'DELEGATED_GRANT'), edge('b', 'scope', 'DELEGATED_GRANT'), edge('b', 'ga', 'GRANTED')]);
    const a = analyze(g, opts);
    expect([a.autonomy('a'), a.ownAutonomy('a'), a.ownAutonomyReason('a')]).toEqual(['autonomous-agent', 'human-triggered', 'acts only through delegated grants for signed-in users']);
    expect([a.autonomy('b'), a.ownAutonomy('b')]).toEqual(['autonomous-agent', 'scheduled']);
    expect(a.autonomyReason('a')).toBe('AI agent (name): name mentions "assistant"');
  });

  // An Entra app role its resource disabled is in no token today: no power of anyone's own, an
  // agent's (ownAutonomy) or an identity's that is no agent (autonomy()).
  it('a disabled app role is no power of an identity\'s own, agent or not', () => {
    const agent = { confidence: 'name' as const, reasons: ['name mentions "assistant"'] };
    const off = node('off', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'Mail.Send (Microsoft Graph)', tier: 2, enabled: false });
    const on = node('on', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'User.Read.All (Microsoft Graph)', tier: 1 });
    const g = graphOf(
      [node('a', { provider: 'entra', type: 'entra-service-principal', agent }), node('b', { provider: 'entra', type: 'entra-service-principal', agent }), node('c', { provider: 'entra', type: 'entra-service-principal' }), node('d', { provider: 'entra', type: 'entra-service-principal' }), scope, off, on],
      [
        edge('a', 'scope', 'DELEGATED_GRANT'), edge('a', 'off', 'GRANTED'),
        edge('b', 'scope', 'DELEGATED_GRANT'), edge('b', 'off', 'GRANTED'), edge('b', 'on', 'GRANTED'),
        edge('c', 'scope', 'DELEGATED_GRANT'), edge('c', 'off', 'GRANTED'),
        edge('d', 'scope', 'DELEGATED_GRANT'), edge('d', 'off', 'GRANTED'), edge('d', 'on', 'GRANTED'),
      ],
    );
    const a = analyze(g, opts);
    expect([a.ownAutonomy('a'), a.ownAutonomyReason('a')]).toEqual(['human-triggered', 'acts only through delegated grants for signed-in users']);
    expect([a.ownAutonomy('b'), a.ownAutonomyReason('b')]).toEqual(['scheduled', 'holds app-only permissions or roles']);
    expect([a.autonomy('c'), a.autonomyReason('c')]).toEqual(['human-triggered', 'acts only through delegated grants for signed-in users']);
    expect([a.ownAutonomy('c'), a.autonomy('d'), a.autonomyReason('d')]).toEqual(['human-triggered', 'scheduled', 'holds app-only permissions or roles']);
  });

  it('near miss: a delegated grant and membership of a group that holds nothing stays human-triggered', () => {
    const g = graphOf(
      [node('a', { provider: 'entra', type: 'entra-service-principal' }), scope, node('grp', { kind: 'group', provider: 'entra', type: 'entra-group' })],
      [edge('a', 'scope', 'DELEGATED_GRANT'), edge('a', 'grp', 'MEMBER_OF')],
    );
    expect(analyze(g, opts).autonomy('a')).toBe('human-triggered');
  });
});
