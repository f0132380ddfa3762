import { describe, it, expect } from 'vitest';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';
import { renderRecertCsv } from '../../src/reporters/recert.js';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { identitySummary } from '../helpers/identity-summary.js';
import { report } from '../ci/helpers.js';

const rows = (csv: string) => parseCsv(csv, 'x');

describe('recert next_expiry of a federated trust', () => {
  it('is never for the demo\'s Entra federated credentials, as for its AWS OIDC trusts', () => {
    const sheet = rows(renderRecertCsv(scan(demoSnapshot()).report));
    const infra = sheet.find((r) => r.name === 'Infra Deployer')!;
    expect(infra.credential_types).toMatch(/^federated-oidc/);
    expect(infra.next_expiry).toBe('never');
    const awsTrusts = sheet.filter((r) => r.provider === 'aws' && /^federated-oidc/.test(r.credential_types));
    expect(awsTrusts.length).toBeGreaterThan(0);
    for (const r of awsTrusts) expect(r.next_expiry).toBe('never');
  });

  it('stays unknown for a secret whose expiry was not read (near miss)', () => {
    const i = identitySummary({ credentials: [{ type: 'client-secret', name: 's' }] });
    expect(rows(renderRecertCsv(report([], { identities: [i] })))[0].next_expiry).toBe('unknown');
  });
});
