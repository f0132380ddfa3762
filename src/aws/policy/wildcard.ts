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

export function escapeRegExp(text: string): string {
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

/** Case-sensitive whole-string glob test (StringLike semantics). */
export function globToRegExp(pattern: string, flags = ''): RegExp {
  return new RegExp(`^${globSource(pattern)}$`, `s${flags}`);
}

/** A piece of an ARN pattern: text with wildcards, or a literal (a substituted policy variable). */
export type ArnPiece = { glob: string } | { literal: string };

/** Builds the regex source of an ARN pattern made of pieces, with the per-segment rules above. */
export function arnPiecesSource(pieces: ArnPiece[]): string {
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
  let out = '';
  let colons = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const inResourcePart = colons >= 5;
    if (ch === '*' && wildAt(i)) {
      const endsSegment = i + 1 === text.length || (text[i + 1] === ':' && !wildAt(i + 1));
      out += inResourcePart || endsSegment ? '.*' : '[^:]*';
    } else if (ch === '?' && wildAt(i)) {
      out += inResourcePart ? '.' : '[^:]';
    } else {
      if (ch === ':') colons++;
      out += /[\\^$.|+()[\]{}*?]/.test(ch) ? `\\${ch}` : ch;
    }
  }
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
    const re = new RegExp(`^${arnPiecesSource([{ glob: pattern }])}$`, 's');
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
    return this.crossService !== null && this.crossService.test(action);
  }
}
