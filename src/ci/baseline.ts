import type { Finding, Severity } from '../engine/types.js';
import { isSeverity, SEVERITY_RANK } from '../engine/severity.js';
import { baseCapability } from '../engine/missing-capability.js';
import { InputError } from '../errors.js';
import { quoteInput } from '../reporters/sanitize.js';
import { compareText } from '../compare.js';
import { oktaOrigin } from '../graph/ids.js';
import { PATH_RULE_ID } from '../../rules/nhi/nhi-path-to-crown-jewel.js';
import type { CoverageRecord } from '../snapshot/types.js';

/** One accepted finding, identified by its fingerprint; rule and subject are kept for humans reading the file. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  subjectId: string;
  /**
   * The (tiered) severity accepted with it. A later scan that finds it at a higher severity (the
   * identity gained privileges) reports it as new again. Absent in baselines written before 0.1.
   */
  severity?: Severity;
  /**
   * For a path finding (nhi-path-to-crown-jewel): the provider, kind and scope of the crown jewel
   * it reached. Its fingerprint is a hash of these, so without them a later scan that no longer
   * finds the path could only recover them by hashing every kind with every scope (see
   * src/cli/ci.ts, pathEvidence). Absent in baselines written by earlier versions.
   */
  path?: BaselinePath;
}

/** What a path entry reached (see {@link BaselineEntry.path}). */
export interface BaselinePath {
  provider: string;
  crownJewel: string;
  scope: string;
}


/** The jewel a path finding reached, from its evidence (the target's provider is its id's first part: src/graph/ids.ts). */
function pathOf(f: Finding): BaselinePath | undefined {
  const { target, crownJewel, targetScope } = f.evidence;
  if (f.ruleId !== PATH_RULE_ID || typeof target !== 'string' || typeof crownJewel !== 'string' || typeof targetScope !== 'string') return undefined;
  return { provider: target.slice(0, target.indexOf(':')), crownJewel, scope: targetScope };
}

/** A tenant, Okta org or AWS account a baseline was written from. */
export interface BaselineScope {
  provider: string;
  id: string;
}

/** The baseline file (`--write-baseline`, `nhiscan baseline write`). */
export interface Baseline {
  schemaVersion: 1;
  tool: 'nhiscan';
  createdAt: string;
  /**
   * The scopes the scan read, sorted: what tells a baseline of another estate apart, and the
   * scopes an entry with an old, scope-less path fingerprint can stand for (see
   * compareWithBaseline). Absent in baselines written before 0.1.
   */
  scopes?: BaselineScope[];
  findings: BaselineEntry[];
}

/** How the current findings compare with a baseline. */
export interface BaselineCounts {
  new: number;
  unchanged: number;
  /** In the baseline, no longer found, and judged gone: the rule could tell. */
  resolved: number;
  /**
   * In the baseline, no longer found, but not judged by this scan: the rule answered unknown for
   * the subject, did not run, or the subject is missing from data that was not (fully) read.
   */
  unknown: number;
}

/**
 * Whether this scan could not have judged a baseline entry that it no longer finds (see
 * {@link baselineJudge}); without one, every entry no longer found counts as resolved.
 */
export type Unjudged = (entry: BaselineEntry) => boolean;

/**
 * What `--baseline F --write-baseline F` keeps of the baseline it compared with: the entries the
 * scan could not judge (their data, scope or rule was not read: counted unknown, not resolved),
 * and the scopes the earlier baseline covered. Written without them, a partial run would drop
 * findings that were accepted, and the next full scan would call them new.
 */
export interface Carried {
  entries: readonly BaselineEntry[];
  scopes: readonly BaselineScope[];
}

/** Builds a baseline from a scan's findings, sorted by fingerprint so the file diffs cleanly. */
export function createBaseline(findings: readonly Finding[], createdAt: string, scopes?: readonly BaselineScope[], carried?: Carried): Baseline {
  const byFp = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const known = byFp.get(f.fingerprint);
    if (!known) {
      const entry: BaselineEntry = { fingerprint: f.fingerprint, ruleId: f.ruleId, subjectId: f.subject.id, severity: f.severity };
      const path = pathOf(f);
      if (path !== undefined) entry.path = path;
      byFp.set(f.fingerprint, entry);
    } else if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[known.severity!]) known.severity = f.severity;
  }
  // Entries of an earlier baseline that the scan could not judge stay accepted (see Carried),
  // unless the same fingerprint was found now, which is written as found.
  for (const e of carried?.entries ?? []) if (!byFp.has(e.fingerprint)) byFp.set(e.fingerprint, { ...e });
  const entries = [...byFp.values()].sort((a, b) => compareText(a.fingerprint, b.fingerprint));
  if (scopes === undefined) return { schemaVersion: 1, tool: 'nhiscan', createdAt, findings: entries };
  // The scopes the carried entries were accepted in stay covered too.
  const all = new Map<string, BaselineScope>();
  for (const x of [...scopes, ...(carried?.scopes ?? [])]) if (!all.has(scopeKey(x))) all.set(scopeKey(x), x);
  const sorted = [...all.values()].map((x) => ({ provider: x.provider, id: x.id })).sort((a, b) => compareText(scopeKey(a), scopeKey(b)));
  return { schemaVersion: 1, tool: 'nhiscan', createdAt, scopes: sorted, findings: entries };
}

export function serializeBaseline(baseline: Baseline): string {
  return JSON.stringify(baseline, null, 2) + '\n';
}

/** Validates a parsed baseline file; errors name the JSON path of the bad value. */
export function parseBaseline(value: unknown, file: string): Baseline {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('expected a baseline object', file, '$');
  const v = value as Record<string, unknown>;
  if (v.schemaVersion !== 1) throw new InputError('unsupported baseline schemaVersion (expected 1)', file, '$.schemaVersion');
  if (v.tool !== 'nhiscan') throw new InputError('not an nhiscan baseline (tool must be "nhiscan")', file, '$.tool');
  if (!Array.isArray(v.findings)) throw new InputError('expected an array', file, '$.findings');
  // Where each fingerprint was first seen: a second entry of it is refused, since which of the two
  // (and which accepted severity) was meant cannot be known, and the answer would turn on their
  // order. nhiscan writes each fingerprint once.
  const first = new Map<string, number>();
  const findings: BaselineEntry[] = v.findings.map((e: unknown, i: number) => {
    const at = `$.findings[${i}]`;
    if (typeof e !== 'object' || e === null) throw new InputError('expected an object', file, at);
    const r = e as Record<string, unknown>;
    if (typeof r.fingerprint !== 'string' || r.fingerprint === '') throw new InputError('expected a fingerprint string', file, `${at}.fingerprint`);
    const earlier = first.get(r.fingerprint);
    if (earlier !== undefined) throw new InputError(`fingerprint ${quoteInput(r.fingerprint.slice(0, 64))} is also at $.findings[${earlier}]; keep one entry per finding`, file, `${at}.fingerprint`);
    first.set(r.fingerprint, i);
    // Rule and subject may be left out or null (a hand-written entry matches by fingerprint
    // alone; such an entry is never judged resolved, see judgeable), but a value given must be a
    // string: `String(5)` would name a rule that never ran.
    for (const k of ['ruleId', 'subjectId'] as const) {
      if (r[k] !== undefined && r[k] !== null && typeof r[k] !== 'string') throw new InputError(`expected a ${k} string`, file, `${at}.${k}`);
    }
    const entry: BaselineEntry = { fingerprint: r.fingerprint, ruleId: typeof r.ruleId === 'string' ? r.ruleId : '', subjectId: typeof r.subjectId === 'string' ? r.subjectId : '' };
    if (r.severity !== undefined) {
      if (typeof r.severity !== 'string' || !isSeverity(r.severity)) throw new InputError('expected critical, high, medium, low or info', file, `${at}.severity`);
      entry.severity = r.severity;
    }
    if (r.path !== undefined) {
      const p = r.path as Record<string, unknown>;
      if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new InputError('expected an object with provider, crownJewel and scope', file, `${at}.path`);
      for (const k of ['provider', 'crownJewel', 'scope'] as const) {
        if (typeof p[k] !== 'string' || p[k] === '') throw new InputError(`expected a ${k} string`, file, `${at}.path.${k}`);
      }
      entry.path = { provider: p.provider as string, crownJewel: p.crownJewel as string, scope: p.scope as string };
    }
    return entry;
  });
  const createdAt = String(v.createdAt ?? '');
  if (v.scopes === undefined) return { schemaVersion: 1, tool: 'nhiscan', createdAt, findings };
  if (!Array.isArray(v.scopes)) throw new InputError('expected an array', file, '$.scopes');
  const scopes = v.scopes.map((e: unknown, i: number): BaselineScope => {
    const r = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    if (typeof r.provider !== 'string' || r.provider === '') throw new InputError('expected a provider string', file, `$.scopes[${i}].provider`);
    if (typeof r.id !== 'string' || r.id === '') throw new InputError('expected a scope id string', file, `$.scopes[${i}].id`);
    return { provider: r.provider, id: r.id };
  });
  return { schemaVersion: 1, tool: 'nhiscan', createdAt, scopes, findings };
}

export function judgedKey(ruleId: string, subjectId: string): string {
  return `${ruleId}\n${subjectId}`;
}

/**
 * A scope as the prefix of its subjects' ids. An Okta org is keyed by its origin, as the node ids
 * are, so a baseline written when the scope kept the org URL as written (`HTTPS://Acme.okta.com:443/`)
 * still matches a scan of the same org.
 */
export function scopeKey(s: BaselineScope): string {
  return `${s.provider}:${s.provider === 'okta' ? oktaOrigin(s.id) : s.id}`;
}

/**
 * Marks each finding `new` or `unchanged` by fingerprint and counts the baseline entries that
 * are gone: `resolved`, or `unknown` when `unjudged` says this scan could not have found them
 * (returned as `unjudged`, which a baseline written after the comparison keeps: see Carried). A
 * rule that could not judge a subject reports nothing about it, so "not found" alone is no
 * evidence that the risk went away. A known finding whose severity is now above the one in the baseline is `new`: the
 * risk that was accepted is not the one found. Sets both `status` and `baselineState` (which
 * waivers leave alone). With `legacy`, a finding not known by its fingerprint is looked up by the
 * one earlier versions gave it (`legacyMatches` counts those, `legacyKeyMatches` those of them
 * about Okta app keys). Entries without a rule or subject
 * are never resolved. Returns new finding objects; the input is not modified.
 */
export function compareWithBaseline(
  findings: readonly Finding[],
  baseline: Baseline,
  unjudged?: Unjudged,
  legacy?: ReadonlyMap<string, LegacyFingerprint>,
): { findings: Finding[]; counts: BaselineCounts; legacyMatches: number; legacyKeyMatches: number; matched: ReadonlySet<string>; resolved: BaselineEntry[]; unjudged: BaselineEntry[] } {
  const known = new Map(baseline.findings.map((e) => [e.fingerprint, e]));
  const seen = new Set<string>();
  const counts: BaselineCounts = { new: 0, unchanged: 0, resolved: 0, unknown: 0 };
  // An old fingerprint stands for the finding only in a scope the baseline was written for: it
  // named no scope, and matching it elsewhere is the mistake the new one corrects. A baseline
  // that recorded no scopes cannot say, so its old fingerprints match nothing.
  const covered = new Set((baseline.scopes ?? []).map(scopeKey));
  let legacyMatches = 0;
  let legacyKeyMatches = 0;
  const out = findings.map((f): Finding => {
    seen.add(f.fingerprint);
    let entry = known.get(f.fingerprint);
    const old = entry === undefined ? legacy?.get(f.fingerprint) : undefined;
    if (old !== undefined && covered.has(scopeKey(old.scope)) && known.has(old.fingerprint) && !seen.has(old.fingerprint)) {
      entry = known.get(old.fingerprint);
      seen.add(old.fingerprint);
      legacyMatches++;
      if (old.about === 'okta-key') legacyKeyMatches++;
    }
    const escalated = entry?.severity !== undefined && SEVERITY_RANK[f.severity] > SEVERITY_RANK[entry.severity];
    const status = entry !== undefined && !escalated ? 'unchanged' : 'new';
    counts[status]++;
    return { ...f, status, baselineState: status };
  });
  const resolved: BaselineEntry[] = [];
  const notJudged: BaselineEntry[] = [];
  for (const [fp, entry] of known) {
    if (seen.has(fp)) continue;
    if (!judgeable(entry) || unjudged?.(entry)) notJudged.push(entry);
    else resolved.push(entry);
  }
  counts.unknown = notJudged.length;
  counts.resolved = resolved.length;
  return { findings: out, counts, legacyMatches, legacyKeyMatches, matched: seen, resolved, unjudged: notJudged };
}

/**
 * Whether an entry names the rule and subject it is about. One without (written by hand) still
 * matches by fingerprint, but no scan can tell whether its finding is gone: unknown, never resolved.
 */
export function judgeable(entry: BaselineEntry): boolean {
  return entry.ruleId !== '' && entry.subjectId !== '';
}

/** The fingerprint earlier versions gave a finding, and the scope it is about (see compareWithBaseline). */
export interface LegacyFingerprint {
  fingerprint: string;
  scope: BaselineScope;
  /**
   * Which change made it old: absent for a path into another scope (whose old fingerprint named
   * no scope); `okta-key` for a finding about an Okta app's public key (named by where the key
   * was read, now by its thumbprint). Messages differ.
   */
  about?: 'okta-key';
}

/** What a scan knows about its own blind spots, for {@link baselineJudge}. */
export interface ScanEvidence {
  scopes: readonly BaselineScope[];
  coverage: readonly CoverageRecord[];
  /** The capabilities each rule that ran requires; a rule not listed did not run. */
  ruleRequires: ReadonlyMap<string, readonly string[]>;
  /** Per subject id, the rules that answered unknown for it. */
  unknownBySubject: ReadonlyMap<string, readonly string[]>;
  /**
   * `ruleId` and subject id (see {@link judgedKey}) of the baseline entries whose subject the rule
   * evaluated in this scan: present, of its types, and let through by its `where`.
   */
  evaluated: ReadonlySet<string>;
  /**
   * Fingerprints of path entries this scan cannot judge although the rule evaluated the subject:
   * the jewel's scope was not read, or the subject still reaches a jewel of that kind elsewhere,
   * the one finding per kind the rule reports, so whether this one is still reached is not known.
   */
  unjudgedPaths?: ReadonlySet<string>;
  /** Per current fingerprint, the one earlier versions gave the finding (see compareWithBaseline). */
  legacy?: ReadonlyMap<string, LegacyFingerprint>;
  /**
   * The display names of the baseline's subjects this scan still has in its graph: a resolved
   * entry is named in the report by its subject's name as well as its id.
   */
  subjectNames?: ReadonlyMap<string, string>;
}

/**
 * The capabilities that list each provider's subjects: when one was not read in a scope, a
 * subject missing from that scope may have been deleted or merely not read.
 */
const INVENTORY: Record<string, readonly string[]> = {
  entra: ['entra.servicePrincipals', 'entra.applications', 'entra.users', 'entra.federatedIdentityCredentials'],
  okta: ['okta.users', 'okta.apps', 'okta.apiTokens'],
  aws: ['aws.iam', 'aws.credentialReport', 'aws.account'],
};

/**
 * Decides, for a baseline entry this scan no longer finds, whether the scan could have found it.
 * It could not when the rule answered unknown for the subject, when the rule did not run, and
 * when the rule did not evaluate the subject (gone, or not selected) in a scope whose inventory
 * or whose rule's required data was not read (or a scope this scan did not read at all). A subject outside every scope (an external
 * issuer) is judged gone only when no scope has such a gap. Entries without a rule or subject
 * (hand-written files) cannot be checked: unknown.
 */
export function baselineJudge(evidence: ScanEvidence): Unjudged {
  // A record for part of a capability (`entra.federatedIdentityCredentials@federatedIdentityCredentials.json`:
  // some parents missing from the file, see src/snapshot/relationship-gaps.ts) counts as a gap in
  // the whole capability, the part before its `@`. What the unread part would have listed is not
  // known, so neither is which subjects it would have made (an external workload trusted only by
  // an unread federated credential has no node): no entry can be tied to the parents it names.
  const gaps = evidence.coverage.filter((c) => c.status !== 'collected').map((c) => ({ provider: c.provider, scope: c.scope, capability: baseCapability(c.capability) }));
  const gapIn = (provider: string, scope: string | undefined, requires: readonly string[]) =>
    gaps.some((g) => g.provider === provider && (scope === undefined || g.scope === scope) && ((INVENTORY[provider] ?? []).includes(g.capability) || requires.includes(g.capability)));
  // Each scope's id prefix once, not once per entry judged (an Okta scope's key parses its URL).
  const prefixes = evidence.scopes.map((s) => ({ scope: s, prefix: `${scopeKey(s)}:` }));
  return (entry) => {
    if (!judgeable(entry)) return true;
    if (evidence.unjudgedPaths?.has(entry.fingerprint)) return true;
    const requires = evidence.ruleRequires.get(entry.ruleId);
    if (requires === undefined) return true;
    if (evidence.unknownBySubject.get(entry.subjectId)?.includes(entry.ruleId)) return true;
    // Evaluated and not unknown: the rule judged it, and it passes now.
    if (evidence.evaluated.has(judgedKey(entry.ruleId, entry.subjectId))) return false;
    // Not evaluated: the subject is gone or no longer selected (disabled, no longer a machine),
    // which data that was not read can cause as well as a real change.
    const scope = prefixes.find((p) => entry.subjectId.startsWith(p.prefix))?.scope;
    if (scope !== undefined) return gapIn(scope.provider, scope.id, requires);
    const provider = entry.subjectId.slice(0, entry.subjectId.indexOf(':'));
    // A provider's subject in none of the scopes read: that tenant or account was not scanned.
    if (Object.hasOwn(INVENTORY, provider)) return true;
    return Object.keys(INVENTORY).some((p) => gapIn(p, undefined, requires));
  };
}

/**
 * How the scopes a baseline was written from compare with those scanned: `foreign` when they
 * share none (another tenant, or the wrong file), `added` and `dropped` otherwise. A baseline
 * without `scopes` (written before 0.1) is placed by its subject ids instead; one whose
 * subjects name no provider scope at all cannot be placed (`recorded: false`).
 */
export function compareScopes(baseline: Baseline, scanned: readonly BaselineScope[]): { recorded: boolean; foreign: boolean; added: string[]; dropped: string[] } {
  const now = scanned.map(scopeKey);
  if (baseline.scopes === undefined) {
    const scoped = baseline.findings.filter((e) => Object.keys(INVENTORY).some((p) => e.subjectId.startsWith(`${p}:`)));
    if (scoped.length === 0 || now.length === 0) return { recorded: false, foreign: false, added: [], dropped: [] };
    const foreign = !scoped.some((e) => now.some((k) => e.subjectId.startsWith(`${k}:`)));
    return { recorded: false, foreign, added: [], dropped: [] };
  }
  const then = baseline.scopes.map(scopeKey);
  const added = now.filter((k) => !then.includes(k));
  const dropped = then.filter((k) => !now.includes(k));
  const foreign = then.length > 0 && now.length > 0 && added.length === now.length;
  return { recorded: true, foreign, added, dropped };
}
