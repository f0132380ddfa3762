import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { readSnapshotDir } from '../../src/cli/io.js';
import { scanSnapshot, type ScanResult } from '../../src/scan.js';
import { allRules } from '../../rules/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { explain } from '../../src/explain.js';
import { cli, repoRoot } from '../helpers/cli.js';

let demo: ScanResult;
beforeAll(() => {
  const snap = readSnapshotDir(join(repoRoot, 'fixtures', 'demo'));
  demo = scanSnapshot(snap, { now: new Date(snap.manifest.collectedAt), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
});

const pathFindings = () => demo.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel');

describe('hidden machine-to-machine paths in the demo', () => {
  it('shows Entra -> AWS, GitHub -> AWS and Okta -> AWS paths with hidden hops marked', () => {
    const byEntry = (re: RegExp) => pathFindings().filter((f) => re.test(f.subject.name) && f.path!.some((h) => h.to.startsWith('aws:')));
    const entra = byEntry(/^Ops Agent$/);
    const github = byEntry(/^GitHub repo:northwind\/\*$/);
    const okta = byEntry(/^HR Sync Service$/);
    for (const [name, found] of Object.entries({ entra, github, okta })) {
      expect(found.length, name).toBeGreaterThan(0);
      expect(found[0].path!.some((h) => h.hidden), name).toBe(true);
    }
    expect(entra[0].evidence.crossesProviders).toBe(true);
    expect(okta[0].evidence.crossesProviders).toBe(true);
    // The Okta path goes through a user the service app can take over, the group the AWS app
    // maps to okta-admin, and that role (not through every role trusting the SAML provider).
    expect(okta[0].path!.map((h) => h.type)).toEqual(['GRANTED', 'CAN_ESCALATE_TO', 'MEMBER_OF', 'SAML_MAPS_TO', 'GRANTED']);
    expect(okta[0].path![3].toName).toBe('okta-admin');
  });

  it('reports one finding per entry point and crown jewel', () => {
    const keys = pathFindings().map((f) => `${f.subject.id}|${f.evidence.target}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the identity summary (explain, CSV, JSON) shows the route the finding shows: a firm one when there is one', () => {
    // Report audit: HR Sync Service's finding followed a firm 5-hop route while its summary showed a
    // shorter route through a conditional hop, and the cut named that route's grant.
    let compared = 0;
    let firmOverShorter = 0;
    for (const f of pathFindings()) {
      const summary = demo.report.identities.find((i) => i.id === f.subject.id);
      if (!summary) continue;
      const cj = summary.crownJewels.find((c) => c.hops.at(-1)?.to === f.path!.at(-1)?.to);
      expect(cj, f.message).toBeDefined();
      expect(cj!.hops.map((h) => h.to), f.message).toEqual(f.path!.map((h) => h.to));
      compared++;
      if (demo.analysis.crownJewelPaths(f.subject.id).some((p) => p.group === cj!.group && p.hops.length < cj!.hops.length)) firmOverShorter++;
    }
    expect(compared).toBeGreaterThan(5);
    expect(firmOverShorter).toBeGreaterThan(0);
  });

  it('never starts a path at a waypoint (a SAML provider fed by the scanned Okta org)', () => {
    expect(pathFindings().some((f) => f.subject.type === 'aws-saml-provider-ref')).toBe(false);
  });
});

describe('explain', () => {
  it('tells the Ops Agent story: disabled owner, shared secret, federation into AWS, the hop to cut', () => {
    const m = explain(demo, 'Ops Agent');
    expect(m.kind).toBe('card');
    if (m.kind !== 'card') return;
    const c = m.card;
    expect(c.identity.agent).toBeDefined();
    expect(c.identity.owners.length).toBeGreaterThan(0);
    expect(c.identity.owners.every((o) => o.enabled === false)).toBe(true);
    expect(c.identity.strength).toBe('shared-secret');
    expect(c.identity.crownJewels.some((p) => p.crossesProviders)).toBe(true);
    expect(c.cuts[0].revoke).toMatch(/CAN_ASSUME ops-agent-role/);
  });

  it('does not promise that revoking one hop cuts a path that has other routes', () => {
    // The route shown is the finding's (a firm one when there is one): HR Sync Service's firm route
    // to AWS administration has no alternative, its route to okta.users.manage has one.
    const m = explain(demo, 'HR Sync Service');
    if (m.kind !== 'card') throw new Error('no card');
    const shown = m.card.identity.crownJewels.find((p) => p.alternatives > 0)!;
    expect(shown.targetName).toBe('okta.users.manage');
    const cut = m.card.cuts.find((x) => x.target === shown.targetName)!;
    expect(cut.otherRoutes).toBe(shown.alternatives);
    // Long lines wrap (at spaces, continuation indented): joined back before matching.
    const text = cli(['explain', 'HR Sync Service', '--demo']).stdout.replace(/\n +/g, ' ');
    expect(text).toMatch(/to cut this route to okta\.users\.manage, revoke: .*; 1 other route also reaches it/);
  });

  it('tells the Helpdesk AI Assistant story: Mail.Send consented for all users', () => {
    const m = explain(demo, 'Helpdesk AI Assistant');
    if (m.kind !== 'card') throw new Error('no card');
    expect(m.card.consents.some((g) => /Mail\.Send/.test(g.scope) && g.consentType === 'AllPrincipals')).toBe(true);
    expect(m.card.findings.some((f) => f.ruleId === 'nhi-ai-agent-delegated-high-impact')).toBe(true);
  });

  it('finds identities by fingerprint and reports ambiguity and misses', () => {
    const f = demo.report.findings[0];
    const m = explain(demo, f.fingerprint);
    expect(m.kind === 'card' && m.card.identity.id).toBe(f.subject.id);
    expect(explain(demo, 'no such identity').kind).toBe('none');
  });

  it('finds an entry point that is not an identity by the name the reports print for it', () => {
    // External workloads (a GitHub repository pattern) are the subjects of path findings: the
    // table and markdown print their names, so explain must take them too.
    const external = demo.report.findings.find((f) => f.ruleId === 'nhi-path-to-crown-jewel' && demo.graph.node(f.subject.id)?.kind === 'external');
    expect(external).toBeDefined();
    const m = explain(demo, external!.subject.name.toUpperCase());
    expect(m.kind === 'card' && m.card.identity.id).toBe(external!.subject.id);
  });

  it('works from the CLI, as text and JSON', () => {
    const text = cli(['explain', 'Ops Agent', '--demo']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/1\. Accountable humans/);
    expect(text.stdout).toMatch(/DISABLED/);
    const json = JSON.parse(cli(['explain', 'Ops Agent', '--demo', '--format', 'json']).stdout);
    expect(json.identity.name).toBe('Ops Agent');
    expect(cli(['explain', 'nobody', '--demo']).code).toBe(2);
  });
});

describe('risk tiers and strength in the demo', () => {
  it('gives every machine identity a tier, autonomy and strength class, counted in the summary', () => {
    const ids = demo.report.identities;
    expect(ids.length).toBeGreaterThan(20);
    for (const i of ids) {
      expect(['none', 'shared-secret', 'private-key', 'federated']).toContain(i.strength);
      expect(i.tier).toBeGreaterThanOrEqual(0);
      expect(i.autonomy).toBeTruthy();
    }
    const total = Object.values(demo.report.summary.byStrength).reduce((a, b) => a + b, 0);
    expect(total).toBe(ids.length);
  });

  it('classifies one user-object service account per provider, with reasons', () => {
    const svc = demo.report.identities.filter((i) => i.machineReasons && /user$/.test(i.type));
    for (const p of ['entra', 'okta', 'aws']) expect(svc.some((i) => i.provider === p), p).toBe(true);
    for (const i of svc) expect(i.machineReasons!.length).toBeGreaterThan(0);
  });

  it('raises a hygiene finding with the tier and shows both severities', () => {
    const f = demo.report.findings.find((x) => x.ruleId === 'entra-secret-long-lived' && x.subject.name === 'Legacy Provisioning Sync')!;
    expect(f.tier).toBe(4);
    expect(f.baseSeverity).toBe('medium');
    expect(f.severity).toBe('critical');
  });

  it('does not flag the workloads that prove themselves without secrets', () => {
    for (const name of ['payments-ledger-spiffe', 'Docs Summarizer']) {
      const high = demo.report.findings.filter((f) => f.subject.name === name && (f.severity === 'high' || f.severity === 'critical'));
      expect(high, name).toEqual([]);
    }
    expect(demo.report.identities.find((i) => i.name === 'payments-ledger-spiffe')!.strength).toBe('federated');
    expect(demo.report.identities.find((i) => i.name === 'batch-export-x509')!.strength).toBe('private-key');
  });
});

// "AWS Prod SSO" is the Okta SAML app that signs people in to AWS: a privilege (a door into the
// account's roles), not a machine identity. A review found explain calling it "capability T4 ·
// autonomy scheduled (holds power of its own without a signed-in user)" while it was in no
// inventory, had no tier in the table and its broad-mapping findings stayed medium.
describe('the Okta AWS federation app (AWS Prod SSO)', () => {
  const card = () => {
    const m = explain(demo, 'AWS Prod SSO');
    if (m.kind !== 'card') throw new Error(m.kind);
    return m.card;
  };

  it('is a privilege, not an identity: outside the inventory, and explain says so', () => {
    expect(demo.report.identities.map((i) => i.name)).not.toContain('AWS Prod SSO');
    const c = card();
    expect(c.subjectKind).toBe('privilege');
    // It acts only for whoever signs in through it.
    expect(c.identity.autonomy).toBe('human-triggered');
    expect(c.identity.autonomyReason).not.toMatch(/without a signed-in user/);
    const text = cli(['explain', 'AWS Prod SSO', '--demo']).stdout.replace(/\n +/g, ' ');
    expect(text).toMatch(/privilege, not a machine identity: whoever signs in through it gets capability T4/);
    expect(text).not.toMatch(/autonomy scheduled/);
    expect(text).not.toMatch(/2\. Workload identity/);
  });

  it('its broad-mapping findings are raised by what it hands out (a T4 role), saying so', () => {
    const mine = demo.report.findings.filter((f) => f.subject.name === 'AWS Prod SSO');
    expect(mine.map((f) => [f.messageId, f.severity, f.evidence.mapsToTier]).sort()).toEqual([
      ['joinAllRoles', 'high', 4],
      ['longSession', 'high', 4],
    ]);
    // No identity tier on the finding: the app has none of its own.
    expect(mine.every((f) => f.tier === undefined)).toBe(true);
  });
});
