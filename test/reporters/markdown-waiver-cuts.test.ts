import { describe, it, expect } from 'vitest';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { CUT } from '../../src/reporters/sanitize.js';
import { finding, report } from '../ci/helpers.js';

/** The team's own waiver file can hold long owners and tickets; a cut must say so, as the table does. */
describe('Markdown waived rows: long owner and ticket', () => {
  const owner = `team-${'o'.repeat(CUT.name + 100)}`;
  const ticket = `SEC-${'9'.repeat(CUT.name + 100)}`;
  const md = renderMarkdown(report([finding({ status: 'waived', waiver: { reason: 'vendor', owner, ticket, expires: '2027-01-31' } })]));
  const row = md.split('\n').find((l) => l.includes('2027-01-31'))!;

  it('cuts the owner with a note saying how much was cut', () => {
    expect(row).toContain(`owner cut at ${CUT.name} of ${owner.length} characters`);
  });

  it('cuts the ticket with a note too', () => {
    expect(row).toContain(`ticket cut at ${CUT.name} of ${ticket.length} characters`);
  });

  it('keeps a short owner and ticket whole, with no note', () => {
    const short = renderMarkdown(report([finding({ status: 'waived', waiver: { reason: 'vendor', owner: 'marco', ticket: 'SEC-9', expires: '2027-01-31' } })]));
    expect(short).toMatch(/\| marco \| 2027-01-31 \| vendor \(SEC-9\) \|/);
    expect(short).not.toContain('cut at');
  });
});
