import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSnapshot } from '../../scripts/gen/generate.js';
import type * as IoModule from '../../src/cli/io.js';
import type * as ScanModule from '../../src/scan.js';
import type * as AwsModule from '../../src/aws/index.js';
import type * as AnswersModule from '../../src/connectors/aws/account-answers.js';
import type * as TransformModule from '../../src/connectors/aws/transform.js';
import type * as ConfigModule from '../../src/config/types.js';
import type * as RulesModule from '../../rules/index.js';
import type * as ReportersModule from '../../src/reporters/index.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

// The answer thread runs compiled JavaScript (a worker cannot load the TypeScript sources), so
// this suite drives the build in dist/, as the CLI does; `npm test` builds first.
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const load = <T>(rel: string): Promise<T> => import(join(dist, rel)) as Promise<T>;

let io: typeof IoModule;
let scan: typeof ScanModule;
let aws: typeof AwsModule;
let answers: typeof AnswersModule;
let transform: typeof TransformModule;
let config: typeof ConfigModule;
let rules: typeof RulesModule;
let reporters: typeof ReportersModule;
let dir: string;
let accounts: string[];

beforeAll(async () => {
  expect(existsSync(join(dist, 'src/connectors/aws/answer-thread.js')), 'run `npm run build` first').toBe(true);
  [io, scan, aws, answers, transform, config, rules, reporters] = await Promise.all([
    load<typeof IoModule>('src/cli/io.js'),
    load<typeof ScanModule>('src/scan.js'),
    load<typeof AwsModule>('src/aws/index.js'),
    load<typeof AnswersModule>('src/connectors/aws/account-answers.js'),
    load<typeof TransformModule>('src/connectors/aws/transform.js'),
    load<typeof ConfigModule>('src/config/types.js'),
    load<typeof RulesModule>('rules/index.js'),
    load<typeof ReportersModule>('src/reporters/index.js'),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-answer-thread-'));
  writeSnapshot(dir, { identities: 1500, seed: 'answer-thread' });
  accounts = readdirSync(join(dir, 'aws')).sort();
  // One grant that only the snapshot's clock allows (from a day before it was collected), so an
  // answer computed with another clock differs.
  const collectedAt = Date.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).collectedAt);
  const file = join(dir, 'aws', accounts[0], 'authorization-details.json');
  const details = JSON.parse(readFileSync(file, 'utf8'));
  const first = details.RoleDetailList[0];
  details.RoleDetailList.push({
    ...first,
    RoleName: 'clock-test',
    RoleId: 'AROACLOCKTESTCLOCKTEST',
    Arn: first.Arn.replace(/role\/.*$/, 'role/clock-test'),
    InstanceProfileList: [],
    AttachedManagedPolicies: [],
    PermissionsBoundary: undefined,
    RolePolicyList: [
      {
        PolicyName: 'from-yesterday',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': new Date(collectedAt - 86_400_000).toISOString() } } }] },
      },
    ],
  });
  writeFileSync(file, JSON.stringify(details));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const forced = { awsAnswerThread: { minBytes: 0 } };

/** The answers the transform computes on its own thread for one account of `dir`. */
function localAnswers(account: string, now: Date): unknown {
  const raw = JSON.parse(readFileSync(join(dir, 'aws', account, 'authorization-details.json'), 'utf8'));
  const model = aws.parseAuthorizationDetails(raw);
  return answers.answerAccount(model, aws.createEvaluator(model, { now }));
}

function jsonReport(snapshot: Snapshot): string {
  const { report } = scan.scanSnapshot(snapshot, { now: new Date(snapshot.manifest.collectedAt), config: config.DEFAULT_CONFIG, rules: rules.allRules, version: 'test', releaseSnapshot: true });
  return [...reporters.renderChunks('json', { report }, { color: false })].join('');
}

describe('AWS answer thread', () => {
  it('answers every account as the main thread would, when the main thread waits for it', () => {
    expect(accounts.length).toBeGreaterThan(1);
    const snapshot = io.readSnapshotDir(dir, forced);
    const thread = snapshot.awsAnswers!;
    expect(thread).toBeDefined();
    thread.settle();
    const now = new Date(snapshot.manifest.collectedAt);
    for (const account of accounts) {
      const got = thread.take(account);
      // Every account came from the thread (none was left to the caller), equal to a local answer.
      expect(got, account).toBeDefined();
      expect(got).toEqual(localAnswers(account, now));
    }
    // Taken once: a second ask for the same account is the caller's to answer.
    expect(thread.take(accounts[0])).toBeUndefined();
    thread.close();
  });

  it("leaves an account to the caller when the thread's principals are not the caller's (the file changed between reads)", () => {
    const snapshot = io.readSnapshotDir(dir, forced);
    const thread = snapshot.awsAnswers!;
    thread.settle();
    const principalsOf = (account: string) => {
      const model = aws.parseAuthorizationDetails(JSON.parse(readFileSync(join(dir, 'aws', account, 'authorization-details.json'), 'utf8')));
      return [...model.users.values(), ...model.roles.values()].map((p) => p.arn);
    };
    expect(thread.take(accounts[0], principalsOf(accounts[0]).slice(1))).toBeUndefined();
    expect(thread.take(accounts[1], principalsOf(accounts[1]))).toBeDefined();
    // Its cross-account links rest on the answers the caller did not take: the caller links them.
    for (const account of accounts.slice(2)) thread.take(account);
    expect(thread.takeCrossAccount(accounts)).toBeUndefined();
    expect(thread.take('999999999999')).toBeUndefined();
    thread.close();
  });

  it('links the accounts across as the main thread would, only for the accounts it answered', () => {
    const now = new Date(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).collectedAt);
    const states = accounts.map((account) => {
      const model = aws.parseAuthorizationDetails(JSON.parse(readFileSync(join(dir, 'aws', account, 'authorization-details.json'), 'utf8')));
      const evaluator = aws.createEvaluator(model, { now });
      return transform.crossAccountState({ account, model, evaluator, answers: answers.answerAccount(model, evaluator) });
    });
    const local = new transform.StepRecorder();
    transform.linkCrossAccount(local, states, now);
    expect(local.ops.filter((op) => 'edge' in op).length).toBeGreaterThan(0);

    const thread = io.readSnapshotDir(dir, forced).awsAnswers!;
    thread.settle();
    for (const account of accounts) thread.take(account);
    // Another list of accounts (one not read, say): the caller links them itself.
    expect(thread.takeCrossAccount(accounts.slice(1))).toBeUndefined();
    thread.close();

    const again = io.readSnapshotDir(dir, forced).awsAnswers!;
    again.settle();
    for (const account of accounts) again.take(account);
    expect(again.takeCrossAccount(accounts)).toEqual(local.ops);
    again.close();
  });

  it('leaves accounts it has not started to the caller, and a scan gives the same report either way', () => {
    const plain = jsonReport(io.readSnapshotDir(dir));
    // Taken at once: the main thread claims what the thread has not reached and computes it.
    const raced = io.readSnapshotDir(dir, forced);
    expect(raced.awsAnswers).toBeDefined();
    expect(jsonReport(raced)).toBe(plain);
    // Waited for: every answer comes from the thread.
    const settled = io.readSnapshotDir(dir, forced);
    settled.awsAnswers!.settle();
    expect(jsonReport(settled)).toBe(plain);
  });

  it('gives nothing once closed', () => {
    const snapshot = io.readSnapshotDir(dir, forced);
    snapshot.awsAnswers!.settle();
    snapshot.awsAnswers!.close();
    for (const account of accounts) expect(snapshot.awsAnswers!.take(account)).toBeUndefined();
  });

  it('is not started below its size threshold', () => {
    expect(io.readSnapshotDir(dir, { awsAnswerThread: { minBytes: Number.MAX_SAFE_INTEGER } }).awsAnswers).toBeUndefined();
    expect(io.readSnapshotDir(dir).awsAnswers).toBeUndefined();
  });

  it('leaves an account whose file is invalid to the main thread, which reports it as without the thread', () => {
    const bad = mkdtempSync(join(tmpdir(), 'nhiscan-answer-thread-bad-'));
    try {
      writeSnapshot(bad, { identities: 600, seed: 'answer-thread-bad' });
      const victim = readdirSync(join(bad, 'aws')).sort()[0];
      const file = join(bad, 'aws', victim, 'authorization-details.json');
      // Valid JSON (the reader accepts it) that the authorization-details parser refuses.
      writeFileSync(file, JSON.stringify({ UserDetailList: 'not a list' }));
      const expected = (() => {
        try {
          jsonReport(io.readSnapshotDir(bad));
        } catch (e) {
          return e;
        }
        throw new Error('the scan without the thread did not fail');
      })() as Error & { file?: string; location?: string };
      expect(expected.file).toBe(`aws/${victim}/authorization-details.json`);
      const snapshot = io.readSnapshotDir(bad, forced);
      snapshot.awsAnswers!.settle();
      expect(snapshot.awsAnswers!.take(victim)).toBeUndefined();
      let got: (Error & { file?: string; location?: string }) | undefined;
      try {
        jsonReport(io.readSnapshotDir(bad, forced));
      } catch (e) {
        got = e as typeof got;
      }
      expect(got).toBeDefined();
      expect([got!.name, got!.message, got!.file, got!.location]).toEqual([expected.name, expected.message, expected.file, expected.location]);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  // The answers depend on the account's organisation (aws:PrincipalOrgID): the thread reads
  // organization.json as the transform does, and answers as the main thread would.
  it("reads each account's organization.json as the transform does", () => {
    const orgDir = mkdtempSync(join(tmpdir(), 'nhiscan-answer-thread-org-'));
    try {
      writeSnapshot(orgDir, { identities: 300, seed: 'answer-thread-org' });
      const names = readdirSync(join(orgDir, 'aws')).sort();
      const org = 'o-abcdefghij';
      writeFileSync(join(orgDir, 'aws', names[0], 'organization.json'), JSON.stringify({ Organization: { Id: org } }));
      const file = join(orgDir, 'aws', names[0], 'authorization-details.json');
      const details = JSON.parse(readFileSync(file, 'utf8'));
      details.RoleDetailList[0].RolePolicyList = [
        { PolicyName: 'in-org', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': org } } }] } },
      ];
      writeFileSync(file, JSON.stringify(details));
      const snapshot = io.readSnapshotDir(orgDir, forced);
      const thread = snapshot.awsAnswers!;
      thread.settle();
      const got = thread.take(names[0]);
      thread.close();
      expect(got).toBeDefined();
      const now = new Date(snapshot.manifest.collectedAt);
      const model = aws.parseAuthorizationDetails(details);
      const without = answers.answerAccount(model, aws.createEvaluator(model, { now }));
      model.organizationId = org;
      const withOrg = answers.answerAccount(model, aws.createEvaluator(model, { now }));
      expect(withOrg).not.toEqual(without);
      expect(got).toEqual(withOrg);
      expect(jsonReport(io.readSnapshotDir(orgDir, forced))).toBe(jsonReport(io.readSnapshotDir(orgDir)));
    } finally {
      rmSync(orgDir, { recursive: true, force: true });
    }
  });

  // The manifest check accepts a comma before the fraction (ISO 8601 allows it); the thread got
  // `new Date` of it, an invalid date, and gave up on every account with a policy clock in it.
  it('reads collectedAt as the transform does, in every form the manifest accepts', () => {
    const commaDir = mkdtempSync(join(tmpdir(), 'nhiscan-answer-thread-comma-'));
    try {
      writeSnapshot(commaDir, { identities: 300, seed: 'answer-thread-comma' });
      const manifest = JSON.parse(readFileSync(join(commaDir, 'manifest.json'), 'utf8'));
      const at = Date.parse(manifest.collectedAt);
      manifest.collectedAt = new Date(at).toISOString().replace(/\.(\d+)Z$/, ',$1Z');
      writeFileSync(join(commaDir, 'manifest.json'), JSON.stringify(manifest));
      const names = readdirSync(join(commaDir, 'aws')).sort();
      const file = join(commaDir, 'aws', names[0], 'authorization-details.json');
      const details = JSON.parse(readFileSync(file, 'utf8'));
      details.RoleDetailList[0].RolePolicyList = [
        { PolicyName: 'from-yesterday', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': new Date(at - 86_400_000).toISOString() } } }] } },
      ];
      writeFileSync(file, JSON.stringify(details));
      const snapshot = io.readSnapshotDir(commaDir, forced);
      const thread = snapshot.awsAnswers!;
      expect(thread).toBeDefined();
      thread.settle();
      const got = thread.take(names[0]);
      thread.close();
      expect(got).toBeDefined();
      const model = aws.parseAuthorizationDetails(details);
      expect(got).toEqual(answers.answerAccount(model, aws.createEvaluator(model, { now: new Date(at) })));
    } finally {
      rmSync(commaDir, { recursive: true, force: true });
    }
  });
});
