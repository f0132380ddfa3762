import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIsoInstant, parseProviderInstant } from '../../src/iso-date.js';
import { expiryInstant } from '../../src/ci/waivers.js';
import { cli } from '../helpers/cli.js';
import { copyDemo, outcome, readJsonFile, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';

/**
 * Same input, same output, whatever the machine's time zone: a date-time written without a zone
 * is read as UTC (as a date alone already is in JavaScript), never as the local time.
 */
const tmp = scratch('timezone');
afterAll(() => tmp.cleanup());

const ZONES = ['UTC', 'Pacific/Kiritimati', 'America/St_Johns'];

function inZones(args: string[]): { code: number; stdout: string; stderr: string }[] {
  return ZONES.map((TZ) => cli(args, { env: { TZ } }));
}

describe('parseIsoInstant', () => {
  it('reads ISO-8601 dates and date-times, a missing zone as UTC', () => {
    expect(parseIsoInstant('2026-11-20')).toBe(Date.UTC(2026, 10, 20));
    expect(parseIsoInstant('2026-11-20T09:00')).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseIsoInstant('2026-11-20T09:00:00')).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseIsoInstant('2026-11-20 09:00:00.5')).toBe(Date.UTC(2026, 10, 20, 9, 0, 0, 500));
    expect(parseIsoInstant('2026-11-20T09:00:00Z')).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseIsoInstant('2026-11-20T09:00:00.123456Z')).toBe(Date.UTC(2026, 10, 20, 9, 0, 0, 123));
    expect(parseIsoInstant('2026-11-20T10:30:00+01:30')).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseIsoInstant('2026-11-20T10:00:00+0100')).toBe(Date.UTC(2026, 10, 20, 9));
  });

  it('refuses what is not ISO-8601 or not a real date', () => {
    for (const s of ['yesterday', 'Nov 20 2026', '12/31/2026', '2026-11-20 (\u001b[31mx)', '1', '99999-01-01', '2026-02-30', '2026-13-01', '2026-11-20T25:00:00Z', '2026-11-20T09:00:00+99:00', '']) {
      expect(parseIsoInstant(s), s).toBeNaN();
    }
  });

  it('reads the common YYYY-MM-DDTHH:MM:SS[.sss]Z form exactly, and still refuses impossible ones of that form', () => {
    expect(parseIsoInstant('2026-11-20T09:00:00Z')).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseIsoInstant('2026-11-28T23:59:59.999Z')).toBe(Date.UTC(2026, 10, 28, 23, 59, 59, 999));
    expect(parseIsoInstant('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoInstant('2026-12-31T00:00:00.000Z')).toBe(Date.UTC(2026, 11, 31));
    for (const s of ['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-04-31T00:00:00.000Z', '2026-11-20T24:00:00Z', '2026-11-20T09:60:00Z', '2026-00-10T09:00:00Z', '2026-1x-10T09:00:00Z']) {
      expect(parseIsoInstant(s), s).toBeNaN();
    }
  });

  it('reads the +00:00 form AWS writes exactly, and refuses impossible ones of that form', () => {
    expect(parseIsoInstant('2022-05-14T09:00:00+00:00')).toBe(Date.UTC(2022, 4, 14, 9));
    expect(parseIsoInstant('2026-11-28T23:59:59.999+00:00')).toBe(Date.UTC(2026, 10, 28, 23, 59, 59, 999));
    expect(parseIsoInstant('2024-02-29T00:00:00+00:00')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoInstant('2026-11-20T09:00:00-00:00')).toBe(Date.UTC(2026, 10, 20, 9));
    for (const s of ['2026-02-30T00:00:00+00:00', '2025-02-29T00:00:00+00:00', '2026-11-20T24:00:00+00:00', '2026-11-20T09:60:00+00:00', '2026-00-10T09:00:00+00:00', '2026-11-20T09 00 00+00:00', '2026-11-20T09:00:00X+00:00']) {
      expect(parseIsoInstant(s), s).toBeNaN();
    }
  });

  it('reads another provider date format only when it names its zone', () => {
    expect(parseProviderInstant('2026-11-20T09:00:00')).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseProviderInstant('Fri, 20 Nov 2026 09:00:00 GMT')).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseProviderInstant('Fri Nov 20 2026 10:00:00 GMT+0100 (CET)')).toBe(Date.UTC(2026, 10, 20, 9));
    for (const s of ['Nov 20 2026', 'Fri Nov 20 2026 09:00:00', '11/20/2026 09:00', 'yesterday', '']) expect(parseProviderInstant(s), s).toBeNaN();
  });

  it('gives a waiver instant without zone the same expiry in every zone', () => {
    expect(expiryInstant('2026-11-20T09:30')).toBe(Date.UTC(2026, 10, 20, 9, 30));
  });
});

describe('the CLI in different time zones', () => {
  it('--now without a zone evaluates at the same instant everywhere', () => {
    const runs = inZones(['scan', '--demo', '--format', 'json', '--now', '2026-11-20T09:00']);
    for (const r of runs) expect(r.code).toBe(0);
    expect(JSON.parse(runs[0].stdout).scannedAt).toBe('2026-11-20T09:00:00.000Z');
    expect(runs[1].stdout).toBe(runs[0].stdout);
    expect(runs[2].stdout).toBe(runs[0].stdout);
  });

  it('a non-ISO --now is an input error', () => {
    const r = cli(['scan', '--demo', '--now', 'Nov 20 2026']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nhiscan: --now: not an ISO-8601 date/);
  });

  it('a manifest collectedAt without a zone gives the same report everywhere', () => {
    const dir = copyDemo(tmp.dir, 'zoneless');
    const m = readJsonFile(dir, 'manifest.json');
    m.collectedAt = '2026-11-20T09:00:00';
    writeJsonFile(dir, 'manifest.json', m);
    for (const format of ['json', 'table']) {
      const runs = inZones(['scan', '--snapshot', dir, '--format', format]);
      for (const r of runs) expect(r.code).toBe(0);
      expect(runs[1].stdout).toBe(runs[0].stdout);
      expect(runs[2].stdout).toBe(runs[0].stdout);
    }
  });

  it('a manifest collectedAt that is not ISO-8601 names the file and the field', () => {
    const dir = copyDemo(tmp.dir, 'legacy-date');
    const m = readJsonFile(dir, 'manifest.json');
    m.collectedAt = '2026-11-20 09:00 (\u001b[31mEVIL)';
    writeJsonFile(dir, 'manifest.json', m);
    const r = cli(['scan', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manifest\.json: \$\.collectedAt: expected an ISO-8601 date/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('AWS dates without a zone (authorization details, credential report) give the same report everywhere', () => {
    const dir = copyDemo(tmp.dir, 'aws-zoneless');
    const account = readdirSync(join(dir, 'aws')).find((d) => /^\d{12}$/.test(d))!;
    const authz = readJsonFile(dir, `aws/${account}/authorization-details.json`) as { RoleDetailList: Array<Record<string, unknown>> };
    let changed = 0;
    for (const r of authz.RoleDetailList) {
      if (typeof r.CreateDate === 'string') r.CreateDate = r.CreateDate.replace(/(Z|[+-]\d\d:\d\d)$/, ''), changed++;
      const used = r.RoleLastUsed as { LastUsedDate?: string } | undefined;
      if (used?.LastUsedDate) used.LastUsedDate = used.LastUsedDate.replace(/(Z|[+-]\d\d:\d\d)$/, '');
    }
    expect(changed).toBeGreaterThan(0);
    writeJsonFile(dir, `aws/${account}/authorization-details.json`, authz);
    const reportPath = join(dir, 'aws', account, 'credential-report.csv');
    writeFileSync(reportPath, readFileSync(reportPath, 'utf8').replace(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\+00:00|Z)/g, '$1'));
    const runs = inZones(['scan', '--snapshot', dir, '--format', 'json']);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs[1].stdout).toBe(runs[0].stdout);
    expect(runs[2].stdout).toBe(runs[0].stdout);
    // Read as UTC: the same report as the untouched demo, whose dates all say UTC.
    const demo = cli(['scan', '--demo', '--format', 'json']);
    const verdicts = (out: string) => (JSON.parse(out).findings as Array<{ fingerprint: string; severity: string }>).map((f) => `${f.fingerprint} ${f.severity}`);
    expect(verdicts(runs[0].stdout)).toEqual(verdicts(demo.stdout));
  });

  it('an AWS policy date condition without a zone (aws:CurrentTime) is read as UTC everywhere', () => {
    // Half an hour after the collection in UTC; before it east of UTC+0:30 when read as local time.
    const withCondition = (name: string, until: string): string => {
      const dir = copyDemo(tmp.dir, name);
      const authz = readJsonFile(dir, 'aws/444455556666/authorization-details.json');
      authz.RoleDetailList[0].RolePolicyList = [
        ...(authz.RoleDetailList[0].RolePolicyList ?? []),
        { PolicyName: 'until', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': until } } }] } },
      ];
      writeJsonFile(dir, 'aws/444455556666/authorization-details.json', authz);
      return dir;
    };
    const findingsOf = (stdout: string): string => JSON.stringify(JSON.parse(stdout).findings);
    const runs = inZones(['scan', '--snapshot', withCondition('aws-condition-zoneless', '2026-11-20T09:30:00'), '--format', 'json']);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs[1].stdout).toBe(runs[0].stdout);
    expect(runs[2].stdout).toBe(runs[0].stdout);
    // Read as UTC: the same findings as the condition written with Z, and not those of a grant
    // that ended before the collection.
    const utc = cli(['scan', '--snapshot', withCondition('aws-condition-utc', '2026-11-20T09:30:00Z'), '--format', 'json']);
    expect(findingsOf(runs[0].stdout)).toBe(findingsOf(utc.stdout));
    const ended = cli(['scan', '--snapshot', withCondition('aws-condition-ended', '2026-11-20T08:30:00Z'), '--format', 'json']);
    expect(findingsOf(runs[0].stdout)).not.toBe(findingsOf(ended.stdout));
  });

  it('a waiver instant without zone expires at the same moment everywhere', () => {
    const file = `${tmp.dir}/waivers.yaml`;
    writeJsonFile(tmp.dir, 'waivers.yaml', [{ ruleId: 'entra-app-no-owner', subject: '*', reason: 'r', owner: 'o', expires: '2026-11-20T09:30' }]);
    const runs = inZones(['scan', '--demo', '--format', 'json', '--waivers', file, '--now', '2026-11-20T09:00:00Z']);
    const waived = runs.map((r) => JSON.parse(r.stdout).summary.waived);
    expect(waived[0]).toBeGreaterThan(0);
    expect(waived).toEqual([waived[0], waived[0], waived[0]]);
  });
});

/**
 * Every form of collectedAt the manifest check accepts is read as the same instant wherever the
 * snapshot's clock is used: the AWS policy clock (aws:CurrentTime), the Entra lifetime of a
 * credential without a start date, the answer thread (test/aws/answer-thread.test.ts).
 */
describe('collectedAt in every form the manifest accepts', () => {
  /** A demo copy whose clock matters: a grant from 09:00:00.400 on, and a credential without a start. */
  function clockDemo(name: string, collectedAt: string): string {
    const dir = copyDemo(tmp.dir, name);
    const m = readJsonFile(dir, 'manifest.json');
    m.collectedAt = collectedAt;
    writeJsonFile(dir, 'manifest.json', m);
    const authz = readJsonFile(dir, 'aws/444455556666/authorization-details.json');
    authz.RoleDetailList[0].RolePolicyList = [
      ...(authz.RoleDetailList[0].RolePolicyList ?? []),
      { PolicyName: 'from-collection', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-11-20T09:00:00.400Z' } } }] } },
    ];
    writeJsonFile(dir, 'aws/444455556666/authorization-details.json', authz);
    const apps = readJsonFile(dir, 'entra/applications.json');
    const credential = apps.value[0].passwordCredentials[0];
    delete credential.startDateTime;
    credential.endDateTime = '2299-12-31T00:00:00Z';
    writeJsonFile(dir, 'entra/applications.json', apps);
    return dir;
  }
  /** The report less `snapshot`, which repeats collectedAt as written and the folder's name. */
  const reportText = (dir: string): string => {
    const r = outcome(() => scanSnapshotDir(dir));
    if (r.kind !== 'report') throw new Error(r.line);
    return JSON.stringify({ ...r.result.report, snapshot: undefined });
  };

  it('a comma fraction, a space or no-break space before Z, an offset: the same report as the canonical form', () => {
    const canonical = reportText(clockDemo('canonical', '2026-11-20T09:00:00.500Z'));
    // The clock is read: a collection before the grant's start gives another report.
    expect(reportText(clockDemo('earlier', '2026-11-20T09:00:00.300Z'))).not.toBe(canonical);
    const forms = ['2026-11-20T09:00:00,5Z', '2026-11-20T09:00:00.5 Z', '2026-11-20T09:00:00.5\u00a0Z', '2026-11-20T10:00:00,5+01:00', '2026-11-20T09:00:00,500'];
    forms.forEach((form, i) => {
      expect(reportText(clockDemo(`form-${i}`, form)), JSON.stringify(form)).toBe(canonical);
    });
  });

  it('the CLI scans a manifest with a comma fraction and an aws:CurrentTime condition (it crashed: Invalid time value)', () => {
    const dir = clockDemo('cli-comma', '2026-11-20T09:00:00,5Z');
    const r = cli(['scan', '--snapshot', dir, '--format', 'json']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scannedAt).toBe('2026-11-20T09:00:00.500Z');
  });
});
