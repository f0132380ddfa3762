import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, type CliRun } from '../helpers/cli.js';

/**
 * Like `cli()` but without blocking the test process: needed when the CLI talks to a fake
 * server that runs in this process (spawnSync would deadlock it).
 */
export function cliAsync(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'nhiscan.js'), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true', NODE_OPTIONS: `--require ${join(repoRoot, 'test', 'helpers', 'net-guard.cjs')}`, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
