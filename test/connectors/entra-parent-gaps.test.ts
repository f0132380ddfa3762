import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../../src/graph/model.js';
import { entraFicsUnread } from '../../src/rule-kit.js';
import type { CollectResult } from '../../src/snapshot/types.js';
import { guid, makeEntraDataset, type EntraDataset } from '../fakes/entra-dataset.js';
import { FAKE_ENTRA, useEntraFakes } from '../helpers/entra-fake-collect.js';
import { scanLive } from '../e2e/demo.js';

// One parent's relationship list that Graph refuses (403), cannot find (404) or answers malformed
// is a gap of that parent in that file: the scan still reads the list of every other parent.

const TENANT = FAKE_ENTRA.tenantId;

const collect = useEntraFakes();

/** The not-collected records of the collector, by capability. */
const gaps = (r: CollectResult) => Object.fromEntries(r.coverage.filter((c) => c.status !== 'collected').map((c) => [c.capability, c]));

/** The scan's node of the application with this object id (the SP node when it has one). */
function appNode(nodes: Iterable<GraphNode>, appObjectId: string): GraphNode {
  for (const n of nodes) if (n.attrs.applicationObjectId === appObjectId) return n;
  throw new Error(`no node for application ${appObjectId}`);
}

/** Tenant-owned SPs (index % 5 in 2..4) have an application guid(4, i); 12 SPs give 6 of them. */
const APPS = [2, 3, 4, 7, 8, 9].map((i) => guid(4, i));

describe('Entra relationship lists that fail for one parent', () => {
  it('one application whose owners are refused: only its owners are unknown, every other owner list is read', async () => {
    const refused = guid(4, 7);
    const result = await collect(makeEntraDataset(TENANT, { servicePrincipals: 12 }), { forbid: [`/v1.0/applications/${refused}/owners`] });
    expect(gaps(result)).toEqual({
      'entra.owners@applicationOwners.json': expect.objectContaining({ status: 'missing-permission', reason: expect.stringMatching(new RegExp(`^1 of \\d+ application owner lists not read: 403 .* \\(applications: ${refused}\\)$`)) }),
    });

    const { scan } = scanLive([result]);
    const nodes = [...scan.graph.nodes.values()];
    expect(appNode(nodes, refused).attrs.ownersCollected).toBeUndefined();
    for (const id of APPS.filter((a) => a !== refused)) expect(appNode(nodes, id).attrs.ownersCollected, id).toBe(true);
    // One record for the file, the collector's status kept and its reason added.
    const records = scan.report.coverage.filter((c) => c.capability.startsWith('entra.owners'));
    expect(records.map((c) => [c.capability, c.status])).toEqual([
      ['entra.owners', 'collected'],
      ['entra.owners@applicationOwners.json', 'missing-permission'],
    ]);
    // The parent is named once as first of the missing, not again as the collector's list of them.
    expect(records[1].reason).toMatch(new RegExp(`^1 of \\d+ applications is not in applicationOwners.json: their owners were not read \\(first: ${refused}\\); the collector recorded: 1 of \\d+ application owner lists not read: 403 [^;]*\\(in \\$batch\\)$`));
    expect(records[1].reason).not.toContain('(applications:');
  });

  it('one application whose federated credentials are not found (404): only its credentials are unknown', async () => {
    const gone = guid(4, 3);
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12 });
    delete dataset.v1[`/applications/${gone}/federatedIdentityCredentials`];
    const result = await collect(dataset);
    expect(gaps(result)).toEqual({
      'entra.federatedIdentityCredentials@federatedIdentityCredentials.json': expect.objectContaining({ status: 'error', reason: expect.stringMatching(new RegExp(`^1 of 6 federated credential lists not read: .*404.* \\(applications: ${gone}\\)$`)) }),
    });

    const { scan } = scanLive([result]);
    const nodes = [...scan.graph.nodes.values()];
    expect(entraFicsUnread(scan.graph, appNode(nodes, gone))).toBe(true);
    for (const id of APPS.filter((a) => a !== gone)) expect(entraFicsUnread(scan.graph, appNode(nodes, id)), id).toBe(false);
    expect(scan.report.coverage.filter((c) => c.capability.startsWith('entra.federatedIdentityCredentials')).map((c) => c.capability)).toEqual([
      'entra.federatedIdentityCredentials',
      'entra.federatedIdentityCredentials@federatedIdentityCredentials.json',
    ]);
  });

  it('one service principal whose owners are malformed and one agent whose sponsors are refused: each a gap of its own file', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 20 });
    // A second agent identity (SP 14; SP 19 is the dataset's own), so one is read and one is not.
    const agents = [guid(2, 14), guid(2, 19)];
    const sp14 = dataset.v1['/servicePrincipals'].find((s) => s.id === agents[0])!;
    sp14['@odata.type'] = '#microsoft.graph.agentIdentity';
    sp14.agentIdentityBlueprintId = guid(11, 14);
    dataset.beta[`/servicePrincipals/${agents[0]}/microsoft.graph.agentIdentity/sponsors`] = [];
    const sp = guid(2, 8);
    const result = await collect(dataset, {
      forbid: [`/beta/servicePrincipals/${agents[1]}/microsoft.graph.agentIdentity/sponsors`],
      okBodyOn: { [`/v1.0/servicePrincipals/${sp}/owners`]: {} },
    });
    const recorded = gaps(result);
    expect(Object.keys(recorded).sort()).toEqual(['entra.agentSponsors@agentSponsors.json', 'entra.owners@servicePrincipalOwners.json']);
    expect(recorded['entra.owners@servicePrincipalOwners.json'].reason).toMatch(new RegExp(`^1 of \\d+ service principal owner lists not read: malformed .* \\(service principals: ${sp}\\)$`));
    expect(recorded['entra.agentSponsors@agentSponsors.json']).toMatchObject({ status: 'missing-permission', reason: expect.stringMatching(new RegExp(`^1 of 2 agent sponsor lists not read: 403 .* \\(agent identities, blueprints and blueprint principals: ${agents[1]}\\)$`)) });

    const { scan } = scanLive([result]);
    const node = (id: string) => scan.graph.node(`entra:${TENANT}:sp:${id}`)!;
    expect(node(agents[0]).attrs.sponsorsCollected).toBe(true);
    expect(node(agents[1]).attrs.sponsorsCollected).toBeUndefined();
    expect(node(sp).attrs.spOwnersCollected).toBeUndefined();
    expect(node(guid(2, 7)).attrs.spOwnersCollected).toBe(true);
  });

  it('an application whose id is not a GUID is a gap of its files, not asked for and not named', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12 });
    dataset.v1['/applications'].find((a) => a.id === guid(4, 2))!.id = 'not-a-guid';
    const result = await collect(dataset);
    const recorded = gaps(result);
    expect(Object.keys(recorded).sort()).toEqual(['entra.federatedIdentityCredentials@federatedIdentityCredentials.json', 'entra.owners@applicationOwners.json']);
    expect(recorded['entra.owners@applicationOwners.json'].reason).toBe('1 of 6 application owner lists not read: applicationOwners: skipped an object whose id is not a GUID');
  });
});
