/**
 * "Admin-equivalent": a principal that is already unconditionally allowed a representative set
 * of sensitive actions on the resources they act on (any role, object, secret… of its account). The set covers identity administration (which makes every
 * other permission reachable), running code, reading data and secrets, and organisation
 * control. AdministratorAccess passes; PowerUserAccess fails on the IAM actions (it excludes
 * `iam:*` but for a few); IAMFullAccess fails on the non-IAM actions (it escalates instead);
 * ReadOnlyAccess/ViewOnlyAccess fail on every write.
 */
import type { AccountModel } from '../model.js';
import { principalsOf } from '../model.js';
import { createEvaluator, type Evaluator, type Subject } from './evaluate.js';
import { requiredTypeCount, SOME_RESOURCE } from './compile.js';

/**
 * The documented representative set of sensitive actions, each checked on its probe resource
 * (probeResources); one whose every request names several resource types (ec2:RunInstances: the
 * image, instance, subnet…) is asked as a new request of the caller's choosing (SOME_RESOURCE), as
 * the escalation search asks it, so that an Allow on `instance/*` alone is no launch here either.
 */
export const SENSITIVE_ACTIONS: readonly string[] = [
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:PassRole',
  'sts:AssumeRole',
  'ec2:RunInstances',
  'lambda:CreateFunction',
  'ssm:SendCommand',
  's3:GetObject',
  's3:PutBucketPolicy',
  'secretsmanager:GetSecretValue',
  'kms:Decrypt',
  'organizations:CreatePolicy',
];

/**
 * What each sensitive action is authorized against (Service Authorization Reference, "Resource
 * types"): an ARN of that type in the principal's partition and account, with a made-up name
 * (`{p}` partition, `{a}` account, `{r}` a region of the partition). Asking the string "*"
 * instead let a Deny on every ARN of a service (arn:aws:s3:::*) go unnoticed, and missed an Allow
 * written as ARNs only.
 *
 * organizations:CreatePolicy: the reference's Organizations page ("Actions defined by AWS
 * Organizations") lists the `policy` resource type as required for it, ARN
 * `arn:${Partition}:organizations::${Account}:policy/o-${OrganizationId}/${PolicyType}/p-${PolicyId}`
 * (condition keys aws:RequestTag, aws:ResourceTag, aws:TagKeys, organizations:PolicyType). Older
 * editions listed no resource type, and it was asked about `*`: an Allow on policy ARNs was
 * missed and a Deny on every service control policy ignored. The probe is a service control
 * policy (the type that caps every account of the organisation) of a made-up organisation. The
 * account is the principal's own: that of the management account where the organisation's
 * policies live; a delegated administrator in a member account creates them there too, under
 * the management account's id, which the scan does not know.
 */
const PROBES: Readonly<Record<string, string>> = {
  'iam:CreateUser': 'arn:{p}:iam::{a}:user/nhiscan-probe',
  'iam:CreateAccessKey': 'arn:{p}:iam::{a}:user/nhiscan-probe',
  'iam:PutUserPolicy': 'arn:{p}:iam::{a}:user/nhiscan-probe',
  'iam:AttachUserPolicy': 'arn:{p}:iam::{a}:user/nhiscan-probe',
  'iam:CreateRole': 'arn:{p}:iam::{a}:role/nhiscan-probe',
  'iam:AttachRolePolicy': 'arn:{p}:iam::{a}:role/nhiscan-probe',
  'iam:PutRolePolicy': 'arn:{p}:iam::{a}:role/nhiscan-probe',
  'iam:CreatePolicyVersion': 'arn:{p}:iam::{a}:policy/nhiscan-probe',
  'iam:UpdateAssumeRolePolicy': 'arn:{p}:iam::{a}:role/nhiscan-probe',
  'iam:PassRole': 'arn:{p}:iam::{a}:role/nhiscan-probe',
  'sts:AssumeRole': 'arn:{p}:iam::{a}:role/nhiscan-probe',
  'ec2:RunInstances': 'arn:{p}:ec2:{r}:{a}:instance/i-0nhiscanprobe0000',
  'lambda:CreateFunction': 'arn:{p}:lambda:{r}:{a}:function:nhiscan-probe',
  'ssm:SendCommand': 'arn:{p}:ssm:{r}:{a}:document/nhiscan-probe',
  'ssm:GetParameter': 'arn:{p}:ssm:{r}:{a}:parameter/nhiscan-probe',
  'ssm:GetParameters': 'arn:{p}:ssm:{r}:{a}:parameter/nhiscan-probe',
  's3:GetObject': 'arn:{p}:s3:::nhiscan-probe/object',
  's3:PutBucketPolicy': 'arn:{p}:s3:::nhiscan-probe',
  'secretsmanager:GetSecretValue': 'arn:{p}:secretsmanager:{r}:{a}:secret:nhiscan-probe-AbCdEf',
  'kms:Decrypt': 'arn:{p}:kms:{r}:{a}:key/00000000-0000-0000-0000-000000000000',
  'organizations:CreatePolicy': 'arn:{p}:organizations::{a}:policy/o-nhiscanprobe/service_control_policy/p-nhiscanprobe',
};

/** A region of each partition (the first of its list), for regional ARNs. */
const REGION_OF: Readonly<Record<string, string>> = { aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' };

/** Per action list and `partition:account`, the probe of each action, built once (asked for every principal). */
const probesByList = new WeakMap<readonly string[], Map<string, readonly string[]>>();

/**
 * The resource each of `actions` is asked about for a principal of `arn` (in `accountId`): an ARN
 * of the action's resource type in that partition and account with a made-up name (PROBES), so
 * that a statement written for every resource of the type (`arn:aws:secretsmanager:*:*:secret:*`)
 * answers as it does for a real one, and `*` for an action without a probe. A made-up name stands
 * for "any resource of the type": a pattern naming only some (`secret:prod/*`) does not match it.
 * Without an account or partition no ARN can be made: `*` for every action.
 */
export function probeResources(actions: readonly string[], arn: string, accountId: string | undefined): readonly string[] {
  const partition = arn.startsWith('arn:') ? arn.slice(4, arn.indexOf(':', 4)) : '';
  const account = accountId ?? arn.split(':')[4];
  if (!partition || !account) return actions.map(() => '*');
  let byAccount = probesByList.get(actions);
  if (byAccount === undefined) probesByList.set(actions, (byAccount = new Map()));
  const key = `${partition}:${account}`;
  let list = byAccount.get(key);
  if (list === undefined) {
    const region = REGION_OF[partition] ?? 'us-east-1';
    list = actions.map((a) => (PROBES[a] ?? '*').replace('{p}', partition).replace('{a}', account).replace('{r}', region));
    if (byAccount.size < 10_000) byAccount.set(key, list);
  }
  return list;
}

/** By place in SENSITIVE_ACTIONS: asked as a new request of the caller's choosing (see there). */
const ASKED_AS_NEW: readonly boolean[] = SENSITIVE_ACTIONS.map((a) => requiredTypeCount(a.toLowerCase()) > 0);

export type AdminStatus = 'admin' | 'conditional' | 'not-admin' | 'unknown';

export interface AdminAssessment {
  status: AdminStatus;
  /** For `not-admin`: the first sensitive action that is not allowed. */
  missing?: string;
  /** For `conditional`/`unknown`: the actions that were not plainly allowed. */
  undecided?: string[];
}

/** Is this principal admin-equivalent? */
export function assessAdmin(evaluator: Evaluator, principal: string | Subject): AdminAssessment {
  let undecided: string[] | undefined;
  let sawUnknown = false;
  const resources = typeof principal === 'string' ? probeResources(SENSITIVE_ACTIONS, principal, undefined) : probeResources(SENSITIVE_ACTIONS, principal.facts.arn, principal.facts.accountId);
  for (let i = 0; i < SENSITIVE_ACTIONS.length; i++) {
    const action = SENSITIVE_ACTIONS[i];
    const d = evaluator.decide(principal, action, ASKED_AS_NEW[i] ? SOME_RESOURCE : resources[i]).decision;
    if (d === 'deny' || d === 'implicit-deny') return { status: 'not-admin', missing: action };
    if (d === 'unknown') sawUnknown = true;
    if (d !== 'allow') (undecided ??= []).push(action);
  }
  if (undecided === undefined) return { status: 'admin' };
  return { status: sawUnknown ? 'unknown' : 'conditional', undecided };
}

/** ARNs of the users and roles that are admin-equivalent, in model order. */
export function listAdminEquivalent(model: AccountModel, evaluator: Evaluator = createEvaluator(model)): string[] {
  return principalsOf(model)
    .filter((p) => assessAdmin(evaluator, p.arn).status === 'admin')
    .map((p) => p.arn);
}
