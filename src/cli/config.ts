import { existsSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../errors.js';
import { DEFAULT_CONFIG, type NhiConfig } from '../config/types.js';
import { isObject } from '../snapshot/shape.js';
import { parseJson, readText } from './io.js';

const DEFAULT_PATHS = ['.nhiscan/config.yaml', '.nhiscan/config.yml', '.nhiscan/config.json'];
const LIST_KEYS = ['serviceAccountPatterns', 'knownServiceAccounts', 'serviceAccountTypes', 'agentPatterns', 'knownAgents', 'disabledRules'] as const;

/** Reads a JSON or YAML file, naming the line of a syntax error. */
export function readStructured(file: string): unknown {
  const text = readText(file);
  if (/\.ya?ml$/i.test(file)) {
    try {
      return parseYaml(text);
    } catch (e) {
      if (e instanceof YAMLParseError) {
        const pos = e.linePos?.[0];
        throw new InputError(`invalid YAML (${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')})`, file, pos ? `line ${pos.line} column ${pos.col}` : undefined);
      }
      throw e;
    }
  }
  return parseJson(text, file);
}

/** Loads the configuration: the named file, else a default path when present, else the defaults. */
export function loadConfig(file?: string): NhiConfig {
  const path = file ?? DEFAULT_PATHS.find((p) => existsSync(p));
  if (!path) return { ...DEFAULT_CONFIG };
  const raw = readStructured(path);
  if (raw === null || raw === undefined) return { ...DEFAULT_CONFIG };
  if (!isObject(raw)) throw new InputError('expected a mapping at the top level', path);
  const known = new Set<string>([...LIST_KEYS, 'rules', 'extends']);
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
          throw new InputError(`not a valid regular expression: ${JSON.stringify(p)}`, path, `${k}[${i}]`);
        }
      });
    }
    cfg[k] = v;
  }
  if (raw.rules !== undefined) {
    if (!isObject(raw.rules)) throw new InputError('expected a mapping of rule id to options', path, 'rules');
    for (const [id, opts] of Object.entries(raw.rules)) {
      if (!isObject(opts)) throw new InputError('expected a mapping of option to value', path, `rules.${id}`);
      cfg.rules[id] = opts;
    }
  }
  return cfg;
}
