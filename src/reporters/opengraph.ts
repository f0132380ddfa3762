import type { Graph } from '../graph/graph.js';
import type { GraphEdge, GraphNode } from '../graph/model.js';
import type { Analysis } from '../analysis/types.js';
import { jsonChunks } from './json-chunks.js';
import { cutLine, safeJsonText } from './sanitize.js';
import { compareText } from '../compare.js';
import { tierLowerBound } from '../rule-kit.js';

/** BloodHound OpenGraph property values: primitives or homogeneous arrays of primitives (no null, no objects). */
export type OgValue = string | number | boolean | string[] | number[] | boolean[];

export interface OgNode {
  id: string;
  kinds: string[];
  properties: Record<string, OgValue>;
}

export interface OgEdge {
  start: { value: string; match_by: 'id' };
  end: { value: string; match_by: 'id' };
  kind: string;
  properties: Record<string, OgValue>;
}

export interface OpenGraphDocument {
  graph: { nodes: OgNode[]; edges: OgEdge[] };
  metadata: { source_kind: string };
}

/** Added by BloodHound to every node of this upload, so all nhiscan data can be selected or cleared together. */
export const SOURCE_KIND = 'NHI_Base';
const PREFIX = 'NHI_';
const MAX_STRING = 2000;
/**
 * Where the whole of a cut value is. Only text from the provider gets this long (a description,
 * a policy, a name), and every property is that text or quotes it: the snapshot holds it whole.
 */
const WHOLE = 'the snapshot this export was made from';

// Kept as is: printable ASCII that upper-casing leaves alone and that is not itself an escape,
// i.e. everything from U+0020 to U+007E except A-Z, `%` (percent escape), `:` and `^` (case marker).
const ID_ESCAPED = /[^\x20-\x24\x26-\x39\x3b-\x40\x5b-\x5d\x5f-\x7e]/gu;
const ID_ESCAPES = /\^([A-Za-z])|%[uU]([0-9A-Fa-f]{4})|((?:%[0-9A-Fa-f]{2})+)|([A-Z])/g;

/**
 * Node ids without colons, mapped one-to-one, and still one-to-one after BloodHound CE upper-cases
 * them on ingest (it stores object ids upper-case, so `role/Deploy` and `role/deploy` would
 * otherwise become one node):
 * - an upper-case ASCII letter becomes `^` and the letter in lower case (`D` -> `^d`);
 * - `%`, `:`, `^`, control characters and every non-ASCII character are percent-encoded as UTF-8
 *   (upper-case hex), so no character is left whose case mapping could change or merge it
 *   (`é`/`É`, `ß` -> `SS`); a lone UTF-16 surrogate, which UTF-8 cannot hold, becomes `%uXXXX`.
 * The result is printable ASCII; {@link fromOpenGraphId} recovers the original from it or from its
 * upper-cased form (the original is also kept as `nhi_id`). Lower-case ids only lose their colons.
 */
export function openGraphId(id: string): string {
  return id.replace(ID_ESCAPED, (c) => {
    const code = c.charCodeAt(0);
    if (code >= 0x41 && code <= 0x5a) return `^${c.toLowerCase()}`;
    if (c.length === 1 && code >= 0xd800 && code <= 0xdfff) return `%u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return encodeURIComponent(c);
  });
}

/** The nhiscan id an {@link openGraphId} came from, also when BloodHound has upper-cased it. */
export function fromOpenGraphId(ogId: string): string {
  return ogId.replace(ID_ESCAPES, (_m, marked: string | undefined, unit: string | undefined, bytes: string | undefined, plain: string | undefined) => {
    if (marked !== undefined) return marked.toUpperCase();
    if (unit !== undefined) return String.fromCharCode(parseInt(unit, 16));
    if (bytes !== undefined) return decodeURIComponent(bytes);
    // A plain letter is upper-case only because the id was upper-cased after export.
    return plain!.toLowerCase();
  });
}

/** `aws-iam-role` -> `NHI_AwsIamRole`, `CAN_ASSUME` -> `NHI_CanAssume`. */
export function openGraphKind(name: string): string {
  const pascal = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
  return `${PREFIX}${pascal || 'Unknown'}`;
}

/**
 * A string property, made safe, and past MAX_STRING cut with a note naming the property (`what`),
 * how long it was, and where it is whole, as the human-readable outputs cut (`cutLine`): a graph
 * analyst otherwise takes the cut value for the whole one.
 */
function str(v: unknown, what: string): string {
  return cutLine(v, MAX_STRING, what, WHOLE);
}

/** Flattens one value into `props[key]`, dropping what OpenGraph cannot hold. */
function put(props: Record<string, OgValue>, key: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'string') props[key] = str(v, key);
  else if (typeof v === 'number') {
    if (Number.isFinite(v)) props[key] = v;
  } else if (typeof v === 'boolean') props[key] = v;
  else if (Array.isArray(v)) {
    const items = v.filter((x) => x !== null && x !== undefined);
    if (items.length === 0) return;
    // Arrays must be homogeneous primitives; anything else becomes an array of strings.
    if (items.every((x) => typeof x === 'number' && Number.isFinite(x))) props[key] = items as number[];
    else if (items.every((x) => typeof x === 'boolean')) props[key] = items as boolean[];
    else props[key] = items.map((x) => (typeof x === 'object' ? str(JSON.stringify(x), key) : str(x, key)));
  } else if (typeof v === 'object') {
    props[key] = str(JSON.stringify(v), key);
  }
}

/** Sort key of one canonical value: its type first, so that `1` and `"1"` never tie. */
function orderKey(v: unknown): string {
  return `${typeof v}:${typeof v === 'string' ? v : JSON.stringify(v)}`;
}

/**
 * A node's value with every array sorted and every object's keys sorted, all the way down.
 * Providers list policies, tags, service principal names, factors and client ids in an order of
 * their own (and not always the same one), so copying that order made the same estate export
 * different bytes. Only for values that came from the provider: nhiscan's own lists (machine and
 * agent reasons) keep the order nhiscan gives them, since findings quote the first.
 */
function unordered(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(unordered);
    if (items.every((x) => typeof x === 'number')) return (items as number[]).sort((a, b) => a - b);
    const keys = items.map(orderKey);
    return items.map((_, i) => i).sort((a, b) => compareText(keys[a], keys[b])).map((i) => items[i]);
  }
  if (v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort(compareText).map((k) => [k, unordered(o[k])]));
  }
  return v;
}

function nodeProperties(graph: Graph, n: GraphNode, id: string, analysis: Analysis | undefined): Record<string, OgValue> {
  const p: Record<string, OgValue> = {};
  put(p, 'name', n.name);
  put(p, 'displayname', n.name);
  // BloodHound skips a node whose objectid property is not its id (case aside): same value as id.
  p.objectid = id;
  put(p, 'nhi_id', n.id);
  put(p, 'nhi_kind', n.kind);
  put(p, 'nhi_type', n.type);
  put(p, 'provider', n.provider);
  put(p, 'nativeid', n.nativeId);
  put(p, 'scope', n.scope);
  put(p, 'enabled', n.enabled);
  put(p, 'createdat', n.createdAt);
  put(p, 'lastusedat', n.lastUsedAt);
  // null means "collected, and there is none": keep that fact, since null itself is not allowed.
  if (n.lastUsedAt === null) p.neverused = true;
  put(p, 'expiresat', n.expiresAt);
  if (n.expiresAt === null) p.noexpiry = true;
  put(p, 'tags', unordered(n.tags));
  put(p, 'credentialtype', n.credentialType);
  put(p, 'status', n.status);
  put(p, 'federation_issuer', n.federation?.issuer);
  put(p, 'federation_subject', n.federation?.subject);
  put(p, 'federation_subjectmatch', n.federation?.subjectMatch);
  put(p, 'federation_audiences', unordered(n.federation?.audiences));
  put(p, 'machinereasons', n.machineReasons);
  put(p, 'agent_confidence', n.agent?.confidence);
  put(p, 'agent_reasons', n.agent?.reasons);
  put(p, 'thirdparty_ownerscope', n.thirdParty?.ownerScope);
  put(p, 'thirdparty_verifiedpublisher', n.thirdParty?.verifiedPublisher);
  put(p, 'firstparty', n.firstParty);
  put(p, 'crownjewel', n.crownJewel);
  put(p, 'privilegetier', n.tier);
  if (analysis && n.kind === 'identity') {
    put(p, 'capabilitytier', analysis.tier(n.id));
    // What was not read when the tier is only a lower bound (absent when it is exact).
    put(p, 'capabilitytierincomplete', tierLowerBound(graph, analysis, n));
    put(p, 'autonomy', analysis.autonomy(n.id));
    const s = analysis.strength(n.id);
    put(p, 'strength', s.class);
    put(p, 'longlivedcredential', s.longLived);
  }
  for (const k of Object.keys(n.attrs).sort()) put(p, `attr_${k.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase()}`, unordered(n.attrs[k]));
  return p;
}

const evidenceKey = (k: string) => `evidence_${k.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase()}`;

/**
 * One OpenGraph edge for all nhiscan edges of one kind between the same two nodes (BloodHound
 * keeps one edge per start, end and kind, so separate ones would overwrite each other). `group`
 * is in export order (by reason); `reason`, `nhi_type` and the `evidence_*` properties are the
 * first edge's, `reasons` and `count` cover them all, and parallel edges (count > 1) also get
 * `hiddens`, `conditionals` and `evidences` (evidence as JSON), one entry per edge, in the same order.
 */
function edgeProperties(group: readonly GraphEdge[]): Record<string, OgValue> {
  const [first] = group;
  const p: Record<string, OgValue> = {};
  put(p, 'reason', first.reason);
  // Not put(): an empty reason must still keep its place, so the arrays stay aligned.
  p.reasons = group.map((e) => str(e.reason, 'reason'));
  p.count = group.length;
  // Hidden if any one is: the provider's access-review screens miss at least one way this access
  // exists. Conditional only if every one is: one unconditional edge makes the access hold.
  p.hidden = group.some((e) => e.hidden === true);
  p.conditional = group.every((e) => e.conditional === true);
  put(p, 'nhi_type', first.type);
  for (const k of Object.keys(first.evidence ?? {}).sort()) put(p, evidenceKey(k), first.evidence![k]);
  if (group.length > 1) {
    p.hiddens = group.map((e) => e.hidden === true);
    p.conditionals = group.map((e) => e.conditional === true);
    p.evidences = group.map((e) => str(JSON.stringify(e.evidence ?? {}), 'evidence'));
  }
  return p;
}

/**
 * The normalized graph as a BloodHound OpenGraph upload: prefixed kinds (type first, since the
 * first kind picks the icon, then the provider-neutral kind), colon-free ids, flat properties.
 * Sorted by id so the same graph gives the same bytes.
 */
export function toOpenGraph(graph: Graph, analysis?: Analysis): OpenGraphDocument {
  // Each id is encoded once, with its node: edge ends look it up (a million grants is a normal estate).
  const ogIds = new Map<string, string>();
  const ogId = (id: string): string => ogIds.get(id) ?? openGraphId(id);
  const nodes: OgNode[] = [...graph.nodes.values()]
    .sort((a, b) => compareText(a.id, b.id))
    .map((n) => {
      const id = openGraphId(n.id);
      ogIds.set(n.id, id);
      return { id, kinds: [...new Set([openGraphKind(n.type), openGraphKind(n.kind)])], properties: nodeProperties(graph, n, id, analysis) };
    });
  // Sort keys are built once per edge, not once per comparison. The group key cannot be
  // ambiguous: encoded ids hold no control character, and kinds are letters and digits.
  const keyed = [...graph.edges()].map((e) => {
    const start = ogId(e.from);
    const end = ogId(e.to);
    const kind = openGraphKind(e.type);
    return { key: `${start}\u0000${end}\u0000${kind}`, start, end, kind, edge: e };
  });
  // (start, end, kind, reason) is unique in the graph, so this order does not depend on the
  // order edges were added in: the same graph gives the same bytes.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.edge.reason < b.edge.reason ? -1 : a.edge.reason > b.edge.reason ? 1 : 0));
  // One pass, one map lookup per edge; the map keeps the sorted order of each group's first edge.
  const groups = new Map<string, { start: string; end: string; kind: string; edges: GraphEdge[] }>();
  for (const k of keyed) {
    const group = groups.get(k.key);
    if (group) group.edges.push(k.edge);
    else groups.set(k.key, { start: k.start, end: k.end, kind: k.kind, edges: [k.edge] });
  }
  const edges: OgEdge[] = [];
  for (const g of groups.values()) {
    edges.push({ start: { value: g.start, match_by: 'id' }, end: { value: g.end, match_by: 'id' }, kind: g.kind, properties: edgeProperties(g.edges) });
  }
  return { graph: { nodes, edges }, metadata: { source_kind: SOURCE_KIND } };
}

/**
 * The upload as text, in chunks of at most one node or edge each, so that an estate whose graph
 * is longer than the longest string V8 allows (~512 MB; about 100,000 identities) can be written.
 */
export function* renderOpenGraphChunks(graph: Graph, analysis?: Analysis): Generator<string> {
  // graph.nodes and graph.edges sit at depth 2; each node or edge below them is stringified whole.
  for (const c of jsonChunks(toOpenGraph(graph, analysis), 0, 3)) yield safeJsonText(c);
  yield '\n';
}

/** The same bytes as {@link renderOpenGraphChunks}, as one string (small graphs, tests). */
export function renderOpenGraph(graph: Graph, analysis?: Analysis): string {
  return [...renderOpenGraphChunks(graph, analysis)].join('');
}
