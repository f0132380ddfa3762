import { afterAll, describe, expect, it } from 'vitest';
import { copyDemo, readJsonFile, reportOf, scratch, writeJsonFile } from './demo-copy.js';

/*
 * A tenant id is a GUID, and GUIDs are case-insensitive: a coverage record naming the demo's tenant
 * in capitals is about that tenant. Matched exactly, it applied to nothing (a stray-scope warning)
 * and the refused report read as merely not collected, its 403 lost.
 */

const tmp = scratch('tenant-scope-case');
afterAll(() => tmp.cleanup());

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';

function withTenantWritten(scope: string, name: string): string {
  const dir = copyDemo(tmp.dir, name);
  const m = readJsonFile(dir, 'manifest.json');
  const rec = m.coverage.find((c: { capability: string }) => c.capability === 'entra.credentialSignInActivity');
  rec.scope = scope;
  writeJsonFile(dir, 'manifest.json', m);
  return dir;
}

describe('an Entra coverage record naming its tenant in another letter case', () => {
  for (const [name, scope] of [
    ['as written', TENANT],
    ['in capitals', TENANT.toUpperCase()],
  ] as const) {
    it(`${name}: applies to the tenant, keeps its status and reason, and is shown once under the tenant id`, () => {
      const report = reportOf(withTenantWritten(scope, name.replace(' ', '-')));
      expect(report.warnings.filter((w) => w.includes('coverage record'))).toEqual([]);
      const st = report.rules.find((r) => r.ruleId === 'entra-credential-unused')!;
      expect(Object.keys(st.unknownReasons)).toHaveLength(1);
      expect(Object.keys(st.unknownReasons)[0]).toContain(`report of tenant ${TENANT} was not read (denied: 403 Authorization_RequestDenied`);
      const gaps = report.coverage.filter((c) => c.capability === 'entra.credentialSignInActivity');
      expect(gaps).toEqual([expect.objectContaining({ scope: TENANT, status: 'missing-permission' })]);
    });
  }
  it('near miss: another tenant id still applies to nothing', () => {
    const other = '00000000-0000-4000-8000-000000000000';
    const report = reportOf(withTenantWritten(other, 'other'));
    expect(report.warnings.some((w) => w.includes('Entra coverage record names no Entra tenant') && w.includes(other))).toBe(true);
  });
});
