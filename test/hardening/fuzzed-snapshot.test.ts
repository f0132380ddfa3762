import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionMatcher, compileGlob } from '../../src/aws/policy/wildcard.js';
import { copyDemo, findingLines, outcome, readJsonFile, reportOf, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';

/*
 * Faults a mutation fuzzer found in the demo snapshot (one value changed at a time, every file
 * of the three providers): each ended in an internal error, a misleading line, or a silent
 * "never used", where the standard is one line naming the file and place (or a report).
 */

const tmp = scratch('fuzzed-snapshot');
afterAll(() => tmp.cleanup());

const DEV = 'aws/444455556666/authorization-details.json';
const PROD_REPORT = 'aws/111122223333/credential-report.csv';

describe('a policy pattern longer than the regex engine takes', () => {
  // V8 refuses a literal run of more than 32,767 characters ("Regular expression too large").
  const long = 'a'.repeat(40_000);

  it('matches exactly what it says, with or without wildcards', () => {
    expect(compileGlob(`sts:assumerole${long}`, true).test(`sts:AssumeRole${long}`)).toBe(true);
    expect(compileGlob(`sts:assumerole${long}`, true).test('sts:AssumeRole')).toBe(false);
    const m = new ActionMatcher([`s3:get*${long}`, 'ec2:describe*']);
    expect(m.matches(`s3:getobject${long}`)).toBe(true);
    expect(m.matches('s3:getobject')).toBe(false);
    expect(m.matches('ec2:describeinstances')).toBe(true);
  });

  it('in a trust policy or an inline policy, is scanned instead of ending in an internal error', () => {
    const dir = copyDemo(tmp.dir, 'long-action');
    const doc = readJsonFile(dir, DEV);
    doc.RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Action = `sts:AssumeRole${'A'.repeat(200_000)}`;
    doc.UserDetailList[0].UserPolicyList[0].PolicyDocument.Statement[0].Action = `s3:Get*${'A'.repeat(200_000)}`;
    writeJsonFile(dir, DEV, doc);
    expect(reportOf(dir).findings.length).toBeGreaterThan(0);
  });
});

describe('an Okta provider section written null in the manifest', () => {
  it('is read as left out: with okta/ files, the line asking for the org URL', () => {
    const dir = copyDemo(tmp.dir, 'okta-null');
    const m = readJsonFile(dir, 'manifest.json');
    m.providers.okta = null;
    writeJsonFile(dir, 'manifest.json', m);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('input-error');
    if (r.kind === 'input-error') expect(r.line).toMatch(/manifest\.json: \$\.providers\.okta\.orgUrl: no Okta org URL: okta\/ files are present/);
  });

  it('without okta/ files, gives the report of a manifest without the section (the near miss)', () => {
    const read = (name: string, value: null | undefined): string[] => {
      const dir = copyDemo(tmp.dir, name);
      rmSync(join(dir, 'okta'), { recursive: true });
      const m = readJsonFile(dir, 'manifest.json');
      m.providers.okta = value;
      m.coverage = m.coverage.filter((c: { provider: string }) => c.provider !== 'okta');
      writeJsonFile(dir, 'manifest.json', m);
      return findingLines(outcome(() => scanSnapshotDir(dir)));
    };
    const without = read('okta-absent', undefined);
    expect(without.length).toBeGreaterThan(0);
    expect(read('okta-null-no-files', null)).toEqual(without);
  });
});

describe('an authorization details file that holds a lone JSON string', () => {
  it('is the wrong shape, not "invalid JSON" with the text quoted', () => {
    const dir = copyDemo(tmp.dir, 'authz-string');
    writeFileSync(join(dir, DEV), '"UserDetailList"');
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('input-error');
    if (r.kind === 'input-error') {
      expect(r.line).toBe(`${DEV}: expected a JSON object with UserDetailList, GroupDetailList, RoleDetailList and Policies`);
    }
  });
});

describe('a credential report without one of its date columns', () => {
  const dropColumn = (csv: string, name: string): string => {
    const rows = csv.trimEnd().split('\n').map((l) => l.split(','));
    const at = rows[0].indexOf(name);
    return `${rows.map((r) => r.filter((_, i) => i !== at).join(',')).join('\n')}\n`;
  };

  it.each(['password_last_used', 'password_last_changed', 'access_key_2_last_used_date'])('stops naming the missing column %s (it read as "never used")', (column) => {
    const dir = copyDemo(tmp.dir, `report-no-${column}`);
    const file = join(dir, PROD_REPORT);
    writeFileSync(file, dropColumn(readFileSync(file, 'utf8'), column));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('input-error');
    if (r.kind === 'input-error') expect(r.line).toBe(`${PROD_REPORT}: line 1: missing column ${column}`);
  });

  it('a column the scan does not read may be left out (the near miss)', () => {
    const dir = copyDemo(tmp.dir, 'report-no-region');
    const file = join(dir, PROD_REPORT);
    writeFileSync(file, dropColumn(readFileSync(file, 'utf8'), 'access_key_1_last_used_region'));
    expect(outcome(() => scanSnapshotDir(dir)).kind).toBe('report');
  });
});

describe('an @odata.type that is not a string', () => {
  // Read as absent, an agent identity passed as a plain service principal, a nested group as a
  // member to resolve, and an owner of unknown kind as a user.
  it.each([
    ['entra/servicePrincipals.json', (doc: any) => (doc.value[0]['@odata.type'] = 42), /^entra\/servicePrincipals\.json: \$\.value\[0\]\.@odata\.type: expected a string$/],
    ['entra/applications.json', (doc: any) => (doc.value[0]['@odata.type'] = ['#microsoft.graph.agentIdentityBlueprint']), /^entra\/applications\.json: \$\.value\[0\]\.@odata\.type: expected a string$/],
    ['entra/groupMembers.json', (doc: any) => (Object.values(doc as Record<string, any[]>)[0][0]['@odata.type'] = { kind: 'group' }), /^entra\/groupMembers\.json: \$\["[^"]+"\]\[0\]\.@odata\.type: expected a string$/],
  ])('%s: stops naming the field', (file, change, line) => {
    const dir = copyDemo(tmp.dir, `odata-${file.replace(/\W+/g, '-')}`);
    const doc = readJsonFile(dir, file);
    change(doc);
    writeJsonFile(dir, file, doc);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('input-error');
    if (r.kind === 'input-error') expect(r.line).toMatch(line);
  });
});

describe('a relationship list written null', () => {
  // Read as "none", a null owner or federated-credential list turned a finding into a pass (an
  // app with owners became ownerless, a federated trust vanished). Only the manager file records
  // "none" as null: the collector's answer to Graph's 404 for a user without a manager.
  it.each([['entra/federatedIdentityCredentials.json'], ['entra/servicePrincipalOwners.json'], ['okta/appUsers.json']])('%s: stops naming the parent', (file) => {
    const dir = copyDemo(tmp.dir, `null-${file.replace(/\W+/g, '-')}`);
    const doc = readJsonFile(dir, file);
    const parent = Object.keys(doc)[0];
    doc[parent] = null;
    writeJsonFile(dir, file, doc);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('input-error');
    if (r.kind === 'input-error') expect(r.line).toBe(`${file}: $["${parent}"]: expected a list, not null`);
  });

  it('entra/userManagers.json: null is a user without a manager, as before', () => {
    const dir = copyDemo(tmp.dir, 'null-manager');
    const doc = readJsonFile(dir, 'entra/userManagers.json');
    const parent = Object.keys(doc)[0];
    doc[parent] = null;
    writeJsonFile(dir, 'entra/userManagers.json', doc);
    expect(outcome(() => scanSnapshotDir(dir)).kind).toBe('report');
  });
});
