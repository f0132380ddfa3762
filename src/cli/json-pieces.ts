/**
 * JSON.parse of a large snapshot file without decoding it into one large string.
 *
 * A text over about 128 kB is made in V8's large-object space, in memory fresh from the system,
 * and it is garbage as soon as it is parsed. Decoding the 388 MB of a 100,000-identity snapshot
 * file by file touched 388 MB of new pages (on the development machine as much main-thread CPU
 * as JSON.parse itself). Snapshot files are mostly one or a few long arrays (an Entra page's
 * `value`, an Okta list, the four lists of an AWS account's authorization details), so each such
 * array's elements are parsed here in pieces of about 64 kB, each decoded from the file's bytes
 * into a short-lived young-generation string; the rest of the file (the "skeleton", with those
 * arrays left empty) is parsed on its own, and the elements are put into its arrays.
 *
 * The value is JSON.parse's, or this declines ({@link WHOLE}) and the caller parses the whole
 * text, which also gives a malformed file's error with its line and column. Why that is sound:
 * the text is the skeleton with each array's content put back after its `[`, and each content
 * is its pieces joined by the commas they were cut at. A piece is accepted only when `[piece]`
 * parses to a list of at least one element, whatever found the comma; joined by commas such
 * pieces are a list of their elements in order. The skeleton is read as JSON reads it (strings
 * with their escapes, nesting) up to each array's `[`, and from each array's `]` on: the state
 * there is the same whether the array is full or empty, and when the skeleton parses, each `[]`
 * left in it is the array it was cut from, the value of the root object's key found before it
 * (or the root itself). If anything does not hold (a piece or the skeleton does not parse, an
 * array's key appears twice in the root object, a byte order mark), this declines.
 */

/** Returned when the text is to be parsed whole by the caller. */
export const WHOLE: unique symbol = Symbol('parse whole');

/** Files smaller than this are parsed whole: one decode of a short text costs little. */
export const PIECES_MIN_FILE_BYTES = 1024 * 1024;
/**
 * About how long each piece is: under V8's 128 kB large-object size for a one-byte string. An
 * array shorter than this stays in the skeleton.
 */
const PIECE_BYTES = 64 * 1024;
/** A guessed cut further than this past a piece's least length is not tried. */
const GUESS_REACH = 64 * 1024;
/** Arrays shorter than a piece, none long before them, after which a file is parsed whole. */
const MAX_SHORT_ARRAYS = 16;
/** Wrong guesses after which an array's cuts are only found by reading it. */
const MAX_MISSES = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;

/** The bytes the scan stops at, outside strings: 1 quote, 2 comma, 3 opening, 4 closing, 5 colon. */
const OUTSIDE = new Uint8Array(256);
OUTSIDE[QUOTE] = 1;
OUTSIDE[COMMA] = 2;
OUTSIDE[OPEN_ARRAY] = 3;
OUTSIDE[OPEN_OBJECT] = 3;
OUTSIDE[CLOSE_ARRAY] = 4;
OUTSIDE[0x7d] = 4;
OUTSIDE[COLON] = 5;
/** Inside a string: 1 its end, 2 a backslash (the next byte is escaped). */
const INSIDE = new Uint8Array(256);
INSIDE[QUOTE] = 1;
INSIDE[BACKSLASH] = 2;

/** The index of the quote that ends the string whose opening quote is at `i` (n when none). */
function stringEnd(b: Buffer, i: number, n: number): number {
  for (i++; i < n; i++) {
    const t = INSIDE[b[i]];
    if (t === 1) return i;
    if (t === 2) i++;
  }
  return n;
}

/** A long array: the root, or the value of one of the root object's keys. */
interface LongArray {
  /** Its key's place in the root object's keys (-1 for a root array). */
  key: number;
  /** First byte after the `[`. */
  start: number;
  /** The `]`. */
  end: number;
  /** Its elements, parsed piece by piece. */
  items: unknown[];
}

/**
 * The value of the JSON text in `bytes` (UTF-8), parsed in pieces, or {@link WHOLE}. `bytes` is
 * written to while pieces are parsed (a `[` and a `]` around each) and left as it was on return.
 */
export function parseJsonPieces(bytes: Buffer): unknown {
  if (bytes.length < PIECES_MIN_FILE_BYTES) return WHOLE;
  // A byte order mark is dropped by the caller, which counts error positions without it.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return WHOLE;
  const found = scan(bytes);
  if (!found || found.arrays.length === 0) return WHOLE;
  const { arrays, keys, rootIsArray } = found;

  const targets: string[] = [];
  if (!rootIsArray) {
    let names: string[];
    try {
      names = keys.map(([s, e]) => JSON.parse(bytes.toString('utf8', s, e)) as string);
    } catch {
      return WHOLE;
    }
    // JSON.parse keeps the last of a repeated key: an array whose key appears again is left whole.
    for (const a of arrays) {
      const name = names[a.key];
      if (names.filter((k) => k === name).length !== 1) return WHOLE;
      targets.push(name);
    }
  }

  let skeleton = '';
  let from = 0;
  for (const a of arrays) {
    skeleton += bytes.toString('utf8', from, a.start);
    from = a.end;
  }
  skeleton += bytes.toString('utf8', from, bytes.length);
  let root: unknown;
  try {
    root = JSON.parse(skeleton);
  } catch {
    return WHOLE;
  }
  if (root === null || typeof root !== 'object') return WHOLE;
  const into: unknown[][] = [];
  for (let k = 0; k < arrays.length; k++) {
    const list = rootIsArray ? root : Object.hasOwn(root, targets[k]) ? (root as Record<string, unknown>)[targets[k]] : undefined;
    if (!Array.isArray(list) || list.length !== 0 || into.includes(list)) return WHOLE;
    into.push(list);
  }
  for (let k = 0; k < arrays.length; k++) {
    const { items } = arrays[k];
    const list = into[k];
    for (let i = 0; i < items.length; i++) list.push(items[i]);
  }
  return root;
}

/**
 * One pass over the skeleton: the root object's keys, and each array that is the root or a
 * value of the root object, parsed by {@link cutArray} (an array shorter than a piece is passed
 * over and stays in the skeleton). Strings are skipped as JSON reads them (a backslash escapes
 * the next byte); nothing else is checked here, JSON.parse does that. Undefined when a piece
 * does not parse or the text ends inside an array.
 */
function scan(b: Buffer): { arrays: LongArray[]; keys: [number, number][]; rootIsArray: boolean } | undefined {
  const n = b.length;
  const arrays: LongArray[] = [];
  const keys: [number, number][] = [];
  let rootIsArray = false;
  let structural = false;
  let depth = 0;
  // The last string at depth 1.
  let strStart = -1;
  let strEnd = -1;
  let short = 0;
  for (let i = 0; i < n; i++) {
    const k = OUTSIDE[b[i]];
    if (k === 0) continue;
    if (k === 1) {
      const s = i;
      i = stringEnd(b, i, n);
      if (depth === 1) {
        strStart = s;
        strEnd = i + 1;
      }
    } else if (k === 3) {
      depth++;
      if (!structural) {
        structural = true;
        rootIsArray = b[i] === OPEN_ARRAY;
      }
      if (b[i] !== OPEN_ARRAY || depth !== (rootIsArray ? 1 : 2)) continue;
      // A member's value: the last string at depth 1 is its key, read at its colon.
      if (!rootIsArray && (keys.length === 0 || keys[keys.length - 1][0] !== strStart)) return undefined;
      const items: unknown[] = [];
      const end = cutArray(b, i + 1, items);
      if (end === undefined) return undefined;
      if (items.length > 0) arrays.push({ key: keys.length - 1, start: i + 1, end, items });
      // A map from ids to short lists (applicationOwners.json): none will be long, and reading
      // on to the end would only be thrown away.
      else if (++short > MAX_SHORT_ARRAYS && arrays.length === 0) return undefined;
      // The `]` is read next, as the end of the array.
      i = end - 1;
    } else if (k === 4) {
      depth--;
    } else if (k === 5 && depth === 1) {
      keys.push([strStart, strEnd]);
    }
  }
  return depth === 0 ? { arrays, keys, rootIsArray } : undefined;
}

/**
 * Parses the array whose content starts at `start` piece by piece into `items`, and returns its
 * `]`; leaves `items` empty for an array shorter than one piece. A piece ends at a comma found
 * by reading the array (strings and nesting) or guessed: the next place past the piece's least
 * length where the bytes around the first cut's comma occur again (`},{"id":` in an Entra page,
 * a line break and the indentation in a pretty-printed file). A guess is kept only when its
 * piece parses, so a wrong one costs a parse and nothing else. Undefined when a piece that was
 * read rather than guessed does not parse, or the text ends inside the array.
 */
function cutArray(b: Buffer, start: number, items: unknown[]): number | undefined {
  let from = start;
  let pattern: Buffer | undefined;
  let commaAt = 0;
  let misses = 0;
  for (;;) {
    if (pattern && misses < MAX_MISSES) {
      const at = b.indexOf(pattern, from + PIECE_BYTES);
      if (at >= 0 && at < from + PIECE_BYTES + GUESS_REACH) {
        const cut = at + commaAt;
        if (parsePiece(b, from, cut, items)) {
          from = cut + 1;
          continue;
        }
        misses++;
      }
    }
    const to = pieceEnd(b, from);
    if (to < 0) return undefined;
    if (b[to] === CLOSE_ARRAY) {
      // Read to its end without a cut (shorter than a piece, or one long element): left in the skeleton.
      if (from === start) return to;
      return parsePiece(b, from, to, items) ? to : undefined;
    }
    if (!parsePiece(b, from, to, items)) return undefined;
    if (!pattern) {
      pattern = cutPattern(b, to);
      commaAt = to - lastBefore(b, to);
    }
    from = to + 1;
  }
}

/**
 * Reads an array's content from `from` (the start of an element): the first comma between its
 * elements at least a piece's length on, or its `]`; -1 when neither comes (the text ends, or
 * a `}` closes the array).
 */
function pieceEnd(b: Buffer, from: number): number {
  const n = b.length;
  let depth = 0;
  for (let i = from; i < n; i++) {
    const k = OUTSIDE[b[i]];
    if (k === 0 || k === 5) continue;
    if (k === 1) i = stringEnd(b, i, n);
    else if (k === 3) depth++;
    else if (k === 4) {
      if (depth === 0) return b[i] === CLOSE_ARRAY ? i : -1;
      depth--;
    } else if (depth === 0 && i - from >= PIECE_BYTES) return i;
  }
  return -1;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The last byte before `i` that is not white space. */
function lastBefore(b: Buffer, i: number): number {
  let p = i - 1;
  while (p > 0 && isSpace(b[p])) p--;
  return p;
}

/**
 * The bytes around the comma at `cut` that a later cut between elements is guessed by: from the
 * end of the element before it to the start of the next, and the next's first key when it is an
 * object (`},{"id":`). Undefined when they are too few to tell a cut by (an array of numbers).
 */
function cutPattern(b: Buffer, cut: number): Buffer | undefined {
  const n = b.length;
  const p = lastBefore(b, cut);
  let q = cut + 1;
  while (q < n && isSpace(b[q])) q++;
  if (q >= n) return undefined;
  let end = q + 1;
  if (b[q] === OPEN_OBJECT) {
    while (end < n && isSpace(b[end])) end++;
    if (end < n && b[end] === QUOTE) end = Math.min(stringEnd(b, end, n) + 1, n);
  }
  if (end - p < 3 || end - p > 64) return undefined;
  return Buffer.from(b.subarray(p, end));
}

/**
 * Parses `b[from, to)` as a list of elements (with a `[` and a `]` written over the bytes on
 * either side while it is decoded, and put back) and adds them to `items`; false when it does
 * not parse, or holds none.
 */
function parsePiece(b: Buffer, from: number, to: number, items: unknown[]): boolean {
  const before = b[from - 1];
  const after = b[to];
  b[from - 1] = OPEN_ARRAY;
  b[to] = CLOSE_ARRAY;
  let text: string;
  try {
    text = b.toString('utf8', from - 1, to + 1);
  } finally {
    b[from - 1] = before;
    b[to] = after;
  }
  let list: unknown[];
  try {
    list = JSON.parse(text) as unknown[];
  } catch {
    return false;
  }
  if (list.length === 0) return false;
  for (let i = 0; i < list.length; i++) items.push(list[i]);
  return true;
}
