import { safeText } from '../reporters/sanitize.js';

/** Colour follows --color/--no-color, then NO_COLOR / FORCE_COLOR, then whether stdout is a terminal. */
export function useColor(flag: boolean | undefined, outputFile?: string): boolean {
  if (flag === true && process.argv.includes('--color')) return true;
  if (process.argv.includes('--no-color')) return false;
  if (outputFile) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}

/**
 * Progress lines go to stderr, and only when it is a terminal. Through the filter of every other
 * stderr line: the collectors compose them, but some name what a provider answered.
 */
export function progressFn(): ((msg: string) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (msg: string) => process.stderr.write(`\r\u001b[2K${safeText(msg, 1000)}`);
}
