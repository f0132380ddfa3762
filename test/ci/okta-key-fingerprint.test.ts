import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fingerprint } from '../../src/engine/run.js';
import { cliInProcess as cli, copyDemo, editJson, scanDir } from './helpers.js';

afterEach(() => {
  process.exitCode = 0;
});

// The demo's Audit Exporter signs in with one public key, listed in appJwks.json under the JWKS
// API's id pksKlL3KIHHI6wu2G1FE. Earlier versions named the key by that id (by its kid when read
// from the app's inline copy); it is now named by its RFC 7638 thumbprint.
const RULE = 'nhi-credential-no-expiry';
const ORG = 'https://northwind.okta.example';
const APP = '0oa4J7O526RezV2zvWHX';
const APP_NODE = `okta:${ORG}:app:${APP}`;
const OLD_KEY = `okta:${ORG}:cred:jwk/${APP}/pksKlL3KIHHI6wu2G1FE`;
const OLD_FP = fingerprint(RULE, APP_NODE, OLD_KEY);
const json = ['--format', 'json', '--allow-partial'];

async function scanJson(snap: string, ...args: string[]): Promise<{ report: any; stderr: string }> {
  const out = join(dirname(snap), `r-${Math.random().toString(36).slice(2)}.json`);
  const r = await cli('scan', '--snapshot', snap, '-o', out, ...json, ...args);
  return { report: JSON.parse(readFileSync(out, 'utf8')), stderr: r.stderr };
}

const keyFinding = (report: any) => report.findings.find((f: any) => f.ruleId === RULE && f.subject.id === APP_NODE);

describe('Okta app key findings: fingerprints of earlier versions', () => {
  it('the key finding is now keyed by the thumbprint, not the JWKS API id', () => {
    const f = keyFinding(scanDir().report);
    expect(f).toBeDefined();
    expect(String(f.evidence.credential)).toMatch(new RegExp(`^okta:${ORG.replace(/[.]/g, '\\.')}:cred:jwk/${APP}/[A-Za-z0-9_-]{43}$`));
    expect(f.fingerprint).not.toBe(OLD_FP);
  });

  it('a baseline that recorded the old fingerprint still matches it, and says to rewrite', async () => {
    const snap = copyDemo();
    const baseline = join(dirname(snap), 'old-baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const now = keyFinding(scanDir(snap).report).fingerprint;
    editJson(baseline, (b) => {
      b.findings.find((e: any) => e.fingerprint === now).fingerprint = OLD_FP;
    });
    const { report, stderr } = await scanJson(snap, '--baseline', baseline);
    expect(report.summary.baseline).toEqual({ new: 0, unchanged: report.findings.length, resolved: 0, unknown: 0 });
    expect(keyFinding(report).baselineState).toBe('unchanged');
    expect(stderr).toContain(`${baseline}: 1 finding matched a baseline entry by the fingerprint earlier versions gave findings about Okta app keys (named by the JWKS API's key id or the kid, now by the key's thumbprint); rewrite the baseline (nhiscan baseline write) to record their new fingerprints`);
    expect(stderr).not.toMatch(/paths into another tenant/);
  });

  it('a waiver written with the old fingerprint still waives the finding, and says what to write instead', async () => {
    const snap = copyDemo();
    const now = keyFinding(scanDir(snap).report).fingerprint;
    const waivers = join(dirname(snap), 'waivers.yaml');
    writeFileSync(waivers, `- fingerprint: "${OLD_FP}"\n  reason: accepted before the upgrade\n  owner: o\n  expires: 2030-01-01\n`);
    const { report, stderr } = await scanJson(snap, '--waivers', waivers);
    expect(keyFinding(report).status).toBe('waived');
    expect(report.summary.waived).toBe(1);
    expect(stderr).not.toMatch(/stale|paths into another tenant/);
    expect(stderr).toContain(`${waivers}:1: waiver for fingerprint ${OLD_FP} matched a finding about an Okta app key by the fingerprint earlier versions gave it; write "${now}" instead`);
  });

  it('near miss: the old fingerprint of another key matches nothing', async () => {
    const snap = copyDemo();
    const baseline = join(dirname(snap), 'old-baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const now = keyFinding(scanDir(snap).report).fingerprint;
    editJson(baseline, (b) => {
      b.findings.find((e: any) => e.fingerprint === now).fingerprint = fingerprint(RULE, APP_NODE, `okta:${ORG}:cred:jwk/${APP}/pksSomeOtherKey00000`);
    });
    const { report } = await scanJson(snap, '--baseline', baseline);
    expect(keyFinding(report).baselineState).toBe('new');
    expect(report.summary.baseline.resolved).toBe(1);
  });
});
