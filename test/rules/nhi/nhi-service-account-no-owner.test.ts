import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-service-account-no-owner.js';
import tierPolicy from '../../../rules/nhi/nhi-tier-policy-violation.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import { oktaIds as I, oktaOrg } from '../../helpers/okta-builders.js';
import { GraphBuilder } from '../../../src/graph/graph.js';
import { transformOkta } from '../../../src/connectors/okta/transform.js';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import { gid, rawGraph, RAW_TENANT } from '../../helpers/entra-raw.js';
import { ids } from '../../../src/graph/ids.js';

const now = '2026-11-20T00:00:00Z';
const svc = (id: string, over: object = {}) => node(id, { provider: 'entra', type: 'entra-user', machineReasons: ['employeeType service'], attrs: { hasManager: false }, ...over });

describe('nhi-service-account-no-owner', () => {
  it('fails with no accountable human, is high when all of them left, passes with an enabled manager', () => {
    const g = graphOf(
      [
        svc('orphan'),
        svc('left'),
        svc('managed'),
        svc('unread', { attrs: {} }),
        node('gone', { kind: 'human', type: 'entra-user', enabled: false }),
        node('boss', { kind: 'human', type: 'entra-user', enabled: true }),
      ],
      [edge('gone', 'left', 'MANAGES'), edge('boss', 'managed', 'MANAGES')],
      // Everything feeding the tier was read, so T0 is known (not a lower bound) and may lower.
      ['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim', 'entra.groups', 'entra.owners'].map((capability) => ({ provider: 'entra' as const, scope: 'acct', capability, status: 'collected' as const })),
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('orphan')).toBe('fail');
    expect(r.verdicts.get('left')).toBe('fail');
    const left = r.findings.find((f) => f.subject.id === 'left')!;
    // base high; the account reaches nothing (T0), so the tiered severity is one lower.
    expect(left.baseSeverity).toBe('high');
    expect(left.severity).toBe('medium');
    expect(r.verdicts.get('managed')).toBe('pass');
    expect(r.verdicts.get('unread')).toBe('unknown');
  });

  // CI baselines and waivers key a finding by its fingerprint: removing the departed manager, or
  // the manager leaving, changes the state of the one finding, not what it is about.
  it('keeps its fingerprint between "no accountable human" and "all of them left", and differs between accounts', () => {
    const run = (gone: boolean) =>
      runRule(rule, graphOf([svc('a'), svc('b'), node('gone', { kind: 'human', type: 'entra-user', enabled: false })], gone ? [edge('gone', 'a', 'MANAGES')] : []), { now }).findings;
    const left = run(true).find((f) => f.subject.id === 'a')!;
    const none = run(false).find((f) => f.subject.id === 'a')!;
    expect([left.messageId, none.messageId]).toEqual(['left', 'none']);
    expect(none.fingerprint).toBe(left.fingerprint);
    expect(run(false).find((f) => f.subject.id === 'b')!.fingerprint).not.toBe(none.fingerprint);
  });

  it('is unknown when no accountable human is known to be active (a manager whose status was not read)', () => {
    const g = graphOf(
      [svc('a'), svc('b'), node('ghost', { kind: 'human', type: 'entra-user' }), node('gone', { kind: 'human', type: 'entra-user', enabled: false }), node('boss', { kind: 'human', type: 'entra-user', enabled: true })],
      [edge('ghost', 'a', 'MANAGES'), edge('ghost', 'b', 'MANAGES'), edge('boss', 'b', 'MANAGES')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('a')).toBe('unknown');
    expect(r.verdicts.get('b')).toBe('pass');
    // An AWS owner tag names a person without an account status: it counts.
    const aws = graphOf([node('u', { type: 'aws-iam-user', machineReasons: ['keys'] }), node('tag', { kind: 'human', type: 'aws-owner-tag' })], [edge('tag', 'u', 'OWNS')]);
    expect(runRule(rule, aws, { now }).verdicts.get('u')).toBe('pass');
  });

  it('judges the Entra service accounts whose manager was read when another lookup failed; only the failed one is unknown', () => {
    const person = (name: string, employeeType?: string) => ({ id: gid(), displayName: name, userPrincipalName: `${name}@contoso.example`, accountEnabled: true, employeeType });
    // Declared service accounts: whether they are machines does not hang on the manager read.
    const [boss, managed, orphan, failed] = [person('boss'), person('svc-managed', 'service'), person('svc-orphan', 'service'), person('svc-failed', 'service')];
    const files = {
      'users.json': [boss, managed, orphan, failed],
      // The collector leaves a failed lookup out of the file and names it in the record.
      'userManagers.json': { [managed.id]: { id: boss.id, displayName: 'boss', accountEnabled: true }, [orphan.id]: null },
    };
    const reason = '1 of 3 manager lookups not read: 500 on GET /v1.0/users/x/manager (in $batch)';
    const verdicts = (coverage: Parameters<typeof rawGraph>[1]) => {
      const g = rawGraph(files, coverage);
      const r = runRule(rule, g, { now });
      return { g, of: (u: { id: string }) => r.verdicts.get(ids.entraUser(RAW_TENANT, u.id)) };
    };

    const partial = verdicts([{ capability: 'entra.userManagers', status: 'error', reason, unreadKeys: [failed.id] }]);
    // Still reported as not fully read: the scan stays partial.
    expect(partial.g.capability('entra', RAW_TENANT, 'entra.userManagers')).toBe('error');
    expect([partial.of(managed), partial.of(orphan), partial.of(failed)]).toEqual(['pass', 'fail', 'unknown']);

    // A user the record names as not read is unknown even if the file holds an entry for it.
    const listed = verdicts([{ capability: 'entra.userManagers', status: 'error', reason, unreadKeys: [failed.id, orphan.id] }]);
    expect([listed.of(managed), listed.of(orphan)]).toEqual(['pass', 'unknown']);

    // A record without the list (a snapshot from before it existed) still disowns the whole file.
    const old = verdicts([{ capability: 'entra.userManagers', status: 'error', reason }]);
    expect([old.of(managed), old.of(orphan), old.of(failed)]).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('a manager that is itself a service account is no accountable human: fails, naming it', () => {
    const g = graphOf([svc('a', { attrs: { hasManager: true } }), svc('b', { enabled: true }), svc('c', { attrs: { hasManager: true } })], [edge('b', 'a', 'MANAGES'), edge('c', 'c', 'MANAGES')]);
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('a')).toBe('fail');
    expect(r.findings.find((f) => f.subject.id === 'a')?.message).toBe('a is a service account with no accountable human recorded: its only owners or managers are not people (b)');
    // Managing itself is no one managing it.
    expect(r.verdicts.get('c')).toBe('fail');
  });

  it('reads the Okta manager of a service account from profile.managerId / profile.manager', () => {
    const org = oktaOrg()
      .user({ id: 'boss', login: 'boss@acme.com' })
      .user({ id: 'gone', login: 'gone@acme.com', status: 'DEPROVISIONED' })
      .user({ id: 'sa1', login: 'svc-one@acme.com' })
      .user({ id: 'sa2', login: 'svc-two@acme.com' })
      .user({ id: 'sa3', login: 'svc-three@acme.com' })
      .user({ id: 'sa4', login: 'svc-four@acme.com' });
    const snap = org.snapshot();
    const profile = (id: string) => (snap.files['okta/users.json'] as { id: string; profile: Record<string, unknown> }[]).find((u) => u.id === id)!.profile;
    profile('sa1').managerId = 'boss';
    profile('sa2').managerId = 'gone';
    profile('sa3').manager = 'Pat Doe';
    const b = new GraphBuilder();
    transformOkta(snap, b, DEFAULT_CONFIG);
    const r = runRule(rule, b.build(), { now });
    expect(r.verdicts.get(I.user('sa1'))).toBe('pass');
    expect(r.verdicts.get(I.user('sa2'))).toBe('fail');
    expect(r.findings.find((f) => f.subject.id === I.user('sa2'))?.messageId).toBe('left');
    // A free-text manager is a person whose account status is not known.
    expect(r.verdicts.get(I.user('sa3'))).toBe('unknown');
    expect(r.verdicts.get(I.user('sa4'))).toBe('fail');
  });

  it('an Okta managerId missing from users.json (a manager who left: DEPROVISIONED users are not listed) is warned, unknown and not accountable', () => {
    const org = oktaOrg().user({ id: 'sa1', login: 'svc-one@acme.com' });
    const snap = org.snapshot();
    const profile = (snap.files['okta/users.json'] as { id: string; profile: Record<string, unknown> }[]).find((u) => u.id === 'sa1')!.profile;
    profile.managerId = '00ugone';
    const b = new GraphBuilder();
    transformOkta(snap, b, DEFAULT_CONFIG);
    const g = b.build();
    expect(g.warnings.filter((w) => w.includes('00ugone'))).toEqual([
      'okta/users.json: 1 service-account manager(s) not in okta/users.json ("00ugone"); the default user listing omits DEPROVISIONED users, so whether they left is unknown',
    ]);
    expect(g.node(I.user('00ugone'))).toMatchObject({ kind: 'human', attrs: { placeholder: true, listed: false } });
    expect(g.node(I.user('00ugone'))!.enabled).toBeUndefined();
    expect(runRule(rule, g, { now }).verdicts.get(I.user('sa1'))).toBe('unknown');
    // The tier policy does not take a manager of unknown status as accountable either.
    expect(runRule(tierPolicy, g, { now, options: { policy: { T0: { requireOwner: true } } } }).verdicts.get(I.user('sa1'))).toBe('unknown');
  });
});
