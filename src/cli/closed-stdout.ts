import { fstatSync, readSync, statSync } from 'node:fs';

/**
 * Whether standard output was closed when the process started (`nhiscan scan >&-`). Node does not
 * start with a closed descriptor 0, 1 or 2: it opens /dev/null read-write in its place, so every
 * write succeeds and the report is lost without a word. A shell's `> /dev/null` opens it
 * write-only, and reading it fails (EBADF); the descriptor Node opened reads (end of file at
 * once). Only /dev/null itself is tried, never a terminal, pipe or file. A caller that hands over
 * /dev/null opened read-write on purpose (Node's `stdio: 'ignore'`, Python's
 * `subprocess.DEVNULL`) looks the same from here and is taken as closed: the line it gets says
 * how to discard the output instead.
 */
export function stdoutClosedAtStart(): boolean {
  if (process.platform === 'win32') return false;
  try {
    const out = fstatSync(1);
    if (!out.isCharacterDevice() || out.rdev !== statSync('/dev/null').rdev) return false;
    readSync(1, Buffer.alloc(1), 0, 1, null);
    return true;
  } catch {
    return false;
  }
}
