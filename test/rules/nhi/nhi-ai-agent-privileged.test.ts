import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-ai-agent-privileged.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import { demoSnapshot, scan } from '../../e2e/demo.js';

const now = '2026-11-20T00:00:00Z';
const iam = (status: 'collected' | 'missing-permission') => ({ provider: 'aws' as const, scope: 'acct', capability: 'aws.iam', status });
const agent = { confidence: 'permission' as const, reasons: ['may invoke bedrock:InvokeModel'] };

describe('nhi-ai-agent-privileged', () => {
  it('flags an agent that reaches administration through another role, with the path', () => {
    const g = graphOf(
      [node('agent', { agent }), node('admin-role'), node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin' }), node('reader', { agent }), node('read', { kind: 'privilege', type: 'p', tier: 1 })],
      [edge('agent', 'admin-role', 'CAN_ASSUME'), edge('admin-role', 'jewel', 'GRANTED'), edge('reader', 'read', 'GRANTED')],
      [iam('collected')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('agent')).toBe('fail');
    expect(r.findings[0].severity).toBe('critical');
    expect(r.findings[0].path!.map((h) => h.to)).toEqual(['admin-role', 'jewel']);
    expect(r.verdicts.get('reader')).toBe('pass');
  });

  it('reports T3 agents as critical too (a hijacked agent can rewrite its own permissions) and respects minTier', () => {
    const g = graphOf([node('agent', { agent }), node('sec', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets' })], [edge('agent', 'sec', 'GRANTED')]);
    expect(runRule(rule, g, { now }).findings[0].severity).toBe('critical');
    expect(runRule(rule, g, { now, options: { minTier: 4 } }).findings).toHaveLength(0);
  });

  it('says the tier is a lower bound when evidence feeding it was not collected, and states it plainly otherwise', () => {
    const g = (status: 'collected' | 'missing-permission') => graphOf([node('agent', { agent }), node('sec', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets' })], [edge('agent', 'sec', 'GRANTED')], [iam(status)]);
    expect(runRule(rule, g('missing-permission'), { now }).findings[0].message).toContain('with capability T3 or higher (the IAM authorization details (users, roles, groups and policies) of account acct were not read (denied); so whether it reaches a tier above T3 cannot be judged): ');
    expect(runRule(rule, g('collected'), { now }).findings[0].message).toContain('with capability T3: ');
  });

  it('is unknown, not passing, for an agent whose tier evidence was not collected', () => {
    const g = graphOf([node('reader', { agent }), node('read', { kind: 'privilege', type: 'p', tier: 1 })], [edge('reader', 'read', 'GRANTED')], [iam('missing-permission')]);
    expect(runRule(rule, g, { now }).verdicts.get('reader')).toBe('unknown');
  });
});

describe('nhi-ai-agent-privileged: a crown jewel reached only under a condition', () => {
  const opsAgent = (r: ReturnType<typeof scan>) => r.report.findings.find((f) => f.ruleId === 'nhi-ai-agent-privileged' && f.subject.name === 'Ops Agent')!;

  it('says "may reach", at high as nhi-path-to-crown-jewel reports a "may reach" path, when every route to the jewel is conditional', () => {
    // Without the account's OIDC provider for the tenant's issuer, no token passes today: Ops
    // Agent's only way into ops-agent-role (and so to the account's secrets) is a conditional hop.
    const s = demoSnapshot();
    const key = 'aws/111122223333/oidc-providers.json';
    s.files[key] = (s.files[key] as { Url: string }[]).filter((x) => !x.Url.startsWith('sts.windows.net/'));
    const r = scan(s);
    const f = opsAgent(r);
    expect(f.path!.some((h) => h.conditional)).toBe(true);
    // Worded as Ops Agent's own path finding words the same hop: the account turns the token away
    // today (no OIDC provider), a decided fact, not a condition the scanner could not decide.
    expect(f.message).toContain("with capability T3: may reach AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (T3); 1 hop(s) turned away today by the account's OIDC provider, open if it changes");
    expect(f.severity).toBe('high');
    expect(f.evidence.conditional).toBe(true);
    const p = r.report.findings.find((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.subject.name === 'Ops Agent' && x.evidence.crownJewel === 'secrets')!;
    expect(p.message).toMatch(/may reach .*; 1 hop\(s\) turned away today by the account's OIDC provider, open if it changes/);
    expect(p.severity).toBe(f.severity);
  });

  it('near miss: the demo as is, a firm route, "reaches" at critical, no conditional evidence', () => {
    const f = opsAgent(scan(demoSnapshot()));
    expect(f.message).toContain('with capability T3: reaches AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (T3)');
    expect(f.message).not.toMatch(/may reach|turned away/);
    expect(f.severity).toBe('critical');
    expect(f.evidence.conditional).toBeUndefined();
  });

  it('a route under an undecided condition says so; a firm route at the tier keeps "reaches" and critical', () => {
    const jewel = node('sec', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets', name: 'secrets' });
    const cond = graphOf([node('agent', { agent }), node('role'), jewel], [edge('agent', 'role', 'CAN_ASSUME', { conditional: true }), edge('role', 'sec', 'GRANTED')], [iam('collected')]);
    const f = runRule(rule, cond, { now }).findings[0];
    expect(f.message).toContain('capability T3: may reach secrets (T3); 1 hop(s) depend on a condition the scanner could not decide');
    expect(f.severity).toBe('high');
    // Near miss: a longer firm route beside the conditional one.
    const firm = graphOf(
      [node('agent', { agent }), node('role'), node('hop1'), node('hop2'), jewel],
      [edge('agent', 'role', 'CAN_ASSUME', { conditional: true }), edge('role', 'sec', 'GRANTED'), edge('agent', 'hop1', 'CAN_ASSUME'), edge('hop1', 'hop2', 'CAN_ASSUME'), edge('hop2', 'sec', 'GRANTED')],
      [iam('collected')],
    );
    const g = runRule(rule, firm, { now }).findings[0];
    expect(g.message).toContain('capability T3: reaches secrets (T3)');
    expect(g.severity).toBe('critical');
    expect(g.path!.some((h) => h.conditional)).toBe(false);
  });
});

describe('nhi-ai-agent-privileged: two crown jewels of the tier, one reached firmly', () => {
  const OPS = 'ef64d807-28f7-4739-a893-33575ef793c0';
  const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';
  /**
   * The demo with Ops Agent PIM-eligible for Exchange Administrator (T3): one conditional hop,
   * nearer than its AWS route to the account's secrets (T3, two hops); without the account's
   * OIDC provider for the tenant's issuer that route is conditional too.
   */
  const eligible = (oidcProvider: boolean) => {
    const s = demoSnapshot();
    const schedules = s.files['entra/roleEligibilitySchedules.json'] as { value: Record<string, unknown>[] };
    schedules.value.push({ ...schedules.value[0], id: 'ops-agent-eligible', principalId: OPS, roleDefinitionId: EXCHANGE_ADMIN });
    const key = 'aws/111122223333/oidc-providers.json';
    if (!oidcProvider) s.files[key] = (s.files[key] as { Url: string }[]).filter((x) => !x.Url.startsWith('sts.windows.net/'));
    return scan(s).report.findings.find((f) => f.ruleId === 'nhi-ai-agent-privileged' && f.subject.name === 'Ops Agent')!;
  };

  it('names the jewel it reaches firmly, not the nearer one it reaches only under a condition', () => {
    const f = eligible(true);
    expect(f.message).toContain('with capability T3: reaches AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (T3)');
    expect(f.message).not.toMatch(/Exchange Administrator|may reach/);
    expect(f.severity).toBe('critical');
    expect(f.evidence.conditional).toBeUndefined();
  });

  it('near miss: with every route to the tier conditional, "may reach" the nearest, at high', () => {
    const f = eligible(false);
    expect(f.message).toContain('with capability T3: may reach Exchange Administrator (T3); 1 hop(s) depend on a condition the scanner could not decide');
    expect(f.severity).toBe('high');
    expect(f.evidence.conditional).toBe(true);
  });
});

// A trust no token passes today (its audience apps all disabled: dormant; an aud or sub condition
// no token meets: dead) still gives the tier, which counts capability; no path walks it today.
describe('nhi-ai-agent-privileged: a tier that rests only on a latent trust', () => {
  const admin = node('jewel', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin', name: 'account administration' });
  const latent = (why: Record<string, string>, extra: { nodes?: ReturnType<typeof node>[]; edges?: ReturnType<typeof edge>[] } = {}) =>
    graphOf(
      [node('agent', { agent }), node('role', { name: 'deploy-role' }), admin, ...(extra.nodes ?? [])],
      [edge('agent', 'role', 'CAN_ASSUME', { evidence: why }), edge('role', 'jewel', 'GRANTED'), ...(extra.edges ?? [])],
      [iam('collected')],
    );

  it.each([
    ['dead', { dead: 'no token meets its sub condition' }],
    ['dormant', { dormant: 'its audience apps are all disabled' }],
  ])('a %s trust: "may reach ... only through a latent trust", high, no path shown', (_kind, why) => {
    const r = runRule(rule, latent(why), { now });
    expect(r.verdicts.get('agent')).toBe('fail');
    const f = r.findings[0];
    expect(f.message).toContain(`with capability T4: may reach account administration (T4) only through a latent trust: deploy-role trusts it, but no token passes today (${Object.values(why)[0]})`);
    expect(f.severity).toBe('high');
    expect(f.path).toBeUndefined();
    expect(f.evidence.conditional).toBe(true);
  });

  it('near miss: a firm route to another jewel of T3 or above keeps it critical', () => {
    const secrets = node('sec', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets', name: 'secrets' });
    const f = runRule(rule, latent({ dead: 'no token meets its sub condition' }, { nodes: [secrets], edges: [edge('agent', 'sec', 'GRANTED')] }), { now }).findings[0];
    expect(f.message).toContain('may reach account administration (T4) only through a latent trust');
    expect(f.severity).toBe('critical');
    // The message names account administration, which no route walks today: the firm route to
    // the secrets is no evidence for it.
    expect(f.path).toBeUndefined();
  });

  it('the description says so', () => {
    expect(rule.meta.description).toMatch(/latent trust/);
    expect(rule.meta.description).toMatch(/no token passes today/);
  });
});

// The message names the privilege that gives the tier (the tier reason); the path shown must end
// there, not at the nearest crown jewel of some other kind or another jewel of the same kind.
describe('nhi-ai-agent-privileged: the path ends at the jewel the message names', () => {
  it('a nearer jewel of a lower tier: the path goes to the administrator the message names', () => {
    const g = graphOf(
      [
        node('agent', { agent }),
        node('role'),
        node('admin', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin', name: 'account administration' }),
        node('sec', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets', name: 'secrets' }),
      ],
      [edge('agent', 'sec', 'GRANTED'), edge('agent', 'role', 'CAN_ASSUME'), edge('role', 'admin', 'GRANTED')],
      [iam('collected')],
    );
    const f = runRule(rule, g, { now }).findings[0];
    expect(f.message).toContain('with capability T4: reaches account administration (T4)');
    expect(f.path!.map((h) => h.to)).toEqual(['role', 'admin']);
  });

  it('two administrators as near: the path goes to the one the message names, whichever the path search prefers', () => {
    // The path search prefers the route with a hidden hop (to z-admin); the tier names the other
    // one (a-admin). Either order of the two in the graph.
    const jewels = [
      node('a-admin', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin', name: 'account A administration' }),
      node('z-admin', { kind: 'privilege', type: 'p', tier: 4, crownJewel: 'admin', name: 'account Z administration' }),
    ];
    for (const order of [jewels, [...jewels].reverse()]) {
      const g = graphOf(
        [node('agent', { agent }), node('ra'), node('rz'), ...order],
        [edge('agent', 'ra', 'CAN_ASSUME'), edge('ra', 'a-admin', 'GRANTED'), edge('agent', 'rz', 'CAN_ASSUME', { hidden: true }), edge('rz', 'z-admin', 'GRANTED')],
        [iam('collected')],
      );
      const f = runRule(rule, g, { now }).findings[0];
      const named = /reaches (account . administration) \(T4\)/.exec(f.message)![1];
      expect(f.path!.at(-1)!.toName).toBe(named);
      expect(f.path).toHaveLength(2);
    }
  });
});
