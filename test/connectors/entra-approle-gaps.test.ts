import { describe, expect, it } from 'vitest';
import { GRAPH_APP_ID } from '../../src/connectors/entra/permissions.js';
import { baselineJudge, type Baseline } from '../../src/ci/baseline.js';
import { scanEvidence } from '../../src/cli/ci.js';
import type { ScanResult } from '../../src/scan.js';
import type { CollectResult } from '../../src/snapshot/types.js';
import { guid, makeEntraDataset, type EntraDataset } from '../fakes/entra-dataset.js';
import { FAKE_ENTRA, useEntraFakes } from '../helpers/entra-fake-collect.js';
import { DEMO_NOW, scanLive } from '../e2e/demo.js';

// App role assignments are read per resource service principal: one resource whose list Graph
// refuses is a gap of that resource's assignments, named in its own record, and the rules answer
// unknown only where a role of that resource could change their answer.

const TENANT = FAKE_ENTRA.tenantId;
const TIER0 = 'entra-tier0-graph-approle';
const RECORD = 'entra.appRoleAssignments@appRoleAssignments.json';

const collect = useEntraFakes();

/** The not-collected records of the collector, by capability. */
const gaps = (r: CollectResult) => Object.fromEntries(r.coverage.filter((c) => c.status !== 'collected').map((c) => [c.capability, c]));

/**
 * Twelve service principals; four define app roles (resources): SP 0 (first-party, made Microsoft
 * Graph here, its one role RoleManagement.ReadWrite.Directory, assigned to SP 1), SP 2, SP 7 and
 * SP 10, each role assigned to one service principal (SP 7's to SP 3).
 */
function tenant(): EntraDataset {
  const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12 });
  const graph = dataset.v1['/servicePrincipals'].find((s) => s.id === guid(2, 0))!;
  graph.appId = GRAPH_APP_ID;
  graph.displayName = 'Microsoft Graph';
  (graph.appRoles as { value: string }[])[0].value = 'RoleManagement.ReadWrite.Directory';
  // Roles of the other Graph rules' kinds (identity administration, tenant-wide data), held by no one.
  (graph.appRoles as Record<string, unknown>[]).push(
    { id: guid(9, 100), value: 'User.ReadWrite.All', allowedMemberTypes: ['Application'] },
    { id: guid(9, 101), value: 'Mail.Send', allowedMemberTypes: ['Application'] },
  );
  return dataset;
}

const sp = (i: number) => `entra:${TENANT}:sp:${guid(2, i)}`;

/** The subjects the rule evaluated, each with its verdict: fail, unknown or pass. */
function verdicts(scan: ScanResult, ruleId: string): Record<string, string> {
  const failing = new Set(scan.report.findings.filter((f) => f.ruleId === ruleId).map((f) => f.subject.id));
  const out: Record<string, string> = {};
  for (const n of scan.graph.nodes.values()) {
    if (!['entra-service-principal', 'entra-managed-identity', 'entra-agent-identity'].includes(n.type) || n.firstParty === true) continue;
    out[n.id] = failing.has(n.id) ? 'fail' : scan.unknownBySubject.get(n.id)?.includes(ruleId) ? 'unknown' : 'pass';
  }
  return out;
}

describe('Entra app role assignments of one resource that fail', () => {
  it('a resource of the tenant refused (403): its own record names it, every other resource is read, and the Graph rules stay decided', async () => {
    const refused = guid(2, 7);
    const result = await collect(tenant(), { forbid: [`/v1.0/servicePrincipals/${refused}/appRoleAssignedTo`] });
    // The capability stays collected; the record of the file names the resource, all of them in unreadKeys.
    expect(result.coverage.find((c) => c.capability === 'entra.appRoleAssignments')?.status).toBe('collected');
    expect(gaps(result)).toEqual({
      [RECORD]: {
        provider: 'entra',
        scope: TENANT,
        capability: RECORD,
        status: 'missing-permission',
        reason: expect.stringMatching(new RegExp(`^1 of 4 resource app role assignment lists not read: 403 .* \\(resource service principals: ${refused}\\)$`)),
        unreadKeys: [refused],
      },
    });
    const file = (result.files['entra/appRoleAssignments.json'] as { value: { resourceId: string }[] }).value;
    expect(file.map((a) => a.resourceId).sort()).toEqual([0, 2, 10].map((i) => guid(2, i)));

    const { scan } = scanLive([result]);
    // Only the resource's own record and warning: the Graph role rule judges every subject.
    expect(scan.report.coverage.filter((c) => c.capability.startsWith('entra.appRoleAssignments')).map((c) => [c.capability, c.status])).toEqual([
      ['entra.appRoleAssignments', 'collected'],
      [RECORD, 'missing-permission'],
    ]);
    expect(scan.report.warnings).toContainEqual(expect.stringMatching(new RegExp(`^entra/appRoleAssignments\\.json: the app role assignments of 1 resource service principal\\(s\\) were not read \\(first: ${refused}\\): who holds their app roles is unknown; the collector recorded: 1 of 4 `)));
    const tier0 = verdicts(scan, TIER0);
    expect(tier0[sp(1)]).toBe('fail');
    expect(Object.values(tier0).filter((v) => v === 'unknown')).toEqual([]);
    expect(Object.values(tier0).filter((v) => v === 'pass').length).toBeGreaterThan(5);

    // A tier-1 role of the resource may be anyone's: a T0 tier is a lower bound naming it; a T1
    // tier (SP 4 holds SP 2's role) or the T4 of the Graph role's holder has nothing to learn from it.
    const identity = (id: string) => scan.report.identities.find((i) => i.id === id)!;
    expect(identity(sp(3)).tier).toBe(0);
    expect(identity(sp(3)).tierIncomplete).toMatch(/^the app role assignments of resource sp-7 of tenant .* were not read \(denied: 1 of 4 resource app role assignment lists not read: 403 /);
    expect([identity(sp(4)).tier, identity(sp(4)).tierIncomplete]).toEqual([1, undefined]);
    expect([identity(sp(1)).tier, identity(sp(1)).tierIncomplete]).toEqual([4, undefined]);

    // The baseline gate: the record is a gap of entra.appRoleAssignments, so an entry of a rule
    // requiring it whose subject is gone cannot be judged; an entry the rule evaluated and
    // decided (no finding now) is resolved; a rule needing none of it judges a gone subject gone.
    const gone = `entra:${TENANT}:sp:${guid(2, 99)}`;
    expect(
      unjudged(scan, [
        [TIER0, gone],
        [TIER0, sp(3)],
        ['entra-secret-long-lived', gone],
      ]),
    ).toEqual([true, false, false]);
  });

  it('a 429 that never clears on one resource and a malformed page on another: one error record naming both, the third still read', async () => {
    const [limited, malformed] = [guid(2, 2), guid(2, 10)];
    const result = await collect(tenant(), {
      throttle: { [`/v1.0/servicePrincipals/${limited}/appRoleAssignedTo`]: { times: 1000, retryAfter: '0' } },
      okBodyOn: { [`/v1.0/servicePrincipals/${malformed}/appRoleAssignedTo`]: { value: 'not a list' } },
    });
    expect(result.coverage.find((c) => c.capability === 'entra.appRoleAssignments')?.status).toBe('collected');
    const record = gaps(result)[RECORD];
    expect(record).toMatchObject({ status: 'error', unreadKeys: [limited, malformed].sort() });
    expect(record.reason).toMatch(new RegExp(`^2 of 4 resource app role assignment lists not read: .*\\(resource service principals: ${[limited, malformed].sort().join(', ')}\\)$`));
    const file = (result.files['entra/appRoleAssignments.json'] as { value: { resourceId: string }[] }).value;
    expect(file.map((a) => a.resourceId).sort()).toEqual([guid(2, 0), guid(2, 7)]);

    const { scan } = scanLive([result]);
    // Neither resource defines a Graph permission: the holder of Graph's role still fails, the rest pass.
    const tier0 = verdicts(scan, TIER0);
    expect(tier0[sp(1)]).toBe('fail');
    expect(Object.values(tier0).filter((v) => v === 'unknown')).toEqual([]);
  });

  it("Microsoft Graph's own assignments refused: every subject of the Graph role rules is unknown, naming it", async () => {
    const result = await collect(tenant(), { forbid: [`/v1.0/servicePrincipals/${guid(2, 0)}/appRoleAssignedTo`] });
    expect(Object.keys(gaps(result))).toEqual([RECORD]);
    expect(gaps(result)[RECORD].unreadKeys).toEqual([guid(2, 0)]);

    const { scan } = scanLive([result]);
    for (const rule of [TIER0, 'entra-privileged-graph-approle', 'entra-tenantwide-data-approle']) {
      const v = verdicts(scan, rule);
      expect(Object.values(v).length, rule).toBeGreaterThan(5);
      expect(Object.entries(v).filter(([, verdict]) => verdict !== 'unknown'), rule).toEqual([]);
      const stats = scan.report.rules.find((r) => r.ruleId === rule)!;
      expect(Object.keys(stats.unknownReasons), rule).toEqual([expect.stringMatching(/^the app role assignments of resource Microsoft Graph of tenant .* were not read \(denied: .*\); so whether it holds /)]);
    }
  });
});

/** Per baseline entry (rule, subject), whether the baseline gate leaves it unjudged in this scan. */
function unjudged(scan: ScanResult, entries: readonly (readonly [string, string])[]): boolean[] {
  const baseline: Baseline = { schemaVersion: 1, tool: 'nhiscan', createdAt: DEMO_NOW.toISOString(), findings: entries.map(([ruleId, subjectId], i) => ({ fingerprint: `fp${i}`, ruleId, subjectId })) };
  const judge = baselineJudge(scanEvidence(scan, baseline, DEMO_NOW));
  return baseline.findings.map((e) => judge(e));
}
