import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateAwsAccount, type AwsShared } from './aws.js';
import { defaultManagedPoliciesFile, loadManagedPolicies } from './aws-managed.js';
import { Clock } from './clock.js';
import type { AwsAccountPlan, FileSink, GenContext } from './context.js';
import { generateEntra } from './entra.js';
import { generateOkta } from './okta.js';
import { planEstate, type EstatePlan } from './plan.js';
import { Rng } from './prng.js';

/** Options of one synthetic estate. */
export interface GenerateOptions {
  identities: number;
  seed: string;
  /** Fixed collection time every date is relative to. Default 2026-11-20T09:00:00Z. */
  collectedAt?: string;
  /** `{ PolicyName: document }` of AWS managed policies; default `../shared/data/aws-managed-policies.json`, built-in set if absent. */
  managedPoliciesFile?: string;
}

/** What was generated, for logs and the bench table (no file contents). */
export interface GenerateSummary {
  plan: EstatePlan;
  files: number;
  bytes: number;
  counts: Record<string, number>;
  managedPolicies: 'corpus' | 'built-in';
}

export const DEFAULT_COLLECTED_AT = '2026-11-20T09:00:00Z';

const ENTRA_CAPS = ['entra.organization', 'entra.servicePrincipals', 'entra.applications', 'entra.federatedIdentityCredentials', 'entra.owners', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim', 'entra.users', 'entra.userManagers', 'entra.mfaRegistration', 'entra.groups', 'entra.signInActivity', 'entra.agentSponsors'];
const OKTA_CAPS = ['okta.apps', 'okta.appCredentials', 'okta.appGrants', 'okta.clientRoles', 'okta.apiTokens', 'okta.users', 'okta.adminRoles', 'okta.factors', 'okta.groups', 'okta.appAssignments', 'okta.userTypes', 'okta.authorizationServers'];
const AWS_CAPS = ['aws.iam', 'aws.credentialReport', 'aws.federation', 'aws.rolesAnywhere', 'aws.roleSessions'];

/**
 * Generates a whole snapshot folder's files (docs/snapshot-format.md) into `sink`, one file at a
 * time so memory stays bounded by the largest file. Same options, same bytes.
 */
export function generateSnapshot(opts: GenerateOptions, sink: FileSink): GenerateSummary {
  const plan = planEstate(opts.identities);
  const rng = new Rng(`nhiscan-gen:${opts.seed}`);
  const clock = new Clock(opts.collectedAt ?? DEFAULT_COLLECTED_AT);
  let files = 0;
  let bytes = 0;
  const emit: FileSink = (path, content) => {
    files++;
    bytes += Buffer.byteLength(content);
    sink(path, content);
  };
  const setup = rng.fork('setup');
  const tenantId = setup.uuid();
  const org = setup.chars('abcdefghijklmnopqrstuvwxyz', 6);
  const accounts: AwsAccountPlan[] = plan.aws.accounts.map((a, i) => {
    const samlCount = Math.max(2, Math.round(a.roles * 0.05));
    const oktaSamlRoles = ['okta-admin', 'okta-readonly'];
    for (let k = oktaSamlRoles.length; k < samlCount; k++) oktaSamlRoles.push(`okta-${setup.pick(['dev', 'ops', 'data', 'finance', 'support', 'sre'])}-${k}`);
    return { accountId: String(100000000000 + setup.int(899999999999)), alias: i === 0 ? 'prod' : `workload-${i}`, roles: a.roles, users: a.users, oktaSamlRoles };
  });
  const ctx: GenContext = {
    rng,
    clock,
    plan,
    emit,
    tenantId,
    orgUrl: `https://${org}.okta.example`,
    domain: `${org}.example`,
    accounts,
    entraApps: [],
    oktaServiceClientIds: [],
    counts: {},
  };

  generateEntra(ctx);
  generateOkta(ctx);
  const managed = loadManagedPolicies(rng.fork('managed'), opts.managedPoliciesFile ?? defaultManagedPoliciesFile());
  const shared: AwsShared = { rolesByAccount: new Map(), orgId: `o-${setup.chars('abcdefghijklmnopqrstuvwxyz0123456789', 10)}` };
  accounts.forEach((acct, i) => generateAwsAccount(ctx, acct, i, managed.policies, shared));

  const coverage = [
    ...ENTRA_CAPS.map((capability) => ({ provider: 'entra', scope: tenantId, capability, status: 'collected' })),
    // The collector lacked the Reports Reader role: recorded, never turned into "no data".
    { provider: 'entra', scope: tenantId, capability: 'entra.credentialSignInActivity', status: 'missing-permission', reason: '403 Authorization_RequestDenied on GET /beta/reports/appCredentialSignInActivities' },
    ...OKTA_CAPS.map((capability) => ({ provider: 'okta', scope: ctx.orgUrl, capability, status: 'collected' })),
    ...accounts.flatMap((a) => AWS_CAPS.map((capability) => ({ provider: 'aws', scope: a.accountId, capability, status: 'collected' }))),
  ];
  emit(
    'manifest.json',
    JSON.stringify(
      {
        schemaVersion: 1,
        tool: 'nhiscan-gen 0.1.0',
        collectedAt: clock.collectedAt,
        providers: {
          entra: { tenantId, displayName: 'Contoso Synthetic' },
          okta: { orgUrl: ctx.orgUrl },
          aws: { accounts: accounts.map((a) => ({ accountId: a.accountId, alias: a.alias })) },
        },
        coverage,
      },
      null,
      2,
    ),
  );
  return { plan, files, bytes, counts: ctx.counts, managedPolicies: managed.source };
}

/** Generates into a folder (created if needed). */
export function writeSnapshot(dir: string, opts: GenerateOptions): GenerateSummary {
  return generateSnapshot(opts, (rel, content) => {
    const full = join(dir, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  });
}
