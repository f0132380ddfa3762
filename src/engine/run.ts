import * as crypto from 'node:crypto';
import type { Graph } from '../graph/graph.js';
import type { GraphNode } from '../graph/model.js';
import type { Analysis } from '../analysis/types.js';
import type { Finding, ReportInput, RuleContext, RuleDefinition, RuleStats, Severity, Verdict } from './types.js';
import { escalateSeverity, SEVERITY_RANK } from './severity.js';
import { compareText } from '../compare.js';
import { tierLowerBound } from '../rule-kit.js';
import { missingCapabilityReason, subjectListCapabilities, subjectTypes } from './missing-capability.js';

export interface RunOptions {
  now: Date;
  /** Per-rule option overrides from the config file: `{ ruleId: { option: value } }`. */
  ruleOptions?: Record<string, Record<string, unknown>>;
  /** Keep each subject's verdict (tests and `explain`); off for big scans. */
  collectVerdicts?: boolean;
}

export interface RunResult {
  findings: Finding[];
  stats: RuleStats[];
  verdicts?: Map<string, Verdict>;
  /** Per subject id, the rules (in run order) that answered unknown for it. */
  unknownBySubject: Map<string, string[]>;
  /**
   * Per subject, by its graph index ({@link Graph.indexOf}), the rules (in run order) that
   * reported a finding on it, each once; undefined for a subject without findings.
   */
  failedRules: readonly (readonly string[] | undefined)[];
  /** Per rule id, the options it ran with: its defaults under the configured values. */
  options: Map<string, Record<string, unknown>>;
}

const templates = new Map<string, string[]>();

/** Fills `{{name}}` placeholders; unknown names stay visible so a broken template is noticed. */
export function renderMessage(template: string, args: Record<string, string | number>): string {
  // Split once per template: [text, name, text, name, ..., text], with the raw placeholder kept
  // after each name so an unknown one can be shown as written.
  let parts = templates.get(template);
  if (!parts) {
    parts = [];
    const re = /\{\{\s*(\w+)\s*\}\}/g;
    let last = 0;
    for (let m = re.exec(template); m; m = re.exec(template)) {
      parts.push(template.slice(last, m.index), m[1], m[0]);
      last = m.index + m[0].length;
    }
    parts.push(template.slice(last));
    templates.set(template, parts);
  }
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 3) {
    const k = parts[i];
    out += (Object.hasOwn(args, k) ? String(args[k]) : parts[i + 1]) + parts[i + 2];
  }
  return out;
}

// One-shot hashing where Node has it (20.12+): the same digest as createHash, without a Hash object per finding.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function fingerprint(ruleId: string, subjectId: string, key?: string): string {
  const data = `${ruleId}\u0000${subjectId}\u0000${key ?? ''}`;
  return (oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex')).slice(0, 32);
}

/**
 * Runs every rule over its subjects. Each subject ends as pass, fail or unknown; a subject whose
 * scope lacks a capability the rule requires is unknown without calling the rule.
 */
export function runRules(graph: Graph, analysis: Analysis, rules: readonly RuleDefinition[], opts: RunOptions): RunResult {
  const findings: Finding[] = [];
  const stats: RuleStats[] = [];
  const verdicts = opts.collectVerdicts ? new Map<string, Verdict>() : undefined;
  const unknownBySubject = new Map<string, string[]>();
  // Filled as each subject fails: the identity summaries once grouped the sorted findings by
  // subject id instead, a hash lookup per finding in no useful order (~90 ms on the 100k estate).
  const failedRules: (string[] | undefined)[] = new Array(graph.size);
  // Many rules evaluate the same node types; the selections of several types or kinds are
  // gathered once, together. Subjects come in graph order (deterministic: the transforms add nodes
  // in input order); findings get a total order at the end, so no per-selection sort is needed.
  const subjectCache = gatherSubjects(graph, rules);
  // For the final sort, position by position with `findings`: the node index of each finding's
  // subject (subjects are this graph's own nodes: see subjectsOf), and its severity and rule as
  // one number (critical first, then rules by id).
  const findingSubjects: number[] = [];
  const findingMajors: number[] = [];
  // The default sort orders strings by UTF-16 code units, as compareText does.
  const ruleIds = [...new Set(rules.map((r) => r.meta.id))].sort();
  const out: RunState = { graph, analysis, findings, findingSubjects, findingMajors, failedRules, findingSubjectInfo: new Array(graph.size), unknownBySubject, verdicts, majorsPerSeverity: ruleIds.length };
  const options = new Map<string, Record<string, unknown>>();
  for (const rule of rules) {
    const st: RuleStats = { ruleId: rule.meta.id, evaluated: 0, failing: 0, unknown: 0, unknownReasons: {}, byProvider: {} };
    const subjects = subjectsOf(graph, rule, subjectCache);
    const resolved = resolveOptions(rule, opts.ruleOptions?.[rule.meta.id]);
    options.set(rule.meta.id, resolved);
    evaluateRule(out, rule, subjects, resolved, opts.now, ruleIds.indexOf(rule.meta.id), st);
    if (rule.evaluates.onePerScope) countUnreadScopes(graph, rule, subjects, st);
    else countUnlistedScopes(graph, rule, st);
    st.unknownReasons = Object.fromEntries(Object.entries(st.unknownReasons).sort(([a], [b]) => compareText(a, b)));
    stats.push(st);
  }
  const sorted = sortFindings(graph, findings, findingMajors, 5 * ruleIds.length, findingSubjects);
  return verdicts ? { findings: sorted, stats, verdicts, unknownBySubject, failedRules, options } : { findings: sorted, stats, unknownBySubject, failedRules, options };
}

/** What runRules gathers over all rules, handed to {@link evaluateRule}. */
interface RunState {
  graph: Graph;
  analysis: Analysis;
  findings: Finding[];
  findingSubjects: number[];
  findingMajors: number[];
  failedRules: (string[] | undefined)[];
  /**
   * By node index, the `subject` of the node's findings: one object shared by all of them (171,000
   * findings on 69,000 subjects on the 100k estate), which stays alive with the report.
   */
  findingSubjectInfo: (Finding['subject'] | undefined)[];
  unknownBySubject: Map<string, string[]>;
  verdicts: Map<string, Verdict> | undefined;
  majorsPerSeverity: number;
}

/**
 * One rule over its subjects, in a function of its own rather than a loop inside runRules. V8
 * optimises a loop in a function that runs once by on-stack replacement of the whole function;
 * each rule's nodes and closures bring new object shapes, so that big code was thrown away and
 * compiled again 17 times on the 100k estate (1.3 s of compiler time, and slower code in
 * between). This smaller function is recompiled as often, at a third of the compiler time;
 * the rules stage is ~70 ms less CPU.
 */
function evaluateRule(out: RunState, rule: RuleDefinition, subjects: readonly GraphNode[], options: Record<string, unknown>, now: Date, ruleRank: number, st: RuleStats): void {
  const { graph, analysis, findings, findingSubjects, findingMajors, failedRules, findingSubjectInfo, unknownBySubject, verdicts } = out;
  const reports: ReportInput[] = [];
  let unknownReason: string | undefined;
  const ctx: RuleContext = {
    graph,
    now,
    options,
    analysis,
    report: (r) => void reports.push(r),
    unknown: (reason) => void (unknownReason ??= reason),
  };
  const requires = rule.evaluates.requires ?? [];
  const where = rule.evaluates.where;
  // The missing capability (if any) depends only on the subject's provider and scope; the
  // transforms add each scope's nodes together, so remembering the last answer is enough.
  let lastProvider: string | undefined;
  let lastScope: string | undefined;
  let lastMissing: string | undefined;
  let statsProvider: string | undefined;
  let p: RuleStats['byProvider'][string] = { evaluated: 0, failing: 0, unknown: 0 };
  // Indexed loops here and in subjectsOf: for..of allocated an iterator result per subject,
  // ~90 MB of the 1 GB the rules allocate on the 100k estate.
  for (let s = 0; s < subjects.length; s++) {
    const subject = subjects[s];
    if (where && !where(subject, ctx)) continue;
    // Emptied only when a finding was reported: setting an array's length is a call into the
    // runtime, and most subjects report nothing.
    if (reports.length > 0) reports.length = 0;
    unknownReason = undefined;
    if (requires.length > 0 && (subject.provider !== lastProvider || subject.scope !== lastScope)) {
      lastProvider = subject.provider;
      lastScope = subject.scope;
      lastMissing = missingCapabilityReason(graph, subject, requires, rule.meta.title);
    }
    if (requires.length > 0 && lastMissing !== undefined) unknownReason = lastMissing;
    else rule.check(subject, ctx);
    if (subject.provider !== statsProvider) {
      statsProvider = subject.provider;
      p = st.byProvider[subject.provider] ??= { evaluated: 0, failing: 0, unknown: 0 };
    }
    st.evaluated++;
    p.evaluated++;
    if (reports.length > 0) {
      st.failing++;
      p.failing++;
      const at = graph.indexOf(subject);
      // A rule meets each subject once (see subjectsOf): no rule is listed twice.
      const failed = failedRules[at];
      if (failed) failed.push(rule.meta.id);
      else failedRules[at] = [rule.meta.id];
      const info = (findingSubjectInfo[at] ??= subjectInfo(subject));
      for (let k = 0; k < reports.length; k++) {
        const f = toFinding(graph, rule, subject, info, reports[k], analysis);
        findings.push(f);
        findingSubjects.push(at);
        findingMajors.push((4 - SEVERITY_RANK[f.severity]) * out.majorsPerSeverity + ruleRank);
      }
      verdicts?.set(subject.id, 'fail');
    } else if (unknownReason !== undefined) {
      verdicts?.set(subject.id, 'unknown');
      const list = unknownBySubject.get(subject.id);
      if (list) list.push(rule.meta.id);
      else unknownBySubject.set(subject.id, [rule.meta.id]);
      st.unknown++;
      p.unknown++;
      st.unknownReasons[unknownReason] = (st.unknownReasons[unknownReason] ?? 0) + 1;
    } else {
      verdicts?.set(subject.id, 'pass');
    }
  }
}

/**
 * For a rule whose subject exists once in every scope (`evaluates.onePerScope`): each
 * scope of its providers without such a node is one unknown evaluation. Without this, an AWS
 * account whose credential report was not read would have no root user, and the root rules would
 * say nothing about it: a gap that reads like a pass. Scopes come in graph order.
 */
function countUnreadScopes(graph: Graph, rule: RuleDefinition, subjects: readonly GraphNode[], st: RuleStats): void {
  const seen = new Set<string>();
  for (let s = 0; s < subjects.length; s++) seen.add(`${subjects[s].provider}|${subjects[s].scope}`);
  const providers: readonly string[] = rule.meta.providers;
  for (const scope of graph.scopes) {
    if (!providers.includes(scope.provider) || seen.has(`${scope.provider}|${scope.id}`)) continue;
    // The sentence for a missing capability names the scope itself; the fallback needs the prefix.
    const key =
      missingCapabilityReason(graph, { provider: scope.provider, scope: scope.id }, rule.evaluates.requires ?? [], rule.meta.title) ??
      `${scope.id}: no ${rule.evaluates.types.join(' or ')} read`;
    const p = (st.byProvider[scope.provider] ??= { evaluated: 0, failing: 0, unknown: 0 });
    st.evaluated++;
    st.unknown++;
    p.evaluated++;
    p.unknown++;
    st.unknownReasons[key] = (st.unknownReasons[key] ?? 0) + 1;
  }
}

/**
 * For every other rule: each scope of its providers where a capability listing its subject types
 * (subjectListCapabilities) was not collected is one unknown evaluation, whose reason is the sentence
 * for the first such capability (naming the scope, the status and the record's reason). A refused
 * list leaves the rule no subjects there, and "0 evaluated" would read like a clean pass; a list cut
 * short leaves it some, which say nothing of the rest. A scope whose subjects already answered
 * unknown with the same sentence (the rule requires that capability) shows the gap already and is
 * not counted again. A rule on kinds (every identity, say) has the lists of the kinds' types
 * (typesOfKind): an Okta token list refused leaves it no token of that org either. Types its
 * filter never takes (`skipsTypes`: the root user, or every identity but a user) add no list.
 */
function countUnlistedScopes(graph: Graph, rule: RuleDefinition, st: RuleStats): void {
  const listing = new Set<string>();
  for (const type of subjectTypes(rule.evaluates).types) for (const cap of subjectListCapabilities(type)) listing.add(cap);
  if (listing.size === 0) return;
  // Capability ids start with their provider: an Okta list is no gap of an AWS account. Split
  // once per provider, not per scope (an organization has thousands of accounts).
  const byProvider = new Map<string, string[]>();
  for (const provider of rule.meta.providers as readonly string[]) {
    const own = [...listing].filter((cap) => cap.startsWith(`${provider}.`));
    if (own.length > 0) byProvider.set(provider, own);
  }
  for (const scope of graph.scopes) {
    const own = byProvider.get(scope.provider);
    if (own === undefined) continue;
    const key = missingCapabilityReason(graph, { provider: scope.provider, scope: scope.id }, own, rule.meta.title);
    if (key === undefined || Object.hasOwn(st.unknownReasons, key)) continue;
    const p = (st.byProvider[scope.provider] ??= { evaluated: 0, failing: 0, unknown: 0 });
    st.evaluated++;
    st.unknown++;
    p.evaluated++;
    p.unknown++;
    st.unknownReasons[key] = 1;
  }
}

/** The key of a rule's selection of more than one type or kind (see gatherSubjects), or undefined for one list of the graph's. */
function selectionKey(rule: RuleDefinition): string | undefined {
  const { types: typeList, kinds: kindList = [] } = rule.evaluates;
  if (kindList.length + typeList.length === 1) return undefined;
  return JSON.stringify([typeList, kindList]);
}

/** The nodes a rule selects by type and kind, each once, in graph order. */
function subjectsOf(graph: Graph, rule: RuleDefinition, cache: Map<string, readonly GraphNode[]>): readonly GraphNode[] {
  const key = selectionKey(rule);
  if (key === undefined) return rule.evaluates.types.length === 1 ? graph.ofType(rule.evaluates.types[0]) : graph.ofKind(rule.evaluates.kinds![0]);
  return cache.get(key) ?? gatherSubjects(graph, [rule]).get(key)!;
}

/**
 * The subjects of every rule that selects more than one type or kind, by {@link selectionKey}:
 * the nodes of any of its types or kinds, each once, in graph order. All of them in one pass
 * over the graph's nodes. Each selection was a merge of the type and kind lists by node index,
 * which read every listed node and its slot again (515,000 for the ten selections of the 100k
 * estate) and sorted the indexes; this reads each of the 200,000 nodes once.
 */
function gatherSubjects(graph: Graph, rules: readonly RuleDefinition[]): Map<string, readonly GraphNode[]> {
  const lists = new Map<string, GraphNode[]>();
  // Per type and per kind, the selections that take its nodes.
  const byType = new Map<string, GraphNode[][]>();
  const byKind = new Map<string, GraphNode[][]>();
  for (const rule of rules) {
    const key = selectionKey(rule);
    if (key === undefined || lists.has(key)) continue;
    const list: GraphNode[] = [];
    lists.set(key, list);
    // A type or kind written twice adds the node once.
    for (const t of new Set(rule.evaluates.types)) addTo(byType, t, list);
    for (const k of new Set(rule.evaluates.kinds)) addTo(byKind, k, list);
  }
  if (lists.size === 0) return lists;
  for (let i = 0, size = graph.size; i < size; i++) {
    const n = graph.nodeAt(i);
    const ofType = byType.get(n.type);
    if (ofType !== undefined) for (let j = 0; j < ofType.length; j++) ofType[j].push(n);
    const ofKind = byKind.get(n.kind);
    if (ofKind === undefined) continue;
    for (let j = 0; j < ofKind.length; j++) {
      // Selected by its type already (a selection of both a type and a kind): listed once.
      const list = ofKind[j];
      if (list[list.length - 1] !== n) list.push(n);
    }
  }
  return lists;
}

function addTo(index: Map<string, GraphNode[][]>, key: string, list: GraphNode[]): void {
  const lists = index.get(key);
  if (lists) lists.push(list);
  else index.set(key, [list]);
}

export function resolveOptions(rule: RuleDefinition, overrides?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(rule.meta.options ?? {})) out[k] = def.default;
  for (const [k, v] of Object.entries(overrides ?? {})) {
    // Own keys only: `constructor` or `toString` are "in" every object and are no option.
    if (!Object.hasOwn(out, k)) throw new Error(`unknown option "${k}" for rule ${rule.meta.id}`);
    out[k] = mergeOption(out[k], v);
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A configured value over its default: mappings merge key by key (recursively), so setting one
 * field of a structured option (one tier of a policy) keeps the default's other fields instead
 * of silently dropping them; lists and scalars replace. Built with fromEntries, so a key such as
 * `__proto__` is an ordinary own key, never the object's prototype.
 */
function mergeOption(def: unknown, v: unknown): unknown {
  if (!isPlainObject(def) || !isPlainObject(v)) return v;
  const keys = [...Object.keys(def), ...Object.keys(v).filter((k) => !Object.hasOwn(def, k))];
  // A key set to null is removed: the way to drop a default requirement (`maxCredentialDays: null`
  // is no lifetime limit, `T1: null` no requirement for that tier) now that mappings merge.
  const kept = keys.filter((k) => !(Object.hasOwn(v, k) && v[k] === null));
  return Object.fromEntries(kept.map((k) => [k, !Object.hasOwn(v, k) ? def[k] : Object.hasOwn(def, k) ? mergeOption(def[k], v[k]) : v[k]]));
}

/** What a finding says of its subject (see RunState.findingSubjectInfo). */
function subjectInfo(subject: GraphNode): Finding['subject'] {
  const info: Finding['subject'] = { id: subject.id, name: subject.name, type: subject.type, scope: subject.scope, nativeId: subject.nativeId };
  if (typeof subject.attrs.appId === 'string') info.appId = subject.attrs.appId;
  return info;
}

function toFinding(graph: Graph, rule: RuleDefinition, subject: GraphNode, info: Finding['subject'], r: ReportInput, analysis: Analysis): Finding {
  const template = rule.meta.messages[r.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown messageId "${r.messageId}"`);
  const args = { name: subject.name, ...(r.args ?? {}) };
  const base: Severity = r.severity ?? rule.meta.severity;
  const tier = subject.kind === 'identity' ? analysis.tier(subject) : undefined;
  let severity = rule.meta.tiered && tier !== undefined ? escalateSeverity(base, tier) : base;
  // With a capability feeding the tier unread (or an unread group above it the subject may belong
  // to) the tier is only a lower bound: the finding says so, as the identity summary does.
  const tierIncomplete = tier !== undefined ? tierLowerBound(graph, analysis, subject) : undefined;
  // T0 means "reaches nothing the scanner saw": as a lower bound it must never make a finding
  // look milder (only T0 lowers). Raising on a reached tier stands.
  if (SEVERITY_RANK[severity] < SEVERITY_RANK[base] && tierIncomplete !== undefined) severity = base;
  const f: Finding = {
    ruleId: rule.meta.id,
    title: rule.meta.title,
    severity,
    baseSeverity: base,
    owasp: rule.meta.owasp,
    provider: subject.provider,
    subject: info,
    messageId: r.messageId,
    message: renderMessage(template, args),
    args,
    evidence: r.evidence ?? {},
    remediation: rule.meta.remediation,
    fingerprint: fingerprint(rule.meta.id, subject.id, r.key),
  };
  if (tier !== undefined) f.tier = tier;
  if (tierIncomplete !== undefined) f.tierIncomplete = tierIncomplete;
  if (r.path) f.path = r.path;
  if (r.path && r.omittedHops) f.omittedHops = r.omittedHops;
  if (r.alternatives !== undefined) f.alternatives = r.alternatives;
  if (r.conditionalAlternatives !== undefined) f.conditionalAlternatives = r.conditionalAlternatives;
  return f;
}

/**
 * The findings in {@link compareFindings} order without a comparator over findings: sorting the
 * 175,000 findings of the 100k estate with it compared severities, rule ids and subject ids
 * (long, sharing prefixes) some three million times. Here the subjects with findings are ordered
 * by id once each; then two counting passes, stable, place the findings by subject and then by
 * `majors[i]` (severity, then rule id: see runRules). Findings of one rule on one subject at one
 * severity (a few at most) are then put in fingerprint order. `subjects[i]` is the graph index of finding
 * `i`'s subject (node ids are unique in a graph: index order by id is id order).
 */
function sortFindings(graph: Graph, findings: readonly Finding[], majors: readonly number[], majorCount: number, subjects: readonly number[]): Finding[] {
  const n = findings.length;
  const rank = new Int32Array(graph.size).fill(-1);
  const distinct: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rank[subjects[i]] < 0) {
      rank[subjects[i]] = 0;
      distinct.push(subjects[i]);
    }
  }
  // The ids sorted by the built-in string sort (UTF-16 code units, as compareText), then each
  // subject's rank found by its id: a comparator over positions called compareText about a
  // million times for the 69,000 subjects of the 100k estate (that step 137-238 -> 150-198 ms,
  // 7 of 8 alternated runs).
  const ids = distinct.map((at) => graph.nodeAt(at).id);
  const sorted = ids.slice().sort();
  const rankOf = new Map<string, number>();
  for (let r = 0; r < sorted.length; r++) rankOf.set(sorted[r], r);
  for (let k = 0; k < ids.length; k++) rank[distinct[k]] = rankOf.get(ids[k])!;
  const bySubject = placeBy(n, distinct.length, (i) => rank[subjects[i]]);
  const order = placeBy(n, majorCount, (i) => majors[i], bySubject);
  const out: Finding[] = new Array(n);
  for (let k = 0; k < n; ) {
    let end = k + 1;
    const a = order[k];
    while (end < n && majors[order[end]] === majors[a] && subjects[order[end]] === subjects[a]) end++;
    if (end - k === 1) out[k] = findings[a];
    else {
      const run = Array.from(order.subarray(k, end), (i) => findings[i]).sort((x, y) => compareText(x.fingerprint, y.fingerprint));
      for (let j = 0; j < run.length; j++) out[k + j] = run[j];
    }
    k = end;
  }
  return out;
}

/**
 * Counting sort of the positions `0..n-1` (taken in the order of `from`, when given) by a key in
 * `0..keys-1`: stable, so a second pass by a more significant key keeps the first pass's order
 * among equals.
 */
function placeBy(n: number, keys: number, key: (i: number) => number, from?: Int32Array): Int32Array {
  const start = new Int32Array(keys + 1);
  for (let i = 0; i < n; i++) start[key(i) + 1]++;
  for (let k = 0; k < keys; k++) start[k + 1] += start[k];
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = from ? from[k] : k;
    out[start[key(i)]++] = i;
  }
  return out;
}

/** Most severe first, then rule id, subject id and fingerprint: a total, stable order (see sortFindings). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.subject.id, b.subject.id) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}
