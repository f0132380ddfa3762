import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { handleError } from '../../src/cli/main.js';
import { progressFn } from '../../src/cli/tty.js';
import { InputError, UnreachableError } from '../../src/errors.js';
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
// Characters that draw nothing: zero-width spaces and joiners, word joiner, BOM, soft hyphen, tags.
const INVISIBLE = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\u{e0000}-\u{e007f}]/u;

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
    // A scope that is no account id is not echoed at all (shownScope), escape sequence included.
    expect(out).not.toContain('evil.example');
    expect(out).toContain('a scope that is not an account id (not shown)');
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

describe('--debug on an error', () => {
  it('writes the stack trace with no control, bidi or invisible character of a bad snapshot value, which the message quotes escaped', () => {
    const dir = copyDemo(tmp.dir, 'debug-date');
    const apps = readJsonFile(dir, 'entra/applications.json');
    apps.value[0].passwordCredentials[0].endDateTime = '2027\u009b2J\u202eevil\u200b';
    writeJsonFile(dir, 'entra/applications.json', apps);
    const r = cli(['scan', '--snapshot', dir, '--debug']);
    expect(r.code).toBe(2);
    // The one-line error and the first line of the stack both name the value, each escaped.
    const quoting = r.stderr.split('\n').filter((l) => l.includes('not a date'));
    expect(quoting).toHaveLength(2);
    for (const line of quoting) expect(line).toContain('not a date: "2027\\u009b2J\\u202eevil\\u200b"');
    expect(r.stderr).toMatch(/\n {4}at /);
    expect(r.stderr).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(r.stderr).not.toMatch(BIDI);
    expect(r.stderr).not.toMatch(INVISIBLE);
  });

  it('writes no escape sequence from the name of a symbolic link loop, in the line or the stack', () => {
    const dir = copyDemo(tmp.dir, 'debug-loop');
    const name = '\u001b]0;pwned\u0007\u001b[2J\u009b2Jx.json';
    symlinkSync(name, join(dir, 'okta', name));
    const r = cli(['scan', '--snapshot', dir, '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nhiscan: .*okta\/\\u001b\]0;pwned\\u0007\\u001b\[2J\\u009b2Jx\.json: /);
    expect(r.stderr).toMatch(/\n {4}at /);
    // The message does not quote the path again (Node's own message does): the line names it.
    expect(r.stderr.split('\n').find((l) => l.startsWith('InputError: '))).not.toContain('pwned');
    expect(r.stderr).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(r.stderr).not.toMatch(BIDI);
  });

  it.each([
    ['an input error', new InputError('bad \u001b[2J\u202e\u200b value', 'f\u009b.json')],
    ['an unreachable provider', new UnreachableError('no answer from \u001b]8;;http://evil.example/\u0007x\u2060')],
    ['an internal error', new Error('boom \u001b[31m\u2028next\u009b2J\ufeff')],
  ])('sanitises the stack of %s as it does the line', (_, e) => {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      stderr += String(s);
      return true;
    });
    try {
      handleError(e, true);
    } finally {
      spy.mockRestore();
    }
    expect(stderr).toMatch(/\n {4}at /);
    expect(stderr).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(stderr).not.toMatch(BIDI);
    expect(stderr).not.toMatch(/[\u2028\u2029]/);
    expect(stderr).not.toMatch(INVISIBLE);
  });
});

describe('progress lines on a terminal', () => {
  it('carry no control, bidi or invisible character but the line reset they start with', () => {
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      stderr += String(s);
      return true;
    });
    try {
      Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
      progressFn()!('aws 111122223333: role \u001b]0;pwned\u0007\u202e\u200bx collected');
    } finally {
      spy.mockRestore();
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
    expect(stderr.startsWith('\r\u001b[2K')).toBe(true);
    const line = stderr.slice('\r\u001b[2K'.length);
    expect(line).toContain('aws 111122223333: role');
    expect(line).not.toMatch(CONTROL_EXCEPT_NEWLINE);
    expect(line).not.toMatch(BIDI);
    expect(line).not.toMatch(INVISIBLE);
  });
});
