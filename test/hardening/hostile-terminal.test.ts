import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { render } from '../../src/reporters/index.js';
import { cli } from '../helpers/cli.js';
import { copyDemo, readJsonFile, scanSnapshotDir, scratch, writeJsonFile } from './demo-copy.js';

/**
 * Text that reaches the terminal from places other than provider display names: the manifest's
 * coverage records and collection time, and the lines the CLI writes on stderr.
 */
const tmp = scratch('hostile-terminal');
afterAll(() => tmp.cleanup());

// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/;

describe('table output of hostile manifest fields', () => {
  it('neutralizes control and bidi characters in coverage scope, capability and the collection time (a provider other than entra, okta or aws is refused when read)', () => {
    const dir = copyDemo(tmp.dir, 'coverage');
    const manifest = readJsonFile(dir, 'manifest.json');
    manifest.coverage.push({ provider: 'aws', scope: 'x\u001b]8;;http://evil.example/\u0007P', capability: 'cap\u001b[2J\u202e', status: 'error', reason: 'r' });
    writeJsonFile(dir, 'manifest.json', manifest);
    const result = scanSnapshotDir(dir);
    result.report.snapshot.collectedAt = '2026-11-20 (\u001b[31mEVIL\u202e)';
    const out = render('table', result, { color: false });
    expect(out).toContain('cap');
    expect(out).toContain('evil.example');
    expect(out).toContain('EVIL');
    expect(out).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(out).not.toMatch(BIDI);
  });
});

describe('waiver messages on stderr', () => {
  it('carry no control or bidi character from the waivers file, one line per waiver', () => {
    const file = `${tmp.dir}/waivers.yaml`;
    writeFileSync(
      file,
      [
        '- fingerprint: "abc\\e[31mRED\\u202e\\nnext"',
        '  reason: r',
        '  owner: o',
        '  expires: "2099-01-01"',
        '- ruleId: "rule\\e]8;;http://evil.example/\\a"',
        '  subject: "s\\u009b2J"',
        '  reason: r',
        '  owner: o',
        '  expires: "2099-01-01"',
      ].join('\n'),
    );
    const r = cli(['scan', '--demo', '--format', 'json', '--waivers', file]);
    expect(r.code).toBe(0);
    // The demo's coverage gap is also printed (`nhiscan: warning: …`); the waiver lines are the rest.
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('nhiscan: warning: '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/waivers\.yaml:1: .*RED.*matches no finding/);
    expect(r.stderr).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(r.stderr).not.toMatch(BIDI);
  });
});

describe('secret values in unexpected snapshot fields', () => {
  it('do not reach the OpenGraph export through the Roles Anywhere trust anchor source', () => {
    const dir = copyDemo(tmp.dir, 'anchor-secret');
    const rel = 'aws/111122223333/rolesanywhere.json';
    const doc = readJsonFile(dir, rel);
    const source = doc.trustAnchors[0].source;
    Object.assign(source.sourceData, { secretText: 'CANARY-secretText', privateKey: '-----BEGIN PRIVATE KEY-----CANARY' });
    source.token = 'CANARY-token';
    writeJsonFile(dir, rel, doc);
    const r = cli(['export', '--snapshot', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('certificate-authority/1a2b3c4d');
    expect(r.stdout).not.toMatch(/CANARY|PRIVATE KEY/);
  });
});

describe('usage errors quoting the command line', () => {
  it('print no control or bidi character from a bad option value', () => {
    const r = cli(['scan', '--demo', '--format', 'x\u001b]8;;http://evil.example/\u0007\u202e']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/argument 'x.*' is invalid/);
    expect(r.stderr).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(r.stderr).not.toMatch(BIDI);
  });
});
