/**
 * Published IAM privilege-escalation methods, held as data. Sources: Rhino Security Labs'
 * "AWS IAM Privilege Escalation – Methods and Mitigations" and Bishop Fox's iam-vulnerable
 * (see RULES-CATALOG §2.3). Each entry says which actions it needs, on which target, and
 * what the attacker gains; `privesc.ts` turns them into edges with the policy evaluator.
 */

/** Which resources a method is aimed at. */
export type PrivescTarget =
  /** The principal itself (attach/put a policy on its own user or role). */
  | 'self'
  /** A group the user is already in. */
  | 'own-group'
  /** A customer managed policy attached to the principal or one of its groups. */
  | 'policy-attached-to-self'
  /** The principal's own permissions boundary, when it is a customer managed policy. */
  | 'own-boundary-policy'
  /** Any group the user could add itself to; an edge only when membership makes it admin. */
  | 'group-to-join'
  /** Another IAM user (take over its credentials). */
  | 'other-user'
  /** Another role (rewrite its trust policy). */
  | 'other-role'
  /** A role whose trust policy lets the principal assume it. */
  | 'assumable-role'
  /** A role that trusts `service` and can be passed to it. */
  | 'service-role'
  /** A role in an EC2 instance profile, reached through commands on a running instance. */
  | 'instance-role';

export type PrivescFamily =
  | 'policy-version'
  | 'attach-policy'
  | 'put-policy'
  | 'group-membership'
  | 'credentials'
  | 'trust-policy'
  | 'assume-role'
  | 'pass-role'
  | 'instance-access'
  | 'permissions-boundary'
  | 'update-code';

export interface PrivescMethod {
  /** Stable id, used in edges and findings. Never renamed. */
  id: string;
  name: string;
  family: PrivescFamily;
  /** Principal kinds that can use the method. */
  principalKinds: ReadonlyArray<'user' | 'role'>;
  target: PrivescTarget;
  /** Actions checked against the target's ARN. */
  targetActions: readonly string[];
  /** Actions checked on a resource of the attacker's choosing (they create it). */
  otherActions: readonly string[];
  /** The service principal the passed role must trust (pass-role methods). */
  service?: string;
  /** EC2 needs the role to be in an instance profile already. */
  needsInstanceProfile?: boolean;
  /** `admin`: a self-escalation to full rights; `target`: the rights of the target principal. */
  gains: 'admin' | 'target';
  /**
   * The method removes or replaces the principal's own permissions boundary: the boundary does
   * not cap what it gains; the principal's identity policies alone must make it admin (or let
   * it rewrite its own policies).
   */
  liftsBoundary?: boolean;
  /**
   * The last step is sts:AssumeRole on a role whose trust policy the principal rewrote to name
   * it: in the same account the trust policy alone grants it to the named user or role (no
   * identity Allow needed), but the permissions boundary must still allow it.
   */
  assumesByTrust?: boolean;
  /** Always conditional: depends on something the snapshot cannot show (e.g. a running instance). */
  alwaysConditional?: boolean;
  /** Template: `{from}`, `{to}`, `{via}`, `{actions}` and (attach methods) `{policy}` are filled in. */
  reason: string;
}

/** The ARN an attacker would attach; attach methods are asked with `iam:PolicyARN` set to it. */
export const ADMIN_POLICY_NAME = 'AdministratorAccess';

const passRole = (id: string, name: string, service: string, otherActions: string[], extra: Partial<PrivescMethod> = {}): PrivescMethod => ({
  id,
  name,
  family: 'pass-role',
  principalKinds: ['user', 'role'],
  target: 'service-role',
  targetActions: ['iam:PassRole'],
  otherActions,
  service,
  gains: 'target',
  reason: `{from} can pass role {to} (trusted by ${service}) to a new resource with {actions}, then run code as {to}`,
  ...extra,
});

export const PRIVESC_METHODS: readonly PrivescMethod[] = [
  {
    id: 'iam-create-policy-version',
    name: 'Create a new default version of an attached policy',
    family: 'policy-version',
    principalKinds: ['user', 'role'],
    target: 'policy-attached-to-self',
    targetActions: ['iam:CreatePolicyVersion'],
    otherActions: [],
    gains: 'admin',
    // --set-as-default needs no iam:SetDefaultPolicyVersion permission.
    reason: '{from} can call iam:CreatePolicyVersion on {via}, which is attached to it, and make a new default version granting anything',
  },
  {
    id: 'iam-attach-user-policy',
    name: 'Attach a managed policy to itself (user)',
    family: 'attach-policy',
    principalKinds: ['user'],
    target: 'self',
    targetActions: ['iam:AttachUserPolicy'],
    otherActions: [],
    gains: 'admin',
    reason: '{from} can call iam:AttachUserPolicy on itself and attach {policy}',
  },
  {
    id: 'iam-attach-role-policy',
    name: 'Attach a managed policy to itself (role)',
    family: 'attach-policy',
    principalKinds: ['role'],
    target: 'self',
    targetActions: ['iam:AttachRolePolicy'],
    otherActions: [],
    gains: 'admin',
    reason: '{from} can call iam:AttachRolePolicy on itself and attach {policy}',
  },
  {
    id: 'iam-attach-group-policy',
    name: 'Attach a managed policy to its own group',
    family: 'attach-policy',
    principalKinds: ['user'],
    target: 'own-group',
    targetActions: ['iam:AttachGroupPolicy'],
    otherActions: [],
    gains: 'admin',
    reason: '{from} can call iam:AttachGroupPolicy on its group {via} and attach {policy}',
  },
  {
    id: 'iam-put-user-policy',
    name: 'Write an inline policy on itself (user)',
    family: 'put-policy',
    principalKinds: ['user'],
    target: 'self',
    targetActions: ['iam:PutUserPolicy'],
    otherActions: [],
    gains: 'admin',
    reason: '{from} can call iam:PutUserPolicy on itself and grant itself anything',
  },
  {
    id: 'iam-put-role-policy',
    name: 'Write an inline policy on itself (role)',
    family: 'put-policy',
    principalKinds: ['role'],
    target: 'self',
    targetActions: ['iam:PutRolePolicy'],
    otherActions: [],
    gains: 'admin',
    reason: '{from} can call iam:PutRolePolicy on itself and grant itself anything',
  },
  {
    id: 'iam-put-group-policy',
    name: 'Write an inline policy on its own group',
    family: 'put-policy',
    principalKinds: ['user'],
    target: 'own-group',
    targetActions: ['iam:PutGroupPolicy'],
    otherActions: [],
    gains: 'admin',
    reason: '{from} can call iam:PutGroupPolicy on its group {via} and grant the group anything',
  },
  {
    id: 'iam-add-user-to-group',
    name: 'Add itself to a privileged group',
    family: 'group-membership',
    principalKinds: ['user'],
    target: 'group-to-join',
    targetActions: ['iam:AddUserToGroup'],
    otherActions: [],
    gains: 'admin',
    reason: '{from} can call iam:AddUserToGroup on {via}, whose policies would make it admin-equivalent',
  },
  {
    id: 'iam-create-access-key',
    name: 'Create an access key for another user',
    family: 'credentials',
    principalKinds: ['user', 'role'],
    target: 'other-user',
    targetActions: ['iam:CreateAccessKey'],
    otherActions: [],
    gains: 'target',
    reason: '{from} can call iam:CreateAccessKey on user {to} and act with its permissions',
  },
  {
    id: 'iam-create-login-profile',
    name: 'Create a console password for another user',
    family: 'credentials',
    principalKinds: ['user', 'role'],
    target: 'other-user',
    targetActions: ['iam:CreateLoginProfile'],
    otherActions: [],
    gains: 'target',
    reason: '{from} can call iam:CreateLoginProfile on user {to} (if it has no password yet) and sign in as it',
  },
  {
    id: 'iam-update-login-profile',
    name: "Change another user's console password",
    family: 'credentials',
    principalKinds: ['user', 'role'],
    target: 'other-user',
    targetActions: ['iam:UpdateLoginProfile'],
    otherActions: [],
    gains: 'target',
    reason: "{from} can call iam:UpdateLoginProfile on user {to}, reset its password and sign in as it",
  },
  {
    id: 'iam-update-assume-role-policy',
    name: "Rewrite a role's trust policy and assume it",
    family: 'trust-policy',
    principalKinds: ['user', 'role'],
    target: 'other-role',
    targetActions: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
    otherActions: [],
    gains: 'target',
    assumesByTrust: true,
    reason: '{from} can call iam:UpdateAssumeRolePolicy on role {to} to trust itself, then sts:AssumeRole it',
  },
  // Removing or replacing its own permissions boundary (IAM User Guide, permissions boundaries:
  // "an entity that can change its own boundary is not limited by it"; Rhino Security Labs lists
  // policy rewrites that a boundary would otherwise cap).
  ...(['User', 'Role'] as const).flatMap((kind): PrivescMethod[] => [
    {
      id: `iam-delete-${kind.toLowerCase()}-permissions-boundary`,
      name: `Remove its own permissions boundary (${kind.toLowerCase()})`,
      family: 'permissions-boundary',
      principalKinds: [kind === 'User' ? 'user' : 'role'],
      target: 'self',
      targetActions: [`iam:Delete${kind}PermissionsBoundary`],
      otherActions: [],
      gains: 'admin',
      liftsBoundary: true,
      reason: `{from} can call iam:Delete${kind}PermissionsBoundary on itself, and its own policies are not capped any more`,
    },
    {
      id: `iam-put-${kind.toLowerCase()}-permissions-boundary`,
      name: `Replace its own permissions boundary (${kind.toLowerCase()})`,
      family: 'permissions-boundary',
      principalKinds: [kind === 'User' ? 'user' : 'role'],
      target: 'self',
      targetActions: [`iam:Put${kind}PermissionsBoundary`],
      otherActions: [],
      gains: 'admin',
      liftsBoundary: true,
      reason: `{from} can call iam:Put${kind}PermissionsBoundary on itself and set AdministratorAccess as its boundary, so its own policies are not capped any more`,
    },
  ]),
  // Rewriting the policy that is its own permissions boundary lifts the cap as surely as
  // replacing the boundary: the effective permissions are what both the identity policies and
  // the boundary allow (IAM User Guide, permissions boundaries), and CreatePolicyVersion with
  // SetAsDefault makes the new version the operative one at once (IAM API reference). AWS
  // managed policies cannot be rewritten, so only customer managed boundaries are targets.
  {
    id: 'iam-create-policy-version-permissions-boundary',
    name: 'Create a new default version of its own permissions-boundary policy',
    family: 'permissions-boundary',
    principalKinds: ['user', 'role'],
    target: 'own-boundary-policy',
    targetActions: ['iam:CreatePolicyVersion'],
    otherActions: [],
    gains: 'admin',
    liftsBoundary: true,
    reason: '{from} can call iam:CreatePolicyVersion on its own permissions boundary {via} and make a new default version allowing everything, so its own policies are not capped any more',
  },
  {
    id: 'iam-set-default-policy-version-permissions-boundary',
    name: 'Make another version of its own permissions-boundary policy the default',
    family: 'permissions-boundary',
    principalKinds: ['user', 'role'],
    target: 'own-boundary-policy',
    targetActions: ['iam:SetDefaultPolicyVersion'],
    otherActions: [],
    gains: 'admin',
    liftsBoundary: true,
    alwaysConditional: true,
    reason: '{from} can call iam:SetDefaultPolicyVersion on its own permissions boundary {via}; a non-default version allowing more (versions are not compared) would lift its cap',
  },
  {
    id: 'sts-assume-role',
    name: 'Assume a role that trusts it',
    family: 'assume-role',
    principalKinds: ['user', 'role'],
    target: 'assumable-role',
    targetActions: ['sts:AssumeRole'],
    otherActions: [],
    gains: 'target',
    reason: '{from} can call sts:AssumeRole on role {to}, whose trust policy {via}',
  },
  passRole('iam-passrole-ec2', 'Pass a role to a new EC2 instance', 'ec2.amazonaws.com', ['ec2:RunInstances'], { needsInstanceProfile: true }),
  passRole('iam-passrole-lambda-invoke', 'Pass a role to a new Lambda function and invoke it', 'lambda.amazonaws.com', ['lambda:CreateFunction', 'lambda:InvokeFunction']),
  passRole('iam-passrole-lambda-event-source', 'Pass a role to a new Lambda function triggered by an event source', 'lambda.amazonaws.com', ['lambda:CreateFunction', 'lambda:CreateEventSourceMapping']),
  passRole('iam-passrole-glue-dev-endpoint', 'Pass a role to a new Glue development endpoint', 'glue.amazonaws.com', ['glue:CreateDevEndpoint']),
  passRole('iam-passrole-glue-job', 'Pass a role to a new Glue job', 'glue.amazonaws.com', ['glue:CreateJob', 'glue:StartJobRun']),
  passRole('iam-passrole-cloudformation', 'Pass a role to a new CloudFormation stack', 'cloudformation.amazonaws.com', ['cloudformation:CreateStack']),
  passRole('iam-passrole-sagemaker-notebook', 'Pass a role to a new SageMaker notebook', 'sagemaker.amazonaws.com', ['sagemaker:CreateNotebookInstance', 'sagemaker:CreatePresignedNotebookInstanceUrl']),
  passRole('iam-passrole-sagemaker-training', 'Pass a role to a SageMaker training job', 'sagemaker.amazonaws.com', ['sagemaker:CreateTrainingJob']),
  passRole('iam-passrole-sagemaker-processing', 'Pass a role to a SageMaker processing job', 'sagemaker.amazonaws.com', ['sagemaker:CreateProcessingJob']),
  passRole('iam-passrole-ecs-task', 'Pass a role to a new ECS task', 'ecs-tasks.amazonaws.com', ['ecs:RegisterTaskDefinition', 'ecs:RunTask']),
  passRole('iam-passrole-codebuild', 'Pass a role to a new CodeBuild project', 'codebuild.amazonaws.com', ['codebuild:CreateProject', 'codebuild:StartBuild']),
  // Rhino Security Labs' list: a pipeline whose definition runs a command with the passed role.
  passRole('iam-passrole-datapipeline', 'Pass a role to a new Data Pipeline that runs a command', 'datapipeline.amazonaws.com', [
    'datapipeline:CreatePipeline',
    'datapipeline:PutPipelineDefinition',
    'datapipeline:ActivatePipeline',
  ]),
  // Rhino Security Labs' list: put one's own SSH key on an existing Glue development endpoint
  // and use the role it runs as.
  {
    id: 'glue-update-dev-endpoint',
    name: 'Add an SSH key to an existing Glue development endpoint that has a role',
    family: 'update-code',
    principalKinds: ['user', 'role'],
    target: 'service-role',
    targetActions: [],
    otherActions: ['glue:UpdateDevEndpoint'],
    service: 'glue.amazonaws.com',
    gains: 'target',
    alwaysConditional: true,
    reason: '{from} can call glue:UpdateDevEndpoint; a development endpoint running as role {to} (endpoints are not read) would then let it in with its own SSH key',
  },
  // Rhino Security Labs' list: update the code of an existing function that runs as the role.
  {
    id: 'lambda-update-function-code',
    name: 'Update the code of an existing Lambda function that has a role',
    family: 'update-code',
    principalKinds: ['user', 'role'],
    target: 'service-role',
    targetActions: [],
    otherActions: ['lambda:UpdateFunctionCode'],
    service: 'lambda.amazonaws.com',
    gains: 'target',
    alwaysConditional: true,
    reason: '{from} can call lambda:UpdateFunctionCode; a function running as role {to} (functions are not read) would then run its code as {to}',
  },
  // Rhino Security Labs' list: make an older, more permissive version of an attached policy the default.
  {
    id: 'iam-set-default-policy-version',
    name: 'Make another version of an attached policy the default',
    family: 'policy-version',
    principalKinds: ['user', 'role'],
    target: 'policy-attached-to-self',
    targetActions: ['iam:SetDefaultPolicyVersion'],
    otherActions: [],
    gains: 'admin',
    alwaysConditional: true,
    reason: '{from} can call iam:SetDefaultPolicyVersion on {via}, which is attached to it; a non-default version granting more (versions are not compared) would become its policy',
  },
  // Rhino Security Labs' iam:PassRole + ec2:RunInstances for a role that has no
  // instance profile yet: PMapper's EC2 edges also accept creating one and adding the role.
  passRole('iam-passrole-ec2-new-instance-profile', 'Put a role in a new instance profile and pass it to a new EC2 instance', 'ec2.amazonaws.com', ['iam:CreateInstanceProfile', 'iam:AddRoleToInstanceProfile', 'ec2:RunInstances'], {
    alwaysConditional: true,
    reason: '{from} can create an instance profile holding role {to} and launch an EC2 instance with it ({actions}), then run code as {to}',
  }),
  // The same on a running instance (PMapper's EC2 edges): attach an instance profile to it.
  passRole('iam-passrole-ec2-associate-instance-profile', 'Attach an instance profile to a running EC2 instance', 'ec2.amazonaws.com', ['ec2:AssociateIamInstanceProfile'], {
    needsInstanceProfile: true,
    alwaysConditional: true,
    reason: '{from} can attach instance profile {via} to a running EC2 instance ({actions}); with code running on that instance it would act as {to}',
  }),
  {
    id: 'ssm-send-command',
    name: 'Run commands on an instance that has a role',
    family: 'instance-access',
    principalKinds: ['user', 'role'],
    target: 'instance-role',
    targetActions: [],
    otherActions: ['ssm:SendCommand'],
    gains: 'target',
    alwaysConditional: true,
    reason: '{from} can call ssm:SendCommand on instances; one running with instance profile {via} would give it role {to}',
  },
  {
    id: 'ssm-start-session',
    name: 'Open a shell on an instance that has a role',
    family: 'instance-access',
    principalKinds: ['user', 'role'],
    target: 'instance-role',
    targetActions: [],
    otherActions: ['ssm:StartSession'],
    gains: 'target',
    alwaysConditional: true,
    reason: '{from} can call ssm:StartSession on instances; one running with instance profile {via} would give it role {to}',
  },
];
