/**
 * For the actions the escalation methods ask about a resource the caller creates or picks
 * (SOME_RESOURCE): the resource types a request is authorized against, from the "Resource types"
 * column of the AWS Service Authorization Reference (checked against the reference's data as of
 * 2026-09). Each type is `service:type`, with the type as it is written in the resource's ARN
 * (`function`, `devEndpoint`, `instance`…).
 * - `required`: every request names one; a Deny covering all of that type blocks the action
 *   whatever the caller names.
 * - `optional`: only some requests name one (ec2:RunInstances and a key pair or a volume): a Deny
 *   on it might apply.
 * - Neither: a Deny on that type, or on another service, never applies. An action listed with no
 *   type at all is authorized against `*` only.
 * An action missing here is not known: a Deny on a typed ARN, or on another service's resources,
 * only might apply to it.
 */
const TYPES: Record<string, { required: readonly string[]; optional?: readonly string[] }> = {
  'lambda:createfunction': { required: ['lambda:function'] },
  'lambda:invokefunction': { required: ['lambda:function'] },
  'lambda:updatefunctioncode': { required: ['lambda:function'] },
  'lambda:createeventsourcemapping': { required: [] },
  'ec2:runinstances': {
    required: ['ec2:image', 'ec2:instance', 'ec2:network-interface', 'ec2:security-group', 'ec2:subnet'],
    optional: [
      'ec2:capacity-reservation',
      'ec2:elastic-gpu',
      'elastic-inference:elastic-inference-accelerator',
      'resource-groups:group',
      'ec2:key-pair',
      'ec2:launch-template',
      'license-manager:license-configuration',
      'ec2:placement-group',
      'ec2:secondary-interface',
      'ec2:secondary-subnet',
      'ec2:snapshot',
      'ec2:spot-instances-request',
      'ec2:volume',
    ],
  },
  'ec2:associateiaminstanceprofile': { required: ['ec2:instance'] },
  'glue:createdevendpoint': { required: [] },
  'glue:updatedevendpoint': { required: ['glue:devEndpoint'] },
  'glue:createjob': { required: ['glue:job'] },
  'glue:startjobrun': { required: ['glue:job'] },
  'cloudformation:createstack': { required: ['cloudformation:stack'] },
  'sagemaker:createnotebookinstance': { required: ['sagemaker:notebook-instance'] },
  'sagemaker:createpresignednotebookinstanceurl': { required: ['sagemaker:notebook-instance'] },
  'sagemaker:createtrainingjob': { required: ['sagemaker:training-job'], optional: ['sagemaker:reserved-capacity', 'sagemaker:training-plan'] },
  'sagemaker:createprocessingjob': { required: ['sagemaker:processing-job'] },
  'ecs:runtask': { required: ['ecs:task-definition'] },
  'codebuild:createproject': { required: ['codebuild:project'] },
  'codebuild:startbuild': { required: ['codebuild:project'] },
  'datapipeline:createpipeline': { required: [] },
  'datapipeline:putpipelinedefinition': { required: ['datapipeline:pipeline'] },
  'datapipeline:activatepipeline': { required: ['datapipeline:pipeline'] },
  'iam:createinstanceprofile': { required: ['iam:instance-profile'] },
  'iam:addroletoinstanceprofile': { required: ['iam:instance-profile'] },
  'ssm:sendcommand': { required: ['ssm:document'], optional: ['s3:bucket', 'ec2:instance', 'ssm:managed-instance'] },
  // The document is checked only when the caller names one (Session Manager's default otherwise).
  'ssm:startsession': { required: [], optional: ['ssm:document', 'ec2:instance', 'ssm:managed-instance', 'ecs:task'] },
};

/**
 * How the ARN of each type above is written (Service Authorization Reference, "ARN" column of
 * the resource types): whether it has a region and an account, and the character between the
 * type and the name (`function:NAME`, `instance/ID`; '' when there is no type part, as for an S3
 * bucket). An empty segment in a policy matches only an empty one, and a literal '/' never
 * matches ':' (IAM User Guide, wildcards in resource ARNs are per segment), so a Deny written
 * with the wrong shape never covers the type.
 */
export interface ArnShape {
  region: boolean;
  /** `either`: AWS-owned SSM documents have no account, the caller's own do. */
  account: boolean | 'either';
  sep: ':' | '/' | '';
}
const REGIONAL_SLASH: ArnShape = Object.freeze({ region: true, account: true, sep: '/' });
const SHAPES: Record<string, ArnShape> = {
  'lambda:function': { region: true, account: true, sep: ':' },
  'license-manager:license-configuration': { region: true, account: true, sep: ':' },
  // `arn:aws:ec2:REGION::image/ami-…`: a Deny naming an account never matches an AMI or a snapshot.
  'ec2:image': { region: true, account: false, sep: '/' },
  'ec2:snapshot': { region: true, account: false, sep: '/' },
  'iam:instance-profile': { region: false, account: true, sep: '/' },
  's3:bucket': { region: false, account: false, sep: '' },
  'ssm:document': { region: true, account: 'either', sep: '/' },
};

/** The ARN shape of a `service:type` listed in TYPES (most are `arn:P:S:REGION:ACCOUNT:type/name`). */
export function arnShapeOf(serviceType: string): ArnShape {
  return SHAPES[serviceType] ?? REGIONAL_SLASH;
}


/**
 * Types whose resource a request may take from another account: a subnet or security group of a
 * VPC shared with the caller (AWS RAM), a document another account (or AWS, as AWS-RunShellScript,
 * whose ARN has no account) shares. A Deny naming only the caller's account might miss them.
 */
export const SHAREABLE_TYPES: ReadonlySet<string> = new Set(['ec2:subnet', 'ec2:security-group', 'ssm:document']);

export interface ResourceTypes {
  required: ReadonlySet<string>;
  optional: ReadonlySet<string>;
  /** The services of both. */
  services: ReadonlySet<string>;
}

const byAction = new Map<string, ResourceTypes>();
for (const [action, t] of Object.entries(TYPES)) {
  const all = [...t.required, ...(t.optional ?? [])];
  byAction.set(action, { required: new Set(t.required), optional: new Set(t.optional ?? []), services: new Set(all.map((x) => x.slice(0, x.indexOf(':')))) });
}

/** The resource types a lower-cased action is authorized against, or undefined when not known here. */
export function resourceTypesOf(action: string): ResourceTypes | undefined {
  return byAction.get(action);
}
