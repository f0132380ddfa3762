import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { ids } from '../../src/graph/ids.js';
import { DEFAULT_CONFIG, type NhiConfig } from '../../src/config/types.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';
import { transformOkta } from '../../src/connectors/okta/transform.js';

export const ORG = 'https://acme.okta.com';
export const oktaIds = {
  user: (id: string) => ids.oktaUser(ORG, id),
  app: (id: string) => ids.oktaApp(ORG, id),
  token: (id: string) => ids.oktaToken(ORG, id),
  group: (id: string) => ids.oktaGroup(ORG, id),
  role: (type: string) => ids.oktaRole(ORG, type),
  scope: (s: string) => ids.oktaScope(ORG, s),
  /** What a scope's holders do through a user they control (the Okta transform's userRoute). */
  scopeUser: (s: string) => ids.oktaScopeUser(ORG, s),
  cred: (key: string) => ids.oktaCredential(ORG, key),
  crown: () => ids.crownJewel('okta', ORG, 'super-admin'),
  samlProvider: (arn: string) => ids.external('saml-provider', arn),
};

/** Reads a snapshot folder (manifest.json + provider JSON files) the way `scan --snapshot` would. */
export function loadSnapshotDir(dir: string): Snapshot {
  const files: Record<string, unknown> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json') && name !== 'manifest.json') files[relative(dir, p).split('\\').join('/')] = JSON.parse(readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  return { manifest, files, source: dir };
}

type Json = Record<string, unknown>;
const REL_FILES = ['appSecrets', 'appJwks', 'appGrants', 'clientRoles', 'userRoles', 'userFactors', 'userGroups', 'groupRoles', 'appUsers', 'appGroups'];

export interface UserSpec {
  id: string;
  login?: string;
  status?: string;
  created?: string;
  lastLogin?: string | null;
  passwordChanged?: string | null;
  userType?: string;
  /** Id of the user's Okta user type (`type.id`); the org's default type `oty1default` ("user") otherwise. */
  typeId?: string;
  /** Active factor types; `null` = factors of this user were not read. */
  factors?: string[] | null;
  /** Admin role types; `null` = roles of this user were not read. */
  roles?: string[] | null;
  /** Group ids; `null` = groups of this user were not read. */
  groups?: string[] | null;
  password?: boolean;
}

export interface ServiceAppSpec {
  id: string;
  label?: string;
  status?: string;
  authMethod?: string;
  applicationType?: string;
  grantTypes?: string[];
  /** Scope ids, or `{ scopeId, status }`; `null` = grants not read. */
  grants?: (string | { scopeId: string; status: string })[] | null;
  /** Client admin role types; `null` = roles not read. */
  roles?: string[] | null;
  /** `null` = secrets not read. */
  secrets?: { id: string; status?: string; created: string }[] | null;
  /** Entries of appJwks.json (the JWKS API): `kid` defaults to `id`; public members (kty, n, e...) as given. `null` = keys not read. */
  jwks?: ({ id: string; kid?: string | null; status?: string; created?: string } & Json)[] | null;
  /** Keys kept inline in the app, `settings.oauthClient.jwks.keys` (no id, status or date). */
  inlineJwks?: Json[];
}

export interface TokenSpec {
  id: string;
  name?: string;
  userId: string;
  created?: string;
  expiresAt?: string;
  tokenWindow?: string;
  clientName?: string;
  /** `undefined` leaves `network` out of the payload (older Okta responses). */
  connection?: string;
  include?: string[];
  exclude?: string[];
}

export interface AwsAppSpec {
  id: string;
  label?: string;
  settings?: Json;
  users?: { id: string; samlRoles?: string[]; scope?: string }[];
  groups?: { id: string; samlRoles?: string[] }[];
}

/**
 * Builds an Okta snapshot from small specs, in the real API's field names, and turns it into a
 * graph with the real transform, so rule tests see exactly what a scan would.
 */
export class OktaOrg {
  private readonly files: Record<string, unknown> = {};
  private readonly coverage: CoverageRecord[] = [];
  collectedAt = '2026-11-20T09:00:00Z';

  constructor() {
    for (const f of ['apps', 'apiTokens', 'users', 'groups']) this.files[`okta/${f}.json`] = [];
    for (const f of REL_FILES) this.files[`okta/${f}.json`] = {};
    // Every Okta org has a default user type; the Users API gives only its id.
    this.files['okta/userTypes.json'] = [{ id: 'oty1default', name: 'user', displayName: 'User', default: true }];
  }

  /** Adds a user type to userTypes.json (GET /api/v1/meta/types/user). */
  userType(id: string, name: string, displayName = name): this {
    this.list('userTypes').push({ id, name, displayName, default: false });
    return this;
  }

  private list(name: string): Json[] {
    return this.files[`okta/${name}.json`] as Json[];
  }

  private rel(name: string): Json {
    return this.files[`okta/${name}.json`] as Json;
  }

  user(u: UserSpec): this {
    this.list('users').push({
      id: u.id,
      status: u.status ?? 'ACTIVE',
      created: u.created ?? '2024-01-01T00:00:00.000Z',
      lastLogin: u.lastLogin === undefined ? null : u.lastLogin,
      passwordChanged: u.passwordChanged === undefined ? null : u.passwordChanged,
      type: { id: u.typeId ?? 'oty1default' },
      profile: { login: u.login ?? `${u.id}@acme.com`, ...(u.userType ? { userType: u.userType } : {}) },
      credentials: u.password === false ? { provider: { type: 'FEDERATION' } } : { password: {}, provider: { type: 'OKTA' } },
    });
    if (u.factors !== null) this.rel('userFactors')[u.id] = (u.factors ?? ['push']).map((t, i) => ({ id: `f${i}${u.id}`, factorType: t, status: 'ACTIVE' }));
    if (u.roles !== null) this.rel('userRoles')[u.id] = (u.roles ?? []).map((t, i) => ({ id: `r${i}${u.id}`, type: t, label: t, status: 'ACTIVE' }));
    if (u.groups !== null) this.rel('userGroups')[u.id] = (u.groups ?? []).map((g) => ({ id: g }));
    return this;
  }

  group(id: string, name: string, roles: string[] = []): this {
    this.list('groups').push({ id, type: 'OKTA_GROUP', profile: { name } });
    this.rel('groupRoles')[id] = roles.map((t, i) => ({ id: `gr${i}${id}`, type: t, label: t, status: 'ACTIVE' }));
    return this;
  }

  serviceApp(a: ServiceAppSpec): this {
    const clientId = a.id;
    this.list('apps').push({
      id: a.id,
      name: 'oidc_client',
      label: a.label ?? a.id,
      status: a.status ?? 'ACTIVE',
      created: '2024-01-01T00:00:00.000Z',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { client_id: clientId, token_endpoint_auth_method: a.authMethod ?? 'client_secret_basic' } },
      settings: {
        oauthClient: {
          application_type: a.applicationType ?? 'service',
          grant_types: a.grantTypes ?? ['client_credentials'],
          ...(a.inlineJwks ? { jwks: { keys: a.inlineJwks } } : {}),
        },
      },
    });
    if (a.grants !== null) {
      this.rel('appGrants')[a.id] = (a.grants ?? []).map((g, i) => ({
        id: `g${i}${a.id}`,
        issuer: ORG,
        ...(typeof g === 'string' ? { scopeId: g, status: 'ACTIVE' } : g),
      }));
    }
    if (a.roles !== null) this.rel('clientRoles')[clientId] = (a.roles ?? []).map((t, i) => ({ id: `cr${i}${a.id}`, type: t, label: t, status: 'ACTIVE' }));
    if (a.secrets !== null) this.rel('appSecrets')[a.id] = (a.secrets ?? []).map((s) => ({ status: 'ACTIVE', ...s }));
    if (a.jwks !== null) this.rel('appJwks')[a.id] = (a.jwks ?? []).map((k) => ({ kid: k.id, status: 'ACTIVE', ...k }));
    return this;
  }

  awsApp(a: AwsAppSpec): this {
    this.list('apps').push({
      id: a.id,
      name: 'amazon_aws',
      label: a.label ?? 'AWS',
      status: 'ACTIVE',
      signOnMode: 'SAML_2_0',
      settings: {
        app: a.settings ?? {
          identityProviderArn: 'arn:aws:iam::111122223333:saml-provider/Okta',
          joinAllRoles: false,
          sessionDuration: 3600,
          groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)',
        },
      },
    });
    this.rel('appUsers')[a.id] = (a.users ?? []).map((u) => ({ id: u.id, scope: u.scope ?? 'USER', profile: { samlRoles: u.samlRoles ?? [] } }));
    this.rel('appGroups')[a.id] = (a.groups ?? []).map((g) => ({ id: g.id, profile: { samlRoles: g.samlRoles ?? [] } }));
    return this;
  }

  token(t: TokenSpec): this {
    this.list('apiTokens').push({
      id: t.id,
      name: t.name ?? t.id,
      userId: t.userId,
      clientName: t.clientName ?? 'Okta API',
      created: t.created ?? '2026-10-01T00:00:00.000Z',
      expiresAt: t.expiresAt ?? '2026-12-15T00:00:00.000Z',
      tokenWindow: t.tokenWindow ?? 'P30D',
      ...(t.connection !== undefined ? { network: { connection: t.connection, include: t.include ?? [], exclude: t.exclude ?? [] } } : {}),
    });
    return this;
  }

  /** Removes a file: its capability becomes not-collected. */
  without(file: string): this {
    delete this.files[`okta/${file}.json`];
    return this;
  }

  /** Records a manifest coverage entry (e.g. missing-permission). */
  withCoverage(capability: string, status: CoverageRecord['status'], reason?: string): this {
    this.coverage.push({ provider: 'okta', scope: ORG, capability, status, ...(reason ? { reason } : {}) });
    return this;
  }

  snapshot(): Snapshot {
    return {
      manifest: { schemaVersion: 1, collectedAt: this.collectedAt, providers: { okta: { orgUrl: ORG } }, coverage: this.coverage },
      files: structuredClone(this.files),
      source: 'test',
    };
  }

  graph(config: Partial<NhiConfig> = {}): Graph {
    const b = new GraphBuilder();
    transformOkta(this.snapshot(), b, { ...DEFAULT_CONFIG, ...config });
    return b.build();
  }
}

export const oktaOrg = (): OktaOrg => new OktaOrg();

/** One row of a table-driven Okta rule test. */
export interface OktaRuleCase {
  name: string;
  org: () => OktaOrg;
  subject: string;
  verdict: 'pass' | 'fail' | 'unknown' | undefined;
  /** Expected severities of the subject's findings, sorted. */
  severities?: string[];
  messageIds?: string[];
  options?: Record<string, unknown>;
  config?: Partial<NhiConfig>;
}

export const NOW = '2026-11-20T09:00:00Z';
