import { parseDocument } from 'yaml';
import { yamlProblem } from '../yaml-problem.js';
import { InputError } from '../errors.js';
import { DEFAULT_CONFIG, type NhiConfig } from '../config/types.js';
import { isObject } from '../snapshot/shape.js';
import { defaultFilePresent, onlyDefault, parseJson, readText } from './io.js';
import { jsonDuplicateKey } from './json-position.js';
import { optionValueProblem } from '../engine/meta.js';
import { allRules } from '../../rules/index.js';
import type { RuleDefinition } from '../engine/types.js';
import { quoteInput } from '../reporters/sanitize.js';

const DEFAULT_PATHS = ['.nhiscan/config.yaml', '.nhiscan/config.yml', '.nhiscan/config.json'];
const LIST_KEYS = ['serviceAccountPatterns', 'knownServiceAccounts', 'serviceAccountTypes', 'agentPatterns', 'knownAgents', 'disabledRules'] as const;

/** Reads a JSON or YAML file, naming the line of a syntax error. */
export function readStructured(file: string): unknown {
  const text = readText(file);
  if (/\.ya?ml$/i.test(file)) {
    // A warning (an unknown tag such as `!custom` or `!!js/function`) is an error here, as it is
    // for the waivers file: `parse` would print the library's own multi-line warning to stderr
    // and go on with the tagged value read some other way. parseDocument only collects them.
    const doc = parseDocument(text);
    const problem = yamlProblem(doc, file, 'invalid YAML');
    if (problem) throw problem;
    // Turning the document into values expands aliases; the library refuses too many of them
    // (an alias bomb, a "billion laughs") by throwing. The waivers reader walks the document
    // without expanding, so it never sees this; here it is a bad file like any other.
    try {
      return doc.toJS();
    } catch (e) {
      throw new InputError(`invalid YAML (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`, file);
    }
  }
  const value = parseJson(text, file);
  // JSON.parse keeps the last of two equal keys; the YAML reader refuses them, and so does this:
  // of `maxAgeDays: 10` and `maxAgeDays: 5000`, the one meant cannot be known.
  const dup = jsonDuplicateKey(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (dup) throw new InputError(`duplicate key ${quoteInput(dup.key)}${dup.path ? ` in ${dup.path}` : ''}`, file, `line ${dup.line} column ${dup.column}`);
  return value;
}

/**
 * The configuration file read when `--config` is not given: the default path present. Two of
 * them present (a config.json left beside a new config.yaml) are refused: only one would be read,
 * and the settings of the other would silently do nothing.
 */
export function defaultConfigFile(): string | undefined {
  return onlyDefault(DEFAULT_PATHS.filter((p) => defaultFilePresent(p)), 'config', '--config');
}

/**
 * Loads the configuration: the named file, else a default path when present, else the defaults.
 * Rule ids, option names and option types are checked against `rules`.
 */
export function loadConfig(file?: string, rules: readonly RuleDefinition[] = allRules): NhiConfig {
  const path = file ?? defaultConfigFile();
  if (!path) return { ...DEFAULT_CONFIG };
  const raw = readStructured(path);
  if (raw === null || raw === undefined) return { ...DEFAULT_CONFIG };
  if (!isObject(raw)) throw new InputError('expected a mapping at the top level', path);
  const known = new Set<string>([...LIST_KEYS, 'rules']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new InputError(`unknown setting "${k}"`, path, k);
  const cfg: NhiConfig = { ...DEFAULT_CONFIG, rules: {} };
  for (const k of LIST_KEYS) {
    const v = raw[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new InputError('expected a list of strings', path, k);
    if (k.endsWith('Patterns')) {
      v.forEach((p, i) => {
        try {
          new RegExp(p, 'i');
        } catch {
          throw new InputError(`not a valid regular expression: ${quoteInput(p)}`, path, `${k}[${i}]`);
        }
      });
    }
    cfg[k] = v;
  }
  const metas = new Map(rules.map((r) => [r.meta.id, r.meta]));
  cfg.disabledRules.forEach((id, i) => {
    if (!metas.has(id)) throw new InputError(`unknown rule id ${quoteInput(id)} (see \`nhiscan rules list\`)`, path, `disabledRules[${i}]`);
  });
  if (raw.rules !== undefined) {
    if (!isObject(raw.rules)) throw new InputError('expected a mapping of rule id to options', path, 'rules');
    for (const [id, opts] of Object.entries(raw.rules)) {
      const meta = metas.get(id);
      if (!meta) throw new InputError('unknown rule id (see `nhiscan rules list`)', path, `rules.${id}`);
      if (!isObject(opts)) throw new InputError('expected a mapping of option to value', path, `rules.${id}`);
      for (const [k, v] of Object.entries(opts)) {
        // Own keys only: `constructor` or `toString` would otherwise find Object.prototype's.
        const def = meta.options && Object.hasOwn(meta.options, k) ? meta.options[k] : undefined;
        const known = Object.keys(meta.options ?? {});
        if (!def) throw new InputError(`unknown option (${known.length ? `known: ${known.join(', ')}` : 'this rule has none'})`, path, `rules.${id}.${k}`);
        const wrong = optionTypeError(def.default, v);
        if (wrong) throw new InputError(wrong, path, `rules.${id}.${k}`);
        const invalid = def.validate?.(v);
        if (invalid) throw new InputError(invalid.problem, path, `rules.${id}.${k}${invalid.at ? `.${invalid.at}` : ''}`);
        // Patterns, allowed values and ranges, as the option declares them (see RuleOption).
        const bad = optionValueProblem(def, v);
        if (bad) throw new InputError(bad.problem, path, `rules.${id}.${k}${bad.at ?? ''}`);
      }
      cfg.rules[id] = opts;
    }
  }
  return cfg;
}

/**
 * An option takes the type of its default. A wrong type must stop the run: rules compare with
 * `Number(option)`, and a NaN threshold would make the rule silently never fire.
 */
function optionTypeError(def: unknown, v: unknown): string | undefined {
  if (typeof def === 'number') return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'expected a number, 0 or more';
  if (typeof def === 'boolean') return typeof v === 'boolean' ? undefined : 'expected true or false';
  if (typeof def === 'string') return typeof v === 'string' ? undefined : 'expected a string';
  if (Array.isArray(def)) return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'expected a list of strings';
  return isObject(v) ? undefined : 'expected a mapping';
}
