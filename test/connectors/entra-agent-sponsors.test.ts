import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEntra } from '../../src/connectors/entra/client.js';
import { installNetGuard } from '../fakes/entra-net-guard.js';
import { startEntraFake } from '../fakes/entra-server.js';
import rule from '../../rules/entra/entra-agent-no-sponsor.js';
import { ids } from '../../src/graph/ids.js';
import type { CollectResult } from '../../src/snapshot/types.js';
import { guid, makeEntraDataset, type EntraDataset } from '../fakes/entra-dataset.js';
import { scanLive } from '../e2e/demo.js';
import { FAKE_ENTRA, fakeEntraOptions, useEntraFakeServers } from '../helpers/entra-fake-collect.js';
import { agentBlueprintsUnread, tierEvidenceMissing } from '../../src/rule-kit.js';
import { GRAPH_APP_ID } from '../../src/connectors/entra/permissions.js';

// Agent ID through the collector, the real MSAL client and the snapshot to the rule: a blueprint
// registered in the tenant (application 248, @odata.type agentIdentityBlueprint), its blueprint
// principal (service principal 248) and an agent identity of it (service principal 249, whose
// agentIdentityBlueprintId is the blueprint's appId). Agent ID sets sponsors per object
// (https://learn.microsoft.com/en-us/graph/api/agentidentityblueprintprincipal-list-sponsors?view=graph-rest-beta).

const TENANT = FAKE_ENTRA.tenantId;
const BP = 248;
const AGENT = 249;
const BP_SP = guid(2, BP);
const BP_APP = guid(4, BP);
const principalSponsors = `/servicePrincipals/${BP_SP}/microsoft.graph.agentIdentityBlueprintPrincipal/sponsors`;
const blueprintSponsors = `/applications/${BP_APP}/microsoft.graph.agentIdentityBlueprint/sponsors`;
const user = (n: number) => ({ '@odata.type': '#microsoft.graph.user', id: guid(1, n), displayName: `User ${n}`, userPrincipalName: `user${n}@contoso.example`, accountEnabled: true });

/** The fake tenant with the blueprint, its principal (sponsored by `sponsors`) and its agent identity. */
function agentTenant(sponsors: Record<string, unknown>[]): EntraDataset {
  const d = makeEntraDataset(TENANT, { servicePrincipals: 250 });
  const sp = (i: number) => d.v1['/servicePrincipals'].find((s) => s.id === guid(2, i))!;
  sp(BP)['@odata.type'] = '#microsoft.graph.agentIdentityBlueprintPrincipal';
  d.v1['/applications'].find((a) => a.id === BP_APP)!['@odata.type'] = '#microsoft.graph.agentIdentityBlueprint';
  sp(AGENT).agentIdentityBlueprintId = guid(3, BP);
  d.beta[principalSponsors] = sponsors;
  // The blueprint's own list is empty: only its principal's sponsor answers for it here.
  d.beta[blueprintSponsors] = [];
  return d;
}

const collect = useEntraFakeServers();

const spItems = (r: CollectResult) => (r.files['entra/servicePrincipals.json'] as { value: Record<string, unknown>[] }).value;
const bpNode = ids.entraSp(TENANT, BP_SP);

/** The rule's verdict on the blueprint node: fail (a finding), unknown, or pass. */
function verdict(scan: ReturnType<typeof scanLive>['scan']): string {
  if (scan.report.findings.some((f) => f.ruleId === rule.meta.id && f.subject.id === bpNode)) return 'fail';
  if ((scan.unknownBySubject.get(bpNode) ?? []).includes(rule.meta.id)) return 'unknown';
  return 'pass';
}

describe('Entra Agent ID: blueprint principal sponsors and agentIdentityBlueprintId', () => {
  it('reads the blueprint principal\'s own sponsors and the agent identity\'s blueprint, and the rule judges the blueprint by them', async () => {
    const { result, f } = await collect(agentTenant([user(2)]));
    expect(f.undocumented).toEqual([]);
    expect(f.log.filter((l) => l.path === `/beta${principalSponsors}`).every((l) => l.inBatch && l.status === 200)).toBe(true);
    expect(f.log.some((l) => l.path === `/beta${principalSponsors}`)).toBe(true);
    // $select names the agentIdentity property: the agent identity keeps it, the others have none.
    expect(spItems(result).find((s) => s.id === guid(2, AGENT))!.agentIdentityBlueprintId).toBe(guid(3, BP));
    expect(spItems(result).filter((s) => 'agentIdentityBlueprintId' in s)).toHaveLength(1);
    const sponsors = result.files['entra/agentSponsors.json'] as Record<string, { id: string }[]>;
    expect(Object.keys(sponsors).sort()).toEqual([BP_SP, guid(2, AGENT), BP_APP].sort());
    expect(sponsors[BP_SP].map((s) => s.id)).toEqual([guid(1, 2)]);
    expect(result.coverage.filter((c) => c.status !== 'collected')).toEqual([]);

    const { scan } = scanLive([result]);
    expect(verdict(scan)).toBe('pass');
    // The blueprint obtains the agent identity's tokens: named by agentIdentityBlueprintId.
    const edges = scan.graph.out(bpNode).filter((e) => e.type === 'CAN_ASSUME' && e.to === ids.entraSp(TENANT, guid(2, AGENT)));
    expect(edges).toHaveLength(1);
  });

  it('fails a blueprint whose two lists are read and hold no person or group (a service principal sponsor answers for nothing)', async () => {
    const { result } = await collect(agentTenant([{ '@odata.type': '#microsoft.graph.servicePrincipal', id: guid(2, 2), displayName: 'sp-2', appId: guid(3, 2) }]));
    const { scan } = scanLive([result]);
    expect(verdict(scan)).toBe('fail');
  });

  // The blueprint's own list was read (empty), its principal's was refused: unknown, never judged
  // on the blueprint's list alone, and the gap is recorded for that parent only.
  it('answers unknown, with the parent\'s gap recorded, when the blueprint principal\'s sponsors are refused', async () => {
    const { result } = await collect(agentTenant([user(2)]), { forbid: [`/beta${principalSponsors}`] });
    const gap = result.coverage.find((c) => c.capability === 'entra.agentSponsors@agentSponsors.json');
    expect(gap?.status).toBe('missing-permission');
    expect(Object.keys(result.files['entra/agentSponsors.json'] as object)).not.toContain(BP_SP);
    const { scan } = scanLive([result]);
    expect(verdict(scan)).toBe('unknown');
  });

  // An enabled sponsor answers whatever list it is on: the blueprint's refused list changes nothing.
  it('passes on the principal\'s enabled sponsor even when the blueprint\'s own list was refused', async () => {
    const { result } = await collect(agentTenant([user(2)]), { forbid: [`/beta${blueprintSponsors}`] });
    expect(result.coverage.find((c) => c.capability === 'entra.agentSponsors@agentSponsors.json')?.status).toBe('missing-permission');
    expect(verdict(scanLive([result]).scan)).toBe('pass');
    const { result: none } = await collect(agentTenant([]), { forbid: [`/beta${blueprintSponsors}`] });
    expect(verdict(scanLive([none]).scan)).toBe('unknown');
  });

  // A tenant whose Graph does not take the subtype's property in the base list's $select: the
  // list is read without it, with a warning; the agent identity's blueprint is then not known.
  it('reads the service principal list again without agentIdentityBlueprintId when Graph refuses it with 400, and says so', async () => {
    const { result } = await collect(agentTenant([user(2)]), { forbidSelect: [{ path: '/v1.0/servicePrincipals', property: 'agentIdentityBlueprintId', status: 400 }] });
    expect(result.coverage.find((c) => c.capability === 'entra.servicePrincipals')?.status).toBe('collected');
    expect(spItems(result)).toHaveLength(250);
    expect(spItems(result).some((s) => 'agentIdentityBlueprintId' in s)).toBe(false);
    expect(result.manifest.warnings).toEqual([expect.stringMatching(/^Entra: the blueprint of each agent identity \(agentIdentityBlueprintId\) was not read: Graph refused the request that selects it \(400 BadRequest on GET .*\); the list was read without it$/)]);
    // The property is a gap of its own: the list is read, the blueprint links are not.
    const gap = result.coverage.find((c) => c.capability === 'entra.servicePrincipals@agentIdentityBlueprintId');
    expect(gap).toMatchObject({ status: 'error', reason: expect.stringMatching(/^400 BadRequest on GET \/v1\.0\/servicePrincipals/) });
    const { scan } = scanLive([result]);
    expect(scan.graph.out(bpNode).some((e) => e.type === 'CAN_ASSUME')).toBe(false);
    expect(scan.report.warnings.some((w) => /1 agent identity has no agentIdentityBlueprintId \(.*\): which blueprint obtains their tokens is not known/.test(w))).toBe(true);
    // The blueprint's tier (that of the agents it obtains tokens for) is then a lower bound.
    expect(agentBlueprintsUnread(scan.graph, scan.graph.node(bpNode)!)).toMatch(/^the blueprints of the agent identities of tenant .* were not read \(error: 400 BadRequest/);
    expect(tierEvidenceMissing(scan.graph, scan.graph.node(bpNode)!)).toMatch(/^the blueprints of the agent identities/);
    // Only a blueprint's tier depends on the links.
    expect(tierEvidenceMissing(scan.graph, scan.graph.node(ids.entraSp(TENANT, guid(2, AGENT)))!)).toBeUndefined();
  });

  // Who can add a credential to every blueprint reaches each one, whatever its agents' tier, once
  // which agents a blueprint serves is not known; its tier, and so theirs, is then a lower bound.
  it('with the blueprint links not read, a holder of AgentIdentityBlueprint.AddRemoveCreds.All reaches the blueprint, its tier a lower bound', async () => {
    const d = agentTenant([user(2)]);
    // Service principal 240 (first-party, with an app role) stands for Microsoft Graph.
    const graphSp = d.v1['/servicePrincipals'].find((s) => s.id === guid(2, 240))!;
    graphSp.appId = GRAPH_APP_ID;
    graphSp.appRoles = [{ id: guid(9, 240), value: 'AgentIdentityBlueprint.AddRemoveCreds.All', allowedMemberTypes: ['Application'] }];
    d.v1[`/servicePrincipals/${guid(2, 240)}/appRoleAssignedTo`] = [
      { id: 'ara-bp', principalId: guid(2, 242), principalType: 'ServicePrincipal', resourceId: guid(2, 240), appRoleId: guid(9, 240) },
    ];
    const holder = ids.entraSp(TENANT, guid(2, 242));
    const reaches = (scan: ReturnType<typeof scanLive>['scan']) =>
      scan.graph.out(holder, 'GRANTED').some((g) => scan.graph.out(g.to, 'CAN_ESCALATE_TO').some((e) => e.to === bpNode));
    const unread = scanLive([(await collect(d, { forbidSelect: [{ path: '/v1.0/servicePrincipals', property: 'agentIdentityBlueprintId', status: 400 }] })).result]).scan;
    expect(reaches(unread)).toBe(true);
    expect(tierEvidenceMissing(unread.graph, unread.graph.node(holder)!)).toMatch(/^the blueprints of the agent identities of tenant .* were not read/);
    // Near miss: with the links read, a blueprint whose agents hold nothing is no target.
    const read = scanLive([(await collect(d)).result]).scan;
    expect(reaches(read)).toBe(false);
    expect(tierEvidenceMissing(read.graph, read.graph.node(holder)!)).toBeUndefined();
  });

  // The warning and the record say what was read: when the read without the property fails too,
  // the list is not read, and nothing says it was read without the property.
  it('fails the list, with no warning, when the read without agentIdentityBlueprintId fails too', async () => {
    const { result, f } = await collect(agentTenant([user(2)]), {
      rewriteNextLink: (link) => (!link.includes('agentIdentityBlueprintId') && link.includes('skiptoken=100') ? link.replace('$select=id,', '$select=id,expiredToken,') : link),
      forbidSelect: [
        { path: '/v1.0/servicePrincipals', property: 'agentIdentityBlueprintId', status: 400 },
        { path: '/v1.0/servicePrincipals', property: 'expiredToken', status: 400 },
      ],
    });
    // Refused with the property, then the read without it: its first page, and its refused second.
    expect(f.log.filter((l) => l.path === '/v1.0/servicePrincipals').map((l) => l.status)).toEqual([400, 200, 400]);
    expect(result.coverage.find((c) => c.capability === 'entra.servicePrincipals')).toMatchObject({ status: 'error', reason: '400 BadRequest on GET /v1.0/servicePrincipals' });
    expect(result.coverage.some((c) => c.capability === 'entra.servicePrincipals@agentIdentityBlueprintId')).toBe(false);
    expect(result.manifest.warnings ?? []).toEqual([]);
  });

  // Graph took the $select, yet the agent identity came without the property (every agent identity
  // is created with one): its blueprint was not read. Before, no record said so, and the
  // blueprint's tier (that of the agents it obtains tokens for) read as complete.
  it('records the gap when an agent identity comes without agentIdentityBlueprintId though it was selected', async () => {
    for (const value of [undefined, null, '']) {
      const d = agentTenant([user(2)]);
      const agent = d.v1['/servicePrincipals'].find((s) => s.id === guid(2, AGENT))!;
      if (value === undefined) delete agent.agentIdentityBlueprintId;
      else agent.agentIdentityBlueprintId = value;
      const { result } = await collect(d);
      expect(result.coverage.find((c) => c.capability === 'entra.servicePrincipals')?.status).toBe('collected');
      const gap = result.coverage.find((c) => c.capability === 'entra.servicePrincipals@agentIdentityBlueprintId');
      expect(gap, String(value)).toMatchObject({ status: 'error', reason: `1 agentIdentity item(s) of GET /v1.0/servicePrincipals came without agentIdentityBlueprintId, which was selected (first: ${guid(2, AGENT)})` });
      expect(result.manifest.warnings).toContainEqual(expect.stringMatching(/^Entra: 1 agentIdentity item\(s\) of GET \/v1\.0\/servicePrincipals came without agentIdentityBlueprintId/));
      const { scan } = scanLive([result]);
      expect(agentBlueprintsUnread(scan.graph, scan.graph.node(bpNode)!)).toMatch(/^the blueprints of the agent identities of tenant .* were not read \(error: 1 agentIdentity item/);
      expect(tierEvidenceMissing(scan.graph, scan.graph.node(bpNode)!)).toMatch(/^the blueprints of the agent identities/);
    }
  });

  it('records no gap for the blueprint links when the property was read', async () => {
    const { result } = await collect(agentTenant([user(2)]));
    expect(result.coverage.some((c) => c.capability.startsWith('entra.servicePrincipals@'))).toBe(false);
    const { scan } = scanLive([result]);
    expect(agentBlueprintsUnread(scan.graph, scan.graph.node(bpNode)!)).toBeUndefined();
  });

  // A 400 on a later page (an expired $skiptoken, say) is not Graph refusing the $select: the
  // first page was served with the property selected. The list fails as on any other failure,
  // and is not read again without the property.
  it('fails the list on a 400 on page 2, with no read without agentIdentityBlueprintId and no warning', async () => {
    const { result, f } = await collect(agentTenant([user(2)]), {
      rewriteNextLink: (link) => (link.includes('agentIdentityBlueprintId') && link.includes('skiptoken=100') ? link.replace('agentIdentityBlueprintId', 'agentIdentityBlueprintId,expiredToken') : link),
      forbidSelect: [{ path: '/v1.0/servicePrincipals', property: 'expiredToken', status: 400 }],
    });
    const spGets = f.log.filter((l) => l.path === '/v1.0/servicePrincipals');
    expect(spGets.map((l) => l.status)).toEqual([200, 400]);
    expect(result.coverage.find((c) => c.capability === 'entra.servicePrincipals')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^400 BadRequest on GET \/v1\.0\/servicePrincipals/) });
    expect(result.files['entra/servicePrincipals.json']).toBeUndefined();
    expect(result.coverage.some((c) => c.capability === 'entra.servicePrincipals@agentIdentityBlueprintId')).toBe(false);
    expect(result.manifest.warnings ?? []).not.toContainEqual(expect.stringMatching(/agentIdentityBlueprintId/));
  });

  // A 400 on the first page that does not say the property is unknown (here: another property)
  // is the list's own failure too.
  it('fails the list on a first-page 400 that names another property', async () => {
    const { result, f } = await collect(agentTenant([user(2)]), { forbidSelect: [{ path: '/v1.0/servicePrincipals', property: 'appRoles', status: 400 }] });
    expect(f.log.filter((l) => l.path === '/v1.0/servicePrincipals')).toHaveLength(1);
    expect(result.coverage.find((c) => c.capability === 'entra.servicePrincipals')?.status).toBe('error');
    expect(result.manifest.warnings ?? []).toEqual([]);
  });
});

// The warnings of reads that run side by side (the service principal list's, the manager
// lookups') are filed in a fixed order, not as each read ends: the same tenant gives the same
// manifest whichever answer comes first.
describe('Entra collector: warnings and records of reads that run side by side', () => {
  let guard: ReturnType<typeof installNetGuard>;
  beforeAll(() => {
    guard = installNetGuard();
  });
  afterAll(() => guard.uninstall());

  it('files them in the same order whichever read ends first', async () => {
    const d = agentTenant([user(2)]);
    d.v1['/users'][0].userPrincipalName = 'svc-deploy@contoso.example';
    const f = await startEntraFake({
      dataset: d,
      clientId: FAKE_ENTRA.clientId,
      clientSecret: FAKE_ENTRA.clientSecret,
      forbidSelect: [{ path: '/v1.0/servicePrincipals', property: 'agentIdentityBlueprintId', status: 400 }],
    });
    try {
      // One run holds back the service principal list, the other the user list.
      const slow = (part: string): typeof fetch => async (url, init) => {
        if (String(url).includes(part)) await new Promise((r) => setTimeout(r, 300));
        return fetch(url, init);
      };
      const runs = [];
      for (const part of ['/v1.0/servicePrincipals', '/v1.0/users']) {
        runs.push(await collectEntra(fakeEntraOptions(f, { fetch: slow(part), maxManagerLookups: 0 })));
      }
      const [a, b] = runs.map((r) => r.manifest.warnings as string[]);
      expect(a).toHaveLength(2);
      expect(b).toEqual(a);
      expect(runs[1].coverage).toEqual(runs[0].coverage);
    } finally {
      await f.close();
    }
  });

  // Two lists of one capability refused: its record names the first in the order the lists are
  // read, whichever answer came back first.
  it('gives a capability read by two lists the same record whichever list fails first', async () => {
    const f = await startEntraFake({
      dataset: agentTenant([user(2)]),
      clientId: FAKE_ENTRA.clientId,
      clientSecret: FAKE_ENTRA.clientSecret,
      forbid: ['/v1.0/roleManagement/directory/roleDefinitions', '/v1.0/roleManagement/directory/roleAssignments'],
    });
    try {
      const slow = (part: string): typeof fetch => async (url, init) => {
        if (String(url).includes(part)) await new Promise((r) => setTimeout(r, 300));
        return fetch(url, init);
      };
      const records = [];
      for (const part of ['/roleDefinitions', '/roleAssignments']) {
        const r = await collectEntra(fakeEntraOptions(f, { fetch: slow(part) }));
        records.push(r.coverage.find((c) => c.capability === 'entra.directoryRoles'));
      }
      expect(records[0]).toMatchObject({ status: 'missing-permission', reason: expect.stringMatching(/^403 .* on GET \/v1\.0\/roleManagement\/directory\/roleDefinitions \(and 1 other reasons\)$/) });
      expect(records[1]).toEqual(records[0]);
    } finally {
      await f.close();
    }
  });
});
