import { describe, it, expect } from 'vitest';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';
import { RECERT_COLUMNS, renderRecertCsv } from '../../src/reporters/recert.js';
import { demoSnapshot, scan } from '../e2e/demo.js';

const report = scan(demoSnapshot()).report;
const rowOf = (csv: string, name: string) => parseCsv(csv, 'x').find((r) => r.name === name)!;

describe('recert sheet: each row names its findings by fingerprint and its highest severity', () => {
  it('keeps every earlier column in its place and adds the two after classification', () => {
    expect(RECERT_COLUMNS.slice(-4, -1)).toEqual(['classification', 'highest_severity', 'finding_fingerprints']);
  });

  it('lists one fingerprint per finding, most severe first, where finding_ids lists rules', () => {
    const mine = report.findings.filter((f) => f.subject.name === 'HR Sync Service' && f.status !== 'waived');
    // Several findings of one rule (paths to different jewels) are one rule id but several fingerprints.
    expect(new Set(mine.map((f) => f.ruleId)).size).toBeLessThan(mine.length);
    const r = rowOf(renderRecertCsv(report), 'HR Sync Service');
    const listed = r.finding_fingerprints.split('; ');
    expect(listed.map((e) => e.split(' ')[1]).sort()).toEqual(mine.map((f) => f.fingerprint).sort());
    expect(listed[0]).toMatch(/^critical [0-9a-f]{32} \(nhi-|^critical [0-9a-f]{32} \(/);
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = listed.map((e) => order.indexOf(e.split(' ')[0]));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(r.highest_severity).toBe('critical');
  });

  it('leaves waived findings out, and says none for a row without findings', () => {
    const copy = structuredClone(report);
    const mine = copy.findings.filter((f) => f.subject.name === 'HR Sync Service');
    for (const f of mine) if (f.severity === 'critical') f.status = 'waived';
    const r = rowOf(renderRecertCsv(copy), 'HR Sync Service');
    expect(r.finding_fingerprints).not.toContain(mine.find((f) => f.severity === 'critical')!.fingerprint);
    const left = mine.filter((f) => f.status !== 'waived').map((f) => f.severity);
    expect(left.length).toBeGreaterThan(0);
    expect(r.highest_severity).toBe(['high', 'medium', 'low', 'info'].find((s) => left.includes(s as never)));
    const clean = report.identities.find((i) => !report.findings.some((f) => f.subject.id === i.id))!;
    expect(rowOf(renderRecertCsv(report), clean.name).highest_severity).toBe('none');
    expect(rowOf(renderRecertCsv(report), clean.name).finding_fingerprints).toBe('');
  });
});
