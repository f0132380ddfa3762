import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RolesAnywhereClient, type RolesAnywhereClientConfig } from '@aws-sdk/client-rolesanywhere';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { pipeline, Transform, type Readable } from 'node:stream';
import type { RequestSignals } from '../abort.js';
import { PacedRetryStrategy, type PacedRetryOptions, type SharedQuota } from './paced-retry.js';
import { countRequests, type RequestStats } from './request-stats.js';
import { MAX_RESPONSE_BYTES } from '../limits.js';

/** Static credentials or a provider function, as every SDK v3 client accepts them. */
export type AwsCredentials = NonNullable<IAMClientConfig['credentials']>;
export type AwsRetryStrategy = NonNullable<IAMClientConfig['retryStrategy']>;

/**
 * The credentials to hand the SDK clients, with every secret they carry added to `secrets` for
 * redaction. Credentials from a provider (the default chain: env, profile, SSO, IMDS) are only
 * known once resolved, so each resolution is remembered: error messages that echo them
 * (SignatureDoesNotMatch quotes the canonical request, x-amz-security-token included) are
 * redacted too.
 */
export function rememberingSecrets(given: AwsCredentials, secrets: Set<string>): AwsCredentials {
  const remember = (c: { secretAccessKey?: string; sessionToken?: string }): void => {
    if (c.secretAccessKey) secrets.add(c.secretAccessKey);
    if (c.sessionToken) secrets.add(c.sessionToken);
  };
  if (typeof given !== 'function') {
    remember(given);
    return given;
  }
  return async () => {
    const c = await given();
    remember(c);
    return c;
  };
}

/** How every client of one run is built. */
export interface ClientSettings {
  region: string;
  /** Overrides IAM, STS, Organizations and Roles Anywhere endpoints (tests point it at a fake). */
  endpoint?: string;
  /** Attempts per call, the first one included, for errors other than throttling (see defaultRetryStrategy). */
  maxAttempts: number;
  /** Backoff a throttled call may wait in all before it fails (see defaultRetryStrategy). Default 30 000 ms. */
  throttleBudgetMs?: number;
  /** Replaces defaultRetryStrategy (tests use a fixed short delay). */
  retryStrategy?: AwsRetryStrategy;
  /**
   * Tunables of the default strategy beyond its budget: doctor turns pacing off (it sends a
   * handful of requests, and a pacer's waits would not count toward its short budget); tests give
   * it a virtual clock and fixed jitter, and its overall allowance for every client of its check.
   * A `sleep` here replaces the run's stoppable one.
   */
  retryTuning?: Pick<PacedRetryOptions, 'pacing' | 'sleep' | 'random' | 'sharedThrottleBudget'>;
  /** Per-attempt timeout; a stalled answer becomes a retryable error. Default 120 000 ms. */
  requestTimeoutMs?: number;
  stats: RequestStats;
  /** Bytes of one answer read before it is given up as too large. Default MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  /**
   * What the run's IAM clients learn of IAM's quota, shared between its accounts (SharedQuota in
   * paced-retry.ts): set for a run of several accounts, whose quotas are the same service quota.
   */
  iamQuota?: SharedQuota;
  /**
   * The run's stop, handed out as one signal per call: once it aborts, no request is sent and
   * the ones in flight are cancelled (see `stoppable`).
   */
  stop?: RequestSignals;
}

/**
 * The retry strategy every client gets unless the caller passes one: PacedRetryStrategy
 * (paced-retry.ts). IAM's Throttling ("Rate exceeded") names no wait, so the strategy picks one: a
 * random delay between 0 and 25 ms x 2^(retries so far), at most 20 s ("full jitter", as AWS
 * recommends, from a much shorter start than the SDK's 1 s; 100 ms for errors other than
 * throttling), and a throttled call keeps retrying until
 * it has waited `throttleBudgetMs` (default 30 s) in all: patience counted in time, so a quota
 * that lasts is outlasted rather than given up on after a few short waits. Once the account
 * throttles, the client paces its sends at a rate it learns from the send times of its throttled
 * and successful requests (SendPacer in paced-retry.ts) and speeds up again with every success.
 * In a run of several accounts the IAM clients also share one quota (SharedQuota in
 * paced-retry.ts; see makeIamClient). Other retryable errors (5xx, timeouts)
 * end after `maxAttempts` attempts. Each client also holds a retry quota (the SDK's 500 tokens, 5
 * per throttled retry, refilled by successes): a client whose calls keep failing stops retrying.
 *
 * Measured against the local fake with 50 ms per request (bench/HISTORY.md, "Choosing the AWS
 * retry strategy", twelfth and thirteenth sessions): the SDK's adaptive mode paced a client at 0.5
 * requests a second after a throttle it had no rate for yet, which made one account with 3
 * throttled first pages take about 10 s; its standard mode took about 4 s there and, under a
 * lasting quota of 2 requests a second, twice adaptive's time with four times its throttled
 * answers; a short backoff without pacing or a wait budget lost capabilities under that quota.
 * This strategy took 1.4 to 1.9 s for that account (about the fixed 10 ms the bench once used),
 * and under the lasting quota collected everything with fewer throttled answers than standard
 * mode (17 to 31 against 44 in the same runs; adaptive 24).
 */
export function defaultRetryStrategy(maxAttempts: number, options: Omit<PacedRetryOptions, 'maxAttempts'> = {}): AwsRetryStrategy {
  return new PacedRetryStrategy({ ...options, maxAttempts });
}

/**
 * Region, credentials, endpoint and retries of every client. `adapt` fits the retry strategy to
 * a client generation (see forOldRetryMiddleware). Each client gets a default strategy of its
 * own, so one client's spent retry quota does not stop another account's retries.
 */
function commonConfig(settings: ClientSettings, credentials: AwsCredentials, adapt: (s: AwsRetryStrategy) => AwsRetryStrategy = (s) => s, own?: AwsRetryStrategy) {
  return {
    region: settings.region,
    credentials,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.retryStrategy
      ? { retryStrategy: adapt(settings.retryStrategy) }
      : // maxAttempts here only sets the attempt header the SDK sends; the strategy enforces it.
        { retryStrategy: adapt(own ?? defaultRetryStrategy(settings.maxAttempts, pacedOptions(settings))), maxAttempts: settings.maxAttempts }),
  };
}


/**
 * The default strategy's settings from the run's: its budget, and its waits (backoff and pacing)
 * made to end when the run stops. The SDK gives up on a call once its signal aborts, but a plain
 * timer would go on holding the process for up to 20 s after a stopped run.
 */
function pacedOptions(settings: ClientSettings): Omit<PacedRetryOptions, 'maxAttempts'> {
  const stop = settings.stop;
  return {
    ...(settings.throttleBudgetMs === undefined ? {} : { throttleBudgetMs: settings.throttleBudgetMs }),
    ...(stop ? { sleep: (ms: number) => stop.sleep(ms) } : {}),
    ...settings.retryTuning,
  };
}

/** The answer grew past the size cap while it was read. Not a transient error: the SDK does not retry it. */
class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
}

/**
 * The body of `body` passed through while it stays within `max` bytes. Past that, whoever reads it
 * gets ResponseTooLarge and the response is destroyed, which closes its connection instead of
 * draining it; an error of the response itself (the socket timeout's TimeoutError) reaches the
 * reader as it is, so it is still retried.
 */
function capBody(body: Readable, max: number): Readable {
  let size = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > max) done(new ResponseTooLarge(`the answer is larger than ${max} bytes; not read`));
      else done(null, chunk);
    },
  });
  pipeline(body, capped, () => undefined);
  return capped;
}

/**
 * The SDK's Node handler, with every answer's body capped (capBody). The SDK has no size limit of
 * its own; the handler is where the raw response stream is handed to it, before any middleware
 * (deserializers, our Marker peek) reads it.
 */
class CappedHttpHandler extends NodeHttpHandler {
  constructor(
    options: ConstructorParameters<typeof NodeHttpHandler>[0],
    private readonly maxBytes: number,
  ) {
    super(options);
  }

  override async handle(...args: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    const out = await super.handle(...args);
    const body = out.response.body as Readable | undefined;
    if (body && typeof body.pipe === 'function') out.response.body = capBody(body, this.maxBytes);
    return out;
  }
}

/**
 * Timeouts so a stalled connection turns into an error coverage record instead of a hang. The
 * Smithy handler only logs a warning when `requestTimeout` passes unless `throwOnRequestTimeout`
 * is set, and would then wait for the server forever.
 *
 * `requestTimeout` only covers the wait for the response headers: the handler clears it once they
 * arrive, so a body that stops half-way would be awaited forever. `socketTimeout` is an
 * inactivity timeout on the socket that stays armed while the body is read (in
 * @smithy/node-http-handler 4.x it destroys the response with a TimeoutError), so a silent body
 * ends like a silent server: a retryable TimeoutError, then an error record.
 */
function requestHandler(settings: ClientSettings): NodeHttpHandler {
  const requestTimeout = settings.requestTimeoutMs ?? 120_000;
  return new CappedHttpHandler(
    { connectionTimeout: Math.min(10_000, requestTimeout), requestTimeout, socketTimeout: requestTimeout, throwOnRequestTimeout: true },
    settings.maxResponseBytes ?? MAX_RESPONSE_BYTES,
  );
}

/**
 * Every command of `client` (paginators included, they call `send` too) gets a signal of its own
 * from the run's stop as its `abortSignal`: the HTTP handler cancels the request in flight, and
 * the retry loop refuses to send once it has aborted, retries included. The SDK registers on that
 * signal, and its handler lets go only at the socket's `close`, after the call may have settled;
 * the run's signal itself carries one listener for all calls (`requestSignals`), released per call
 * when it settles.
 */
function stoppable<C extends { send: (...args: never[]) => unknown }>(client: C, stop: RequestSignals | undefined): C {
  if (!stop) return client;
  const send = (client.send as (...args: unknown[]) => unknown).bind(client);
  (client as { send: unknown }).send = (command: unknown, options?: unknown, callback?: unknown): unknown => {
    // The callback forms are not used here; they are passed through as they are.
    if (typeof options === 'function' || callback !== undefined) return send(command, options, callback);
    const request = stop.request();
    return (send(command, { abortSignal: request.signal, ...(options as object | undefined) }) as Promise<unknown>).finally(request.done);
  };
  return client;
}

/**
 * An IAM client. In a run of several accounts its default strategy shares what it learns of the
 * quota with the run's other IAM clients (`iamQuota`), and tells them when it is closed: a client
 * held back for the run's first account must not wait for one that is gone.
 */
export function makeIamClient(settings: ClientSettings, credentials: AwsCredentials): IAMClient {
  const own = settings.retryStrategy || !settings.iamQuota ? undefined : new PacedRetryStrategy({ ...pacedOptions(settings), sharedQuota: settings.iamQuota, maxAttempts: settings.maxAttempts });
  const client = new IAMClient({ ...commonConfig(settings, credentials, undefined, own), requestHandler: requestHandler(settings) });
  countRequests(client, settings.stats);
  if (own) {
    const destroy = client.destroy.bind(client);
    client.destroy = () => {
      own.close();
      destroy();
    };
  }
  return stoppable(client, settings.stop);
}

export function makeStsClient(settings: ClientSettings, credentials: AwsCredentials): STSClient {
  const client = new STSClient({ ...commonConfig(settings, credentials), requestHandler: requestHandler(settings) });
  countRequests(client, settings.stats);
  return stoppable(client, settings.stop);
}

export function makeOrganizationsClient(settings: ClientSettings, credentials: AwsCredentials): OrganizationsClient {
  const client = new OrganizationsClient({ ...commonConfig(settings, credentials), requestHandler: requestHandler(settings) });
  countRequests(client, settings.stats);
  return stoppable(client, settings.stop);
}

/**
 * The old retry middleware calls `acquireInitialRetryToken(undefined)` (it has no partition id),
 * which current strategies reject; give them an empty scope instead.
 */
function forOldRetryMiddleware(strategy: AwsRetryStrategy): AwsRetryStrategy {
  if (!('acquireInitialRetryToken' in strategy)) return strategy;
  return {
    acquireInitialRetryToken: (scope: string) => strategy.acquireInitialRetryToken(scope ?? ''),
    refreshRetryTokenForRetry: (token, errorInfo) => strategy.refreshRetryTokenForRetry(token, errorInfo),
    recordSuccess: (token) => strategy.recordSuccess(token),
  };
}

/**
 * The pinned Roles Anywhere client is an older SDK generation; its config types differ from the
 * current ones only nominally, and its retry middleware accepts the same RetryStrategyV2 object.
 */
export function makeRolesAnywhereClient(settings: ClientSettings, credentials: AwsCredentials): RolesAnywhereClient {
  // The old client only takes a handler instance (a plain options object would be ignored and
  // leave it with no timeout at all, so a stalled Roles Anywhere answer would hang the scan);
  // requestHandler gives every client one.
  const config = {
    ...commonConfig(settings, credentials, forOldRetryMiddleware),
    requestHandler: requestHandler(settings),
  } as unknown as RolesAnywhereClientConfig;
  const client = new RolesAnywhereClient(config);
  countRequests(client, settings.stats);
  return stoppable(client, settings.stop);
}

/**
 * The SDK's `AWS_ENDPOINT_URL` (one endpoint for every service) is honoured by the current
 * clients but not by the older Roles Anywhere client this project can install, which would then
 * call the public endpoint. Passing it explicitly keeps every client on the same endpoint.
 */
export function sharedEndpointFromEnv(): string | undefined {
  const v = process.env.AWS_ENDPOINT_URL;
  return v && v.trim() !== '' ? v.trim() : undefined;
}
