import type { GraphBuilder } from '../../graph/graph.js';
import type { FederationInfo, GraphEdge, GraphNode } from '../../graph/model.js';
import { ids } from '../../graph/ids.js';
import { agentNameReasons, type NhiConfig } from '../../config/types.js';
import { capabilityCoverage, collectedAtMs, type Snapshot } from '../../snapshot/snapshot.js';
import { Reader, isObject } from '../../snapshot/shape.js';
import { InputError } from '../../errors.js';
import {
  AuthzDetailsError,
  parseAuthorizationDetails,
  createEvaluator,
  analyzeTrust,
  buildTrustIndex,
  evaluateTrust,
  emptyAccountModel,
  claimFact,
  trustRoute,
  trustPolicyProblem,
  trustKeysOf,
  sessionPrincipal,
  SOME_RESOURCE,
  principalsOf,
  type AccountModel,
  type Evaluator,
  type IamPrincipal,
  type IamRole,
  type EscalationEdge,
  type EscalationGraph,
  type EscalationGroup,
} from '../../aws/index.js';
import { narrowedTo, sameForEveryResource, type Subject } from '../../aws/policy/evaluate.js';
import type { PrincipalFacts } from '../../aws/policy/context.js';
import { POLICY_UNREAD } from '../../aws/privesc.js';
import { clientIdsText, externalIdRequiredByDeny, pinnedAudienceListed, samlAudienceBar, samlAudienceDoubt, samlSubjectDoubt, subjectVerdict } from '../../aws/trust.js';
import type { PolicyDocument, PolicyStatement } from '../../aws/policy/document.js';
import { compileCondition, evaluateCondition, type CompiledCondition } from '../../aws/policy/conditions.js';
import { createHash } from 'node:crypto';
import { timed, type Timings } from '../../timings.js';
import { parseCsv, parseCredentialReport } from './transform-csv.js';
import { readAccountOrganization } from './transform-organization.js';
import { githubSubjectBreadth, oidcSubjectNode } from '../../graph/workloads.js';
import { addCredentialReport, markPeople, recordReportUnread, recordUsersWithoutRow, type HeldCredentials } from './transform-credentials.js';
import { answerAccount, FAN_OUT, type AccountAnswers, type Decided } from './account-answers.js';
import { parseProviderInstant, providerIsoMemo } from '../../iso-date.js';
import { sortTexts } from '../../compare.js';

/** A model date (already checked by the authorization-details reader) as an ISO instant in UTC; throws if it is none (as `iso` gives undefined for). */
const isoInstant = (v: string): string => new Date(parseProviderInstant(v)).toISOString();

const CAPS = {
  iam: 'aws.iam',
  report: 'aws.credentialReport',
  federation: 'aws.federation',
  rolesAnywhere: 'aws.rolesAnywhere',
  roleSessions: 'aws.roleSessions',
};

export interface AccountState {
  account: string;
  model: AccountModel;
  evaluator: Evaluator;
  answers: AccountAnswers;
}

/**
 * What the cross-account pass needs from one account, kept instead of the whole account model
 * and evaluator (hundreds of MB over 20 accounts): the principals whose identity policies may
 * allow sts:AssumeRole, with their bound policies, and the roles that trust other accounts or
 * name principals.
 */
export interface CrossAccountState {
  account: string;
  /** `keys`: what a trust policy may name it by (trustKeysOf); `subject` is narrowedTo sts:AssumeRole. */
  assumers: Array<{ arn: string; name: string; subject: Subject; keys: string[] }>;
  /** Account id (not this one) -> roles trusting its root. */
  byAccount: Map<string, IamRole[]>;
  /** Principal ARN or unique id -> roles naming it. */
  byPrincipal: Map<string, IamRole[]>;
  /** Roles trusting `*` (or everyone but a NotPrincipal list): candidates for every other account's assumers. */
  anyone: IamRole[];
  /** Roles whose trust policy could not be read: who may assume them is unknown, so every other account's assumers are candidates. */
  unusable: IamRole[];
  /** The account's organisation (AccountModel.organizationId): null for none, undefined when not read. */
  organizationId?: string | null;
}

export function crossAccountState(st: AccountState): CrossAccountState {
  const idx = buildTrustIndex(st.model);
  const roles = (arns: readonly string[]) => arns.map((a) => st.model.roles.get(a)!);
  const byAccount = new Map<string, IamRole[]>();
  for (const [acct, arns] of idx.byAccount) if (acct !== st.account) byAccount.set(acct, roles(arns));
  const byPrincipal = new Map<string, IamRole[]>();
  for (const [p, arns] of idx.byPrincipal) byPrincipal.set(p, roles(arns));
  const assumers: CrossAccountState['assumers'] = [];
  let i = 0;
  for (const p of principalsOf(st.model)) {
    if (!st.answers.mayAssume[i++]) continue;
    const subject = st.evaluator.subject(p.arn);
    // The pass asks the assumers about sts:AssumeRole only, each on hundreds of roles.
    if (subject) assumers.push({ arn: p.arn, name: p.name, subject: narrowedTo(subject, 'sts:AssumeRole'), keys: trustKeysOf({ arn: p.arn, id: subject.facts.id }) });
  }
  const out: CrossAccountState = { account: st.account, assumers, byAccount, byPrincipal, anyone: roles(idx.anyone), unusable: roles(idx.unusable) };
  if (st.model.organizationId !== undefined) out.organizationId = st.model.organizationId;
  return out;
}

/** Raw AWS files of a snapshot -> graph nodes and edges, one account folder at a time. */
export function transformAws(snapshot: Snapshot, b: GraphBuilder, config: NhiConfig, opts: { release?: boolean; timings?: Timings } = {}): void {
  const now = new Date(collectedAtMs(snapshot.manifest));
  // The manifest's list is optional (snapshot.ts): the folders name the accounts as well.
  const listed = snapshot.manifest.providers.aws?.accounts ?? [];
  const accounts = new Set<string>(listed.map((a) => a.accountId));
  for (const f of Object.keys(snapshot.files)) {
    const m = /^aws\/([^/]+)\//.exec(f);
    if (m) accounts.add(m[1]);
  }
  // Accounts whose IAM was actually read: a listed account without its authorization details
  // is not "scanned" (its principals, and so its routes, are unknown).
  const read = new Set([...accounts].filter((a) => snapshot.files[`aws/${a}/authorization-details.json`] !== undefined));
  const states: CrossAccountState[] = [];
  const sharedDocuments = new Map<string, PolicyDocument>();
  const iso = providerIsoMemo();
  // Each account's alias, the first listed (a lookup in the list per account grew with the square of an organization's accounts).
  const aliases = new Map<string, string | undefined>();
  for (const a of listed) if (!aliases.has(a.accountId)) aliases.set(a.accountId, a.alias);
  for (const account of [...accounts].sort()) {
    if (!/^\d{12}$/.test(account)) throw new InputError('AWS account folders must be named by the 12-digit account id', `aws/${account}`);
    const alias = aliases.get(account);
    const org = readAccountOrganization(snapshot, account, (m) => b.warn(m));
    b.addScope({ provider: 'aws', id: account, ...(alias ? { name: alias } : {}), ...(org.organizationId !== undefined ? { organizationId: org.organizationId } : {}) });
    const st = transformAccount(snapshot, b, config, account, accounts, now, sharedDocuments, iso, opts.timings, read, org.organizationId);
    // After the account's other records, in the order the collector writes them.
    if (org.coverage) b.addCoverage(org.coverage);
    // Only what the cross-account pass needs outlives the account.
    if (st) states.push(crossAccountState(st));
    // The parsed account files are no longer needed once the account model exists.
    if (opts.release) for (const f of Object.keys(snapshot.files)) if (f.startsWith(`aws/${account}/`)) delete snapshot.files[f];
  }
  timed(opts.timings, 'aws:cross-account', () => {
    // Computed by the answer thread when it answered every account these states come from.
    const recorded = snapshot.awsAnswers?.takeCrossAccount(states.map((st) => st.account));
    if (recorded) replaySteps(b, recorded);
    else linkCrossAccount(builderSink(b), states, now);
  });
}

function transformAccount(
  snapshot: Snapshot,
  b: GraphBuilder,
  config: NhiConfig,
  account: string,
  accounts: Set<string>,
  now: Date,
  sharedDocuments: Map<string, PolicyDocument>,
  /** Provider dates as ISO instants, remembered over the accounts (providerIsoMemo). */
  iso: (s: string) => string | undefined,
  timings?: Timings,
  /** Accounts whose IAM was read (default: all of `accounts`). */
  read: Set<string> = accounts,
  /** The account's organisation as organization.json says (readAccountOrganization): undefined when not read. */
  organizationId?: string | null,
): AccountState | undefined {
  const dir = `aws/${account}`;
  const authzPath = `${dir}/authorization-details.json`;
  const reportPath = `${dir}/credential-report.csv`;
  const oidcPath = `${dir}/oidc-providers.json`;
  const samlPath = `${dir}/saml-providers.json`;
  const raPath = `${dir}/rolesanywhere.json`;
  const listRolesPath = `${dir}/list-roles.json`;
  const warn = (m: string): void => b.warn(m);
  const iamCov = capabilityCoverage(snapshot, 'aws', account, CAPS.iam, [authzPath], warn);
  b.addCoverage(iamCov);
  const reportCov = capabilityCoverage(snapshot, 'aws', account, CAPS.report, [reportPath], warn);
  b.addCoverage(reportCov);
  const fedCov = capabilityCoverage(snapshot, 'aws', account, CAPS.federation, [oidcPath, samlPath], warn);
  const raCov = capabilityCoverage(snapshot, 'aws', account, CAPS.rolesAnywhere, [raPath], warn);
  b.addCoverage(fedCov);
  b.addCoverage(raCov);
  // Snapshots made before the collector read ListRoles have no list-roles.json: a not-collected
  // record (capabilityCoverage), so the coverage section says the durations were not read.
  const sessionsCov = capabilityCoverage(snapshot, 'aws', account, CAPS.roleSessions, [listRolesPath], warn);
  b.addCoverage(sessionsCov);
  // A file whose capability was not collected (403, error, or its sibling file missing) may be a
  // partial list: read as complete, a missing GitHub OIDC provider would turn "reaches" into "may
  // reach". Such a file is read as if it were absent, which the trust code treats as unknown; the
  // same holds for the authorization details and the credential report (a coverage entry wins
  // over the files, docs/snapshot-format.md, as for Entra and Okta).
  const usable = (path: string, cov: { status: string }): unknown => (cov.status === 'collected' ? snapshot.files[path] : undefined);
  const oidcRaw = usable(oidcPath, fedCov);
  const samlRaw = usable(samlPath, fedCov);
  const raRaw = usable(raPath, raCov);
  const sessionsRaw = usable(listRolesPath, sessionsCov);
  const reportRaw = usable(reportPath, reportCov);
  const raw = usable(authzPath, iamCov);
  if (raw === undefined) return undefined;

  let model: AccountModel;
  try {
    model = timed(timings, 'aws:parse', () => parseAuthorizationDetails(raw, { sharedDocuments, parsed: true }));
  } catch (e) {
    if (e instanceof AuthzDetailsError) throw new InputError(e.problem, authzPath, e.location);
    throw e;
  }
  if (model.accountId && model.accountId !== account) {
    throw new InputError(`ARNs name account ${model.accountId}, but the folder is ${account}`, authzPath);
  }
  for (const issue of model.issues) b.warn(`${authzPath}: ${issue.location}: ${issue.problem}`);
  for (const u of model.unparseablePolicies) {
    b.warn(`${authzPath}: ${u.location}: policy ${u.policyName} of ${u.owner} could not be parsed (${u.problem}); answers that depend on it are unknown`);
    b.addCoverage({ provider: 'aws', scope: account, capability: `aws.policy:${u.policyName}@${u.owner}`, status: 'error', reason: `${u.location}: ${u.problem}` });
  }
  // Already a warning (model.issues); the coverage record says which role's instance profiles
  // were not all read, since the escalation routes through them are undecided.
  for (const r of model.roles.values()) {
    for (const u of r.unreadInstanceProfiles ?? []) {
      b.addCoverage({ provider: 'aws', scope: account, capability: `aws.instanceProfile:${u.location.slice(u.location.lastIndexOf('.') + 1)}@${r.arn}`, status: 'error', reason: `${u.location}: ${u.problem}` });
    }
  }

  if (organizationId !== undefined) model.organizationId = organizationId;
  const evaluator = createEvaluator(model, { now });
  const crown = addCrownJewels(b, account);

  const sessions = readRoleSessions(sessionsRaw, listRolesPath);
  const principals = principalsOf(model);
  // The builder's node of each principal and group, by ARN: the steps below give them as edge
  // ends and change their attributes, without building and hashing their ids again.
  const nodes = new Map<string, GraphNode>();
  for (const p of principals) {
    const node = b.addNode(principalNode(p, account, config, iso));
    if (p.kind === 'role' && sessions) setSessionDuration(node, sessions, p.arn);
    nodes.set(p.arn, node);
    addOwnerTag(b, node, account);
  }
  const groupNodes = new Map<string, GraphNode>();
  for (const g of model.groups.values()) {
    const gid = ids.awsGroup(account, g.arn);
    groupNodes.set(g.arn, b.addNode({ id: gid, kind: 'group', provider: 'aws', type: 'aws-iam-group', name: g.name, nativeId: g.arn, scope: account, attrs: { policies: g.attachedPolicies.map((p) => p.name) } }));
  }
  for (const u of model.users.values()) {
    for (const ga of u.groupArns) {
      // A group the details do not list is named by its id (a dangling edge, dropped with a warning).
      b.addEdge({ from: nodes.get(u.arn) ?? ids.awsPrincipal(account, u.arn), to: groupNodes.get(ga) ?? ids.awsGroup(account, ga), type: 'MEMBER_OF', reason: `${u.name} is a member of group ${ga.slice(ga.lastIndexOf('/') + 1)}` });
    }
  }

  const fromReport = typeof reportRaw === 'string' ? addCredentialReport(b, parseCredentialReport(reportRaw, reportPath, account), account, reportPath, config, iso) : { people: [], roots: [], held: undefined };
  const people = fromReport.people;
  for (const root of fromReport.roots) grantRoot(b, root, crown);
  if (typeof reportRaw === 'string') recordUsersWithoutRow(b, [...model.users.values()], account, reportPath, config);
  else recordReportUnread(b, [...model.users.values()], account, config);

  const oidcProviders = readProviders(oidcRaw, oidcPath);
  // From the answer thread when it has them (the same pure function of the same file and clock).
  const answers = timed(
    timings,
    'aws:answers',
    () => snapshot.awsAnswers?.take(account, principals.map((p) => p.arn)) ?? answerAccount(model, evaluator),
  );
  addPrivileges(b, model, answers, account, crown, nodes, timings, fromReport.held);
  // After the grants: a user that may invoke AI models is an agent, not a person.
  markPeople(people);
  const samlProviders = readSamlProviders(samlRaw, samlPath);
  timed(timings, 'aws:trust', () => addTrust(b, model, nodes, account, accounts, oidcProviders, oidcRaw !== undefined, samlProviders, now, read));
  addUnreadableTrustRoutes(b, model, evaluator, answers, account);
  addRolesAnywhere(b, raRaw, raPath, account);
  return { account, model, evaluator, answers };
}

/** The builder's nodes of an account's crown jewels (GRANTED edges end at them). */
function addCrownJewels(b: GraphBuilder, account: string): { admin: GraphNode; secrets: GraphNode; identity: GraphNode; write: GraphNode; read: GraphNode } {
  const mk = (cls: string, name: string, tier: 0 | 1 | 2 | 3 | 4, crownJewel?: 'admin' | 'identity-admin' | 'secrets') => {
    const id = ids.crownJewel('aws', account, cls);
    const node: GraphNode = { id, kind: 'privilege', provider: 'aws', type: 'aws-capability', name, nativeId: `${account}:${cls}`, scope: account, tier, attrs: {} };
    if (crownJewel) node.crownJewel = crownJewel;
    return b.addNode(node);
  };
  return {
    admin: mk('admin', `AWS account ${account} administrator`, 4, 'admin'),
    identity: mk('identity-admin', `AWS account ${account} IAM write`, 3, 'identity-admin'),
    secrets: mk('secrets', `AWS account ${account} secrets (Secrets Manager, KMS, SSM)`, 3, 'secrets'),
    write: mk('write', `AWS account ${account} data write`, 2),
    read: mk('read', `AWS account ${account} data read`, 1),
  };
}

/**
 * The root user holds every right in its account: no IAM policy or permissions boundary limits
 * it (only an SCP of an organisation can, which the scan does not read), so it is the account's
 * administrator and holds each crown jewel itself.
 */
function grantRoot(b: GraphBuilder, root: GraphNode, crown: ReturnType<typeof addCrownJewels>): void {
  const reason = `${root.name} holds every right in the account; IAM policies do not limit the root user`;
  for (const to of [crown.admin, crown.identity, crown.secrets, crown.write, crown.read]) {
    b.addEdge({ from: root, to, type: 'GRANTED', reason, evidence: { method: 'root-user' } });
  }
}

const OWNER_TAG = /^(owner|owners|contact|technical[-_]?owner|business[-_]?owner)$/i;

/**
 * IAM has no owner field; organisations record one in tags. Each owner tag value becomes an
 * accountable-human node (shared by every identity that names it) with an OWNS edge.
 */
function addOwnerTag(b: GraphBuilder, node: GraphNode, account: string): void {
  for (const t of node.tags ?? []) {
    const eq = t.indexOf('=');
    const key = t.slice(0, eq);
    const value = t.slice(eq + 1).trim();
    if (!OWNER_TAG.test(key) || value === '') continue;
    const id = ids.crownJewel('aws', account, `owner-tag/${value.toLowerCase()}`).replace(':crown:', ':owner:');
    const owner = b.addNode({ id, kind: 'human', provider: 'aws', type: 'aws-owner-tag', name: value, nativeId: value, scope: account, attrs: { source: `tag ${key}` } });
    b.addEdge({ from: owner, to: node, type: 'OWNS', reason: `${node.name} is tagged ${key}=${value}` });
  }
}

function tagList(tags: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k in tags) out.push(`${k}=${tags[k]}`);
  return sortTexts(out);
}

/** A principal's policy names, attached then inline (each inline one followed by `inlineSuffix`), sorted. */
function policyNames(p: IamPrincipal, inlineSuffix: string): string[] {
  const out: string[] = [];
  for (const x of p.attachedPolicies) out.push(x.name);
  for (const x of p.inlinePolicies) out.push(`${x.name}${inlineSuffix}`);
  return sortTexts(out);
}

function principalNode(p: IamPrincipal, account: string, config: NhiConfig, iso: (s: string) => string | undefined): GraphNode {
  const tags = tagList(p.tags);
  const node: GraphNode = {
    id: ids.awsPrincipal(account, p.arn),
    kind: 'identity',
    provider: 'aws',
    type: p.kind === 'user' ? 'aws-iam-user' : 'aws-iam-role',
    name: p.name,
    nativeId: p.arn,
    scope: account,
    tags,
    attrs: {
      path: p.path ?? '/',
      policies: policyNames(p, ' (inline)'),
      attachedPolicyArns: sortTexts(p.attachedPolicies.map((x) => x.arn)),
      owner: p.tags.owner ?? p.tags.Owner ?? p.tags.OWNER,
    },
  };
  if (p.createDate) node.createdAt = iso(p.createDate) ?? isoInstant(p.createDate);
  if (p.kind === 'role') {
    if (p.path?.startsWith('/aws-service-role/')) node.firstParty = true;
    // IAM Identity Center makes these roles from permission sets and people sign in through
    // them; IAM cannot edit or delete them. Workforce access managed by AWS, not a machine
    // identity to certify or delete: first-party, as service-linked roles are. Paths still run
    // through them (the SAML provider that enters them stays an entry point).
    if (p.path?.startsWith('/aws-reserved/sso.amazonaws.com/')) {
      node.firstParty = true;
      node.attrs.managedBy = 'IAM Identity Center';
    }
    if (p.roleLastUsed !== undefined) node.lastUsedAt = p.roleLastUsed.lastUsedDate ? (iso(p.roleLastUsed.lastUsedDate) ?? isoInstant(p.roleLastUsed.lastUsedDate)) : null;
    if (p.description) node.attrs.description = p.description;
    if (p.maxSessionDuration) node.attrs.maxSessionDuration = p.maxSessionDuration;
  }
  if (p.kind === 'user' && p.passwordLastUsed) node.attrs.passwordLastUsed = p.passwordLastUsed;
  if (p.tagsIncomplete) node.attrs.tagsIncomplete = true;
  // Each field on its own, so the reason names what matched (not the pattern, a long regex).
  // An owner tag's value names a person or team (addOwnerTag), not the workload: Claude Martin
  // as the owner makes no role an AI agent.
  const described = tags.filter((t) => !OWNER_TAG.test(t.slice(0, t.indexOf('='))));
  const nameHit = agentNameReasons(config, [['name', p.name], ['tag', described.join(' ')], ['description', p.kind === 'role' ? p.description : undefined]]);
  if (config.knownAgents.includes(p.arn) || config.knownAgents.includes(p.name)) {
    node.agent = { confidence: 'config', reasons: ['declared an AI agent in the configuration'] };
  } else if (nameHit) {
    node.agent = { confidence: 'name', reasons: nameHit };
  }
  return node;
}

function addPrivileges(
  b: GraphBuilder,
  model: AccountModel,
  answers: AccountAnswers,
  account: string,
  crown: ReturnType<typeof addCrownJewels>,
  nodes: ReadonlyMap<string, GraphNode>,
  timings?: Timings,
  /** Each user's credentials by the credential report, when it was read. */
  held?: ReadonlyMap<string, HeldCredentials>,
): void {
  const esc = answers.escalation;
  timed(timings, 'aws:grants', () => grantAll(b, model, answers, crown, nodes));
  timed(timings, 'aws:escalation-edges', () => addSteps(builderSink(b), account, escalationSteps(account, crown.admin.id, esc.edges, esc.groups ?? [], nodes, held)));
  for (const u of esc.unknown) {
    const node = b.getNode(ids.awsPrincipal(account, u.from));
    if (node) node.attrs.undecidedEscalations = [...((node.attrs.undecidedEscalations as string[] | undefined) ?? []), u.reason];
  }
  for (const u of esc.unknown) b.warn(`aws ${account}: escalation ${u.method} from ${u.from} to ${u.to} could not be decided: ${u.reason}`);
}

/** Per principal: admin status and the GRANTED edges to the account's crown jewels. */
function grantAll(b: GraphBuilder, model: AccountModel, answers: AccountAnswers, crown: ReturnType<typeof addCrownJewels>, nodes: ReadonlyMap<string, GraphNode>): void {
  const admins = new Set(answers.escalation.admins);
  let i = 0;
  for (const p of principalsOf(model)) {
    const a = answers.grants[i++];
    const node = nodes.get(p.arn)!;
    // Sorted, as attrs.policies is: IAM lists attached policies in an order of its own, and the
    // same principal must give the same reasons whatever order that is.
    const policies = policyNames(p, '').join(', ') || 'group policies';
    const assessment = a.assessment;
    node.attrs.adminStatus = assessment.status;
    if (assessment.status === 'conditional' && assessment.undecided) {
      node.attrs.adminUndecided = assessment.undecided;
    }
    if (admins.has(p.arn)) {
      b.addEdge({ from: node, to: crown.admin, type: 'GRANTED', reason: `${p.name}'s policies (${policies}) allow every sensitive action on *: already an administrator`, evidence: { method: 'already-admin' } });
    } else if (assessment.status === 'conditional' && assessment.undecided) {
      // Every sensitive action is allowed, some only under a condition the scanner cannot decide:
      // an administrator if the condition holds. The escalation search keeps only this
      // principal's firm steps (account-answers.ts): this edge stands for the conditional ones.
      b.addEdge({
        from: node,
        to: crown.admin,
        type: 'GRANTED',
        reason: `${p.name}'s policies (${policies}) allow every sensitive action, ${assessment.undecided.join(', ')} only under a condition the scanner cannot decide: an administrator when it holds`,
        conditional: true,
        evidence: { method: 'conditionally-admin', undecided: assessment.undecided },
      });
    }
    // `on`: what the actions were asked about, for the reason ('' for "some resource").
    const grant = (to: GraphNode, d: Decided, on: string, what: string) => {
      if (d.allowed.length === 0) {
        // Undecided because a policy could not be read: a conditional edge, never none.
        if (!d.unread) return;
        b.addEdge({
          from: node,
          to,
          type: 'GRANTED',
          reason: `${p.name}'s policies (${policies}) may allow ${d.unread.join(', ')}${on} (${what}): a policy could not be read`,
          conditional: true,
          evidence: { actions: d.unread, undecided: [POLICY_UNREAD] },
        });
        return;
      }
      b.addEdge({
        from: node,
        to,
        type: 'GRANTED',
        reason: `${p.name}'s policies (${policies}) allow ${d.allowed.join(', ')}${on} (${what})${d.conditional ? ' under a condition' : ''}`,
        conditional: d.conditional,
        evidence: { actions: d.allowed },
      });
    };
    // Asked about any resource of each action's type (probeResources in account-answers.ts).
    grant(crown.secrets, a.secrets, ' on any secret, key or parameter', 'secret stores');
    grant(crown.identity, a.identity, ' on any IAM user or role', 'IAM write');
    grant(crown.write, a.write, '', 'data write');
    grant(crown.read, a.read, '', 'data read');
    // Model access is evidence of an AI agent only from a grant that names it (bedrock:InvokeModel,
    // bedrock:Invoke*, and for a role bedrock:*), also beside a `*`: an administrator may call
    // Bedrock as it may call everything, which says nothing about it being an AI workload, and a
    // user given the whole service is a developer's key as likely (namedInvokeActions).
    const invoke = a.invokeNamed;
    if (invoke.length > 0) {
      node.attrs.modelInvoke = invoke;
      if (!node.agent || node.agent.confidence === 'name') {
        node.agent = { confidence: 'permission', reasons: [`may invoke AI models (${invoke.join(', ')})`, ...(node.agent?.reasons ?? [])] };
      }
    }
  }
}

/**
 * What escalation steps and cross-account links need of the graph builder. The answer thread,
 * which has no graph, records the same calls (StepRecorder) and the main thread replays them.
 */
export interface StepSink {
  addNode(node: GraphNode): unknown;
  addEdge(edge: GraphEdge): void;
  /** The one edge from a holder to the shared set of its targets, whose reason names the holder as the graph has it. */
  addHolderEdge(from: string, setId: string, type: Step['type'], method: string, count: number, example: string, conditional: boolean): void;
}

/** The graph builder as a {@link StepSink}. */
export function builderSink(b: GraphBuilder): StepSink {
  return {
    addNode: (node) => b.addNode(node),
    addEdge: (edge) => b.addEdge(edge),
    addHolderEdge: (from, setId, type, method, count, example, conditional) => addHolderEdge(b, from, setId, type, method, count, example, conditional),
  };
}

/** One recorded {@link StepSink} call. */
export type StepOp =
  | { node: GraphNode }
  | { edge: GraphEdge }
  | { holder: [from: string, setId: string, type: Step['type'], method: string, count: number, example: string, conditional: boolean] };

/** Records StepSink calls, in order, to be replayed on the graph builder by {@link replaySteps}. */
export class StepRecorder implements StepSink {
  readonly ops: StepOp[] = [];
  addNode(node: GraphNode): void {
    this.ops.push({ node });
  }
  addEdge(edge: GraphEdge): void {
    this.ops.push({ edge });
  }
  addHolderEdge(...args: [string, string, Step['type'], string, number, string, boolean]): void {
    this.ops.push({ holder: args });
  }
}

/** Makes the calls a StepRecorder recorded, in the same order. */
export function replaySteps(b: GraphBuilder, ops: readonly StepOp[]): void {
  for (const op of ops) {
    if ('edge' in op) b.addEdge(op.edge);
    else if ('node' in op) b.addNode(op.node);
    else addHolderEdge(b, ...op.holder);
  }
}

/**
 * One escalation or assume-role step before it becomes graph edges. The reason and evidence may
 * be given as functions, called only if addSteps uses them: of a holder's many steps through a
 * shared set, one reason is shown, and a set's edges (with their evidence) are made once.
 */
export interface Step {
  from: string;
  to: string;
  toName: string;
  type: 'CAN_ASSUME' | 'CAN_ESCALATE_TO';
  method: string;
  reason: string | (() => string);
  conditional: boolean;
  evidence: Record<string, unknown> | (() => Record<string, unknown>);
}

function reasonOf(st: Step): string {
  return typeof st.reason === 'string' ? st.reason : st.reason();
}

function evidenceOf(st: Step): Record<string, unknown> {
  return typeof st.evidence === 'function' ? st.evidence() : st.evidence;
}

/**
 * Escalation edges, kept linear in size. A method that reaches every user or role of an account
 * (iam:CreateAccessKey on user/*, sts:AssumeRole on roles that trust the account) would give one
 * edge per holder and target; instead, holders whose targets are the same set share one node
 * ("iam-create-access-key on 2,500 principals") that points at each target once.
 */
function addSteps(b: StepSink, scope: string, steps: ReadonlyArray<Step | GroupStep>): void {
  // Per holder and method, in order of first appearance: holder ids are shared strings (hashed
  // once) and methods a few constants, so two small lookups replace a key string per step.
  const entries: Array<Step[] | GroupStep> = [];
  const at = new Map<string, Map<string, number>>();
  for (const st of steps) {
    const method = 'group' in st ? st.group.method : st.method;
    let byMethod = at.get(st.from);
    if (!byMethod) at.set(st.from, (byMethod = new Map()));
    const i = byMethod.get(method);
    if ('group' in st) {
      if (i === undefined) {
        byMethod.set(method, entries.length);
        entries.push(st);
      } else entries[i] = st;
      continue;
    }
    if (i === undefined) {
      byMethod.set(method, entries.length);
      entries.push([st]);
    } else (entries[i] as Step[]).push(st);
  }
  const sets = new Set<string>();
  // Set ids of gathered groups, per shared target list: role holders of one method usually
  // reach the same list, so its members are sorted and hashed once.
  const setIds = new WeakMap<object, Map<string, string>>();
  // Holders of one method mostly reach the same targets in the same order (every user of the
  // account, every role trusting it): the list as given is the key to its sorted hash, so each
  // distinct list is sorted and hashed once. Lists are found by method, length and ends, then
  // compared member by member: a key string joining the members was built and hashed per holder
  // (thousands of ARNs each, a string of up to a few hundred KB).
  const setIdsByList = new Map<string, Array<{ members: readonly string[]; id: string }>>();
  const setIdOf = (method: string, members: string[]): string => {
    const n = members.length;
    const key = n === 0 ? `${method}\n0` : `${method}\n${n}\n${members[0]}\n${members[n - 1]}`;
    let bucket = setIdsByList.get(key);
    if (bucket === undefined) setIdsByList.set(key, (bucket = []));
    for (const seen of bucket) if (sameMembers(seen.members, members)) return seen.id;
    // Sorted for the hash on a copy: the list as given stays the one compared.
    const id = sortedSetId(scope, method, [...members].sort());
    bucket.push({ members, id });
    return id;
  };
  // perHolder groups: each holder's members are its list less itself, so each list's members are
  // sorted once (per firmness) and each holder's sorted members are that less its own id. Sorting
  // ~185,000 members of 323 such holders, ARN ids sharing their first 50-odd characters, was most
  // of setIdOf's time on the main thread.
  const sortedLists = new WeakMap<object, Map<string, string[]>>();
  const runSetId = (gs: GroupStep): string => {
    const g = gs.group;
    const suffix = g.conditional ? '?' : '';
    let bySuffix = sortedLists.get(g.targets);
    if (bySuffix === undefined) sortedLists.set(g.targets, (bySuffix = new Map()));
    let sorted = bySuffix.get(suffix);
    if (sorted === undefined) {
      sorted = g.targets.map((t) => `${gs.nodeIdOf(t.to)}${suffix}`).sort();
      bySuffix.set(suffix, sorted);
    }
    if (g.exclude === undefined) return sortedSetId(scope, g.method, sorted);
    const own = `${gs.nodeIdOf(g.exclude)}${suffix}`;
    return sortedSetId(scope, g.method, sorted.filter((m) => m !== own));
  };
  for (const entry of entries) {
    if (!Array.isArray(entry)) {
      if (entry.group.perHolder) addRun(b, scope, entry, sets, runSetId);
      else addGroup(b, scope, entry, sets, setIds, setIdOf);
      continue;
    }
    const group = entry;
    const first = group[0];
    if (group.length <= FAN_OUT) {
      for (const st of group) b.addEdge({ from: st.from, to: st.to, type: st.type, reason: reasonOf(st), hidden: true, conditional: st.conditional, evidence: evidenceOf(st) });
      continue;
    }
    const setId = setIdOf(first.method, group.map((st) => `${st.to}${st.conditional ? '?' : ''}`));
    if (!sets.has(setId)) {
      sets.add(setId);
      addSetNode(b, scope, setId, first.method, group.length);
      for (const st of group) {
        b.addEdge({ from: setId, to: st.to, type: st.type, reason: setHopReason(first.method, st.toName, st.conditional), hidden: true, conditional: st.conditional, evidence: evidenceOf(st) });
      }
    }
    b.addHolderEdge(first.from, setId, first.type, first.method, group.length, reasonOf(first), group.every((st) => st.conditional));
  }
}

/** The id of a shared set of escalation targets: a hash of its members, sorted. */
function sortedSetId(scope: string, method: string, sorted: readonly string[]): string {
  return ids.crownJewel('aws', scope, `escalation-set/${method}/${createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 16)}`);
}

/** The same members in the same order (member ids are mostly the same strings: most compare by reference). */
function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addSetNode(b: StepSink, scope: string, setId: string, method: string, count: number): void {
  b.addNode({ id: setId, kind: 'privilege', provider: 'aws', type: 'aws-escalation-set', name: `${method} on ${count} principals`, nativeId: setId, scope, attrs: { method, targets: count } });
}

/**
 * The reason of a set node's edge to one of its targets: a hop of every path through the set. One
 * that holds only under a condition says "may reach", as the path and tier wording does; the
 * holder's edge into the set names the condition.
 */
function setHopReason(method: string, target: string, conditional: boolean | undefined): string {
  return `${method} ${conditional ? 'may reach' : 'reaches'} ${target}`;
}

/** The one edge from a holder to the shared set of its targets. */
function addHolderEdge(b: GraphBuilder, from: string, setId: string, type: Step['type'], method: string, count: number, example: string, conditional: boolean): void {
  const holder = b.getNode(from)?.name ?? from;
  b.addEdge({
    from,
    to: setId,
    type,
    reason: `${holder} can use ${method} on ${count} principals (for example: ${example})`,
    hidden: true,
    conditional,
    evidence: { method, targets: count },
  });
}

/** The edges of one gathered group: the same nodes and edges as its expanded steps would give. */
function addGroup(
  b: StepSink,
  scope: string,
  gs: GroupStep,
  sets: Set<string>,
  setIds: WeakMap<object, Map<string, string>>,
  setIdOf: (method: string, members: string[]) => string,
): void {
  const g = gs.group;
  // One set per method, target list and firmness, shared by every holder, the holders that are
  // themselves among the targets included: a set per such holder (the list less the holder) gave
  // each role holding, say, iam:UpdateAssumeRolePolicy on role/* its own copy of the account's
  // 2,500 role edges. Reaching itself through the set gives a holder nothing a path could use.
  const key = `${g.method}\u0000${g.conditional}`;
  let byKey = setIds.get(g.targets);
  if (!byKey) {
    byKey = new Map();
    setIds.set(g.targets, byKey);
  }
  let setId = byKey.get(key);
  if (setId === undefined) {
    const suffix = g.conditional ? '?' : '';
    const members: string[] = [];
    for (const t of g.targets) members.push(`${gs.nodeIdOf(t.to)}${suffix}`);
    setId = setIdOf(g.method, members);
    byKey.set(key, setId);
  }
  addSetAndHolder(b, scope, gs, sets, setId, g.targets.length);
}

/**
 * A group's shared set: its node and one edge to each of the group's targets but `exclude`, made
 * by the first holder that reaches it (as its expanded steps' edges would be), then the holder's
 * edge into it. `count`: the set's members.
 */
function addSetAndHolder(b: StepSink, scope: string, gs: GroupStep, sets: Set<string>, setId: string, count: number, exclude?: string): void {
  const g = gs.group;
  if (!sets.has(setId)) {
    sets.add(setId);
    addSetNode(b, scope, setId, g.method, count);
    for (const t of g.targets) {
      if (t.to === exclude) continue;
      const evidence: Record<string, unknown> = { method: g.method };
      if (t.via) evidence.via = t.via;
      if (g.undecided) evidence.undecided = g.undecided;
      b.addEdge({ from: setId, to: gs.nodeIdOf(t.to), type: gs.type, reason: setHopReason(g.method, t.name, g.conditional), hidden: true, conditional: g.conditional, evidence });
    }
  }
  b.addHolderEdge(gs.from, setId, gs.type, g.method, g.count, g.reason, g.conditional);
}

/**
 * The edges of a perHolder group (EscalationGroup.perHolder): exactly what its expanded steps
 * give through the list path of addSteps, which is always a set since the group has more than
 * FAN_OUT targets (findEscalationEdges' groupAbove): one set of the holder's own targets, in
 * their order, whose edges are made by the first holder that reaches it; then the holder's edge.
 */
function addRun(b: StepSink, scope: string, gs: GroupStep, sets: Set<string>, runSetId: (gs: GroupStep) => string): void {
  const g = gs.group;
  if (g.count <= FAN_OUT) throw new Error(`escalation group of ${g.from} (${g.method}) has ${g.count} targets, not more than ${FAN_OUT}`);
  // The id setIdOf gives the members `${id}${'?' if conditional}` of every target but the holder.
  addSetAndHolder(b, scope, gs, sets, runSetId(gs), g.count, g.exclude);
}

/** A holder's edges of one method, still gathered (see EscalationGroup). */
interface GroupStep {
  group: EscalationGroup;
  from: string;
  type: Step['type'];
  nodeIdOf: (arn: string) => string;
}

/** The escalation methods that create a credential for another user (privesc-methods.ts). */
const TAKEOVER_METHODS: ReadonlySet<string> = new Set(['iam-create-login-profile', 'iam-create-access-key']);

/**
 * Whether IAM refuses a takeover method on a user that holds what the report says: CreateLoginProfile
 * for a user that has a console password (EntityAlreadyExists), CreateAccessKey for one with two
 * access keys, active or not (LimitExceeded; IAM quotas: two access keys per user). As PMapper
 * does, such a step is left out: it cannot be taken today (deleting the credential first is
 * another action, which the update-login-profile method and the user's own rights cover). A user
 * without a report row, or a report not read, keeps the step.
 */
export function refusedTakeover(method: string, held: HeldCredentials | undefined): boolean {
  if (held === undefined) return false;
  if (method === 'iam-create-login-profile') return held.password;
  if (method === 'iam-create-access-key') return held.accessKeys >= 2;
  return false;
}

function escalationSteps(
  account: string,
  adminId: string,
  edges: readonly EscalationEdge[],
  groups: readonly EscalationGroup[],
  /** The builder's node of each principal, by ARN. */
  nodes: ReadonlyMap<string, GraphNode>,
  /** Each user's credentials by the credential report, when it was read (see refusedTakeover). */
  held?: ReadonlyMap<string, HeldCredentials>,
): Array<Step | GroupStep> {
  // Tens of thousands of edges name the same few thousand principals and a dozen methods: node
  // ids, names and edge types are computed once each. A principal's id is its node's own id
  // string, the very key the builder holds it under: found without comparing the text.
  const idOf = new Map<string, string>();
  const nodeIdOf = (arn: string): string => {
    let id = idOf.get(arn);
    if (id === undefined) {
      id = nodes.get(arn)?.id ?? ids.awsPrincipal(account, arn);
      idOf.set(arn, id);
    }
    return id;
  };
  const typeOf = new Map<string, Step['type']>();
  const edgeType = (method: string): Step['type'] => {
    let type = typeOf.get(method);
    if (type === undefined) {
      // Only assuming a role that already trusts the holder is CAN_ASSUME; rewriting a trust
      // policy first (iam-update-assume-role-policy) is an escalation.
      type = method === 'sts-assume-role' ? 'CAN_ASSUME' : 'CAN_ESCALATE_TO';
      typeOf.set(method, type);
    }
    return type;
  };
  const out: Array<Step | GroupStep> = [];
  const refused = (method: string, to: string): boolean => held !== undefined && refusedTakeover(method, held.get(to));
  // A target list shared by many holders is filtered once per method.
  const kept = new WeakMap<object, Map<string, EscalationGroup['targets']>>();
  const keptTargets = (method: string, targets: EscalationGroup['targets']): EscalationGroup['targets'] => {
    let byMethod = kept.get(targets);
    if (byMethod === undefined) kept.set(targets, (byMethod = new Map()));
    let list = byMethod.get(method);
    if (list === undefined) {
      const left = targets.filter((t) => !refused(method, t.to));
      list = left.length === targets.length ? targets : left;
      byMethod.set(method, list);
    }
    return list;
  };
  let g = 0;
  // Groups go where their first edge would have been, so the graph is built in the same order
  // as from the expanded edges.
  const flushGroups = (position: number): void => {
    for (; g < groups.length && groups[g].position <= position; g++) {
      const group = groups[g];
      const from = nodeIdOf(group.from);
      const type = edgeType(group.method);
      const targets = held === undefined || !TAKEOVER_METHODS.has(group.method) ? group.targets : keptTargets(group.method, group.targets);
      if (targets === group.targets) {
        out.push({ group, from, type, nodeIdOf });
        continue;
      }
      // Some targets already hold the credential: the group without them. Its reason names its
      // first target, so it is reworded for the first one left.
      const left = targets.filter((t) => t.to !== group.exclude);
      if (left.length === 0) continue;
      const first = group.targets.find((t) => t.to !== group.exclude)!;
      const reasonFor = (t: { name: string }): string => group.reason.replace(`on user ${first.name} `, `on user ${t.name} `);
      if (group.perHolder && left.length <= FAN_OUT) {
        // Too few left to gather: the plain edges the group stood for.
        for (const t of left) {
          const evidence: Record<string, unknown> = { method: group.method };
          if (t.via) evidence.via = t.via;
          if (group.undecided) evidence.undecided = group.undecided;
          out.push({ from, to: nodeIdOf(t.to), toName: t.name, type, method: group.method, reason: reasonFor(t), conditional: group.conditional, evidence });
        }
        continue;
      }
      out.push({ group: { ...group, targets, count: left.length, reason: reasonFor(left[0]) }, from, type, nodeIdOf });
    }
  };
  edges.forEach((e, i) => {
    flushGroups(i);
    if (refused(e.method, e.to)) return;
    const evidence: Record<string, unknown> = { method: e.method };
    if (e.via) evidence.via = e.via;
    if (e.undecided) evidence.undecided = e.undecided;
    const admin = e.to === 'admin';
    out.push({
      from: nodeIdOf(e.from),
      to: admin ? adminId : nodeIdOf(e.to),
      toName: admin ? 'administrator' : e.to.slice(e.to.lastIndexOf('/') + 1),
      type: edgeType(e.method),
      method: e.method,
      reason: e.reason,
      conditional: e.conditional,
      evidence,
    });
  });
  flushGroups(Infinity);
  return out;
}

/**
 * The graph calls one account's escalation answers give (escalationSteps, then addSteps), as a
 * StepRecorder records them; principals are named by their ids. For tests, which compare what a
 * gathered group gives with what its plain edges give.
 */
export function recordEscalationSteps(account: string, adminId: string, esc: Pick<EscalationGraph, 'edges' | 'groups'>): StepOp[] {
  const recorder = new StepRecorder();
  addSteps(recorder, account, escalationSteps(account, adminId, esc.edges, esc.groups ?? [], new Map()));
  return recorder.ops;
}

interface OidcProvider {
  arn: string;
  url: string;
  clientIds: string[];
}

function readProviders(raw: unknown, path: string): Map<string, OidcProvider> {
  const out = new Map<string, OidcProvider>();
  if (raw === undefined) return out;
  const r = new Reader(path);
  r.items(raw).forEach((p, i) => {
    const arn = r.str(p, 'Arn', `$[${i}]`);
    const url = r.optStr(p, 'Url', `$[${i}]`) ?? arn.replace(/^arn:[^:]+:iam::\d{12}:oidc-provider\//, '');
    // Every client id is a string: one dropped would make a trust pinned to it read as "no such
    // token is accepted today", so anything else is an input error.
    const clientIds = r.optArray(p, 'ClientIDList', `$[${i}]`).map((x, j) => (typeof x === 'string' ? x : r.fail(`$[${i}].ClientIDList[${j}]`, 'expected a string')));
    out.set(arn, { arn, url, clientIds });
  });
  return out;
}

/**
 * ARNs of the SAML providers in saml-providers.json (a plain array, as ListSAMLProviders returns
 * SAMLProviderList); undefined when the file is not read. Anything else is an input error: taken
 * as "not read", a corrupt file would silently make every SAML trust's provider unknown.
 */
function readSamlProviders(raw: unknown, path: string): Set<string> | undefined {
  if (raw === undefined) return undefined;
  // Typed, so that r.fail (never) narrows `raw` below.
  const r: Reader = new Reader(path);
  if (!Array.isArray(raw)) r.fail('$', 'expected an array of SAML providers');
  return new Set(
    raw.map((p, i) => {
      if (!isObject(p)) r.fail(`$[${i}]`, 'expected an object');
      return r.str(p, 'Arn', `$[${i}]`);
    }),
  );
}

/**
 * `list-roles.json` (ListRoles, as `aws iam list-roles` prints it: `{ "Roles": [...] }`): each
 * role's MaxSessionDuration by ARN. Undefined when the file was not read. A role without a
 * number there is left out, so its duration stays unknown.
 */
function readRoleSessions(raw: unknown, path: string): Map<string, number> | undefined {
  if (raw === undefined) return undefined;
  const r: Reader = new Reader(path);
  if (!isObject(raw) || !Array.isArray(raw.Roles)) r.fail('$', 'expected an object with a "Roles" array, as `aws iam list-roles` prints');
  const out = new Map<string, number>();
  raw.Roles.forEach((role, i) => {
    if (!isObject(role)) r.fail(`$.Roles[${i}]`, 'expected an object');
    const arn = r.str(role, 'Arn', `$.Roles[${i}]`);
    const seconds = role.MaxSessionDuration;
    if (seconds === undefined) return;
    // IAM allows 3600 to 43200 seconds; anything else is no IAM answer (a corrupt file), and read
    // as a duration it could pass or fail the session rule on a made-up value.
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
      r.fail(`$.Roles[${i}].MaxSessionDuration`, 'expected a whole number of seconds from 3600 to 43200');
    }
    out.set(arn, seconds);
  });
  return out;
}

/**
 * A role's MaxSessionDuration from ListRoles, over the authorization details' (which IAM does not
 * send). A role the list does not have (made after it was read) keeps what it had, usually
 * nothing: the session rule then says it is not in the list.
 */
function setSessionDuration(node: GraphNode, sessions: ReadonlyMap<string, number>, arn: string): void {
  const seconds = sessions.get(arn);
  if (seconds !== undefined) node.attrs.maxSessionDuration = seconds;
}

/**
 * The principal an account is trusted as: IAM stores a bare account id in a trust policy as
 * `arn:<partition>:iam::<id>:root` (IAM User Guide, "AWS JSON policy elements: Principal", AWS
 * account principals), and a trust can only name an account of its own partition. Also the
 * account node's native id: a bare 12-digit id is read by a spreadsheet as a number, which drops
 * its leading zeros, while the ARN is the text the console and CloudTrail show.
 */
export function accountPrincipalArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/**
 * Request-context keys of an Allow on a route from outside the scanned accounts that the trust
 * analysis does not judge itself (it reads the token's aud and sub, SAML:*, sts:ExternalId and
 * the organisation keys): the clock's, decided against `now`, and those of the request the scan
 * cannot see (network, MFA, region, the path through services), undecided. Every condition of
 * an Allow must hold (IAM User Guide, "IAM JSON policy elements: Condition"): a time window that
 * has closed admits nobody, and an IP range admits the caller only from there.
 */
const OUTSIDE_CALLER_KEYS = new Set([
  'aws:currenttime',
  'aws:epochtime',
  'aws:securetransport',
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:vpcsourceip',
  'aws:multifactorauthpresent',
  'aws:multifactorauthage',
  'aws:requestedregion',
  'aws:viaawsservice',
  'aws:calledvia',
  'aws:calledviafirst',
  'aws:calledvialast',
  'aws:tokenissuetime',
]);

/** Per trust statement, its conditions on OUTSIDE_CALLER_KEYS, compiled once (null when it has none). */
const outsideConditionCache = new WeakMap<PolicyStatement, CompiledCondition | null>();

/** A caller no key of which is read here: only the clock and the action are known. */
const OUTSIDE_CALLER: PrincipalFacts = Object.freeze({ arn: '', type: 'role', name: '' });

/**
 * What the conditions of trust statement `statement` on OUTSIDE_CALLER_KEYS say of a caller from
 * outside, for `action` at `now`: 'no' when one is decided false (no route), the undecided
 * operator/key pairs when some cannot be decided (a conditional route), or none.
 */
export function outsideCallerConditions(statement: PolicyStatement | undefined, version: string | undefined, action: string, now: Date): 'no' | string[] {
  if (statement?.condition === undefined) return [];
  let compiled = outsideConditionCache.get(statement);
  if (compiled === undefined) {
    const all = compileCondition(statement.condition, version);
    const entries = all.entries.filter((e) => OUTSIDE_CALLER_KEYS.has(e.lowerKey));
    compiled = entries.length > 0 ? { entries } : null;
    outsideConditionCache.set(statement, compiled);
  }
  if (compiled === null) return [];
  const out = evaluateCondition(compiled, { principal: OUTSIDE_CALLER, action: action.toLowerCase(), now });
  if (out.result === 'no') return 'no';
  return out.result === 'maybe' ? out.undecided : [];
}

function subjectMatchOf(status: 'missing' | 'any' | 'wildcard' | 'pinned'): FederationInfo['subjectMatch'] {
  return status === 'pinned' ? 'exact' : status === 'missing' ? 'missing' : 'wildcard';
}

function addTrust(
  b: GraphBuilder,
  model: AccountModel,
  /** The builder's node of each principal, by ARN. */
  nodes: ReadonlyMap<string, GraphNode>,
  account: string,
  accounts: Set<string>,
  oidc: Map<string, OidcProvider>,
  oidcRead: boolean,
  /** ARNs of the account's SAML providers; undefined when not read. */
  saml: Set<string> | undefined,
  now: Date,
  /** Accounts whose IAM was read; a trusted account outside it gets an external node. */
  read: Set<string> = accounts,
): void {
  for (const role of model.roles.values()) {
    const facts = analyzeTrust(role, { knownAccountIds: accounts });
    const node = nodes.get(role.arn)!;
    node.attrs.trust = facts;
    if (facts.unusable) {
      b.warn(`aws ${account}: trust policy of ${role.name} could not be ${role.trustPolicy.ok ? 'used' : 'parsed'} (${facts.unusable.problem}); who can assume it is unknown`);
      continue;
    }
    const services = new Set<string>();
    // The audiences STS would accept per OIDC provider the trust names (its client id list; none
    // when the account has no such provider), for rules that judge the aud condition. Only when
    // the providers were read.
    if (oidcRead) {
      const clientIds: Record<string, string[]> = {};
      for (const st of facts.statements) for (const tp of st.principals) if (tp.type === 'oidc') clientIds[tp.providerArn] = oidc.get(tp.providerArn)?.clientIds ?? [];
      if (Object.keys(clientIds).length > 0) node.attrs.oidcClientIds = clientIds;
    }
    facts.statements.forEach((st) => {
      if (st.effect !== 'Allow' || st.notPrincipal) return;
      // The Allow's own conditions on the request (a closed time window, a source IP range), the
      // same for every route from it: each is an STS call, which those keys read alike. Closed for
      // every caller from outside (a time window past): marked for the trust rules too.
      const trustDoc = role.trustPolicy.ok ? role.trustPolicy.document : undefined;
      const request = outsideCallerConditions(trustDoc?.statements[st.statementIndex], trustDoc?.version, 'sts:AssumeRole', now);
      if (request === 'no') st.requestClosed = true;
      /**
       * How the rest of the trust policy treats one principal of this Allow for the action its
       * route uses: null when an unconditional Deny covers it (no route); otherwise a note for the
       * reason and whether the route is only conditional (a Deny under a condition, or an Allow
       * that does not cover the action).
       */
      const gate = (tp: (typeof st.principals)[number], action: string): { conditional: boolean; note: string; undecided: string[] } | null => {
        const route = trustRoute(facts, st, tp, action);
        if (!route || request === 'no') return null;
        const { denial } = route;
        const notes: string[] = [];
        const undecided: string[] = [];
        if (request.length > 0) {
          notes.push(`; only if the request meets the statement's condition${request.length > 1 ? 's' : ''} ${request.join(', ')}, which the scan cannot see`);
          undecided.push(...request.map((c) => `condition ${c} of statement ${st.statementIndex}`));
        }
        if (!route.covers) {
          notes.push(`; but the statement does not allow ${action}, which this route needs`);
          undecided.push(`statement ${st.statementIndex} does not allow ${action}`);
        }
        if (denial.status === 'conditional') {
          notes.push(`; a Deny (statement ${denial.statements.join(', ')}) applies under a condition${denial.narrowingKeys.length ? ` on ${denial.narrowingKeys.join(', ')}` : ''}`);
          undecided.push(`Deny statement ${denial.statements.join(', ')} of the trust policy`);
        }
        return { conditional: notes.length > 0, note: notes.join(''), undecided };
      };
      for (const tp of st.principals) {
        if (tp.type === 'service' && tp.service.toLowerCase() === 'rolesanywhere.amazonaws.com') {
          // IAM Roles Anywhere: an X.509 certificate from a trust anchor is the credential; the
          // trust policy binds it to certificate subjects through aws:PrincipalTag/x509Subject/*.
          const doc = role.trustPolicy.ok ? role.trustPolicy.document.statements[st.statementIndex] : undefined;
          const cn = claimFact(doc?.condition, 'aws:PrincipalTag/x509Subject/CN');
          const anyField = st.conditionKeys.filter((k) => /^aws:principaltag\/x509(subject|san)\//i.test(k));
          const subjectMatch = cn.status === 'pinned' ? 'exact' : cn.status === 'missing' && anyField.length === 0 ? 'missing' : cn.status === 'missing' ? 'exact' : 'wildcard';
          addFederatedCredential(b, account, role, node, `trust${st.statementIndex}:rolesanywhere`, 'x509-trust-anchor', {
            issuer: 'rolesanywhere.amazonaws.com',
            subjectMatch,
            ...(cn.values.length ? { subject: `CN=${cn.values.join('|')}` } : anyField.length ? { subject: anyField.join(', ') } : {}),
          });
        } else if (tp.type === 'service') {
          services.add(tp.service);
        } else if (tp.type === 'oidc') {
          const g = gate(tp, 'sts:AssumeRoleWithWebIdentity');
          if (!g) continue;
          const issuer = `https://${tp.issuer.replace(/\/+$/, tp.issuer.endsWith('/') ? '/' : '')}`;
          const provider = oidc.get(tp.providerArn);
          const audiences = tp.audience.status === 'pinned' ? tp.audience.values : (provider?.clientIds ?? []);
          // STS accepts a web identity token only through an OIDC provider of the account whose
          // client id list holds the token's aud: a trust that cannot pass is a possibility (the
          // provider can be re-created or edited), not a path. The condition's operator decides
          // which spellings of a value a token may carry (pinnedAudienceListed); one the list
          // holds only in another case rests on STS's comparison, which is not documented.
          const listed = oidcRead && provider && tp.audience.status === 'pinned' ? pinnedAudienceListed(tp.audience, provider.clientIds) : undefined;
          // Why no token passes today, kept on the edge (evidence.blocked) for the rules that judge
          // the trust: such a trust is latent, not open.
          const refused = !oidcRead
            ? undefined
            : !provider
              ? `the account has no OIDC provider ${tp.providerArn}, so no such token is accepted today`
              : listed?.listed === 'no'
                ? `the provider's client id list (${clientIdsText(provider.clientIds)}) ${tp.audience.values.length === 1 ? `does not hold ${tp.audience.values[0]}` : 'holds none of those audiences'}, so no such token is accepted today`
                : undefined;
          const blocked = refused !== undefined ? `; but ${refused}` : listed?.doubt !== undefined ? `; only if ${listed.doubt}` : undefined;
          const undecided = listed?.doubt !== undefined ? [...g.undecided, listed.doubt] : g.undecided;
          const subjects = tp.subject.values.length > 0 ? tp.subject.values : ['*'];
          const match = subjectMatchOf(tp.subject.status);
          for (const sub of subjects) {
            // An exact GitHub subject can still admit many runs (githubSubjectBreadth: pull_request,
            // a repository with no branch or environment, an owner): as the Entra side judges it
            // (fic.ts). A `*` under StringEquals is a literal no token carries.
            const subMatch = match === 'exact' && tp.github && !/[*?]/.test(sub) && githubSubjectBreadth(sub) !== undefined ? 'wildcard' : match;
            // Every operator on the sub key must hold too (negated ones, Null, another type's):
            // a sub none lets through is a trust no token passes (evidence.dead, as the linker marks
            // an aud no token meets); one that may be turned away is a doubt of the edge.
            const subject = subjectVerdict(sub === '*' && match === 'missing' ? undefined : sub, tp.subject.status === 'pinned', tp.subject);
            // Which tokens a negated operator turns away of those the sub admits is known and said (note).
            const subNote = subject.bar !== undefined ? `; but ${subject.bar}` : `${subject.note !== undefined ? `; but ${subject.note}` : ''}${subject.doubt !== undefined ? `; only if ${subject.doubt}` : ''}`;
            const subUndecided = subject.doubt !== undefined ? [...undecided, subject.doubt] : undecided;
            const extId = ids.external('oidc', `${issuer}|${sub}`);
            // Named as the Entra transform names the same subject (oidcSubjectNode): the node is shared.
            const kind = oidcSubjectNode(issuer, sub === '*' ? undefined : sub);
            const ext = b.addNode({
              id: extId,
              kind: 'external',
              provider: 'external',
              type: kind.type,
              name: kind.name,
              nativeId: `${issuer}|${sub}`,
              scope: issuer,
              attrs: { issuer, subject: sub === '*' ? undefined : sub, subjectMatch: subMatch, audiences },
            });
            b.addEdge({
              from: ext,
              to: node,
              type: 'FEDERATES_TO',
              reason: `trust policy of role ${role.name} allows ${tp.issuer} tokens${match === 'missing' ? ' with no sub condition' : ` with sub ${sub}`}${tp.audience.status === 'missing' ? ' and no aud condition' : ` for aud ${tp.audience.values.join(', ')}`}${blocked ?? ''}${subNote}${g.note}`,
              hidden: true,
              ...(blocked || g.conditional || subject.doubt !== undefined ? { conditional: true } : {}),
              // The audiences this role accepts, and how its sub condition matches (a value that is a
              // literal under StringEquals is a pattern under StringLike): the external node is shared
              // by every role trusting the same issuer and subject, and keeps the first role's. A `*`
              // is also kept as the value it names (`sub`) when compared literally: the node names no
              // subject for it, as for no sub condition, yet no token of it carries one.
              evidence: {
                statement: st.statementIndex,
                provider: tp.providerArn,
                subject: tp.subject,
                subjectMatch: subMatch,
                ...(sub === '*' && subMatch === 'exact' ? { sub } : {}),
                audience: tp.audience,
                audiences,
                ...(refused !== undefined ? { blocked: refused } : {}),
                ...(subUndecided.length ? { undecided: subUndecided } : {}),
                ...(subject.bar !== undefined ? { dead: subject.bar } : {}),
              },
            });
            addFederatedCredential(
              b,
              account,
              role,
              node,
              oidcTrustKey(st.statementIndex, tp.providerArn, sub),
              'federated-oidc',
              { issuer, subjectMatch: subMatch, ...(sub !== '*' ? { subject: sub } : {}), audiences },
              undefined,
              subject.bar,
            );
          }
        } else if (tp.type === 'federated-other') {
          // A web identity provider named directly (cognito-identity.amazonaws.com,
          // accounts.google.com, graph.facebook.com, www.amazon.com): no IAM OIDC provider is
          // involved, so the aud condition is all that ties the role to one identity pool or app.
          const g = gate(tp, 'sts:AssumeRoleWithWebIdentity');
          if (!g) continue;
          const provider = tp.value.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
          const issuer = `https://${provider}`;
          const cognito = provider.toLowerCase() === 'cognito-identity.amazonaws.com';
          const open = tp.audience.status === 'missing' || tp.audience.status === 'any';
          const auds = open ? ['*'] : tp.audience.values;
          // Every operator on the sub key must hold too (subjectVerdict): the trust admits no token
          // when each sub value it pins is turned away (evidence.dead), and rests on a doubt when
          // every one it leaves may be.
          const subVerdicts = (tp.subject.status === 'missing' ? [undefined] : tp.subject.values).map((v) => subjectVerdict(v, tp.subject.status === 'pinned', tp.subject));
          const subOpen = subVerdicts.filter((v) => v.bar === undefined);
          const subBar = subOpen.length === 0 ? [...new Set(subVerdicts.map((v) => v.bar!))].join('; ') : undefined;
          const subDoubts = subOpen.length > 0 && subOpen.every((v) => v.doubt !== undefined) ? [...new Set(subOpen.map((v) => v.doubt!))] : [];
          const subNotes = [...new Set(subOpen.flatMap((v) => (v.note !== undefined ? [v.note] : [])))];
          for (const aud of auds) {
            const extId = ids.external('web-identity', `${issuer}|${aud}`);
            // How this trust matches this aud value: a pattern only under a Like operator, and
            // only a value with * or ? in it (StringLike 1234.apps is that aud exactly).
            const audienceMatch = open ? 'missing' : tp.audience.status === 'wildcard' && /[*?]/.test(aud) ? 'wildcard' : 'exact';
            const ext = b.addNode({
              id: extId,
              kind: 'external',
              provider: 'external',
              type: 'oidc-workload',
              name: cognito ? (aud === '*' ? 'any Amazon Cognito identity pool (no aud condition)' : `Amazon Cognito identity pool ${aud}`) : `${provider} ${aud === '*' ? '(any audience)' : `aud ${aud}`}`,
              nativeId: `${issuer}|${aud}`,
              scope: issuer,
              attrs: { issuer, audience: aud === '*' ? undefined : aud, audienceMatch },
            });
            // Every role that names this provider and aud text shares the node (StringLike 1234*
            // and StringEquals 1234* alike), and the first one's attributes stay: the node says
            // the loosest match among them, each edge its own.
            if (AUDIENCE_LOOSENESS[audienceMatch] > AUDIENCE_LOOSENESS[ext.attrs.audienceMatch as keyof typeof AUDIENCE_LOOSENESS]) ext.attrs.audienceMatch = audienceMatch;
            // Without an aud condition any identity pool or app of the provider, including one an
            // outsider creates, gets tokens the role accepts: firm. With one, who can obtain such a
            // token (the pool's unauthenticated access, the app's users) is not read: conditional.
            const undecided = [...g.undecided, ...(open ? [] : [`who can obtain a ${provider} token for aud ${aud} is not read`]), ...subDoubts];
            const subNote = subBar !== undefined ? `; but ${subBar}` : `${subNotes.length > 0 ? `; but ${subNotes.join('; ')}` : ''}${subDoubts.length > 0 ? `; only if ${subDoubts.join(', or if ')}` : ''}`;
            b.addEdge({
              from: ext,
              to: node,
              type: 'FEDERATES_TO',
              reason: `trust policy of role ${role.name} allows ${provider} web identity tokens${open ? ` with no ${tp.audience.key} condition, so from any ${cognito ? 'identity pool' : 'application'}` : ` for aud ${aud}`}${tp.subject.status === 'pinned' || tp.subject.status === 'wildcard' ? ` and sub ${tp.subject.values.join(', ')}` : ''}${subNote}${g.note}`,
              hidden: true,
              ...(g.conditional || !open || subDoubts.length > 0 ? { conditional: true } : {}),
              evidence: { statement: st.statementIndex, provider: tp.value, audience: tp.audience, audienceMatch, subject: tp.subject, ...(undecided.length ? { undecided } : {}), ...(subBar !== undefined ? { dead: subBar } : {}) },
            });
            addFederatedCredential(
              b,
              account,
              role,
              node,
              `trust${st.statementIndex}:${tp.value}|${aud}`,
              'federated-oidc',
              {
                issuer,
                subjectMatch: subjectMatchOf(tp.subject.status),
                ...(tp.subject.status === 'pinned' && tp.subject.values.length === 1 ? { subject: tp.subject.values[0] } : {}),
                audiences: aud === '*' ? [] : [aud],
              },
              undefined,
              subBar,
            );
          }
        } else if (tp.type === 'saml') {
          const g = gate(tp, 'sts:AssumeRoleWithSAML');
          if (!g) continue;
          const extId = ids.external('saml-provider', tp.providerArn);
          const ext = b.addNode({ id: extId, kind: 'external', provider: 'external', type: 'aws-saml-provider-ref', name: `SAML provider ${tp.providerArn.slice(tp.providerArn.lastIndexOf('/') + 1)}`, nativeId: tp.providerArn, scope: account, attrs: { providerArn: tp.providerArn } });
          // A provider of another account cannot be checked here; one of this account must exist.
          const missing = saml !== undefined && tp.providerArn.includes(`::${account}:`) && !saml.has(tp.providerArn);
          // A SAML:aud no assertion's Recipient can be takes no one (evidence.dead: the linker maps
          // no assignment through it, and the path search does not follow it).
          const audBar = samlAudienceBar(tp.audience);
          // One pinned only to another spelling of a sign-in endpoint (`.../saml/`, `:443`) is not
          // judged dead: whether AWS takes such a Recipient is not documented, so routes rest on it.
          const audDoubt = audBar === undefined ? samlAudienceDoubt(tp.audience) : undefined;
          // A condition on who the assertion names (SAML:sub, the NameID; SAML:sub_type, its
          // format; SAML:iss, the IdP's issuer) admits only some of the provider's assertions: which
          // user's carries what is set in the IdP and not read, so every route through the trust
          // rests on it.
          const doc = role.trustPolicy.ok ? role.trustPolicy.document.statements[st.statementIndex] : undefined;
          const subjectDoubt = samlSubjectDoubt(doc?.condition);
          const doubts = [audDoubt, subjectDoubt].filter((d): d is string => d !== undefined);
          const undecided = doubts.length > 0 ? [...g.undecided, ...doubts] : g.undecided;
          b.addEdge({
            from: ext,
            to: node,
            type: 'FEDERATES_TO',
            reason: `trust policy of role ${role.name} allows SAML sign-in through ${tp.providerArn}${missing ? '; but the account has no SAML provider of that name, so no assertion is accepted today' : ''}${audBar !== undefined ? `; but ${audBar}` : ''}${doubts.length > 0 ? `; only if ${doubts.join(' and ')}` : ''}${g.note}`,
            hidden: true,
            ...(missing || g.conditional || doubts.length > 0 ? { conditional: true } : {}),
            evidence: { statement: st.statementIndex, ...(undecided.length ? { undecided } : {}), ...(audBar !== undefined ? { dead: audBar } : {}) },
          });
          addFederatedCredential(b, account, role, node, `trust${st.statementIndex}:${tp.providerArn}`, 'federated-saml', { issuer: tp.providerArn, subjectMatch: 'exact' }, undefined, audBar);
        } else if (tp.type === 'any') {
          const g = gate(tp, 'sts:AssumeRole');
          if (!g) continue;
          const extId = ids.external('anyone', '*');
          const ext = b.addNode({ id: extId, kind: 'external', provider: 'external', type: 'anyone', name: 'any AWS principal (Principal "*")', nativeId: '*', scope: '*', attrs: {} });
          b.addEdge({
            from: ext,
            to: node,
            type: 'CAN_ASSUME',
            reason: `trust policy of role ${role.name} allows Principal "*"${st.restrictingKeys.length ? ` narrowed by ${st.restrictingKeys.join(', ')}` : st.doubtfulKeys ? ` perhaps narrowed by ${st.doubtfulKeys.join(', ')} (through a policy variable whose value is not known)` : ' with no narrowing condition'}${g.note}`,
            hidden: true,
            conditional: st.restrictingKeys.length > 0 || st.doubtfulKeys !== undefined || g.conditional,
            ...(g.undecided.length ? { evidence: { statement: st.statementIndex, undecided: g.undecided } } : {}),
          });
        } else if ((tp.type === 'account' || tp.type === 'iam-user' || tp.type === 'iam-role' || tp.type === 'assumed-role' || (tp.type === 'iam-other' && FEDERATED_USER.test(tp.arn))) && tp.accountId && !read.has(tp.accountId)) {
          // A session of a role of that account (arn:aws:sts::…:assumed-role/ROLE/SESSION) is one of
          // its principals as the role is: reached from the account alike. So is a federated user
          // session (arn:aws:sts::…:federated-user/NAME, made by an IAM user of that account with
          // GetFederationToken); but STS documents that such a session can call no STS operation
          // other than GetCallerIdentity (STS API Reference, GetFederationToken, Permissions), so
          // whether it can assume the role at all is a doubt, and the route is conditional.
          const gated = gate(tp, 'sts:AssumeRole');
          if (!gated) continue;
          const federatedUser = tp.type === 'iam-other';
          const g = federatedUser
            ? {
                conditional: true,
                note: `${gated.note}; but STS lets a federated user session call no STS operation but GetCallerIdentity, so it may not be able to assume the role`,
                undecided: [...gated.undecided, `whether federated user session ${tp.arn} can call sts:AssumeRole (STS allows such a session GetCallerIdentity only)`],
              }
            : gated;
          // A listed account whose IAM was not read: who in it may assume the role is unknown, so
          // the route stays, conditional, instead of vanishing as if the account had been scanned.
          const unread = accounts.has(tp.accountId);
          const extId = ids.external('aws-account', tp.accountId);
          // An external id a Deny requires (aws-trust-third-party-no-external-id reads it alike).
          // A third party is outside the organisation a Deny names (the rule takes it for yours).
          const externalId = st.externalId || externalIdRequiredByDeny(facts, tp, 'sts:AssumeRole', tp.thirdParty === true);
          const ext = b.addNode({ id: extId, kind: 'external', provider: 'external', type: 'aws-account', name: `AWS account ${tp.accountId} (${unread ? 'IAM not read' : 'not scanned'})`, nativeId: accountPrincipalArn(model.partition, tp.accountId), scope: tp.accountId, attrs: unread ? { iamRead: false } : {} });
          b.addEdge({
            from: ext,
            to: node,
            type: 'CAN_ASSUME',
            reason: `trust policy of role ${role.name} trusts account ${tp.accountId}${tp.type === 'account' ? '' : ` (${tp.arn})`}${externalId ? ' with an sts:ExternalId' : ' without sts:ExternalId'}${unread ? `; the account is listed but its IAM was not read, so which of its principals may assume the role is unknown` : ''}${g.note}`,
            hidden: true,
            ...(unread || g.conditional ? { conditional: true } : {}),
            evidence: unread || g.undecided.length ? { externalId, statement: st.statementIndex, undecided: [...(unread ? [`IAM of account ${tp.accountId} not read`] : []), ...g.undecided] } : { externalId, statement: st.statementIndex },
          });
        }
      }
    });
    if (services.size > 0) {
      node.attrs.trustedServices = [...services].sort();
      addFederatedCredential(b, account, role, node, 'service', 'managed', undefined, `assumed by ${[...services].sort().join(', ')}`);
    }
  }
}

/** An AWS STS federated user session principal (GetFederationToken): arn:PARTITION:sts::ACCOUNT:federated-user/NAME. */
const FEDERATED_USER = /^arn:[^:]+:sts::\d{12}:federated-user\/[^/]+$/;

function addFederatedCredential(
  b: GraphBuilder,
  account: string,
  role: IamRole,
  /** The builder's node of the role. */
  roleNode: GraphNode,
  key: string,
  type: 'federated-oidc' | 'federated-saml' | 'managed' | 'x509-trust-anchor',
  federation?: FederationInfo,
  label?: string,
  /**
   * Why no token passes the trust (its FEDERATES_TO edge's evidence.dead): the role is not entered
   * through it, so the record is inactive, as a deactivated key is. Strength, the credential rules
   * and the recertification sheet then judge the trusts a token can pass, and the sheet counts
   * this one among those to remove. A trust refused only for want of an OIDC provider (blocked)
   * stays active: it opens when the provider is created, the trust policy untouched.
   */
  dead?: string,
): void {
  const id = ids.awsCredential(account, `${role.arn}#${key}`);
  const node: GraphNode = {
    id,
    kind: 'credential',
    provider: 'aws',
    type: 'aws-role-trust',
    name: label ?? (federation ? `${federation.issuer.replace(/^https:\/\//, '')}${federation.subject ? ` ${federation.subject}` : ''}` : key),
    nativeId: `${role.arn}#${key}`,
    scope: account,
    credentialType: type,
    status: dead === undefined ? 'active' : 'inactive',
    // Role sessions are short-lived (MaxSessionDuration); the trust itself has no expiry.
    expiresAt: null,
    attrs: dead === undefined ? { sessionSeconds: role.maxSessionDuration ?? 3600 } : { sessionSeconds: role.maxSessionDuration ?? 3600, dead },
  };
  if (federation) node.federation = federation;
  const cred = b.addNode(node);
  b.addEdge({ from: roleNode, to: cred, type: 'HAS_CREDENTIAL', reason: dead === undefined ? `role ${role.name} is entered through ${type}` : deadTrustReason(role.name, type, dead) });
}

/** The HAS_CREDENTIAL reason of a role's trust no token passes (addFederatedCredential's `dead`). */
export function deadTrustReason(roleName: string, type: string, dead: string): string {
  return `role ${roleName} has a ${type} trust no token passes: ${dead}`;
}

/**
 * The key of the federated credential added for one sub of a trust in an IAM OIDC provider (its
 * id is `ids.awsCredential(account, <role ARN>#<key>)`): the trust statement, the provider's ARN
 * and the sub, `*` for none. Its FEDERATES_TO edge carries the statement and provider in its
 * evidence, and its external node the sub, so the linker finds the credential of a trust it finds
 * no token passes.
 */
export function oidcTrustKey(statement: number, providerArn: string, sub: string): string {
  return `trust${statement}:${providerArn}|${sub}`;
}

function addRolesAnywhere(b: GraphBuilder, raw: unknown, path: string, account: string): void {
  if (raw === undefined) return;
  const r: Reader = new Reader(path);
  // The file is what the collector writes: both lists, always (empty when there is nothing). A
  // file without them, or of another shape, is corrupt; read as "no profiles" it would silently
  // drop every Roles Anywhere entry point while the capability still reads as collected.
  if (!isObject(raw)) r.fail('$', 'expected an object with "trustAnchors" and "profiles" arrays');
  const list = (key: string): Record<string, unknown>[] => {
    const v = raw[key];
    if (!Array.isArray(v)) r.fail(`$.${key}`, 'expected an array');
    v.forEach((item, i) => {
      if (!isObject(item)) r.fail(`$.${key}[${i}]`, 'expected an object');
    });
    return v as Record<string, unknown>[];
  };
  const anchors = list('trustAnchors');
  const profiles = list('profiles');
  const enabledAnchors = anchors.filter((a) => a.enabled !== false);
  for (const [i, p] of profiles.entries()) {
    if (p.enabled === false) continue;
    // A role ARN that is not a string would drop the role's entry point without a word.
    const roleArns = r.optArray(p, 'roleArns', `$.profiles[${i}]`).map((x, j) => (typeof x === 'string' ? x : r.fail(`$.profiles[${i}].roleArns[${j}]`, 'expected a role ARN string')));
    roleArns.forEach((roleArn, j) => {
      if (!b.hasNode(ids.awsPrincipal(account, roleArn))) b.warn(`${path}: $.profiles[${i}].roleArns[${j}]: role ${roleArn} is not in the authorization details; skipped`);
    });
    for (const a of enabledAnchors) {
      const anchorArn = String(a.trustAnchorArn ?? a.trustAnchorId ?? 'anchor');
      const extId = ids.external('x509-anchor', anchorArn);
      b.addNode({ id: extId, kind: 'external', provider: 'external', type: 'x509-trust-anchor', name: `Roles Anywhere trust anchor ${String(a.name ?? anchorArn)}`, nativeId: anchorArn, scope: account, attrs: anchorSource(a.source) });
      for (const roleArn of roleArns) {
        const roleId = ids.awsPrincipal(account, roleArn);
        if (!b.hasNode(roleId)) continue;
        b.addEdge({ from: extId, to: roleId, type: 'FEDERATES_TO', reason: `IAM Roles Anywhere profile ${String(p.name ?? p.profileId)} lets certificates from ${String(a.name ?? anchorArn)} obtain role sessions`, hidden: true });
      }
    }
  }
}

/** The CA behind a trust anchor, by name only: the raw `source` object is never copied, so no unexpected field in it (a key, a secret) reaches the graph. */
function anchorSource(source: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(source)) return out;
  if (typeof source.sourceType === 'string') out.sourceType = source.sourceType;
  const data = source.sourceData;
  if (isObject(data) && typeof data.acmPcaArn === 'string') out.acmPcaArn = data.acmPcaArn;
  return out;
}

/**
 * Roles whose trust policy could not be read: who may assume them is unknown, so every principal
 * of the account whose own policies may allow sts:AssumeRole on the role keeps a conditional
 * route to it (the trust index, and so the escalation edges, know nothing of such roles).
 */
/** How loosely a web identity trust matches an aud value: the higher, the more tokens it takes. */
const AUDIENCE_LOOSENESS = { exact: 0, wildcard: 1, missing: 2 } as const;

function addUnreadableTrustRoutes(b: GraphBuilder, model: AccountModel, evaluator: Evaluator, answers: AccountAnswers, account: string): void {
  const unusable = answers.escalation.unusableTrust;
  if (unusable.length === 0) return;
  const method = 'sts-assume-role-unreadable-trust';
  const steps: Step[] = [];
  let i = 0;
  for (const p of principalsOf(model)) {
    if (!answers.mayAssume[i++]) continue;
    const from = ids.awsPrincipal(account, p.arn);
    for (const arn of unusable) {
      if (arn === p.arn) continue;
      const role = model.roles.get(arn);
      const problem = role && trustPolicyProblem(role);
      if (!role || !problem) continue;
      const d = evaluator.decide(p.arn, 'sts:AssumeRole', arn);
      if (d.decision !== 'allow' && d.decision !== 'conditional' && d.decision !== 'unknown') continue;
      const undecided = [`trust policy of ${arn} could not be read (${problem.problem})`, ...d.undecided];
      if (d.decision === 'unknown') undecided.push(`identity policies of ${p.arn} could not all be read`);
      steps.push({
        from,
        to: ids.awsPrincipal(account, arn),
        toName: role.name,
        type: 'CAN_ASSUME',
        method,
        reason: `the trust policy of role ${role.name} could not be read (it may trust account ${account} or ${p.name}), and ${p.name}'s policies ${d.decision === 'unknown' ? 'may allow (some could not be read)' : 'allow'} sts:AssumeRole on it`,
        conditional: true,
        evidence: { method, undecided },
      });
    }
  }
  addSteps(builderSink(b), account, steps);
}

/** Principals of one scanned account that can assume roles in another scanned account. */
export function linkCrossAccount(b: StepSink, states: readonly CrossAccountState[], now: Date): void {
  if (states.length < 2) return;
  type Candidate = {
    state: CrossAccountState;
    role: IamRole;
    id: string;
    anyone?: boolean;
    unusable?: boolean;
    /** accountWideTrust(role) and the names its trust lists, found when first asked. */
    accountWide?: boolean;
    names?: ReadonlySet<string>;
  };
  const byAccount = new Map<string, Candidate[]>();
  const byPrincipal = new Map<string, Candidate[]>();
  const anyone: Candidate[] = [];
  // One candidate (and node id string) per role, shared by every list and step that reaches it.
  const byRole = new Map<IamRole, Candidate>();
  const candidate = (state: CrossAccountState, role: IamRole): Candidate => {
    let c = byRole.get(role);
    if (c === undefined) byRole.set(role, (c = { state, role, id: ids.awsPrincipal(state.account, role.arn) }));
    return c;
  };
  for (const st of states) {
    for (const [acct, roles] of st.byAccount) {
      for (const role of roles) (byAccount.get(acct) ?? byAccount.set(acct, []).get(acct)!).push(candidate(st, role));
    }
    for (const [p, roles] of st.byPrincipal) {
      for (const role of roles) (byPrincipal.get(p) ?? byPrincipal.set(p, []).get(p)!).push(candidate(st, role));
    }
    for (const role of st.anyone) {
      const c = candidate(st, role);
      c.anyone = true;
      anyone.push(c);
    }
    for (const role of st.unusable) {
      const c = candidate(st, role);
      c.unusable = true;
      anyone.push(c);
    }
  }
  // Asked of every pair: kept on the candidate, which is one per role.
  const wide = (c: Candidate): boolean => (c.accountWide ??= accountWideTrust(c.role));
  const namesAny = (c: Candidate, keys: readonly string[]): boolean => {
    const names = (c.names ??= new Set(namesInTrust(c.role)));
    for (let i = 0; i < keys.length; i++) if (names.has(keys[i])) return true;
    return false;
  };
  // The assumers' subjects carry their own bound policies; no account model is needed to ask.
  const ev = createEvaluator(EMPTY_MODEL, { now });
  const method = 'sts-assume-role-cross-account';
  for (const st of states) {
    const trusting = new Set(byAccount.get(st.account) ?? []);
    const whom = (c: Candidate, direct: boolean, arn: string): string =>
      direct ? arn : c.anyone && !trusting.has(c) ? 'any AWS principal ("*")' : `account ${st.account}`;
    // Roles every principal of this account is a candidate for: those trusting the account, `*`,
    // or with a trust policy that could not be read.
    const shared = [...new Set([...trusting, ...anyone])].filter((c) => c.state.account !== st.account);
    // A readable trust policy without conditions, or whose conditions read nothing of the caller
    // but its account (accountWideTrust: the usual organisation-wide "*" trust under
    // aws:PrincipalOrgID), answers every principal of the account it does not name alike: it is
    // asked once here, and principals it names are asked one by one.
    const uniform: Candidate[] = [];
    const paired: Candidate[] = [];
    const named = new Set<string>();
    for (const c of shared) {
      if (!wide(c)) {
        paired.push(c);
        continue;
      }
      uniform.push(c);
      for (const n of namesInTrust(c.role)) named.add(n);
    }
    const probe: PrincipalFacts = { arn: `arn:aws:iam::${st.account}:user/\u0000`, accountId: st.account, type: 'user', name: '' };
    // Every principal of the account is in its organisation (aws:PrincipalOrgID), when that was read.
    if (st.organizationId !== undefined) probe.organizationId = st.organizationId;
    const uniformHits: Array<{ c: Candidate; maybe: boolean; undecided: readonly string[] }> = [];
    for (const c of uniform) {
      const t = evaluateTrust(c.role, probe, 'sts:AssumeRole', now, c.state.organizationId);
      if (t.result !== 'no' && t.result !== 'unknown') uniformHits.push({ c, maybe: t.result === 'maybe', undecided: t.undecided.length > 0 ? [...new Set(t.undecided)] : t.undecided });
    }
    // The condition keys a grouped trust left undecided, on the edges to its role.
    // (Deduplicated once per role above, not once per edge.)
    const hitEvidence = (h: (typeof uniformHits)[number]) => (h.undecided.length > 0 ? { method, undecided: h.undecided } : { method });
    // Shared set nodes of this account's grouped holders: one for holders whose policies allow
    // sts:AssumeRole everywhere, one for those allowed under a condition (as pairwise steps
    // gathered per holder would have given).
    const groupSets = new Map<boolean, string>();
    const steps: Step[] = [];
    // The identity answer of an assumer whose sts:AssumeRole statements do not depend on the
    // resource, asked once for all its pairs.
    let sameId: { p: unknown; d: ReturnType<typeof ev.decide> | undefined } = { p: undefined, d: undefined };
    // Trust answers of conditional trusts whose conditions read nothing of the caller but its
    // account: the same for every principal of this account they do not name.
    const accountTrust = new Map<IamRole, ReturnType<typeof evaluateTrust>>();
    const trustOf = (p: CrossAccountState['assumers'][number], c: Candidate): ReturnType<typeof evaluateTrust> => {
      const facts = p.subject.facts;
      if (!wide(c) || namesAny(c, p.keys)) {
        return evaluateTrust(c.role, facts, 'sts:AssumeRole', now, c.state.organizationId);
      }
      let t = accountTrust.get(c.role);
      if (t === undefined) accountTrust.set(c.role, (t = evaluateTrust(c.role, facts, 'sts:AssumeRole', now, c.state.organizationId)));
      return t;
    };
    const pair = (p: CrossAccountState['assumers'][number], from: string, c: Candidate, uniformId: boolean): void => {
      // Both answers are pure and a step needs both; the identity one is asked first, as most
      // pairs end there: a principal whose policies allow sts:AssumeRole on some roles only (it
      // is not grouped) is asked of every role trusting its account.
      if (uniformId && sameId.p !== p) sameId = { p, d: ev.decide(p.subject, 'sts:AssumeRole', c.role.arn) };
      const decided = uniformId ? sameId.d! : ev.decide(p.subject, 'sts:AssumeRole', c.role.arn);
      const id = decided.decision;
      if (id !== 'allow' && id !== 'conditional' && id !== 'unknown') return;
      const trust = trustOf(p, c);
      if (trust.result === 'no') return;
      // Most of these steps go through a shared set, which shows one reason per holder and makes
      // its edges once: the text is made only when addSteps asks for it.
      steps.push({
        from,
        to: c.id,
        toName: c.role.name,
        type: 'CAN_ASSUME',
        method,
        reason: () =>
          `${
            trust.result === 'unknown'
              ? `the trust policy of role ${c.role.name} in account ${c.state.account} could not be read (it may trust account ${st.account})`
              : `role ${c.role.name} in account ${c.state.account} trusts ${whom(c, trust.direct, p.arn)}`
          }, and ${p.name}'s policies ${id === 'unknown' ? 'may allow (some could not be read)' : 'allow'} sts:AssumeRole on it`,
        conditional: id !== 'allow' || trust.result !== 'yes',
        evidence: () => {
          // What could not be read or decided stays a conditional route, never a silent gap.
          const undecided = [...decided.undecided, ...trust.undecided];
          if (trust.result === 'unknown') undecided.push(`trust policy of ${c.role.arn} could not be read${c.unusable ? ` (${trustPolicyProblem(c.role)?.problem ?? 'unusable'})` : ''}`);
          if (id === 'unknown') undecided.push(`identity policies of ${p.arn} could not all be read`);
          return undecided.length ? { method, undecided: [...new Set(undecided)] } : { method };
        },
      });
    };
    // Each candidate is in `shared` once, so `uniform` and `paired` are disjoint and without
    // repeats; only a principal's own candidates (named by its trust keys) may repeat one of them,
    // or each other under two of its keys. Per principal, the ones already asked are those of
    // `paired` and of `uniform` (when not grouped) or of uniformHits (when grouped).
    const pairedSet = new Set(paired);
    const uniformSet = new Set(uniform);
    const hitSet = new Set(uniformHits.map((h) => h.c));
    for (const p of st.assumers) {
      const from = ids.awsPrincipal(st.account, p.arn);
      const own = p.keys.flatMap((k) => byPrincipal.get(k) ?? []).filter((c) => c.state.account !== st.account);
      const uniformId = sameForEveryResource(p.subject, ['sts:AssumeRole']);
      const grouped = uniformHits.length > 0 && !p.keys.some((k) => named.has(k)) && uniformId;
      if (grouped) {
        // Its answer is the same for every role: asked once, one edge to the account's shared set.
        const id = ev.decide(p.subject, 'sts:AssumeRole', uniformHits[0].c.role.arn).decision;
        if (id === 'allow' || id === 'conditional') {
          const idCond = id === 'conditional';
          const reasonOf = (h: (typeof uniformHits)[number]) =>
            `role ${h.c.role.name} in account ${h.c.state.account} trusts ${whom(h.c, false, p.arn)}, and ${p.name}'s policies allow sts:AssumeRole on it`;
          if (uniformHits.length <= FAN_OUT) {
            for (const h of uniformHits) {
              b.addEdge({ from, to: h.c.id, type: 'CAN_ASSUME', reason: reasonOf(h), hidden: true, conditional: idCond || h.maybe, evidence: hitEvidence(h) });
            }
          } else {
            let setId = groupSets.get(idCond);
            if (setId === undefined) {
              setId = crossAccountSetId(uniformHits.map((h) => `${h.c.id}${idCond || h.maybe ? '?' : ''}`));
              groupSets.set(idCond, setId);
              addSetNode(b, 'cross-account', setId, method, uniformHits.length);
              for (const h of uniformHits) {
                b.addEdge({ from: setId, to: h.c.id, type: 'CAN_ASSUME', reason: setHopReason(method, h.c.role.name, idCond || h.maybe), hidden: true, conditional: idCond || h.maybe, evidence: hitEvidence(h) });
              }
            }
            b.addHolderEdge(from, setId, 'CAN_ASSUME', method, uniformHits.length, reasonOf(uniformHits[0]), idCond || uniformHits.every((h) => h.maybe));
          }
        }
      } else for (const c of uniform) pair(p, from, c, uniformId);
      for (const c of paired) pair(p, from, c, uniformId);
      if (own.length === 0) continue;
      const asked = grouped ? hitSet : uniformSet;
      const ownAsked = new Set<Candidate>();
      for (const c of own) {
        if (asked.has(c) || pairedSet.has(c) || ownAsked.has(c)) continue;
        ownAsked.add(c);
        pair(p, from, c, uniformId);
      }
    }
    addSteps(b, 'cross-account', steps);
  }
}

/** The id of a shared set of cross-account targets, as addSteps would name it. */
function crossAccountSetId(members: string[]): string {
  return ids.crownJewel('aws', 'cross-account', `escalation-set/sts-assume-role-cross-account/${createHash('sha256').update([...members].sort().join('\n')).digest('hex').slice(0, 16)}`);
}


/** Condition keys whose value comes from the calling principal itself (not only its account). */
const PRINCIPAL_KEYS = /^aws:(principalarn|principaltag\/|userid|username|principaltype|principalservicename|principalisawsservice|federatedprovider|sourceidentity)/i;

/**
 * A readable trust policy whose conditions read nothing of the caller but its account (e.g.
 * aws:PrincipalOrgID, sts:ExternalId, aws:SourceIp) and use no policy variable: every principal
 * of one account it does not name gets the same answer.
 */
function accountWideTrust(role: IamRole): boolean {
  return (
    role.trustPolicy.ok &&
    !trustPolicyProblem(role) &&
    role.trustPolicy.document.statements.every(
      (s) => !s.condition || (!JSON.stringify(s.condition).includes('${') && Object.values(s.condition).every((keys) => Object.keys(keys).every((k) => !PRINCIPAL_KEYS.test(k)))),
    )
  );
}

/** Every AWS principal value a trust policy lists (in Principal or NotPrincipal). */
function namesInTrust(role: IamRole): string[] {
  if (!role.trustPolicy.ok) return [];
  const out: string[] = [];
  for (const s of role.trustPolicy.document.statements) {
    const block = s.principal ?? s.notPrincipal;
    // A role session is named under its role's key (trustKeysOf).
    if (block && block !== '*') for (const v of block.AWS ?? []) if (v !== '*') out.push(sessionPrincipal(v)?.role ?? v);
  }
  return out;
}

const EMPTY_MODEL: AccountModel = emptyAccountModel();

export { parseCsv };
