import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyDemo, reportOf, scratch } from './demo-copy.js';

// An IAM user of the authorization details with no row in the credential report: its keys,
// password and MFA were not read. Its findings must not vanish as if it had no credentials.

const tmp = scratch('aws-credential-report-rows');
afterAll(() => tmp.cleanup());

const PROD = '111122223333';
const REPORT = `aws/${PROD}/credential-report.csv`;
const USER = 'legacy-erp-integration';

let n = 0;
function withoutRow(name: string): string {
  const dir = copyDemo(tmp.dir, `${name}-${n++}`);
  const file = join(dir, REPORT);
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = lines.filter((l) => !l.startsWith(`${USER},`));
  if (kept.length !== lines.length - 1) throw new Error(`no row of ${USER}`);
  writeFileSync(file, kept.join('\n'));
  return dir;
}

describe('an IAM user missing from its account credential report', () => {
  it('gives one error record for the file, one warning naming it, and unknown for the rules that read its credentials', () => {
    const report = reportOf(withoutRow('row'));
    const recs = report.coverage.filter((c) => c.capability.startsWith('aws.credentialReport'));
    expect(recs).toContainEqual({ provider: 'aws', scope: PROD, capability: 'aws.credentialReport@credential-report.csv', status: 'error', reason: expect.stringMatching(/^1 of \d+ IAM users is not in credential-report\.csv: .* \(first: legacy-erp-integration\)$/) });
    expect(recs.find((c) => c.capability === 'aws.credentialReport' && c.scope === PROD)?.status).toBe('collected');
    expect(report.warnings).toContainEqual(expect.stringContaining(`${REPORT}: 1 of`));
    const user = report.identities.find((i) => i.scope === PROD && i.name === USER)!;
    for (const rule of ['aws-key-user-console-access', 'aws-access-key-not-rotated', 'aws-access-key-unused', 'nhi-credential-no-expiry']) {
      expect(user.unknownRuleIds, rule).toContain(rule);
    }
  });

  it('fails a baseline gate (--fail-on high) with exit 3', () => {
    const base = join(tmp.dir, 'base.json');
    expect(cli(['scan', '--demo', '--write-baseline', base, '--format', 'json']).code).toBe(0);
    const r = cli(['scan', '--snapshot', withoutRow('gate'), '--baseline', base, '--fail-on', 'high']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('aws.credentialReport@credential-report.csv: error');
  });

  it('near miss: every user has a row (the demo): no such record', () => {
    const report = reportOf(copyDemo(tmp.dir, 'demo'));
    expect(report.coverage.filter((c) => c.capability.includes('@credential-report'))).toEqual([]);
  });
});
