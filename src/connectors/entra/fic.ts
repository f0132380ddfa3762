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
 * - A flexible FIC (`claimsMatchingExpression`) is read clause by clause (flexibleClauses). A
 *   `sub` clause that names one subject (`eq`, or `matches` without `*`) pins it, and the
 *   credential is judged by that subject as a plain one would be; clauses on other claims only
 *   narrow. With `sub` matched only by patterns with `*`, or not at all but another claim matched
 *   by a pattern, it admits many subjects: `wildcard`. Text not of the documented shape is
 *   `wildcard` when it holds `matches` or `*`, else not judged.
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
    const clauses = flexibleClauses(expression);
    if (clauses === undefined) {
      // Not the documented shape: judged by its text, as broadly as it might read.
      if (/\bmatches\b/i.test(expression) || expression.includes('*')) {
        return { match: 'wildcard', note: `claims-matching expression ${expression} admits many subjects` };
      }
      return { match: 'missing', note: `claims-matching expression ${expression} could not be read; not judged`, undecided: true };
    }
    const subs = clauses.filter((c) => c.claim === 'sub');
    // Every clause must hold (they are joined by `and`): a clause on another claim
    // (job_workflow_ref, run_phase) only narrows, and one sub clause that names a single subject
    // (`eq`, or `matches` with no `*`, the language's wildcard) pins it whatever the others say.
    const pinned = subs.filter((c) => c.op === 'eq' || !c.value.includes('*'));
    if (pinned.length > 0) {
      const judged = pinned.map((c) => assessPlain(issuer, c.value));
      const best = judged.find((j) => j.match === 'exact') ?? judged[0];
      return { match: best.match, note: best.match === 'exact' ? `claims-matching expression ${expression}` : `claims-matching expression ${expression}: ${best.note}` };
    }
    if (subs.length > 0 || clauses.some((c) => c.op === 'matches')) {
      return { match: 'wildcard', note: `claims-matching expression ${expression} admits many subjects` };
    }
    return { match: 'missing', note: `claims-matching expression ${expression} compares no sub claim; not judged`, undecided: true };
  }
  if (!subject) {
    return FLEXIBLE_ISSUERS.some((re) => re.test(issuer))
      ? { match: 'missing', note: 'no subject read: it may be a flexible credential, whose claimsMatchingExpression only Graph beta returns', undecided: true }
      : { match: 'missing', note: 'no subject read (Entra requires one)', undecided: true };
  }
  return assessPlain(issuer, subject);
}

/** One `claims['<name>'] <op> '<comparand>'` clause of a flexible credential's expression. */
interface FlexibleClause {
  claim: string;
  op: 'eq' | 'matches';
  value: string;
}

const CLAUSE = /^claims\[\s*(['"])([^'"]*)\1\s*\]\s+(eq|matches)\s+(['"])(.*)\4$/i;

/**
 * The clauses of a flexible credential's expression (Microsoft Learn, "Flexible federated
 * identity credentials": a claim lookup `claims['<claimName>']`, the operator `eq` or `matches`
 * (whose comparand may hold `*`), a comparand in single quotes (double quotes are read alike),
 * clauses joined by `and`), or undefined when the text is not of that shape (an `or`, a quote
 * inside a comparand, another operator).
 */
export function flexibleClauses(expression: string): FlexibleClause[] | undefined {
  const out: FlexibleClause[] = [];
  // Split on `and` outside the single-quoted comparands.
  const parts: string[] = [];
  // The quote that opened the comparand being read (Microsoft's examples use single quotes).
  let quote = '';
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i];
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (/\s/.test(ch)) {
      const m = /^\s+and\s+/i.exec(expression.slice(i));
      if (m) {
        parts.push(expression.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  if (quote !== '') return undefined;
  parts.push(expression.slice(start));
  for (const part of parts) {
    const m = CLAUSE.exec(part.trim());
    if (!m) return undefined;
    // A comparand holding its own quote character is not of the documented shape.
    if (m[5].includes(m[4])) return undefined;
    out.push({ claim: m[2].toLowerCase(), op: m[3].toLowerCase() as FlexibleClause['op'], value: m[5] });
  }
  return out;
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
