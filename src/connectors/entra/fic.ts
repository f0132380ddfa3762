import { classifyWorkload } from '../../graph/workloads.js';
import type { FederationInfo } from '../../graph/model.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** How precisely a federated identity credential pins the workload, and why. */
export interface SubjectAssessment {
  match: FederationInfo['subjectMatch'];
  note: string;
}

/**
 * Judges the subject of a federated identity credential.
 *
 * - A flexible FIC (`claimsMatchingExpression`) with `matches` or `*` admits every subject the
 *   pattern covers: `wildcard`. One built only from `eq` comparisons pins the subject.
 * - A GitHub `repo:ORG/REPO:pull_request` subject is treated as `wildcard`: GitHub issues that
 *   subject to every pull-request workflow run of the repository, whatever its branch, so code
 *   nobody has reviewed yet (and, when the repository runs workflows for forks, code from
 *   outside the organisation) can mint a token. Subjects pinned to a ref (`ref:refs/heads/main`,
 *   a tag) or a deployment environment (`environment:prod`) are `exact`.
 * - A plain `subject` is compared exactly: "Wildcard characters aren't supported in any federated
 *   identity credential property value" (Microsoft Learn, workload identity federation
 *   considerations), so a `*` in it is a literal that no issuer puts in `sub`: `exact` (the
 *   credential admits nobody), with a note saying so. A missing subject is `missing`.
 */
export function assessSubject(issuer: string, subject: string | undefined, expression: string | undefined): SubjectAssessment {
  if (expression !== undefined) {
    if (/\bmatches\b/i.test(expression) || expression.includes('*')) {
      return { match: 'wildcard', note: `claims-matching expression ${expression} admits many subjects` };
    }
    return { match: 'exact', note: `claims-matching expression ${expression}` };
  }
  if (!subject) return { match: 'missing', note: 'no subject: any token of the issuer and audience is accepted' };
  if (subject.includes('*')) {
    return { match: 'exact', note: `subject ${subject} is compared literally (Entra supports wildcards only in claimsMatchingExpression), so no token matches it` };
  }
  if (sameIssuer(issuer, GITHUB_ISSUER)) {
    const m = /^repo:([^:]+):(.+)$/.exec(subject);
    if (m && m[2] === 'pull_request') {
      return {
        match: 'wildcard',
        note: `subject ${subject} is issued to every pull-request workflow of ${m[1]} (forks too, when fork workflows run)`,
      };
    }
  }
  return { match: 'exact', note: `subject ${subject}` };
}

/** The workload a FIC trusts, for the external node: a GitHub repository or another OIDC workload. */
export function workloadOf(issuer: string, subject: string | undefined, expression: string | undefined): { type: string; name: string } {
  const key = subject ?? expression ?? '(any subject)';
  if (sameIssuer(issuer, GITHUB_ISSUER)) {
    const m = /repo:([^:'"\s*]+(?:\*)?)/.exec(key);
    return { type: 'github-repo', name: m ? `${m[1]} (${key})` : key };
  }
  const kind = classifyWorkload(issuer, subject);
  return { type: kind.type, name: kind.type === 'oidc-workload' ? `${key} @ ${issuer}` : `${kind.label} ${key}` };
}

export function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}
