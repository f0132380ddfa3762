import { describe, expect, it } from 'vitest';
import { Reader } from '../../src/snapshot/shape.js';

const r = new Reader('f.json');
const read = (v: string): string | undefined => r.optDate({ d: v }, 'd', '$');
const throws = (v: string): boolean => {
  try {
    read(v);
    return false;
  } catch {
    return true;
  }
};

describe('Reader.optDate', () => {
  it('gives the toISOString form of the instant, whatever ISO form it was written in', () => {
    // A fixed pseudo-random sequence: the same cases every run.
    let x = 12345;
    const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
    const cases: number[] = [Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2026, 11, 31, 0, 0, 0, 0), Date.UTC(1999, 0, 1), Date.UTC(50, 5, 30) - Date.UTC(1950, 0, 1) + Date.UTC(1950, 0, 1)];
    for (let i = 0; i < 3000; i++) cases.push((next() / 2147483648) * Date.UTC(2100, 0, 1));
    for (const ms of cases) {
      const iso = new Date(Math.floor(ms)).toISOString();
      expect(read(iso)).toBe(iso);
      expect(read(`${iso.slice(0, 19)}Z`)).toBe(`${iso.slice(0, 19)}.000Z`);
      expect(read(`${iso.slice(0, 23)}+00:00`)).toBe(iso);
      // Also 24 characters long, but not in the toISOString form: rewritten, not passed through.
      expect(read(`${iso.slice(0, 19)}+0000`)).toBe(`${iso.slice(0, 19)}.000Z`);
      expect(read(`${iso.slice(0, 10)} ${iso.slice(11)}`)).toBe(iso);
      expect(read(`${iso.slice(0, 19)},${iso.slice(20)}`)).toBe(iso);
    }
  });

  it('refuses impossible dates even when they look like the toISOString form', () => {
    for (const v of ['2026-02-30T00:00:00.000Z', '2025-02-29T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T00:60:00.000Z', '2026-01-01T00:00:60.000Z', '2026-04-31T10:00:00.000Z']) {
      expect(throws(v), v).toBe(true);
    }
    expect(read('2024-02-29T12:00:00.000Z')).toBe('2024-02-29T12:00:00.000Z');
  });

  it('writes whole-second dates (YYYY-MM-DDTHH:MM:SSZ) as toISOString does, and refuses impossible ones', () => {
    for (const v of ['0000-01-01T00:00:00Z', '0050-06-30T12:34:56Z', '0099-12-31T23:59:59Z', '0100-03-01T00:00:00Z', '1970-01-01T00:00:00Z', '2024-02-29T23:59:59Z', '9999-12-31T23:59:59Z']) {
      expect(read(v)).toBe(new Date(Date.parse(`${v.slice(0, 19)}.000Z`)).toISOString());
    }
    for (const v of ['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:60Z', '2026-04-31T10:00:00Z']) {
      expect(throws(v), v).toBe(true);
    }
    // Lower-case separators are ISO-8601 too; the result is in toISOString's upper case.
    expect(read('2026-01-01t10:00:00z')).toBe('2026-01-01T10:00:00.000Z');
  });
});
