import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { readSnapshotDir } from '../../src/cli/io.js';
import { scanSnapshot, type ScanResult } from '../../src/scan.js';
import { allRules } from '../../rules/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { explain, type ExplainCard } from '../../src/explain.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { cli, repoRoot } from '../helpers/cli.js';

let demo: ScanResult;
beforeAll(() => {
  const snap = readSnapshotDir(join(repoRoot, 'fixtures', 'demo'));
  demo = scanSnapshot(snap, { now: new Date(snap.manifest.collectedAt), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
});

function card(name: string): ExplainCard {
  const m = explain(demo, name);
  if (m.kind !== 'card') throw new Error(`no card for ${name}`);
  return m.card;
}

/** The text with each wrapped line joined back to the one it continues (wrapping breaks at spaces). */
const unwrapped = (text: string) => text.replace(/\n +/g, ' ');

/** The lines of one numbered section of the card. */
function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start + 1, end);
}

describe('explain text: long lines wrap, nothing is cut', () => {
  it('prints every hop reason and cut of Ops Agent in full, in lines no wider than 100 columns when not on a terminal', () => {
    const r = cli(['explain', 'Ops Agent', '--demo']);
    expect(r.code).toBe(0);
    const c = card('Ops Agent');
    const reasons = c.identity.crownJewels.flatMap((cj) => cj.hops.map((h) => h.reason));
    // The audit's case: a reason longer than the old 300-character cut.
    expect(reasons.some((x) => x.length > 300)).toBe(true);
    const flat = unwrapped(r.stdout);
    for (const reason of reasons) expect(flat).toContain(reason);
    for (const cut of c.cuts) expect(flat).toContain(`revoke: ${cut.revoke}`);
    expect(r.stdout).not.toContain('…');
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    // Not a terminal: the same bytes every time, whatever the environment says about columns.
    expect(cli(['explain', 'Ops Agent', '--demo'], { env: { COLUMNS: '40' } }).stdout).toBe(r.stdout);
  });

  it('wraps to the width it is given (the terminal\'s), breaking at spaces with a hanging indent', () => {
    const out = renderExplain(card('Ops Agent'), false, 60);
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(60);
    // A continuation line is indented two deeper than the line it continues, so the card keeps its shape.
    const lines = out.split('\n');
    const at = lines.findIndex((l) => l.includes('ops-agent-role trusts Entra tenant'));
    expect(lines[at]).toMatch(/^ {11}\S/);
    expect(lines[at + 1]).toMatch(/^ {13}\S/);
    expect(unwrapped(out)).toContain(card('Ops Agent').cuts[0].revoke);
  });

  it('breaks a word longer than the line rather than cutting it', () => {
    const c = card('Ops Agent');
    const long = 'x'.repeat(150);
    const changed: ExplainCard = { ...c, cuts: [{ target: 'jewel', revoke: `a ${long} b`, otherRoutes: 0 }] };
    const out = renderExplain(changed, false, 60);
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(60);
    expect(out.replace(/\n +/g, '')).toContain(long);
  });
});

describe('explain text: what remains after a cut', () => {
  it('counts apart the other routes of a firm path that hold only under a condition', () => {
    // HR Sync Service's firm route to AWS administration goes through okta.users.manage; its role
    // Group Administrator reaches the same users and groups only unless the role is limited to
    // other groups (a conditional hop): a route that may remain, not one that surely does.
    const c = card('HR Sync Service');
    const path = c.identity.crownJewels.find((p) => p.targetName === 'AWS account 111122223333 administrator')!;
    expect(path.hops.some((h) => h.conditional)).toBe(false);
    expect(path.alternatives).toBe(0);
    expect(path.conditionalAlternatives).toBe(1);
    const cut = c.cuts.find((x) => x.target === path.targetName)!;
    expect(cut).toMatchObject({ otherRoutes: 0, conditionalRoutes: 1 });
    const text = unwrapped(renderExplain(c, false));
    expect(text).toContain('to cut this route to AWS account 111122223333 administrator, revoke: ');
    expect(text).toMatch(/to AWS account 111122223333 administrator, revoke: [^\n]*; 1 other route reaches it only under conditions/);
    expect(text).toContain('path (5 hops, 1 conditional alternative route):');
    // Firm and conditional routes both: the firm count first, the others after it.
    const both: ExplainCard = {
      ...c,
      identity: { ...c.identity, crownJewels: [{ ...path, alternatives: 1, conditionalAlternatives: 2 }] },
      cuts: [{ target: 'jewel', revoke: 'a HAS_ROLE b: why', otherRoutes: 1, conditionalRoutes: 2 }],
    };
    const out = unwrapped(renderExplain(both, false));
    expect(out).toContain('to cut this route to jewel, revoke: a HAS_ROLE b: why; 1 other route also reaches it, and 2 more under conditions');
    expect(out).toContain('path (5 hops, 1 alternative route (and 2 conditional)):');
  });
});

describe('explain text: workload identity', () => {
  it('lists each credential once, with how a trust matches its subject', () => {
    const ops = section(renderExplain(card('Ops Agent'), false), '2. Workload identity');
    expect(ops.filter((l) => l.includes('ops-agent-runtime'))).toHaveLength(1);
    const infra = section(renderExplain(card('Infra Deployer'), false), '2. Workload identity');
    expect(infra.filter((l) => l.includes('infra-main'))).toHaveLength(1);
    expect(infra.filter((l) => l.includes('infra-pull-requests'))).toHaveLength(1);
    expect(infra.find((l) => l.includes('infra-main'))).toContain('(exact subject repo:northwind/infra:ref:refs/heads/main)');
    expect(infra.find((l) => l.includes('infra-pull-requests'))).toContain('(broad subject repo:northwind/infra:pull_request)');
  });

  it('says a federated trust never expires, as for an AWS trust (it has no expiry of its own)', () => {
    const infra = section(renderExplain(card('Infra Deployer'), false, 1000), '2. Workload identity');
    expect(infra).toHaveLength(2);
    for (const l of infra) expect(l).toContain('expires never');
  });
});
