import type { GraphBuilder } from '../../graph/graph.js';
import type { GraphNode } from '../../graph/model.js';
import { agentNameReasons, type NhiConfig } from '../../config/types.js';
import type { CoverageRecord } from '../../snapshot/types.js';
import type { OktaFiles } from './transform-read.js';

/** One `amazon_aws` app and who is assigned to it. */
export interface AwsFederationApp {
  node: GraphNode;
  appId: string;
  samlProviderArn?: string;
  users: { userId: string; scope?: string; samlRoles: string[] }[];
  groups: { groupId: string; samlRoles: string[] }[];
}

/** State shared by the Okta transform steps; every lookup is a map so each step stays linear. */
export interface OktaContext {
  org: string;
  b: GraphBuilder;
  config: NhiConfig;
  files: OktaFiles;
  coverage: Map<string, CoverageRecord>;
  /** User id → user node (human or service account). */
  users: Map<string, GraphNode>;
  /** Group id → group name, from groups.json. */
  groupNames: Map<string, string>;
  /** Group id → group type (`OKTA_GROUP`, `APP_GROUP`, `BUILT_IN`), from groups.json; absent when not given. */
  groupTypes: Map<string, string>;
  /** Group id → id of the app an `APP_GROUP` group is imported from (`_links.source`), from groups.json. */
  groupSources: Map<string, string>;
  /** App id → app name (`active_directory`, `amazon_aws`, …), from apps.json. */
  appNames: Map<string, string>;
  /** Groups that matter to the graph (admin roles or AWS assignment) → node id. */
  groupNodes: Map<string, string>;
  /** App id → service-app node. */
  serviceApps: Map<string, GraphNode>;
  /** OAuth client_id → app id of a service app. */
  clientIds: Map<string, string>;
  /** Okta API scope id → ids of the service apps granted it (active grants). */
  scopeHolders: Map<string, string[]>;
  /** App id → highest tier among the app's own active grants and client roles. */
  appTier: Map<string, number>;
  /** AWS federation apps with their assignments, linked to AWS once users are known. */
  awsApps: AwsFederationApp[];
  /**
   * IAM Identity Center apps (`amazon_aws_sso`) with the groups assigned to them (their users go
   * to awsAppUsers). The scan
   * does not follow their route into AWS, but the collector reads their assignments, and the
   * roles, factors and groups of those users and the admin roles of those groups, as for
   * `amazon_aws`: which of these files lack them is known (transform-unread.ts).
   */
  awsSsoApps: { appId: string; groups: string[] }[];
  /** User ids owning at least one API token → number of tokens. */
  tokenOwners: Map<string, number>;
  /** Okta user ids assigned to an AWS federation app, directly or through a group. */
  awsUsers: Set<string>;
  /** Group ids assigned to an AWS federation app. */
  awsGroups: Set<string>;
  /** Group id → admin role types held by the group. */
  groupRoleTypes: Map<string, string[]>;
  /**
   * Users the collector reads roles, factors and groups for: API token owners, users the
   * configuration makes service accounts, users assigned to an AWS app directly.
   */
  readUsers: Set<string>;
  /** Okta user ids assigned to an AWS federation or Identity Center app directly (appUsers.json). */
  awsAppUsers: Set<string>;
}

/** The name of the app an imported group comes from (`active_directory`, …), when both were read. */
export function groupSourceApp(ctx: OktaContext, gid: string): string | undefined {
  const appId = ctx.groupSources.get(gid);
  return appId === undefined ? undefined : ctx.appNames.get(appId);
}

export function collected(ctx: OktaContext, capability: string): boolean {
  return ctx.coverage.get(capability)?.status === 'collected';
}

/** `$[3].settings` style JSON paths for error messages. */
export function at(base: string, index: number): string {
  return `${base}[${index}]`;
}

/**
 * A service app or API token named like an AI agent (`agentPatterns`), as the Entra and AWS
 * transforms mark theirs by name; `knownAgents` is applied after the transforms (normalize.ts).
 */
export function markNamedAgent(ctx: OktaContext, node: GraphNode): void {
  const reasons = agentNameReasons(ctx.config, [['name', node.name]]);
  if (reasons) node.agent = { confidence: 'name', reasons };
}
