import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
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
});
