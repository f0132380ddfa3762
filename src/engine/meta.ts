import { SEVERITIES, type RuleDefinition, type RuleOption } from './types.js';
import { quoteInput } from '../reporters/sanitize.js';

const ID_RE = /^(aws|entra|okta|nhi)-[a-z0-9]+(-[a-z0-9]+)*$/;
const OWASP_RE = /^NHI([1-9]|10):2025$/;
const PROVIDERS = new Set(['entra', 'okta', 'aws', 'external']);

/** Returns every problem with a rule's metadata (empty when valid). */
export function validateMeta(rule: RuleDefinition): string[] {
  const m = rule.meta;
  const problems: string[] = [];
  const where = `rule ${m?.id ?? '(no id)'}`;
  if (!m || typeof m !== 'object') return [`${where}: meta missing`];
  if (!ID_RE.test(m.id ?? '')) problems.push(`${where}: id must be kebab-case with a provider prefix (aws-, entra-, okta-, nhi-)`);
  for (const field of ['title', 'description', 'risk', 'remediation'] as const) {
    if (typeof m[field] !== 'string' || m[field].trim().length < 10) problems.push(`${where}: ${field} missing or too short`);
  }
  if (!SEVERITIES.includes(m.severity)) problems.push(`${where}: severity must be one of ${SEVERITIES.join(', ')}`);
  if (!Array.isArray(m.providers) || m.providers.length === 0 || !m.providers.every((p) => PROVIDERS.has(p))) {
    problems.push(`${where}: providers must list entra/okta/aws`);
  }
  const prefix = m.id?.split('-')[0];
  if (prefix && prefix !== 'nhi' && !m.providers?.includes(prefix as never)) {
    problems.push(`${where}: id prefix ${prefix} is not among its providers`);
  }
  if (!Array.isArray(m.owasp) || m.owasp.length === 0 || !m.owasp.every((o) => OWASP_RE.test(o))) {
    problems.push(`${where}: owasp must list OWASP NHI Top 10 2025 ids such as NHI7:2025`);
  }
  if (!Array.isArray(m.references) || m.references.length === 0 || !m.references.every((r) => /^https:\/\//.test(r))) {
    problems.push(`${where}: references must be https URLs`);
  }
  if (m.maturity !== 'stable' && m.maturity !== 'experimental') problems.push(`${where}: maturity must be stable or experimental`);
  if (!m.messages || Object.keys(m.messages).length === 0) problems.push(`${where}: messages missing`);
  for (const [opt, def] of Object.entries(m.options ?? {})) {
    if (def === null || typeof def !== 'object' || !('default' in def) || typeof def.description !== 'string') {
      problems.push(`${where}: option ${opt} needs a default and a description`);
      continue;
    }
    // The config loader checks values against these; the default must pass the same checks.
    const bad = optionValueProblem(def, def.default);
    if (bad) problems.push(`${where}: option ${opt} default${bad.at ?? ''}: ${bad.problem}`);
    if (/Patterns?$/.test(opt) && !def.regex) problems.push(`${where}: option ${opt} is named as a pattern but does not declare regex: true`);
  }
  if (!rule.evaluates || !Array.isArray(rule.evaluates.types) || (rule.evaluates.types.length === 0 && !rule.evaluates.kinds?.length)) {
    problems.push(`${where}: evaluates.types missing`);
  }
  if (typeof rule.check !== 'function') problems.push(`${where}: check must be a function`);
  return problems;
}

/**
 * A value of an option checked against its metadata beyond its type (the loader checks the type
 * first): regular expressions compile, values are among those allowed or of the declared form,
 * numbers within range. `at` is the list position (`[2]`) of the bad item, if any. A value the
 * rule could never match (`super_admin` for `SUPER_ADMIN`, tier 30) would otherwise switch the
 * check off without a word.
 */
export function optionValueProblem(def: RuleOption, v: unknown): { at?: string; problem: string } | undefined {
  if (typeof v === 'number') {
    const range = def.max !== undefined ? ` from 0 to ${def.max}` : ', 0 or more';
    if (def.integer && !Number.isInteger(v)) return { problem: `expected a whole number${range}` };
    if (def.max !== undefined && v > def.max) return { problem: `expected a${def.integer ? ' whole' : ''} number${range}` };
    return undefined;
  }
  const items = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
  for (let i = 0; i < items.length; i++) {
    const x: unknown = items[i];
    if (typeof x !== 'string') continue;
    const at = Array.isArray(v) ? `[${i}]` : undefined;
    const fail = (problem: string) => (at === undefined ? { problem } : { at, problem });
    if (def.regex) {
      try {
        new RegExp(x, 'i');
      } catch {
        return fail(`not a valid regular expression: ${quoteInput(x)}`);
      }
    }
    // Provider values are upper case (Okta role types and user statuses): a lower-case one is
    // refused with the spelling that works rather than accepted, so the file says what is compared.
    const fits = (s: string) => (!def.values || def.values.includes(s)) && (!def.form || def.form.pattern.test(s));
    if (!fits(x)) {
      const hint = fits(x.toUpperCase()) ? ` (did you mean ${quoteInput(x.toUpperCase())}?)` : '';
      return fail(def.values && !def.values.includes(x) ? `not one of: ${def.values.join(', ')}${hint}` : `expected ${def.form!.description}${hint}`);
    }
  }
  return undefined;
}
