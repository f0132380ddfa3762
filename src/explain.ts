import type { ScanResult } from './scan.js';
import { summarizeIdentity } from './scan.js';
import type { IdentitySummary } from './report/types.js';
import type { Finding } from './engine/types.js';
import type { GraphNode } from './graph/model.js';
import type { PathHop } from './analysis/types.js';
import { serviceAccountUnclassified } from './rule-kit.js';
import { cutHopIndex } from './report/cut.js';
import { comparePrivileges, policyPrivileges, privilegeOf, type Privilege } from './report/privileges.js';
import { missingCapabilityReason } from './engine/missing-capability.js';
import type { ReportInput, RuleContext } from './engine/types.js';

/** The auditor's card for one identity: who is accountable, how it proves itself, what it can do. */
export interface ExplainCard {
  identity: IdentitySummary;
  /**
   * Set for a subject that is a privilege, not an identity (an Okta AWS federation app): what it
   * reaches is what it grants whoever signs in through it; it has no credential or autonomy of its own.
   */
  subjectKind?: 'privilege';
  /** Delegated consents: who consented to what on behalf of whom. */
  consents: { scope: string; consentType: string; grantedBy?: string }[];
  /**
   * What the identity holds directly (roles, app permissions, scopes, trusts, an AWS principal's
   * IAM policies by name), with the marks
   * report/privileges.ts describes (conditional, latent, targetDisabled, signsInOthers); never
   * `group`: a group membership is listed as itself, its grants are on the group's own card.
   */
  privileges: Omit<Privilege, 'group'>[];
  /**
   * For each crown jewel path, the hop to remove to cut that route, and how many other routes
   * reach the same jewel: as firm as the path (`otherRoutes`), and, for a firm path, those that
   * hold only under a condition (`conditionalRoutes`, absent when none).
   */
  cuts: { target: string; revoke: string; otherRoutes: number; conditionalRoutes?: number }[];
  findings: Finding[];
  /**
   * The fingerprint of the finding the card was asked for by (`explain <fingerprint>`): the
   * subject may have several findings, and this says which one the question was about. Absent
   * when the query named the identity.
   */
  askedFor?: string;
  /**
   * Every hop of the path of the finding asked for, when the report listed only its first and
   * last hops (`omittedHops`): the gap line of the report sends the reader here. A route to a
   * privilege that is no crown jewel (an AI agent's tier route) is not among the card's crown-jewel
   * paths, so it is given on its own. Absent otherwise.
   */
  askedPath?: PathHop[];
  /**
   * The rules that answered unknown for the subject (by rule id), each with the reason it gave:
   * the coverage gap it rests on. Present only when there is one, so a card without them is as
   * it was.
   */
  unknownRules?: { ruleId: string; reason: string }[];
}

/**
 * `person`: no machine identity matches, but a person does (a user object, an IAM user signed in
 * to by a person). A user that may be a service account (its deciding data not read) gets a card:
 * the inventory lists it, so it can be asked about, and the card says it is not verified.
 */
export type ExplainMatch = { kind: 'card'; card: ExplainCard } | { kind: 'ambiguous'; candidates: GraphNode[] } | { kind: 'person'; node: GraphNode } | { kind: 'none' };

/** Finds the identity (or other finding subject) by node id, provider id, finding fingerprint, or exact name (case-insensitive). */
export function explain(result: ScanResult, query: string): ExplainMatch {
  const { graph, analysis, report } = result;
  const byFinding = report.findings.find((f) => f.fingerprint === query);
  let node = graph.node(byFinding ? byFinding.subject.id : query);
  if (!node) {
    const q = query.toLowerCase();
    // Identities, and the other subjects of findings (an external workload that starts a path):
    // the reports print their names, so each can be asked for by it.
    const candidates = new Set(graph.ofKind('identity'));
    for (const f of report.findings) {
      const s = graph.node(f.subject.id);
      if (s) candidates.add(s);
    }
    // A trusted AWS account outside the scan also by its bare id (its native id is the root ARN).
    const matches = [...candidates].filter(
      (n) =>
        n.nativeId.toLowerCase() === q ||
        n.name.toLowerCase() === q ||
        (typeof n.attrs.appId === 'string' && n.attrs.appId.toLowerCase() === q) ||
        (n.kind === 'external' && n.type === 'aws-account' && n.scope === q),
    );
    if (matches.length > 1) return { kind: 'ambiguous', candidates: [...matches].sort((a, b) => (a.id < b.id ? -1 : 1)) };
    node = matches[0];
    if (!node) {
      const person = graph.ofKind('human').find((n) => n.nativeId.toLowerCase() === q || n.name.toLowerCase() === q);
      if (person && serviceAccountUnclassified(person) === undefined) return { kind: 'person', node: person };
      node = person;
    }
  }
  if (!node) return { kind: 'none' };
  if (node.kind === 'human' && serviceAccountUnclassified(node) === undefined) return { kind: 'person', node };
  const findings = report.findings.filter((f) => f.subject.id === node.id);
  const unknownIds = result.unknownBySubject.get(node.id);
  // The card lists every privilege itself (below): the summary's kept few are not needed.
  const identity = summarizeIdentity(graph, analysis, node.id, [...new Set(findings.map((f) => f.ruleId))], unknownIds ? [...unknownIds] : undefined, false);
  // The card is where a long path is read whole: the report lists its first and last hops
  // (ShownHops), and one identity's paths are as long as the graph is, not its square.
  identity.crownJewels = identity.crownJewels.map((cj) => {
    if (cj.omittedHops === undefined) return cj;
    const { omittedHops: _listed, ...whole } = cj;
    return { ...whole, hops: analysis.wholeHops(cj) };
  });
  const consents: ExplainCard['consents'] = [];
  const privileges: ExplainCard['privileges'] = [];
  for (const e of graph.out(node.id)) {
    const t = graph.node(e.to);
    if (!t) continue;
    if (e.type === 'DELEGATED_GRANT') {
      const ev = e.evidence ?? {};
      const entry: ExplainCard['consents'][number] = { scope: t.name, consentType: String(ev.consentType ?? 'unknown') };
      if (typeof ev.principalName === 'string') entry.grantedBy = ev.principalName;
      consents.push(entry);
    }
    const p = privilegeOf(e, t);
    if (p) privileges.push(p);
  }
  // An AWS principal's IAM policies, by name: the grants above come from them, and the recert
  // sheet counts them among what it holds (its `and N more` sends the reader here).
  privileges.push(...policyPrivileges(node));
  privileges.sort(comparePrivileges);
  const cuts = identity.crownJewels.map((cj) => {
    const hop = cj.hops[Math.max(0, cutHopIndex(cj.hops))];
    const cut: ExplainCard['cuts'][number] = { target: cj.targetName, revoke: hop ? `${hop.fromName} ${hop.type} ${hop.toName}: ${hop.reason}` : 'nothing to cut', otherRoutes: cj.alternatives };
    if (cj.conditionalAlternatives !== undefined) cut.conditionalRoutes = cj.conditionalAlternatives;
    return cut;
  });
  const card: ExplainCard = { identity, consents, privileges, cuts, findings };
  if (byFinding) card.askedFor = byFinding.fingerprint;
  if (byFinding?.path !== undefined && byFinding.omittedHops !== undefined) {
    const whole = analysis.wholeHopsOf(byFinding.path);
    if (whole !== undefined) card.askedPath = whole;
  }
  if (node.kind === 'privilege') card.subjectKind = 'privilege';
  // In the order and with the ids the identity summary lists them (unknownRuleIds).
  if (identity.unknownRuleIds) card.unknownRules = identity.unknownRuleIds.map((ruleId) => ({ ruleId, reason: unknownReason(result, ruleId, node) }));
  return { kind: 'card', card };
}

/**
 * The reason `ruleId` gave when it answered unknown for `subject`. The scan keeps only which rules
 * did (a reason per subject and rule would be held for every subject of a large estate); one card
 * asks the rule again, as the engine did: the sentence for a required capability not collected,
 * else the rule's own call. Rules are pure functions of the graph, the analysis, the clock and
 * their options, so the answer is the one counted in the report's rules[].unknownReasons.
 */
function unknownReason(result: ScanResult, ruleId: string, subject: GraphNode): string {
  const rule = result.rules.find((r) => r.meta.id === ruleId);
  const fallback = 'no reason given';
  if (!rule) return fallback;
  const missing = missingCapabilityReason(result.graph, subject, rule.evaluates.requires ?? [], rule.meta.title);
  if (missing !== undefined) return missing;
  const reports: ReportInput[] = [];
  let reason: string | undefined;
  const ctx: RuleContext = {
    graph: result.graph,
    now: new Date(result.report.scannedAt),
    options: result.ruleOptions.get(ruleId) ?? {},
    analysis: result.analysis,
    report: (r) => void reports.push(r),
    unknown: (why) => void (reason ??= why),
  };
  rule.check(subject, ctx);
  // A rule that reports a finding fails, whatever else it said; it was not unknown then.
  return reports.length === 0 && reason !== undefined ? reason : fallback;
}
