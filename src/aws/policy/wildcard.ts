/**
 * Wildcard matchers for IAM actions and ARNs, compiled once per policy statement.
 *
 * Actions: `*` matches any run of characters and `?` exactly one; matching ignores case
 * (IAM action names are case-insensitive).
 *
 * ARNs: case-sensitive. IAM documents that `*` and `?` work inside each colon-separated
 * segment and do not cross segment boundaries, except that a `*` ending a segment may expand
 * past colons. The sixth part (the resource, which may itself contain colons and slashes) is
 * matched as a whole, so `*` there matches anything.
 */

const REGEX_SPECIAL = /[\\^$.|+()[\]{}*?]/g;

function escapeRegExp(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

/** Plain glob (`*` any run, `?` one char) to an anchored regex source body; used for actions and StringLike. */
export function globSource(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += escapeRegExp(ch);
  }
  return out;
}

/**
 * A wildcard pattern as tokens: literal text, `*` (any run; `seg` when it may not cross a colon)
 * and `?` (one character; `seg` likewise). Every glob dialect here (actions, ARNs, StringLike,
 * ArnLike, policy variables) is built as tokens, then compiled by {@link compileWildcard}.
 */
export type WildToken = { lit: string } | { star: 'any' | 'seg' } | { one: 'any' | 'seg' };

/** Something that tests whole strings, as `RegExp#test` does. */
export interface WildTester {
  test(text: string): boolean;
}

/** Plain glob (`*` any run, `?` one char) as tokens. */
export function globTokens(pattern: string): WildToken[] {
  const out: WildToken[] = [];
  let lit = '';
  for (const ch of pattern) {
    if (ch !== '*' && ch !== '?') {
      lit += ch;
      continue;
    }
    if (lit) out.push({ lit });
    lit = '';
    out.push(ch === '*' ? { star: 'any' } : { one: 'any' });
  }
  if (lit) out.push({ lit });
  return out;
}

function tokenSource(t: WildToken): string {
  if ('lit' in t) return escapeRegExp(t.lit);
  if ('star' in t) return t.star === 'any' ? '.*' : '[^:]*';
  return t.one === 'any' ? '.' : '[^:]';
}

/** The regex source of tokens (anchoring is the caller's). */
export function tokensSource(tokens: readonly WildToken[]): string {
  return tokens.map(tokenSource).join('');
}

/**
 * Above this many `*` in one pattern, a backtracking regex can take polynomial time in the
 * text length (`*a*a*a*a*b` against a long name that does not match): a policy, trust condition
 * or name written by anyone with write access to IAM could stall the scan. Such patterns are
 * matched by {@link LinearWildcard} instead; simpler ones keep the engine's regex.
 */
export const MAX_REGEX_STARS = 2;

export function starCount(tokens: readonly WildToken[]): number {
  let n = 0;
  for (const t of tokens) if ('star' in t) n++;
  return n;
}

/**
 * Patterns longer than this (in characters) are matched by {@link LinearWildcard} too. V8 refuses
 * to compile a run of more than 32,767 literal characters ("Regular expression too large"), which
 * ended the scan as an internal error on one long Action or Resource in a policy. IAM caps a whole
 * policy document at 10,240 characters (IAM User Guide, "IAM and AWS STS quotas"), so only a
 * damaged or hand-made snapshot holds a pattern this long, and it still gets its answer.
 */
export const MAX_REGEX_PATTERN_CHARS = 10_240;

/** Whether a pattern is matched by LinearWildcard rather than a regex (too many stars, or too long). */
function needsLinear(tokens: readonly WildToken[]): boolean {
  if (starCount(tokens) > MAX_REGEX_STARS) return true;
  let chars = 0;
  for (const t of tokens) chars += 'lit' in t ? t.lit.length : 1;
  return chars > MAX_REGEX_PATTERN_CHARS;
}

/** Compiles tokens to a whole-string tester; `ignoreCase` compares case-insensitively. */
export function compileWildcard(tokens: readonly WildToken[], ignoreCase = false): WildTester {
  if (needsLinear(tokens)) return new LinearWildcard(tokens, ignoreCase);
  return new RegExp(`^${tokensSource(tokens)}$`, ignoreCase ? 'is' : 's');
}

const globs = [new Map<string, WildTester>(), new Map<string, WildTester>()];
/** Patterns kept compiled, per case rule; the providers' data bounds them, and a full cache starts over. */
const MAX_COMPILED_GLOBS = 10_000;

/**
 * A plain glob (globTokens) compiled by compileWildcard, once per pattern and case rule: policies
 * repeat a handful of patterns (a trust rule asked ~40k roles x 3 actions and compiled the same
 * few each time, ~0.25 s of a 100k scan), and a pattern with many stars is still matched in
 * linear time.
 */
export function compileGlob(pattern: string, ignoreCase = false): WildTester {
  const cache = globs[ignoreCase ? 1 : 0];
  let t = cache.get(pattern);
  if (!t) {
    if (cache.size >= MAX_COMPILED_GLOBS) cache.clear();
    t = compileWildcard(globTokens(pattern), ignoreCase);
    cache.set(pattern, t);
  }
  return t;
}

const COLON = 58;

/**
 * Matches by simulating the pattern's automaton one character at a time: at most (pattern
 * positions x text length) steps, whatever the pattern, where a backtracking regex can take
 * exponentially many in the number of stars. The literal characters that begin and end the
 * pattern are compared first (each stands for exactly one character at that end of the text),
 * so most texts that do not match, another service's ARN or `*`, cost a few comparisons; the
 * automaton then runs on what lies between, keeping only the states it is in.
 */
export class LinearWildcard implements WildTester {
  /** Per position: 0 literal char, 1 star any, 2 star seg, 3 one any, 4 one seg. */
  private readonly kinds: Uint8Array;
  private readonly chars: Uint16Array;
  private readonly ignoreCase: boolean;
  /** Literal positions at the start, and at the end (after the start's). */
  private readonly head: number;
  private readonly tail: number;
  /** Characters a match needs at least (every position but the stars). */
  private readonly minLength: number;
  /** Scratch for test: the states of this step and the next, and a stamp per state against duplicates. */
  private readonly cur: Int32Array;
  private readonly next: Int32Array;
  private readonly mark: Uint32Array;
  private stamp = 0;

  constructor(tokens: readonly WildToken[], ignoreCase: boolean) {
    const kinds: number[] = [];
    const chars: number[] = [];
    for (const t of tokens) {
      if ('lit' in t) {
        const text = ignoreCase ? t.lit.toLowerCase() : t.lit;
        for (let i = 0; i < text.length; i++) {
          kinds.push(0);
          chars.push(text.charCodeAt(i));
        }
      } else if ('star' in t) {
        // Consecutive stars of one kind match what one does.
        const k = t.star === 'any' ? 1 : 2;
        if (kinds[kinds.length - 1] === k) continue;
        kinds.push(k);
        chars.push(0);
      } else {
        kinds.push(t.one === 'any' ? 3 : 4);
        chars.push(0);
      }
    }
    this.kinds = Uint8Array.from(kinds);
    this.chars = Uint16Array.from(chars);
    this.ignoreCase = ignoreCase;
    const m = kinds.length;
    let head = 0;
    while (head < m && kinds[head] === 0) head++;
    let tail = 0;
    while (tail < m - head && kinds[m - 1 - tail] === 0) tail++;
    this.head = head;
    this.tail = tail;
    this.minLength = kinds.filter((k) => k !== 1 && k !== 2).length;
    this.cur = new Int32Array(m + 1);
    this.next = new Int32Array(m + 1);
    this.mark = new Uint32Array(m + 1);
  }

  test(input: string): boolean {
    const text = this.ignoreCase ? input.toLowerCase() : input;
    const n = text.length;
    const m = this.kinds.length;
    const chars = this.chars;
    const head = this.head;
    const tail = this.tail;
    if (n < this.minLength) return false;
    for (let i = 0; i < head; i++) if (text.charCodeAt(i) !== chars[i]) return false;
    for (let i = 1; i <= tail; i++) if (text.charCodeAt(n - i) !== chars[m - i]) return false;
    // The middle of the text against the positions between the two literal ends; `end` accepts.
    const end = m - tail;
    const stop = n - tail;
    if (head === end) return head === stop;
    const kinds = this.kinds;
    let cur = this.cur;
    let next = this.next;
    this.newStep();
    let count = this.enter(cur, 0, head, end);
    for (let i = head; i < stop; i++) {
      const c = text.charCodeAt(i);
      this.newStep();
      let added = 0;
      for (let j = 0; j < count; j++) {
        const s = cur[j];
        if (s === end) continue;
        const k = kinds[s];
        if (k === 0) {
          if (chars[s] === c) added = this.enter(next, added, s + 1, end);
        } else if (k === 1 || (k === 2 && c !== COLON)) {
          added = this.enter(next, added, s, end);
        } else if (k === 3 || (k === 4 && c !== COLON)) {
          added = this.enter(next, added, s + 1, end);
        }
      }
      if (added === 0) return false;
      const t = cur;
      cur = next;
      next = t;
      count = added;
    }
    for (let j = 0; j < count; j++) if (cur[j] === end) return true;
    return false;
  }

  /** Starts a step: states entered from here on are new to it. */
  private newStep(): void {
    if (++this.stamp === 0xffffffff) {
      this.mark.fill(0);
      this.stamp = 1;
    }
  }

  /**
   * Adds state `s` to `list` (holding `count`) unless this step has it, and, since a star may
   * match nothing, the state after each star it stands on; returns the new count.
   */
  private enter(list: Int32Array, count: number, s: number, end: number): number {
    for (;;) {
      if (this.mark[s] === this.stamp) return count;
      this.mark[s] = this.stamp;
      list[count++] = s;
      if (s === end) return count;
      const k = this.kinds[s];
      if (k !== 1 && k !== 2) return count;
      s++;
    }
  }
}

/** A piece of an ARN pattern: text with wildcards, or a literal (a substituted policy variable). */
export type ArnPiece = { glob: string } | { literal: string };

/** The tokens of an ARN pattern made of pieces, with the per-segment rules above. */
export function arnPiecesTokens(pieces: readonly ArnPiece[]): WildToken[] {
  // Flatten to one string plus, where literals were substituted, which positions are literal.
  let text = '';
  let literal: boolean[] | undefined;
  for (const p of pieces) {
    if ('glob' in p) {
      if (literal) for (let i = 0; i < p.glob.length; i++) literal.push(false);
      text += p.glob;
    } else {
      literal ??= Array.from({ length: text.length }, () => false);
      for (let i = 0; i < p.literal.length; i++) literal.push(true);
      text += p.literal;
    }
  }
  const wildAt = (i: number): boolean => (text[i] === '*' || text[i] === '?') && !(literal?.[i] ?? false);
  const out: WildToken[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ lit });
    lit = '';
  };
  let colons = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const inResourcePart = colons >= 5;
    if (ch === '*' && wildAt(i)) {
      const endsSegment = i + 1 === text.length || (text[i + 1] === ':' && !wildAt(i + 1));
      flush();
      out.push({ star: inResourcePart || endsSegment ? 'any' : 'seg' });
    } else if (ch === '?' && wildAt(i)) {
      flush();
      out.push({ one: inResourcePart ? 'any' : 'seg' });
    } else {
      if (ch === ':') colons++;
      lit += ch;
    }
  }
  flush();
  return out;
}

const MATCH_ALL = (): boolean => true;
/** Compiled wildcard ARN patterns, shared by every policy that writes the same one. */
const arnPatterns = new Map<string, (arn: string) => boolean>();
const MAX_CACHED_PATTERNS = 100_000;

/**
 * Compiles one ARN pattern (no policy variables) into a predicate. A literal prefix and one final
 * `*` (`arn:aws:s3:::bucket/*`, the most common shape) is a prefix test: a final `*` matches any
 * rest, colons included. Other patterns build their matcher on first use, since most resource
 * entries of a policy are never asked about.
 */
export function compileArnPattern(pattern: string): (arn: string) => boolean {
  if (pattern === '*') return MATCH_ALL;
  const firstWild = firstWildcard(pattern);
  if (firstWild < 0) return (arn) => arn === pattern;
  if (firstWild === pattern.length - 1 && pattern.charCodeAt(firstWild) === STAR) {
    const prefix = pattern.slice(0, -1);
    return (arn) => arn.startsWith(prefix);
  }
  let test = arnPatterns.get(pattern);
  if (!test) {
    let re: WildTester | undefined;
    test = (arn) => (re ??= compileWildcard(arnPiecesTokens([{ glob: pattern }]))).test(arn);
    if (arnPatterns.size < MAX_CACHED_PATTERNS) arnPatterns.set(pattern, test);
  }
  return test;
}

const STAR = 42;
const QUESTION = 63;

/** Place of the first `*` or `?`, or -1. */
function firstWildcard(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === STAR || c === QUESTION) return i;
  }
  return -1;
}

/**
 * Matches lower-cased action names against a list of action patterns. Exact names go in a
 * set and wildcard names are grouped by service prefix into one regex each, so a statement
 * listing 3,000 actions (ReadOnlyAccess) costs one lookup and at most two regex tests.
 */
export class ActionMatcher {
  private readonly matchesAll: boolean;
  private readonly exact = new Set<string>();
  private readonly byService = new Map<string, RegExp>();
  private readonly crossService: RegExp | null;
  /** Patterns with more stars than a regex handles safely (see MAX_REGEX_STARS). */
  private readonly linear: WildTester[] = [];
  /**
   * The services (the text before an action's first colon) of every action this can match, or
   * undefined when that is not a short list (`*`, a wildcard in the service, a name without one).
   */
  readonly services: ReadonlySet<string> | undefined;

  constructor(patterns: readonly string[]) {
    let all = false;
    const wildByService = new Map<string, string[]>();
    const cross: string[] = [];
    const services = new Set<string>();
    let anyService = false;
    for (const raw of patterns) {
      const p = raw.toLowerCase();
      if (p === '*') {
        all = true;
        continue;
      }
      const colon = p.indexOf(':');
      const service = colon > 0 ? p.slice(0, colon) : '';
      // A service without wildcards bounds what the pattern can match; anything else does not.
      if (colon > 0 && !service.includes('*') && !service.includes('?')) services.add(service);
      else anyService = true;
      const hasWild = p.includes('*') || p.includes('?');
      if (!hasWild) {
        this.exact.add(p);
        continue;
      }
      const tokens = globTokens(p);
      if (needsLinear(tokens)) {
        this.linear.push(new LinearWildcard(tokens, false));
        continue;
      }
      if (colon > 0 && !service.includes('*') && !service.includes('?')) {
        const list = wildByService.get(service) ?? [];
        list.push(globSource(p.slice(colon + 1)));
        wildByService.set(service, list);
      } else {
        cross.push(globSource(p));
      }
    }
    this.matchesAll = all;
    this.services = all || anyService ? undefined : services;
    for (const [service, sources] of wildByService) this.byService.set(service, new RegExp(`^(?:${sources.join('|')})$`, 's'));
    this.crossService = cross.length > 0 ? new RegExp(`^(?:${cross.join('|')})$`, 's') : null;
  }

  /** `action` must already be lower-cased (the evaluator lower-cases each query once). */
  matches(action: string): boolean {
    if (this.matchesAll || this.exact.has(action)) return true;
    const colon = action.indexOf(':');
    if (colon > 0) {
      const re = this.byService.get(action.slice(0, colon));
      if (re && re.test(action.slice(colon + 1))) return true;
    }
    if (this.crossService !== null && this.crossService.test(action)) return true;
    for (const l of this.linear) if (l.test(action)) return true;
    return false;
  }
}

/** Matchers shared by statements that list the same actions (see actionMatcher), by list item. */
interface MatcherNode {
  matcher?: ActionMatcher;
  next?: Map<string, MatcherNode>;
}
const sharedMatchers: MatcherNode = {};
let sharedCount = 0;
const MAX_SHARED_MATCHERS = 10_000;
/** Longer lists are built per statement: they are rare, and their paths would be long. */
const MAX_SHARED_PATTERNS = 16;

/**
 * The ActionMatcher for a statement's Action or NotAction list. Statements repeat a few lists
 * (nearly every trust policy says `sts:AssumeRole`; an account's inline policies tens of
 * thousands of times a few hundred lists), and a matcher never changes once built, so equal
 * lists share one instead of each building its sets and maps. Lists are looked up item by item
 * in a tree of maps keyed by the items themselves: a JSON text of the list as the key cost a new
 * string (and its hash) per statement compiled, ~0.3 s of the 100k estate's answer thread.
 */
export function actionMatcher(patterns: readonly string[]): ActionMatcher {
  if (patterns.length > MAX_SHARED_PATTERNS) return new ActionMatcher(patterns);
  let node = sharedMatchers;
  for (let i = 0; i < patterns.length; i++) {
    let next = node.next?.get(patterns[i]);
    if (next === undefined) {
      if (sharedCount >= MAX_SHARED_MATCHERS) return new ActionMatcher(patterns);
      next = {};
      (node.next ??= new Map()).set(patterns[i], next);
    }
    node = next;
  }
  if (node.matcher === undefined) {
    if (sharedCount >= MAX_SHARED_MATCHERS) return new ActionMatcher(patterns);
    node.matcher = new ActionMatcher(patterns);
    sharedCount++;
  }
  return node.matcher;
}
