import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyDemo, findingLines as findings, outcome, readJsonFile, reportOf, scanSnapshotDir, scratch, setAwsCoverage, writeJsonFile } from './demo-copy.js';

const tmp = scratch('aws-snapshot-input');
afterAll(() => tmp.cleanup());

const PROD = '111122223333';
const DIR = `aws/${PROD}`;
const OIDC = `${DIR}/oidc-providers.json`;
const SAML = `${DIR}/saml-providers.json`;
const RA = `${DIR}/rolesanywhere.json`;
const AUTHZ = `${DIR}/authorization-details.json`;
const REPORT = `${DIR}/credential-report.csv`;
const GITHUB = 'token.actions.githubusercontent.com';

let n = 0;
const fresh = (name: string): string => copyDemo(tmp.dir, `${name}-${n++}`);

const setCoverage = (dir: string, capability: string, status: string, reason: string): void => setAwsCoverage(dir, PROD, capability, status, reason);

// The same rule for the account's two main files (docs/snapshot-format.md: a coverage entry wins
// over the files), as Entra and Okta follow it: a record that is not `collected` disowns them.
describe('AWS authorization details and credential report are used only when their capability was collected', () => {
  for (const [capability, file] of [['aws.credentialReport', REPORT], ['aws.iam', AUTHZ]] as const) {
    it(`${capability} recorded as error reads as if ${file.split('/').pop()} were absent`, () => {
      const disowned = fresh(`${capability}-error`);
      setCoverage(disowned, capability, 'error', 'throttled');
      const absent = fresh(`${capability}-absent`);
      rmSync(join(absent, file));
      setCoverage(absent, capability, 'error', 'throttled');
      const kept = findings(outcome(() => scanSnapshotDir(disowned)));
      expect(kept).toEqual(findings(outcome(() => scanSnapshotDir(absent))));
      // Not vacuous: the file, when believed, gives findings the disowned scan does not have.
      expect(findings(outcome(() => scanSnapshotDir(fresh(`${capability}-collected`)))).filter((f) => !kept.includes(f)).length).toBeGreaterThan(0);
    });
  }
});

describe('AWS federation and Roles Anywhere files are used only when their capability was collected', () => {
  it('a partial oidc-providers.json under aws.federation missing-permission reads as if it were absent', () => {
    const partial = (dir: string) => writeJsonFile(dir, OIDC, readJsonFile(dir, OIDC).filter((p: any) => p.Url !== GITHUB));
    const denied = fresh('fed-denied');
    partial(denied);
    setCoverage(denied, 'aws.federation', 'missing-permission', '403 AccessDenied');
    const deleted = fresh('fed-deleted');
    rmSync(join(deleted, OIDC));
    rmSync(join(deleted, SAML));
    setCoverage(deleted, 'aws.federation', 'missing-permission', '403 AccessDenied');

    const report = reportOf(denied);
    expect(report.coverage).toContainEqual(expect.objectContaining({ scope: PROD, capability: 'aws.federation', status: 'missing-permission' }));
    // The wildcard GitHub trust of github-deploy still reaches the administrator, at critical.
    const github = report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.message.includes('repo:northwind/*') && f.message.includes('administrator'));
    expect(github.map((f) => f.severity)).toEqual(['critical']);
    expect(findings(outcome(() => scanSnapshotDir(denied)))).toEqual(findings(outcome(() => scanSnapshotDir(deleted))));
  });

  it('the same partial file under a collected aws.federation is read (near miss: the entry point is then only possible)', () => {
    const dir = fresh('fed-collected');
    writeJsonFile(dir, OIDC, readJsonFile(dir, OIDC).filter((p: any) => p.Url !== GITHUB));
    const github = reportOf(dir).findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.message.includes('repo:northwind/*') && f.message.includes('administrator'));
    expect(github.map((f) => f.severity)).not.toContain('critical');
  });

  it('the CLI reports that entry point at critical on the denied snapshot', () => {
    const dir = fresh('fed-cli');
    writeJsonFile(dir, OIDC, readJsonFile(dir, OIDC).filter((p: any) => p.Url !== GITHUB));
    setCoverage(dir, 'aws.federation', 'missing-permission', '403 AccessDenied');
    const r = cli(['scan', '--snapshot', dir, '--format', 'json', '--allow-partial']);
    const report = JSON.parse(r.stdout);
    const github = report.findings.filter((f: any) => f.ruleId === 'nhi-path-to-crown-jewel' && f.message.includes('repo:northwind/*') && f.message.includes('administrator'));
    expect(github.map((f: any) => f.severity)).toEqual(['critical']);
  });

  it('rolesanywhere.json under aws.rolesAnywhere error reads as if it were absent', () => {
    const errored = fresh('ra-error');
    setCoverage(errored, 'aws.rolesAnywhere', 'error', 'ListProfiles failed');
    const deleted = fresh('ra-deleted');
    rmSync(join(deleted, RA));
    setCoverage(deleted, 'aws.rolesAnywhere', 'error', 'ListProfiles failed');
    const a = reportOf(errored);
    expect(a.coverage).toContainEqual(expect.objectContaining({ scope: PROD, capability: 'aws.rolesAnywhere', status: 'error' }));
    expect(findings(outcome(() => scanSnapshotDir(errored)))).toEqual(findings(outcome(() => scanSnapshotDir(deleted))));
    // Near miss: collected, the profile's trust anchor is an entry point of batch-export-x509.
    const collected = scanSnapshotDir(fresh('ra-collected'));
    const anchor = [...collected.graph.nodes.values()].filter((x) => x.type === 'x509-trust-anchor');
    expect(anchor).toHaveLength(1);
    const unread = scanSnapshotDir(errored);
    expect([...unread.graph.nodes.values()].filter((x) => x.type === 'x509-trust-anchor')).toEqual([]);
  });
});

describe('a wrong-shaped rolesanywhere.json or saml-providers.json is an input error naming the file and the place', () => {
  const WRONG: Array<[string, unknown]> = [
    ['null', null],
    ['a number', 42],
    ['a string', 'x'],
    ['an array', []],
  ];
  it.each(WRONG)('rolesanywhere.json that is %s', (_name, value) => {
    const dir = fresh('ra-shape');
    writeJsonFile(dir, RA, value);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${RA}: $: expected an object`) });
  });

  it.each([
    ['{}', {}, '$.trustAnchors'],
    ['a Graph envelope', { value: [] }, '$.trustAnchors'],
    ['profiles missing', { trustAnchors: [] }, '$.profiles'],
    ['trustAnchors not an array', { trustAnchors: 'a', profiles: [] }, '$.trustAnchors'],
    ['a profile that is not an object', { trustAnchors: [], profiles: [7] }, '$.profiles[0]'],
    ['roleArns not an array', { trustAnchors: [], profiles: [{ name: 'p', roleArns: 'arn' }] }, '$.profiles[0].roleArns'],
    // Dropped, a profile's role would lose its Roles Anywhere entry point without a word.
    ['a roleArns entry that is not a string', { trustAnchors: [], profiles: [{ name: 'p', roleArns: [{ arn: 'x' }] }] }, '$.profiles[0].roleArns[0]'],
  ])('rolesanywhere.json with %s', (_name, value, path) => {
    const dir = fresh('ra-shape');
    writeJsonFile(dir, RA, value);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${RA}: ${path}: `) });
  });

  it.each([
    ['null', null, '$'],
    ['a number', 42, '$'],
    ['a string', 'x', '$'],
    ['{}', {}, '$'],
    ['a Graph envelope', { value: [] }, '$'],
    ['an entry that is not an object', [1], '$[0]'],
    ['an entry without Arn', [{ CreateDate: '2024-01-01T00:00:00Z' }], '$[0].Arn'],
  ])('saml-providers.json that is %s', (_name, value, path) => {
    const dir = fresh('saml-shape');
    writeJsonFile(dir, SAML, value);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${SAML}: ${path}: `) });
  });

  // A client id dropped from the list would make a trust pinned to it read as "no such token is
  // accepted today" (a possible exposure, not a path).
  it('an oidc-providers.json ClientIDList entry that is not a string', () => {
    const dir = fresh('oidc-client');
    const providers = readJsonFile(dir, OIDC);
    providers[0].ClientIDList = [{ id: 'sts.amazonaws.com' }];
    writeJsonFile(dir, OIDC, providers);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${OIDC}: $[0].ClientIDList[0]: `) });
  });

  it('a Roles Anywhere profile naming a role that is not in the authorization details is a warning', () => {
    const dir = fresh('ra-norole');
    const ra = readJsonFile(dir, RA);
    ra.profiles[0].roleArns.push(`arn:aws:iam::${PROD}:role/not-there`);
    writeJsonFile(dir, RA, ra);
    expect(reportOf(dir).warnings.some((w) => w.includes(`${RA}: $.profiles[0].roleArns[1]`) && w.includes('not-there'))).toBe(true);
  });

  it('the demo files themselves, and empty lists, still read', () => {
    const dir = fresh('shape-ok');
    writeJsonFile(dir, RA, { trustAnchors: [], profiles: [] });
    writeJsonFile(dir, SAML, []);
    expect(outcome(() => scanSnapshotDir(dir)).kind).toBe('report');
  });

  it('is exit 2 from the CLI', () => {
    const dir = fresh('ra-cli');
    writeJsonFile(dir, RA, null);
    const r = cli(['scan', '--snapshot', dir, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('rolesanywhere.json');
  });
});

describe('an IAM entry without a usable Arn is an input error, not a dropped identity', () => {
  it.each([
    ['missing', undefined],
    ['a number', 42],
    ['empty', ''],
  ])('RoleDetailList[1].Arn %s', (_name, value) => {
    const dir = fresh('noarn');
    const doc = readJsonFile(dir, AUTHZ);
    if (value === undefined) delete doc.RoleDetailList[1].Arn;
    else doc.RoleDetailList[1].Arn = value;
    writeJsonFile(dir, AUTHZ, doc);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${AUTHZ}: RoleDetailList[1].Arn: `) });
  });

  it('names the user entry and field, and the CLI exits 2 even with --allow-partial', () => {
    const dir = fresh('noarn-user');
    const doc = readJsonFile(dir, AUTHZ);
    delete doc.UserDetailList[0].UserName;
    writeJsonFile(dir, AUTHZ, doc);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${AUTHZ}: UserDetailList[0].UserName: `) });
    const run = cli(['scan', '--snapshot', dir, '--format', 'json', '--allow-partial', '--fail-on', 'high']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('UserDetailList[0].UserName');
  });
});

describe('credential report flags accept only the documented values', () => {
  /** Rewrites one cell of the prod credential report, by user and column. */
  function setCell(dir: string, user: string, column: string, value: string): number {
    const lines = readFileSync(join(dir, REPORT), 'utf8').split('\n');
    const header = lines[0].split(',');
    const col = header.indexOf(column);
    const row = lines.findIndex((l) => l.startsWith(`${user},`));
    const cells = lines[row].split(',');
    cells[col] = value;
    lines[row] = cells.join(',');
    writeFileSync(join(dir, REPORT), lines.join('\n'));
    return row + 1;
  }

  it.each([
    ['access_key_1_active', 'TRUE '],
    ['access_key_1_active', 'yes'],
    ['access_key_1_active', ''],
    ['access_key_2_active', '1'],
    ['password_enabled', 'True!'],
    ['password_enabled', 'N/A'],
    ['mfa_active', 'not_supported'],
    ['cert_1_active', 'maybe'],
  ])('%s = %j is an input error naming the file, line and column', (column, value) => {
    const dir = fresh('cr');
    const line = setCell(dir, 'legacy-erp-integration', column, value);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${REPORT}: line ${line}, column ${column}: `) });
  });

  it('TRUE and FALSE as the IAM docs write them read like true and false', () => {
    const upper = fresh('cr-upper');
    setCell(upper, 'legacy-erp-integration', 'access_key_1_active', 'TRUE');
    setCell(upper, 'legacy-erp-integration', 'password_enabled', 'TRUE');
    setCell(upper, 'legacy-erp-integration', 'mfa_active', 'FALSE');
    expect(findings(outcome(() => scanSnapshotDir(upper)))).toEqual(findings(outcome(() => scanSnapshotDir(fresh('cr-lower')))));
  });

  it('is exit 2 from the CLI, with --allow-partial', () => {
    const dir = fresh('cr-cli');
    setCell(dir, 'legacy-erp-integration', 'access_key_1_active', 'TRUE ');
    const r = cli(['scan', '--snapshot', dir, '--fail-on', 'low', '--allow-partial']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('credential-report.csv');
    expect(r.stderr).toContain('access_key_1_active');
  });
});
