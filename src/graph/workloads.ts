/**
 * Names the kind of external workload an OIDC trust admits, from its issuer and subject, so
 * that the same GitHub repository, GitLab project, Terraform workspace, Kubernetes service
 * account or SPIFFE workload is recognisable whether it federates into AWS or into Entra ID.
 */
/** Every node type classifyWorkload can give an external workload, for rules that must recognise all of them. */
export const WORKLOAD_TYPES = ['github-repo', 'gitlab-project', 'terraform-workspace', 'kubernetes-service-account', 'spiffe-workload', 'oidc-workload'] as const;

export interface WorkloadKind {
  type: (typeof WORKLOAD_TYPES)[number];
  label: string;
}

const host = (issuer: string) => issuer.replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase();

export function classifyWorkload(issuer: string, subject: string | undefined): WorkloadKind {
  const h = host(issuer);
  const sub = subject ?? '';
  if (h === 'token.actions.githubusercontent.com' || h.startsWith('token.actions.githubusercontent.com/')) return { type: 'github-repo', label: 'GitHub' };
  if (h === 'gitlab.com' || /^project_path:/.test(sub)) return { type: 'gitlab-project', label: 'GitLab' };
  if (h === 'app.terraform.io' || /^organization:[^:]+:project:/.test(sub)) return { type: 'terraform-workspace', label: 'Terraform Cloud' };
  // SPIFFE IDs are URIs with the spiffe scheme; SPIRE's OIDC discovery provider is often named so.
  if (/^spiffe:\/\//i.test(sub) || /(^|[./-])(spire|spiffe)([./-]|$)/.test(h)) return { type: 'spiffe-workload', label: 'SPIFFE' };
  if (/^system:serviceaccount:/.test(sub) || /oidc\.eks\.|container\.googleapis\.com|\.oic\.prod-aks\.azure\.com|kubernetes/.test(h)) {
    return { type: 'kubernetes-service-account', label: 'Kubernetes' };
  }
  return { type: 'oidc-workload', label: 'OIDC' };
}

/**
 * The type and name of the external node of an OIDC subject, `<issuer>|<subject>`. The node is
 * shared by id between the AWS transform (an IAM role's trust) and the Entra one (an app's
 * federated credential), and the graph builder keeps the first value it is given: both name it
 * here, from issuer and subject alone, so the node reads the same whichever provider is
 * transformed first. `expression` is an Entra claims-matching expression standing for the
 * subject; neither given is a trust with no sub condition. A GitHub subject is named after
 * GitHub, a generic issuer by its host (and path), without the scheme.
 */
export function oidcSubjectNode(issuer: string, subject: string | undefined, expression?: string): { type: WorkloadKind['type']; name: string } {
  const kind = classifyWorkload(issuer, subject);
  const what = subject ?? expression;
  if (kind.type === 'oidc-workload') return { type: kind.type, name: `${issuer.replace(/^https:\/\//i, '')} ${what ?? '(any subject)'}` };
  return { type: kind.type, name: `${kind.label} ${what ?? (kind.type === 'github-repo' ? 'any repository' : '(any subject)')}` };
}

/**
 * Claims of a GitHub Actions `sub` that pin which runs get it: a branch or tag (`ref`), an
 * environment (whose protection rules gate the run), or a workflow file at a ref
 * (`workflow_ref`, `job_workflow_ref`, `sha`). GitHub builds a customised subject from the
 * claims its template lists, as `key:value` pairs joined by `:` (GitHub docs, "OpenID Connect
 * reference", customising the subject claims), so a template of the repository claim alone gives
 * `repo:ORG/REPO` to every run of every workflow of the repository, on any branch. `ref_type`
 * and `event_name` narrow nothing a branch author cannot choose.
 */
const GITHUB_PIN = /(?:^|:)(?:ref|environment|workflow_ref|job_workflow_ref|sha):/;

/** The one repository a GitHub subject names (default or customised template), if any. */
export function githubRepo(subject: string): string | undefined {
  const m =
    /(?:^|:)(?:repo|repository):([^:/]+\/[^:/]+)(?::|$)/.exec(subject) ??
    /(?:^|:)(repository_id:\d+)(?::|$)/.exec(subject) ??
    /(?:^|:)workflow_ref:([^:/]+\/[^:/]+)\//.exec(subject);
  return m?.[1];
}

/**
 * How far an exact GitHub Actions subject reaches beyond one pinned kind of run, or undefined when
 * it pins one:
 * - `pull-request`: `...:pull_request` is issued to every pull-request run, whatever its branch;
 * - `owner`: it names no single repository (`repository_owner:ORG`, `job_workflow_ref:...` alone),
 *   so every repository of the owner whose runs get such a subject qualifies;
 * - `repository`: it names one repository and no branch, tag, environment or workflow (GITHUB_PIN).
 */
export function githubSubjectBreadth(subject: string): { breadth: 'pull-request' | 'owner' | 'repository'; repo?: string } | undefined {
  const repo = githubRepo(subject);
  if (/(^|:)pull_request(:|$)/.test(subject)) return { breadth: 'pull-request', repo };
  if (repo === undefined) return { breadth: 'owner' };
  if (!GITHUB_PIN.test(subject)) return { breadth: 'repository', repo };
  return undefined;
}
