#!/usr/bin/env node
// Runs the CLI (dist/src/cli/main.js). The garbage collector settings the scan needs only take
// effect when Node starts (src/cli/node-flags.ts), so unless they are already set this starts
// one more Node process with them and passes on its exit code.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const flags = await import('../dist/src/cli/node-flags.js');
const args = flags.respawnArgs(fileURLToPath(import.meta.url), process.argv.slice(2));
const runHere = () => import('../dist/src/cli/main.js').then((m) => m.main(process.argv));

if (!args) {
  await runHere();
} else {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, [flags.NO_RESPAWN_ENV]: '1' } });
  // A signal sent to this process alone is passed on. A terminal's Ctrl-C reaches both
  // processes, so the CLI gets SIGINT twice then: harmless, its handler exits on the first.
  const forward = (signal) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGHUP', forward('SIGHUP'));
  const stopForwarding = () => {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGHUP');
  };
  let started = false;
  child.on('spawn', () => (started = true));
  child.on('error', (e) => {
    // Could not start a second process ('exit' never comes): run here, without the settings,
    // and without the handlers above, which would swallow SIGTERM and SIGHUP.
    if (!started) {
      stopForwarding();
      void runHere();
    } else process.stderr.write(`nhiscan: ${e.message}\n`);
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? flags.exitCodeOfSignal(signal, constants.signals);
    stopForwarding();
  });
}
