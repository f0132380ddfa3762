import { describe, it, expect } from 'vitest';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { finding, report } from '../ci/helpers.js';

const HOSTILE = '@octocat https://evil.example www.evil.example mail@evil.example `tick` | pipe';

/** The Markdown with every code span removed: what GitHub and GitLab would scan for mentions and links. */
function outsideCode(md: string): string {
  return md.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

describe('--format markdown: provider names cannot ping people or add links', () => {
  const hop = { from: 'a', fromName: HOSTILE, to: 'b', toName: HOSTILE, type: 'FEDERATES_TO' as const, reason: `trust names ${HOSTILE}`, hidden: false, conditional: false, provider: 'aws' };
  const r = report(
    [
      finding({ name: HOSTILE, message: `client secret on ${HOSTILE}`, path: [hop] }),
      finding({ status: 'waived', name: HOSTILE, waiver: { reason: 'vendor', owner: 'marco', expires: '2027-01-31' } }),
    ],
    { coverage: [{ provider: 'okta', scope: 'https://x.okta.example', capability: 'okta.apiTokens', status: 'error', reason: `HTTP 500 from ${HOSTILE}` }] },
  );
  r.warnings = [`app ${HOSTILE} ignored`];
  const md = renderMarkdown(r);

  it('puts every provider-controlled string in a code span, where mentions and autolinks do not apply', () => {
    const outside = outsideCode(md);
    expect(outside).not.toContain('@');
    expect(outside).not.toMatch(/https?:|www\./i);
    // The names are all there, whole, inside the spans.
    expect(md.split('@octocat https://evil.example').length - 1).toBeGreaterThanOrEqual(6);
  });

  it('keeps tables to their six columns and code spans closed around backticks', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Rule'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(8);
    // A value with a single backtick is fenced by two, and the pipe is escaped for the table.
    expect(md).toContain('| ``@octocat https://evil.example www.evil.example mail@evil.example `tick` \\| pipe`` (');
  });

  it('puts the capability of a coverage record, which the snapshot manifest names, in a code span', () => {
    const gap = renderMarkdown(
      report([], { coverage: [{ provider: 'aws', scope: '111122223333', capability: 'aws.iam @octocat https://evil.example/login', status: 'error' }] }),
    );
    const line = gap.split('\n').find((l) => l.includes('octocat'))!;
    expect(line).toBe('- aws `111122223333` `aws.iam @octocat https://evil.example/login`: error');
    expect(outsideCode(gap)).not.toContain('@');
    expect(outsideCode(gap)).not.toMatch(/https?:/);
  });
});
