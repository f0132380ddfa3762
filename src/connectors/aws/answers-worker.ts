/**
 * Worker thread entry: computes the policy evaluator's answers for AWS accounts (see
 * account-answers.ts) from their files on disk, while the main thread reads and transforms the
 * other providers. One message per account, in the order given; after each, the shared counter
 * goes up so that the main thread, waiting synchronously, wakes.
 *
 * Anything that goes wrong (an unreadable file, invalid JSON, a model that does not parse)
 * yields `answers: undefined` for that account: the main thread then computes the answers itself,
 * and reports any input error with its usual one-line message.
 */
import { statSync } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { parseJson, readText } from '../../cli/io.js';
import { createEvaluator, parseAuthorizationDetails, type PolicyDocument } from '../../aws/index.js';
import { answerAccount, type AccountAnswers } from './account-answers.js';
import type { FileStamp } from '../../snapshot/snapshot.js';

/** What the main thread sends. */
export interface AnswerJobs {
  jobs: Array<{ account: string; file: string }>;
  /** The scan's clock, ISO. */
  now: string;
  port: MessagePort;
  /** Int32 [messages posted, worker finished (1)]. */
  signal: SharedArrayBuffer;
}

/** What the worker sends per account. */
export interface AnswerMessage {
  account: string;
  answers: AccountAnswers | undefined;
  /** Size and modification time of the file the answers come from. */
  stamp: FileStamp | undefined;
}

const { jobs, now, port, signal } = workerData as AnswerJobs;
const counter = new Int32Array(signal);
const sharedDocuments = new Map<string, PolicyDocument>();
try {
  for (const { account, file } of jobs) {
    let message: AnswerMessage;
    try {
      const stamp: FileStamp = { size: 0, mtimeMs: 0 };
      const text = readText(file, stamp);
      const model = parseAuthorizationDetails(parseJson(text, file), { sharedDocuments });
      const answers = answerAccount(model, createEvaluator(model, { now: new Date(now) }));
      // Unchanged while it was read: the stamp then describes exactly the text answered.
      const after = statSync(file);
      message = { account, answers: after.size === stamp.size && after.mtimeMs === stamp.mtimeMs ? answers : undefined, stamp };
    } catch {
      message = { account, answers: undefined, stamp: undefined };
    }
    port.postMessage(message);
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  }
} finally {
  Atomics.store(counter, 1, 1);
  Atomics.notify(counter, 0);
  port.close();
}
