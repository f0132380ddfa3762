/**
 * A local stand-in for IAM, STS, Organizations and IAM Roles Anywhere, good enough for the real
 * AWS SDK v3 clients: awsQuery (form POST, `Action=`, XML), awsJson1.1 (`X-Amz-Target`) and
 * REST-JSON. It only answers actions listed in docs/aws-readonly-policy.json, so a collector that
 * starts needing more privilege makes a test fail (see `refused`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { authorizationItemCount, FAKE_ORG_ID, type FakeAwsAccount, type Wire } from './aws-dataset.js';
import { IAM_XMLNS, queryError, queryResponse, STS_XMLNS } from './aws-xml.js';
import { holdUntil } from './latency.js';
import { writableAgain } from './backpressure.js';

export type CredentialReportError = 'ReportInProgress' | 'ReportNotPresent';

export interface FakeAwsOptions {
  /** The first account is the caller's own (management) account. */
  accounts: FakeAwsAccount[];
  /** The long-term key the tests sign with; it maps to `accounts[0]`. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Role name that `sts:AssumeRole` accepts in every account (default `nhiscan-readonly`). */
  assumableRoleName?: string;
  /** Accounts whose role refuses `sts:AssumeRole` (AccessDenied). */
  denyAssumeRoleInto?: string[];
  /** IAM may return fewer items than MaxItems: a cap per GetAccountAuthorizationDetails page. */
  pageSize?: number;
  /** A cap per ListRoles page (default `pageSize`). */
  listRolesPageSize?: number;
  /** From the second page on, ListRoles hands back the first page's Marker. */
  listRolesRepeatMarker?: boolean;
  /** ListRoles serves its first page again, under a new Marker, in place of its second page. */
  listRolesRepeatPage?: boolean;
  orgPageSize?: number;
  rolesAnywherePageSize?: number;
  /** Permission name (e.g. `iam:GetAccountAuthorizationDetails`) -> first N calls are throttled. */
  throttleFirst?: Record<string, number>;
  /** Permission name -> first N calls are answered HTTP 503 ServiceUnavailable (a server error). */
  serverErrorFirst?: Record<string, number>;
  /**
   * Every `every`-th IAM request of each account (counted per account, retries included) is
   * answered Throttling: a share of all IAM calls, as when another tool shares the account's quota.
   */
  throttleEvery?: number;
  /**
   * IAM's account-wide request quota as a token bucket per account: `perSecond` requests a second
   * on average, bursts of up to `burst`; a request that finds the bucket empty is answered
   * Throttling (IAM's answer carries no Retry-After) and takes no token.
   */
  iamRateLimit?: { perSecond: number; burst: number };
  /**
   * Permission names answered SignatureDoesNotMatch with the canonical request in the message,
   * as AWS does: its signed headers include `x-amz-security-token`, the session token.
   */
  signatureMismatch?: string[];
  /** Permission names answered with AccessDenied although the policy allows them. */
  deny?: string[];
  /** As `deny`, for the caller's own keys only: an assumed role's session may still call them. */
  denyUnassumed?: string[];
  credentialReport?: {
    /** Number of GenerateCredentialReport calls that answer STARTED/INPROGRESS before COMPLETE. */
    inProgressPolls?: number;
    /** Errors GetCredentialReport returns once the report is COMPLETE, one per call, in order. */
    getErrorsAfterComplete?: CredentialReportError[];
    neverReady?: boolean;
  };
  /**
   * Permission names answered HTTP 200 with this raw body instead of their result (an empty body,
   * a proxy's maintenance page): a malformed answer the SDK may parse into an empty output.
   */
  rawOkBody?: Record<string, string>;
  /** Past their last item, ListAccounts and ListTrustAnchors keep answering empty pages, each with a new token. */
  endlessEmptyTokenPages?: boolean;
  /** Past its last item, GetAccountAuthorizationDetails keeps answering empty pages, each with a new Marker. */
  endlessEmptyPages?: boolean;
  /** GetAccountAuthorizationDetails pages after the first say IsTruncated=true but carry no Marker. */
  truncatedWithoutMarker?: boolean;
  /** From the third page on, GetAccountAuthorizationDetails hands back the first page's Marker. */
  repeatMarker?: boolean;
  /**
   * GetAccountAuthorizationDetails's first Marker serves the first page again under a Marker of
   * its own, whose Marker then skips the second page (a server that lost its place).
   */
  repeatPage?: boolean;
  /**
   * Puts `<NhiscanDecoy><Marker>VALUE</Marker></NhiscanDecoy>` (an element the SDK ignores)
   * before the real Marker of every GetAccountAuthorizationDetails page, to show that a Marker
   * read from the raw XML is only used once the SDK's parse confirms it.
   */
  decoyMarker?: string;
  /**
   * Permission names answered with a 200 status, headers and the first bytes of the body, then
   * nothing more: the connection stays open, silent, until the fake closes.
   */
  stallBody?: string[];
  /**
   * Permission names answered 200 with a body of about this many bytes, chunked with no
   * Content-Length (the start of a real answer, then padding): far larger than any real page.
   */
  oversizedBody?: Record<string, number>;
  /**
   * GetAccountAuthorizationDetails never ends: every page is full (items start over from the
   * first once they run out) and carries a new Marker.
   */
  endlessPages?: boolean;
  /**
   * Each answer leaves this long after its request arrived: the fake builds the answer within that
   * time (see holdUntil), as a server whose answers take this long would, instead of adding its own
   * work on top.
   */
  latencyMs?: number;
}

export interface FakeAws {
  url: string;
  /** HTTP requests per permission name, throttled and refused ones included. */
  counts: Record<string, number>;
  /** Requests answered Throttling, whatever the reason (`throttleFirst`, `throttleEvery`, `iamRateLimit`). */
  throttled(): number;
  /**
   * Per permission name, the milliseconds from each Throttling answer to the next request of the
   * same permission in the same account, in order: the client's wait before its retry, as the
   * server saw it.
   */
  waitsAfterThrottle: Record<string, number[]>;
  totalRequests(): number;
  /** Actions asked for that the read-only policy does not grant. */
  refused: string[];
  /** Requests without a SigV4-looking Authorization header. */
  unsigned: number;
  /** MaxItems values sent with GetAccountAuthorizationDetails. */
  maxItemsSeen: string[];
  /** Oversized answers (`oversizedBody`) written to their end: the client read them through. */
  oversizedFinished(): number;
  close(): Promise<void>;
}

const POLICY_URL = new URL('../../docs/aws-readonly-policy.json', import.meta.url);
/** GetCallerIdentity needs no permission at all (AWS documents it as always allowed). */
const ALWAYS_ALLOWED = new Set(['sts:GetCallerIdentity']);
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

export function readOnlyActions(): Set<string> {
  const policy = JSON.parse(readFileSync(POLICY_URL, 'utf8')) as { Statement: Array<{ Action: string | string[] }> };
  const actions = new Set<string>();
  for (const statement of policy.Statement) {
    for (const action of [statement.Action].flat()) actions.add(action);
  }
  return actions;
}

interface Session {
  account: FakeAwsAccount;
  sessionToken?: string;
  accessKeyId: string;
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const encodeToken = (offset: number): string => Buffer.from(String(offset)).toString('base64');
/** The Marker under which `repeatPage` serves the first page again. */
const REPEAT_PAGE_MARKER = Buffer.from('again').toString('base64');
const decodeToken = (token: string | null | undefined): number => {
  if (!token) return 0;
  const offset = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw new ApiError('ValidationError', 400, 'Invalid Marker');
  return offset;
};

export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const allowed = readOnlyActions();
  const byAccountId = new Map(options.accounts.map((a) => [a.accountId, a]));
  const sessions = new Map<string, Session>([
    [options.credentials.accessKeyId, { account: options.accounts[0], accessKeyId: options.credentials.accessKeyId }],
  ]);
  const counts: Record<string, number> = {};
  let oversizedFinished = 0;
  const refused: string[] = [];
  const maxItemsSeen: string[] = [];
  const report = new Map<string, { generateCalls: number; getErrors: CredentialReportError[] }>();
  let unsigned = 0;
  let requestSeq = 0;
  let throttledCount = 0;
  const waitsAfterThrottle: Record<string, number[]> = {};
  const throttledAt = new Map<string, number>();
  const iamRequestsByAccount = new Map<string, number>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** Whether this IAM request of `accountId` is over `throttleEvery` or `iamRateLimit`. */
  const overIamQuota = (accountId: string): boolean => {
    const seen = (iamRequestsByAccount.get(accountId) ?? 0) + 1;
    iamRequestsByAccount.set(accountId, seen);
    if (options.throttleEvery && seen % options.throttleEvery === 0) return true;
    const limit = options.iamRateLimit;
    if (!limit) return false;
    const now = performance.now();
    const bucket = buckets.get(accountId) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    buckets.set(accountId, bucket);
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  };
  const roleName = options.assumableRoleName ?? 'nhiscan-readonly';

  const reportState = (accountId: string) => {
    let state = report.get(accountId);
    if (!state) {
      state = { generateCalls: 0, getErrors: [...(options.credentialReport?.getErrorsAfterComplete ?? [])] };
      report.set(accountId, state);
    }
    return state;
  };
  const reportComplete = (calls: number): boolean =>
    !options.credentialReport?.neverReady && calls > (options.credentialReport?.inProgressPolls ?? 0);

  function iamAction(action: string, params: URLSearchParams, session: Session): Record<string, unknown> {
    const account = session.account;
    switch (action) {
      case 'GetAccountAuthorizationDetails': {
        const maxItems = params.get('MaxItems');
        if (maxItems) maxItemsSeen.push(maxItems);
        const size = Math.min(Number(maxItems ?? 100), options.pageSize ?? Infinity);
        const again = options.repeatPage === true && params.get('Marker') === REPEAT_PAGE_MARKER;
        const start = again ? 0 : decodeToken(params.get('Marker'));
        const items: Array<[string, Wire]> = [
          ...account.users.map((u): [string, Wire] => ['UserDetailList', u]),
          ...account.groups.map((g): [string, Wire] => ['GroupDetailList', g]),
          ...account.roles.map((r): [string, Wire] => ['RoleDetailList', r]),
          ...account.policies.map((p): [string, Wire] => ['Policies', p]),
        ];
        const next = start + size;
        if (options.endlessPages) {
          const endless = Array.from({ length: Math.min(size, items.length) }, (_, k) => items[(start + k) % items.length]);
          const endlessLists: Record<string, Wire[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
          for (const [list, item] of endless) endlessLists[list].push(item);
          return { IsTruncated: true, Marker: encodeToken(next), ...endlessLists };
        }
        const page = items.slice(start, start + size);
        const truncated = next < authorizationItemCount(account);
        const lists: Record<string, Wire[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
        for (const [list, item] of page) lists[list].push(item);
        let marker = options.repeatMarker && start >= 2 * size ? encodeToken(size) : truncated ? encodeToken(next) : undefined;
        if (options.repeatPage && start === 0 && truncated) marker = again ? (2 * size < authorizationItemCount(account) ? encodeToken(2 * size) : undefined) : REPEAT_PAGE_MARKER;
        const decoy = options.decoyMarker === undefined ? {} : { NhiscanDecoy: { Marker: options.decoyMarker } };
        if (options.truncatedWithoutMarker && start > 0) return { ...decoy, IsTruncated: true, ...lists };
        if (options.endlessEmptyPages && !truncated) {
          return { ...decoy, IsTruncated: true, Marker: encodeToken(Math.max(start, authorizationItemCount(account)) + 1), ...lists };
        }
        return { ...decoy, IsTruncated: truncated || marker !== undefined, Marker: marker, ...lists };
      }
      case 'GenerateCredentialReport': {
        const state = reportState(account.accountId);
        state.generateCalls += 1;
        if (reportComplete(state.generateCalls)) return { State: 'COMPLETE' };
        return state.generateCalls === 1
          ? { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' }
          : { State: 'INPROGRESS' };
      }
      case 'GetCredentialReport': {
        const state = reportState(account.accountId);
        if (state.generateCalls === 0) throw new ApiError('ReportNotPresent', 410, 'Credential report does not exist');
        if (!reportComplete(state.generateCalls)) throw new ApiError('ReportInProgress', 404, 'Report is in progress');
        const queued = state.getErrors.shift();
        if (queued === 'ReportInProgress') throw new ApiError(queued, 404, 'Report is in progress');
        if (queued === 'ReportNotPresent') throw new ApiError(queued, 410, 'Credential report does not exist');
        return {
          Content: Buffer.from(account.credentialReportCsv, 'utf8').toString('base64'),
          ReportFormat: 'text/csv',
          GeneratedTime: new Date(Date.UTC(2024, 6, 1)),
        };
      }
      case 'ListOpenIDConnectProviders':
        return { OpenIDConnectProviderList: account.oidcProviders.map((p) => ({ Arn: p.Arn })) };
      case 'GetOpenIDConnectProvider': {
        const provider = account.oidcProviders.find((p) => p.Arn === params.get('OpenIDConnectProviderArn'));
        if (!provider) throw new ApiError('NoSuchEntity', 404, 'OpenIDConnect provider not found');
        return { Url: provider.Url, ClientIDList: provider.ClientIDList, ThumbprintList: provider.ThumbprintList, CreateDate: provider.CreateDate, Tags: [] };
      }
      case 'ListSAMLProviders':
        return { SAMLProviderList: account.samlProviders };
      case 'ListRoles': {
        // What IAM sends per role (no tags, RoleLastUsed or boundary), with MaxSessionDuration,
        // which the authorization details lack.
        const size = Math.min(Number(params.get('MaxItems') ?? 100), options.listRolesPageSize ?? options.pageSize ?? Infinity);
        const marked = decodeToken(params.get('Marker'));
        // The second page's Marker gets the first page again; its own Marker then goes on to the third.
        const again = options.listRolesRepeatPage === true && marked === size;
        const start = again ? 0 : marked;
        const next = again ? 2 * size : start + size;
        const Roles = account.roles.slice(start, start + size).map((r) => ({
          Path: r.Path,
          RoleName: r.RoleName,
          RoleId: r.RoleId,
          Arn: r.Arn,
          CreateDate: r.CreateDate,
          AssumeRolePolicyDocument: r.AssumeRolePolicyDocument,
          MaxSessionDuration: account.roleSessions?.[r.Arn as string] ?? 3600,
        }));
        const truncated = next < account.roles.length;
        const marker = options.listRolesRepeatMarker && start > 0 ? encodeToken(size) : truncated ? encodeToken(next) : undefined;
        return { Roles, IsTruncated: marker !== undefined, Marker: marker };
      }
      default:
        throw new ApiError('InvalidAction', 400, `Could not find operation ${action}`);
    }
  }

  function stsAction(action: string, params: URLSearchParams, session: Session): Record<string, unknown> {
    if (action === 'GetCallerIdentity') {
      const accountId = session.account.accountId;
      return session.sessionToken
        ? { Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/nhiscan`, UserId: `AROA${accountId}:nhiscan`, Account: accountId }
        : { Arn: `arn:aws:iam::${accountId}:user/scanner`, UserId: `AIDA${accountId}SCANNER`, Account: accountId };
    }
    if (action === 'AssumeRole') {
      const match = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(params.get('RoleArn') ?? '');
      const target = match ? byAccountId.get(match[1]) : undefined;
      if (!match || !target || match[2] !== roleName || options.denyAssumeRoleInto?.includes(match[1])) {
        throw new ApiError('AccessDenied', 403, `User: arn:aws:iam::${session.account.accountId}:user/scanner is not authorized to perform: sts:AssumeRole on resource: ${params.get('RoleArn')}`);
      }
      const accessKeyId = `ASIACANARY${target.accountId}`;
      const sessionToken = `CANARYSESSIONTOKEN${target.accountId}`;
      sessions.set(accessKeyId, { account: target, accessKeyId, sessionToken });
      return {
        Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: `CANARYSESSIONSECRET${target.accountId}`, SessionToken: sessionToken, Expiration: new Date(Date.now() + 3600_000) },
        AssumedRoleUser: { Arn: `arn:aws:sts::${target.accountId}:assumed-role/${roleName}/${params.get('RoleSessionName')}`, AssumedRoleId: `AROA${target.accountId}:${params.get('RoleSessionName')}` },
      };
    }
    throw new ApiError('InvalidAction', 400, `Could not find operation ${action}`);
  }

  function organizationsListAccounts(body: string): unknown {
    const input = body ? (JSON.parse(body) as { NextToken?: string }) : {};
    const start = decodeToken(input.NextToken);
    const size = options.orgPageSize ?? 20;
    const management = options.accounts[0].accountId;
    const page = options.accounts.slice(start, start + size).map((a) => ({
      Id: a.accountId,
      Arn: `arn:aws:organizations::${management}:account/${FAKE_ORG_ID}/${a.accountId}`,
      Email: `${a.name}@example.com`,
      Name: a.name,
      Status: a.state === 'CLOSED' ? 'SUSPENDED' : a.state,
      State: a.state,
      JoinedMethod: 'CREATED',
      JoinedTimestamp: Date.UTC(2020, 0, 1) / 1000,
    }));
    const next = start + size;
    return { Accounts: page, NextToken: next < options.accounts.length || options.endlessEmptyTokenPages ? encodeToken(next) : undefined };
  }

  /**
   * DescribeOrganization as Organizations answers it (JSON 1.1): the organisation of the calling
   * account, whose management account is the first account of that organisation; an account in
   * none gets AWSOrganizationsNotInUseException (HTTP 400).
   */
  function organizationsDescribe(session: Session): unknown {
    const id = session.account.organizationId === undefined ? FAKE_ORG_ID : session.account.organizationId;
    if (id === null) throw new ApiError('AWSOrganizationsNotInUseException', 400, 'Your account is not a member of an organization.');
    const management = options.accounts.find((a) => (a.organizationId === undefined ? FAKE_ORG_ID : a.organizationId) === id)!.accountId;
    return {
      Organization: {
        Id: id,
        Arn: `arn:aws:organizations::${management}:organization/${id}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${management}:account/${id}/${management}`,
        MasterAccountId: management,
        MasterAccountEmail: `owner-${management}@example.com`,
        AvailablePolicyTypes: [],
      },
    };
  }

  function rolesAnywhereList(kind: 'trustAnchors' | 'profiles', url: URL, session: Session): unknown {
    const start = decodeToken(url.searchParams.get('nextToken'));
    const size = Math.min(Number(url.searchParams.get('pageSize') ?? 50), options.rolesAnywherePageSize ?? Infinity);
    const all = session.account[kind];
    const next = start + size;
    return { [kind]: all.slice(start, next), nextToken: next < all.length || options.endlessEmptyTokenPages ? encodeToken(next) : undefined };
  }

  function sendError(res: ServerResponse, service: string, error: ApiError, requestId: string): void {
    if (service === 'iam' || service === 'sts') {
      res.writeHead(error.status, { 'content-type': 'text/xml' });
      res.end(queryError(error.code, error.message, requestId, service === 'sts' ? STS_XMLNS : undefined));
      return;
    }
    const type = error.code === 'AccessDenied' ? 'AccessDeniedException' : error.code === 'Throttling' ? 'ThrottlingException' : error.code;
    res.writeHead(error.code === 'Throttling' ? 429 : error.status === 403 ? 403 : error.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': type,
      'x-amzn-requestid': requestId,
    });
    res.end(JSON.stringify({ __type: type, message: error.message }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const requestId = `req-${++requestSeq}`;
    const arrived = performance.now();
    // When this answer leaves (the throttle clock below starts then, not when the fake decided).
    const leaves = options.latencyMs ? arrived + options.latencyMs : undefined;
    if (leaves !== undefined) holdUntil(res, leaves);
    const auth = SIGV4.exec(req.headers.authorization ?? '');
    if (!auth) {
      unsigned += 1;
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end(queryError('MissingAuthenticationToken', 'Request is missing Authentication Token', requestId));
      return;
    }
    const [, accessKeyId, , , service] = auth;
    const url = new URL(req.url ?? '/', 'http://fake');
    let action: string;
    let params = new URLSearchParams();
    if (service === 'iam' || service === 'sts') {
      params = new URLSearchParams(body);
      action = params.get('Action') ?? '(none)';
    } else if (service === 'organizations') {
      action = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '(none)';
    } else if (service === 'rolesanywhere') {
      action = req.method === 'GET' && url.pathname === '/trustanchors' ? 'ListTrustAnchors' : req.method === 'GET' && url.pathname === '/profiles' ? 'ListProfiles' : `${req.method} ${url.pathname}`;
    } else {
      action = '(unknown service)';
    }
    const permission = `${service}:${action}`;
    counts[permission] = (counts[permission] ?? 0) + 1;
    const waitKey = `${accessKeyId} ${permission}`;
    const throttledSince = throttledAt.get(waitKey);
    if (throttledSince !== undefined) {
      (waitsAfterThrottle[permission] ??= []).push(arrived - throttledSince);
      throttledAt.delete(waitKey);
    }

    try {
      const session = sessions.get(accessKeyId);
      if (!session) throw new ApiError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
      if (session.sessionToken && req.headers['x-amz-security-token'] !== session.sessionToken) {
        throw new ApiError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
      }
      if (!allowed.has(permission) && !ALWAYS_ALLOWED.has(permission)) {
        refused.push(permission);
        throw new ApiError('AccessDenied', 403, `not in the read-only policy: ${permission}`);
      }
      if (options.signatureMismatch?.includes(permission)) {
        const token = String(req.headers['x-amz-security-token'] ?? '');
        throw new ApiError(
          'SignatureDoesNotMatch',
          403,
          `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.\n\nThe Canonical String for this request should have been\n'POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:${req.headers.host}\nx-amz-security-token:${token}\n'`,
        );
      }
      if (options.deny?.includes(permission) || (!session.sessionToken && options.denyUnassumed?.includes(permission))) {
        // Echoes the caller's key id, as some AWS messages do, so the collector must redact it.
        throw new ApiError('AccessDenied', 403, `User with key ${accessKeyId} is not authorized to perform: ${permission}`);
      }
      if (counts[permission] <= (options.serverErrorFirst?.[permission] ?? 0)) {
        throw new ApiError('ServiceUnavailable', 503, 'Service is unable to handle request.');
      }
      if (counts[permission] <= (options.throttleFirst?.[permission] ?? 0) || (service === 'iam' && overIamQuota(session.account.accountId))) {
        throttledCount += 1;
        throttledAt.set(waitKey, Math.max(performance.now(), leaves ?? 0));
        throw new ApiError('Throttling', 400, 'Rate exceeded');
      }
      if (options.stallBody?.includes(permission)) {
        res.writeHead(200, { 'content-type': service === 'iam' || service === 'sts' ? 'text/xml' : 'application/json', 'content-length': '5000' });
        res.write(service === 'iam' || service === 'sts' ? `<${action}Response xmlns="${IAM_XMLNS}">` : '{"');
        return;
      }
      const oversized = options.oversizedBody?.[permission];
      if (oversized !== undefined) {
        const xml = service === 'iam' || service === 'sts';
        res.writeHead(200, { 'content-type': xml ? 'text/xml' : 'application/json' });
        res.write(xml ? `<${action}Response xmlns="${IAM_XMLNS}"><${action}Result>` : '{"trustAnchors":[');
        const chunk = xml ? `<!--${'x'.repeat(16 * 1024)}-->` : `{"name":"${'x'.repeat(16 * 1024)}"},`;
        // Stops writing once the client has gone, so a client that gives up early is not fed the rest.
        void (async () => {
          for (let sent = 0; sent < oversized && !res.destroyed; sent += chunk.length) {
            if (!res.write(chunk)) await writableAgain(res);
          }
          if (res.destroyed) return;
          oversizedFinished++;
          res.end(xml ? `</${action}Result></${action}Response>` : '{"name":"last"}]}');
        })();
        return;
      }
      const raw = options.rawOkBody?.[permission];
      if (raw !== undefined) {
        res.writeHead(200, { 'content-type': service === 'iam' || service === 'sts' ? 'text/xml' : 'application/json' });
        res.end(raw);
        return;
      }

      if (service === 'iam' || service === 'sts') {
        const result = service === 'iam' ? iamAction(action, params, session) : stsAction(action, params, session);
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(queryResponse(action, result, requestId, service === 'sts' ? STS_XMLNS : undefined));
        return;
      }
      const json =
        service === 'organizations'
          ? action === 'DescribeOrganization'
            ? organizationsDescribe(session)
            : organizationsListAccounts(body)
          : rolesAnywhereList(action === 'ListTrustAnchors' ? 'trustAnchors' : 'profiles', url, session);
      res.writeHead(200, { 'content-type': service === 'organizations' ? 'application/x-amz-json-1.1' : 'application/json', 'x-amzn-requestid': requestId });
      res.end(JSON.stringify(json));
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('InternalFailure', 500, 'fake failed');
      sendError(res, service, apiError, requestId);
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    throttled: () => throttledCount,
    waitsAfterThrottle,
    totalRequests: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    refused,
    get unsigned() {
      return unsigned;
    },
    maxItemsSeen,
    oversizedFinished: () => oversizedFinished,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

