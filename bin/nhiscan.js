#!/usr/bin/env node
// Runs the CLI (dist/src/cli/main.js). The garbage collector settings the scan needs only take
// effect when Node starts (src/cli/node-flags.ts), so unless they are already set this starts
// one more Node process with them and ends as it ends (exit code or signal).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const flags = await import('../dist/src/cli/node-flags.js');
const args = flags.respawnArgs(fileURLToPath(import.meta.url), process.argv.slice(2));
const runHere = () => import('../dist/src/cli/main.js').then((m) => m.main(process.argv));

/**
 * The second process, or undefined when it could not start. Node reports some spawn failures
 * as an 'error' event (no executable, EACCES, EAGAIN) and throws others (E2BIG, ENOMEM, EPERM);
 * either way there is no pid, and the CLI runs here, without the settings. No signal handler is
 * in place yet then, so Node's own handling of every signal (SIGUSR1's inspector too) is intact.
 */
const startChild = (argv) => {
  try {
    const child = spawn(process.execPath, argv, { stdio: 'inherit', env: { ...process.env, [flags.NO_RESPAWN_ENV]: '1' } });
    if (child.pid !== undefined) return child;
    child.on('error', () => {});
  } catch {
    // Thrown rather than emitted: the same fallback.
  }
  return undefined;
};

const child = args ? startChild(args) : undefined;
if (!child) {
  await runHere();
} else {
  // A signal sent to this process alone is passed on. A terminal's Ctrl-C (or Ctrl-\) reaches
  // both processes, so the CLI gets it twice then: harmless, the first one ends it.
  for (const signal of flags.FORWARDED_SIGNALS) process.on(signal, () => child.kill(signal));
  child.on('error', (e) => process.stderr.write(`nhiscan: ${e.message}\n`));
  child.on('exit', (code, signal) => flags.endLikeChild(code, signal, process, constants.signals));
}
