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
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^nhiscan: standard output: cannot write: .*ENOSPC/)]);
    } finally {
      closeSync(fd);
    }
  });

  it('a closed pipe (EPIPE) still ends quietly', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${join(repoRoot, 'bin', 'nhiscan.js')}" scan --demo --format json | head -c 10 >/dev/null`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
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
