import { describe, it, expect } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-shared.js';
import { NOW, oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runRule } from '../../helpers/rule-tester.js';
import { runCase } from './run-case.js';

const cases: OktaRuleCase[] = [
  { name: 'owner backs two tokens', org: () => oktaOrg().user({ id: 'u1', roles: ['ORG_ADMIN'] }).token({ id: 't1', userId: 'u1' }).token({ id: 't2', userId: 'u1' }), subject: I.token('t2'), verdict: 'fail', severities: ['critical'] },
  { name: 'near miss: two owners, one token each', org: () => oktaOrg().user({ id: 'u1' }).user({ id: 'u2' }).token({ id: 't1', userId: 'u1' }).token({ id: 't2', userId: 'u2' }), subject: I.token('t1'), verdict: 'pass' },
  { name: 'near miss: limit raised to 2', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1' }).token({ id: 't2', userId: 'u1' }), subject: I.token('t1'), verdict: 'pass', options: { maxTokensPerOwner: 2 } },
];

describe('okta-api-token-shared', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
  it('unknown when the token names no owner', () => {
    const snap = oktaOrg().token({ id: 't1', userId: 'u1' }).snapshot();
    delete (snap.files['okta/apiTokens.json'] as Record<string, unknown>[])[0].userId;
    runCase(rule, { name: 'x', org: () => Object.assign(oktaOrg(), { snapshot: () => snap }), subject: I.token('t1'), verdict: 'unknown' });
  });
});

describe('okta-api-token-shared: an owner of many tokens', () => {
  // Each token of an owner gets a finding, and each listed every token of the owner: N x N ids
  // (1.9 GB of JSON for one admin with 5,000 tokens). Now the first ten ids, sorted, and how many more.
  const many = 50;
  const ids = Array.from({ length: many }, (_, k) => `t${String(k).padStart(2, '0')}`);
  const org = () => ids.reduce((o, id) => o.token({ id, userId: 'u1' }), oktaOrg().user({ id: 'u1', roles: ['ORG_ADMIN'] }));
  const run = () => runRule(rule, org().graph(), { now: NOW });

  // Changed deliberately: each finding lists its own token first. With the first ten ids alone, the
  // findings of the owner's other 40 tokens did not list their own token.
  it('lists at most ten token ids in each finding, its own first, says how many more, and counts them all', () => {
    const { findings } = run();
    expect(findings).toHaveLength(many);
    const sorted = ids.map((id) => I.token(id)).sort();
    for (const f of findings) {
      expect(f.evidence.tokens).toEqual([f.subject.id, ...sorted.filter((id) => id !== f.subject.id).slice(0, 9)]);
      expect(f.evidence.tokensOmitted).toBe(many - 10);
      expect(f.args.count).toBe(many);
      expect(f.message).toMatch(new RegExp(`^API token t\\d\\d is one of ${many} tokens acting as .*: t00, t01, t02, t03, t04, …$`));
    }
    // One finding per token, severities as before: only how much is listed changed.
    expect(new Set(findings.map((f) => f.subject.id)).size).toBe(many);
    // A token past the first ten, and one among them: each lists itself, then the first others.
    const of = (id: string) => findings.find((f) => f.subject.id === I.token(id))!.evidence;
    expect(of('t30')).toMatchObject({ tokens: [I.token('t30'), ...sorted.slice(0, 9)], tokensOmitted: 40 });
    expect(of('t05')).toMatchObject({ tokens: [I.token('t05'), ...sorted.slice(0, 10).filter((id) => id !== I.token('t05'))], tokensOmitted: 40 });
  });

  it('lists every id, and says nothing more, up to ten tokens', () => {
    const few = ids.slice(0, 10);
    const graph = few.reduce((o, id) => o.token({ id, userId: 'u1' }), oktaOrg().user({ id: 'u1' })).graph();
    const { findings } = runRule(rule, graph, { now: NOW });
    expect(findings).toHaveLength(10);
    for (const f of findings) {
      expect(f.evidence.tokens).toEqual([f.subject.id, ...few.map((id) => I.token(id)).sort().filter((id) => id !== f.subject.id)]);
      expect('tokensOmitted' in f.evidence).toBe(false);
    }
  });
});
