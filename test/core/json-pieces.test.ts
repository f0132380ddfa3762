import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonPieces, PIECES_MIN_FILE_BYTES, WHOLE } from '../../src/cli/json-pieces.js';
import { parseJson, readJson, ReadBuffer } from '../../src/cli/io.js';
import { InputError } from '../../src/errors.js';

/** Parses in pieces and checks the value against JSON.parse, key order included; the bytes must be left as they were. */
function same(text: string): unknown {
  const bytes = Buffer.from(text, 'utf8');
  const copy = Buffer.from(bytes);
  const value = parseJsonPieces(bytes);
  expect(bytes.equals(copy)).toBe(true);
  expect(value).not.toBe(WHOLE);
  expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse(text)));
  return value;
}

/** Strings that look like the structure around them: brackets, commas, quotes, the cut patterns. */
const tricky = ['},{"id":"x"', '],"value":[', 'a\\"b', '\\\\', '{[', ']}', 'Zoë 部署 🤖', '\n        },\n        {'];

function servicePrincipal(i: number): Record<string, unknown> {
  return {
    id: `sp-${i}`,
    displayName: tricky[i % tricky.length] + i,
    appRoles: [{ allowedMemberTypes: ['Application'], id: `r-${i}` }, { id: `r2-${i}`, value: '},{"id":' }],
    tags: i % 3 === 0 ? [] : ['a', 'b'],
    n: i * 1.5,
    nothing: null,
    ok: i % 2 === 0,
  };
}

describe('parseJsonPieces gives JSON.parse value for the snapshot shapes', () => {
  it('an Entra page (an object with a long value list), minified', () => {
    const page = { '@odata.context': 'https://graph.example/$metadata#servicePrincipals', value: Array.from({ length: 12_000 }, (_, i) => servicePrincipal(i)) };
    const text = JSON.stringify(page);
    expect(text.length).toBeGreaterThan(PIECES_MIN_FILE_BYTES);
    const value = same(text) as { value: unknown[] };
    expect(value.value).toHaveLength(12_000);
  });

  it('an Okta list (a root array), and the same pretty-printed', () => {
    const list = Array.from({ length: 12_000 }, (_, i) => servicePrincipal(i));
    same(JSON.stringify(list));
    same(JSON.stringify(list, null, 4));
  });

  it('AWS authorization details: four lists in one object, pretty-printed, with short and empty lists among them', () => {
    const entity = (kind: string, i: number) => ({ Path: '/', [`${kind}Name`]: `${kind}-${i}`, Arn: `arn:aws:iam::123456789012:${kind}/${i}`, List: [{ PolicyName: `p${i}`, Doc: '{"Statement":[]}' }] });
    const details = {
      UserDetailList: Array.from({ length: 6_000 }, (_, i) => entity('user', i)),
      GroupDetailList: Array.from({ length: 3 }, (_, i) => entity('group', i)),
      RoleDetailList: Array.from({ length: 6_000 }, (_, i) => entity('role', i)),
      Empty: [],
      Policies: Array.from({ length: 4_000 }, (_, i) => entity('policy', i)),
      Marker: 'end',
    };
    same(JSON.stringify(details, null, 4));
    same(JSON.stringify(details));
  });

  it('keys JSON.parse makes own properties (__proto__), and integer-like keys, in elements', () => {
    const list = Array.from({ length: 20_000 }, (_, i) => JSON.parse(`{"__proto__":{"polluted":${i}},"2":"two","b":${i},"1":"one"}`) as unknown);
    const value = same(JSON.stringify({ value: list })) as { value: Record<string, unknown>[] };
    expect(Object.hasOwn(value.value[5], '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('elements whose strings hold the guessed cut everywhere', () => {
    // The first cut's bytes (`},{"id":`) also sit inside the strings of every element, so most
    // guesses land inside a string; the value must still be JSON.parse's.
    const list = Array.from({ length: 15_000 }, (_, i) => ({ id: `x${i}`, note: '},{"id":"fake"},{"id":'.repeat(i % 4), more: [{ id: 'n' }, { id: 'm' }] }));
    same(JSON.stringify({ value: list }));
  });
});

describe('parseJsonPieces leaves the text to JSON.parse whole', () => {
  const pieces = (text: string): unknown => {
    const bytes = Buffer.from(text, 'utf8');
    const copy = Buffer.from(bytes);
    const value = parseJsonPieces(bytes);
    expect(bytes.equals(copy)).toBe(true);
    return value;
  };
  const longList = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `e${i}`, v: 'x'.repeat(40) }));

  it('when the long list key appears twice (JSON.parse keeps the last)', () => {
    const text = `{"value":${JSON.stringify(longList(30_000))},"value":[]}`;
    expect(JSON.parse(text)).toEqual({ value: [] });
    expect(pieces(text)).toBe(WHOLE);
  });

  it('when the file is malformed anywhere, so that the whole parse names the place', () => {
    const good = JSON.stringify({ value: longList(30_000) });
    const mid = good.indexOf('"e15000"');
    for (const bad of [
      good.slice(0, mid - 1) + good.slice(mid), // a missing comma between elements
      good.slice(0, -2) + ',]}', // a trailing comma in the list
      good.slice(0, -1), // cut short
      good + 'x', // junk after the value
      good.replace('"e20000"', '"e20000\\q"'), // a bad escape
      good.replace('"value":', '"value" '), // the skeleton broken (no colon)
    ]) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(pieces(bad)).toBe(WHOLE);
    }
  });

  it('when the text starts with a byte order mark, or is short', () => {
    const text = JSON.stringify({ value: longList(30_000) });
    expect(pieces('\ufeff' + text)).toBe(WHOLE);
    expect(pieces('{"value":[1,2,3]}')).toBe(WHOLE);
  });
});

describe('readJson of a large malformed file', () => {
  it('names the file, line and column as the whole parse does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-pieces-'));
    const list = Array.from({ length: 20_000 }, (_, i) => ({ id: `e${i}`, v: 'y'.repeat(30) }));
    const good = JSON.stringify({ value: list }, null, 2);
    const mid = good.indexOf('"e12000"');
    const bad = good.slice(0, mid) + 'oops' + good.slice(mid + 8);
    const file = join(dir, 'big.json');
    writeFileSync(file, bad);
    const lineOf = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (e instanceof InputError) return e.oneLine();
        throw e;
      }
      throw new Error('parsed');
    };
    const expected = lineOf(() => parseJson(bad, file));
    expect(expected).toMatch(/line \d+ column \d+: invalid JSON: unexpected "o"/);
    expect(lineOf(() => readJson(file))).toBe(expected);
    expect(lineOf(() => readJson(file, new ReadBuffer()))).toBe(expected);
  });
});
