import { defineRule, conditionalHopCount, routeDoubtText, pathLength, scannedEntraTenant, cannotJudge, credentialsOf, credentialsUnread, entraFicsUnread, isActiveCredential, itemGap, missingCapability, tierEvidenceMissing, type GraphNode, type RuleContext } from '../../src/rule-kit.js';

/** Entry points: where an attacker or a careless integration starts (issue "hidden paths"). */
function entryReason(n: GraphNode, ctx: RuleContext): string | undefined {
  // An external node that something else leads into (a SAML provider fed by a scanned IdP) is a
  // waypoint, not where an attacker starts.
  if (n.kind === 'external') return ctx.graph.in(n).length === 0 ? externalEntry(n, ctx) : undefined;
  if (n.firstParty) return undefined;
  // A disabled identity cannot sign in with its credentials.
  if (n.enabled === false) return undefined;
  if (n.thirdParty) return 'third-party multi-tenant app';
  // A token past its expiry (its idle window elapsed) no longer authenticates.
  if (n.type === 'okta-api-token') return credentialsOf(ctx.graph, n).some((c) => isActiveCredential(c, ctx.now)) ? 'shared API token' : undefined;
  const strength = ctx.analysis.strength(n);
  if (strength.class === 'shared-secret') {
    // The analysis ranks a federation trust that does not pin its subject as weak as a secret;
    // the entry point is that trust, and the message names it so.
    const active = credentialsOf(ctx.graph, n).filter((c) => isActiveCredential(c, ctx.now));
    const secret = active.some((c) => !c.federation && c.credentialType !== undefined && SHARED_SECRETS.has(c.credentialType));
    const unpinned = secret ? [] : active.filter((c) => c.federation && c.federation.subjectMatch !== 'exact');
    if (unpinned.length > 0) {
      // One whose subject could not be read (subjectUndecided) may pin one: said so, not claimed.
      return unpinned.every((c) => c.attrs.subjectUndecided === true) ? 'federation trust whose subject could not be read' : 'federation trust that does not pin the subject';
    }
    return strength.longLived ? 'long-lived shared secret' : 'shared secret';
  }
  if (n.kind === 'identity' && n.provider !== 'aws' && credentialsOf(ctx.graph, n).some((c) => isActiveCredential(c, ctx.now))) {
    // Only a person can be accountable (the analysis's answer): an owning service account,
    // service principal, app, role or group cannot.
    const humans = ctx.analysis.accountable(n);
    // A person whose account status is not known may still be there: not a claim to make.
    if (humans.some((p) => p.enabled !== false)) return undefined;
    if (!ownersRead(n)) return OWNERS_UNREAD;
    return humans.length > 0 ? 'no accountable human (its owners are disabled)' : 'no accountable human';
  }
  // Federated credentials not read (absent from federatedIdentityCredentials.json): one may be a
  // trust that does not pin its subject, which would make this identity an entry point.
  if (n.kind === 'identity' && entraFicsUnread(ctx.graph, n)) return FICS_UNREAD;
  // Credentials that were not read may include a shared secret: whether this is an entry point
  // is not known (check answers unknown unless a path is found from another entry reason).
  if (n.kind === 'identity' && credentialsUnread(n) !== undefined) return CREDENTIALS_UNREAD;
  return undefined;
}

/**
 * What an external entry point is, as the message names it. Only a workload that presents a token
 * (an OIDC subject, a GitHub workflow, a web identity) is federated; an AWS account a role trusts
 * by id, Principal "*", a SAML provider no scanned IdP feeds and a Roles Anywhere trust anchor are
 * other kinds of outsiders, and calling them federated workloads misleads the reader.
 */
function externalEntry(n: GraphNode, ctx: RuleContext): string {
  // Tokens of a tenant the scan read come from its own service principals, each of which can get
  // one with its own credentials: which of them the trust admits is what its subject says.
  const tenant = scannedEntraTenant(ctx.graph, n);
  if (tenant) {
    const named = `the scanned Entra tenant ${tenant.name ?? tenant.id}`;
    // Each trust states its match on its edge (the broadest of them speaks for the node): the node
    // is shared by every trust naming this issuer and subject and keeps the first AWS role's, and a
    // value one role compares literally another may take as a pattern. The node's is read only for
    // an edge that states none. The audiences are the node's (an AWS trust's), else the edges'.
    const out = ctx.graph.out(n).filter((e) => e.type === 'FEDERATES_TO');
    const matches = out.length > 0 ? out.map((e) => (typeof e.evidence?.subjectMatch === 'string' ? e.evidence.subjectMatch : n.attrs.subjectMatch)) : [n.attrs.subjectMatch];
    const audiences = Array.isArray(n.attrs.audiences) ? n.attrs.audiences : out.flatMap((e) => (Array.isArray(e.evidence?.audiences) ? e.evidence.audiences : []));
    if (matches.length > 0 && matches.every((m) => m === 'exact')) return `one service principal of ${named} (exact subject)`;
    // A pattern every object id Entra issues matches (the linker's evidence.everyObjectId) narrows nothing.
    const narrowing = out.filter((e) => e.evidence?.everyObjectId !== true);
    if (out.length > 0 && narrowing.length === 0) return `any service principal of ${named} (subject pattern admitting every object id Entra issues)`;
    if (matches.length > 0 && matches.every((m) => m === 'exact' || m === 'wildcard')) return `service principals of ${named} (subject pattern)`;
    return `any service principal of ${named} (${audiences.length > 0 ? 'audience-only trust' : 'no subject or audience condition'})`;
  }
  switch (n.type) {
    case 'aws-account':
      return 'trusted AWS account';
    case 'anyone':
      return 'any AWS principal';
    case 'aws-saml-provider-ref':
      return 'SAML identity provider outside the scan';
    case 'x509-trust-anchor':
      return 'certificates of an external trust anchor';
    default:
      return 'external federated workload';
  }
}

const OWNERS_UNREAD = 'owners not read';
/** What an incomplete path search leaves undecided (see pathEvidenceMissing). */
const REACH = 'whether it reaches a crown jewel';
const FICS_UNREAD = 'federated credentials not read';
const CREDENTIALS_UNREAD = 'credentials not read';

/** Per run (its context, held weakly: not the graph after the run), the subject `where` judged last, with its answer (see check). */
const lastEntry = new WeakMap<RuleContext, { node: GraphNode; why: string | undefined }>();
const SHARED_SECRETS: ReadonlySet<string> = new Set(['client-secret', 'access-key', 'api-token', 'password']);

/** Whether the identity's owners (Entra app and SP owners, a user's manager) were read. */
function ownersRead(n: GraphNode): boolean {
  if (n.type === 'entra-service-principal' || n.type === 'entra-application' || n.type === 'entra-managed-identity' || n.type === 'entra-agent-identity') return n.attrs.ownersCollected === true;
  if (n.type === 'entra-user') return n.attrs.hasManager !== undefined;
  return true;
}

/**
 * Capabilities whose edges the path search follows, beyond those feeding tiers (grants, roles,
 * memberships): Entra owners (an SP that owns an app can add a credential to it), Okta users (an
 * API token acts as its user) and AWS app assignments (who federates into which role).
 */
const PATH_CAPABILITIES: Readonly<Record<string, readonly string[]>> = {
  entra: ['entra.owners'],
  okta: ['okta.users', 'okta.appAssignments'],
};

/**
 * Why "no path found" is not evidence of no path for this subject, as a gap clause (what was not
 * read, where, and why): a capability of its own scope (for an external workload: of each scope
 * it federates into) that was not collected, a group that reaches a crown jewel and whose members
 * were not read, or an Okta AWS app whose assignments were not read. Paths that leave the
 * subject's scope through a scope with gaps are not checked.
 */
function pathEvidenceMissing(subject: GraphNode, ctx: RuleContext): string | undefined {
  const starts =
    subject.kind === 'external'
      ? ctx.graph
          .out(subject)
          .map((e) => ctx.graph.node(e.to))
          .filter((n): n is GraphNode => n !== undefined && n.kind !== 'external')
      : [subject];
  for (const n of starts) {
    const tier = tierEvidenceMissing(ctx.graph, n, { key: 'reaches-crown-jewel', test: (g) => ctx.analysis.crownJewelPaths(g).length > 0 });
    if (tier) return tier;
    const missing = missingCapability(ctx.graph, n, PATH_CAPABILITIES[n.provider] ?? []);
    if (missing) return missing;
    // Who federates into AWS through an Okta AWS app is read per app (appUsers.json,
    // appGroups.json): an app whose assignments were not read may carry a route.
    if (n.provider === 'okta') {
      const app = ctx.graph.ofType('okta-aws-federation-app').find((a) => a.scope === n.scope && a.attrs.assignmentsCollected !== true);
      if (app) return itemGap(ctx.graph, app, `the user and group assignments of the AWS app ${app.name}`, ['okta.appAssignments@appUsers.json', 'okta.appAssignments@appGroups.json']);
    }
  }
  return undefined;
}

/**
 * The key of a path finding. Within the subject's own tenant, account or org its group says it
 * all (the subject's id names the scope). A path into another scope, and every path from an
 * external issuer (whose scope is the issuer, never a tenant), adds the scope of the jewel
 * reached: without it, the same GitHub workload reaching admin of account A and of account B
 * had one fingerprint, and a baseline of A accepted the path into B. Versions before this gave
 * every path the group alone; the CI layer still matches those (src/cli/ci.ts, legacyPaths).
 */
/** This rule's id: the CI layer reads its findings' fingerprints and evidence (src/ci/baseline.ts, src/cli/ci.ts). */
export const PATH_RULE_ID = 'nhi-path-to-crown-jewel';

export function pathKey(subject: GraphNode, group: string, target: GraphNode | undefined): string {
  if (target === undefined || (target.provider === subject.provider && target.scope === subject.scope)) return group;
  return `${group}|${target.scope}`;
}

export default defineRule({
  meta: {
    id: PATH_RULE_ID,
    title: 'Machine identity reaches a crown jewel through a chain of other identities',
    severity: 'high',
    providers: ['entra', 'okta', 'aws', 'external'],
    owasp: ['NHI5:2025', 'NHI6:2025'],
    frameworks: { asi: ['ASI03'], nistCsf: ['PR.AA-05'] },
    description:
      'Starts from every entry point (external federated workloads, AWS accounts outside the scan that a role trusts, Principal "*", shared secrets and API tokens, third-party apps, identities nobody owns) and follows trust, federation, role, grant and escalation edges across Entra ID, Okta and AWS to tenant, org or account administration, identity management and secret stores. Reports one finding per entry point and kind of crown jewel of each provider (the nearest one: an estate of many AWS accounts that trust each other gives one finding, not one per account), with the shortest path (among equals, the one needing the fewest undecided conditions, then the most hidden) and the number of alternative routes (for a path that holds without conditions, those that also do, and apart from them those that hold only under a condition). A route that holds only under a condition the scanner could not decide (a PIM-eligible role, a policy condition, a mapping it could not read), through a delegated permission (an Entra delegated grant, or a user\'s own consent to act as them: it is in a token only when a user signs in, and does only what that user may; said as such), or through an AWS trust the account\'s OIDC provider turns away today (no provider for the issuer, or a client id list without the audience; said as such), is reported as "may reach", at high severity, unless a longer route holds without one. An identity that cannot authenticate today starts no path: an Entra service principal or user that is disabled (accountEnabled false, or disabled by Microsoft), an Okta service app that is not ACTIVE, an Okta user that is SUSPENDED or DEPROVISIONED, and an Okta API token whose owner is one (Okta rejects it). Nor does a path pass through such an object, unless an edge can re-enable it or add a credential to it; nor through an AWS trust of Entra tokens whose audience apps are all disabled (Entra issues no token for them). Their standing credentials and rights are reported by the rules that judge those.',
    risk: 'Each hop is legitimate on its own and reviewed (if at all) in a different console; chained, they let whoever holds the entry credential act as an administrator, and no access review shows the chain.',
    remediation:
      'Cut the path at a hop you control (the report\'s cut line and `nhiscan explain` name the first grant, trust or membership on it, or the next one when the path starts with a federation already pinned to one workload): pin the federation subject, remove or narrow the trust or grant, or scope the role. Where the path starts with a shared secret, replace it with a federated credential. Then assign an accountable owner to every identity on the path.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
    ],
    maturity: 'stable',
    messages: {
      path: '{{entry}} ({{why}}) reaches {{target}} ({{class}}) in {{hops}} hops{{cross}}; {{hidden}} hop(s) are invisible to access reviews',
      conditional:
        '{{entry}} ({{why}}) may reach {{target}} ({{class}}) in {{hops}} hops{{cross}}; {{doubt}}; {{hidden}} hop(s) are invisible to access reviews',
    },
    options: {
      minHops: { integer: true, default: 2, description: 'shortest path length to report; one hop is a direct grant that provider rules already report' },
    },
  },
  evaluates: {
    types: [],
    kinds: ['identity', 'external'],
    where: (n, ctx) => {
      const why = entryReason(n, ctx);
      lastEntry.set(ctx, { node: n, why });
      return why !== undefined;
    },
  },
  check(subject, ctx) {
    // The engine calls `check` right after `where` for the same subject: its answer is reused.
    const last = lastEntry.get(ctx);
    const why = (last !== undefined && last.node === subject ? last.why : entryReason(subject, ctx)) ?? 'entry point';
    if (why === OWNERS_UNREAD) return ctx.unknown('whether a human is accountable for it is not known: its owners were not read');
    const minHops = Number(ctx.options.minHops);
    if (why === FICS_UNREAD || why === CREDENTIALS_UNREAD) {
      // Not known to be an entry point (credentials that were not read may include a weak trust
      // or a shared secret): unknown when it would matter (it reaches a crown jewel, or its paths
      // are not complete), else nothing could start here.
      const reaches = ctx.analysis.shownCrownJewelPaths(subject).some((p) => pathLength(p) >= minHops);
      const missing = reaches ? undefined : pathEvidenceMissing(subject, ctx);
      if (reaches || missing) {
        const unread = why === FICS_UNREAD ? 'its federated credentials were not read' : credentialsUnread(subject);
        ctx.unknown(`whether it is an entry point is not known: ${unread}${missing ? `; and ${cannotJudge(missing, REACH)}` : ''}`);
      }
      return;
    }
    // Only decides when nothing is reported: a path that was found still fails.
    const missing = pathEvidenceMissing(subject, ctx);
    if (missing) ctx.unknown(cannotJudge(missing, REACH));
    // A route that depends on an undecided condition is a possibility, not a fact: a longer
    // route that holds without one is reported instead when there is one (shownCrownJewelPaths).
    for (const p of ctx.analysis.shownCrownJewelPaths(subject)) {
      const length = pathLength(p);
      if (length < minHops) continue;
      const conditional = conditionalHopCount(p.hops, p.omittedHops);
      // A hop through a trust the account's OIDC provider turns away is said as such, not as undecided.
      // Only a "may reach" message says it: a firm path builds no text.
      const doubt = conditional > 0 ? routeDoubtText(ctx.graph, ctx.analysis, p).join('; ') : '';
      const target = ctx.graph.node(p.target);
      ctx.report({
        messageId: conditional > 0 ? 'conditional' : 'path',
        // One finding per entry point and kind of crown jewel (provider and class): keyed by the
        // group, not the jewel, so that a nearer jewel of the same kind, or a firm route chosen
        // over a conditional one, does not make the finding look new to a CI baseline. A jewel
        // outside the subject's own scope adds its scope (see pathKey).
        key: pathKey(subject, p.group, target),
        severity: p.crownJewel === 'admin' && conditional === 0 ? 'critical' : 'high',
        args: {
          entry: subject.name,
          why,
          target: p.targetName,
          class: p.crownJewel,
          hops: length,
          cross: p.crossesProviders ? ', crossing providers' : '',
          hidden: p.hiddenHops,
          conditional,
          // Only a "may reach" message says it; the firm message's args stay as they were.
          ...(conditional > 0 ? { doubt } : {}),
        },
        // The scope reached is part of the fingerprint (pathKey); a baseline records it (src/ci/baseline.ts).
        evidence: { target: p.target, ...(target ? { targetScope: target.scope } : {}), crownJewel: p.crownJewel, crossesProviders: p.crossesProviders, entry: why, conditional: conditional > 0 },
        // Of a long path, the first and last hops, and how many are left out (see ShownHops).
        path: p.hops,
        ...(p.omittedHops ? { omittedHops: p.omittedHops } : {}),
        alternatives: p.alternatives,
        ...(p.conditionalAlternatives !== undefined ? { conditionalAlternatives: p.conditionalAlternatives } : {}),
      });
    }
  },
});
