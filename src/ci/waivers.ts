import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YamlNode, type Pair } from 'yaml';
import type { Finding, Severity } from '../engine/types.js';
import { isSeverity, SEVERITY_RANK } from '../engine/severity.js';
import { baseCapability } from '../engine/missing-capability.js';
import { InputError } from '../errors.js';
import { yamlProblem } from '../yaml-problem.js';
import { parseIsoInstant } from '../iso-date.js';
import { compileWildcard, globTokens } from '../aws/policy/wildcard.js';
import { scopeKey, type LegacyFingerprint } from './baseline.js';
import { quoteInput, safeText } from '../reporters/sanitize.js';
import { oktaOrigin } from '../graph/ids.js';

/** One accepted risk from the waivers file. */
export interface Waiver {
  /** Matches one finding exactly. */
  fingerprint?: string;
  /** With `subject`: matches this rule's findings on the subjects the pattern names. */
  ruleId?: string;
  /**
   * Exact value or glob (`*`, `?`) tested against the subject's stable id, native id (ARN,
   * object id) and, for an Entra app, its app id. Never its display name: names are provider-controlled, so whoever can
   * create or rename an app could make it match and have its findings waived.
   */
  subject?: string;
  reason: string;
  owner: string;
  ticket?: string;
  /** `YYYY-MM-DD` (waives through the end of that UTC day) or a full ISO-8601 instant. */
  expires: string;
  /**
   * The (tiered) severity accepted. A finding it matches at a higher severity is not covered (it
   * counts again, with a message), as a baseline treats it as new. Without it: any severity.
   */
  severity?: Severity;
  /** Where the entry is written, for messages. */
  source: { file: string; line: number };
}

/**
 * What a scan did not read, as far as waivers care: whether a waiver that matches nothing is
 * stale, or its finding may only be hidden by the gap (unknown, or its subject not read).
 */
export interface WaiverGaps {
  /** The capabilities not collected: one per coverage record whose status is not `collected`. */
  gaps: readonly { provider: string; scope: string; capability: string }[];
  /**
   * A rule's providers (its meta) and the capabilities without which it may not report a finding
   * it would: those it requires (`evaluates.requires`) and those that list its subjects
   * (missing-capability.ts listingCapabilities); `capabilities` undefined when these are not all
   * known (a rule that requires nothing, or evaluates a type not listed there or a kind whose types
   * are not known: missing-capability.ts typesOfKind). The whole answer undefined for a rule this
   * version does not know.
   */
  rule: (ruleId: string) => { providers: readonly string[]; capabilities?: readonly string[] } | undefined;
  /** Whether the rule answered unknown for some subject in this scan. */
  answeredUnknown: (ruleId: string) => boolean;
}

/**
 * The gaps that could hide a finding the waiver would match (none: it is stale). A rule is not
 * run on a scope lacking a capability it requires (its subjects there are unknown), and has no
 * subject where the list of its subjects was not read: only such a gap can hide its finding, and
 * only in a scope the waiver's subject may be in. Its other reads it reports as unknown answers,
 * so any gap keeps the waiver once the rule answered unknown somewhere (a rule may also read
 * another provider's data: an Okta AWS app is linked to AWS roles). A rule that requires nothing
 * declares no capability to rule a gap out: any gap in its providers might. Without a rule to go
 * by (a waiver by fingerprint alone, a rule this version does not ship), any gap might.
 */
function mayBeHidden(w: Waiver, gaps: WaiverGaps | undefined): WaiverGaps['gaps'] {
  if (gaps === undefined || gaps.gaps.length === 0) return [];
  if (w.ruleId === undefined) return gaps.gaps;
  const rule = gaps.rule(w.ruleId);
  if (rule === undefined || gaps.answeredUnknown(w.ruleId)) return gaps.gaps;
  const needed = rule.capabilities;
  if (needed === undefined) return gaps.gaps.filter((g) => rule.providers.includes(g.provider));
  return gaps.gaps.filter(
    // A per-item record (`okta.groupFilter@<app>`, `entra.groups@<file>`) is a gap in the capability before its `@`.
    (g) => needed.includes(baseCapability(g.capability)) && subjectMayBeIn(w.subject, g.provider, g.scope),
  );
}

/**
 * The gaps that keep a waiver, for its message: the first in coverage order (capability,
 * provider and scope, so the reader knows what to collect), and how many others there are.
 */
function gapsText(gaps: WaiverGaps['gaps']): string {
  const first = gaps[0];
  const more = gaps.length - 1;
  return `not collected: ${safeText(first.capability)} in ${first.provider} ${safeText(first.scope)}${more > 0 ? `, and ${more} other gap${more === 1 ? '' : 's'}` : ''}`;
}

/**
 * Whether a subject pattern may match a subject of the provider's scope: false only when the
 * pattern names another scope, as a stable id (`aws:<account>:…`, `entra:<tenant>:…`,
 * `okta:<org>:…`) or an ARN with its account (`arn:aws:iam::<account>:…`). A pattern that names
 * none (a bare object id, an app id, a leading `*`) may be in any scope.
 */
function subjectMayBeIn(pattern: string | undefined, provider: string, scope: string): boolean {
  if (pattern === undefined) return true;
  const id = /^(aws|entra|okta):/.exec(pattern);
  if (id !== undefined && id !== null) {
    // Stable ids start `<provider>:<scope>:` (graph/ids.ts nodeId; an Okta org by its origin).
    return id[1] === provider && globMayStartWith(pattern, `${provider}:${provider === 'okta' ? oktaOrigin(scope) : scope}:`);
  }
  const arn = /^arn:[^:*?]*:[^:*?]*:[^:*?]*:(\d{12}):/.exec(pattern);
  if (arn !== null) return provider === 'aws' && arn[1] === scope;
  return true;
}

/** Whether some text the glob matches starts with `prefix` (`*` any run, `?` one character). */
function globMayStartWith(glob: string, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (i >= glob.length) return false;
    if (glob[i] === '*') return true;
    if (glob[i] !== '?' && glob[i] !== prefix[i]) return false;
  }
  return true;
}

/** What the waivers did to a scan's findings. */
export interface WaiverOutcome {
  /** New finding objects; waived ones carry `status: 'waived'` and `waiver`. */
  findings: Finding[];
  waived: number;
  expired: { waiver: Waiver; matched: number }[];
  stale: Waiver[];
  /** One line per expired or stale entry, naming file and line. */
  messages: string[];
  /** True when an expired waiver covers a finding that no active waiver covers. */
  expiredFail: boolean;
}

const KEYS = new Set(['fingerprint', 'ruleId', 'subject', 'reason', 'owner', 'ticket', 'expires', 'severity']);
const DAY_MS = 86_400_000;

/**
 * Parses a waivers file: either a list of entries or `{ waivers: [...] }`, in YAML or JSON.
 * Every error names the file and the line of the offending entry or key.
 */
export function parseWaivers(text: string, file: string): Waiver[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, keepSourceTokens: true, uniqueKeys: true });
  const lineOf = (node: YamlNode | null | undefined): number => (node?.range ? lc.linePos(node.range[0]).line : 1);
  const fail = (msg: string, node?: YamlNode | null): never => {
    throw new InputError(msg, file, `line ${lineOf(node)}`);
  };
  // Errors and warnings (an unknown tag) refused as in the config file (yamlProblem).
  const problem = yamlProblem(doc, file, 'cannot parse waivers', 'line 1');
  if (problem) throw problem;
  let list: YamlNode | null = doc.contents as YamlNode | null;
  if (list === null || (isScalar(list) && (list.value === null || list.value === ''))) return [];
  if (isMap(list)) {
    for (const p of list.items) {
      const k = keyName(p);
      if (k !== 'waivers') fail(`unknown top-level key ${quoteInput(k)} (expected "waivers")`, p.key as YamlNode);
    }
    list = (list.get('waivers', true) as YamlNode | undefined) ?? null;
    if (list === null) return [];
  }
  if (!isSeq(list)) return fail('expected a list of waivers (or "waivers:" with a list)', list);
  return list.items.map((item) => parseEntry(item as YamlNode, file, fail, lineOf));
}

function keyName(p: Pair): string {
  return isScalar(p.key) ? String(p.key.value) : String(p.key);
}

function parseEntry(
  item: YamlNode,
  file: string,
  fail: (msg: string, node?: YamlNode | null) => never,
  lineOf: (node: YamlNode | null | undefined) => number,
): Waiver {
  if (!isMap(item)) return fail('a waiver must be a mapping with reason, owner, expires and a fingerprint or ruleId + subject', item);
  const values = new Map<string, { value: unknown; node: YamlNode }>();
  for (const p of item.items) {
    const k = keyName(p);
    if (!KEYS.has(k)) fail(`unknown key ${quoteInput(k)} in waiver (allowed: ${[...KEYS].join(', ')})`, p.key as YamlNode);
    const node = (p.value ?? p.key) as YamlNode;
    values.set(k, { value: isScalar(p.value) ? p.value.value : p.value, node });
  }
  const str = (k: string, required: boolean): string | undefined => {
    const v = values.get(k);
    if (v === undefined || v.value === null || v.value === undefined) {
      if (required) fail(`waiver is missing "${k}"`, item);
      return undefined;
    }
    // Ticket numbers are often written bare (ticket: 1234).
    if (typeof v.value === 'number' && k === 'ticket') return String(v.value);
    if (typeof v.value !== 'string' || v.value.trim() === '') fail(`"${k}" must be a non-empty string`, v.node);
    return (v.value as string).trim();
  };
  const fingerprint = str('fingerprint', false);
  const ruleId = str('ruleId', false);
  const subject = str('subject', false);
  const reason = str('reason', true)!;
  const owner = str('owner', true)!;
  const ticket = str('ticket', false);
  const expires = str('expires', true)!;
  const severity = str('severity', false);
  if (severity !== undefined && !isSeverity(severity)) {
    fail(`"severity" must be critical, high, medium, low or info, got ${quoteInput(severity.slice(0, 40))}`, values.get('severity')!.node);
  }
  // A rule id is matched exactly; only the subject takes * and ?. Accepted, "*" would waive
  // nothing while its author reads it as "every rule".
  if (ruleId !== undefined && /[*?]/.test(ruleId)) {
    fail(`"ruleId" names one rule exactly (only "subject" takes * and ?), got ${quoteInput(ruleId.slice(0, 60))}`, values.get('ruleId')!.node);
  }
  if (fingerprint === undefined && (ruleId === undefined || subject === undefined)) {
    fail('waiver needs a "fingerprint", or a "ruleId" together with a "subject"', item);
  }
  if (expiryInstant(expires) === undefined) {
    fail(`"expires" must be a date (YYYY-MM-DD) or an ISO-8601 instant, got ${quoteInput(expires.slice(0, 40))}`, values.get('expires')!.node);
  }
  const w: Waiver = { reason, owner, expires, source: { file, line: lineOf(item) } };
  if (fingerprint !== undefined) w.fingerprint = fingerprint;
  if (ruleId !== undefined) w.ruleId = ruleId;
  if (subject !== undefined) w.subject = subject;
  if (ticket !== undefined) w.ticket = ticket;
  if (severity !== undefined) w.severity = severity as Severity;
  return w;
}

/** The first instant at which the waiver no longer applies, or undefined for a bad value. */
export function expiryInstant(expires: string): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) {
    const t = Date.parse(`${expires}T00:00:00Z`);
    // Date.parse rolls 2026-02-30 over to March; a round trip catches it.
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== expires) return undefined;
    return t + DAY_MS;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(expires)) return undefined;
  // Without a zone, UTC (like the date-only form), so a waiver expires at one instant everywhere.
  const t = parseIsoInstant(expires);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Glob (`*` any run, `?` one character; everything else literal) as a whole-string predicate.
 * The policy evaluator's wildcard matcher: a pattern with many stars is matched in linear time
 * (as a regular expression of `.*` runs it took seconds per provider-controlled name).
 */
export function compileGlob(glob: string): (text: string) => boolean {
  const tester = compileWildcard(globTokens(glob));
  return (s) => tester.test(s);
}

interface Compiled {
  waiver: Waiver;
  subject?: (text: string) => boolean;
  expired: boolean;
  matched: number;
  /** Matched findings above the accepted severity (not covered), and the highest such severity. */
  outgrown: number;
  highest?: Severity;
  /** Findings of its rule whose display name, but neither id, the subject pattern matches (not covered). */
  byNameOnly: number;
  /** How many of those another entry waives, so the message does not call them unwaived. */
  byNameOnlyWaived: number;
  /** For an expired entry: how many of the findings it matched another, active entry waives. */
  waivedElsewhere?: number;
  /** The stable id of the first of them, to suggest in the message. */
  nameOnlyExample?: string;
  /** The findings it matched by the fingerprint an earlier version gave them (see applyWaivers' `earlier`): current fingerprint and scope reached. */
  renamed?: { fingerprint: string; reaches: string }[];
  /** The same for findings about Okta app keys (LegacyFingerprint `about`): their current fingerprints. */
  renamedKeys?: string[];
}

/** The key of an entry for `ruleId` on the exact subject `text` (see applyWaivers' byRuleSubject). */
function ruleSubjectKey(ruleId: string, text: string): string {
  return `${ruleId}\u0000${text}`;
}

/** Whether the waiver accepted the finding's severity (any, when it records none). */
function accepts(c: Compiled, f: Finding): boolean {
  const s = c.waiver.severity;
  if (s === undefined || SEVERITY_RANK[f.severity] <= SEVERITY_RANK[s]) return true;
  c.outgrown++;
  if (c.highest === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[c.highest]) c.highest = f.severity;
  return false;
}

/**
 * The bare 12-digit id of a trusted AWS account outside the scan (its scope), for a finding on
 * one. Its native id is the account's root principal ARN; earlier versions gave the bare id, and
 * a waiver written with it keeps matching.
 */
function outsideAccountId(f: Finding): string | undefined {
  return f.provider === 'external' && f.subject.type === 'aws-account' ? f.subject.scope : undefined;
}

/** Whether the entry matches the finding; an entry that matches it by display name only goes to `nameOnly`. */
function matches(c: Compiled, f: Finding, nameOnly: Compiled[], earlier: string | undefined): boolean {
  const w = c.waiver;
  if (w.fingerprint !== undefined && w.fingerprint !== f.fingerprint && w.fingerprint !== earlier) return false;
  if (w.ruleId !== undefined && w.ruleId !== f.ruleId) return false;
  const { id, nativeId, appId } = f.subject;
  const account = outsideAccountId(f);
  if (c.subject && !(c.subject(id) || c.subject(nativeId) || (appId !== undefined && c.subject(appId)) || (account !== undefined && c.subject(account)))) {
    // Earlier versions also matched the display name: such an entry now waives nothing, and says so.
    if (!c.expired && c.subject(f.subject.name)) nameOnly.push(c);
    return false;
  }
  return true;
}

/**
 * Applies waivers to findings as of `now`. Waivers are indexed by fingerprint and by rule id, so
 * the cost is one map lookup per finding plus the few waivers written for its rule. A waiver
 * that matches nothing is not called stale when one of `gaps` (capabilities not collected) could
 * hide its finding (mayBeHidden): it may only be unknown in this scan. `earlier` gives, per current fingerprint, the one
 * an earlier version gave the same finding (paths into another scope, findings about Okta app
 * keys: see src/cli/ci.ts, legacyFingerprints): an entry written with that one still waives it, and says what to write
 * instead, so that upgrading nhiscan does not turn accepted risk into failures.
 */
export function applyWaivers(
  findings: readonly Finding[],
  waivers: readonly Waiver[],
  now: Date,
  gaps?: WaiverGaps,
  earlier?: ReadonlyMap<string, LegacyFingerprint>,
): WaiverOutcome {
  const byFp = new Map<string, Compiled[]>();
  const byRule = new Map<string, Compiled[]>();
  // Entries of a rule whose subject is an exact value (no `*` or `?`), by rule and that value: a
  // file of 20,000 such entries for one rule tested each against every finding of the rule.
  const byRuleSubject = new Map<string, Compiled[]>();
  const all: Compiled[] = waivers.map((w) => {
    const c: Compiled = { waiver: w, expired: now.getTime() >= (expiryInstant(w.expires) ?? 0), matched: 0, outgrown: 0, byNameOnly: 0, byNameOnlyWaived: 0 };
    if (w.subject !== undefined) c.subject = compileGlob(w.subject);
    const [map, key] =
      w.fingerprint !== undefined ? [byFp, w.fingerprint] : w.subject !== undefined && !/[*?]/.test(w.subject) ? [byRuleSubject, ruleSubjectKey(w.ruleId!, w.subject)] : [byRule, w.ruleId!];
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
    return c;
  });
  const order = new Map(all.map((c, i) => [c, i]));
  let waived = 0;
  let expiredFail = false;
  const out = findings.map((f): Finding => {
    const nameOnly: Compiled[] = [];
    const renamed = earlier?.get(f.fingerprint);
    const old = renamed?.fingerprint;
    const byOld = old !== undefined ? (byFp.get(old) ?? []) : [];
    const exact: Compiled[] = [];
    if (byRuleSubject.size > 0) {
      // Every text `matches` tests an entry's subject against, the display name included (an
      // entry that matches only by it is reported): an exact entry can match no other.
      const { id, nativeId, appId, name } = f.subject;
      for (const text of [id, nativeId, appId, outsideAccountId(f), name]) {
        if (text === undefined) continue;
        for (const c of byRuleSubject.get(ruleSubjectKey(f.ruleId, text)) ?? []) if (!exact.includes(c)) exact.push(c);
      }
    }
    const candidates = [...(byFp.get(f.fingerprint) ?? []), ...byOld, ...(byRule.get(f.ruleId) ?? []), ...exact]
      .filter((c) => matches(c, f, nameOnly, old))
      .sort((a, b) => order.get(a)! - order.get(b)!);
    for (const c of candidates) {
      c.matched++;
      if (renamed === undefined || c.waiver.fingerprint !== renamed.fingerprint) continue;
      if (renamed.about === 'okta-key') (c.renamedKeys ??= []).push(f.fingerprint);
      else (c.renamed ??= []).push({ fingerprint: f.fingerprint, reaches: scopeKey(renamed.scope) });
    }
    const active = candidates.find((c) => !c.expired && accepts(c, f));
    if (active) for (const c of candidates) if (c.expired) c.waivedElsewhere = (c.waivedElsewhere ?? 0) + 1;
    for (const c of nameOnly) {
      c.byNameOnly++;
      c.nameOnlyExample ??= f.subject.id;
      if (active) c.byNameOnlyWaived++;
    }
    if (!active) {
      // Only expiry fails the run whatever the severity. An unexpired entry that no longer
      // accepts the finding's severity just leaves it counted, like any finding, against --fail-on.
      if (candidates.some((c) => c.expired)) expiredFail = true;
      return f;
    }
    waived++;
    const w = active.waiver;
    const waiver: NonNullable<Finding['waiver']> = { reason: w.reason, owner: w.owner, expires: w.expires };
    if (w.ticket !== undefined) waiver.ticket = w.ticket;
    return { ...f, status: 'waived', waiver };
  });
  const messages: string[] = [];
  const expired: WaiverOutcome['expired'] = [];
  const stale: Waiver[] = [];
  for (const c of all) {
    const where = `${c.waiver.source.file}:${c.waiver.source.line}`;
    const what = describe(c.waiver);
    if (c.renamed !== undefined) {
      messages.push(
        // That fingerprint named no scope: the path it waives now may lead elsewhere than the one accepted.
        `${where}: waiver for ${what} matched the path finding into ${c.renamed.map((r) => r.reaches).join(', ')} by the fingerprint earlier versions gave paths into another tenant, account or org, which named none; if that is the path accepted, write ${c.renamed.map((r) => JSON.stringify(r.fingerprint)).join(', ')} instead`,
      );
    }
    if (c.renamedKeys !== undefined) {
      // The key is the same; only its name in the fingerprint changed, so the new one is a copy.
      messages.push(`${where}: waiver for ${what} matched a finding about an Okta app key by the fingerprint earlier versions gave it; write ${c.renamedKeys.map((fp) => JSON.stringify(fp)).join(', ')} instead`);
    }
    if (c.expired) {
      expired.push({ waiver: c.waiver, matched: c.matched });
      // Findings another, active entry still waives do not count again: said so, not counted.
      const elsewhere = c.waivedElsewhere ?? 0;
      const again = c.matched - elsewhere;
      messages.push(
        c.matched === 0
          ? `${where}: waiver for ${what} expired on ${c.waiver.expires} and matches no finding; remove it`
          : again === 0
            ? `${where}: waiver for ${what} expired on ${c.waiver.expires}; ${c.matched === 1 ? 'the finding it matches is' : `the ${c.matched} findings it matches are`} waived by another entry; remove it`
            : `${where}: waiver for ${what} expired on ${c.waiver.expires}; ${again === 1 ? '1 finding counts' : `${again} findings count`} again${elsewhere > 0 ? ` (another entry waives ${elsewhere} more)` : ''}`,
      );
    } else if (c.outgrown > 0) {
      messages.push(
        `${where}: waiver for ${what} accepted severity ${c.waiver.severity}, but ${c.outgrown === 1 ? '1 finding it matches is' : `${c.outgrown} findings it matches are`} now ${c.highest}: it no longer waives ${c.outgrown === 1 ? 'that finding' : 'them'} (review the risk, then raise "severity", or fix it)`,
      );
    }
    if (c.byNameOnly > 0) {
      const n = c.byNameOnly === 1 ? '1 finding' : `${c.byNameOnly} findings`;
      // Another entry (by id or fingerprint) may waive some of them: say so, rather than suggest they count.
      const k = c.byNameOnlyWaived;
      const elsewhere = k === 0 ? '' : k === c.byNameOnly ? (k === 1 ? ' (another entry does)' : ' (other entries do)') : k === 1 ? ' (another entry waives 1 of them)' : ` (other entries waive ${k} of them)`;
      messages.push(
        `${where}: waiver for ${what} matches ${n} by display name only, which does not waive ${c.byNameOnly === 1 ? 'it' : 'them'}${elsewhere}: names are provider-controlled (whoever can create or rename an app could match the pattern); write the subject's id or ARN instead, e.g. ${quoteInput(c.nameOnlyExample)}, or its fingerprint`,
      );
    } else if (!c.expired && c.outgrown === 0 && c.matched === 0) {
      stale.push(c.waiver);
      const hiding = mayBeHidden(c.waiver, gaps);
      messages.push(
        hiding.length > 0
          ? `${where}: waiver for ${what} matches no finding, but collection was incomplete (${gapsText(hiding)}; see coverage): its finding may be unknown in this scan; keep it until a complete scan`
          : `${where}: waiver for ${what} matches no finding (stale); remove it`,
      );
    }
  }
  return { findings: out, waived, expired, stale, messages, expiredFail };
}

function describe(w: Waiver): string {
  if (w.fingerprint !== undefined) return `fingerprint ${w.fingerprint.slice(0, 80)}`;
  return `${w.ruleId} on ${quoteInput(w.subject)}`;
}
