import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants } from 'node:os';
import { exitCodeOfSignal, respawnArgs, YOUNG_GENERATION_FLAGS } from '../../src/cli/node-flags.js';
import { cli, repoRoot } from '../helpers/cli.js';

describe('respawnArgs', () => {
  it('re-runs the script with the young-generation flags after the user\'s own Node flags', () => {
    expect(respawnArgs('/x/nhiscan.js', ['scan', '--demo'], ['--max-old-space-size=4096'], {})).toEqual([
      '--max-old-space-size=4096',
      ...YOUNG_GENERATION_FLAGS,
      '/x/nhiscan.js',
      'scan',
      '--demo',
    ]);
  });

  it('runs in this process when already re-run, told not to, given a semi-space size by the user, or debugged', () => {
    expect(respawnArgs('s', [], [], { NHISCAN_NO_RESPAWN: '1' })).toBeUndefined();
    expect(respawnArgs('s', [], ['--max-semi-space-size=16'], {})).toBeUndefined();
    expect(respawnArgs('s', [], [], { NODE_OPTIONS: '--min_semi_space_size=8' })).toBeUndefined();
    expect(respawnArgs('s', [], ['--inspect=9229'], {})).toBeUndefined();
    expect(respawnArgs('s', [], [], { NHISCAN_NO_RESPAWN: '' })).toBeDefined();
  });

  it('gives a signalled child the exit code a shell would (128 + signal number)', () => {
    expect(exitCodeOfSignal('SIGTERM', constants.signals)).toBe(128 + constants.signals.SIGTERM);
    expect(exitCodeOfSignal('SIGINT', constants.signals)).toBe(130);
    expect(exitCodeOfSignal(null, constants.signals)).toBe(1);
  });
});

describe('bin/nhiscan.js', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-respawn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Every Node process the command starts records its own flags.
  const recorder = join(dir, 'record.cjs');
  writeFileSync(recorder, `require('node:fs').appendFileSync(process.env.RECORD_FILE, JSON.stringify(process.execArgv) + '\\n');\n`);
  const run = (name: string, args: string[], env: Record<string, string> = {}) => {
    const file = join(dir, `${name}.log`);
    const r = cli(args, { env: { RECORD_FILE: file, NODE_OPTIONS: `--require ${join(repoRoot, 'test', 'helpers', 'net-guard.cjs')} --require ${recorder}`, ...env } });
    const processes = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
    return { ...r, processes };
  };

  it('runs the CLI in a second Node process with the young-generation flags, with the same output and exit code', () => {
    const twice = run('twice', ['scan', '--demo', '--format', 'json', '--fail-on', 'high']);
    const once = run('once', ['scan', '--demo', '--format', 'json', '--fail-on', 'high'], { NHISCAN_NO_RESPAWN: '1' });
    expect(twice.processes).toHaveLength(2);
    expect(twice.processes[0]).not.toEqual(expect.arrayContaining([...YOUNG_GENERATION_FLAGS]));
    expect(twice.processes[1]).toEqual(expect.arrayContaining([...YOUNG_GENERATION_FLAGS]));
    expect(once.processes).toHaveLength(1);
    expect(twice.code).toBe(1);
    expect(once.code).toBe(1);
    // The report's only difference would be the scan time, which follows the snapshot here.
    expect(twice.stdout).toBe(once.stdout);
    expect(twice.stderr).toBe(once.stderr);
  });

  it('passes on a usage error\'s exit code and message', () => {
    const r = run('usage', ['scan', '--no-such-flag']);
    expect(r.processes).toHaveLength(2);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--no-such-flag'/);
  });
});

describe('bin/nhiscan.js and signals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-respawn-sig-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes SIGTERM on to the second process, and exits as a process ended by it would (143)', async () => {
    // Preloaded in both processes: each records its pid; the second one then blocks for 20 s,
    // so it is surely still running when the first one receives SIGTERM.
    const pids = join(dir, 'pids.log');
    const preload = join(dir, 'hold.cjs');
    writeFileSync(
      preload,
      `require('node:fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n');\n` +
        `if (process.env.NHISCAN_NO_RESPAWN) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000);\n`,
    );
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'nhiscan.js'), 'rules', 'list'], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: `--require ${preload}` },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = (): string[] => (existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean) : []);
    for (let i = 0; i < 200 && started().length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    const [, second] = started();
    expect(second).toBeDefined();
    child.kill('SIGTERM');
    expect(await exited).toBe(128 + constants.signals.SIGTERM);
    // The second process is gone too, not left running on its own.
    let alive = true;
    for (let i = 0; i < 40 && alive; i++) {
      try {
        process.kill(Number(second), 0);
        await new Promise((r) => setTimeout(r, 25));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  }, 15_000);

  /** Runs bin/nhiscan.js with `preload` in every Node process; `ended` gives how it ended, or 'running' after `waitMs`. */
  const start = (preload: string, args: string[]) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'nhiscan.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: `--require ${preload}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const ended = (waitMs: number) => Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), waitMs))]);
    const output = async (want: RegExp): Promise<void> => {
      for (let i = 0; i < 400 && !want.test(stdout); i++) await new Promise((r) => setTimeout(r, 25));
    };
    return { child, ended, output, out: () => stdout, err: () => stderr };
  };

  it('passes SIGINT sent to the first process alone on to the second, which stops as interrupted (130)', async () => {
    // The second process keeps running for 20 s after the CLI is done; the CLI's own SIGINT handler is in place.
    const preload = join(dir, 'linger.cjs');
    writeFileSync(preload, `if (process.env.NHISCAN_NO_RESPAWN) setTimeout(() => {}, 20000);\n`);
    const run = start(preload, ['rules', 'list']);
    await run.output(/nhi-path-to-crown-jewel/);
    expect(run.out()).toMatch(/nhi-path-to-crown-jewel/);
    run.child.kill('SIGINT');
    const end = await run.ended(5000);
    if (end === 'running') run.child.kill('SIGKILL');
    expect(end).toEqual({ code: 130, signal: null });
    expect(run.err()).toMatch(/interrupted/);
  }, 15_000);

  it('when the second process cannot start, runs the CLI in the first, which SIGTERM still ends', async () => {
    // Starting another Node process fails (no such executable): the CLI runs here, without the settings.
    const preload = join(dir, 'no-node.cjs');
    writeFileSync(preload, `process.execPath = '/nonexistent/node';\nsetTimeout(() => {}, 20000);\n`);
    const run = start(preload, ['rules', 'list']);
    await run.output(/nhi-path-to-crown-jewel/);
    expect(run.out()).toMatch(/nhi-path-to-crown-jewel/);
    run.child.kill('SIGTERM');
    const end = await run.ended(5000);
    if (end === 'running') run.child.kill('SIGKILL');
    expect(end).toEqual({ code: null, signal: 'SIGTERM' });
  }, 15_000);
});
