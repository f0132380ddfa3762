/**
 * For the actions the escalation methods ask about a resource the caller creates or picks
 * (SOME_RESOURCE): the resource types every such request is authorized against, as
 * `service:type` with the type written as in the resource's ARN (`function`, `devEndpoint`…).
 * Source: AWS Service Authorization Reference, the "Resource types" column of each action
 * (the types marked required). Only types no request can avoid are listed: a Deny on one of them
 * blocks the action whatever the caller names, and a Deny on another type never does. An action
 * missing here is not known: a Deny on a typed ARN, or on another service's resources, only
 * might apply to it.
 */
const REQUIRED: Record<string, readonly string[]> = {
  'lambda:createfunction': ['lambda:function'],
  'lambda:invokefunction': ['lambda:function'],
  'lambda:updatefunctioncode': ['lambda:function'],
  'ec2:runinstances': ['ec2:instance', 'ec2:image', 'ec2:network-interface', 'ec2:security-group', 'ec2:subnet'],
  'ec2:associateiaminstanceprofile': ['ec2:instance'],
  'glue:createdevendpoint': ['glue:devEndpoint'],
  'glue:updatedevendpoint': ['glue:devEndpoint'],
  'glue:createjob': ['glue:job'],
  'glue:startjobrun': ['glue:job'],
  'cloudformation:createstack': ['cloudformation:stack'],
  'sagemaker:createnotebookinstance': ['sagemaker:notebook-instance'],
  'sagemaker:createpresignednotebookinstanceurl': ['sagemaker:notebook-instance'],
  'sagemaker:createtrainingjob': ['sagemaker:training-job'],
  'sagemaker:createprocessingjob': ['sagemaker:processing-job'],
  'ecs:runtask': ['ecs:task-definition'],
  'codebuild:createproject': ['codebuild:project'],
  'codebuild:startbuild': ['codebuild:project'],
  'iam:createinstanceprofile': ['iam:instance-profile'],
  'iam:addroletoinstanceprofile': ['iam:instance-profile'],
};

const bySet = new Map<string, { services: Set<string>; types: Set<string> }>();
for (const [action, types] of Object.entries(REQUIRED)) {
  bySet.set(action, { services: new Set(types.map((t) => t.slice(0, t.indexOf(':')))), types: new Set(types) });
}

/**
 * The services and `service:type` pairs a lower-cased action is always authorized against, or
 * undefined when they are not known here.
 */
export function requiredResourceTypes(action: string): { services: ReadonlySet<string>; types: ReadonlySet<string> } | undefined {
  return bySet.get(action);
}
