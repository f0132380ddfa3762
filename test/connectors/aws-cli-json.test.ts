import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodePolicyDocument, formatCliDate, toCliJson } from '../../src/connectors/aws/cli-json.js';
import { classifyError, redact } from '../../src/connectors/aws/safe-error.js';

describe('CLI-shaped JSON from SDK output', () => {
  it('prints dates the way the AWS CLI does', () => {
    expect(formatCliDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02T03:04:05+00:00');
    expect(formatCliDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 7)))).toBe('2024-01-02T03:04:05.007000+00:00');
    expect(formatCliDate(new Date(Number.NaN))).toBeNull();
  });

  it('round-trips any URL-encoded JSON policy document', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        const encoded = encodeURIComponent(JSON.stringify(doc));
        expect(decodePolicyDocument(encoded)).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
    );
  });

  it('keeps already-decoded and malformed documents instead of dropping them', () => {
    expect(decodePolicyDocument('{"Version":"2012-10-17","Statement":[{"Sid":"100%"}]}')).toEqual({ Version: '2012-10-17', Statement: [{ Sid: '100%' }] });
    expect(decodePolicyDocument('%7Bnot json')).toBe('%7Bnot json');
    expect(decodePolicyDocument('%E0%A4%A')).toBe('%E0%A4%A');
  });

  it('decodes only policy document fields and drops SDK metadata', () => {
    const out = toCliJson({
      $metadata: { httpStatusCode: 200 },
      Description: '%7B%7D',
      Skipped: undefined,
      RolePolicyList: [{ PolicyName: 'p', PolicyDocument: '%7B%22a%22%3A1%7D' }],
      Created: new Date(Date.UTC(2020, 1, 3)),
    });
    expect(out).toEqual({
      Description: '%7B%7D',
      RolePolicyList: [{ PolicyName: 'p', PolicyDocument: { a: 1 } }],
      Created: '2020-02-03T00:00:00+00:00',
    });
  });
});

describe('safe coverage reasons', () => {
  it('removes secrets, key ids and control characters', () => {
    const text = 'key AKIAABCDEFGHIJKLMNOP and ASIAABCDEFGHIJKLMNOP secret s3cr3t-value-123\u001b[31m end';
    const out = redact(text, new Set(['s3cr3t-value-123']));
    expect(out).not.toMatch(/AKIA|ASIA|s3cr3t|\u001b/);
    expect(out).toContain('[redacted-key-id]');
    expect(redact('x'.repeat(1000), new Set()).length).toBe(400);
  });

  it('classifies denied, throttled and other failures', () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(classifyError('ListProfiles', denied, new Set())).toMatchObject({ ok: false, status: 'missing-permission' });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400, attempts: 6 } });
    expect(classifyError('X', throttled, new Set())).toMatchObject({ status: 'error', reason: expect.stringContaining('after 6 attempts') });
    const labelled = Object.assign(new Error('boom'), { name: 'ServiceFailure', nhiscanCall: 'GetCredentialReport' });
    expect(classifyError('GenerateCredentialReport', labelled, new Set())).toMatchObject({ status: 'error', reason: expect.stringMatching(/^GetCredentialReport: ServiceFailure/) });
  });
});
