import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyDemo, readJsonFile, reportOf, scratch, writeJsonFile } from './demo-copy.js';

// A relationship file (`{ "<parentId>": [...] }`) without the key of a parent the collector
// reads it for did not read that parent (docs/snapshot-format.md, "Two shapes of file"). That
// must never read as "that parent has none": a coverage record, a warning, unknown, exit 3.

const tmp = scratch('okta-relationship-gaps');
afterAll(() => tmp.cleanup());

const ORG = 'https://northwind.okta.example';
const HR_SYNC = '0oaKYWOIriafAH29u2He';
const AUDIT_EXPORTER = '0oa4J7O526RezV2zvWHX';
const AWS_APP = '0oaSsgZIK3850KbT2WP4';
/** Assigned to the AWS app directly: the collector reads their roles, factors and groups. */
const JORDAN = '00uALsvFO0rPShXu0fXS';
const SVC_ZAPIER = '00uAYHkZlcSjTxjsy5uw';
/** A person the collector does not select: whatever the user files say of her is extra. */
const ALICE = '00u64WsCeWG0NUJEXKGT';
/** A group of the service accounts: its admin roles are read. */
const SVC_GROUP = '00gawtl4Lo36tEqEdBZr';

let n = 0;
const fresh = (name: string): string => copyDemo(tmp.dir, `${name}-${n++}`);

function dropKey(dir: string, file: string, key: string): void {
  const doc = readJsonFile(dir, `okta/${file}`);
  if (!(key in doc)) throw new Error(`${key} not in ${file}`);
  delete doc[key];
  writeJsonFile(dir, `okta/${file}`, doc);
}

function setKey(dir: string, file: string, key: string, value: unknown): void {
  const doc = readJsonFile(dir, `okta/${file}`);
  doc[key] = value;
  writeJsonFile(dir, `okta/${file}`, doc);
}

const gapRecords = (dir: string) => reportOf(dir).coverage.filter((c) => c.provider === 'okta' && c.capability.includes('@'));

let baseline = '';
beforeAll(() => {
  baseline = join(tmp.dir, 'demo-baseline.json');
  expect(cli(['scan', '--demo', '--write-baseline', baseline, '--format', 'json']).code).toBe(0);
});

describe('a parent the collector reads, absent from an Okta relationship file', () => {
  it.each([
    ['appSecrets.json', HR_SYNC, 'okta.appCredentials', '1 of 2 service apps is not in appSecrets.json: their client secrets were not read'],
    ['appJwks.json', AUDIT_EXPORTER, 'okta.appCredentials', '1 of 2 service apps is not in appJwks.json'],
    ['appGrants.json', HR_SYNC, 'okta.appGrants', '1 of 2 service apps is not in appGrants.json'],
    ['clientRoles.json', HR_SYNC, 'okta.clientRoles', '1 of 2 service app client ids is not in clientRoles.json'],
    ['userRoles.json', JORDAN, 'okta.adminRoles', 'is not in userRoles.json: their direct admin roles were not read'],
    ['userFactors.json', SVC_ZAPIER, 'okta.factors', 'is not in userFactors.json: their MFA factors were not read'],
    ['userGroups.json', JORDAN, 'okta.groups', 'is not in userGroups.json: their group memberships were not read'],
    ['groupRoles.json', SVC_GROUP, 'okta.adminRoles', 'is not in groupRoles.json: their admin roles were not read'],
    ['appUsers.json', AWS_APP, 'okta.appAssignments', '1 of 1 AWS federation apps is not in appUsers.json'],
    ['appGroups.json', AWS_APP, 'okta.appAssignments', '1 of 1 AWS federation apps is not in appGroups.json'],
  ])('%s without %s: one error record of its own capability name and one warning naming the file', (file, key, cap, reason) => {
    const dir = fresh('gap');
    dropKey(dir, file, key);
    const report = reportOf(dir);
    const recs = report.coverage.filter((c) => c.provider === 'okta' && c.capability.includes('@'));
    expect(recs).toEqual([{ provider: 'okta', scope: ORG, capability: `${cap}@${file}`, status: 'error', reason: expect.stringContaining(reason) }]);
    expect(recs[0].reason).toContain(`(first: ${key})`);
    // The capability's own record still covers the rest of the file.
    expect(report.coverage.find((c) => c.provider === 'okta' && c.capability === cap)?.status).toBe('collected');
    expect(report.warnings.filter((w) => w.startsWith(`okta/${file}: `))).toEqual([expect.stringContaining(reason)]);
  });

  it('fails a baseline gate (--fail-on high) with exit 3 instead of passing the vanished findings as fixed', () => {
    const dir = fresh('gate');
    dropKey(dir, 'appSecrets.json', HR_SYNC);
    const r = cli(['scan', '--snapshot', dir, '--baseline', baseline, '--fail-on', 'high']);
    expect(r.code).toBe(3);
    // The coverage line wraps to 100 columns; joined back it reads as one.
    expect(r.stdout.replace(/\n {4}(?=\S)/g, ' ')).toContain('okta.appCredentials@appSecrets.json: error (1 of 2 service apps is not in appSecrets.json');
  });

  it('the same report twice is the same byte for byte', () => {
    const dir = fresh('twice');
    dropKey(dir, 'userGroups.json', JORDAN);
    dropKey(dir, 'userGroups.json', SVC_ZAPIER);
    const a = cli(['scan', '--snapshot', dir, '--format', 'json', '--now', '2026-11-29T00:00:00Z']);
    const b = cli(['scan', '--snapshot', dir, '--format', 'json', '--now', '2026-11-29T00:00:00Z']);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).coverage.find((c: any) => c.capability === 'okta.groups@userGroups.json').reason).toContain(`2 of 4 users read per user`);
  });
});

describe('an IAM Identity Center app (amazon_aws_sso): the collector reads its assignments too', () => {
  const SSO_APP = '0oaIdentityCenter001';
  const SSO_GROUP = '00gIdentityCenterGrp';
  /** Adds the app; its assignments (users, groups) are written to the files unless given as undefined. */
  function withSsoApp(users: unknown[] | undefined, groups: unknown[] | undefined): string {
    const dir = fresh('sso');
    const apps = readJsonFile(dir, 'okta/apps.json');
    apps.push({ id: SSO_APP, name: 'amazon_aws_sso', label: 'AWS IAM Identity Center', status: 'ACTIVE', signOnMode: 'SAML_2_0' });
    writeJsonFile(dir, 'okta/apps.json', apps);
    if (users) setKey(dir, 'appUsers.json', SSO_APP, users);
    if (groups) setKey(dir, 'appGroups.json', SSO_APP, groups);
    return dir;
  }

  it('near miss: with both assignment lists read, no record and no warning about the keys', () => {
    const dir = withSsoApp([], []);
    expect(gapRecords(dir)).toEqual([]);
    expect(reportOf(dir).warnings.filter((w) => w.includes(SSO_APP))).toEqual([]);
  });

  it.each(['appUsers.json', 'appGroups.json'])('absent from %s: one error record and one warning, as an amazon_aws app', (file) => {
    const dir = withSsoApp(file === 'appUsers.json' ? undefined : [], file === 'appGroups.json' ? undefined : []);
    const report = reportOf(dir);
    expect(gapRecords(dir)).toEqual([{ provider: 'okta', scope: ORG, capability: `okta.appAssignments@${file}`, status: 'error', reason: `1 of 2 AWS federation apps is not in ${file}: their ${file === 'appUsers.json' ? 'user' : 'group'} assignments were not read (first: ${SSO_APP})` }]);
    expect(report.warnings.filter((w) => w.startsWith(`okta/${file}: `))).toEqual([expect.stringContaining(`(first: ${SSO_APP})`)]);
  });

  it('a user assigned to it directly, and a group assigned to it, are read per user and per group: absent, they give records', () => {
    const dir = withSsoApp([{ id: ALICE, scope: 'USER' }], [{ id: SSO_GROUP }]);
    for (const f of ['userRoles.json', 'userFactors.json', 'userGroups.json']) dropKey(dir, f, ALICE);
    const caps = gapRecords(dir).map((c) => `${c.capability} ${(c.reason ?? '').slice((c.reason ?? '').indexOf('(first'))}`);
    expect(caps).toEqual([
      `okta.adminRoles@groupRoles.json (first: ${SSO_GROUP})`,
      `okta.adminRoles@userRoles.json (first: ${ALICE})`,
      `okta.factors@userFactors.json (first: ${ALICE})`,
      `okta.groups@userGroups.json (first: ${ALICE})`,
    ]);
  });
});

describe('the identity whose sub-collection was not read answers unknown, not pass', () => {
  const unknownOf = (dir: string, name: string): string[] => reportOf(dir).identities.find((i) => i.name === name)?.unknownRuleIds ?? [];

  it('a service app absent from appSecrets.json: its path to a crown jewel, its secret rules and its tier rule are unknown', () => {
    const dir = fresh('app-unknown');
    dropKey(dir, 'appSecrets.json', HR_SYNC);
    const report = reportOf(dir);
    const app = report.identities.find((i) => i.name === 'HR Sync Service')!;
    const rules = ['nhi-path-to-crown-jewel', 'nhi-shared-secret-high-tier', 'nhi-credential-no-expiry', 'okta-service-app-secret-age', 'okta-service-app-multiple-secrets'];
    expect(report.findings.filter((f) => f.subject.id === app.id && rules.includes(f.ruleId))).toEqual([]);
    for (const rule of rules) expect(app.unknownRuleIds, rule).toContain(rule);
    const rule = report.rules.find((r) => r.ruleId === 'nhi-path-to-crown-jewel')!;
    expect(Object.keys(rule.unknownReasons).join('\n')).toContain("the app's client secrets or keys were not read");
  });

  it.each([
    ['appGrants.json', HR_SYNC, 'HR Sync Service', 'okta-service-app-manage-scope'],
    // Its scope grants feed its tier: a path it might have through them is not known.
    ['appGrants.json', AUDIT_EXPORTER, 'Audit Exporter', 'nhi-path-to-crown-jewel'],
    ['clientRoles.json', HR_SYNC, 'HR Sync Service', 'okta-client-admin-role'],
    ['userFactors.json', SVC_ZAPIER, 'svc.zapier@northwind.example', 'nhi-service-account-weak-auth'],
    ['userRoles.json', SVC_ZAPIER, 'zapier-prod', 'okta-api-token-admin-owner'],
    ['groupRoles.json', SVC_GROUP, 'svc.siem@northwind.example', 'nhi-path-to-crown-jewel'],
    ['appUsers.json', AWS_APP, 'siem-log-pull', 'nhi-path-to-crown-jewel'],
    ['appGroups.json', AWS_APP, 'siem-log-pull', 'nhi-path-to-crown-jewel'],
  ])('%s without %s: %s is unknown for %s', (file, key, name, rule) => {
    const dir = fresh('unknown');
    dropKey(dir, file, key);
    expect(unknownOf(dir, name)).toContain(rule);
  });
});

describe('explain and the recertification sheet say "not read", not "none"', () => {
  const NOW = ['--now', '2026-11-29T00:00:00Z', '--no-color'];

  it('a service app absent from appSecrets.json', () => {
    const dir = fresh('explain');
    dropKey(dir, 'appSecrets.json', HR_SYNC);
    const report = reportOf(dir);
    expect(report.identities.find((i) => i.name === 'HR Sync Service')?.credentialsIncomplete).toBe("the app's client secrets or keys were not read");
    const card = cli(['explain', 'HR Sync Service', '--snapshot', dir, ...NOW]);
    expect(card.code).toBe(0);
    expect(card.stdout).toContain("unknown: the app's client secrets or keys were not read");
    expect(card.stdout).not.toContain('no credentials recorded');
    const sheet = cli(['scan', '--snapshot', dir, '--format', 'recert-csv', ...NOW]).stdout.split('\n');
    const header = sheet[0].split(',');
    const row = sheet.find((l) => l.includes(`,${HR_SYNC},`))!.split(',');
    for (const col of ['credential_types', 'oldest_credential_age_days', 'next_expiry']) expect(row[header.indexOf(col)], col).toBe('unknown');
  });

  it('a private_key_jwt app absent from appJwks.json whose keys are also inline in apps.json: the inline keys count, the list does not', () => {
    // The inline copy has no key id, status or creation date, and the collector's read of the
    // app's keys failed: "all keys known" would contradict the coverage record.
    const dir = fresh('jwks-inline');
    dropKey(dir, 'appJwks.json', AUDIT_EXPORTER);
    const report = reportOf(dir);
    const app = report.identities.find((i) => i.name === 'Audit Exporter')!;
    expect(app.credentialsIncomplete).toBe("the app's client secrets or keys were not read");
    expect(app.credentials.map((c) => c.name)).toEqual(['public key audit-exporter-2026-05']);
    // A finding the inline key makes still stands.
    expect(app.findingIds).toContain('nhi-credential-no-expiry');
    const card = cli(['explain', 'Audit Exporter', '--snapshot', dir, ...NOW]);
    expect(card.stdout).toContain("may have more: the app's client secrets or keys were not read");
  });

  it('near miss: the demo app whose secrets were read has no credentialsIncomplete', () => {
    const report = reportOf(fresh('explain-demo'));
    expect(report.identities.filter((i) => i.credentialsIncomplete)).toEqual([]);
  });
});

describe('near misses: no record', () => {
  it('a parent mapped to [] has none: no record, no warning', () => {
    const dir = fresh('empty');
    setKey(dir, 'appSecrets.json', HR_SYNC, []);
    setKey(dir, 'userRoles.json', JORDAN, []);
    const report = reportOf(dir);
    expect(gapRecords(dir)).toEqual([]);
    expect(report.warnings.filter((w) => / (is|are) not in /.test(w))).toEqual([]);
  });

  it('a user the collector does not read per user (a person with no token, no AWS app) may be absent', () => {
    const dir = fresh('unselected');
    for (const f of ['userRoles.json', 'userFactors.json', 'userGroups.json']) dropKey(dir, f, ALICE);
    expect(gapRecords(dir)).toEqual([]);
  });

  it('an app that is not a service app (browser SSO) is not expected in the app files', () => {
    const dir = fresh('not-machine');
    const apps = readJsonFile(dir, 'okta/apps.json');
    apps.push({ id: '0oaBrowserApp000000', name: 'oidc_client', label: 'Wiki', status: 'ACTIVE', signOnMode: 'OPENID_CONNECT', settings: { oauthClient: { application_type: 'web', grant_types: ['authorization_code'] } } });
    writeJsonFile(dir, 'okta/apps.json', apps);
    expect(gapRecords(dir)).toEqual([]);
  });
});
