import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyDemo, findingLines as findings, outcome, readJsonFile, reportOf, scanSnapshotDir, scratch, setAwsCoverage, writeJsonFile } from './demo-copy.js';

// Reading the AWS files of an offline snapshot: a file that is not the whole account, or an
// entry that cannot be read, must never read as "fewer findings". It is refused (exit 2, one
// line naming the file and place) or becomes a coverage record, a warning and `unknown`.

const tmp = scratch('aws-input-completeness');
afterAll(() => tmp.cleanup());

const PROD = '111122223333';
const DIR = `aws/${PROD}`;
const AUTHZ = `${DIR}/authorization-details.json`;
const REPORT = `${DIR}/credential-report.csv`;
const ADMIN = { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' };

let n = 0;
const fresh = (name: string): string => copyDemo(tmp.dir, `${name}-${n++}`);

function editAuthz(dir: string, edit: (doc: any) => void): void {
  const doc = readJsonFile(dir, AUTHZ);
  edit(doc);
  writeJsonFile(dir, AUTHZ, doc);
}

const setCoverage = (dir: string, capability: string, status: string, reason: string): void => setAwsCoverage(dir, PROD, capability, status, reason);

/** The aws-principal-admin answer for one principal of the prod account: pass, fail or unknown. */
function adminAnswer(dir: string, name: string): string {
  const report = reportOf(dir);
  const subject = report.identities.find((x) => x.scope === PROD && x.name === name);
  if (!subject) throw new Error(`no ${name}`);
  if (report.findings.some((f) => f.ruleId === 'aws-principal-admin' && f.subject.id === subject.id)) return 'fail';
  return subject.unknownRuleIds?.includes('aws-principal-admin') ? 'unknown' : 'pass';
}

// Refused like a Graph file that still has an @odata.nextLink (docs/snapshot-format.md): the
// collector merges every page and never writes these markers, so one can only be an unmerged page.
describe('a truncated authorization-details.json (one page of a paged answer) is refused, naming the marker', () => {
  it.each([
    ['IsTruncated true with a Marker', { IsTruncated: true, Marker: 'AAAAexample' }, 'IsTruncated'],
    ['a Marker alone', { Marker: 'AAAAexample' }, 'Marker'],
    ['IsTruncated true alone', { IsTruncated: true }, 'IsTruncated'],
    ['IsTruncated as a string', { IsTruncated: 'true' }, 'IsTruncated'],
    ['the NextToken the aws CLI prints with --max-items', { NextToken: 'eyJNYXJrZXIiOiBudWxsfQ==' }, 'NextToken'],
  ])('%s', (_name, marks, field) => {
    const cut = fresh('trunc');
    editAuthz(cut, (doc) => Object.assign(doc, marks));
    const r = outcome(() => scanSnapshotDir(cut));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${AUTHZ}: ${field}: one page of GetAccountAuthorizationDetails`) });
  });

  it('near miss: IsTruncated false (the last page, or all pages merged) with a null Marker reads as the demo does', () => {
    const last = fresh('trunc-false');
    editAuthz(last, (doc) => Object.assign(doc, { IsTruncated: false, Marker: null }));
    expect(findings(outcome(() => scanSnapshotDir(last)))).toEqual(findings(outcome(() => scanSnapshotDir(fresh('demo')))));
  });

  it('a truncated file under aws.iam recorded as not collected is not read, so not refused', () => {
    const dir = fresh('trunc-disowned');
    editAuthz(dir, (doc) => Object.assign(doc, { IsTruncated: true, Marker: 'AAAAexample' }));
    setCoverage(dir, 'aws.iam', 'error', 'GetAccountAuthorizationDetails: stopped after 1000 pages');
    expect(outcome(() => scanSnapshotDir(dir)).kind).toBe('report');
  });

  it('given with --aws-authz-details: exit 2, one line naming the file given and the marker, even with --allow-partial', () => {
    const cut = fresh('trunc-cli');
    editAuthz(cut, (doc) => Object.assign(doc, { IsTruncated: true, Marker: 'AAAAexample' }));
    const file = join(cut, AUTHZ);
    const r = cli(['scan', '--aws-authz-details', file, '--format', 'json', '--allow-partial']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}: IsTruncated: one page of GetAccountAuthorizationDetails`);
  });
});

// Neither the aws CLI nor the collector writes null for a list (an empty one is []); read as
// empty, a null list dropped every role, the user's groups or a policy's versions and passed them.
// Tags feed the owner checks (owner missing vs unknown) and aws:PrincipalTag conditions; read as
// "no tags", a null Tags turned an owner-tagged role into an unowned one without a warning.
describe('a list field (Tags among them) written null in authorization-details.json is refused, naming the file and place', () => {
  const nulls: Array<[string, (doc: any) => void, string]> = [
    ['RoleDetailList', (doc) => (doc.RoleDetailList = null), 'RoleDetailList'],
    ['a role AttachedManagedPolicies', (doc) => (doc.RoleDetailList[1].AttachedManagedPolicies = null), 'RoleDetailList[1].AttachedManagedPolicies'],
    ['a user GroupList', (doc) => (doc.UserDetailList[2].GroupList = null), 'UserDetailList[2].GroupList'],
    ['a policy PolicyVersionList', (doc) => (doc.Policies[0].PolicyVersionList = null), 'Policies[0].PolicyVersionList'],
    ['a role Tags', (doc) => (doc.RoleDetailList[1].Tags = null), 'RoleDetailList[1].Tags'],
    ['a user Tags', (doc) => (doc.UserDetailList[1].Tags = null), 'UserDetailList[1].Tags'],
  ];

  it.each(nulls)('%s, given with --aws-authz-details: exit 2 and one line', (_name, edit, place) => {
    const dir = fresh('null-cli');
    editAuthz(dir, edit);
    const file = join(dir, AUTHZ);
    const r = cli(['scan', '--aws-authz-details', file, '--format', 'json', '--allow-partial']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nhiscan: ${file}: ${place}: expected an array, not null\n`);
  });

  it.each(nulls)('%s, in a snapshot folder: exit 2 and one line', (_name, edit, place) => {
    const dir = fresh('null-snap');
    editAuthz(dir, edit);
    const r = cli(['scan', '--snapshot', dir, '--format', 'json', '--allow-partial']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nhiscan: ${join(dir, AUTHZ)}: ${place}: expected an array, not null\n`);
  });

  it('near miss: the same lists absent or empty still read (an absent list is empty)', () => {
    const dir = fresh('null-near');
    editAuthz(dir, (doc) => {
      delete doc.UserDetailList[2].GroupList;
      doc.RoleDetailList[1].AttachedManagedPolicies = [];
    });
    expect(outcome(() => scanSnapshotDir(dir)).kind).toBe('report');
    expect(adminAnswer(dir, 'github-deploy')).toBe('pass');
  });

  it('near miss: Tags absent or [] still reads, as no tags', () => {
    const dir = fresh('null-tags-near');
    editAuthz(dir, (doc) => {
      delete doc.RoleDetailList[1].Tags;
      doc.UserDetailList[1].Tags = [];
    });
    const r = cli(['scan', '--snapshot', dir, '--format', 'json', '--allow-partial']);
    expect(r.stderr).not.toContain('Tags');
    expect(r.code).not.toBe(2);
    expect(JSON.parse(r.stdout).identities.length).toBeGreaterThan(0);
  });
});

describe('a credential report that is empty, has no root row, or names another account is an input error', () => {
  const lines = (dir: string) => readFileSync(join(dir, REPORT), 'utf8').split('\n');

  it.each([
    ['empty (0 bytes)', () => '', 'empty'],
    ['only a line break', () => '\n', 'empty'],
  ])('%s', (_name, text, words) => {
    const dir = fresh('cr-empty');
    writeFileSync(join(dir, REPORT), text());
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${REPORT}: `) });
    expect(r.kind === 'input-error' && r.line).toContain(words);
  });

  it('only the header row', () => {
    const dir = fresh('cr-header');
    writeFileSync(join(dir, REPORT), `${lines(dir)[0]}\n`);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${REPORT}: `) });
    expect(r.kind === 'input-error' && r.line).toContain('<root_account>');
  });

  it('without the <root_account> row', () => {
    const dir = fresh('cr-noroot');
    writeFileSync(join(dir, REPORT), lines(dir).filter((l) => !l.startsWith('<root_account>,')).join('\n'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${REPORT}: `) });
    expect(r.kind === 'input-error' && r.line).toContain('<root_account>');
  });

  it("another account's report (every ARN names 444455556666) names the first such line", () => {
    const dir = fresh('cr-foreign');
    writeFileSync(join(dir, REPORT), readFileSync(join(dir, REPORT), 'utf8').replaceAll(PROD, '444455556666'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${REPORT}: line 2, column arn: `) });
    expect(r.kind === 'input-error' && r.line).toContain('444455556666');
  });

  it('one foreign row among the right ones names its line', () => {
    const dir = fresh('cr-foreign-one');
    const all = lines(dir);
    all[3] = all[3].replace(PROD, '444455556666');
    writeFileSync(join(dir, REPORT), all.join('\n'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${REPORT}: line 4, column arn: `) });
  });

  // Read as "no date", a garbled last-use date became "never used" and a garbled rotation date
  // dropped an inactive key, without a word: like a bad flag, a corrupt report.
  it.each([
    ['access_key_1_last_used_date', 'yesterday'],
    ['access_key_1_last_rotated', '2025-13-45T00:00:00Z'],
    ['password_last_used', 'recently'],
    ['password_last_changed', '01/08/2025'],
  ])('a %s that is not a date names the line and column', (column, value) => {
    const dir = fresh('cr-date');
    const all = lines(dir);
    const header = all[0].split(',');
    const cells = all[2].split(',');
    cells[header.indexOf(column)] = value;
    all[2] = cells.join(',');
    writeFileSync(join(dir, REPORT), all.join('\n'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: expect.stringContaining(`${REPORT}: line 3, column ${column}: `) });
  });

  it('near miss: N/A, no_information and not_supported in the date columns are "no date", as IAM writes them', () => {
    const dir = fresh('cr-none');
    const all = lines(dir);
    const header = all[0].split(',');
    const cells = all[2].split(',');
    cells[header.indexOf('password_last_used')] = 'no_information';
    cells[header.indexOf('password_next_rotation')] = 'not_supported';
    all[2] = cells.join(',');
    writeFileSync(join(dir, REPORT), all.join('\n'));
    expect(outcome(() => scanSnapshotDir(dir)).kind).toBe('report');
  });

  it('near miss: the demo report itself, with CRLF line ends, still reads', () => {
    const dir = fresh('cr-crlf');
    writeFileSync(join(dir, REPORT), lines(dir).join('\r\n'));
    expect(findings(outcome(() => scanSnapshotDir(dir)))).toEqual(findings(outcome(() => scanSnapshotDir(fresh('demo')))));
  });

  it('--aws-credential-report empty.csv exits 2 naming the file', () => {
    const dir = fresh('cr-cli');
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const r = cli(['scan', '--aws-authz-details', join(dir, AUTHZ), '--aws-credential-report', empty, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${empty}: the file is empty`);
  });
});

describe('a malformed group or managed-policy reference makes its holder unknown, with a coverage record', () => {
  /** platform-admins made an admin group, and svc-reporting given one GroupList entry. */
  function viaGroup(entry: unknown): string {
    const dir = fresh('grp');
    editAuthz(dir, (doc) => {
      doc.GroupDetailList[0].AttachedManagedPolicies.push(ADMIN);
      doc.UserDetailList.find((u: any) => u.UserName === 'svc-reporting').GroupList = [entry];
    });
    return dir;
  }

  it('the near miss and the known case: a group by name is admin, an unknown group name is unknown', () => {
    expect(adminAnswer(viaGroup('platform-admins'), 'svc-reporting')).toBe('fail');
    expect(adminAnswer(viaGroup('no-such-group'), 'svc-reporting')).toBe('unknown');
  });

  it.each([
    ['a number', 5],
    ['an object', { GroupName: 'platform-admins' }],
    ['null', null],
  ])('a GroupList entry that is %s', (_name, entry) => {
    const dir = viaGroup(entry);
    expect(adminAnswer(dir, 'svc-reporting')).toBe('unknown');
    const report = reportOf(dir);
    const at = 'UserDetailList[2].GroupList[0]';
    expect(report.coverage).toContainEqual(expect.objectContaining({ scope: PROD, status: 'error', reason: expect.stringContaining(at) }));
    expect(report.warnings.some((w) => w.includes(`${AUTHZ}: ${at}`))).toBe(true);
  });

  it.each([
    ['a number', { PolicyName: 'AdministratorAccess', PolicyArn: 12345 }],
    ['missing', { PolicyName: 'AdministratorAccess' }],
    ['an entry that is a string', 'arn:aws:iam::aws:policy/AdministratorAccess'],
  ])('a role AttachedManagedPolicies entry whose PolicyArn is %s', (_name, entry) => {
    const dir = fresh('arn');
    expect(adminAnswer(dir, 'github-deploy')).toBe('fail');
    editAuthz(dir, (doc) => {
      doc.RoleDetailList.find((r: any) => r.RoleName === 'github-deploy').AttachedManagedPolicies[0] = entry;
    });
    expect(adminAnswer(dir, 'github-deploy')).toBe('unknown');
    const report = reportOf(dir);
    const at = 'RoleDetailList[1].AttachedManagedPolicies[0]';
    expect(report.coverage).toContainEqual(expect.objectContaining({ scope: PROD, status: 'error', reason: expect.stringContaining(at) }));
    expect(report.warnings.some((w) => w.includes(`${AUTHZ}: ${at}`))).toBe(true);
  });

  it("a group's malformed AttachedManagedPolicies entry makes its members unknown", () => {
    const dir = fresh('grp-arn');
    editAuthz(dir, (doc) => {
      doc.UserDetailList.find((u: any) => u.UserName === 'svc-reporting').GroupList = ['platform-admins'];
    });
    // Near miss: a member of the group as the demo has it (S3 read, support) is not admin.
    expect(adminAnswer(dir, 'svc-reporting')).toBe('pass');
    editAuthz(dir, (doc) => {
      doc.GroupDetailList[0].AttachedManagedPolicies.push({ PolicyName: 'AdministratorAccess', PolicyArn: 12345 });
    });
    expect(adminAnswer(dir, 'svc-reporting')).toBe('unknown');
    expect(reportOf(dir).coverage).toContainEqual(
      expect.objectContaining({ scope: PROD, status: 'error', reason: expect.stringContaining('GroupDetailList[0].AttachedManagedPolicies[2]') }),
    );
  });
});

describe('a duplicate ARN in an IAM list: the first entry is kept, with a warning, whatever comes after', () => {
  it.each([
    ['RoleDetailList', 'github-deploy', 'AttachedManagedPolicies'],
    ['UserDetailList', 'legacy-erp-integration', 'AttachedManagedPolicies'],
    ['GroupDetailList', 'platform-admins', 'AttachedManagedPolicies'],
  ])('a copy of %s entry %s without policies appended at the end changes nothing', (list, name, field) => {
    const dir = fresh('dup');
    let at = '';
    editAuthz(dir, (doc) => {
      const entries = doc[list];
      const first = entries.findIndex((e: any) => e.Arn.endsWith(`/${name}`));
      const copy = { ...structuredClone(entries[first]), [field]: [] };
      at = `${list}[${entries.length}]`;
      entries.push(copy);
    });
    const report = reportOf(dir);
    expect(findings(outcome(() => scanSnapshotDir(dir)))).toEqual(findings(outcome(() => scanSnapshotDir(fresh('demo')))));
    expect(report.warnings.some((w) => w.includes(`${AUTHZ}: ${at}`) && w.includes('first one kept'))).toBe(true);
  });

  it('a duplicate managed policy ARN in Policies keeps the first document', () => {
    const dir = fresh('dup-policy');
    editAuthz(dir, (doc) => {
      const i = doc.Policies.findIndex((p: any) => p.PolicyName === 'erp-integration-access');
      const copy = structuredClone(doc.Policies[i]);
      for (const v of copy.PolicyVersionList) v.Document = { Version: '2012-10-17', Statement: [] };
      doc.Policies.push(copy);
    });
    expect(findings(outcome(() => scanSnapshotDir(dir)))).toEqual(findings(outcome(() => scanSnapshotDir(fresh('demo')))));
    expect(reportOf(dir).warnings.some((w) => w.includes(`${AUTHZ}: Policies[`) && w.includes('first one kept'))).toBe(true);
  });
});

describe('a malformed PermissionsBoundary is a boundary that cannot be read: unknown, not ignored', () => {
  const boundaryOf = (entry: unknown): string => {
    const dir = fresh('boundary');
    editAuthz(dir, (doc) => {
      doc.RoleDetailList.find((r: any) => r.RoleName === 'github-deploy').PermissionsBoundary = entry;
    });
    return dir;
  };

  it('near miss: a readable boundary that allows everything leaves the administrator an administrator', () => {
    expect(adminAnswer(boundaryOf({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: ADMIN.PolicyArn }), 'github-deploy')).toBe('fail');
  });

  it.each([
    ['a number for the ARN', { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 42 }],
    ['no ARN', { PermissionsBoundaryType: 'Policy' }],
    ['the ARN as a bare string', ADMIN.PolicyArn],
    ['an array', [ADMIN.PolicyArn]],
  ])('%s: the administrator answer is unknown, with a warning and a coverage record', (_name, entry) => {
    const dir = boundaryOf(entry);
    expect(adminAnswer(dir, 'github-deploy')).toBe('unknown');
    const report = reportOf(dir);
    const at = 'RoleDetailList[1].PermissionsBoundary';
    expect(report.coverage).toContainEqual(expect.objectContaining({ scope: PROD, status: 'error', reason: expect.stringContaining(at) }));
    expect(report.warnings.some((w) => w.includes(`${AUTHZ}: ${at}`))).toBe(true);
  });
});

describe('a malformed InstanceProfileList entry: the role may still be in an instance profile', () => {
  const EC2_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const PROFILE = {
    Path: '/',
    InstanceProfileName: 'ec2-runner',
    InstanceProfileId: 'AIPA3QBOADLGEXAMPLE01',
    Arn: `arn:aws:iam::${PROD}:instance-profile/ec2-runner`,
    CreateDate: '2024-01-01T00:00:00Z',
    Roles: [],
  };

  /** An administrator role that EC2 may assume, with these profile entries, and svc-reporting allowed to pass it to a new instance. */
  function withProfiles(profiles: unknown[]): string {
    const dir = fresh('profile');
    editAuthz(dir, (doc) => {
      doc.RoleDetailList.push({
        Path: '/',
        RoleName: 'ec2-runner',
        RoleId: 'AROA3QBOADLGEXAMPLE01',
        Arn: `arn:aws:iam::${PROD}:role/ec2-runner`,
        CreateDate: '2024-01-01T00:00:00Z',
        AssumeRolePolicyDocument: EC2_TRUST,
        InstanceProfileList: profiles,
        RolePolicyList: [],
        AttachedManagedPolicies: [ADMIN],
        Tags: [],
        RoleLastUsed: {},
      });
      doc.UserDetailList.find((u: any) => u.UserName === 'svc-reporting').UserPolicyList.push({
        PolicyName: 'launch',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' }] },
      });
    });
    return dir;
  }

  /** The aws-principal-can-escalate answer for svc-reporting: its severity, unknown or pass. */
  function escalation(dir: string): string {
    const report = reportOf(dir);
    const subject = report.identities.find((x) => x.scope === PROD && x.name === 'svc-reporting')!;
    const f = report.findings.find((x) => x.ruleId === 'aws-principal-can-escalate' && x.subject.id === subject.id);
    if (f) return f.severity;
    return subject.unknownRuleIds?.includes('aws-principal-can-escalate') ? 'unknown' : 'pass';
  }

  it('near misses: a readable profile is a firm route, no profile at all is none', () => {
    expect(escalation(withProfiles([PROFILE]))).toBe('high');
    expect(escalation(withProfiles([]))).toBe('pass');
  });

  it.each([
    ['without its Arn', { ...PROFILE, Arn: undefined }],
    ['with a number for the Arn', { ...PROFILE, Arn: 7 }],
    ['a string', PROFILE.Arn],
    ['null', null],
  ])('an entry %s keeps the route, as one that may not hold, with a warning and a coverage record', (_name, entry) => {
    const dir = withProfiles([entry]);
    expect(escalation(dir)).toBe('medium');
    const report = reportOf(dir);
    const at = 'RoleDetailList[8].InstanceProfileList[0]';
    expect(report.coverage).toContainEqual(expect.objectContaining({ scope: PROD, status: 'error', reason: expect.stringContaining(at) }));
    expect(report.warnings.some((w) => w.includes(`${AUTHZ}: ${at}`))).toBe(true);
  });

  it('a malformed entry beside a readable profile changes no finding, but is still a warning', () => {
    const dir = withProfiles([null, PROFILE]);
    expect(escalation(dir)).toBe('high');
    expect(reportOf(dir).warnings.some((w) => w.includes(`${AUTHZ}: RoleDetailList[8].InstanceProfileList[0]`))).toBe(true);
  });
});
