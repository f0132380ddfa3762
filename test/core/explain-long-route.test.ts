import { describe, it, expect } from 'vitest';
import { scanSnapshot } from '../../src/scan.js';
import { allRules } from '../../rules/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { explain } from '../../src/explain.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { renderTable } from '../../src/reporters/table.js';
import { ACCT, NOW, allow, awsSnapshot, doc, roleArn, roleId, trust } from '../helpers/aws-builders.js';

/**
 * A report lists the first and last hops of a long path and says `nhiscan explain <fingerprint>`
 * lists every hop. An AI agent's route to a privilege that is no crown jewel (its tier route, with
 * nhi-ai-agent-privileged's minTier at 2) is not among the card's crown-jewel paths: the card
 * asked for by that finding gives it whole on its own.
 */
describe('explain of a finding whose long path is a tier route', () => {
  const n = 30;
  const roles = Array.from({ length: n }, (_, i) => ({
    name: `c-${i}`,
    trust: i === 0 ? trust.principal(`arn:aws:iam::${ACCT}:root`) : trust.principal(roleArn(`c-${i - 1}`)),
    inline: [
      ...(i === 0 ? [doc(allow('bedrock:InvokeModel', '*'))] : []),
      ...(i < n - 1 ? [doc(allow('sts:AssumeRole', roleArn(`c-${i + 1}`)))] : [doc(allow('s3:PutObject', '*'))]),
    ],
  }));
  const config = { ...DEFAULT_CONFIG, rules: { 'nhi-ai-agent-privileged': { minTier: 2 } } };
  const result = scanSnapshot(awsSnapshot({ [ACCT]: { roles, users: [] } }), { now: new Date(NOW), config, rules: allRules, version: 'test' });
  const f = result.report.findings.find((x) => x.ruleId === 'nhi-ai-agent-privileged' && x.subject.id === roleId('c-0'))!;

  it('the report lists part of the path and names explain', () => {
    expect(f).toBeDefined();
    expect(f.omittedHops?.count).toBe(n - f.path!.length);
    expect(renderTable(result.report, { color: false, limitPerSeverity: 1000 })).toContain(`nhiscan explain ${f.fingerprint}`);
  });

  it('the card asked for by the finding holds every hop of its path, in order, and the text shows them', () => {
    const match = explain(result, f.fingerprint);
    if (match.kind !== 'card') throw new Error(match.kind);
    const whole = match.card.askedPath!;
    expect(whole.map((h) => h.fromName)).toEqual(roles.map((r) => r.name));
    expect(whole[n - 1].toName).toBe(f.path![f.path!.length - 1].toName);
    // The listed hops are the whole path's first and last ones.
    const after = f.omittedHops!.after;
    expect(whole.slice(0, after)).toEqual(f.path!.slice(0, after));
    expect(whole.slice(n - (f.path!.length - after))).toEqual(f.path!.slice(after));
    const text = renderExplain(match.card, false, 200);
    expect(text).toContain(`path (${n} hops):`);
    for (const r of roles) expect(text).toContain(`${r.name} ─`);
  });

  it('a card asked for by the identity, or by a finding whose path is listed whole, has no such path', () => {
    const byName = explain(result, 'c-0');
    if (byName.kind !== 'card') throw new Error(byName.kind);
    expect(byName.card.askedPath).toBeUndefined();
    const short = result.report.findings.find((x) => x.path !== undefined && x.omittedHops === undefined);
    if (short) {
      const m = explain(result, short.fingerprint);
      if (m.kind !== 'card') throw new Error(m.kind);
      expect(m.card.askedPath).toBeUndefined();
    }
  });
});
