import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyDemo, outcome, readJsonFile, scanSnapshotDir, scratch, writeJsonFile } from '../hardening/demo-copy.js';

// A manifest written by hand names the org however its author types it; the collector writes
// the origin (https://northwind.okta.example for the demo). The two must be one org: the same
// scope, ids and fingerprints, or a baseline taken from one calls every finding of the other new.
const ORG = 'https://northwind.okta.example';

const tmp = scratch('okta-manifest-org');
afterAll(() => tmp.cleanup());

let n = 0;
/** A demo copy whose manifest names the org `orgUrl`; its Okta coverage records too when `scopes`. */
function demoWithOrg(orgUrl: string, scopes = true): string {
  const dir = copyDemo(tmp.dir, `org-${n++}`);
  const m = readJsonFile(dir, 'manifest.json');
  m.providers.okta.orgUrl = orgUrl;
  if (scopes) for (const c of m.coverage) if (c.provider === 'okta' && c.scope === ORG) c.scope = orgUrl;
  writeJsonFile(dir, 'manifest.json', m);
  return dir;
}

function seen(dir: string) {
  const r = scanSnapshotDir(dir).report;
  return {
    fingerprints: r.findings.map((f) => `${f.ruleId} ${f.subject.id} ${f.fingerprint}`).sort(),
    scopes: r.scopes.filter((s) => s.provider === 'okta').map((s) => `${s.id} ${s.name}`),
    coverage: r.coverage.filter((c) => c.provider === 'okta').map((c) => `${c.scope} ${c.capability} ${c.status}`),
  };
}

describe('the Okta org URL of a hand-built manifest', () => {
  const collected = seen(copyDemo(tmp.dir, 'as-collected'));

  it.each(['northwind.okta.example', 'Northwind.OKTA.example/', 'northwind.okta.example:443', '  https://northwind.okta.example/  '])(
    '%j is the org the collector writes: same scope, coverage and fingerprints',
    (written) => {
      expect(collected.fingerprints.some((f) => f.includes(` okta:${ORG}:`))).toBe(true);
      expect(seen(demoWithOrg(written))).toEqual(collected);
      // Coverage records left in the collector's form still apply to the org written as a host.
      expect(seen(demoWithOrg(written, false))).toEqual(collected);
    },
  );

  it('a coverage record naming the org as a bare host still says what was not read', () => {
    const dir = demoWithOrg('northwind.okta.example');
    const m = readJsonFile(dir, 'manifest.json');
    const rec = m.coverage.find((c: any) => c.provider === 'okta' && c.capability === 'okta.apiTokens');
    Object.assign(rec, { status: 'missing-permission', reason: 'not granted' });
    writeJsonFile(dir, 'manifest.json', m);
    expect(seen(dir).coverage).toContain(`${ORG} okta.apiTokens missing-permission`);
  });

  it.each([
    ['a path', 'https://northwind.okta.example/admin/dashboard'],
    ['a path after a bare host', 'northwind.okta.example/oauth2/default'],
    ['a query', 'https://northwind.okta.example?token=00SECRETVALUE'],
    ['user info', 'https://admin:hunter2@northwind.okta.example'],
    ['another scheme', 'ftp://northwind.okta.example'],
    ['no host at all', 'Northwind Robotics'],
  ])('%s is refused in one line naming the file and field, without echoing the value', (_name, written) => {
    const r = outcome(() => scanSnapshotDir(demoWithOrg(written)));
    expect(r.kind).toBe('input-error');
    if (r.kind !== 'input-error') return;
    expect(r.line).toMatch(/manifest\.json: \$\.providers\.okta\.orgUrl: /);
    expect(r.line).toContain('https://');
    expect(r.line).not.toContain(written.trim());
    expect(r.line).not.toMatch(/SECRETVALUE|hunter2|admin|dashboard|oauth2|Robotics/);
  });

  it('the CLI stops with exit 2 and that one line, no stack', () => {
    const dir = demoWithOrg('https://northwind.okta.example/admin');
    const r = cli(['scan', '--snapshot', dir, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/manifest\.json: \$\.providers\.okta\.orgUrl: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
