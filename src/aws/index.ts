/**
 * AWS IAM analysis library: pure functions over the output of
 * `aws iam get-account-authorization-details`.
 *
 * - `parseAuthorizationDetails(json)` -> AccountModel (users, groups, roles, managed policies by ARN)
 * - `createEvaluator(model, { now })` -> `canDo(principalArn, action, resource, ctx?)`
 * - `listAdminEquivalent(model)` / `assessAdmin(evaluator, arn)`
 * - `findEscalationEdges(model)` / `findEscalationPaths(model)` -> edges `{from, to, method, reason, conditional}`
 * - `analyzeTrust(role)` / `analyzeAllTrust(model)` -> structured trust facts for rules
 *
 * Principal ids are ARNs throughout.
 */
export { parseAuthorizationDetails, AuthzDetailsError, type ParseAuthzOptions } from './authz-details.js';
export * from './model.js';
export { parsePolicyDocument, normalizePolicyDocument } from './policy/document.js';
export type { PolicyDocument, PolicyStatement, PrincipalBlock, ConditionBlock, DocumentProblem, DocumentParseResult, DocumentKind } from './policy/document.js';
export { createEvaluator, subjectFor } from './policy/evaluate.js';
export type { Decision, CanDoResult, StatementMatch, UnusablePolicy, PolicyOrigin, Subject, BoundPolicy, Evaluator, EvaluatorOptions } from './policy/evaluate.js';
export { SOME_RESOURCE, compilePolicy, type ResourceQuery, type CompiledPolicy } from './policy/compile.js';
export type { RequestContext, PrincipalFacts, KeyValue } from './policy/context.js';
export type { Tri } from './policy/tri.js';
export { ActionMatcher, compileArnPattern } from './policy/wildcard.js';
export { SENSITIVE_ACTIONS, assessAdmin, listAdminEquivalent, probeResources, type AdminAssessment, type AdminStatus } from './policy/admin.js';
export { PRIVESC_METHODS, type PrivescMethod, type PrivescTarget, type PrivescFamily } from './privesc-methods.js';
export {
  ADMIN_TARGET,
  findEscalationEdges,
  findEscalationPaths,
  type EscalationEdge,
  type EscalationGroup,
  type EscalationGraph,
  type EscalationOptions,
  type EscalationPath,
  type EscalationReport,
  type UndecidedEdge,
} from './privesc.js';
export {
  analyzeTrust,
  analyzeAllTrust,
  evaluateTrust,
  buildTrustIndex,
  claimFact,
  trustDenial,
  denyDoubtFor,
  outsideOrgDeniedBy,
  externalIdRequiredByDeny,
  foreignOrgsOf,
  namedForeignOrgsOf,
  orgKey,
  trustStatementCovers,
  trustPolicyProblem,
  trustKeysOf,
  sessionPrincipal,
  type TrustDenial,
  type OrgKnowledge,
  type ValueDoubt,
  type ClaimFact,
  type RoleTrustFacts,
  type TrustStatementFact,
  type TrustedPrincipal,
  type TrustDecision,
  type TrustIndex,
  type TrustAnalysisOptions,
} from './trust.js';
export { trustRoute, type TrustRoute } from './trust-route.js';
