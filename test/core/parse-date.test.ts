import { describe, expect, it } from 'vitest';
import { isIsoUtcText, parseDate, parseIsoInstant, parseProviderInstant, providerIsoMemo } from '../../src/iso-date.js';

describe('parseDate', () => {
  it('gives exactly what Date.parse gives, for every day of a range of years in the forms it reads itself', () => {
    const years = [100, 999, 1000, 1582, 1600, 1700, 1899, 1900, 1969, 1970, 1999, 2000, 2001, 2023, 2024, 2025, 2026, 2099, 2100, 2400, 9999];
    for (const y of years) {
      for (let m = 1; m <= 12; m++) {
        for (let d = 1; d <= 31; d++) {
          const date = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          // Date.parse rolls an impossible day over (0100-02-29 is 0100-03-01); parseIsoInstant refuses it.
          const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
          for (const s of [`${date}T00:00:00Z`, `${date}T23:59:59.999Z`, `${date}T12:34:56+00:00`, `${date}T01:02:03.004+00:00`]) {
            expect(parseDate(s), s).toBe(Date.parse(s));
            expect(parseIsoInstant(s), s).toBe(real ? Date.parse(s) : NaN);
          }
        }
      }
    }
  });

  it('leaves every other form to Date.parse, impossible dates and times included', () => {
    for (const s of ['2026-02-29T00:00:00Z', '2024-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-11-20T24:00:00Z', '2026-11-20T09:60:00Z', '2026-11-20T09:00:60Z', '2026-11-20T09:00:00', '2026-11-20', '2026-11-20T09:00:00+01:00', '2026-11-20T09:00:00.5Z', '2026-11-20t09:00:00Z', '0099-01-01T00:00:00Z', 'Fri, 20 Nov 2026 09:00:00 GMT', 'not a date', '', '2026-11-2xT09:00:00Z']) {
      expect(Object.is(parseDate(s), Date.parse(s)), s).toBe(true);
    }
  });
});

describe('parseIsoInstant zones', () => {
  it('reads a zone of hours only (+05, -03), which ISO 8601 allows, as those hours', () => {
    expect(parseIsoInstant('2026-11-20T09:00:00+05')).toBe(Date.UTC(2026, 10, 20, 4));
    expect(parseIsoInstant('2026-11-20T09:00:00-03')).toBe(Date.UTC(2026, 10, 20, 12));
    expect(parseIsoInstant('2026-11-20T09:00:00+0530')).toBe(Date.UTC(2026, 10, 20, 3, 30));
    expect(parseIsoInstant('2026-11-20T09:00:00+05:30')).toBe(Date.UTC(2026, 10, 20, 3, 30));
    // Near misses: a lone digit or three digits is no zone.
    for (const s of ['2026-11-20T09:00:00+5', '2026-11-20T09:00:00+053', '2026-11-20T09:00:00+24']) expect(parseIsoInstant(s), s).toBeNaN();
  });
});

describe('isIsoUtcText', () => {
  it('holds exactly for text that toISOString writes back unchanged', () => {
    const texts = ['2026-11-20T09:00:00.000Z', '0100-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2024-02-29T12:00:00.123Z'];
    // Not that form, or a date Date.parse rolls over or refuses: toISOString writes something else (or throws).
    const others = ['2026-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-11-20T24:00:00.000Z', '2026-11-20T09:60:00.000Z', '2026-13-01T00:00:00.000Z', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00.000+00:00', '2026-11-20T09:00:00.000z', '2026-11-20 09:00:00.000Z', '2026-11-20T09:00:00,000Z', '2026-11-2xT09:00:00.000Z', '+02026-11-20T09:00:00.00Z', ''];
    for (const s of texts) {
      expect(isIsoUtcText(s), s).toBe(true);
      expect(new Date(Date.parse(s)).toISOString()).toBe(s);
    }
    for (const s of others) {
      expect(isIsoUtcText(s), s).toBe(false);
      const t = Date.parse(s);
      if (!Number.isNaN(t)) expect(new Date(t).toISOString(), s).not.toBe(s);
    }
    // A year below 100 is left to the full path (which writes it back too): false is only slower.
    expect(isIsoUtcText('0099-12-31T00:00:00.000Z')).toBe(false);
  });

  it('agrees with the round trip for every day of a leap and a common year at several times', () => {
    for (const y of [1900, 2000, 2024, 2026]) {
      for (let m = 1; m <= 12; m++) {
        for (let d = 1; d <= 31; d++) {
          for (const time of ['00:00:00.000', '23:59:59.999', '12:34:56.789']) {
            const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T${time}Z`;
            const t = Date.parse(s);
            expect(isIsoUtcText(s), s).toBe(!Number.isNaN(t) && new Date(t).toISOString() === s);
          }
        }
      }
    }
  });
});

describe('providerIsoMemo', () => {
  it('gives what new Date(parseProviderInstant(s)).toISOString() gives, per text, and undefined for no date', () => {
    const iso = providerIsoMemo();
    const texts = ['2021-03-10T09:00:00+00:00', '2021-03-10T09:00:00Z', '2021-03-10T09:00:01+00:00', '2024-02-29T23:59:59.123Z', '2021-03-10T11:00:00+02:00', 'Wed, 21 Oct 2015 07:28:00 GMT', '2021-03-10'];
    // Twice, in two orders: an answer remembered under the wrong text would show.
    for (const s of [...texts, ...[...texts].reverse()]) expect(iso(s)).toBe(new Date(parseProviderInstant(s)).toISOString());
    expect(iso('2021-03-10T09:00:00+00:00')).not.toBe(iso('2021-03-10T09:00:01+00:00'));
    for (const bad of ['N/A', '2026-02-30T00:00:00Z', '', 'yesterday']) {
      expect(iso(bad)).toBeUndefined();
      expect(iso(bad)).toBeUndefined();
    }
  });
});
