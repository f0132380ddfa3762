import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { oktaRules } from '../../../rules/okta/index.js';
import { validateMeta } from '../../../src/engine/meta.js';

const RULES_DIR = fileURLToPath(new URL('../../../rules/okta/', import.meta.url));
const TESTS_DIR = fileURLToPath(new URL('./', import.meta.url));

describe('okta rule registry', () => {
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, '')).sort();

  it('registers every rule file once, under its file name', () => {
    expect(oktaRules.map((r) => r.meta.id).sort()).toEqual(files);
    expect(oktaRules.length).toBeGreaterThanOrEqual(10);
  });

  it.each(oktaRules.map((r) => [r.meta.id, r] as const))('%s has valid metadata, a test, and imports only the rule kit', (id, rule) => {
    expect(validateMeta(rule)).toEqual([]);
    expect(readdirSync(TESTS_DIR)).toContain(`${id}.test.ts`);
    const src = readFileSync(`${RULES_DIR}${id}.ts`, 'utf8');
    const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.every((i) => i === '../../src/rule-kit.js')).toBe(true);
  });
});
