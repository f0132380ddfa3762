/**
 * How many terminal columns text takes. Terminals give East Asian wide and fullwidth characters
 * (CJK ideographs, kana, Hangul syllables, fullwidth forms) and emoji two columns, and combining
 * marks, joiners and other format characters none: counting code points overflows a line of
 * Chinese by half and leaves a line of accented letters written with combining marks short.
 *
 * Text is measured in clusters, what a terminal draws in one cell or two: a character with the
 * marks, variation selectors and emoji modifiers that follow it, an emoji joined to the next by
 * ZWJ, a pair of regional indicators (a flag). Wrapping breaks between clusters only, so a mark
 * is never carried to the next line without its letter. The rules are written here rather than
 * taken from Intl.Segmenter so that the same text gives the same lines on every Node build.
 *
 * SGR colour sequences (the only escapes the reporters write; untrusted text went through
 * safeText) take no room. Control characters take none either: they reach this point only as
 * U+FFFD, which takes one.
 */

// East Asian Width W and F (Unicode 15.1 EastAsianWidth.txt), as [first, last] pairs in order.
// Emoji in these blocks are also matched by Emoji_Presentation below.
const WIDE: readonly number[] = [
  0x1100, 0x115f, 0x231a, 0x231b, 0x2329, 0x232a, 0x23e9, 0x23ec, 0x23f0, 0x23f0, 0x23f3, 0x23f3,
  0x25fd, 0x25fe, 0x2614, 0x2615, 0x2648, 0x2653, 0x267f, 0x267f, 0x2693, 0x2693, 0x26a1, 0x26a1,
  0x26aa, 0x26ab, 0x26bd, 0x26be, 0x26c4, 0x26c5, 0x26ce, 0x26ce, 0x26d4, 0x26d4, 0x26ea, 0x26ea,
  0x26f2, 0x26f3, 0x26f5, 0x26f5, 0x26fa, 0x26fa, 0x26fd, 0x26fd, 0x2705, 0x2705, 0x270a, 0x270b,
  0x2728, 0x2728, 0x274c, 0x274c, 0x274e, 0x274e, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797,
  0x27b0, 0x27b0, 0x27bf, 0x27bf, 0x2b1b, 0x2b1c, 0x2b50, 0x2b50, 0x2b55, 0x2b55,
  0x2e80, 0x2e99, 0x2e9b, 0x2ef3, 0x2f00, 0x2fd5, 0x2ff0, 0x303e, 0x3041, 0x3096, 0x3099, 0x30ff,
  0x3105, 0x312f, 0x3131, 0x318e, 0x3190, 0x31e3, 0x31ef, 0x321e, 0x3220, 0x3247, 0x3250, 0x4dbf,
  0x4e00, 0xa48c, 0xa490, 0xa4c6, 0xa960, 0xa97c, 0xac00, 0xd7a3, 0xf900, 0xfaff, 0xfe10, 0xfe19,
  0xfe30, 0xfe52, 0xfe54, 0xfe66, 0xfe68, 0xfe6b, 0xff01, 0xff60, 0xffe0, 0xffe6,
  0x16fe0, 0x16fe4, 0x16ff0, 0x16ff1, 0x17000, 0x187f7, 0x18800, 0x18cd5, 0x18d00, 0x18d08,
  0x1aff0, 0x1aff3, 0x1aff5, 0x1affb, 0x1affd, 0x1affe, 0x1b000, 0x1b122, 0x1b132, 0x1b132,
  0x1b150, 0x1b152, 0x1b155, 0x1b155, 0x1b164, 0x1b167, 0x1b170, 0x1b2fb,
  0x1f004, 0x1f004, 0x1f0cf, 0x1f0cf, 0x1f18e, 0x1f18e, 0x1f191, 0x1f19a, 0x1f200, 0x1f202,
  0x1f210, 0x1f23b, 0x1f240, 0x1f248, 0x1f250, 0x1f251, 0x1f260, 0x1f265,
  0x20000, 0x2fffd, 0x30000, 0x3fffd,
];

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < WIDE[2 * mid]) hi = mid - 1;
    else if (cp > WIDE[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

// Nonspacing and enclosing marks (variation selectors among them) and format characters (ZWJ,
// ZWSP, word joiner, tags) draw nothing of their own. The soft hyphen is the exception terminals
// make: it shows as a hyphen.
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI = /^\p{Emoji_Presentation}$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const MODIFIER = /^\p{Emoji_Modifier}$/u;

/** Columns of one code point on its own (0, 1 or 2). */
export function codePointWidth(cp: number): number {
  if (cp < 0x7f) return cp >= 0x20 ? 1 : 0;
  if (cp <= 0x9f) return 0;
  if (cp === 0xad) return 1;
  const ch = String.fromCodePoint(cp);
  // Hangul vowel and final jamo join the initial before them in one syllable cell.
  if (ZERO.test(ch) || (cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0xd7b0 && cp <= 0xd7ff)) return 0;
  return EMOJI.test(ch) || isWide(cp) ? 2 : 1;
}

const isRegional = (cp: number): boolean => cp >= 0x1f1e6 && cp <= 0x1f1ff;
const size = (cp: number): number => (cp > 0xffff ? 2 : 1);

/**
 * The cluster that starts at `i` in `s`: where it ends (a UTF-16 index) and its columns, those of
 * its first character (two for a text-style pictograph that VS16 asks to show as emoji).
 */
export function clusterAt(s: string, i: number): { end: number; width: number } {
  const first = s.codePointAt(i)!;
  let j = i + size(first);
  let width = codePointWidth(first);
  const pictograph = PICTOGRAPHIC.test(String.fromCodePoint(first));
  let regional = isRegional(first);
  let joined = false;
  while (j < s.length) {
    const cp = s.codePointAt(j)!;
    const ch = String.fromCodePoint(cp);
    if (cp === 0xfe0f) {
      if (pictograph && width === 1) width = 2;
    } else if (cp === 0x200d) {
      joined = true;
      j += 1;
      continue;
    } else if (joined && PICTOGRAPHIC.test(ch)) {
      // The joined emoji is drawn in the cell of the first (a family, a profession).
    } else if (regional && isRegional(cp)) {
      regional = false;
    } else if (!(codePointWidth(cp) === 0 && cp >= 0xa0) && !(pictograph && MODIFIER.test(ch))) {
      break;
    }
    joined = false;
    j += size(cp);
  }
  return { end: j, width };
}

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/y;
const PLAIN = /^[\x20-\x7e]*$/;

/** The visible pieces of a string: each SGR sequence whole (no width), every cluster whole. */
export function pieces(s: string): { text: string; width: number }[] {
  const out: { text: string; width: number }[] = [];
  let i = 0;
  while (i < s.length) {
    SGR.lastIndex = i;
    const m = SGR.exec(s);
    if (m) {
      out.push({ text: m[0], width: 0 });
      i += m[0].length;
      continue;
    }
    const c = clusterAt(s, i);
    out.push({ text: s.slice(i, c.end), width: c.width });
    i = c.end;
  }
  return out;
}

/** Terminal columns `s` takes: what padding and wrapping must count, never `s.length`. */
export function displayWidth(s: string): number {
  if (PLAIN.test(s)) return s.length;
  let n = 0;
  for (const p of pieces(s)) n += p.width;
  return n;
}

