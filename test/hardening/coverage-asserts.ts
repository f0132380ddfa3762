import { expect } from 'vitest';
import type { CollectResult, CoverageRecord } from '../../src/snapshot/types.js';

/** The record of one capability (of one scope when given). */
export function coverageOf(result: CollectResult, capability: string, scope?: string): CoverageRecord | undefined {
  return result.coverage.find((c) => c.capability === capability && (scope === undefined || c.scope === scope));
}

/**
 * The capability was not read and says so: a record exists, it is not `collected`, its status is
 * one of the "could not read" kinds and it carries a reason.
 */
export function expectGap(result: CollectResult, capability: string, opts: { scope?: string; status?: string; reason?: RegExp } = {}): CoverageRecord {
  const rec = coverageOf(result, capability, opts.scope);
  expect(rec, `coverage record for ${capability}`).toBeDefined();
  expect(rec!.status).not.toBe('collected');
  expect(['error', 'missing-permission', 'not-collected']).toContain(rec!.status);
  if (opts.status) expect(rec!.status).toBe(opts.status);
  expect(typeof rec!.reason).toBe('string');
  expect(rec!.reason!.length).toBeGreaterThan(0);
  if (opts.reason) expect(rec!.reason).toMatch(opts.reason);
  return rec!;
}

/** Every capability except `except` was read completely. */
export function expectCollectedExcept(result: CollectResult, except: string[], scope?: string): void {
  const others = result.coverage.filter((c) => !except.includes(c.capability) && (scope === undefined || c.scope === scope));
  expect(others.length).toBeGreaterThan(0);
  expect(others.filter((c) => c.status !== 'collected')).toEqual([]);
}
