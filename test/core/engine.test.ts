import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { defineRule } from '../../src/rule-kit.js';
import { runRules, fingerprint, renderMessage, compareFindings } from '../../src/engine/run.js';
import { escalateSeverity } from '../../src/engine/severity.js';
import { analyze } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { graphOf, node, edge } from '../helpers/graph.js';
import { GraphBuilder } from '../../src/graph/graph.js';

const now = new Date('2026-11-20T00:00:00Z');

const ageRule = defineRule({
  meta: {
    id: 'aws-test-age',
    title: 'Thing is older than the threshold allows',
    severity: 'medium',
    tiered: true,
    providers: ['aws'],
    owasp: ['NHI7:2025'],
    description: 'test rule that flags old subjects',
    risk: 'old things are risky in this test',
    remediation: 'make the thing younger somehow',
    references: ['https://example.com/x'],
    maturity: 'stable',
    messages: { old: '{{name}} is {{days}} days old' },
    options: { maxDays: { default: 90, description: 'max age' } },
  },
  evaluates: { types: ['aws-iam-role'], requires: ['aws.iam'] },
  check(s, ctx) {
    if (!s.createdAt) return ctx.unknown('no creation date');
    const days = Math.floor((ctx.now.getTime() - Date.parse(s.createdAt)) / 86_400_000);
    if (days > Number(ctx.options.maxDays)) ctx.report({ messageId: 'old', args: { days } });
  },
});

const cov = (scope: string) => ({ provider: 'aws' as const, scope, capability: 'aws.iam', status: 'collected' as const });

describe('runRules', () => {
  const g = graphOf(
    [
      node('old', { createdAt: '2025-01-01T00:00:00Z' }),
      node('young', { createdAt: '2026-11-01T00:00:00Z' }),
      node('undated'),
      node('elsewhere', { scope: 'other', createdAt: '2020-01-01T00:00:00Z' }),
    ],
    [],
    [cov('acct')],
  );
  const a = analyze(g, { now, config: DEFAULT_CONFIG });

  it('gives each subject exactly one of pass, fail, unknown and counts them', () => {
    const r = runRules(g, a, [ageRule], { now, collectVerdicts: true });
    expect(r.verdicts!.get('old')).toBe('fail');
    expect(r.verdicts!.get('young')).toBe('pass');
    expect(r.verdicts!.get('undated')).toBe('unknown');
    // The "other" scope has no coverage record: not collected is unknown, never pass.
    expect(r.verdicts!.get('elsewhere')).toBe('unknown');
    expect(r.stats[0]).toMatchObject({ evaluated: 4, failing: 1, unknown: 2 });
    expect(r.stats[0].unknownReasons['the IAM authorization details (users, roles, groups and policies) of account other were not read (not collected); so whether "Thing is older than the threshold allows" holds cannot be judged']).toBe(1);
    expect(r.findings[0].message).toBe('old is 688 days old');
  });

  it('takes thresholds from options', () => {
    const r = runRules(g, a, [ageRule], { now, ruleOptions: { 'aws-test-age': { maxDays: 1000 } } });
    expect(r.findings).toHaveLength(0);
    expect(() => runRules(g, a, [ageRule], { now, ruleOptions: { 'aws-test-age': { nope: 1 } } })).toThrow(/unknown option/);
  });

  it('merges an object option with its default key by key; lists and scalars replace', () => {
    let seen: Record<string, unknown> = {};
    const optRule = defineRule({
      ...ageRule,
      meta: {
        ...ageRule.meta,
        id: 'aws-test-opts',
        options: {
          policy: { default: { T4: { max: 90, owner: true, kinds: ['a', 'b'] }, T3: { max: 180 } }, description: 'nested' },
          names: { default: ['x', 'y'], description: 'list' },
        },
      },
      check(_s, ctx) {
        seen = ctx.options;
      },
    });
    runRules(g, a, [optRule], { now, ruleOptions: { 'aws-test-opts': { policy: { T4: { max: 30, kinds: ['c'] }, T1: { max: 700 } }, names: ['z'] } } });
    // Setting one field of T4 keeps T4's others and every other tier.
    expect(seen.policy).toEqual({ T4: { max: 30, owner: true, kinds: ['c'] }, T3: { max: 180 }, T1: { max: 700 } });
    expect(seen.names).toEqual(['z']);
  });

  it('drops a default key that the configuration sets to null (the way to remove a requirement)', () => {
    let seen: Record<string, unknown> = {};
    const optRule = defineRule({
      ...ageRule,
      meta: { ...ageRule.meta, id: 'aws-test-null', options: { policy: { default: { T4: { max: 90, owner: true }, T3: { max: 180 } }, description: 'nested' } } },
      check(_s, ctx) {
        seen = ctx.options;
      },
    });
    runRules(g, a, [optRule], { now, ruleOptions: { 'aws-test-null': { policy: { T4: { max: null }, T3: null } } } });
    expect(seen.policy).toEqual({ T4: { owner: true } });
  });

  it('refuses option names that are only Object built-ins', () => {
    for (const k of ['constructor', 'toString', '__proto__']) {
      const over = JSON.parse(`{"${k}": {}}`) as Record<string, unknown>;
      expect(() => runRules(g, a, [ageRule], { now, ruleOptions: { 'aws-test-age': over } })).toThrow(/unknown option/);
    }
  });

  it('fingerprints from stable ids, so a rename keeps the fingerprint', () => {
    const renamed = graphOf([node('old', { name: 'new display name', createdAt: '2025-01-01T00:00:00Z' })], [], [cov('acct')]);
    const f1 = runRules(g, a, [ageRule], { now }).findings[0];
    const f2 = runRules(renamed, analyze(renamed, { now, config: DEFAULT_CONFIG }), [ageRule], { now }).findings[0];
    expect(f2.fingerprint).toBe(f1.fingerprint);
    expect(f2.message).not.toBe(f1.message);
    expect(fingerprint('r', 's', 'k')).not.toBe(fingerprint('r', 's', 'k2'));
  });

  it('raises hygiene severity with the subject tier', () => {
    const tiered = graphOf(
      [node('old', { createdAt: '2025-01-01T00:00:00Z' }), node('p4', { kind: 'privilege', type: 'x', tier: 4 })],
      [edge('old', 'p4', 'GRANTED')],
      [cov('acct')],
    );
    const f = runRules(tiered, analyze(tiered, { now, config: DEFAULT_CONFIG }), [ageRule], { now }).findings[0];
    expect(f.baseSeverity).toBe('medium');
    expect(f.severity).toBe('critical');
    expect(f.tier).toBe(4);
  });

  it('does not lower severity for T0 when the evidence feeding the tier was not read', () => {
    // No requires: the rule still runs where aws.iam (the tier's evidence) was not collected.
    const noRequires = defineRule({ ...ageRule, evaluates: { types: ['aws-iam-role'] } });
    const partial = graphOf(
      [node('read', { createdAt: '2025-01-01T00:00:00Z' }), node('unread', { scope: 'other', createdAt: '2025-01-01T00:00:00Z' })],
      [],
      [cov('acct'), { provider: 'aws', scope: 'other', capability: 'aws.iam', status: 'missing-permission' }],
    );
    const r = runRules(partial, analyze(partial, { now, config: DEFAULT_CONFIG }), [noRequires], { now });
    const by = new Map(r.findings.map((f) => [f.subject.id, f]));
    // Read and reaching nothing: T0 lowers medium to low.
    expect(by.get('read')).toMatchObject({ tier: 0, baseSeverity: 'medium', severity: 'low' });
    // Not read: T0 is only a lower bound, so the base severity stands.
    expect(by.get('unread')).toMatchObject({ tier: 0, baseSeverity: 'medium', severity: 'medium' });
  });

  // An AWS account always has a root user, known only from data that may not have been read: a
  // scope without the subject is one unknown evaluation, never silence.
  it('counts a scope without the subject of a onePerScope rule as one unknown, named by scope', () => {
    const b = new GraphBuilder();
    for (const id of ['read', 'denied', 'empty']) b.addScope({ provider: 'aws', id });
    b.addScope({ provider: 'okta', id: 'org' });
    b.addNode(node('root-read', { type: 'aws-root-user', scope: 'read' }));
    b.addCoverage({ provider: 'aws', scope: 'read', capability: 'aws.credentialReport', status: 'collected' });
    b.addCoverage({ provider: 'aws', scope: 'denied', capability: 'aws.credentialReport', status: 'missing-permission' });
    b.addCoverage({ provider: 'aws', scope: 'empty', capability: 'aws.credentialReport', status: 'collected' });
    const g = b.build();
    const evaluates = { types: ['aws-root-user'], requires: ['aws.credentialReport'] };
    const perScope = defineRule({ ...ageRule, evaluates: { ...evaluates, onePerScope: true }, check: () => {} });
    const plain = defineRule({ ...ageRule, evaluates, check: () => {} });
    const r = runRules(g, analyze(g, { now, config: DEFAULT_CONFIG }), [perScope, plain], { now, collectVerdicts: true });
    expect(r.verdicts!.get('root-read')).toBe('pass');
    expect(r.stats[0]).toEqual({
      ruleId: 'aws-test-age',
      evaluated: 3,
      failing: 0,
      unknown: 2,
      unknownReasons: {
        'empty: no aws-root-user read': 1,
        'the IAM credential report of account denied was not read (denied); so whether "Thing is older than the threshold allows" holds cannot be judged': 1,
      },
      byProvider: { aws: { evaluated: 3, failing: 0, unknown: 2 } },
    });
    // Without the declaration a scope still counts once where the list of its subjects (the
    // credential report) was not read; a scope read and empty is silent. No subject is invented for
    // the identity lists.
    expect(r.stats[1]).toMatchObject({
      evaluated: 2,
      failing: 0,
      unknown: 1,
      unknownReasons: {
        'the IAM credential report of account denied was not read (denied); so whether "Thing is older than the threshold allows" holds cannot be judged': 1,
      },
    });
    expect(r.unknownBySubject.size).toBe(0);
  });

  // A subject list refused (Okta API tokens, 403) leaves a rule on those subjects nothing to
  // evaluate in that scope: "0 evaluated" would read as a clean pass, so the scope is one unknown
  // naming the list and the coverage record's reason. Near misses: a scope whose list was read
  // (empty or not) adds nothing, nor does a scope of another provider, nor a rule whose subjects
  // in the scope already answered unknown with that sentence (no double count).
  it('counts a scope whose subject list was not read as one unknown, with the coverage reason', () => {
    const b = new GraphBuilder();
    for (const id of ['denied', 'empty', 'full']) b.addScope({ provider: 'okta', id });
    b.addScope({ provider: 'aws', id: 'acct' });
    b.addNode(node('tok', { type: 'okta-api-token', provider: 'okta', scope: 'full' }));
    // A list cut short: a token read before the refusal.
    b.addNode(node('part', { type: 'okta-api-token', provider: 'okta', scope: 'denied' }));
    b.addCoverage({ provider: 'okta', scope: 'denied', capability: 'okta.apiTokens', status: 'missing-permission', reason: '403 E0000006' });
    b.addCoverage({ provider: 'okta', scope: 'empty', capability: 'okta.apiTokens', status: 'collected' });
    b.addCoverage({ provider: 'okta', scope: 'full', capability: 'okta.apiTokens', status: 'collected' });
    const g = b.build();
    const meta = { ...ageRule.meta, id: 'okta-test-token', providers: ['okta' as const] };
    const tokens = defineRule({ ...ageRule, meta, evaluates: { types: ['okta-api-token'] }, check: () => {} });
    const required = defineRule({ ...ageRule, meta, evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens'] }, check: () => {} });
    const r = runRules(g, analyze(g, { now, config: DEFAULT_CONFIG }), [tokens, required], { now, collectVerdicts: true });
    const reason = 'the API token list of org denied was not read (denied: 403 E0000006); so whether "Thing is older than the threshold allows" holds cannot be judged';
    // tokens: tok and part pass, the denied scope is one unknown. required: part is unknown with
    // the same sentence, so the scope is not counted a second time.
    expect(r.stats[0]).toMatchObject({ evaluated: 3, failing: 0, unknown: 1, unknownReasons: { [reason]: 1 }, byProvider: { okta: { evaluated: 3, failing: 0, unknown: 1 } } });
    expect(r.stats[1]).toMatchObject({ evaluated: 2, failing: 0, unknown: 1, unknownReasons: { [reason]: 1 }, byProvider: { okta: { evaluated: 2, failing: 0, unknown: 1 } } });
    expect(r.verdicts!.get('tok')).toBe('pass');
    expect([...r.unknownBySubject]).toEqual([['part', ['okta-test-token']]]);
  });

  // Near miss: what decides whether an Entra user is a service account (here its sign-in activity)
  // is judged user by user (serviceAccountUnread), so its gap is no gap of the user list.
  it('does not count a scope for a capability judged per user, only for the user list', () => {
    const b = new GraphBuilder();
    for (const id of ['t1', 't2']) b.addScope({ provider: 'entra', id });
    for (const cap of ['entra.users', 'entra.userManagers', 'entra.mfaRegistration']) b.addCoverage({ provider: 'entra', scope: 't1', capability: cap, status: 'collected' });
    b.addCoverage({ provider: 'entra', scope: 't2', capability: 'entra.users', status: 'error', reason: 'HTTP 500' });
    const g = b.build();
    const meta = { ...ageRule.meta, id: 'entra-test-user', providers: ['entra' as const] };
    const users = defineRule({ ...ageRule, meta, evaluates: { types: ['entra-user'] }, check: () => {} });
    const r = runRules(g, analyze(g, { now, config: DEFAULT_CONFIG }), [users], { now });
    expect(r.stats[0]).toMatchObject({
      evaluated: 1,
      unknown: 1,
      unknownReasons: { 'the user list of tenant t2 was not read (error: HTTP 500); so whether "Thing is older than the threshold allows" holds cannot be judged': 1 },
    });
  });
});

describe('finding order', () => {
  // Severity, rule and key vary per subject; the graph adds nodes out of id order, and ids share
  // prefixes, so graph order, id order and the order the rules report in all differ.
  const ids = ['b', 'a-2', 'a', 'c', 'a-10', 'B'];
  const g = graphOf(ids.map((id) => node(id)), [], [cov('acct')]);
  const a = analyze(g, { now, config: DEFAULT_CONFIG });
  const ruleOf = (id: string) =>
    defineRule({
      ...ageRule,
      meta: { ...ageRule.meta, id, tiered: false, messages: { m: '{{name}} {{k}}' } },
      check(s, ctx) {
        const i = ids.indexOf(s.id);
        for (let k = 0; k <= i % 3; k++) ctx.report({ messageId: 'm', key: `k${(i * 7 + k * 5) % 4}`, severity: (['low', 'high', 'critical'] as const)[(i + k) % 3], args: { k } });
      },
    });

  it('is compareFindings order: severity, rule id, subject id, fingerprint', () => {
    const { findings } = runRules(g, a, [ruleOf('aws-z'), ruleOf('aws-a'), ruleOf('aws-m')], { now });
    expect(findings.length).toBeGreaterThan(20);
    expect(findings).toEqual([...findings].sort(compareFindings));
    expect(findings.map((f) => f.subject.id)).not.toEqual([...findings].map((f) => f.subject.id).sort());
  });

  it('lists, per subject, each rule that reported on it once, in run order', () => {
    const rules = [ruleOf('aws-z'), ruleOf('aws-a'), ruleOf('aws-m')];
    const { findings, failedRules } = runRules(g, a, rules, { now });
    for (const id of ids) {
      const reported = rules.map((r) => r.meta.id).filter((r) => findings.some((f) => f.ruleId === r && f.subject.id === id));
      expect(failedRules[g.indexOf(id)]).toEqual(reported);
    }
    expect(failedRules[g.indexOf('a-10')]).toEqual(['aws-z', 'aws-a', 'aws-m']);
  });
});

describe('subject selection', () => {
  // Nodes of three types and two kinds, added out of type order: a rule's subjects are the nodes
  // of any of its types or kinds, each once, in graph order, whichever selection asks first.
  const g = graphOf(
    [
      node('r1'),
      node('u1', { type: 'aws-iam-user' }),
      node('h1', { type: 'aws-iam-user', kind: 'human' }),
      node('x1', { type: 'oidc-workload', kind: 'external', provider: 'external', scope: 'https://issuer' }),
      node('r2'),
      node('h2', { type: 'aws-root-user', kind: 'human' }),
      node('u2', { type: 'aws-iam-user' }),
    ],
    [],
    [cov('acct')],
  );
  const a = analyze(g, { now, config: DEFAULT_CONFIG });
  const seen = new Map<string, string[]>();
  const selecting = (id: string, types: string[], kinds: ('identity' | 'human' | 'external')[] = []) =>
    defineRule({
      ...ageRule,
      meta: { ...ageRule.meta, id },
      evaluates: { types, kinds },
      check(s) {
        seen.set(id, [...(seen.get(id) ?? []), s.id]);
      },
    });

  it('takes each node of the types and kinds once, in graph order', () => {
    seen.clear();
    const rules = [
      selecting('aws-users-roles', ['aws-iam-user', 'aws-iam-role']),
      selecting('aws-roles-users', ['aws-iam-role', 'aws-iam-user', 'aws-iam-role']),
      selecting('aws-users-and-humans', ['aws-iam-user'], ['human']),
      selecting('aws-humans-externals', [], ['human', 'external']),
      selecting('aws-one-type', ['aws-iam-user']),
      selecting('aws-one-kind', [], ['human']),
      selecting('aws-nothing', []),
    ];
    const r = runRules(g, a, rules, { now });
    expect(Object.fromEntries(seen)).toEqual({
      'aws-users-roles': ['r1', 'u1', 'h1', 'r2', 'u2'],
      'aws-roles-users': ['r1', 'u1', 'h1', 'r2', 'u2'],
      'aws-users-and-humans': ['u1', 'h1', 'h2', 'u2'],
      'aws-humans-externals': ['h1', 'x1', 'h2'],
      'aws-one-type': ['u1', 'h1', 'u2'],
      'aws-one-kind': ['h1', 'h2'],
    });
    expect(r.stats.find((st) => st.ruleId === 'aws-nothing')?.evaluated).toBe(0);
  });
});

describe('severity and messages', () => {
  it('escalates by tier within bounds', () => {
    expect(escalateSeverity('medium', 4)).toBe('critical');
    expect(escalateSeverity('medium', 3)).toBe('high');
    expect(escalateSeverity('medium', 1)).toBe('medium');
    expect(escalateSeverity('medium', 0)).toBe('low');
    expect(escalateSeverity('low', 0)).toBe('low');
    expect(escalateSeverity('high', 4)).toBe('critical');
  });
  it('renders placeholders and leaves unknown ones visible', () => {
    expect(renderMessage('{{a}} and {{ b }} and {{c}}', { a: 1, b: 'x' })).toBe('1 and x and {{c}}');
    // The template is split once and reused: a second render with other values must not leak the first.
    expect(renderMessage('{{a}} and {{ b }} and {{c}}', { a: 2, c: 'z' })).toBe('2 and {{ b }} and z');
    expect(renderMessage('{{a}}{{a}}', { a: 'x' })).toBe('xx');
    expect(renderMessage('no placeholders', { a: 1 })).toBe('no placeholders');
    // Only the arguments' own names count, not what every object inherits.
    expect(renderMessage('{{toString}}', {})).toBe('{{toString}}');
  });
  it('fingerprints with sha256 of rule, subject and key (stable across versions: baselines depend on it)', () => {
    expect(fingerprint('r', 's', 'k')).toBe(createHash('sha256').update('r\u0000s\u0000k').digest('hex').slice(0, 32));
    expect(fingerprint('r', 's')).toBe(createHash('sha256').update('r\u0000s\u0000').digest('hex').slice(0, 32));
  });
});
