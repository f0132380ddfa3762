import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { readSnapshotDir } from '../../src/cli/io.js';
import { writeSnapshot } from '../../src/cli/live.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { setAsideBadValues } from '../../src/scan.js';
import { demoSnapshot, scan } from '../e2e/demo.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

/** The demo as if it had just been collected (source `live`), or read from a folder. */
function withBadGrant(source: string): Snapshot {
  const s = demoSnapshot();
  (s.files['entra/oauth2PermissionGrants.json'] as { value: Record<string, unknown>[] }).value[0].consentType = 'Everyone';
  return { ...s, source };
}

describe('a value the transforms refuse', () => {
  it('in a snapshot folder stops the scan: one InputError naming the file and the place', () => {
    expect(() => scan(withBadGrant('/some/folder'))).toThrow(InputError);
    try {
      scan(withBadGrant('/some/folder'));
    } catch (e) {
      expect((e as InputError).oneLine()).toBe('entra/oauth2PermissionGrants.json: $.value[0].consentType: expected "AllPrincipals" or "Principal", got "Everyone"');
    }
  });

  it('in a live collection sets its capability aside (its record replaced, not added beside), the caller’s snapshot left as received', () => {
    const live = withBadGrant('live');
    const coverage = JSON.stringify(live.manifest.coverage);
    const files = Object.keys(live.files).join();
    const report = scan(live).report;
    expect(report.coverage.filter((c) => c.capability === 'entra.oauth2PermissionGrants')).toEqual([
      expect.objectContaining({ status: 'error', reason: expect.stringMatching(/^a value the scan cannot read in the live answer: entra\/oauth2PermissionGrants\.json: \$\.value\[0\]\.consentType: /) }),
    ]);
    expect(report.warnings.filter((w) => w.startsWith('Entra: entra/oauth2PermissionGrants.json: $.value[0].consentType: '))).toHaveLength(1);
    expect(JSON.stringify(live.manifest.coverage)).toBe(coverage);
    expect(live.manifest.warnings).toBeUndefined();
    expect(Object.keys(live.files).join()).toBe(files);
  });

  it('in a live collection, an error that names no file of a capability is still thrown (the manifest is not an answer)', () => {
    const live = withBadGrant('live');
    live.manifest = { ...live.manifest, providers: { ...live.manifest.providers, entra: { tenantId: '00000000-0000-4000-8000-000000000000' } } };
    expect(() => scan(live)).toThrow(/organization id .* differs from manifest\.providers\.entra\.tenantId/);
  });

  it('set aside before writing (collect --out), gives a folder whose scan is the live scan’s report', () => {
    const live = withBadGrant('live');
    const coverage = JSON.stringify(live.manifest.coverage);
    const { snapshot } = setAsideBadValues(live, DEFAULT_CONFIG);
    // The caller's collection is left as received; the copy lacks the grants and records why.
    expect(JSON.stringify(live.manifest.coverage)).toBe(coverage);
    expect(Object.hasOwn(live.files, 'entra/oauth2PermissionGrants.json')).toBe(true);
    expect(Object.hasOwn(snapshot.files, 'entra/oauth2PermissionGrants.json')).toBe(false);
    expect(snapshot.manifest.coverage.filter((c) => c.capability === 'entra.oauth2PermissionGrants').map((c) => c.status)).toEqual(['error']);
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-set-aside-'));
    try {
      writeSnapshot(join(dir, 's'), snapshot);
      const folder = scan(readSnapshotDir(join(dir, 's'))).report;
      const report = scan(live).report;
      expect(folder.coverage).toEqual(report.coverage);
      expect(folder.warnings).toEqual(report.warnings);
      expect(folder.findings).toEqual(report.findings);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
