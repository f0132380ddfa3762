import {
  findEscalationEdges,
  assessAdmin,
  SOME_RESOURCE,
  type AccountModel,
  type AdminAssessment,
  type EscalationGraph,
  type Evaluator,
} from '../../aws/index.js';

/** Actions that mark what a principal can do, each checked with the evaluator (RULES-CATALOG §4.1). */
const SECRETS_ACTIONS = ['secretsmanager:GetSecretValue', 'kms:Decrypt', 'ssm:GetParameter', 'ssm:GetParameters'];
const IDENTITY_ADMIN_ACTIONS = ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateRole', 'iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole'];
const WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sns:Publish', 'ses:SendEmail', 'sqs:SendMessage', 'lambda:InvokeFunction'];
const READ_ACTIONS = ['s3:GetObject', 'dynamodb:GetItem', 'dynamodb:Query', 'logs:GetLogEvents', 'ec2:DescribeInstances'];
const MODEL_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeAgent', 'sagemaker:InvokeEndpoint'];

/** Above this many targets of one method, a holder's edges go through a shared set node. */
export const FAN_OUT = 8;

/** The actions of one group that are allowed (plainly or under a condition), and whether only conditionally. */
export interface Decided {
  allowed: string[];
  conditional: boolean;
  /** Actions whose answer depends on a policy that could not be read (not in `allowed`). */
  unread?: string[];
}

/** What the policy evaluator answers about one principal for the crown-jewel grants. */
export interface GrantAnswers {
  /** Admin status; `admin` for the principals the escalation search found already admin. */
  assessment: AdminAssessment;
  secrets: Decided;
  identity: Decided;
  write: Decided;
  read: Decided;
  invoke: Decided;
  /** Whether an action of a service that does not exist is allowed: only a blanket `*` grant allows it. */
  blanket: boolean;
}

/**
 * Every answer the transform asks the policy evaluator about one account: the escalation search,
 * each principal's grants, and which principals may call sts:AssumeRole at all; a pure function
 * of the account's authorization details and the clock.
 */
export interface AccountAnswers {
  escalation: EscalationGraph;
  /** Per principal, users then roles in model order. */
  grants: GrantAnswers[];
  /** Per principal, as `grants`: whether its identity policies may allow sts:AssumeRole. */
  mayAssume: boolean[];
}

function decisionOf(ev: Evaluator, arn: string, actions: readonly string[], resource: string | typeof SOME_RESOURCE): Decided {
  const allowed: string[] = [];
  let unread: string[] | undefined;
  let conditional = true;
  for (const a of actions) {
    const d = ev.decide(arn, a, resource).decision;
    if (d === 'allow') {
      allowed.push(a);
      conditional = false;
    } else if (d === 'conditional') allowed.push(a);
    else if (d === 'unknown') (unread ??= []).push(a);
  }
  const out: Decided = { allowed, conditional: allowed.length > 0 && conditional };
  if (unread) out.unread = unread;
  return out;
}

export function answerAccount(model: AccountModel, ev: Evaluator): AccountAnswers {
  const escalation = findEscalationEdges(model, { evaluator: ev, now: ev.now, groupAbove: FAN_OUT });
  const admins = new Set(escalation.admins);
  const grants: GrantAnswers[] = [];
  const mayAssume: boolean[] = [];
  for (const p of [...model.users.values(), ...model.roles.values()]) {
    grants.push({
      // Rules need to tell "not admin" from "could not tell" (a policy that did not parse).
      assessment: admins.has(p.arn) ? { status: 'admin' } : assessAdmin(ev, p.arn),
      secrets: decisionOf(ev, p.arn, SECRETS_ACTIONS, '*'),
      identity: decisionOf(ev, p.arn, IDENTITY_ADMIN_ACTIONS, '*'),
      write: decisionOf(ev, p.arn, WRITE_ACTIONS, SOME_RESOURCE),
      read: decisionOf(ev, p.arn, READ_ACTIONS, SOME_RESOURCE),
      invoke: decisionOf(ev, p.arn, MODEL_INVOKE_ACTIONS, SOME_RESOURCE),
      blanket: ev.decide(p.arn, 'nhiscanprobe:NoSuchAction', SOME_RESOURCE).decision === 'allow',
    });
    mayAssume.push(ev.mayDoAction(p.arn, 'sts:AssumeRole'));
  }
  return { escalation, grants, mayAssume };
}
