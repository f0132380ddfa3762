import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { awsRules } from '../../../rules/aws/index.js';
import { validateMeta } from '../../../src/engine/meta.js';

const RULES_DIR = fileURLToPath(new URL('../../../rules/aws/', import.meta.url));
const TESTS_DIR = fileURLToPath(new URL('./', import.meta.url));

describe('aws rule registry', () => {
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, '')).sort();

  it('registers every rule file once, under its file name', () => {
    expect(awsRules.map((r) => r.meta.id).sort()).toEqual(files);
    expect(awsRules.length).toBeGreaterThanOrEqual(14);
  });

  it.each(awsRules.map((r) => [r.meta.id, r] as const))('%s has valid metadata, a test, AWS doc references, and imports only the rule kit', (id, rule) => {
    expect(validateMeta(rule)).toEqual([]);
    expect(rule.meta.providers).toEqual(['aws']);
    expect(rule.meta.references.some((r) => r.startsWith('https://docs.aws.amazon.com/'))).toBe(true);
    expect(readdirSync(TESTS_DIR)).toContain(`${id}.test.ts`);
    const src = readFileSync(`${RULES_DIR}${id}.ts`, 'utf8');
    const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.every((i) => i === '../../src/rule-kit.js')).toBe(true);
  });
});
