import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineRule } from '../../src/rule-kit.js';
import { scanSnapshot } from '../../src/scan.js';
import { demoDir, readSnapshotDir } from '../../src/cli/io.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { scanEvidence } from '../../src/cli/ci.js';
import { baselineJudge, compareWithBaseline, createBaseline, judgedKey, type Baseline } from '../../src/ci/baseline.js';
import { cliInProcess as cli, copyDemo, DEMO_NOW, editJson, finding, LEGACY_SP_ID } from './helpers.js';

afterEach(() => {
  process.exitCode = 0;
});

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const SP = `entra:${TENANT}:sp:${LEGACY_SP_ID}`;

/** A rule whose `where` depends on an option: it selects service principals with a name at least this long. */
const longNames = defineRule({
  meta: {
    id: 'entra-test-long-name',
    title: 'Service principal has a long name',
    severity: 'low',
    providers: ['entra'],
    owasp: ['NHI7:2025'],
    description: 'test rule selecting subjects by an option',
    risk: 'none, a test',
    remediation: 'none, a test',
    references: ['https://example.com/x'],
    maturity: 'stable',
    messages: { long: '{{name}} has a long name' },
    options: { minNameLength: { integer: true, default: 1000, description: 'shortest name selected' } },
  },
  evaluates: { types: ['entra-service-principal'], where: (n, ctx) => n.name.length >= Number(ctx.options.minNameLength) },
  check() {},
});

function evidenceWith(ruleOptions: Record<string, Record<string, unknown>>) {
  const config = { ...DEFAULT_CONFIG, rules: ruleOptions };
  const result = scanSnapshot(readSnapshotDir(demoDir()), { now: DEMO_NOW, config, rules: [longNames], version: '0.0.0-test' });
  const baseline: Baseline = { schemaVersion: 1, tool: 'nhiscan', createdAt: 'then', scopes: result.report.scopes, findings: [{ fingerprint: 'f0', ruleId: longNames.meta.id, subjectId: SP }] };
  return scanEvidence(result, baseline, DEMO_NOW);
}

describe('the baseline re-check uses the options the scan ran with', () => {
  it('a configured option that selects the subject: evaluated (judged), as in the scan', () => {
    const key = judgedKey(longNames.meta.id, SP);
    // The default (names of 1000 characters or more) selects nothing ...
    expect(evidenceWith({}).evaluated.has(key)).toBe(false);
    // ... the configured 1 selects every service principal, the Legacy one included.
    expect(evidenceWith({ [longNames.meta.id]: { minNameLength: 1 } }).evaluated.has(key)).toBe(true);
  });
});

describe('hand-written baseline entries without ruleId or subjectId', () => {
  it('unit: no longer found, they count as unknown, not resolved', () => {
    const a = finding();
    const bl = createBaseline([a], 'now');
    bl.findings.push({ fingerprint: 'hand-1', ruleId: '', subjectId: '' }, { fingerprint: 'hand-2', ruleId: 'entra-app-no-owner', subjectId: '' });
    expect(compareWithBaseline([a], bl).counts).toEqual({ new: 0, unchanged: 1, resolved: 0, unknown: 2 });
    expect(baselineJudge({ scopes: [], coverage: [], ruleRequires: new Map(), unknownBySubject: new Map(), evaluated: new Set() })({ fingerprint: 'x', ruleId: '', subjectId: '' })).toBe(true);
  });

  it('still match by fingerprint', () => {
    const a = finding();
    const { counts, findings } = compareWithBaseline([a], { schemaVersion: 1, tool: 'nhiscan', createdAt: '', findings: [{ fingerprint: a.fingerprint, ruleId: '', subjectId: '' }] });
    expect(counts).toEqual({ new: 0, unchanged: 1, resolved: 0, unknown: 0 });
    expect(findings[0].baselineState).toBe('unchanged');
  });

  it('scan: counted as unknown, and a message names the file and the entry', async () => {
    const snap = copyDemo();
    const baseline = join(dirname(snap), 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    let index = -1;
    editJson(baseline, (b) => {
      index = b.findings.push({ fingerprint: '0123456789abcdef0123456789abcdef' }) - 1;
    });
    const out = join(dirname(snap), 'r.json');
    const r = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--format', 'json', '--allow-partial', '-o', out);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.summary.baseline).toEqual({ new: 0, unchanged: report.findings.length, resolved: 0, unknown: 1 });
    expect(r.stderr).toContain(`${baseline}: $.findings[${index}]: no longer found, and without ruleId and subjectId no scan can judge whether the finding is gone: counted as unknown, not resolved`);
  });

  it('a ruleId or subjectId that is not a string is refused: one line naming the file and entry, exit 2', async () => {
    const snap = copyDemo();
    const baseline = join(dirname(snap), 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    editJson(baseline, (b) => {
      b.findings[1].subjectId = 42;
    });
    const r = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--format', 'json', '-o', join(dirname(snap), 'r.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nhiscan: ${baseline}: $.findings[1].subjectId: expected a subjectId string\n`);
  });
});
