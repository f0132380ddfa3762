import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entraRules } from '../../../rules/entra/index.js';
import { validateMeta } from '../../../src/engine/meta.js';

const RULES_DIR = new URL('../../../rules/entra/', import.meta.url).pathname;
const TESTS_DIR = new URL('./', import.meta.url).pathname;
const files = readdirSync(RULES_DIR).filter((f) => f.startsWith('entra-') && f.endsWith('.ts'));

describe('entra rule registry', () => {
  it('registers every rule file once, under its file name', () => {
    expect(entraRules.map((r) => `${r.meta.id}.ts`).sort()).toEqual([...files].sort());
    expect(entraRules.length).toBeGreaterThanOrEqual(12);
  });

  it.each(entraRules.map((r) => [r.meta.id, r] as const))('%s has valid metadata, a test and imports only the rule kit', (id, rule) => {
    expect(validateMeta(rule)).toEqual([]);
    expect(rule.meta.providers).toEqual(['entra']);
    expect(readdirSync(TESTS_DIR)).toContain(`${id}.test.ts`);
    const imports = [...readFileSync(`${RULES_DIR}${id}.ts`, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(new Set(imports)).toEqual(new Set(['../../src/rule-kit.js']));
    for (const template of Object.values(rule.meta.messages)) {
      expect(template).toContain('{{name}}');
    }
  });
});
