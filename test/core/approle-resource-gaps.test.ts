import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { scanSnapshot, type ScanResult } from '../../src/scan.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';
import { gid, rawGraphSp, rawSnapshot, rawSp, spNodeId } from '../helpers/entra-raw.js';

// A snapshot whose collector could not read the app role assignments of some resources records
// them (entra.appRoleAssignments@appRoleAssignments.json, unreadKeys): a rule answers unknown only
// where a role of those resources could change its answer.

const NOW = new Date('2026-11-20T00:00:00Z');
const RECORD = 'entra.appRoleAssignments@appRoleAssignments.json';
const GRAPH_RULES = ['entra-tier0-graph-approle', 'entra-privileged-graph-approle', 'entra-tenantwide-data-approle'];

/**
 * Microsoft Graph (three roles, one of each kind the Graph rules look for), a tenant API with one
 * role of its own, a service principal holding Graph's Mail.Send, one holding nothing, an agent
 * holding nothing and a third-party app (unverified) holding nothing.
 */
function tenant(unread: (ids: { graph: string; api: string }) => Omit<CoverageRecord, 'provider' | 'scope'> | undefined) {
  const graph = rawGraphSp({ 'RoleManagement.ReadWrite.Directory': gid(), 'User.ReadWrite.All': gid(), 'Mail.Send': gid() });
  const api = rawSp('Orders API', { appRoles: [{ id: gid(), value: 'Orders.Write' }] });
  const mailer = rawSp('Mailer');
  const idle = rawSp('Idle');
  const agent = rawSp('Helper agent', { '@odata.type': '#microsoft.graph.agentIdentity' });
  const vendor = rawSp('Vendor app', { appOwnerOrganizationId: '77777777-2222-4333-8444-555555555555' });
  const mailSend = (graph.appRoles as { id: string; value: string }[]).find((r) => r.value === 'Mail.Send')!.id;
  const record = unread({ graph: graph.id, api: api.id });
  const snapshot = rawSnapshot(
    {
      'servicePrincipals.json': [graph, api, mailer, idle, agent, vendor],
      // Owners read (none): an unread owner list would leave the tiers open for its own reason.
      'servicePrincipalOwners.json': Object.fromEntries([api, mailer, idle, agent, vendor].map((sp) => [sp.id, []])),
      'appRoleAssignments.json': [{ id: gid(), principalId: mailer.id, principalType: 'ServicePrincipal', resourceId: graph.id, appRoleId: mailSend }],
    },
    record ? [record] : [],
  );
  const scan = scanSnapshot(snapshot, { now: NOW, config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-test' });
  return { scan, apiId: api.id, mailer: spNodeId(mailer), idle: spNodeId(idle), agent: spNodeId(agent), vendor: spNodeId(vendor) };
}

/** The subject's verdict under the rule: fail, unknown or pass. */
function verdict(scan: ScanResult, ruleId: string, subject: string): string {
  if (scan.report.findings.some((f) => f.ruleId === ruleId && f.subject.id === subject)) return 'fail';
  return scan.unknownBySubject.get(subject)?.includes(ruleId) ? 'unknown' : 'pass';
}

const denied = (unreadKeys?: string[]) => ({ capability: RECORD, status: 'missing-permission' as const, reason: '403 on appRoleAssignedTo', ...(unreadKeys ? { unreadKeys } : {}) });

describe('app role assignments of some resources not read', () => {
  it("Microsoft Graph's not read: every Graph rule is unknown for a subject without a finding, and a permission read still fails", () => {
    const { scan, mailer, idle, agent, vendor } = tenant(({ graph }) => denied([graph]));
    for (const rule of GRAPH_RULES) expect([rule, verdict(scan, rule, idle)]).toEqual([rule, 'unknown']);
    expect(verdict(scan, 'entra-tenantwide-data-approle', mailer)).toBe('fail');
    expect(verdict(scan, 'entra-tier0-graph-approle', mailer)).toBe('unknown');
    // Graph's Mail.Send may be the agent's.
    expect(verdict(scan, 'nhi-ai-agent-delegated-high-impact', agent)).toBe('unknown');
    // A T4 role of Graph's may be the vendor's: whether its tier reaches T2 is open.
    expect(verdict(scan, 'entra-third-party-app-privileged', vendor)).toBe('unknown');
    const reasons = Object.keys(scan.report.rules.find((r) => r.ruleId === 'entra-tier0-graph-approle')!.unknownReasons);
    expect(reasons).toEqual([expect.stringMatching(/^the app role assignments of resource Microsoft Graph of tenant \S+ were not read \(denied: 403 on appRoleAssignedTo\); so whether it holds a Global-Administrator-equivalent application permission cannot be judged$/)]);
  });

  it("a tenant API's not read: the Graph rules stay decided, and only a tier its role could raise is a lower bound", () => {
    const { scan, mailer, idle, agent, vendor, apiId } = tenant(({ api }) => denied([api]));
    for (const rule of GRAPH_RULES) expect([rule, verdict(scan, rule, idle)]).toEqual([rule, 'pass']);
    expect(verdict(scan, 'entra-tenantwide-data-approle', mailer)).toBe('fail');
    expect(verdict(scan, 'nhi-ai-agent-delegated-high-impact', agent)).toBe('pass');
    // Orders.Write, on a resource not Microsoft's, is T1: it cannot lift the vendor to the T2 the rule reports.
    expect(verdict(scan, 'entra-third-party-app-privileged', vendor)).toBe('pass');
    const identity = (id: string) => scan.report.identities.find((i) => i.id === id)!;
    expect(identity(idle).tier).toBe(0);
    expect(identity(idle).tierIncomplete).toMatch(/^the app role assignments of resource Orders API of tenant \S+ were not read \(denied: 403 on appRoleAssignedTo\)$/);
    expect(identity(mailer).tierIncomplete).toBeUndefined();
    expect(scan.report.warnings).toContain(
      `entra/appRoleAssignments.json: the app role assignments of 1 resource service principal(s) were not read (first: ${apiId}): who holds their app roles is unknown; the collector recorded: 403 on appRoleAssignedTo`,
    );
  });

  it('a record that names no resource (or one not in the snapshot) is read as the whole capability not read, as before', () => {
    for (const record of [denied(), denied([gid()])]) {
      const { scan, mailer, idle } = tenant(() => record);
      for (const rule of GRAPH_RULES) {
        expect([rule, verdict(scan, rule, idle)]).toEqual([rule, 'unknown']);
        expect([rule, verdict(scan, rule, mailer)]).toEqual([rule, 'unknown']);
      }
      expect(scan.report.coverage.find((c) => c.capability === 'entra.appRoleAssignments')).toMatchObject({ status: 'missing-permission', reason: '403 on appRoleAssignedTo' });
    }
  });
});
