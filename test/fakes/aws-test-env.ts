/**
 * Test isolation for the AWS collector: no ambient AWS configuration, no proxies, no IMDS, and a
 * guard that fails any TCP connect to a non-loopback host (stray endpoint, IMDS probe, proxy).
 */
import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface AwsTestEnv {
  restore(): void;
  /** Non-loopback connects that the guard blocked. */
  blocked: string[];
}

export function isolateAwsEnv(): AwsTestEnv {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) {
    if (/^AWS_/i.test(key) || /^(HTTPS?|ALL|NO)_PROXY$/i.test(key)) delete process.env[key];
  }
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_CONFIG_FILE = '/nonexistent/nhiscan-test/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/nhiscan-test/credentials';

  const blocked: string[] = [];
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
    const first = args[0] as { host?: string; path?: string } | number | string;
    const host = typeof first === 'object' && first !== null ? first.host ?? (first.path ? 'localhost' : undefined) : typeof args[1] === 'string' ? args[1] : undefined;
    if (host !== undefined && !LOOPBACK.has(host)) {
      blocked.push(host);
      throw new Error(`network guard: connect to ${host} blocked`);
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  return {
    blocked,
    restore() {
      net.Socket.prototype.connect = original;
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    },
  };
}

/**
 * isolateAwsEnv around the tests of the enclosing describe block (or file): set up before the
 * first, restored after the last. `blocked` reads the guard's list of the current set-up.
 */
export function useIsolatedAwsEnv(): { readonly blocked: string[] } {
  let env: AwsTestEnv | undefined;
  beforeAll(() => {
    env = isolateAwsEnv();
  });
  afterAll(() => env?.restore());
  return {
    get blocked(): string[] {
      return env!.blocked;
    },
  };
}
