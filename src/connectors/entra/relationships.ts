import type { GraphFailure, GraphHttp, GraphResult } from './graph-http.js';
import { mapWithConcurrency } from './pool.js';

/** Per-object sub-collections the collector reads through `$batch`. */
export type RelationshipKind =
  | 'applicationOwners'
  | 'servicePrincipalOwners'
  | 'federatedIdentityCredentials'
  | 'appRoleAssignedTo'
  | 'groupMembers'
  | 'assignedGroup'
  | 'agentSponsors';

/** One per-object read: `url` is relative to the version, as `$batch` wants it. */
export interface RelationshipJob {
  kind: RelationshipKind;
  parentId: string;
  version: 'v1.0' | 'beta';
  url: string;
  /** The answer is one object (`GET /groups/{id}`), kept as a one-item list; else a paged collection. */
  single?: boolean;
}

/**
 * The members the scan reads every item of each kind by (its transform's required strings): a
 * page with an item without one is malformed, and only that parent is not read.
 */
const ITEM_KEYS: Record<RelationshipKind, readonly string[]> = {
  applicationOwners: ['id'],
  servicePrincipalOwners: ['id'],
  federatedIdentityCredentials: ['id', 'issuer'],
  appRoleAssignedTo: ['principalId', 'resourceId', 'appRoleId'],
  groupMembers: ['id'],
  assignedGroup: ['id'],
  agentSponsors: ['id'],
};

/** What was read for one kind: parents absent from `byParent` were not read (see `failures`). */
export interface RelationshipOutcome {
  byParent: Map<string, unknown[]>;
  failures: GraphFailure[];
  /** The failure of each parent not read (the same failures as `failures`, by parent). */
  failedParents: Map<string, GraphFailure>;
  attempted: number;
}

/**
 * Reads all jobs with as few requests as possible: every kind of the same Graph version shares
 * the same batches (20 reads each), and only items whose first page has a nextLink cost more.
 */
export async function readRelationships(
  http: GraphHttp,
  jobs: readonly RelationshipJob[],
  concurrency: number,
): Promise<Map<RelationshipKind, RelationshipOutcome>> {
  const firstPages = new Map<string, GraphResult<unknown>>();
  for (const version of ['v1.0', 'beta'] as const) {
    const requests = [];
    for (let i = 0; i < jobs.length; i++) if (jobs[i].version === version) requests.push({ id: String(i), url: jobs[i].url });
    if (requests.length === 0) continue;
    for (const [id, result] of await http.batch(version, requests)) firstPages.set(id, result);
  }

  const complete = await mapWithConcurrency(jobs, concurrency, async (job, i): Promise<GraphResult<unknown[]>> => {
    const first = firstPages.get(String(i));
    if (!first) return { ok: false, failure: { kind: 'error', reason: `no batch result for ${job.kind}` } };
    if (!first.ok) return first;
    if (job.single) return singleObject(first.value, job);
    return http.continueList(first.value, http.url(job.version, job.url), ITEM_KEYS[job.kind]);
  });

  const outcomes = new Map<RelationshipKind, RelationshipOutcome>();
  jobs.forEach((job, i) => {
    let outcome = outcomes.get(job.kind);
    if (!outcome) outcomes.set(job.kind, (outcome = { byParent: new Map(), failures: [], failedParents: new Map(), attempted: 0 }));
    outcome.attempted++;
    const result = complete[i];
    if (result.ok) outcome.byParent.set(job.parentId, result.value);
    else {
      outcome.failures.push(result.failure);
      outcome.failedParents.set(job.parentId, result.failure);
    }
  });
  return outcomes;
}

/**
 * The answer of a GET of one directory object: kept only when it is an object whose `id` is the
 * one asked for. An error object or `{}` under a success status (a misbehaving Graph or proxy)
 * says nothing about the object, and is a failure of that read.
 */
function singleObject(value: unknown, job: RelationshipJob): GraphResult<unknown[]> {
  const id = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).id : undefined;
  if (typeof id === 'string' && id.toLowerCase() === job.parentId.toLowerCase()) return { ok: true, value: [value] };
  return { ok: false, failure: { kind: 'error', reason: `malformed answer (no object with id ${job.parentId}) for GET /${job.version}${job.url.split('?')[0]} (in $batch)` } };
}
