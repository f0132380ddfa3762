import { describe, it, expect } from 'vitest';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { finding, report } from '../ci/helpers.js';
import type { PathHop } from '../../src/analysis/types.js';

function hop(over: Partial<PathHop> = {}): PathHop {
  return { from: 'a', fromName: 'ci-runner', to: 'b', toName: 'prod-admin', type: 'CAN_ASSUME', reason: 'trust policy allows it', hidden: false, conditional: false, provider: 'aws', ...over } as PathHop;
}

describe('--format markdown: what the per-section limits leave out is said', () => {
  it('paths past the limit are counted, not dropped silently', () => {
    const fs = Array.from({ length: 7 }, () => finding({ path: [hop()] }));
    const md = renderMarkdown(report(fs), { limitPerSeverity: 5 });
    const paths = md.slice(md.indexOf('### Paths'));
    expect(paths.split('\n').filter((l) => l.startsWith('- **'))).toHaveLength(5);
    expect(paths).toContain('- … and 2 more (see the JSON output).');
  });

  it('waived findings past the limit are counted, not dropped silently', () => {
    const waiver = { reason: 'vendor', owner: 'marco', expires: '2027-01-31' };
    const fs = Array.from({ length: 7 }, () => finding({ status: 'waived', waiver }));
    const md = renderMarkdown(report(fs), { limitPerSeverity: 5 });
    const waived = md.slice(md.indexOf('### Waived'));
    expect(waived.split('\n').filter((l) => l.startsWith('| entra'))).toHaveLength(5);
    expect(waived).toContain('… and 2 more (see the JSON or SARIF output).');
  });
});
