import type { Graph } from '../graph/graph.js';
import type { GraphNode, NodeKind, Provider, Tier } from '../graph/model.js';
import type { Analysis, OmittedHops, PathHop } from '../analysis/types.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** OWASP Non-Human Identities Top 10, 2025 edition ids. */
export type OwaspNhiId = `NHI${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10}:2025`;

export interface RuleOption {
  /** A JSON value: number, string, boolean, list, or an object for structured policies. */
  default: number | string | boolean | string[] | Record<string, unknown>;
  description: string;
  /**
   * For structured options: checks a configured value beyond its type. Returns the problem and
   * the path inside the value (e.g. `T4.maxCredentialDays`), or undefined when it is valid.
   */
  validate?: (value: unknown) => { at: string; problem: string } | undefined;
  /** The string (or each item of the list) is a regular expression source: compiled when the config loads. */
  regex?: boolean;
  /**
   * The values a string (or each item of a list) may take, exactly as the provider writes them:
   * any other value would match nothing and quietly switch the check off.
   */
  values?: readonly string[];
  /** For values that cannot be listed (new ones appear): the form each must have, and its name for the error. */
  form?: { pattern: RegExp; description: string };
  /** Numbers: the largest value that means anything (e.g. 4 for a tier). */
  max?: number;
  /** Numbers: a count or a tier, so a fraction is a mistake. */
  integer?: boolean;
}

/** Rule metadata, validated when rules load (see `validateMeta`). */
export interface RuleMeta {
  /** kebab-case, provider prefix (`aws-`, `entra-`, `okta-`, `nhi-`); equals the file name; never renamed. */
  id: string;
  /** States the bad condition ("Client secret lives longer than …"). */
  title: string;
  severity: Severity;
  /** Raise severity with the subject's capability tier (T3 +1, T4 +2, T0 -1, the last only when the tier's evidence was all read). */
  tiered?: boolean;
  providers: Provider[];
  owasp: OwaspNhiId[];
  /** Other framework refs: OWASP Agentic (ASI01..), NIST CSF 2.0 (PR.AA-0x), BloodHound edge names. */
  frameworks?: { asi?: string[]; nistCsf?: string[] };
  description: string;
  risk: string;
  remediation: string;
  references: string[];
  maturity: 'stable' | 'experimental';
  /** Message templates; `{{name}}` placeholders are filled from a finding's args. */
  messages: Record<string, string>;
  options?: Record<string, RuleOption>;
}

/** Which subjects a rule evaluates, and what must have been collected for a verdict. */
export interface Evaluates {
  /** Node types (e.g. `entra-service-principal`); the rule runs once per node of these types. */
  types: string[];
  /** Node kinds evaluated in addition to `types` (e.g. every `identity`), for cross-provider rules. */
  kinds?: NodeKind[];
  /** Optional narrowing; subjects it rejects are not counted as evaluated. */
  where?: (node: GraphNode, ctx: RuleContext) => boolean;
  /**
   * Node types of `kinds` that `where` rejects whatever the node: their subject lists are no gap
   * of the rule (a list not read leaves it nothing it would have judged), so a scope where only
   * they were not read counts no unknown (engine/run.ts countUnlistedScopes).
   */
  skipsTypes?: readonly string[];
  /**
   * Coverage capabilities the verdict depends on; missing ones make the subject `unknown`, with a
   * reason saying which was not read, where and why (src/engine/missing-capability.ts).
   */
  requires?: string[];
  /**
   * Every scope of the rule's providers holds exactly one subject of `types` (an AWS account's
   * root user), which the graph has only when the data naming it was read. A scope where none was
   * read counts as one evaluated, `unknown` subject whose reason names the scope: the sentence for
   * the first of `requires` not collected there, or `<scope id>: no <type> read`. No node is
   * invented for it, so the identity lists and the other rules see nothing new.
   */
  onePerScope?: true;
}

export interface ReportInput {
  messageId: string;
  args?: Record<string, string | number>;
  evidence?: Record<string, unknown>;
  /** Distinguishes several findings of one rule on one subject (a credential key id, a target). */
  key?: string;
  /** Overrides the rule's base severity for this finding (before tiering). */
  severity?: Severity;
  /** A route's hops as its evidence lists them (ShownHops.hops); with `omittedHops` when it leaves some out. */
  path?: PathHop[];
  omittedHops?: OmittedHops;
  /** Alternatives the path search found but did not show (see CrownJewelPath.alternatives). */
  alternatives?: number;
  /** Of those, the ones that hold only under a condition, on a firm path (CrownJewelPath.conditionalAlternatives). */
  conditionalAlternatives?: number;
}

export interface RuleContext {
  readonly graph: Graph;
  readonly now: Date;
  readonly options: Readonly<Record<string, unknown>>;
  readonly analysis: Analysis;
  report(input: ReportInput): void;
  /** Marks the subject as not decidable (missing evidence); never a pass. */
  unknown(reason: string): void;
}

export interface RuleDefinition {
  meta: RuleMeta;
  evaluates: Evaluates;
  check(subject: GraphNode, ctx: RuleContext): void;
}

export type Verdict = 'pass' | 'fail' | 'unknown';

/** A finding: data, rendered late by reporters. */
export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  baseSeverity: Severity;
  tier?: Tier;
  /**
   * What was not read when `tier` is only a lower bound (as the identity summary's
   * `tierIncomplete`); absent when the tier's evidence was read. State, not identity: it is not
   * part of the fingerprint.
   */
  tierIncomplete?: string;
  owasp: OwaspNhiId[];
  provider: Provider;
  /**
   * `appId`: an Entra application's app (client) id, when the subject has one. It is not its
   * native id (the object id) but is as immutable, and it is what the portal and sign-in logs
   * show first, so a waiver may name a subject by it.
   */
  subject: { id: string; name: string; type: string; scope: string; nativeId: string; appId?: string };
  messageId: string;
  message: string;
  args: Record<string, string | number>;
  evidence: Record<string, unknown>;
  path?: PathHop[];
  /**
   * Present when `path` leaves out hops of a long route (ShownHops): how many, after which listed
   * hop, and how many of them are conditional. Since report schema 1.9.0.
   */
  omittedHops?: OmittedHops;
  alternatives?: number;
  /** Since report schema 1.8.0. */
  conditionalAlternatives?: number;
  remediation: string;
  /** sha256 of rule id + subject id + key: stable provider ids only. */
  fingerprint: string;
  /** Set by waivers / baselines in the CI layer. */
  status?: 'new' | 'unchanged' | 'waived';
  /**
   * With a baseline: how the finding compares with it. Kept apart from `status`, which a waiver
   * overwrites with `waived`, so a waived finding still says whether it is new (SARIF
   * `baselineState` beside its suppression).
   */
  baselineState?: 'new' | 'unchanged';
  waiver?: { reason: string; owner: string; ticket?: string; expires: string };
}

/** Per-rule population counts, so that "0 findings" never hides "0 read". */
export interface RuleStats {
  ruleId: string;
  evaluated: number;
  failing: number;
  unknown: number;
  unknownReasons: Record<string, number>;
  byProvider: Record<string, { evaluated: number; failing: number; unknown: number }>;
}
