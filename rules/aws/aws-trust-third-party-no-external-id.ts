import {
  andList,
  AWS_ORGANIZATION_ID_FORM,
  awsOrganizations,
  defineRule,
  fromOptions,
  quoteInput,
  trustDenyDoubt,
  trustDenyOutsideOrg,
  trustDenyRequiresExternalId,
  trustForeignOrgs,
  trustNamedOrgs,
  trustOrgKey,
  trustStatementAllows,
  uniqueKeys,
  type OrgKnowledge,
  type ValueDoubt,
} from '../../src/rule-kit.js';

/** The organisation's own account ids, from the options. */
const ownAccounts = (options: Readonly<Record<string, unknown>>) => new Set((options.ownAccounts as string[]).map(String));
/** Your organisations' ids, from the options, as trust facts compare them (empty: not told). */
const ownOrganizations = (options: Readonly<Record<string, unknown>>) => new Set(((options.ownOrganizations as string[] | undefined) ?? []).map((o) => trustOrgKey(String(o))));

interface Principal {
  type: string;
  accountId?: string;
  arn?: string;
  sameAccount?: boolean;
  thirdParty?: boolean;
}
interface Statement {
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  notPrincipal: boolean;
  principals: Principal[];
  restrictingKeys: string[];
  /** Restricting keys that would narrow but for a policy variable whose value is not known. */
  doubtfulKeys?: string[];
  /** Every key the statement's Condition block tests, in the policy's order. */
  conditionKeys: string[];
  externalId: boolean;
  /** For `*`: whom its aws:PrincipalArn / aws:PrincipalAccount conditions narrow it to. */
  conditionPrincipals?: Principal[];
  /** The values behind doubtfulKeys, and why their reading is not known. */
  valueDoubts?: ValueDoubt[];
  /** The organisations its organisation conditions let through, when that may be more than one. */
  severalOrgs?: string[];
}
interface TrustFacts {
  unusable?: { problem: string };
  statements: Statement[];
}

const AWS_TYPES = new Set(['account', 'iam-user', 'iam-role', 'assumed-role', 'iam-other']);
/** An organisation condition proves the foreign account is one of yours, not a vendor's. */
const ORG_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths']);
/** The keys that narrow `"*"` to one account or principal: for such a principal they are what the message names it by. */
const PRINCIPAL_KEYS = new Set(['aws:principalaccount', 'aws:principalarn']);

/** Who the vendor is, as an unknown reason names it: its account, and the principal of it the policy names. */
const vendorText = (p: Principal) => `account ${p.accountId}${p.arn ? ` (${quoteInput(p.arn)})` : ''}`;

/** Why a value's reading is not known (ValueDoubt.cause), after "its value V". */
const CAUSE_TEXT: Record<ValueDoubt['cause'], string> = {
  variable: 'holds a policy variable whose value the scan does not know',
  'caller-text': "writes text around the caller's own value, which may be the id the vendor issued you or a prefix every customer of the vendor writes",
};

/** The values of `doubts` on the keys `keys` (lower case), with why each is not known. */
function doubtText(doubts: readonly ValueDoubt[], keys: ReadonlySet<string>): string {
  const mine = doubts.filter((d) => keys.has(d.key.toLowerCase()));
  return andList(mine.map((d) => `its ${d.key} value ${quoteInput(d.value)} ${CAUSE_TEXT[d.cause]}`));
}

/** Organisations that are not yours, quoted, after "organisation(s)". */
const orgsText = (orgs: readonly string[]) => `${orgs.length > 1 ? 'organisations' : 'organisation'} ${andList(orgs.map((o) => quoteInput(o)))}`;

/** The organisations a condition lets through, quoted, and why that does not prove the caller is yours. */
const severalOrgsText = (orgs: readonly string[]) =>
  `organisations ${andList(orgs.map((o) => quoteInput(o)))}, and an account is in one organisation only, so at least one of them is not yours (the scan does not read which organisation the scanned accounts are in)`;

const EXTERNAL_ID = new Set(['sts:externalid']);
/**
 * The keys whose values a Deny's external id doubt may be in: with the organisation it names
 * beside the external id, a variable in either leaves whether it requires the external id open.
 */
const EXTERNAL_ID_OR_ORG = new Set([...EXTERNAL_ID, ...ORG_KEYS]);

/**
 * The statement's conditions other than the external id, as the message names them: without
 * them "lets account X assume it" would read as unconditional when, say, aws:SourceArn or
 * aws:SourceIp narrows it. sts:ExternalId is left out, being what the message says is missing
 * (one under IfExists or ForAllValues binds no caller); for a principal that `"*"` was narrowed
 * to, so are the keys that named it.
 */
function otherConditions(st: Statement, narrowedPrincipal: boolean, orgNamed = false): string[] {
  // IAM matches condition keys case-insensitively: aws:SourceArn under one operator and
  // aws:sourcearn under another are one key, named once, as first spelled in the policy.
  const seen = new Set<string>();
  return (st.conditionKeys ?? []).filter((k) => {
    const key = k.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return key !== 'sts:externalid' && !(narrowedPrincipal && PRINCIPAL_KEYS.has(key)) && !(orgNamed && ORG_KEYS.has(key));
  });
}

/** What one statement's trust of one vendor principal comes to: nothing to report, a finding, or unknown. */
type Verdict =
  | { kind: 'pass' }
  | { kind: 'unknown'; reason: string }
  | { kind: 'report'; messageId: string; args: Record<string, string>; evidence: Record<string, unknown> };

/** Whether two verdicts agree: the same kind, and for unknown the same reason. */
function sameVerdict(a: Verdict, b: Verdict): boolean {
  return a.kind === b.kind && (a.kind !== 'unknown' || a.reason === (b as { reason: string }).reason);
}

/**
 * The organisations whose being yours an answer turns on, after "whether": those the Allow
 * statement lets through that are not among `own`, or else those its Deny statements spare.
 */
function orgsInDoubt(facts: TrustFacts, st: Statement, own: ReadonlySet<string>): string {
  let orgs = trustForeignOrgs(st, own);
  if (orgs.length === 0) {
    const seen = new Set<string>();
    orgs = facts.statements.filter((d) => d.effect === 'Deny').flatMap((d) => trustForeignOrgs(d, own)).filter((o) => !seen.has(trustOrgKey(o)) && seen.add(trustOrgKey(o)));
  }
  if (orgs.length === 0) return 'the organisations its conditions name are';
  return `${orgsText(orgs)} ${orgs.length > 1 ? 'are' : 'is'}`;
}

/**
 * Judges the Allow statement `st`'s trust of `p`, a principal of an account that is neither scanned
 * nor listed as yours. `told`: your organisations (possibly none: then every organisation but the
 * role's own is a vendor's); undefined: not told, the one organisation a condition names taken
 * for yours.
 */
function judge(facts: TrustFacts, st: Statement, p: Principal, fromCondition: boolean, told: ReadonlySet<string> | undefined): Verdict {
  // A positive organisation condition naming one organisation puts the statement out of scope
  // (the organisation taken for yours); one letting several through does not prove the caller
  // is yours: the vendor may be in one of them. Told your organisations, the rule knows: one
  // naming only yours puts the statement out of scope, one naming another lets that
  // organisation's callers in, a third party's, whom a Deny then keeps out only if it spares
  // none of those organisations.
  const orgCondition = st.restrictingKeys.some((k) => ORG_KEYS.has(k.toLowerCase()));
  const foreign = orgCondition && told ? trustForeignOrgs(st, told) : [];
  if (orgCondition && (told ? foreign.length === 0 : st.severalOrgs === undefined)) return { kind: 'pass' };
  const known: OrgKnowledge | undefined = told ? { own: told, ...(foreign.length > 0 ? { principalIn: new Set(foreign.map(trustOrgKey)) } : {}) } : undefined;
  // A statement that does not allow sts:AssumeRole, or one an unconditional Deny overrides
  // (the transform draws no edge for it), gives the vendor no way in.
  if (!trustStatementAllows(facts, st, p, 'sts:AssumeRole')) return { kind: 'pass' };
  // A Deny on the vendor that turns away every call without the external id requires it as
  // a positive condition here would; so does one that turns away every such call from outside
  // the one organisation it names, which the vendor is.
  if (trustDenyRequiresExternalId(facts, p, 'sts:AssumeRole', true, known)) return { kind: 'pass' };
  // A Deny on the vendor that turns away every caller outside the one organisation it names
  // keeps the vendor out, as a positive organisation condition here would (and, the
  // organisation being taken for yours, an unscanned account inside it is no vendor).
  if (trustDenyOutsideOrg(facts, p, 'sts:AssumeRole', known)) return { kind: 'pass' };
  // What is not known, named exactly: the statement's external id or organisation value (a
  // policy variable whose value is not known, or an external id partly the caller's own:
  // whether the text around it is the id the vendor issued is not known), the organisations
  // it lets through, or the same of a Deny naming the vendor.
  const who = vendorText(p);
  const doubtful = (st.doubtfulKeys ?? []).filter((k) => k.toLowerCase() === 'sts:externalid' || ORG_KEYS.has(k.toLowerCase()));
  const extIdDoubt = doubtful.some((k) => k.toLowerCase() === 'sts:externalid');
  if (extIdDoubt) {
    return { kind: 'unknown', reason: `whether the sts:ExternalId condition of statement ${st.statementIndex} binds ${who} is not known: ${doubtText(st.valueDoubts ?? [], EXTERNAL_ID)}` };
  }
  if (doubtful.length > 0) {
    return { kind: 'unknown', reason: `whether ${who} is inside the organisation that the ${andList(doubtful)} condition of statement ${st.statementIndex} names is not known: ${doubtText(st.valueDoubts ?? [], ORG_KEYS)}` };
  }
  if (orgCondition && foreign.length === 0) {
    return { kind: 'unknown', reason: `whether ${who} is a third party is not known: statement ${st.statementIndex} lets it in only from ${severalOrgsText(st.severalOrgs!)}` };
  }
  const deny = trustDenyDoubt(facts, p, 'sts:AssumeRole', true, known);
  if (deny) {
    const what = `whether the Deny of statement ${deny.statementIndex} ${deny.doubt === 'external-id' ? `requires an external id of ${who}` : `keeps ${who} out`} is not known`;
    return {
      kind: 'unknown',
      reason:
        deny.doubt !== 'several-orgs'
          ? `${what}: ${doubtText(deny.valueDoubts, deny.doubt === 'external-id' ? EXTERNAL_ID_OR_ORG : ORG_KEYS)}`
          : known
            ? `${what}: it spares callers of ${orgsText(deny.foreignOrgs ?? [])}, not yours, and the scan does not read whether ${who} is in ${(deny.foreignOrgs ?? []).length > 1 ? 'one of them' : 'it'}`
            : `${what}: it spares callers of ${severalOrgsText(deny.severalOrgs ?? [])}`,
    };
  }
  const conditions = otherConditions(st, fromCondition, foreign.length > 0);
  const messageId = foreign.length > 0 ? (conditions.length > 0 ? 'foreignOrgConditional' : 'foreignOrg') : conditions.length > 0 ? 'noExternalIdConditional' : 'noExternalId';
  return {
    kind: 'report',
    messageId,
    args: {
      account: p.accountId!,
      principal: p.arn ?? 'the whole account',
      ...(conditions.length > 0 ? { conditions: conditions.join(', ') } : {}),
      ...(foreign.length > 0 ? { orgs: orgsText(foreign) } : {}),
    },
    evidence: { statement: st.statementIndex, sid: st.sid, accountId: p.accountId, principal: p.arn ?? null, restrictingKeys: st.restrictingKeys },
  };
}

/** More organisations than this named beside yours, with a read failed: every choice is not tried, the answer is unknown. */
const MAX_NAMED_ORGS = 8;

/**
 * Whether `verdict` (judged with `own` for your organisations) could be otherwise had the
 * `accounts` scanned accounts whose organisation was not read been in organisations the trust
 * names (each account in one): judged again with each choice of at most that many of them taken
 * for yours too. An organisation no statement names changes nothing.
 */
function turnsOnUnread(facts: TrustFacts, st: Statement, p: Principal, fromCondition: boolean, own: ReadonlySet<string>, verdict: Verdict, accounts: number): boolean {
  const seen = new Set<string>();
  const named = [st, ...facts.statements.filter((d) => d.effect === 'Deny')]
    .flatMap((s) => trustNamedOrgs(s, own))
    .map(trustOrgKey)
    .filter((k) => !seen.has(k) && seen.add(k));
  if (named.length === 0) return false;
  if (named.length > MAX_NAMED_ORGS) return true;
  const most = Math.min(accounts, named.length);
  // Each non-empty choice of at most `most` of them, as a bit mask over `named`.
  for (let mask = 1; mask < 1 << named.length; mask++) {
    const chosen = named.filter((_, i) => (mask & (1 << i)) !== 0);
    if (chosen.length > most) continue;
    if (!sameVerdict(verdict, judge(facts, st, p, fromCondition, new Set([...own, ...chosen])))) return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'aws-trust-third-party-no-external-id',
    title: 'Role trusts an account outside the scanned ones without requiring an external ID',
    severity: 'high',
    providers: ['aws'],
    owasp: ['NHI3:2025'],
    frameworks: { nistCsf: ['PR.AA-04'] },
    description:
      'Reports roles whose trust policy allows a principal of an AWS account that is neither scanned nor listed as your own, without a positive `sts:ExternalId` condition (and without an organisation condition), including `Principal: "*"` narrowed to such an account or principal by `aws:PrincipalAccount` or `aws:PrincipalArn`. Conditions under `...IfExists` or `ForAllValues:` hold when the caller sends no value, so they do not count. Such trusts are how SaaS vendors reach customer accounts. A statement whose Action does not cover `sts:AssumeRole`, or that an unconditional Deny of the same policy overrides, gives no way in and is not reported. A Deny of `sts:AssumeRole` naming the principal (`*`, its account or itself) under a negated string operator on `sts:ExternalId` (`StringNotEquals`, and its `IfExists` and `ForAllValues:` forms, which hold when no external id is sent) requires the external id as a positive condition would, and the statement is not reported; not when the Deny ANDs another condition that a caller can fail (`aws:SourceIp`...; `aws:PrincipalIsAWSService` false holds for every IAM caller), is under `ForAnyValue:` (false when no external id is sent), or is only `Null sts:ExternalId true` (any external id, even one issued to another customer, then passes). A Deny that ANDs such an external id operator with a negated `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` naming one organisation (`StringNotEquals`, not `ForAnyValue:`, no wildcard in the organisation) turns away every caller outside that organisation without the external id, and the vendor is outside it (the organisation is taken for yours, as below): it requires the external id too (unknown when it names several organisations, as below). An `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` value holding a policy variable whose value is not known (on the statement, or on such a Deny) makes the answer unknown; one made only of the caller\'s own values (`${aws:PrincipalAccount}`, `${aws:PrincipalAccount}-${aws:userid}`: no other letter or digit) is no external id: every caller can send it, and it is the same for every customer of the vendor; one that writes text around such a value (`cust-42-${aws:PrincipalAccount}`) makes the answer unknown, the text being perhaps the id the vendor issued, perhaps a prefix every customer writes. A Deny of `sts:AssumeRole` naming the principal whose only conditions are a negated `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` naming one organisation (and ones every IAM caller meets) turns away every caller outside that organisation: the vendor, outside it (the organisation is taken for yours, as below; an account of yours that is not scanned and sits inside it is no vendor), cannot assume the role, and the statement is not reported (not when the Deny also negates `aws:PrincipalAccount` or another key, which IAM ANDs, sparing the accounts it lists; unknown when the organisation is named through a variable whose value is not known). A positive `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` condition puts the statement out of scope: the caller must then be inside the organisation named, which the rule takes for yours unless the `ownOrganizations` option lists your organisation ids (without them it cannot tell a vendor organisation named there from yours), and a principal of your own organisation is no vendor acting for other customers: there is no deputy to confuse. An account belongs to one organisation only, so a condition letting callers of several organisations through (`StringEquals aws:PrincipalOrgID [o-a, o-b]` on the Allow, where entries ANDed together still leave more than one; or a Deny whose negated organisation values name more than one, `StringNotEquals aws:PrincipalOrgID [o-a, o-b]`, which spares a caller inside any of them) lets in callers of at least one organisation that is not yours, in which the vendor may be: such a statement, or such a Deny, ends nothing, and the answer is unknown (paths of one organisation, `o-a/r-ab12/ou-1/*` and `o-a/r-ab12/ou-2/*`, and `${aws:ResourceOrgID}`, the role\'s own, alone, name one). With `ownOrganizations` set, no organisation is taken for yours but those listed and the role\'s own (`${aws:ResourceOrgID}`): an Allow whose organisation conditions let through only yours (one or several; entries ANDed together, as IAM reads them, let through only what each names, so one naming only `${aws:ResourceOrgID}` keeps every other organisation out) is out of scope; one letting through any other organisation lets that organisation\'s accounts in, a third party\'s, and is reported as if it had no organisation condition (message: `from organisation "o-...", not yours`); a Deny sparing only your organisations keeps the vendor out, or requires its external id, as above; one sparing a foreign organisation does not: when the Allow\'s own organisation condition shows the vendor can only be in organisations the Deny spares, the statement is reported, when it shows the vendor is in none of them the Deny keeps it out, and otherwise (the Allow names no organisation) the answer is unknown, the scan not reading which organisation an account is in. The organisations the scanned accounts are in count as listed there, when the snapshot has them (`nhiscan collect --aws` reads each account\'s, `organization.json`; an account in no organisation adds none, and then every organisation a condition names but the role\'s own is a third party\'s); a snapshot that has none of them (made before the collector read them, or from `aws iam get-account-authorization-details`) keeps the behaviour without the option. When the organisation of a scanned account could not be read (its `aws.organization` coverage record is not `collected`) and the option is not set, an organisation not among those read may be that account\'s: an answer that differs with such organisations taken for a vendor\'s and for yours is unknown, naming the read that failed. An unknown answer says which fact was not known: which condition of which statement, its value and why it cannot be read, or which organisations it lets through, and of which account. `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` and `aws:SourceOrgPaths` do not put it out of scope and do not lower the severity (high): the AWS confused deputy guide gives them for the cross-service case, where an AWS service principal calls on behalf of the owner of a resource and sets them, and the external id for the cross-account case this rule is about; the rule does not model which calls from the principals of another account carry them. Those and any other conditions of the statement (`sts:SourceIdentity`, `aws:SourceIp`...) are named in the message (`under conditions on ...`) so that a reviewer can judge them; a statement without any keeps the unconditional message.',
    risk: 'Confused deputy: the vendor assumes roles for all of its customers with the same identity, so anyone who can make the vendor act for them (another customer entering your role ARN) reaches your account. A compromise of the vendor reaches you directly.',
    remediation:
      'Add `"Condition": {"StringEquals": {"sts:ExternalId": "<id the vendor issued for you>"}}` to the statement, review what the role allows, and list your own accounts that are not scanned in the `ownAccounts` option.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/3-vulnerable-third-party-nhi/',
    ],
    maturity: 'stable',
    messages: {
      noExternalId: 'The trust policy of {{name}} lets account {{account}} ({{principal}}) assume it without an sts:ExternalId condition',
      noExternalIdConditional:
        'The trust policy of {{name}} lets account {{account}} ({{principal}}) assume it under conditions on {{conditions}}, but with no sts:ExternalId condition',
      foreignOrg: 'The trust policy of {{name}} lets account {{account}} ({{principal}}) assume it from {{orgs}}, not yours, without an sts:ExternalId condition',
      foreignOrgConditional:
        'The trust policy of {{name}} lets account {{account}} ({{principal}}) assume it from {{orgs}}, not yours, under conditions on {{conditions}}, but with no sts:ExternalId condition',
    },
    options: {
      ownAccounts: { default: [], description: 'account ids that belong to you but are not in the snapshot (they are not third parties)' },
      ownOrganizations: {
        default: [],
        form: AWS_ORGANIZATION_ID_FORM,
        description:
          'ids of your AWS organisations (o-...) besides those the snapshot says the scanned accounts are in: an organisation condition naming another one is a third party\'s; empty, and none read: the organisation a condition names is taken for yours',
      },
    },
  },
  evaluates: { types: ['aws-iam-role'], requires: ['aws.iam'] },
  check(role, ctx) {
    const facts = role.attrs.trust as TrustFacts | undefined;
    if (!facts || facts.unusable) {
      ctx.unknown(facts ? `the trust policy could not be read (${facts.unusable!.problem})` : 'the trust policy was not analysed');
      return;
    }
    const own = fromOptions(ctx.options, ownAccounts);
    // Your organisations: those the option lists, and those the scanned accounts are in (read by
    // the collector). Either way no other organisation is taken for yours. Neither: the
    // organisation a condition names is taken for yours, as before organisations were read.
    const listed = fromOptions(ctx.options, ownOrganizations);
    const orgs = awsOrganizations(ctx.graph);
    const told = listed.size > 0 ? (orgs.ids.size > 0 ? new Set([...listed, ...orgs.ids]) : listed) : orgs.read ? orgs.ids : undefined;
    // The organisation of an account was not read (its read failed): an organisation that is not
    // among those read may be that account's, yours, or a vendor's. The option, when given, says
    // which are yours, whatever was read.
    const doubt = listed.size === 0 ? orgs.gap : undefined;
    const unique = uniqueKeys();
    for (const st of facts.statements) {
      if (st.effect !== 'Allow' || st.notPrincipal || st.externalId) continue;
      // "*" narrowed by a condition to a vendor's account or role trusts that vendor the same way.
      // Once per principal: one also listed beside "*" is reported as listed.
      const named = new Set(st.principals.map((p) => p.arn ?? p.accountId));
      const narrowed = (st.conditionPrincipals ?? []).filter((p) => !named.has(p.arn ?? p.accountId));
      const candidates = [...st.principals.map((p) => ({ p, fromCondition: false })), ...narrowed.map((p) => ({ p, fromCondition: true }))];
      for (const { p, fromCondition } of candidates) {
        if (!AWS_TYPES.has(p.type) || p.thirdParty !== true || !p.accountId || own.has(p.accountId)) continue;
        let verdict = judge(facts, st, p, fromCondition, told);
        // Unsure which organisations are yours: the answer holds when it is the same whichever
        // organisations the trust names the accounts not read are in; otherwise it turns on them.
        if (doubt !== undefined && turnsOnUnread(facts, st, p, fromCondition, told!, verdict, orgs.unknownAccounts)) {
          verdict = { kind: 'unknown', reason: `whether ${vendorText(p)} can assume it without an external id is not known: that turns on whether ${orgsInDoubt(facts, st, orgs.ids)} yours, and ${doubt}` };
        }
        if (verdict.kind === 'unknown') ctx.unknown(verdict.reason);
        else if (verdict.kind === 'report') ctx.report({ messageId: verdict.messageId, key: unique(p.arn ?? p.accountId), args: verdict.args, evidence: verdict.evidence });
      }
    }
  },
});
