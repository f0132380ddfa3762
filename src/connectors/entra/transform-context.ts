import type { GraphBuilder } from '../../graph/graph.js';
import type { GraphNode, Tier } from '../../graph/model.js';
import type { NhiConfig } from '../../config/types.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { capabilityCoverage, coverageEntry } from '../../snapshot/snapshot.js';
import { Reader } from '../../snapshot/shape.js';
import type { CoverageStatus } from '../../snapshot/types.js';
import { parseDate } from '../../iso-date.js';
import { quoteInput, quotedSample } from '../../reporters/sanitize.js';

/** One item of a collection file with its JSON path, for precise error messages. */
export interface Item {
  obj: Record<string, unknown>;
  readonly path: string;
  r: Reader;
}

/*
 * The items of a file are made all at once (see EntraContext.items) and live until its loop is
 * done. Their JSON paths, needed only to name a fault, are spelled out when read: one string per
 * item, made up front, was ~25 MB of the 100,000-identity scan that every young-generation
 * collection during the Entra transform copied; made as a loop reads them, they die young.
 */

/** Item `index` of a collection (`base` is `$` or `$.value`). */
class ListItem implements Item {
  constructor(
    readonly obj: Record<string, unknown>,
    private readonly base: string,
    private readonly index: number,
    readonly r: Reader,
  ) {}

  get path(): string {
    return `${this.base}[${this.index}]`;
  }
}

/** An item of a parent's list in a relationship file (`index` -1: the parent's lone object). */
class RelationItem implements Item {
  constructor(
    readonly obj: Record<string, unknown>,
    private readonly parent: string,
    private readonly inEnvelope: boolean,
    private readonly index: number,
    readonly r: Reader,
  ) {}

  get path(): string {
    const list = `$[${quoteInput(this.parent)}]${this.inEnvelope ? '.value' : ''}`;
    return this.index < 0 ? list : `${list}[${this.index}]`;
  }
}

/** What one service principal or app-only registration became in the graph. */
export interface IdentityRef {
  nodeId: string;
  /** The builder's node of `nodeId` (what `ctx.node(nodeId)` gives, without a lookup). */
  node: GraphNode;
  objectId: string;
  appId?: string;
  kind: 'sp' | 'app';
  type: string;
  firstParty: boolean;
  name: string;
}

/**
 * Capabilities whose record may name the keys it failed on (CoverageRecord.unreadKeys): a failed
 * manager lookup costs that user's manager only.
 */
const PER_KEY_CAPABILITIES = new Set(['entra.userManagers']);

/**
 * State shared by the steps of the Entra transform: the builder, the tenant, indexes from
 * immutable object ids to node ids, and the local tiers the escalation step needs.
 */
export class EntraContext {
  /** SP object id -> identity. */
  readonly sps = new Map<string, IdentityRef>();
  /** appId -> SP object id (joins applications, sign-in reports and resource SPs). */
  readonly spByAppId = new Map<string, string>();
  /** Application object id -> identity (the SP node when the app has one, else the app node). */
  readonly apps = new Map<string, IdentityRef>();
  /** User object id -> the builder's node (its id is the node id): callers need its name too. */
  readonly users = new Map<string, GraphNode>();
  /** Group object id -> the builder's node. */
  readonly groups = new Map<string, GraphNode>();
  /**
   * Resource SP object id -> its `appRoles` (id -> value, else display name) and appId, with the
   * ids of the roles whose value no token carries (`unissued`: disabled, or no value) and of the
   * disabled ones (`disabled`: isEnabled false).
   */
  readonly resources = new Map<string, { appId: string; name: string; roles: Map<string, string>; unissued?: Set<string>; disabled?: Set<string> }>();
  /** Highest tier of privileges held directly (not via escalation), per node id. */
  readonly directTier = new Map<string, Tier>();
  /** Members of each role-assignable group (node ids), to pass the group's tier on. */
  readonly groupMembers = new Map<string, string[]>();
  /** Every privilege node the grant steps added, by id (few: one per distinct permission/role). */
  readonly privileges = new Map<string, GraphNode>();
  private readonly coverage = new Map<string, CoverageStatus>();
  /** Files (`users.json`) whose capability the manifest records as not collected. */
  private readonly disowned = new Set<string>();
  /** Capabilities read but for the keys their record names (CoverageRecord.unreadKeys). */
  private readonly unread = new Map<string, ReadonlySet<string>>();

  constructor(
    readonly snapshot: Snapshot,
    readonly b: GraphBuilder,
    readonly config: NhiConfig,
    readonly tenant: string,
    /**
     * The scan's clock (`--now`), in ms; NaN when neither it nor the collection time is known.
     * Steps that judge a time window against it (PIM eligibility schedules) keep what they cannot
     * judge.
     */
    readonly now: number = NaN,
  ) {}

  /** Records coverage for a capability from its files and remembers the status. */
  cover(capability: string, files: string[], mayBeAbsent: string[] = []): CoverageStatus {
    const rec = capabilityCoverage(
      this.snapshot,
      'entra',
      this.tenant,
      capability,
      files.map((f) => `entra/${f}`),
      (m) => this.b.warn(m),
      mayBeAbsent.map((f) => `entra/${f}`),
    );
    this.b.addCoverage(rec);
    this.coverage.set(capability, rec.status);
    // A manifest record wins over the files (docs/snapshot-format.md): files of a capability it
    // records as anything but collected are not read, so a rule meets what an absent file gives
    // (unknown), never a verdict drawn from data the collector disowned. Without a record, a
    // present file is read even when its pair is absent (roleDefinitions.json without roleAssignments.json).
    const entry = rec.status !== 'collected' ? coverageEntry(this.snapshot, 'entra', this.tenant, capability) : undefined;
    // Only for the capabilities whose readers ask unreadKeysOf: any other reader would take a
    // file it was not told is partial for a whole one.
    if (entry && PER_KEY_CAPABILITIES.has(capability) && Array.isArray(entry.unreadKeys)) {
      this.unread.set(capability, new Set(entry.unreadKeys));
    } else if (entry) {
      for (const f of files) this.disowned.add(f);
    }
    return rec.status;
  }

  /**
   * The keys a capability's record names as not read while the rest of its file was read (the
   * users whose manager lookup failed), or undefined when the record names none: then the
   * capability is read whole (`collected`) or not at all.
   */
  unreadKeysOf(capability: string): ReadonlySet<string> | undefined {
    return this.unread.get(capability);
  }

  /** True when the capability was fully read (partial reads do not count as evidence of absence). */
  collected(capability: string): boolean {
    return this.coverage.get(capability) === 'collected';
  }

  /** True when the file is present and the manifest does not disown its capability (see cover). */
  readable(file: string): boolean {
    return `entra/${file}` in this.snapshot.files && !this.disowned.has(file);
  }

  /**
   * Items of a collection file, or undefined when the file is absent or disowned. All made at once: made one
   * by one as the loop reaches them (a generator), they died young, but the heap of the
   * 100,000-identity scan then peaked 60-90 MB higher during the graph build (later full
   * collections), for no time gain that the loaded bench VM could show.
   */
  items(file: string): Item[] | undefined {
    const name = `entra/${file}`;
    if (!this.readable(file)) return undefined;
    const r = new Reader(name);
    const raw = this.snapshot.files[name];
    const list = r.items(raw);
    const base = Array.isArray(raw) ? '$' : '$.value';
    return list.map((obj, i) => new ListItem(obj, base, i, r));
  }

  /** A relationship file as parent id -> items, or undefined when the file is absent or disowned. */
  relation(file: string): Map<string, Item[]> | undefined {
    const name = `entra/${file}`;
    if (!this.readable(file)) return undefined;
    const r = new Reader(name);
    const out = new Map<string, Item[]>();
    // Only the manager file records "none" as null (the collector's answer to Graph's 404).
    // A list (plain or in a `value` envelope) gives each item its index; a lone object is the item.
    r.eachRelation(this.snapshot.files[name], '$', file === 'userManagers.json', (parent, list, form) => {
      const inEnvelope = form === 'envelope';
      const lone = form === 'lone';
      out.set(
        parent,
        list.map((obj, i) => new RelationItem(obj, parent, inEnvelope, lone ? -1 : i, r)),
      );
    });
    return out;
  }

  /**
   * The builder's node of any principal object id (SP, app-only registration, user, group): the
   * node itself, so that its name needs no second lookup by node id.
   */
  principal(objectId: string): GraphNode | undefined {
    return this.sps.get(objectId)?.node ?? this.users.get(objectId) ?? this.groups.get(objectId) ?? this.apps.get(objectId)?.node;
  }

  raiseTier(nodeId: string, tier: Tier | undefined): void {
    if (tier === undefined) return;
    const cur = this.directTier.get(nodeId);
    if (cur === undefined || tier > cur) this.directTier.set(nodeId, tier);
  }

  /** Adds a privilege node and remembers it for the escalation step. */
  addPrivilege(node: GraphNode): GraphNode {
    const merged = this.b.addNode(node);
    this.privileges.set(merged.id, merged);
    return merged;
  }

  node(id: string): GraphNode | undefined {
    return this.b.getNode(id);
  }
}

/**
 * One warning for the keys of a relationship file that name no object of `listFile` (their
 * entries were ignored): a count and a few ids, not a warning per key. None when `listFile` was
 * not read: then no key names a known object, and its own coverage record and warning already
 * say the list was not read.
 */
export function warnUnknownParents(ctx: EntraContext, file: string, ids: readonly string[], what: string, listFile: string): void {
  if (ids.length === 0 || !ctx.readable(listFile)) return;
  ctx.b.warn(`entra/${file}: ${ids.length} key(s) name ${what} not in entra/${listFile} (${quotedSample(ids)}); their entries were ignored`);
}

/**
 * The items of one file set aside for one reason (an assignment whose holder is not in the
 * snapshot), gathered into one warning: how many items, how many distinct ids they name, the first
 * ids (quotedSample) and where the first item is. With servicePrincipals.json not read every grant
 * names an unknown principal: 100,000 grants were 100,000 warning lines. What the lost items cost
 * is the coverage records' to say (the list's record makes the tiers lower bounds), not this
 * warning's.
 */
export class SetAside {
  private count = 0;
  private first = '';
  /** The distinct ids, in the order first met. */
  private readonly ids = new Set<string>();

  /**
   * Reads `<count> <items> <verb> <distinct> <named> (<sample>; the first at <path>); <outcome>`:
   * `items` and `named` are plural nouns ("assignment(s)", "principal(s) that are not in the
   * snapshot"), `outcome` what became of the items ("ignored").
   */
  constructor(
    private readonly file: string,
    private readonly items: string,
    private readonly verb: string,
    private readonly named: string,
    private readonly outcome: string,
  ) {}

  add(path: string, id: string): void {
    if (this.count++ === 0) this.first = path;
    this.ids.add(id);
  }

  /** The warning, when an item was set aside. */
  warn(ctx: EntraContext): void {
    if (this.count === 0) return;
    const sample: string[] = [];
    for (const id of this.ids) {
      if (sample.length === 3) break;
      sample.push(id);
    }
    ctx.b.warn(`entra/${this.file}: ${this.count} ${this.items} ${this.verb} ${this.ids.size} ${this.named} (${quotedSample(sample, this.ids.size)}; the first at ${this.first}); ${this.outcome}`);
  }
}

/**
 * `@odata.type` of a directory object, without the `#microsoft.graph.` prefix. A value that is not
 * a string is an input error naming its place: read as absent, it turned an agent identity into a
 * plain service principal and a group member into a user placeholder.
 */
export function odataType(r: Reader, obj: Record<string, unknown>, path: string): string | undefined {
  return r.optStr(obj, '@odata.type', path)?.replace(/^#?microsoft\.graph\./, '');
}

/** Later of two ISO dates (either may be missing). */
export function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return parseDate(a) >= parseDate(b) ? a : b;
}
