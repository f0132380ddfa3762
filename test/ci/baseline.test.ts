import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { compareWithBaseline, createBaseline, parseBaseline, serializeBaseline } from '../../src/ci/baseline.js';
import { InputError } from '../../src/errors.js';
import { isSeverity } from '../../src/engine/severity.js';
import { addShadowApp, copyDemo, editJson, finding, LEGACY_APP_ID, LEGACY_SP_ID, scanDir, SHADOW_SP_ID } from './helpers.js';

describe('baseline file', () => {
  it('lists each fingerprint once, sorted, with rule and subject for humans', () => {
    const a = finding({ fingerprint: 'f'.repeat(32) });
    const b = finding({ fingerprint: '0'.repeat(32) });
    const dup = { ...b };
    const bl = createBaseline([a, b, dup], '2026-11-20T09:00:00.000Z');
    expect(bl.findings.map((e) => e.fingerprint)).toEqual(['0'.repeat(32), 'f'.repeat(32)]);
    expect(bl.findings[0]).toEqual({ fingerprint: b.fingerprint, ruleId: b.ruleId, subjectId: b.subject.id, severity: b.severity });
    const round = parseBaseline(JSON.parse(serializeBaseline(bl)), 'b.json');
    expect(round).toEqual(bl);
  });

  it('rejects files that are not an nhiscan baseline, naming the JSON path', () => {
    expect(() => parseBaseline({ schemaVersion: 2, tool: 'nhiscan', findings: [] }, 'b.json')).toThrow(/schemaVersion/);
    try {
      parseBaseline({ schemaVersion: 1, tool: 'nhiscan', findings: [{ fingerprint: 'x' }, { ruleId: 'r' }] }, 'b.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).oneLine()).toBe('b.json: $.findings[1].fingerprint: expected a fingerprint string');
    }
  });

  it('counts new, unchanged and resolved against the baseline', () => {
    const [a, b, c] = [finding(), finding(), finding()];
    const gone = finding();
    const bl = createBaseline([a, b, gone], 'now');
    const { findings, counts } = compareWithBaseline([a, b, c], bl);
    expect(counts).toEqual({ new: 1, unchanged: 2, resolved: 1, unknown: 0 });
    expect(findings.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'new']);
    // Kept apart from status, which a waiver later overwrites.
    expect(findings.map((f) => f.baselineState)).toEqual(['unchanged', 'unchanged', 'new']);
    expect(a.status).toBeUndefined();
  });
});

describe('baseline on the demo snapshot', () => {
  const original = scanDir().report;

  it('a second scan of the same snapshot has nothing new', () => {
    const { counts } = compareWithBaseline(scanDir().report.findings, createBaseline(original.findings, 'x'));
    expect(original.findings.length).toBeGreaterThan(10);
    expect(counts).toEqual({ new: 0, unchanged: original.findings.length, resolved: 0, unknown: 0 });
  });

  it('renaming an app keeps its fingerprints: no new findings', () => {
    const snap = copyDemo();
    editJson(join(snap, 'entra/applications.json'), (d) => {
      d.value.find((a: any) => a.id === LEGACY_APP_ID).displayName = 'Provisioning Sync (renamed)';
    });
    editJson(join(snap, 'entra/servicePrincipals.json'), (d) => {
      const sp = d.value.find((s: any) => s.id === LEGACY_SP_ID);
      sp.displayName = sp.appDisplayName = 'Provisioning Sync (renamed)';
    });
    const renamed = scanDir(snap).report;
    const onApp = renamed.findings.filter((f) => f.subject.id.endsWith(LEGACY_SP_ID));
    // The rename must reach the findings, or this test would prove nothing.
    expect(onApp.length).toBeGreaterThan(0);
    expect(onApp.every((f) => f.subject.name === 'Provisioning Sync (renamed)')).toBe(true);
    const { counts } = compareWithBaseline(renamed.findings, createBaseline(original.findings, 'x'));
    expect(counts).toEqual({ new: 0, unchanged: renamed.findings.length, resolved: 0, unknown: 0 });
  });

  it('a new risky app shows up as new, and only its findings do', () => {
    const snap = copyDemo();
    addShadowApp(snap);
    const changed = scanDir(snap).report;
    const { findings, counts } = compareWithBaseline(changed.findings, createBaseline(original.findings, 'x'));
    const fresh = findings.filter((f) => f.status === 'new');
    expect(fresh.length).toBeGreaterThan(0);
    expect(counts.new).toBe(fresh.length);
    expect(fresh.every((f) => f.subject.id.endsWith(SHADOW_SP_ID) || JSON.stringify(f.path ?? []).includes(SHADOW_SP_ID))).toBe(true);
  });
});

describe('baseline and severity', () => {
  it('a known finding whose severity rose above the baselined one is new again', () => {
    const medium = finding({ severity: 'medium' });
    const other = finding({ severity: 'high' });
    const bl = parseBaseline(JSON.parse(serializeBaseline(createBaseline([medium, other], 'x'))), 'b.json');
    // The identity gained administration: same rule, same subject, same fingerprint, now critical.
    const escalated = { ...medium, severity: 'critical' as const };
    const lowered = { ...other, severity: 'low' as const };
    const { findings, counts } = compareWithBaseline([escalated, lowered], bl);
    expect(findings.map((f) => f.status)).toEqual(['new', 'unchanged']);
    expect(counts).toEqual({ new: 1, unchanged: 1, resolved: 0, unknown: 0 });
  });

  it('a baseline written before severities were recorded still matches by fingerprint', () => {
    const f = finding({ severity: 'critical' });
    const bl = parseBaseline({ schemaVersion: 1, tool: 'nhiscan', findings: [{ fingerprint: f.fingerprint }] }, 'b.json');
    expect(compareWithBaseline([f], bl).counts).toEqual({ new: 0, unchanged: 1, resolved: 0, unknown: 0 });
  });

  it('rejects an unknown severity in a baseline entry', () => {
    try {
      parseBaseline({ schemaVersion: 1, tool: 'nhiscan', findings: [{ fingerprint: 'a', severity: 'severe' }] }, 'b.json');
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).oneLine()).toBe('b.json: $.findings[0].severity: expected critical, high, medium, low or info');
    }
  });

  // `in` would find these on Object.prototype: "constructor" passed, and a known finding compared
  // against an undefined rank never counted as risen, so the gate let a critical through.
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('rejects the severity %j, a name Object.prototype has', (severity) => {
    expect(isSeverity(severity)).toBe(false);
    expect(() => parseBaseline({ schemaVersion: 1, tool: 'nhiscan', findings: [{ fingerprint: 'a', severity }] }, 'b.json')).toThrow(/expected critical, high, medium, low or info/);
  });
});
