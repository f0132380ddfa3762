import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyDemo, findingLines, outcome, readJsonFile, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';

const tmp = scratch('hostile-snapshot');
afterAll(() => tmp.cleanup());

const AWS = 'aws/111122223333/authorization-details.json';
const SPS = 'entra/servicePrincipals.json';

interface Case {
  name: string;
  file: string;
  corrupt: (dir: string) => void;
}

/** Each corrupts one file of a fresh demo copy; the scan must stop with one line naming file and place. */
const REJECTED: Case[] = [
  { name: 'invalid JSON', file: 'okta/users.json', corrupt: (d) => writeFileSync(join(d, 'okta/users.json'), '[{"id": "00u1",\n  "status": ACTIVE}]') },
  { name: 'truncated JSON', file: SPS, corrupt: (d) => writeFileSync(join(d, SPS), '{"value": [{"id": "a') },
  { name: 'an empty file', file: 'okta/apps.json', corrupt: (d) => writeFileSync(join(d, 'okta/apps.json'), '') },
  { name: 'a collection that is an object', file: 'okta/users.json', corrupt: (d) => writeJsonFile(d, 'okta/users.json', { users: [] }) },
  {
    name: 'a number where a string belongs',
    file: SPS,
    corrupt: (d) => {
      const doc = readJsonFile(d, SPS);
      doc.value[3].displayName = 42;
      writeJsonFile(d, SPS, doc);
    },
  },
  {
    name: 'a service principal without id',
    file: SPS,
    corrupt: (d) => {
      const doc = readJsonFile(d, SPS);
      delete doc.value[1].id;
      writeJsonFile(d, SPS, doc);
    },
  },
  {
    name: 'an item that is not an object',
    file: 'okta/apiTokens.json',
    corrupt: (d) => {
      const doc = readJsonFile(d, 'okta/apiTokens.json');
      doc.push('token');
      writeJsonFile(d, 'okta/apiTokens.json', doc);
    },
  },
  {
    name: 'an AWS list of the wrong type',
    file: AWS,
    corrupt: (d) => {
      const doc = readJsonFile(d, AWS);
      doc.RoleDetailList = 'roles';
      writeJsonFile(d, AWS, doc);
    },
  },
  {
    name: 'an unparseable date',
    file: 'okta/apiTokens.json',
    corrupt: (d) => {
      const doc = readJsonFile(d, 'okta/apiTokens.json');
      doc[0].created = 'yesterday-ish';
      writeJsonFile(d, 'okta/apiTokens.json', doc);
    },
  },
  { name: 'a manifest with a bad schemaVersion', file: 'manifest.json', corrupt: (d) => writeJsonFile(d, 'manifest.json', { ...readJsonFile(d, 'manifest.json'), schemaVersion: 99 }) },
  { name: '100k nested arrays', file: 'okta/groups.json', corrupt: (d) => writeFileSync(join(d, 'okta/groups.json'), '['.repeat(100_000) + ']'.repeat(100_000)) },
  { name: '100k unclosed arrays', file: 'okta/groups.json', corrupt: (d) => writeFileSync(join(d, 'okta/groups.json'), '['.repeat(100_000)) },
];

function setProviders(dir: string, change: (providers: any) => void): void {
  const m = readJsonFile(dir, 'manifest.json');
  change(m.providers);
  writeJsonFile(dir, 'manifest.json', m);
}

/** The exact line for a manifest field of the wrong type: the file and the JSON path of the field. */
const MANIFEST_LINES: [name: string, change: (p: any) => void, line: RegExp][] = [
  ['accounts a string', (p) => (p.aws = { accounts: '111122223333' }), /manifest\.json: \$\.providers\.aws\.accounts: expected an array$/],
  ['an account null', (p) => (p.aws = { accounts: [null] }), /manifest\.json: \$\.providers\.aws\.accounts\[0\]: expected an object$/],
  ['aws a string', (p) => (p.aws = '111122223333'), /manifest\.json: \$\.providers\.aws: expected an object$/],
  ['orgUrl a number', (p) => (p.okta = { orgUrl: 5 }), /manifest\.json: \$\.providers\.okta\.orgUrl: expected a non-empty string$/],
  ['okta without orgUrl', (p) => (p.okta = {}), /manifest\.json: \$\.providers\.okta\.orgUrl: expected a non-empty string$/],
  ['entra a string', (p) => (p.entra = 'x'), /manifest\.json: \$\.providers\.entra: expected an object$/],
  ['tenantId a number', (p) => (p.entra.tenantId = 7), /manifest\.json: \$\.providers\.entra\.tenantId: expected a string$/],
  ['an alias object', (p) => (p.aws.accounts[1].alias = { name: 'dev' }), /manifest\.json: \$\.providers\.aws\.accounts\[1\]\.alias: expected a string$/],
  ['a displayName object', (p) => (p.okta.displayName = ['Northwind']), /manifest\.json: \$\.providers\.okta\.displayName: expected a string$/],
  ['an account without accountId', (p) => delete p.aws.accounts[0].accountId, /manifest\.json: \$\.providers\.aws\.accounts\[0\]\.accountId: expected a non-empty string$/],
  ['an accountId that is no account id', (p) => (p.aws.accounts[0].accountId = 'prod'), /manifest\.json: \$\.providers\.aws\.accounts\[0\]\.accountId: expected a 12-digit AWS account id$/],
];

describe('a malformed manifest providers section', () => {
  it.each(MANIFEST_LINES)('%s: names manifest.json and the field', (name, change, line) => {
    const dir = copyDemo(tmp.dir, `providers-${name.replace(/\W+/g, '-')}`);
    setProviders(dir, change);
    const result = outcome(() => scanSnapshotDir(dir));
    expect(result.kind).toBe('input-error');
    if (result.kind === 'input-error') expect(result.line).toMatch(line);
  });

  // The account list is optional (docs/snapshot-format.md): the accounts are also the aws/<id>/
  // folders, and the list adds only aliases. Left out or null, it reads as empty, as with no aws
  // entry at all; the transform read `.find` of it and crashed.
  it.each([
    ['aws without accounts', (p: any) => (p.aws = {})],
    ['accounts null', (p: any) => (p.aws = { accounts: null })],
    ['aws null', (p: any) => (p.aws = null)],
  ])('%s: the same findings as a manifest without an aws entry', (name, change) => {
    const none = copyDemo(tmp.dir, `providers-none-${name.replace(/\W+/g, '-')}`);
    setProviders(none, (p) => delete p.aws);
    const dir = copyDemo(tmp.dir, `providers-${name.replace(/\W+/g, '-')}`);
    setProviders(dir, change);
    const without = findingLines(outcome(() => scanSnapshotDir(none)));
    expect(without.some((l) => l.startsWith('aws-'))).toBe(true);
    expect(findingLines(outcome(() => scanSnapshotDir(dir)))).toEqual(without);
  });

  it('an entra entry without tenantId is read as the tenant organization.json names (the Entra equivalent)', () => {
    const dir = copyDemo(tmp.dir, 'providers-entra-empty');
    setProviders(dir, (p) => (p.entra = {}));
    expect(outcome(() => scanSnapshotDir(dir)).kind).toBe('report');
  });

  it('aws without accounts is scanned by the CLI, not an internal error', () => {
    const dir = copyDemo(tmp.dir, 'providers-aws-empty-cli');
    setProviders(dir, (p) => (p.aws = {}));
    const r = cli(['scan', '--snapshot', dir, '--format', 'json']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
  });

  it('names a coverage record whose unreadKeys is not a list of strings', () => {
    const dir = copyDemo(tmp.dir, 'coverage-unread-keys');
    const m = readJsonFile(dir, 'manifest.json');
    m.coverage.push({ provider: 'entra', scope: '*', capability: 'entra.userManagers', status: 'error', reason: 'x', unreadKeys: 'u1' });
    writeJsonFile(dir, 'manifest.json', m);
    const result = outcome(() => scanSnapshotDir(dir));
    expect(result.kind).toBe('input-error');
    if (result.kind === 'input-error') expect(result.line).toMatch(/manifest\.json: \$\.coverage\[\d+\]\.unreadKeys: expected an array of strings$/);
  });

  it('is one line with exit 2 from the CLI, not an internal error', () => {
    const dir = copyDemo(tmp.dir, 'providers-cli');
    setProviders(dir, (p) => (p.aws = { accounts: '111122223333' }));
    const r = cli(['scan', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nhiscan: ${join(dir, 'manifest.json')}: $.providers.aws.accounts: expected an array\n`);
  });
});

describe('malformed snapshot files end in one line naming the file and the place', () => {
  it.each(REJECTED)('$name in $file', ({ name, file, corrupt }) => {
    const dir = copyDemo(tmp.dir, name.replace(/\W+/g, '-'));
    corrupt(dir);
    const result = outcome(() => scanSnapshotDir(dir));
    expect(result.kind).toBe('input-error');
    if (result.kind !== 'input-error') return;
    expect(result.line).toContain(file);
    expect(result.line).not.toMatch(/\n/);
    // A place: a JSON path, a line, or what is wrong with the whole file.
    expect(result.line).toMatch(/\$|line \d+|JSON|schemaVersion|nested|DetailList/);
  });

  it('is printed by the CLI as one line with exit 2 and no stack trace', () => {
    for (const c of [REJECTED[0], REJECTED[4], REJECTED[11]]) {
      const dir = copyDemo(tmp.dir, `cli-${c.name.replace(/\W+/g, '-')}`);
      c.corrupt(dir);
      const r = cli(['scan', '--snapshot', dir]);
      expect(r.code, c.name).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^nhiscan: /);
      expect(lines[0]).toContain(c.file.split('/').pop());
      expect(lines[0]).not.toMatch(/internal error/);
    }
  });
});

describe('odd but readable snapshots scan cleanly with warnings', () => {
  it('keeps the first of two service principals with the same id and says so', () => {
    const dir = copyDemo(tmp.dir, 'dup-sp');
    const doc = readJsonFile(dir, SPS);
    const dup = { ...doc.value[2], displayName: 'impostor' };
    doc.value.push(dup);
    writeJsonFile(dir, SPS, doc);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('report');
    if (r.kind !== 'report') return;
    expect(r.result.report.warnings.some((w) => w.includes(`duplicate service principal id ${dup.id}`))).toBe(true);
    expect(r.result.report.identities.some((i) => i.name === 'impostor')).toBe(false);
  });

  it('reports an assignment to a deleted principal as a warning, not a crash or a phantom identity', () => {
    const dir = copyDemo(tmp.dir, 'dangling');
    const file = 'entra/appRoleAssignments.json';
    const doc = readJsonFile(dir, file);
    const ghost = '00000000-dead-4bad-8bad-000000000000';
    doc.value.push({ ...doc.value[0], id: 'ghost-assignment', principalId: ghost, principalDisplayName: 'deleted app' });
    writeJsonFile(dir, file, doc);
    const base = scanSnapshotDir(copyDemo(tmp.dir, 'dangling-base'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('report');
    if (r.kind !== 'report') return;
    expect(r.result.report.warnings.length).toBeGreaterThan(base.report.warnings.length);
    expect(r.result.report.warnings.join('\n')).toContain(ghost);
    expect(r.result.report.identities.map((i) => i.id)).toEqual(base.report.identities.map((i) => i.id));
  });

  it('rejects an AWS role without Arn, naming the file and the field (skipped, its findings would read as resolved)', () => {
    const dir = copyDemo(tmp.dir, 'no-arn');
    const doc = readJsonFile(dir, AWS);
    delete doc.RoleDetailList[0].Arn;
    writeJsonFile(dir, AWS, doc);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: `${AWS}: RoleDetailList[0].Arn: expected a non-empty string (IAM always returns the ARN)` });
  });

  it('reads a file of a few MB (20,000 extra users) and counts them', () => {
    const dir = copyDemo(tmp.dir, 'huge');
    const users = readJsonFile(dir, 'okta/users.json');
    const template = users[0];
    for (let i = 0; i < 20_000; i++) {
      users.push({ ...template, id: `00uBULK${String(i).padStart(8, '0')}`, profile: { ...template.profile, login: `person${i}@northwind.example`, email: `person${i}@northwind.example` } });
    }
    writeJsonFile(dir, 'okta/users.json', users);
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('report');
    if (r.kind !== 'report') return;
    expect(r.result.graph.nodes.size).toBeGreaterThan(20_000);
  });
});

describe('a file the manifest records as collected is absent', () => {
  it('makes the capability an error naming the file, with a warning, and the rules answer unknown', () => {
    const dir = copyDemo(tmp.dir, 'absent-users');
    rmSync(join(dir, 'entra/users.json'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('report');
    if (r.kind !== 'report') return;
    const cov = r.result.report.coverage.find((c) => c.capability === 'entra.users');
    expect(cov).toMatchObject({ provider: 'entra', status: 'error' });
    expect(cov?.reason).toMatch(/entra\/users\.json is not in the snapshot/);
    expect(r.result.report.warnings.filter((w) => w.includes('entra/users.json'))).toHaveLength(1);
  });

  it('names only the absent one of a capability carried by two files', () => {
    const dir = copyDemo(tmp.dir, 'absent-role-defs');
    rmSync(join(dir, 'entra/roleDefinitions.json'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('report');
    if (r.kind !== 'report') return;
    const cov = r.result.report.coverage.find((c) => c.capability === 'entra.directoryRoles');
    expect(cov?.status).toBe('error');
    expect(cov?.reason).toMatch(/entra\/roleDefinitions\.json is not/);
    expect(cov?.reason).not.toMatch(/roleAssignments/);
  });

  it('holds for an AWS account file recorded collected', () => {
    const dir = copyDemo(tmp.dir, 'absent-report');
    rmSync(join(dir, 'aws/444455556666/credential-report.csv'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('report');
    if (r.kind !== 'report') return;
    const cov = r.result.report.coverage.find((c) => c.scope === '444455556666' && c.capability === 'aws.credentialReport');
    expect(cov?.status).toBe('error');
    expect(r.result.report.warnings.join('\n')).toContain('aws/444455556666/credential-report.csv');
  });

  it('fails a baseline gate with exit 3 instead of passing it as "fixed"', () => {
    const base = join(tmp.dir, 'absent-base.json');
    expect(cli(['scan', '--demo', '--write-baseline', base, '--format', 'json']).code).toBe(0);
    const dir = copyDemo(tmp.dir, 'absent-gate');
    rmSync(join(dir, 'entra/users.json'));
    const r = cli(['scan', '--snapshot', dir, '--baseline', base, '--fail-on', 'high']);
    expect(r.code).toBe(3);
    // The coverage line wraps to 100 columns; joined back it reads as one.
    expect(r.stdout.replace(/\n {4}(?=\S)/g, ' ')).toMatch(/entra\.users: error \(.*entra\/users\.json is not in the snapshot/);
  });
});

describe('a snapshot file that is not a regular file', () => {
  // Read as a folder and skipped, a folder named okta/apps.json once left the capability "not in
  // the snapshot", a warning that says the file is missing when something is there under its
  // name. It is a damaged snapshot, as an unreadable file is: one line naming it, exit 2.
  it('a folder under a snapshot file\'s name ends in one line naming it, exit 2', () => {
    const dir = copyDemo(tmp.dir, 'folder-as-file');
    rmSync(join(dir, 'okta/apps.json'));
    mkdirSync(join(dir, 'okta/apps.json'));
    const r = cli(['scan', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nhiscan: ${join(dir, 'okta/apps.json')}: is a folder, expected a file\n`);
  });

  it('so does a folder named like a CSV file, a link to a folder and a named pipe', () => {
    const csv = copyDemo(tmp.dir, 'folder-as-csv');
    rmSync(join(csv, 'aws/111122223333/credential-report.csv'));
    mkdirSync(join(csv, 'aws/111122223333/credential-report.csv'));
    expect(outcome(() => scanSnapshotDir(csv))).toEqual({ kind: 'input-error', line: `${join(csv, 'aws/111122223333/credential-report.csv')}: is a folder, expected a file` });
    const link = copyDemo(tmp.dir, 'link-to-folder');
    rmSync(join(link, 'okta/users.json'));
    symlinkSync(join(link, 'entra'), join(link, 'okta/users.json'));
    expect(outcome(() => scanSnapshotDir(link))).toEqual({ kind: 'input-error', line: `${join(link, 'okta/users.json')}: is a folder, expected a file` });
    const fifo = copyDemo(tmp.dir, 'fifo-as-file');
    rmSync(join(fifo, 'okta/users.json'));
    execFileSync('mkfifo', [join(fifo, 'okta/users.json')]);
    expect(outcome(() => scanSnapshotDir(fifo))).toEqual({ kind: 'input-error', line: `${join(fifo, 'okta/users.json')}: not a regular file` });
  });

  it('is refused before any file is parsed: the folder is checked whole, then read', () => {
    // The AWS file comes first in the walk: broken too, it is not what the line names.
    const dir = copyDemo(tmp.dir, 'folder-as-file-after-bad-json');
    writeFileSync(join(dir, AWS), '{"UserDetailList": [');
    rmSync(join(dir, 'okta/apps.json'));
    mkdirSync(join(dir, 'okta/apps.json'));
    expect(outcome(() => scanSnapshotDir(dir))).toEqual({ kind: 'input-error', line: `${join(dir, 'okta/apps.json')}: is a folder, expected a file` });
  });

  it('a folder with another name is still walked, and a stray non-file with another name ignored', () => {
    const dir = copyDemo(tmp.dir, 'folder-other-name');
    mkdirSync(join(dir, 'okta/notes'));
    execFileSync('mkfifo', [join(dir, 'okta/notes.txt')]);
    expect(outcome(() => scanSnapshotDir(dir)).kind).toBe('report');
  });
});

describe('symbolic links in a snapshot folder', () => {
  /** The demo with its entra folder moved out and linked back in. */
  function linkedDemo(name: string): string {
    const outside = copyDemo(tmp.dir, `${name}-outside`);
    const dir = copyDemo(tmp.dir, name);
    rmSync(join(dir, 'entra'), { recursive: true });
    symlinkSync(join(outside, 'entra'), join(dir, 'entra'));
    return dir;
  }

  it('are followed: a linked folder and a linked file are read like the real ones', () => {
    const plain = scanSnapshotDir(copyDemo(tmp.dir, 'link-plain'));
    const dir = linkedDemo('link-dir');
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r.kind).toBe('report');
    if (r.kind !== 'report') return;
    expect(r.result.report.identities.map((i) => i.id)).toEqual(plain.report.identities.map((i) => i.id));
    expect(r.result.report.findings.length).toBe(plain.report.findings.length);
    const file = copyDemo(tmp.dir, 'link-file');
    rmSync(join(file, 'okta/users.json'));
    symlinkSync(join(copyDemo(tmp.dir, 'link-file-outside'), 'okta/users.json'), join(file, 'okta/users.json'));
    const f = outcome(() => scanSnapshotDir(file));
    expect(f.kind).toBe('report');
    if (f.kind === 'report') expect(f.result.report.identities.map((i) => i.id)).toEqual(plain.report.identities.map((i) => i.id));
  });

  it('a link cycle ends in one line naming the link, not a hang', () => {
    const dir = copyDemo(tmp.dir, 'link-cycle');
    mkdirSync(join(dir, 'entra/more'));
    symlinkSync('..', join(dir, 'entra/more/back'));
    const r = outcome(() => scanSnapshotDir(dir));
    expect(r).toEqual({ kind: 'input-error', line: `${join(dir, 'entra/more/back')}: symbolic link loop (leads back to a folder above it)` });
  });

  it('a broken link to a snapshot file ends in one line naming it', () => {
    const dir = copyDemo(tmp.dir, 'link-broken');
    rmSync(join(dir, 'okta/users.json'));
    symlinkSync(join(tmp.dir, 'gone.json'), join(dir, 'okta/users.json'));
    const r = cli(['scan', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nhiscan: ${join(dir, 'okta/users.json')}: no such file or folder (a symbolic link to a missing target)\n`);
  });
});
