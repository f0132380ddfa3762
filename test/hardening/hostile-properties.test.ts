import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSnapshotDir } from '../../src/cli/io.js';
import { InputError } from '../../src/errors.js';
import { safeCell, safeMarkdown, safeText } from '../../src/reporters/sanitize.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { DEMO, scanInMemory } from './demo-copy.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bidi controls, and the line and paragraph separators that some terminals and editors break on.
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u2028\u2029]/;
// Characters that draw nothing; ZWNJ and ZWJ are kept only next to emoji or letters of scripts
// that need them, never next to ASCII.
const INVISIBLE = /[\u00ad\u180e\u200b\u2060-\u2064\ufeff\u{e0000}-\u{e007f}]|[\u0000-\u007f][\u200c\u200d]|[\u200c\u200d][\u0000-\u007f]|^[\u200c\u200d]|[\u200c\u200d]$/u;
// The flags of England, Scotland and Wales, the only tag characters an output keeps; the strings
// below also carry their pieces (a black flag, tag letters, a cancel tag) in any order.
const tags = (s: string): string => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
const FLAGS = ['gbeng', 'gbsct', 'gbwls'].map((code) => `\u{1f3f4}${tags(code)}\u{e007f}`);
// Each kept flag checked as its black flag, an emoji: a joiner the sanitizer kept between an emoji
// and the flag (an emoji ZWJ sequence) must not read as a joiner left at the end of the text.
const withoutFlags = (s: string): string => FLAGS.reduce((out, f) => out.replaceAll(f, '\u{1f3f4}'), s);
// A case a random run found: an emoji joined to the Scotland flag, which every encoder keeps whole.
const JOINED_FLAG = `\u{1f1ae}\u200d${FLAGS[1]}`;

/** Strings biased towards what attacks look like: escapes, bidi marks, formula starters. */
const hostileString = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.constantFrom('\u001b[31m', '\u001b]8;;http://x\u0007', '\u009b', '\u202e', '\u2066', '\u200f', '\r', '\n', '\t', '\u0000', '=', '+', '-', '@', ' ', '"', '\u2028', '\u2029', '\u0085', '|', '`', '*', '[', ']', '<', '>', ';', ',', '\uff1d', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u{e0068}', '\u{1f468}', '\u{1f3f4}', '\u{e0067}', '\u{e0062}', '\u{e007f}', ...FLAGS),
      fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('output encoders (property-based)', () => {
  it('safeText leaves no control or bidi character and respects the length bound', () => {
    fc.assert(
      fc.property(hostileString, fc.integer({ min: 2, max: 400 }), (s, max) => {
        const out = safeText(s, max);
        expect(out).not.toMatch(CONTROL);
        expect(out).not.toMatch(BIDI);
        expect(withoutFlags(out)).not.toMatch(INVISIBLE);
        expect(out.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 2000, examples: [[JOINED_FLAG, 300], [JOINED_FLAG, 5]] },
    );
  });

  it('safeText keeps printable text as it is', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }).filter((s) => !CONTROL.test(s) && !BIDI.test(s)), (s) => {
        expect(safeText(s, 300)).toBe(s);
      }),
    );
  });

  it('safeCell never lets a cell start a formula and leaves no control or bidi character', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const out = safeCell(s);
        expect(out).not.toMatch(/^[=+\-@\t\r]/);
        expect(out).not.toMatch(/^[\s"]*[=+\-@]/);
        // Nor behind a `;` or `,`, where a spreadsheet splitting there starts a cell.
        expect(out).not.toMatch(/[;,][\s"]*[=+\-@\uff1d\uff0b\uff0d\uff20]/);
        expect(out).not.toMatch(CONTROL);
        expect(out).not.toMatch(BIDI);
        expect(withoutFlags(out)).not.toMatch(INVISIBLE);
      }),
      { numRuns: 2000, examples: [[JOINED_FLAG]] },
    );
  });

  it('safeMarkdown leaves no control or bidi character and no unescaped table or markup character', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const out = safeMarkdown(s);
        expect(out).not.toMatch(CONTROL);
        expect(out).not.toMatch(BIDI);
        expect(withoutFlags(out)).not.toMatch(INVISIBLE);
        // Every markup character is preceded by a backslash that is itself not escaped.
        const stripped = out.replace(/\\[\\`*_{}[\]()#+!|<>~]/g, '');
        expect(stripped).not.toMatch(/[\\`*_{}[\]()#+!|<>~]/);
      }),
      { numRuns: 2000, examples: [[JOINED_FLAG]] },
    );
  });
});

/** Paths to every value inside a JSON document, for picking a place to mutate. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (out.length > 5000) return out;
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' };

function mutate(doc: unknown, path: (string | number)[], m: Mutation): unknown {
  if (path.length === 0) return m.kind === 'replace' ? m.value : undefined;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = m.value;
  return copy;
}

describe('transforms under random mutation (property-based)', () => {
  const demo = readSnapshotDir(DEMO);
  const jsonFiles = Object.keys(demo.files).filter((f) => f.endsWith('.json')).sort();
  const filePaths = new Map(jsonFiles.map((f) => [f, paths(demo.files[f])]));

  it('a mutated demo file either scans or fails with an InputError, nothing else', () => {
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.constant<Mutation>({ kind: 'delete' }),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileString, fc.constantFrom(null, 0, -1, 1e308, '', [], {}, true, '2026-13-45', 'arn:aws:iam::')).map((value): Mutation => ({ kind: 'replace', value })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...jsonFiles), fc.nat(), mutation, (file, pick, m) => {
        const candidates = filePaths.get(file)!;
        const path = candidates[pick % candidates.length];
        const files = { ...demo.files, [file]: mutate(demo.files[file], path, m) };
        if (files[file] === undefined) delete files[file];
        const snapshot: Snapshot = { ...demo, files };
        try {
          const r = scanInMemory(snapshot);
          expect(Array.isArray(r.report.findings)).toBe(true);
        } catch (e) {
          if (!(e instanceof InputError)) throw new Error(`${file} at ${JSON.stringify(path)} (${m.kind}): ${(e as Error).stack}`);
          expect(e.oneLine()).not.toMatch(/\n/);
        }
      }),
      { numRuns: Number(process.env.NHISCAN_FC_RUNS ?? 150) },
    );
  });
});
