import { Chalk } from 'chalk';
import type { ExplainCard } from '../explain.js';
import { CUT, cutLine } from './sanitize.js';
import { renderPath } from './table.js';
import { lowerBoundReason, tierLabel } from '../report/tier-label.js';
import { credentialExpiry } from '../report/credential-expiry.js';
import { wrapLine, wrapText } from './wrap.js';
import { credentialLabel } from '../graph/credential-label.js';
import { conditionalHopCount } from '../analysis/analyze.js';

/** Lines are wrapped to this width when the output is not a terminal: the same bytes everywhere. */
export const EXPLAIN_WIDTH = 100;

// Everything is wrapped, not cut; only a value past its CUT limit (a hostile one) is, so that one
// value cannot flood the terminal, and the cut is marked with a note. The JSON card has it all.
const WHOLE = 'this card with --format json';
/** A name (an identity, an owner, a scope, a target). */
const n = (v: unknown): string => cutLine(v, CUT.name, 'name', WHOLE);
/** Free text (reasons, evidence, messages) and ids, `what` naming it in the note. */
const t = (v: unknown, what = 'text'): string => cutLine(v, CUT.text, what, WHOLE);

type Credential = ExplainCard['identity']['credentials'][number];

/**
 * Each credential with the strength evidence that names it (`federated-oidc infra-main (exact
 * subject …)`), so it is listed once. The evidence (credentials that count for the strength) is
 * built as `<type> <name>[ (<how a trust matches>)]`; a longer name is matched first, so that
 * `a (b)` is not taken for `a` with a subject note. Evidence naming no listed credential is
 * returned apart, to be shown as before.
 */
function credentialLabels(credentials: Credential[], evidence: string[]): { labels: string[]; rest: string[] } {
  const rest = [...evidence];
  const labels = credentials.map((cr) => credentialLabel(cr.type, cr.name));
  const order = labels.map((_, k) => k).sort((a, b) => labels[b].length - labels[a].length);
  const claim = (k: number, fits: (ev: string) => boolean): boolean => {
    const at = rest.findIndex(fits);
    if (at < 0) return false;
    labels[k] = rest[at];
    rest.splice(at, 1);
    return true;
  };
  const exact = new Set<number>();
  for (const k of order) if (claim(k, (ev) => ev === labels[k])) exact.add(k);
  for (const k of order) if (!exact.has(k)) claim(k, (ev) => ev.startsWith(`${labels[k]} (`));
  return { labels, rest };
}

/**
 * The card as text: the three answers an auditor needs, then the findings. Lines longer than
 * `width` (the terminal's, or EXPLAIN_WIDTH) wrap at spaces with a hanging indent.
 */
export function renderExplain(card: ExplainCard, color: boolean, width = EXPLAIN_WIDTH): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const i = card.identity;
  const out: string[] = [];
  out.push(c.bold(`${n(i.name)}`) + c.gray(`  ${i.provider} ${i.type}  ${t(i.nativeId, 'id')}`));
  out.push(c.gray(`  ${t(i.id, 'id')}`));
  // What was not read is said once, in the tier label: the same sentence among the reasons
  // after it would only repeat it.
  const notRead = i.tierIncomplete;
  const tierReasons = notRead === undefined ? i.tierReasons : i.tierReasons.filter((r) => r !== lowerBoundReason(i.tier, notRead));
  const reasons = tierReasons.length > 0 ? ` (${t(tierReasons.join('; '), 'reason')})` : '';
  const privilege = card.subjectKind === 'privilege';
  // A privilege (an Okta app that signs people in to AWS) reaches what it grants; it does nothing
  // on its own, so it gets no autonomy and no workload-identity section.
  if (privilege) out.push(`  privilege, not a machine identity: whoever signs in through it gets capability ${t(tierLabel(i.tier, i.tierIncomplete), 'tier')}${reasons}`);
  else out.push(`  capability ${t(tierLabel(i.tier, i.tierIncomplete), 'tier')}${reasons} · autonomy ${i.autonomy} (${t(i.autonomyReason, 'reason')})`);
  if (i.agent) out.push(`  AI agent [${i.agent.confidence}]: ${t(i.agent.reasons.join('; '), 'reason')}`);
  if (i.machineReasons) out.push(`  service account (user object): ${t(i.machineReasons.join('; '), 'reason')}`);
  if (i.possibleServiceAccount) {
    const p = i.possibleServiceAccount;
    out.push(c.yellow(`  possible service account, not verified: ${t(p.reason, 'reason')}${p.signals ? ` (read: ${t(p.signals.join('; '), 'reason')})` : ''}`));
  }
  out.push('', c.bold('1. Accountable humans'));
  // Owner data that was not all read (an owner list or manager lookup missing) is no evidence
  // of "none": the card says unknown, as the owner rules and the recertification sheet do.
  if (i.owners.length === 0) out.push(i.ownersIncomplete ? c.yellow('   unknown: none recorded, but its owner, sponsor or manager data was not read') : c.red('   none: no owner, sponsor or manager is recorded'));
  else if (i.owners.every((o) => o.accountable === false)) {
    out.push(i.ownersIncomplete ? c.yellow('   unknown: its recorded owners are not people, and its owners or manager were not all read') : c.red('   none: its only owners are not people'));
  }
  for (const o of i.owners) {
    const relation = o.via === undefined ? o.relation : `${o.relation} ${n(o.via)}`;
    if (o.accountable === false) out.push(`   ${n(o.name)} (${relation}, ${c.yellow(t(o.note ?? 'not accountable', 'note'))})`);
    else out.push(`   ${n(o.name)} (${relation}${o.enabled === false ? c.red(', DISABLED') : o.enabled === true ? ', enabled' : ''})`);
  }
  for (const g of card.consents) out.push(`   consent: ${n(g.scope)} ${g.consentType === 'AllPrincipals' ? c.yellow('for ALL users (admin consent)') : `for ${n(g.grantedBy ?? 'one user')}`}`);
  if (!privilege) workloadSection(out, i, c);
  out.push('', c.bold(privilege ? '2. What it grants' : '3. Delegated authority'));
  // A firm entry names the edge only; one that holds under a condition, or a trust no token passes
  // today, says so with its reason, which states the condition or why, as a path hop does. One
  // into a disabled object says that too, as the tier reason does.
  for (const p of card.privileges) {
    const condition = p.latent
      ? ` ${c.yellow('(latent, no token passes today:')} ${t(p.reason, 'reason')}${c.yellow(')')}`
      : p.conditional
        ? ` ${c.yellow('(conditional:')} ${t(p.reason, 'reason')}${c.yellow(')')}`
        : '';
    const disabled = p.targetDisabled ? ` ${c.yellow('(target disabled: nothing passes into it until it is re-enabled)')}` : '';
    const issuer = p.signsInOthers ? ` ${c.gray('(signs its assignees in; holds nothing there itself)')}` : '';
    out.push(`   ${p.tier !== undefined ? `T${p.tier} ` : ''}${n(p.name)} ${c.gray(`via ${p.via}${p.hidden ? ', hidden from access reviews' : ''}`)}${condition}${disabled}${issuer}`);
  }
  if (i.crownJewels.length === 0) out.push('   reaches no crown jewel');
  for (const cj of i.crownJewels) {
    // A route with a conditional hop (marked so below) is a "may reach", as the path finding and
    // the recertification sheet word it.
    const reach = conditionalHopCount(cj.hops, cj.omittedHops) > 0 ? c.yellow('may reach') : c.red('reaches');
    out.push(`   ${reach} ${n(cj.targetName)} (${cj.crownJewel}${cj.crossesProviders ? ', crosses providers' : ''}):`);
    for (const l of renderPath(cj.hops, c, cj, { whole: WHOLE })) out.push(`  ${l}`);
  }
  for (const cut of card.cuts) {
    // Revoking one hop cuts this route only; say so when others reach the same jewel, and which of
    // them hold only under a condition (a firm path's), so that the firm count is what surely remains.
    const firm = cut.otherRoutes;
    const maybe = cut.conditionalRoutes ?? 0;
    const routes = (k: number) => `${k} other route${k === 1 ? '' : 's'}`;
    const others =
      firm > 0
        ? `; ${routes(firm)} also reach${firm === 1 ? 'es' : ''} it${maybe > 0 ? `, and ${maybe} more under conditions` : ''}`
        : maybe > 0
          ? `; ${routes(maybe)} reach${maybe === 1 ? 'es' : ''} it only under conditions`
          : '';
    out.push(`   to cut ${firm + maybe > 0 ? 'this route' : 'the path'} to ${n(cut.target)}, revoke: ${t(cut.revoke, 'hop')}${others}`);
  }
  // Waived findings are accepted risks: listed with their waiver (as the table's Waived section),
  // not counted. The finding the card was asked for by fingerprint is marked when there are others.
  const waived = card.findings.filter((f) => f.status === 'waived').length;
  const mark = card.askedFor !== undefined && card.findings.length > 1;
  const heading = [waived > 0 ? `${waived} waived` : '', mark ? '> marks the one asked for' : ''].filter(Boolean).join('; ');
  out.push('', c.bold(`Findings (${card.findings.length}${heading ? `; ${heading}` : ''})`));
  for (const f of card.findings) {
    const line = `   ${f.severity.padEnd(8)} ${f.ruleId}: ${t(f.message, 'message')}`;
    // Wrapped here, so its continuation lines hang under the text and not under the mark.
    if (mark && f.fingerprint === card.askedFor) wrapLine(line, width).forEach((l, k) => out.push(k === 0 ? ` >${l.slice(2)}` : l));
    else out.push(line);
    // The report listed the first and last hops of this finding's path and sent the reader here.
    if (card.askedPath !== undefined && f.fingerprint === card.askedFor) for (const l of renderPath(card.askedPath, c, {}, { whole: WHOLE })) out.push(`  ${l}`);
    if (f.status === 'waived' && f.waiver) {
      const w = f.waiver;
      out.push(c.gray(`     waived until ${t(w.expires, 'expiry')} (${n(w.owner)}${w.ticket !== undefined ? `, ${t(w.ticket, 'ticket')}` : ''}: ${t(w.reason, 'reason')})`));
    }
  }
  // The checks that could not be judged: without them a card with no finding reads as a clean
  // bill. Each rule with the reason it gave (what was not read), as the table's unknown section.
  if (card.unknownRules) {
    out.push('', c.bold(`Unknown checks (${card.unknownRules.length}): could not be judged, not passes`));
    for (const u of card.unknownRules) out.push(`   ${c.yellow('unknown ')} ${u.ruleId}: ${t(u.reason, 'reason')}`);
  }
  return wrapText(out.join('\n'), width) + '\n';
}

/** Section 2 of an identity's card: how it proves itself (its credentials and their strength). */
function workloadSection(out: string[], i: ExplainCard['identity'], c: InstanceType<typeof Chalk>): void {
  out.push('', c.bold('2. Workload identity') + c.gray(` (strength: ${i.strength}${i.longLivedCredential ? ', long-lived' : ''}${i.credentialsIncomplete !== undefined ? ', of the credentials that were read' : ''})`));
  // A list that was not read whole is no evidence of "no credential": say what is missing.
  if (i.credentialsIncomplete !== undefined) out.push(c.yellow(`   ${i.credentials.length === 0 ? 'unknown' : 'may have more'}: ${t(i.credentialsIncomplete, 'note')}`));
  else if (i.credentials.length === 0) out.push('   no credentials recorded on the object');
  const { labels, rest } = credentialLabels(i.credentials, i.strengthEvidence);
  i.credentials.forEach((cr, k) => {
    const expires = credentialExpiry(cr);
    out.push(`   ${t(labels[k], 'credential')} · created ${cr.createdAt?.slice(0, 10) ?? 'unknown'} · expires ${expires === null ? 'never' : (expires?.slice(0, 10) ?? 'unknown')} · last used ${cr.lastUsedAt === null ? 'never' : (cr.lastUsedAt?.slice(0, 10) ?? 'not collected')}${cr.status ? ` · ${cr.status}` : ''}`);
  });
  for (const ev of rest) out.push(c.gray(`   - ${t(ev, 'evidence')}`));
}
