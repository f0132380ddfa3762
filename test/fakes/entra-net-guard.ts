import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);

/**
 * Makes every non-loopback TCP connect throw (fetch/undici, node:http, MSAL all go through
 * `net.Socket#connect`), and records what was attempted so a test can assert nothing leaked.
 */
export function installNetGuard(): { attempts: string[]; uninstall: () => void } {
  const original = net.Socket.prototype.connect;
  const attempts: string[] = [];
  net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
    // net.connect passes its normalized [options, callback] array as the first argument.
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const host = typeof first === 'object' && first !== null ? (first as { host?: string; path?: string }).host : (args[1] as string | undefined);
    const isPipe = typeof first === 'object' && first !== null && 'path' in first && !('host' in first);
    if (!isPipe && !LOOPBACK.has(host ?? 'localhost')) {
      attempts.push(String(host));
      throw new Error(`net guard: connection to ${String(host)} blocked`);
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return { attempts, uninstall: () => void (net.Socket.prototype.connect = original) };
}
