import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyDemo, outcome, readJsonFile, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';

const tmp = scratch('input-gaps');
afterAll(() => tmp.cleanup());

const SPS = 'entra/servicePrincipals.json';
const MEMBERS = 'entra/groupMembers.json';

/** The one line the in-process scan of `dir` stops with, or the report's finding count. */
function result(dir: string): string | number {
  const r = outcome(() => scanSnapshotDir(dir));
  return r.kind === 'input-error' ? r.line : r.result.report.findings.length;
}

describe('an Okta folder without an org URL in the manifest', () => {
  // The docs' hand-built manifest: `"providers": {}`. The org URL is the Okta scope id and nothing
  // in the okta/ files is defined to name the org, so the data cannot be read; it must not vanish.
  it('stops with one line naming manifest.json and the missing field, like Entra without a tenant id', () => {
    const dir = join(tmp.dir, 'okta-only');
    copyDemo(tmp.dir, 'okta-only');
    for (const p of ['entra', 'aws']) rmSync(join(dir, p), { recursive: true });
    writeJsonFile(dir, 'manifest.json', { schemaVersion: 1, collectedAt: '2026-11-20T09:00:00Z', providers: {}, coverage: [] });
    expect(result(dir)).toBe('manifest.json: $.providers.okta.orgUrl: no Okta org URL: okta/ files are present, set manifest.providers.okta.orgUrl to the org they came from');
    const r = cli(['scan', '--snapshot', dir, '--fail-on', 'low']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    // On the command line the file is named under the folder the user gave, as when it is loaded.
    expect(r.stderr).toBe(`nhiscan: ${join(dir, 'manifest.json')}: $.providers.okta.orgUrl: no Okta org URL: okta/ files are present, set manifest.providers.okta.orgUrl to the org they came from\n`);
  });

  it('stops in a full snapshot too, and reads the Okta data once the org URL is given (the near miss)', () => {
    const dir = copyDemo(tmp.dir, 'okta-no-url');
    const m = readJsonFile(dir, 'manifest.json');
    delete m.providers.okta;
    writeJsonFile(dir, 'manifest.json', m);
    expect(result(dir)).toMatch(/^manifest\.json: \$\.providers\.okta\.orgUrl: no Okta org URL/);
    const full = scanSnapshotDir(copyDemo(tmp.dir, 'okta-with-url')).report;
    expect(full.findings.filter((f) => f.provider === 'okta').length).toBeGreaterThan(0);
  });

  it('does not ask for an org URL when there is no okta/ folder', () => {
    const dir = copyDemo(tmp.dir, 'no-okta');
    rmSync(join(dir, 'okta'), { recursive: true });
    const m = readJsonFile(dir, 'manifest.json');
    delete m.providers.okta;
    m.coverage = m.coverage.filter((c: { provider: string }) => c.provider !== 'okta');
    writeJsonFile(dir, 'manifest.json', m);
    expect(typeof result(dir)).toBe('number');
  });
});

describe('a file that holds only the first page of a Graph listing', () => {
  it('stops the scan with the file and the place of @odata.nextLink in a collection file', () => {
    const dir = copyDemo(tmp.dir, 'sps-first-page');
    const doc = readJsonFile(dir, SPS);
    writeJsonFile(dir, SPS, { value: doc.value.slice(0, 3), '@odata.nextLink': 'https://graph.microsoft.com/v1.0/servicePrincipals?$top=3&$skiptoken=X' });
    expect(result(dir)).toBe(
      `${SPS}: $["@odata.nextLink"]: only the first page of the list: follow @odata.nextLink and put every page's items in one "value" array`,
    );
    const r = cli(['scan', '--snapshot', dir, '--fail-on', 'low']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.startsWith(`nhiscan: ${join(dir, 'entra', 'servicePrincipals.json')}: $["@odata.nextLink"]: only the first page`)).toBe(true);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('stops the scan at the parent whose sub-list in a relationship file has a nextLink', () => {
    const dir = copyDemo(tmp.dir, 'members-first-page');
    const doc = readJsonFile(dir, MEMBERS);
    const group = Object.keys(doc)[0];
    doc[group] = { value: doc[group].slice(0, 1), '@odata.nextLink': `https://graph.microsoft.com/v1.0/groups/${group}/members?$skiptoken=X` };
    writeJsonFile(dir, MEMBERS, doc);
    expect(result(dir)).toBe(`${MEMBERS}: $[${JSON.stringify(group)}]["@odata.nextLink"]: only the first page of the list: follow @odata.nextLink and put every page's items in one "value" array`);
  });

  it('reads the same envelopes without a nextLink, or with a null one, as complete lists (the near miss)', () => {
    const dir = copyDemo(tmp.dir, 'envelopes-complete');
    const base = scanSnapshotDir(copyDemo(tmp.dir, 'envelopes-base')).report.findings.length;
    const sps = readJsonFile(dir, SPS);
    writeJsonFile(dir, SPS, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals', value: sps.value, '@odata.nextLink': null });
    const members = readJsonFile(dir, MEMBERS);
    const group = Object.keys(members)[0];
    members[group] = { value: members[group] };
    writeJsonFile(dir, MEMBERS, members);
    expect(result(dir)).toBe(base);
  });
});

describe('coverage records in the report', () => {
  it('do not depend on the key order of the manifest records', () => {
    const dir = copyDemo(tmp.dir, 'coverage-order');
    const m = readJsonFile(dir, 'manifest.json');
    // Records the transforms restate, and one they do not (aws.account is only in the manifest).
    m.coverage.push({ provider: 'aws', scope: '999988887777', capability: 'aws.account', status: 'error', reason: 'AccessDenied on sts:AssumeRole' });
    writeJsonFile(dir, 'manifest.json', m);
    const args = ['scan', '--snapshot', dir, '--format', 'json', '--now', '2026-11-29T00:00:00Z'];
    const first = cli(args);
    expect(first.code).toBe(0);
    const reversed = m.coverage.map((c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).reverse()));
    writeJsonFile(dir, 'manifest.json', { ...m, coverage: reversed });
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toMatch(/\{\s*"status"/);
    const second = cli(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const cov = JSON.parse(second.stdout).coverage as Record<string, unknown>[];
    expect(cov.find((c) => c.capability === 'aws.account')).toEqual({ provider: 'aws', scope: '999988887777', capability: 'aws.account', status: 'error', reason: 'AccessDenied on sts:AssumeRole' });
    for (const c of cov) expect(Object.keys(c)).toEqual(['provider', 'scope', 'capability', 'status', ...('reason' in c ? ['reason'] : [])]);
  });
});
