import { vi } from 'vitest';
import { buildProgram, handleError } from '../../src/cli/main.js';

/**
 * Runs nhiscan in this process, as main() would: what it printed on stderr and the exit code it
 * would set. In process, so that a test's vi.mock of a module reaches the command (helpers/cli.ts
 * runs the built CLI in a child process instead).
 */
export async function cliInProcess(args: string[], debug = false): Promise<{ code: number; stderr: string }> {
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
  process.exitCode = undefined;
  let code: number;
  try {
    const err = await buildProgram()
      .parseAsync(['node', 'nhiscan', ...(debug ? ['--debug'] : []), ...args])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    code = err === undefined ? Number(process.exitCode ?? 0) : handleError(err, debug);
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
  return { code, stderr: stderr.join('') };
}
