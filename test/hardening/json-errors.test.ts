import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/cli/io.js';
import { InputError } from '../../src/errors.js';

function lineOf(text: string): string {
  try {
    parseJson(text, 'f.json');
  } catch (e) {
    if (e instanceof InputError) return e.oneLine();
    throw e;
  }
  throw new Error('parsed');
}

describe('JSON syntax errors in a file that starts with a byte order mark', () => {
  it('name the same place and quote the same text as without the mark', () => {
    expect(lineOf('\ufeff{"a": oops}')).toBe(lineOf('{"a": oops}'));
    expect(lineOf('\ufeff{"a": oops}')).toBe('f.json: line 1 column 7: invalid JSON near "oops}"');
    expect(lineOf('\ufeff{"a":\n 1,, }')).toBe(lineOf('{"a":\n 1,, }'));
    expect(lineOf('\ufeff{"a": 1')).toBe(lineOf('{"a": 1'));
  });
});
