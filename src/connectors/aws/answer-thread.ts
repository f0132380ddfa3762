/**
 * The worker side of {@link startAnswerThread} (answer-pool.ts): reads each AWS account's
 * authorization details (and organization.json) from the snapshot folder itself, answers the account with the same pure
 * function the transform would call, and posts the answers back; then the cross-account links.
 * Each is taken only after claiming it, so the main thread can compute any this thread has not
 * reached yet itself.
 */
import { existsSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { readJson, ReadBuffer } from '../../cli/io.js';
import { createEvaluator, parseAuthorizationDetails, principalsOf } from '../../aws/index.js';
import type { PolicyDocument } from '../../aws/policy/document.js';
import { answerAccount, packAnswers } from './account-answers.js';
import { crossAccountState, linkCrossAccount, StepRecorder, type CrossAccountState } from './transform.js';
import { ACCOUNT_STATE, type AnswerThreadData } from './answer-protocol.js';
import { readAccountOrganization } from './transform-organization.js';

const data = workerData as AnswerThreadData;
lowerPriority();
const port: MessagePort = data.port;
const state = new Int32Array(data.state);
const now = new Date(data.now);
const sharedDocuments = new Map<string, PolicyDocument>();
const scratch = new ReadBuffer();

const n = data.files.length;
// What the cross-account pass needs of each account, kept only while every account is answered here.
const states: CrossAccountState[] = [];
let complete = true;
for (let i = 0; i < n; i++) {
  // Taken by the main thread already: it answers this account itself.
  if (Atomics.compareExchange(state, i, ACCOUNT_STATE.free, ACCOUNT_STATE.thread) !== ACCOUNT_STATE.free) {
    complete = false;
    states.length = 0;
    continue;
  }
  let done: number = ACCOUNT_STATE.failed;
  try {
    const model = parseAuthorizationDetails(readJson(data.files[i], scratch), { sharedDocuments, parsed: true });
    const organizationId = organizationOf(i);
    if (organizationId !== undefined) model.organizationId = organizationId;
    const evaluator = createEvaluator(model, { now });
    const answers = answerAccount(model, evaluator);
    const principals = principalsOf(model).map((p) => p.arn);
    port.postMessage({ index: i, value: packAnswers(answers, principals) ?? answers });
    done = ACCOUNT_STATE.posted;
    if (complete) states.push(crossAccountState({ account: data.accounts[i], model, evaluator, answers }));
  } catch {
    // Unreadable or invalid: the main thread answers the account itself and reports the problem
    // with the file and place, exactly as without this thread.
    complete = false;
    states.length = 0;
  }
  Atomics.store(state, i, done);
  Atomics.notify(state, i);
}

// The cross-account links, when every account was answered here (the main thread would need the
// others' states otherwise), recorded as the calls the transform would make on the graph.
if (Atomics.compareExchange(state, n, ACCOUNT_STATE.free, ACCOUNT_STATE.thread) === ACCOUNT_STATE.free) {
  let done: number = ACCOUNT_STATE.failed;
  if (complete) {
    try {
      const recorder = new StepRecorder();
      linkCrossAccount(recorder, states, now);
      port.postMessage({ index: n, value: recorder.ops });
      done = ACCOUNT_STATE.posted;
    } catch {
      // The main thread links them itself.
    }
  }
  Atomics.store(state, n, done);
  Atomics.notify(state, n);
}
port.close();
parentPort?.close();

/**
 * The organisation of the i-th account as the transform reads it (readAccountOrganization, on the
 * organization.json beside its authorization details and the manifest's record): the answers
 * depend on it (aws:PrincipalOrgID). A file that cannot be read or is invalid throws: the main
 * thread then answers the account, and reports the problem.
 */
function organizationOf(i: number): string | null | undefined {
  const account = data.accounts[i];
  const path = join(dirname(data.files[i]), 'organization.json');
  const files: Record<string, unknown> = existsSync(path) ? { [`aws/${account}/organization.json`]: readJson(path, scratch) } : {};
  return readAccountOrganization({ manifest: data.manifest, files, source: '' }, account, () => undefined).organizationId;
}

/**
 * Runs this thread at a lower scheduling priority (Linux: a thread has its own nice value), so
 * that the main thread, and the garbage collector's helpers that work for it, come first on a
 * busy core; this thread takes the time they leave. Elsewhere, or if refused, nothing changes.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: the thread runs at the process's priority.
  }
}
