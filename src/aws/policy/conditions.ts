/**
 * Condition blocks, compiled once per statement and evaluated in three-valued logic.
 *
 * Semantics follow IAM's documentation: all operators in a block must hold, all keys under an
 * operator must hold, and any one of a key's values may match. A missing key fails a positive
 * operator, satisfies a negated one (StringNotEquals…), and satisfies anything with `IfExists`.
 * `ForAllValues` holds on an empty or missing set; `ForAnyValue` does not.
 * An operator this module does not know makes the block undecidable, never true.
 */
import { parseProviderInstant } from '../../iso-date.js';
import { resolveKey, type KeyEnvironment } from './context.js';
import { fromBool, triAnd, triNot, triOr, type Tri } from './tri.js';
import { arnPiecesTokens, compileWildcard, globTokens, type ArnPiece, type WildToken } from './wildcard.js';
import { parseTemplate, resolveTemplate, type ResolvedPart, type TemplatePart } from './variables.js';
import type { ConditionBlock } from './document.js';

const NOTHING: string[] = Object.freeze([]) as unknown as string[];

type Family = 'string' | 'string-ci' | 'like' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';
type Compare = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

interface OperatorInfo {
  family: Family;
  compare: Compare;
  negated: boolean;
}

const OPERATORS: Record<string, OperatorInfo> = {
  stringequals: { family: 'string', compare: 'eq', negated: false },
  stringnotequals: { family: 'string', compare: 'eq', negated: true },
  stringequalsignorecase: { family: 'string-ci', compare: 'eq', negated: false },
  stringnotequalsignorecase: { family: 'string-ci', compare: 'eq', negated: true },
  stringlike: { family: 'like', compare: 'eq', negated: false },
  stringnotlike: { family: 'like', compare: 'eq', negated: true },
  numericequals: { family: 'numeric', compare: 'eq', negated: false },
  numericnotequals: { family: 'numeric', compare: 'eq', negated: true },
  numericlessthan: { family: 'numeric', compare: 'lt', negated: false },
  numericlessthanequals: { family: 'numeric', compare: 'lte', negated: false },
  numericgreaterthan: { family: 'numeric', compare: 'gt', negated: false },
  numericgreaterthanequals: { family: 'numeric', compare: 'gte', negated: false },
  dateequals: { family: 'date', compare: 'eq', negated: false },
  datenotequals: { family: 'date', compare: 'eq', negated: true },
  datelessthan: { family: 'date', compare: 'lt', negated: false },
  datelessthanequals: { family: 'date', compare: 'lte', negated: false },
  dategreaterthan: { family: 'date', compare: 'gt', negated: false },
  dategreaterthanequals: { family: 'date', compare: 'gte', negated: false },
  bool: { family: 'bool', compare: 'eq', negated: false },
  binaryequals: { family: 'binary', compare: 'eq', negated: false },
  ipaddress: { family: 'ip', compare: 'eq', negated: false },
  notipaddress: { family: 'ip', compare: 'eq', negated: true },
  arnequals: { family: 'arn', compare: 'eq', negated: false },
  arnlike: { family: 'arn', compare: 'eq', negated: false },
  arnnotequals: { family: 'arn', compare: 'eq', negated: true },
  arnnotlike: { family: 'arn', compare: 'eq', negated: true },
  null: { family: 'null', compare: 'eq', negated: false },
};

type SetMode = 'single' | 'any' | 'all';

/** A condition value after compile: a ready predicate, or a template needing the query's variables. */
type CompiledValue = { raw: string; test: (v: string) => Tri } | { raw: string; template: TemplatePart[] };

interface CompiledEntry {
  operator: string;
  key: string;
  info: OperatorInfo | undefined;
  setMode: SetMode;
  ifExists: boolean;
  values: CompiledValue[];
  family: Family | undefined;
  /** `operator key`, as outcomes name the entry. */
  label: string;
  /** `key` lower-cased. */
  lowerKey: string;
  /** The outcome of a block this entry fails (shared, frozen). */
  fails: ConditionOutcome;
  /** The outcome of a block where only this entry is undecided (shared, frozen). */
  alone: ConditionOutcome;
  /**
   * For an entry of many values: those that match one text exactly (no wildcard, no variable),
   * lower-cased when `fold`, so a context value is looked up instead of tested against each;
   * `rest` holds the others. A condition listing 10,000 principal ARNs was read whole for each of
   * 10,000 principals.
   */
  exact?: Set<string>;
  fold?: boolean;
  rest?: CompiledValue[];
  /**
   * With `exact`: of its values holding a colon with text after it, the text up to that colon,
   * made on first use (see prefixedEntry): a role session's aws:userid ('ROLEID:' and a session
   * name) is looked up there instead of tested against each value.
   */
  exactHeads?: Set<string>;
}

/** Above this many values an entry indexes its exact ones (see CompiledEntry.exact). */
const FEW_VALUES = 8;

/**
 * The text a static value matches, when it matches that text alone (compared as is, or
 * lower-cased for the case-insensitive families): undefined for a value with a wildcard and
 * for the families that compare otherwise.
 */
function exactText(family: Family, raw: string): string | undefined {
  switch (family) {
    case 'string':
    case 'binary':
      return raw;
    case 'string-ci':
    case 'bool':
      return raw.toLowerCase();
    case 'like':
    case 'arn':
      return /[*?]/.test(raw) ? undefined : raw;
    default:
      return undefined;
  }
}

/** A compiled condition block. */
export interface CompiledCondition {
  entries: CompiledEntry[];
}

/** Outcome of a condition block, with the operator/key pairs that could not be decided. */
export interface ConditionOutcome {
  result: Tri;
  undecided: string[];
  /** Entries that were decided false (why a statement did not apply). */
  failed: string[];
}

function parseOperator(op: string): { info: OperatorInfo | undefined; setMode: SetMode; ifExists: boolean } {
  let rest = op;
  let setMode: SetMode = 'single';
  const lower = rest.toLowerCase();
  if (lower.startsWith('forallvalues:')) {
    setMode = 'all';
    rest = rest.slice('forallvalues:'.length);
  } else if (lower.startsWith('foranyvalue:')) {
    setMode = 'any';
    rest = rest.slice('foranyvalue:'.length);
  }
  let base = rest.toLowerCase();
  let ifExists = false;
  if (base.endsWith('ifexists') && base !== 'null') {
    ifExists = true;
    base = base.slice(0, -'ifexists'.length);
  }
  return { info: OPERATORS[base], setMode, ifExists };
}

function parseNumber(v: string): number | undefined {
  if (v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function parseDate(v: string): number | undefined {
  // IAM accepts ISO 8601 dates and epoch seconds. Read as every snapshot date is (iso-date.ts):
  // Date.parse takes a date-time without a zone as the local time of the machine running the
  // scan, so a condition would hold in one time zone and not in another.
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = parseProviderInstant(v);
  return Number.isNaN(t) ? undefined : t;
}

function ipv4(v: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function compareNumbers(a: number, b: number, c: Compare): boolean {
  switch (c) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}

/** Builds the predicate for one concrete policy value; `context value` is the left operand. */
function staticTest(family: Family, compare: Compare, policyValue: string): (v: string) => Tri {
  switch (family) {
    case 'string':
      return (v) => fromBool(v === policyValue);
    case 'string-ci': {
      const p = policyValue.toLowerCase();
      return (v) => fromBool(v.toLowerCase() === p);
    }
    case 'like': {
      const re = compileWildcard(globTokens(policyValue));
      return (v) => fromBool(re.test(v));
    }
    case 'arn': {
      const re = compileWildcard(arnPiecesTokens([{ glob: policyValue }]));
      return (v) => fromBool(re.test(v));
    }
    case 'bool': {
      const p = policyValue.toLowerCase();
      return (v) => fromBool(v.toLowerCase() === p);
    }
    case 'binary':
      return (v) => fromBool(v === policyValue);
    case 'numeric': {
      const p = parseNumber(policyValue);
      return (v) => {
        const n = parseNumber(v);
        return p === undefined || n === undefined ? 'maybe' : fromBool(compareNumbers(n, p, compare));
      };
    }
    case 'date': {
      const p = parseDate(policyValue);
      return (v) => {
        const n = parseDate(v);
        return p === undefined || n === undefined ? 'maybe' : fromBool(compareNumbers(n, p, compare));
      };
    }
    case 'ip': {
      const [addr, bitsText] = policyValue.split('/');
      const base = ipv4(addr);
      const bits = bitsText === undefined ? 32 : Number(bitsText);
      if (base === undefined || !(bits >= 0 && bits <= 32)) return () => 'maybe'; // IPv6 or malformed: not decided here
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      return (v) => {
        const a = ipv4(v);
        return a === undefined ? 'maybe' : fromBool(((a & mask) >>> 0) === ((base & mask) >>> 0));
      };
    }
    case 'null':
      return () => 'maybe';
  }
}

/** Tests a template value whose variables are now resolved; unknown holes match anything, giving 'maybe'. */
function templateTest(family: Family, compare: Compare, parts: ResolvedPart[]): (v: string) => Tri {
  const unknown = parts.some((p) => 'unknown' in p);
  if (!unknown) {
    const text = parts.map((p) => ('glob' in p ? p.glob : 'literal' in p ? p.literal : '')).join('');
    if (family === 'like' || family === 'arn') {
      // Substituted values are literal text, wildcards in the surrounding text stay wildcards.
      const tokens: WildToken[] =
        family === 'arn' ? arnPiecesTokens(parts as ArnPiece[]) : parts.flatMap((p): WildToken[] => ('glob' in p ? globTokens(p.glob) : [{ lit: (p as { literal: string }).literal }]));
      const re = compileWildcard(tokens);
      return (v) => fromBool(re.test(v));
    }
    return staticTest(family, compare, text);
  }
  if (compare !== 'eq' || family === 'numeric' || family === 'date' || family === 'ip') return () => 'maybe';
  const tokens = parts.flatMap((p): WildToken[] => {
    if ('unknown' in p) return p.prefix === undefined ? [{ star: 'any' }] : [{ lit: p.prefix }, { star: 'any' }];
    if ('literal' in p) return [{ lit: p.literal }];
    return family === 'like' || family === 'arn' ? globTokens(p.glob) : [{ lit: p.glob }];
  });
  const re = compileWildcard(tokens, family === 'string-ci' || family === 'bool');
  return (v) => (re.test(v) ? 'maybe' : 'no');
}

/** Compiles a condition block; `version` decides whether `${…}` in values are variables. */
export function compileCondition(block: ConditionBlock, version: string | undefined): CompiledCondition {
  const entries: CompiledEntry[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    const { info, setMode, ifExists } = parseOperator(operator);
    for (const [key, rawValues] of Object.entries(keys)) {
      const values: CompiledValue[] = rawValues.map((raw) => {
        if (!info) return { raw, test: () => 'maybe' as Tri };
        const template = info.family === 'null' ? undefined : parseTemplate(raw, version);
        return template ? { raw, template } : { raw, test: staticTest(info.family, info.compare, raw) };
      });
      const label = `${operator} ${key}`;
      const fails: ConditionOutcome = Object.freeze({ result: 'no', undecided: NOTHING, failed: Object.freeze([label]) as string[] });
      const alone: ConditionOutcome = Object.freeze({ result: 'maybe', undecided: Object.freeze([label]) as string[], failed: NOTHING });
      const entry: CompiledEntry = { operator, key, info, setMode, ifExists, values, family: info?.family, label, lowerKey: key.toLowerCase(), fails, alone };
      if (info && values.length > FEW_VALUES) {
        const exact = new Set<string>();
        const rest: CompiledValue[] = [];
        for (const cv of values) {
          const text = 'test' in cv ? exactText(info.family, cv.raw) : undefined;
          if (text === undefined) rest.push(cv);
          else exact.add(text);
        }
        if (exact.size > 0) Object.assign(entry, { exact, fold: info.family === 'string-ci' || info.family === 'bool', rest });
      }
      entries.push(entry);
    }
  }
  return { entries };
}

function valueMatches(entry: CompiledEntry, v: string, env: KeyEnvironment): Tri {
  let out: Tri = 'no';
  let list = entry.values;
  if (entry.exact !== undefined) {
    // Every exact value but the one equal to v answers no: only the others need a test.
    if (entry.exact.has(entry.fold ? v.toLowerCase() : v)) return 'yes';
    list = entry.rest!;
  }
  for (let i = 0; i < list.length; i++) {
    const cv = list[i];
    let r: Tri;
    if ('test' in cv) r = cv.test(v);
    else {
      const parts = resolveTemplate(cv.template, env);
      r = parts === null ? 'no' : templateTest(entry.info!.family, entry.info!.compare, parts)(v);
    }
    out = triOr(out, r);
    if (out === 'yes') break;
  }
  return out;
}

function evaluateEntry(entry: CompiledEntry, env: KeyEnvironment): Tri {
  const info = entry.info;
  if (!info) return 'maybe';
  const kv = resolveKey(entry.key, env, entry.lowerKey);
  if (kv.state === 'unknown') return 'maybe';
  if (kv.state === 'prefixed') return prefixedEntry(entry, info, kv.prefix);
  const values = kv.state === 'present' ? kv.values : [];
  const missing = values.length === 0;
  if (info.family === 'null') {
    // Null: "true" asks that the key be absent, "false" that it be present.
    let out: Tri = 'no';
    for (const cv of entry.values) out = triOr(out, fromBool((cv.raw.toLowerCase() === 'true') === missing));
    return out;
  }
  if (entry.setMode === 'single') {
    if (missing) return fromBool(entry.ifExists || info.negated);
    let any: Tri = 'no';
    for (let i = 0; i < values.length; i++) any = triOr(any, valueMatches(entry, values[i], env));
    return info.negated ? triNot(any) : any;
  }
  if (entry.setMode === 'any') {
    if (missing) return fromBool(entry.ifExists);
    let out: Tri = 'no';
    for (const v of values) {
      const m = valueMatches(entry, v, env);
      out = triOr(out, info.negated ? triNot(m) : m);
    }
    return out;
  }
  if (missing) return 'yes';
  let out: Tri = 'yes';
  for (const v of values) {
    const m = valueMatches(entry, v, env);
    out = triAnd(out, info.negated ? triNot(m) : m);
  }
  return out;
}

/**
 * An entry on a key whose one value begins with `prefix` and goes on with text the scan does not
 * know, never empty (KeyValue `prefixed`: a role session's aws:userid, whose session name the
 * caller picks). The key is present, so Null and the set operators read it as one value. String
 * equality is `maybe` for a value that is the prefix and more, `no` otherwise; a …Like pattern is
 * `yes` when the prefix alone meets it (text the prefix begins with, then only `*`), `no` when its
 * text before the first wildcard and the prefix part ways, `maybe` otherwise. Which characters a
 * session name may hold is not relied on. Other families, and values with variables, are `maybe`.
 */
function prefixedEntry(entry: CompiledEntry, info: OperatorInfo, prefix: string): Tri {
  if (info.family === 'null') {
    let out: Tri = 'no';
    for (const cv of entry.values) out = triOr(out, fromBool(cv.raw.toLowerCase() !== 'true'));
    return out;
  }
  // Only these families are decided (prefixedMatch); any other value answers maybe.
  if (info.family !== 'string' && info.family !== 'string-ci' && info.family !== 'like') return 'maybe';
  let any: Tri = 'no';
  let list = entry.values;
  if (entry.exact !== undefined && prefix.indexOf(':') === prefix.length - 1) {
    // An exact value can only be met by prefix and more text: one beginning with the prefix, whose
    // one colon ends it.
    entry.exactHeads ??= headsOf(entry.exact);
    if (entry.exactHeads.has(entry.fold ? prefix.toLowerCase() : prefix)) any = 'maybe';
    list = entry.rest!;
  }
  for (let i = 0; i < list.length && any !== 'yes'; i++) {
    const cv = list[i];
    any = triOr(any, 'template' in cv ? 'maybe' : prefixedMatch(info.family, cv.raw, prefix));
  }
  return info.negated ? triNot(any) : any;
}

/** See CompiledEntry.exactHeads. */
function headsOf(exact: ReadonlySet<string>): Set<string> {
  const heads = new Set<string>();
  for (const v of exact) {
    const colon = v.indexOf(':');
    if (colon >= 0 && colon < v.length - 1) heads.add(v.slice(0, colon + 1));
  }
  return heads;
}

/** Whether some (`maybe`), every (`yes`) or no (`no`) value of `prefix` and more text meets one policy value. */
function prefixedMatch(family: Family, raw: string, prefix: string): Tri {
  if (family === 'string') return raw.length > prefix.length && raw.startsWith(prefix) ? 'maybe' : 'no';
  if (family === 'string-ci') return raw.length > prefix.length && raw.toLowerCase().startsWith(prefix.toLowerCase()) ? 'maybe' : 'no';
  if (family !== 'like') return 'maybe';
  const wild = raw.search(/[*?]/);
  if (wild < 0) return raw.length > prefix.length && raw.startsWith(prefix) ? 'maybe' : 'no';
  const head = raw.slice(0, wild);
  if (prefix.startsWith(head) && /^\*+$/.test(raw.slice(wild))) return 'yes';
  return prefix.startsWith(head) || head.startsWith(prefix) ? 'maybe' : 'no';
}

/** A block that holds with nothing undecided (shared, frozen). */
const HOLDS: ConditionOutcome = Object.freeze({ result: 'yes', undecided: NOTHING, failed: NOTHING });

/**
 * Evaluates a compiled block; stops at the first entry that is decided false. Outcomes without
 * an undecided key are shared and frozen: callers copy what they keep.
 */
export function evaluateCondition(cond: CompiledCondition, env: KeyEnvironment): ConditionOutcome {
  let first: CompiledEntry | undefined;
  let undecided: string[] | undefined;
  const entries = cond.entries;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const r = evaluateEntry(entry, env);
    if (r === 'no') return entry.fails;
    if (r !== 'maybe') continue;
    if (first === undefined) first = entry;
    else (undecided ??= [first.label]).push(entry.label);
  }
  if (undecided) return { result: 'maybe', undecided, failed: [] };
  return first ? first.alone : HOLDS;
}
