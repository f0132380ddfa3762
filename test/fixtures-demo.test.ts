import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRA_CAPABILITIES as ENTRA_COLLECTED } from '../src/connectors/entra/endpoints.js';
import { OKTA_CAPABILITIES as OKTA_COLLECTED } from '../src/connectors/okta/coverage.js';
import { ACCOUNT_CAPABILITIES as AWS_ACCOUNT_CAPABILITIES } from '../src/connectors/aws/client.js';

// The bundled demo snapshot (fixtures/demo) is hand-built, so nothing but this test keeps its
// ids consistent across files and providers. These checks follow docs/snapshot-format.md.

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

const ROOT = fileURLToPath(new URL('../fixtures/demo/', import.meta.url));
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

function walkDir(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walkDir(p) : [relative(ROOT, p).split('\\').join('/')];
  });
}
const files = walkDir(ROOT).sort();
const text = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
const parsed = new Map<string, J>();
const json = (rel: string): J => {
  if (!parsed.has(rel)) parsed.set(rel, JSON.parse(text(rel)));
  return parsed.get(rel);
};
const values = (rel: string): J[] => {
  const body = json(rel);
  return Array.isArray(body) ? body : body.value;
};
const keysOf = (rel: string): string[] => Object.keys(json(rel)).sort();
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

/** Snapshot file name → capability, per docs/snapshot-format.md. */
const ENTRA_FILES: Record<string, string> = {
  'organization.json': 'entra.organization', 'servicePrincipals.json': 'entra.servicePrincipals', 'applications.json': 'entra.applications',
  'federatedIdentityCredentials.json': 'entra.federatedIdentityCredentials', 'applicationOwners.json': 'entra.owners', 'servicePrincipalOwners.json': 'entra.owners',
  'appRoleAssignments.json': 'entra.appRoleAssignments', 'oauth2PermissionGrants.json': 'entra.oauth2PermissionGrants', 'roleDefinitions.json': 'entra.directoryRoles',
  'roleAssignments.json': 'entra.directoryRoles', 'roleEligibilitySchedules.json': 'entra.pim', 'users.json': 'entra.users', 'userManagers.json': 'entra.userManagers',
  'userRegistrationDetails.json': 'entra.mfaRegistration', 'groups.json': 'entra.groups', 'groupMembers.json': 'entra.groups',
  'servicePrincipalSignInActivities.json': 'entra.signInActivity', 'appCredentialSignInActivities.json': 'entra.credentialSignInActivity', 'agentSponsors.json': 'entra.agentSponsors',
};
const OKTA_FILES: Record<string, string> = {
  'apps.json': 'okta.apps', 'appSecrets.json': 'okta.appCredentials', 'appJwks.json': 'okta.appCredentials', 'appGrants.json': 'okta.appGrants', 'clientRoles.json': 'okta.clientRoles',
  'apiTokens.json': 'okta.apiTokens', 'users.json': 'okta.users', 'userRoles.json': 'okta.adminRoles', 'userFactors.json': 'okta.factors', 'userGroups.json': 'okta.groups',
  'groups.json': 'okta.groups', 'groupRoles.json': 'okta.adminRoles', 'appUsers.json': 'okta.appAssignments', 'appGroups.json': 'okta.appAssignments',
  'userTypes.json': 'okta.userTypes',
  'authorizationServers.json': 'okta.authorizationServers', 'authServerPolicies.json': 'okta.authorizationServers', 'authServerPolicyRules.json': 'okta.authorizationServers',
};
const AWS_FILES: Record<string, string> = {
  'authorization-details.json': 'aws.iam', 'credential-report.csv': 'aws.credentialReport', 'oidc-providers.json': 'aws.federation',
  'saml-providers.json': 'aws.federation', 'rolesanywhere.json': 'aws.rolesAnywhere', 'list-roles.json': 'aws.roleSessions',
};
const CREDENTIAL_REPORT_COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation', 'mfa_active',
  'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
  'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
  'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
];

function capabilityOf(rel: string): string | undefined {
  const [provider, a, b] = rel.split('/');
  if (provider === 'entra') return ENTRA_FILES[a];
  if (provider === 'okta') return OKTA_FILES[a];
  if (provider === 'aws' && /^\d{12}$/.test(a) && b) return AWS_FILES[b];
  return undefined;
}

/** Minimal RFC 4180 reader: the credential report quotes nothing, but stay correct if it did. */
function parseCsv(body: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
function credentialReport(acct: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text(`aws/${acct}/credential-report.csv`));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** Visits every [key, value] pair in a JSON value. */
function walk(v: J, visit: (key: string, value: J, path: string) => void, path = ''): void {
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, visit, `${path}[${i}]`));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      visit(k, x, `${path}.${k}`);
      walk(x, visit, `${path}.${k}`);
    }
  }
}

const manifest = json('manifest.json');
const NOW = Date.parse(manifest.collectedAt);
const TENANT: string = manifest.providers.entra.tenantId;
const ACCOUNTS: string[] = manifest.providers.aws.accounts.map((a: J) => a.accountId);
const jsonFiles = files.filter((f) => f.endsWith('.json'));

describe('demo snapshot: files and manifest', () => {
  it('contains only files named in the snapshot format, and every JSON file parses', () => {
    expect(files).toContain('manifest.json');
    expect(files).toContain('STORY.md');
    const unknown = files.filter((f) => f !== 'manifest.json' && f !== 'STORY.md' && !capabilityOf(f));
    expect(unknown).toEqual([]);
    for (const f of jsonFiles) expect(() => json(f), f).not.toThrow();
    // Graph collection files keep the Graph envelope; Okta collection files are plain arrays.
    for (const f of files.filter((x) => x.startsWith('entra/'))) {
      const body = json(f);
      expect(Array.isArray(body), f).toBe(false);
    }
    for (const f of ['okta/apps.json', 'okta/users.json', 'okta/groups.json', 'okta/apiTokens.json']) expect(Array.isArray(json(f)), f).toBe(true);
  });

  it('stays well under 1 MB', () => {
    const total = files.reduce((n, f) => n + statSync(join(ROOT, f)).size, 0);
    expect(total).toBeLessThan(1_000_000);
  });

  it('has a manifest whose coverage matches the files present', () => {
    expect(manifest.schemaVersion).toBe(1);
    expect(new Date(manifest.collectedAt).toISOString()).toBe('2026-11-20T09:00:00.000Z');
    const statuses = new Set(['collected', 'missing-permission', 'error', 'not-collected']);
    for (const c of manifest.coverage) expect(statuses.has(c.status), JSON.stringify(c)).toBe(true);
    const notCollected = manifest.coverage.filter((c: J) => c.status !== 'collected');
    expect(notCollected).toHaveLength(1);
    expect(notCollected[0]).toMatchObject({ provider: 'entra', scope: TENANT, capability: 'entra.credentialSignInActivity', status: 'missing-permission' });
    expect(notCollected[0].reason).toMatch(/^403 /);
    expect(files).not.toContain('entra/appCredentialSignInActivities.json');
    // Every file present is backed by a `collected` record for its scope.
    const collected = new Set(manifest.coverage.filter((c: J) => c.status === 'collected').map((c: J) => `${c.scope}|${c.capability}`));
    for (const f of files.filter((x) => capabilityOf(x))) {
      const [provider, acct] = f.split('/');
      const scope = provider === 'entra' ? TENANT : provider === 'okta' ? manifest.providers.okta.orgUrl : acct;
      expect(collected.has(`${scope}|${capabilityOf(f)}`), f).toBe(true);
    }
    expect(sorted(ACCOUNTS)).toEqual(sorted(new Set(files.filter((f) => f.startsWith('aws/')).map((f) => f.split('/')[1]))));
    expect(values('entra/organization.json')[0].id).toBe(TENANT);
  });

  // A capability without a record is judged from its files alone, which a capability with no file
  // of its own (the flexible credentials' expressions, inside federatedIdentityCredentials.json)
  // cannot be: the demo says what a collection would, one record per capability and scope.
  it('records every capability the collectors write, for each scope', () => {
    const recorded = new Set(manifest.coverage.map((c: J) => `${c.provider}|${c.scope}|${c.capability}`));
    const expected = [
      ...ENTRA_COLLECTED.map((cap) => `entra|${TENANT}|${cap}`),
      ...OKTA_COLLECTED.map((cap) => `okta|${manifest.providers.okta.orgUrl}|${cap}`),
      // The demo's accounts say nothing of their organisation (no organization.json, no record), as
      // a snapshot collected before the collector read it: its trusts name no organisation either.
      ...ACCOUNTS.flatMap((account) => AWS_ACCOUNT_CAPABILITIES.filter((cap) => cap !== 'aws.organization').map((cap) => `aws|${account}|${cap}`)),
    ];
    expect(expected.filter((key) => !recorded.has(key))).toEqual([]);
  });

  // The collector records every capability it reads (ENTRA_CAPABILITIES); the users' sign-in
  // activity comes with the user list, and every user of users.json carries it: read, not refused.
  it('records the sign-in activity of the users as collected, as the collector does when it reads it', () => {
    expect(values('entra/users.json').every((u: J) => 'signInActivity' in u)).toBe(true);
    const rec = manifest.coverage.filter((c: J) => c.provider === 'entra' && c.capability === 'entra.userSignInActivity');
    expect(rec).toEqual([{ provider: 'entra', scope: TENANT, capability: 'entra.userSignInActivity', status: 'collected' }]);
  });

  it('holds no secret values', () => {
    for (const f of jsonFiles) {
      walk(json(f), (k, v, path) => {
        if (['secretText', 'client_secret', 'secretKey', 'secretKeyEnc', 'SecretAccessKey', 'accessKey', 'key', 'privateKey', 'd'].includes(k)) {
          expect(v, `${f}${path}`).toBeNull();
        }
      });
    }
    for (const f of files) {
      const body = text(f);
      expect(body, f).not.toMatch(/-----BEGIN/);
      expect(body, f).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/); // AWS access key ids
      expect(body, f).not.toMatch(/\b00[A-Za-z0-9_-]{40}\b/); // Okta SSWS token shape
    }
  });

  it('dates nothing after collectedAt except expiry fields', () => {
    const future = new Set(['endDateTime', 'expiresAt', 'ValidUntil', 'expirationDateTime']);
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
    let seen = 0;
    for (const f of jsonFiles.filter((x) => x !== 'manifest.json')) {
      walk(json(f), (k, v, path) => {
        if (typeof v !== 'string' || !iso.test(v) || future.has(k)) return;
        seen++;
        expect(Date.parse(v), `${f}${path} = ${v}`).toBeLessThanOrEqual(NOW);
      });
    }
    for (const acct of ACCOUNTS) {
      for (const row of credentialReport(acct)) {
        for (const [k, v] of Object.entries(row)) if (iso.test(v)) { seen++; expect(Date.parse(v), `${acct} ${row.user}.${k}`).toBeLessThanOrEqual(NOW); }
      }
    }
    expect(seen).toBeGreaterThan(100);
  });
});

describe('demo snapshot: Entra referential integrity', () => {
  const apps = values('entra/applications.json');
  const sps = values('entra/servicePrincipals.json');
  const users = values('entra/users.json');
  const groups = values('entra/groups.json');
  const spById = new Map<string, J>(sps.map((s: J) => [s.id, s]));
  const spByAppId = new Map<string, J>(sps.map((s: J) => [s.appId, s]));
  const userById = new Map<string, J>(users.map((u: J) => [u.id, u]));
  const groupIds = new Set<string>(groups.map((g: J) => g.id));
  const directoryObject = (id: string) => spById.get(id) ?? userById.get(id) ?? (groupIds.has(id) ? { id } : undefined);

  it('has unique object ids and one tenant-owned service principal per app registration', () => {
    const all = [...apps, ...sps, ...users, ...groups].map((o: J) => o.id);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(sps.map((s: J) => s.appId)).size).toBe(sps.length);
    for (const a of apps) {
      const sp = spByAppId.get(a.appId);
      expect(sp, a.displayName).toBeDefined();
      expect(sp.appOwnerOrganizationId).toBe(TENANT);
      expect(sp.displayName).toBe(a.displayName);
    }
  });

  it('keys every relationship file by an existing parent, and reads every parent', () => {
    const appIds = sorted(apps.map((a: J) => a.id));
    expect(keysOf('entra/applicationOwners.json')).toEqual(appIds);
    expect(keysOf('entra/federatedIdentityCredentials.json')).toEqual(appIds);
    expect(keysOf('entra/servicePrincipalOwners.json')).toEqual(sorted(spById.keys()));
    expect(keysOf('entra/userManagers.json')).toEqual(sorted(userById.keys()));
    expect(keysOf('entra/groupMembers.json')).toEqual(sorted(groupIds));
    for (const f of ['entra/applicationOwners.json', 'entra/servicePrincipalOwners.json', 'entra/groupMembers.json']) {
      for (const [parent, list] of Object.entries<J[]>(json(f))) {
        for (const o of list) {
          expect(directoryObject(o.id), `${f} ${parent} → ${o.id}`).toBeDefined();
          if (o['@odata.type'] === '#microsoft.graph.user') expect(userById.get(o.id).userPrincipalName).toBe(o.userPrincipalName);
        }
      }
    }
    for (const [u, m] of Object.entries<J>(json('entra/userManagers.json'))) if (m) expect(userById.has(m.id), `manager of ${u}`).toBe(true);
  });

  it('resolves every app role assignment against the resource service principal', () => {
    const assignments = values('entra/appRoleAssignments.json');
    expect(assignments.length).toBeGreaterThan(0);
    for (const a of assignments) {
      const principal = directoryObject(a.principalId);
      expect(principal, a.principalDisplayName).toBeDefined();
      expect(principal.displayName ?? a.principalDisplayName).toBe(a.principalDisplayName);
      if (a.principalType === 'ServicePrincipal') expect(spById.has(a.principalId)).toBe(true);
      if (a.principalType === 'User') expect(userById.has(a.principalId)).toBe(true);
      const resource = spById.get(a.resourceId);
      expect(resource, a.resourceDisplayName).toBeDefined();
      expect(resource.displayName).toBe(a.resourceDisplayName);
      if (a.appRoleId !== ZERO_GUID) expect(resource.appRoles.map((r: J) => r.id), `${a.principalDisplayName} → ${a.appRoleId}`).toContain(a.appRoleId);
    }
  });

  it('resolves every delegated grant scope against the resource oauth2PermissionScopes', () => {
    for (const g of values('entra/oauth2PermissionGrants.json')) {
      expect(spById.has(g.clientId), g.id).toBe(true);
      const resource = spById.get(g.resourceId);
      expect(resource, g.id).toBeDefined();
      if (g.consentType === 'AllPrincipals') expect(g.principalId).toBeNull();
      else {
        expect(g.consentType).toBe('Principal');
        expect(userById.has(g.principalId), g.id).toBe(true);
      }
      const published = new Set(resource.oauth2PermissionScopes.map((s: J) => s.value));
      for (const scope of g.scope.split(' ').filter(Boolean)) expect(published.has(scope), `${resource.displayName} ${scope}`).toBe(true);
    }
  });

  it('resolves requiredResourceAccess ids against the resource service principals', () => {
    for (const a of apps) {
      for (const r of a.requiredResourceAccess) {
        const resource = spByAppId.get(r.resourceAppId);
        expect(resource, `${a.displayName} → ${r.resourceAppId}`).toBeDefined();
        for (const access of r.resourceAccess) {
          const pool = access.type === 'Role' ? resource.appRoles : resource.oauth2PermissionScopes;
          expect(pool.map((x: J) => x.id), `${a.displayName} ${access.type} ${access.id}`).toContain(access.id);
        }
      }
    }
  });

  it('resolves directory role assignments, eligibilities, registration and sign-in reports', () => {
    const definitions = new Map<string, J>(values('entra/roleDefinitions.json').map((d: J) => [d.id, d]));
    for (const d of definitions.values()) expect(d.templateId).toBe(d.id);
    for (const f of ['entra/roleAssignments.json', 'entra/roleEligibilitySchedules.json']) {
      for (const r of values(f)) {
        expect(directoryObject(r.principalId), `${f} ${r.principalId}`).toBeDefined();
        expect(definitions.has(r.roleDefinitionId), `${f} ${r.roleDefinitionId}`).toBe(true);
      }
    }
    expect(sorted(values('entra/userRegistrationDetails.json').map((r: J) => r.id))).toEqual(sorted(userById.keys()));
    for (const r of values('entra/userRegistrationDetails.json')) expect(userById.get(r.id).userPrincipalName).toBe(r.userPrincipalName);
    for (const s of values('entra/servicePrincipalSignInActivities.json')) expect(spByAppId.has(s.appId), s.appId).toBe(true);
  });

  it('has federated credentials with unique issuer+subject and the token-exchange audience', () => {
    for (const [appId, fics] of Object.entries<J[]>(json('entra/federatedIdentityCredentials.json'))) {
      const pairs = fics.map((f) => `${f.issuer}|${f.subject}`);
      expect(new Set(pairs).size, appId).toBe(pairs.length);
      for (const f of fics) expect(f.audiences).toEqual(['api://AzureADTokenExchange']);
    }
  });
});

describe('demo snapshot: Okta referential integrity', () => {
  const apps = values('okta/apps.json');
  const users = values('okta/users.json');
  const groups = values('okta/groups.json');
  const userIds = new Set<string>(users.map((u: J) => u.id));
  const groupIds = new Set<string>(groups.map((g: J) => g.id));
  const oauthApps = apps.filter((a: J) => a.credentials?.oauthClient?.client_id && a.name === 'oidc_client');
  const awsApps = apps.filter((a: J) => a.name === 'amazon_aws');

  it('keys app credential, grant and role files by the OAuth apps and their client ids', () => {
    const oauthIds = sorted(oauthApps.map((a: J) => a.id));
    expect(oauthIds.length).toBeGreaterThan(0);
    for (const f of ['okta/appSecrets.json', 'okta/appJwks.json', 'okta/appGrants.json']) expect(keysOf(f), f).toEqual(oauthIds);
    expect(keysOf('okta/clientRoles.json')).toEqual(sorted(oauthApps.map((a: J) => a.credentials.oauthClient.client_id)));
    for (const [appId, grants] of Object.entries<J[]>(json('okta/appGrants.json'))) {
      const app = apps.find((a: J) => a.id === appId);
      for (const g of grants) {
        expect(g.clientId).toBe(app.credentials.oauthClient.client_id);
        if (g.createdBy?.type === 'User') expect(userIds.has(g.createdBy.id)).toBe(true);
      }
    }
    for (const roles of Object.values<J[]>(json('okta/clientRoles.json'))) for (const r of roles) expect(r.assignmentType).toBe('CLIENT');
    for (const secrets of Object.values<J[]>(json('okta/appSecrets.json'))) for (const s of secrets) expect(typeof s.secret_hash).toBe('string');
  });

  it('resolves API token owners, user relationships and group relationships', () => {
    for (const t of values('okta/apiTokens.json')) {
      expect(userIds.has(t.userId), t.name).toBe(true);
      if (t.network?.connection === 'ZONE') expect(t.network.include.length, t.name).toBeGreaterThan(0);
    }
    for (const f of ['okta/userRoles.json', 'okta/userFactors.json', 'okta/userGroups.json']) expect(keysOf(f), f).toEqual(sorted(userIds));
    expect(keysOf('okta/groupRoles.json')).toEqual(sorted(groupIds));
    for (const list of Object.values<J[]>(json('okta/userGroups.json'))) for (const g of list) expect(groupIds.has(g.id)).toBe(true);
    // The Users API names a user's type by id only: each must be one of the org's user types.
    const typeIds = new Set<string>(values('okta/userTypes.json').map((t: J) => t.id));
    for (const u of users) expect(typeIds.has(u.type.id), u.id).toBe(true);
  });

  it('keys app assignments by the AWS apps, and every group-scoped user is in an assigned group', () => {
    const awsIds = sorted(awsApps.map((a: J) => a.id));
    expect(keysOf('okta/appUsers.json')).toEqual(awsIds);
    expect(keysOf('okta/appGroups.json')).toEqual(awsIds);
    const memberships = json('okta/userGroups.json');
    for (const appId of awsIds) {
      const assignedGroups = new Set<string>(json('okta/appGroups.json')[appId].map((g: J) => g.id));
      for (const g of assignedGroups) expect(groupIds.has(g)).toBe(true);
      for (const u of json('okta/appUsers.json')[appId]) {
        expect(userIds.has(u.id)).toBe(true);
        if (u.scope === 'GROUP') expect(memberships[u.id].some((g: J) => assignedGroups.has(g.id)), u.id).toBe(true);
      }
    }
  });
});

describe('demo snapshot: AWS referential integrity', () => {
  for (const acct of ACCOUNTS) {
    const gaad = json(`aws/${acct}/authorization-details.json`);
    const oidc = json(`aws/${acct}/oidc-providers.json`);
    const saml = json(`aws/${acct}/saml-providers.json`);

    it(`${acct}: ARNs belong to the account folder and attached policies are listed`, () => {
      const own = [...gaad.UserDetailList, ...gaad.RoleDetailList, ...gaad.GroupDetailList, ...oidc, ...saml].map((x: J) => x.Arn);
      for (const p of gaad.Policies) if (!p.Arn.startsWith('arn:aws:iam::aws:')) own.push(p.Arn);
      for (const arn of own) expect(arn.split(':')[4], arn).toBe(acct);
      const policyArns = new Set(gaad.Policies.map((p: J) => p.Arn));
      const groupNames = new Set(gaad.GroupDetailList.map((g: J) => g.GroupName));
      for (const x of [...gaad.UserDetailList, ...gaad.RoleDetailList, ...gaad.GroupDetailList]) {
        for (const m of x.AttachedManagedPolicies) expect(policyArns.has(m.PolicyArn), `${x.Arn} → ${m.PolicyArn}`).toBe(true);
      }
      for (const u of gaad.UserDetailList) for (const g of u.GroupList) expect(groupNames.has(g), `${u.UserName} ∈ ${g}`).toBe(true);
      for (const p of gaad.Policies) {
        expect(p.PolicyVersionList.filter((v: J) => v.IsDefaultVersion).map((v: J) => v.VersionId)).toEqual([p.DefaultVersionId]);
      }
    });

    it(`${acct}: credential report has the real columns and matches the IAM users`, () => {
      const [header, ...rows] = parseCsv(text(`aws/${acct}/credential-report.csv`));
      expect(header).toEqual(CREDENTIAL_REPORT_COLUMNS);
      for (const r of rows) expect(r, r[0]).toHaveLength(CREDENTIAL_REPORT_COLUMNS.length);
      const report = credentialReport(acct);
      const root = report.filter((r) => r.user === '<root_account>');
      expect(root.map((r) => r.arn)).toEqual([`arn:aws:iam::${acct}:root`]);
      const reportUsers = new Map(report.filter((r) => r.user !== '<root_account>').map((r) => [r.user, r]));
      expect(sorted(reportUsers.keys())).toEqual(sorted(gaad.UserDetailList.map((u: J) => u.UserName)));
      for (const u of gaad.UserDetailList) {
        const row = reportUsers.get(u.UserName)!;
        expect(row.arn).toBe(u.Arn);
        expect(Date.parse(row.user_creation_time)).toBe(Date.parse(u.CreateDate));
        for (const k of ['password_enabled', 'mfa_active', 'access_key_1_active', 'access_key_2_active']) expect(['true', 'false'], `${u.UserName}.${k}`).toContain(row[k]);
      }
    });

    it(`${acct}: every federated principal and its condition keys resolve to a provider`, () => {
      const oidcByArn = new Map<string, J>(oidc.map((p: J) => [p.Arn, p]));
      const samlArns = new Set(saml.map((p: J) => p.Arn));
      for (const p of oidc) {
        expect(p.Arn).toBe(`arn:aws:iam::${acct}:oidc-provider/${p.Url}`);
        expect(p.ClientIDList.length).toBeGreaterThan(0);
      }
      for (const role of gaad.RoleDetailList) {
        for (const st of role.AssumeRolePolicyDocument.Statement) {
          const fed = st.Principal?.Federated;
          if (!fed) continue;
          if (fed.includes(':saml-provider/')) {
            expect(samlArns.has(fed), `${role.RoleName} → ${fed}`).toBe(true);
            expect(st.Action).toBe('sts:AssumeRoleWithSAML');
            continue;
          }
          const provider = oidcByArn.get(fed);
          expect(provider, `${role.RoleName} → ${fed}`).toBeDefined();
          expect(st.Action).toBe('sts:AssumeRoleWithWebIdentity');
          for (const block of Object.values<J>(st.Condition ?? {})) {
            for (const [k, v] of Object.entries<J>(block)) {
              expect(k.startsWith(`${provider.Url}:`), `${role.RoleName} condition ${k}`).toBe(true);
              if (k === `${provider.Url}:aud`) for (const aud of [v].flat()) expect(provider.ClientIDList, `${role.RoleName} aud`).toContain(aud);
            }
          }
        }
      }
    });
  }
});

describe('demo snapshot: cross-provider references', () => {
  const prod = ACCOUNTS[0];
  const entraApps = values('entra/applications.json');

  it('AWS trusts the Entra tenant of this snapshot, for an app that exists in it', () => {
    const entraProviders = ACCOUNTS.flatMap((a) => json(`aws/${a}/oidc-providers.json`)).filter((p: J) => p.Url.startsWith('sts.windows.net/'));
    expect(entraProviders.length).toBeGreaterThan(0);
    const audiences = new Set<string>(entraApps.flatMap((a: J) => [a.appId, ...a.identifierUris]));
    for (const p of entraProviders) {
      expect(p.Url).toBe(`sts.windows.net/${TENANT}/`);
      for (const clientId of p.ClientIDList) expect(audiences.has(clientId), clientId).toBe(true);
    }
  });

  it('the Okta AWS app points at a SAML provider, and its group filter maps assigned groups to roles trusting it', () => {
    const awsApps = values('okta/apps.json').filter((a: J) => a.name === 'amazon_aws');
    expect(awsApps.length).toBeGreaterThan(0);
    const groupsById = new Map<string, J>(values('okta/groups.json').map((g: J) => [g.id, g]));
    for (const app of awsApps) {
      const idp: string = app.settings.app.identityProviderArn;
      const acct = idp.split(':')[4];
      expect(json(`aws/${acct}/saml-providers.json`).map((p: J) => p.Arn)).toContain(idp);
      // Okta writes named groups as (?{{name}}…); JavaScript spells them (?<name>…).
      const filter = new RegExp(`^${app.settings.app.groupFilter.replace(/\(\?\{\{(\w+)\}\}/g, '(?<$1>')}$`);
      const roles = json(`aws/${acct}/authorization-details.json`).RoleDetailList;
      let mapped = 0;
      for (const assigned of json('okta/appGroups.json')[app.id]) {
        const m = filter.exec(groupsById.get(assigned.id).profile.name);
        if (!m) continue;
        mapped++;
        expect(m.groups!.accountid).toBe(acct);
        const role = roles.find((r: J) => r.RoleName === m.groups!.role);
        expect(role, m.groups!.role).toBeDefined();
        expect(role.AssumeRolePolicyDocument.Statement.some((s: J) => s.Principal?.Federated === idp)).toBe(true);
        expect(app.settings.app.roleValuePattern.replaceAll('${accountid}', acct).replaceAll('${role}', role.RoleName)).toBe(`${idp},${role.Arn}`);
      }
      expect(mapped).toBeGreaterThan(0);
    }
    expect(prod).toBe('111122223333');
  });

  it('the Entra AWS app (story 15) is set up for SAML, and each enabled app role value names a SAML provider and a role trusting it', () => {
    const samlApps = values('entra/servicePrincipals.json').filter((s: J) => s.preferredSingleSignOnMode === 'saml');
    expect(samlApps.map((s: J) => s.displayName)).toEqual(['AWS Dev Console']);
    const assigned = new Set(values('entra/appRoleAssignments.json').filter((a: J) => a.resourceId === samlApps[0].id).map((a: J) => a.appRoleId));
    let named = 0;
    for (const role of samlApps[0].appRoles) {
      if (!role.isEnabled || !role.value) continue;
      const [roleArn, providerArn] = role.value.split(',');
      const acct = providerArn.split(':')[4];
      expect(roleArn.split(':')[4]).toBe(acct);
      expect(json(`aws/${acct}/saml-providers.json`).map((p: J) => p.Arn)).toContain(providerArn);
      const trusting = json(`aws/${acct}/authorization-details.json`).RoleDetailList.find((r: J) => r.Arn === roleArn);
      expect(trusting.AssumeRolePolicyDocument.Statement.some((s: J) => s.Principal?.Federated === providerArn && s.Action === 'sts:AssumeRoleWithSAML')).toBe(true);
      expect(json(`aws/${acct}/list-roles.json`).Roles.find((r: J) => r.Arn === roleArn).MaxSessionDuration).toBe(43200);
      expect(assigned.has(role.id)).toBe(true);
      named++;
    }
    expect(named).toBe(1);
    // The application object carries the same roles as its service principal.
    const app = entraApps.find((a: J) => a.appId === samlApps[0].appId);
    expect(app.appRoles.map((r: J) => [r.id, r.value])).toEqual(samlApps[0].appRoles.map((r: J) => [r.id, r.value]));
  });
});

describe('demo snapshot: the story in STORY.md is still in the data', () => {
  const apps = values('entra/applications.json');
  const sps = values('entra/servicePrincipals.json');
  const users = new Map<string, J>(values('entra/users.json').map((u: J) => [u.id, u]));
  const app = (name: string) => apps.find((a: J) => a.displayName === name);
  const sp = (name: string) => sps.find((s: J) => s.displayName === name);
  const graph = sps.find((s: J) => s.appId === '00000003-0000-0000-c000-000000000000');
  const DAY = 86_400_000;

  it('every full id quoted in STORY.md exists in the data', () => {
    const story = text('STORY.md');
    const data = files.filter((f) => f !== 'STORY.md').map(text).join('\n');
    const ids = story.match(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b(?:0oa|00u|00g|00T|nzo|ocs|pks|oag)[A-Za-z0-9]{17}\b|\b(?:AROA|AIDA)[A-Z2-7]{17}\b/g) ?? [];
    expect(ids.length).toBeGreaterThan(40);
    expect(ids.filter((id) => !data.includes(id))).toEqual([]);
  });

  it('Helpdesk AI Assistant: two-year secret and tenant-wide Mail.Send consent', () => {
    const [secret] = app('Helpdesk AI Assistant').passwordCredentials;
    expect((Date.parse(secret.endDateTime) - Date.parse(secret.startDateTime)) / DAY).toBeGreaterThanOrEqual(730);
    const grant = values('entra/oauth2PermissionGrants.json').find((g: J) => g.clientId === sp('Helpdesk AI Assistant').id && g.resourceId === graph.id);
    expect(grant.consentType).toBe('AllPrincipals');
    expect(grant.scope.split(' ')).toContain('Mail.Send');
  });

  it('Ops Agent: AI-tagged, owned only by disabled users, audience-only AWS trust', () => {
    const ops = app('Ops Agent');
    expect(ops.tags).toEqual(expect.arrayContaining(['agent', 'ai']));
    const owners = json('entra/applicationOwners.json')[ops.id];
    expect(owners.length).toBeGreaterThan(0);
    expect(owners.every((o: J) => users.get(o.id).accountEnabled === false)).toBe(true);
    expect(sp('Ops Agent').appRoleAssignmentRequired).toBe(false);
    const role = json('aws/111122223333/authorization-details.json').RoleDetailList.find((r: J) => r.RoleName === 'ops-agent-role');
    const cond = JSON.stringify(role.AssumeRolePolicyDocument);
    expect(cond).toContain(`sts.windows.net/${TENANT}/:aud`);
    expect(cond).not.toContain(':sub');
  });

  it('Legacy Provisioning Sync: ownerless, secret-bearing, RoleManagement.ReadWrite.Directory', () => {
    const legacy = app('Legacy Provisioning Sync');
    expect(json('entra/applicationOwners.json')[legacy.id]).toEqual([]);
    expect(json('entra/servicePrincipalOwners.json')[sp('Legacy Provisioning Sync').id]).toEqual([]);
    expect(legacy.passwordCredentials.length).toBeGreaterThan(0);
    const roles = values('entra/appRoleAssignments.json').filter((a: J) => a.principalId === sp('Legacy Provisioning Sync').id).map((a: J) => a.appRoleId);
    expect(roles).toContain('9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8');
  });

  it('github-deploy: org-wide subject with AdministratorAccess; legacy-erp-integration: old key and console password', () => {
    const role = json('aws/111122223333/authorization-details.json').RoleDetailList.find((r: J) => r.RoleName === 'github-deploy');
    expect(role.AssumeRolePolicyDocument.Statement[0].Condition.StringLike['token.actions.githubusercontent.com:sub']).toBe('repo:northwind/*');
    expect(role.AttachedManagedPolicies.map((p: J) => p.PolicyName)).toContain('AdministratorAccess');
    const erp = credentialReport('111122223333').find((r) => r.user === 'legacy-erp-integration')!;
    expect((NOW - Date.parse(erp.access_key_1_last_rotated)) / DAY).toBeGreaterThan(400);
    expect(erp.password_enabled).toBe('true');
  });
});
