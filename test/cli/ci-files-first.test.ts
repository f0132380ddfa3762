import { describe, it, expect, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

/**
 * The baseline and waivers files are read and checked before the scan: a malformed one is the
 * one error line at once, not after a long scan. The input named here does not exist, so a scan
 * started first would fail on it instead: the error names which was read first.
 */
let tmp: string;
let missing: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nhiscan-ci-first-'));
  missing = join(tmp, 'no-such-snapshot');
  writeFileSync(join(tmp, 'bad-baseline.json'), '{"findings": [\n');
  writeFileSync(join(tmp, 'bad-waivers.yaml'), 'waivers:\n  - reason: no owner\n');
});

describe('baseline and waivers files are checked before scanning', () => {
  it('scan --baseline: a malformed baseline is one line naming the file and place, exit 2, before the input is read', () => {
    const file = join(tmp, 'bad-baseline.json');
    const r = cli(['scan', '--snapshot', missing, '--baseline', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nhiscan: ${file}: line 2 column 1: invalid JSON (unexpected end of input)\n`);
  });

  it('scan --waivers and certify --waivers: a malformed waivers file, before the input is read', () => {
    const file = join(tmp, 'bad-waivers.yaml');
    for (const cmd of ['scan', 'certify']) {
      const r = cli([cmd, '--snapshot', missing, '--waivers', file]);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr, cmd).toBe(`nhiscan: ${file}: line 2: waiver is missing "owner"\n`);
    }
  });

  it('the default waivers file of the working directory, too', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-ci-first-cwd-'));
    mkdirSync(join(cwd, '.nhiscan'));
    writeFileSync(join(cwd, '.nhiscan', 'waivers.yaml'), 'waivers:\n  - reason: no owner\n');
    const r = cli(['scan', '--snapshot', missing], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nhiscan: .nhiscan/waivers.yaml: line 2: waiver is missing "owner"\n');
  });
});

describe('scan --write-baseline says where it wrote', () => {
  it('one stderr line with the file and the number of findings, as baseline write prints it', () => {
    const file = join(tmp, 'written.json');
    const r = cli(['scan', '--demo', '--format', 'json', '--write-baseline', file]);
    expect(r.code).toBe(0);
    const n = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
    expect(r.stderr.split('\n')).toContain(`nhiscan: wrote a baseline of ${n} findings to ${file}`);
    const other = cli(['baseline', 'write', join(tmp, 'written2.json'), '--demo']);
    expect(other.stderr.split('\n')).toContain(`nhiscan: wrote a baseline of ${n} findings to ${join(tmp, 'written2.json')}`);
  });
});
