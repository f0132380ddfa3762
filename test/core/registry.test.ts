import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { allRules } from '../../rules/index.js';
import { validateMeta } from '../../src/engine/meta.js';
import type { RuleMeta } from '../../src/engine/types.js';

const root = join(import.meta.dirname, '..', '..');
const PROVIDERS = ['aws', 'entra', 'okta', 'nhi'];

function ruleFiles(): { provider: string; id: string; path: string }[] {
  const out: { provider: string; id: string; path: string }[] = [];
  for (const p of PROVIDERS) {
    const dir = join(root, 'rules', p);
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.ts') || f === 'index.ts') continue;
      out.push({ provider: p, id: basename(f, '.ts'), path: join(dir, f) });
    }
  }
  return out;
}

describe('rule registry', () => {
  it('lists every rule file exactly once, under its file name', () => {
    const files = ruleFiles();
    const registered = allRules.map((r) => r.meta.id);
    expect(new Set(registered).size).toBe(registered.length);
    for (const f of files) expect(registered, `${f.path} is not registered in rules/${f.provider}/index.ts`).toContain(f.id);
    expect(registered.length).toBe(files.length);
  });

  it('has valid metadata for every rule', () => {
    for (const r of allRules) expect(validateMeta(r), r.meta.id).toEqual([]);
  });

  it('has a test file for every rule', () => {
    for (const f of ruleFiles()) {
      expect(existsSync(join(root, 'test', 'rules', f.provider, `${f.id}.test.ts`)), `no test/rules/${f.provider}/${f.id}.test.ts`).toBe(true);
    }
  });

  it('rules import nothing but the rule kit', () => {
    for (const f of ruleFiles()) {
      const src = readFileSync(f.path, 'utf8');
      const imports = [...src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g), ...src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
      for (const spec of imports) expect(spec, `${f.path} imports ${spec}`).toBe('../../src/rule-kit.js');
    }
  });

  it('covers at least 6 OWASP NHI categories across the three providers', () => {
    const owasp = new Set(allRules.flatMap((r) => r.meta.owasp));
    expect(owasp.size).toBeGreaterThanOrEqual(6);
    for (const p of ['aws', 'entra', 'okta']) expect(allRules.some((r) => r.meta.providers.includes(p as never))).toBe(true);
  });
});

describe('validateMeta', () => {
  const good = allRules[0];
  it('rejects a rule without OWASP ids, with a bad id or a bad severity', () => {
    expect(validateMeta({ ...good, meta: { ...good.meta, owasp: [] } }).join()).toMatch(/owasp/);
    expect(validateMeta({ ...good, meta: { ...good.meta, owasp: ['NHI11:2025' as never] } }).join()).toMatch(/owasp/);
    expect(validateMeta({ ...good, meta: { ...good.meta, id: 'Bad_Id' } }).join()).toMatch(/kebab-case/);
    expect(validateMeta({ ...good, meta: { ...good.meta, severity: 'urgent' as never } }).join()).toMatch(/severity/);
    expect(validateMeta({ ...good, meta: { ...good.meta, references: ['http://insecure.example'] } }).join()).toMatch(/references/);
  });

  it('rejects option metadata whose default breaks its own checks, and an undeclared pattern', () => {
    const withOptions = (options: RuleMeta['options']) => validateMeta({ ...good, meta: { ...good.meta, options } }).join();
    expect(withOptions({ minTier: { default: 5, max: 4, integer: true, description: 'd' } })).toMatch(/option minTier default: expected a whole number from 0 to 4/);
    expect(withOptions({ kinds: { default: ['A', 'b'], values: ['A', 'B'], description: 'd' } })).toMatch(/option kinds default\[1\]: not one of: A, B \(did you mean "B"\?\)/);
    expect(withOptions({ namePatterns: { default: ['^svc'], description: 'd' } })).toMatch(/namePatterns is named as a pattern but does not declare regex/);
    expect(withOptions({ namePatterns: { default: ['('], regex: true, description: 'd' } })).toMatch(/not a valid regular expression/);
    expect(withOptions({ namePatterns: { default: ['^svc'], regex: true, description: 'd' } })).toBe('');
  });
});

describe('docs/rules.md', () => {
  it('is current (run `npm run docs:rules` after changing a rule)', async () => {
    const { renderRulesDoc } = await import('../../scripts/rules-doc.js');
    expect(readFileSync(join(root, 'docs', 'rules.md'), 'utf8')).toBe(renderRulesDoc(allRules));
  });
});
