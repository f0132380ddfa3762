import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { AccountAnswers } from './account-answers.js';
import type { AnswerJobs, AnswerMessage } from './answers-worker.js';

/** Below this much IAM data in all, a thread costs more than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;
/** How long the main thread waits for the worker without any message before doing the work itself. */
const STALL_MS = 120_000;

export type ParallelMode = 'auto' | 'always' | 'never';

/** Answers computed on a worker thread, taken synchronously by account. */
export interface AnswerSource {
  /** The answers for `account`, waiting for the worker if needed; undefined when it has none. */
  take(account: string): AccountAnswers | undefined;
  /** Stops the worker (it may still be working on accounts nobody will ask for). */
  close(): void;
}

/**
 * Starts a worker thread that computes the policy evaluator's answers for every AWS account of a
 * snapshot read from disk, so that the main thread can read and transform Entra and Okta
 * meanwhile. Undefined (the transform computes everything itself) when the snapshot was not read
 * from a folder, holds little IAM data (`auto`), or the worker's compiled file is not there (the
 * sources run under the test runner). The answers are the same either way: the same pure
 * function of the same files, used only when the file is unchanged since the snapshot was read.
 */
export function startAnswerWorker(snapshot: Snapshot, mode: ParallelMode): AnswerSource | undefined {
  if (mode === 'never' || !snapshot.disk) return undefined;
  const { dir, stats } = snapshot.disk;
  const jobs: AnswerJobs['jobs'] = [];
  let bytes = 0;
  for (const rel of Object.keys(stats).sort()) {
    const m = /^aws\/(\d{12})\/authorization-details\.json$/.exec(rel);
    if (!m) continue;
    jobs.push({ account: m[1], file: join(dir, ...rel.split('/')) });
    bytes += stats[rel].size;
  }
  if (jobs.length === 0 || (mode === 'auto' && bytes < WORKER_MIN_BYTES)) return undefined;
  const url = new URL('./answers-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return undefined;

  const signal = new SharedArrayBuffer(8);
  const counter = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    const data: AnswerJobs = { jobs, now: snapshot.manifest.collectedAt, port: port2, signal };
    worker = new Worker(url, { workerData: data, transferList: [port2] });
  } catch {
    port1.close();
    return undefined;
  }
  // Neither may keep the process alive once the scan is done.
  worker.unref();
  port1.unref();
  worker.on('error', () => undefined);

  const got = new Map<string, AnswerMessage>();
  const pending = new Set(jobs.map((j) => j.account));
  let received = 0;
  let closed = false;
  const drain = (): void => {
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      received++;
      const msg = m.message as AnswerMessage;
      got.set(msg.account, msg);
    }
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    port1.close();
    void worker.terminate();
  };
  return {
    take(account) {
      if (closed || !pending.has(account)) return undefined;
      pending.delete(account);
      let lastProgress = Date.now();
      while (!got.has(account)) {
        const before = received;
        drain();
        if (got.has(account)) break;
        if (received > before) lastProgress = Date.now();
        const posted = Atomics.load(counter, 0);
        if (posted === received) {
          // Nothing posted that is not read yet: done (and without this account), or still working.
          if (Atomics.load(counter, 1) === 1) break;
          Atomics.wait(counter, 0, posted, 1000);
        } else {
          // Posted but not yet visible on this side: look again shortly.
          Atomics.wait(counter, 0, posted, 1);
        }
        if (Date.now() - lastProgress > STALL_MS) {
          close();
          return undefined;
        }
      }
      const msg = got.get(account);
      got.delete(account);
      if (pending.size === 0) close();
      const stamp = snapshot.disk?.stats[`aws/${account}/authorization-details.json`];
      if (!msg?.answers || !msg.stamp || !stamp || msg.stamp.size !== stamp.size || msg.stamp.mtimeMs !== stamp.mtimeMs) return undefined;
      return msg.answers;
    },
    close,
  };
}
