import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import type { NhiConfig } from '../../src/config/types.js';
import type { RuleDefinition, Severity, Verdict } from '../../src/engine/types.js';
import { runRule } from './rule-tester.js';
import { ids } from '../../src/graph/ids.js';
import type { GraphNode, Tier } from '../../src/graph/model.js';
import type { CoverageStatus } from '../../src/snapshot/types.js';
import { ENTRA_CAPABILITIES } from '../../src/connectors/entra/transform.js';
import { DIRECTORY_ROLES, GRAPH_APP_ID, capForUserConsent, classifyPermission } from '../../src/connectors/entra/permissions.js';

export const TENANT = '11111111-2222-4333-8444-555555555555';

type NodeOpts = Partial<Omit<GraphNode, 'id' | 'attrs'>> & { attrs?: Record<string, unknown> };

/**
 * Small Entra graphs for rule tests, shaped like the transform's output (same ids, types, attrs
 * and privilege classification), so rules see what they will see on real snapshots.
 */
export class EntraGraph {
  readonly b = new GraphBuilder();
  private n = 0;

  /** All Entra capabilities collected, except those given another status. */
  constructor(coverage: Record<string, CoverageStatus> = {}) {
    this.b.addScope({ provider: 'entra', id: TENANT, name: 'Test tenant' });
    for (const [cap] of ENTRA_CAPABILITIES) {
      const status = coverage[cap] ?? 'collected';
      this.b.addCoverage({ provider: 'entra', scope: TENANT, capability: cap, status, reason: status === 'collected' ? undefined : 'test' });
    }
  }

  private next(): string {
    this.n++;
    return `00000000-0000-4000-8000-${String(this.n).padStart(12, '0')}`;
  }

  /** A tenant-owned service principal with its app registration, owners read. */
  sp(name: string, o: NodeOpts = {}): string {
    const objectId = this.next();
    const node: GraphNode = {
      id: ids.entraSp(TENANT, objectId),
      kind: 'identity',
      provider: 'entra',
      type: 'entra-service-principal',
      name,
      nativeId: objectId,
      scope: TENANT,
      enabled: true,
      createdAt: '2024-01-01T00:00:00.000Z',
      ...o,
      attrs: { appId: this.next(), applicationObjectId: this.next(), tenantOwned: true, ownersCollected: true, ficsCollected: true, ...o.attrs },
    };
    this.b.addNode(node);
    return node.id;
  }

  /** An app registration with no service principal in the tenant. */
  app(name: string, o: NodeOpts = {}): string {
    const objectId = this.next();
    const node: GraphNode = {
      id: ids.entraApp(TENANT, objectId),
      kind: 'identity',
      provider: 'entra',
      type: 'entra-application',
      name,
      nativeId: objectId,
      scope: TENANT,
      ...o,
      attrs: { applicationObjectId: objectId, tenantOwned: true, ownersCollected: true, ficsCollected: true, ...o.attrs },
    };
    this.b.addNode(node);
    return node.id;
  }

  user(name: string, o: NodeOpts = {}): string {
    const objectId = this.next();
    const node: GraphNode = {
      id: ids.entraUser(TENANT, objectId),
      kind: 'human',
      provider: 'entra',
      type: 'entra-user',
      name,
      nativeId: objectId,
      scope: TENANT,
      enabled: true,
      ...o,
      attrs: { ...o.attrs },
    };
    this.b.addNode(node);
    return node.id;
  }

  /** A role-assignable group; `membersRead: false` leaves it out of groupMembers.json. */
  group(name: string, o: { membersRead?: boolean } = {}): string {
    const objectId = this.next();
    const id = ids.entraGroup(TENANT, objectId);
    const attrs = o.membersRead === false ? {} : { membersCollected: true };
    this.b.addNode({ id, kind: 'group', provider: 'entra', type: 'entra-group', name, nativeId: objectId, scope: TENANT, attrs });
    return id;
  }

  member(memberId: string, groupId: string): void {
    this.b.addEdge({ from: memberId, to: groupId, type: 'MEMBER_OF', reason: 'member' });
  }

  private credential(
    identity: string,
    type: string,
    credentialType: GraphNode['credentialType'],
    o: { name?: string; created?: string; expires?: string | null; lastUsed?: string | null; location?: 'application' | 'servicePrincipal' },
  ): string {
    const keyId = this.next();
    const id = ids.entraCredential(TENANT, keyId);
    this.b.addNode({
      id,
      kind: 'credential',
      provider: 'entra',
      type,
      name: o.name ?? `${credentialType} ${keyId.slice(-4)}`,
      nativeId: keyId,
      scope: TENANT,
      credentialType,
      createdAt: o.created,
      expiresAt: o.expires === undefined ? '2099-01-01T00:00:00.000Z' : o.expires,
      lastUsedAt: o.lastUsed,
      attrs: { keyId, location: o.location ?? 'application', identity },
    });
    this.b.addEdge({ from: identity, to: id, type: 'HAS_CREDENTIAL', reason: 'credential', hidden: o.location === 'servicePrincipal' });
    return id;
  }

  secret(identity: string, o: Parameters<EntraGraph['credential']>[3] = {}): string {
    return this.credential(identity, 'entra-client-secret', 'client-secret', o);
  }

  cert(identity: string, o: Parameters<EntraGraph['credential']>[3] = {}): string {
    return this.credential(identity, 'entra-certificate', 'certificate', o);
  }

  fic(
    identity: string,
    o: { issuer?: string; subject?: string; match: 'exact' | 'wildcard' | 'missing'; audiences?: string[]; note?: string },
  ): string {
    const ficId = this.next();
    const id = ids.entraCredential(TENANT, ficId);
    this.b.addNode({
      id,
      kind: 'credential',
      provider: 'entra',
      type: 'entra-federated-credential',
      name: `fic-${ficId.slice(-4)}`,
      nativeId: ficId,
      scope: TENANT,
      credentialType: 'federated-oidc',
      federation: {
        issuer: o.issuer ?? 'https://token.actions.githubusercontent.com',
        subject: o.subject,
        subjectMatch: o.match,
        audiences: o.audiences ?? ['api://AzureADTokenExchange'],
      },
      attrs: { location: 'application', identity, subjectNote: o.note ?? `subject ${o.subject}` },
    });
    this.b.addEdge({ from: identity, to: id, type: 'HAS_CREDENTIAL', reason: 'fic', hidden: true });
    return id;
  }

  owner(ownerId: string, target: string): void {
    this.b.addEdge({ from: ownerId, to: target, type: 'OWNS', reason: 'owner' });
  }

  sponsor(sponsorId: string, target: string): void {
    this.b.addEdge({ from: sponsorId, to: target, type: 'SPONSORS', reason: 'sponsor' });
  }

  /** An application permission, classified the way the transform does. */
  /** An app-role assignment; `disabled`: the resource marks the role isEnabled false (its privilege node is disabled). */
  appRole(identity: string, permission: string, resourceAppId = GRAPH_APP_ID, opts: { disabled?: boolean } = {}): string {
    const cls = classifyPermission(permission, resourceAppId);
    const id = ids.entraAppRole(TENANT, resourceAppId, permission);
    const node: GraphNode = {
      id,
      kind: 'privilege',
      provider: 'entra',
      type: 'entra-app-role',
      name: `${permission} (Microsoft Graph)`,
      nativeId: `${resourceAppId}/${permission}`,
      scope: TENANT,
      tier: cls.tier,
      attrs: { permission, resourceAppId, resourceName: 'Microsoft Graph', appRoleId: permission, category: cls.category, nameSource: 'resource-sp' },
    };
    if (cls.crownJewel) node.crownJewel = cls.crownJewel;
    if (opts.disabled) node.enabled = false;
    this.b.addNode(node);
    this.b.addEdge({ from: identity, to: id, type: 'GRANTED', reason: `holds ${permission}`, hidden: true });
    return id;
  }

  delegated(identity: string, scope: string, consentType: 'AllPrincipals' | 'Principal'): string {
    const full = classifyPermission(scope, GRAPH_APP_ID);
    const cls = consentType === 'AllPrincipals' ? full : capForUserConsent(full);
    const id = ids.entraScope(TENANT, GRAPH_APP_ID, consentType === 'AllPrincipals' ? scope : `${scope}#user-consent`);
    const node: GraphNode = {
      id,
      kind: 'privilege',
      provider: 'entra',
      type: 'entra-delegated-scope',
      name: scope,
      nativeId: `${GRAPH_APP_ID}/${scope}`,
      scope: TENANT,
      tier: cls.tier,
      attrs: { permission: scope, resourceAppId: GRAPH_APP_ID, resourceName: 'Microsoft Graph', category: cls.category, consent: consentType },
    };
    if (cls.crownJewel) node.crownJewel = cls.crownJewel;
    this.b.addNode(node);
    this.b.addEdge({ from: identity, to: id, type: 'DELEGATED_GRANT', reason: `delegated ${scope}`, evidence: { consentType, grantId: 'g1' } });
    return id;
  }

  /** A directory role held (or PIM-eligible) by a principal, by template id. */
  dirRole(principal: string, templateId: string, o: { scope?: string; eligible?: boolean } = {}): string {
    const scope = o.scope ?? '/';
    const info = DIRECTORY_ROLES.get(templateId)!;
    const tenantWide = scope === '/';
    const id = ids.entraDirectoryRole(TENANT, tenantWide ? templateId : `${templateId}${scope}`);
    const node: GraphNode = {
      id,
      kind: 'privilege',
      provider: 'entra',
      type: 'entra-directory-role',
      name: info.name,
      nativeId: templateId,
      scope: TENANT,
      tier: tenantWide ? info.tier : (Math.min(info.tier, 2) as Tier),
      attrs: { templateId, roleName: info.name, directoryScopeId: scope, builtIn: true, ...(!tenantWide && { roleTier: info.tier }) },
    };
    if (tenantWide && info.crownJewel) node.crownJewel = info.crownJewel;
    this.b.addNode(node);
    this.b.addEdge({
      from: principal,
      to: id,
      type: 'HAS_ROLE',
      reason: `${o.eligible ? 'eligible for' : 'holds'} ${info.name}`,
      conditional: o.eligible || undefined,
      evidence: { directoryScopeId: scope, eligible: o.eligible === true },
    });
    return id;
  }

  build(): Graph {
    return this.b.build();
  }
}

/** One row of a table-driven rule test. */
export interface RuleCase {
  name: string;
  coverage?: Record<string, CoverageStatus>;
  options?: Record<string, unknown>;
  config?: Partial<NhiConfig>;
  /** Builds the graph and returns the subject whose verdict is checked. */
  build(g: EntraGraph): string;
  verdict: Verdict | 'not-evaluated';
  /** Expected severities of the findings on the subject, in order (after tiering). */
  severities?: Severity[];
  /** Substrings the first finding's message must contain. */
  message?: string[];
}

/** Runs each case through the engine (with the real analysis) and checks verdict and findings. */
export function ruleCases(rule: RuleDefinition, now: string, cases: RuleCase[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const g = new EntraGraph(c.coverage);
      const subject = c.build(g);
      const run = runRule(rule, g.build(), { now, options: c.options, config: c.config });
      const verdict = run.verdicts.get(subject) ?? 'not-evaluated';
      expect(verdict).toBe(c.verdict);
      const mine = run.findings.filter((f) => f.subject.id === subject);
      if (c.severities) expect(mine.map((f) => f.severity)).toEqual(c.severities);
      for (const s of c.message ?? []) expect(mine[0]?.message).toContain(s);
    });
  }
}

/** Reads a snapshot folder holding only an `entra/` provider folder (test fixtures). */
export function loadEntraSnapshot(dir: string): Snapshot {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const files: Record<string, unknown> = {};
  for (const f of readdirSync(join(dir, 'entra'))) {
    files[`entra/${f}`] = JSON.parse(readFileSync(join(dir, 'entra', f), 'utf8'));
  }
  return { manifest, files, source: dir };
}
