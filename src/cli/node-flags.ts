/**
 * Node flags the scan runs best with, which only take effect when Node starts: the size of V8's
 * young generation (two semi-spaces) is fixed when the heap is set up, and changing the flag
 * at run time does nothing. A scan keeps most of what it allocates (the graph), so every
 * collection of a small young generation copies a large share of it. Starting at 32 MB and
 * growing to 64 MB per semi-space cut the 100,000-identity scan from 21.8 to 19.8 s in four
 * back-to-back pairs (fourth session); 48 growing to 96 MB, against 32/64 in four alternated
 * pairs (seventh session), took read + scan from a median of 18.8 to 17.8 s and its CPU from
 * 32.9 to 31.1 s, for 60-130 MB more peak memory (1,833-1,910 MB; bench/HISTORY.md).
 */
export const YOUNG_GENERATION_FLAGS: readonly string[] = ['--min-semi-space-size=48', '--max-semi-space-size=96'];

/** Set in the environment of the re-started process, and by users who want no second process. */
export const NO_RESPAWN_ENV = 'NHISCAN_NO_RESPAWN';

/**
 * The Node arguments to run the CLI again with, or undefined to run it in this process: when it
 * already has the flags, when the user set either semi-space size themselves (flag or
 * NODE_OPTIONS, either spelling), when a debugger is attached (a second process would take its
 * port), or when `NHISCAN_NO_RESPAWN` is set (to anything but an empty string).
 */
export function respawnArgs(
  script: string,
  args: readonly string[],
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
): string[] | undefined {
  if (env[NO_RESPAWN_ENV]) return undefined;
  const nodeOptions = env.NODE_OPTIONS ?? '';
  if (nodeFlagGiven(/semi[-_]space[-_]size/, execArgv, nodeOptions)) return undefined;
  if (nodeFlagGiven(/--inspect|--debug-port/, execArgv, nodeOptions)) return undefined;
  return [...execArgv, ...YOUNG_GENERATION_FLAGS, script, ...args];
}

/** Whether Node was given a flag matching `name`, on its command line or in NODE_OPTIONS. */
export function nodeFlagGiven(name: RegExp, execArgv: readonly string[], nodeOptions: string): boolean {
  return [...execArgv, nodeOptions].some((a) => name.test(a));
}

/**
 * The signals bin/nhiscan.js passes on to the second process, so that signalling the process the
 * user started does what it does to the CLI run in one process. SIGUSR1 is Node's "open the
 * inspector" signal: passed on, it opens the inspector in the process that runs the CLI (the
 * first process only waits, and loses its own inspector signal to the handler). SIGKILL and
 * SIGSTOP cannot be caught, and Node ignores SIGPIPE.
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** What `endLikeChild` uses of the process (the real one in bin/nhiscan.js, a fake in tests). */
export interface EndingProcess {
  readonly pid: number;
  exitCode?: number | string | null | undefined;
  kill(pid: number, signal: NodeJS.Signals): boolean;
  removeAllListeners(event: NodeJS.Signals): unknown;
}

/**
 * Ends this process the way the second one ended: with its exit code or, when a signal ended it,
 * by the same signal, so that a shell or supervisor sees "killed by SIGTERM" and not "exited
 * 143" (a shell only stops a loop or script for a child killed by SIGINT or SIGQUIT, and
 * supervisors report and restart by the signal). The signal's handlers are removed first so that
 * its default action applies; when it does not end the process (an ignored signal such as
 * SIGPIPE), the exit code is the shell's 128 + its number.
 */
export function endLikeChild(
  code: number | null,
  signal: NodeJS.Signals | null,
  proc: EndingProcess,
  signals: Record<string, number>,
): void {
  proc.exitCode = code ?? exitCodeOfSignal(signal, signals);
  if (code !== null || signal === null) return;
  proc.removeAllListeners(signal);
  try {
    proc.kill(proc.pid, signal);
  } catch {
    // Could not be sent (not a signal this platform knows): the exit code above stands.
  }
}

/** The exit code a shell gives a process ended by `signal` (128 + its number), or 1. */
export function exitCodeOfSignal(signal: NodeJS.Signals | null, signals: Record<string, number>): number {
  const n = signal ? signals[signal] : undefined;
  return n === undefined ? 1 : 128 + n;
}
