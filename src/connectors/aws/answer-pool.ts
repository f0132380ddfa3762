import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { unpackAnswers, type AccountAnswers, type PackedAnswers } from './account-answers.js';
import type { StepOp } from './transform.js';
import { ACCOUNT_STATE, type AnswerThreadData } from './answer-protocol.js';
import type { Manifest } from '../../snapshot/snapshot.js';

/**
 * Below this many bytes of authorization details in all, the answers are computed on the main
 * thread: starting a thread costs more than it saves on a small estate.
 */
export const ANSWER_THREAD_MIN_BYTES = 16 * 1024 * 1024;

/**
 * The answer thread's young generation: semi-spaces of 16 MB growing to 48 MB. V8 sizes a new
 * isolate's heap from the process's flags when the isolate is made (a Worker's resourceLimits
 * do not override flags given to Node), so the thread got the 48-96 MB semi-spaces the CLI starts
 * Node with for the main thread's sake (node-flags.ts). It lives until the AWS transform ends,
 * where the main thread's heap is near its largest, and the 100,000-identity scan peaked there
 * (1,788-1,799 MB). Its work alone (every account of that estate, one process, two runs): peak
 * RSS 595-620 MB at 48/96, 439-442 MB at 16/48, 363-370 MB at 8/32; CPU within the noise of each
 * other (11.1-13.2 s), but 8/32 doubled the thread's full collections (3 to 7).
 */
export const ANSWER_THREAD_YOUNG_GENERATION_FLAGS: readonly string[] = ['--min-semi-space-size=16', '--max-semi-space-size=48'];

/**
 * If the thread makes no progress on an account for this long, the main thread stops waiting
 * and answers it itself (the thread may have died; a live thread answers one account of a large
 * estate in about a second).
 */
const STALL_MS = 120_000;

/**
 * The AWS policy evaluator's answers about each account (account-answers.ts), computed on a
 * second thread while the main thread reads the snapshot and transforms Entra and Okta. They are
 * a pure function of the account's authorization-details.json, its organization.json (with the
 * manifest's record of it) and the snapshot's clock, and the thread reads those files from the
 * folder itself, so nothing large is copied between threads but the answers. On the development machine's two cores this takes the largest single stage of a
 * 100,000-identity scan off the main thread (bench/HISTORY.md).
 */
export class AnswerThread {
  private readonly index = new Map<string, number>();
  private readonly state: Int32Array;
  private readonly received = new Map<number, unknown>();
  private closed = false;
  /** Every account asked so far was answered by the thread. */
  private allTaken = true;

  constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly accounts: readonly string[],
    state: SharedArrayBuffer,
  ) {
    accounts.forEach((a, i) => this.index.set(a, i));
    this.state = new Int32Array(state);
  }

  /**
   * The answers for an account, waiting while the thread computes them; undefined when the
   * caller should compute them itself (the thread has not reached the account, does not know it,
   * could not read it, or was closed). Either way the caller gets the same answers.
   * `principals`: the caller's ARNs of the account's users then roles; the answers then use
   * those strings rather than copies.
   */
  take(account: string, principals?: readonly string[]): AccountAnswers | undefined {
    const i = this.index.get(account);
    if (i === undefined || this.closed) return undefined;
    const answers = this.answersAt(i, principals);
    // The thread's cross-account links rest on its own answers for every account.
    if (!answers) this.allTaken = false;
    return answers;
  }

  private answersAt(i: number, principals: readonly string[] | undefined): AccountAnswers | undefined {
    const got = this.claim(i) as AccountAnswers | PackedAnswers | undefined;
    if (!got) return undefined;
    if (got.grants instanceof Int32Array) {
      const packed = got as PackedAnswers;
      // Answers about other principals than the caller's (the file changed between the two
      // reads): the caller computes its own.
      if (principals && !sameList(packed.edges.principals, principals)) return undefined;
      return unpackAnswers(packed, principals);
    }
    const plain = got as AccountAnswers;
    return principals && plain.grants.length !== principals.length ? undefined : plain;
  }

  /**
   * The cross-account links (linkCrossAccount) as recorded calls to replay, when the thread
   * answered exactly these accounts, in this order, and the caller took every answer from it;
   * otherwise undefined, and the caller links them itself.
   */
  takeCrossAccount(accounts: readonly string[]): StepOp[] | undefined {
    if (this.closed) return undefined;
    if (!this.allTaken || !sameList(accounts, this.accounts)) {
      // Tell the thread not to start them.
      Atomics.compareExchange(this.state, this.accounts.length, ACCOUNT_STATE.free, ACCOUNT_STATE.main);
      return undefined;
    }
    return this.claim(this.accounts.length) as StepOp[] | undefined;
  }

  /** Slot `i`'s result from the thread, waiting while it computes it; undefined if it is the caller's to compute. */
  private claim(i: number): unknown {
    const s = this.state;
    if (Atomics.compareExchange(s, i, ACCOUNT_STATE.free, ACCOUNT_STATE.main) === ACCOUNT_STATE.free) return undefined;
    let waited = 0;
    while (Atomics.load(s, i) === ACCOUNT_STATE.thread) {
      if (Atomics.wait(s, i, ACCOUNT_STATE.thread, 1000) === 'timed-out' && (waited += 1000) >= STALL_MS) {
        this.close();
        return undefined;
      }
    }
    if (Atomics.load(s, i) !== ACCOUNT_STATE.posted) return undefined;
    return this.receive(i);
  }

  /** Blocks until the thread is done with every account it did not leave to the caller (for tests). */
  settle(): void {
    // Every account and the cross-account links (the last slot).
    for (let i = 0; i < this.state.length; i++) {
      for (let v = Atomics.load(this.state, i); v === ACCOUNT_STATE.free || v === ACCOUNT_STATE.thread; v = Atomics.load(this.state, i)) {
        Atomics.wait(this.state, i, v, 50);
      }
    }
  }

  private receive(i: number): unknown {
    const hit = this.received.get(i);
    if (hit) {
      this.received.delete(i);
      return hit;
    }
    // The thread posts before it marks the slot posted, so the message is already queued.
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const { index, value } = m.message as { index: number; value: unknown };
      if (index === i) return value;
      this.received.set(index, value);
    }
    return undefined;
  }

  /** Stops the thread (the accounts it has not answered are answered by the caller). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.received.clear();
    this.port.close();
    void this.worker.terminate();
  }
}

/**
 * Starts the answer thread for a snapshot folder, or returns undefined when it would not pay
 * (little AWS data, or no compiled thread script, as when the sources run under the tests).
 * `now` is the clock the AWS transform reads (the manifest's collectedAt); `manifest` the snapshot's.
 */
export function startAnswerThread(dir: string, manifest: Manifest, now: Date, opts: { minBytes?: number } = {}): AnswerThread | undefined {
  const script = fileURLToPath(new URL('./answer-thread.js', import.meta.url));
  if (!existsSync(script)) return undefined;
  const awsDir = join(resolve(dir), 'aws');
  let names: string[];
  try {
    names = readdirSync(awsDir);
  } catch {
    return undefined;
  }
  const accounts: string[] = [];
  const files: string[] = [];
  let bytes = 0;
  // The same accounts, in the same order, as the transform: folders named by a 12-digit id,
  // sorted, with an authorization-details.json the snapshot reader would read (a plain file, or a
  // symbolic link to one: the reader follows links).
  for (const name of names.sort()) {
    if (!/^\d{12}$/.test(name)) continue;
    const file = join(awsDir, name, 'authorization-details.json');
    try {
      const st = statSync(file);
      if (!st.isFile()) continue;
      bytes += st.size;
    } catch {
      continue;
    }
    accounts.push(name);
    files.push(file);
  }
  if (accounts.length === 0 || bytes < (opts.minBytes ?? ANSWER_THREAD_MIN_BYTES)) return undefined;
  // One slot per account, and one for the cross-account links.
  const state = new SharedArrayBuffer(4 * (accounts.length + 1));
  const { port1, port2 } = new MessageChannel();
  const data: AnswerThreadData = { files, accounts, manifest, now: now.getTime(), state, port: port2 };
  // Read when the thread's isolate is made; the main thread's heap was sized when Node started,
  // and flags changed later do not resize it. A worker started after this one gets them too
  // (a scan starts no other).
  for (const f of ANSWER_THREAD_YOUNG_GENERATION_FLAGS) setFlagsFromString(f);
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: data, transferList: [port2] });
  } catch {
    port1.close();
    return undefined;
  }
  // Never keeps the process alive, and a failure inside it only means the main thread answers.
  worker.unref();
  worker.on('error', () => undefined);
  return new AnswerThread(worker, port1, accounts, state);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
