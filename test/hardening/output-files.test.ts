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
 * (`| head`) ends the run quietly, but not as a success.
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

  /**
   * The exit status of nhiscan itself in `sh -c "nhiscan ARGS REDIRECT | READER"`, whatever the
   * reader does, and what nhiscan wrote on stderr (when REDIRECT leaves it out of the pipe).
   */
  const piped = (args: string, reader: string, redirect = '') => {
    const bin = `"${process.execPath}" "${join(repoRoot, 'bin', 'nhiscan.js')}"`;
    const r = spawnSync('bash', ['-c', `${bin} ${args} ${redirect} | ${reader}; echo \${PIPESTATUS[0]} >&3`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    return { status: Number(String(r.output[3]).trim()), stderr: r.stderr };
  };

  // A writer whose reader has gone ends as Unix tools do, killed by SIGPIPE: quietly, and with
  // the status a shell gives that (128 + 13). Not 0: the report was not written whole, so a CI
  // step (under pipefail) must not pass, and a reader that failed must not look like a clean scan.
  it.each([['scan --demo --format json'], ['scan --demo'], ['scan --demo --format sarif'], ['export --demo']])('a reader that stops early (EPIPE): quiet, exit 141: %s | head', (line) => {
    const r = piped(line, 'head -c 10 >/dev/null', '2>/dev/null');
    expect(r.status).toBe(141);
    expect(piped(line, 'head -c 10 >/dev/null').stderr).toBe('');
  });

  it('a reader that stopped early ends the run as 141 whatever the gate (a failing gate too)', () => {
    expect(piped('scan --demo --fail-on high --format json', 'head -c 10 >/dev/null', '2>/dev/null').status).toBe(141);
    expect(piped('scan --demo --fail-on high', 'head -c 10 >/dev/null', '2>/dev/null').status).toBe(141);
  });

  it('a reader that exited before the first write: exit 141, quiet', () => {
    const r = piped('scan --demo --format json', 'true');
    expect(r.status).toBe(141);
    expect(r.stderr).toBe('');
  });

  it('standard error piped to a reader that has gone (`2>&1 | …`): exit 141, not 1 (findings) and a stack trace', () => {
    const r = piped('scan --demo --format json', 'true', '2>&1 >/dev/null');
    expect(r.status).toBe(141);
  });

  it('a reader that read everything: the gate decides, as without a pipe', () => {
    expect(piped('scan --demo --fail-on high --format json', 'cat >/dev/null', '2>/dev/null').status).toBe(1);
    expect(piped('scan --demo --format json', 'cat >/dev/null', '2>/dev/null').status).toBe(0);
  });
});
