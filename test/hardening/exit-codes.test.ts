import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOkta } from '../../src/connectors/okta/client.js';
import { mergeResults, writeSnapshot } from '../../src/cli/live.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { sampleOrg } from '../fakes/okta-dataset.js';
import { startOktaFake } from '../fakes/okta-server.js';
import { cli } from '../helpers/cli.js';
import { oktaSandbox } from './okta-sandbox.js';

const TOKEN = 'HARDENING-OKTA-EXIT-TOKEN';
const NOW = '2026-11-20T09:00:00Z';
let dir: string;
let sandbox: { restore(): void };

beforeAll(async () => {
  sandbox = oktaSandbox();
  const clock = new VirtualClock();
  // An org whose only machine-like users hold no admin role: nothing critical to find.
  const dataset = { ...sampleOrg(), apps: [], apiTokens: [], userRoles: {}, groupRoles: {} };
  const fake = await startOktaFake({ dataset, apiToken: TOKEN, now: clock.now, responseDelayMs: 0, forbid: ['/api/v1/users/{id}/factors'] });
  try {
    const partial = await collectOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: TOKEN }, clock });
    expect(partial.coverage.find((c) => c.capability === 'okta.factors')?.status).toBe('missing-permission');
    dir = join(mkdtempSync(join(tmpdir(), 'nhiscan-exit-')), 'snap');
    writeSnapshot(dir, mergeResults([partial], new Date(NOW)));
  } finally {
    await fake.close();
  }
});
afterAll(() => {
  sandbox.restore();
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('exit codes of a scan over a partial collection', () => {
  it('has no critical finding in this collection, so only the coverage gap decides', () => {
    const doc = JSON.parse(cli(['scan', '--snapshot', dir, '--format', 'json', '--now', NOW]).stdout);
    expect(doc.summary.bySeverity.critical).toBe(0);
  });

  it('exits 3 with --fail-on critical and says why on stderr', () => {
    const r = cli(['scan', '--snapshot', dir, '--fail-on', 'critical', '--now', NOW]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/incomplete/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The table names the capability that was not read and why.
    expect(r.stdout).toMatch(/Coverage: 1 capability was not read/);
    // The coverage line wraps to 100 columns; joined back it reads as one.
    expect(r.stdout.replace(/\n {4}(?=\S)/g, ' ')).toMatch(/okta .* okta\.factors: missing-permission \(HTTP 403 .*okta\.users\.read/);
  });

  it('exits 0 with --allow-partial, and the JSON report still carries the gap', () => {
    const r = cli(['scan', '--snapshot', dir, '--fail-on', 'critical', '--allow-partial', '--format', 'json', '--now', NOW]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const gaps = doc.coverage.filter((c: { status: string }) => c.status !== 'collected');
    expect(gaps).toEqual([expect.objectContaining({ provider: 'okta', capability: 'okta.factors', status: 'missing-permission' })]);
    expect(gaps[0].reason).toMatch(/okta\.users\.read/);
  });

  it('exits 0 without --fail-on (the gap is reported, not enforced)', () => {
    expect(cli(['scan', '--snapshot', dir, '--now', NOW]).code).toBe(0);
  });

  it('never writes the credential into the snapshot', () => {
    const r = cli(['scan', '--snapshot', dir, '--format', 'json', '--now', NOW]);
    expect(r.stdout).not.toContain(TOKEN);
    expect(r.stdout).not.toContain('CANARY-OKTA-');
  });
});
