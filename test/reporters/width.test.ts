import { describe, it, expect } from 'vitest';
import { displayWidth } from '../../src/reporters/width.js';
import { wrapLine, wrapText } from '../../src/reporters/wrap.js';
import { safeText } from '../../src/reporters/sanitize.js';

const CJK = '漢字';
const FAMILY = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
const MARKED = 'e\u0301'; // e and a combining acute accent: one column

describe('displayWidth: terminal columns, not code points', () => {
  it.each([
    ['plain ASCII', 'abc', 3],
    ['CJK ideographs', CJK, 4],
    ['Hangul syllables', '한국', 4],
    ['Hangul jamo making one syllable', '\u1100\u1161\u11a8', 2],
    ['fullwidth Latin', '\uff21\uff22', 4],
    ['halfwidth katakana', '\uff71', 1],
    ['an emoji', '\u{1F600}', 2],
    ['a pictograph asked to show as emoji (VS16)', '\u2764\ufe0f', 2],
    ['the same pictograph as text', '\u2764', 1],
    ['an emoji with a skin tone', '\u{1F44D}\u{1F3FD}', 2],
    ['a ZWJ family', FAMILY, 2],
    ['a flag (two regional indicators)', '\u{1F1E9}\u{1F1EA}', 2],
    ['combining marks', `${MARKED}${MARKED}`, 2],
    ['a zero-width space', 'a\u200bb', 2],
    ['an SGR colour sequence', `\u001b[31m${CJK}\u001b[39m`, 4],
    ['the replacement character safeText writes', '\ufffd', 1],
  ])('%s', (_, s, w) => {
    expect(displayWidth(s)).toBe(w);
  });
});

/**
 * Every line of `lines` fits `width` columns, and they hold all of `text` (spaces aside: breaks
 * are at spaces). A line keeps 20 columns for text after its hanging indent, so the widths used
 * below leave that room.
 */
function fits(lines: string[], width: number, text: string): void {
  for (const l of lines) expect(displayWidth(l), JSON.stringify(l)).toBeLessThanOrEqual(width);
  expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
}

describe('wrapLine measures columns', () => {
  it('a run of CJK wraps at the width in columns (two per ideograph), not at as many characters', () => {
    const text = CJK.repeat(30); // 60 ideographs, 120 columns
    const lines = wrapLine(text, 40);
    fits(lines, 40, text);
    expect(displayWidth(lines[0])).toBe(40);
    expect(lines).toHaveLength(4); // 40, then 38 after the two-column hanging indent, then 38, then 4
  });

  it('CJK words among ASCII: the line is filled by columns', () => {
    const text = `owner ${'管理者'.repeat(3)} group ${'東京'.repeat(4)} role ${'読み取り'.repeat(2)} end`;
    const lines = wrapLine(text, 24);
    fits(lines, 24, text);
    expect(displayWidth(lines[0])).toBeGreaterThan(20); // filled, not cut short by counting twice
    expect(lines.length).toBeGreaterThan(2);
  });

  it('emoji take two columns each and are never split', () => {
    const text = `${'\u{1F600}'.repeat(15)} ${FAMILY.repeat(6)} ${'\u{1F1E9}\u{1F1EA}'.repeat(6)}`;
    const lines = wrapLine(text, 22);
    fits(lines, 22, text);
    // Every line starts at a whole emoji: no lone joiner, modifier or half a flag.
    for (const l of lines) expect(/^\s*(\u200d|\u{1F1EA})/u.test(l)).toBe(false);
    expect(lines.join('\n')).toContain(FAMILY);
  });

  it('combining marks take no column and stay with their letter', () => {
    const text = MARKED.repeat(30); // 30 columns, 60 code points
    const lines = wrapLine(text, 22);
    fits(lines, 22, text);
    expect(lines).toHaveLength(2);
    expect(displayWidth(lines[0])).toBe(22);
    for (const l of lines) expect(/^\s*\u0301/.test(l)).toBe(false);
    // A line that fits in columns is left whole, though it has more code points than the width.
    expect(wrapLine(MARKED.repeat(22), 22)).toEqual([MARKED.repeat(22)]);
  });

  it('sanitised control characters stay sanitised: wrapping adds no escape and drops no U+FFFD', () => {
    const hostile = `evil\u001b[2J\u009b31m\u202egnp.exe\u2028name ${'\u0007漢字'.repeat(20)}`;
    const safe = safeText(hostile, 1000);
    const out = wrapText(`         ${safe}`, 40);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    expect(out.split('\ufffd').length).toBe(safe.split('\ufffd').length);
    for (const l of out.split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(40);
  });
});

describe('safeText cuts between characters', () => {
  it('never leaves half of a surrogate pair (an emoji) before the ellipsis', () => {
    const cut = safeText(`a${'\u{1F600}'.repeat(10)}`, 3);
    expect(cut).toBe('a…');
    expect(safeText(`ab${'\u{1F600}'.repeat(10)}`, 5)).toBe('ab\u{1F600}…');
  });
});
