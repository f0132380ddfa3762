import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSnapshot, type GenerateOptions } from '../../scripts/gen/generate.js';
import { planEstate } from '../../scripts/gen/plan.js';
import { readSnapshotDir } from '../../src/cli/io.js';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

const N = 300;
const OPTS: GenerateOptions = { identities: N, seed: 'test-seed' };

function generate(opts: GenerateOptions): Map<string, string> {
  const files = new Map<string, string>();
  generateSnapshot(opts, (rel, content) => {
    expect(files.has(rel), `${rel} written twice`).toBe(false);
    files.set(rel, content);
  });
  return files;
}

function digest(files: Map<string, string>): string {
  const h = createHash('sha256');
  for (const k of [...files.keys()].sort()) h.update(k).update('\0').update(files.get(k)!).update('\0');
  return h.digest('hex');
}

/** File names per provider folder, read from the contract's tables so the test follows the doc. */
function documentedNames(): Record<'entra' | 'okta' | 'aws', Set<string>> {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/snapshot-format.md', import.meta.url)), 'utf8');
  const section = (title: string): Set<string> => {
    const start = doc.indexOf(`## ${title}`);
    const end = doc.indexOf('\n## ', start + 3);
    const body = doc.slice(start, end < 0 ? undefined : end);
    return new Set([...body.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
  };
  return { entra: section('Microsoft Entra ID'), okta: section('Okta'), aws: section('AWS IAM') };
}

const files = generate(OPTS);
const json = (rel: string): J => JSON.parse(files.get(rel)!);
const items = (rel: string): J[] => {
  const body = json(rel);
  return Array.isArray(body) ? body : body.value;
};

describe('synthetic estate generator', () => {
  it('is deterministic: the same seed gives the same bytes, another seed different ones', () => {
    expect(digest(generate(OPTS))).toBe(digest(files));
    const other = generate({ ...OPTS, seed: 'another-seed' });
    expect(digest(other)).not.toBe(digest(files));
    expect(other.get('entra/servicePrincipals.json')).not.toBe(files.get('entra/servicePrincipals.json'));
  });

  it('writes only the file names docs/snapshot-format.md documents, and all of the main ones', () => {
    const names = documentedNames();
    expect(names.entra.size).toBeGreaterThan(10);
    const accounts = new Set<string>();
    for (const rel of files.keys()) {
      if (rel === 'manifest.json') continue;
      const parts = rel.split('/');
      if (parts[0] === 'aws') {
        expect(parts).toHaveLength(3);
        expect(parts[1]).toMatch(/^\d{12}$/);
        accounts.add(parts[1]);
        expect(names.aws, rel).toContain(parts[2]);
      } else {
        expect(['entra', 'okta'], rel).toContain(parts[0]);
        expect(parts).toHaveLength(2);
        expect(names[parts[0] as 'entra' | 'okta'], rel).toContain(parts[1]);
      }
    }
    for (const f of ['servicePrincipals.json', 'applications.json', 'appRoleAssignments.json', 'oauth2PermissionGrants.json', 'applicationOwners.json']) expect(files.has(`entra/${f}`)).toBe(true);
    for (const f of ['apps.json', 'apiTokens.json', 'appSecrets.json', 'appGrants.json']) expect(files.has(`okta/${f}`)).toBe(true);
    expect(accounts.size).toBe(planEstate(N).aws.accounts.length);
    for (const a of accounts) for (const f of ['authorization-details.json', 'credential-report.csv']) expect(files.has(`aws/${a}/${f}`)).toBe(true);
  });

  it('never writes secret values', () => {
    for (const [rel, content] of files) {
      if (!rel.endsWith('.json')) continue;
      expect(content, rel).not.toMatch(/"(secretText|client_secret|secretKey|accessKey)":\s*"[^"]/);
      // The collectors drop the key itself (src/connectors/entra/redact.ts), not only its value.
      expect(content, rel).not.toMatch(/"secretText"\s*:/);
    }
  });

  it('records in the manifest the capability docs/snapshot-format.md names for every file it writes', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/snapshot-format.md', import.meta.url)), 'utf8');
    const manifest = json('manifest.json');
    const recorded = new Set<string>(manifest.coverage.filter((c: J) => c.status === 'collected').map((c: J) => c.capability));
    let checked = 0;
    for (const rel of files.keys()) {
      const [provider, name] = rel.split('/');
      if (provider !== 'entra' && provider !== 'okta') continue;
      const start = doc.indexOf(provider === 'entra' ? '## Microsoft Entra ID' : '## Okta');
      const row = doc.slice(start).split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      // The last cell names the capability first (`entra.users`; ...).
      const capability = /`((?:entra|okta)\.[A-Za-z0-9]+)`/.exec(row!.split('|').at(-2)!)![1];
      expect(recorded, `${rel} -> ${capability}`).toContain(capability);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('resolves every Entra reference: owners, assignments, grants, roles, members', () => {
    const users = new Set(items('entra/users.json').map((u) => u.id));
    const sps = new Map<string, J>(items('entra/servicePrincipals.json').map((s) => [s.id, s]));
    const apps = new Set(items('entra/applications.json').map((a) => a.id));
    const groups = new Set(items('entra/groups.json').map((g) => g.id));
    const roleDefs = new Set(items('entra/roleDefinitions.json').map((r) => r.id));
    const principal = (id: string) => users.has(id) || sps.has(id) || groups.has(id);

    expect(Object.keys(json('entra/applicationOwners.json')).sort()).toEqual([...apps].sort());
    expect(Object.keys(json('entra/federatedIdentityCredentials.json')).sort()).toEqual([...apps].sort());
    expect(Object.keys(json('entra/servicePrincipalOwners.json')).sort()).toEqual([...sps.keys()].sort());
    let ownerless = 0;
    for (const owners of [...Object.values<J[]>(json('entra/applicationOwners.json')), ...Object.values<J[]>(json('entra/servicePrincipalOwners.json'))]) {
      for (const o of owners) expect(users.has(o.id) || sps.has(o.id), o.id).toBe(true);
    }
    for (const owners of Object.values<J[]>(json('entra/applicationOwners.json'))) if (owners.length === 0) ownerless++;
    expect(ownerless).toBeGreaterThan(0);
    const disabledOwners = Object.values<J[]>(json('entra/applicationOwners.json')).flat().filter((o) => items('entra/users.json').find((u) => u.id === o.id)?.accountEnabled === false);
    expect(disabledOwners.length).toBeGreaterThan(0);

    const assignments = items('entra/appRoleAssignments.json');
    expect(assignments.length).toBeGreaterThan(N * 0.3);
    for (const a of assignments) {
      expect(principal(a.principalId), a.principalId).toBe(true);
      const resource = sps.get(a.resourceId);
      expect(resource, a.resourceId).toBeDefined();
      expect(resource.appRoles.map((r: J) => r.id)).toContain(a.appRoleId);
    }
    for (const g of items('entra/oauth2PermissionGrants.json')) {
      expect(sps.has(g.clientId)).toBe(true);
      const resource = sps.get(g.resourceId);
      expect(resource).toBeDefined();
      if (g.consentType === 'Principal') expect(users.has(g.principalId)).toBe(true);
      else expect(g.principalId).toBeNull();
      const scopes = new Set(resource.oauth2PermissionScopes.map((s: J) => s.value));
      for (const s of g.scope.split(' ')) expect(scopes.has(s), `${s} on ${resource.displayName}`).toBe(true);
    }
    for (const r of items('entra/roleAssignments.json')) {
      expect(principal(r.principalId)).toBe(true);
      expect(roleDefs.has(r.roleDefinitionId)).toBe(true);
    }
    for (const r of items('entra/roleEligibilitySchedules.json')) expect(users.has(r.principalId) && roleDefs.has(r.roleDefinitionId)).toBe(true);
    for (const [gid, members] of Object.entries<J[]>(json('entra/groupMembers.json'))) {
      expect(groups.has(gid)).toBe(true);
      for (const m of members) expect(users.has(m.id) || sps.has(m.id)).toBe(true);
    }
    for (const [uid, m] of Object.entries<J>(json('entra/userManagers.json'))) {
      expect(users.has(uid)).toBe(true);
      if (m) expect(users.has(m.id)).toBe(true);
    }
    for (const [sid, sponsors] of Object.entries<J[]>(json('entra/agentSponsors.json'))) {
      expect(sps.get(sid)?.['@odata.type']).toBe('#microsoft.graph.agentIdentity');
      for (const s of sponsors) expect(users.has(s.id)).toBe(true);
    }
    const appIds = new Set([...sps.values()].map((s) => s.appId));
    for (const s of items('entra/servicePrincipalSignInActivities.json')) expect(appIds.has(s.appId)).toBe(true);
    const types = new Set([...sps.values()].map((s) => s.servicePrincipalType));
    expect(types).toContain('ManagedIdentity');
    expect(sps.size).toBeGreaterThan(N * 0.3);
  });

  it('resolves every Okta reference: credentials, grants, roles, tokens, groups, the AWS apps', () => {
    const apps = items('okta/apps.json');
    const appIds = new Set(apps.map((a) => a.id));
    const clientIds = new Set(apps.filter((a) => a.credentials?.oauthClient).map((a) => a.credentials.oauthClient.client_id));
    const users = new Set(items('okta/users.json').map((u) => u.id));
    const groups = new Set(items('okta/groups.json').map((g) => g.id));
    for (const f of ['appSecrets', 'appJwks', 'appGrants']) for (const k of Object.keys(json(`okta/${f}.json`))) expect(appIds.has(k), `${f} ${k}`).toBe(true);
    for (const [k, grants] of Object.entries<J[]>(json('okta/appGrants.json'))) for (const g of grants) expect(g.clientId).toBe(k);
    for (const k of Object.keys(json('okta/clientRoles.json'))) expect(clientIds.has(k)).toBe(true);
    for (const t of items('okta/apiTokens.json')) expect(users.has(t.userId)).toBe(true);
    for (const f of ['userRoles', 'userFactors', 'userGroups']) expect(Object.keys(json(`okta/${f}.json`)).sort()).toEqual([...users].sort());
    for (const list of Object.values<J[]>(json('okta/userGroups.json'))) for (const g of list) expect(groups.has(g.id)).toBe(true);
    for (const k of Object.keys(json('okta/groupRoles.json'))) expect(groups.has(k)).toBe(true);
    const aws = apps.filter((a) => a.name === 'amazon_aws');
    expect(aws.length).toBe(planEstate(N).aws.accounts.length);
    for (const a of aws) {
      for (const u of json('okta/appUsers.json')[a.id]) expect(users.has(u.id)).toBe(true);
      for (const g of json('okta/appGroups.json')[a.id]) expect(groups.has(g.id)).toBe(true);
    }
    expect(apps.some((a) => a.settings?.oauthClient?.application_type === 'service')).toBe(true);
  });

  it('resolves every AWS reference, including federation from Entra, Okta and other accounts', () => {
    const accounts = new Set([...files.keys()].filter((k) => k.startsWith('aws/')).map((k) => k.split('/')[1]));
    const roleArns = new Set<string>();
    for (const a of accounts) for (const r of json(`aws/${a}/authorization-details.json`).RoleDetailList) roleArns.add(r.Arn);
    const entraAppIds = new Set(items('entra/applications.json').map((x) => x.appId));
    const entraSpIds = new Set(items('entra/servicePrincipals.json').map((x) => x.id));
    const oktaClients = new Set(items('okta/apps.json').filter((x) => x.credentials?.oauthClient).map((x) => x.id));
    const oktaGroups = items('okta/groups.json').map((g) => g.profile.name as string).filter((n) => n.startsWith('aws_'));
    for (const g of oktaGroups) {
      const [, acct, role] = /^aws_(\d{12})_(.+)$/.exec(g)!;
      expect(roleArns.has(`arn:aws:iam::${acct}:role/${role}`), g).toBe(true);
    }
    const kinds = new Set<string>();
    for (const a of accounts) {
      const d = json(`aws/${a}/authorization-details.json`);
      const policies = new Set(d.Policies.map((p: J) => p.Arn));
      const groupNames = new Set(d.GroupDetailList.map((g: J) => g.GroupName));
      const providers = new Set([...JSON.parse(files.get(`aws/${a}/oidc-providers.json`)!), ...JSON.parse(files.get(`aws/${a}/saml-providers.json`)!)].map((p: J) => p.Arn));
      for (const e of [...d.UserDetailList, ...d.GroupDetailList, ...d.RoleDetailList]) {
        expect(e.Arn.startsWith(`arn:aws:iam::${a}:`)).toBe(true);
        for (const p of e.AttachedManagedPolicies) expect(policies.has(p.PolicyArn), p.PolicyArn).toBe(true);
      }
      for (const u of d.UserDetailList) for (const g of u.GroupList) expect(groupNames.has(g)).toBe(true);
      for (const r of d.RoleDetailList) {
        for (const st of r.AssumeRolePolicyDocument.Statement) {
          const fed = st.Principal.Federated;
          if (fed) {
            expect(providers.has(fed), fed).toBe(true);
            const cond = JSON.stringify(st.Condition ?? {});
            if (fed.includes('sts.windows.net')) {
              kinds.add('entra');
              const aud = Object.entries<string>(st.Condition.StringEquals).find(([k]) => k.endsWith(':aud'))![1];
              expect(entraAppIds.has(aud)).toBe(true);
              const sub = Object.entries<string>(st.Condition.StringEquals).find(([k]) => k.endsWith(':sub'));
              if (sub) expect(entraSpIds.has(sub[1])).toBe(true);
            } else if (fed.includes('oauth2/default')) {
              kinds.add('okta-oidc');
              const sub = Object.entries<string>(st.Condition.StringEquals).find(([k]) => k.endsWith(':sub'))![1];
              expect(oktaClients.has(sub)).toBe(true);
            } else if (fed.includes('githubusercontent')) kinds.add(cond.includes('StringLike') ? 'github-wildcard' : 'github-pinned');
            else if (fed.endsWith('saml-provider/Okta')) kinds.add('okta-saml');
          }
          const aws = st.Principal.AWS;
          if (typeof aws === 'string' && aws !== '*') {
            const acct = /^arn:aws:iam::(\d{12}):/.exec(aws)![1];
            if (accounts.has(acct) && !aws.endsWith(':root')) expect(roleArns.has(aws), aws).toBe(true);
            kinds.add(acct === a ? 'same-account' : accounts.has(acct) ? 'cross-account' : 'external-account');
          }
          if (st.Principal.Service) kinds.add('service');
        }
      }
      const report = files.get(`aws/${a}/credential-report.csv`)!.trim().split('\n');
      expect(report[0].split(',')).toHaveLength(22);
      for (const row of report.slice(1)) expect(row.split(',')).toHaveLength(22);
      expect(report.slice(1).map((r) => r.split(',')[0]).sort()).toEqual(['<root_account>', ...d.UserDetailList.map((u: J) => u.UserName)].sort());
    }
    for (const k of ['service', 'same-account', 'cross-account', 'github-pinned', 'entra', 'okta-saml']) expect(kinds, k).toContain(k);
  });

  describe('scanned end to end', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'nhiscan-gen-test-'));
      for (const [rel, content] of files) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), content);
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('scans without errors, with findings from all three providers and cross-provider paths', () => {
      const snapshot = readSnapshotDir(dir);
      const { report } = scanSnapshot(snapshot, { now: new Date(snapshot.manifest.collectedAt), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
      const ids = report.identities;
      expect(report.summary.identities).toBeGreaterThan(N * 0.9);
      expect(report.summary.identities).toBeLessThan(N * 1.2);
      for (const p of ['entra', 'okta', 'aws']) {
        expect(report.summary.byProvider[p].findings, p).toBeGreaterThan(0);
        expect(ids.filter((i) => i.provider === p).length, p).toBeGreaterThan(0);
      }
      // Nothing the generator wrote points at an object it did not write.
      expect(report.warnings.filter((w) => /dangling|not found|duplicate/i.test(w))).toEqual([]);
      expect(ids.some((i) => i.crownJewels.some((c) => c.crossesProviders))).toBe(true);
      expect(report.summary.edges).toBeGreaterThan(N * 4);
      expect(report.coverage.filter((c) => c.status !== 'collected').map((c) => c.capability)).toEqual(['entra.credentialSignInActivity']);
    });
  });
});
