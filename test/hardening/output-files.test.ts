import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoRoot } from '../helpers/cli.js';

/** A report that cannot be written is the user's problem to fix: one line naming the file, exit 2. */
describe.skipIf(!existsSync('/dev/full'))('an output file that fails on write (a full disk)', () => {
  it.each([
    ['scan', '--demo', '--format', 'json'],
    ['scan', '--demo', '--format', 'table'],
    ['export', '--demo'],
    ['certify', '--demo'],
  ])('%s %s %s %s', (...args) => {
    const r = cli([...args, '-o', '/dev/full']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^nhiscan: \/dev\/full: cannot write: no space left on device$/)]);
  });
});

/**
 * The same failure on standard output (`nhiscan scan --demo > /dev/full`): exit 1 would read as
 * "findings" to CI, and a stack trace is not an answer. A reader that closes the pipe early
 * (`| head`) is still ended quietly.
 */
describe.skipIf(!existsSync('/dev/full'))('standard output that fails on write', () => {
  const run = (args: string[], stdout: number | 'pipe') =>
    spawnSync(process.execPath, [join(repoRoot, 'bin', 'nhiscan.js'), ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', stdout, 'pipe'],
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });

  it.each([['scan --demo'], ['scan --demo --format json'], ['export --demo'], ['certify --demo']])('%s > /dev/full', (line) => {
    const args = line.split(' ');
    const fd = openSync('/dev/full', 'w');
    try {
      const r = run(args, fd);
      expect(r.status).toBe(2);
      // Worded as the same failure on an -o file is, with standard output in the file's place:
      // the system's code and call (`ENOSPC: …, write`) are for --debug.
      expect(r.stderr.trim().split('\n')).toEqual(['nhiscan: standard output: cannot write: no space left on device']);
      const file = cli([...args, '-o', '/dev/full']);
      expect(file.stderr.replace('/dev/full', 'standard output')).toBe(r.stderr);
    } finally {
      closeSync(fd);
    }
  });

  it('--debug adds the stack and the system error behind the line', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const r = run(['scan', '--demo', '--format', 'json', '--debug'], fd);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toBe('nhiscan: standard output: cannot write: no space left on device');
      expect(r.stderr).toMatch(/\n\s+at /);
      expect(r.stderr).toMatch(/caused by: Error: ENOSPC/);
    } finally {
      closeSync(fd);
    }
  });

  it.each([['scan --demo --format json'], ['scan --demo'], ['scan --demo --format sarif'], ['export --demo']])('a closed pipe (EPIPE) still ends quietly: %s | head', (line) => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${join(repoRoot, 'bin', 'nhiscan.js')}" ${line} | head -c 10 >/dev/null`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(r.stderr).toBe('');
  });

  it('a closed pipe keeps the gate\'s exit code (`scan --fail-on high | head` under pipefail still fails)', () => {
    const bin = `"${process.execPath}" "${join(repoRoot, 'bin', 'nhiscan.js')}"`;
    // The first command's own status, whatever head does.
    const code = (args: string) => Number(spawnSync('bash', ['-c', `${bin} ${args} | head -c 10 >/dev/null; echo \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).stdout.trim());
    // The demo has high findings: the gate fails (1) whether or not the reader read everything.
    expect(code('scan --demo --fail-on high --format json')).toBe(1);
    expect(code('scan --demo --fail-on high')).toBe(1);
    expect(code('scan --demo --format json')).toBe(0);
  });
});
