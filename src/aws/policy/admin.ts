/**
 * "Admin-equivalent": a principal that is already unconditionally allowed a representative set
 * of sensitive actions on `*`. The set covers identity administration (which makes every
 * other permission reachable), running code, reading data and secrets, and organisation
 * control. AdministratorAccess passes; PowerUserAccess fails on the IAM actions (it excludes
 * `iam:*` but for a few); IAMFullAccess fails on the non-IAM actions (it escalates instead);
 * ReadOnlyAccess/ViewOnlyAccess fail on every write.
 */
import type { AccountModel } from '../model.js';
import { principalsOf } from '../model.js';
import { createEvaluator, type Evaluator, type Subject } from './evaluate.js';

/** The documented representative set of sensitive actions, each checked on resource `*`. */
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
  for (let i = 0; i < SENSITIVE_ACTIONS.length; i++) {
    const action = SENSITIVE_ACTIONS[i];
    const d = evaluator.decide(principal, action, '*').decision;
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
