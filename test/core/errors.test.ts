import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';

describe('InputError.oneLine', () => {
  it('keeps an error quoting untrusted values on one line, with control characters escaped', () => {
    const e = new InputError('organization id \n differs (\u001b[31mred\r\t\u2028)', 'entra/organization.json', '$.value[0].id');
    expect(e.oneLine()).toBe('entra/organization.json: $.value[0].id: organization id \\n differs (\\u001b[31mred\\r\\t\\u2028)');
    expect(new InputError('plain', 'f').oneLine()).toBe('f: plain');
  });
});
