/** Counters shared by every SDK client of one collection run. */
export interface RequestStats {
  /** HTTP attempts sent, retries included. */
  requests: number;
  /** Attempts after the first one of a command (`amz-sdk-request: attempt=N`, N > 1). */
  retries: number;
  /** Pages of list results received. */
  pages: number;
}

export function newRequestStats(): RequestStats {
  return { requests: 0, retries: 0, pages: 0 };
}

/** The part of a Smithy middleware stack we use; kept structural so old and new clients both fit. */
interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: string; name: string; priority?: string; override?: boolean }): void;
}

type Handler = (args: { request?: unknown }) => Promise<unknown>;
type Context = { commandName?: string };

/**
 * Counts every HTTP attempt. The deserialize step sits inside the retry middleware
 * (finalizeRequest step), so it runs once per attempt, including retries.
 */
export function countRequests(client: { middlewareStack: unknown }, stats: RequestStats): void {
  const middleware = (next: Handler): Handler => async (args) => {
    stats.requests += 1;
    const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers;
    const attempt = /attempt=(\d+)/.exec(headers?.['amz-sdk-request'] ?? '');
    if (attempt && Number(attempt[1]) > 1) stats.retries += 1;
    return next(args);
  };
  const stack = client.middlewareStack as MiddlewareStackLike;
  stack.add(middleware, { step: 'deserialize', name: 'nhiscanCountRequests', override: true });
  stack.add(labelErrors, { step: 'initialize', name: 'nhiscanLabelErrors', override: true });
}

/**
 * Tags every error with the API call that failed (e.g. `GenerateCredentialReport`), so coverage
 * reasons name the exact action whose permission is missing.
 */
const labelErrors = (next: Handler, context: Context): Handler => async (args) => {
  try {
    return await next(args);
  } catch (error) {
    if (error !== null && typeof error === 'object' && !('nhiscanCall' in error) && context.commandName) {
      Object.defineProperty(error, 'nhiscanCall', { value: context.commandName.replace(/Command$/, ''), enumerable: false });
    }
    throw error;
  }
};
