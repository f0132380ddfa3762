import type { YAMLError, YAMLWarning } from 'yaml';
import { InputError } from './errors.js';

/**
 * The first error, or else warning, of a parsed YAML document as one line, or undefined when it
 * has none. A warning (an unknown tag such as `!custom`) is refused like an error: the library
 * would read the tagged value some other way than it is written. The library's first line ends
 * with the place again and the colon of a code frame ("… at line 3, column 5:"): the place is
 * said once, in front, as for every JSON syntax error. The config file and the waivers file read
 * their YAML through this; `noPlace` is the location when the library gives none.
 */
export function yamlProblem(doc: { errors: readonly YAMLError[]; warnings: readonly YAMLWarning[] }, file: string, lead: string, noPlace?: string): InputError | undefined {
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (!problem) return undefined;
  const pos = problem.linePos?.[0];
  const what = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return new InputError(`${lead} (${what})`, file, pos ? `line ${pos.line} column ${pos.col}` : noPlace);
}
