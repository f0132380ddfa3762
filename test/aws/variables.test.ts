import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/aws/policy/variables.js';

describe('policy variables', () => {
  it('reads ${*}, ${?} and ${$} as the literal characters', () => {
    expect(parseTemplate('a${*}b', '2012-10-17')).toEqual([{ text: 'a' }, { key: '', fallback: '*' }, { text: 'b' }]);
    expect(parseTemplate('${$}', '2012-10-17')).toEqual([{ key: '', fallback: '$' }]);
  });

  it('reads a name Object.prototype happens to have (${constructor}, ${toString}) as a variable, not as a literal', () => {
    // Policy text is untrusted: a lookup that walks the prototype chain would turn these into
    // the text of a JavaScript function.
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(parseTemplate(`arn:aws:s3:::bucket/\${${name}}`, '2012-10-17'), name).toEqual([{ text: 'arn:aws:s3:::bucket/' }, { key: name }]);
    }
  });
});
