import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-path-to-crown-jewel.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import type { CoverageStatus } from '../../../src/snapshot/types.js';
import { capabilityLabel } from '../../../src/engine/missing-capability.js';
import { GITHUB, VENDOR, oneAccount, trust } from '../../helpers/aws-builders.js';
import { GraphBuilder } from '../../../src/graph/graph.js';
import { demoSnapshot, scan as demoScanOf } from '../../e2e/demo.js';

const demoScan = () => demoScanOf(demoSnapshot());

const now = '2026-11-20T00:00:00Z';
const admin = node('aws-admin', { kind: 'privilege', type: 'aws-capability', tier: 4, crownJewel: 'admin', name: 'AWS admin' });
const ENTRA_PATH_CAPS = ['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim', 'entra.groups', 'entra.owners'];
const covered = (provider: 'entra' | 'aws', scope: string, caps: string[], status: CoverageStatus = 'collected') =>
  caps.map((capability) => ({ provider, scope, capability, status }));
const secret = (id: string) => node(id, { kind: 'credential', type: 'c', provider: 'entra', credentialType: 'client-secret', createdAt: '2026-01-01T00:00:00Z', expiresAt: '2028-01-01T00:00:00Z' });

describe('nhi-path-to-crown-jewel', () => {
  it('reports a chain from a secret-holding Entra app through an AWS role to AWS admin, once per jewel', () => {
    const g = graphOf(
      [node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' }), secret('s1'), node('role'), node('role2'), admin],
      [
        edge('sp', 's1', 'HAS_CREDENTIAL'),
        edge('sp', 'role', 'CAN_ASSUME', { hidden: true }),
        edge('sp', 'role2', 'CAN_ASSUME'),
        edge('role', 'aws-admin', 'GRANTED'),
        edge('role2', 'aws-admin', 'GRANTED'),
      ],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('sp')).toBe('fail');
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(f.severity).toBe('critical');
    expect(f.path!.map((h) => h.to)).toEqual(['role', 'aws-admin']);
    expect(f.path![0].hidden).toBe(true);
    expect(f.alternatives).toBe(1);
    expect(f.message).toMatch(/crossing providers/);
  });

  it('keeps its fingerprint when a nearer jewel of the same kind appears (one finding per entry point and kind)', () => {
    const sp = node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' });
    const admin2 = node('aws-admin-2', { kind: 'privilege', type: 'aws-capability', tier: 4, crownJewel: 'admin', name: 'AWS admin 2' });
    const far = graphOf(
      [sp, secret('s1'), node('role'), node('role2'), admin, admin2],
      [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'role', 'CAN_ASSUME'), edge('role', 'role2', 'CAN_ASSUME'), edge('role2', 'aws-admin', 'GRANTED')],
    );
    const near = graphOf(
      [sp, secret('s1'), node('role'), node('role2'), admin, admin2],
      [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'role', 'CAN_ASSUME'), edge('role', 'role2', 'CAN_ASSUME'), edge('role2', 'aws-admin', 'GRANTED'), edge('role', 'aws-admin-2', 'GRANTED')],
    );
    const [a] = runRule(rule, far, { now }).findings;
    const [b] = runRule(rule, near, { now }).findings;
    expect(a.path!.at(-1)!.to).toBe('aws-admin');
    expect(b.path!.at(-1)!.to).toBe('aws-admin-2');
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it('says "may reach", at high severity, when the only route depends on an undecided condition; a firm route is preferred', () => {
    const sp = node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' });
    const condOnly = graphOf(
      [sp, secret('s1'), node('role'), node('mid'), admin],
      [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'role', 'CAN_ASSUME', { conditional: true }), edge('role', 'aws-admin', 'GRANTED')],
    );
    const r = runRule(rule, condOnly, { now });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].message).toMatch(/may reach AWS admin/);
    expect(r.findings[0].message).toMatch(/1 hop\(s\) depend on a condition/);
    expect(r.findings[0].severity).toBe('high');
    expect(r.findings[0].evidence.conditional).toBe(true);
    // A longer route that needs no condition is the one reported.
    const withFirm = graphOf(
      [sp, secret('s1'), node('role'), node('mid'), node('role2'), admin],
      [
        edge('sp', 's1', 'HAS_CREDENTIAL'),
        edge('sp', 'role', 'CAN_ASSUME', { conditional: true }),
        edge('role', 'aws-admin', 'GRANTED'),
        edge('sp', 'mid', 'CAN_ASSUME'),
        edge('mid', 'role2', 'CAN_ASSUME'),
        edge('role2', 'aws-admin', 'GRANTED'),
      ],
    );
    const f = runRule(rule, withFirm, { now }).findings[0];
    expect(f.path!.map((h) => h.to)).toEqual(['mid', 'role2', 'aws-admin']);
    expect(f.message).toMatch(/ reaches AWS admin/);
    expect(f.severity).toBe('critical');
  });

  it('names an unpinned federation trust as such, not as a shared secret', () => {
    const trustCred = node('t1', { kind: 'credential', type: 'aws-role-trust', credentialType: 'federated-oidc', status: 'active', expiresAt: null, federation: { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/*', subjectMatch: 'wildcard' }, attrs: { sessionSeconds: 3600 } });
    const g = graphOf(
      [node('deploy'), trustCred, node('role2'), admin],
      [edge('deploy', 't1', 'HAS_CREDENTIAL'), edge('deploy', 'role2', 'CAN_ASSUME'), edge('role2', 'aws-admin', 'GRANTED')],
    );
    const [f] = runRule(rule, g, { now }).findings;
    expect(f.message).toMatch(/^deploy \(federation trust that does not pin the subject\) reaches/);
  });

  it('names a federation trust whose subject could not be read as such, not as one that pins none', () => {
    // A flexible credential whose claims-matching expression was not read: ranked as weak as a
    // secret (the cautious side), but the message does not claim it pins no subject.
    const unread = node('t1', { kind: 'credential', type: 'entra-federated-credential', credentialType: 'federated-oidc', status: 'active', expiresAt: null, federation: { issuer: 'https://token.actions.githubusercontent.com', subjectMatch: 'missing' }, attrs: { subjectUndecided: true } });
    const g = graphOf(
      [node('deploy'), unread, node('role2'), admin],
      [edge('deploy', 't1', 'HAS_CREDENTIAL'), edge('deploy', 'role2', 'CAN_ASSUME'), edge('role2', 'aws-admin', 'GRANTED')],
    );
    const [f] = runRule(rule, g, { now }).findings;
    expect(f.message).toMatch(/^deploy \(federation trust whose subject could not be read\) reaches/);
  });

  it('an Okta API token past its expiry (idle window elapsed) is not an entry point', () => {
    const build = (expiresAt: string) =>
      graphOf(
        [
          node('tok', { provider: 'okta', type: 'okta-api-token', expiresAt }),
          node('tok-secret', { kind: 'credential', provider: 'okta', type: 'okta-api-token-secret', credentialType: 'api-token', status: 'active', expiresAt }),
          node('owner', { provider: 'okta', type: 'okta-user' }),
          admin,
        ],
        [edge('tok', 'tok-secret', 'HAS_CREDENTIAL'), edge('tok', 'owner', 'ACTS_AS'), edge('owner', 'aws-admin', 'HAS_ROLE')],
      );
    expect(runRule(rule, build('2026-12-01T00:00:00Z'), { now }).findings).toHaveLength(1);
    expect(runRule(rule, build('2026-11-01T00:00:00Z'), { now }).findings).toHaveLength(0);
  });

  it('reports external federated workloads that reach admin', () => {
    const g = graphOf(
      [node('gh', { kind: 'external', provider: 'external', type: 'github-repo', name: 'GitHub repo:acme/*' }), node('role'), admin],
      [edge('gh', 'role', 'FEDERATES_TO', { hidden: true }), edge('role', 'aws-admin', 'GRANTED')],
    );
    const r = runRule(rule, g, { now });
    expect(r.findings.map((f) => f.subject.id)).toEqual(['gh']);
  });

  it('does not report a direct one-hop grant (provider rules cover it) nor identities that are not entry points', () => {
    const g = graphOf(
      [node('sp', { provider: 'entra', type: 'entra-service-principal' }), secret('s1'), node('fedrole'), node('role'), admin],
      [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'aws-admin', 'GRANTED'), edge('fedrole', 'role', 'CAN_ASSUME'), edge('role', 'aws-admin', 'GRANTED')],
      covered('entra', 'acct', ENTRA_PATH_CAPS),
    );
    const r = runRule(rule, g, { now });
    expect(r.findings).toHaveLength(0);
    expect(r.verdicts.get('sp')).toBe('pass');
    // fedrole holds no credential of its own and is AWS: not an entry point, not evaluated.
    expect(r.verdicts.has('fedrole')).toBe(false);
  });

  it('honours the minHops option', () => {
    const g = graphOf(
      [node('sp', { provider: 'entra', type: 'entra-service-principal' }), secret('s1'), admin],
      [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'aws-admin', 'GRANTED')],
    );
    expect(runRule(rule, g, { now, options: { minHops: 1 } }).findings).toHaveLength(1);
  });

  describe('no path found is not a pass when what the search follows was not read', () => {
    const entry = () => [node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' }), secret('s1')];

    it('passes an entry point with no path when its tenant\'s grants, roles, groups and owners were read', () => {
      const g = graphOf(entry(), [edge('sp', 's1', 'HAS_CREDENTIAL')], covered('entra', 't', ENTRA_PATH_CAPS));
      expect(runRule(rule, g, { now }).verdicts.get('sp')).toBe('pass');
    });

    for (const cap of ENTRA_PATH_CAPS) {
      it(`is unknown when ${cap} was not collected`, () => {
        const caps = [...covered('entra', 't', ENTRA_PATH_CAPS.filter((c) => c !== cap)), ...covered('entra', 't', [cap], 'missing-permission')];
        const r = runRule(rule, graphOf(entry(), [edge('sp', 's1', 'HAS_CREDENTIAL')], caps), { now });
        expect(r.verdicts.get('sp')).toBe('unknown');
        const label = capabilityLabel(cap);
        expect(r.stats.unknownReasons).toEqual({ [`${label.text} of tenant t ${label.plural ? 'were' : 'was'} not read (denied); so whether it reaches a crown jewel cannot be judged`]: 1 });
      });
    }

    it('is unknown when a group that reaches a crown jewel had its members unread; near miss: members read', () => {
      const build = (membersCollected: boolean) =>
        graphOf(
          [...entry(), node('grp', { kind: 'group', provider: 'entra', type: 'entra-group', scope: 't', attrs: membersCollected ? { membersCollected } : {} }), node('ga', { kind: 'privilege', provider: 'entra', type: 'entra-directory-role', scope: 't', tier: 4, crownJewel: 'admin' })],
          [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('grp', 'ga', 'HAS_ROLE')],
          covered('entra', 't', ENTRA_PATH_CAPS),
        );
      expect(runRule(rule, build(false), { now }).verdicts.get('sp')).toBe('unknown');
      expect(runRule(rule, build(true), { now }).verdicts.get('sp')).toBe('pass');
    });

    it('a path that was found still fails when a capability is missing', () => {
      const g = graphOf(
        [...entry(), node('role'), admin],
        [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'role', 'CAN_ASSUME'), edge('role', 'aws-admin', 'GRANTED')],
        covered('entra', 't', ['entra.directoryRoles'], 'missing-permission'),
      );
      expect(runRule(rule, g, { now }).verdicts.get('sp')).toBe('fail');
    });

    it('an external workload is judged by the scopes it federates into', () => {
      const build = (status: CoverageStatus) =>
        graphOf(
          [node('gh', { kind: 'external', provider: 'external', type: 'github-repo' }), node('role')],
          [edge('gh', 'role', 'FEDERATES_TO')],
          covered('aws', 'acct', ['aws.iam'], status),
        );
      expect(runRule(rule, build('error'), { now }).verdicts.get('gh')).toBe('unknown');
      expect(runRule(rule, build('collected'), { now }).verdicts.get('gh')).toBe('pass');
    });
  });

  describe('entry points are claimed on evidence only', () => {
    const cert = (id: string, over = {}) => node(id, { kind: 'credential', type: 'c', provider: 'entra', credentialType: 'certificate', createdAt: '2026-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z', ...over });
    const human = (id: string, enabled?: boolean) => node(id, { kind: 'human', provider: 'entra', type: 'entra-user', scope: 't', ...(enabled === undefined ? {} : { enabled }) });
    /** An SP holding a certificate, reaching AWS admin through a role; no secret, so only "no accountable human" can make it an entry point. */
    const build = (spOver: Partial<Parameters<typeof node>[1]> = {}, extraNodes: ReturnType<typeof node>[] = [], extraEdges: ReturnType<typeof edge>[] = [], credOver = {}) =>
      graphOf(
        [node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't', attrs: { ownersCollected: true }, ...spOver }), cert('c1', credOver), node('role'), admin, ...extraNodes],
        [edge('sp', 'c1', 'HAS_CREDENTIAL'), edge('sp', 'role', 'CAN_ASSUME'), edge('role', 'aws-admin', 'GRANTED'), ...extraEdges],
        [...covered('entra', 't', ENTRA_PATH_CAPS), ...covered('aws', 'acct', ['aws.iam'])],
      );

    it('an SP with no owner (owners read) is an entry point; near miss: an enabled human owner', () => {
      expect(runRule(rule, build(), { now }).verdicts.get('sp')).toBe('fail');
      expect(runRule(rule, build({}, [human('h', true)], [edge('h', 'sp', 'OWNS')]), { now }).verdicts.has('sp')).toBe(false);
    });

    it('an SP whose owners were not read is unknown, not "no accountable human"', () => {
      const r = runRule(rule, build({ attrs: {} }), { now });
      expect(r.findings).toEqual([]);
      expect(r.verdicts.get('sp')).toBe('unknown');
    });

    it('an SP owned only by a disabled person or by another service principal has no accountable human', () => {
      expect(runRule(rule, build({}, [human('h', false)], [edge('h', 'sp', 'OWNS')]), { now }).verdicts.get('sp')).toBe('fail');
      const owner = node('owner-sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' });
      expect(runRule(rule, build({}, [owner], [edge('owner-sp', 'sp', 'OWNS')]), { now }).verdicts.get('sp')).toBe('fail');
    });

    it('an expired or inactive credential does not make an entry point', () => {
      expect(runRule(rule, build({}, [], [], { expiresAt: '2026-01-02T00:00:00Z' }), { now }).verdicts.has('sp')).toBe(false);
      expect(runRule(rule, build({}, [], [], { status: 'inactive' }), { now }).verdicts.has('sp')).toBe(false);
    });

    it('a disabled identity is not an entry point, even with a shared secret', () => {
      const g = graphOf(
        [node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't', enabled: false }), secret('s1'), node('role'), admin],
        [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'role', 'CAN_ASSUME'), edge('role', 'aws-admin', 'GRANTED')],
      );
      const r = runRule(rule, g, { now });
      expect(r.findings).toEqual([]);
      expect(r.verdicts.has('sp')).toBe(false);
    });
  });
});

// An AWS account that a role trusts is not a federated workload: the entry point's label says
// what it is (a review found "AWS account 999988887777 (not scanned) (external federated workload)").
describe('nhi-path-to-crown-jewel: the label of an external entry point', () => {
  const entryOf = (trustDoc: Record<string, unknown>) => {
    const g = oneAccount({ roles: [{ name: 'vendor-admin', trust: trustDoc, managed: ['AdministratorAccess'] }] });
    const f = runRule(rule, g, { now }).findings.find((x) => x.evidence.crownJewel === 'admin')!;
    return { why: f.args.why, message: f.message };
  };

  it('a trusted AWS account outside the scan is a trusted AWS account', () => {
    const { why, message } = entryOf(trust.account(VENDOR));
    expect(why).toBe('trusted AWS account');
    expect(message).toContain(`AWS account ${VENDOR} (not scanned) (trusted AWS account)`);
  });

  it('Principal "*" is anyone', () => {
    expect(entryOf(trust.anyone()).why).toBe('any AWS principal');
  });

  // Near miss: an OIDC workload still is a federated workload.
  it('a GitHub workflow stays an external federated workload', () => {
    const g = oneAccount({ oidcProviders: [GITHUB], roles: [{ name: 'deploy', trust: trust.github('repo:acme/*', { like: true }), managed: ['AdministratorAccess'] }] });
    const f = runRule(rule, g, { now }).findings.find((x) => x.evidence.crownJewel === 'admin')!;
    expect(f.args.why).toBe('external federated workload');
  });
});

// A trust of tokens from an Entra tenant that nhiscan scanned admits that tenant's own service
// principals, not an outside workload (a user review: the demo's sts.windows.net/<tenant>/ entry
// was labelled "external federated workload").
describe('nhi-path-to-crown-jewel: an issuer that is a scanned Entra tenant', () => {
  const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
  const issuerGraph = (opts: { scanned: boolean; tenant?: string; subject?: string; subjectMatch?: 'exact' | 'wildcard' | 'missing'; audiences?: string[] }) => {
    const tenant = opts.tenant ?? TENANT;
    const b = new GraphBuilder();
    if (opts.scanned) b.addScope({ provider: 'entra', id: TENANT, name: 'Northwind Robotics' });
    const issuer = `https://sts.windows.net/${tenant}/`;
    b.addNode(
      node('ext', {
        kind: 'external',
        provider: 'external',
        type: 'oidc-workload',
        name: `sts.windows.net/${tenant}/ ${opts.subject ?? '(any subject)'}`,
        scope: issuer,
        attrs: { issuer, subject: opts.subject, subjectMatch: opts.subjectMatch ?? 'missing', audiences: opts.audiences ?? ['d8b52952-66bf-4927-97a3-022df7648254'] },
      }),
    );
    b.addNode(node('role'));
    b.addNode(admin);
    b.addEdge(edge('ext', 'role', 'FEDERATES_TO', { hidden: true }));
    b.addEdge(edge('role', 'aws-admin', 'GRANTED'));
    return runRule(rule, b.build(), { now }).findings[0];
  };

  it('says any service principal of the tenant can get the token when only the audience is checked', () => {
    const f = issuerGraph({ scanned: true });
    expect(f.args.why).toBe('any service principal of the scanned Entra tenant Northwind Robotics (audience-only trust)');
    expect(f.message).toContain('(any subject) (any service principal of the scanned Entra tenant Northwind Robotics (audience-only trust)) reaches');
  });

  it('names a pinned or patterned subject, and a trust without an audience condition', () => {
    expect(issuerGraph({ scanned: true, subject: 'c808fcb1-fee2-48fe-8a05-cac58233ce37', subjectMatch: 'exact' }).args.why).toBe('one service principal of the scanned Entra tenant Northwind Robotics (exact subject)');
    expect(issuerGraph({ scanned: true, subject: 'c808*', subjectMatch: 'wildcard' }).args.why).toBe('service principals of the scanned Entra tenant Northwind Robotics (subject pattern)');
    expect(issuerGraph({ scanned: true, audiences: [] }).args.why).toBe('any service principal of the scanned Entra tenant Northwind Robotics (no subject or audience condition)');
  });

  // Near misses: the same issuer when the tenant was not scanned, and another tenant's issuer.
  it('stays an external federated workload when the tenant was not scanned', () => {
    expect(issuerGraph({ scanned: false }).args.why).toBe('external federated workload');
    expect(issuerGraph({ scanned: true, tenant: '00000000-0000-4000-8000-000000000001' }).args.why).toBe('external federated workload');
  });

  it('the demo: the message changes, the fingerprint does not', () => {
    const f = demoScan().report.findings.find((x) => x.fingerprint === '81a87ef9c9dc4e1c62eefbe257f5433e')!;
    expect(f.subject.id).toBe('external:oidc:ext:https://sts.windows.net/691d0d64-52fb-4de1-ae87-2e52cdd26449/|*');
    expect(f.message).toBe(
      'sts.windows.net/691d0d64-52fb-4de1-ae87-2e52cdd26449/ (any subject) (any service principal of the scanned Entra tenant Northwind Robotics (audience-only trust)) reaches AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (secrets) in 2 hops; 1 hop(s) are invisible to access reviews',
    );
  });
});
