import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { InputError } from '../../src/errors.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { sampleOrg } from '../fakes/okta-dataset.js';
import { startOktaFake, type OktaFake } from '../fakes/okta-server.js';
import { installNetGuard } from '../fakes/entra-net-guard.js';
import { oktaSandbox } from '../hardening/okta-sandbox.js';

const TOKEN = 'COLLECT-COMMAND-SSWS-0001';
let sandbox: { restore(): void };
let guard: ReturnType<typeof installNetGuard>;
let fake: OktaFake;
let dir: string;

beforeAll(async () => {
  sandbox = oktaSandbox();
  guard = installNetGuard();
  fake = await startOktaFake({ dataset: sampleOrg(), apiToken: TOKEN, now: new VirtualClock().now, responseDelayMs: 0 });
  process.env.OKTA_ORG_URL = fake.url;
  process.env.OKTA_API_TOKEN = TOKEN;
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-collect-'));
});
afterEach(() => {
  fake.state.requests.length = 0;
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  guard.uninstall();
  sandbox.restore();
  expect(guard.attempts).toEqual([]);
});

async function collect(out: string): Promise<unknown> {
  return buildProgram()
    .parseAsync(['node', 'nhiscan', 'collect', '--okta', '--out', out])
    .then(
      () => undefined,
      (e: unknown) => e,
    );
}

describe('nhiscan collect --out', () => {
  it('writes into a new folder, or an empty one', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    for (const out of [join(dir, 'new'), empty]) {
      const stderr: string[] = [];
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
      try {
        expect(await collect(out)).toBeUndefined();
      } finally {
        spy.mockRestore();
      }
      // The collector's warnings are shown at collection time, not only by a later scan.
      expect(stderr.join('')).toMatch(/^nhiscan: warning: Collected with an Okta API token/m);
      expect(existsSync(join(out, 'manifest.json'))).toBe(true);
      expect(existsSync(join(out, 'okta', 'apps.json'))).toBe(true);
    }
    process.exitCode = undefined;
  });

  it('refuses a folder that is not empty before collecting anything', async () => {
    const out = join(dir, 'used');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'x');
    const err = await collect(out);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).oneLine()).toContain(out);
    expect(fake.state.requests).toEqual([]);
  });

  it('refuses a path that is a file, as a usage error naming it, before collecting anything', async () => {
    const out = join(dir, 'a-file');
    writeFileSync(out, 'x');
    const err = await collect(out);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).oneLine()).toContain(out);
    expect(fake.state.requests).toEqual([]);
  });
});
