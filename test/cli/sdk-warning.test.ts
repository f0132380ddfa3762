import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * The AWS SDK warns on Node < 22 that its releases after January 2027 will need Node 22 (nine
 * lines on stderr at the first client). nhiscan supports Node 20, so that notice is for us, not
 * for the person running a scan: the CLI sets the SDK's documented switch unless the user set it.
 * The cli() helper sets the switch itself, so these runs build their environment by hand.
 */
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const home = mkdtempSync(join(tmpdir(), 'nhiscan-sdk-warning-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function collectAws(extra: Record<string, string>, out: string) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin', 'nhiscan.js'), 'collect', '--aws', '--out', join(home, out)], {
    cwd: repoRoot,
    encoding: 'utf8',
    // No credentials anywhere (an empty HOME, no instance metadata): the SDK clients are built,
    // the credential chain fails, and the run ends with the gap recorded (exit 3).
    env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', NODE_OPTIONS: `--require ${join(repoRoot, 'test', 'helpers', 'net-guard.cjs')}`, ...extra },
  });
}

describe('the AWS SDK Node version notice', () => {
  it('does not reach stderr: collect --aws prints only its own lines', () => {
    const r = collectAws({}, 'a');
    expect(r.status).toBe(3);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning/);
    expect(r.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('nhiscan: '))).toBe(true);
  });

  it.skipIf(NODE_MAJOR >= 22)('is shown when the user sets the switch to something other than "true"', () => {
    const r = collectAws({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }, 'b');
    expect(r.stderr).toMatch(/NodeVersionSupportWarning/);
  });
});
