import { afterAll, describe, expect, it } from 'vitest';
import { copyDemo, readJsonFile, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';

// A coverage record gates the files of its own scope only. One whose scope is no tenant or account
// of the snapshot (a record pasted from another snapshot, a tenant id edited in one place only)
// applies to nothing: a gap it records is not one of this snapshot, and a scan that kept it
// without a word let a reader take it for one. Okta records get the same warning
// (test/connectors/okta-manifest-org-url.test.ts).
const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const OTHER_TENANT = '0a0b0c0d-1111-4222-8333-444455556666';
const tmp = scratch('coverage-stray');
afterAll(() => tmp.cleanup());

let n = 0;
const at = (m: any, provider: string, cap: string, scope?: string) =>
  m.coverage.findIndex((c: any) => c.provider === provider && c.capability === cap && (scope === undefined || c.scope === scope));
const strayWarnings = (dir: string) => scanSnapshotDir(dir).report.warnings.filter((w) => /coverage records? names? no/.test(w));

describe('coverage records whose scope is no tenant or account of the snapshot', () => {
  it('the demo as collected has none', () => {
    expect(strayWarnings(copyDemo(tmp.dir, `as-is-${n++}`))).toEqual([]);
  });

  it('Entra: kept as written and named in one warning; a scope that is no tenant id is not echoed', () => {
    const dir = copyDemo(tmp.dir, `entra-${n++}`);
    const m = readJsonFile(dir, 'manifest.json');
    const pim = at(m, 'entra', 'entra.pim');
    const owners = at(m, 'entra', 'entra.owners');
    Object.assign(m.coverage[pim], { scope: OTHER_TENANT, status: 'missing-permission', reason: 'not granted' });
    // Pasted with something that may be a secret: named by its place only.
    m.coverage[owners].scope = 'client_secret=Zq8~SECRETVALUE.xyz';
    writeJsonFile(dir, 'manifest.json', m);
    const r = scanSnapshotDir(dir).report;
    expect(r.warnings.filter((w) => /coverage records? names? no/.test(w))).toEqual([
      `manifest.json: 2 Entra coverage records name no Entra tenant of this snapshot (${TENANT}) and apply to nothing: $.coverage[${owners}] (entra.owners, a scope that is not a tenant id (not shown)), $.coverage[${pim}] (entra.pim, ${OTHER_TENANT})`,
    ]);
    expect(r.warnings.join('\n')).not.toContain('SECRETVALUE');
    expect(r.coverage.find((c) => c.provider === 'entra' && c.scope === OTHER_TENANT)).toMatchObject({ capability: 'entra.pim', status: 'missing-permission' });
    // The tenant's own PIM record is gone, so its capability counts as read from its file.
    expect(r.coverage.find((c) => c.provider === 'entra' && c.scope === TENANT && c.capability === 'entra.pim')?.status).toBe('collected');
  });

  it('AWS: a record of an account that is not in the snapshot is named; the collector\'s own non-account scopes and accounts it could not enter are not', () => {
    const dir = copyDemo(tmp.dir, `aws-${n++}`);
    const m = readJsonFile(dir, 'manifest.json');
    const iam = at(m, 'aws', 'aws.iam', '444455556666');
    m.coverage[iam].scope = '999988887777';
    m.coverage.push(
      // The caller's identity could not be read (no account known), and ListAccounts was refused.
      { provider: 'aws', scope: 'caller', capability: 'aws.account', status: 'error', reason: 'expired token' },
      { provider: 'aws', scope: 'organization', capability: 'aws.organizationAccounts', status: 'missing-permission', reason: 'denied' },
      // An account of --aws-accounts whose scan role could not be assumed: attempted, not entered.
      { provider: 'aws', scope: '555566667777', capability: 'aws.account', status: 'missing-permission', reason: 'AccessDenied' },
      { provider: 'aws', scope: '555566667777', capability: 'aws.iam', status: 'not-collected', reason: 'not read: could not assume ScanRole in this account' },
      { provider: 'aws', scope: 'AKIA0123456789SECRET', capability: 'aws.iam', status: 'collected' },
    );
    const secret = m.coverage.length - 1;
    writeJsonFile(dir, 'manifest.json', m);
    expect(strayWarnings(dir)).toEqual([
      `manifest.json: 2 AWS coverage records name no AWS account of this snapshot (111122223333, 444455556666) and apply to nothing: $.coverage[${iam}] (aws.iam, 999988887777), $.coverage[${secret}] (aws.iam, a scope that is not an account id (not shown))`,
    ]);
  });

  it('one warning per provider, at most five records named', () => {
    const dir = copyDemo(tmp.dir, `many-${n++}`);
    const m = readJsonFile(dir, 'manifest.json');
    const entra = m.coverage.filter((c: any) => c.provider === 'entra').slice(0, 7);
    for (const c of entra) c.scope = OTHER_TENANT;
    writeJsonFile(dir, 'manifest.json', m);
    const w = strayWarnings(dir);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^manifest\.json: 7 Entra coverage records name no Entra tenant of this snapshot \(691d0d64-[^)]*\) and apply to nothing: (\$\.coverage\[\d+\] \(entra\.[a-zA-Z]+, 0a0b0c0d-1111-4222-8333-444455556666\), ){4}\$\.coverage\[\d+\] \(entra\.[a-zA-Z]+, 0a0b0c0d-1111-4222-8333-444455556666\), and 2 more$/);
  });
});
