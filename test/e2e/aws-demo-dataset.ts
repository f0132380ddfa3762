import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { FakeAwsAccount, Wire } from '../fakes/aws-dataset.js';
import { demoFile } from './demo.js';

/** Policy documents stay JSON objects: the fake URL-encodes them on the wire, as IAM does. */
const DOCUMENT_KEYS = new Set(['PolicyDocument', 'AssumeRolePolicyDocument', 'Document']);
/** `2025-08-01T09:14:22+00:00` (what the CLI prints) or `…Z`. */
const CLI_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * CLI JSON back to what the fake serializes: timestamps become Date objects (the fake writes
 * them as ISO-8601 XML, the SDK parses them, the collector prints them CLI-style again).
 * Documents are copied untouched, so a date inside a policy condition stays a string.
 */
function fromCliJson(value: unknown, key?: string): unknown {
  if (key !== undefined && DOCUMENT_KEYS.has(key)) return value;
  if (typeof value === 'string') return CLI_DATE.test(value) ? new Date(value) : value;
  if (Array.isArray(value)) return value.map((v) => fromCliJson(v));
  if (value !== null && typeof value === 'object') {
    const out: Wire = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromCliJson(v, k);
    return out;
  }
  return value;
}

interface AuthorizationDetails {
  UserDetailList: Wire[];
  GroupDetailList: Wire[];
  RoleDetailList: Wire[];
  Policies: Wire[];
}

/**
 * One fake account per `aws/<accountId>/` folder of the demo: users, groups, roles and managed
 * policies from `authorization-details.json`, the credential report CSV verbatim, OIDC and SAML
 * providers, IAM Roles Anywhere trust anchors and profiles, and the roles' MaxSessionDuration
 * from `list-roles.json`.
 */
export function awsAccountsFromDemo(snapshot: Snapshot): FakeAwsAccount[] {
  const accounts = snapshot.manifest.providers.aws?.accounts ?? [];
  if (accounts.length === 0) throw new Error('demo manifest has no AWS accounts');
  return accounts.map(({ accountId, alias }) => {
    const dir = `aws/${accountId}`;
    const details = fromCliJson(demoFile(snapshot, `${dir}/authorization-details.json`)) as AuthorizationDetails;
    const oidc = fromCliJson(demoFile(snapshot, `${dir}/oidc-providers.json`)) as FakeAwsAccount['oidcProviders'];
    const saml = fromCliJson(demoFile(snapshot, `${dir}/saml-providers.json`)) as FakeAwsAccount['samlProviders'];
    // Roles Anywhere speaks REST-JSON: the fake sends these objects as they are (ISO strings).
    const anywhere = demoFile<{ trustAnchors: Wire[]; profiles: Wire[] }>(snapshot, `${dir}/rolesanywhere.json`);
    return {
      accountId,
      name: alias ?? accountId,
      state: 'ACTIVE',
      users: details.UserDetailList,
      groups: details.GroupDetailList,
      roles: details.RoleDetailList,
      policies: details.Policies,
      oidcProviders: oidc,
      samlProviders: saml,
      credentialReportCsv: demoFile<string>(snapshot, `${dir}/credential-report.csv`),
      trustAnchors: anywhere.trustAnchors,
      profiles: anywhere.profiles,
      roleSessions: Object.fromEntries(demoFile<{ Roles: Array<{ Arn: string; MaxSessionDuration: number }> }>(snapshot, `${dir}/list-roles.json`).Roles.map((r) => [r.Arn, r.MaxSessionDuration])),
    };
  });
}
