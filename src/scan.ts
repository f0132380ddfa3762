import { GraphBuilder, type Graph, type NodeRef } from './graph/graph.js';
import type { GraphNode, StrengthClass } from './graph/model.js';
import type { NhiConfig } from './config/types.js';
import type { Snapshot } from './snapshot/snapshot.js';
import type { CoverageRecord, ProviderName } from './snapshot/types.js';
import type { RuleDefinition, Severity } from './engine/types.js';
import { runRules } from './engine/run.js';
import { analyze } from './analysis/analyze.js';
import type { Analysis } from './analysis/types.js';
import { transformEntra } from './connectors/entra/transform.js';
import { transformOkta } from './connectors/okta/transform.js';
import { transformAws } from './connectors/aws/transform.js';
import { linkProviders } from './connectors/link.js';
import { setAsideBadValue } from './connectors/live-values.js';
import { normalizeServiceAccounts } from './graph/normalize.js';
import { oktaOrigin } from './graph/ids.js';
import { withOktaOrigins } from './connectors/okta/org-url.js';
import { InputError } from './errors.js';
import { timed, type Timings } from './timings.js';
import { REPORT_SCHEMA_VERSION, type IdentitySummary, type ProviderSummary, type ScanReport } from './report/types.js';
import { compareText, sortTexts, uniqueSortedTexts } from './compare.js';
import { agentSponsorsUnread, credentialsUnread, entraFicsUnread, serviceAccountUnclassified, tierEvidenceMissing, tierLowerBound, type GroupTest } from './rule-kit.js';
import { lowerBoundReason } from './report/tier-label.js';
import { shownScope } from './report/scope-shown.js';
import { heldPrivileges } from './report/privileges.js';

export interface ScanOptions {
  now: Date;
  config: NhiConfig;
  rules: readonly RuleDefinition[];
  version: string;
  /** Drop the raw provider files once transformed (the CLI does; the snapshot is not reused). */
  releaseSnapshot?: boolean;
  /** Called once the graph is built, before the analysis (the CLI narrows the heap's growth there). */
  afterGraph?: () => void;
  /**
   * Name what each identity holds on its summary (report/privileges.ts), which only the recert
   * sheet shows: a pass over every identity's out-edges (about 0.1 s and 12 MB kept at 10,000
   * identities), which the other formats need not pay. Default true; the CLI asks for it only when
   * it writes the sheet.
   */
  namePrivileges?: boolean;
}

export interface ScanResult {
  report: ScanReport;
  graph: Graph;
  analysis: Analysis;
  /** Per subject id, the rules that answered unknown for it (the report keeps this for identities only). */
  unknownBySubject: ReadonlyMap<string, readonly string[]>;
  /** The rules that ran (those the configuration did not disable). */
  rules: readonly RuleDefinition[];
  /**
   * Per rule id, the options it ran with (configured over defaults): a baseline entry is judged
   * with these, so that a rule's `where` asked again answers as it did in the scan.
   */
  ruleOptions: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** Raw snapshot -> normalized graph: each provider's pure transform, then the cross-provider links. */
export function buildGraph(snapshot: Snapshot, config: NhiConfig, opts: { release?: boolean; timings?: Timings; now?: Date } = {}): Graph {
  try {
    if (snapshot.source === 'live') return buildLiveGraph(snapshot, config, opts);
    return buildGraphOnce(inCollectorForm(snapshot), config, opts);
  } finally {
    // Whatever the AWS transform did not take is not needed any more.
    snapshot.awsAnswers?.close();
  }
}

/**
 * A live collection's graph. A value in a provider's answer that the transforms refuse is not the
 * user's input: its capability is set aside as an error (see {@link setAsideBadValues}). The raw
 * files are kept until the graph is whole, for a second build needs them all; a live scan held
 * them all through its collection anyway.
 */
function buildLiveGraph(snapshot: Snapshot, config: NhiConfig, opts: { release?: boolean; timings?: Timings; now?: Date }): Graph {
  const { graph } = setAsideBadValues(snapshot, config, opts);
  if (opts.release) for (const f of Object.keys(snapshot.files)) delete snapshot.files[f];
  return graph;
}

/**
 * A live collection as the scan uses it: each capability whose answer holds a value the transforms
 * refuse is set aside (setAsideBadValue: an `error` record, a warning, its files left out) and the
 * graph is built again without it, once per such capability (each time a file fewer, so this
 * ends). Any other error is thrown. That is done on a copy of the file list and the manifest: the
 * caller's snapshot keeps the answers as received. Returns the copy with the graph built from it.
 *
 * `collect --out` writes the copy, so that `scan --snapshot` of the folder reads what the live
 * scan read: the same records and warnings, no value it would stop on.
 */
export function setAsideBadValues(snapshot: Snapshot, config: NhiConfig, opts: { timings?: Timings; now?: Date } = {}): { snapshot: Snapshot; graph: Graph } {
  const work: Snapshot = { ...snapshot, files: { ...snapshot.files }, manifest: { ...snapshot.manifest, coverage: [...snapshot.manifest.coverage] } };
  if (snapshot.manifest.warnings) work.manifest.warnings = [...snapshot.manifest.warnings];
  for (;;) {
    try {
      return { snapshot: work, graph: buildGraphOnce(inCollectorForm(work), config, { timings: opts.timings, now: opts.now, release: false }) };
    } catch (e) {
      if (!setAsideBadValue(work, e)) throw e;
    }
  }
}

/**
 * The snapshot with its Okta org URL as the collector writes it. A snapshot read from a folder
 * already is (the manifest check reads it so); one handed to the scan as an object (library use,
 * a live collection) has had no such check, and a bare host kept as given there would name
 * another org than the same snapshot read from disk: other ids, every fingerprint new. The
 * caller's object is not changed; a copy carries the rewritten manifest, sharing the files.
 */
function inCollectorForm(snapshot: Snapshot): Snapshot {
  const manifest = withOktaOrigins(snapshot.manifest, (location, message) => {
    throw new InputError(message, 'manifest', location);
  });
  return manifest === snapshot.manifest ? snapshot : { ...snapshot, manifest };
}

function buildGraphOnce(snapshot: Snapshot, config: NhiConfig, opts: { release?: boolean; timings?: Timings; now?: Date }): Graph {
  const b = new GraphBuilder();
  const has = (prefix: string) => Object.keys(snapshot.files).some((f) => f.startsWith(prefix));
  // With `release`, each provider's raw files are dropped once transformed: on a large estate
  // the parsed JSON is gigabytes, and keeping it alive makes every later collection slower.
  const release = (prefix: string) => {
    if (!opts.release) return;
    for (const f of Object.keys(snapshot.files)) if (f.startsWith(prefix)) delete snapshot.files[f];
  };
  const t = opts.timings;
  timed(t, 'transform:entra', () => {
    if (snapshot.manifest.providers.entra || has('entra/')) transformEntra(snapshot, b, config, { now: opts.now });
    release('entra/');
  });
  timed(t, 'transform:okta', () => {
    if (snapshot.manifest.providers.okta || has('okta/')) transformOkta(snapshot, b, config);
    release('okta/');
  });
  timed(t, 'transform:aws', () => {
    if (snapshot.manifest.providers.aws || has('aws/')) transformAws(snapshot, b, config, { release: opts.release, timings: t });
    release('aws/');
  });
  return timed(t, 'graph:link+index', () => {
    linkProviders(b);
    normalizeServiceAccounts(b, config);
    // Manifest records the transforms did not restate (an AWS account that could not be entered,
    // a whole provider that failed) still belong in the coverage section.
    const graphPreview = new Set<string>();
    for (const c of b.coverageRecords()) graphPreview.add(`${c.provider}|${c.scope}|${c.capability}`);
    const stray = new StrayScopes(snapshot, b);
    // Tenant ids by lower case: a GUID is case-insensitive (see coverageEntry).
    const tenants = new Map(b.scopeIds('entra').map((t) => [t.toLowerCase(), t]));
    snapshot.manifest.coverage.forEach((m, i) => {
      // An Okta record names its org as the transform does (the origin), and an Entra record its
      // tenant as the transform does (its letter case), written however it was.
      const tenant = m.provider === 'entra' ? tenants.get(m.scope.toLowerCase()) : undefined;
      const c = m.provider === 'okta' ? { ...m, scope: oktaOrigin(m.scope) } : tenant !== undefined && tenant !== m.scope ? { ...m, scope: tenant } : m;
      stray.check(c, i);
      if (!graphPreview.has(`${c.provider}|${c.scope}|${c.capability}`)) b.addCoverage(c);
    });
    stray.warn(b);
    for (const w of snapshot.manifest.warnings ?? []) b.warn(w);
    return b.finish();
  });
}

/** How a warning names the scopes of each provider (which it echoes: see shownScope). */
const STRAY_WORDS: Readonly<Record<ProviderName, { label: string; noun: string }>> = {
  entra: { label: 'Entra', noun: 'tenant' },
  okta: { label: 'Okta', noun: 'org' },
  aws: { label: 'AWS', noun: 'account' },
};

/**
 * Coverage records whose scope is no tenant, org or account of the snapshot (an edited tenant id
 * or org URL, a record copied from another snapshot). They gate none of the snapshot's files and
 * are kept as written, but said, once per provider, so that a gap one records is not taken for
 * one of this snapshot. Not stray: `*` (every scope), and the AWS collector's records of what it
 * could not file under an account of the snapshot: `caller` (its identity was not read),
 * `organization` (the account list) and an account it could not enter (its `aws.account` record
 * is not `collected`).
 */
class StrayScopes {
  private readonly found = new Map<ProviderName, string[]>();
  private readonly scopes: Readonly<Record<ProviderName, readonly string[]>>;
  /** `scopes` as sets: every record is checked, and an organization's accounts each have several (a list scan per record grew with the square of the accounts). */
  private readonly known: Readonly<Record<ProviderName, ReadonlySet<string>>>;
  private readonly notEntered = new Set<string>();

  constructor(snapshot: Snapshot, b: GraphBuilder) {
    this.scopes = { entra: b.scopeIds('entra'), okta: b.scopeIds('okta'), aws: b.scopeIds('aws') };
    this.known = { entra: new Set(this.scopes.entra), okta: new Set(this.scopes.okta), aws: new Set(this.scopes.aws) };
    for (const c of snapshot.manifest.coverage) if (c.provider === 'aws' && c.capability === 'aws.account' && c.status !== 'collected') this.notEntered.add(c.scope);
  }

  /** Notes the record at `$.coverage[index]` (its Okta scope already the origin) if it is stray. */
  check(c: CoverageRecord, index: number): void {
    if (!Object.hasOwn(this.known, c.provider) || c.scope === '*' || this.known[c.provider].has(c.scope)) return;
    if (c.provider === 'aws' && (c.scope === 'caller' || c.scope === 'organization' || this.notEntered.has(c.scope))) return;
    const shown = shownScope(c.provider, c.scope);
    let list = this.found.get(c.provider);
    if (!list) this.found.set(c.provider, (list = []));
    list.push(`$.coverage[${index}] (${c.capability}, ${shown})`);
  }

  /** One warning per provider with stray records, in a fixed provider order. */
  warn(b: GraphBuilder): void {
    for (const provider of ['entra', 'okta', 'aws'] as const) {
      const list = this.found.get(provider);
      if (!list) continue;
      const { label, noun } = STRAY_WORDS[provider];
      const own = this.scopes[provider];
      const mine = own.length === 0 ? 'it has none' : own.length > 3 ? `${own.slice(0, 3).join(', ')} and ${own.length - 3} more` : own.join(', ');
      const one = list.length === 1;
      const more = list.length > 5 ? `, and ${list.length - 5} more` : '';
      b.warn(
        `manifest.json: ${list.length} ${label} coverage record${one ? '' : 's'} name${one ? 's' : ''} no ${label} ${noun} of this snapshot (${mine}) and appl${one ? 'ies' : 'y'} to nothing: ${list.slice(0, 5).join(', ')}${more}`,
      );
    }
  }
}

/** The whole offline pipeline: graph, analysis, rules, report data. Pure: the clock is `opts.now`. */
export function scanSnapshot(snapshot: Snapshot, opts: ScanOptions): ScanResult {
  // The clock reaches the graph: a PIM eligibility outside its schedule at `now` grants nothing.
  const graph = buildGraph(snapshot, opts.config, { release: opts.releaseSnapshot, now: opts.now });
  opts.afterGraph?.();
  const analysis = analyze(graph, { now: opts.now, config: opts.config });
  const enabled = opts.rules.filter((r) => !opts.config.disabledRules.includes(r.meta.id));
  const { findings, stats, unknownBySubject, failedRules, options } = runRules(graph, analysis, enabled, { now: opts.now, ruleOptions: opts.config.rules });

  // The inventory: the machine identities, and the users that may be service accounts but whose
  // deciding data was not read. Those stay people in the graph, but an inventory without them
  // would hide them from the review; each is marked unverified and counted apart. One pass over
  // the people, a test of two attributes each.
  const listed = graph
    .ofKind('identity')
    .filter((n) => !n.firstParty)
    .map((n) => n.id);
  for (const n of graph.ofKind('human')) if (serviceAccountUnclassified(n) !== undefined) listed.push(n.id);
  // Id order; the built-in string sort (UTF-16 code units, as `<`) beats a comparator on 100k objects.
  const identities: IdentitySummary[] = listed
    .sort()
    .map((id) => {
      const n = graph.node(id)!;
      return summarizeIdentity(graph, analysis, n, failedRules[graph.indexOf(n)] ?? [], unknownBySubject.get(id), opts.namePrivileges ?? true);
    });

  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  const byOwasp: Record<string, number> = {};
  const byProvider: Record<string, ProviderSummary> = {};
  const prov = (p: string) => (byProvider[p] ??= { identities: 0, evaluated: 0, failing: 0, unknown: 0, findings: 0 });
  for (const s of graph.scopes) prov(s.provider);
  for (const f of findings) {
    bySeverity[f.severity]++;
    prov(f.provider).findings++;
    for (const o of f.owasp) byOwasp[o] = (byOwasp[o] ?? 0) + 1;
  }
  for (const st of stats) {
    for (const [p, c] of Object.entries(st.byProvider)) {
      const s = prov(p);
      s.evaluated += c.evaluated;
      s.failing += c.failing;
      s.unknown += c.unknown;
    }
  }
  const byStrength: Record<StrengthClass, number> = { none: 0, 'shared-secret': 0, 'private-key': 0, federated: 0 };
  const byTier: Record<string, number> = { T0: 0, T1: 0, T2: 0, T3: 0, T4: 0 };
  let possible = 0;
  for (const i of identities) {
    // Not a machine identity until someone confirms it: in no count of machine identities.
    if (i.possibleServiceAccount !== undefined) {
      possible++;
      // Set only once there is one, so a provider without any keeps the bytes it had.
      const p = prov(i.provider);
      p.possibleIdentities = (p.possibleIdentities ?? 0) + 1;
      continue;
    }
    prov(i.provider).identities++;
    byStrength[i.strength]++;
    byTier[`T${i.tier}`]++;
  }

  const report: ScanReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'nhiscan', version: opts.version },
    scannedAt: opts.now.toISOString(),
    snapshot: { source: snapshot.source, collectedAt: snapshot.manifest.collectedAt, ...(snapshot.collectedAtUnknown ? { collectedAtUnknown: true as const } : {}) },
    // The organisation of an AWS account is for the rules and an Okta org's authorization servers
    // for the link stage (the snapshot keeps both): the report's scopes stay as
    // docs/report.schema.json describes them.
    scopes: graph.scopes.map(({ organizationId: _org, authorizationServers: _servers, ...scope }) => scope).sort((a, b) => (a.provider + a.id < b.provider + b.id ? -1 : 1)),
    coverage: [...graph.coverage].sort((a, b) =>
      `${a.provider}|${a.scope}|${a.capability}` < `${b.provider}|${b.scope}|${b.capability}` ? -1 : 1,
    ),
    summary: {
      identities: identities.length - possible,
      // Absent when there is none, so a report with none is the same bytes as before the count.
      ...(possible > 0 ? { possibleIdentities: possible } : {}),
      nodes: graph.size,
      edges: graph.edgeCount,
      findings: findings.length,
      bySeverity,
      byProvider: sortKeys(byProvider),
      byOwasp: sortKeys(byOwasp),
      byStrength,
      byTier,
    },
    rules: stats,
    findings,
    identities,
    warnings: [...graph.warnings],
  };
  return { report, graph, analysis, unknownBySubject, rules: enabled, ruleOptions: options };
}

/** Every unread group, whatever it holds (tierEvidenceMissing's test, answered once per tenant). */
const ANY_UNREAD_GROUP: GroupTest = { key: 'any', test: () => true };

/**
 * The summary of an identity (its node, or its id) whose findings came from `findingIds` (rule
 * ids); `namePrivileges` false leaves out what it holds by name (ScanOptions.namePrivileges).
 */
export function summarizeIdentity(graph: Graph, analysis: Analysis, ref: NodeRef, findingIds: readonly string[], unknownRuleIds?: string[], namePrivileges = true): IdentitySummary {
  const n = graph.node(ref)!;
  const strength = analysis.strength(n);
  // Sorted by type, name and then node id (an Entra secret's key id, an access key's id), only
  // with two or more: most identities hold none or one, and sort() allocated its work arrays for
  // each of them (see sortTexts). Two secrets of one name (a blank or copied display name, common
  // in Entra) keep no order of the provider's listing, so a re-collection lists them alike.
  const held = graph.targets(n, 'HAS_CREDENTIAL');
  const ordered = held.length > 1 ? [...held].sort((a, b) => compareText(a.credentialType ?? a.type, b.credentialType ?? b.type) || compareText(a.name, b.name) || compareText(a.id, b.id)) : held;
  const creds = ordered.map((c) => {
    const entry: IdentitySummary['credentials'][number] = { type: c.credentialType ?? c.type, name: c.name };
    if (c.createdAt !== undefined) entry.createdAt = c.createdAt;
    if (c.expiresAt !== undefined) entry.expiresAt = c.expiresAt;
    if (c.lastUsedAt !== undefined) entry.lastUsedAt = c.lastUsedAt;
    if (c.status !== undefined) entry.status = c.status;
    return entry;
  });
  const owners = analysis.owners(n);
  const summary: IdentitySummary = {
    id: n.id,
    provider: n.provider,
    type: n.type,
    name: n.name,
    nativeId: n.nativeId,
    scope: n.scope,
    // Sorted (name, relation, then id): the providers list owners in no fixed order.
    // Every owner is shown; one that is not a person says so and is not counted as accountable.
    owners: (owners.length > 1 ? [...owners].sort((a, b) => compareText(a.name, b.name) || compareText(a.relation, b.relation) || compareText(a.via ?? '', b.via ?? '') || compareText(a.id, b.id)) : owners).map(({ name, relation, enabled, via, note }) => {
        const o: IdentitySummary['owners'][number] = { name, relation };
        if (enabled !== undefined) o.enabled = enabled;
        if (via !== undefined) o.via = via;
        if (note !== undefined) {
          o.accountable = false;
          o.note = note;
        }
        return o;
      }),
    credentials: creds,
    tier: analysis.tier(n),
    tierReasons: analysis.tierReasons(n),
    autonomy: analysis.autonomy(n),
    autonomyReason: analysis.autonomyReason(n),
    strength: strength.class,
    strengthEvidence: strength.evidence,
    longLivedCredential: strength.longLived,
    crownJewels: analysis.shownCrownJewelPaths(n),
    findingIds: sortTexts(findingIds.slice()),
  };
  // For the recert sheet only: kept out of JSON.stringify (and so of the JSON report) by not being
  // enumerable. One pass over the identity's out-edges, ten entries kept at most.
  if (namePrivileges) {
    const held = heldPrivileges(graph, n);
    // Any unread group counts: the identity may be in it, and it may hold something.
    const notRead = tierEvidenceMissing(graph, n, ANY_UNREAD_GROUP);
    if (notRead !== undefined) held.notRead = notRead;
    Object.defineProperty(summary, 'privileges', { value: held, enumerable: false });
  }
  // A tier computed without some of its evidence is a floor: say so, or T0 reads as harmless.
  const tierMissing = tierLowerBound(graph, analysis, n);
  if (tierMissing !== undefined) {
    summary.tierIncomplete = tierMissing;
    summary.tierReasons = [...summary.tierReasons, lowerBoundReason(summary.tier, tierMissing)];
  }
  if (unknownRuleIds && unknownRuleIds.length > 0) summary.unknownRuleIds = uniqueSortedTexts(unknownRuleIds);
  if (n.enabled !== undefined) summary.enabled = n.enabled;
  if (n.createdAt !== undefined) summary.createdAt = n.createdAt;
  if (ownersIncomplete(graph, n)) summary.ownersIncomplete = true;
  const possible = possibleServiceAccount(n);
  const credentialsMissing = credentialsIncomplete(graph, n, possible !== undefined);
  if (credentialsMissing !== undefined) {
    summary.credentialsIncomplete = credentialsMissing;
    // Strength is that of the weakest credential read, and "none" only says none was read: an
    // unread one may be weaker, or long-lived.
    summary.strengthEvidence = [...summary.strengthEvidence, `credentials not all read (${credentialsMissing}): strength and longLivedCredential judge only those read`];
  }
  if (n.lastUsedAt !== undefined) summary.lastUsedAt = n.lastUsedAt;
  const indirect = indirectUse(graph, n);
  if (indirect.length > 0) summary.indirectUse = indirect;
  if (n.agent) summary.agent = n.agent;
  if (n.machineReasons) summary.machineReasons = n.machineReasons;
  if (possible !== undefined) {
    summary.possibleServiceAccount = possible;
    // The analysis answers for the node as it is modelled; whether a person drives it is the very
    // question left open, so "scheduled" would present a guess as a fact.
    summary.autonomy = 'unknown';
    summary.autonomyReason = 'not known: a service account runs unattended, a person does not, and which this is was not decided';
  }
  return summary;
}

/**
 * For a user that may be a service account but whose deciding data was not read (a person in the
 * graph, judged by the service-account rules with unknowns: rule-kit serviceAccountUnclassified),
 * what was not read, why it is unknown and the signals read; otherwise undefined.
 */
function possibleServiceAccount(n: GraphNode): IdentitySummary['possibleServiceAccount'] {
  if (n.kind !== 'human') return undefined;
  const reason = serviceAccountUnclassified(n);
  if (reason === undefined) return undefined;
  const out: NonNullable<IdentitySummary['possibleServiceAccount']> = { notRead: [...(n.attrs.serviceAccountUnread as string[])], reason };
  const signals = n.attrs.serviceAccountSignals;
  if (Array.isArray(signals) && signals.length > 0) out.signals = signals.map(String);
  return out;
}

/**
 * Use of an identity that its own last use leaves out. Entra counts tokens issued for an app as a
 * resource apart from its own sign-ins (servicePrincipalSignInActivity, Graph beta: the
 * application and delegated *ResourceSignInActivity fields): that is others calling it, which
 * revoking it would break. Okta keeps no last use for a user's API token, and a token only works while the user
 * who created it is active (Okta help, "Manage Okta API tokens"), so the token's estimated use is a
 * use of that user. Sorted, so the report stays byte-identical.
 */
function indirectUse(graph: Graph, n: GraphNode): NonNullable<IdentitySummary['indirectUse']> {
  const out: NonNullable<IdentitySummary['indirectUse']> = [];
  const resource = n.attrs.lastResourceSignInAt;
  if (typeof resource === 'string') out.push({ via: 'resource', name: n.name, lastUsedAt: resource });
  // Only Okta users own API tokens: asking every identity's incoming edges by type groups the
  // edges of each of them (~1 s and more memory on the 100k estate, for nothing).
  if (n.type !== 'okta-user') return out;
  const tokens = graph
    .sources(n, 'ACTS_AS')
    .filter((t) => t.type === 'okta-api-token' && graph.out(t, 'CREATED_BY').some((e) => e.to === n.id))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  for (const t of tokens) {
    const estimate = t.attrs.lastUseEstimate;
    out.push(typeof estimate === 'string' ? { via: 'api-token', name: t.name, lastUsedAt: estimate, estimated: true } : { via: 'api-token', name: t.name, estimated: true });
  }
  return out;
}

/**
 * Whether the data that names an identity's accountable humans was not read, as the owner rules
 * judge it: Entra owner lists (`ownersCollected`), Agent ID sponsor lists (`sponsorsCollected`,
 * and an unsponsored agent identity's blueprint's), Entra managers (`hasManager`), AWS owner tags
 * (`tagsIncomplete`). Okta names a user's manager in the profile and a token's owner on the token.
 */
function ownersIncomplete(graph: Graph, n: GraphNode): boolean {
  if (n.attrs.tagsIncomplete === true) return true;
  // An Agent ID object (agent identity, blueprint principal, blueprint application, typed or
  // not): its owners, the sponsor lists it has, and for an agent identity with no sponsor of its
  // own that answers, its blueprint's (agentSponsorsUnread).
  if (n.type === 'entra-service-principal' || n.type === 'entra-application' || n.type === 'entra-agent-identity') {
    return n.attrs.ownersCollected !== true || agentSponsorsUnread(graph, n);
  }
  if (n.type === 'entra-user') return n.attrs.hasManager === undefined;
  return false;
}

/**
 * What of an identity's credentials was not read, as the credential rules judge it: the federated
 * credentials of an Entra app registration (entraFicsUnread), an Okta service app's secrets and
 * keys or an IAM user's credential report row (credentialsUnread), else undefined.
 * `possibleServiceAccount`: `n` is a user that may be one (see possibleServiceAccount).
 */
function credentialsIncomplete(graph: Graph, n: GraphNode, possibleServiceAccount: boolean): string | undefined {
  // A user is given its password as a credential once it is known to be a service account: until
  // then the list is empty for want of a decision, not for want of a password.
  if (n.kind === 'human') return possibleServiceAccount ? 'its password is not listed: it is not known to be a service account' : undefined;
  if (n.provider === 'entra' && entraFicsUnread(graph, n)) return 'federated credentials not read';
  return credentialsUnread(n);
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
