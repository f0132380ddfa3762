import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants } from 'node:os';
import { endLikeChild, exitCodeOfSignal, FORWARDED_SIGNALS, respawnArgs, YOUNG_GENERATION_FLAGS } from '../../src/cli/node-flags.js';
import type { EndingProcess } from '../../src/cli/node-flags.js';
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

describe('endLikeChild', () => {
  const fake = (kill: (pid: number, signal: NodeJS.Signals) => boolean = () => true) => {
    const calls: string[] = [];
    const proc: EndingProcess = {
      pid: 4242,
      exitCode: undefined,
      kill: (pid, signal) => (calls.push(`kill ${pid} ${signal}`), kill(pid, signal)),
      removeAllListeners: (event) => calls.push(`remove ${event}`),
    };
    return { proc, calls };
  };

  it('passes on an exit code and sends no signal', () => {
    const { proc, calls } = fake();
    endLikeChild(3, null, proc, constants.signals);
    expect(proc.exitCode).toBe(3);
    expect(calls).toEqual([]);
  });

  it('removes the handlers of the signal that ended the second process, then sends it to this one', () => {
    const { proc, calls } = fake();
    endLikeChild(null, 'SIGHUP', proc, constants.signals);
    expect(calls).toEqual(['remove SIGHUP', 'kill 4242 SIGHUP']);
    // What stands if the signal does not end this process (an ignored one, such as SIGPIPE).
    expect(proc.exitCode).toBe(128 + constants.signals.SIGHUP);
  });

  it('keeps 128 + n when the signal cannot be sent', () => {
    const { proc } = fake(() => {
      throw new Error('Unknown signal');
    });
    endLikeChild(null, 'SIGPIPE', proc, constants.signals);
    expect(proc.exitCode).toBe(128 + constants.signals.SIGPIPE);
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

  /**
   * Starts bin/nhiscan.js with a preload in both processes: each records its pid; the second one
   * then blocks for 20 s, so it is surely still running when a signal arrives. Core dumps are
   * off (SIGQUIT's default action dumps core). Resolves once both processes run.
   */
  const held = async (name: string) => {
    const pids = join(dir, `${name}.pids`);
    const preload = join(dir, `${name}-hold.cjs`);
    writeFileSync(
      preload,
      `require('node:fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n');\n` +
        `if (process.env.NHISCAN_NO_RESPAWN) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000);\n`,
    );
    const child = spawn('/bin/sh', ['-c', 'ulimit -c 0; exec "$0" "$@"', process.execPath, join(repoRoot, 'bin', 'nhiscan.js'), 'rules', 'list'], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: `--require ${preload}` },
      stdio: 'ignore',
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const started = (): string[] => (existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean) : []);
    for (let i = 0; i < 200 && started().length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    const [first, second] = started();
    expect(first).toBe(String(child.pid));
    expect(second).toBeDefined();
    const ended = (waitMs: number) => Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), waitMs))]);
    const gone = async (pid: number): Promise<boolean> => {
      for (let i = 0; i < 40; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 25));
        } catch {
          return true;
        }
      }
      return false;
    };
    const cleanUp = () => {
      for (const pid of [Number(second), child.pid]) {
        try {
          process.kill(pid ?? 0, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    return { child, second: Number(second), ended, gone, cleanUp };
  };

  it('forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2', () => {
    expect([...FORWARDED_SIGNALS].sort()).toEqual(['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2']);
  });

  it.each(['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'] as const)(
    'passes %s on to the second process, and then dies by the same signal (not an exit code)',
    async (signal) => {
      const run = await held(signal);
      try {
        run.child.kill(signal);
        expect(await run.ended(5000)).toEqual({ code: null, signal });
        // The second process is gone too, not left running on its own.
        expect(await run.gone(run.second)).toBe(true);
      } finally {
        run.cleanUp();
      }
    },
    15_000,
  );

  it('dies by the signal that killed the second process, when only that one was signalled (SIGKILL, as the OOM killer sends)', async () => {
    const run = await held('sigkill');
    try {
      process.kill(run.second, 'SIGKILL');
      expect(await run.ended(5000)).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      run.cleanUp();
    }
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

  it('when starting the second process throws (E2BIG) rather than failing later, runs the CLI in the first', async () => {
    // An environment variable longer than exec accepts: Node's spawn throws E2BIG at once.
    const preload = join(dir, 'e2big.cjs');
    writeFileSync(preload, `process.env.NHISCAN_TEST_PAD = 'x'.repeat(4 << 20);\nsetTimeout(() => {}, 20000);\n`);
    const run = start(preload, ['rules', 'list']);
    await run.output(/nhi-path-to-crown-jewel/);
    expect(run.out()).toMatch(/nhi-path-to-crown-jewel/);
    expect(run.err()).toBe('');
    run.child.kill('SIGTERM');
    const end = await run.ended(5000);
    if (end === 'running') run.child.kill('SIGKILL');
    expect(end).toEqual({ code: null, signal: 'SIGTERM' });
  }, 15_000);

  /** A preload that opens nothing itself: once Node's inspector is open in a process, it records which one and exits 0. */
  const inspectorWatch = (name: string, before: string) => {
    const marker = join(dir, `${name}.inspector`);
    const preload = join(dir, `${name}.cjs`);
    writeFileSync(
      preload,
      before +
        // An ephemeral port, so that parallel runs do not compete for 9229.
        `process.debugPort = 0;\n` +
        `const role = process.env.NHISCAN_NO_RESPAWN ? 'second' : 'first';\n` +
        `const inspector = require('node:inspector');\n` +
        `setInterval(() => { if (inspector.url()) { require('node:fs').appendFileSync(${JSON.stringify(marker)}, role + '\\n'); process.exit(0); } }, 20).unref();\n` +
        `if (role === 'second' || process.execPath.startsWith('/nonexistent')) setTimeout(() => {}, 20000);\n`,
    );
    return { preload, opened: () => (existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '') };
  };

  it('passes SIGUSR1 on, so Node\'s inspector opens in the process that runs the CLI', async () => {
    const watch = inspectorWatch('usr1', '');
    const run = start(watch.preload, ['rules', 'list']);
    await run.output(/nhi-path-to-crown-jewel/);
    run.child.kill('SIGUSR1');
    const end = await run.ended(5000);
    if (end === 'running') run.child.kill('SIGKILL');
    expect(watch.opened()).toBe('second');
    expect(end).toEqual({ code: 0, signal: null });
  }, 15_000);

  it('leaves SIGUSR1 to Node when the CLI runs in the first process: the inspector opens there', async () => {
    const watch = inspectorWatch('usr1-here', `process.execPath = '/nonexistent/node';\n`);
    const run = start(watch.preload, ['rules', 'list']);
    await run.output(/nhi-path-to-crown-jewel/);
    run.child.kill('SIGUSR1');
    const end = await run.ended(5000);
    if (end === 'running') run.child.kill('SIGKILL');
    expect(end).toEqual({ code: 0, signal: null });
    expect(watch.opened()).toBe('first');
  }, 15_000);
});
