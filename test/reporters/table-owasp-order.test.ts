import { describe, it, expect } from 'vitest';
import { renderTable } from '../../src/reporters/table.js';
import { finding, report } from '../ci/helpers.js';

describe('the table summary lists OWASP categories in the Top 10\'s order', () => {
  it('NHI1 … NHI10, not NHI10 before NHI1 as the report\'s keys sort', () => {
    const fs = [finding({ owasp: ['NHI10:2025'] }), finding({ owasp: ['NHI2:2025', 'NHI1:2025'] }), finding({ owasp: ['NHI7:2025'] })];
    const r = report(fs);
    // The JSON summary's keys, sorted as text (scan.ts sortKeys).
    r.summary.byOwasp = { 'NHI10:2025': 1, 'NHI1:2025': 1, 'NHI2:2025': 1, 'NHI7:2025': 1 };
    const text = renderTable(r, { color: false });
    expect(text).toContain('\n  OWASP NHI: NHI1 1 · NHI2 1 · NHI7 1 · NHI10 1\n');
  });
});
