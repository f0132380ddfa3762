import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cliInProcess as cli, copyDemo } from '../ci/helpers.js';

afterEach(() => {
  process.exitCode = 0;
});

/** A demo copy without okta/users.json: the Okta service accounts are not read. */
function withoutOktaUsers(): string {
  const snap = copyDemo();
  rmSync(join(snap, 'okta/users.json'));
  return snap;
}

const GAP = /^nhiscan: warning: not read: okta https:\/\/northwind\.okta\.example okta\.users: error \(recorded as collected, but okta\/users\.json is not in the snapshot\)$/m;
const WARNING = /^nhiscan: warning: manifest\.json records okta\.users .* it counts as not read$/m;
const SUMMARY = /^nhiscan: warning: 2 capabilities were not read; rules that need them report unknown, not pass$/m;

describe('machine formats say on stderr what was not read', () => {
  it.each([['csv'], ['json'], ['sarif'], ['markdown'], ['recert-csv']])('scan --format %s', async (format) => {
    const snap = withoutOktaUsers();
    const r = await cli('scan', '--snapshot', snap, '--format', format, '-o', join(dirname(snap), `out.${format}`));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(SUMMARY);
    expect(r.stderr).toMatch(GAP);
    expect(r.stderr).toMatch(WARNING);
    expect(r.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('nhiscan: warning: '))).toBe(true);
  });

  it('certify (the recertification sheet) and export', async () => {
    const snap = withoutOktaUsers();
    const c = await cli('certify', '--snapshot', snap, '-o', join(dirname(snap), 'recert.csv'));
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(GAP);
    expect(c.stderr).toMatch(WARNING);
    // The sheet itself stays a plain CSV: a header and one row per identity, no comment rows.
    const rows = readFileSync(join(dirname(snap), 'recert.csv'), 'utf8').trimEnd().split('\n');
    expect(rows[0]).toMatch(/^[a-zA-Z]/);
    const e = await cli('export', '--snapshot', snap, '-o', join(dirname(snap), 'og.json'));
    expect(e.stderr).toMatch(GAP);
  });

  // A review found a table written with -o said nothing on stderr: whoever ran the scan did not
  // learn that part of the estate was not read. In the file the table lists them as well.
  it('the table written to a file (-o) says it on stderr too, and keeps it in the report', async () => {
    const snap = withoutOktaUsers();
    const r = await cli('scan', '--snapshot', snap, '-o', join(dirname(snap), 'out.txt'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(SUMMARY);
    expect(r.stderr).toMatch(GAP);
    expect(r.stderr).toMatch(WARNING);
    expect(r.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('nhiscan: warning: '))).toBe(true);
    expect(readFileSync(join(dirname(snap), 'out.txt'), 'utf8')).toMatch(/okta\/users\.json is not in the snapshot; it counts as not read/);
  });

  it('the table on stdout keeps the warnings in the report, not on stderr', async () => {
    const snap = withoutOktaUsers();
    const r = await cli('scan', '--snapshot', snap);
    expect(r.stderr).toBe('');
  });

  it('a warning with control characters is one safe line', async () => {
    const snap = copyDemo();
    const m = JSON.parse(readFileSync(join(snap, 'manifest.json'), 'utf8'));
    m.warnings = [...(m.warnings ?? []), 'evil\u001b[31m\nnhiscan: forged line'];
    (await import('node:fs')).writeFileSync(join(snap, 'manifest.json'), JSON.stringify(m));
    const r = await cli('scan', '--snapshot', snap, '--format', 'json', '-o', join(dirname(snap), 'r.json'));
    expect(r.stderr).not.toMatch(/\u001b/);
    expect(r.stderr).not.toMatch(/^nhiscan: forged line/m);
    expect(r.stderr).toMatch(/^nhiscan: warning: evil\ufffd\[31m\ufffdnhiscan: forged line$/m);
  });
});
