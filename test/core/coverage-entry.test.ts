import { describe, it, expect } from 'vitest';
import { coverageEntry, type Snapshot } from '../../src/snapshot/snapshot.js';
import { oktaOrigin } from '../../src/graph/ids.js';
import type { CoverageRecord, ProviderName } from '../../src/snapshot/types.js';

/** The answer as a scan of the list gives it: the first record of the scope (compared as coverageEntry documents) or of `*`. */
function firstOf(coverage: CoverageRecord[], provider: ProviderName, scope: string, capability: string): CoverageRecord | undefined {
  const same = (s: string) => (provider === 'okta' ? oktaOrigin(s) === oktaOrigin(scope) : provider === 'entra' ? s.toLowerCase() === scope.toLowerCase() : s === scope);
  return coverage.find((c) => c.provider === provider && c.capability === capability && (c.scope === '*' || same(c.scope)));
}

const snapshotOf = (coverage: CoverageRecord[]): Snapshot => ({ manifest: { schemaVersion: 1, collectedAt: '2026-11-01T00:00:00Z', providers: {}, coverage }, files: {}, source: 'test' });

describe('coverageEntry', () => {
  const scopes: Record<ProviderName, string[]> = {
    okta: ['https://acme.okta.com', 'https://Acme.okta.com/', 'HTTPS://acme.okta.com:443', 'https://other.okta.com', '*'],
    entra: ['1b2c3d4e-0000-4000-8000-00000000abcd', '1B2C3D4E-0000-4000-8000-00000000ABCD', 'contoso.onmicrosoft.com', '*'],
    aws: ['111122223333', '444455556666', '*'],
  };
  const caps = ['a', 'b'];
  const statuses = ['collected', 'error', 'not-collected', 'missing-permission'] as const;

  it('answers as a scan of the list would, over seeded mixes of scope spellings, `*` records and repeats', () => {
    let seed = 7;
    const draw = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let round = 0; round < 200; round++) {
      const coverage: CoverageRecord[] = [];
      const count = 1 + draw(12);
      for (let i = 0; i < count; i++) {
        const provider = (['okta', 'entra', 'aws'] as const)[draw(3)];
        coverage.push({ provider, scope: scopes[provider][draw(scopes[provider].length)], capability: caps[draw(2)], status: statuses[draw(4)], reason: `r${i}` });
      }
      const snapshot = snapshotOf(coverage);
      for (const provider of ['okta', 'entra', 'aws'] as const) {
        for (const scope of scopes[provider].filter((s) => s !== '*')) {
          for (const cap of caps) expect(coverageEntry(snapshot, provider, scope, cap)).toBe(firstOf(coverage, provider, scope, cap));
        }
      }
    }
  });

  it('sees a record added to the manifest after an earlier question', () => {
    const coverage: CoverageRecord[] = [{ provider: 'aws', scope: '111122223333', capability: 'aws.iam', status: 'collected' }];
    const snapshot = snapshotOf(coverage);
    expect(coverageEntry(snapshot, 'aws', '444455556666', 'aws.iam')).toBeUndefined();
    coverage.push({ provider: 'aws', scope: '444455556666', capability: 'aws.iam', status: 'error', reason: 'AccessDenied' });
    expect(coverageEntry(snapshot, 'aws', '444455556666', 'aws.iam')?.status).toBe('error');
  });
});
