import { Chalk } from 'chalk';
import type { ExplainCard } from '../explain.js';
import { safeText as t } from './sanitize.js';
import { renderPath } from './table.js';
import { tierLabel } from '../report/tier-label.js';

/** The card as text: the three answers an auditor needs, then the findings. */
export function renderExplain(card: ExplainCard, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const i = card.identity;
  const out: string[] = [];
  out.push(c.bold(`${t(i.name)}`) + c.gray(`  ${i.provider} ${i.type}  ${t(i.nativeId)}`));
  out.push(c.gray(`  ${t(i.id)}`));
  out.push(`  capability ${t(tierLabel(i.tier, i.tierIncomplete))} (${t(i.tierReasons.join('; '))}) · autonomy ${i.autonomy} (${t(i.autonomyReason)})`);
  if (i.agent) out.push(`  AI agent [${i.agent.confidence}]: ${t(i.agent.reasons.join('; '))}`);
  if (i.machineReasons) out.push(`  service account (user object): ${t(i.machineReasons.join('; '))}`);
  out.push('', c.bold('1. Accountable humans'));
  if (i.owners.length === 0) out.push(c.red('   none: no owner, sponsor or manager is recorded'));
  else if (i.owners.every((o) => o.accountable === false)) out.push(c.red('   none: its only owners are not people'));
  for (const o of i.owners) {
    const relation = o.via === undefined ? o.relation : `${o.relation} ${t(o.via)}`;
    if (o.accountable === false) out.push(`   ${t(o.name)} (${relation}, ${c.yellow(t(o.note ?? 'not accountable'))})`);
    else out.push(`   ${t(o.name)} (${relation}${o.enabled === false ? c.red(', DISABLED') : o.enabled === true ? ', enabled' : ''})`);
  }
  for (const g of card.consents) out.push(`   consent: ${t(g.scope)} ${g.consentType === 'AllPrincipals' ? c.yellow('for ALL users (admin consent)') : `for ${t(g.grantedBy ?? 'one user')}`}`);
  out.push('', c.bold('2. Workload identity') + c.gray(` (strength: ${i.strength}${i.longLivedCredential ? ', long-lived' : ''})`));
  // An unread credential list is no evidence of none: said so, not "no credentials".
  if (i.credentialsIncomplete) out.push(c.yellow(`   credentials not read: ${i.credentials.length === 0 ? 'none are known' : 'more than those below may exist'}`));
  else if (i.credentials.length === 0) out.push('   no credentials recorded on the object');
  for (const cr of i.credentials) {
    out.push(`   ${cr.type} ${t(cr.name, 80)} · created ${cr.createdAt?.slice(0, 10) ?? 'unknown'} · expires ${cr.expiresAt === null ? 'never' : (cr.expiresAt?.slice(0, 10) ?? 'unknown')} · last used ${cr.lastUsedAt === null ? 'never' : (cr.lastUsedAt?.slice(0, 10) ?? 'not collected')}${cr.status ? ` · ${cr.status}` : ''}`);
  }
  for (const ev of i.strengthEvidence) out.push(c.gray(`   - ${t(ev)}`));
  out.push('', c.bold('3. Delegated authority'));
  for (const p of card.privileges) out.push(`   ${p.tier !== undefined ? `T${p.tier} ` : ''}${t(p.name)} ${c.gray(`via ${p.via}${p.hidden ? ', hidden from access reviews' : ''}`)}`);
  if (i.crownJewels.length === 0) out.push('   reaches no crown jewel');
  for (const cj of i.crownJewels) {
    out.push(`   ${c.red('reaches')} ${t(cj.targetName)} (${cj.crownJewel}${cj.crossesProviders ? ', crosses providers' : ''}):`);
    out.push(...renderPath(cj.hops, c, cj.alternatives).map((l) => `  ${l}`));
  }
  for (const cut of card.cuts) {
    // Revoking one hop cuts this route only; say so when others reach the same jewel.
    const others = cut.otherRoutes > 0 ? `; ${cut.otherRoutes} other route${cut.otherRoutes === 1 ? '' : 's'} also reach${cut.otherRoutes === 1 ? 'es' : ''} it` : '';
    out.push(`   to cut ${cut.otherRoutes > 0 ? 'this route' : 'the path'} to ${t(cut.target)}, revoke: ${t(cut.revoke, 300)}${others}`);
  }
  out.push('', c.bold(`Findings (${card.findings.length})`));
  for (const f of card.findings) out.push(`   ${f.severity.padEnd(8)} ${f.ruleId}: ${t(f.message, 300)}`);
  return out.join('\n') + '\n';
}
