/**
 * Builders for small AWS snapshots (the GAAD JSON, the credential report CSV, federation files)
 * and the graphs the real AWS transform makes of them. Rule tests go through the transform on
 * purpose: a rule is only right if it reads what the transform really produces.
 */
import { it, expect } from 'vitest';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import type { Finding, RuleDefinition } from '../../src/engine/types.js';
import { runRule } from './rule-tester.js';
import { ids } from '../../src/graph/ids.js';
import { transformAws } from '../../src/connectors/aws/transform.js';
import { DEFAULT_CONFIG, type NhiConfig } from '../../src/config/types.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';

export const ACCT = '111122223333';
export const OTHER = '444455556666';
/** An account that is not part of any snapshot built here: a third party. */
export const VENDOR = '999988887777';
export const NOW = '2026-11-20T09:00:00Z';

type Doc = Record<string, unknown>;

export const doc = (...Statement: Doc[]): Doc => ({ Version: '2012-10-17', Statement });
export const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Doc = {}): Doc => ({ Effect: 'Allow', Action, Resource, ...extra });
export const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Doc = {}): Doc => ({ Effect: 'Deny', Action, Resource, ...extra });

export const userArn = (name: string, acct = ACCT) => `arn:aws:iam::${acct}:user/${name}`;
export const roleArn = (name: string, acct = ACCT) => `arn:aws:iam::${acct}:role/${name}`;
export const awsPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;
export const userId = (name: string, acct = ACCT) => ids.awsPrincipal(acct, userArn(name, acct));
export const roleId = (name: string, acct = ACCT) => ids.awsPrincipal(acct, roleArn(name, acct));
export const rootId = (acct = ACCT) => ids.awsPrincipal(acct, `arn:aws:iam::${acct}:root`);

/** Documents of the AWS managed policies the tests attach (abridged where the real one is long). */
export const MANAGED: Record<string, Doc> = {
  AdministratorAccess: doc(allow('*')),
  IAMFullAccess: doc(allow(['iam:*', 'organizations:DescribeAccount'])),
  ReadOnlyAccess: doc(allow(['s3:Get*', 's3:List*', 'iam:Get*', 'iam:List*', 'ec2:Describe*'])),
  AmazonS3ReadOnlyAccess: doc(allow(['s3:Get*', 's3:List*'])),
  AWSCompromisedKeyQuarantineV2: doc(deny(['iam:AttachUserPolicy', 'iam:CreateAccessKey', 'ec2:RunInstances', 'lambda:CreateFunction'])),
  AWSCompromisedKeyQuarantineV3: doc(deny(['iam:AttachUserPolicy', 'iam:CreateAccessKey', 'ec2:RunInstances', 'lambda:CreateFunction'])),
};

export interface KeySpec {
  active?: boolean;
  rotated: string | null;
  lastUsed?: string | null;
  service?: string;
}

export interface ReportSpec {
  password?: { lastUsed?: string | null; changed?: string };
  mfa?: boolean;
  keys?: KeySpec[];
}

export interface UserSpec {
  name: string;
  created?: string;
  inline?: Doc[];
  /** Managed policy names (AWS managed, from MANAGED) or customer policy ARNs. */
  managed?: string[];
  groups?: string[];
  tags?: Record<string, string>;
  /** The user's credential report row; omitted = a row with no password and no keys; false = no row (user created after the report). */
  report?: ReportSpec | false;
}

export interface RoleSpec {
  name: string;
  trust: Doc;
  created?: string;
  inline?: Doc[];
  managed?: string[];
  tags?: Record<string, string>;
  path?: string;
  /** `undefined` = RoleLastUsed absent (not collected); `null` = present and empty (never used). */
  lastUsed?: string | null;
  maxSessionDuration?: number;
  /** The role is in an instance profile (named `<role>-profile`). */
  instanceProfile?: boolean;
}

export interface GroupSpec {
  name: string;
  inline?: Doc[];
  managed?: string[];
}

export interface AccountSpec {
  users?: UserSpec[];
  roles?: RoleSpec[];
  groups?: GroupSpec[];
  /** Customer managed policies: name -> document. */
  policies?: Record<string, Doc>;
  /** Root row of the credential report. */
  root?: ReportSpec;
  /** false = no credential report file. */
  credentialReport?: boolean;
  /**
   * false = no list-roles.json (a snapshot made before the collector read ListRoles). Otherwise
   * it lists the roles with a `maxSessionDuration`; a role without one is not in it.
   */
  listRoles?: boolean;
  /** The organisation the account is in (aws/<account>/organization.json); null: none; absent: no file. */
  organization?: string | null;
  oidcProviders?: { url: string; clientIds: string[] }[];
  samlProviders?: string[];
  rolesAnywhere?: Doc;
}

const tagList = (tags: Record<string, string> = {}) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function policyRefs(names: string[] = [], acct: string) {
  return names.map((n) => (n.startsWith('arn:') ? { PolicyName: n.slice(n.lastIndexOf('/') + 1), PolicyArn: n } : { PolicyName: n, PolicyArn: awsPolicy(n) }))
    .map((r) => ({ ...r, PolicyArn: r.PolicyArn.replace('{acct}', acct) }));
}

function managedPolicy(arn: string, name: string, document: Doc): Doc {
  return {
    PolicyName: name,
    PolicyId: `ANPA${name.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`,
    Arn: arn,
    Path: '/',
    DefaultVersionId: 'v1',
    AttachmentCount: 1,
    IsAttachable: true,
    CreateDate: '2024-01-01T00:00:00Z',
    UpdateDate: '2024-01-01T00:00:00Z',
    PolicyVersionList: [{ Document: document, VersionId: 'v1', IsDefaultVersion: true, CreateDate: '2024-01-01T00:00:00Z' }],
  };
}

/** The GAAD document (`aws iam get-account-authorization-details` CLI output) of one account. */
export function authorizationDetails(acct: string, spec: AccountSpec): Doc {
  const used = new Set<string>();
  for (const p of [...(spec.users ?? []), ...(spec.roles ?? []), ...(spec.groups ?? [])]) for (const m of p.managed ?? []) if (!m.startsWith('arn:')) used.add(m);
  const policies: Doc[] = [...used].sort().map((n) => {
    if (!MANAGED[n]) throw new Error(`test builder: no document for AWS managed policy ${n}`);
    return managedPolicy(awsPolicy(n), n, MANAGED[n]);
  });
  for (const [name, d] of Object.entries(spec.policies ?? {})) policies.push(managedPolicy(`arn:aws:iam::${acct}:policy/${name}`, name, d));
  const uid = (prefix: string, name: string) => `${prefix}${name.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`;
  return {
    UserDetailList: (spec.users ?? []).map((u) => ({
      Path: '/',
      UserName: u.name,
      UserId: uid('AIDA', u.name),
      Arn: userArn(u.name, acct),
      CreateDate: u.created ?? '2024-01-01T00:00:00Z',
      UserPolicyList: (u.inline ?? []).map((d, i) => ({ PolicyName: `${u.name}-inline-${i}`, PolicyDocument: d })),
      GroupList: u.groups ?? [],
      AttachedManagedPolicies: policyRefs(u.managed, acct),
      Tags: tagList(u.tags),
    })),
    GroupDetailList: (spec.groups ?? []).map((g) => ({
      Path: '/',
      GroupName: g.name,
      GroupId: uid('AGPA', g.name),
      Arn: `arn:aws:iam::${acct}:group/${g.name}`,
      CreateDate: '2024-01-01T00:00:00Z',
      GroupPolicyList: (g.inline ?? []).map((d, i) => ({ PolicyName: `${g.name}-inline-${i}`, PolicyDocument: d })),
      AttachedManagedPolicies: policyRefs(g.managed, acct),
    })),
    RoleDetailList: (spec.roles ?? []).map((r) => ({
      Path: r.path ?? '/',
      RoleName: r.name,
      RoleId: uid('AROA', r.name),
      Arn: `arn:aws:iam::${acct}:role${r.path ?? '/'}${r.name}`,
      CreateDate: r.created ?? '2024-01-01T00:00:00Z',
      AssumeRolePolicyDocument: r.trust,
      InstanceProfileList: r.instanceProfile
        ? [{ Path: '/', InstanceProfileName: `${r.name}-profile`, InstanceProfileId: uid('AIPA', r.name), Arn: `arn:aws:iam::${acct}:instance-profile/${r.name}-profile`, CreateDate: '2024-01-01T00:00:00Z', Roles: [] }]
        : [],
      RolePolicyList: (r.inline ?? []).map((d, i) => ({ PolicyName: `${r.name}-inline-${i}`, PolicyDocument: d })),
      AttachedManagedPolicies: policyRefs(r.managed, acct),
      Tags: tagList(r.tags),
      ...(r.lastUsed === undefined ? {} : { RoleLastUsed: r.lastUsed === null ? {} : { LastUsedDate: r.lastUsed, Region: 'us-east-1' } }),
      ...(r.maxSessionDuration === undefined ? {} : { MaxSessionDuration: r.maxSessionDuration }),
    })),
    Policies: policies,
  };
}

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

function reportRow(user: string, arn: string, created: string, r: ReportSpec = {}, root = false): string {
  const na = (v: string | null | undefined) => v ?? 'N/A';
  const cols = [user, arn, created];
  if (root) cols.push('not_supported', na(r.password?.lastUsed), 'not_supported', 'not_supported');
  else cols.push(r.password ? 'true' : 'false', na(r.password?.lastUsed), r.password ? (r.password.changed ?? created) : 'N/A', 'N/A');
  cols.push(r.mfa ? 'true' : 'false');
  for (const slot of [0, 1]) {
    const k = r.keys?.[slot];
    if (!k) cols.push('false', 'N/A', 'N/A', 'N/A', 'N/A');
    else cols.push(k.active === false ? 'false' : 'true', na(k.rotated), na(k.lastUsed), k.lastUsed ? 'us-east-1' : 'N/A', k.lastUsed ? (k.service ?? 's3') : 'N/A');
  }
  cols.push('false', 'N/A', 'false', 'N/A');
  return cols.join(',');
}

/** The credential report CSV of one account. */
export function credentialReport(acct: string, spec: AccountSpec): string {
  const rows = [HEADER, reportRow('<root_account>', `arn:aws:iam::${acct}:root`, '2019-01-01T00:00:00+00:00', spec.root ?? { mfa: true }, true)];
  for (const u of spec.users ?? []) if (u.report !== false) rows.push(reportRow(u.name, userArn(u.name, acct), u.created ?? '2024-01-01T00:00:00+00:00', u.report));
  return rows.join('\n') + '\n';
}

/** A snapshot with the given accounts; every file present unless the spec says otherwise. */
export function awsSnapshot(accounts: Record<string, AccountSpec>, opts: { collectedAt?: string; coverage?: CoverageRecord[] } = {}): Snapshot {
  const files: Record<string, unknown> = {};
  for (const [acct, spec] of Object.entries(accounts)) {
    const dir = `aws/${acct}`;
    files[`${dir}/authorization-details.json`] = authorizationDetails(acct, spec);
    if (spec.credentialReport !== false) files[`${dir}/credential-report.csv`] = credentialReport(acct, spec);
    files[`${dir}/oidc-providers.json`] = (spec.oidcProviders ?? []).map((p) => ({
      Arn: `arn:aws:iam::${acct}:oidc-provider/${p.url.replace(/^https:\/\//, '')}`,
      Url: p.url.replace(/^https:\/\//, ''),
      ClientIDList: p.clientIds,
      ThumbprintList: [],
      CreateDate: '2024-01-01T00:00:00Z',
    }));
    files[`${dir}/saml-providers.json`] = (spec.samlProviders ?? []).map((name) => ({ Arn: `arn:aws:iam::${acct}:saml-provider/${name}`, CreateDate: '2024-01-01T00:00:00Z' }));
    files[`${dir}/rolesanywhere.json`] = spec.rolesAnywhere ?? { trustAnchors: [], profiles: [] };
    if (spec.listRoles !== false) {
      const listed = (spec.roles ?? []).filter((r) => r.maxSessionDuration !== undefined);
      files[`${dir}/list-roles.json`] = { Roles: listed.map((r) => ({ Arn: `arn:aws:iam::${acct}:role${r.path ?? '/'}${r.name}`, RoleName: r.name, MaxSessionDuration: r.maxSessionDuration })) };
    }
    if (spec.organization !== undefined) files[`${dir}/organization.json`] = { Organization: spec.organization === null ? null : { Id: spec.organization } };
  }
  return {
    manifest: {
      schemaVersion: 1,
      collectedAt: opts.collectedAt ?? NOW,
      providers: { aws: { accounts: Object.keys(accounts).map((accountId) => ({ accountId })) } },
      coverage: opts.coverage ?? [],
    },
    files,
    source: 'test',
  };
}

/** Snapshot -> graph through the real AWS transform. */
export function awsGraph(accounts: Record<string, AccountSpec>, opts: { collectedAt?: string; coverage?: CoverageRecord[]; config?: NhiConfig } = {}): Graph {
  const b = new GraphBuilder();
  transformAws(awsSnapshot(accounts, opts), b, opts.config ?? DEFAULT_CONFIG);
  return b.build();
}

/** One-account shortcut. */
export const oneAccount = (spec: AccountSpec, opts: Parameters<typeof awsGraph>[1] = {}) => awsGraph({ [ACCT]: spec }, opts);

/** Coverage record that marks a capability of ACCT as not readable. */
export const missing = (capability: string, scope = ACCT): CoverageRecord => ({ provider: 'aws', scope, capability, status: 'missing-permission', reason: 'AccessDenied' });

export const trust = {
  account: (acct: string, extra: Doc = {}) => doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole', ...extra }),
  principal: (arn: string, extra: Doc = {}) => doc({ Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:AssumeRole', ...extra }),
  service: (service: string) => doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }),
  anyone: (extra: Doc = {}) => doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', ...extra }),
  oidc: (issuer: string, conditions: Doc, acct = ACCT) =>
    doc({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${acct}:oidc-provider/${issuer}` }, Action: 'sts:AssumeRoleWithWebIdentity', ...(Object.keys(conditions).length ? { Condition: conditions } : {}) }),
  github: (sub: string | null, opts: { like?: boolean; aud?: string | null } = {}) => {
    const k = 'token.actions.githubusercontent.com';
    const cond: Record<string, Record<string, string>> = {};
    if (opts.aud !== null) (cond.StringEquals ??= {})[`${k}:aud`] = opts.aud ?? 'sts.amazonaws.com';
    if (sub !== null) (cond[opts.like ? 'StringLike' : 'StringEquals'] ??= {})[`${k}:sub`] = sub;
    return trust.oidc(k, cond);
  },
  saml: (name = 'Okta', acct = ACCT) =>
    doc({
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${acct}:saml-provider/${name}` },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
    }),
};

export const GITHUB = { url: 'token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] };

/** ISO date `days` before NOW. */
export function daysAgo(days: number, now = NOW): string {
  return new Date(Date.parse(now) - days * 86_400_000).toISOString();
}

/** One row of a rule's table-driven test. */
export interface RuleCase {
  name: string;
  graph: () => Graph;
  subject: string;
  verdict: 'pass' | 'fail' | 'unknown';
  /** Final severities of the subject's findings, in the engine's order. */
  severities?: string[];
  options?: Record<string, unknown>;
  config?: Partial<NhiConfig>;
  /** Extra assertions on the subject's findings. */
  then?: (findings: Finding[]) => void;
}

/** Runs each case as its own test: the subject's verdict, then severities and extra checks. */
export function ruleCases(rule: RuleDefinition, cases: RuleCase[]): void {
  for (const c of cases) {
    it(`${c.verdict}: ${c.name}`, () => {
      const run = runRule(rule, c.graph(), { now: NOW, options: c.options, config: c.config });
      expect(run.verdicts.get(c.subject), `verdict of ${c.subject}`).toBe(c.verdict);
      const mine = run.findings.filter((f) => f.subject.id === c.subject);
      if (c.verdict !== 'fail') expect(mine).toEqual([]);
      if (c.severities) expect(mine.map((f) => f.severity)).toEqual(c.severities);
      for (const f of mine) expect(f.message).not.toMatch(/\{\{/);
      c.then?.(mine);
    });
  }
}
