import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { findingKeys } from '../helpers/finding-keys.js';
import { copyDemo, outcome, readJsonFile, scanInMemory, scanSnapshotDir, scratch, writeJsonFile } from '../hardening/demo-copy.js';
import { readSnapshotDir } from '../../src/cli/io.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { ScanResult } from '../../src/scan.js';

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

/** What must not depend on how the org was written: every fingerprint, and the Okta scopes and coverage. */
function oktaView(r: ScanResult['report']) {
  return {
    fingerprints: findingKeys(r.findings),
    scopes: r.scopes.filter((s) => s.provider === 'okta').map((s) => `${s.id} ${s.name}`),
    coverage: r.coverage.filter((c) => c.provider === 'okta').map((c) => `${c.scope} ${c.capability} ${c.status}`),
  };
}

const seen = (dir: string) => oktaView(scanSnapshotDir(dir).report);

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

  // A record about another org (an edited org URL, a record pasted from another snapshot) applies
  // to nothing here: it stays in the coverage section as written, and one warning names it.
  it('Okta coverage records whose scope is no org of the snapshot are kept and named in one warning', () => {
    const dir = copyDemo(tmp.dir, `other-org-${n++}`);
    const m = readJsonFile(dir, 'manifest.json');
    const at = (cap: string) => m.coverage.findIndex((c: any) => c.provider === 'okta' && c.capability === cap);
    const tokens = at('okta.apiTokens');
    const factors = at('okta.factors');
    Object.assign(m.coverage[tokens], { scope: 'other.okta.example', status: 'missing-permission', reason: 'not granted' });
    m.coverage[factors].scope = 'https://elsewhere.okta.example/';
    // A scope that is no org URL may hold what was pasted with it: named by its place only.
    const groups = at('okta.groups');
    m.coverage[groups].scope = 'https://northwind.okta.example/?token=00SECRETVALUE';
    writeJsonFile(dir, 'manifest.json', m);
    const r = scanSnapshotDir(dir).report;
    const about = r.warnings.filter((w) => w.includes('no Okta org of this snapshot'));
    expect(about).toEqual([
      `manifest.json: 3 Okta coverage records name no Okta org of this snapshot (${ORG}) and apply to nothing: $.coverage[${tokens}] (okta.apiTokens, https://other.okta.example), $.coverage[${factors}] (okta.factors, https://elsewhere.okta.example), $.coverage[${groups}] (okta.groups, a scope that is not an org URL (not shown))`,
    ]);
    expect(about.join('')).not.toContain('SECRETVALUE');
    expect(r.coverage.filter((c) => c.provider === 'okta' && c.scope !== ORG && !c.scope.includes('?')).map((c) => `${c.scope} ${c.capability} ${c.status}`).sort()).toEqual([
      'https://elsewhere.okta.example okta.factors collected',
      'https://other.okta.example okta.apiTokens missing-permission',
    ]);
    // The demo as collected has none.
    expect(scanSnapshotDir(copyDemo(tmp.dir, `as-is-${n++}`)).report.warnings.filter((w) => w.includes('no Okta org'))).toEqual([]);
  });

  it('an Okta coverage record in a snapshot with no Okta org is named too', () => {
    const dir = copyDemo(tmp.dir, `no-org-${n++}`);
    const m = readJsonFile(dir, 'manifest.json');
    delete m.providers.okta;
    m.coverage = m.coverage.filter((c: any) => c.provider !== 'okta' || c.capability === 'okta.apps');
    writeJsonFile(dir, 'manifest.json', m);
    for (const f of readdirSync(join(dir, 'okta'))) rmSync(join(dir, 'okta', f));
    const i = m.coverage.findIndex((c: any) => c.provider === 'okta');
    const r = scanSnapshotDir(dir).report;
    expect(r.warnings.filter((w) => w.includes('Okta coverage record'))).toEqual([
      `manifest.json: 1 Okta coverage record names no Okta org of this snapshot (it has none) and applies to nothing: $.coverage[${i}] (okta.apps, ${ORG})`,
    ]);
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

// Library use: the scan is given a snapshot object, not a folder, so no manifest check has run.
// Its org URL must still be read as the collector writes it, or the same org gets other ids
// (and every fingerprint differs) depending on how the snapshot reached the scan.
describe('the Okta org URL of a snapshot given to the scan in memory', () => {
  const collected = seen(copyDemo(tmp.dir, 'as-collected-mem'));

  function inMemory(orgUrl: string, scopes: boolean): Snapshot {
    const s = readSnapshotDir(copyDemo(tmp.dir, `mem-${n++}`));
    s.manifest.providers.okta!.orgUrl = orgUrl;
    if (scopes) for (const c of s.manifest.coverage) if (c.provider === 'okta' && c.scope === ORG) c.scope = orgUrl;
    return s;
  }

  const seenInMemory = (s: Snapshot) => oktaView(scanInMemory(s).report);

  it.each(['northwind.okta.example', 'Northwind.OKTA.example/', 'northwind.okta.example:443'])(
    '%j gives the scope, coverage and fingerprints of the collected snapshot',
    (written) => {
      expect(seenInMemory(inMemory(written, true))).toEqual(collected);
      expect(seenInMemory(inMemory(written, false))).toEqual(collected);
    },
  );

  it('a bare-host coverage record of an in-memory snapshot still says what was not read', () => {
    const s = inMemory('northwind.okta.example', true);
    Object.assign(s.manifest.coverage.find((c) => c.provider === 'okta' && c.capability === 'okta.apiTokens')!, { status: 'missing-permission', reason: 'not granted' });
    expect(seenInMemory(s).coverage).toContain(`${ORG} okta.apiTokens missing-permission`);
  });

  it('the caller\'s snapshot object is left as given', () => {
    const s = inMemory('northwind.okta.example', true);
    scanInMemory(s);
    expect(s.manifest.providers.okta!.orgUrl).toBe('northwind.okta.example');
  });

  it.each([
    ['a path', 'https://northwind.okta.example/admin/dashboard'],
    ['a query', 'https://northwind.okta.example?token=00SECRETVALUE'],
    ['user info', 'https://admin:hunter2@northwind.okta.example'],
    ['no host at all', 'Northwind Robotics'],
  ])('%s is refused with the one error the folder reader gives, without echoing the value', (_name, written) => {
    const r = outcome(() => scanInMemory(inMemory(written, false)));
    expect(r.kind).toBe('input-error');
    if (r.kind !== 'input-error') return;
    expect(r.line).toMatch(/\$\.providers\.okta\.orgUrl: expected the Okta org URL/);
    expect(r.line).not.toContain(written.trim());
    expect(r.line).not.toMatch(/SECRETVALUE|hunter2|admin|dashboard|Robotics/);
  });
});
