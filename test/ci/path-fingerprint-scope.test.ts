import { describe, it, expect, afterEach } from 'vitest';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fingerprint } from '../../src/engine/run.js';
import { cliInProcess as cli, copyDemo, editJson, scanDir } from './helpers.js';
import { scanEvidence } from '../../src/cli/ci.js';
import { baselineJudge, createBaseline } from '../../src/ci/baseline.js';

afterEach(() => {
  process.exitCode = 0;
});

const RULE = 'nhi-path-to-crown-jewel';
const GITHUB_ANY = 'external:oidc:ext:https://token.actions.githubusercontent.com|repo:northwind/*';
const OKTA_AWS_APP = 'okta:https://northwind.okta.example:app:0oaKYWOIriafAH29u2He';
const json = ['--format', 'json', '--allow-partial'];

async function scanJson(snap: string, ...args: string[]): Promise<{ report: any; stderr: string; code: number }> {
  const out = join(dirname(snap), `r-${Math.random().toString(36).slice(2)}.json`);
  const r = await cli('scan', '--snapshot', snap, '-o', out, ...json, ...args);
  return { report: r.code === 2 ? undefined : JSON.parse(readFileSync(out, 'utf8')), stderr: r.stderr, code: r.code };
}

/**
 * Makes the demo's production account another account with the same configuration: the scan
 * reads 999988887777 instead of 111122223333, and shares the dev account, the tenant and the
 * Okta org with a baseline of the demo (scopes that partly overlap).
 */
function swapProdAccount(snap: string): void {
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else writeFileSync(p, readFileSync(p, 'utf8').replaceAll('111122223333', '999988887777'));
    }
  };
  walk(snap);
  renameSync(join(snap, 'aws/111122223333'), join(snap, 'aws/999988887777'));
}

const pathFinding = (report: any, subject: string, target: string) => report.findings.find((f: any) => f.ruleId === RULE && f.subject.id === subject && f.evidence.target === target);

/** The scope (provider:id) a node id lies in, among the scopes scanned; undefined for an external node. */
function scopeOf(id: string, scopes: Array<{ provider: string; id: string }>): string | undefined {
  const s = scopes.find((x) => id.startsWith(`${x.provider}:${x.id}:`));
  return s && `${s.provider}:${s.id}`;
}

/** The fingerprint versions before this one gave a path finding: keyed by the provider and kind of jewel only. */
const legacyFingerprint = (f: any) => fingerprint(f.ruleId, f.subject.id, `${String(f.evidence.target).split(':')[0]}|${f.evidence.crownJewel}`);

/** A baseline of the demo as an older version wrote it: path findings into another scope under their scope-less fingerprint. */
async function legacyBaseline(snap: string): Promise<{ baseline: string; rewritten: number }> {
  const baseline = join(dirname(snap), 'legacy-baseline.json');
  expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
  const report = scanDir(snap).report;
  let rewritten = 0;
  editJson(baseline, (b) => {
    for (const f of report.findings) {
      if (f.ruleId !== RULE || scopeOf(f.subject.id, report.scopes) === scopeOf(String(f.evidence.target), report.scopes)) continue;
      const entry = b.findings.find((e: any) => e.fingerprint === f.fingerprint);
      entry.fingerprint = legacyFingerprint(f);
      rewritten++;
    }
  });
  return { baseline, rewritten };
}

describe('path findings into another scope: the fingerprint names the scope reached', () => {
  it('a path from an external issuer into another account is new against a baseline whose scopes partly overlap', async () => {
    const snap = copyDemo();
    const baseline = join(dirname(snap), 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const accepted = pathFinding(scanDir(snap).report, GITHUB_ANY, 'aws:111122223333:crown:admin');
    expect(accepted.severity).toBe('critical');
    swapProdAccount(snap);
    const { report, stderr } = await scanJson(snap, '--baseline', baseline);
    // The same GitHub workload, now admin of an account the baseline never covered.
    const f = pathFinding(report, GITHUB_ANY, 'aws:999988887777:crown:admin');
    expect(f).toBeDefined();
    expect(f.fingerprint).not.toBe(accepted.fingerprint);
    expect(f.baselineState).toBe('new');
    // An Okta app (its own scope shared by both scans) reaching admin of that account is new too.
    expect(pathFinding(report, OKTA_AWS_APP, 'aws:999988887777:crown:admin').baselineState).toBe('new');
    expect(stderr).toMatch(/the baseline does not cover aws:999988887777: findings there are new\n/);
  });

  it('the same estate keeps its fingerprints: a path into the scope it reached before is unchanged', async () => {
    const snap = copyDemo();
    const a = scanDir(snap).report.findings.filter((f) => f.ruleId === RULE).map((f) => f.fingerprint);
    const b = scanDir(snap).report.findings.filter((f) => f.ruleId === RULE).map((f) => f.fingerprint);
    expect(b).toEqual(a);
    const baseline = join(dirname(snap), 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const { report } = await scanJson(snap, '--baseline', baseline);
    expect(report.summary.baseline.new).toBe(0);
    expect(pathFinding(report, GITHUB_ANY, 'aws:111122223333:crown:admin').baselineState).toBe('unchanged');
  });

  it('an entry about a path into an account this scan did not read is unknown, not resolved', () => {
    const snap = copyDemo();
    const before = scanDir(snap).report;
    const baseline = createBaseline(before.findings, 'then', before.scopes);
    const accepted = pathFinding(before, GITHUB_ANY, 'aws:111122223333:crown:admin');
    const entry = baseline.findings.find((e) => e.fingerprint === accepted.fingerprint)!;
    swapProdAccount(snap);
    const result = scanDir(snap);
    const evidence = scanEvidence(result, baseline, new Date(result.report.scannedAt));
    // The rule evaluated the workload (it is still an entry point): only the scope hidden in the
    // fingerprint tells that its accepted path led into an account not read now.
    expect(evidence.evaluated.has(`${RULE}\n${GITHUB_ANY}`)).toBe(true);
    expect(evidence.unjudgedPaths?.has(entry.fingerprint)).toBe(true);
    expect(baselineJudge(evidence)(entry)).toBe(true);
    // A path into a scope both read, no longer found, is judged as before.
    const entraPath = baseline.findings.find((e) => e.ruleId === RULE && e.subjectId === GITHUB_ANY.replace('northwind/*', 'northwind/infra:pull_request'))!;
    expect(evidence.unjudgedPaths?.has(entraPath.fingerprint)).toBe(false);
  });

  it('a path within its own scope keeps the fingerprint it had', () => {
    const f = scanDir().report.findings.find((x) => x.ruleId === RULE && x.subject.id === 'okta:https://northwind.okta.example:token:00TBqZkzBR7HiSynAOaW')!;
    expect(f.fingerprint).toBe(legacyFingerprint(f));
  });
});

describe('a baseline written before paths were keyed by scope', () => {
  it('still matches the same estate by the old fingerprint, and says to rewrite it', async () => {
    const snap = copyDemo();
    const { baseline, rewritten } = await legacyBaseline(snap);
    expect(rewritten).toBeGreaterThanOrEqual(7);
    const { report, stderr } = await scanJson(snap, '--baseline', baseline, '--fail-on', 'high');
    expect(report.summary.baseline).toEqual({ new: 0, unchanged: report.findings.length, resolved: 0, unknown: 0 });
    expect(stderr).toContain(`${baseline}: ${rewritten} findings matched baseline entries by the fingerprint earlier versions gave paths into another tenant, account or org; rewrite the baseline (nhiscan baseline write) to record their new fingerprints`);
  });

  it('an old fingerprint does not match a path into a scope the baseline did not cover', async () => {
    const snap = copyDemo();
    const { baseline } = await legacyBaseline(snap);
    swapProdAccount(snap);
    const { report } = await scanJson(snap, '--baseline', baseline);
    expect(pathFinding(report, GITHUB_ANY, 'aws:999988887777:crown:admin').baselineState).toBe('new');
    expect(pathFinding(report, OKTA_AWS_APP, 'aws:999988887777:crown:admin').baselineState).toBe('new');
    // Paths into the tenant both scans read still match.
    expect(report.findings.filter((f: any) => f.ruleId === RULE && String(f.evidence.target).startsWith('entra:')).every((f: any) => f.baselineState === 'unchanged')).toBe(true);
  });
});

describe('a waiver written with the fingerprint an earlier version gave a path', () => {
  it('still waives that path (without a baseline too), and says which fingerprint to write instead', async () => {
    const snap = copyDemo();
    const f = pathFinding(scanDir(snap).report, GITHUB_ANY, 'aws:111122223333:crown:admin');
    const old = legacyFingerprint(f);
    expect(old).not.toBe(f.fingerprint);
    const waivers = join(dirname(snap), 'waivers.yaml');
    writeFileSync(waivers, `- fingerprint: "${old}"\n  reason: accepted before the upgrade\n  owner: o\n  expires: 2030-01-01\n`);
    const { report, stderr } = await scanJson(snap, '--waivers', waivers);
    const now = pathFinding(report, GITHUB_ANY, 'aws:111122223333:crown:admin');
    expect(now.status).toBe('waived');
    expect(report.summary.waived).toBe(1);
    expect(stderr).not.toMatch(/stale/);
    expect(stderr).toContain(`${waivers}:1: waiver for fingerprint ${old} matched its path finding by the fingerprint earlier versions gave paths into another tenant, account or org; write "${f.fingerprint}" instead`);
  });

  it('the new fingerprint waives its path, and nothing is said about earlier versions', async () => {
    // The control: the new fingerprint waives exactly its finding and nothing is said about it.
    const snap = copyDemo();
    const f = pathFinding(scanDir(snap).report, GITHUB_ANY, 'aws:111122223333:crown:admin');
    const waivers = join(dirname(snap), 'waivers.yaml');
    writeFileSync(waivers, `- fingerprint: "${f.fingerprint}"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n`);
    const { report, stderr } = await scanJson(snap, '--waivers', waivers);
    expect(report.summary.waived).toBe(1);
    expect(stderr).not.toMatch(/earlier versions/);
  });
});
