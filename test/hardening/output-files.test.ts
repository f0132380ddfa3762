import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

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
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^nhiscan: \/dev\/full: cannot write: .*ENOSPC/)]);
  });
});
