import type { CoverageRecord, CoverageStatus } from '../snapshot/types.js';
import type { EdgeType, GraphEdge, GraphNode, NodeKind, ScopeInfo } from './model.js';

const EMPTY: readonly GraphEdge[] = Object.freeze([]);

/**
 * A node, or its id. Given the node object itself, lookups go straight to its slot (a hidden
 * property set when the graph is built) instead of hashing the id into a table of hundreds of
 * thousands of entries; the rules and the analysis ask about their subject node many times.
 */
export type NodeRef = GraphNode | string;

/**
 * The base of {@link SlotField}: its constructor returns the object it is given, so the subclass's
 * private field is added to that object (a node) instead of to a new instance.
 */
class Stamp {
  constructor(target: object) {
    return target as Stamp;
  }
}

/**
 * Where a built graph keeps a node's slot: a private field added to the node object, which JSON,
 * key lists, for..in, spreads and test equality never see. A lookup still trusts it only for the
 * very node object it was set on, in the graph that set it. It was a non-enumerable symbol
 * property set with Object.defineProperty, a runtime call of about 0.45 us per node (89 ms for
 * 200,000 nodes, main-thread CPU, against 21 ms for the field); reads cost the same.
 */
class SlotField extends Stamp {
  #slot: Slot;

  private constructor(node: GraphNode, slot: Slot) {
    super(node);
    this.#slot = slot;
  }

  static set(node: GraphNode, slot: Slot): void {
    // A field is added once per object; an object given again (no caller does) is updated.
    if (#slot in node) (node as unknown as SlotField).#slot = slot;
    else new SlotField(node, slot);
  }

  static get(node: GraphNode): Slot | undefined {
    return #slot in node ? (node as unknown as SlotField).#slot : undefined;
  }
}

/**
 * The normalized NHI graph: immutable once built, indexed for O(1) lookups by id, by type and
 * by edge direction, so that rules and path search never scan the whole edge list.
 */
export class Graph {
  /** Made on first ask (see {@link nodes}). */
  private nodeMap: Map<string, GraphNode> | undefined = undefined;
  readonly coverage: readonly CoverageRecord[];
  readonly scopes: readonly ScopeInfo[];
  /** Problems met while building (dangling references, duplicate ids); shown as warnings. */
  readonly warnings: readonly string[];
  /**
   * Per id, the node's place in node order ({@link indexOf}; -1 or past the end for none): one
   * lookup answers node, out and in. The builder's own id table when it hands it over
   * ({@link GraphBuilder.finish}), else a table of the slots.
   */
  private readonly byId: ReadonlyMap<string, { readonly index: number }>;
  /** The slots in node order: a node's index (see {@link indexOf}) is its place here. */
  private readonly slotList: Slot[] = [];
  /** Nodes with outgoing edges, in the order of their first one: the order {@link edges} yields. */
  private readonly sourcesInOrder: Slot[] = [];
  private readonly typeIndex: Map<string, GraphNode[]>;
  private readonly kindIndex: Map<NodeKind, GraphNode[]>;
  /** Per provider and scope (`provider\u0000scope`), the records by capability. */
  private readonly coverageIndex: Map<string, Map<string, CoverageRecord>>;
  /** The last scope asked for: rules ask about one scope's subjects in a row. */
  private lastCoverage: { provider: string; scope: string; records: Map<string, CoverageRecord> | undefined } = { provider: '', scope: '', records: undefined };
  readonly edgeCount: number;

  /**
   * From {@link GraphBuilder.build}: the nodes in order, the edges, and for edge `i` the index
   * of its source at `ends[2i]` and of its target at `ends[2i + 1]` (-1 when no such node), so
   * that no edge end is looked up by id here.
   */
  constructor(
    nodeList: readonly GraphNode[],
    edges: readonly GraphEdge[],
    ends: Int32Array,
    coverage: CoverageRecord[],
    scopes: ScopeInfo[],
    warnings: string[],
    /** Each node's place in `nodeList` by its id, when the caller has that table already. */
    byId?: ReadonlyMap<string, { readonly index: number }>,
  ) {
    this.coverage = coverage;
    this.scopes = scopes;
    this.warnings = warnings;
    const own = byId === undefined ? new Map<string, Slot>() : undefined;
    this.byId = byId ?? own!;
    this.typeIndex = new Map();
    this.kindIndex = new Map();
    for (const n of nodeList) {
      const slot = new Slot(n, this, this.slotList.length);
      own?.set(n.id, slot);
      this.slotList.push(slot);
      SlotField.set(n, slot);
      push(this.typeIndex, n.type, n);
      push(this.kindIndex, n.kind, n);
    }
    const slotList = this.slotList;
    // Each node's edge lists are made at their final length: grown by push from empty, every
    // list kept room for 16 more entries, and most nodes have one or two edges each way.
    const outDegree = new Int32Array(slotList.length);
    const inDegree = new Int32Array(slotList.length);
    for (let i = 0; i < edges.length; i++) {
      const fi = ends[2 * i];
      const ti = ends[2 * i + 1];
      if (fi < 0 || ti < 0) continue;
      outDegree[fi]++;
      inDegree[ti]++;
    }
    for (let k = 0; k < slotList.length; k++) {
      if (outDegree[k] > 0) slotList[k].out = new Adjacency(outDegree[k]);
      if (inDegree[k] > 0) slotList[k].in = new Adjacency(inDegree[k]);
    }
    // From here the degrees count the edges placed so far.
    outDegree.fill(0);
    inDegree.fill(0);
    let kept = 0;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      const fi = ends[2 * i];
      const ti = ends[2 * i + 1];
      if (fi < 0 || ti < 0) {
        warnings.push(`dangling ${e.type} edge ${e.from} -> ${e.to} dropped (one end was not found)`);
        continue;
      }
      const from = slotList[fi];
      const to = slotList[ti];
      // The node's own id string (an edge may have named its end before the node was added).
      e.from = from.node.id;
      e.to = to.node.id;
      const o = outDegree[fi]++;
      if (o === 0) this.sourcesInOrder.push(from);
      from.out.put(o, e, ti);
      to.in.put(inDegree[ti]++, e, fi);
      kept++;
    }
    this.edgeCount = kept;
    this.coverageIndex = new Map();
    for (const c of coverage) {
      const key = coverageKey(c.provider, c.scope);
      let records = this.coverageIndex.get(key);
      if (!records) this.coverageIndex.set(key, (records = new Map()));
      // A later record of the same capability replaces an earlier one, as it always has.
      records.set(c.capability, c);
    }
  }

  /**
   * Every node by id, in node order. Made when first asked for: the scan itself finds nodes
   * through their slots, and a second table of every id (200,000 insertions at 100k, about 10 MB
   * kept for the whole scan) was only read by a few reporters and tests.
   */
  get nodes(): ReadonlyMap<string, GraphNode> {
    if (this.nodeMap === undefined) {
      const nodes = new Map<string, GraphNode>();
      for (let i = 0; i < this.slotList.length; i++) nodes.set(this.slotList[i].node.id, this.slotList[i].node);
      this.nodeMap = nodes;
    }
    return this.nodeMap;
  }

  /** The slot of a node of this graph, by node object (no hashing) or by id. */
  private slotOf(ref: NodeRef): Slot | undefined {
    if (typeof ref === 'string') return this.slotById(ref);
    const slot = SlotField.get(ref);
    // A node object of another graph, a copy, or one not from a graph at all is looked up by its id.
    return slot !== undefined && slot.node === ref && slot.graph === this ? slot : this.slotById(ref.id);
  }

  private slotById(id: string): Slot | undefined {
    const at = this.byId.get(id);
    // An id the builder saw only as an edge end has no node (index -1).
    return at === undefined || at.index < 0 ? undefined : this.slotList[at.index];
  }

  node(ref: NodeRef): GraphNode | undefined {
    return this.slotOf(ref)?.node;
  }

  out(ref: NodeRef, type?: EdgeType): readonly GraphEdge[] {
    const slot = this.slotOf(ref);
    if (!slot) return EMPTY;
    return type ? ofEdgeType(slot.out, type) : slot.out.all;
  }

  in(ref: NodeRef, type?: EdgeType): readonly GraphEdge[] {
    const slot = this.slotOf(ref);
    if (!slot) return EMPTY;
    return type ? ofEdgeType(slot.in, type) : slot.in.all;
  }

  /**
   * The nodes at the far end of a node's outgoing edges of one type, in edge order. Computed once
   * per node and type: many rules ask for the same identity's credentials. Frozen: copy to sort.
   */
  targets(ref: NodeRef, type: EdgeType): readonly GraphNode[] {
    const slot = this.slotOf(ref);
    return slot ? endsOf(this.slotList, slot.out, type) : EMPTY_NODES;
  }

  /** The nodes at the near end of a node's incoming edges of one type, in edge order (see {@link targets}). */
  sources(ref: NodeRef, type: EdgeType): readonly GraphNode[] {
    const slot = this.slotOf(ref);
    return slot ? endsOf(this.slotList, slot.in, type) : EMPTY_NODES;
  }

  /**
   * For the analysis: every node has an index, 0 to `size - 1` in node order, so per-node results
   * can live in arrays. -1 for a node not in the graph.
   */
  indexOf(ref: NodeRef): number {
    return this.slotOf(ref)?.index ?? -1;
  }

  get size(): number {
    return this.slotList.length;
  }

  nodeAt(index: number): GraphNode {
    return this.slotList[index].node;
  }

  /** Incoming edges of the node at `index`, and the index of each edge's source, position by position. */
  inAt(index: number): { edges: readonly GraphEdge[]; from: readonly number[] } {
    const adj = this.slotList[index].in;
    return { edges: adj.all, from: adj.far };
  }

  /** Outgoing edges of the node at `index`, and the index of each edge's target, position by position. */
  outAt(index: number): { edges: readonly GraphEdge[]; to: readonly number[] } {
    const adj = this.slotList[index].out;
    return { edges: adj.all, to: adj.far };
  }

  ofType(type: string): readonly GraphNode[] {
    return this.typeIndex.get(type) ?? [];
  }

  ofKind(kind: NodeKind): readonly GraphNode[] {
    return this.kindIndex.get(kind) ?? [];
  }

  *edges(): Iterable<GraphEdge> {
    for (const slot of this.sourcesInOrder) yield* slot.out.all;
  }

  /**
   * Whether a capability was read for a scope. A scope with no record at all was not collected:
   * absence of evidence is never read as evidence of absence.
   */
  capability(provider: string, scope: string, capability: string): CoverageStatus {
    return this.coverageRecord(provider, scope, capability)?.status ?? 'not-collected';
  }

  coverageRecord(provider: string, scope: string, capability: string): CoverageRecord | undefined {
    const last = this.lastCoverage;
    if (last.provider !== provider || last.scope !== scope) {
      this.lastCoverage = { provider, scope, records: this.coverageIndex.get(coverageKey(provider, scope)) };
    }
    return this.lastCoverage.records?.get(capability);
  }
}

const EMPTY_NODES: readonly GraphNode[] = Object.freeze([]);

/** Above this many edges, a node's list (or its group of one type) grows as it is filled (see groupByType). */
const PREALLOCATE_MAX = 4096;

/**
 * One node's edges in one direction; grouped by type (and their far ends resolved) on the first
 * typed ask. Nodes without edges that way share {@link NO_EDGES} instead of an object each. The
 * groups are parallel arrays searched linearly, not a Map per node: there are at most a dozen
 * edge types, and a Map for each of hundreds of thousands of nodes cost more than it saved.
 */
class Adjacency {
  readonly all: GraphEdge[];
  /** The index of each edge's other end, position by position with `all`. */
  readonly far: number[];
  types: readonly EdgeType[] | undefined = undefined;
  // The groups are made with `types`, on the first typed ask: three empty arrays for each of the
  // ~400,000 adjacencies of a 100k estate, most never asked by type, were ~38 MB that every
  // young-generation collection of the build copied. With edges of one type only, `lists` and
  // `farLists` stay undefined: the one group is `all` and `far`.
  lists: GraphEdge[][] | undefined = undefined;
  /** Per type, the index of each edge's other end (as `far`, grouped like `lists`). */
  farLists: number[][] | undefined = undefined;
  /** Per type, the far-end nodes once asked for (see endsOf). */
  ends: (readonly GraphNode[] | undefined)[] | undefined = undefined;

  /** Room for `size` edges, filled in order by {@link put} (a large list grows instead: see PREALLOCATE_MAX). */
  constructor(size: number) {
    const n = size <= PREALLOCATE_MAX ? size : 0;
    this.all = new Array(n);
    this.far = new Array(n);
  }

  /** Places the `k`-th edge (0, 1, 2, ... in turn) and the index of its other end. */
  put(k: number, e: GraphEdge, far: number): void {
    this.all[k] = e;
    this.far[k] = far;
  }
}

const NO_EDGES: Adjacency = Object.freeze(new Adjacency(0)) as Adjacency;

class Slot {
  out: Adjacency = NO_EDGES;
  in: Adjacency = NO_EDGES;
  constructor(
    readonly node: GraphNode,
    readonly graph: Graph,
    readonly index: number,
  ) {}
}

/** Position of `type` in the node's groups (grouping on first use), or -1. */
function typeSlot(adj: Adjacency, type: EdgeType): number {
  return (adj.types ?? groupByType(adj)).indexOf(type);
}


/**
 * Groups a node's edges by type, each array made at its final length. Grown by push, every
 * array kept room for 16 more entries, and most nodes have one or two edges: the groups of the
 * 100k-identity graph took 284 MB (now 83 MB), which the rules allocated and the collector
 * copied (rules stage CPU 7.8 -> 7.0 s on the loaded test VM). A node whose edges are all of one
 * type uses its lists as they are. Returns the node's types (frozen when shared).
 */
function groupByType(adj: Adjacency): readonly EdgeType[] {
  const { all, far } = adj;
  // Most nodes have edges of one type only: they keep no groups (`lists` stays undefined) and
  // share one list of types, found without making any array.
  const first = all[0].type;
  let k = 1;
  while (k < all.length && all[k].type === first) k++;
  if (k === all.length) return (adj.types = soleType(first));
  const types: EdgeType[] = [];
  const counts: number[] = [];
  for (let k = 0; k < all.length; k++) {
    const i = types.indexOf(all[k].type);
    if (i >= 0) counts[i]++;
    else {
      types.push(all[k].type);
      counts.push(1);
    }
  }
  const lists: GraphEdge[][] = new Array(types.length);
  const farLists: number[][] = new Array(types.length);
  for (let i = 0; i < types.length; i++) {
    // The engine makes a large preallocated array sparse (slow to read): those grow instead.
    const n = counts[i] <= PREALLOCATE_MAX ? counts[i] : 0;
    lists[i] = new Array(n);
    farLists[i] = new Array(n);
    counts[i] = 0;
  }
  for (let k = 0; k < all.length; k++) {
    const i = types.indexOf(all[k].type);
    lists[i][counts[i]] = all[k];
    farLists[i][counts[i]++] = far[k];
  }
  adj.lists = lists;
  adj.farLists = farLists;
  adj.ends = new Array(types.length).fill(undefined);
  adj.types = types.slice();
  return adj.types;
}

/** Per edge type, the frozen list of just that type that the nodes with edges of one type share. */
const SOLE_TYPES = new Map<EdgeType, readonly EdgeType[]>();

function soleType(type: EdgeType): readonly EdgeType[] {
  let types = SOLE_TYPES.get(type);
  if (types === undefined) SOLE_TYPES.set(type, (types = Object.freeze([type])));
  return types;
}

/** The edges of one node of one type, in insertion order: typed lookups on a node with thousands of edges stay O(1). */
function ofEdgeType(adj: Adjacency, type: EdgeType): readonly GraphEdge[] {
  if (adj === NO_EDGES) return EMPTY;
  const i = typeSlot(adj, type);
  return i < 0 ? EMPTY : adj.lists === undefined ? adj.all : adj.lists[i];
}

/** The nodes at the other end of a node's edges of one type, from the indexes kept with the edges (no lookup by id). */
function endsOf(slotList: readonly Slot[], adj: Adjacency, type: EdgeType): readonly GraphNode[] {
  if (adj === NO_EDGES) return EMPTY_NODES;
  const i = typeSlot(adj, type);
  if (i < 0) return EMPTY_NODES;
  // One type only: one list of ends, kept from the first ask.
  const ends = (adj.ends ??= [undefined]);
  let list = ends[i];
  if (list === undefined) {
    list = Object.freeze((adj.farLists === undefined ? adj.far : adj.farLists[i]).map((j) => slotList[j].node));
    ends[i] = list;
  }
  return list;
}

function coverageKey(provider: string, scope: string): string {
  return `${provider}\u0000${scope}`;
}

/**
 * The same text as one flat string. Reasons are built by concatenation: kept as a tree of
 * pieces, each of the million edges would hold several small string objects for its life.
 * Converting to a number flattens the string in place (the result is ignored), and the garbage
 * collector then drops the tree for the flat copy.
 */
function flat(s: string): string {
  void Number(s);
  return s;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Up to this many edges from one source, duplicates are found by a scan of its list; above, through an index by target. */
const SMALL_OUT = 16;
/** Up to this many edges between the same two nodes, by a scan; above, by a key of type and reason. */
const PARALLEL_LIST = 8;

function parallelKey(e: GraphEdge): string {
  return `${e.type}\u0000${e.reason}`;
}

/**
 * Where the builder keeps, on each node object it stored, that node's {@link Entry}, so that an
 * edge end given as the node finds its entry without hashing an id string. A symbol key: JSON,
 * key lists and for..in never see it. It is set by plain assignment, so a spread or
 * Object.assign copies it; the copy is not trusted (see entryOf). Made non-enumerable with
 * Object.defineProperty instead, it cost about 1.5 us per node (0.2-0.3 s of CPU for the
 * 200,000 nodes of a 100k-identity estate), as much as the lookups it saves.
 */
const ENTRY = Symbol('nhiscan.entry');

/**
 * An edge for {@link GraphBuilder.addEdge}: each end an id, or a node object (best the one
 * addNode returned, which skips the lookup by id). The edge added always holds the id strings.
 */
export interface EdgeInput extends Omit<GraphEdge, 'from' | 'to'> {
  from: NodeRef;
  to: NodeRef;
}

/**
 * What the builder knows of one id: its node once added, and the edges from it (to find
 * duplicates). An edge may name an id before its node is added, or one never added (dangling).
 */
class Entry {
  node: GraphNode | undefined = undefined;
  /** The node's place in node order, -1 until it is added. */
  index = -1;
  /** Edges from this id: a short list, or by target once long. */
  out: GraphEdge[] | Map<Entry, GraphEdge[] | Set<string>> | undefined = undefined;
  constructor(readonly id: string) {}
}

/** Collects nodes and edges from the transforms, then freezes them into a {@link Graph}. */
export class GraphBuilder {
  /**
   * Every id seen, as node or as edge end: one lookup finds the node and its edges. Edges keep
   * the entry's id string, so equal ids built again and again by the transforms (a privilege id
   * per grant) die young instead of living in the edge until the graph is built.
   */
  private readonly entries = new Map<string, Entry>();
  /** The entries with a node, in the order the nodes were first added. */
  private readonly nodeOrder: Entry[] = [];
  private readonly edges: GraphEdge[] = [];
  /** The source and target entry of each edge, position by position with `edges` (2 per edge). */
  private edgeEnds: Entry[] = [];
  private readonly coverage: CoverageRecord[] = [];
  private readonly scopes: ScopeInfo[] = [];
  /** `provider\nid` of each of `scopes`. */
  private readonly scopeKeys = new Set<string>();
  private readonly warnings: string[] = [];
  /** The source entry of the last edge added. */
  private lastSource: Entry | undefined = undefined;
  /** Set by {@link finish}: the entries no longer hold nodes or edges. */
  private finished = false;

  /** The entry of an id, made on first sight (its id a flat copy: see {@link flat}). */
  private entry(id: string): Entry {
    let e = this.entries.get(id);
    if (e === undefined) {
      e = new Entry(flat(id));
      this.entries.set(e.id, e);
    }
    return e;
  }

  /**
   * The entry of an edge end. A node object this builder stored carries its entry (see
   * {@link ENTRY}); it is trusted only when that entry holds this very object in this builder's
   * node order, so a node of another builder, a copy, or an object handed to a merging addNode
   * is looked up by its id, as an id string would be.
   */
  private entryOf(ref: NodeRef): Entry {
    if (typeof ref === 'string') return this.entry(ref);
    const e = (ref as unknown as Record<symbol, Entry | undefined>)[ENTRY];
    return e !== undefined && e.node === ref && this.nodeOrder[e.index] === e ? e : this.entry(ref.id);
  }

  /**
   * Adds a node. A second node with the same id is merged field by field (the first value wins
   * where both are set), so transforms may add a placeholder (e.g. an owner only known by id)
   * and the full object later. Returns the builder's node of that id: given as an edge end, it
   * is found without a lookup by id.
   */
  addNode(node: GraphNode): GraphNode {
    if (this.finished) throw new Error('GraphBuilder.addNode after finish()');
    const entry = this.entry(node.id);
    const existing = entry.node;
    if (existing === undefined) {
      entry.node = node;
      entry.index = this.nodeOrder.length;
      this.nodeOrder.push(entry);
      // A frozen node (none of the transforms make one) is simply found by its id.
      if (Object.isExtensible(node)) (node as unknown as Record<symbol, Entry>)[ENTRY] = entry;
      return node;
    }
    mergeInto(existing, node);
    return existing;
  }

  hasNode(id: string): boolean {
    return this.entries.get(id)?.node !== undefined;
  }

  getNode(id: string): GraphNode | undefined {
    return this.entries.get(id)?.node;
  }

  /**
   * Adds an edge once (same from/to/type/reason is a duplicate, whether its ends were given as
   * ids or as nodes).
   */
  addEdge(input: EdgeInput): void {
    if (this.finished) throw new Error('GraphBuilder.addEdge after finish()');
    const from = input.from;
    let source: Entry;
    if (typeof from === 'string') {
      // The transforms add a node's edges one after the other: the last source is tried first.
      const last = this.lastSource;
      source = last !== undefined && last.id === from ? last : (this.lastSource = this.entry(from));
    } else source = this.lastSource = this.entryOf(from);
    const target = this.entryOf(input.to);
    // One object shape for every edge (see canonicalNode).
    const edge: GraphEdge = { from: source.id, to: target.id, type: input.type, reason: flat(input.reason), hidden: input.hidden, conditional: input.conditional, evidence: input.evidence };
    const out = source.out;
    if (out === undefined) {
      source.out = [edge];
    } else if (Array.isArray(out)) {
      for (const e of out) if (e.to === edge.to && e.type === edge.type && e.reason === edge.reason) return;
      out.push(edge);
      // A source with many edges (a shared set node, a popular role) gets an index by target.
      if (out.length > SMALL_OUT) {
        const byTo = new Map<Entry, GraphEdge[]>();
        for (const e of out) {
          const end = this.entries.get(e.to)!;
          const list = byTo.get(end);
          if (list) list.push(e);
          else byTo.set(end, [e]);
        }
        source.out = byTo;
      }
    } else {
      const prior = out.get(target);
      if (prior === undefined) out.set(target, [edge]);
      else if (Array.isArray(prior)) {
        for (const e of prior) if (e.type === edge.type && e.reason === edge.reason) return;
        if (prior.length < PARALLEL_LIST) prior.push(edge);
        else {
          // Many edges between the same two nodes (one per group an Okta holder can add users
          // to, say): a scan per addition would be quadratic, so they are keyed from here on.
          const keys = new Set(prior.map(parallelKey));
          keys.add(parallelKey(edge));
          out.set(target, keys);
        }
      } else {
        const key = parallelKey(edge);
        if (prior.has(key)) return;
        prior.add(key);
      }
    }
    this.edges.push(edge);
    this.edgeEnds.push(source, target);
  }

  /** Removes these edges (the same objects `edgeList` returned), in one pass over the edge list. */
  removeEdges(drop: ReadonlySet<GraphEdge>): void {
    if (drop.size === 0) return;
    const edges = this.edges;
    const ends = this.edgeEnds;
    let kept = 0;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      if (drop.has(e)) continue;
      edges[kept] = e;
      ends[2 * kept] = ends[2 * i];
      ends[2 * kept + 1] = ends[2 * i + 1];
      kept++;
    }
    edges.length = kept;
    ends.length = 2 * kept;
    for (const e of drop) {
      const out = this.entries.get(e.from)?.out;
      if (out === undefined) continue;
      const target = this.entries.get(e.to);
      const list = Array.isArray(out) ? out : target && out.get(target);
      if (list instanceof Set) list.delete(parallelKey(e));
      else if (list) {
        const i = list.indexOf(e);
        if (i >= 0) list.splice(i, 1);
      }
    }
  }

  /**
   * Keeps the record's report fields in one fixed order. Records from a manifest keep whatever
   * key order the file had (and any key it added), and the JSON report must be the same bytes for
   * the same data; `unreadKeys` only steers the transform and is not part of the report.
   */
  addCoverage(record: CoverageRecord): void {
    const { provider, scope, capability, status, reason } = record;
    this.coverage.push(reason === undefined ? { provider, scope, capability, status } : { provider, scope, capability, status, reason });
  }

  /** The nodes in the order they were first added (one added while iterating is met too). */
  *nodeList(): IterableIterator<GraphNode> {
    for (const entry of this.nodeOrder) yield entry.node!;
  }

  /**
   * How many nodes were added so far: with {@link nodeAt}, the nodes of {@link nodeList} in an
   * indexed loop. The graph's passes over every node run once each and are not optimised for
   * long, and there the generator allocated a result object per node (tens of MB at 100k).
   */
  get nodeCount(): number {
    return this.nodeOrder.length;
  }

  /** The `i`-th node added (0 to `nodeCount - 1`). */
  nodeAt(i: number): GraphNode {
    return this.nodeOrder[i].node!;
  }

  edgeList(): readonly GraphEdge[] {
    return this.edges;
  }

  coverageRecords(): readonly CoverageRecord[] {
    return this.coverage;
  }

  addScope(scope: ScopeInfo): void {
    // A set of the scopes added: a scan of the list per call grew with the square of the scopes
    // (an organization's thousands of accounts).
    const key = `${scope.provider}\n${scope.id}`;
    if (this.scopeKeys.has(key)) return;
    this.scopeKeys.add(key);
    this.scopes.push(scope);
  }

  /** The scopes of `provider` added so far, in the order they were added. */
  scopesOf(provider: string): ScopeInfo[] {
    return this.scopes.filter((s) => s.provider === provider);
  }

  /** The ids of the scopes of `provider` added so far, in the order they were added. */
  scopeIds(provider: string): string[] {
    return this.scopes.filter((s) => s.provider === provider).map((s) => s.id);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Freezes the graph; edges whose ends do not exist are dropped there (reported once each as a warning). */
  build(): Graph {
    return this.freeze(undefined);
  }

  /**
   * {@link build}, handing this builder's id table to the graph as its index by id, for a builder
   * that is done: the scan's. Building a second table of the 200,000 ids of the 100k estate cost
   * about 130 ms of CPU per scan (and ~8 MB more allocated). The builder's entries keep only their
   * id and place; it takes no more nodes or edges.
   */
  finish(): Graph {
    const graph = this.freeze(this.entries);
    for (const e of this.entries.values()) {
      // The graph holds its own copies of the nodes (canonicalNode), and the edge lists only
      // served to find duplicates: neither is kept alive by the table.
      e.node = undefined;
      e.out = undefined;
    }
    this.finished = true;
    return graph;
  }

  private freeze(byId: ReadonlyMap<string, Entry> | undefined): Graph {
    // Nodes come from object literals of a dozen transforms, each with its own property order,
    // so every property read on a node was megamorphic. One shape for all makes the millions
    // of reads by the analysis and the rules monomorphic. Absent fields become own properties
    // holding undefined: reports name the fields they print, and JSON drops undefined.
    const nodes: GraphNode[] = new Array(this.nodeOrder.length);
    for (let i = 0; i < nodes.length; i++) {
      const entry = this.nodeOrder[i];
      nodes[i] = canonicalNode(entry.node!, entry.id);
    }
    // Each edge end as its node's index: the graph resolves them without a lookup by id.
    const ends = new Int32Array(this.edgeEnds.length);
    for (let i = 0; i < ends.length; i++) ends[i] = this.edgeEnds[i].index;
    return new Graph(nodes, this.edges, ends, this.coverage, this.scopes, this.warnings, byId);
  }
}

/** `id` is the builder's copy of the node's id (equal, and flat). */
function canonicalNode(n: GraphNode, id: string): GraphNode {
  return {
    id,
    kind: n.kind,
    provider: n.provider,
    type: n.type,
    name: n.name,
    nativeId: n.nativeId,
    scope: n.scope,
    enabled: n.enabled,
    createdAt: n.createdAt,
    lastUsedAt: n.lastUsedAt,
    expiresAt: n.expiresAt,
    tags: n.tags,
    credentialType: n.credentialType,
    status: n.status,
    federation: n.federation,
    machineReasons: n.machineReasons,
    agent: n.agent,
    thirdParty: n.thirdParty,
    firstParty: n.firstParty,
    crownJewel: n.crownJewel,
    tier: n.tier,
    attrs: n.attrs,
  };
}

function mergeInto(target: GraphNode, source: GraphNode): void {
  const t = target as unknown as Record<string, unknown>;
  const src = source as unknown as Record<string, unknown>;
  // for..in, not Object.entries: transforms re-add shared nodes (owners, federated workloads,
  // crown jewels) hundreds of thousands of times on a large estate.
  for (const k in src) {
    const v = src[k];
    if (v === undefined) continue;
    if (k === 'attrs') {
      const a = v as Record<string, unknown>;
      let missing = false;
      for (const ak in a) {
        if (!(ak in target.attrs)) {
          missing = true;
          break;
        }
      }
      // The source's keys come first, as before; only rebuilt when it adds something.
      if (missing) target.attrs = { ...a, ...target.attrs };
    } else if (t[k] === undefined || (k === 'name' && t[k] === target.nativeId)) {
      t[k] = v;
    }
  }
}
