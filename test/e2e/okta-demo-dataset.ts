import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { OktaFakeDataset } from '../fakes/okta-server.js';
import { demoFile } from './demo.js';

type Obj = Record<string, unknown>;

function list(snapshot: Snapshot, file: string): Obj[] {
  const raw = demoFile<unknown>(snapshot, `okta/${file}`);
  if (!Array.isArray(raw)) throw new Error(`okta/${file} is not an array`);
  return raw as Obj[];
}

function relation(snapshot: Snapshot, file: string): Record<string, Obj[]> {
  const raw = demoFile<Record<string, unknown>>(snapshot, `okta/${file}`);
  for (const [k, v] of Object.entries(raw)) if (!Array.isArray(v)) throw new Error(`okta/${file}[${k}] is not an array`);
  return raw as Record<string, Obj[]>;
}

/**
 * Serves the demo org from the fake: the fake's dataset is keyed like the snapshot files, so each
 * relationship file becomes its per-app, per-client or per-user endpoint unchanged. Parents the
 * demo did not read answer `[]` (the fake's default for a known app, user or group).
 */
export function oktaDatasetFromDemo(snapshot: Snapshot): OktaFakeDataset {
  return {
    apps: list(snapshot, 'apps.json'),
    appSecrets: relation(snapshot, 'appSecrets.json'),
    appJwks: relation(snapshot, 'appJwks.json'),
    appGrants: relation(snapshot, 'appGrants.json'),
    clientRoles: relation(snapshot, 'clientRoles.json'),
    appUsers: relation(snapshot, 'appUsers.json'),
    appGroups: relation(snapshot, 'appGroups.json'),
    apiTokens: list(snapshot, 'apiTokens.json'),
    users: list(snapshot, 'users.json'),
    userRoles: relation(snapshot, 'userRoles.json'),
    userFactors: relation(snapshot, 'userFactors.json'),
    userGroups: relation(snapshot, 'userGroups.json'),
    groups: list(snapshot, 'groups.json'),
    groupRoles: relation(snapshot, 'groupRoles.json'),
    userTypes: list(snapshot, 'userTypes.json'),
    authorizationServers: list(snapshot, 'authorizationServers.json'),
    authServerPolicies: relation(snapshot, 'authServerPolicies.json'),
    authServerPolicyRules: relation(snapshot, 'authServerPolicyRules.json'),
  };
}
