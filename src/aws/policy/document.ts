/**
 * IAM policy documents, normalised: every string-or-array field becomes an array, and every
 * condition value becomes a string, so the evaluator never has to branch on shapes.
 */

import { jsonErrorOffset } from '../../cli/json-position.js';

/** `Principal` / `NotPrincipal`: `"*"` or a map from principal type (AWS, Service, Federated, CanonicalUser) to values. */
export type PrincipalBlock = '*' | Record<string, string[]>;

/** Condition block: operator (e.g. `StringEquals`, `ForAnyValue:StringLike`) -> condition key -> values. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

/** One normalised statement. Exactly one of `action`/`notAction` is set; at most one of `resource`/`notResource`. */
export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalBlock;
  notPrincipal?: PrincipalBlock;
  condition?: ConditionBlock;
}

/** A normalised policy document. `version` decides whether `${...}` is a policy variable (2012-10-17 only). */
export interface PolicyDocument {
  version?: string;
  id?: string;
  statements: PolicyStatement[];
}

/** Why a document could not be used, and where (a JSON path relative to the document, e.g. `Statement[2].Effect`). */
export interface DocumentProblem {
  path: string;
  problem: string;
}

export type DocumentParseResult = { ok: true; document: PolicyDocument } | { ok: false; error: DocumentProblem };

/** Identity policies need a Resource; trust (resource-based) policies need a Principal instead. */
export type DocumentKind = 'identity' | 'trust';

class ProblemError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(problem);
  }
}

function stringList(value: unknown, path: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ProblemError(path, 'expected a string or an array of strings');
}

function principalBlock(value: unknown, path: string): PrincipalBlock {
  if (value === '*') return '*';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProblemError(path, 'expected "*" or an object of principal types');
  }
  const out: Record<string, string[]> = {};
  for (const [type, v] of Object.entries(value)) out[type] = stringList(v, `${path}.${type}`);
  return out;
}

function conditionValue(v: unknown, path: string): string {
  // IAM accepts booleans and numbers in condition values and compares them as strings.
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  throw new ProblemError(path, 'condition values must be strings, numbers or booleans');
}

function conditionBlock(value: unknown, path: string): ConditionBlock {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ProblemError(path, 'expected an object');
  const out: ConditionBlock = {};
  for (const [op, keys] of Object.entries(value)) {
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) {
      throw new ProblemError(`${path}.${op}`, 'expected an object of condition keys');
    }
    const entry: Record<string, string[]> = {};
    for (const [key, vals] of Object.entries(keys)) {
      const at = `${path}.${op}.${key}`;
      entry[key] = Array.isArray(vals) ? vals.map((v, i) => conditionValue(v, `${at}[${i}]`)) : [conditionValue(vals, at)];
    }
    out[op] = entry;
  }
  return out;
}

function statement(raw: unknown, path: string, kind: DocumentKind): PolicyStatement {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ProblemError(path, 'statement must be an object');
  const s = raw as Record<string, unknown>;
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new ProblemError(`${path}.Effect`, 'Effect must be "Allow" or "Deny"');
  const out: PolicyStatement = { effect: s.Effect };
  if (s.Sid !== undefined) {
    if (typeof s.Sid !== 'string') throw new ProblemError(`${path}.Sid`, 'Sid must be a string');
    out.sid = s.Sid;
  }
  if ((s.Action === undefined) === (s.NotAction === undefined)) {
    throw new ProblemError(path, 'statement needs exactly one of Action or NotAction');
  }
  if (s.Action !== undefined) out.action = stringList(s.Action, `${path}.Action`);
  else out.notAction = stringList(s.NotAction, `${path}.NotAction`);
  if (s.Resource !== undefined && s.NotResource !== undefined) {
    throw new ProblemError(path, 'statement has both Resource and NotResource');
  }
  if (s.Resource !== undefined) out.resource = stringList(s.Resource, `${path}.Resource`);
  if (s.NotResource !== undefined) out.notResource = stringList(s.NotResource, `${path}.NotResource`);
  if (kind === 'identity' && !out.resource && !out.notResource) {
    throw new ProblemError(path, 'identity policy statement needs Resource or NotResource');
  }
  // IAM refuses Principal and NotPrincipal in an identity policy (they belong to resource and
  // trust policies), and the identity evaluator does not read them: a Deny with NotPrincipal would
  // silently deny everything, or nothing. Such a document is malformed, like a lower-case Effect.
  if (kind === 'identity') {
    for (const key of ['Principal', 'NotPrincipal'] as const) {
      if (s[key] !== undefined) throw new ProblemError(`${path}.${key}`, `an identity policy cannot have ${key} (IAM refuses it)`);
    }
  }
  if (s.Principal !== undefined) out.principal = principalBlock(s.Principal, `${path}.Principal`);
  if (s.NotPrincipal !== undefined) out.notPrincipal = principalBlock(s.NotPrincipal, `${path}.NotPrincipal`);
  if (kind === 'trust' && !out.principal && !out.notPrincipal) {
    throw new ProblemError(path, 'trust policy statement needs Principal or NotPrincipal');
  }
  if (s.Condition !== undefined) out.condition = conditionBlock(s.Condition, `${path}.Condition`);
  return out;
}

/**
 * Validates and normalises a policy document that is already a JS value.
 * Never throws: a malformed document comes back as `{ ok: false, error }`.
 */
export function normalizePolicyDocument(raw: unknown, kind: DocumentKind = 'identity'): DocumentParseResult {
  try {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ProblemError('', 'policy document must be a JSON object');
    const d = raw as Record<string, unknown>;
    if (d.Version !== undefined && typeof d.Version !== 'string') throw new ProblemError('Version', 'Version must be a string');
    if (d.Statement === undefined) throw new ProblemError('Statement', 'missing Statement');
    const list = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
    const statements = list.map((s, i) => statement(s, Array.isArray(d.Statement) ? `Statement[${i}]` : 'Statement', kind));
    const document: PolicyDocument = { statements };
    if (typeof d.Version === 'string') document.version = d.Version;
    if (typeof d.Id === 'string') document.id = d.Id;
    return { ok: true, document };
  } catch (err) {
    if (err instanceof ProblemError) return { ok: false, error: { path: err.path, problem: err.problem } };
    throw err;
  }
}

/**
 * Accepts a document as the AWS CLI prints it (a JSON object), as the raw IAM API returns it
 * (a URL-encoded JSON string; the JS SDK v3 does not decode it), or as a plain JSON string.
 */
export function parsePolicyDocument(raw: unknown, kind: DocumentKind = 'identity'): DocumentParseResult {
  if (typeof raw !== 'string') return normalizePolicyDocument(raw, kind);
  let text = raw.trim();
  if (!text.startsWith('{')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return { ok: false, error: { path: '', problem: 'policy document string is neither JSON nor valid URL-encoding' } };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // Not V8's message: it quotes the text around the fault ('Unexpected token 'C', "CANARYpoli"...
    // is not valid JSON'), and a document is provider data that may hold anything. Where it stops
    // being JSON, and the one character found there, as a snapshot file's syntax error is named.
    if (err instanceof RangeError) return { ok: false, error: { path: '', problem: 'policy document is nested too deeply to read' } };
    const at = jsonErrorOffset(text);
    const found = at < 0 || at >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(String.fromCodePoint(text.codePointAt(at) ?? 0))} at character ${at + 1}`;
    return { ok: false, error: { path: '', problem: `policy document is not valid JSON (${found})` } };
  }
  return normalizePolicyDocument(value, kind);
}
