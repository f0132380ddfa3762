import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLiveResults } from '../../src/cli/live.js';
import { InputError } from '../../src/errors.js';
import { isolateAwsEnv, type AwsTestEnv } from '../fakes/aws-test-env.js';

/** Bad settings of `--aws`: one line naming the flag, exit 2 (InputError), before any request. */
let env: AwsTestEnv;
beforeAll(() => {
  env = isolateAwsEnv();
  // Should a check be missing, the collector's calls go to a closed loopback port, never to AWS.
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
  process.env.AWS_ACCESS_KEY_ID = 'AKIALIVEOPTIONS00001';
  process.env.AWS_SECRET_ACCESS_KEY = 'live-options-secret';
  process.env.AWS_MAX_ATTEMPTS = '1';
});
afterAll(() => {
  env.restore();
  expect(env.blocked).toEqual([]);
});

async function inputError(flags: Parameters<typeof collectLiveResults>[0]): Promise<string> {
  const err = await collectLiveResults(flags).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const line = (err as InputError).oneLine();
  expect(line).not.toMatch(/\n/);
  return line;
}

describe('live AWS flags', () => {
  it('names --aws-assume-role when the role name is not a valid IAM role name', async () => {
    expect(await inputError({ aws: true, awsAssumeRole: 'scan role; drop', awsAccounts: 'all' })).toMatch(/--aws-assume-role/);
  });

  it('names --aws-region when the region is not a region name', async () => {
    for (const region of ['not a region', 'us-east1', 'https://sts.example']) {
      expect(await inputError({ aws: true, awsRegion: region })).toMatch(/^--aws-region/);
    }
  });
});
