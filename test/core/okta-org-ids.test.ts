import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan, withOrgUrl } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { findingKeys } from '../helpers/finding-keys.js';

const ORG = 'https://northwind.okta.example';

const oktaFingerprints = (s: Snapshot) => findingKeys(scan(s).report.findings.filter((f) => f.provider === 'okta' || f.subject.id.startsWith('okta:')));

describe('Okta org URL in node ids', () => {
  it('the scheme and host are compared without letter case, and a trailing slash does not count', () => {
    expect(ids.oktaApp('HTTPS://Northwind.OKTA.example/', '0oa1')).toBe(ids.oktaApp(ORG, '0oa1'));
    expect(ids.crownJewel('okta', 'https://Northwind.okta.example', 'super-admin')).toBe(ids.crownJewel('okta', ORG, 'super-admin'));
    // Only the origin: ids of other providers are untouched.
    expect(ids.awsPrincipal('111122223333', 'arn:aws:iam::111122223333:role/Admin')).toBe('aws:111122223333:principal:arn:aws:iam::111122223333:role/Admin');
  });

  it('the same org written two ways gives the same findings and fingerprints', () => {
    const plain = oktaFingerprints(demoSnapshot());
    expect(plain.length).toBeGreaterThan(0);
    expect(oktaFingerprints(withOrgUrl('https://Northwind.Okta.Example/'))).toEqual(plain);
  });
});
