import type { GraphBuilder } from '../../graph/graph.js';
import type { GraphNode } from '../../graph/model.js';
import { ids } from '../../graph/ids.js';
import type { NhiConfig } from '../../config/types.js';
import { InputError } from '../../errors.js';
import { providerIsoMemo } from '../../iso-date.js';
import { recordRelationshipGap } from '../../snapshot/relationship-gaps.js';
import { quoteInput } from '../../reporters/sanitize.js';
import { parseCredentialReport } from './transform-csv.js';

/** Credential report values that mean "nothing here" (AWS docs, "Getting credential reports"). */
const NONE = new Set(['N/A', 'no_information', 'not_supported', '']);

/** Date columns the scan reads; each row's are checked, as its flags are. */
const DATES = ['password_last_used', 'password_last_changed', 'password_next_rotation', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_2_last_rotated', 'access_key_2_last_used_date'];

/**
 * A date column. IAM writes ISO 8601 dates, or N/A, no_information or not_supported when there is
 * none. Anything else is a corrupt report: read as "no date", a garbled last use would read as
 * "never used" and a garbled rotation date would drop an inactive key, so it is an input error
 * naming the cell.
 */
function date(row: Record<string, string>, column: string, file: string, line: number, iso: (s: string) => string | undefined): string | null {
  const v = row[column];
  if (v === undefined || NONE.has(v)) return null;
  const out = iso(v);
  if (out === undefined) throw new InputError(`expected a date (or N/A), found ${quoteInput(v.slice(0, 40))}`, file, `line ${line}, column ${column}`);
  return out;
}

function latest(...values: (string | null)[]): string | null {
  const present = values.filter((v): v is string => v !== null).sort();
  return present.length ? present[present.length - 1] : null;
}

/**
 * A yes/no column of the credential report. The IAM User Guide ("Generate credential reports",
 * report format) gives TRUE or FALSE for password_enabled, mfa_active, access_key_N_active and
 * cert_N_active (reports are written in lower case), and not_supported for the root user's
 * password_enabled. Any other value is a corrupt report: compared with `=== 'true'` it would read
 * as "no key, no password" and close findings, so it is an input error naming the cell.
 */
function flag(row: Record<string, string>, column: string, file: string, line: number, notSupported = false): boolean | 'not_supported' {
  const v = row[column];
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (notSupported && v === 'not_supported') return 'not_supported';
  throw new InputError(`expected true or false${notSupported ? ' (or not_supported)' : ''}, found ${quoteInput(v.slice(0, 40))}`, file, `line ${line}, column ${column}`);
}

/**
 * Columns a report must have: those of every flag read, and every date column. A date column left
 * out (dropped by a spreadsheet, a renamed header) read as "no date" in every row, so a password
 * used last week passed as never used; IAM writes all of them in every report (IAM User Guide,
 * "Generate credential reports", report format).
 */
const REQUIRED = ['user', 'arn', 'password_enabled', 'mfa_active', 'access_key_1_active', 'access_key_2_active', ...DATES];

/** What the scan reads from one row of the credential report, each cell checked. */
interface CheckedRow {
  password: boolean | 'not_supported';
  mfa: boolean;
  keyActive: boolean[];
  activeCerts: number;
  dates: Record<string, string | null>;
}

/** Throws an InputError naming the first required column the header lacks. */
function checkColumns(rows: Record<string, string>[], file: string): void {
  if (rows.length > 0) {
    for (const col of REQUIRED) if (!(col in rows[0])) throw new InputError(`missing column ${col}`, file, 'line 1');
  }
}

/** The cells of one row the scan reads, checked (a bad cell is an InputError naming it). */
function checkRow(row: Record<string, string>, file: string, line: number, iso: (s: string) => string | undefined): CheckedRow {
  const password = flag(row, 'password_enabled', file, line, true);
  const mfa = flag(row, 'mfa_active', file, line) === true;
  const keyActive = [1, 2].map((slot) => flag(row, `access_key_${slot}_active`, file, line) === true);
  let activeCerts = 0;
  for (const slot of [1, 2]) if (`cert_${slot}_active` in row && flag(row, `cert_${slot}_active`, file, line) === true) activeCerts++;
  const dates: Record<string, string | null> = {};
  for (const column of DATES) dates[column] = date(row, column, file, line, iso);
  return { password, mfa, keyActive, activeCerts, dates };
}

/**
 * Runs every check the scan makes of a credential report of `account` (parseCredentialReport,
 * the required columns, each row's flags and dates) without building anything: the collector
 * uses it so that a report the scan would refuse is an error record, not a collected file that
 * later stops the whole scan. Throws the InputError the scan would throw.
 */
export function checkCredentialReport(text: string, file: string, account: string): void {
  const rows = parseCredentialReport(text, file, account);
  checkColumns(rows, file);
  const iso = providerIsoMemo();
  rows.forEach((row, i) => checkRow(row, file, i + 2, iso));
}

/**
 * What an IAM user holds by its credential report row: a console password, and how many access
 * keys (active or not: IAM's limit of two counts both). Read by the escalation edges: IAM refuses
 * CreateLoginProfile for a user that has a password (EntityAlreadyExists) and CreateAccessKey for
 * one with two keys (LimitExceeded).
 */
export interface HeldCredentials {
  password: boolean;
  accessKeys: number;
}

/**
 * Adds what the credential report knows: access keys (age, last use), console passwords, MFA,
 * and last use of each user. The report carries no key ids, so keys are named by slot. Returns
 * the users that look like people (see markPeople), the account's root user, whose node only
 * the report's `<root_account>` row makes, and what each user holds (`held`, by ARN).
 */
export function addCredentialReport(
  b: GraphBuilder,
  rows: Record<string, string>[],
  account: string,
  file: string,
  config: NhiConfig,
  /** The dates as ISO instants, remembered over the transform (providerIsoMemo). */
  iso: (s: string) => string | undefined = providerIsoMemo(),
): { people: GraphNode[]; roots: GraphNode[]; held: Map<string, HeldCredentials> } {
  const people: GraphNode[] = [];
  const roots: GraphNode[] = [];
  const held = new Map<string, HeldCredentials>();
  checkColumns(rows, file);
  rows.forEach((row, i) => {
    const line = i + 2;
    // Every row's flags are checked, also a row skipped below: a bad cell means a corrupt file.
    const { password, mfa, keyActive, activeCerts, dates } = checkRow(row, file, line, iso);
    const arn = row.arn;
    const isRoot = /:root$/.test(arn);
    const id = ids.awsPrincipal(account, arn);
    if (!isRoot && !b.hasNode(id)) {
      b.warn(`${file}: line ${line}: user ${row.user} is not in the authorization details; skipped`);
      return;
    }
    if (isRoot) {
      roots.push(b.addNode({ id, kind: 'identity', provider: 'aws', type: 'aws-root-user', name: `root user of ${account}`, nativeId: arn, scope: account, attrs: {} }));
    }
    const node = b.getNode(id)!;
    const passwordEnabled = password === true;
    node.attrs.passwordEnabled = password === 'not_supported' ? undefined : passwordEnabled;
    node.attrs.mfaActive = mfa;
    const passwordUsed = dates.password_last_used;
    const keyUses: (string | null)[] = [];
    let activeKeys = 0;
    for (const slot of [1, 2]) {
      const active = keyActive[slot - 1];
      const rotated = dates[`access_key_${slot}_last_rotated`];
      if (!active && rotated === null) continue;
      const used = dates[`access_key_${slot}_last_used_date`];
      keyUses.push(used);
      if (active) activeKeys++;
      const cred: GraphNode = {
        id: ids.awsCredential(account, `${arn}#access-key-${slot}`),
        kind: 'credential',
        provider: 'aws',
        type: 'aws-access-key',
        name: `${isRoot ? 'root' : row.user} access key ${slot}`,
        nativeId: `${arn}#access-key-${slot}`,
        scope: account,
        credentialType: 'access-key',
        status: active ? 'active' : 'inactive',
        createdAt: rotated,
        // Access keys never expire by themselves.
        expiresAt: null,
        lastUsedAt: used,
        attrs: { slot, lastUsedService: NONE.has(row[`access_key_${slot}_last_used_service`] ?? '') ? null : row[`access_key_${slot}_last_used_service`] },
      };
      b.addEdge({ from: node, to: b.addNode(cred), type: 'HAS_CREDENTIAL', reason: `${node.name} has ${active ? 'an active' : 'an inactive'} access key in slot ${slot}` });
    }
    // IAM writes not_supported in the root row's password_enabled (the report cannot say whether
    // root has a password), but a password_last_used date shows one it signed in with: that is
    // the root's console password, the credential a break-glass sign-in uses.
    if (passwordEnabled || (isRoot && password === 'not_supported' && passwordUsed !== null)) {
      const cred: GraphNode = {
        id: ids.awsCredential(account, `${arn}#password`),
        kind: 'credential',
        provider: 'aws',
        type: 'aws-console-password',
        name: `${isRoot ? 'root' : row.user} console password`,
        nativeId: `${arn}#password`,
        scope: account,
        credentialType: 'password',
        status: 'active',
        createdAt: dates.password_last_changed,
        expiresAt: dates.password_next_rotation,
        lastUsedAt: passwordUsed,
        attrs: { mfaActive: mfa },
      };
      b.addEdge({ from: node, to: b.addNode(cred), type: 'HAS_CREDENTIAL', reason: `${node.name} can sign in to the console with a password${mfa ? ' and MFA' : ' without MFA'}` });
    }
    node.attrs.activeAccessKeys = activeKeys;
    if (!isRoot) held.set(arn, { password: passwordEnabled, accessKeys: keyUses.length });
    node.lastUsedAt = latest(passwordUsed, ...keyUses);
    if (!isRoot && classifyUser(node, { passwordEnabled, mfa, activeKeys, activeCerts, passwordUsed }, config)) people.push(node);
  });
  return { people, roots, held };
}

/**
 * An IAM user of the authorization details with no row in the account's credential report: its
 * access keys, console password and MFA were not read (a user created after the report was
 * generated, or a row lost from the file). Its findings would otherwise vanish as if it had no
 * credentials, so the file gets a coverage record of its own capability name (the report's own
 * record keeps the other rows) and a warning, and the user is marked (`credentialReportRow:
 * false`) for the rules that read its credentials, which answer unknown. It is still classified
 * from what was read (name, tags, configuration), so the service-account rules judge it too.
 */
export function recordUsersWithoutRow(b: GraphBuilder, users: readonly { arn: string; name: string }[], account: string, file: string, config: NhiConfig): void {
  const absent: string[] = [];
  for (const u of users) {
    const node = b.getNode(ids.awsPrincipal(account, u.arn));
    // A row sets mfaActive on the node (addCredentialReport): without it the row was not there.
    if (!node || node.attrs.mfaActive !== undefined) continue;
    markWithoutRow(node, config, false);
    absent.push(u.name);
  }
  const name = file.slice(file.lastIndexOf('/') + 1);
  const gap = { provider: 'aws' as const, scope: account, capability: 'aws.credentialReport', file: name, path: file, parents: 'IAM users', lost: 'their access keys, console password and MFA were not read', total: users.length };
  recordRelationshipGap(b, gap, absent);
}

/**
 * The IAM users of an account whose credential report was not read at all (the file absent, or
 * its capability recorded as forbidden or failed): no user has a row, as for a single user above,
 * but the account's own `aws.credentialReport` record already says so, once, with its warning, so
 * nothing is recorded per user. Each user is marked for the rules that read its credentials
 * (`credentialReportRow: false`, and `credentialReportUnread` so their reason names the report,
 * not a row) and classified from its name, tags and the configuration; without that, every user
 * of the account would drop out of the service-account and credential rules as if it had nothing
 * to judge.
 */
export function recordReportUnread(b: GraphBuilder, users: readonly { arn: string }[], account: string, config: NhiConfig): void {
  for (const u of users) {
    const node = b.getNode(ids.awsPrincipal(account, u.arn));
    if (node) markWithoutRow(node, config, true);
  }
}

/**
 * A user whose row was not read: marked for the rules that read its credentials (rule-kit,
 * credentialsUnread; `reportUnread` when the whole report was not, so their reason names it) and
 * classified from its name, tags and the configuration. Never a person: that takes a password
 * with MFA, which only the row shows.
 */
function markWithoutRow(node: GraphNode, config: NhiConfig, reportUnread: boolean): void {
  node.attrs.credentialReportRow = false;
  if (reportUnread) node.attrs.credentialReportUnread = true;
  classifyUser(node, undefined, config);
}

/** What one user's credential report row says, as classifyUser reads it. */
interface RowFacts {
  passwordEnabled: boolean;
  mfa: boolean;
  activeKeys: number;
  activeCerts: number;
  passwordUsed: string | null;
}

/**
 * Records why an IAM user looks like an integration, and answers whether its credential report
 * shows a person: a console password protected by MFA, no active access key or signing
 * certificate, and nothing machine-like in its name, tags or the configuration. The caller makes
 * such a user a `human` node once its permissions are known too (see {@link markPeople}). Without
 * a row (`row` undefined) only the name, tags and configuration are evidence; the keys, password
 * and sign-ins stay unset, which the rules read as not collected.
 */
function classifyUser(node: GraphNode, row: RowFacts | undefined, config: NhiConfig): boolean {
  const reasons: string[] = [];
  const pattern = config.serviceAccountPatterns.find((p) => new RegExp(p, 'i').test(node.name));
  if (pattern) reasons.push(`name matches ${pattern}`);
  if (config.knownServiceAccounts.includes(node.nativeId) || config.knownServiceAccounts.includes(node.name)) reasons.push('declared a service account in the configuration');
  const typeTag = (node.tags ?? []).find((t) => /^(type|account[-_]?type|purpose)=/i.test(t) && config.serviceAccountTypes.some((v) => t.toLowerCase().endsWith(`=${v}`)));
  if (typeTag) reasons.push(`tag ${typeTag}`);
  if (!row) {
    if (reasons.length > 0) node.machineReasons = reasons;
    return false;
  }
  const { passwordEnabled, mfa, activeKeys, activeCerts, passwordUsed } = row;
  if (activeKeys > 0) reasons.push(`${activeKeys} active access key${activeKeys > 1 ? 's' : ''} (programmatic use)`);
  if (activeKeys > 0 && !passwordEnabled) reasons.push('no console password');
  // X.509 signing certificates sign requests to the older SOAP-style APIs: programmatic too.
  if (activeCerts > 0) reasons.push(`${activeCerts} active signing certificate${activeCerts > 1 ? 's' : ''} (programmatic use)`);
  node.attrs.interactiveUse = passwordEnabled && passwordUsed !== null;
  if (node.attrs.interactiveUse) {
    node.attrs.interactiveUseAt = passwordUsed;
    node.attrs.interactiveUseEvidence = `console password sign-in ${String(passwordUsed).slice(0, 10)}`;
  }
  if (reasons.length > 0) node.machineReasons = reasons;
  return reasons.length === 0 && passwordEnabled && mfa;
}

/**
 * Makes the IAM users a person signs in to `human` nodes, as an Entra or Okta user object without
 * machine evidence is: out of the machine-identity inventory and its rules, still on the paths
 * that run through them (someone who may create an access key for one reaches what it holds).
 * Called once the permissions are known: AI-agent evidence (a grant to invoke models, the
 * configuration) keeps a user a machine identity. A console user without MFA stays one too: a
 * shared login is as likely as a person, and the inventory should show it.
 */
export function markPeople(candidates: readonly GraphNode[]): void {
  for (const node of candidates) {
    // A name alone is no such evidence: agentPatterns match first names (Claude) as well as
    // workloads, and a console login with MFA and no key is how a person signs in.
    if (node.agent !== undefined && node.agent.confidence !== 'name') continue;
    delete node.agent;
    node.kind = 'human';
    node.attrs.humanEvidence = 'console password with MFA and no active access key';
  }
}
