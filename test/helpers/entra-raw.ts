import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { ids } from '../../src/graph/ids.js';
import { ENTRA_CAPABILITIES, transformEntra } from '../../src/connectors/entra/transform.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';
import type { RuleDefinition } from '../../src/engine/types.js';
import { runRule } from './rule-tester.js';

/**
 * Entra snapshots written as the collector writes them (Graph JSON per file), for tests that
 * must go through the real transform: every file present and empty unless given.
 */
export const RAW_TENANT = '11111111-2222-4333-8444-555555555555';
export const GRAPH_APP = '00000003-0000-0000-c000-000000000000';

let n = 0;
/** A fresh directory object id. */
export const gid = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

const RELATIONS = new Set(['applicationOwners.json', 'servicePrincipalOwners.json', 'federatedIdentityCredentials.json', 'groupMembers.json', 'userManagers.json', 'agentSponsors.json']);

/** A tenant-owned service principal object as servicePrincipals.json holds it. */
export function rawSp(name: string, extra: Record<string, unknown> = {}): { id: string; appId: string; displayName: string } & Record<string, unknown> {
  return { id: gid(), appId: gid(), displayName: name, appOwnerOrganizationId: RAW_TENANT, servicePrincipalType: 'Application', accountEnabled: true, appRoles: [], ...extra };
}

/** Files by name (`servicePrincipals.json`); arrays are wrapped as `{ value }`. */
export function rawSnapshot(files: Record<string, unknown>, coverage: Omit<CoverageRecord, 'provider' | 'scope'>[] = []): Snapshot {
  const f: Record<string, unknown> = {};
  for (const [, names] of ENTRA_CAPABILITIES) for (const name of names) f[`entra/${name}`] = RELATIONS.has(name) ? {} : { value: [] };
  f['entra/organization.json'] = { value: [{ id: RAW_TENANT, displayName: 'T' }] };
  for (const [k, v] of Object.entries(files)) f[`entra/${k}`] = Array.isArray(v) ? { value: v } : v;
  return {
    manifest: {
      schemaVersion: 1,
      collectedAt: '2026-11-20T00:00:00.000Z',
      providers: { entra: { tenantId: RAW_TENANT } },
      coverage: coverage.map((c) => ({ provider: 'entra', scope: RAW_TENANT, ...c })) as CoverageRecord[],
    },
    files: f,
    source: 'test',
  } as Snapshot;
}

export function rawGraph(files: Record<string, unknown>, coverage: Omit<CoverageRecord, 'provider' | 'scope'>[] = []): Graph {
  const b = new GraphBuilder();
  transformEntra(rawSnapshot(files, coverage), b, DEFAULT_CONFIG);
  return b.build();
}

/** The node id of a raw service principal. */
export const spNodeId = (o: { id: string }): string => ids.entraSp(RAW_TENANT, o.id);

/** Microsoft Graph's service principal (Microsoft's tenant owns it) defining these app roles (`value` -> role id). */
export function rawGraphSp(appRoles: Record<string, string>): { id: string; appId: string; displayName: string } & Record<string, unknown> {
  return {
    id: gid(),
    appId: GRAPH_APP,
    displayName: 'Microsoft Graph',
    appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    servicePrincipalType: 'Application',
    appRoles: Object.entries(appRoles).map(([value, id]) => ({ id, value })),
  };
}

/** Runs one rule over a graph built by the transform and returns the verdict of one SP and its messages. */
export function rawVerdict(rule: RuleDefinition, g: Graph, subject: string, now = '2026-11-20T00:00:00Z'): { verdict: string | undefined; messages: string[]; unknownReasons: Record<string, number> } {
  const r = runRule(rule, g, { now });
  return {
    verdict: r.verdicts.get(subject),
    messages: r.findings.filter((f) => f.subject.id === subject).map((f) => f.message),
    unknownReasons: r.stats.unknownReasons,
  };
}
