import { describe, it, expect } from 'vitest';
import type { RuleDefinition } from '../../../src/engine/types.js';
import { DEFAULT_CONFIG, type NhiConfig } from '../../../src/config/types.js';
import { buildGraph } from '../../../src/scan.js';
import credentialNoExpiry from '../../../rules/nhi/nhi-credential-no-expiry.js';
import federationWithActiveSecret from '../../../rules/nhi/nhi-federation-with-active-secret.js';
import sharedSecretHighTier from '../../../rules/nhi/nhi-shared-secret-high-tier.js';
import tierPolicyViolation from '../../../rules/nhi/nhi-tier-policy-violation.js';
import aiAgentPrivileged from '../../../rules/nhi/nhi-ai-agent-privileged.js';
import aiAgentDelegated from '../../../rules/nhi/nhi-ai-agent-delegated-high-impact.js';
import humanUse from '../../../rules/nhi/nhi-human-use-of-machine-account.js';
import weakAuth from '../../../rules/nhi/nhi-service-account-weak-auth.js';
import noOwner from '../../../rules/nhi/nhi-service-account-no-owner.js';
import pathToCrownJewel from '../../../rules/nhi/nhi-path-to-crown-jewel.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import { NOW, oktaIds as I, oktaOrg } from '../../helpers/okta-builders.js';

/**
 * The cross-provider nhi-* rules and identities that cannot authenticate today. Each case runs the
 * same org twice, the identity active and not, so a "no verdict" below is the status at work and
 * not a case that never fired.
 */

// A service app holding SUPER_ADMIN (T4) on a never-expiring client secret (Okta secrets have no
// expiry), declared an AI agent in the configuration, with okta.users.manage granted.
const app = (status: string) =>
  oktaOrg().serviceApp({ id: 'a1', label: 'sync', status, roles: ['SUPER_ADMIN'], grants: ['okta.users.manage'], secrets: [{ id: 's1', created: '2024-01-01T00:00:00.000Z' }] });
const AGENT: Partial<NhiConfig> = { knownAgents: ['a1'] };

// A service-account user (by its login), SUPER_ADMIN, no second factor, a password never changed,
// a sign-in through the login page last week, no manager.
const svcUser = (status: string) =>
  oktaOrg().user({ id: 'u1', login: 'svc-sync@acme.com', status, roles: ['SUPER_ADMIN'], factors: [], lastLogin: '2026-11-18T09:00:00.000Z', passwordChanged: '2021-01-01T00:00:00.000Z' });

// The graph a scan builds (buildGraph), with the declared agents and the service accounts' MFA and
// interactive use normalised, which the transform alone does not do.
function verdictOf(rule: RuleDefinition, org: ReturnType<typeof oktaOrg>, subject: string, config: Partial<NhiConfig> = {}, options?: Record<string, unknown>) {
  const graph = buildGraph(org.snapshot(), { ...DEFAULT_CONFIG, ...config }, { now: new Date(NOW) });
  const r = runRule(rule, graph, { now: NOW, config, options });
  const mine = r.findings.filter((f) => f.subject.id === subject);
  return { verdict: r.verdicts.get(subject), severities: mine.map((f) => f.severity), messageIds: mine.map((f) => f.messageId), findings: mine };
}

describe('an Okta service app that is not ACTIVE is not evaluated by the nhi-* rules (as by the Okta service-app rules)', () => {
  const cases: [RuleDefinition, string, Partial<NhiConfig>?, Record<string, unknown>?][] = [
    [credentialNoExpiry, 'fail'],
    [federationWithActiveSecret, 'pass'],
    [sharedSecretHighTier, 'fail'],
    [tierPolicyViolation, 'fail'],
    [aiAgentPrivileged, 'fail', AGENT],
    [aiAgentDelegated, 'fail', AGENT, { highImpactPattern: '^okta\\.users\\.manage$' }],
  ];
  it.each(cases.map(([rule, active, config, options]) => ({ id: rule.meta.id, rule, active, config, options })))('$id', ({ rule, active, config, options }) => {
    expect(verdictOf(rule, app('ACTIVE'), I.app('a1'), config, options).verdict).toBe(active);
    expect(verdictOf(rule, app('INACTIVE'), I.app('a1'), config, options)).toMatchObject({ verdict: undefined, severities: [] });
  });
});

describe('an Okta service account that is SUSPENDED or DEPROVISIONED is not evaluated by the nhi-* rules (as by the Okta service-user rules)', () => {
  const cases: [RuleDefinition, string][] = [
    [humanUse, 'fail'],
    [weakAuth, 'fail'],
    [noOwner, 'fail'],
    [tierPolicyViolation, 'fail'],
    [credentialNoExpiry, 'unknown'],
    [sharedSecretHighTier, 'fail'],
  ];
  it.each(cases.map(([rule, active]) => ({ id: rule.meta.id, rule, active })))('$id', ({ rule, active }) => {
    expect(verdictOf(rule, svcUser('ACTIVE'), I.user('u1')).verdict).toBe(active);
    for (const status of ['SUSPENDED', 'DEPROVISIONED']) expect(verdictOf(rule, svcUser(status), I.user('u1'))).toMatchObject({ verdict: undefined, severities: [] });
  });
});

describe('an Okta API token whose owner is SUSPENDED or DEPROVISIONED: its power is dormant (as in okta-api-token-admin-owner)', () => {
  // The owner is a person (a human login), so only the token is judged.
  const org = (status: string) =>
    oktaOrg()
      .user({ id: 'boss', login: 'pat.lee@acme.com', status, roles: ['SUPER_ADMIN'] })
      .token({ id: 't1', name: 'agent-token', userId: 'boss', created: '2024-01-01T00:00:00.000Z', connection: 'ANYWHERE' });
  const T = I.token('t1');

  it('nhi-shared-secret-high-tier: critical while the owner is active, medium and worded as dormant while not', () => {
    expect(verdictOf(sharedSecretHighTier, org('ACTIVE'), T)).toMatchObject({ verdict: 'fail', severities: ['critical'], messageIds: ['weak'] });
    const dormant = verdictOf(sharedSecretHighTier, org('SUSPENDED'), T);
    expect(dormant).toMatchObject({ verdict: 'fail', severities: ['medium'], messageIds: ['weakDormant'] });
    expect(dormant.findings[0].message).toBe(
      'agent-token is T4 and proves itself with a shared secret (SSWS token agent-token); Okta rejects it while pat.lee@acme.com is SUSPENDED, and it is usable again if the owner is reactivated',
    );
    expect(dormant.findings[0].evidence.ownerStatus).toBe('SUSPENDED');
  });

  it('nhi-ai-agent-privileged: critical while the owner is active, medium and worded as dormant while not', () => {
    const config = { knownAgents: ['t1'] };
    expect(verdictOf(aiAgentPrivileged, org('ACTIVE'), T, config)).toMatchObject({ verdict: 'fail', severities: ['critical'], messageIds: ['tier'] });
    const dormant = verdictOf(aiAgentPrivileged, org('DEPROVISIONED'), T, config);
    expect(dormant).toMatchObject({ verdict: 'fail', severities: ['medium'], messageIds: ['tierDormant'] });
    expect(dormant.findings[0].message).toMatch(/; Okta rejects it while pat\.lee@acme\.com is DEPROVISIONED, and it is usable again if the owner is reactivated$/);
  });

  it('nhi-path-to-crown-jewel: the token starts no path while its owner is not active', () => {
    expect(verdictOf(pathToCrownJewel, org('ACTIVE'), T).verdict).toBe('fail');
    expect(verdictOf(pathToCrownJewel, org('SUSPENDED'), T)).toMatchObject({ verdict: 'pass', severities: [] });
  });

  it('the credential-hygiene rules judge the token as before (as okta-api-token-age does)', () => {
    expect(verdictOf(tierPolicyViolation, org('SUSPENDED'), T)).toMatchObject({ verdict: 'fail', severities: ['high'] });
  });
});

describe('a disabled Entra identity stays evaluated (as by the Entra rules), but starts no path', () => {
  const agent = { confidence: 'authoritative' as const, reasons: ['@odata.type #microsoft.graph.agentIdentity'] };
  const g = (enabled: boolean) =>
    graphOf(
      [
        node('bot', { provider: 'entra', type: 'entra-agent-identity', scope: 't', enabled, agent, attrs: { ownersCollected: true } }),
        node('secret', { kind: 'credential', provider: 'entra', type: 'entra-client-secret', scope: 't', credentialType: 'client-secret', createdAt: '2026-01-01T00:00:00Z', expiresAt: '2027-06-01T00:00:00Z' }),
        node('owner-app', { provider: 'entra', type: 'entra-service-principal', scope: 't', enabled: true, attrs: { ownersCollected: true } }),
        node('ga', { kind: 'privilege', provider: 'entra', type: 'entra-directory-role', scope: 't', tier: 4, crownJewel: 'admin' }),
      ],
      [edge('bot', 'secret', 'HAS_CREDENTIAL'), edge('bot', 'owner-app', 'CAN_ESCALATE_TO'), edge('owner-app', 'ga', 'GRANTED')],
    );

  it('nhi-ai-agent-privileged: the same finding and severity, saying it is disabled, and no path from it', () => {
    const on = runRule(aiAgentPrivileged, g(true), { now: NOW }).findings;
    expect(on.map((f) => [f.severity, f.messageId, f.path?.length])).toEqual([['critical', 'tier', 2]]);
    const off = runRule(aiAgentPrivileged, g(false), { now: NOW }).findings;
    expect(off.map((f) => [f.severity, f.messageId, f.path])).toEqual([['critical', 'tierDisabled', undefined]]);
    expect(off[0].message).toMatch(/; it is disabled, so it acts on none of this until it is re-enabled$/);
    // The evidence still names what it would reach.
    expect(off[0].evidence.crownJewels).toEqual(on[0].evidence.crownJewels);
  });

  it('nhi-shared-secret-high-tier reports its secret as before (as entra-secret-on-privileged-app does)', () => {
    expect(runRule(sharedSecretHighTier, g(false), { now: NOW }).findings.map((f) => f.severity)).toEqual(['critical']);
  });
});
