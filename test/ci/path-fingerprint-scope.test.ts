import { describe, it, expect, afterEach } from 'vitest';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fingerprint } from '../../src/engine/run.js';
import { cliInProcess as cli, copyDemo, editJson, scanDir } from './helpers.js';
import { scanEvidence } from '../../src/cli/ci.js';
import { baselineJudge, createBaseline } from '../../src/ci/baseline.js';
import { rmSync } from 'node:fs';

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
      // Written before baselines recorded the jewel a path reached.
      delete entry.path;
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
    expect(stderr).toContain(
      `${waivers}:1: waiver for fingerprint ${old} matched the path finding into aws:111122223333 by the fingerprint earlier versions gave paths into another tenant, account or org, which named none; if that is the path accepted, write "${f.fingerprint}" instead`,
    );
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

/** The demo without its production account: neither its folder nor its manifest entry. */
function dropProdAccount(snap: string): void {
  rmSync(join(snap, 'aws/111122223333'), { recursive: true });
  editJson(join(snap, 'manifest.json'), (m) => {
    m.providers.aws.accounts = m.providers.aws.accounts.filter((a: any) => a.accountId !== '111122223333');
    m.coverage = (m.coverage ?? []).filter((c: any) => c.scope !== '111122223333');
  });
}

describe('baseline path entries and the scope they reached', () => {
  it('a baseline records, for each path entry, the provider, kind and scope of the jewel reached', () => {
    const { report } = scanDir();
    const baseline = createBaseline(report.findings, 'then', report.scopes);
    const f = pathFinding(report, GITHUB_ANY, 'aws:111122223333:crown:admin');
    expect(f.evidence.targetScope).toBe('111122223333');
    const entry = baseline.findings.find((e) => e.fingerprint === f.fingerprint)!;
    expect(entry.path).toEqual({ provider: 'aws', crownJewel: 'admin', scope: '111122223333' });
    // Other rules' entries carry none.
    expect(baseline.findings.filter((e) => e.ruleId !== RULE).every((e) => e.path === undefined)).toBe(true);
  });

  it('an entry is judged by the scope it records, not by reversing its fingerprint', () => {
    const snap = copyDemo();
    const result = scanDir(snap);
    const scopes = [...result.report.scopes, { provider: 'aws', id: '999999999999' }];
    const entry = { fingerprint: 'f'.repeat(32), ruleId: RULE, subjectId: GITHUB_ANY, path: { provider: 'aws', crownJewel: 'admin', scope: '999999999999' } };
    const baseline = { schemaVersion: 1 as const, tool: 'nhiscan' as const, createdAt: 'then', scopes, findings: [entry] };
    const evidence = scanEvidence(result, baseline, new Date(result.report.scannedAt));
    expect(evidence.unjudgedPaths?.has(entry.fingerprint)).toBe(true);
    // The same entry into a scope this scan read, whose subject no longer reaches that kind: judged.
    const gone = { ...entry, subjectId: 'external:oidc:ext:https://token.actions.githubusercontent.com|repo:nobody/*', path: { ...entry.path, scope: '111122223333' } };
    const evidence2 = scanEvidence(result, { ...baseline, findings: [gone] }, new Date(result.report.scannedAt));
    expect(evidence2.unjudgedPaths?.has(gone.fingerprint)).toBe(false);
  });

  it('an older baseline\'s path entries into an account this scan did not read are unknown, not resolved', async () => {
    const snap = copyDemo();
    const before = scanDir(snap).report;
    const { baseline } = await legacyBaseline(snap);
    const intoProd = before.findings.filter((f) => f.ruleId === RULE && String(f.evidence.target).startsWith('aws:111122223333:')).map(legacyFingerprint);
    expect(intoProd.length).toBeGreaterThanOrEqual(3);
    dropProdAccount(snap);
    const result = scanDir(snap);
    const parsed = JSON.parse(readFileSync(baseline, 'utf8'));
    const evidence = scanEvidence(result, parsed, new Date(result.report.scannedAt));
    const judge = baselineJudge(evidence);
    for (const fp of intoProd) {
      const entry = parsed.findings.find((e: any) => e.fingerprint === fp);
      expect(entry, fp).toBeDefined();
      expect(judge(entry), entry.subjectId).toBe(true);
    }
  });

  it('a path entry that records no jewel and matches no older fingerprint is unknown when a scope of the baseline was not read', async () => {
    // Written by a build between the scoped fingerprints and the recorded jewel, or edited by hand:
    // neither the field nor the nine older hashes say which scope it reached.
    const snap = copyDemo();
    const baseline = join(dirname(snap), 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const before = scanDir(snap).report;
    const intoProd = new Set(before.findings.filter((f) => f.ruleId === RULE && String(f.evidence.target).startsWith('aws:111122223333:') && f.fingerprint !== legacyFingerprint(f)).map((f) => f.fingerprint));
    expect(intoProd.size).toBeGreaterThanOrEqual(3);
    editJson(baseline, (b) => {
      for (const e of b.findings) delete e.path;
    });
    dropProdAccount(snap);
    const result = scanDir(snap);
    const parsed = JSON.parse(readFileSync(baseline, 'utf8'));
    const judge = baselineJudge(scanEvidence(result, parsed, new Date(result.report.scannedAt)));
    for (const fp of intoProd) expect(judge(parsed.findings.find((e: any) => e.fingerprint === fp)), fp).toBe(true);
  });

  it('a baseline matched only by earlier fingerprints is not said to match none of the findings', async () => {
    const snap = copyDemo();
    const { baseline } = await legacyBaseline(snap);
    const report = scanDir(snap).report;
    const oldOnly = new Set(report.findings.filter((f) => f.ruleId === RULE && f.fingerprint !== legacyFingerprint(f)).map(legacyFingerprint));
    editJson(baseline, (b) => {
      b.findings = b.findings.filter((e: any) => oldOnly.has(e.fingerprint));
    });
    const { report: compared, stderr } = await scanJson(snap, '--baseline', baseline);
    expect(compared.summary.baseline.unchanged).toBe(oldOnly.size);
    expect(stderr).not.toMatch(/matches none of the/);
  });

  it('a path entry whose path is not an object with string fields is refused, naming the place', async () => {
    const snap = copyDemo();
    const baseline = join(dirname(snap), 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    let at = -1;
    editJson(baseline, (b) => {
      at = b.findings.findIndex((e: any) => e.path !== undefined);
      b.findings[at].path.scope = 5;
    });
    const r = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--format', 'json');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`nhiscan: ${baseline}: $.findings[${at}].path.scope: expected a scope string`);
  });
});
