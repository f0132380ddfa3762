import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown, MARKDOWN_BUDGET } from '../../src/reporters/markdown.js';
import { renderTable } from '../../src/reporters/table.js';
import { mergeResults } from '../../src/cli/live.js';
import { collectEntra } from '../../src/connectors/entra/client.js';
import type { CollectResult, CoverageRecord } from '../../src/snapshot/types.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { installNetGuard } from '../fakes/entra-net-guard.js';
import { startEntraFake } from '../fakes/entra-server.js';
import { DEMO_NOW } from '../e2e/demo.js';
import { report } from '../ci/helpers.js';
import { fakeEntraOptions } from '../helpers/entra-fake-collect.js';

// `target.push(...items)` passes every item as an argument, and V8 throws a RangeError ("Maximum
// call stack size exceeded") past about 125,000 of them on Node 20 with the default stack (fewer
// from deeper in the stack). Lists that grow with the estate must not go through it: each test
// sends more than that through one place that did.
const MANY = 200_000;

/** MANY coverage gaps, as a scan of thousands of AWS accounts read with too few permissions has. */
function gaps(): CoverageRecord[] {
  return Array.from({ length: MANY }, (_, i) => ({
    provider: 'aws',
    scope: String(100000000000 + Math.floor(i / 10)),
    capability: `aws.capability${i % 10}`,
    status: 'missing-permission',
    reason: 'AccessDenied',
  }));
}

describe('more list items than a call takes arguments', () => {
  it('the table lists every coverage gap', () => {
    const out = renderTable(report([], { coverage: gaps() }), { color: false });
    expect(out).toContain(`Coverage: ${MANY} capabilities were not read`);
    expect(out.split('\n').filter((l) => l.startsWith('  ! aws ')).length).toBe(MANY);
  });

  it('the Markdown summary keeps as many coverage gaps as its budget allows', () => {
    const out = renderMarkdown(report([], { coverage: gaps() }));
    expect(out).toContain(`### ⚠️ Coverage gaps (${MANY})`);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(MARKDOWN_BUDGET);
    expect(out).toContain('**Shortened to fit:**');
  });

  it('merging collector results keeps every coverage record and warning', () => {
    const warnings = Array.from({ length: MANY }, (_, i) => `warning ${i}`);
    const result: CollectResult = { files: {}, coverage: gaps(), manifest: { accounts: [], warnings }, stats: { requests: 0, pages: 0, retries: 0 } };
    const merged = mergeResults([result], DEMO_NOW);
    expect(merged.manifest.coverage.length).toBe(MANY);
    expect(merged.manifest.warnings?.length).toBe(MANY);
  });
});

describe('the Entra collector with more failed parents than a call takes arguments', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const CLIENT_ID = '99999999-8888-4777-8666-555555555555';
  const SECRET = 'CANARY-ENTRA-SECRET-client-secret-0004';
  let guard: ReturnType<typeof installNetGuard>;
  beforeAll(() => {
    guard = installNetGuard();
  });
  afterAll(() => {
    guard.uninstall();
    expect(guard.attempts).toEqual([]);
  });

  it('records the group member lists it could not read as one gap, and reads the rest', async () => {
    // Each role-assignable group whose member list is not read is one failure of its lists' record; a group whose id
    // is not a GUID is one without a request (plan.ts), so MANY of them cost no $batch.
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5 });
    dataset.v1['/groups'] = Array.from({ length: MANY }, (_, i) => ({ id: `group-${i}`, displayName: `Group ${i}`, isAssignableToRole: true }));
    // Pages far larger than Graph's (999) only keep the listing quick; paging is tested elsewhere.
    const f = await startEntraFake({ dataset, clientId: CLIENT_ID, clientSecret: SECRET, pageSize: 50_000 });
    try {
      const result = await collectEntra(fakeEntraOptions(f, { pageSize: 50_000 }, { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET }));
      // The unread lists are a gap of those groups alone (entra.groups@groupMembers.json); the
      // group list itself was read, so entra.groups stays collected.
      const lists = result.coverage.find((c) => c.capability === 'entra.groups@groupMembers.json');
      expect(lists?.status).toBe('error');
      expect(lists?.reason).toContain('skipped an object whose id is not a GUID');
      expect(result.coverage.find((c) => c.capability === 'entra.groups')?.status).toBe('collected');
      expect(result.coverage.find((c) => c.capability === 'entra.servicePrincipals')?.status).toBe('collected');
    } finally {
      await f.close();
    }
  }, 60_000);
});
