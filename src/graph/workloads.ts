/**
 * Names the kind of external workload an OIDC trust admits, from its issuer and subject, so
 * that the same GitHub repository, GitLab project, Terraform workspace, Kubernetes service
 * account or SPIFFE workload is recognisable whether it federates into AWS or into Entra ID.
 */
export interface WorkloadKind {
  type: 'github-repo' | 'gitlab-project' | 'terraform-workspace' | 'kubernetes-service-account' | 'spiffe-workload' | 'oidc-workload';
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
