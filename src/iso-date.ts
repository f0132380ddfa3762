// Date, then optional time (T or space), fraction, and zone (Z, +HH:MM, +HHMM or +HH).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants toISOString writes with four digits. */
const FIRST_ISO_YEAR_MS = -62_167_219_200_000;
const LAST_ISO_YEAR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Whether an instant is one a report can write as an ISO-8601 date of four-digit year (years
 * 0000 to 9999 in UTC): an offset can carry a date written in those years out of them
 * (`9999-12-31T23:59:59-23:59`), and `toISOString` then writes `+010000-…`, which the report
 * schema refuses.
 */
export function reportableInstant(t: number): boolean {
  return t >= FIRST_ISO_YEAR_MS && t <= LAST_ISO_YEAR_MS;
}

/**
 * Milliseconds since the epoch of an ISO-8601 date or date-time, or NaN. `Date.parse` reads a
 * date-time without a zone as local time and accepts free-form text ("Nov 20 2026", text in
 * parentheses) in local time too, so the same input would give different results in different
 * time zones. Here a missing zone means UTC (as it already does for a date alone), anything that
 * is not ISO-8601 is refused, and so are impossible dates (2026-02-30) that Date.parse rolls over.
 */
export function parseIsoInstant(s: string): number {
  const fast = strictUtc(s);
  if (fast === fast) return fast;
  const m = ISO.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && !leap ? 28 : DAYS[month - 1])) return NaN;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return NaN;
  let offset = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const oh = Number(zone.slice(1, 3));
    const om = zone.length > 3 ? Number(zone.slice(-2)) : 0;
    if (oh > 23 || om > 59) return NaN;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = frac === '' ? 0 : Number(frac.length >= 3 ? frac.slice(0, 3) : frac.padEnd(3, '0'));
  // Date.UTC maps years 0-99 to 1900-1999; only those take the slower path.
  if (year >= 100) return Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(sec), ms) - offset;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(Number(h), Number(mi), Number(sec), ms);
  return utc.getTime() - offset;
}

/**
 * The form almost every provider date takes (and `toISOString` writes), `YYYY-MM-DDTHH:MM:SS`,
 * optional milliseconds, then `Z` or `+00:00` (AWS), read digit by digit: millions of dates per
 * large snapshot, and the regular expression of the full check took twice as long for the AWS
 * form. A day past the end of its month is left to the full check (which refuses it). NaN
 * when not this form.
 */
function strictUtc(s: string): number {
  const n = s.length;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  // `Z`, or `+00:00` as AWS writes its dates (the credential report, the AWS CLI's output).
  if (n === 20 || n === 24) {
    if (s.charCodeAt(n - 1) !== 90) return NaN;
  } else if (n !== 25 && n !== 29) return NaN;
  else if (!s.endsWith('+00:00')) return NaN;
  const withMs = n === 24 || n === 29;
  if (withMs && s.charCodeAt(19) !== 46) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const ms = withMs ? digits(s, 20, 3) : 0;
  // NaN (a non-digit) fails every comparison.
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) return NaN;
  if (day > 28 && day > (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : DAYS[month - 1])) return NaN;
  return utcMs(year, month, day, hour, minute, second, ms);
}

/**
 * Whether `s` is already exactly what `new Date(Date.parse(s)).toISOString()` writes: the form
 * `YYYY-MM-DDTHH:MM:SS.sssZ` with a possible date and time and a year of 100 to 9999 (strictUtc's
 * checks), which toISOString writes back digit for digit. A reporter writing provider dates in
 * UTC skips the Date and its text for these (almost every date the transforms keep).
 */
export function isIsoUtcText(s: string): boolean {
  if (s.length !== 24) return false;
  const t = strictUtc(s);
  return t === t;
}

/** The decimal number written by `len` ASCII digits of `s` from `at`, or NaN if one is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * A date written by a provider: ISO-8601 as {@link parseIsoInstant}; otherwise another format
 * `Date.parse` knows (such as an HTTP date) only when it names its zone, so that no reading
 * depends on the time zone of the machine running the scan. NaN when neither.
 */
export function parseProviderInstant(s: string): number {
  const iso = parseIsoInstant(s);
  if (!Number.isNaN(iso) || !EXPLICIT_ZONE.test(s)) return iso;
  return Date.parse(s);
}

/**
 * `new Date(parseProviderInstant(s)).toISOString()`, remembered by text (undefined when `s` is
 * no date): a large AWS snapshot repeats a few thousand dates over 50,000 principals and their
 * credential report rows, and each was parsed and written out again (about 0.2 s of the AWS
 * transform at 100,000 identities). Repeated dates then share one string in the graph. Kept for
 * one transform: it holds every distinct date it was asked.
 */
export function providerIsoMemo(): (s: string) => string | undefined {
  const seen = new Map<string, string | undefined>();
  return (s) => {
    let iso = seen.get(s);
    if (iso === undefined && !seen.has(s)) {
      const t = parseProviderInstant(s);
      iso = Number.isNaN(t) ? undefined : new Date(t).toISOString();
      seen.set(s, iso);
    }
    return iso;
  };
}

/** A zone named at the end: GMT/UTC/Z, or a numeric offset. */
const EXPLICIT_ZONE = /(?:\b(?:GMT|UTC|Z)|[+-]\d{2}:?\d{2})\s*(?:\([^)]*\))?$/i;

/**
 * Exactly `Date.parse(s)`, with the UTC forms of {@link strictUtc} (what the graph's dates almost
 * all are) read digit by digit and converted without the runtime's date parser, which costs about
 * half a microsecond a call: the rules and the analysis ask the dates of the same credentials
 * again and again, about a million times on a 100k estate. Anything else goes to `Date.parse`
 * as before (for the forms taken here it gives the same number).
 */
export function parseDate(s: string): number {
  const t = strictUtc(s);
  return t === t ? t : Date.parse(s);
}

/**
 * Milliseconds since the epoch of a valid proleptic Gregorian date and time (year 100 or later),
 * as Date.UTC gives, in plain arithmetic ("days from civil": Howard Hinnant, chrono-compatible
 * low-level date algorithms).
 */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146097 + doe - 719468) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}
