import { agentSponsorsUnread, cannotJudge, credentialLabel, sortTexts, defineRule, credentialsOf, credentialsUnread, isUnexpiredCredential, daysBetween, tierEvidenceMissing, tierLabel, tierLowerBound, type Autonomy, type GraphNode, type RuleContext, oktaIdentityActive, isRootUser } from '../../src/rule-kit.js';

interface TierRequirement {
  /** Allowed strength classes; omitted = any. */
  allowedStrength?: string[];
  /** Allowed autonomy levels; omitted = any. */
  allowedAutonomy?: Autonomy[];
  /** Longest lifetime of a standing credential (created to expiry; no expiry counts as infinite). */
  maxCredentialDays?: number;
  /** An accountable human (owner, sponsor, manager) is required. */
  requireOwner?: boolean;
}

/**
 * Default policy after RULES-CATALOG §4.4: the higher the capability tier, the stricter the
 * credential lifetime and accountability; autonomous agents may not hold administration.
 */
const DEFAULT_POLICY: Record<string, TierRequirement> = {
  T4: { allowedAutonomy: ['human-triggered', 'scheduled'], maxCredentialDays: 90, requireOwner: true },
  T3: { maxCredentialDays: 180, requireOwner: true },
  T2: { maxCredentialDays: 365, requireOwner: true },
  T1: { maxCredentialDays: 730 },
  T0: {},
};

const STRENGTHS = ['none', 'shared-secret', 'private-key', 'federated'];
const AUTONOMY = ['human-triggered', 'scheduled', 'autonomous-agent'];

/** A configured policy: tiers T0-T4 only, each field of its type, names from the known lists. */
function validatePolicy(value: unknown): { at: string; problem: string } | undefined {
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(value)) return { at: '', problem: 'expected a mapping of tier (T0-T4) to requirements' };
  const listOf = (v: unknown, allowed: string[]) => Array.isArray(v) && v.every((x) => typeof x === 'string' && allowed.includes(x));
  for (const [tier, req] of Object.entries(value)) {
    if (!/^T[0-4]$/.test(tier)) return { at: tier, problem: 'unknown tier (expected T0, T1, T2, T3 or T4)' };
    // null removes the tier's default requirements (merged key by key otherwise).
    if (req === null) continue;
    if (!isMap(req)) return { at: tier, problem: 'expected a mapping of requirements (or null for none)' };
    for (const [k, v] of Object.entries(req)) {
      const at = `${tier}.${k}`;
      // null removes this default requirement.
      if (v === null) continue;
      if (k === 'allowedStrength') {
        if (!listOf(v, STRENGTHS)) return { at, problem: `expected a list of: ${STRENGTHS.join(', ')}` };
      } else if (k === 'allowedAutonomy') {
        if (!listOf(v, AUTONOMY)) return { at, problem: `expected a list of: ${AUTONOMY.join(', ')}` };
      } else if (k === 'maxCredentialDays') {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return { at, problem: 'expected a number, 0 or more' };
      } else if (k === 'requireOwner') {
        if (typeof v !== 'boolean') return { at, problem: 'expected true or false' };
      } else {
        return { at, problem: 'unknown requirement (known: allowedStrength, allowedAutonomy, maxCredentialDays, requireOwner)' };
      }
    }
  }
  return undefined;
}

const STANDING = new Set(['client-secret', 'access-key', 'api-token', 'certificate', 'private-key-jwt', 'password']);

// The policy keys by tier: a `T${tier}` string made per identity was a new string to hash for each lookup.
const TIER_KEYS = ['T0', 'T1', 'T2', 'T3', 'T4'] as const;

export default defineRule({
  meta: {
    id: 'nhi-tier-policy-violation',
    title: 'Identity breaks the controls its capability tier requires',
    severity: 'medium',
    providers: ['entra', 'okta', 'aws'],
    owasp: ['NHI1:2025', 'NHI7:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
    description:
      'Risk-tiered governance instead of one enterprise-wide rule: each capability tier (T0 none … T4 administration) has its own requirements, configurable under `rules.nhi-tier-policy-violation.policy`: allowed credential-strength classes, allowed autonomy levels, the longest standing-credential lifetime, and whether an accountable human is required (an enabled person who owns, sponsors or manages it; an Entra agent identity with no sponsor of its own answers through its blueprint\'s sponsors; with the owner or Agent ID sponsor lists, or the blueprint\'s, not read, the requirement is unknown, not failed). Severity follows the tier (T4 high, T3 medium, lower tiers low); a tier that is only a lower bound (a capability feeding it was not read) is never rated below medium. An Okta service app that is not ACTIVE and an Okta user that is SUSPENDED or DEPROVISIONED are not evaluated, as the Okta rules do not evaluate them; a disabled Entra identity is, as the Entra rules evaluate it, and so is an Okta API token whose owner is not active (as okta-api-token-age judges it): their credentials and rights come back the moment the identity or owner is re-enabled. The AWS root user (T4 by nature, a person\'s break-glass login with no owner field in IAM) is left to `aws-root-access-key`.',
    risk: 'High-tier identities governed like low-tier ones are where breaches start: long-lived secrets, autonomous operation and no owner on the identities that can change everything else.',
    remediation: 'Bring the identity within its tier\'s controls (shorter-lived or federated credentials, an accountable owner, human approval for administrative actions), or reduce its capability to a lower tier.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/',
      'https://www.nist.gov/cyberframework',
    ],
    maturity: 'experimental',
    messages: { violations: '{{name}} is {{tierLabel}} and violates its tier policy: {{violations}}' },
    options: { policy: { default: DEFAULT_POLICY as unknown as Record<string, unknown>, description: 'requirements per tier: { T0..T4: { allowedStrength?, allowedAutonomy?, maxCredentialDays?, requireOwner? } }, merged with the default tier by tier and field', validate: validatePolicy } },
  },
  // The AWS root user is the account owner's login, T4 by nature: judged by the root rules
  // (aws-root-access-key), not as a machine identity (isRootUser in rule-kit).
  evaluates: { types: [], kinds: ['identity'], where: (n) => !n.firstParty && oktaIdentityActive(n) && !isRootUser(n), skipsTypes: ['aws-root-user'] },
  check(subject, ctx) {
    const tier = ctx.analysis.tier(subject);
    const policies = ctx.options.policy as Record<string, TierRequirement>;
    const found = judge(subject, ctx, policies[TIER_KEYS[tier]] ?? {});
    const { violations, autonomy, strength } = found;
    if (violations.length === 0) {
      // With grants, roles or owners feeding the tier not read, the tier is a lower bound: a
      // higher tier's stricter policy may apply, so a breach of one is no pass.
      const missing = tierEvidenceMissing(ctx.graph, subject);
      if (missing) {
        for (let t = tier + 1; t <= 4; t++) {
          const higher = judge(subject, ctx, policies[TIER_KEYS[t]] ?? {});
          if (higher.violations.length > 0 || higher.ownerUnknown || higher.lifeUnknown || higher.credentialsUnknown) return ctx.unknown(cannotJudge(missing, 'its tier, and so which tier policy applies,'));
        }
      }
      if (found.ownerUnknown) ctx.unknown(found.ownerUnknown);
      else if (found.lifeUnknown) ctx.unknown('the lifetime of an active standing credential is not known: its start or end date was not read');
      else if (found.credentialsUnknown) ctx.unknown(found.credentialsUnknown);
      return;
    }
    // A tier that is only a lower bound says so (the policy of a higher tier may apply), and does
    // not make the finding milder than the rule's base severity: "T2 or higher" may be T4, and
    // missing evidence never lowers a severity (README, "unknown").
    const bound = tierLowerBound(ctx.graph, ctx.analysis, subject);
    const byTier = tier === 4 ? 'high' : tier === 3 ? 'medium' : 'low';
    // No key: one finding per identity. The tier is its state, not what the finding is about, so
    // lowering the tier (a remediation) keeps the fingerprint a CI baseline or waiver holds.
    ctx.report({
      messageId: 'violations',
      severity: bound !== undefined && byTier === 'low' ? 'medium' : byTier,
      args: { tier, tierLabel: tierLabel(tier, bound), violations: violations.join('; ') },
      evidence: { tier, violations, autonomy, strength: strength.class },
    });
  },
});

/** What the identity breaks of one tier's policy, and whether a requirement could not be judged. */
function judge(subject: GraphNode, ctx: RuleContext, policy: TierRequirement) {
  const violations: string[] = [];
  const strength = ctx.analysis.strength(subject);
  if (policy.allowedStrength && strength.class !== 'none' && !policy.allowedStrength.includes(strength.class)) {
    violations.push(`credential strength ${strength.class} (allowed: ${policy.allowedStrength.join(', ')})`);
  }
  const autonomy = ctx.analysis.autonomy(subject);
  if (policy.allowedAutonomy && !policy.allowedAutonomy.includes(autonomy)) violations.push(`autonomy ${autonomy} (allowed: ${policy.allowedAutonomy.join(', ')})`);
  // A credential whose start or end date was not read has no known lifetime: no evidence either way.
  let lifeUnknown = false;
  if (policy.maxCredentialDays !== undefined) {
    // Indexed: judge runs for every identity, up to five times, and for..of allocated an
    // iterator result per credential until it was optimised.
    const creds = credentialsOf(ctx.graph, subject);
    // In text order, not the provider's listing order: two secrets of one name would otherwise
    // swap places between two collections of the same tenant.
    let tooLong: string[] | undefined;
    for (let i = 0; i < creds.length; i++) {
      const c = creds[i];
      // Not valid yet counts: its lifetime is set already.
      if (!STANDING.has(c.credentialType ?? '') || !isUnexpiredCredential(c, ctx.now)) continue;
      const life = c.expiresAt === null ? Infinity : daysBetween(c.createdAt, c.expiresAt);
      if (life === undefined) lifeUnknown = true;
      else if (life > policy.maxCredentialDays) {
        (tooLong ??= []).push(`${credentialLabel(c.credentialType, c.name)} ${life === Infinity ? 'never expires' : `lives ${life} days from creation to expiry`} (max ${policy.maxCredentialDays} days)`);
      }
    }
    if (tooLong) violations.push(...sortTexts(tooLong));
  }
  // Accountable means a person (the analysis's accountable humans: not a service account,
  // service principal, app, role or group) who has not left. A person whose account status was
  // not read (a manager the provider did not list) may have left: no evidence either way, like
  // owners that were not read. An owner tag names a person with no account to check.
  let ownerUnknown: string | undefined;
  if (policy.requireOwner && !subject.attrs.owner) {
    const people = ctx.analysis.accountable(subject);
    if (!people.some((o) => o.enabled === true || ctx.graph.node(o.id)?.type === 'aws-owner-tag')) {
      if (!ownersRead(subject)) ownerUnknown = 'whether a human is accountable for it is not known: its owners were not read';
      // An Agent ID object answers through its sponsors, an agent identity with none of its own
      // through its blueprint's (the analysis's owners list them): not read, no evidence of none.
      else if (agentSponsorsUnread(ctx.graph, subject)) ownerUnknown = "whether a human is accountable for it is not known: its Agent ID sponsors, or its blueprint's, were not read";
      else if (people.some((o) => o.enabled === undefined)) ownerUnknown = 'whether a human is accountable for it is not known: the account status of its owner, sponsor or manager was not read';
      else violations.push('no accountable human');
    }
  }
  // Credentials that were not read (an IAM user without its credential report row, an Okta
  // service app whose secrets were not read) may break the strength or lifetime limits: none read
  // is no pass on them.
  let credentialsUnknown: string | undefined;
  if (policy.maxCredentialDays !== undefined || policy.allowedStrength) {
    const why = credentialsUnread(subject);
    if (why !== undefined) {
      // Every limit the tier sets that the unread credentials leave unchecked.
      const limits = [...(policy.maxCredentialDays !== undefined ? ['lifetime'] : []), ...(policy.allowedStrength ? ['strength'] : [])];
      credentialsUnknown = `the ${limits.join(' and ')} of its standing credentials ${limits.length > 1 ? 'are' : 'is'} not known: ${why}`;
    }
  }
  return { violations, autonomy, strength, lifeUnknown, ownerUnknown, credentialsUnknown };
}

/** Whether the identity's owners were read: Entra app and SP owners, a user's manager, readable AWS tags. */
function ownersRead(n: GraphNode): boolean {
  if (n.provider === 'entra' && n.type !== 'entra-user') return n.attrs.ownersCollected === true;
  if (n.type === 'entra-user') return n.attrs.hasManager !== undefined;
  if (n.provider === 'aws') return n.attrs.tagsIncomplete !== true;
  return true;
}
