import { InputError } from '../errors.js';
import { parseProviderInstant } from '../iso-date.js';
import { quoteInput } from '../reporters/sanitize.js';

/** Graph's link to the next page of a list (Microsoft Graph, "Paging Microsoft Graph data"). */
const NEXT_LINK = '@odata.nextLink';

/**
 * Checked access to provider JSON. Each helper names the file and JSON path of a value of the
 * wrong type, so a malformed snapshot gives one precise line instead of a crash deep in a rule.
 */
export class Reader {
  constructor(readonly file: string) {}

  fail(path: string, message: string): never {
    throw new InputError(message, this.file, path);
  }

  /**
   * A collection file: a plain array, or a Graph envelope `{ value: [...] }` holding the whole
   * list. An envelope that still has an `@odata.nextLink` is one page of more (Graph pages a list
   * and returns the link until the last page): read as the list, its missing items would pass for
   * absent ones, so it is refused. The collector follows every link and never writes one; by hand,
   * concatenate the pages (docs/snapshot-format.md). Okta bodies carry no such marker: Okta pages
   * with the `Link` header.
   */
  items(value: unknown, path = '$'): Record<string, unknown>[] {
    if (isObject(value) && value[NEXT_LINK] !== undefined && value[NEXT_LINK] !== null) {
      this.fail(`${path}[${JSON.stringify(NEXT_LINK)}]`, `only the first page of the list: follow ${NEXT_LINK} and put every page's items in one "value" array`);
    }
    const arr = Array.isArray(value)
      ? value
      : isObject(value) && Array.isArray(value.value)
        ? value.value
        : this.fail(path, 'expected an array or an object with a "value" array');
    const base = Array.isArray(value) ? path : `${path}.value`;
    arr.forEach((item, i) => {
      if (!isObject(item)) this.fail(`${base}[${i}]`, 'expected an object');
    });
    return arr as Record<string, unknown>[];
  }

  /**
   * A relationship file: `{ parentId: collection }`. `null` stands for "none" only where
   * `nullIsNone` says the collector writes it so (a user without a manager: Graph answers 404 and
   * userManagers.json records null). Anywhere else it is refused: read as "none", a null owner or
   * federated-credential list turned a finding into a pass.
   */
  relation(value: unknown, path = '$', nullIsNone = false): Map<string, Record<string, unknown>[]> {
    const out = new Map<string, Record<string, unknown>[]>();
    this.eachRelation(value, path, nullIsNone, (k, list) => out.set(k, list));
    return out;
  }

  /**
   * {@link relation} one parent at a time, in the file's key order, with where its items sit in
   * the file (`form`): a plain list (`v[i]`), a `value` envelope (`v.value[i]`), or a lone object
   * (the item is `v` itself). A parent recorded as null (see `nullIsNone`) is an empty plain list.
   */
  eachRelation(
    value: unknown,
    path: string,
    nullIsNone: boolean,
    each: (key: string, list: Record<string, unknown>[], form: RelationForm) => void,
  ): void {
    if (!isObject(value)) this.fail(path, 'expected an object keyed by parent id');
    // for..in (own keys only), not Object.entries: the same keys in the same order, without a
    // pair array per parent of a file of a hundred thousand.
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      const v = value[k];
      if (v === null) {
        if (!nullIsNone) this.fail(`${path}[${quoteInput(k)}]`, 'expected a list, not null');
        each(k, [], 'list');
        continue;
      }
      // A list of objects is taken as it is: its path (the key quoted) is only made to name a fault.
      if (Array.isArray(v) && v.every(isObject)) each(k, v, 'list');
      // A lone object is the item (a user's manager); an envelope, or anything with a nextLink, is a list.
      else if (isObject(v) && !('value' in v) && !(NEXT_LINK in v)) each(k, [v], 'lone');
      // Past items(), only a `value` envelope is left: anything else (an array with an item that
      // is not an object, a nextLink page, a scalar) was refused there.
      else each(k, this.items(v, `${path}[${quoteInput(k)}]`), 'envelope');
    }
  }

  str(obj: Record<string, unknown>, key: string, path: string): string {
    const v = obj[key];
    if (typeof v !== 'string' || v.length === 0) this.fail(`${path}.${key}`, 'expected a non-empty string');
    return v;
  }

  optStr(obj: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(`${path}.${key}`, 'expected a string');
    return v;
  }

  optBool(obj: Record<string, unknown>, key: string, path: string): boolean | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(`${path}.${key}`, 'expected true or false');
    return v;
  }

  optArray(obj: Record<string, unknown>, key: string, path: string): unknown[] {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(`${path}.${key}`, 'expected an array');
    return v;
  }

  /** The strings of the list `obj[key]` (absent or null: none); an item that is not a string is an input error. */
  optStrings(obj: Record<string, unknown>, key: string, path: string): string[] {
    return this.optArray(obj, key, path).map((v, i): string => (typeof v === 'string' ? v : this.fail(`${path}.${key}[${i}]`, 'expected a string')));
  }

  optObject(obj: Record<string, unknown>, key: string, path: string): Record<string, unknown> | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) this.fail(`${path}.${key}`, 'expected an object');
    return v;
  }

  /** An ISO date string, or undefined; an unparseable date is an input error. */
  optDate(obj: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = this.optStr(obj, key, path);
    if (v === undefined) return undefined;
    // ISO-8601 without a zone is UTC; another format only when it names its zone. Never the
    // local time of whoever runs the scan.
    const t = parseProviderInstant(v);
    if (Number.isNaN(t)) this.fail(`${path}.${key}`, `not a date: ${quoteInput(v.slice(0, 40))}`);
    // Most provider dates are already written as toISOString writes them: a valid date in that
    // exact form is its own result (millions of dates per large snapshot).
    if (isIsoString(v)) return v;
    // Graph writes whole seconds (`2025-10-05T09:00:00Z`): once parsed (so every field is in
    // range), toISOString would only insert `.000`. Written directly, as a flat string like the
    // one toISOString returns: a Date object and its formatting for ~150,000 dates of a
    // 100,000-identity estate took about 0.2 s.
    if (isIsoSeconds(v)) return flat(`${v.slice(0, 19)}.000Z`);
    return new Date(t).toISOString();
  }
}

/** `YYYY-MM-DDTHH:MM:SSZ`, character for character. */
const isIsoSeconds = (v: string): boolean => hasShape(v, 'dddd-dd-ddTdd:dd:ddZ');

/**
 * The same text as one flat string. A concatenation is a tree of its pieces (here a slice that
 * keeps the whole input alive); converting it to a number flattens it in place (the result is
 * ignored), and the collector then keeps only the flat copy.
 */
function flat(s: string): string {
  void Number(s);
  return s;
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ`, character for character (the form of `Date.prototype.toISOString` for years 0-9999). */
const isIsoString = (v: string): boolean => hasShape(v, 'dddd-dd-ddTdd:dd:dd.dddZ');

/** Whether `v` is `shape` character for character, where each `d` stands for an ASCII digit. */
function hasShape(v: string, shape: string): boolean {
  if (v.length !== shape.length) return false;
  for (let i = 0; i < shape.length; i++) {
    const c = v.charCodeAt(i);
    const want = shape.charCodeAt(i);
    if (want === 100 /* d */ ? c < 48 || c > 57 : c !== want) return false;
  }
  return true;
}

/** Where a relationship file keeps one parent's items (Reader.eachRelation). */
export type RelationForm = 'list' | 'envelope' | 'lone';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A provider's list in the order of one string field of its entries (an id, an ARN, a keyId),
 * each with its place in the list, for the paths of error messages. The providers promise no order
 * for these lists, and the same estate read twice must give the same report, byte for byte (which
 * entry a reason names first or as its example). An entry without the field as a string comes
 * first, in the list's order, as do two entries of one value (a stable sort).
 */
export function inFieldOrder(list: readonly unknown[], field: string): [unknown, number][] {
  const key = (e: unknown): string => {
    const v = isObject(e) ? e[field] : undefined;
    return typeof v === 'string' ? v : '';
  };
  return list
    .map((e, i): [unknown, number] => [e, i])
    .sort((a, b) => {
      const x = key(a[0]);
      const y = key(b[0]);
      return x < y ? -1 : x > y ? 1 : 0;
    });
}
