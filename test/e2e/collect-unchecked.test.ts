import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliInProcess as cli } from '../helpers/cli-in-process.js';
import type { Manifest } from '../../src/snapshot/snapshot.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { startOktaFake, type OktaFake } from '../fakes/okta-server.js';
import { DEMO_NOW, demoSnapshot } from './demo.js';
import { isolate } from './live.js';
import { oktaDatasetFromDemo } from './okta-demo-dataset.js';

/**
 * `collect --out` reads the answers as the scan reads them before writing (setting aside each
 * value the scan cannot read). When that check fails with anything else, a fault in nhiscan's own
 * code, the collection is written anyway, whole and as received, with a warning in the manifest,
 * one line on stderr and exit 2. Before, the command failed and wrote nothing: the collection was
 * lost.
 *
 * The fault is a bug put into the Okta transform, the code the check runs: after the real
 * transform it throws a TypeError, as a transform reading a field that is not there would. The real
 * transform runs first, so a bad value in the answers is still refused (and set aside) before it.
 */
const fault = vi.hoisted(() => ({ on: false }));
vi.mock('../../src/connectors/okta/transform.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/connectors/okta/transform.js')>();
  return {
    ...real,
    transformOkta: (...args: Parameters<typeof real.transformOkta>) => {
      real.transformOkta(...args);
      if (fault.on) throw new TypeError("Cannot read properties of undefined (reading 'profile')");
    },
  };
});

const TOKEN = 'UNCHECKED-COLLECT-SSWS-0001';
const BAD_USER_AT = 2;
const LINE = "internal error while checking the collected answers: Cannot read properties of undefined (reading 'profile')";

let env: ReturnType<typeof isolate>;
let fake: OktaFake;
let dir: string;

beforeAll(async () => {
  env = isolate();
  const demo = demoSnapshot();
  // One value the scan cannot read: the check sets okta.users aside before it meets the fault.
  (demo.files['okta/users.json'] as Record<string, unknown>[])[BAD_USER_AT].created = 'yesterday';
  fake = await startOktaFake({ dataset: oktaDatasetFromDemo(demo), apiToken: TOKEN, now: new VirtualClock(DEMO_NOW.getTime()).now, responseDelayMs: 0 });
  process.env.OKTA_ORG_URL = fake.url;
  process.env.OKTA_API_TOKEN = TOKEN;
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-unchecked-'));
});
afterEach(() => {
  fault.on = false;
});
afterAll(async () => {
  await fake.close();
  delete process.env.OKTA_ORG_URL;
  delete process.env.OKTA_API_TOKEN;
  rmSync(dir, { recursive: true, force: true });
  expect(env.restore()).toEqual([]);
});


function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

const manifestOf = (folder: string) => JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Manifest;

describe('nhiscan collect --out when the check of the answers fails internally', () => {
  it('writes every file as collected, warns in the manifest and in one stderr line, and exits 2', async () => {
    const checked = join(dir, 'checked');
    const ok = await cli(['collect', '--okta', '--out', checked]);
    expect(ok.code).toBe(3);
    fault.on = true;
    const folder = join(dir, 'unchecked');
    const run = await cli(['collect', '--okta', '--out', folder]);

    // Not a success, and not "incomplete" either: the internal-error code.
    expect(run.code).toBe(2);
    // The collector's own warnings as usual, then one line for the fault, with no stack.
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.slice(0, -1).every((l) => l.startsWith('nhiscan: warning: '))).toBe(true);
    const last = lines.at(-1)!;
    const n = filesUnder(folder).length;
    expect(last).toBe(
      `nhiscan: ${LINE}; wrote ${n} files to ${folder} unchecked, as collected: \`nhiscan scan --snapshot\` of it may refuse a value in them or stop on the same error (run it with --debug to see the error)`,
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);

    // Whole and as received: what the checked run wrote, and the file it set aside, bad value kept.
    expect(filesUnder(folder)).toEqual([...filesUnder(checked), 'okta/users.json'].sort());
    const users = JSON.parse(readFileSync(join(folder, 'okta', 'users.json'), 'utf8')) as Record<string, unknown>[];
    expect(users[BAD_USER_AT].created).toBe('yesterday');
    const manifest = manifestOf(folder);
    expect(manifest.coverage.find((c) => c.capability === 'okta.users')?.status).toBe('collected');
    expect(manifestOf(checked).coverage.find((c) => c.capability === 'okta.users')?.status).toBe('error');
    // The manifest says it was not checked, why, and what follows; its other warnings are the checked run's, less the set-aside one.
    const note = manifest.warnings!.at(-1)!;
    expect(note).toBe(
      "not checked at collection: reading the answers as the scan reads them failed with an internal error (Cannot read properties of undefined (reading 'profile')), so they were written as collected and a value the scan cannot read was not set aside; `nhiscan scan --snapshot` of this folder may refuse such a value or stop on the same error (run it with --debug to see the error)",
    );
    expect(manifest.warnings!.slice(0, -1)).toEqual(manifestOf(checked).warnings!.filter((w) => !w.includes('a value the scan cannot read')));
    // The credential is in no file.
    for (const f of filesUnder(folder)) expect(readFileSync(join(folder, f), 'utf8')).not.toContain(TOKEN);

    // What the note says: the scan of the folder refuses the value the check would have set aside.
    const scan = await cli(['scan', '--snapshot', folder, '--format', 'json', '-o', join(dir, 'scan.json')]);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toBe(`nhiscan: ${folder}/okta/users.json: $[${BAD_USER_AT}].created: not a date: "yesterday"\n`);
  }, 60_000);

  it('shows the stack of the fault with --debug', async () => {
    fault.on = true;
    const folder = join(dir, 'debug');
    const run = await cli(['collect', '--okta', '--out', folder], true);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`nhiscan: ${LINE}; wrote `);
    expect(run.stderr).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'profile'\)\n\s+at /m);
    expect(filesUnder(folder)).toContain('manifest.json');
  }, 60_000);
});
