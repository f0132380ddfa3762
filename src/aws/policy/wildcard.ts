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

/** Compiles tokens to a whole-string tester; `ignoreCase` compares case-insensitively. */
export function compileWildcard(tokens: readonly WildToken[], ignoreCase = false): WildTester {
  if (starCount(tokens) > MAX_REGEX_STARS) return new LinearWildcard(tokens, ignoreCase);
  return new RegExp(`^${tokensSource(tokens)}$`, ignoreCase ? 'is' : 's');
}

const COLON = 58;

/**
 * Matches by simulating the pattern's automaton one character at a time: at most (pattern
 * positions x text length) steps, whatever the pattern, where a backtracking regex can take
 * exponentially many in the number of stars.
 */
export class LinearWildcard implements WildTester {
  /** Per position: 0 literal char, 1 star any, 2 star seg, 3 one any, 4 one seg. */
  private readonly kinds: Uint8Array;
  private readonly chars: Uint16Array;
  private readonly ignoreCase: boolean;

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
  }

  test(input: string): boolean {
    const text = this.ignoreCase ? input.toLowerCase() : input;
    const m = this.kinds.length;
    let cur = new Uint8Array(m + 1);
    let next = new Uint8Array(m + 1);
    cur[0] = 1;
    this.closeOverStars(cur);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      next.fill(0);
      let alive = false;
      for (let s = 0; s < m; s++) {
        if (!cur[s]) continue;
        const k = this.kinds[s];
        if (k === 0) {
          if (this.chars[s] === c) next[s + 1] = 1;
        } else if (k === 1 || (k === 2 && c !== COLON)) {
          next[s] = 1;
        } else if (k === 3 || (k === 4 && c !== COLON)) {
          next[s + 1] = 1;
        }
      }
      this.closeOverStars(next);
      for (let s = 0; s <= m; s++) if (next[s]) alive = true;
      if (!alive) return false;
      const t = cur;
      cur = next;
      next = t;
    }
    return cur[m] === 1;
  }

  /** A star may match nothing: whoever stands before it also stands after it. */
  private closeOverStars(states: Uint8Array): void {
    for (let s = 0; s < this.kinds.length; s++) {
      const k = this.kinds[s];
      if (states[s] && (k === 1 || k === 2)) states[s + 1] = 1;
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

/** Compiles one ARN pattern (no policy variables) into a predicate. */
export function compileArnPattern(pattern: string): (arn: string) => boolean {
  if (pattern === '*') return MATCH_ALL;
  if (!pattern.includes('*') && !pattern.includes('?')) return (arn) => arn === pattern;
  let test = arnPatterns.get(pattern);
  if (!test) {
    const re = compileWildcard(arnPiecesTokens([{ glob: pattern }]));
    test = (arn) => re.test(arn);
    if (arnPatterns.size < MAX_CACHED_PATTERNS) arnPatterns.set(pattern, test);
  }
  return test;
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

  constructor(patterns: readonly string[]) {
    let all = false;
    const wildByService = new Map<string, string[]>();
    const cross: string[] = [];
    for (const raw of patterns) {
      const p = raw.toLowerCase();
      if (p === '*') {
        all = true;
        continue;
      }
      const colon = p.indexOf(':');
      const hasWild = p.includes('*') || p.includes('?');
      if (!hasWild) {
        this.exact.add(p);
        continue;
      }
      const tokens = globTokens(p);
      if (starCount(tokens) > MAX_REGEX_STARS) {
        this.linear.push(new LinearWildcard(tokens, false));
        continue;
      }
      const service = colon > 0 ? p.slice(0, colon) : '';
      if (colon > 0 && !service.includes('*') && !service.includes('?')) {
        const list = wildByService.get(service) ?? [];
        list.push(globSource(p.slice(colon + 1)));
        wildByService.set(service, list);
      } else {
        cross.push(globSource(p));
      }
    }
    this.matchesAll = all;
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
