/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`…).
 * They are only variables in documents with Version 2012-10-17; older documents treat the
 * text literally.
 */
import { resolveKey, type KeyEnvironment } from './context.js';

/** A template piece: literal text (may hold wildcards), or a variable reference. */
export type TemplatePart = { text: string } | { key: string; fallback?: string };

const VARIABLE = /\$\{([^}]*)\}/g;
const SPECIAL: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * Splits a string into template parts, or returns undefined when it has no variables.
 * `${*}`, `${?}`, `${$}` stand for the literal characters and are marked as such by a
 * `{ key: '' , fallback }` part so that they are never treated as wildcards.
 */
export function parseTemplate(value: string, version: string | undefined): TemplatePart[] | undefined {
  if (version !== '2012-10-17' || !value.includes('${')) return undefined;
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of value.matchAll(VARIABLE)) {
    if (m.index > last) parts.push({ text: value.slice(last, m.index) });
    const inner = m[1].trim();
    if (Object.hasOwn(SPECIAL, inner)) {
      parts.push({ key: '', fallback: SPECIAL[inner] });
    } else {
      const comma = inner.indexOf(',');
      if (comma >= 0) {
        const fallback = inner.slice(comma + 1).trim().replace(/^'(.*)'$/s, '$1');
        parts.push({ key: inner.slice(0, comma).trim(), fallback });
      } else {
        parts.push({ key: inner });
      }
    }
    last = m.index + m[0].length;
  }
  if (last < value.length) parts.push({ text: value.slice(last) });
  return parts;
}

/**
 * A substituted piece: wildcard-capable text, a literal value, or a hole whose value is unknown
 * but for the text it begins with, when that is known (`prefix`: a role session's aws:userid).
 */
export type ResolvedPart = { glob: string } | { literal: string } | { unknown: true; prefix?: string };

/**
 * Substitutes variables. Returns `null` when a variable is absent without a default: IAM then
 * treats the element as not matching. Multi-valued keys cannot be variables, so they resolve as unknown.
 */
export function resolveTemplate(parts: TemplatePart[], env: KeyEnvironment): ResolvedPart[] | null {
  const out: ResolvedPart[] = [];
  for (const part of parts) {
    if ('text' in part) {
      out.push({ glob: part.text });
      continue;
    }
    if (part.key === '') {
      out.push({ literal: part.fallback ?? '' });
      continue;
    }
    const v = resolveKey(part.key, env);
    if (v.state === 'present' && v.values.length === 1) out.push({ literal: v.values[0] });
    else if (v.state === 'absent' || (v.state === 'present' && v.values.length === 0)) {
      if (part.fallback === undefined) return null;
      out.push({ literal: part.fallback });
    } else if (v.state === 'prefixed') out.push({ unknown: true, prefix: v.prefix });
    else out.push({ unknown: true });
  }
  return out;
}

export function hasUnknown(parts: ResolvedPart[]): boolean {
  return parts.some((p) => 'unknown' in p);
}
