import { githubSubjectBreadth } from '../../graph/workloads.js';
import type { FederationInfo } from '../../graph/model.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** How precisely a federated identity credential pins the workload, and why. */
export interface SubjectAssessment {
  match: FederationInfo['subjectMatch'];
  note: string;
  /** The subject was not read or cannot be judged: rules answer unknown, not pass or fail. */
  undecided?: boolean;
}

/**
 * Issuers for which Entra accepts flexible credentials (claimsMatchingExpression, Graph beta
 * only): GitHub (with an enterprise's own issuer path), GitLab, Terraform Cloud.
 */
const FLEXIBLE_ISSUERS: readonly RegExp[] = [/^https:\/\/token\.actions\.githubusercontent\.com(\/[^/]+)?\/?$/i, /^https:\/\/gitlab\.com\/?$/i, /^https:\/\/app\.terraform\.io\/?$/i];

/**
 * Judges the subject of a federated identity credential.
 *
 * - A flexible FIC (`claimsMatchingExpression`) with `matches` or `*` admits every subject the
 *   pattern covers: `wildcard`. One built only from `eq` comparisons is judged by the subjects it
 *   compares `claims['sub']` with, as a plain subject would be.
 * - GitHub (token.actions.githubusercontent.com, or the same host with an enterprise's path,
 *   GitHub Enterprise Cloud's custom issuer): a `pull_request` subject (`repo:ORG/REPO:pull_request`)
 *   is `wildcard`: GitHub issues it to every pull-request workflow run of the repository,
 *   whatever its branch, so code nobody has reviewed yet (and forks' code, when fork workflows
 *   run) can mint a token. A customised subject that names no single repository
 *   (`repository_owner:ORG`, `repository_owner_id:N`, `job_workflow_ref:...` alone) is
 *   `wildcard` too: every repository of the owner gets tokens with it. Subjects that name one
 *   repository (`repo:ORG/REPO`, `repository:ORG/REPO`, `repository_id:N`, `workflow_ref:ORG/REPO/...`)
 *   and pin a ref, environment or workflow (githubSubjectBreadth) are `exact`; one that names a
 *   repository and nothing more (`repo:ORG/REPO`, from a template of the repository claim alone)
 *   is `wildcard`: every run of every workflow of the repository, on any branch, gets it.
 * - A plain `subject` is compared exactly: "Wildcard characters aren't supported in any federated
 *   identity credential property value" (Microsoft Learn, workload identity federation
 *   considerations), so a `*` in it is a literal that no issuer puts in `sub`: `exact` (the
 *   credential admits nobody), with a note saying so.
 * - No subject and no expression: Entra requires one of them, so the subject was not read. For
 *   GitHub, GitLab and Terraform Cloud the credential may be a flexible one whose expression only
 *   Graph beta returns (the collector reads v1.0). `missing`, undecided.
 */
export function assessSubject(issuer: string, subject: string | undefined, expression: string | undefined): SubjectAssessment {
  if (expression !== undefined) {
    if (/\bmatches\b/i.test(expression) || expression.includes('*')) {
      return { match: 'wildcard', note: `claims-matching expression ${expression} admits many subjects` };
    }
    const subs = [...expression.matchAll(/claims\[\s*(['"])sub\1\s*\]\s+eq\s+(['"])(.*?)\2/gi)].map((m) => m[3]);
    if (subs.length === 0) {
      return { match: 'missing', note: `claims-matching expression ${expression} compares no sub claim; not judged`, undecided: true };
    }
    for (const sub of subs) {
      const plain = assessPlain(issuer, sub);
      if (plain.match !== 'exact') return { match: plain.match, note: `claims-matching expression ${expression}: ${plain.note}` };
    }
    return { match: 'exact', note: `claims-matching expression ${expression}` };
  }
  if (!subject) {
    return FLEXIBLE_ISSUERS.some((re) => re.test(issuer))
      ? { match: 'missing', note: 'no subject read: it may be a flexible credential, whose claimsMatchingExpression only Graph beta returns', undecided: true }
      : { match: 'missing', note: 'no subject read (Entra requires one)', undecided: true };
  }
  return assessPlain(issuer, subject);
}

function assessPlain(issuer: string, subject: string): SubjectAssessment {
  if (subject.includes('*')) {
    return { match: 'exact', note: `subject ${subject} is compared literally (Entra supports wildcards only in claimsMatchingExpression), so no token matches it` };
  }
  if (isGithubIssuer(issuer)) {
    const broad = githubSubjectBreadth(subject);
    if (broad?.breadth === 'pull-request') {
      return {
        match: 'wildcard',
        note: `subject ${subject} is issued to every pull-request workflow of ${broad.repo ?? 'the repositories it covers'} (forks too, when fork workflows run)`,
      };
    }
    if (broad?.breadth === 'owner') {
      return { match: 'wildcard', note: `subject ${subject} names no single repository, so every repository of the owner whose workflows get this subject can sign in` };
    }
    if (broad?.breadth === 'repository') {
      return { match: 'wildcard', note: `subject ${subject} names repository ${broad.repo} but no branch, tag, environment or workflow, so every workflow run of it, on any branch, can sign in` };
    }
  }
  return { match: 'exact', note: `subject ${subject}` };
}

/** GitHub Actions' issuer, or the same host with an enterprise's own path (GitHub Enterprise Cloud). */
export function isGithubIssuer(issuer: string): boolean {
  const i = issuer.replace(/\/+$/, '').toLowerCase();
  return i === GITHUB_ISSUER || /^https:\/\/token\.actions\.githubusercontent\.com\/[^/]+$/.test(i);
}

export function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}
