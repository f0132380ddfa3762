import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanReport } from '../report/types.js';
import { InputError } from '../errors.js';
import {
  baselineJudge,
  compareScopes,
  compareWithBaseline,
  createBaseline,
  type Carried,
  judgeable,
  judgedKey,
  parseBaseline,
  scopeKey,
  serializeBaseline,
  type Baseline,
  type BaselineScope,
  type LegacyFingerprint,
  type ScanEvidence,
} from '../ci/baseline.js';
import type { CrownJewelClass } from '../graph/model.js';
import type { RuleContext, RuleDefinition } from '../engine/types.js';
import { listingCapabilities, subjectTypes } from '../engine/missing-capability.js';
import { fingerprint, resolveOptions } from '../engine/run.js';
import { jewelGroup } from '../analysis/analyze.js';
import type { ScanResult } from '../scan.js';
import { PATH_RULE_ID as PATH_RULE, pathKey } from '../../rules/nhi/nhi-path-to-crown-jewel.js';
import noExpiry from '../../rules/nhi/nhi-credential-no-expiry.js';
import { earlierJwkCredentialId } from '../connectors/okta/transform-apps.js';
import { applyWaivers, parseWaivers, type Waiver, type WaiverGaps } from '../ci/waivers.js';
import { allRules } from '../../rules/index.js';
import { defaultFilePresent, makeParentFolders, onlyDefault, parseJson, readText, writeFailure } from './io.js';
import { appendAll } from '../append-all.js';

export interface CiOptions {
  baseline?: string;
  writeBaseline?: string;
  waivers?: string;
}

export interface CiOutcome {
  messages: string[];
  /** An expired waiver makes the run fail again. */
  staleOrExpiredFail: boolean;
}

/** Looked up in the working directory when `--waivers` is not given. */
export const DEFAULT_WAIVER_FILES = ['.nhiscan/waivers.yaml', '.nhiscan/waivers.yml', '.nhiscan/waivers.json'];

/**
 * Baselines and waivers: marks findings new/unchanged/waived before rendering (the report is
 * updated in place), writes `--write-baseline`, and returns the lines to print on stderr.
 */
export function applyCiLayer(
  report: ScanReport,
  opts: CiOptions,
  now: string,
  cwd = process.cwd(),
  read?: BaselineRead,
  /** Per path finding into another scope, and per finding about an Okta app key, the fingerprint earlier versions gave it (legacyFingerprints); with a baseline, its evidence has them. */
  earlier: ReadonlyMap<string, LegacyFingerprint> | undefined = read?.evidence.legacy,
  /** The waivers as read before the scan (readCiFiles); without it, the file is read here. */
  files?: CiFiles,
): CiOutcome {
  const messages: string[] = [];
  let carried: Carried | undefined;
  if (opts.baseline) {
    const file = opts.baseline;
    const baseline = read?.baseline ?? readBaseline(file);
    const evidence = read?.evidence;
    const scopes = compareScopes(baseline, report.scopes);
    // A baseline of other scopes is compared as an empty one: nothing accepted there is about this
    // estate (fingerprints name their scope; those older versions gave paths did not, and would
    // match risk here to risk accepted there). Its entries were not judged by this scan, so none
    // is resolved.
    const compared = scopes.foreign ? { ...baseline, findings: [] } : baseline;
    const { findings, counts, legacyMatches, legacyKeyMatches, matched, resolved, unjudged } = compareWithBaseline(report.findings, compared, evidence ? baselineJudge(evidence) : undefined, evidence?.legacy);
    if (scopes.foreign) counts.unknown = new Set(baseline.findings.map((e) => e.fingerprint)).size;
    // What a baseline written after this comparison keeps: every entry not judged (a foreign
    // baseline's all), and the scopes they were accepted in.
    carried = { entries: scopes.foreign ? baseline.findings : unjudged, scopes: baseline.scopes ?? [] };
    report.findings = findings;
    report.summary.baseline = counts;
    // The counts say how many are gone; this says which, so that nobody has to diff fingerprints.
    const names = evidence?.subjectNames ?? new Map(report.identities.map((i) => [i.id, i.name]));
    report.baseline = {
      resolved: resolved.map((e) => {
        const name = names.get(e.subjectId);
        return { fingerprint: e.fingerprint, ruleId: e.ruleId, subjectId: e.subjectId, ...(name !== undefined ? { subjectName: name } : {}), ...(e.severity !== undefined ? { severity: e.severity } : {}) };
      }),
    };
    if (scopes.foreign) {
      const read = listScopes(report.scopes.map((s) => `${s.provider}:${s.id}`));
      const then = scopes.recorded ? `was written for ${listScopes(baseline.scopes!.map((s) => `${s.provider}:${s.id}`))}, none of which this scan read` : 'names subjects in none of the scopes this scan read';
      messages.push(`${file}: the baseline ${then} (${read}); all ${findings.length} findings are new (a baseline of another tenant, or the wrong file?)`);
    } else {
      // Not an error (every finding counts, which fails safe), but a gate failing on the whole
      // estate usually means a baseline of another tenant or the wrong file.
      const known = new Set(baseline.findings.map((e) => e.fingerprint));
      if (known.size > 0 && findings.length > 0 && legacyMatches === 0 && !findings.some((f) => known.has(f.fingerprint))) {
        messages.push(`${file}: the baseline matches none of the ${findings.length} findings, so all are new (a baseline of another tenant, or the wrong file?)`);
      }
      if (scopes.added.length > 0) messages.push(`${file}: the baseline does not cover ${listScopes(scopes.added)}: findings there are new`);
      if (scopes.dropped.length > 0) messages.push(`${file}: this scan did not read ${listScopes(scopes.dropped)}, which the baseline covers: its findings count as unknown, not resolved`);
    }
    const legacyPaths = legacyMatches - legacyKeyMatches;
    if (legacyPaths > 0) {
      messages.push(
        `${file}: ${legacyPaths} finding${legacyPaths === 1 ? '' : 's'} matched baseline entries by the fingerprint earlier versions gave paths into another tenant, account or org; rewrite the baseline (nhiscan baseline write) to record their new fingerprints`,
      );
    }
    if (legacyKeyMatches > 0) {
      const n = legacyKeyMatches === 1 ? '1 finding matched a baseline entry' : `${legacyKeyMatches} findings matched baseline entries`;
      messages.push(
        `${file}: ${n} by the fingerprint earlier versions gave findings about Okta app keys (named by the JWKS API's key id or the kid, now by the key's thumbprint); rewrite the baseline (nhiscan baseline write) to record their new fingerprints`,
      );
    }
    if (!scopes.foreign) {
      // Entries written by hand: named by their place in the file, the first of them at least.
      const unnamed = baseline.findings.flatMap((e, i) => (!judgeable(e) && !matched.has(e.fingerprint) ? [i] : []));
      if (unnamed.length > 0) {
        const more = unnamed.length > 1 ? ` (and ${unnamed.length - 1} more)` : '';
        messages.push(`${file}: $.findings[${unnamed[0]}]${more}: no longer found, and without ruleId and subjectId no scan can judge whether the finding is gone: counted as unknown, not resolved`);
      }
    }
    if (counts.unknown > 0 && !scopes.foreign) {
      messages.push(`${file}: ${counts.unknown} baseline finding${counts.unknown === 1 ? ' is' : 's are'} no longer found but could not be judged (rule unknown, data or scope not read, or no rule and subject given): counted as unknown, not resolved`);
    }
  }
  // Written after the comparison, so `--baseline F --write-baseline F` compares, then updates.
  // Entries this scan could not judge are kept (Carried): unknown is not resolved.
  if (opts.writeBaseline) writeBaselineFile(report, opts.writeBaseline, now, carried);
  const waivers = files ? files.waivers : loadWaivers(opts.waivers, cwd);
  let staleOrExpiredFail = false;
  if (waivers !== undefined) {
    const outcome = applyWaivers(report.findings, waivers, new Date(now), waiverGaps(report), earlier);
    report.findings = outcome.findings;
    report.summary.waived = outcome.waived;
    appendAll(messages, outcome.messages);
    staleOrExpiredFail = outcome.expiredFail;
  }
  // Every format shows warnings, so expired and stale waivers stay visible outside stderr too.
  report.warnings = [...report.warnings, ...messages];
  return { messages, staleOrExpiredFail };
}

/**
 * The capabilities without which a rule may not report a finding it would (WaiverGaps `rule`):
 * those it requires and those that list its subject types; undefined when a rule requires none
 * (it declares nothing to rule a gap out) or evaluates a type whose list is not known. A rule on
 * kinds has the lists of each kind's types less the types its filter never takes (subjectTypes),
 * as the engine counts its unlisted scopes (engine/run.ts countUnlistedScopes); a kind with no
 * known types (an external workload, found in trusts) leaves it undefined, since any gap might
 * hide such a subject. Unlike the engine's count, the data that
 * decides a user's class one user at a time stays in (listingCapabilities): a user it leaves
 * undecided answers unknown only where the rule's answer depends on it, so its gap may still hide
 * a finding.
 */
function hidingCapabilities(r: RuleDefinition): readonly string[] | undefined {
  const requires = r.evaluates.requires ?? [];
  if (requires.length === 0) return undefined;
  const { types, partial } = subjectTypes(r.evaluates);
  if (partial) return undefined;
  const out = new Set(requires);
  for (const type of types) {
    const listed = listingCapabilities(type);
    if (listed === undefined) return undefined;
    for (const c of listed) out.add(c);
  }
  return [...out];
}

/** What the scan did not read, and what each rule (of `rules`, every shipped one by default) looks at, for the waivers (applyWaivers' `gaps`). */
export function waiverGaps(report: ScanReport, rules: readonly RuleDefinition[] = allRules): WaiverGaps | undefined {
  const gaps = report.coverage.filter((c) => c.status !== 'collected');
  if (gaps.length === 0) return undefined;
  const meta = new Map(rules.map((r) => [r.meta.id, { providers: r.meta.providers, capabilities: hidingCapabilities(r) }]));
  const unknown = new Set(report.rules.filter((r) => r.unknown > 0).map((r) => r.ruleId));
  return { gaps, rule: (id) => meta.get(id), answeredUnknown: (id) => unknown.has(id) };
}

/** The `--baseline` file as read once for the scan (scanEvidence), and what the scan knew of its entries. */
export interface BaselineRead {
  baseline: Baseline;
  evidence: ScanEvidence;
}

/** Up to five scopes, then how many more. */
function listScopes(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).join(', ');
  return keys.length > 5 ? `${shown} and ${keys.length - 5} more` : shown || 'no scope';
}

/**
 * What a baseline comparison needs of a scan beyond its report: the rules that ran and what
 * they require, which subjects were unknown, and which of the baseline's subjects each rule
 * evaluated (its types and `where` asked again of the graph, with the options the rule ran
 * with), and what {@link pathEvidence} finds. Taken before the graph is let go.
 */
export function scanEvidence(result: ScanResult, baseline: Baseline, now: Date): ScanEvidence {
  const entries = baseline.findings;
  const byId = new Map(result.rules.map((r) => [r.meta.id, r]));
  const ruleRequires = new Map(result.report.rules.map((st) => [st.ruleId, byId.get(st.ruleId)?.evaluates.requires ?? []]));
  const ran = new Set(result.report.rules.map((st) => st.ruleId));
  const { graph, analysis } = result;
  const evaluated = new Set<string>();
  // One context per rule, not per entry: a baseline of a large estate has a hundred thousand entries.
  const contexts = new Map<string, RuleContext>();
  const subjectNames = new Map<string, string>();
  for (const e of entries) {
    const rule = byId.get(e.ruleId);
    const node = graph.node(e.subjectId);
    if (node) subjectNames.set(e.subjectId, node.name);
    if (!rule || !node || !ran.has(e.ruleId)) continue;
    const { types, kinds = [], where } = rule.evaluates;
    if (!types.includes(node.type) && !kinds.includes(node.kind)) continue;
    let ctx = contexts.get(e.ruleId);
    if (ctx === undefined) {
      const options = result.ruleOptions.get(e.ruleId) ?? resolveOptions(rule);
      contexts.set(e.ruleId, (ctx = { graph, now, analysis, options, report: () => undefined, unknown: () => undefined }));
    }
    if (where && !where(node, ctx)) continue;
    evaluated.add(judgedKey(e.ruleId, e.subjectId));
  }
  const paths = pathEvidence(result, baseline);
  const legacy = new Map([...paths.legacy, ...legacyKeyFingerprints(result)]);
  return { scopes: result.report.scopes, coverage: result.report.coverage, ruleRequires, unknownBySubject: result.unknownBySubject, evaluated, unjudgedPaths: paths.unjudgedPaths, legacy, subjectNames };
}

const JEWEL_CLASSES: readonly CrownJewelClass[] = ['admin', 'identity-admin', 'secrets'];
/** The providers whose privileges can be crown jewels. */
const JEWEL_PROVIDERS = ['entra', 'okta', 'aws'] as const;

/**
 * The path rule's part of the evidence. `legacy`: for each path finding into another scope, the
 * fingerprint earlier versions gave it (its group alone) and the scope it reaches, for the
 * baseline entries still written that way. `unjudgedPaths`: entries of the rule that this scan
 * no longer finds and cannot judge. An entry records the jewel it reached (`path`); one written
 * before that has the scope-less fingerprint, whose kind of jewel nine hashes at most recover,
 * but not its scope. Unknown: an entry about a scope this scan did not read (for an old entry,
 * when the scan did not read some scope of that provider the baseline covered), and one whose
 * subject still has a finding of that kind, into another scope (the rule reports the nearest
 * jewel of each kind only, so whether this one is still reached was not asked). Constant work
 * per entry not found, whatever the number of scopes.
 */
function pathEvidence(result: ScanResult, baseline: Baseline): { legacy: Map<string, LegacyFingerprint>; unjudgedPaths: Set<string> } {
  const { report } = result;
  const unjudgedPaths = new Set<string>();
  const { legacy, groupsBySubject } = pathFacts(result);
  const current = new Set(report.findings.map((f) => f.fingerprint));
  const scanned = new Set(report.scopes.map(scopeKey));
  // Providers of which the baseline covered a scope this scan did not read: an entry that does
  // not say which scope it reached may be about one of those.
  const unreadProviders = new Set((baseline.scopes ?? []).filter((s) => !scanned.has(scopeKey(s))).map((s) => s.provider));
  for (const e of baseline.findings) {
    if (e.ruleId !== PATH_RULE || current.has(e.fingerprint)) continue;
    let provider: string | undefined;
    let group: string | undefined;
    let reached: BaselineScope | undefined;
    if (e.path !== undefined) {
      provider = e.path.provider;
      group = jewelGroup(provider, e.path.crownJewel as CrownJewelClass);
      reached = { provider, id: e.path.scope };
    } else {
      // Written before baselines recorded the jewel, so its fingerprint is the scope-less one of
      // those versions: a hash of the subject and the jewel's kind, one of nine.
      find: for (const p of JEWEL_PROVIDERS) {
        for (const cls of JEWEL_CLASSES) {
          if (fingerprint(PATH_RULE, e.subjectId, jewelGroup(p, cls)) !== e.fingerprint) continue;
          provider = p;
          group = jewelGroup(p, cls);
          break find;
        }
      }
    }
    if (provider === undefined || group === undefined) {
      // Neither the field nor an older fingerprint says what it reached (a baseline from a build
      // between the two, or edited by hand): with any scope of the baseline not read, it may
      // be about that one.
      if (unreadProviders.size > 0) unjudgedPaths.add(e.fingerprint);
      continue;
    }
    const scopeUnread = reached !== undefined ? !scanned.has(scopeKey(reached)) : unreadProviders.has(provider);
    if (scopeUnread || groupsBySubject.get(e.subjectId)?.has(group)) unjudgedPaths.add(e.fingerprint);
  }
  return { legacy, unjudgedPaths };
}

/**
 * For each path finding into another scope, the fingerprint earlier versions gave it (its group
 * alone) and the scope it reaches, and for each finding about an Okta app key the one made with
 * the key's earlier id (legacyKeyFingerprints): baseline entries and waivers written before still
 * match it. Taken before the graph is let go.
 */
export function legacyFingerprints(result: ScanResult): Map<string, LegacyFingerprint> {
  return new Map([...pathFacts(result).legacy, ...legacyKeyFingerprints(result)]);
}

/**
 * For each finding about an Okta app's public key (nhi-credential-no-expiry, keyed by the
 * credential id), the fingerprint it had when the key was named by where it was read (see
 * earlierJwkCredentialId); its scope is the org, which a baseline must have covered.
 */
function legacyKeyFingerprints(result: ScanResult): Map<string, LegacyFingerprint> {
  const { graph, report } = result;
  const legacy = new Map<string, LegacyFingerprint>();
  for (const f of report.findings) {
    if (f.ruleId !== noExpiry.meta.id || f.subject.type !== 'okta-service-app') continue;
    const cred = graph.node(String(f.evidence.credential));
    const app = graph.node(f.subject.id);
    if (cred === undefined || app === undefined) continue;
    const earlier = earlierJwkCredentialId(cred, app);
    if (earlier !== undefined) legacy.set(f.fingerprint, { fingerprint: fingerprint(f.ruleId, f.subject.id, earlier), scope: { provider: 'okta', id: cred.scope }, about: 'okta-key' });
  }
  return legacy;
}

/** What the path findings say: their fingerprints as earlier versions gave them, and the jewel groups each subject reaches. */
function pathFacts(result: ScanResult): { legacy: Map<string, LegacyFingerprint>; groupsBySubject: Map<string, Set<string>> } {
  const { graph, report } = result;
  const legacy = new Map<string, LegacyFingerprint>();
  const groupsBySubject = new Map<string, Set<string>>();
  for (const f of report.findings) {
    if (f.ruleId !== PATH_RULE) continue;
    const subject = graph.node(f.subject.id);
    const target = graph.node(String(f.evidence.target));
    if (subject === undefined || target === undefined) continue;
    const group = jewelGroup(target.provider, f.evidence.crownJewel as CrownJewelClass);
    let groups = groupsBySubject.get(subject.id);
    if (groups === undefined) groupsBySubject.set(subject.id, (groups = new Set()));
    groups.add(group);
    if (pathKey(subject, group, target) !== group) legacy.set(f.fingerprint, { fingerprint: fingerprint(PATH_RULE, subject.id, group), scope: { provider: target.provider, id: target.scope } });
  }
  return { legacy, groupsBySubject };
}

/** The baseline and waivers files, read and checked before a scan. */
export interface CiFiles {
  baseline?: Baseline;
  waivers: Waiver[] | undefined;
}

/**
 * Reads and checks `--baseline` and the waivers file (`--waivers`, else the default one) before
 * anything is scanned: a malformed file is the one error line at once, not after a long scan.
 */
export function readCiFiles(opts: CiOptions, cwd: string): CiFiles {
  const files: CiFiles = { waivers: loadWaivers(opts.waivers, cwd) };
  if (opts.baseline) files.baseline = readBaseline(opts.baseline);
  return files;
}

/** Reads and checks the baseline file named by `--baseline`. */
export function readBaseline(file: string): Baseline {
  return parseBaseline(parseJson(readText(file), file), file);
}

/** The waivers file read when `--waivers` is not given: the default name present in `cwd` (two are refused, as for the config). */
export function defaultWaiversFile(cwd: string): string | undefined {
  return onlyDefault(DEFAULT_WAIVER_FILES.filter((f) => defaultFilePresent(join(cwd, f))), 'waivers', '--waivers');
}

/** The waivers named by `--waivers`, else the default file when present, else none. */
export function loadWaivers(file: string | undefined, cwd: string): Waiver[] | undefined {
  // The default file is named as the user would type it (relative to the working directory), not
  // by its absolute path: messages, warnings and every report format would otherwise depend on
  // where the runner checked the repository out.
  const name = file ?? defaultWaiversFile(cwd);
  if (name === undefined) return undefined;
  const path = file ?? join(cwd, name);
  let text: string;
  try {
    text = readText(path);
  } catch (e) {
    if (!(e instanceof InputError) || e.file !== path) throw e;
    throw new InputError(e.message, name, e.location);
  }
  // JSON is checked by the JSON parser first for its precise syntax errors; the YAML parser then
  // gives every entry its line.
  if (name.toLowerCase().endsWith('.json')) parseJson(text, name);
  return parseWaivers(text, name);
}

export function writeBaselineFile(report: ScanReport, file: string, createdAt: string, carried?: Carried): void {
  makeParentFolders(file, 'cannot write baseline');
  try {
    writeFileSync(file, serializeBaseline(createBaseline(report.findings, createdAt, report.scopes, carried)));
  } catch (e) {
    throw writeFailure(e, file, 'cannot write baseline');
  }
}
