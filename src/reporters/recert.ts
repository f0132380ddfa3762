import type { IdentitySummary, ScanReport } from '../report/types.js';
import type { Finding } from '../engine/types.js';
import { csvChunks } from './csv.js';
import { strengthLabel, tierLabel } from '../report/tier-label.js';
import { credentialExpiry } from '../report/credential-expiry.js';
import { credentialLabel } from '../graph/credential-label.js';
import { WORKLOAD_TYPES } from '../graph/workloads.js';
import { scannedIssuerTenant } from '../graph/entra-issuer.js';
import { conditionalHopCount, pathLength } from '../analysis/analyze.js';
import { isIsoUtcText, parseDate } from '../iso-date.js';
import type { Privilege } from '../report/privileges.js';
import { cannotJudge } from '../engine/missing-capability.js';

/** Columns of the recertification sheet (`--format recert-csv`, `nhiscan certify`), in order. */
export const RECERT_COLUMNS = [
  'provider',
  'type',
  'id',
  'native_id',
  'name',
  'scope',
  'enabled',
  'owners',
  'owner_status',
  'credential_types',
  'oldest_credential_age_days',
  'next_expiry',
  'last_used',
  'capability_tier',
  'autonomy',
  'strength',
  'crown_jewels_reachable',
  'finding_ids',
  'recommended_action',
  'action_reasons',
  'decision',
  'reviewer',
  'justification',
  // Last, so the columns before it keep their place in existing sheets and macros.
  'unknown_checks',
  // After it, for the same reason: whether the row is a machine identity or only may be one.
  'classification',
  // Then the findings themselves (finding_ids names their rules): the worst severity, and each
  // finding as `severity fingerprint (rule)`, most severe first, to look up or waive one by one.
  'highest_severity',
  'finding_fingerprints',
  // Then what the identity holds, by name: the privileges the review recertifies (the tier above
  // only summarises them). Last again, so every earlier column keeps its place.
  'privileges',
] as const;

export type RecertAction = 'confirm classification' | 'revoke' | 'remove expired' | 'rotate' | 're-scope' | 'assign owner' | 'keep';

export interface RecertOptions {
  /** No use for this long (or never) suggests revoking. 90 days matches the dormancy rules (RULES-CATALOG §3). */
  unusedDays: number;
  /** Shared secrets older than this suggest rotation: the common 90-day rotation window (CIS, RULES-CATALOG §3). */
  rotateDays: number;
}

const DEFAULTS: RecertOptions = { unusedDays: 90, rotateDays: 90 };
const DAY_MS = 86_400_000;
// Credentials that are a copyable shared secret, as opposed to keys or federation.
const SECRET_TYPES = new Set(['client-secret', 'access-key', 'api-token', 'password']);

// Dates are read with parseDate, exactly Date.parse at about a third of its cost for the UTC forms
// almost every provider date takes: a row reads each credential's dates several times.

/** A provider date as ISO 8601 in UTC (`…Z`), whatever offset it was written with. */
function isoUtc(date: string): string {
  // Already in that form (the dates the transforms keep): the same text, with no Date made and
  // written (about 0.1 s of a 100k sheet).
  if (isIsoUtcText(date)) return date;
  const t = parseDate(date);
  return Number.isNaN(t) ? date : new Date(t).toISOString();
}

function daysSince(iso: string, now: number): number | undefined {
  const t = parseDate(iso);
  return Number.isNaN(t) ? undefined : Math.floor((now - t) / DAY_MS);
}

type Credential = IdentitySummary['credentials'][number];

/**
 * Expired by the provider's word or by its expiry date at scan time (Okta lists a token as valid
 * until it is gone). An end at the scan time itself is over, as the analysis and the rules judge it
 * (rule-kit isUnexpiredCredential): the sheet must not call live what the strength leaves out.
 */
function expired(c: Credential, now: number): boolean {
  return c.status === 'expired' || (typeof c.expiresAt === 'string' && parseDate(c.expiresAt) <= now);
}

/** Whether a credential can still be used: neither deactivated nor expired. */
function usable(c: Credential, now: number): boolean {
  return c.status !== 'inactive' && !expired(c, now);
}

const day = (iso: string): string => isoUtc(iso).slice(0, 10);

function indirectPhrase(u: NonNullable<IdentitySummary['indirectUse']>[number], last: boolean): string {
  if (u.lastUsedAt === undefined) return `the use of its API token ${u.name} was not collected`;
  return u.via === 'resource'
    ? `${last ? 'last ' : ''}called as a resource on ${day(u.lastUsedAt)}`
    : `its API token ${u.name} was ${last ? 'last ' : ''}used about ${day(u.lastUsedAt)}${u.estimated ? ' (estimated)' : ''}`;
}

/**
 * Latest use of the identity or, when that was not collected, of its credentials: unknown
 * (undefined) unless the use of every credential was read, so that an unread one that is in use
 * never makes the identity look "never used".
 */
function lastUsed(i: IdentitySummary): string | null | undefined {
  if (i.lastUsedAt !== undefined) return i.lastUsedAt;
  if (i.credentials.length === 0 || i.credentials.some((c) => c.lastUsedAt === undefined)) return undefined;
  const dates = i.credentials.map((c) => c.lastUsedAt).filter((d): d is string => typeof d === 'string').sort();
  return dates.length > 0 ? dates[dates.length - 1] : null;
}

/**
 * Every action that applies with its reason, most decisive first (confirm classification, revoke,
 * remove expired, rotate, re-scope, assign owner), then `keep` with why an identity that looks
 * idle is not to be revoked. `open` is the rules with a finding not waived (all of them by
 * default): a waived finding is an accepted risk with its own owner and expiry, so it does not
 * ask for a re-scope. `findings` is the identity's findings, waived ones too: advice drawn from
 * a fact (idle, an old or expired credential, no owner) is left out where a waived finding of a
 * rule that judges that same fact covers it and no open one does (see FACT_RULES).
 */
export function recommendActions(
  i: IdentitySummary,
  now: number,
  opts: RecertOptions = DEFAULTS,
  open: readonly string[] = i.findingIds,
  findings: readonly Finding[] = [],
): { action: RecertAction; reason: string }[] {
  const out: { action: RecertAction; reason: string }[] = [];
  const accepted = acceptance(findings);
  // A user that may be a service account: what it is decides which of the rest apply (a person's
  // account is reviewed elsewhere), so that question comes first.
  if (i.possibleServiceAccount !== undefined) {
    out.push({ action: 'confirm classification', reason: `${i.possibleServiceAccount.reason}; confirm whether it is a machine identity` });
  }
  const used = lastUsed(i);
  // Never used counts once the identity has existed for the idle window (the rules' grace period
  // for new identities); with no creation date it counts at once.
  const age = i.createdAt ? daysSince(i.createdAt, now) : undefined;
  const idle =
    used === null
      ? age === undefined
        ? 'never used'
        : age >= opts.unusedDays
          ? `never used (created ${age} days ago)`
          : undefined
      : used !== undefined && (daysSince(used, now) ?? 0) >= opts.unusedDays
        ? `not used for ${daysSince(used, now)} days`
        : undefined;
  const people = accountable(i);
  const ownersGone = people.length > 0 && people.every((o) => o.enabled === false);
  const keep: string[] = [];
  // The root user of an AWS account cannot be deleted, and leaving it unused is the goal, not a
  // sign it is forgotten (AWS: use root only for the tasks that require it).
  if (i.type === 'aws-root-user') keep.push('a root user cannot be revoked and should stay unused: confirm it has MFA and no access keys');
  else if (idle && !accepted.fact(FACT_RULES.idle)) {
    // Use its own sign-ins do not show (calls to it as a resource, a token acting as it): recent or
    // unread, revoking it may break whoever relies on it; all of it old, it is idle after all.
    const other = [...(i.indirectUse ?? [])].sort((a, b) => (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? ''));
    const recent = other.find((u) => u.lastUsedAt !== undefined && (daysSince(u.lastUsedAt, now) ?? 0) < opts.unusedDays);
    const unread = other.find((u) => u.lastUsedAt === undefined);
    const own = used === null ? 'never signed in itself' : `not used itself for ${daysSince(used!, now)} days`;
    if (recent || unread) keep.push(`${own}, but ${indirectPhrase((recent ?? unread)!, false)}`);
    else {
      const extra = [i.enabled === false ? 'identity disabled' : '', ownersGone ? 'all owners disabled' : ''].filter(Boolean).join(', ');
      out.push({ action: 'revoke', reason: [idle, ...other.map((u) => indirectPhrase(u, true)), extra].filter(Boolean).join('; ') });
    }
  }
  const gone = i.credentials.filter((c) => expired(c, now) && !accepted.credential(FACT_RULES.expired, c));
  if (gone.length > 0) {
    const list = gone.map((c) => (typeof c.expiresAt === 'string' ? `${credentialLabel(c.type, c.name)}, ${day(c.expiresAt)}` : credentialLabel(c.type, c.name))).join('; ');
    const one = gone.length === 1;
    out.push({
      action: 'remove expired',
      reason: `${gone.length} credential${one ? '' : 's'} expired (${list}): remove ${one ? 'it' : 'them'}, or issue a new one if still needed`,
    });
  }
  const old = i.credentials.filter(
    (c) =>
      SECRET_TYPES.has(c.type) &&
      usable(c, now) &&
      c.createdAt &&
      (daysSince(c.createdAt, now) ?? 0) >= opts.rotateDays &&
      !accepted.credential(FACT_RULES.age, c),
  );
  if (old.length > 0) out.push({ action: 'rotate', reason: `${old.length} shared secret${old.length === 1 ? '' : 's'} older than ${opts.rotateDays} days` });
  if (i.tier >= 3 && open.length > 0) out.push({ action: 're-scope', reason: `capability tier ${tierLabel(i.tier, i.tierIncomplete)} with ${ruleCount(open.length)}` });
  // Owner data that was not read is no evidence of a missing owner (the owner rules answer unknown).
  // IAM records no owner for a root user (the account's contacts answer for it, not read here):
  // "assign owner" is nothing a reviewer could do on it.
  if (!i.ownersIncomplete && i.type !== 'aws-root-user' && !accepted.fact(FACT_RULES.owner)) {
    if (people.length === 0) {
      // A machine owner (a service account, service principal or group) answers for nothing: say
      // who is recorded, so the reviewer sees why an owned identity still needs one.
      const machines = i.owners.filter((o) => o.accountable === false).map((o) => o.name);
      out.push({ action: 'assign owner', reason: machines.length > 0 ? `no accountable owner: owned only by machine identities (${machines.join(', ')})` : 'no accountable owner' });
    }
    else if (ownersGone) out.push({ action: 'assign owner', reason: 'every owner is disabled' });
  }
  // Last, so any other action comes first: why an identity that looks idle is not to be revoked.
  for (const reason of keep) out.push({ action: 'keep', reason });
  return out;
}

/** Whether two provider dates name the same instant (both absent counts as the same). */
function sameInstant(a: unknown, b: string | null | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  return typeof a === 'string' && (a === b || parseDate(a) === parseDate(b));
}

/** Whether a finding of a per-credential rule is about credential `c` of the row. */
type AboutCredential = (f: Finding, c: Credential) => boolean;

/**
 * The rules that judge the same fact as a piece of the sheet's own advice, so that a waiver of
 * their finding is an accepted risk the advice must not contradict. `idle` (revoke) and `owner`
 * (assign owner) are facts of the identity: the rules judging them report once per identity.
 * `age` (rotate) and `expired` (remove expired) are facts of each credential: a finding covers
 * the credential its evidence names (as each rule writes it: an Entra credential's name and
 * dates, an Okta secret's creation date, an AWS key's rotation date; an Okta API token or
 * service-account user holds one such credential, itself or its password). A rule not listed
 * here judges something else (a password no rule ages, a token's owner that is a service
 * account): its advice stays whatever is waived.
 */
const FACT_RULES = {
  idle: ['entra-sp-dormant', 'aws-role-unused', 'aws-user-unused', 'okta-api-token-unused'],
  owner: ['entra-app-no-owner', 'entra-agent-no-sponsor', 'nhi-service-account-no-owner'],
  age: {
    'entra-secret-long-lived': (f, c) => f.args.credential === c.name && sameInstant(f.evidence.createdAt, c.createdAt),
    'okta-service-app-secret-age': (f, c) => c.type === 'client-secret' && sameInstant(f.evidence.created, c.createdAt),
    'aws-access-key-not-rotated': (f, c) => c.type === 'access-key' && sameInstant(f.evidence.lastRotated, c.createdAt),
    'okta-api-token-age': (_f, c) => c.type === 'api-token',
    'okta-svc-user-password-never-changed': (_f, c) => c.type === 'password',
  },
  expired: {
    'entra-credential-expired-present': (f, c) => f.args.credential === c.name && sameInstant(f.evidence.expiresAt, c.expiresAt),
  },
} satisfies { idle: string[]; owner: string[]; age: Record<string, AboutCredential>; expired: Record<string, AboutCredential> };

interface Acceptance {
  fact: (rules: readonly string[]) => boolean;
  credential: (rules: Readonly<Record<string, AboutCredential>>, c: Credential) => boolean;
}

const NOTHING_ACCEPTED: Acceptance = { fact: () => false, credential: () => false };

/**
 * What the row's waivers accepted: a fact (by the rules that judge it) or one credential's fact
 * is accepted when a waived finding covers it and no finding that is not waived does; an open
 * finding on the same fact still asks for the action.
 */
function acceptance(findings: readonly Finding[]): Acceptance {
  // Most rows have no waived finding: nothing accepted, and no closures made for each of them.
  if (!findings.some((f) => f.status === 'waived')) return NOTHING_ACCEPTED;
  const covers = (waived: boolean, test: (f: Finding) => boolean) => findings.some((f) => (f.status === 'waived') === waived && test(f));
  return {
    fact: (rules) => covers(true, (f) => rules.includes(f.ruleId)) && !covers(false, (f) => rules.includes(f.ruleId)),
    credential: (rules, c) => {
      const about = (f: Finding) => Object.hasOwn(rules, f.ruleId) && rules[f.ruleId](f, c);
      return covers(true, about) && !covers(false, about);
    },
  };
}

const NONE_WAIVED: ReadonlySet<string> = new Set();

const ruleCount = (n: number): string => `${n} finding rule${n === 1 ? '' : 's'}`;

/**
 * The rules of `all` (a subject's findings, waived ones too) whose every finding is waived: one
 * open finding (a path to another crown jewel) keeps its rule open.
 */
function waivedRules(all: readonly Finding[]): ReadonlySet<string> {
  // Most rows have no waived finding: no rule is waived, and no sets are made for each of them.
  if (!all.some((f) => f.status === 'waived')) return NONE_WAIVED;
  const open = new Set(all.filter((f) => f.status !== 'waived').map((f) => f.ruleId));
  return new Set(all.filter((f) => !open.has(f.ruleId)).map((f) => f.ruleId));
}

/** finding_ids: every rule id, those whose findings are all waived marked so (the JSON report keeps them unmarked). */
function findingIdsCell(rules: readonly string[], waived: ReadonlySet<string>): string {
  return rules.map((r) => (waived.has(r) ? `${r} (waived)` : r)).join('; ');
}

/** The owners that are people: a machine owner (marked `accountable: false`) answers for nothing. */
function accountable(i: IdentitySummary): IdentitySummary['owners'] {
  return i.owners.filter((o) => o.accountable !== false);
}

/** The state of the accountable humans only: a machine owner does not make an identity "active". */
function ownerStatus(i: IdentitySummary): string {
  const people = accountable(i);
  const disabled = people.filter((o) => o.enabled === false).length;
  // With owner data unread, an owner may be missing from the list: neither "none" nor "all disabled".
  if (i.ownersIncomplete && disabled === people.length) return 'unknown';
  if (people.length === 0) return 'none';
  const unknown = people.filter((o) => o.enabled === undefined).length;
  if (disabled === people.length) return 'all disabled';
  if (disabled > 0) return `${disabled} of ${people.length} disabled`;
  if (unknown > 0) return `${unknown} of ${people.length} unknown`;
  return 'active';
}

function ownerCell(o: IdentitySummary['owners'][number]): string {
  const relation = o.via === undefined ? o.relation : `${o.relation} ${o.via}`;
  if (o.accountable === false) return `${o.name} (${relation}, ${o.note ?? 'not accountable'})`;
  return `${o.name} (${relation}, ${o.enabled === undefined ? 'status unknown' : o.enabled ? 'active' : 'disabled'})`;
}

function row(i: IdentitySummary, now: number, findings: readonly Finding[], all: readonly Finding[]): unknown[] {
  const types = new Map<string, { n: number; inactive: number; expired: number }>();
  for (const c of i.credentials) {
    const t = types.get(c.type) ?? { n: 0, inactive: 0, expired: 0 };
    t.n++;
    if (c.status === 'inactive') t.inactive++;
    else if (expired(c, now)) t.expired++;
    types.set(c.type, t);
  }
  // The age that matters is that of a credential that still works: a deactivated or expired one
  // is to be removed (see the actions), not rotated.
  const live = i.credentials.filter((c) => usable(c, now));
  const ages = live.map((c) => (c.createdAt ? daysSince(c.createdAt, now) : undefined));
  // A federated trust has no expiry of its own: `never`, as docs/ci.md defines the column.
  const expiries = i.credentials.map(credentialExpiry);
  const future = expiries
    .filter((e): e is string => typeof e === 'string' && parseDate(e) > now)
    .sort((a, b) => parseDate(a) - parseDate(b));
  const noExpiry = expiries.some((e) => e === null);
  // Blank would read as "none"; a date that was not read is said to be unknown.
  // With the credential list not read, "none" would claim there is no credential.
  const none = i.credentialsIncomplete !== undefined ? 'unknown' : 'none';
  const oldestAge =
    live.length === 0 ? none : ages.every((d): d is number => d !== undefined) ? Math.max(...ages) : 'unknown';
  const nextExpiry =
    i.credentials.length === 0
      ? none
      : future.length > 0
        ? isoUtc(future[0])
        : noExpiry
          ? 'never'
          : expiries.some((e) => e === undefined)
            ? 'unknown'
            : 'expired';
  const used = lastUsed(i);
  const waived = waivedRules(all);
  const actions = recommendActions(i, now, DEFAULTS, i.findingIds.filter((r) => !waived.has(r)), all);
  return [
    i.provider,
    i.type,
    i.id,
    i.nativeId,
    i.name,
    // Qualified by the provider (`aws:012345678901`, the prefix of the id column): a bare AWS
    // account id is 12 digits, which a spreadsheet reads as a number, shows as 1.11122E+11 and
    // strips of leading zeros. Every provider alike, so the column sorts and filters as one.
    `${i.provider}:${i.scope}`,
    i.enabled === undefined ? 'unknown' : i.enabled ? 'yes' : 'no',
    i.owners.length === 0
      ? i.ownersIncomplete
        ? 'unknown'
        : 'none'
      : i.owners.map(ownerCell).join('; '),
    ownerStatus(i),
    // Credentials that were not read are no evidence of none (the credential rules answer unknown).
    types.size === 0
      ? i.credentialsIncomplete !== undefined
        ? 'unknown'
        : 'none'
      : [...types]
          .map(([t, c]) => {
            const not = [c.inactive ? `${c.inactive} inactive` : '', c.expired ? `${c.expired} expired` : ''].filter(Boolean).join(', ');
            return `${c.n > 1 ? `${t} x${c.n}` : t}${not ? ` (${not})` : ''}`;
          })
          .concat(i.credentialsIncomplete !== undefined ? [`unknown: ${i.credentialsIncomplete}`] : [])
          .join('; '),
    oldestAge,
    nextExpiry,
    used === undefined ? 'not collected' : used === null ? 'never' : isoUtc(used),
    // A tier fed by data that was not read is a lower bound: a reviewer must not read T0 as harmless.
    tierLabel(i.tier, i.tierIncomplete),
    i.autonomy,
    // "none" with credentials not read is no evidence of none (as in credential_types).
    strengthLabel(i.strength, i.credentialsIncomplete),
    i.crownJewels.map((p) => jewelCell(p.targetName, p.crownJewel, pathLength(p), conditionalHopCount(p.hops, p.omittedHops))).join('; '),
    findingIdsCell(i.findingIds, waived),
    actions[0]?.action ?? 'keep',
    actions.map((a) => `${a.action}: ${a.reason}`).join('; '),
    '',
    '',
    '',
    // Without it, an empty finding_ids cannot tell "checked, nothing found" from "not checked".
    i.unknownRuleIds && i.unknownRuleIds.length > 0 ? i.unknownRuleIds.join('; ') : 'none',
    classification(i),
    findings.length === 0 ? 'none' : findings[0].severity,
    findings.map((f) => `${f.severity} ${f.fingerprint} (${f.ruleId})`).join('; '),
    privilegesCell(i),
  ];
}

/** How an edge type that is no plain grant reads in the privileges column (a grant, role or consent needs no word). */
const HOLDS_AS: Readonly<Record<string, string>> = {
  MEMBER_OF: 'group',
  CAN_ASSUME: 'can assume',
  ACTS_AS: 'acts as',
  FEDERATES_TO: 'federates to',
  CAN_ESCALATE_TO: 'can escalate to',
  SAML_MAPS_TO: 'maps to',
  SPONSORS: 'sponsors',
  MANAGES: 'manages',
  POLICY: 'IAM policy',
  INLINE_POLICY: 'inline IAM policy',
};

/**
 * One privilege as the column names it: `Global Administrator (T4)`, `Mail.Send (Microsoft Graph,
 * all users) (T2, conditional)`, `prod-ops-access (can assume, hidden)`, `Directory Readers (T1,
 * via group Sync Admins)`. The marks are the explain card's: a grant that holds only under a
 * condition, a trust no token passes today (latent), a grant into a disabled object (disabled),
 * one the provider's own access reviews do not show (hidden), an Entra app's link to a SAML
 * provider it signs its assignees in to.
 */
function privilegeText(p: Privilege): string {
  const marks: string[] = [];
  if (p.tier !== undefined) marks.push(`T${p.tier}`);
  const as = HOLDS_AS[p.via];
  if (as !== undefined) marks.push(as);
  if (p.group !== undefined) marks.push(`via group ${p.group}`);
  if (p.latent) marks.push('latent');
  if (p.conditional) marks.push('conditional');
  if (p.targetDisabled) marks.push('disabled');
  if (p.hidden) marks.push('hidden');
  if (p.signsInOthers) marks.push('signs its assignees in');
  return marks.length === 0 ? p.name : `${p.name} (${marks.join(', ')})`;
}

/**
 * The privileges column: the identity's privileges, most powerful first, at most the number the
 * summary keeps (PRIVILEGES_KEPT), then how many more there are and where all of them are listed,
 * so a role with thousands of grants does not make a huge cell. `none` when it holds nothing the
 * scan knows of; with data feeding the tier not read (capability_tier says what), the list may
 * miss some, so `unknown` instead of `none`, and `unknown: …` after a list.
 */
function privilegesCell(i: IdentitySummary): string {
  const held = i.privileges;
  if (held === undefined) return 'unknown';
  // The same text twice (per-user consents to one scope, given by different users) is said once, counted.
  const names: string[] = [];
  let last = '';
  let times = 0;
  const flush = () => {
    if (times > 0) names.push(times > 1 ? `${last} x${times}` : last);
  };
  for (const p of held.top) {
    const text = privilegeText(p);
    if (text === last) times++;
    else {
      flush();
      last = text;
      times = 1;
    }
  }
  flush();
  const more = held.total - held.top.length;
  if (more > 0) names.push(`and ${more} more (nhiscan explain with this row's id lists its own grants and the groups it is in)`);
  if (held.notRead !== undefined) names.push(names.length === 0 ? 'unknown' : `unknown: ${cannotJudge(held.notRead, 'whether it holds more')}`);
  return names.length === 0 ? 'none' : names.join('; ');
}

/** Whether the row is a machine identity, or a user that may be one and why that is not known. */
function classification(i: IdentitySummary): string {
  // The account owner's login: reviewed here (it holds every right in the account), but a person
  // signs in to it, so it is not called a machine identity.
  if (i.type === 'aws-root-user') return 'root user (break-glass login)';
  const p = i.possibleServiceAccount;
  return p === undefined ? 'machine identity' : `unverified: possible service account (not read: ${p.notRead.join(', ')})`;
}

/**
 * One crown jewel of the crown_jewels_reachable column: its name, class and hops. A path that holds
 * only under a condition the scanner could not decide, or that blocks it today, is a "may reach",
 * as its path finding says: a reviewer must not read it as a standing reach. `hops` is the path's
 * length, `conditional` how many of its hops are conditional (from the path's hops, or from an Okta
 * AWS app's evidence.mapsToCrownJewels).
 */
function jewelCell(name: string, cls: string, hops: number, conditional: number): string {
  const may = conditional > 0 ? `, may reach: ${conditional} hop${conditional === 1 ? '' : 's'} conditional` : '';
  return `${name} (${cls}, ${hops} hop${hops === 1 ? '' : 's'}${may})`;
}

/** Every node type an external OIDC workload gets (graph/workloads.ts WORKLOAD_TYPES): federated, it presents a token. */
const WORKLOADS: ReadonlySet<string> = new Set<string>(WORKLOAD_TYPES);

/**
 * What a subject outside the inventory is, in the form of the other classification values. The
 * kinds of outsider follow the path rule's own words (nhi-path-to-crown-jewel externalEntry): only
 * a workload presenting a token is federated; a trusted account, Principal "*", a SAML provider
 * and a trust anchor are outsiders of other kinds.
 */
function outsideClassification(provider: string, type: string, tier: number | undefined, tenant: string | undefined, nativeId: string | undefined): string {
  if (provider === 'external') {
    // The issuer of a tenant that was scanned stands for that tenant's own service principals
    // (each can get its token), as the path rule names it: no outside workload. A trust pinned to
    // a subject (the native id is <issuer>|<subject>, `*` for none) admits one of them, or those
    // a pattern matches: the plural of the whole tenant would overstate who the row is.
    if (tenant !== undefined) {
      const bar = nativeId?.indexOf('|') ?? -1;
      const sub = bar < 0 ? '*' : nativeId!.slice(bar + 1);
      if (sub === '*') return `service principals of the scanned Entra tenant ${tenant} (its token issuer)`;
      if (/[*?]/.test(sub)) return `service principals of the scanned Entra tenant ${tenant} whose object id matches a subject pattern (its token issuer)`;
      return `one service principal of the scanned Entra tenant ${tenant} (a subject its token issuer names)`;
    }
    if (WORKLOADS.has(type)) return 'external workload (federated)';
    switch (type) {
      case 'aws-account':
        return 'external account (trusted AWS account)';
      case 'anyone':
        return 'external: any AWS principal';
      case 'aws-saml-provider-ref':
        return 'external identity provider (SAML, outside the scan)';
      case 'x509-trust-anchor':
        return 'external certificate authority (Roles Anywhere trust anchor)';
      default:
        return 'external subject';
    }
  }
  if (type === 'okta-aws-federation-app') return 'federation app (a privilege, not an identity)';
  // Rules give a tier only to identities (engine toFinding), and the inventory lists every
  // identity but the first-party ones (service-linked and IAM Identity Center roles, Microsoft's
  // own apps): an identity that is no row is one of those.
  if (tier !== undefined) return 'first-party identity (managed by the provider, not in the inventory)';
  return 'not an identity';
}

/**
 * The strength of how a subject outside the inventory gets in, where its kind says it: a workload
 * presents an OIDC token and a SAML provider an assertion (federated), a Roles Anywhere trust
 * anchor admits certificates (private-key, as an identity's x509 trust). A trusted account or
 * Principal "*" may use any credential of its own, an Okta AWS app is a privilege whose users sign
 * in with their own, a scanned Entra tenant's issuer (`tenant`) stands for its service principals,
 * each getting the token with its own credential (a client secret as well as a managed identity),
 * on its own row; a first-party identity's credentials are not in the report: unknown.
 */
function outsideStrength(provider: string, type: string, tenant: string | undefined): string {
  if (provider !== 'external' || tenant !== undefined) return 'unknown';
  if (WORKLOADS.has(type) || type === 'aws-saml-provider-ref') return 'federated';
  return type === 'x509-trust-anchor' ? 'private-key' : 'unknown';
}

/**
 * Whether a subject outside the inventory is enabled, where its findings say: an Okta AWS app's
 * status (`appStatus`, ACTIVE or not). Whether an external workload, account or provider is still
 * in use is nothing the scan reads: unknown.
 */
function outsideEnabled(all: readonly Finding[]): string {
  const status = all.map((x) => x.evidence.appStatus).find((v): v is string => typeof v === 'string');
  return status === undefined ? 'unknown' : status === 'ACTIVE' ? 'yes' : 'no';
}

/** The name (or id) of the scanned Entra tenant whose token issuer a subject's `scope` is, if it is one. */
function issuerTenantName(scope: string | undefined, scopes: ScanReport['scopes']): string | undefined {
  const t = scope === undefined ? undefined : scannedIssuerTenant(scope, scopes);
  return t === undefined ? undefined : (t.name ?? t.id);
}

/** The tier of each crown jewel class, as every provider's transform gives its crown jewels. */
const JEWEL_TIER: Readonly<Record<string, number>> = { admin: 4, 'identity-admin': 3, secrets: 3 };

/**
 * The highest tier the findings of a subject outside the inventory say it reaches, or undefined
 * when none says: a broad Okta AWS mapping's `mapsToTier`, the `roleTier` of the AWS role an
 * Entra token opens, the class of the crown jewel a path ends at. Only these keys: other tiers in
 * evidence are of someone else (an owner's `ownerTier`).
 */
function reachedTier(all: readonly Finding[]): number | undefined {
  let best: number | undefined;
  const see = (t: unknown) => {
    if (typeof t === 'number' && Number.isInteger(t) && t >= 0 && t <= 4 && (best === undefined || t > best)) best = t;
  };
  for (const x of all) {
    see(x.evidence.mapsToTier);
    see(x.evidence.roleTier);
    if (x.path !== undefined && x.path.length > 0 && typeof x.evidence.crownJewel === 'string') see(JEWEL_TIER[x.evidence.crownJewel]);
  }
  return best;
}

/**
 * The row of a subject that carries unwaived findings (`open`, most severe first) but is not in
 * the inventory: an external workload, account or provider a trust admits, an Okta AWS app, a
 * first-party role. The report holds only what its findings say of it (what its paths reach, or
 * for an Okta AWS app what the roles behind it reach), so every column it has no data for says
 * `unknown` (`not collected` for the last use), as for data that was not read; it
 * has no owner in the scanned tenants (`none`). `all` also holds its waived findings: as on an
 * identity row, they count in finding_ids (marked waived), the tier and the crown jewels (a
 * waiver accepts a risk, it does not remove the path), not in the action, the severity and the
 * fingerprint columns.
 */
function outsideRow(open: readonly Finding[], all: readonly Finding[], scopes: ScanReport['scopes']): unknown[] {
  const f = open[0];
  const s = f.subject;
  const tiered = all.find((x) => x.tier !== undefined);
  // A first-party identity's findings carry its own tier. For any other subject, what its findings
  // name is what it reaches at least: other grants may go further, so below T4 the tier is a lower
  // bound, said as such.
  const reached = tiered === undefined ? reachedTier(all) : undefined;
  const tier =
    tiered !== undefined
      ? tierLabel(tiered.tier!, tiered.tierIncomplete)
      : reached === undefined
        ? 'unknown'
        : reached === 4
          ? 'T4'
          : tierLabel(reached, 'only what its findings name is in the report');
  const short = tiered !== undefined ? tier : reached === undefined ? undefined : reached === 4 ? 'T4' : `T${reached} or higher`;
  const rules = [...new Set(all.map((x) => x.ruleId))].sort();
  const openRules = new Set(open.map((x) => x.ruleId));
  const jewels: string[] = [];
  const jewel = (cell: string) => {
    if (!jewels.includes(cell)) jewels.push(cell);
  };
  // Whether some finding says what the subject reaches, even nothing: a path finding, or the list
  // an Okta AWS app's mapping findings give of what the roles behind it reach.
  let reachKnown = false;
  for (const x of all) {
    const cls = x.evidence.crownJewel;
    if (x.path !== undefined && x.path.length > 0 && typeof cls === 'string') {
      reachKnown = true;
      // A long path's hops not listed count too (ShownHops); its last hop is always listed.
      jewel(jewelCell(x.path[x.path.length - 1].toName, cls, pathLength({ hops: x.path, omittedHops: x.omittedHops }), conditionalHopCount(x.path, x.omittedHops)));
    }
    const behind = x.evidence.mapsToCrownJewels;
    if (!Array.isArray(behind)) continue;
    reachKnown = true;
    for (const j of behind as { name?: unknown; crownJewel?: unknown; hops?: unknown; conditionalHops?: unknown }[]) {
      if (typeof j?.name === 'string' && typeof j.crownJewel === 'string' && typeof j.hops === 'number') {
        jewel(jewelCell(j.name, j.crownJewel, j.hops, typeof j.conditionalHops === 'number' ? j.conditionalHops : 0));
      }
    }
  }
  const count = ruleCount(openRules.size);
  // Re-scope as on an identity row (tier T3 or T4 with findings not waived) for a first-party
  // identity. Any other subject is let in by a trust, grant or mapping, and its tier is unknown or
  // a lower bound, no evidence of a low one: its open findings alone decide. No "assign owner":
  // nhiscan records no owner for such a subject, so it is nothing the review could settle here
  // (as for a root user).
  const actions =
    tiered === undefined
      ? [{ action: 're-scope', reason: `${short === undefined ? 'no capability tier for a subject outside the inventory,' : `capability tier ${short}`} with ${count}: narrow or remove the trust, grant or mapping that lets it in (each finding's remediation says how)` }]
      : tiered.tier! >= 3
        ? [{ action: 're-scope', reason: `capability tier ${tier} with ${count}` }]
        : [];
  return [
    f.provider,
    s.type,
    s.id,
    s.nativeId,
    s.name,
    `${f.provider}:${s.scope}`,
    outsideEnabled(all),
    'none',
    'none',
    'unknown',
    'unknown',
    'unknown',
    'not collected',
    tier,
    'unknown',
    outsideStrength(f.provider, s.type, issuerTenantName(s.scope, scopes)),
    // Only its findings tell what it reaches: without one that says, not known (blank reads as
    // "none", as on an identity row, and is written only when a finding says it reaches none).
    reachKnown ? jewels.join('; ') : 'unknown',
    findingIdsCell(rules, new Set(rules.filter((r) => !openRules.has(r)))),
    actions[0]?.action ?? 'keep',
    actions.map((a) => `${a.action}: ${a.reason}`).join('; '),
    '',
    '',
    '',
    // Which rules answered unknown is kept per identity only: for this subject it is not known.
    'unknown',
    outsideClassification(f.provider, s.type, tiered?.tier, issuerTenantName(s.scope, scopes), s.nativeId),
    f.severity,
    open.map((x) => `${x.severity} ${x.fingerprint} (${x.ruleId})`).join('; '),
    // What it holds is in the graph, not in its findings: the report cannot name it. capability_tier
    // and crown_jewels_reachable say what its findings say it reaches; `nhiscan explain` lists it.
    'unknown',
  ];
}

/**
 * The recertification sheet: one row per machine identity, and per user that may be one (marked
 * unverified in `classification`), with what a reviewer needs to decide, a recommended action,
 * and empty decision/reviewer/justification columns to fill in. Then one row per other subject
 * with an unwaived finding (see outsideRow), so that every finding the review must see is on
 * exactly one row: the most dangerous federations have external subjects. Those rows come after
 * the inventory, in subject id order, so the identity rows keep their places. Ages are measured
 * from the scan time, so the same input gives the same sheet.
 */
export function renderRecertCsv(report: ScanReport): string {
  return [...recertCsvChunks(report)].join('');
}

/** The same text as renderRecertCsv, in pieces, each row made as its piece is written (see csvChunks). */
export function recertCsvChunks(report: ScanReport): Generator<string> {
  return csvChunks(RECERT_COLUMNS, recertRows(report));
}

/** A subject's findings, waived ones too, in the report's order; `waived` counts those waived. */
interface SubjectFindings {
  all: Finding[];
  waived: number;
  /** Whether an identity of the inventory has this id (its row is made with the identities). */
  listed: boolean;
}

const NO_FINDINGS: readonly Finding[] = [];

/** The findings of a subject that are not waived, in order: `all` itself when none is waived (most subjects). */
const openOf = (s: SubjectFindings): readonly Finding[] => (s.waived === 0 ? s.all : s.all.filter((f) => f.status !== 'waived'));

function* recertRows(report: ScanReport): Generator<unknown[]> {
  const now = parseDate(report.scannedAt);
  // Every finding of a subject, waived ones too: they still name their rule in finding_ids (marked
  // waived) and, outside the inventory, what the subject reaches (see outsideRow). A waived
  // finding is an accepted risk with its own owner and expiry: not one to recertify, so the
  // severity and fingerprint columns take only the others (openOf). The report's findings are in
  // severity order already, so each list comes out most severe first.
  // One map and one lookup per finding and per identity, the identity marking its entry as
  // listed: at 100k this replaced a map of open findings, one of every finding and a set of the
  // inventory's ids (two lookups per finding, two per identity, one per subject).
  const bySubject = new Map<string, SubjectFindings>();
  for (const f of report.findings) {
    const s = bySubject.get(f.subject.id);
    const waived = f.status === 'waived' ? 1 : 0;
    if (s === undefined) bySubject.set(f.subject.id, { all: [f], waived, listed: false });
    else {
      s.all.push(f);
      s.waived += waived;
    }
  }
  for (const i of report.identities) {
    const s = bySubject.get(i.id);
    if (s === undefined) yield row(i, now, NO_FINDINGS, NO_FINDINGS);
    else {
      s.listed = true;
      yield row(i, now, openOf(s), s.all);
    }
  }
  // Id order, as the inventory's (the built-in sort). A subject that is no identity is on the sheet
  // for its open findings only: with all of them waived it has no row.
  // Sorted after the identities are left out: the few other subjects, not every subject's id.
  const outside: string[] = [];
  for (const [id, s] of bySubject) if (!s.listed && s.waived < s.all.length) outside.push(id);
  for (const id of outside.sort()) {
    const s = bySubject.get(id)!;
    yield outsideRow(openOf(s), s.all, report.scopes);
  }
}
