import { afterAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { buildSarif } from '../../src/reporters/sarif.js';
import { renderTable } from '../../src/reporters/table.js';
import { shownScope } from '../../src/report/scope-shown.js';
import { copyDemo, readJsonFile, reportOf, scratch, writeJsonFile } from './demo-copy.js';

/*
 * A coverage record's scope is echoed in the report's coverage section. One that does not look
 * like an id of its provider (a URL with a token pasted into an Entra record, a key pasted into an
 * AWS one) may hold a secret: every format names it by what it is not, as the stray-scope warning
 * does; the ids (tenant GUIDs and domains, org URLs, 12-digit accounts, `caller`, `organization`,
 * `*`) print as written.
 */

const tmp = scratch('coverage-scope-shown');
afterAll(() => tmp.cleanup());

const SECRET = 's3cr3tT0ken';
const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';

describe('shownScope', () => {
  it('shows ids as written and hides anything else', () => {
    for (const [p, s] of [
      ['entra', TENANT],
      ['entra', 'contoso.onmicrosoft.com'],
      ['okta', 'https://acme.okta.com'],
      ['aws', '111122223333'],
      ['aws', 'caller'],
      ['aws', 'organization'],
      ['entra', '*'],
    ]) expect(shownScope(p, s)).toBe(s);
    expect(shownScope('entra', `https://x/?token=${SECRET}`)).toBe('a scope that is not a tenant id (not shown)');
    expect(shownScope('aws', `AKIA${SECRET}`)).toBe('a scope that is not an account id (not shown)');
    expect(shownScope('okta', `https://user:${SECRET}@acme.okta.com`)).toBe('a scope that is not an org URL (not shown)');
    // Near miss: `caller` is only the AWS collector's word.
    expect(shownScope('entra', 'caller')).toBe('a scope that is not a tenant id (not shown)');
  });
});

describe('the coverage section of a report with stray scopes', () => {
  const dir = copyDemo(tmp.dir, 'stray');
  const m = readJsonFile(dir, 'manifest.json');
  m.coverage.push({ provider: 'entra', scope: `https://x/?token=${SECRET}`, capability: 'entra.pim', status: 'error', reason: 'HTTP 500' });
  m.coverage.push({ provider: 'aws', scope: `AKIA${SECRET}`, capability: 'aws.iam', status: 'missing-permission' });
  writeJsonFile(dir, 'manifest.json', m);
  const report = reportOf(dir);

  it('names them by what they are not, in every format, and still shows the known ids', () => {
    const outputs = {
      table: renderTable(report, { color: false }),
      markdown: renderMarkdown(report),
      json: renderJson(report),
      sarif: JSON.stringify(buildSarif(report)),
    };
    for (const [format, text] of Object.entries(outputs)) {
      expect(text, format).not.toContain(SECRET);
      expect(text, format).toContain('a scope that is not a tenant id (not shown)');
      expect(text, format).toContain('a scope that is not an account id (not shown)');
      expect(text, format).toContain(TENANT);
    }
  });
});
