import { describe, it, expect } from 'vitest';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';
import { RECERT_COLUMNS, renderRecertCsv } from '../../src/reporters/recert.js';
import { renderJson } from '../../src/reporters/json.js';
import { explain } from '../../src/explain.js';
import { analyze } from '../../src/analysis/analyze.js';
import { scanSnapshot, summarizeIdentity } from '../../src/scan.js';
import { allRules } from '../../rules/index.js';
import { cli } from '../helpers/cli.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { PRIVILEGES_KEPT } from '../../src/report/privileges.js';
import type { IdentitySummary } from '../../src/report/types.js';
import type { GraphEdge, GraphNode } from '../../src/graph/model.js';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { edge, graphOf, node } from '../helpers/graph.js';
import { identitySummary } from '../helpers/identity-summary.js';
import { report } from '../ci/helpers.js';

// The product brief's sheet has a privileges column: the tier (capability_tier) only summarises
// what an identity holds, and a reviewer cannot recertify access the sheet does not name.

const rows = (csv: string) => parseCsv(csv, 'x');
const demoResult = scan(demoSnapshot());
const demoSheet = rows(renderRecertCsv(demoResult.report));
const byName = (name: string) => demoSheet.find((r) => r.name === name)!;

/**
 * The summary the scan makes of identity `id` of a small graph, as the sheet reads it. The graph
 * records its account's IAM data as read: without a record, the list would end with "unknown".
 */
function summaryOf(nodes: GraphNode[], edges: GraphEdge[], id: string): IdentitySummary {
  const g = graphOf(nodes, edges, [{ provider: 'aws', scope: 'acct', capability: 'aws.iam', status: 'collected' }]);
  return summarizeIdentity(g, analyze(g, { now: new Date('2026-11-20T00:00:00Z'), config: DEFAULT_CONFIG }), id, []);
}

const sheetOf = (i: IdentitySummary) => rows(renderRecertCsv(report([], { identities: [i] })))[0];

const role = (id: string, tier: 0 | 1 | 2 | 3 | 4, over: Partial<GraphNode> = {}) => node(id, { kind: 'privilege', type: 'aws-capability', tier, ...over });

describe('recert sheet: the privileges column', () => {
  it('comes last, after finding_fingerprints, so every earlier column keeps its place', () => {
    expect(RECERT_COLUMNS.at(-1)).toBe('privileges');
    expect(RECERT_COLUMNS.at(-2)).toBe('finding_fingerprints');
  });

  it("names the demo's privileges: an IAM role's admin grant and its policy, an Entra SP's directory role, an Okta user's admin role", () => {
    const deploy = byName('github-deploy').privileges.split('; ');
    expect(deploy[0]).toBe('AWS account 111122223333 administrator (T4)');
    expect(deploy).toContain('AdministratorAccess (IAM policy)');
    expect(deploy).toContain('prod-ops-access (can assume, hidden)');
    expect(byName('Infra Deployer').privileges.split('; ')[0]).toBe('Application Administrator (T3)');
    expect(byName('svc.zapier@northwind.example').privileges).toBe('Super Administrator (T4)');
    // A consent for all users holds only when a user signs in: conditional, as on the explain card.
    expect(byName('Helpdesk AI Assistant').privileges.split('; ')[0]).toBe('Mail.Send (Microsoft Graph, all users) (T2, conditional)');
  });

  it('says the same per-user consent given by several users once, counted', () => {
    expect(byName('Docs Summarizer').privileges).toContain('Files.Read (Microsoft Graph, per-user consent) (T1, conditional) x3');
  });

  it('says unknown on a row outside the inventory: the report holds only its findings', () => {
    const outside = demoSheet.filter((r) => !demoResult.report.identities.some((i) => i.id === r.id));
    expect(outside.length).toBeGreaterThan(0);
    for (const r of outside) expect(r.privileges).toBe('unknown');
  });

  it('orders by tier, highest first, then by name, marking conditional, latent and disabled grants', () => {
    const i = summaryOf(
      [
        node('r'),
        role('b-admin', 4),
        role('a-read', 1),
        role('mail', 2),
        role('old', 1, { enabled: false }),
        role('z-write', 2),
      ],
      [edge('r', 'a-read', 'GRANTED'), edge('r', 'z-write', 'GRANTED'), edge('r', 'mail', 'GRANTED', { conditional: true }), edge('r', 'b-admin', 'HAS_ROLE'), edge('r', 'old', 'HAS_ROLE')],
      'r',
    );
    expect(sheetOf(i).privileges).toBe('b-admin (T4); mail (T2, conditional); z-write (T2); a-read (T1); old (T1, disabled)');
  });

  it("names a group's grants, marked with the group, after counting them in", () => {
    const i = summaryOf(
      [node('u', { type: 'aws-iam-user' }), node('g', { kind: 'group', type: 'aws-iam-group', name: 'Admins', attrs: { policies: ['AdministratorAccess'] } }), role('admin', 4)],
      [edge('u', 'g', 'MEMBER_OF'), edge('g', 'admin', 'GRANTED')],
      'u',
    );
    expect(sheetOf(i).privileges).toBe('admin (T4, via group Admins); AdministratorAccess (IAM policy, via group Admins); Admins (group)');
  });

  it(`names at most ${PRIVILEGES_KEPT}, then how many more and where they are all listed`, () => {
    const nodes = [node('r')];
    const edges: GraphEdge[] = [];
    for (let k = 0; k < 25; k++) {
      const id = `p${String(k).padStart(2, '0')}`;
      nodes.push(role(id, (k % 5) as 0 | 1 | 2 | 3 | 4));
      edges.push(edge('r', id, 'GRANTED'));
    }
    const i = summaryOf(nodes, edges, 'r');
    const cell = sheetOf(i).privileges.split('; ');
    expect(cell).toHaveLength(PRIVILEGES_KEPT + 1);
    // The five T4 grants (k = 4, 9, 14, 19, 24), then the five T3 ones, each by name.
    expect(cell.slice(0, 6)).toEqual(['p04 (T4)', 'p09 (T4)', 'p14 (T4)', 'p19 (T4)', 'p24 (T4)', 'p03 (T3)']);
    expect(cell[PRIVILEGES_KEPT]).toBe("and 15 more (nhiscan explain with this row's id lists its own grants and the groups it is in)");
    // The summary keeps ten entries, not 25: a role with thousands of grants stays small.
    expect(i.privileges).toMatchObject({ total: 25 });
    expect(i.privileges!.top).toHaveLength(PRIVILEGES_KEPT);
  });

  it('neutralises a hostile privilege name: formula pieces get an apostrophe, control characters go', () => {
    const i = summaryOf(
      [node('r'), role('evil', 4, { name: '=HYPERLINK("http://evil.example","x")' }), role('esc', 1, { name: '+Ops\u001b[2JRole' })],
      [edge('r', 'evil', 'HAS_ROLE'), edge('r', 'esc', 'GRANTED')],
      'r',
    );
    const cell = sheetOf(i).privileges;
    expect(cell).toBe(`'=HYPERLINK("http://evil.example","x") (T4);' +Ops [2JRole (T1)`);
    expect(cell).not.toContain('\u001b');
  });

  it('says unknown, not none, when data naming them was not read, and says what after a list', () => {
    const gap = 'the admin role assignments of org o were not read (denied)';
    expect(sheetOf(identitySummary({ privileges: { top: [], total: 0 } })).privileges).toBe('none');
    expect(sheetOf(identitySummary({ privileges: { top: [], total: 0, notRead: gap } })).privileges).toBe('unknown');
    const one = { name: 'Reader', via: 'HAS_ROLE', tier: 1, hidden: false, reason: '' };
    expect(sheetOf(identitySummary({ privileges: { top: [one], total: 1, notRead: gap } })).privileges).toBe(
      `Reader (T1); unknown: ${gap}; so whether it holds more cannot be judged`,
    );
    // A summary the scan did not make has nothing to say.
    expect(sheetOf(identitySummary()).privileges).toBe('unknown');
  });

  it('stays out of the JSON report (its bytes and schema are unchanged)', () => {
    expect(demoResult.report.identities.every((i) => i.privileges !== undefined)).toBe(true);
    expect(renderJson(demoResult.report)).not.toContain('"privileges"');
  });

  it("lists an AWS principal's IAM policies on its explain card, where the sheet's 'and N more' sends the reader", () => {
    const m = explain(demoResult, 'github-deploy');
    if (m.kind !== 'card') throw new Error('no card');
    expect(m.card.privileges.find((p) => p.name === 'AdministratorAccess')).toMatchObject({ via: 'POLICY', hidden: false });
  });
});

// Naming every identity's privileges is a pass over all their edges that only the sheet shows, so
// the CLI asks for it only when it writes the sheet (ScanOptions.namePrivileges).
describe('recert sheet: privileges are named only for the sheet', () => {
  it('a scan without namePrivileges leaves them off the summaries, and the sheet then says unknown', () => {
    const result = scanSnapshot(demoSnapshot(), { now: new Date('2026-11-29T00:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0', namePrivileges: false });
    expect(result.report.identities.length).toBeGreaterThan(0);
    for (const i of result.report.identities) expect(i.privileges).toBeUndefined();
    const deploy = rows(renderRecertCsv(result.report)).find((r) => r.name === 'github-deploy')!;
    expect(deploy.privileges).toBe('unknown');
  });

  it('scan --format recert-csv and certify name them', () => {
    for (const args of [['scan', '--demo', '--format', 'recert-csv'], ['certify', '--demo']]) {
      const run = cli([...args, '--now', '2026-11-29T00:00:00Z']);
      expect(run.code, args.join(' ')).toBe(0);
      const deploy = rows(run.stdout).find((r) => r.name === 'github-deploy')!;
      expect(deploy.privileges.split('; ')[0], args.join(' ')).toBe('AWS account 111122223333 administrator (T4)');
    }
  });
});

describe('recert sheet: a list that may be short says so, whatever the tier', () => {
  it('a T4 identity in an Entra tenant whose group members were not read: its list ends with unknown', () => {
    // T4 is exact (no unread group can raise it), so capability_tier names no gap; but the
    // identity may be in the unread group and hold what it holds, so its list may be short.
    const snap = demoSnapshot();
    const members = snap.files['entra/groupMembers.json'] as Record<string, unknown>;
    const dropped = Object.keys(members)[0];
    delete members[dropped];
    const result = scanSnapshot(snap, { now: new Date('2026-11-29T00:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0' });
    const t4 = result.report.identities.filter((i) => i.provider === 'entra' && i.tier === 4 && i.type !== 'entra-application');
    expect(t4.length).toBeGreaterThan(0);
    const sheet = rows(renderRecertCsv(result.report));
    for (const i of t4) {
      expect(i.tierIncomplete).toBeUndefined();
      const cell = sheet.find((r) => r.id === i.id)!.privileges;
      expect(cell, i.name).toMatch(/; unknown: the members of group .* so whether it holds more cannot be judged$/);
    }
  });
});
