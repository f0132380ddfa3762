import type { GraphBuilder } from '../../graph/graph.js';
import { capabilityCoverage, type Snapshot } from '../../snapshot/snapshot.js';
import { Reader } from '../../snapshot/shape.js';
import type { CoverageRecord } from '../../snapshot/types.js';
import { quotedSample } from '../../reporters/sanitize.js';

type Item = Record<string, unknown>;

/** The Okta files of a snapshot, checked for shape. `undefined` = file absent (not collected). */
export interface OktaFiles {
  apps?: Item[];
  appSecrets?: Map<string, Item[]>;
  appJwks?: Map<string, Item[]>;
  appGrants?: Map<string, Item[]>;
  clientRoles?: Map<string, Item[]>;
  apiTokens?: Item[];
  users?: Item[];
  userRoles?: Map<string, Item[]>;
  userFactors?: Map<string, Item[]>;
  userGroups?: Map<string, Item[]>;
  groups?: Item[];
  groupRoles?: Map<string, Item[]>;
  appUsers?: Map<string, Item[]>;
  appGroups?: Map<string, Item[]>;
  userTypes?: Item[];
  authorizationServers?: Item[];
  /** Keyed by authorization server id. */
  authServerPolicies?: Map<string, Item[]>;
  /** Keyed by policy id. */
  authServerPolicyRules?: Map<string, Item[]>;
}

const COLLECTIONS = ['apps', 'apiTokens', 'users', 'groups', 'userTypes', 'authorizationServers'] as const;
const RELATIONS = [
  'appSecrets',
  'appJwks',
  'appGrants',
  'clientRoles',
  'userRoles',
  'userFactors',
  'userGroups',
  'groupRoles',
  'appUsers',
  'appGroups',
  'authServerPolicies',
  'authServerPolicyRules',
] as const;

/** Capability → the files that carry it (docs/snapshot-format.md, Okta table). */
export const OKTA_CAPABILITIES: Readonly<Record<string, readonly string[]>> = {
  'okta.apps': ['apps'],
  'okta.appCredentials': ['appSecrets', 'appJwks'],
  'okta.appGrants': ['appGrants'],
  'okta.clientRoles': ['clientRoles'],
  'okta.apiTokens': ['apiTokens'],
  'okta.users': ['users'],
  'okta.adminRoles': ['userRoles', 'groupRoles'],
  'okta.factors': ['userFactors'],
  'okta.groups': ['groups', 'userGroups'],
  'okta.appAssignments': ['appUsers', 'appGroups'],
  'okta.userTypes': ['userTypes'],
  'okta.authorizationServers': ['authorizationServers', 'authServerPolicies', 'authServerPolicyRules'],
};

export function oktaPath(name: string): string {
  return `okta/${name}.json`;
}

/**
 * Reads every Okta file and records coverage. A file whose capability the manifest marks as not
 * collected (403, error) is ignored even if present, so a partial file never reads as complete.
 */
export function readOktaFiles(snapshot: Snapshot, org: string, b: GraphBuilder): { files: OktaFiles; coverage: Map<string, CoverageRecord> } {
  const coverage = new Map<string, CoverageRecord>();
  for (const [cap, names] of Object.entries(OKTA_CAPABILITIES)) {
    const rec = capabilityCoverage(snapshot, 'okta', org, cap, names.map(oktaPath), (m) => b.warn(m));
    coverage.set(cap, rec);
    b.addCoverage(rec);
  }
  const usable = (name: string): boolean => {
    const cap = Object.entries(OKTA_CAPABILITIES).find(([, names]) => names.includes(name))?.[0];
    return cap !== undefined && coverage.get(cap)?.status === 'collected' && oktaPath(name) in snapshot.files;
  };
  const files: OktaFiles = {};
  for (const name of COLLECTIONS) {
    if (usable(name)) files[name] = new Reader(oktaPath(name)).items(snapshot.files[oktaPath(name)]);
  }
  for (const name of RELATIONS) {
    if (usable(name)) files[name] = new Reader(oktaPath(name)).relation(snapshot.files[oktaPath(name)]);
  }
  return { files, coverage };
}

/**
 * Reports keys of a relationship file whose parent is not in its collection, once per file with
 * a count and a few examples, so a large org does not drown the report in warnings. `parent`
 * names what a key should name, with its article ("an app", "a user").
 */
export function warnOrphanKeys(b: GraphBuilder, file: string, map: Map<string, unknown> | undefined, known: (id: string) => boolean, parent: string): void {
  if (!map) return;
  const orphans: string[] = [];
  for (const k of map.keys()) if (!known(k)) orphans.push(k);
  if (orphans.length === 0) return;
  b.warn(`${oktaPath(file)}: ${orphans.length} key(s) name ${parent} that was not found (${quotedSample(orphans)}); their entries were ignored`);
}
