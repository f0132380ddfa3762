import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyDemo, outcome, readJsonFile, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';

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
