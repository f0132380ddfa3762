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
    expect(lineOf('\ufeff{"a": oops}')).toBe('f.json: line 1 column 7: invalid JSON: unexpected "o"');
    expect(lineOf('\ufeff{"a":\n 1,, }')).toBe(lineOf('{"a":\n 1,, }'));
    expect(lineOf('\ufeff{"a": 1')).toBe(lineOf('{"a": 1'));
  });
});

describe('JSON syntax errors inside a value', () => {
  it('quote one character, never the text around it (it may be a secret)', () => {
    const secret = 'Zx9~AbCdEfGhIjKlMnOp';
    for (const text of [`{"clientSecret": ${secret}}`, `{"clientSecret": "${secret.slice(0, 8)}\\q${secret.slice(8)}"}`, `{"clientSecret": "${secret.slice(0, 8)}\t${secret.slice(8)}"}`]) {
      const line = lineOf(text);
      expect(line).toMatch(/^f\.json: line 1 column \d+: invalid JSON/);
      for (let i = 0; i + 3 <= secret.length; i++) expect(line, line).not.toContain(secret.slice(i, i + 3));
    }
  });
});
