/**
 * An HTTP proxy on 127.0.0.1 that sits in front of one of the provider fakes and injects faults
 * into chosen requests. The fakes build paging links from the Host header, which the proxy
 * passes through, so links point back at the proxy and every page goes through it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What to do to a matching request. */
export type Fault =
  /** Answer this status without asking the fake (429, 500, 503 …), with optional headers and body. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Destroy the socket after half of the fake's answer was written (a reset mid-response). */
  | { kind: 'reset' }
  /** Never answer; only the client's timeout ends the request. */
  | { kind: 'hang' }
  /** Forward the fake's answer with its body cut in half (truncated JSON/XML). */
  | { kind: 'truncate' }
  /** Forward the fake's status and headers with this body instead (malformed JSON/XML). */
  | { kind: 'body'; body: string }
  /** Forward the fake's answer after `rewrite` changed its body (duplicates, empty pages). */
  | { kind: 'rewrite'; rewrite: (body: string) => string };

export interface FaultRule {
  /** Which requests: method, path with query, and the request body (form-encoded for AWS). */
  match: (req: { method: string; url: string; body: string; headers: IncomingMessage['headers'] }) => boolean;
  fault: Fault;
  /** Apply to this many matching requests, then pass the rest through. Default: all. */
  times?: number;
  /** Let this many matching requests through before the first fault. Default 0. */
  after?: number;
}

export interface FaultProxy {
  url: string;
  /** Faults actually injected, by rule index. */
  injected: number[];
  /** Requests seen (method and path with query). */
  seen: string[];
  close(): Promise<void>;
}

/** Starts a proxy to `upstream` (an http://127.0.0.1:port origin) applying `rules` in order. */
export async function startFaultProxy(upstream: string, rules: FaultRule[]): Promise<FaultProxy> {
  const target = new URL(upstream);
  const injected = rules.map(() => 0);
  const matched = rules.map(() => 0);
  const seen: string[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  const writeUpstream = (res: ServerResponse, up: { status: number; headers: IncomingMessage['headers'] }, body: Buffer | string): void => {
    const headers = { ...up.headers };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    delete headers.connection;
    res.writeHead(up.status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    seen.push(`${method} ${url}`);
    const text = body.toString('utf8');
    let fault: Fault | undefined;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (!rule.match({ method, url, body: text, headers: req.headers })) continue;
      matched[i]++;
      if (matched[i] <= (rule.after ?? 0)) break;
      if (rule.times !== undefined && injected[i] >= rule.times) break;
      injected[i]++;
      fault = rule.fault;
      break;
    }
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? '');
      return;
    }
    const up = await forward(req, body);
    if (!fault) return writeUpstream(res, up, up.body);
    if (fault.kind === 'body') return writeUpstream(res, up, fault.body);
    if (fault.kind === 'rewrite') return writeUpstream(res, up, fault.rewrite(up.body.toString('utf8')));
    if (fault.kind === 'truncate') {
      const half = up.body.subarray(0, Math.floor(up.body.length / 2));
      return writeUpstream(res, up, half);
    }
    // reset: promise the full length, send half, then kill the connection.
    const headers = { ...up.headers };
    delete headers['transfer-encoding'];
    res.writeHead(up.status, { ...headers, 'content-length': String(up.body.length) });
    res.write(up.body.subarray(0, Math.floor(up.body.length / 2)), () => res.socket?.destroy());
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    injected,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}
