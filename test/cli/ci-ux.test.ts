import { afterEach, describe, expect, it, vi } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { cliInProcess, finding, report, scanDir } from '../ci/helpers.js';
import { demoDir } from '../../src/cli/io.js';
import { handleError } from '../../src/cli/main.js';
import { writeChunks } from '../../src/cli/scan-command.js';
import { writeSnapshot } from '../../src/cli/live.js';
import { InputError } from '../../src/errors.js';
import { renderTable } from '../../src/reporters/table.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { atLeast } from '../../src/engine/severity.js';
import type { RuleStats } from '../../src/engine/types.js';

// Defects a user review found in what CI and an analyst see: files written into folders that do
// not exist yet, a gate that failed without a word, resolved and unknown counts that named
// nothing, provider counts that did not add up, and a header that called the evaluation time the
// scan time.

afterEach(() => {
  process.exitCode = 0;
});

const fresh = () => mkdtempSync(join(tmpdir(), 'nhiscan-ux-'));
/** Table lines with each wrapped continuation joined back to the line it continues. */
const unwrapped = (text: string) => text.replace(/\n {4,}(?=\S)/g, ' ');

describe('files written into folders that do not exist yet', () => {
  it('the README\'s `baseline write .nhiscan/baseline.json --snapshot DIR`, verbatim, in a fresh folder', () => {
    const cwd = fresh();
    cpSync(demoDir(), join(cwd, 'DIR'), { recursive: true });
    const r = cli(['baseline', 'write', '.nhiscan/baseline.json', '--snapshot', 'DIR'], { cwd });
    expect(r.stderr).not.toMatch(/ENOENT|cannot write/);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, '.nhiscan', 'baseline.json'), 'utf8')).tool).toBe('nhiscan');
  });

  it('scan -o and --write-baseline, certify -o and export -o create their folders', async () => {
    const dir = fresh();
    const at = (p: string) => join(dir, p);
    expect((await cliInProcess('scan', '--demo', '--format', 'json', '-o', at('reports/now/r.json'), '--write-baseline', at('ci/base/b.json'))).code).toBe(0);
    expect(JSON.parse(readFileSync(at('reports/now/r.json'), 'utf8')).tool.name).toBe('nhiscan');
    expect(JSON.parse(readFileSync(at('ci/base/b.json'), 'utf8')).tool).toBe('nhiscan');
    expect((await cliInProcess('certify', '--demo', '-o', at('sheets/recert.csv'))).code).toBe(0);
    expect(readFileSync(at('sheets/recert.csv'), 'utf8')).toMatch(/^provider,type,id,/);
    expect((await cliInProcess('export', '--demo', '-o', at('graph/og.json'))).code).toBe(0);
    expect(existsSync(at('graph/og.json'))).toBe(true);
  });

  it.each([
    ['scan -o', (f: string) => ['scan', '--demo', '--format', 'json', '-o', f]],
    ['scan --write-baseline', (f: string) => ['scan', '--demo', '--write-baseline', f]],
    ['baseline write', (f: string) => ['baseline', 'write', f, '--demo']],
    ['certify -o', (f: string) => ['certify', '--demo', '-o', f]],
  ])('%s under a file (no folder can be made there): one line naming the file, exit 2, no errno text', async (_, args) => {
    const dir = fresh();
    writeFileSync(join(dir, 'blocker'), 'a file, not a folder\n');
    const file = join(dir, 'blocker', 'out', 'x.json');
    const r = await cliInProcess(...args(file));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^nhiscan: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write.*: a part of the path is a file, not a folder$`))]);
    expect(r.stderr).not.toMatch(/E[A-Z]{3,}|mkdir|open '/);
  });

  it('collect --out: a snapshot that cannot be written is one line naming the file, not an internal error', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'blocker'), '');
    const out = join(dir, 'blocker', 'snap');
    let thrown: unknown;
    try {
      writeSnapshot(out, { manifest: { schemaVersion: 1, collectedAt: '2026-11-20T09:00:00Z', providers: {}, coverage: [] }, files: {}, source: 'live' } as any);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).oneLine()).toBe(`${join(out, 'manifest.json')}: cannot write: a part of the path is a file, not a folder`);
  });

  it('--debug still shows the system error behind the line', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'blocker'), '');
    const e = await writeChunks(['x'], join(dir, 'blocker', 'r.json')).catch((x: unknown) => x);
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      stderr += String(s);
      return true;
    });
    try {
      expect(handleError(e, false)).toBe(2);
      expect(stderr).not.toMatch(/ENOTDIR|EEXIST/);
      stderr = '';
      expect(handleError(e, true)).toBe(2);
      expect(stderr).toMatch(/ENOTDIR|EEXIST/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the gate says why it fails', () => {
  it('without a baseline: how many findings at or above the threshold; stdout left to the report', () => {
    const dir = fresh();
    const r = cli(['scan', '--demo', '--fail-on', 'high', '--allow-partial', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout);
    const n = rep.findings.filter((f: any) => atLeast(f.severity, 'high')).length;
    expect(r.stderr.split('\n')).toContain(`nhiscan: ${n} findings at or above high; failing (exit 1)`);
  });

  it('with a baseline: the new findings, the baseline named; nothing when the gate passes', async () => {
    const dir = fresh();
    const base = join(dir, 'base.json');
    expect((await cliInProcess('baseline', 'write', base, '--demo')).code).toBe(0);
    const doc = JSON.parse(readFileSync(base, 'utf8'));
    const passing = await cliInProcess('scan', '--demo', '--baseline', base, '--fail-on', 'high', '--allow-partial', '--format', 'sarif', '-o', join(dir, 'g0.sarif'));
    expect(passing.code).toBe(0);
    expect(passing.stderr).not.toMatch(/failing/);
    // Two accepted findings at or above high leave the baseline: they are new again.
    const dropped = doc.findings.filter((e: any) => atLeast(e.severity, 'high')).slice(0, 2).map((e: any) => e.fingerprint);
    doc.findings = doc.findings.filter((e: any) => !dropped.includes(e.fingerprint));
    writeFileSync(base, JSON.stringify(doc));
    const out = join(dir, 'g.json');
    const r = await cliInProcess('scan', '--demo', '--baseline', base, '--fail-on', 'high', '--allow-partial', '--format', 'json', '-o', out);
    expect(r.code).toBe(1);
    const n = JSON.parse(readFileSync(out, 'utf8')).findings.filter((f: any) => f.status === 'new').length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(r.stderr.split('\n')).toContain(`nhiscan: ${n} new findings at or above high (baseline ${base}); failing (exit 1)`);
  });
});

describe('resolved baseline findings are named', () => {
  it('JSON lists them (fingerprint, rule, subject and its name); the table and Markdown show them', async () => {
    const dir = fresh();
    const base = join(dir, 'base.json');
    expect((await cliInProcess('baseline', 'write', base, '--demo')).code).toBe(0);
    const doc = JSON.parse(readFileSync(base, 'utf8'));
    // An accepted finding this scan judges gone: its rule evaluated the subject and found nothing
    // by that fingerprint (what a fixed credential or a removed grant looks like).
    const model = doc.findings.find((e: any) => e.ruleId === 'entra-app-no-owner') ?? doc.findings[0];
    const gone = { ...model, fingerprint: 'f'.repeat(32) };
    doc.findings.push(gone);
    writeFileSync(base, JSON.stringify(doc));
    const json = join(dir, 'r.json');
    expect((await cliInProcess('scan', '--demo', '--baseline', base, '--format', 'json', '-o', json)).code).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(rep.summary.baseline.resolved).toBe(1);
    const name = rep.findings.find((f: any) => f.subject.id === gone.subjectId).subject.name;
    expect(rep.baseline).toEqual({ resolved: [{ fingerprint: gone.fingerprint, ruleId: gone.ruleId, subjectId: gone.subjectId, subjectName: name, severity: gone.severity }] });

    const table = join(dir, 'r.txt');
    await cliInProcess('scan', '--demo', '--baseline', base, '-o', table);
    expect(unwrapped(readFileSync(table, 'utf8'))).toContain(`  resolved: ${gone.ruleId} ${name} (${gone.subjectId}) ${gone.fingerprint}`);
    const md = join(dir, 'r.md');
    await cliInProcess('scan', '--demo', '--baseline', base, '--format', 'markdown', '-o', md);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('### Resolved since the baseline (1)');
    expect(text).toMatch(new RegExp(`^- ${gone.ruleId} \`${name}\` \\(\`${gone.subjectId}\`\\) ${gone.fingerprint}$`, 'm'));
  });

  it('the table and Markdown lists are capped, and say where the rest is', () => {
    const r = report([finding()]);
    r.summary.baseline = { new: 0, unchanged: 1, resolved: 25, unknown: 0 };
    r.baseline = { resolved: Array.from({ length: 25 }, (_, i) => ({ fingerprint: i.toString(16).padStart(32, '0'), ruleId: 'entra-app-no-owner', subjectId: `entra:t1:sp:${i}` })) };
    const table = renderTable(r, { color: false });
    expect(table.match(/^ {2}resolved: /gm)).toHaveLength(10);
    expect(table).toContain('  … and 15 more resolved (see --format json: baseline.resolved)');
    const md = renderMarkdown(r);
    expect(md.match(/^- entra-app-no-owner /gm)).toHaveLength(20);
    expect(md).toContain('- … and 5 more (see the JSON output).');
  });
});

describe('the table\'s summary per provider adds up', () => {
  it('shows each provider\'s findings, and names the rule checks for what they are', () => {
    const rep = scanDir().report;
    const lines = renderTable(rep, { color: false }).split('\n');
    let sum = 0;
    for (const [p, v] of Object.entries(rep.summary.byProvider)) {
      sum += v.findings;
      expect(lines).toContain(`  ${p.padEnd(9)} ${String(v.identities).padStart(6)} identities · ${v.findings} finding${v.findings === 1 ? '' : 's'} · ${v.evaluated} checks (rule × subject): ${v.failing} failing, ${v.unknown} unknown`);
    }
    expect(sum).toBe(rep.summary.findings);
  });
});

describe('unknown checks are named', () => {
  it('the table and Markdown list each rule that answered unknown, with its leading reason', () => {
    const rep = scanDir().report;
    const unknown = rep.rules.filter((s) => s.unknown > 0);
    const total = unknown.reduce((n, s) => n + s.unknown, 0);
    expect(total).toBeGreaterThan(0);
    const table = unwrapped(renderTable(rep, { color: false }));
    expect(table).toContain(`Unknown: ${total} rule checks could not be judged (not passes)`);
    const md = renderMarkdown(rep);
    expect(md).toContain(`### Unknown checks (${total})`);
    for (const s of unknown) {
      const [reason] = Object.entries(s.unknownReasons).sort((a, b) => b[1] - a[1])[0]!;
      expect(table).toContain(`  ${s.ruleId}: ${s.unknown} unknown: ${reason}`);
      expect(md).toContain(`- ${s.ruleId}: ${s.unknown} unknown: \``);
    }
    expect(table).toContain('nhiscan explain');
  });

  it('names the reason given most, says how many others there are, and caps the rules listed', () => {
    const stats = (i: number): RuleStats => ({ ruleId: `rule-${String(i).padStart(2, '0')}`, evaluated: 5, failing: 0, unknown: 4, unknownReasons: { 'a rare reason': 1, 'the common reason': 3 }, byProvider: {} });
    const r = report([finding()], { rules: Array.from({ length: 14 }, (_, i) => stats(i)) });
    const table = unwrapped(renderTable(r, { color: false }));
    expect(table).toContain('  rule-00: 4 unknown: the common reason (3 of 4; 1 other reason)');
    expect(table.match(/^ {2}rule-\d\d: /gm)).toHaveLength(10);
    expect(table).toContain('  … and 4 more rules');
  });
});

describe('the header names the evaluation time for what it is', () => {
  it('"evaluated as of" the --now date, next to when the snapshot was collected; never "scanned"', () => {
    const rep = scanDir(demoDir(), new Date('2026-11-29T00:00:00Z')).report;
    const head = renderTable(rep, { color: false }).split('\n')[0]!;
    expect(head).toContain('collected 2026-11-20T09:00:00Z · evaluated as of 2026-11-29T00:00:00.000Z');
    expect(head).not.toContain('scanned');
    const md = renderMarkdown(rep);
    expect(md).toContain('collected 2026-11-20T09:00:00Z, evaluated as of 2026-11-29T00:00:00.000Z.');
    expect(md).not.toMatch(/scanned 20/);
  });
});

// With `.nhiscan/config.yaml` and `.nhiscan/config.json` both present, the first was read and the
// other passed over without a word: settings or waivers someone wrote into the other file did
// nothing, and nothing said so. Two candidates for one default are refused, naming both.
describe('two default files for one setting', () => {
  const withFiles = (files: Record<string, string>): string => {
    const cwd = fresh();
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(cwd, '.nhiscan'), { recursive: true });
      writeFileSync(join(cwd, name), text);
    }
    return cwd;
  };

  it('config.yaml and config.json: one line naming both, exit 2', () => {
    const cwd = withFiles({ '.nhiscan/config.yaml': 'disabledRules: []\n', '.nhiscan/config.json': '{"disabledRules": ["entra-app-no-owner"]}' });
    for (const args of [['scan', '--demo'], ['certify', '--demo'], ['explain', 'Ops Agent', '--demo']]) {
      const r = cli(args, { cwd });
      expect(r.code, args[0]).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('nhiscan: .nhiscan/config.yaml: .nhiscan/config.json is there too, and only one default config file is read: keep one, or name it with --config\n');
    }
    // Named with --config, the other one is no question.
    expect(cli(['scan', '--demo', '--config', '.nhiscan/config.json', '--format', 'json'], { cwd }).code).toBe(0);
  });

  it('waivers.yaml and waivers.yml: one line naming both, exit 2; --waivers settles it', () => {
    const waiver = '- ruleId: entra-app-no-owner\n  subject: "*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    const cwd = withFiles({ '.nhiscan/waivers.yaml': waiver, '.nhiscan/waivers.yml': waiver });
    for (const args of [['scan', '--demo'], ['certify', '--demo']]) {
      const r = cli(args, { cwd });
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toBe('nhiscan: .nhiscan/waivers.yaml: .nhiscan/waivers.yml is there too, and only one default waivers file is read: keep one, or name it with --waivers\n');
    }
    expect(cli(['scan', '--demo', '--waivers', '.nhiscan/waivers.yml', '--format', 'json'], { cwd }).code).toBe(0);
  });

  it('one default file alone is read as before', () => {
    const cwd = withFiles({ '.nhiscan/config.json': '{"disabledRules": ["entra-app-no-owner"]}' });
    const r = cli(['scan', '--demo', '--format', 'json'], { cwd });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'entra-app-no-owner')).toBe(false);
  });
});
