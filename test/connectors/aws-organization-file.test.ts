import { describe, expect, it } from 'vitest';
import { transformAws } from '../../src/connectors/aws/transform.js';
import { GraphBuilder } from '../../src/graph/graph.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { InputError } from '../../src/errors.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';
import { ACCT, awsSnapshot } from '../helpers/aws-builders.js';

/** aws/<account>/organization.json as the scan reads it: the scope's organisation, its record, and bad input. */
function read(file: unknown, coverage: CoverageRecord[] = []) {
  const snapshot = awsSnapshot({ [ACCT]: { roles: [] } }, { coverage });
  if (file !== undefined) snapshot.files[`aws/${ACCT}/organization.json`] = file;
  const b = new GraphBuilder();
  transformAws(snapshot, b, DEFAULT_CONFIG);
  const g = b.build();
  return { scope: g.scopes.find((s) => s.id === ACCT)!, record: g.coverageRecord('aws', ACCT, 'aws.organization'), warnings: g.warnings };
}
const collected: CoverageRecord = { provider: 'aws', scope: ACCT, capability: 'aws.organization', status: 'collected' };

describe('aws/<account>/organization.json', () => {
  it('gives the scope its organisation, as aws organizations describe-organization prints it (other members ignored)', () => {
    const r = read({ Organization: { Id: 'o-abcdef1234', Arn: 'arn:aws:organizations::111122223333:organization/o-abcdef1234', FeatureSet: 'ALL', MasterAccountEmail: 'x@example.com' } });
    expect(r.scope.organizationId).toBe('o-abcdef1234');
    expect(r.record).toMatchObject({ status: 'collected' });
  });
  it('null: the account is in no organisation', () => {
    expect(read({ Organization: null }, [collected]).scope.organizationId).toBeNull();
  });
  it('neither file nor record: nothing said of it, and no record added', () => {
    const r = read(undefined);
    expect(r.scope).not.toHaveProperty('organizationId');
    expect(r.record).toBeUndefined();
  });
  it('a record of collected without the file is not believed: an error record and a warning, no organisation', () => {
    const r = read(undefined, [collected]);
    expect(r.scope).not.toHaveProperty('organizationId');
    expect(r.record).toMatchObject({ status: 'error', reason: `recorded as collected, but aws/${ACCT}/organization.json is not in the snapshot` });
    expect(r.warnings).toContain(`manifest.json records aws.organization (${ACCT}) as collected, but aws/${ACCT}/organization.json is not in the snapshot; it counts as not read`);
  });
  it('a failed read with a file present: the file is not read', () => {
    const r = read({ Organization: { Id: 'o-abcdef1234' } }, [{ ...collected, status: 'missing-permission', reason: 'AccessDenied' }]);
    expect(r.scope).not.toHaveProperty('organizationId');
    expect(r.record).toMatchObject({ status: 'missing-permission' });
  });
  it.each([
    [[], '$: expected an object with an "Organization" member (what aws organizations describe-organization prints)'],
    [{}, '$.Organization: expected an object, or null for an account in no organisation'],
    [{ Organization: 'o-abcdef1234' }, '$.Organization: expected an object, or null for an account in no organisation'],
    [{ Organization: {} }, '$.Organization.Id: expected a non-empty string'],
    [{ Organization: { Id: 'O-ABC' } }, '$.Organization.Id: expected an AWS organisation id (o- and 10 to 32 lower-case letters or digits)'],
  ])('refuses %j with one line naming the file and the place', (file, line) => {
    let err: unknown;
    try {
      read(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).oneLine()).toBe(`aws/${ACCT}/organization.json: ${line}`);
  });
});
