import type { MessagePort } from 'node:worker_threads';
import type { Manifest } from '../../snapshot/snapshot.js';

/**
 * Per account, and for the cross-account links, one Int32 in shared memory says who computes it.
 * Both threads move a slot out of `free` only by compare-and-exchange, so exactly one of them does.
 */
export const ACCOUNT_STATE = {
  /** Nobody has started it. */
  free: 0,
  /** The answer thread is computing it. */
  thread: 1,
  /** The answer thread posted its answers on the port. */
  posted: 2,
  /** The main thread took it and computes it itself. */
  main: 3,
  /** The answer thread could not answer it (unreadable or invalid file): the main thread does, and reports why. */
  failed: 4,
} as const;

/** What the answer thread starts with. */
export interface AnswerThreadData {
  /** Absolute paths of the accounts' authorization-details.json, in the order the transform takes the accounts. */
  files: string[];
  /** The account id of each file. */
  accounts: string[];
  /**
   * The snapshot's manifest: its coverage records say whether each account's organization.json,
   * which the thread reads beside the authorization details, counts as read (readAccountOrganization).
   */
  manifest: Manifest;
  /** The snapshot's clock (collectedAt, as the transform reads it), in epoch milliseconds. */
  now: number;
  /** A SharedArrayBuffer of one Int32 per file and one for the cross-account links after them (ACCOUNT_STATE). */
  state: SharedArrayBuffer;
  port: MessagePort;
}
