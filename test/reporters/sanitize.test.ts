import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { UNSAFE_CHARS, escapeChar, markdownCode, quoteInput, safeCell, safeJsonText, safeMarkdown, safeText } from '../../src/reporters/sanitize.js';
import { displayWidth } from '../../src/reporters/width.js';

const TAGS = [...'hidden'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');

describe('characters that draw nothing', () => {
  it.each([
    ['zero-width space', 'HR Sync\u200b Service'],
    ['word joiner', 'HR Sync Service\u2060'],
    ['byte order mark', '\ufeffHR Sync Service'],
    ['soft hyphen', 'HR Sy\u00adnc Service'],
    ['Mongolian vowel separator', 'HR\u180eSync'],
    ['invisible plus', 'a\u2064b'],
    ['ZWNJ between Latin letters', 'HR\u200cSync'],
    ['ZWJ between Latin letters', 'HR\u200dSync'],
    ['a ZWJ that ends the name', 'HR Sync\u200d'],
    ['tag characters', `HR Sync${TAGS}`],
  ])('shows a %s as U+FFFD in terminal and Markdown text', (_, name) => {
    const out = safeText(name);
    expect(out).toContain('\ufffd');
    expect(out).not.toMatch(/[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\u{e0000}-\u{e007f}]/u);
  });

  it('replaces every default-ignorable code point Unicode lists, but variation selectors and the joiners it keeps', () => {
    // Unicode's Default_Ignorable_Code_Point: what renderers draw as nothing. Variation selectors
    // (including the Mongolian free variation selectors) only choose how the character before them
    // is drawn; ZWNJ and ZWJ are judged by context (the tests below). Every other one must go.
    const kept = /[\u180b-\u180d\u180f\u200c\u200d\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
    const missed: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (!/\p{Default_Ignorable_Code_Point}/u.test(c) || kept.test(c)) continue;
      if (safeText(`a${c}b`) !== 'a\ufffdb') missed.push(cp.toString(16));
    }
    expect(missed).toEqual([]);
  });

  it('shows tag characters as one U+FFFD each, not two halves', () => {
    expect(safeText(`x${TAGS}y`)).toBe(`x${'\ufffd'.repeat(6)}y`);
  });

  it.each([
    ['an emoji family joined by ZWJ', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}'],
    ['a profession emoji with skin tone', '\u{1f469}\u{1f3fd}\u200d\u{1f4bb}'],
    ['a rainbow flag (VS16 before the ZWJ)', '\u{1f3f3}\ufe0f\u200d\u{1f308}'],
    ['Persian with a ZWNJ', '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645'],
    ['Devanagari with a ZWJ after the virama', '\u0915\u094d\u200d\u0937'],
    ['CJK', '\u56e2\u961f\u30b5\u30fc\u30d3\u30b9'],
    ['a variation selector', '\u2764\ufe0f'],
  ])('keeps %s whole', (_, name) => {
    expect(safeText(name)).toBe(name);
    expect(safeJsonText(JSON.stringify(name))).toBe(JSON.stringify(name));
    expect(quoteInput(name)).toBe(JSON.stringify(name));
  });

  it('escapes them in JSON text as \\uXXXX, so that the parsed value is the same', () => {
    const name = `HR Sync\u200b Service\u2060\u00ad${TAGS}`;
    const out = safeJsonText(JSON.stringify({ name }));
    expect(out).toBe('{"name":"HR Sync\\u200b Service\\u2060\\u00ad\\udb40\\udc68\\udb40\\udc69\\udb40\\udc64\\udb40\\udc64\\udb40\\udc65\\udb40\\udc6e"}');
    expect(JSON.parse(out)).toEqual({ name });
  });

  it('shows them as U+FFFD in a spreadsheet cell, where a space would look like a space', () => {
    expect(safeCell('HR Sync\u200b Service\u2060')).toBe('HR Sync\ufffd Service\ufffd');
    // Control characters still become spaces there.
    expect(safeCell('a\tb\nc')).toBe('a b c');
  });

  it('escapes them, like control characters, in an error line', () => {
    expect(new InputError(`bad name HR\u200bSync${TAGS.slice(0, 2)}`, 'f.json').oneLine()).toBe('f.json: bad name HR\\u200bSync\\udb40\\udc68');
  });
});

describe('quoteInput', () => {
  it('quotes like JSON.stringify, with C1 controls, bidi controls, separators and invisible characters escaped', () => {
    expect(quoteInput('2027\u009b2J\u202eevil\u200b')).toBe('"2027\\u009b2J\\u202eevil\\u200b"');
    expect(quoteInput('a\u001b]0;x\u0007"\\\n\u2028\u007f')).toBe('"a\\u001b]0;x\\u0007\\"\\\\\\n\\u2028\\u007f"');
    expect(quoteInput('plain name')).toBe('"plain name"');
  });
});

describe('safeCell and list separators', () => {
  it.each([
    ["Billing Sync;=2+5*cmd|' /C calc'!A0;x", "Billing Sync;'=2+5*cmd|' /C calc'!A0;x"],
    ['a;  "@SUM(1)', `a;'  "@SUM(1)`],
    ['a,-1;+2', "a,'-1;'+2"],
    ['\uff1d1+1', "'\uff1d1+1"],
    ['a;\uff0b1', "a;'\uff0b1"],
    ['=1;=2', "'=1;'=2"],
    // What is not a formula start stays as it is: a hyphen inside a word, a dash after a space.
    ['a;b-c, d - e', 'a;b-c, d - e'],
  ])('neutralises the formula start of every ;- or ,-separated piece of %j', (value, cell) => {
    expect(safeCell(value)).toBe(cell);
  });
});

// The flags of England, Scotland and Wales are the three emoji Unicode recommends (RGI) that are
// spelled with tag characters: a black flag U+1F3F4, the subdivision code in tag letters, and
// CANCEL TAG U+E007F. They pass whole; every other tag character still goes, so no text can hide
// behind or inside one.
describe('subdivision flags', () => {
  const tags = (s: string): string => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
  const flag = (code: string): string => `\u{1f3f4}${tags(code)}\u{e007f}`;
  const FLAGS = [
    ['England', flag('gbeng')],
    ['Scotland', flag('gbsct')],
    ['Wales', flag('gbwls')],
  ];
  const TAG = /[\u{e0000}-\u{e007f}]/u;

  it.each(FLAGS)('keeps the flag of %s whole in every output', (_, f) => {
    const name = `Ops ${f} Sync`;
    expect(safeText(name)).toBe(name);
    expect(safeMarkdown(name)).toBe(name);
    expect(markdownCode(name)).toBe(`\`${name}\``);
    expect(safeCell(name)).toBe(name);
    expect(safeJsonText(JSON.stringify({ name }))).toBe(JSON.stringify({ name }));
    expect(quoteInput(name)).toBe(JSON.stringify(name));
    expect(new InputError(`bad name ${name}`).oneLine()).toBe(`bad name ${name}`);
    // One cluster, two columns wide, so that a table pads it right and wrapping never splits it.
    expect(displayWidth(f)).toBe(2);
  });

  it('keeps flags next to each other, and next to removed tag characters', () => {
    const [eng, sct, wls] = FLAGS.map(([, f]) => f);
    expect(safeText(`${eng}${sct}${wls}`)).toBe(`${eng}${sct}${wls}`);
    expect(safeText(`${tags('hi')}${eng}${tags('hi')}`)).toBe(`\ufffd\ufffd${eng}\ufffd\ufffd`);
    expect(safeText(`${eng}\u{e007f}`)).toBe(`${eng}\ufffd`);
  });

  it.each([
    ['a subdivision that is no RGI flag (California)', `\u{1f3f4}${tags('usca')}\u{e007f}`, `\u{1f3f4}${'\ufffd'.repeat(5)}`],
    ['upper-case tag letters', `\u{1f3f4}${tags('GBENG')}\u{e007f}`, `\u{1f3f4}${'\ufffd'.repeat(6)}`],
    ['a flag\'s tags without the black flag', `x${tags('gbeng')}\u{e007f}`, `x${'\ufffd'.repeat(6)}`],
    ['another base before them', `\u{1f3f3}${tags('gbeng')}\u{e007f}`, `\u{1f3f3}${'\ufffd'.repeat(6)}`],
    ['a flag without its cancel tag', `\u{1f3f4}${tags('gbeng')}x`, `\u{1f3f4}${'\ufffd'.repeat(5)}x`],
    ['text hidden inside a flag', `\u{1f3f4}${tags('gbenghidden')}\u{e007f}`, `\u{1f3f4}${'\ufffd'.repeat(12)}`],
    ['text hidden after a flag\'s letters', `\u{1f3f4}${tags('gbengx')}\u{e007f}`, `\u{1f3f4}${'\ufffd'.repeat(7)}`],
  ])('still shows %s as U+FFFD, one per tag character, and escapes it in JSON', (_, name, shown) => {
    expect(safeText(name)).toBe(shown);
    expect(safeMarkdown(name)).toBe(shown);
    expect(safeCell(name)).toBe(shown);
    const json = safeJsonText(JSON.stringify(name));
    expect(json).not.toMatch(TAG);
    expect(JSON.parse(json)).toBe(name);
    expect(quoteInput(name)).not.toMatch(TAG);
    expect(new InputError(name).oneLine()).not.toMatch(TAG);
  });

  it('a cut never splits a flag: it is shown whole or not at all, and no tag character is left', () => {
    const [, eng] = FLAGS[0];
    for (let n = 280; n <= 300; n++) {
      const out = safeText(`${'a'.repeat(n)}${eng}${'b'.repeat(50)}`, 300);
      expect(out.endsWith('…')).toBe(true);
      const rest = out.replace(eng, '');
      expect(rest).not.toMatch(TAG);
      expect(rest).not.toContain('\ufffd');
      // Everything of the flag or nothing of it: a black flag alone is another emoji.
      expect([eng, ''], `${n}`).toContain(out.slice(n, -1).replace(/b+$/, ''));
      // Whole whenever it fits before the cut.
      if (n + eng.length <= 299) expect(out).toContain(eng);
    }
  });

  it('a cut right after the black flag of a flag leaves it out; a black flag on its own stays', () => {
    const [, eng] = FLAGS[0];
    // The black flag ends the 11 characters a cut at 12 keeps; its tags come after the cut.
    expect(safeText(`${'a'.repeat(8)}${eng}${'z'.repeat(17)}`, 12)).toBe(`${'a'.repeat(8)}…`);
    // Near misses: a black flag followed by no tag is whole as it is, and is kept.
    expect(safeText(`${'a'.repeat(9)}\u{1f3f4}${'z'.repeat(17)}`, 12)).toBe(`${'a'.repeat(9)}\u{1f3f4}…`);
    expect(safeText(`${'a'.repeat(9)}\u{1f3f4}`, 12)).toBe(`${'a'.repeat(9)}\u{1f3f4}`);
  });

  it('a cut never splits an emoji ZWJ sequence: it is shown whole or not at all, and no joiner is left at the end', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    const coder = '\u{1f469}\u{1f3fd}\u200d\u{1f4bb}';
    for (const seq of [family, coder]) {
      for (let n = 280; n <= 300; n++) {
        const out = safeText(`${'a'.repeat(n)}${seq}${'b'.repeat(50)}`, 300);
        expect(out.endsWith('…')).toBe(true);
        expect(out, `${n}`).not.toMatch(/[\u200c\u200d]…$/);
        const kept = out.slice(n, -1).replace(/b+$/, '');
        // Everything of the sequence or nothing of it.
        expect([seq, ''], `${n}`).toContain(kept);
        if (n + seq.length <= 299) expect(out).toContain(seq);
      }
    }
  });

  it('a cut right after a joiner between letters of a joining script leaves no joiner at the end', () => {
    // The joiner is the 400th character, the last one a cut at 401 keeps.
    const out = safeText(`${'\u0915'.repeat(398)}\u094d\u200d\u0937\u0937`, 401);
    expect(out).toBe(`${'\u0915'.repeat(398)}\u094d…`);
  });
});

// safeCell and safeJsonText leave text with no character their replaces could match as it is,
// without running the replaces (the common case, measured at 100,000 identities). These check
// that this shortcut never skips text the replaces would change (safeText, which has none, as the
// reference for the terminal's set).
describe('text left as it is', () => {
  const cellReplaces = (s: string): string =>
    s
      .replace(new RegExp(`[\\u00ad\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180e\\u200b\\u2060-\\u206f\\u3164\\uffa0\\ufeff\\ufff0-\\ufffb\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}\\u{e0080}-\\u{e00ff}\\u{e01f0}-\\u{e0fff}]|[\\u{e0000}-\\u{e007f}]|[\\u200c\\u200d]`, 'gu'), '\ufffd')
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
      .replace(/(^|[;,])(?=[\s"]*[=+\-@\uff1d\uff0b\uff0d\uff20])/g, "$1'");

  it('changes every code point the replaces change, alone between Latin letters', () => {
    const missed: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const c = String.fromCodePoint(cp);
      const text = `a${c}b`;
      const replaced = text.replace(UNSAFE_CHARS, '\ufffd');
      if (safeText(text) !== replaced) missed.push(`text ${cp.toString(16)}`);
      // Between Latin letters every character of the cell's set goes, so the reference above is exact.
      if (safeCell(text) !== cellReplaces(text)) missed.push(`cell ${cp.toString(16)}`);
      const json = JSON.stringify(text);
      const escaped = json.replace(/[^\u0000-\u007e]/gu, (x) => (replaced === text ? x : escapeChar(x)));
      if (cp >= 0x20 && safeJsonText(json) !== escaped) missed.push(`json ${cp.toString(16)}`);
    }
    expect(missed).toEqual([]);
  });

  it('still replaces one unsafe character after 10,000 plain ones, and one before them', () => {
    const plain = 'Billing Sync '.repeat(800);
    for (const c of ['\u001b', '\u007f', '\u009b', '\u202e', '\u200b', '\u{e0068}']) {
      expect(safeText(`${plain}${c}`, Infinity)).toBe(`${plain}\ufffd`);
      expect(safeText(`${c}${plain}`, Infinity)).toBe(`\ufffd${plain}`);
      expect(safeCell(`${plain}${c}`)).toMatch(/[ \ufffd]$/);
      expect(safeCell(`${plain}${c}`)).toBe(cellReplaces(`${plain}${c}`));
      expect(safeJsonText(JSON.stringify(`${plain}${c}`))).toBe(JSON.stringify(`${plain}${c}`).replace(c, escapeChar(c)));
      expect(JSON.parse(safeJsonText(JSON.stringify(`${plain}${c}`)))).toBe(`${plain}${c}`);
    }
  });

  it('escapes DEL in JSON text that is otherwise plain ASCII, and an unsafe character after a harmless non-ASCII one', () => {
    const plain = '{"name": "x"}\n'.repeat(1000);
    expect(safeJsonText(`${plain}\u007f`)).toBe(`${plain}\\u007f`);
    expect(safeJsonText(`${plain}\u2013 ${plain}\u200b`)).toBe(`${plain}\u2013 ${plain}\\u200b`);
    expect(safeJsonText(`${plain}\u2013`)).toBe(`${plain}\u2013`);
  });

  it('neutralises a formula trigger after 10,000 plain characters, the fullwidth ones too', () => {
    const plain = 'Billing Sync '.repeat(800);
    for (const t of ['=', '+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20']) {
      expect(safeCell(`${plain};${t}1`)).toBe(`${plain};'${t}1`);
      expect(safeCell(`${plain}, "${t}1`)).toBe(`${plain},' "${t}1`);
      expect(safeCell(`${plain}${t}1`)).toBe(`${plain}${t}1`);
    }
  });
});
