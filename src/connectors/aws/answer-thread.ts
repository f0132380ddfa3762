/**
 * The worker side of {@link startAnswerThread} (answer-pool.ts): reads each AWS account's
 * authorization details from the snapshot folder itself, answers the account with the same pure
 * function the transform would call, and posts the answers back. Accounts are taken in the order
 * given, each only after claiming it, so the main thread can answer any account this thread has
 * not reached yet itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { readJson, ReadBuffer } from '../../cli/io.js';
import { createEvaluator, parseAuthorizationDetails } from '../../aws/index.js';
import type { PolicyDocument } from '../../aws/policy/document.js';
import { answerAccount } from './account-answers.js';
import { ACCOUNT_STATE, type AnswerThreadData } from './answer-protocol.js';

const data = workerData as AnswerThreadData;
const port: MessagePort = data.port;
const state = new Int32Array(data.state);
const now = new Date(data.now);
const sharedDocuments = new Map<string, PolicyDocument>();
const scratch = new ReadBuffer();

for (let i = 0; i < data.files.length; i++) {
  // Taken by the main thread already: it answers this account itself.
  if (Atomics.compareExchange(state, i, ACCOUNT_STATE.free, ACCOUNT_STATE.thread) !== ACCOUNT_STATE.free) continue;
  let done: number = ACCOUNT_STATE.failed;
  try {
    const model = parseAuthorizationDetails(readJson(data.files[i], scratch), { sharedDocuments });
    port.postMessage({ index: i, answers: answerAccount(model, createEvaluator(model, { now })) });
    done = ACCOUNT_STATE.posted;
  } catch {
    // Unreadable or invalid: the main thread answers the account itself and reports the problem
    // with the file and place, exactly as without this thread.
  }
  Atomics.store(state, i, done);
  Atomics.notify(state, i);
}
port.close();
parentPort?.close();
