import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderRecertCsv } from '../../src/reporters/recert.js';
import { renderTable } from '../../src/reporters/table.js';
import { parseCsv } from './csv-parse.js';
import { copyDemo, reportOf, scratch } from './demo-copy.js';

/*
 * An identity summary states facts: "automation holding a standing credential", credential
 * strength "none". For an IAM user whose credentials were not read (no row in the credential
 * report, or the whole report unread) those facts were never read, so the summary must say what
 * it does not know instead of stating them.
 */

const tmp = scratch('summary-unread-credentials');
afterAll(() => tmp.cleanup());

const PROD = '111122223333';
const REPORT = `aws/${PROD}/credential-report.csv`;
const USER = 'svc-reporting';

let n = 0;
function withoutRow(user: string = USER): string {
  const dir = copyDemo(tmp.dir, `row-${n++}`);
  const file = join(dir, REPORT);
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = lines.filter((l) => !l.startsWith(`${user},`));
  expect(kept.length).toBe(lines.length - 1);
  writeFileSync(file, kept.join('\n'));
  return dir;
}

function withoutReport(): string {
  const dir = copyDemo(tmp.dir, `report-${n++}`);
  rmSync(join(dir, REPORT));
  return dir;
}

function summaryOf(dir: string) {
  const report = reportOf(dir);
  const i = report.identities.find((x) => x.name === USER);
  expect(i).toBeDefined();
  const [header, ...rows] = parseCsv(renderRecertCsv(report));
  const row = rows.find((cells) => cells[header.indexOf('name')] === USER)!;
  return { i: i!, recert: Object.fromEntries(header.map((h, k) => [h, row[k]])) };
}

describe('the summary of an IAM user whose credentials were not read', () => {
  it('control: with its row read it holds a standing credential and a shared secret', () => {
    const { i, recert } = summaryOf(copyDemo(tmp.dir, 'control'));
    expect(i.autonomyReason).toBe('automation holding a standing credential');
    expect(i.strength).toBe('shared-secret');
    expect(i.strengthEvidence.some((e) => e.includes('not all read'))).toBe(false);
    expect(recert.strength).toBe('shared-secret');
  });

  for (const [how, make, why] of [
    ['no row in the report', withoutRow, 'the user has no row in the credential report'],
    ['the report not read', withoutReport, 'the credential report of its account was not read'],
  ] as const) {
    it(`${how}: autonomy does not claim a standing credential, strength "none" is qualified, the sheet says unknown`, () => {
      const { i, recert } = summaryOf(make());
      expect(i.credentialsIncomplete).toBe(why);
      // Still automation (it is classified a service account by its name), no claim about credentials.
      expect(i.autonomy).toBe('scheduled');
      expect(i.autonomyReason).toBe(`automation; whether it holds a standing credential is not known: ${why}`);
      expect(i.strength).toBe('none');
      expect(i.strengthEvidence).toContain(`credentials not all read (${why}): strength and longLivedCredential judge only those read`);
      expect(recert.strength).toBe('unknown');
      expect(recert.credential_types).toBe('unknown');
      // The terminal table's profile line says the same as the sheet.
      const table = renderTable(reportOf(make()), { color: false });
      const heading = table.split('\n').find((l) => l.trim().startsWith(`${USER} aws aws-iam-user`));
      expect(heading).toBeDefined();
      expect(heading).toContain(' · unknown · ');
      expect(heading).not.toContain(' · none · ');
    });
  }
});

describe('the tier policy of an IAM user whose credentials were not read', () => {
  // billing-export has an owner; its access keys never expire, past T2's 365 days.
  const OWNED = 'billing-export';
  it('control: read, its keys break the lifetime limit', () => {
    const r = reportOf(copyDemo(tmp.dir, 'tier-control'));
    expect(r.findings.filter((f) => f.subject.name === OWNED).map((f) => f.ruleId)).toContain('nhi-tier-policy-violation');
  });

  it('no row: no silent pass on the credential limits, unknown saying why', () => {
    const r = reportOf(withoutRow(OWNED));
    expect(r.findings.filter((f) => f.subject.name === OWNED).map((f) => f.ruleId)).not.toContain('nhi-tier-policy-violation');
    expect(r.identities.find((i) => i.name === OWNED)?.unknownRuleIds).toContain('nhi-tier-policy-violation');
    expect(r.rules.find((s) => s.ruleId === 'nhi-tier-policy-violation')!.unknownReasons).toMatchObject({
      'the lifetime of its standing credentials is not known: the user has no row in the credential report': 1,
    });
  });
});
